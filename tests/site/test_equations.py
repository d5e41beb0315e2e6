"""Display equations are never cut off: every displayed formula either fits its column or
scrolls sideways inside its own box (``_static/site.css``; the theme gives scrollbars only to
MathJax 3's containers, and the book serves MathJax 2, whose wide formulas were clipped
mid-word). The check (``sitekit.CLIPPED_EQUATIONS``) runs on every page at a desktop's width
(``test_pages.py``) and a phone's (``test_screens.py``); here at a tablet's, on the chapters,
and on a page with the site's rule taken away, to show that it can fail."""

from __future__ import annotations

import pytest

from sitebrowser import WAIT_FOR_MATHJAX, toc_pages
from sitekit import CLIPPED_EQUATIONS

pytestmark = pytest.mark.timeout(600)


def test_no_display_equation_is_cut_off_on_a_tablet(browser, site_url):
    page = browser.new_page(viewport={"width": 800, "height": 900})
    clipped = {}
    try:
        for path in [p for p in toc_pages() if p.startswith("chapters/0")]:
            page.goto(site_url + path, wait_until="load")
            page.evaluate(WAIT_FOR_MATHJAX)
            found = page.evaluate(CLIPPED_EQUATIONS)
            if found:
                clipped[path] = found[:3]
    finally:
        page.close()
    assert not clipped, f"equations cut off at 800 px: {clipped}"


def test_the_check_sees_a_clipped_equation(browser, site_url):
    # Without the site's rule (overflow-x: auto on .MathJax_Display) chapter 2's proofs are cut off.
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        page.goto(site_url + "chapters/02_vanishing_exploding.html", wait_until="load")
        page.evaluate(WAIT_FOR_MATHJAX)
        assert page.evaluate(CLIPPED_EQUATIONS) == []
        page.add_style_tag(content="div.math .MathJax_Display { overflow: visible !important; }")
        assert len(page.evaluate(CLIPPED_EQUATIONS)) >= 2
    finally:
        page.close()
