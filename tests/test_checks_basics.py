"""Tests of the checkers of chapters 1–5 (initlab.checks.basics) and their reference solutions.

For every checker: the reference solution passes (several seeds, so several fresh inputs);
each typical wrong answer fails with its own hint; and answers that raise, return NaN, the
wrong shape, or take too long, or that are still the shipped stub, get a message.
"""

import math

import numpy as np
import pytest

from initlab import checks
from initlab.checks import _core, basics
from initlab.solutions import basics as ref


def sig(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


# --------------------------------------------------------------------------------------
# The reference passes


@pytest.mark.parametrize("name", basics.__all__)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_passes(name, seed, capsys):
    check = getattr(checks, name)
    assert check(getattr(ref, name[len("check_"):]), rng=seed) is True
    assert capsys.readouterr().out.startswith("Correct: ")


# --------------------------------------------------------------------------------------
# Typical mistakes, each with its own hint


def he_fan(fan_in, fan_out, mode):
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


def _distinct_exact(W, tol=1e-9):
    return np.unique(np.asarray(W), axis=1).shape[1]


def _next_variance(transform):
    def next_variance(K, C_W, phi, rng, n_samples=200_000):
        z = rng.standard_normal(n_samples)
        return transform(K, C_W, phi, z)
    return next_variance


def _traj(first, fan_shift=0, half=2.0, square=False):
    def relu_std_trajectory(x, widths, weight_stds):
        s = [first(x, weight_stds[0], widths)]
        for layer in range(1, len(weight_stds)):
            s.append(s[-1] * weight_stds[layer] * np.sqrt(widths[layer + fan_shift] / half))
        s = np.array(s)
        return s**2 if square else s
    return relu_std_trajectory


def _gain_table(**override):
    def gain(activation, param=None):
        if activation in override:
            return override[activation]
        return ref.gain(activation, param)
    return gain


def _glorot(bound, dist="uniform"):
    def glorot_uniform(shape, rng, gain=1.0):
        fan_in, fan_out = shape
        a = bound(fan_in, fan_out, gain)
        if dist == "normal":
            return rng.normal(0, a / math.sqrt(3), size=shape)
        if dist == "positive":
            return rng.uniform(0, a, size=shape)
        return rng.uniform(-a, a, size=shape)
    return glorot_uniform


def _glorot_global_rng(shape, rng, gain=1.0):
    a = gain * math.sqrt(6 / sum(shape))
    return np.random.default_rng().uniform(-a, a, size=shape)


def _glorot_fixed_seed(shape, rng, gain=1.0):
    a = gain * math.sqrt(6 / sum(shape))
    return np.random.default_rng(7).uniform(-a, a, size=shape)


MISTAKES = [
    # chapter 1
    ("check_count_distinct_units", lambda W, tol=1e-9: np.asarray(W).shape[1], "number of columns"),
    ("check_count_distinct_units", lambda W, tol=1e-9: np.unique(W).size, "distinct entries"),
    ("check_count_distinct_units", lambda W, tol=1e-9: np.asarray(W).shape[0], "number of rows"),
    ("check_count_distinct_units", _distinct_exact, "differ by rounding"),
    # chapter 2
    ("check_sigmoid_slope", lambda z: sig(z), "returned sig(z) itself"),
    ("check_sigmoid_slope", lambda z: sig(z) * (1 - z), "not 1 − z"),
    ("check_sigmoid_slope", lambda z: 1 - sig(z) ** 2, "pattern of tanh'"),
    ("check_sigmoid_slope", lambda z: -sig(z) * (1 - sig(z)), "wrong sign"),
    ("check_sigmoid_slope", lambda z: 4 * sig(z) * (1 - sig(z)), "4 times too large"),
    ("check_sigmoid_slope", lambda z: (1 / (1 + math.exp(-z))) * (1 - 1 / (1 + math.exp(-z))), "use np.exp"),
    ("check_saturation_fraction", lambda a, threshold=0.97: float(np.mean(a > threshold)), "use |a|"),
    ("check_saturation_fraction", lambda a, threshold=0.97: int(np.sum(np.abs(a) > threshold)), "divide by the total"),
    ("check_saturation_fraction", lambda a, threshold=0.97: float(np.mean(np.abs(a) <= threshold)), "NOT saturated"),
    ("check_saturation_fraction", lambda a, threshold=0.97: float(np.mean(np.abs(np.tanh(a)) > threshold)), "tanh again"),
    ("check_saturation_fraction", lambda a, threshold=0.97: float(np.mean(np.abs(a) > 0.97)), "threshold argument"),
    # chapter 3
    ("check_normalized_weights", lambda n, rng: rng.standard_normal(n) / n, "divided by n"),
    ("check_normalized_weights", lambda n, rng: rng.standard_normal(n), "forgot to divide by √n"),
    ("check_normalized_weights", lambda n, rng: np.full(n, 1 / np.sqrt(n)), "symmetry is not broken"),
    ("check_normalized_weights", lambda n, rng: rng.random(n) / np.sqrt(n), "which are positive"),
    ("check_normalized_weights", lambda n, rng: rng.standard_normal(n) * np.sqrt(2 / n), "He's choice"),
    ("check_normalized_weights", lambda n, rng: np.random.default_rng().standard_normal(n) / np.sqrt(n),
     "from the rng argument"),
    ("check_normalized_weights", lambda n, rng: np.random.default_rng(3).standard_normal(n) / np.sqrt(n),
     "fixed seed inside"),
    ("check_next_variance", _next_variance(lambda K, C, phi, z: C * np.mean(phi(np.sqrt(K) * z)) ** 2),
     "squared the mean"),
    ("check_next_variance", _next_variance(lambda K, C, phi, z: C * np.var(phi(np.sqrt(K) * z))),
     "subtracted the mean"),
    ("check_next_variance", _next_variance(lambda K, C, phi, z: C * np.mean(phi(K * z) ** 2)),
     "scaled the standard normal by K"),
    ("check_next_variance", _next_variance(lambda K, C, phi, z: np.mean(phi(np.sqrt(K) * z) ** 2)),
     "forgot the factor C_W"),
    ("check_next_variance", _next_variance(lambda K, C, phi, z: C * K), "linear network's map"),
    ("check_next_variance", lambda K, C_W, phi, rng, n_samples=200_000:
     C_W * np.mean(phi(np.sqrt(K) * np.random.standard_normal(n_samples)) ** 2), "from the rng argument"),
    ("check_next_variance", lambda K, C_W, phi, rng, n_samples=200_000:
     C_W * np.mean(phi(np.sqrt(K) * np.random.default_rng(5).standard_normal(n_samples)) ** 2), "fixed seed inside"),
    # chapter 4
    ("check_he_std", lambda fi, fo, mode="fan_in": math.sqrt(1 / he_fan(fi, fo, mode)), "LeCun's"),
    ("check_he_std", lambda fi, fo, mode="fan_in": 2 / he_fan(fi, fo, mode), "is the variance"),
    ("check_he_std", lambda fi, fo, mode="fan_in": math.sqrt(2 / {"fan_in": fi, "fan_out": fo,
                                                              "fan_avg": (fi + fo) // 2}[mode]), "integer division"),
    ("check_he_std", lambda fi, fo, mode="fan_in": math.sqrt(2) / he_fan(fi, fo, mode), "must cover the fan"),
    ("check_he_std", lambda fi, fo, mode="fan_in": math.sqrt(2 / fo), "you used fan_out where fan_in was asked"),
    ("check_he_std", lambda fi, fo, mode="fan_in": math.sqrt(2 / (fi + fo)), "Glorot's"),
    ("check_he_std", lambda fi, fo, mode="fan_in": math.sqrt(2 / fi), "you used fan_in where fan_out was asked"),
    ("check_he_std", lambda fi, fo, mode="fan_in": math.sqrt(2 / (fo if mode == "fan_out" else fi)),
     "divide by the mean of the fans"),
    ("check_relu_std_trajectory", _traj(lambda x, s, w: s * np.dot(x, x)), "uses ‖x‖²"),
    ("check_relu_std_trajectory", _traj(lambda x, s, w: s * np.linalg.norm(x), half=1.0), "factor 1/2"),
    ("check_relu_std_trajectory", _traj(lambda x, s, w: s * np.linalg.norm(x), fan_shift=1), "fan-in"),
    ("check_relu_std_trajectory", _traj(lambda x, s, w: s * np.linalg.norm(x), square=True), "returned variances"),
    ("check_relu_std_trajectory", _traj(lambda x, s, w: s * np.linalg.norm(x) / np.sqrt(w[0])), "divides ‖x‖ by √n_0"),
    ("check_relu_std_trajectory",
     lambda x, widths, stds: np.concatenate([[np.linalg.norm(x)], ref.relu_std_trajectory(x, widths, stds)]),
     "the input x is not a layer"),
    # chapter 5
    ("check_gain", _gain_table(relu=2.0), "factor on the variance"),
    ("check_gain", _gain_table(relu=1.0), "ReLU zeroes half"),
    ("check_gain", _gain_table(tanh=1.0), "5/3"),
    ("check_gain", _gain_table(tanh=math.sqrt(2)), "√2 is ReLU's gain; tanh's"),
    ("check_gain", _gain_table(selu=1.0), "LeCun normal with gain 1"),
    ("check_gain", _gain_table(sigmoid=0.25), "largest slope"),
    ("check_gain", lambda act, param=None: math.sqrt(2 / (1 + param)) if act == "leaky_relu" else ref.gain(act),
     "you used 1 + a"),
    ("check_gain", lambda act, param=None: math.sqrt(2) if act == "leaky_relu" else ref.gain(act),
     "ignored the negative slope"),
    # a wrong default slope (the call with an explicit slope is right)
    ("check_gain", lambda act, param=None: ref.gain(act, 0.0 if param is None and act == "leaky_relu" else param),
     "must use the default a = 0.01"),
    ("check_gain", lambda act, param=None: ref.gain(act, 0.2 if param is None and act == "leaky_relu" else param),
     "used a = 0.2; the default"),
    ("check_gain", lambda act, param=None: math.sqrt(2 / (1 + (0.01 if param is None else param) ** (1 if param is None else 2)))
     if act == "leaky_relu" else ref.gain(act), "without a slope used 1 + a"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: g * math.sqrt(2 / (fi + fo))), "you used a = σ"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: g / math.sqrt(fi)), "older heuristic"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: g * math.sqrt(2) * math.sqrt(6 / (fi + fo))), "ReLU gain"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: math.sqrt(6 / (fi + fo))), "ignores the gain"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: g * g * math.sqrt(6 / (fi + fo))), "gain twice"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: g * math.sqrt(6 / fi)), "He uniform"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: g * math.sqrt(6 / (fi + fo)), dist="normal"),
     "looks like a normal"),
    ("check_glorot_uniform", _glorot(lambda fi, fo, g: g * math.sqrt(6 / (fi + fo)), dist="positive"),
     "not [0, a]"),
    ("check_glorot_uniform", lambda shape, rng, gain=1.0: ref.glorot_uniform(shape[::-1], rng, gain),
     "rows and columns swapped"),
    ("check_glorot_uniform", lambda shape, rng, gain=1.0: np.full(shape, gain * math.sqrt(2 / sum(shape))),
     "symmetry is not broken"),
    ("check_glorot_uniform", _glorot_global_rng, "from the rng argument"),
    ("check_glorot_uniform", _glorot_fixed_seed, "fixed seed inside"),
]


