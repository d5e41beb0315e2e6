"""The book on a phone (390×844) and on a projector (1920×1080).

* On a phone, no page scrolls sideways: the document is no wider than the viewport
  (wide formulas, tables and code scroll inside their own boxes).
* Screenshots of three representative pages (the introduction, a chapter with
  mathematics and figures, an exercise page) at both sizes go to ``_build/screenshots/``
  (next to the tested ``html`` folder; not committed) for a person to look at. Each
  screenshot is checked to show the page: not blank, and the page's title is on screen.
"""

from __future__ import annotations

import pytest

from sitekit import CLIPPED_EQUATIONS, PHONE, PROJECTOR, open_page

pytestmark = pytest.mark.timeout(240)

#: The pages shot at both sizes, and a short name for the files.
REPRESENTATIVE = {
    "intro": "intro.html",
    "chapter": "chapters/04_relu_and_he.html",
    "exercises": "exercises/04_relu_and_he.html",
}

#: Elements wider than the viewport: the culprits when the page scrolls sideways.
WIDTHS = """
() => {
  // The phone's own width: a mobile browser widens its layout viewport (innerWidth) to fit
  // content that is too wide, and then zooms out, so innerWidth would hide the overflow.
  const vw = screen.width;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > vw + 1 && el.checkVisibility()) {
      let scroller = false;  // inside a box that scrolls (or clips) on its own: harmless
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') { scroller = true; break; }
      }
      if (!scroller) wide.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(r.right)})`);
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, viewport: vw,
           bodyScrollWidth: document.body.scrollWidth, wide: wide.slice(0, 8) };
}
"""


def test_no_sideways_scrolling_on_a_phone(browser, site_url, toc_page):
    opened = open_page(browser, site_url, toc_page, PHONE, is_mobile=True)
    try:
        widths = opened.page.evaluate(WIDTHS)
        clipped = opened.page.evaluate(CLIPPED_EQUATIONS)
    finally:
        opened.close()
    assert opened.outside_requests == []
    assert clipped == [], f"{toc_page}: equations cut off on a phone (no sideways scroll in their box): {clipped}"
    assert widths["scrollWidth"] <= widths["viewport"] + 1, (
        f"{toc_page} is {widths['scrollWidth']} px wide on a {widths['viewport']} px phone; "
        f"wider elements: {widths['wide']}"
    )


@pytest.fixture(scope="module")
def screenshot_dir(site_dir):
    path = site_dir.parent / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("size", ["phone", "projector"])
@pytest.mark.parametrize("name", list(REPRESENTATIVE))
def test_screenshots(browser, site_url, screenshot_dir, name, size):
    from PIL import Image, ImageStat

    viewport = PHONE if size == "phone" else PROJECTOR
    opened = open_page(browser, site_url, REPRESENTATIVE[name], viewport, is_mobile=size == "phone")
    try:
        page = opened.page
        title_visible = page.locator("article h1").first.is_visible()
        shots = [screenshot_dir / f"{name}-{size}.png"]
        page.screenshot(path=str(shots[0]))
        figure = page.locator("article img").first
        if figure.count():
            # Where the first figure is, with the text around it.
            figure.scroll_into_view_if_needed()
            page.evaluate("() => window.scrollBy(0, -120)")
            shots.append(screenshot_dir / f"{name}-{size}-figure.png")
            page.screenshot(path=str(shots[1]))
    finally:
        opened.close()
    assert title_visible, f"the title of {name} is not on screen at {viewport}"
    for shot in shots:
        with Image.open(shot) as image:
            assert image.size == (viewport["width"], viewport["height"])
            spread = ImageStat.Stat(image.convert("L")).stddev[0]
            assert spread > 10, f"{shot.name} looks blank (grey-level spread {spread:.1f})"
