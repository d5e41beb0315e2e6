"""Smoke tests of the built site, in a real browser, for every page of the table of contents.

Each page must load without console errors or failed requests, ask nothing of any host
but the local server (so that the book reads offline), show every image with alt text,
and have its mathematics typeset by the local MathJax.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.timeout(180)

#: Text nodes of the page that a reader sees, outside code and scripts.
VISIBLE_TEXT = """
() => {
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'KBD', 'SAMP']);
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let hidden = false;
    for (let el = node.parentElement; el; el = el.parentElement) {
      if (skip.has(el.tagName)) { hidden = true; break; }
    }
    if (hidden || !node.parentElement.checkVisibility()) continue;
    out.push(node.textContent);
  }
  return out.join(' ');
}
"""

IMAGES = """
() => Array.from(document.images).map((img) => ({
  src: img.currentSrc || img.src,
  alt: (img.getAttribute('alt') || '').trim(),
  loaded: img.complete && img.naturalWidth > 0,
}))
"""

MATH = """
() => {
  const blocks = Array.from(document.querySelectorAll('span.math.notranslate, div.math.notranslate'));
  const typeset = blocks.filter((el) =>
    el.querySelector('.MathJax, .MathJax_Display, .MathJax_SVG, mjx-container'));
  const errors = Array.from(document.querySelectorAll('.noError, .MathJax_Error, merror'))
    .map((el) => el.textContent.trim());
  return {
    blocks: blocks.length,
    typeset: typeset.length,
    untypeset: blocks.filter((el) => !typeset.includes(el))
      .slice(0, 5).map((el) => el.textContent.trim().slice(0, 80)),
    outputs: document.querySelectorAll('.MathJax, .MathJax_Display').length,
    errors: errors,
  };
}
"""


@dataclass
class PageReport:
    """What a page showed once loaded: its problems, images, text and mathematics."""

    problems: list[str]
    images: list[dict]
    text: str
    math: dict


_REPORTS: dict[str, PageReport] = {}


@pytest.fixture
def report(visit, toc_page) -> PageReport:
    """Load ``toc_page`` once and share what it showed between the tests below."""
    if toc_page not in _REPORTS:
        result = visit(toc_page)
        _REPORTS[toc_page] = PageReport(
            problems=result.problems(),
            images=result.page.evaluate(IMAGES),
            text=result.page.evaluate(VISIBLE_TEXT),
            math=result.page.evaluate(MATH),
        )
    return _REPORTS[toc_page]


def test_loads_cleanly_and_offline(report):
    """No console error, no failed request, no request to any other host."""
    assert report.problems == [], "\n".join(report.problems)


def test_images_load_and_have_alt_text(report):
    broken = [img["src"] for img in report.images if not img["loaded"]]
    no_alt = [img["src"] for img in report.images if not img["alt"]]
    assert broken == [], f"images that did not load: {broken}"
    assert no_alt == [], f"images without alt text: {no_alt}"


def test_mathematics_is_typeset(report):
    for raw in ("\\(", "\\)", "\\[", "\\]", "$$"):
        assert raw not in report.text, f"untypeset mathematics ({raw!r}) in the visible text"
    math = report.math
    assert math["errors"] == [], f"MathJax could not typeset: {math['errors']}"
    assert math["typeset"] == math["blocks"], (
        f"{math['blocks'] - math['typeset']} of {math['blocks']} formulas not typeset, "
        f"e.g. {math['untypeset']}"
    )
    if math["blocks"]:
        assert math["outputs"] > 0


def test_index_redirects_to_the_introduction(visit):
    result = visit("index.html")
    assert result.page.url.endswith("intro.html")
    assert result.problems() == [], "\n".join(result.problems())