@pytest.mark.parametrize("name, wrong, hint", MISTAKES)
def test_typical_mistake_gets_its_hint(name, wrong, hint, capsys):
    check = getattr(checks, name)
    for seed in (0, 1):
        assert check(wrong, rng=seed) is False
        out = capsys.readouterr().out
        assert out.startswith("Not yet: ")
        assert hint in out, out


def test_each_checker_has_at_least_three_specific_hints():
    counts = {}
    for name, _, hint in MISTAKES:
        counts.setdefault(name, set()).add(hint)
    for name in basics.__all__:
        assert len(counts.get(name, ())) >= 3, name


def test_hints_are_specific():
    # the same hint text never serves two different mistakes of one checker
    seen = {}
    for name, wrong, hint in MISTAKES:
        check = getattr(checks, name)
        check(wrong, rng=0, verbose=False)
        message = check.last_message
        assert message not in seen.get(name, set()), (name, hint)
        seen.setdefault(name, set()).add(message)


# --------------------------------------------------------------------------------------
# Broken answers: a message, never a traceback

STUBS = {
    "check_count_distinct_units": lambda W, tol=1e-9: None,
    "check_sigmoid_slope": lambda z: None,
    "check_saturation_fraction": lambda acts, threshold=0.97: None,
    "check_normalized_weights": lambda n, rng: None,
    "check_next_variance": lambda K, C_W, phi, rng, n_samples=200_000: None,
    "check_he_std": lambda fan_in, fan_out, mode="fan_in": None,
    "check_relu_std_trajectory": lambda x, widths, weight_stds: None,
    "check_gain": lambda activation, param=None: None,
    "check_glorot_uniform": lambda shape, rng, gain=1.0: None,
}


