"""Print the whole book to one PDF, with its mathematics and figures.

The tool serves the built website (``_build/html``) on 127.0.0.1 and opens the first
page of the table of contents in Chromium. There it fetches every other page of the
table of contents, in order, and appends each page's article to the first one (image
sources made absolute, links between pages turned into links inside the document), so
that the browser holds the whole book as one document. It then lets MathJax typeset
the added pages, waits for every image, and prints with Chromium's print-to-PDF (A4,
page numbers in the footer, each page of the table of contents starting a new sheet,
solutions printed open). Nothing is fetched from another host.

(Jupyter Book's single-page builder, ``--builder singlehtml``, would do the joining, but
it fails on this book: sphinx-proof registers its boxes for the ``html`` builder only.)

Usage::

    .venv/bin/python tools/make_pdf.py                          # _build/html -> _build/pdf/initialization.pdf
    .venv/bin/python tools/make_pdf.py --html-dir DIR --out FILE

``make pdf`` builds the website first, then runs the first form.

Example
-------
>>> from make_pdf import print_pdf                                 # doctest: +SKIP
>>> print_pdf(Path("_build/html"), Path("_build/pdf/book.pdf"))    # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitebrowser import ROOT, chromium, open_page, served, toc_pages  # noqa: E402

DEFAULT_HTML = ROOT / "_build" / "html"
DEFAULT_PDF = ROOT / "_build" / "pdf" / "initialization.pdf"

#: Print layout: the theme's navigation, buttons and toggles have no place on paper;
#: every solution (a collapsed toggle on the website) is printed open.
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .bd-footer,
.bd-footer-article, .bd-footer-content, .prev-next-area, .header-article-items, .toggle-button,
.copybtn, .headerlink, .thebe-launch-button, #pst-back-to-top, .skip-link, .search-button-field,
#pst-search-dialog { display: none !important; }
.bd-main .bd-content .bd-article-container, .bd-container, .bd-page-width, .bd-main,
.bd-content, .bd-article-container { max-width: 100% !important; width: 100% !important; }
.toggle-hidden, .toggle-details__container { display: block !important; visibility: visible !important; }
img { break-inside: avoid; max-width: 100% !important; }
figure, .cell_output, div.math { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
.pdf-part { break-before: page; }
"""

#: Runs in the first page: appends the article of every other page (see the docstring).
JOIN_PAGES = r"""
async (pages) => {
  const article = document.querySelector('article.bd-article');
  const rootUrl = new URL(pages.root, location.href);
  const ownUrl = (p) => new URL(p, rootUrl).href;
  const inBook = new Map(pages.list.map((p) => [ownUrl(p), p]));
  const firstIds = new Map();  // page URL -> id of its first section
  firstIds.set(location.href.split('#')[0], (article.querySelector('section[id]') || {}).id);
  for (const p of pages.list.slice(1)) {
    const url = ownUrl(p);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${p}: HTTP ${response.status}`);
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const part = doc.querySelector('article.bd-article');
    if (!part) throw new Error(`${p}: no article`);
    part.querySelectorAll('[src]').forEach((el) =>
      el.setAttribute('src', new URL(el.getAttribute('src'), url).href));
    part.querySelectorAll('a[href]').forEach((el) => {
      const href = el.getAttribute('href');
      if (!href.startsWith('#')) el.setAttribute('href', new URL(href, url).href);
    });
    firstIds.set(url, (part.querySelector('section[id]') || {}).id);
    const wrapper = document.createElement('div');
    wrapper.className = 'pdf-part';
    wrapper.dataset.page = p;
    wrapper.append(...Array.from(part.childNodes).map((n) => document.adoptNode(n)));
    article.append(wrapper);
  }
  // Links to a page of the book, or to a place in one, now lead inside the document.
  let internal = 0;
  article.querySelectorAll('a[href]').forEach((el) => {
    const target = new URL(el.href);
    const page = target.href.split('#')[0];
    if (!inBook.has(page) && page !== location.href.split('#')[0]) return;
    const id = target.hash ? decodeURIComponent(target.hash.slice(1)) : firstIds.get(page);
    if (id && document.getElementById(id)) { el.setAttribute('href', '#' + id); internal += 1; }
  });
  return { parts: pages.list.length, internal };
}
"""

