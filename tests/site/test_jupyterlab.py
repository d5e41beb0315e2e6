"""The notebooks in the real client: JupyterLab with jupyterlab-myst, as on Binder.

A JupyterLab server is started from the book's environment (``requirements.txt`` pins
JupyterLab and jupyterlab-myst, the versions known to work together) on a temporary copy of
the teacher's notebooks and of the student branch's notebooks, and opened in Chromium:

* a teacher's exercise notebook shows its MyST rendered (exercise boxes, KaTeX
  mathematics, no raw directive fences) and every solution folded;
* the student edition's notebook has no solution and no unresolved reference or glue key;
* *Run all* in a student's notebook stops at the first unanswered prediction
  (``initlab.course.reveal_after``) with its one-line message, and leaves the cells after it
  unrun;
* in chapter 2, after *Run all*, moving the explorer's slider with the keyboard changes its
  picture.

The server's kernels run without ``INITLAB_SHOW_ALL`` (as a student's do).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import student_edition  # noqa: E402
from labserver import lab_server, open_notebook, run_all  # noqa: E402

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    teacher_site = ROOT / "_build" / "html"
    if not (teacher_site / "index.html").is_file():
        message = "no teacher site (the student notebooks need it): run make book"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("lab")
    for folder in ("chapters", "exercises"):
        shutil.copytree(ROOT / folder, root / "teacher" / folder)
    student_edition.write_tree(root / "student")
    student_edition.for_jupyter(root / "student", teacher_site)
    with lab_server(root) as base:
        yield base


def _open(browser, base, path):
    return open_notebook(browser, base, path)


def _rendered_notebook(browser, base, path) -> dict:
    """Open ``path`` in its own page, read what it renders (:func:`_rendered`), close it."""
    page = _open(browser, base, path)
    try:
        return _rendered(page)
    finally:
        page.close()


def _rendered(page) -> dict:
    # Only the notebook on show (window.jupyterapp.shell.currentWidget), not other tabs.
    return page.evaluate("""() => {
        const root = window.jupyterapp.shell.currentWidget.node;
        const all = (sel) => root.querySelectorAll(sel);
        const cells = [...all('.jp-MarkdownCell .jp-RenderedMarkdown, .jp-MarkdownCell .myst')];
        return {
            text: cells.map(c => c.innerText).join('\\n'),
            myst: all('.jp-MarkdownCell .myst').length,
            katex: all('.jp-MarkdownCell .katex').length,
            details: all('.jp-MarkdownCell details').length,
            open: all('.jp-MarkdownCell details[open]').length,
            notFound: all('.jp-MarkdownCell [title="Cross Reference Not Found"]').length,
        }; }""")


def _solutions(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum("".join(c["source"]).count("{solution}") for c in cells if c["cell_type"] == "markdown")


def test_teacher_notebook_renders_myst_with_solutions_folded(browser, lab):
    seen = _rendered_notebook(browser, lab, "teacher/exercises/01_zero_and_symmetry.ipynb")
    expected = _solutions(ROOT / "exercises" / "01_zero_and_symmetry.ipynb")
    assert seen["myst"] > 0 and seen["katex"] > 10, seen
    assert "```{" not in seen["text"] and "{exercise}" not in seen["text"] and "$$" not in seen["text"]
    assert "Exercise" in seen["text"] and "Solution to Exercise" in seen["text"]
    assert seen["details"] == expected > 0 and seen["open"] == 0, seen


def test_student_notebook_has_no_solution_and_no_raw_keys(browser, lab):
    seen = _rendered_notebook(browser, lab, "student/exercises/08_training_experiment.ipynb")
    assert seen["myst"] > 0 and seen["details"] == 0, seen
    assert "Solution" not in seen["text"]
    assert seen["notFound"] == 0, "references JupyterLab cannot resolve"
    assert "{glue" not in seen["text"] and "{ref}" not in seen["text"] and "{cite}" not in seen["text"]
    assert student_edition.STUDENT_SENTENCE in " ".join(seen["text"].split())


_CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets.map(w => ({
    type: w.model.type,
    source: w.model.sharedModel.getSource(),
    count: w.model.type === 'code' ? w.model.executionCount : null,
    out: w.model.type === 'code' ? JSON.stringify(w.model.outputs.toJSON()) : '' }))"""


def test_run_all_stops_at_the_first_unanswered_prediction(browser, lab):
    page = _open(browser, lab, "student/exercises/01_zero_and_symmetry.ipynb")
    try:
        run_all(page, 5000)
        cells = [c for c in page.evaluate(_CELLS) if c["type"] == "code"]
    finally:
        page.close()
    gate = [i for i, c in enumerate(cells) if "reveal_after(" in c["source"]]
    assert gate, "no measure cell with reveal_after in the student notebook"
    first = gate[0]
    assert "Write your prediction in the cell above first" in cells[first]["out"], cells[first]
    assert "Traceback" not in cells[first]["out"]
    assert all(c["count"] is not None for c in cells[:first + 1])  # the cells up to the gate ran
    assert all(c["count"] is None for c in cells[first + 1:])  # the ones after did not


def test_explorer_slider_changes_the_picture(browser, lab):
    page = _open(browser, lab, "teacher/chapters/02_vanishing_exploding.ipynb")
    try:
        run_all(page, 10_000)
        slider = page.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first
        slider.wait_for(timeout=60_000)
        slider.scroll_into_view_if_needed()
        image = page.locator(".jupyter-widgets img").first
        before = image.get_attribute("src")
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(old) => { const i = document.querySelector('.jupyter-widgets img'); "
                               "return i && i.getAttribute('src') !== old; }", arg=before, timeout=30_000)
    finally:
        page.close()
