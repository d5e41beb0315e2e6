"""MyST mistakes that render as raw text, caught in the sources before a build.

Three kinds have reached the website: a proof whose body opens with ``$$`` (sphinx-proof
writes "Proof." in front of its first line, and the display becomes "Proof. $ … $"); a backtick fence whose title holds backticks (CommonMark
forbids backticks in the info string of a backtick fence, so the directive is not parsed
and its label is undefined; use a ``:::`` fence), and a line inside running text that starts
with "+" (Markdown reads it as a bullet and cuts the mathematics around it in two). Display
mathematics (``$$ ... $$`` blocks) is exempt: there a leading "+" is mathematics. The site
tests (``tests/site/test_pages.py``) check the rendered pages for raw markup as well.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PAGES = sorted(
    p for folder in ("chapters", "exercises", "teaching") for p in (ROOT / folder).glob("*")
    if p.suffix in (".ipynb", ".md")
) + [ROOT / "intro.md"]

BACKTICK_FENCE_WITH_BACKTICKS = re.compile(r"^\s*`{3,}\{[^}]+\}.*`")
PLUS_LINE = re.compile(r"^\s*\+\s")
PROOF_OPENING = re.compile(r"^\s*[`:]{3,}\{prf:proof\}")


def _markdown(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def problems(markdown: str) -> list[str]:
    """The lines of ``markdown`` that MyST would show as raw text."""
    found, in_display = [], False
    lines = markdown.splitlines()
    for number, line in enumerate(lines, start=1):
        if PROOF_OPENING.match(line):
            body = next((ln for ln in lines[number:] if ln.strip() and not ln.lstrip().startswith(":")), "")
            if body.lstrip().startswith("$$"):
                found.append(f"line {number}: a proof that opens with $$ renders as 'Proof. $ … $' "
                             "(sphinx-proof puts 'Proof.' in front of the first line): open with a sentence")
        if BACKTICK_FENCE_WITH_BACKTICKS.match(line):
            found.append(f"line {number}: backticks in the title of a ``` fence (use :::): {line.strip()[:80]}")
        if not in_display and PLUS_LINE.match(line):
            found.append(f"line {number}: a line of running text starting with '+' becomes a bullet: {line.strip()[:80]}")
        if line.count("$$") % 2 == 1:
            in_display = not in_display
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_markup_that_renders_raw(path):
    found = [p for text in _markdown(path) for p in problems(text)]
    assert found == [], f"{path.relative_to(ROOT)}:\n" + "\n".join(found)


def test_the_mistakes_are_caught():
    assert problems("```{prf:proof}\n$$\na = b\n$$\n```")
    assert not problems("```{prf:proof}\nStep by step:\n\n$$\na = b\n$$\n```")
    assert problems("```{prf:theorem} PyTorch's `nn.Linear` default\nbody\n```")
    assert problems("1. $\\mathbb{E}[z^4] = \\big(a\n   + b\\big)$ (independence)")


def test_display_mathematics_and_colon_fences_pass():
    assert problems(":::{prf:theorem} PyTorch's `nn.Linear` default\nbody\n:::") == []
    assert problems("$$\na\n+ b\n$$") == []


def _bib_titles() -> list[str]:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    return re.findall(r"^\s*title\s*=\s*\{(.*)\},?\s*$", text, flags=re.M)


def bib_title_problems(title: str) -> list[str]:
    """Names the bibliography style would miscase or TeX it would show raw.

    The style lowercases titles outside braces ("flax.linen.dense", "Torch.nn.init"), so a
    code name with a dot must be in braces; TeX commands such as \\texttt are shown raw.
    """
    found = []
    unbraced = re.sub(r"\{[^{}]*\}", "", title)
    for name in re.findall(r"\b\w+(?:\.\w+)+\b", unbraced):
        found.append(f"{name!r} is not brace-protected in the title {title!r}")
    if re.search(r"\\[A-Za-z]+", title):
        found.append(f"TeX command in the title {title!r}")
    return found


def test_bibliography_titles_render_as_written():
    found = [p for t in _bib_titles() for p in bib_title_problems(t)]
    assert _bib_titles(), "no titles read from references.bib"
    assert found == [], "\n".join(found)


def test_bibliography_check_catches_the_old_entries():
    assert bib_title_problems(r"Initializers: jax.nn.initializers and flax.linen.Dense")
    assert bib_title_problems(r"\texttt{load\_digits}")
    assert bib_title_problems(r"{torch.nn.init}") == []


def test_the_build_hides_the_tests_markers():
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    from hide_test_markers import strip_markers

    assert strip_markers("# NBVAL_CHECK_OUTPUT\n# Check\nprint(1)") == "# Check\nprint(1)"
    assert strip_markers("x = 1  # NBVAL_CHECK_OUTPUT is not alone here") == "x = 1  # NBVAL_CHECK_OUTPUT is not alone here"
    assert "hide_test_markers: _ext" in (ROOT / "_config.yml").read_text()
