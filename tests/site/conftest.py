"""Fixtures for the browser tests of the built site (``_build/html``).

The site is served by a threaded ``http.server`` on 127.0.0.1 and opened in Debian's
Chromium through Playwright (Playwright's own browser download does not work offline).
Reusable pieces, for this module's tests and for later ones (accessibility, screenshots,
page weight):

``site_dir``      the built site, ``_build/html`` or ``$BOOK_HTML_DIR``
``site_url``      base URL of the local server (``http://127.0.0.1:<port>/``)
``browser``       a Playwright Chromium browser, one per session
``visit``         ``visit("chapters/notation.html")`` opens a page in a fresh context,
                  blocks every request to another host, waits for MathJax, and returns
                  a :class:`Visit` with the page and every problem seen on the way
``toc_page``      a test that takes this argument runs once for every page of the table
                  of contents, with the page's path (``"chapters/notation.html"``)

Without Chromium the tests are skipped with the reason printed, except under CI
(``CI=true``), where a missing browser is an error.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
# One copy of the page list, the MathJax wait and the Chromium lookup, shared with tools/.
from sitebrowser import WAIT_FOR_MATHJAX, served, toc_pages  # noqa: E402
from sitebrowser import find_chromium as _find_chromium  # noqa: E402

#: Flags for Chromium in a container without a GPU or network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: How long to wait for a page and for MathJax, in milliseconds.
PAGE_TIMEOUT_MS = 60_000


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None when there is none (the tests then skip)."""
    try:
        return _find_chromium()
    except FileNotFoundError:
        return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "toc_page" in metafunc.fixturenames:
        pages = toc_pages()
        metafunc.parametrize("toc_page", pages, ids=pages)


@pytest.fixture(scope="session")
def site_dir() -> Path:
    path = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html")).resolve()
    if not (path / "index.html").is_file():
        pytest.fail(f"no built site in {path}: run `make book` first", pytrace=False)
    return path


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    with served(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    chromium = find_chromium()
    if chromium is None:
        reason = (
            "no Chromium found (looked at $CHROMIUM, /usr/bin/chromium, chromium, "
            "chromium-browser); install it with `apt-get install -y chromium`"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """One page opened by the ``visit`` fixture, and what went wrong while loading it."""

    url: str
    page: object  # playwright.sync_api.Page
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every outside request, failed request and console error, as text."""
        return (
            [f"request to another host: {u}" for u in self.outside_requests]
            + [f"failed request: {r}" for r in self.failed_requests]
            + [f"console error: {m}" for m in self.console_errors]
        )




@pytest.fixture
def visit(browser, site_url: str) -> Iterator[Callable[[str], Visit]]:
    from playwright.sync_api import Error as PlaywrightError

    contexts = []
    local_host = urlsplit(site_url).netloc

    def open_page(path: str) -> Visit:
        context = browser.new_context(service_workers="block")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        result = Visit(url=site_url + path, page=page)

        def route(route) -> None:
            url = route.request.url
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local_host:
                result.outside_requests.append(url)
                route.abort("blockedbyclient")
            else:
                route.continue_()

        context.route("**/*", route)
        page.on(
            "console",
            lambda msg: result.console_errors.append(f"{msg.text} ({msg.location})")
            if msg.type == "error"
            else None,
        )
        page.on("pageerror", lambda exc: result.console_errors.append(f"uncaught {exc}"))
        page.on(
            "requestfailed",
            lambda req: result.failed_requests.append(f"{req.url} ({req.failure})")
            if urlsplit(req.url).netloc == local_host
            else None,
        )
        page.on(
            "response",
            lambda resp: result.failed_requests.append(f"{resp.url} (HTTP {resp.status})")
            if resp.status >= 400
            else None,
        )
        page.goto(result.url, wait_until="load")
        for attempt in range(3):  # a page that redirects (index.html) navigates once more
            try:
                page.evaluate(WAIT_FOR_MATHJAX)
                break
            except PlaywrightError as err:
                if "context was destroyed" not in str(err) or attempt == 2:
                    raise
                page.wait_for_load_state("load")
        page.wait_for_load_state("networkidle")
        return result

    yield open_page
    for context in contexts:
        context.close()
