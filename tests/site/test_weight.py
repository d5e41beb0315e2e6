"""Page weight: ``tools/weight_report.py`` over every page, and the budget it must meet.

The report goes to ``_build/weight-report.txt`` (next to the tested ``html`` folder) and
to the test's output. Budget: every figure is SVG or PNG and under 200 KB; no page
transfers more than 1.5 MB with an empty cache from a host that gzips text files (the
uncompressed bytes are in the report too). What made pages heavy stays out: the theme's
1.5 MB Font Awesome script (the icons come from its web fonts), and gallery pictures
inside the HTML (they are files, fetched when shown).
"""

from __future__ import annotations

import sys

import pytest

from sitekit import ROOT, inspect_page

sys.path.insert(0, str(ROOT / "tools"))
import weight_report  # noqa: E402
from sitebrowser import toc_pages  # noqa: E402

#: Chromium's Resource Timing buffer keeps this many entries unless a page enlarges it;
#: a page that fills it would be under-counted.
TIMING_BUFFER = 250

pytestmark = pytest.mark.timeout(300)


def test_weight_report_and_budget(visit, site_dir, site_url, capsys):
    """The same measurement as ``tools/weight_report.py``, on the pages the other tests
    loaded (each in a fresh context, so with an empty cache)."""
    pages = toc_pages()
    weights = [inspect_page(visit, page).weight for page in pages]
    weight_report.add_gzip_sizes(weights, site_dir, site_url)
    report = weight_report.format_report(weights)
    (site_dir.parent / "weight-report.txt").write_text(report, encoding="utf-8")
    with capsys.disabled():
        print("\n" + report)
    assert [w.page for w in weights] == pages
    for w in weights:
        assert len(w.resources) < TIMING_BUFFER, f"{w.page}: resource timing buffer full"
        # Every page downloads at least its HTML and the theme's scripts and styles.
        assert w.bytes_of("html") > 0 and w.bytes_of("scripts") > 0 and w.bytes_of("styles") > 0, w.page
    problems = weight_report.budget_problems(weights)
    assert problems == [], "over budget:\n" + "\n".join(problems)


def test_budget_check_can_fail():
    R = weight_report.Resource
    heavy = weight_report.PageWeight(
        page="x.html",
        resources=[
            R("http://h/x.html", "html", 2_000, 1_900),
            R("http://h/_images/a.png", "figures", 250_000, 249_700),
            R("http://h/_images/b.jpg", "figures", 10_000, 9_700),
            R("http://h/big.js", "scripts", 3_000_000, 2_999_700),
        ],
    )
    problems = weight_report.budget_problems([heavy])
    assert len(problems) == 3, problems  # the JPEG, the 250 KB PNG, the 3 MB page
    # Text compresses: the same page from a gzipping host is under budget.
    heavy.resources[3].gzipped = 400_000
    assert len(weight_report.budget_problems([heavy])) == 2
    assert weight_report.kind_of("http://h/f.woff", "css") == "fonts"
    assert weight_report.kind_of("http://h/chapters/a.html", "navigation") == "html"


def test_tool_measures_what_the_tests_measure(browser, site_url, visit):
    """``weight_report.measure`` (the command-line path) opens its own page and agrees."""
    [tool] = weight_report.measure(browser, site_url, ["intro.html"])
    tests = inspect_page(visit, "intro.html").weight
    assert tool.outside_requests == []
    def files(weight):
        # The page's icon is fetched by the browser itself, on its own schedule (sometimes
        # not at all in a headless page): it is not part of what the page loads.
        return {r.url.split("/", 3)[3]: r.body for r in weight.resources if "favicon" not in r.url}

    # Same files, same sizes (a file's bytes do not depend on who asks for it).
    assert files(tool) == files(tests)


#: The theme's icons as a reader sees them: each visible Font Awesome icon, the font its
#: glyph is drawn with, and whether that font has loaded.
ICONS = r"""
async () => {
  await document.fonts.ready;
  return Array.from(document.querySelectorAll('i[class*="fa-"]')).filter((i) => i.checkVisibility())
    .map((i) => {
      const style = getComputedStyle(i, '::before');
      const family = style.fontFamily.split(',')[0].replace(/"/g, '').trim();
      return { cls: i.className, family, content: style.content, width: i.getBoundingClientRect().width,
               loaded: document.fonts.check(`${style.fontWeight} 16px "${family}"`) };
    });
}
"""


def test_icons_come_from_web_fonts_without_the_font_awesome_script(visit):
    """The 1.5 MB script is gone (``_templates/static/webpack-macros.html``), and every icon
    in the header still shows: a glyph of Font Awesome's fonts, loaded, of non-zero width."""
    for path in ("intro.html", "chapters/02_vanishing_exploding.html"):
        seen = visit(path)
        page = seen.page
        scripts = page.evaluate("() => Array.from(document.scripts).map((s) => s.src)")
        assert not [s for s in scripts if "fontawesome" in s.lower()], scripts
        icons = page.evaluate(ICONS)
        assert len(icons) >= 4, icons  # search, launch, repository, download, theme ...
        bad = [i for i in icons if not (i["family"].startswith("Font Awesome 6") and i["loaded"]
                                        and i["content"] not in ("none", "normal", '""') and i["width"] > 4)]
        assert bad == [], bad
        assert seen.problems() == [], seen.problems()
