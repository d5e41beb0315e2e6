"""The explorers' galleries on the static site (initlab.explore.gallery), in Chromium.

On the pages of chapters 2, 6 and 9 the explorer is a gallery of precomputed pictures:

* it opens at the settings the chapter's cell passes, with one picture visible;
* a click on a button shows exactly one picture, the one for the checked buttons, and its
  caption is the summary that initlab computes for those settings in this process;
* the arrow keys move within a row of buttons, with a visible focus ring;
* all of this works with JavaScript switched off (the gallery is HTML and CSS only);
* its pictures are separate files (``_ext/explorer_galleries.py``), and the page fetches
  only the one on show: the next when a button shows it;
* printed (the PDF), a gallery is the picture of the chapter's settings, without buttons.
"""

from __future__ import annotations

import html
import json
import math
import re

import pytest

from initlab.explore import EXPLORERS, ImmediateScheduler
from initlab.explore.gallery import html_text, resolve_choices

pytestmark = pytest.mark.timeout(300)

#: Page -> the explorer whose gallery it shows.
GALLERY_PAGES = {
    "chapters/02_vanishing_exploding.html": "signal_through_depth",
    "chapters/06_range_vs_fan_in.html": "weights_vs_fan_in",
    "chapters/09_statistics_at_init.html": "criticality",
}

#: For every gallery on the page: its explorer, number of pictures, checked values and
#: the pictures that are visible, with their settings, caption and alt text.
READ = r"""
() => Array.from(document.querySelectorAll('.initlab-gallery')).map((g) => ({
  explorer: g.dataset.explorer,
  frames: g.querySelectorAll('.ig-frame').length,
  checked: Array.from(g.querySelectorAll('input[type=radio]:checked')).map((i) => i.value),
  rows: Array.from(g.querySelectorAll('fieldset')).map((f) => f.querySelectorAll('input').length),
  visible: Array.from(g.querySelectorAll('.ig-frame')).filter((f) => f.checkVisibility()).map((f) => ({
    settings: JSON.parse(f.dataset.settings),
    caption: f.querySelector('.ig-caption').textContent.trim(),
    alt: f.querySelector('img').getAttribute('alt'),
    width: f.querySelector('img').getBoundingClientRect().width,
  })),
}))
"""

_explorers: dict = {}


def _summary(name: str, settings: dict) -> str:
    """What initlab says about these settings (the caption's sentence)."""
    ex = _explorers.setdefault(name, EXPLORERS[name](scheduler=ImmediateScheduler()))
    return ex.describe(ex.update(**settings))


