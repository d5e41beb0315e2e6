"""Report what each page of the built book costs a reader to download.

Every page of the table of contents is opened in Chromium (fresh context, empty cache,
requests to other hosts blocked) and, once MathJax has typeset it, the browser's Resource
Timing entries give the bytes each request transferred (body and headers; the local
server sends files uncompressed, as a static host without compression would). The bytes
are grouped into HTML, figures (images), scripts, style sheets, fonts and other files.

The report (a text table, one line per page, then the totals and the largest figures)
is printed and written to ``_build/weight-report.txt``. ``tests/site/test_weight.py``
runs it and checks the budget: figures are SVG or PNG under 200 KB each, no page over
3 MB in total.

Usage::

    .venv/bin/python tools/weight_report.py                  # _build/html
    .venv/bin/python tools/weight_report.py --html-dir DIR --out FILE

Example
-------
>>> from weight_report import measure, format_report              # doctest: +SKIP
>>> with served("_build/html") as url, chromium() as browser:     # doctest: +SKIP
...     weights = measure(browser, url, ["intro.html"])
>>> print(format_report(weights))                                # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitebrowser import ROOT, WAIT_FOR_MATHJAX, chromium, new_context, served, toc_pages  # noqa: E402

#: Budget checked by tests/site/test_weight.py.
MAX_FIGURE_BYTES = 200 * 1024
MAX_PAGE_BYTES = 3 * 1024 * 1024

KINDS = ("html", "figures", "scripts", "styles", "fonts", "other")
_BY_SUFFIX = {
    ".html": "html", ".htm": "html",
    ".png": "figures", ".svg": "figures", ".jpg": "figures", ".jpeg": "figures",
    ".gif": "figures", ".webp": "figures",
    ".js": "scripts", ".mjs": "scripts",
    ".css": "styles",
    ".woff": "fonts", ".woff2": "fonts", ".ttf": "fonts", ".otf": "fonts", ".eot": "fonts",
}

#: Every request of the page with its sizes, from the Resource Timing API.
_ENTRIES = """
() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
  .map((e) => ({ url: e.name, initiator: e.initiatorType || 'navigation',
                 transfer: e.transferSize, body: e.encodedBodySize }))
"""


@dataclass
class Resource:
    url: str
    kind: str
    transferred: int  # bytes on the wire, headers included
    body: int  # bytes of the file as sent


@dataclass
class PageWeight:
    page: str
    resources: list[Resource] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def bytes_of(self, kind: str) -> int:
        return sum(r.transferred for r in self.resources if r.kind == kind)

    @property
    def total(self) -> int:
        return sum(r.transferred for r in self.resources)

    @property
    def figures(self) -> list[Resource]:
        return [r for r in self.resources if r.kind == "figures"]


def kind_of(url: str, initiator: str) -> str:
    """The group a request belongs to, from its file suffix (or what asked for it)."""
    if initiator == "navigation":
        return "html"
    suffix = PurePosixPath(unquote(urlsplit(url).path)).suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    return {"img": "figures", "script": "scripts", "css": "styles"}.get(initiator, "other")


def weigh_loaded_page(page, name: str) -> PageWeight:
    """Weigh a page that has finished loading, from the browser's Resource Timing."""
    weight = PageWeight(page=name)
    for entry in page.evaluate(_ENTRIES):
        if entry["url"].startswith("data:"):
            continue
        weight.resources.append(
            Resource(
                url=entry["url"],
                kind=kind_of(entry["url"], entry["initiator"]),
                transferred=int(entry["transfer"]),
                body=int(entry["body"]),
            )
        )
    return weight


def measure(browser, base_url: str, pages: list[str]) -> list[PageWeight]:
    """Open each page with an empty cache and weigh what it downloaded."""
    weights = []
    for name in pages:
        outside: list[str] = []
        context = new_context(browser, base_url, outside)
        # The default buffer keeps 250 entries; MathJax alone loads dozens of files.
        context.add_init_script("performance.setResourceTimingBufferSize(100000)")
        try:
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(base_url + name, wait_until="load")
            page.evaluate(WAIT_FOR_MATHJAX)
            page.wait_for_load_state("networkidle")
            weight = weigh_loaded_page(page, name)
            weight.outside_requests = outside
            weights.append(weight)
        finally:
            context.close()
    return weights


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f}"


def format_report(weights: list[PageWeight]) -> str:
    """The report as text: a table in KB, the totals and the five largest figures."""
    header = f"{'page':<40}" + "".join(f"{k:>9}" for k in KINDS) + f"{'total':>10}{'requests':>10}"
    lines = [
        "Transferred bytes per page of the book (KB = 1024 bytes), empty browser cache,",
        "files served uncompressed. A reader who opens several pages downloads the shared",
        "scripts, styles and fonts only once.",
        "",
        header,
        "-" * len(header),
    ]
    for w in weights:
        lines.append(
            f"{w.page:<40}" + "".join(f"{_kb(w.bytes_of(k)):>9}" for k in KINDS)
            + f"{_kb(w.total):>10}{len(w.resources):>10}"
        )
    lines.append("-" * len(header))
    if weights:
        heaviest = max(weights, key=lambda w: w.total)
        figures = {r.url: r for w in weights for r in w.figures}
        unique_total = sum(
            r.transferred for r in {r.url: r for w in weights for r in w.resources}.values()
        )
        lines += [
            f"pages: {len(weights)}; heaviest: {heaviest.page} ({_kb(heaviest.total)} KB); "
            f"mean: {_kb(sum(w.total for w in weights) // len(weights))} KB per page",
            f"whole site, each file once: {_kb(unique_total)} KB; "
            f"figures: {len(figures)} files, {_kb(sum(r.body for r in figures.values()))} KB",
        ]
        largest = sorted(figures.values(), key=lambda r: r.body, reverse=True)[:5]
        if largest:
            lines.append("largest figures: " + ", ".join(
                f"{PurePosixPath(urlsplit(r.url).path).name} ({_kb(r.body)} KB)" for r in largest))
    outside = [u for w in weights for u in w.outside_requests]
    lines.append(f"requests to other hosts (blocked): {len(outside)}")
    lines += [f"  {u}" for u in outside[:20]]
    return "\n".join(lines) + "\n"


def budget_problems(weights: list[PageWeight]) -> list[str]:
    """Every figure that is not SVG/PNG or is over 200 KB, every page over 3 MB."""
    problems = []
    for w in weights:
        if w.total > MAX_PAGE_BYTES:
            problems.append(f"{w.page}: {w.total:,} bytes, over {MAX_PAGE_BYTES:,}")
        for r in w.figures:
            name = PurePosixPath(unquote(urlsplit(r.url).path)).name
            suffix = PurePosixPath(name).suffix.lower()
            if suffix not in (".svg", ".png"):
                problems.append(f"{w.page}: figure {name} is {suffix or 'no'} file, not SVG or PNG")
            if r.body > MAX_FIGURE_BYTES:
                problems.append(f"{w.page}: figure {name} has {r.body:,} bytes, over {MAX_FIGURE_BYTES:,}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-dir", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None,
                        help="report file (default: weight-report.txt next to the html folder)")
    args = parser.parse_args(argv)
    out = args.out or args.html_dir.resolve().parent / "weight-report.txt"
    with served(args.html_dir) as url, chromium() as browser:
        weights = measure(browser, url, toc_pages())
    report = format_report(weights)
    out.write_text(report, encoding="utf-8")
    print(report, end="")
    print(f"(written to {out})")
    problems = budget_problems(weights)
    for problem in problems:
        print("over budget:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
