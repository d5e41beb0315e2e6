"""Tests of the checker machinery in initlab.checks._core."""

import math
import threading
import time

import numpy as np
import pytest

from initlab import checks
from initlab.checks import _core
from initlab.checks._core import Fail, array, call, checker, match_mistake, number, std_se


def test_call_returns_value():
    assert call(lambda a, b=0: a + b, 2, b=3) == 5


@pytest.mark.parametrize("stub", [lambda x: None, lambda x: ..., lambda x: (_ for _ in ()).throw(NotImplementedError())])
def test_call_recognises_unwritten_stubs(stub):
    with pytest.raises(Fail) as info:
        call(stub, 1)
    assert info.value.not_written
    assert "not written yet" in info.value.message


def test_call_allows_none_when_asked():
    assert call(lambda: None, allow_none=True) is None


def test_call_turns_an_exception_into_a_message():
    def f(x):
        raise KeyError("oops")

    with pytest.raises(Fail) as info:
        call(f, 3)
    assert "f(3) raised KeyError" in info.value.message
    assert not info.value.not_written


def test_call_times_out_and_stops_a_python_loop(monkeypatch):
    monkeypatch.setattr(_core, "TIMEOUT", 0.3)

    def spin(x):
        while True:
            x += 1

    t0 = time.perf_counter()
    with pytest.raises(Fail) as info:
        call(spin, 0)
    assert time.perf_counter() - t0 < 2.0
    assert "took longer than 0.3 s" in info.value.message
    # the asynchronous TimeoutError ends the worker thread soon after
    deadline = time.time() + 2.0
    while any(t.name.startswith("initlab-check-spin") for t in threading.enumerate()) and time.time() < deadline:
        time.sleep(0.05)
    assert not any(t.name.startswith("initlab-check-spin") for t in threading.enumerate())


@pytest.mark.parametrize("value, text", [
    (True, "returned a bool"),
    (np.ones(3), "array of shape (3,)"),
    ([1.0, 2.0], "list of length 2"),
    ("0.5", "returned str"),
    (float("nan"), "returned NaN"),
    (float("inf"), "returned inf"),
    (1 + 2j, "complex"),
])
def test_number_rejects_with_a_message(value, text):
    with pytest.raises(Fail) as info:
        number(value, "f(x)")
    assert text in info.value.message


def test_number_accepts_numpy_scalars_and_one_element_arrays():
    assert number(np.float32(0.25), "x") == 0.25
    assert number(np.array([[2.0]]), "x") == 2.0
    assert number(3, "x") == 3.0


@pytest.mark.parametrize("value, shape, text", [
    (np.zeros((3, 2)), (2, 3), "rows and columns swapped"),
    (np.zeros(4), (2, 2), "shape (4,)"),
    (1.0, (2,), "single number"),
    ([1.0, float("nan")], (2,), "1 NaN value"),
    ("abc", (2,), "returned str"),
    (None, (2,), "returned NoneType"),
    ([[1, 2], [3]], None, "not an array of numbers"),
])
def test_array_rejects_with_a_message(value, shape, text):
    with pytest.raises(Fail) as info:
        array(value, "f(x)", shape=shape)
    assert text in info.value.message


def test_match_mistake_picks_the_matching_hint():
    assert match_mistake(0.5, [(0.25, "a"), (0.5, "b")]) == "b"
    assert match_mistake(np.array([1.0, 2.0]), [(np.array([1.0, 2.0]), "same")]) == "same"
    assert match_mistake(0.7, [(0.25, "a"), (0.5, "b")]) is None


def test_std_se_matches_simulation():
    # 4000 samples of the std of n = 200 normal draws: the spread of those stds is std_se,
    # measured with a relative error of about 1/√(2·4000) ≈ 1.1%; we allow 5% (4.5 of those).
    rng = np.random.default_rng(0)
    stds = rng.standard_normal((4000, 200)).std(axis=1)
    assert stds.std() == pytest.approx(std_se(1.0, 200), rel=0.05)
    # uniform draws: kurtosis 9/5
    u = rng.uniform(-1, 1, size=(4000, 200)).std(axis=1)
    assert u.std() == pytest.approx(std_se(1 / math.sqrt(3), 200, kurtosis=1.8), rel=0.05)


def test_checker_wrapper_prints_and_returns(capsys):
    @checker("f")
    def check_f(answer, rng):
        if call(answer, 2) == 4:
            return "f doubles."
        raise Fail("f should double.")

    assert check_f(lambda x: 2 * x) is True
    assert capsys.readouterr().out.strip() == "Correct: f doubles."
    assert check_f(lambda x: x) is False
    assert capsys.readouterr().out.strip() == "Not yet: f should double."
    assert check_f(lambda x: x, verbose=False) is False
    assert capsys.readouterr().out == ""
    assert check_f.last_message == "f should double."


def test_checker_wrapper_explains_a_non_callable_and_its_own_bugs(capsys):
    @checker("f")
    def check_f(answer, rng):
        raise RuntimeError("bug in the checker")

    assert check_f(3.0) is False
    assert "pass the function itself" in capsys.readouterr().out
    assert check_f(None) is False
    assert "you passed None" in capsys.readouterr().out
    assert check_f(lambda: 1) is False
    assert "the checker itself failed" in capsys.readouterr().out


def test_every_checker_is_exported_once():
    from initlab.checks import basics, practice

    clash = set(basics.__all__) & set(practice.__all__)
    assert not clash, f"both basics and practice define {sorted(clash)}"
    for name in checks.__all__:
        assert name.startswith("check_") and callable(getattr(checks, name))
    assert set(basics.__all__) <= set(checks.__all__)


def _stub_with_docstring(fan_in):
    """Return the standard deviation."""
    ...  # your code here


def _stub_pass(fan_in):
    pass


def _forgot_return(fan_in):
    std = math.sqrt(2 / fan_in)  # noqa: F841 - the mistake under test


def _prints_instead(fan_in):
    print(math.sqrt(2 / fan_in))


@pytest.mark.parametrize("stub", [_stub_with_docstring, _stub_pass])
def test_shipped_stubs_are_not_written_yet(stub):
    assert _core.is_stub(stub)
    with pytest.raises(Fail) as info:
        call(stub, 64)
    assert info.value.not_written and info.value.message == _core.NOT_WRITTEN


@pytest.mark.parametrize("answer", [_forgot_return, _prints_instead])
def test_a_missing_return_is_not_called_unwritten(answer, capsys):
    # A function that computes its result but never returns it is written: the student must
    # read "add a return", not "not written yet".
    assert not _core.is_stub(answer)
    with pytest.raises(Fail) as info:
        call(answer, 64)
    assert not info.value.not_written and info.value.message == _core.NO_RETURN
    assert checks.check_he_std(lambda fan_in, fan_out, mode="fan_in": _forgot_return(fan_in), rng=0) is False
    assert "never returns it" in capsys.readouterr().out


def test_is_stub_reads_functions_typed_in_a_notebook():
    ns = {}
    exec("def f(x):\n    '''doc'''\n    ...  # your code here\n\ndef g(x):\n    y = x * 2\n", ns)
    assert _core.is_stub(ns["f"]) and not _core.is_stub(ns["g"])
    assert not _core.is_stub(max)  # no bytecode: counts as written
