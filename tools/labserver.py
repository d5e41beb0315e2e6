"""Start JupyterLab on a folder and open notebooks in it: shared by the JupyterLab browser
tests (``tests/site/test_jupyterlab.py``) and the slider benchmark
(``benchmarks/jupyterlab_sliders.py``).

The server runs from this interpreter's environment (the book's ``requirements.txt``, as
Binder installs it), with its own settings and workspaces (not the user's ``~/.jupyter``),
one BLAS thread (as the repository's ``start`` script sets on Binder), and without
``INITLAB_SHOW_ALL`` (as a student's kernel runs). Every notebook cell stays in the page
(``windowingMode`` "none"), so that a check sees the whole notebook.

Example
-------
>>> from labserver import lab_server, open_notebook          # doctest: +SKIP
>>> with lab_server(folder) as base:                          # doctest: +SKIP
...     page = open_notebook(browser, base, "chapters/02_vanishing_exploding.ipynb")
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

#: The server's token (it listens on 127.0.0.1 only).
TOKEN = "initialization-test"

#: Seconds to wait for the server to answer.
START_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lab_server(root: Path) -> Iterator[str]:
    """Run JupyterLab on ``root``; yield its base URL (``http://127.0.0.1:<port>``)."""
    root = Path(root)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "INITLAB_SHOW_ALL"}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    state = root / ".lab-state"
    settings = state / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(state / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(state / "workspaces")
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", f"--ServerApp.token={TOKEN}",
         f"--ServerApp.root_dir={root}", "--allow-root", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + START_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError(f"JupyterLab did not start within {START_SECONDS} s") from None
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


_WORKSPACES = itertools.count()


def open_notebook(browser, base: str, path: str, viewport=(1366, 900), scale: float = 1.0):
    """A new page showing only the notebook ``path`` (relative to the server's root).

    Each page gets a fresh workspace (``reset``), or JupyterLab would restore the notebooks
    an earlier page opened, in hidden tabs. Scrolls through the notebook once, since
    jupyterlab-myst renders cells as they come into view.
    """
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]}, device_scale_factor=scale)
    page.goto(f"{base}/lab/workspaces/test-{next(_WORKSPACES)}/tree/{path}?reset&token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function("() => window.jupyterapp !== undefined && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.context", timeout=60_000)
    opened = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
    if opened != path:
        raise AssertionError(f"JupyterLab shows {opened!r}, not {path!r}")
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget.node;
        const nb = panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook');
        for (let y = 0; y < nb.scrollHeight; y += 600) { nb.scrollTop = y; await new Promise(r => setTimeout(r, 60)); }
        nb.scrollTop = 0; }""")
    page.wait_for_timeout(1500)
    return page


def run_all(page, settle_ms: int = 3000, timeout_s: float = 300) -> None:
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
    raise TimeoutError(f"Run all did not finish within {timeout_s} s")
