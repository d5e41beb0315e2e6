"""Structure of the exercise notebooks of chapters 6–9 (the same rules as for chapters 1–5).

Checked on the stored .ipynb: a title with its label and a link to its chapter; a first code
cell with the imports and ``rng = np.random.default_rng(<chapter number>)``; four to eight
exercises with rising difficulty, each with its kind and time; a dropdown solution for every
exercise, and solutions only inside ``{solution}`` directives (so that the student edition
removes them); every Implement exercise followed by its stub cell and its checker cell; every
reference shown with ``literalinclude`` exists in ``initlab.solutions.practice``; every
checker of ``initlab.checks.practice`` is used; the stubs do not shadow a library name that
a later cell calls; and no notebook quotes an exercise by its number in prose (the book
numbers exercises across pages, so "exercise 3" would point at the wrong one).
"""

from __future__ import annotations

import re

import pytest

from initlab.checks import practice
from initlab.solutions import practice as ref

from exercise_notebooks import KINDS, exercises_in, load_cells, source  # noqa: E402

NOTEBOOKS = {
    6: ("06_range_vs_fan_in", "ex-range-fan-in", "ch-range-fan-in"),
    7: ("07_frameworks_and_choosing", "ex-frameworks", "ch-frameworks"),
    8: ("08_training_experiment", "ex-training", "ch-training"),
    9: ("09_statistics_at_init", "ex-statistics", "ch-statistics"),
}


def cells(number):
    return load_cells(NOTEBOOKS[number][0])


def exercises(number):
    """(label, kind, minutes, body) of every exercise of the notebook, in order."""
    return exercises_in(cells(number))


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_title_label_and_chapter_link(number):
    _, label, chapter = NOTEBOOKS[number]
    first = source(cells(number)[0])
    assert first.startswith(f"({label})=\n# Exercises: ")
    assert f"{{ref}}`{chapter}`" in first


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_first_code_cell_has_only_imports_and_rng(number):
    code = [source(c) for c in cells(number) if c["cell_type"] == "code"]
    lines = [ln for ln in code[0].splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines[-1] == f"rng = np.random.default_rng({number})"
    body = [ln for ln in lines[:-1] if not ln.startswith((" ", "\t"))]
    assert all(ln.startswith(("import ", "from ")) for ln in body), body
    assert not any("default_rng()" in c for c in code), "unseeded generator"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_four_to_eight_exercises_with_kind_time_and_numbered_labels(number):
    found = exercises(number)
    assert 4 <= len(found) <= 8
    prefix = NOTEBOOKS[number][1]
    assert [label for label, *_ in found] == [f"{prefix}-{i}" for i in range(1, len(found) + 1)]
    for label, kind, minutes, _ in found:
        assert kind in KINDS, label
        assert 5 <= minutes <= 30, label
    kinds = [kind for _, kind, _, _ in found]
    assert {"Predict, then measure", "Derive", "Implement", "Group"} <= set(kinds)
    assert kinds[-1] == "Group", "the group task closes the notebook (the hardest, most open one)"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_every_exercise_has_a_dropdown_solution(number):
    text = "\n".join(source(c) for c in cells(number) if c["cell_type"] == "markdown")
    for label, *_ in exercises(number):
        assert re.search(r"`{3,}\{solution\} " + re.escape(label) + r"\n:class: dropdown\n", text), label
    assert "solution-start" not in text


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_predictions_come_before_measurements(number):
    all_cells = cells(number)
    for i, cell in enumerate(all_cells):
        if cell["cell_type"] == "markdown" and "**Predict, then measure** · " in source(cell):
            follow = source(all_cells[i + 1])
            # the prediction cell (code, see tests/test_exercises_think_first.py for the gate)
            assert all_cells[i + 1]["cell_type"] == "code" and follow.startswith("# Your prediction:")
            assert all_cells[i + 2]["cell_type"] == "code"
            assert "hide-output" in all_cells[i + 2]["metadata"].get("tags", [])


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_group_tasks_split_the_work(number):
    for label, kind, _, body in exercises(number):
        if kind == "Group":
            assert "Each person takes" in body, label
            assert "Together" in body, label


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_implement_exercises_have_stub_and_checker(number):
    all_cells = cells(number)
    later_code = "\n".join(source(c) for c in all_cells if c["cell_type"] == "code")
    for i, cell in enumerate(all_cells):
        text = source(cell)
        if cell["cell_type"] == "markdown" and "**Implement** · " in text:
            stub, check = source(all_cells[i + 1]), source(all_cells[i + 2])
            name = re.match(r"def (\w+)\(", stub).group(1)
            assert "...  # your code here" in stub
            assert check.strip() == f"check_{name}({name});"
            assert f"check_{name}" in practice.__all__
            assert callable(getattr(ref, name))
            # the stub must not replace a library function that other cells call by that name
            assert not re.search(rf"^from initlab\S* import .*\b{name}\b", later_code, re.M), name


def test_every_checker_is_used_and_every_included_reference_exists():
    used, included = set(), set()
    for number in NOTEBOOKS:
        for cell in cells(number):
            text = source(cell)
            used |= set(re.findall(r"^(check_\w+)\(", text, re.M))
            included |= set(re.findall(r":pyobject: (\w+)", text))
    assert used == set(practice.__all__)
    assert included == {name[len("check_"):] for name in practice.__all__}


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_no_placeholders_and_no_exercise_numbers_in_prose(number):
    for cell in cells(number):
        text = source(cell)
        assert "TODO" not in text
        if cell["cell_type"] == "markdown":
            assert not re.search(r"\b[Ee]xercise \d", text), text[:200]
