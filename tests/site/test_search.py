"""The site's search page finds the book's key terms.

Sphinx's search runs in the browser from ``searchindex.js``; the test types nothing, it
opens ``search.html?q=...`` as the search box does and waits for the result list.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.timeout(120)

RESULTS = """
() => Array.from(document.querySelectorAll('#search-results ul.search li a'))
  .map((a) => a.getAttribute('href'))
"""

#: Each query, and a page that must be among its results (where the term is central).
QUERIES = {
    "Glorot": "chapters/05_xavier_and_lecun.html",
    "fan-in": "chapters/06_range_vs_fan_in.html",
}


@pytest.mark.parametrize("query", list(QUERIES))
def test_search_finds(visit, query):
    result = visit(f"search.html?q={query}")
    page = result.page
    page.wait_for_function(
        "() => { const p = document.querySelector('#search-results p.search-summary');"
        " return p && /page|did not match/.test(p.textContent); }"
    )
    hits = page.evaluate(RESULTS)
    assert result.problems() == [], "\n".join(result.problems())
    assert hits, f"searching {query!r} found nothing"
    pages = {h.split("#")[0].split("?")[0] for h in hits}
    assert QUERIES[query] in pages, f"{QUERIES[query]} not among the results for {query!r}: {pages}"
