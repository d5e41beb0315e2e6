"""Tests of the checkers of chapters 6–9 (initlab.checks.practice).

For every checker: the reference solution passes (on several seeds), the shipped stub gets
"not written yet", a function that raises gets a message, and each typical mistake gets its
own specific hint (the test asserts both ``False`` and a phrase of the hint).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from initlab import checks
from initlab.checks import practice as P
from initlab.solutions import practice as S

CHECKERS = [name for name in P.__all__ if name.startswith("check_")]


def run(check, answer, seed=0):
    ok = check(answer, rng=seed, verbose=False)
    return ok, check.last_message


def stub(*args):
    ...  # what the notebook ships


def boom(*args):
    raise ZeroDivisionError("division by zero")


def test_at_least_six_checkers_and_all_reexported():
    assert len(CHECKERS) >= 6
    for name in CHECKERS:
        assert getattr(checks, name) is getattr(P, name)
        assert name in checks.__all__


@pytest.mark.parametrize("name", CHECKERS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_passes(name, seed):
    check = getattr(P, name)
    ok, msg = run(check, getattr(S, check.function_name), seed)
    assert ok, msg


@pytest.mark.parametrize("name", CHECKERS)
def test_stub_is_not_written_and_raising_is_reported(name, capsys):
    check = getattr(P, name)
    assert check(stub, rng=0) is False
    out = capsys.readouterr().out
    assert "not written yet" in out
    ok, msg = run(check, boom)
    assert not ok and "ZeroDivisionError" in msg
    ok, msg = run(check, 3.0)
    assert not ok and "pass the function itself" in msg


def test_helper_constants_match_simulation():
    # 0.8796 is the std of N(0,1) truncated to [-2, 2]; 2.366 its kurtosis. With 400,000
    # truncated draws the std of the sample std is about 0.88·√((2.37−1)/(4·4e5)) = 8e-4 and
    # of the sample kurtosis about 0.01; we allow 5 of those.
    rng = np.random.default_rng(0)
    z = rng.normal(size=470_000)
    z = z[np.abs(z) <= 2][:400_000]
    assert abs(z.std() - P.truncated_std_factor()) < 5 * 8e-4
    assert abs(np.mean(z**4) / np.mean(z**2) ** 2 - P.truncated_kurtosis()) < 5 * 0.01
    assert round(P.truncated_std_factor(), 8) == 0.87962566


# ---- chapter 6 ---------------------------------------------------------------------

def _bound(scheme_map):
    def uniform_bound(scheme, fan_in, fan_out):
        return scheme_map.get(scheme, S.uniform_bound)(fan_in, fan_out) if scheme in scheme_map \
            else S.uniform_bound(scheme, fan_in, fan_out)
    return uniform_bound


@pytest.mark.parametrize("wrong, phrase", [
    (_bound({"fan_in_uniform": lambda i, o: 1 / i}), "square root is missing"),
    (_bound({"fan_in_uniform": lambda i, o: 1 / math.sqrt(3 * i)}), "standard deviation"),
    (_bound({"fan_in_uniform": lambda i, o: 1 / math.sqrt(o)}), "you used fan_out"),
    (_bound({"glorot_uniform": lambda i, o: math.sqrt(2 / (i + o))}), "standard deviation"),
    (_bound({"glorot_uniform": lambda i, o: math.sqrt(6) / (math.sqrt(i) + math.sqrt(o))}), "over the sum"),
    (_bound({"glorot_uniform": lambda i, o: 1 / math.sqrt(i)}), "fan-in rule"),
    (_bound({"he_uniform": lambda i, o: math.sqrt(3 / i)}), "ReLU gain"),
    (_bound({"he_uniform": lambda i, o: math.sqrt(6 / o)}), "scales by fan_in"),
])
def test_uniform_bound_mistakes(wrong, phrase):
    ok, msg = run(P.check_uniform_bound, wrong)
    assert not ok and phrase in msg, msg


@pytest.mark.parametrize("wrong, phrase", [
    (lambda k: math.erf(k), "erf(k/√2)"),
    (lambda k: (1 + math.erf(k / math.sqrt(2))) / 2, "one tail only"),
    (lambda k: 1 - math.erf(k / math.sqrt(2)), "outside"),
    (lambda k: 100 * math.erf(k / math.sqrt(2)), "percentage"),
    (lambda k: float(np.mean(np.abs(np.random.default_rng(0).normal(size=400_000)) <= k)), "sampling"),
    (lambda k: {1: 0.68, 2: 0.95, 3: 0.997, 4: 0.997}.get(k, 0.5), "68–95–99.7"),
    (lambda k: min(1.0, k / 4), "should be"),
])
def test_normal_coverage_mistakes(wrong, phrase):
    ok, msg = run(P.check_normal_coverage, wrong)
    assert not ok and phrase in msg, msg


# ---- chapter 7 ---------------------------------------------------------------------

def _rf(shape):
    return int(np.prod(shape[:-2]))


@pytest.mark.parametrize("wrong, phrase", [
    (lambda s: (s[-2], s[-1]), "receptive field"),
    (lambda s: (S.conv_fans(s)[0] + 1, S.conv_fans(s)[1]), "bias"),
    (lambda s: S.conv_fans(s)[::-1], "swapped"),
    (lambda s: (int(np.prod(s)), int(np.prod(s))) if len(s) > 2 else S.conv_fans(s), "whole kernel"),
    (lambda s: (s[1] * int(np.prod(s[2:])), s[0] * int(np.prod(s[2:]))) if len(s) > 2 else S.conv_fans(s), "PyTorch"),
    (lambda s: S.conv_fans(s)[0], "pair"),
])
def test_conv_fans_mistakes(wrong, phrase):
    ok, msg = run(P.check_conv_fans, wrong)
    assert not ok and phrase in msg, msg


def test_conv_fans_accepts_list_and_array():
    assert run(P.check_conv_fans, lambda s: list(S.conv_fans(s)))[0]
    assert run(P.check_conv_fans, lambda s: np.array(S.conv_fans(s)))[0]


@pytest.mark.parametrize("wrong, phrase", [
    (lambda n, a: math.sqrt(2 / (1 + a)) * math.sqrt(3 / n), "enters squared"),
    (lambda n, a: math.sqrt(2 / (1 + a * a)) / math.sqrt(n), "√3 times larger"),
    (lambda n, a: math.sqrt(3 / n), "left out the gain"),
    (lambda n, a: math.sqrt(6 / n), "whatever a is"),
    (lambda n, a: math.sqrt(2 / (1 + a * a)) * math.sqrt(3) / n, "1/√fan_in"),
])
def test_kaiming_uniform_bound_mistakes(wrong, phrase):
    ok, msg = run(P.check_kaiming_uniform_bound, wrong)
    assert not ok and phrase in msg, msg


def _tn_plain(shape, std, rng):
    return rng.normal(0, std, size=shape)


def _tn_clip(shape, std, rng):
    s = std / 0.8796
    return np.clip(rng.normal(0, s, size=shape), -2 * s, 2 * s)


def _tn_no_rescale(shape, std, rng):
    x = rng.normal(0, std, size=shape)
    while (np.abs(x) > 2 * std).any():
        bad = np.abs(x) > 2 * std
        x[bad] = rng.normal(0, std, size=bad.sum())
    return x


def _tn_wrong_direction(shape, std, rng):
    s = std * 0.87962566
    x = rng.normal(0, s, size=shape)
    while (np.abs(x) > 2 * s).any():
        bad = np.abs(x) > 2 * s
        x[bad] = rng.normal(0, s, size=bad.sum())
    return x


def _tn_cut_at_2std(shape, std, rng):
    s = std / 0.87962566
    x = rng.normal(0, s, size=shape)
    while (np.abs(x) > 2 * std).any():
        bad = np.abs(x) > 2 * std
        x[bad] = rng.normal(0, s, size=bad.sum())
    return x


def _tn_global_rng(shape, std, rng):
    return S.truncated_normal(shape, std, np.random.default_rng())


def _tn_uniform(shape, std, rng):
    return rng.uniform(-math.sqrt(3) * std, math.sqrt(3) * std, size=shape)


@pytest.mark.parametrize("wrong, phrase", [
    (_tn_plain, "plain normal"),
    (_tn_clip, "clipping"),
    (_tn_no_rescale, "without rescaling"),
    (_tn_wrong_direction, "multiplied by 0.8796"),
    (_tn_cut_at_2std, "you cut at ±2·std"),
    (_tn_global_rng, "same seed"),
    (lambda shape, std, rng: S.truncated_normal(shape, std, np.random.default_rng(11)), "fixed seed"),
    (_tn_uniform, "not another distribution"),
    (lambda shape, std, rng: S.truncated_normal(shape[::-1], std, rng), "swapped"),
])
def test_truncated_normal_mistakes(wrong, phrase):
    ok, msg = run(P.check_truncated_normal, wrong)
    assert not ok and phrase in msg, msg


# ---- chapter 8 ---------------------------------------------------------------------

@pytest.mark.parametrize("wrong, phrase", [
    (lambda lr, g, w: np.linalg.norm(g) / np.linalg.norm(w), "learning rate"),
    (lambda lr, g, w: np.linalg.norm(w) / np.linalg.norm(lr * g), "upside down"),
    (lambda lr, g, w: np.sum((lr * g) ** 2) / np.sum(w**2), "squared norms"),
    (lambda lr, g, w: np.mean(np.abs(lr * g) / np.abs(w)), "elementwise"),
    (lambda lr, g, w: np.mean(np.abs(lr * g)) / np.mean(np.abs(w)), "mean absolute"),
    (lambda lr, g, w: lr * np.linalg.norm(g, 2) / np.linalg.norm(w, 2), "singular value"),
    (lambda lr, g, w: lr * g / w, "one number"),
])
def test_update_to_weight_ratio_mistakes(wrong, phrase):
    ok, msg = run(P.check_update_to_weight_ratio, wrong)
    assert not ok and phrase in msg, msg


@pytest.mark.parametrize("wrong, phrase", [
    (lambda z: np.mean(z <= 0), "fraction of all entries"),
    (lambda z: np.mean(np.any(z <= 0, axis=0)), "np.any"),
    (lambda z: np.mean(np.all(z <= 0, axis=1)), "wrong axis"),
    (lambda z: np.sum(np.all(z <= 0, axis=0)), "not a count"),
    (lambda z: np.mean(np.all(z < 0, axis=0)), "<= 0"),
    (lambda z: np.all(z <= 0, axis=0), "one number"),
])
def test_dead_fraction_mistakes(wrong, phrase):
    ok, msg = run(P.check_dead_fraction, wrong)
    assert not ok and phrase in msg, msg


# ---- chapter 9 ---------------------------------------------------------------------

def _central(x, k):
    return np.mean((x - x.mean()) ** k)


@pytest.mark.parametrize("wrong, phrase", [
    (lambda x: _central(x, 4) / _central(x, 2) ** 2, "subtracts 3"),
    (lambda x: np.mean(x**4) / np.mean(x**2) ** 2 - 3, "subtract the mean"),
    (lambda x: _central(x, 4) / _central(x, 2) - 3, "square"),
    (lambda x: _central(x, 4) / _central(x, 2) ** 2 - 1, "not 1"),
    (lambda x: S.excess_kurtosis(x) if x.size < 5000 else 1.0, "hard-code"),
])
def test_excess_kurtosis_mistakes(wrong, phrase):
    ok, msg = run(P.check_excess_kurtosis, wrong)
    assert not ok and phrase in msg, msg


def test_excess_kurtosis_accepts_ddof1():
    # the variance with ddof=1 changes the answer by O(1/N): accepted
    ok, msg = run(P.check_excess_kurtosis, lambda x: _central(x, 4) / np.var(x, ddof=1) ** 2 - 3)
    assert ok, msg


def _ek(nu_relu, nu_lin, form):
    def exact_kurtosis(layer, width, activation):
        v = nu_relu if activation == "relu" else nu_lin
        return form(layer, width, v)
    return exact_kurtosis


@pytest.mark.parametrize("wrong, phrase", [
    (_ek(5, 2, lambda l, n, v: 3 * ((1 + v / n) ** l - 1)), "exponent is ℓ − 1"),
    (_ek(2, 5, lambda l, n, v: 3 * ((1 + v / n) ** (l - 1) - 1)), "ν is 5 for ReLU"),
    (_ek(5, 5, lambda l, n, v: 3 * ((1 + v / n) ** (l - 1) - 1)), "ν is 5 for ReLU"),
    (_ek(5, 2, lambda l, n, v: 3 * v * (l - 1) / n), "leading order"),
    (_ek(5, 2, lambda l, n, v: (1 + v / n) ** (l - 1) - 1), "factor 3"),
    (_ek(5, 2, lambda l, n, v: 3 * (1 + v / n) ** (l - 1)), "subtract 1"),
])
def test_exact_kurtosis_mistakes(wrong, phrase):
    ok, msg = run(P.check_exact_kurtosis, wrong)
    assert not ok and phrase in msg, msg


def _traj(step, n_extra=0, start_at_2=False):
    def relu_variance_trajectory(K1, depth, C_W, C_b):
        out, K = [K1], K1
        for _ in range(depth - 1 + n_extra + int(start_at_2)):
            K = step(K, C_W, C_b)
            out.append(K)
        return np.array(out[1:] if start_at_2 else out)
    return relu_variance_trajectory


@pytest.mark.parametrize("wrong, phrase", [
    (_traj(lambda K, w, b: b + w * K), "1/2 is missing"),
    (_traj(lambda K, w, b: w * K / 2), "adds its variance C_b"),
    (_traj(lambda K, w, b: w * (b + K / 2)), "added after the weights"),
    (_traj(lambda K, w, b: b + w * K / 4), "not K/4"),
    (_traj(lambda K, w, b: b + w * K / 2, n_extra=1), "values;"),
    (_traj(lambda K, w, b: b + w * K / 2, start_at_2=True), "starts at K^(2)"),
])
def test_relu_variance_trajectory_mistakes(wrong, phrase):
    ok, msg = run(P.check_relu_variance_trajectory, wrong)
    assert not ok and phrase in msg, msg


def _chi(transform):
    t, w = np.polynomial.hermite_e.hermegauss(100)

    def chi_perp(K, C_W, activation):
        return transform(K, C_W, activation, t, w / math.sqrt(2 * math.pi))
    return chi_perp


def _chi_nodes(deg):
    t, w = np.polynomial.hermite_e.hermegauss(deg)

    def chi_perp(K, C_W, activation):
        return C_W * np.sum(w * _dphi(activation, math.sqrt(K) * t) ** 2) / math.sqrt(2 * math.pi)
    return chi_perp


def _dphi(act, z):
    return (z > 0).astype(float) if act == "relu" else 1 - np.tanh(z) ** 2


def _phi(act, z):
    return np.maximum(z, 0) if act == "relu" else np.tanh(z)


@pytest.mark.parametrize("wrong, phrase", [
    (_chi(lambda K, c, a, t, w: np.sum(w * _dphi(a, math.sqrt(K) * t) ** 2)), "multiply by C_W"),
    (_chi(lambda K, c, a, t, w: c * np.sum(w * _dphi(a, math.sqrt(K) * t)) ** 2), "square inside"),
    (_chi(lambda K, c, a, t, w: c * np.sum(w * _phi(a, math.sqrt(K) * t) ** 2)), "derivative"),
    (_chi(lambda K, c, a, t, w: c * np.sum(w * _dphi(a, K * t) ** 2)), "standard deviation is √K"),
    (lambda K, c, a: c * np.mean(_dphi(a, math.sqrt(K) * np.random.default_rng(0).normal(size=20_000)) ** 2),
     "sampling estimate"),
    (_chi_nodes(20), "few nodes"),
    (_chi(lambda K, c, a, t, w: c * np.sum(w * _dphi(a, math.sqrt(K) * t))), "square of the slope"),
    (_chi_nodes(101), "sits on ReLU's kink"),
])
def test_chi_perp_mistakes(wrong, phrase):
    ok, msg = run(P.check_chi_perp, wrong)
    assert not ok and phrase in msg, msg


def _chi_mc(n, seed=None):
    def chi_perp(K, C_W, activation):
        z = math.sqrt(K) * np.random.default_rng(seed).standard_normal(n)
        return C_W * np.mean(_dphi(activation, z) ** 2)
    return chi_perp


@pytest.mark.parametrize("seed", range(5))
def test_chi_perp_unseeded_sampling_is_told_it_samples(seed):
    # Without a seed the same call gives two values: the verdict names that, on every seed,
    # instead of passing or failing on the luck of the draw.
    ok, msg = run(P.check_chi_perp, _chi_mc(200_000), seed)
    assert not ok and "different value each time" in msg, msg


@pytest.mark.parametrize("mc_seed", range(8))
def test_chi_perp_million_fixed_seed_samples_fail(mc_seed):
    # 10⁶ draws with a fixed seed: the relative standard error of the ReLU estimate C_W ·
    # (fraction of positive draws) is √(p(1−p)/n)/p = 1e-3 at p = 1/2, five times the tolerance
    # 2e-4, and about 3e-4 for tanh. The same draws serve every call, so the six cases' errors
    # are correlated; still, none of the seeds 0–59 passed all six when this test was written.
    ok, msg = run(P.check_chi_perp, _chi_mc(1_000_000, seed=mc_seed), mc_seed)
    assert not ok and "not accurate enough" in msg, msg


def test_wrong_types_get_messages():
    ok, msg = run(P.check_normal_coverage, lambda k: "0.95")
    assert not ok and "should return a number" in msg
    ok, msg = run(P.check_excess_kurtosis, lambda x: float("nan"))
    assert not ok and "NaN" in msg
    ok, msg = run(P.check_relu_variance_trajectory, lambda K1, d, w, b: np.ones((d, 2)))
    assert not ok and "shape" in msg
