"""Shared pieces of the website-quality tests (accessibility, links, launch buttons, ...).

The fixtures of ``conftest.py`` (``site_dir``, ``site_url``, ``browser``, ``visit``,
``toc_page``) open the pages. This module adds what several test modules need:

``inspected``       a fixture: ``toc_page`` loaded once through ``visit`` (desktop, light
                    theme) and everything the tests below look at, extracted as plain data
                    (links, headings, figures, launch buttons, axe-core's violations, the
                    figures' styles in the dark theme, the exercise solutions before and
                    after a click, the bytes it downloaded, its images, visible text and
                    formulas). One load per page serves every
                    test module; ``inspect_page(visit, page)`` gives the same for any page.
``open_page``       opens a page in a fresh context of a given viewport, blocking and
                    recording every request to another host (for screenshots and the
                    phone layout).
``BOOK``            the repository URL and branch from ``_config.yml``, and where each
                    page of the table of contents comes from (``.ipynb`` or ``.md``).
"""

from __future__ import annotations

import html.parser
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import weight_report  # noqa: E402  (tools/weight_report.py)
from sitebrowser import WAIT_FOR_MATHJAX  # noqa: E402  (tools/sitebrowser.py)

#: The version of axe-core the tests run (tests/site/vendor/axe-core, from npm).
AXE_VERSION = "4.14.1"


def axe_source() -> str:
    """axe-core's script, from the copy kept with the tests (see its README)."""
    source = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    assert source.startswith(f"/*! axe v{AXE_VERSION}"), "tests/site/vendor/axe-core is not the version named here"
    return source


@dataclass(frozen=True)
class Book:
    """What the tests need from ``_config.yml``: the repository the launch buttons use."""

    org: str
    repo: str
    branch: str
    path_to_book: str

    @classmethod
    def load(cls, config: Path = ROOT / "_config.yml") -> "Book":
        conf = yaml.safe_load(config.read_text(encoding="utf-8"))
        url = conf["repository"]["url"].rstrip("/")
        parts = urlsplit(url)
        if parts.netloc != "github.com":
            raise ValueError(f"repository.url must be a github.com URL, got {url!r}")
        org, repo = parts.path.strip("/").split("/")[:2]
        return cls(
            org=org,
            repo=repo,
            branch=str(conf["repository"].get("branch", "main")),
            path_to_book=str(conf["repository"].get("path_to_book", "") or "").strip("/"),
        )

    def notebook_path(self, page: str) -> str:
        """Repository path of the notebook behind ``page`` (``chapters/x.html``)."""
        path = Path(page).with_suffix(".ipynb").as_posix()
        return f"{self.path_to_book}/{path}" if self.path_to_book else path

    def binder_url(self, page: str) -> str:
        return (
            f"https://mybinder.org/v2/gh/{self.org}/{self.repo}/{self.branch}"
            f"?urlpath=lab/tree/{self.notebook_path(page)}"
        )

    def colab_url(self, page: str) -> str:
        return (
            f"https://colab.research.google.com/github/{self.org}/{self.repo}"
            f"/blob/{self.branch}/{self.notebook_path(page)}"
        )


BOOK = Book.load()


def source_of(page: str) -> Path:
    """The source file of a page of the table of contents (``.ipynb`` or ``.md``)."""
    stem = ROOT / Path(page).with_suffix("")
    for suffix in (".ipynb", ".md"):
        if stem.with_suffix(suffix).is_file():
            return stem.with_suffix(suffix)
    raise FileNotFoundError(f"no source for {page} (looked for {stem}.ipynb and .md)")


# --------------------------------------------------------------------------------------
# Element ids of the built pages, read from the files (for the #fragment check).


class _IdCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


@lru_cache(maxsize=None)
def ids_in(html_file: Path) -> frozenset[str]:
    """Every ``id`` (and ``<a name>``) in a built HTML file."""
    parser = _IdCollector()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


# --------------------------------------------------------------------------------------
# One inspection per page.

