"""The built student site (``make book-student``, ``_build/student/html``) has no solution.

Every file of the site (pages, page sources, notebook downloads, search index, scripts) is
searched for every solution phrase and every line of reference-solution code (as defined in
``tests/student_leaks.py``); the same search over the teacher's site must find them (so
the search can fail). The student site has no teaching pages, shows its banner, and its
launch buttons open the notebooks of the student branch.

``make test`` builds the student site after the teacher's; without it these tests are
skipped, except under CI, where a missing student site is an error.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from student_leaks import leaks, solution_code_lines, solution_phrases, student_edition  # noqa: E402

STUDENT = ROOT / "_build" / "student" / "html"
TEACHER = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def student_site():
    if not (STUDENT / "index.html").is_file():
        message = f"no student site at {STUDENT}: run make book-student"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return STUDENT


@pytest.fixture(scope="module")
def needles():
    return solution_phrases(), solution_code_lines()


def test_no_solution_anywhere_in_the_student_site(student_site, needles):
    found = leaks(student_site, *needles)
    assert found == {}, f"solution text in the student site: {found}"


def test_the_search_finds_the_solutions_in_the_teachers_site(needles):
    if not (TEACHER / "index.html").is_file():
        pytest.skip("no teacher site: run make book")
    found = leaks(TEACHER, *needles)
    pages = {p for p in found if p.startswith("exercises/") and p.endswith(".html")}
    sources = {p for p in found if p.startswith("_sources/exercises/")}
    assert len(pages) == 9 and len(sources) == 9, sorted(found)


def test_no_teaching_pages_and_a_banner(student_site):
    assert not (student_site / "teaching").exists()
    assert not list(student_site.rglob("*handout*")) and not list(student_site.rglob("*instructors*"))
    index = (student_site / "intro.html").read_text(encoding="utf-8")
    assert student_edition.BANNER in index
    assert "instructors.html" not in index


def test_launch_buttons_open_the_student_branch(student_site):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    page = (student_site / "exercises" / "01_zero_and_symmetry.html").read_text(encoding="utf-8")
    binder = re.findall(r'href="(https://mybinder\.org/[^"]+)"', page)
    colab = re.findall(r'href="(https://colab\.research\.google\.com/[^"]+)"', page)
    branch = student_edition.BRANCH
    assert binder == [f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/exercises/01_zero_and_symmetry.ipynb"]
    assert colab == [f"https://colab.research.google.com/github/{repo}/blob/{branch}/exercises/01_zero_and_symmetry.ipynb"]
