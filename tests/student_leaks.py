"""What counts as a solution, and how to look for one in a student artefact.

Shared by ``tests/test_student_edition.py`` (the generated tree and branch) and
``tests/site/test_student_site.py`` (the built student site). A *solution* is

* the text of every ``{solution}`` block of the exercise notebooks, looked for as
  **phrases**: eight consecutive words of the solution's prose (never across a formula, a
  role or markup) that occur nowhere else in what the student edition keeps, so that a phrase found in an
  artefact can only have come from a solution;
* the code of the reference solutions, ``code/initlab/solutions/*.py``: every line of a
  function body with 25 characters or more that no other module of the package has;
* the code cells tagged ``teacher-only`` (they compute the numbers the solutions quote).

An artefact's text is normalized before the search (HTML tags removed, entities decoded,
JSON string escapes undone, whitespace collapsed), so a solution is found whether it was
shipped as MyST source, notebook JSON or rendered HTML.
"""

from __future__ import annotations

import ast
import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import student_edition  # noqa: E402

PHRASE_WORDS = 8
TEXT_SUFFIXES = {".html", ".txt", ".md", ".ipynb", ".py", ".js", ".json", ".yml", ".cfg", ".toml", ".bib"}


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


#: Where prose stops: mathematics, roles, directive fences and options, TeX commands, braces.
_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|\{[a-z:-]+\}`[^`]*`|^[`:]{3,}[^\n]*$|^:[a-z-]+:[^\n]*$|\\[A-Za-z]+|[{}_^|]",
                        re.S | re.M)


def _prose_runs(text: str) -> list[list[str]]:
    """The runs of plain words between the non-prose parts of MyST text (a phrase never
    spans a formula: the site renders formulas differently from the source)."""
    return [re.findall(r"[A-Za-z]+(?:['’-][A-Za-z]+)*", part) for part in _NOT_PROSE.split(text)]


def normalize(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = text.replace("\\n", " ").replace('\\"', '"')
    return " ".join(re.findall(r"[A-Za-z]+(?:['’-][A-Za-z]+)*", text)).lower()


def _teacher_sources():
    """(solution blocks, teacher-only cells, everything else) of the files the student
    edition keeps, as text."""
    blocks, teacher_cells, other = [], [], []
    for rel in student_edition.tracked_files():
        path = ROOT / rel
        if student_edition.left_out(rel) or not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        if path.suffix != ".ipynb":
            other.append(path.read_text(encoding="utf-8", errors="replace"))
            continue
        for cell in _cells(path):
            source = "".join(cell["source"])
            if student_edition.TEACHER_TAG in cell.get("metadata", {}).get("tags", []):
                teacher_cells.append(source)
            elif cell["cell_type"] == "markdown":
                blocks += [m.group(0) for m in student_edition.SOLUTION_BLOCK.finditer(source)]
                other.append(student_edition.SOLUTION_BLOCK.sub(" ", source))
            else:
                other.append(source)
    return blocks, teacher_cells, other


def _elsewhere(other):
    return " " + " ".join(normalize(t) for t in other) + " ", "\n".join(other)


def solution_phrases() -> set[str]:
    """Eight-word phrases of the solutions that occur nowhere else in what the student
    edition keeps (as the search sees it, after normalize())."""
    blocks, _, other = _teacher_sources()
    elsewhere, _ = _elsewhere(other)
    phrases = set()
    for block in blocks:
        for run in _prose_runs(block):
            words = [w.lower() for w in run]
            for i in range(len(words) - PHRASE_WORDS + 1):
                phrase = " ".join(words[i:i + PHRASE_WORDS])
                if f" {phrase} " not in elsewhere:
                    phrases.add(phrase)
    return phrases


def solution_code_lines() -> set[str]:
    """Lines (25+ characters) of the bodies of the reference solutions' functions, and of
    the teacher-only code cells, that occur nowhere else in what the student edition keeps
    (a checker may compute the same thing in the same words)."""
    lines = set()
    for path in sorted((ROOT / "code" / "initlab" / "solutions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                for stmt in body:
                    for line in ast.get_source_segment(source, stmt).splitlines():
                        if len(line.strip()) >= 25:
                            lines.add(line.strip())
    _, teacher_cells, other = _teacher_sources()
    for cell in teacher_cells:
        lines |= {l.strip() for l in cell.splitlines() if len(l.strip()) >= 25}
    elsewhere, raw = _elsewhere(other)
    return {l for l in lines if l not in raw and f" {normalize(l)} " not in elsewhere}


def text_files(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield path


def leaks(folder: Path, phrases: set[str], code_lines: set[str]) -> dict[str, list[str]]:
    """{file: [what of a solution it contains]} for every text file under ``folder``."""
    found = {}
    for path in text_files(folder):
        raw = path.read_text(encoding="utf-8", errors="replace")
        flat = " " + normalize(raw) + " "
        hits = [p for p in phrases if f" {p} " in flat]
        raw_lines = raw.replace("\\n", "\n").replace('\\"', '"')
        for line in code_lines:
            words = normalize(line).split()
            # Verbatim (sources, notebooks), or as words (HTML splits code into spans).
            if line in raw_lines or (len(words) >= 6 and f" {' '.join(words)} " in flat):
                hits.append(line)
        if hits:
            found[path.relative_to(folder).as_posix()] = sorted(hits)[:3]
    return found
