"""The checkers' verdicts do not depend on the seed they draw their test cases with.

A checker draws its test cases (fan-ins, shapes, K, C_W, ...) from ``rng``; a student runs it
with whatever seed the notebook cell passes, and a group of four may run it four times. These
tests pin the verdicts over twenty seeds (100–119, none of them used by the other checker
tests): every typical mistake of ``tests/test_checks_basics.py`` and
``tests/test_checks_practice.py`` fails on every seed with the same hint, and correct answers
written differently from the reference solutions (other formulas, other NumPy calls, lists
instead of arrays) pass on every seed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import test_checks_basics as tb
import test_checks_practice as tp
from initlab import checks

SEEDS = range(100, 120)


def _practice_mistakes():
    """(checker name, wrong answer, phrase) from the parametrized ``test_<name>_mistakes``."""
    out = []
    for attr in dir(tp):
        if not (attr.startswith("test_") and attr.endswith("_mistakes")):
            continue
        name = "check_" + attr[len("test_"):-len("_mistakes")]
        assert hasattr(checks, name), f"{attr} names no checker"
        (mark,) = [m for m in getattr(tp, attr).pytestmark if m.name == "parametrize"]
        out += [(name, wrong, phrase) for wrong, phrase in mark.args[1]]
    return out


MISTAKES = [(n, w, h) for n, w, h in tb.MISTAKES] + _practice_mistakes()


def test_the_mistake_lists_were_found():
    # Both files' lists, so that a renamed test cannot silently empty this one.
    assert len(tb.MISTAKES) >= 40 and len(_practice_mistakes()) >= 40


def _verdicts(check, answer):
    results = []
    for seed in SEEDS:
        ok = check(answer, rng=seed, verbose=False)
        results.append((ok, check.last_message))
    return results


@pytest.mark.parametrize("name, wrong, hint", MISTAKES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(MISTAKES)])
def test_every_mistake_fails_on_every_seed_with_its_hint(name, wrong, hint):
    check = getattr(checks, name)
    bad = [(seed, msg) for seed, (ok, msg) in zip(SEEDS, _verdicts(check, wrong)) if ok or hint not in msg]
    assert not bad, f"{name}: expected the hint {hint!r} on every seed; got {bad[:3]}"


# Correct answers written differently from initlab.solutions ------------------------------

def _count_distinct_units(W, tol=1e-9):
    W = np.asarray(W, dtype=float)
    n = W.shape[1]
    same = np.max(np.abs(W[:, :, None] - W[:, None, :]), axis=0) <= tol
    # unit j is new when no earlier unit equals it
    return int(sum(not same[j, :j].any() for j in range(n)))


def _sigmoid_slope(z):
    return 0.25 / np.cosh(np.asarray(z, dtype=float) / 2) ** 2


def _saturation_fraction(acts, threshold=0.97):
    acts = np.asarray(acts)
    return np.count_nonzero(np.abs(acts) > threshold) / acts.size


def _normalized_weights(n, rng):
    return rng.normal(0.0, math.sqrt(1 / n), size=n)


def _next_variance(K, C_W, phi, rng, n_samples=200_000):
    z = rng.normal(0.0, math.sqrt(K), size=n_samples)
    return C_W * np.mean(np.square(phi(z)))


def _he_std(fan_in, fan_out, mode="fan_in"):
    if mode == "fan_in":
        return math.sqrt(2 / fan_in)
    if mode == "fan_out":
        return math.sqrt(2 / fan_out)
    return math.sqrt(4 / (fan_in + fan_out))


def _relu_std_trajectory(x, widths, weight_stds):
    var = [weight_stds[0] ** 2 * float(np.dot(x, x))]
    for sw, n in zip(weight_stds[1:], widths[1:-1]):
        var.append(var[-1] * sw**2 * n / 2)
    return list(np.sqrt(var))


def _gain(activation, param=None):
    table = {"linear": 1, "sigmoid": 1, "tanh": 5 / 3, "relu": 2**0.5, "selu": 3 / 4}
    if activation == "leaky_relu":
        a = 0.01 if param is None else param
        return (2 / (1 + a * a)) ** 0.5
    return table[activation]


def _glorot_uniform(shape, rng, gain=1.0):
    a = gain * math.sqrt(6 / sum(shape))
    return a * (2 * rng.random(shape) - 1)


def _uniform_bound(scheme, fan_in, fan_out):
    # U[-a, a] has variance a²/3: solve a²/3 = target variance.
    variance = {"fan_in_uniform": 1 / (3 * fan_in), "glorot_uniform": 2 / (fan_in + fan_out),
                "he_uniform": 2 / fan_in}[scheme]
    return math.sqrt(3 * variance)


def _normal_coverage(k):
    return 1 - math.erfc(k / math.sqrt(2))


def _conv_fans(shape):
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return (shape[-2] * receptive, shape[-1] * receptive)


def _kaiming_uniform_bound(fan_in, a):
    return math.sqrt(6 / ((1 + a**2) * fan_in))


def _truncated_normal(shape, std, rng):
    sigma = std / 0.87962566103423978
    out = np.empty(int(np.prod(shape)))
    filled = 0
    while filled < out.size:  # draw in batches, keep those inside ±2σ
        z = rng.standard_normal(2 * (out.size - filled) + 16) * sigma
        z = z[np.abs(z) <= 2 * sigma][: out.size - filled]
        out[filled:filled + z.size] = z
        filled += z.size
    return out.reshape(shape)


def _update_to_weight_ratio(lr, grad, weight):
    return abs(lr) * math.sqrt(float(np.sum(np.square(grad)))) / math.sqrt(float(np.sum(np.square(weight))))


def _dead_fraction(z):
    z = np.asarray(z)
    return float(np.mean(z.max(axis=0) <= 0))


def _excess_kurtosis(samples):
    x = np.asarray(samples, dtype=float)
    d = x - x.mean()
    return float(np.mean(d**4) / np.var(x) ** 2 - 3)


def _exact_kurtosis(layer, width, activation):
    nu = 5 if activation == "relu" else 2
    return 3 * (1 + nu / width) ** (layer - 1) - 3


def _relu_variance_trajectory(K1, depth, C_W, C_b):
    out = np.empty(depth)
    out[0] = K1
    for i in range(1, depth):
        out[i] = C_b + 0.5 * C_W * out[i - 1]
    return out


def _chi_perp(K, C_W, activation):
    if activation == "relu":
        return C_W / 2  # relu′(z)² is the indicator of z > 0, whose mean is 1/2
    t, w = np.polynomial.hermite_e.hermegauss(160)
    return C_W * float(np.dot(w, np.cosh(math.sqrt(K) * t) ** -4)) / math.sqrt(2 * math.pi)


ALTERNATIVES = {name[1:]: fn for name, fn in globals().items()
                if name.startswith("_") and not name.startswith("__") and callable(fn)
                and name not in ("_practice_mistakes", "_verdicts")}


def test_every_checker_has_an_alternative_answer():
    expected = {getattr(checks, name).function_name for name in checks.__all__}
    assert set(ALTERNATIVES) == expected


@pytest.mark.parametrize("function_name", sorted(ALTERNATIVES))
def test_correct_answers_written_differently_pass_on_every_seed(function_name):
    (check,) = [getattr(checks, n) for n in checks.__all__ if getattr(checks, n).function_name == function_name]
    bad = [(seed, msg) for seed, (ok, msg) in zip(SEEDS, _verdicts(check, ALTERNATIVES[function_name])) if not ok]
    assert not bad, f"{function_name}: a correct answer failed on seeds {[s for s, _ in bad]}: {bad[0][1]}"
