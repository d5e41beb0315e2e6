"""Exercise solutions open on a click; launch buttons open the page's own notebook.

* Solutions (sphinx-exercise ``{solution}`` with ``:class: dropdown``) are hidden when
  the page loads, and a click on each one's title shows its body.
* A page built from a notebook has a Binder and a Colab button whose links name the
  repository and branch of ``_config.yml`` and the page's own ``.ipynb``
  (the URLs are built here from the configuration and compared with the hrefs read from
  the launch dropdown). A page built from Markdown has no launch button, since there is no
  notebook to open.
"""

from __future__ import annotations

import pytest

from sitekit import BOOK, inspected, source_of  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(180)


def _exercise_source_has_solutions(page: str) -> int:
    text = source_of(page).read_text(encoding="utf-8")
    return text.count("{solution}")


def test_solutions_hidden_then_shown_on_click(inspected, toc_page):
    expected = _exercise_source_has_solutions(toc_page)
    before, after = inspected.solutions_before, inspected.solutions_after
    assert len(before) == expected, (
        f"the source has {expected} solution directives, the page shows {len(before)}"
    )
    if not expected:
        return
    assert inspected.click_errors == [], "\n".join(inspected.click_errors)
    empty = [s["id"] for s in before if not s["hasBody"]]
    assert empty == [], f"solutions without a body: {empty}"
    shown_early = [f"{s['id']} ({s['title'].strip()})" for s in before if s["shown"]]
    assert shown_early == [], f"solutions visible before a click: {shown_early}"
    still_hidden = [f"{s['id']} ({s['title'].strip()})" for s in after if not s["shown"]]
    assert still_hidden == [], f"solutions still hidden after a click: {still_hidden}"


def test_launch_buttons_open_this_pages_notebook(inspected, toc_page):
    launch = inspected.data["launch"]
    if source_of(toc_page).suffix != ".ipynb":
        assert launch == [], f"a page without a notebook has launch buttons: {launch}"
        return
    hrefs = sorted({link["href"] for link in launch})
    binder = [h for h in hrefs if h.startswith("https://mybinder.org/")]
    colab = [h for h in hrefs if h.startswith("https://colab.research.google.com/")]
    assert binder == [BOOK.binder_url(toc_page)], f"Binder links: {binder}"
    assert colab == [BOOK.colab_url(toc_page)], f"Colab links: {colab}"
    others = [h for h in hrefs if h not in binder + colab]
    assert others == [], f"unexpected launch links: {others}"
    assert inspected.data["thebe"] >= 1, "no live-code (Thebe) button on a notebook page"
