"""The student edition's tree and branch contain no solution (``tools/student_edition.py``).

The tree is generated into a temporary folder from the current sources and searched for
every solution phrase and every line of reference-solution code (``tests/student_leaks.py``
says what counts); the same search over the teacher's exercise notebooks must find them all
(so the search can fail). Then: the package in the tree cannot import the reference
solutions; the table of contents has no teaching pages; the configuration sends the launch
buttons to the student branch; every exercise is still there. Finally the branch: in a
clone of the repository, ``student_edition.py branch`` commits the tree to ``student``: that
needs the teacher's site, so it is checked with the built sites, in
``tests/site/test_student_site.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import student_leaks
from student_leaks import ROOT, leaks, solution_code_lines, solution_phrases, student_edition


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return student_edition.write_tree(tmp_path_factory.mktemp("student") / "src")


@pytest.fixture(scope="module")
def phrases():
    found = solution_phrases()
    assert len(found) > 500, f"only {len(found)} solution phrases: the extraction is broken"
    return found


@pytest.fixture(scope="module")
def code_lines():
    lines = solution_code_lines()
    assert len(lines) > 30, f"only {len(lines)} lines of solution code: the extraction is broken"
    return lines


def test_the_search_finds_the_solutions_in_the_teachers_edition(phrases, code_lines):
    found = {f for f in leaks(ROOT / "exercises", phrases, set()) if "/" not in f}  # (not checkpoints)
    assert len(found) == len(list((ROOT / "exercises").glob("*.ipynb")))
    assert leaks(ROOT / "code" / "initlab" / "solutions", set(), code_lines)


def test_no_solution_in_the_tree(tree, phrases, code_lines):
    assert leaks(tree, phrases, code_lines) == {}


def test_the_trees_package_cannot_import_the_solutions(tree):
    script = ("import initlab, importlib.util; print(initlab.__file__); "
              "print(importlib.util.find_spec('initlab.solutions'))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(tree / "code")}, cwd=tree)
    assert out.returncode == 0, out.stderr
    where, spec = out.stdout.split()
    assert Path(where).is_relative_to(tree) and spec == "None"
    assert not (tree / "code" / "initlab" / "solutions").exists()


def test_nothing_for_teachers_in_the_tree(tree):
    assert not (tree / "teaching").exists() and not (tree / "tests").exists()
    toc = yaml.safe_load((tree / "_toc.yml").read_text(encoding="utf-8"))
    files = json.dumps(toc)
    assert "teaching/" not in files and student_edition.TEACHER_PART not in files
    assert "teacher-only" not in (tree / "intro.md").read_text(encoding="utf-8")
    assert "For teachers" in (ROOT / "intro.md").read_text(encoding="utf-8")  # (the teacher's has it)


def test_launch_buttons_open_the_student_branch(tree):
    config = yaml.safe_load((tree / "_config.yml").read_text(encoding="utf-8"))
    main = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["repository"]["branch"] == student_edition.BRANCH
    assert config["repository"]["url"] == main["repository"]["url"]
    assert config["sphinx"]["config"]["hide_solutions"] is True
    assert config["html"]["announcement"] == student_edition.BANNER


def test_every_exercise_is_still_there_and_says_where_the_solutions_are(tree):
    import nbformat

    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        teacher = path.read_text(encoding="utf-8")
        student_path = tree / "exercises" / path.name
        nb = nbformat.read(student_path, as_version=4)
        nbformat.validate(nb)
        student = "".join("".join(c.source) for c in nb.cells)
        assert student.count("{exercise}") == teacher.count("{exercise}") > 0
        assert "{solution}" not in student
        assert student_edition.SOLUTIONS_SENTENCE in teacher, f"{path.name}: the solutions sentence changed"
        assert student.count(student_edition.STUDENT_SENTENCE) == 1 and student_edition.SOLUTIONS_SENTENCE not in student


def test_strip_markdown_removes_nested_fences_and_only_them():
    text = ("Before.\n\n````{solution} ex-a\n:class: dropdown\n\nText.\n```{literalinclude} x.py\n```\n````\n\n"
            "```{exercise} Next\n:label: ex-b\nStatement.\n```\n\n:::{solution} ex-b\nColon.\n:::\nAfter.\n")
    out = student_edition.strip_markdown(text)
    assert out == "Before.\n\n```{exercise} Next\n:label: ex-b\nStatement.\n```\n\nAfter.\n"
