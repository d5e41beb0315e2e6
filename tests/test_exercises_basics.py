"""Structure of the exercise notebooks of chapters 1–5.

What the issue asks of every exercise notebook, checked on the stored .ipynb: a title with
its label and a link to its chapter; a first code cell with the imports and
``rng = np.random.default_rng(<chapter number>)``; four to eight exercises, each with its kind
and time; a solution (in a dropdown) for every exercise, and solutions only inside
``{solution}`` directives, so that the student edition (``hide_solutions: true``) removes
them all; every Implement exercise followed by its stub cell and its checker cell; every
reference shown with ``literalinclude`` exists in ``initlab.solutions.basics``; every checker
of ``initlab.checks.basics`` is used.
"""

import re

import pytest

from initlab.checks import basics
from initlab.solutions import basics as ref

from exercise_notebooks import KINDS, exercises_in, load_cells, source  # noqa: E402

NOTEBOOKS = {
    1: ("01_zero_and_symmetry", "ex-zero-symmetry", "ch-zero-symmetry"),
    2: ("02_vanishing_exploding", "ex-vanishing-exploding", "ch-vanishing-exploding"),
    3: ("03_variance_of_a_layer", "ex-variance-layer", "ch-variance-layer"),
    4: ("04_relu_and_he", "ex-relu-he", "ch-relu-he"),
    5: ("05_xavier_and_lecun", "ex-xavier-lecun", "ch-xavier-lecun"),
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
def test_first_code_cell_has_imports_and_rng(number):
    code = [source(c) for c in cells(number) if c["cell_type"] == "code"]
    assert "import numpy as np" in code[0]
    assert f"rng = np.random.default_rng({number})" in code[0]
    assert all("default_rng(" not in c or "default_rng()" not in c for c in code)


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_four_to_eight_exercises_with_kind_time_and_numbered_labels(number):
    found = exercises(number)
    assert 4 <= len(found) <= 8
    prefix = NOTEBOOKS[number][1]
    assert [label for label, *_ in found] == [f"{prefix}-{i}" for i in range(1, len(found) + 1)]
    for label, kind, minutes, _ in found:
        assert kind in KINDS, label
        assert 5 <= minutes <= 30, label
    kinds = {kind for _, kind, _, _ in found}
    assert {"Derive", "Group"} <= kinds and ("Implement" in kinds)


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_every_exercise_has_a_dropdown_solution(number):
    text = "\n".join(source(c) for c in cells(number) if c["cell_type"] == "markdown")
    for label, *_ in exercises(number):
        assert re.search(r"`{3,}\{solution\} " + re.escape(label) + r"\n:class: dropdown\n", text), label
    assert "solution-start" not in text  # gated solutions would survive hide_solutions


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_group_tasks_name_roles(number):
    for label, kind, _, body in exercises(number):
        if kind == "Group":
            assert re.search(r"role|Each person takes", body), label


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_implement_exercises_have_stub_and_checker(number):
    all_cells = cells(number)
    for i, cell in enumerate(all_cells):
        text = source(cell)
        if cell["cell_type"] == "markdown" and "**Implement** · " in text:
            stub, check = source(all_cells[i + 1]), source(all_cells[i + 2])
            name = re.match(r"def (\w+)\(", stub).group(1)
            assert "...  # your code here" in stub
            assert check.strip() == f"check_{name}({name});"
            assert f"check_{name}" in basics.__all__
            assert callable(getattr(ref, name))


def test_every_checker_is_used_and_every_included_reference_exists():
    used, included = set(), set()
    for number in NOTEBOOKS:
        for cell in cells(number):
            text = source(cell)
            used |= set(re.findall(r"^(check_\w+)\(", text, re.M))
            included |= set(re.findall(r":pyobject: (\w+)", text))
    assert used == set(basics.__all__)
    assert included == {name[len("check_"):] for name in basics.__all__}
    for name in included:
        assert callable(getattr(ref, name))


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_no_placeholder_words(number):
    for cell in cells(number):
        assert "TODO" not in source(cell)