#: Runs in the page; returns what the tests check, as JSON-able data.
INSPECT = r"""
() => {
  const main = document.querySelector('article.bd-article') || document.querySelector('main');
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const links = Array.from(document.querySelectorAll('a[href]')).map((a) => ({
    href: a.href, raw: a.getAttribute('href'), text: a.textContent.trim().slice(0, 60),
  }));
  // Visible headings only: the theme's print-only title block repeats the <h1>.
  const headings = main ? Array.from(main.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter((h) => h.checkVisibility())
    .map((h) => ({ level: Number(h.tagName[1]),
                   text: h.textContent.replace(/[#¶]/g, '').trim().slice(0, 80) })) : [];
  const figures = main ? Array.from(main.querySelectorAll('img')).map((img) => ({
    src: img.currentSrc || img.src,
    alt: (img.getAttribute('alt') || '').trim(),
    loaded: img.complete && img.naturalWidth > 0,
    width: img.naturalWidth, height: img.naturalHeight,
  })) : [];
  // The header's launch dropdown (links to Binder in the text are not launch buttons).
  const launch = Array.from(document.querySelectorAll('.dropdown-launch-buttons a'))
    .map((a) => ({ href: a.href, title: a.getAttribute('title') || a.textContent.trim() }));
  const thebe = document.querySelectorAll('.btn-launch-thebe, .thebe-launch-button').length;
  const outsideDeps = Array.from(document.querySelectorAll(
      'script[src], link[href][rel~="stylesheet"], link[href][rel~="preload"], ' +
      'link[href][rel~="modulepreload"], img[src], iframe[src], source[src], video[src], audio[src]'))
    .map((el) => el.src || el.href)
    .filter((u) => /^(https?|wss?):/.test(u) && new URL(u).host !== location.host);
  // A widget view needs the widget manager's JavaScript to show anything; the state
  // blob myst-nb writes next to it is inert JSON.
  const widgetViews = document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]').length;
  const widgetLoaders = Array.from(document.querySelectorAll('script:not([src])'))
    .map((el) => el.textContent)
    .filter((t) => /require(\.min)?\.js|@jupyter-widgets\/html-manager|embed-amd/.test(t))
    .map((t) => t.trim().slice(0, 120));
  return { url: location.href, links, headings, figures, launch, thebe, outsideDeps,
           widgetViews, widgetLoaders, title: document.title };
}
"""

#: Text nodes of the page that a reader sees, outside code and scripts.
VISIBLE_TEXT = """
() => {
  const skip = new Set(['PRE', 'CODE', 'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'KBD', 'SAMP']);
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let hidden = false;
    for (let el = node.parentElement; el; el = el.parentElement) {
      if (skip.has(el.tagName)) { hidden = true; break; }
    }
    if (hidden || !node.parentElement.checkVisibility()) continue;
    out.push(node.textContent);
  }
  return out.join(' ');
}
"""

#: Markup a reader should never see: MyST that was not parsed (a directive fence, a role, a
#: label) and TeX outside mathematics, in the visible prose and in inline code (a fence with
#: backticks in its title is left as inline code); code blocks are excepted. Each hit comes
#: with a little of its context.
RAW_MARKUP = r"""
() => {
  const inCodeBlock = (el) => !!el.closest('pre, .highlight, .cell_input, .cell_output, script, style, mjx-container');
  const shown = (el) => el.checkVisibility();
  const hits = [];
  const directive = /```|~~~|:::\s*\{|\{(prf:[a-z]+|exercise|solution|admonition|figure|glue:?[a-z]*|cite:?[a-z]*|ref|numref|eq|doc|math|literalinclude|code-cell|note|warning|tip|dropdown)\}|^\([a-z0-9-]+\)=$/m;
  // TeX commands, $…$ left unparsed, and a lone $ next to typeset mathematics (a display that
  // rendered as "Proof. $ … $").
  const tex = /\\(texttt|textbf|emph|frac|dfrac|sqrt|mathbb|mathcal|operatorname|alpha|sigma|chi|ell|sum|left|right|begin|end)\b|\$[^$\s][^$]*\$|(^|\s)\$\s*$|^\s*\$(\s|$)/;
  const walker = document.createTreeWalker(document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || inCodeBlock(el) || !shown(el)) continue;
    const text = node.textContent;
    const inline = el.closest('code, kbd, samp') !== null;
    const m = text.match(directive) || (inline ? null : text.match(tex));
    if (m) hits.push((inline ? 'inline code: ' : 'text: ') + text.trim().slice(0, 120));
  }
  return hits;
}
"""

