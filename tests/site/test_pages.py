"""Smoke tests of the built site, in a real browser, for every page of the table of contents.

Each page must load without console errors or failed requests, ask nothing of any host
but the local server (so that the book reads offline), show every image with alt text,
and have its mathematics typeset by the local MathJax.
"""

from __future__ import annotations

import pytest

from sitekit import inspected  # noqa: F401 (fixture: one load of each page, shared)

pytestmark = pytest.mark.timeout(180)


def test_loads_cleanly_and_offline(inspected):
    """No console error, no failed request, no request to any other host."""
    assert inspected.problems == [], "\n".join(inspected.problems)


def test_images_load_and_have_alt_text(inspected):
    broken = [img["src"] for img in inspected.images if not img["loaded"]]
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


def test_index_redirects_to_the_introduction(visit):
    result = visit("index.html")
    assert result.page.url.endswith("intro.html")
    assert result.problems() == [], "\n".join(result.problems())
