"""initlab.course: the prediction gate of the Predict-then-measure exercises.

The gate must stop a student's "Run all" at the first unanswered prediction (raise), let an
answered one through, stay silent when the build or the tests set INITLAB_SHOW_ALL, and
print one friendly sentence in IPython instead of a traceback.
"""

import pytest

from initlab import course
from initlab.course import PredictionMissing, is_answered, reveal_after


@pytest.fixture
def student(monkeypatch):
    """A student's kernel: the environment variable is not set."""
    monkeypatch.delenv(course.SHOW_ALL, raising=False)


def test_conftest_opens_the_gates_for_the_test_run():
    import os
    assert os.environ.get(course.SHOW_ALL) == "1" and course.show_all()


@pytest.mark.parametrize("prediction", [..., None, "", "   ", "...", "…", {}, [], {"a": 1, "b": ...},
                                        ["x", None], {"outer": {"inner": ""}}])
def test_unanswered_prediction_stops_the_cell(student, prediction):
    assert not is_answered(prediction)
    with pytest.raises(PredictionMissing, match="Write your prediction in the cell above first"):
        reveal_after(prediction)


def test_every_argument_must_be_answered(student):
    with pytest.raises(PredictionMissing):
        reveal_after(0.5, ...)
    with pytest.raises(PredictionMissing):
        reveal_after()  # a gate without a prediction is a mistake in the notebook


@pytest.mark.parametrize("prediction", [0, 0.0, False, "it vanishes", 1 / 3, {"W1": 0, "b2": "not zero"},
                                        [1, "grows"], ("a", 2)])
def test_answered_prediction_passes(student, prediction):
    assert is_answered(prediction)
    assert reveal_after(prediction) is None


def test_message_names_the_open_entries_of_a_dict(student):
    with pytest.raises(PredictionMissing) as info:
        reveal_after({"min": -0.3, "max": ..., "std": None})
    assert info.value.missing == ["'max'", "'std'"]
    assert "Still open: 'max', 'std'." in str(info.value)


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_silent_under_the_environment_variable(monkeypatch, value):
    monkeypatch.setenv(course.SHOW_ALL, value)
    assert reveal_after(...) is None
    assert reveal_after({"a": ...}) is None


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_a_false_value_keeps_the_gate_closed(monkeypatch, value):
    monkeypatch.setenv(course.SHOW_ALL, value)
    with pytest.raises(PredictionMissing):
        reveal_after(...)


def test_ipython_shows_one_line_not_a_traceback(student):
    """IPython calls ``_render_traceback_`` when an exception has it, and prints only that."""
    IPython = pytest.importorskip("IPython")
    from IPython.testing.globalipapp import start_ipython

    shell = start_ipython() or IPython.get_ipython()
    result = shell.run_cell("from initlab.course import reveal_after\nmy_prediction = ...\nreveal_after(my_prediction)")
    assert isinstance(result.error_in_exec, PredictionMissing)
    lines = result.error_in_exec._render_traceback_()
    assert len(lines) == 1 and "Not yet:" in lines[0] and "Traceback" not in lines[0]


def test_the_build_extension_opens_the_gates(monkeypatch):
    import importlib.util
    from pathlib import Path

    monkeypatch.delenv(course.SHOW_ALL, raising=False)
    path = Path(__file__).resolve().parents[1] / "_ext" / "show_all_predictions.py"
    spec = importlib.util.spec_from_file_location("show_all_predictions", path)
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    assert ext.SHOW_ALL == course.SHOW_ALL

    class App:  # the one thing setup() may touch
        pass
    ext.setup(App())
    assert course.show_all()


def test_the_build_registers_the_extension():
    from pathlib import Path

    import yaml
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["local_extensions"].get("show_all_predictions") == "_ext"


# Hand-in -----------------------------------------------------------------------------

def _namespace():
    import math

    import numpy as np

    from initlab.checks import check_he_std, check_sigmoid_slope
    from initlab.solutions.basics import he_std

    assert check_he_std(he_std, rng=0, verbose=False)
    ns = {"my_prediction_10": {"late": "x"}, "my_prediction_2": {"ratio": np.float64(0.5), "n": np.int64(3)},
          "my_prediction_1": {"slope": ..., "why": "tanh"}, "check_he_std": check_he_std,
          "check_sigmoid_slope": check_sigmoid_slope, "other": math.pi}
    check_sigmoid_slope.last_ok = None  # a checker the group never ran
    return ns


def test_hand_in_writes_predictions_and_verdicts(tmp_path, capsys):
    import json

    record = course.hand_in("ex-demo", "Table 3", ["Ana", "Ben", "Chen"], notes="He won | by far",
                            predictions=4, namespace=_namespace(), folder=tmp_path)
    (path,) = tmp_path.glob("*.json")
    assert path.name == "hand-in_ex-demo_table-3.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved == record and saved["predictions_total"] == 4 and saved["file"] == path.name
    assert repr(record) == "HandIn('ex-demo', group 'Table 3', saved as 'hand-in_ex-demo_table-3.json')"
    assert list(saved["predictions"]) == ["1", "2", "10"]  # in the exercise's order
    assert saved["predictions"]["1"] == {"slope": "...", "why": "tanh"}
    assert saved["predictions"]["2"] == {"ratio": 0.5, "n": 3}  # NumPy numbers as JSON numbers
    assert saved["checks"] == {"he_std": "passed", "sigmoid_slope": "not run"}
    out = capsys.readouterr().out
    # four prediction cells, three of them run, two answered; one checker passed, one never run
    assert ("group Table 3 (Ana, Ben, Chen): 2 of 4 predictions written (1 cell not run); "
            "checks: 1 passed, 1 not run (he_std passed)") in out
    assert "upload this file" in out