#: Display equations cut off: the formula reaches past the left or right edge of its box (or
#: of the article's column) with no box between the formula and the article that actually scrolls
#: (content wider than itself, overflow-x auto or scroll); and inline formulas wider than their
#: box when that box does not scroll. Returns the first characters of each.
CLIPPED_EQUATIONS = r"""
() => {
  const out = [];
  for (const d of document.querySelectorAll('div.math')) {
    const display = d.querySelector('mjx-container');
    if (!display || !d.checkVisibility()) continue;
    const formula = display.querySelector(':scope > mjx-math') || display;
    const r = formula.getBoundingClientRect();
    const right = Math.max(r.left + formula.scrollWidth, r.right);
    let scrolls = false;
    for (let p = formula.parentElement; p && p.tagName !== 'ARTICLE'; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === 'auto' || o === 'scroll') && p.scrollWidth > p.clientWidth) { scrolls = true; break; }
    }
    const column = (d.closest('.bd-article') || document.body).getBoundingClientRect();
    const box = d.getBoundingClientRect();
    // A centred formula wider than its box overflows on both sides: the left edge counts too.
    if (!scrolls && (right > Math.min(box.right, column.right) + 1 || r.left < Math.max(box.left, column.left) - 1)) {
      out.push(d.textContent.trim().slice(0, 50));
    }
  }
  // Inline formulas: wider than their box, which does not scroll (the theme clips them).
  for (const span of document.querySelectorAll('span.math')) {
    const formula = span.querySelector('mjx-container');
    if (!formula || !span.checkVisibility()) continue;
    const o = getComputedStyle(span).overflowX;
    const scrolls = (o === 'auto' || o === 'scroll') && span.scrollWidth > span.clientWidth;
    if (!scrolls && formula.getBoundingClientRect().width > span.getBoundingClientRect().width + 1) {
      out.push('inline: ' + span.textContent.trim().slice(0, 50));
    }
  }
  return out;
}
"""

#: Every image of the page (header and footer too), loaded or not, with its alt text.
IMAGES = """
() => Array.from(document.images).map((img) => ({
  src: img.currentSrc || img.src,
  alt: (img.getAttribute('alt') || '').trim(),
  loaded: img.complete && img.naturalWidth > 0,
  // Gallery pictures load when shown (loading="lazy"); until then they are not loaded.
  lazy: img.loading === 'lazy',
}))
"""

#: The formulas of the page and whether MathJax typeset each one.
MATH = """
() => {
  const blocks = Array.from(document.querySelectorAll('span.math.notranslate, div.math.notranslate'));
  const typeset = blocks.filter((el) =>
    el.querySelector('mjx-container'));
  // An unknown macro or a TeX syntax error (noundefined is switched off, see _ext/local_mathjax.py).
  const errors = Array.from(document.querySelectorAll('mjx-merror'))
    .map((el) => el.textContent.trim());
  return {
    blocks: blocks.length,
    typeset: typeset.length,
    untypeset: blocks.filter((el) => !typeset.includes(el))
      .slice(0, 5).map((el) => el.textContent.trim().slice(0, 80)),
    outputs: document.querySelectorAll('mjx-container').length,
    errors: errors,
  };
}
"""

