"""The teachers' projector slides (``slides/``, reveal.js through sphinx-revealjs).

* They build with warnings as errors, one deck per session of ``teaching/instructors.md``,
  each with at least six slides, into files that load nothing from another host.
* Every displayed formula on a slide is one that a chapter states (whitespace aside), so
  the slides inherit the checks the chapters' cells make; no slide types a formula of its own.
* Every exercise a slide names exists, and the teachers' page links every deck.
* The slides ask and do not answer: none carries a number that a handout key gives as the
  answer to that session's predictions.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLIDES = ROOT / "slides"
DECKS = ("session1", "session2", "session3")


def _squash(tex: str) -> str:
    return re.sub(r"\s+", "", tex)


def _display_math(text: str) -> list[str]:
    return re.findall(r"\$\$(.+?)\$\$", text, re.S)


def _chapter_math() -> set[str]:
    out = set()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                out |= {_squash(m) for m in _display_math("".join(cell["source"]))}
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "revealjs",
                           str(SLIDES), str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


def test_one_deck_per_session_each_with_its_slides(built):
    for deck in DECKS:
        html = (built / f"{deck}.html").read_text(encoding="utf-8")
        source = (SLIDES / f"{deck}.md").read_text(encoding="utf-8")
        slides = len(re.findall(r"^## ", source, re.M))
        assert slides >= 6, deck
        # reveal.js: the title slide and one section per '##' heading
        assert html.count("<section") >= slides + 1, deck
        assert 'src="_static/revealjs/dist/reveal.js"' in html and "_static/mathjax/tex-chtml.js" in html


def test_slides_load_nothing_from_another_host(built):
    for path in built.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not re.match(r"(https?:)?//", url) or url.startswith("https://revealjs.com"), (path.name, url)
    assert not list(built.rglob("*.map")) and not (built / "_static" / "revealjs" / "plugin" / "highlight").exists()


def test_every_displayed_formula_is_a_chapters_formula():
    known = _chapter_math()
    for deck in DECKS:
        for tex in _display_math((SLIDES / f"{deck}.md").read_text(encoding="utf-8")):
            assert _squash(tex) in known, f"{deck}: a formula no chapter states: {tex.strip()[:120]}"


def test_named_exercises_exist_and_the_teachers_page_links_every_deck():
    labels = set()
    for path in (ROOT / "exercises").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            labels |= set(re.findall(r"^:label: (ex-[\w-]+)$", "".join(cell["source"]), re.M))
    teachers = (ROOT / "teaching" / "instructors.md").read_text(encoding="utf-8")
    for deck in DECKS:
        named = re.findall(r"\bex-[a-z-]+-\d+\b", (SLIDES / f"{deck}.md").read_text(encoding="utf-8"))
        assert named, deck
        assert set(named) <= labels, set(named) - labels
        assert f'href="../slides/{deck}.html"' in teachers


def _key_answers(n: int) -> set[str]:
    """Numbers with a decimal point or a fraction in the answers of handout n's key."""
    key = (ROOT / "teaching" / f"handout_session{n}_key.md").read_text(encoding="utf-8")
    return set(re.findall(r"\d+\.\d+|\d+/\d+", key))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_slides_do_not_give_the_keys_answers(n):
    deck = (SLIDES / f"session{n}.md").read_text(encoding="utf-8")
    text = re.sub(r"\$\$.+?\$\$", "", deck, flags=re.S)  # the chapters' formulas may have constants
    given = set(re.findall(r"\d+\.\d+|\d+/\d+", text)) & _key_answers(n)
    assert not given, f"session {n}'s slides give answers from its key: {given}"