def _raise_not_implemented(*args, **kwargs):
    raise NotImplementedError


def _raise_value_error(*args, **kwargs):
    raise ValueError("bad thing")


def _nan(*args, **kwargs):
    return float("nan")


def _nan_array(*args, **kwargs):
    out = np.full((2000, 2000), np.nan)
    return out


def _string(*args, **kwargs):
    return "0.5"


def test_stub_table_covers_every_checker():
    assert set(STUBS) == set(basics.__all__)


@pytest.mark.parametrize("name", basics.__all__)
def test_shipped_stub_is_not_written_yet(name, capsys):
    check = getattr(checks, name)

    def stub(*args, **kwargs):
        ...  # your code here

    for answer in (STUBS[name], stub, _raise_not_implemented):
        assert check(answer, rng=0) is False
        assert "not written yet" in capsys.readouterr().out


@pytest.mark.parametrize("name", basics.__all__)
@pytest.mark.parametrize("answer, text", [
    (_raise_value_error, "raised ValueError: bad thing"),
    (_nan, "NaN"),
    (_string, "returned str"),
])
def test_broken_answers_get_a_message(name, answer, text, capsys):
    check = getattr(checks, name)
    assert check(answer, rng=0) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet: ")
    if name == "check_relu_std_trajectory" and answer is _nan:
        text = "returned a single number"  # this checker wants an array first
    if name in ("check_normalized_weights", "check_glorot_uniform", "check_sigmoid_slope") and answer is _nan:
        text = "returned a single number"
    assert text in out, out


