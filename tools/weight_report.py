"""Report what each page of the built book costs a reader to download.

Every page of the table of contents is opened in Chromium (fresh context, empty cache,
requests to other hosts blocked) and, once MathJax has typeset it, the browser's Resource
Timing entries give the bytes each request transferred (body and headers; the local
server sends files uncompressed, as a static host without compression would). The bytes
are grouped into HTML, figures (images), scripts, style sheets, fonts and other files.

Static hosts (GitHub Pages, Read the Docs, Netlify, nginx's usual setup) send text files
(HTML, scripts, style sheets, SVG) gzip-compressed; the report therefore gives each page's
total twice: as the local server sent it, and as a compressing host sends it (each text
file gzip-compressed at level 6 from the built file; PNG and woff fonts are compressed
already and count as they are). The budget applies to the second: a reader of the
published book downloads that.

The report (a text table, one line per page, then the totals and the largest figures)
is printed and written to ``_build/weight-report.txt``. ``tests/site/test_weight.py``
runs it and checks the budget: figures are SVG or PNG under 200 KB each, no page over
1.5 MB in total.

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
import gzip
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitebrowser import ROOT, WAIT_FOR_MATHJAX, chromium, new_context, served, toc_pages  # noqa: E402

#: Budget checked by tests/site/test_weight.py.
MAX_FIGURE_BYTES = 200 * 1024
MAX_PAGE_BYTES = 3 * 512 * 1024  # 1.5 MB

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


#: Suffixes a compressing static host sends gzip-compressed.
COMPRESSED_SUFFIXES = {".html", ".htm", ".js", ".mjs", ".css", ".svg", ".json", ".txt", ".xml"}


@dataclass
class Resource:
    url: str
    kind: str
    transferred: int  # bytes on the wire, headers included
    body: int  # bytes of the file as sent
    gzipped: int | None = None  # bytes a compressing host sends (body only), if known

    @property
    def published(self) -> int:
        """Bytes a compressing host transfers: the gzipped body and the same headers."""
        if self.gzipped is None:
            return self.transferred
        return self.transferred - self.body + self.gzipped


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
    def published_total(self) -> int:
        return sum(r.published for r in self.resources)

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


def add_gzip_sizes(weights: list[PageWeight], html_dir: Path, base_url: str) -> None:
    """Fill ``gzipped`` for the text files, from the built files in ``html_dir``."""
    cache: dict[Path, int] = {}
    base = urlsplit(base_url).path
    for w in weights:
        for r in w.resources:
            path = unquote(urlsplit(r.url).path)
            if not r.url.startswith(base_url) or PurePosixPath(path).suffix.lower() not in COMPRESSED_SUFFIXES:
                continue
            rel = path[len(base):]
            file = html_dir / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
            if file.is_file():
                if file not in cache:
                    cache[file] = len(gzip.compress(file.read_bytes(), compresslevel=6, mtime=0))
                r.gzipped = cache[file]


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
    header = (f"{'page':<42}" + "".join(f"{k:>9}" for k in KINDS) + f"{'total':>9}"
              f"{'gzipped':>9}{'requests':>9}")
    lines = [
        "Bytes each page of the book transfers with an empty browser cache (KB = 1024 bytes).",
        "Columns html ... total: as the local test server sends them (uncompressed).",
        "Column gzipped: as a compressing static host sends them (text files gzip -6);",
        "the 1.5 MB budget applies to it. A reader who opens several pages downloads the shared",
        "scripts, styles and fonts only once.",
        "",
        header,
        "-" * len(header),
    ]
    for w in weights:
        lines.append(
            f"{w.page:<42}" + "".join(f"{_kb(w.bytes_of(k)):>9}" for k in KINDS)
            + f"{_kb(w.total):>9}{_kb(w.published_total):>9}{len(w.resources):>9}"
        )
    lines.append("-" * len(header))
    if weights:
        heaviest = max(weights, key=lambda w: w.published_total)
        files = {r.url: r for w in weights for r in w.resources}
        figures = {r.url: r for w in weights for r in w.figures}
        n = len(weights)
        lines += [
            f"pages: {n}; heaviest: {heaviest.page} ({_kb(heaviest.total)} KB, "
            f"{_kb(heaviest.published_total)} KB gzipped); mean per page: "
            f"{_kb(sum(w.total for w in weights) // n)} KB, "
            f"{_kb(sum(w.published_total for w in weights) // n)} KB gzipped",
            f"whole site, each file once: {_kb(sum(r.transferred for r in files.values()))} KB, "
            f"{_kb(sum(r.published for r in files.values()))} KB gzipped; "
            f"figures: {len(figures)} files, {_kb(sum(r.body for r in figures.values()))} KB",
        ]
        largest_files = sorted(files.values(), key=lambda r: r.transferred, reverse=True)[:3]
        lines.append("largest files: " + ", ".join(
            f"{PurePosixPath(urlsplit(r.url).path).name} ({_kb(r.transferred)} KB, "
            f"{_kb(r.published)} KB gzipped)" for r in largest_files))
        largest = sorted(figures.values(), key=lambda r: r.body, reverse=True)[:5]
        if largest:
            lines.append("largest figures: " + ", ".join(
                f"{PurePosixPath(urlsplit(r.url).path).name[:16]}... ({_kb(r.body)} KB)"
                for r in largest))
    outside = [u for w in weights for u in w.outside_requests]
    lines.append(f"requests to other hosts (blocked): {len(outside)}")
    lines += [f"  {u}" for u in outside[:20]]
    return "\n".join(lines) + "\n"


def budget_problems(weights: list[PageWeight]) -> list[str]:
    """Every figure that is not SVG/PNG or is over 200 KB, every page over 1.5 MB (as a
    compressing host sends it)."""
    problems = []
    for w in weights:
        if w.published_total > MAX_PAGE_BYTES:
            problems.append(f"{w.page}: {w.published_total:,} bytes gzipped, over {MAX_PAGE_BYTES:,}")
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
        add_gzip_sizes(weights, args.html_dir.resolve(), url)
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
