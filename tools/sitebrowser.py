"""Open the built book in Chromium: the shared part of the site tools.

``weight_report.py``, ``make_pdf.py`` and ``readme_screenshot.py`` each serve a built
folder on 127.0.0.1, open pages in Debian's Chromium through Playwright (Playwright's
own browser download needs the network), block every request to another host, and wait
until MathJax has typeset the page. This module does that once for all of them.

Example
-------
>>> from sitebrowser import served, chromium, open_page          # doctest: +SKIP
>>> with served("_build/html") as url, chromium() as browser:     # doctest: +SKIP
...     page = open_page(browser, url + "intro.html")
...     print(page.title())
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: Flags for Chromium in a container without a GPU or network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Resolves when MathJax 3 has finished its first typesetting of the page (at once if the
#: page loads no MathJax). Until MathJax's script has run, ``window.MathJax`` is the page's
#: configuration object, which has no ``startup.promise``.
WAIT_FOR_MATHJAX = """
() => new Promise((resolve) => {
  const script = document.querySelector('script[src*="mathjax/tex-chtml.js"]');
  if (!script) { resolve('no-mathjax'); return; }
  const poll = () => {
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise.then(() => resolve('typeset'));
    } else { setTimeout(poll, 50); }
  };
  poll();
})
"""


def find_chromium() -> str:
    """Path of a Chromium executable ($CHROMIUM, /usr/bin/chromium, or on $PATH)."""
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser")]
    for path in candidates:
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    raise FileNotFoundError(
        "no Chromium found (looked at $CHROMIUM, /usr/bin/chromium, chromium, "
        "chromium-browser); install it with `apt-get install -y chromium`"
    )


def toc_pages(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """The HTML path of every page of ``_toc.yml``, root first (``chapters/x.html``)."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    docs = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                docs.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [f"{Path(doc).with_suffix('').as_posix()}.html" for doc in docs]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def served(directory: str | Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port); yield its base URL."""
    directory = Path(directory).resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"no folder {directory}")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium():
    """A headless Chromium driven by Playwright, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser, base_url: str, outside: list[str] | None = None, **options):
    """A browser context that aborts (and lists in ``outside``) requests to other hosts."""
    local = urlsplit(base_url).netloc
    options.setdefault("service_workers", "block")
    context = browser.new_context(**options)

    def route(r) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local:
            if outside is not None:
                outside.append(r.request.url)
            r.abort("blockedbyclient")
        else:
            r.continue_()

    context.route("**/*", route)
    return context


def open_page(browser_or_context, url: str, timeout_ms: int = 120_000, **options):
    """Open ``url`` in a new page (of a new context if given a browser); wait for MathJax.

    Returns the Playwright page; close it with ``page.context.close()`` when it was
    opened from a browser.
    """
    if hasattr(browser_or_context, "new_context"):
        context = new_context(browser_or_context, url, **options)
    else:
        context = browser_or_context
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url, wait_until="load")
    page.evaluate(WAIT_FOR_MATHJAX)
    page.wait_for_load_state("networkidle")
    return page