#: Computed styles that decide how a figure looks: on the image and on each ancestor up
#: to the article, the first opaque background met is what shows through transparent
#: pixels and the padding around the image.
FIGURE_STYLES = r"""
() => {
  const main = document.querySelector('article.bd-article') || document.body;
  const opaque = (c) => c && c !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(c);
  return Array.from(main.querySelectorAll('img')).map((img) => {
    const s = getComputedStyle(img);
    let effective = null;
    for (let el = img; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor;
      if (opaque(bg)) { effective = bg; break; }
    }
    let filters = [];
    for (let el = img; el && el !== document.documentElement; el = el.parentElement) {
      const f = getComputedStyle(el).filter;
      if (f && f !== 'none') filters.push(f);
      const m = getComputedStyle(el).mixBlendMode;
      if (m && m !== 'normal') filters.push('mix-blend-mode: ' + m);
      const o = getComputedStyle(el).opacity;
      if (Number(o) < 1) filters.push('opacity: ' + o);
    }
    return { src: img.currentSrc || img.src, background: s.backgroundColor,
             effective, filters };
  });
}
"""

#: Exercise solutions: a sphinx-exercise solution with ``:class: dropdown`` is a toggle
#: (sphinx-togglebutton). For each, is its body visible? (title stays visible).
SOLUTIONS = r"""
() => Array.from(document.querySelectorAll('.solution')).map((sol, i) => {
  const body = Array.from(sol.children).filter((c) =>
    !c.classList.contains('admonition-title') && !c.matches('button, .toggle-button, summary'));
  const shown = body.some((c) => c.checkVisibility({ checkVisibilityCSS: true, checkOpacity: true })
                                 && c.getBoundingClientRect().height > 0);
  const text = body.map((c) => c.textContent).join(' ').trim();
  return { index: i, id: sol.id || (sol.querySelector('[id]') || {}).id || '',
           tag: sol.tagName, classes: sol.className, shown, hasBody: text.length > 0,
           title: (sol.querySelector('.admonition-title, summary') || {}).textContent || '' };
})
"""

#: The clickable part of the i-th solution.
CLICK_TARGET = r"""
(i) => {
  const sol = document.querySelectorAll('.solution')[i];
  // The toggle's own button first: the title also holds a link back to the exercise.
  const t = sol.querySelector('button.toggle-button') || sol.querySelector(':scope > summary')
            || sol.querySelector(':scope > .admonition-title');
  if (!t) return false;
  t.setAttribute('data-sitekit-click', String(i));
  return true;
}
"""


@dataclass
class Inspection:
    """Everything the website-quality tests read from one page, as plain data."""

    page: str
    problems: list[str]
    data: dict
    axe: list[dict]
    light_figures: list[dict]
    dark_figures: list[dict]
    solutions_before: list[dict]
    solutions_after: list[dict]
    weight: "weight_report.PageWeight | None" = None
    click_errors: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)  # every <img>, see IMAGES
    text: str = ""  # the text a reader sees, outside code (VISIBLE_TEXT)
    math: dict = field(default_factory=dict)  # formulas and their typesetting (MATH)
    raw: list[str] = field(default_factory=list)  # unparsed MyST or stray TeX (RAW_MARKUP)
    clipped: list[str] = field(default_factory=list)  # display equations cut off (CLIPPED_EQUATIONS)


_INSPECTIONS: dict[str, Inspection] = {}


def run_axe(page) -> list[dict]:
    """Run axe-core on the page; return its violations (rule, impact, nodes)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async () => {
          const r = await axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({ target: n.target.join(' '),
                                         html: n.html.slice(0, 200),
                                         summary: (n.failureSummary || '').slice(0, 300) })),
          }));
        }"""
    )


