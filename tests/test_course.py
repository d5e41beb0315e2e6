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
