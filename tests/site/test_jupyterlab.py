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
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import student_edition  # noqa: E402

pytestmark = pytest.mark.timeout(600)
TOKEN = "initialization-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "INITLAB_SHOW_ALL"}
    env["OPENBLAS_NUM_THREADS"] = "1"
    # Settings and workspaces of this server only (not the user's ~/.jupyter). Every cell stays
    # in the page (windowingMode "none"), so that the checks see the whole notebook.
    settings = root / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(root / ".settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(root / ".workspaces")
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", f"--ServerApp.token={TOKEN}",
         f"--ServerApp.root_dir={root}", "--allow-root", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 90 s")
        yield f"http://127.0.0.1:{port}", root
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


_WORKSPACES = iter(range(1_000_000))


def _open(browser, lab, path):
    """A new page with only ``path`` open: each page gets a fresh workspace (``reset``), or
    JupyterLab would restore the notebooks an earlier page opened, in hidden tabs."""
    base, _ = lab
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{base}/lab/workspaces/test-{next(_WORKSPACES)}/tree/{path}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=90_000)
    page.wait_for_function("() => window.jupyterapp !== undefined && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.context", timeout=60_000)
    opened = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
    assert opened == path, f"JupyterLab shows {opened!r}, not {path!r}"
    # jupyterlab-myst renders the cells as they come into view: scroll through once.
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget.node;
        const nb = panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook');
        for (let y = 0; y < nb.scrollHeight; y += 600) { nb.scrollTop = y; await new Promise(r => setTimeout(r, 60)); }
        nb.scrollTop = 0; }""")
    page.wait_for_timeout(1500)
    return page


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
    page = _open(browser, lab, "teacher/exercises/01_zero_and_symmetry.ipynb")
    try:
        seen = _rendered(page)
    finally:
        page.close()
    expected = _solutions(ROOT / "exercises" / "01_zero_and_symmetry.ipynb")
    assert seen["myst"] > 0 and seen["katex"] > 10, seen
    assert "```{" not in seen["text"] and "{exercise}" not in seen["text"] and "$$" not in seen["text"]
    assert "Exercise" in seen["text"] and "Solution to Exercise" in seen["text"]
    assert seen["details"] == expected > 0 and seen["open"] == 0, seen


def test_student_notebook_has_no_solution_and_no_raw_keys(browser, lab):
    page = _open(browser, lab, "student/exercises/08_training_experiment.ipynb")
    try:
        seen = _rendered(page)
    finally:
        page.close()
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


def _run_all(page, settle_ms: int, timeout_s: float = 300) -> None:
    """Run all cells of the notebook on show; return when its kernel has been idle for 2 s."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(settle_ms)
    deadline, idle_since = time.time() + timeout_s, None
    while time.time() < deadline:
        status = page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status")
        if status == "idle":
            idle_since = idle_since or time.time()
            if time.time() - idle_since > 2:
                return
        else:
            idle_since = None
        page.wait_for_timeout(250)
    pytest.fail(f"Run all did not finish within {timeout_s} s")


def test_run_all_stops_at_the_first_unanswered_prediction(browser, lab):
    page = _open(browser, lab, "student/exercises/01_zero_and_symmetry.ipynb")
    try:
        _run_all(page, 5000)
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
        _run_all(page, 10_000)
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