def test_hand_in_a_failed_check_is_not_yet(tmp_path):
    from initlab.checks import check_he_std

    check_he_std(lambda fan_in, fan_out, mode="fan_in": 1.0, rng=0, verbose=False)
    record = course.hand_in("ex-demo", 1, "Ana, Ben", namespace={"check_he_std": check_he_std}, folder=tmp_path)
    assert record["checks"] == {"he_std": "not yet"} and record["members"] == ["Ana", "Ben"]


@pytest.mark.parametrize("group, members", [(..., ["Ana"]), ("T1", ...), ("T1", []), ("", ["Ana"]),
                                            ("T1", ["Ana", ...])])
def test_hand_in_waits_for_the_group_and_its_members(tmp_path, capsys, group, members):
    assert course.hand_in("ex-demo", group, members, namespace={}, folder=tmp_path) is None
    assert "fill in your group's name" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.mark.parametrize("kwargs, message", [
    (dict(sheet=""), "sheet must be"),
    (dict(sheet=3), "sheet must be"),
    (dict(members=[1, 2]), "members must be a list of names"),
    (dict(notes=5), "notes must be text"),
])
def test_hand_in_bad_input_is_explained(tmp_path, kwargs, message):
    args = dict(sheet="ex-demo", group="T1", members=["Ana"], namespace={}, folder=tmp_path) | kwargs
    with pytest.raises(ValueError, match=message):
        course.hand_in(**args)


def test_hand_in_reads_the_notebooks_variables_by_default(tmp_path):
    my_prediction_1 = {"a": 1}  # noqa: F841 - a local, not a notebook variable: not collected
    globals()["my_prediction_7"] = {"b": 2}
    try:
        record = course.hand_in("ex-demo", "T", ["A"], folder=tmp_path)
    finally:
        del globals()["my_prediction_7"]
    assert record["predictions"] == {"7": {"b": 2}}


def test_read_hand_ins_summarises_a_folder(tmp_path):
    ns = _namespace()
    course.hand_in("ex-demo", "Table 3", ["Ana", "Ben"], notes="He won | by far", namespace=ns, folder=tmp_path)
    course.hand_in("ex-demo", "Table 4", ["Chen"], predictions=3,
                   namespace={"my_prediction_1": {"slope": 0.25, "why": "?"}}, folder=tmp_path)
    course.hand_in("ex-other", "Table 3", ["Ana", "Ben"], namespace={}, folder=tmp_path)
    # A second download of the same hand-in, renamed by the browser, and a foreign file.
    first = tmp_path / "hand-in_ex-demo_table-4.json"
    (tmp_path / "hand-in_ex-demo_table-4 (1).json").write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "grades.json").write_text("[1, 2]")
    text = course.read_hand_ins(tmp_path)
    assert text.count("## ") == 2 and "## ex-demo" in text and "## ex-other" in text
    assert "| Table 3 | Ana, Ben | 2 of 3 | 1 passed, 1 not run | He won \\| by far |" in text  # | escaped
    assert text.count("| Table 4 | Chen | 1 of 3 | – |  |") == 1  # the copy counted once
    assert "Prediction 1: group Table 3: slope = ..., why = tanh; group Table 4: slope = 0.25, why = ?" in text
    assert "Prediction 10: group Table 3: late = x; group Table 4: (cell not run)" in text
    assert text.rstrip().endswith("Not hand-in files, skipped: grades.json")


def test_read_hand_ins_refuses_an_empty_or_foreign_folder(tmp_path):
    with pytest.raises(course.HandInError, match="is not a folder"):
        course.read_hand_ins(tmp_path / "missing")
    with pytest.raises(course.HandInError, match="no hand-in files"):
        course.read_hand_ins(tmp_path)
    (tmp_path / "hand-in_x_y.json").write_text("{}")
    with pytest.raises(course.HandInError, match="none of the 1 .json files"):
        course.read_hand_ins(tmp_path)


def test_group_names_in_any_script_get_their_own_files(tmp_path):
    for group in ("Ελληνικά", "Альфа", "Table 3"):
        course.hand_in("ex-demo", group, ["A"], namespace={}, folder=tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["hand-in_ex-demo_table-3.json", "hand-in_ex-demo_альфа.json",
                            "hand-in_ex-demo_ελληνικά.json"])


def test_bad_input_shows_one_line_in_ipython():
    with pytest.raises(course.HandInError) as info:
        course.hand_in("ex-demo", "T", ["A"], notes=None, namespace={})
    (line,) = info.value._render_traceback_()
    assert "notes must be text in quotes" in line


def test_teachers_command_prints_the_summary(tmp_path):
    # The command that teaching/instructors.md gives: python -m initlab.course FOLDER.
    import subprocess
    import sys

    course.hand_in("ex-demo", "T1", ["Ana"], namespace={"my_prediction_1": 0.5}, folder=tmp_path)
    done = subprocess.run([sys.executable, "-m", "initlab.course", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == course.read_hand_ins(tmp_path)
    bad = subprocess.run([sys.executable, "-m", "initlab.course"], capture_output=True, text=True)
    assert bad.returncode != 0 and "usage: python -m initlab.course FOLDER" in bad.stderr
    assert "python -m initlab.course hand-ins/" in (course.Path(__file__).parents[1] / "teaching" / "instructors.md").read_text()
