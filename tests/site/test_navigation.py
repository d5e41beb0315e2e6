"""The menu buttons work on a phone, a tablet and a desktop.

The visible ☰ (chapter list) and contents buttons sit in the article header. On a phone
(390 px) and a tablet (800 px) each opens its drawer, a modal dialog holding the chapter
list or the page's contents, with the links on screen; Escape closes it. On a desktop
(1366 px) ☰ collapses the chapter list and a second press brings it back. (The themes'
scripts had wired hidden twins of these buttons: _static/navigation.js.) Each button's
aria-expanded follows its menu, and the colour-mode switch's name says the mode in force.
"""

from __future__ import annotations

import pytest

from sitekit import open_page

pytestmark = pytest.mark.timeout(240)

PAGE = "chapters/04_relu_and_he.html"
VISIBLE_TOGGLE = """(name) => [...document.querySelectorAll('.' + name)]
    .filter(b => b.checkVisibility()).map(b => b.className)"""
DRAWER = """(id) => { const d = document.getElementById(id);
    const links = d ? [...d.querySelectorAll('a')].filter(a => a.checkVisibility()
        && a.getBoundingClientRect().width > 0 && a.getBoundingClientRect().left < window.innerWidth) : [];
    return {open: !!(d && d.open), links: links.length}; }"""


EXPANDED = """(name) => [...document.querySelectorAll('.' + name)]
    .filter(b => b.checkVisibility()).map(b => b.getAttribute('aria-expanded'))"""


def _press(page, name):
    page.locator(f".{name}").filter(visible=True).first.click()
    page.wait_for_timeout(500)  # the sidebar slides out in 0.2 s


@pytest.mark.parametrize("width", [390, 800])
@pytest.mark.parametrize("name, dialog, at_least", [
    ("primary-toggle", "pst-primary-sidebar-modal", 10),  # the chapters and exercise pages
    ("secondary-toggle", "pst-secondary-sidebar-modal", 3),  # the sections of chapter 4
])
def test_drawers_open_and_close_on_narrow_screens(browser, site_url, width, name, dialog, at_least):
    opened = open_page(browser, site_url, PAGE, {"width": width, "height": 900}, is_mobile=width < 500)
    page = opened.page
    try:
        assert len(page.evaluate(VISIBLE_TOGGLE, name)) == 1, f"one visible {name} at {width} px"
        assert page.evaluate(DRAWER, dialog) == {"open": False, "links": 0}
        assert page.evaluate(EXPANDED, name) == ["false"]
        _press(page, name)
        state = page.evaluate(DRAWER, dialog)
        assert state["open"] and state["links"] >= at_least, (width, name, state)
        assert page.evaluate(EXPANDED, name) == ["true"]
        page.keyboard.press("Escape")
        page.wait_for_timeout(400)
        assert not page.evaluate(DRAWER, dialog)["open"]
        assert page.evaluate(EXPANDED, name) == ["false"]
    finally:
        opened.close()


def test_menu_button_collapses_the_chapter_list_on_a_desktop(browser, site_url):
    opened = open_page(browser, site_url, PAGE, {"width": 1366, "height": 900})
    page = opened.page
    shown = """() => { const s = document.getElementById('pst-primary-sidebar');
        return s.checkVisibility({visibilityProperty: true}) && s.getBoundingClientRect().right > 0; }"""
    try:
        assert page.evaluate(shown) and page.evaluate(EXPANDED, "primary-toggle") == ["true"]
        _press(page, "primary-toggle")
        assert not page.evaluate(shown), "☰ did not collapse the chapter list"
        assert page.evaluate(EXPANDED, "primary-toggle") == ["false"]
        _press(page, "primary-toggle")
        assert page.evaluate(shown), "a second ☰ did not bring it back"
        assert page.evaluate(EXPANDED, "primary-toggle") == ["true"]
    finally:
        opened.close()


@pytest.mark.parametrize("width", [390, 800])
def test_a_link_followed_in_the_contents_drawer_closes_it(browser, site_url, width):
    opened = open_page(browser, site_url, PAGE, {"width": width, "height": 900}, is_mobile=width < 500)
    page = opened.page
    try:
        _press(page, "secondary-toggle")
        assert page.evaluate(DRAWER, "pst-secondary-sidebar-modal")["open"]
        page.locator("#pst-secondary-sidebar-modal a[href^='#']").filter(visible=True).nth(1).click()
        page.wait_for_timeout(500)
        assert not page.evaluate(DRAWER, "pst-secondary-sidebar-modal")["open"], "the drawer covers the section"
        assert page.evaluate("() => window.scrollY") > 0  # and the page went to the section
    finally:
        opened.close()


def test_colour_mode_switch_says_the_mode_in_force(browser, site_url):
    opened = open_page(browser, site_url, PAGE, {"width": 1366, "height": 900})
    page = opened.page
    label = """() => [...document.querySelectorAll('.theme-switch-button')]
        .filter(b => b.checkVisibility()).map(b => [document.documentElement.dataset.mode, b.getAttribute('aria-label')])"""
    words = {"light": "light", "dark": "dark", "auto": "the system's"}
    try:
        seen = set()
        for _ in range(3):  # the switch cycles through the three modes
            [[mode, name]] = page.evaluate(label)
            assert name.startswith(f"Color mode: {words[mode]}. Press to switch"), (mode, name)
            seen.add(mode)
            page.locator(".theme-switch-button").filter(visible=True).first.click()
            page.wait_for_timeout(100)
        assert seen == set(words), seen
    finally:
        opened.close()
