"""The built student site (``make book-student``, ``_build/student/html``) has no solution.

Every file of the site (pages, page sources, notebook downloads, search index, scripts) is
searched for every solution phrase and every line of reference-solution code (as defined in
``tests/student_leaks.py``); the same search over the teacher's site must find them (so
the search can fail). The student site has no teaching pages, shows its banner, and its
launch buttons open the notebooks of the student branch.

The student branch (``student_edition.py branch``, which needs the teacher's site): its
notebooks have no role or glue key left that JupyterLab would show raw, every number put in
for a ``{glue:text}`` is the one the teacher's site shows on that page, and, made in a
clone of the repository, the branch holds exactly the tree, with no solution.

``make test`` builds the student site after the teacher's; without it these tests are
skipped, except under CI, where a missing student site is an error.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from student_leaks import leaks, normalize, solution_code_lines, solution_phrases, student_edition  # noqa: E402

sys.path.insert(0, str(ROOT / "tools"))
import jupyter_edition  # noqa: E402

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


@pytest.fixture(scope="module")
def jupyter_tree(tmp_path_factory):
    if not (TEACHER / "index.html").is_file():
        message = "no teacher site: run make book"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    tree = student_edition.write_tree(tmp_path_factory.mktemp("branch") / "src")
    assert student_edition.for_jupyter(tree, TEACHER) == 19
    return tree


ROLES = re.compile(r"\{(glue|glue:text|ref|numref|prf:ref|eq|cite|cite:t|cite:p|doc)\}`")


def test_branch_notebooks_have_no_raw_roles(jupyter_tree, needles):
    raw = {}
    for path in sorted(jupyter_tree.rglob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        hits = [m.group(0) for c in cells if c["cell_type"] == "markdown" for m in ROLES.finditer("".join(c["source"]))]
        if hits:
            raw[path.relative_to(jupyter_tree).as_posix()] = hits[:3]
    assert raw == {}
    assert leaks(jupyter_tree, *needles) == {}


def test_branch_glue_values_are_the_sites(jupyter_tree):
    # Every {glue:text} of a (stripped) teacher notebook, formatted as in the branch, must be
    # on the teacher's page of that notebook.
    checked = 0
    for path in sorted(jupyter_tree.rglob("*.ipynb")):
        rel = path.relative_to(jupyter_tree)
        cells = json.loads((ROOT / rel).read_text(encoding="utf-8"))["cells"]
        text = "".join(student_edition.strip_markdown("".join(c["source"])) for c in cells if c["cell_type"] == "markdown")
        branch = "".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
        page = (TEACHER / rel.with_suffix(".html")).read_text(encoding="utf-8")
        page_text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
        names = jupyter_edition.GLUE_ROLE.findall(text)
        if not names:
            continue
        values = jupyter_edition.glued_values(nbformat.read(ROOT / rel, as_version=4), (ROOT / rel).parent)
        for name, spec in names:
            shown = jupyter_edition.format_glued(values[name], spec)
            assert shown in branch, f"{rel}: {name} = {shown!r} is not in the branch notebook"
            assert shown in page_text, f"{rel}: {name} = {shown!r} is not on the teacher's page"
            checked += 1
    assert checked > 100  # (most glued numbers are in the solutions, which the branch drops)


def test_the_branch_holds_the_tree(tmp_path, jupyter_tree):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # The generator under test is the working copy's (the clone has the last commit's).
    for tool in ("student_edition.py", "jupyter_edition.py"):
        shutil.copy2(ROOT / "tools" / tool, clone / "tools" / tool)
    subprocess.run(["git", "add", "tools"], cwd=clone, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-a", "--allow-empty",
                    "-m", "generator under test"], cwd=clone, check=True)
    build = ["--site", str(TEACHER), "--cache", str(ROOT / "_build" / ".jupyter_cache")]
    out = subprocess.run([sys.executable, "tools/student_edition.py", "branch", *build], cwd=clone,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    listed = subprocess.run(["git", "ls-tree", "-r", "--name-only", "student"], cwd=clone,
                            capture_output=True, text=True, check=True).stdout.split()
    tree = clone / "_build" / "student" / "src"
    on_disk = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert listed == on_disk
    assert not any(p.startswith(("code/initlab/solutions/", "teaching/", "tests/")) for p in listed)
    # The main branch and the work tree of the clone are untouched.
    status = subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True).stdout
    assert status == ""
    # A second run adds a commit on top of the first.
    subprocess.run([sys.executable, "tools/student_edition.py", "branch", *build], cwd=clone, check=True,
                   capture_output=True, timeout=300)
    count = subprocess.run(["git", "rev-list", "--count", "student"], cwd=clone, capture_output=True,
                           text=True).stdout.strip()
    assert count == "2"
