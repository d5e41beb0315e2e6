"""The "from activation to scheme" tables of the cheat sheet and chapter 7, read as data.

Both pages print the same table by hand (a Markdown page cannot run code). These tests
parse it and check every number against ``initlab``: the scheme's C_W against
``frameworks.decision_rows``, PyTorch's gain against ``initlab.gain``, the last column
against gain², and that the rows where the book's C_W and gain² differ (tanh and SELU) are
the ones that say so. A table that pairs C_W = 1 with the gain 5/3 without a word fails.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from initlab import frameworks as fw
from initlab import gain
from initlab.activations import LEAKY_SLOPE

ROOT = Path(__file__).resolve().parents[1]

#: Table label -> initlab activation name (None: orthogonal row, no single activation).
ACTIVATION_OF = {
    "none (linear)": "linear", "tanh": "tanh", "sigmoid": "sigmoid", "ReLU": "relu",
    "leaky ReLU, slope $\\alpha$": "leaky_relu", "SELU": "selu", "deep linear, recurrent": "linear",
}


def _cheatsheet() -> str:
    return (ROOT / "chapters" / "cheatsheet.md").read_text(encoding="utf-8")


def _chapter7() -> str:
    nb = json.loads((ROOT / "chapters" / "07_frameworks_and_choosing.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def table_rows(markdown: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header starts with "| activation | scheme |"."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| activation | scheme |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def number(cell: str, alpha: float = LEAKY_SLOPE) -> float:
    """The leading number of a cell: "5/3", "$\\sqrt{2}$", "$2/(1+\\alpha^2)$", "25/9: ..."."""
    expr = cell.split(":")[0].strip().strip("$")
    expr = re.sub(r"\\sqrt\{([^{}]*)\}", r"sqrt(\1)", expr).replace("\\alpha", "a").replace("^", "**")
    if not re.fullmatch(r"[0-9a./()+*\-sqrt ]+", expr):
        raise ValueError(f"not a number or formula: {cell!r}")
    return float(eval(expr, {"__builtins__": {}}, {"sqrt": math.sqrt, "a": alpha}))  # noqa: S307


PAGES = {"cheat sheet": _cheatsheet, "chapter 7": _chapter7}


@pytest.mark.parametrize("page", PAGES)
def test_every_number_of_the_table_agrees_with_initlab(page):
    rows = table_rows(PAGES[page]())
    assert [r[0] for r in rows] == list(ACTIVATION_OF), [r[0] for r in rows]
    computed = {r["activation"].split(" (")[0]: r for r in fw.decision_rows(256)}
    for label, scheme, c_w, g, g2 in rows:
        act = ACTIVATION_OF[label]
        param = LEAKY_SLOPE if act == "leaky_relu" else None
        assert number(g) == pytest.approx(gain(act, param), rel=1e-12), (page, label, g)
        assert number(g2) == pytest.approx(gain(act, param) ** 2, rel=1e-12), (page, label, g2)
        key = "leaky ReLU" if act == "leaky_relu" else label
        if key in computed:
            assert number(c_w) == pytest.approx(computed[key]["C_W"], rel=1e-12), (page, label, c_w)


@pytest.mark.parametrize("page", PAGES)
def test_rows_where_the_gain_disagrees_say_so(page):
    """Where gain² is not the book's C_W, the cell must warn; elsewhere it must not."""
    for label, _, c_w, _, g2 in table_rows(PAGES[page]()):
        differs = not math.isclose(number(c_w), number(g2), rel_tol=1e-12)
        warns = "do not use" in g2
        assert differs == warns, (page, label, c_w, g2)
    differing = [r[0] for r in table_rows(PAGES[page]()) if "do not use" in r[4]]
    assert differing == ["tanh", "SELU"]


def test_the_parser_reads_the_old_mistake():
    """The table of before (C_W = 1 beside gain 5/3 and nothing else) fails the check."""
    old = "| activation | scheme | $C_W$ | PyTorch gain |\n|---|---|---|---|\n| tanh | Glorot or LeCun | 1 | 5/3 |\n"
    rows = table_rows(old)
    assert len(rows[0]) == 4  # no g² column: the test above cannot unpack it
    assert number("5/3") ** 2 == pytest.approx(25 / 9) and number("1") != number("5/3") ** 2
