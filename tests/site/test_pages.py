"""Smoke tests of the built site, in a real browser, for every page of the table of contents.

Each page must load without console errors or failed requests, ask nothing of any host
but the local server (so that the book reads offline), show every image with alt text,
and have its mathematics typeset by the local MathJax.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from sitekit import inspected  # noqa: F401 (fixture: one load of each page, shared)

pytestmark = pytest.mark.timeout(180)


def test_loads_cleanly_and_offline(inspected):
    """No console error, no failed request, no request to any other host."""
    assert inspected.problems == [], "\n".join(inspected.problems)


def test_images_load_and_have_alt_text(inspected, site_dir, site_url):
    broken = [img["src"] for img in inspected.images if not img["loaded"] and not img["lazy"]]
    # A lazily loaded picture (the galleries' hidden frames) is fetched when shown
    # (test_galleries.py); here its file must exist and be a PNG.
    for img in inspected.images:
        if img["lazy"] and not img["loaded"]:
            path = site_dir / unquote(urlsplit(img["src"]).path).lstrip("/")
            if not (img["src"].startswith(site_url) and path.is_file() and path.read_bytes()[:4] == b"\x89PNG"):
                broken.append(img["src"])
    no_alt = [img["src"] for img in inspected.images if not img["alt"]]
    assert broken == [], f"images that did not load: {broken}"
    assert no_alt == [], f"images without alt text: {no_alt}"


def test_mathematics_is_typeset(inspected):
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert raw not in inspected.text, f"untypeset mathematics ({raw!r}) in the visible text"
    math = inspected.math
    assert math["errors"] == [], f"MathJax could not typeset: {math['errors']}"
    assert math["typeset"] == math["blocks"], (
        f"{math['blocks'] - math['typeset']} of {math['blocks']} formulas not typeset, "
        f"e.g. {math['untypeset']}"
    )
    if math["blocks"]:
        assert math["outputs"] > 0


def test_no_raw_markup_or_stray_tex(inspected):
    """No unparsed directive fence, role or label, and no TeX outside the mathematics.

    A directive whose title holds backticks, a solution line that starts with "+", or a
    bibliography entry with a TeX command all reach the page as raw text; code excepted.
    """
    assert inspected.raw == [], "raw markup on the page:\n" + "\n".join(inspected.raw)


def test_no_display_equation_is_cut_off_on_a_desktop(inspected):
    """At 1280 px every displayed formula fits its column or scrolls in its own box
    (tests/site/test_equations.py: the phone and tablet widths, and that the check can fail)."""
    assert inspected.clipped == [], f"equations cut off: {inspected.clipped}"


def test_no_test_markers_on_the_pages(site_dir):
    """The tests' marker comment stays in the notebooks, never in the code readers see
    (``_ext/hide_test_markers.py``)."""
    shown = [p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")
             if "NBVAL_CHECK_OUTPUT" in p.read_text(encoding="utf-8")]
    assert shown == [], f"pages that show # NBVAL_CHECK_OUTPUT: {shown}"


def test_every_page_has_its_icon(site_dir):
    """Each page names its icon, and the icon is in the site (without one, browsers asked
    every page's host for /favicon.ico and got a 404)."""
    import re

    for page in site_dir.rglob("*.html"):
        if page.parts[len(site_dir.parts)] in ("slides", "_static", "_sources"):
            continue  # the slides have their own head; _static holds no pages of the book
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in html or "http-equiv=\"refresh\"" in html.lower():
            continue  # index.html only redirects
        icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
        assert icon, f"{page.relative_to(site_dir)} names no icon"
        assert (page.parent / icon[1]).resolve().is_file(), f"{page.relative_to(site_dir)}: {icon[1]} is missing"


def test_index_redirects_to_the_introduction(visit):
    result = visit("index.html")
    assert result.page.url.endswith("intro.html")
    assert result.problems() == [], "\n".join(result.problems())