def inspect_page(visit, page_path: str) -> Inspection:
    """Load ``page_path`` once with ``visit`` and extract what the tests check."""
    if page_path in _INSPECTIONS:
        return _INSPECTIONS[page_path]
    result = visit(page_path)
    page = result.page
    # Weigh first (fresh context, empty cache), before axe adds its own script.
    weight = weight_report.weigh_loaded_page(page, page_path)
    data = page.evaluate(INSPECT)
    # As loaded, before axe and the solution clicks change the page.
    images, text, math = page.evaluate(IMAGES), page.evaluate(VISIBLE_TEXT), page.evaluate(MATH)
    raw = page.evaluate(RAW_MARKUP)
    clipped = page.evaluate(CLIPPED_EQUATIONS)
    # axe-core downloads the style sheets again to read them, and resolves their @import
    # rules against the page rather than the sheet (a request for /basic.css that fails):
    # what goes wrong during its run is axe's doing, not the page's, so it is dropped.
    marks = [len(result.outside_requests), len(result.failed_requests), len(result.console_errors)]
    axe = run_axe(page)
    page.wait_for_load_state("networkidle")
    for seen, mark in zip((result.outside_requests, result.failed_requests, result.console_errors), marks):
        del seen[mark:]
    light = page.evaluate(FIGURE_STYLES)
    page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
    dark = page.evaluate(FIGURE_STYLES)
    page.evaluate("() => document.documentElement.setAttribute('data-theme', 'light')")
    before = page.evaluate(SOLUTIONS)
    errors: list[str] = []
    for sol in before:
        if not page.evaluate(CLICK_TARGET, sol["index"]):
            errors.append(f"solution {sol['index']} ({sol['id']}): nothing to click")
            continue
        target = page.locator(f'[data-sitekit-click="{sol["index"]}"]').first
        try:
            target.scroll_into_view_if_needed()
            target.click()
        except Exception as err:  # noqa: BLE001 - reported by the test
            errors.append(f"solution {sol['index']} ({sol['id']}): click failed: {err}")
    page.wait_for_timeout(400 if before else 0)  # the toggle animates its opening
    after = page.evaluate(SOLUTIONS)
    inspection = Inspection(
        page=page_path,
        problems=result.problems(),
        data=data,
        axe=axe,
        light_figures=light,
        dark_figures=dark,
        solutions_before=before,
        solutions_after=after,
        weight=weight,
        click_errors=errors,
        images=images,
        text=text,
        math=math,
        raw=raw,
        clipped=clipped,
    )
    _INSPECTIONS[page_path] = inspection
    return inspection


@pytest.fixture
def inspected(visit, toc_page) -> Inspection:
    """``toc_page``, loaded once per session and inspected (see :func:`inspect_page`)."""
    return inspect_page(visit, toc_page)


# --------------------------------------------------------------------------------------
# Pages in a chosen viewport (phone, projector) for layout checks and screenshots.

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}



@dataclass
class Opened:
    page: object
    context: object
    outside_requests: list[str]

    def close(self) -> None:
        self.context.close()


def open_page(browser, site_url: str, path: str, viewport: dict, *,
              device_scale_factor: float = 1, is_mobile: bool = False) -> Opened:
    """Open ``site_url + path`` in a new context; block (and record) outside requests."""
    local = urlsplit(site_url).netloc
    context = browser.new_context(
        viewport=viewport, device_scale_factor=device_scale_factor,
        is_mobile=is_mobile, has_touch=is_mobile, service_workers="block",
    )
    outside: list[str] = []

    def route(r) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local:
            outside.append(r.request.url)
            r.abort("blockedbyclient")
        else:
            r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(site_url + path, wait_until="load")
    page.evaluate(WAIT_FOR_MATHJAX)
    page.wait_for_load_state("networkidle")
    return Opened(page=page, context=context, outside_requests=outside)


def fragment_target(site_dir: Path, site_url: str, href: str) -> tuple[Path, str] | None:
    """For a local link with a ``#fragment``, the target file and the fragment, else None."""
    parts = urlsplit(href)
    if not href.startswith(site_url) or not parts.fragment:
        return None
    rel = unquote(parts.path[len(urlsplit(site_url).path):])
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return site_dir / rel, unquote(parts.fragment)


FILE_NAME_ALT = re.compile(r"^[\w./-]+\.(png|jpe?g|svg|gif|webp)$|^(png|image|figure|img|plot|chart)$",
                           re.IGNORECASE)