def _as_shown(text: str) -> str:
    """Plain explorer text as the page's caption reads (C_W is set as C<sub>W</sub>)."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text(text)))


def _norm(value) -> str:
    """A value as text, numbers in one form (the page's JSON reads 1.0 back as 1)."""
    try:
        return repr(float(value))
    except ValueError:
        return str(value)


def _one_gallery(page, name: str) -> dict:
    galleries = page.evaluate(READ)
    assert [g["explorer"] for g in galleries] == [name], f"galleries on the page: {galleries}"
    gallery = galleries[0]
    assert len(gallery["visible"]) == 1, f"{len(gallery['visible'])} pictures visible, not 1"
    return gallery


def _check_shown(page, name: str) -> dict:
    """Exactly one picture is visible, it belongs to the checked buttons, and its caption and
    alt text carry what initlab computes for its settings."""
    gallery = _one_gallery(page, name)
    shown = gallery["visible"][0]
    settings = shown["settings"]
    assert sorted(map(_norm, gallery["checked"])) == sorted(
        _norm(settings[k]) for k in EXPLORERS[name].gallery_choices
    ), f"checked {gallery['checked']} but the picture shows {settings}"
    summary = _summary(name, settings)
    assert shown["caption"].endswith(_as_shown(summary)), f"caption {shown['caption']!r} is not {summary!r}"
    assert shown["alt"].endswith(summary)
    assert shown["width"] > 300, f"the picture is only {shown['width']} px wide"
    return settings


@pytest.mark.parametrize("path", GALLERY_PAGES)
def test_gallery_opens_at_the_chapter_settings_and_buttons_switch(visit, path):
    name = GALLERY_PAGES[path]
    seen = visit(path)
    assert seen.problems() == [], "\n".join(seen.problems())
    page = seen.page
    gallery = _one_gallery(page, name)
    ex = EXPLORERS[name](scheduler=ImmediateScheduler())
    sizes = [len(v) for v in resolve_choices(ex, ex.gallery_choices).values()]
    assert gallery["rows"] == sizes and gallery["frames"] == math.prod(sizes)
    first = _check_shown(page, name)
    assert first == ex.settings()
    # Every row: its last button, then its first; the picture follows each click.
    rows = page.locator(".initlab-gallery fieldset")
    shown = [json.dumps(first, sort_keys=True)]
    for r in range(rows.count()):
        labels = rows.nth(r).locator("label")
        for k in (labels.count() - 1, 0):
            labels.nth(k).click()
            shown.append(json.dumps(_check_shown(page, name), sort_keys=True))
    assert len(set(shown)) >= rows.count() + 1, f"the clicks showed only {len(set(shown))} different pictures"


#: The gallery pictures the page has fetched, and what each gallery picture points at.
PICTURES = r"""
() => ({
  fetched: performance.getEntriesByType('resource').map((e) => e.name)
    .filter((u) => u.includes('/_images/gallery-')),
  images: Array.from(document.querySelectorAll('.initlab-gallery .ig-frame img')).map((img) => ({
    src: img.getAttribute('src'), loading: img.getAttribute('loading'),
    shown: img.checkVisibility(), loaded: img.complete && img.naturalWidth > 0,
  })),
  inline: document.documentElement.outerHTML.includes('data:image/png;base64'),
})
"""


def test_gallery_pictures_are_files_fetched_when_shown(visit):
    page = visit("chapters/02_vanishing_exploding.html").page
    before = page.evaluate(PICTURES)
    assert not before["inline"], "a picture is still inside the page as base64"
    images = before["images"]
    assert len(images) == 32 and all(
        i["src"].startswith("../_images/gallery-") and i["src"].endswith(".png") and i["loading"] == "lazy"
        for i in images
    ), images[:3]
    # Far below the top of the page, even the picture on show waits until the reader
    # scrolls near it (the other 31 are display: none, so never fetched until shown).
    assert len([i for i in images if i["shown"]]) == 1 and before["fetched"] == []
    page.locator(".initlab-gallery").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.initlab-gallery .ig-frame img')]"
        ".some((i) => i.checkVisibility() && i.complete && i.naturalWidth > 0)"
    )
    before = page.evaluate(PICTURES)
    shown = [i for i in before["images"] if i["shown"]]
    assert len(shown) == 1 and shown[0]["loaded"]
    assert len(before["fetched"]) == 1 and before["fetched"][0].endswith(shown[0]["src"].removeprefix(".."))
    page.locator(".initlab-gallery label", has_text="ReLU").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.initlab-gallery .ig-frame img')]"
        ".some((i) => i.checkVisibility() && i.complete && i.naturalWidth > 0 && !i.closest('.ig-default'))"
    )
    after = page.evaluate(PICTURES)
    assert len(after["fetched"]) == 2, after["fetched"]  # the new picture, and only it


def test_arrow_keys_move_within_a_row_with_a_focus_ring(visit):
    path = "chapters/06_range_vs_fan_in.html"
    page = visit(path).page
    first_row = page.locator(".initlab-gallery fieldset").first
    start = _check_shown(page, "weights_vs_fan_in")
    first_row.locator("input:checked + label").click()
    page.keyboard.press("ArrowRight")
    moved = _check_shown(page, "weights_vs_fan_in")
    values = [int(v) for v in first_row.locator("input").evaluate_all("(els) => els.map((e) => e.value)")]
    assert moved["fan_in"] == values[values.index(start["fan_in"]) + 1] and moved["fan_out"] == start["fan_out"]
    ring = first_row.locator("input:checked + label").evaluate(
        "(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2, f"no visible focus ring: {ring}"


def test_galleries_work_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_url)
                  else route.abort("blockedbyclient"))
    try:
        page = context.new_page()
        page.goto(site_url + "chapters/02_vanishing_exploding.html", wait_until="load")
        frames = page.locator(".initlab-gallery .ig-frame")
        visible = lambda: [i for i in range(frames.count()) if frames.nth(i).is_visible()]  # noqa: E731
        before = visible()
        assert len(before) == 1
        page.locator(".initlab-gallery label", has_text="ReLU").click()
        page.locator(".initlab-gallery label", has_text="50").click()
        after = visible()
        assert len(after) == 1 and after != before
        settings = json.loads(frames.nth(after[0]).get_attribute("data-settings"))
        assert settings["activation"] == "relu" and settings["depth"] == 50
    finally:
        context.close()


def test_printed_gallery_is_the_default_picture_without_buttons(visit):
    page = visit("chapters/06_range_vs_fan_in.html").page
    page.emulate_media(media="print")
    gallery = page.locator(".initlab-gallery")
    assert not gallery.locator(".ig-controls").is_visible()
    assert not gallery.locator(".ig-note").is_visible()
    assert _check_shown(page, "weights_vs_fan_in") == {"fan_in": 10, "fan_out": 20}
