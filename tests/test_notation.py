"""One symbol, one meaning: the mathematics of every page keeps to the notation page.

``chapters/notation.md`` gives each letter one meaning. These tests read the mathematics
(``$...$`` and ``$$...$$``) of every chapter, exercise, teaching page and figure caption and
fail on the uses that once clashed with it: the sigmoid written as σ (σ is a standard
deviation), a gradient written as g (g is the gain), a fan ratio written as r (r is L/n),
and the fan-in written as D (it is n).
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
)

#: (pattern in the mathematics, what the notation page says instead)
CLASHES = [
    (r"\\sigma\s*\(|\\sigma'|\\sigma\s*\\big\(", "the sigmoid is sig(z), σ is a standard deviation"),
    (r"(?<![A-Za-z\\])g_(?:k|j|L|\\ell|\{\\ell)", "a gradient is δ (rms γ); g is the gain"),
    (r"(?<![A-Za-z\\])r\s*=\s*n_\{?out", "n_out/n_in is ρ; r is L/n"),
    (r"(?<![A-Za-z\\])D\s*=\s*\d|\\sum_\{i=1\}\^\{?D", "the fan-in is n, not D"),
]

MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def _texts(path: Path) -> list[str]:
    """The markdown of a page: a .md file, or the markdown cells and captions of a notebook."""
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            out.append("".join(cell["source"]))
        out.append(json.dumps(cell.get("metadata", {}), ensure_ascii=False).replace("\\\\", "\\"))
    return out


def clashes(text: str) -> list[str]:
    """Every clash with the notation page in the mathematics of ``text``."""
    found = []
    for m in MATH.finditer(text):
        for pattern, rule in CLASHES:
            if re.search(pattern, m.group(0)):
                found.append(f"{m.group(0)[:80]!r}: {rule}")
    return found


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_mathematics_keeps_to_the_notation_page(path):
    found = [c for text in _texts(path) for c in clashes(text)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("text", [
    r"the slope $\sigma'(z) = \sigma(z)(1 - \sigma(z))$",
    r"$g_\ell^2 = \mathbb{E}[\delta^2]$",
    r"Let $r = n_{out}/n_{in}$.",
    r"$y = \sum_{i=1}^{D} w_i x_i$",
])
def test_the_old_notation_is_caught(text):
    assert clashes(text), text


def test_the_book_notation_passes():
    assert clashes(r"$\operatorname{sig}'(z)$, $\gamma_\ell$, $\rho = n_{out}/n_{in}$, $N(0, \sigma^2)$") == []
