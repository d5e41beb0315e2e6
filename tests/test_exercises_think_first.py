"""Think first, then see: no exercise notebook shows a result before its prediction is written.

Checked on the stored notebooks of all nine exercise pages (issue 13, item 4):

* every *Predict, then measure* exercise is followed by a prediction cell
  (``my_prediction_<N> = {...: ..., }`` with every answer still ``...``), and then by its
  measure cells, each tagged ``hide-output`` (the site folds the result), the first of which
  starts with ``reveal_after(my_prediction_<N>)`` (``initlab.course``);
* run top to bottom in a student's kernel (``INITLAB_SHOW_ALL`` unset), every notebook stops
  with :class:`~initlab.course.PredictionMissing` at its first measure cell, before any
  measurement ran;
* no code that a student sees before the solution states an answer in a comment or a
  printed label (the give-aways the issue quotes, and the same patterns elsewhere);
* every Group exercise says what a group of three does (the book says groups of three or four);
* every notebook ends (before its teacher-only cells) with the group's hand-in cell, which
  names the notebook's own sheet and writes nothing while the group's name is a placeholder.
"""

from __future__ import annotations

import contextlib
import io
import os
import re

import pytest

from exercise_notebooks import exercises_in, load_cells, source  # noqa: E402
from initlab import course

STEMS = ("01_zero_and_symmetry", "02_vanishing_exploding", "03_variance_of_a_layer", "04_relu_and_he",
         "05_xavier_and_lecun", "06_range_vs_fan_in", "07_frameworks_and_choosing",
         "08_training_experiment", "09_statistics_at_init")
PREDICT = "Predict, then measure"
PROMPT = "# Your prediction:"


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _label_cell(cells, label):
    return next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and f":label: {label}\n" in source(c))


def _code_run(cells, start):
    """Indices of the code cells from ``start`` up to the next markdown cell."""
    out = []
    while start < len(cells) and cells[start]["cell_type"] == "code":
        out.append(start)
        start += 1
    return out


def _first_statement(text):
    return next(ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))


def predict_exercises():
    return [(stem, label) for stem in STEMS for label, kind, _, _ in exercises_in(load_cells(stem)) if kind == PREDICT]


def test_every_notebook_but_one_has_predict_then_measure_exercises():
    stems = {stem for stem, _ in predict_exercises()}
    assert len(predict_exercises()) >= 18 and stems == set(STEMS)


@pytest.mark.parametrize("stem,label", predict_exercises())
def test_prediction_cell_then_gated_hidden_measure_cells(stem, label):
    cells = load_cells(stem)
    i = _label_cell(cells, label)
    number = label.rsplit("-", 1)[1]
    name = f"my_prediction_{number}"
    prediction = cells[i + 1]
    assert prediction["cell_type"] == "code" and source(prediction).startswith(PROMPT), \
        f"{label}: the cell after the exercise must be its prediction cell"
    ns: dict = {}
    exec(source(prediction), ns)
    assert name in ns, f"{label}: the prediction cell must define {name}"
    assert not course.is_answered(ns[name]) and ns[name], f"{label}: the stored prediction must be blank (...)"
    assert "hide-output" not in _tags(prediction), "the site shows the prediction cell"
    measures = _code_run(cells, i + 2)
    assert measures, f"{label}: no measure cell after the prediction cell"
    for j in measures:
        assert "hide-output" in _tags(cells[j]), f"{label}: measure cell {j} must have the hide-output tag"
    assert _first_statement(source(cells[measures[0]])) .startswith(f"reveal_after({name})"), \
        f"{label}: the measure cell must start with reveal_after({name})"


@pytest.mark.parametrize("stem", STEMS)
def test_gate_imported_in_the_first_cell(stem):
    code = [source(c) for c in load_cells(stem) if c["cell_type"] == "code"]
    assert re.search(r"^from initlab\.course import (\w+, )*reveal_after\b", code[0], re.M)
    for c in code[1:]:  # the gate is only ever called on a prediction, at the start of a line
        assert c.count("reveal_after") == len(re.findall(r"^reveal_after\(my_prediction_\d+\)", c, re.M))


