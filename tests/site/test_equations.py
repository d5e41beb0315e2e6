"""Display equations are never cut off: every displayed formula either fits its column or
scrolls sideways inside its own box (MathJax 3's ``mjx-container``, to which the theme
gives a scrollbar; under the MathJax 2 the book served before, wide formulas were clipped
mid-word). The check (``sitekit.CLIPPED_EQUATIONS``) runs on every page at a desktop's width
(``test_pages.py``) and a phone's (``test_screens.py``); here at a tablet's, on the chapters,
and on a page with the scrolling box taken away, to show that it can fail."""

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
    # Without a scrolling box (the theme's overflow: auto on mjx-container) chapter 2's wide
    # formulas are cut off on a phone.
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(site_url + "chapters/02_vanishing_exploding.html", wait_until="load")
        page.evaluate(WAIT_FOR_MATHJAX)
        assert page.evaluate(CLIPPED_EQUATIONS) == []
        page.add_style_tag(content="div.math mjx-container { overflow: visible !important; }")
        assert len(page.evaluate(CLIPPED_EQUATIONS)) >= 2
    finally:
        page.close()


def test_the_check_sees_a_clipped_inline_formula(browser, site_url):
    # Chapter 5 on a phone has inline formulas wider than the column: they scroll (class
    # math-wide from _static/wide_math.js); clipped again, as the theme had them, the check sees them.
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(site_url + "chapters/05_xavier_and_lecun.html", wait_until="load")
        page.evaluate(WAIT_FOR_MATHJAX)
        page.wait_for_timeout(300)
        assert page.evaluate(CLIPPED_EQUATIONS) == []
        assert page.evaluate("() => document.querySelectorAll('span.math.math-wide').length") >= 2
        page.add_style_tag(content="span.math.math-wide { overflow: hidden !important; }")
        assert len([c for c in page.evaluate(CLIPPED_EQUATIONS) if c.startswith("inline: ")]) >= 2
    finally:
        page.close()
