"""Accessibility of every page of the table of contents, and readable figures in both themes.

* axe-core (the copy in axe-playwright-python) finds no critical or serious violation.
  Violations that came from the theme are fixed in the book (``_static/accessibility.css``,
  theme options in ``_config.yml``); no rule is switched off here.
* Headings of the main content start at ``<h1>`` and never skip a level going down.
* Every figure has alt text that says what it shows: several words, not a file name,
  not the ``<Figure size ...>`` text Matplotlib gives a figure.
* Figures are readable in the light and in the dark theme: each PNG is opaque with a white
  background (its corner pixels), the page shows it on white with no filter (no
  inversion, dimming or transparency) in both themes, its text is dark, and no colour it
  draws lines with is too pale to see on white.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitekit import FILE_NAME_ALT, inspected  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(180)

#: Impacts that fail the test (axe's four levels: minor, moderate, serious, critical).
FAILING_IMPACTS = ("critical", "serious")

#: Alt text shorter than this many words cannot say what a chart shows.
MIN_ALT_WORDS = 4


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)


def test_axe_finds_no_serious_violation(inspected):
    bad = [v for v in inspected.axe if v["impact"] in FAILING_IMPACTS]
    assert bad == [], "axe-core violations:\n" + _format_violations(bad)


def test_headings_in_order(inspected):
    headings = inspected.data["headings"]
    assert headings, "the page has no heading"
    assert headings[0]["level"] == 1, f"the first heading is not <h1>: {headings[0]}"
    skips = [
        f"<h{a['level']}> {a['text']!r} is followed by <h{b['level']}> {b['text']!r}"
        for a, b in zip(headings, headings[1:])
        if b["level"] > a["level"] + 1
    ]
    assert skips == [], "heading levels skipped:\n" + "\n".join(skips)
    assert sum(h["level"] == 1 for h in headings) == 1, "more than one <h1> on the page"


def _alt_problem(alt: str) -> str | None:
    if not alt:
        return "no alt text"
    if FILE_NAME_ALT.match(alt) or re.match(r"^<Figure size .*>$", alt):
        return "alt text is a file name or Matplotlib's figure repr"
    if len(alt.split()) < MIN_ALT_WORDS:
        return f"alt text has fewer than {MIN_ALT_WORDS} words"
    return None


def test_figures_have_descriptive_alt_text(inspected):
    problems = []
    for fig in inspected.data["figures"]:
        problem = _alt_problem(fig["alt"])
        if problem:
            problems.append(f"{Path(urlsplit(fig['src']).path).name}: {problem}: {fig['alt']!r}")
    assert problems == [], "\n".join(problems)


def test_alt_text_check_can_fail():
    assert _alt_problem("") and _alt_problem("png") and _alt_problem("output_12_0.png")
    assert _alt_problem("<Figure size 700x360 with 2 Axes>") and _alt_problem("A plot")
    assert _alt_problem("Line chart of the standard deviation per layer against depth") is None


WHITE = "rgb(255, 255, 255)"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_figures_shown_on_white_without_filters(inspected, theme):
    figures = inspected.light_figures if theme == "light" else inspected.dark_figures
    problems = []
    for fig in figures:
        name = Path(urlsplit(fig["src"]).path).name
        if fig["effective"] != WHITE:
            problems.append(f"{name}: shown on {fig['effective']}, not white")
        if fig["filters"]:
            problems.append(f"{name}: altered by {fig['filters']}")
    assert problems == [], f"in the {theme} theme:\n" + "\n".join(problems)


# --- the figure files themselves -------------------------------------------------------


def _luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG 2.1)."""
    channels = []
    for c in rgb:
        c = c / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(rgb: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of a colour against white."""
    return 1.05 / (_luminance(rgb) + 0.05)


#: The Okabe–Ito palette the figures use (initlab.plots.style), as RGB.
OKABE_ITO = {
    "orange": (0xE6, 0x9F, 0x00), "sky blue": (0x56, 0xB4, 0xE9),
    "bluish green": (0x00, 0x9E, 0x73), "yellow": (0xF0, 0xE4, 0x42),
    "blue": (0x00, 0x72, 0xB2), "vermillion": (0xD5, 0x5E, 0x00),
    "reddish purple": (0xCC, 0x79, 0xA7),
}

#: A line colour must reach this contrast against white. WCAG 2.1 (1.4.11) asks 3:1 of
#: graphics that carry meaning on their own; the Okabe–Ito orange (2.25:1) and sky blue
#: (2.31:1) fall short of it, so the figures must not rely on colour alone (legends, direct
#: labels, line styles). What this test rules out is a colour a reader cannot see at all:
#: the palette's yellow (1.32:1) on white.
MIN_LINE_CONTRAST = 2.0
#: Darkest ink in a figure (its axis labels and tick labels): black text reaches 21:1;
#: 7:1 is WCAG's enhanced (AAA) level for text.
MIN_TEXT_CONTRAST = 7.0
#: A palette colour counts as used when at least this many pixels have exactly that colour
#: (a 1.8 px line across a 700 px wide figure paints over a thousand).
MIN_PIXELS = 200


def _figure_file(site_dir: Path, site_url: str, src: str) -> Path | None:
    if not src.startswith(site_url):
        return None
    return site_dir / unquote(urlsplit(src).path[len(urlsplit(site_url).path):])


def figure_colour_problems(image) -> list[str]:
    """What makes a figure hard to read on white, from its pixels (PIL image)."""
    problems = []
    rgba = image.convert("RGBA")
    w, h = rgba.size
    for x, y in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        r, g, b, a = rgba.getpixel((x, y))
        if a != 255:
            problems.append(f"transparent corner ({x}, {y}): alpha {a}")
        elif min(r, g, b) < 250:
            problems.append(f"corner ({x}, {y}) is not white: {(r, g, b)}")
    if problems:
        return problems
    rgb = rgba.convert("RGB")
    colours = rgb.getcolors(maxcolors=w * h)
    darkest = max(contrast_on_white(c) for n, c in colours if n >= 20)
    if darkest < MIN_TEXT_CONTRAST:
        problems.append(f"darkest ink reaches only {darkest:.2f}:1 against white")
    counts = {c: n for n, c in colours}
    for name, colour in OKABE_ITO.items():
        n = counts.get(colour, 0)
        ratio = contrast_on_white(colour)
        if n >= MIN_PIXELS and ratio < MIN_LINE_CONTRAST:
            problems.append(f"{n} pixels drawn in {name} {colour}, contrast {ratio:.2f}:1")
    return problems


def test_figure_files_are_opaque_and_legible(inspected, site_dir, site_url):
    from PIL import Image

    problems = []
    for fig in inspected.data["figures"]:
        path = _figure_file(site_dir, site_url, fig["src"])
        if path is None or path.suffix.lower() != ".png":
            continue  # SVG figures are checked by their computed background above
        with Image.open(path) as image:
            for problem in figure_colour_problems(image):
                problems.append(f"{path.name}: {problem}")
    assert problems == [], "\n".join(problems)


def test_colour_check_can_fail():
    from PIL import Image

    transparent = Image.new("RGBA", (40, 40), (255, 255, 255, 0))
    assert any("transparent" in p for p in figure_colour_problems(transparent))
    yellow = Image.new("RGB", (100, 100), "white")
    for x in range(100):
        for y in range(40, 43):
            yellow.putpixel((x, y), OKABE_ITO["yellow"])
    for x in range(10, 30):
        yellow.putpixel((x, 80), (0, 0, 0))
    problems = figure_colour_problems(yellow)
    assert len(problems) == 1 and "yellow" in problems[0]
