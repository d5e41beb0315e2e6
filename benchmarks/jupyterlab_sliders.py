"""Benchmark: from a key press on an explorer's slider to its new picture, in JupyterLab.

``benchmarks/explorers.py`` times an explorer's update inside Python (compute and redraw).
A student feels more than that: the slider's message to the kernel, the wait that collapses
a burst of changes, the update, the PNG's trip back through the widget protocol, and the
browser decoding and painting it. This benchmark measures all of it, as a student meets it:

1. a JupyterLab server is started from this environment (``tools/labserver.py``: the book's
   ``requirements.txt``, one BLAS thread as the ``start`` script sets on Binder) on a
   temporary folder with one small notebook per explorer (``SignalExplorer()`` and so on,
   at their default settings);
2. Chromium opens each notebook, runs it, focuses the explorer's first slider and presses
   → (then ←, alternately) ``--presses`` times, waiting a little between presses;
3. in the page, the time from the key press (``keydown``) to the ``load`` event of the
   picture's new source is read from ``performance.now()``.

It prints, per explorer, the median and 95th percentile of those times against the goal
(median ≤ 150 ms), and the displayed width of the picture against its pixel width (a PNG
is sharp when it has at least as many pixels as it is shown with on a 2× screen; an SVG is
sharp at any size).
Numbers, not pass/fail: the machine is shared.

Usage::

    python benchmarks/jupyterlab_sliders.py [--presses 25] [--scale 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from labserver import lab_server, open_notebook, run_all  # noqa: E402
from sitebrowser import CHROMIUM_ARGS, find_chromium  # noqa: E402

GOAL_MS = 150
EXPLORERS = ("SignalExplorer", "WeightsExplorer", "CriticalityExplorer")

#: Installed in the page: records keydown times and picture loads, per press.
RECORDER = """() => {
  const root = window.jupyterapp.shell.currentWidget.node;
  window.__bench = {presses: [], loads: []};
  root.addEventListener('keydown', () => window.__bench.presses.push(performance.now()), true);
  const watch = (img) => img.addEventListener('load', () => window.__bench.loads.push(performance.now()));
  root.querySelectorAll('.jupyter-widgets img').forEach(watch);
}"""


def _notebook(cls: str) -> dict:
    source = f"from initlab.explore import {cls}\nex = {cls}()\nex.widget"
    cell = {"cell_type": "code", "execution_count": None, "id": "explorer", "metadata": {}, "outputs": [],
            "source": source}
    return {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                          "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def measure(page, presses: int, pause_ms: int = 400) -> tuple[list[float], dict]:
    """Press → / ← on the first slider ``presses`` times; return the latencies in ms."""
    handle = page.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first
    handle.wait_for(timeout=60_000)
    handle.scroll_into_view_if_needed()
    page.evaluate(RECORDER)
    handle.focus()
    latencies = []
    for i in range(presses):
        loads_before = page.evaluate("() => window.__bench.loads.length")
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function("(n) => window.__bench.loads.length > n", arg=loads_before, timeout=30_000)
        t = page.evaluate("() => window.__bench.loads.at(-1) - window.__bench.presses.at(-1)")
        latencies.append(float(t))
        page.wait_for_timeout(pause_ms)
    size = page.evaluate("""async () => { const img = window.jupyterapp.shell.currentWidget.node
        .querySelector('.jupyter-widgets img');
        const type = (await (await fetch(img.src)).blob()).type;
        return {shown: img.getBoundingClientRect().width, pixels: img.naturalWidth,
                ratio: window.devicePixelRatio, type: type}; }""")
    return latencies, size


def run(presses: int = 25, scale: float = 2.0) -> list[str]:
    from playwright.sync_api import sync_playwright

    lines = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        root = Path(tmp)
        for cls in EXPLORERS:
            (root / f"{cls}.ipynb").write_text(json.dumps(_notebook(cls)), encoding="utf-8")
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            with lab_server(root) as base:
                for cls in EXPLORERS:
                    page = open_notebook(browser, base, f"{cls}.ipynb", scale=scale)
                    try:
                        run_all(page, settle_ms=2000)
                        measure(page, 3)  # warm-up: first drawings, caches, the browser's decoder
                        ms, size = measure(page, presses)
                    finally:
                        page.close()
                    p95 = sorted(ms)[max(0, round(0.95 * len(ms)) - 1)]
                    if size["type"] == "image/svg+xml":
                        picture = f"SVG shown at {size['shown']:.0f} CSS px (vector: sharp at any size)"
                    else:
                        sharp = size["pixels"] >= size["shown"] * size["ratio"] - 1
                        picture = (f"{size['type']} of {size['pixels']} px shown at {size['shown']:.0f} CSS px "
                                   f"on a {size['ratio']:g}x screen ({'sharp' if sharp else 'blurry'})")
                    lines.append(
                        f"jupyterlab {cls}: key press to new picture median {statistics.median(ms):.0f} ms, "
                        f"p95 {p95:.0f} ms over {len(ms)} presses (goal: median <= {GOAL_MS} ms); {picture}")
        finally:
            browser.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=25)
    parser.add_argument("--scale", type=float, default=2.0, help="the screen's device pixel ratio")
    args = parser.parse_args()
    for line in run(args.presses, args.scale):
        print(line, flush=True)


if __name__ == "__main__":
    main()