@pytest.mark.parametrize("stem", STEMS)
def test_run_all_stops_at_the_first_measure_cell(stem, monkeypatch):
    """As in JupyterLab: run the cells in order in a student's kernel; the first error must be
    the gate, raised by the first measure cell, before any measurement ran."""
    monkeypatch.delenv(course.SHOW_ALL, raising=False)
    monkeypatch.chdir(os.path.join(os.path.dirname(__file__), "..", "exercises"))
    cells = load_cells(stem)
    first_label = next(label for label, kind, _, _ in exercises_in(cells) if kind == PREDICT)
    gate_at = _label_cell(cells, first_label) + 2
    ns: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as shown:
        for k, cell in enumerate(cells):
            if cell["cell_type"] != "code":
                continue
            try:
                exec(source(cell), ns)
            except course.PredictionMissing:
                assert k == gate_at, f"stopped at cell {k}, expected the first measure cell {gate_at}"
                break
        else:
            pytest.fail("Run all went through without stopping at a prediction")
    assert "Traceback" not in shown.getvalue()


#: The give-aways the issue quotes, and the same kind of text elsewhere: an answer written in
#: the code a student reads before the solution (comments, print labels, formulas).
GIVE_AWAYS = [
    r"predicted E\[x²\] = 1/3",
    r"K/2 − K/\(2π\)",
    r"\(g/√2\)\^19",
    r"\(1/4\)\^8",
    r"√\(n_7 / n_1\)",
    r"a/√3",
    r"C_W for K = 1",
    r"32! =",
    r"#[^\n]*\bpredicted\b[^\n]*[=:]",   # "predicted ratio: ...", "predicted σ‖x‖ = ..."
    r"\(predicted [^)]*\)",             # "(predicted 0.1)"
    r"predicted to approach",
]


@pytest.mark.parametrize("stem", STEMS)
def test_no_answer_in_the_code_a_student_sees(stem):
    """Code cells that the student edition keeps (all but ``teacher-only``) state no answer."""
    for k, cell in enumerate(load_cells(stem)):
        if cell["cell_type"] != "code" or "teacher-only" in _tags(cell):
            continue
        for pattern in GIVE_AWAYS:
            assert not re.search(pattern, source(cell)), f"{stem}, cell {k}: {pattern!r} gives the answer away"


@pytest.mark.parametrize("stem", STEMS)
def test_every_group_task_has_a_rule_for_three(stem):
    groups = [(label, body) for label, kind, _, body in exercises_in(load_cells(stem)) if kind == "Group"]
    assert groups
    for label, body in groups:
        assert re.search(r"(?i)\b(with\s+three\s+people|in\s+a\s+group\s+of\s+three)\b", body), \
            f"{label}: say what a group of three does"


@pytest.mark.parametrize("stem", STEMS)
def test_every_notebook_ends_with_its_hand_in(stem, tmp_path, monkeypatch, capsys):
    cells = load_cells(stem)
    student = [c for c in cells if "teacher-only" not in _tags(c)]
    heading, cell = student[-2:]
    assert heading["cell_type"] == "markdown" and source(heading).startswith("## Hand in your group's work")
    label = re.search(r"^\((ex-[^)]+)\)=", source(cells[0]), re.M)[1]
    assert cell["cell_type"] == "code" and f'hand_in("{label}", group=..., members=...' in source(cell)
    cells_with_predictions = {m for c in cells if c["cell_type"] == "code"
                              for m in re.findall(r"^(my_prediction_\d+)\s*=", source(c), re.M)}
    assert f"predictions={len(cells_with_predictions)})" in source(cell)  # counts the unrun ones too
    assert "remove-output" in _tags(cell)  # the website shows no "fill in" line
    assert re.search(r"^from initlab\.course import hand_in\b", source(next(c for c in cells if c["cell_type"] == "code")),
                     re.M)
    # As shipped (placeholders), the cell writes nothing and asks for the names.
    monkeypatch.chdir(tmp_path)
    exec(compile(source(cell), "hand-in", "exec"), {"hand_in": course.hand_in})
    assert not list(tmp_path.iterdir()) and "fill in your group's name" in capsys.readouterr().out