@pytest.mark.parametrize("name", basics.__all__)
def test_wrong_shape_gets_a_message(name, capsys):
    check = getattr(checks, name)
    assert check(lambda *a, **k: np.ones((3, 7)), rng=0) is False
    out = capsys.readouterr().out
    assert "shape (3, 7)" in out, out


@pytest.mark.parametrize("name", ["check_sigmoid_slope", "check_glorot_uniform", "check_normalized_weights"])
def test_nan_inside_an_array_gets_a_message(name, capsys):
    check = getattr(checks, name)
    correct = getattr(ref, name[len("check_"):])

    def with_nan(*args, **kwargs):
        out = np.array(correct(*args, **kwargs), dtype=float)
        out.flat[0] = np.nan
        return out

    assert check(with_nan, rng=0) is False
    assert "NaN value" in capsys.readouterr().out


@pytest.mark.parametrize("name", basics.__all__)
def test_slow_answer_gets_a_message(name, monkeypatch, capsys):
    monkeypatch.setattr(_core, "TIMEOUT", 0.2)

    def slow(*args, **kwargs):
        x = 0
        while True:
            x += 1

    assert check_is_false(getattr(checks, name), slow)
    assert "took longer than 0.2 s" in capsys.readouterr().out


def check_is_false(check, answer):
    return check(answer, rng=0) is False


def test_passing_the_result_instead_of_the_function(capsys):
    assert checks.check_he_std(0.2) is False
    assert "not the result of calling it" in capsys.readouterr().out


def test_glorot_with_the_mean_of_the_fans_is_named(capsys):
    # √(6/((fan_in + fan_out)/2)) is √2 too large, the same factor as an extra ReLU gain: the
    # one message names both causes (and so it is not in MISTAKES, whose hints are unique).
    wrong = _glorot(lambda fi, fo, g: g * math.sqrt(6 / ((fi + fo) / 2)))
    for seed in range(5):
        assert checks.check_glorot_uniform(wrong, rng=seed) is False
        assert "divide by the mean of the fans" in capsys.readouterr().out
