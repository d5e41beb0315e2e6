"""The teachers' slides in the built site (``_build/html/slides``), opened in Chromium as on
a classroom projector: each deck loads with no failed or outside request and no console
error, reveal.js counts one slide per heading of its source, every formula is typeset by the
local MathJax without a TeX error, and the deck moves forward with the → key. The teachers'
page links each deck and the link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitebrowser import WAIT_FOR_MATHJAX

ROOT = Path(__file__).resolve().parents[2]
DECKS = ("session1", "session2", "session3")


@pytest.mark.parametrize("deck", DECKS)
def test_deck_runs_offline_with_its_mathematics(visit, site_dir, deck):
    if not (site_dir / "slides" / f"{deck}.html").is_file():
        pytest.fail("no slides in the built site: run `make book` (it builds slides/ too)", pytrace=False)
    v = visit(f"slides/{deck}.html")
    page = v.page
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    page.evaluate(WAIT_FOR_MATHJAX)
    source = (ROOT / "slides" / f"{deck}.md").read_text(encoding="utf-8")
    headings = len(re.findall(r"^## ", source, re.M))
    assert page.evaluate("() => Reveal.getTotalSlides()") == headings + 1  # and the title slide
    maths = page.evaluate("() => document.querySelectorAll('mjx-container').length")
    assert maths >= source.count("$$") // 2, "formulas left untypeset"
    assert page.evaluate("() => document.querySelectorAll('mjx-merror').length") == 0
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => Reveal.getIndices().h") == 1
    assert not v.problems(), v.problems()


def test_teachers_page_links_every_deck(visit):
    v = visit("teaching/instructors.html")
    hrefs = v.page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.href)")
    for deck in DECKS:
        assert any(h.endswith(f"/slides/{deck}.html") for h in hrefs), deck
    assert not v.problems(), v.problems()
