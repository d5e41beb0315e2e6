"""The site's search page finds the book's key terms.

Sphinx's search runs in the browser from ``searchindex.js``; the test types nothing, it
opens ``search.html?q=...`` as the search box does and waits for the result list.
"""

from __future__ import annotations

import re

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


#: The text of every result's snippet.
SNIPPETS = """
() => Array.from(document.querySelectorAll('#search-results ul.search li p.context'))
  .map((p) => p.textContent)
"""

#: What raw TeX looks like in a snippet: math delimiters or a control sequence.
RAW_TEX = re.compile(r"\\[()\[\]]|\\[A-Za-z]+")


def test_snippets_show_formulas_as_text_not_tex(visit):
    """Snippets come from the pages' HTML, where formulas are still TeX for MathJax; the
    site's _static/search_snippets.js reads them as plain text (C_W as "CW", χ for \\chi)."""
    result = visit("search.html?q=susceptibility")
    page = result.page
    page.wait_for_function("() => document.querySelectorAll('#search-results p.context').length >= 3")
    page.wait_for_function(
        "() => { const p = document.querySelector('#search-results p.search-summary');"
        " return p && /page/.test(p.textContent); }"
    )
    snippets = page.evaluate(SNIPPETS)
    raw = [s for s in snippets if RAW_TEX.search(s)]
    assert raw == [], f"raw TeX in {len(raw)} of {len(snippets)} snippets: {raw[:2]}"
    assert any("χ" in s for s in snippets), snippets[:3]  # a formula read as text
    # The reading itself, on formulas of the book.
    plain = page.evaluate("(tex) => tex.map(window.initlabPlainTeX)", [
        r"\(C_W\)", r"\(\operatorname{Var}(W) = \frac{2}{n_{\ell-1}}\)", r"\[\chi_\perp = C_W\,\mathbb{E}[\phi'(z)^2]\]"])
    assert plain == ["CW", "Var(W) = (2)/(nℓ-1)", "χ⊥ = CW E[φ'(z)²]"]
    assert result.problems() == [], "\n".join(result.problems())