#: Typesets what was added and resolves when MathJax is done.
TYPESET = """
() => {
  if (!window.MathJax || !window.MathJax.typesetPromise) return 'no-mathjax';
  return MathJax.typesetPromise([document.querySelector('article.bd-article')]).then(() => 'typeset');
}
"""

#: Resolves when every image of the page has loaded (or failed).
WAIT_FOR_IMAGES = """
() => Promise.all(Array.from(document.images).map((img) => {
  // The galleries' pictures load lazily: the one each gallery shows is printed, so fetch it
  // now; the hidden ones (display: none) are not printed and never load.
  if (img.loading === 'lazy' && img.checkVisibility()) img.loading = 'eager';
  return img;
}).filter((img) => img.loading !== 'lazy').map((img) => img.complete ? null :
  new Promise((resolve) => { img.addEventListener('load', resolve);
                             img.addEventListener('error', resolve); })))
"""

SUMMARY = """
() => ({
  images: document.querySelectorAll('article img').length,
  distinctImages: new Set(Array.from(document.querySelectorAll('article img')).map((i) => i.src)).size,
  brokenImages: Array.from(document.querySelectorAll('article img')).filter((img) => img.loading !== 'lazy')
    .filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.src),
  math: document.querySelectorAll('mjx-container').length,
  // Sphinx's math elements (MathJax's own output also uses the class "math").
  untypeset: Array.from(document.querySelectorAll('span.math.notranslate, div.math.notranslate'))
    .filter((el) => !el.querySelector('mjx-container')).length,
  errors: document.querySelectorAll('mjx-merror').length,
})
"""

FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#444">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def print_pdf(html_dir: Path, out: Path, pages: list[str] | None = None, browser=None) -> dict:
    """Join the pages of the built site in Chromium and print them to ``out``.

    ``browser``: a Playwright browser to use (the tests pass theirs); by default the tool
    starts Chromium itself. Returns a summary: number of images and typeset formulas,
    formulas left untypeset, MathJax errors, broken images, requests to other hosts
    (blocked), seconds, bytes.
    """
    pages = pages or toc_pages()
    if not (html_dir / pages[0]).is_file():
        raise FileNotFoundError(f"no {html_dir / pages[0]}: build the book first (make book)")
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    outside: list[str] = []
    with served(html_dir) as url, contextlib.ExitStack() as stack:
        if browser is None:
            browser = stack.enter_context(chromium())
        page = open_page(browser, url + pages[0], timeout_ms=600_000, outside=outside)
        joined = page.evaluate(JOIN_PAGES, {"root": url, "list": pages})
        page.evaluate(TYPESET)
        page.evaluate(WAIT_FOR_IMAGES)
        page.add_style_tag(content=PRINT_CSS)
        summary = page.evaluate(SUMMARY)
        page.emulate_media(media="print")
        page.pdf(
            path=str(out), format="A4", print_background=True, prefer_css_page_size=True,
            display_header_footer=True, header_template="<span></span>",
            footer_template=FOOTER,
        )
        page.context.close()
    summary.update(joined, outside_requests=outside, bytes=out.stat().st_size, path=str(out),
                   seconds=round(time.perf_counter() - start, 1))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-dir", type=Path, default=DEFAULT_HTML)
    parser.add_argument("--out", type=Path, default=DEFAULT_PDF)
    args = parser.parse_args(argv)
    summary = print_pdf(args.html_dir, args.out)
    print(f"wrote {summary['path']}: {summary['bytes']:,} bytes; {summary['parts']} pages of the "
          f"book, {summary['images']} images, {summary['math']} typeset formulas, "
          f"{summary['internal']} internal links; {summary['seconds']} s")
    problems = []
    if summary["errors"] or summary["untypeset"]:
        problems.append(f"MathJax: {summary['errors']} errors, {summary['untypeset']} formulas untypeset")
    if summary["brokenImages"]:
        problems.append(f"images that did not load: {summary['brokenImages']}")
    if summary["outside_requests"]:
        problems.append(f"blocked requests to other hosts: {summary['outside_requests']}")
    for p in problems:
        print("error:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
