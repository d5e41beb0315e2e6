"""Display equations are never cut off: at a phone's, a tablet's and a desktop's width every
displayed formula either fits its column or scrolls sideways inside its own box
(``_static/site.css``; the theme gives scrollbars only to MathJax 3's containers, and the
book serves MathJax 2, whose wide formulas were clipped mid-word). The check follows the
formula up to the article and accepts only a box that actually scrolls (its content wider
than itself, with ``overflow-x`` auto or scroll)."""

from __future__ import annotations

import pytest

from sitebrowser import WAIT_FOR_MATHJAX, toc_pages

pytestmark = pytest.mark.timeout(600)

#: Displays whose formula reaches past the right edge of its box (or of the article's
#: column) with no scrollable box between the formula and the article.
CLIPPED = r"""
() => {
  const out = [];
  for (const d of document.querySelectorAll('div.math')) {
    const display = d.querySelector('.MathJax_Display');
    if (!display || !d.checkVisibility()) continue;
    const formula = display.querySelector(':scope > .MathJax') || display;
    const r = formula.getBoundingClientRect();
    const right = Math.max(r.left + formula.scrollWidth, r.right);
    let scrolls = false;
    for (let p = formula.parentElement; p && p.tagName !== 'ARTICLE'; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll') && p.scrollWidth > p.clientWidth) { scrolls = true; break; }
    }
    const column = (d.closest('.bd-article') || document.body).getBoundingClientRect();
    if (!scrolls && right > Math.min(d.getBoundingClientRect().right, column.right) + 1) {
      out.push(d.textContent.trim().slice(0, 50));
    }
  }
  return out;
}
"""


@pytest.mark.parametrize("width", [390, 800, 1366])
def test_no_display_equation_is_cut_off(browser, site_url, width):
    # Every page at the phone's and the desktop's width; at the tablet's, in between, the
    # chapters (MathJax 2 is slow to typeset: this keeps the test near a minute per width).
    pages = [p for p in toc_pages() if width != 800 or p.startswith("chapters/0")]
    page = browser.new_page(viewport={"width": width, "height": 900})
    clipped = {}
    try:
        for path in pages:
            page.goto(site_url + path, wait_until="load")
            page.evaluate(WAIT_FOR_MATHJAX)
            found = page.evaluate(CLIPPED)
            if found:
                clipped[path] = found[:3]
    finally:
        page.close()
    assert not clipped, f"equations cut off at {width} px: {clipped}"


def test_the_check_sees_a_clipped_equation(browser, site_url):
    # Without the site's rule (overflow-x: auto on .MathJax_Display) chapter 2's proofs are cut off.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        page.goto(site_url + "chapters/02_vanishing_exploding.html", wait_until="load")
        page.evaluate(WAIT_FOR_MATHJAX)
        assert page.evaluate(CLIPPED) == []
        page.add_style_tag(content="div.math .MathJax_Display { overflow: visible !important; }")
        assert len(page.evaluate(CLIPPED)) >= 2
    finally:
        page.close()
