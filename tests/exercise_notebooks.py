"""Reading the exercise notebooks, for the structure tests of both halves of the book
(tests/test_exercises_basics.py for chapters 1–5, tests/test_exercises_practice.py for 6–9)."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("Predict, then measure", "Derive", "Implement", "Group")
_EXERCISE = re.compile(r"`{3,}\{exercise\}[^\n]*\n:label: (\S+)\n(.*?)\n`{3,}\n", re.S)
_KIND = re.compile(r"\*\*(" + "|".join(KINDS) + r")\*\* · (\d+) min")


def load_cells(stem):
    """The cells of exercises/<stem>.ipynb as stored."""
    path = ROOT / "exercises" / f"{stem}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def exercises_in(cells):
    """(label, kind, minutes, body) of every exercise in ``cells``, in order."""
    out = []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for match in _EXERCISE.finditer(source(cell) + "\n"):
            label, body = match.group(1), match.group(2)
            kind = _KIND.search(body)
            out.append((label, kind.group(1) if kind else None, int(kind.group(2)) if kind else None, body))
    return out
