"""Tests for initlab.theory: quadrature, variance maps, criticality, finite-width formulas."""

import math

import numpy as np
import pytest

from initlab import forward_ensemble, theory
from initlab.activations import SELU_ALPHA, SELU_SCALE


# ---------------------------------------------------------------- quadrature
@pytest.mark.parametrize("K", [0.0, 0.3, 1.0, 7.5])
def test_gauss_expect_closed_forms(K):
    assert theory.gauss_expect(lambda z: z**2, K) == pytest.approx(K, abs=1e-13)
    assert theory.gauss_expect(lambda z: z**4, K) == pytest.approx(3 * K**2, abs=1e-12)
    assert theory.gauss_expect(lambda z: np.ones_like(z), K) == pytest.approx(1.0, abs=1e-13)
    assert theory.gauss_expect(np.abs, K, kink=True) == pytest.approx(math.sqrt(2 * K / math.pi), abs=1e-13)
    # ReLU: E[relu(z)²] = K/2 and E[relu(z)] = √(K/2π), with and without the kink split.
    assert theory.second_moment(K, "relu") == pytest.approx(K / 2, abs=1e-13)
    assert theory.gauss_expect(lambda z: np.maximum(z, 0), K, kink=True) == pytest.approx(math.sqrt(K / (2 * math.pi)), abs=1e-13)
    assert theory.second_moment(K, "linear") == pytest.approx(K, abs=1e-13)
    assert theory.second_moment(K, "leaky_relu", 0.2) == pytest.approx(K * (1 + 0.04) / 2, abs=1e-13)


def test_gauss_expect_vectorized_and_bad_variance():
    K = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(theory.second_moment(K, "relu"), K / 2, atol=1e-13)
    with pytest.raises(ValueError, match="finite and >= 0"):
        theory.gauss_expect(np.abs, -1.0)
    with pytest.raises(ValueError, match="finite and >= 0"):
        theory.gauss_expect(np.abs, np.inf)


def test_tanh_second_moment_against_monte_carlo():
    # E[tanh(z)²] for z ~ N(0, K) has no closed form; compare with 4·10^6 samples. The
    # standard error is std(tanh²)/√N (measured from the same samples); we allow 5 of them.
    rng = np.random.default_rng(0)
    for K in (0.5, 2.0):
        v = np.tanh(rng.normal(0, math.sqrt(K), 4_000_000)) ** 2
        se = v.std() / math.sqrt(v.size)
        assert abs(theory.second_moment(K, "tanh") - v.mean()) < 5 * se


def test_selu_and_sigmoid_moments():
    # SELU's fixed point: mean 0 and second moment 1 at K = 1.
    from initlab.activations import activation
    selu = activation("selu")
    assert theory.gauss_expect(selu, 1.0, kink=True) == pytest.approx(0.0, abs=1e-12)
    assert theory.second_moment(1.0, "selu") == pytest.approx(1.0, abs=1e-12)
    # Closed form of E[selu(z)] for any K (λ(√(K/2π) + α(e^{K/2}Φ(−√K) − 1/2))):
    K = 2.0
    Phi = 0.5 * (1 + math.erf(-math.sqrt(K) / math.sqrt(2)))
    closed = SELU_SCALE * (math.sqrt(K / (2 * math.pi)) + SELU_ALPHA * (math.exp(K / 2) * Phi - 0.5))
    assert theory.gauss_expect(selu, K, kink=True) == pytest.approx(closed, abs=1e-12)
    # Sigmoid: σ(z) − 1/2 is odd, so E[σ(z)] = 1/2 for every K.
    from initlab.activations import activation as a
    assert theory.gauss_expect(a("sigmoid"), 3.0) == pytest.approx(0.5, abs=1e-13)


# ---------------------------------------------------------------- variance map
def test_variance_map_and_input_variance():
    assert theory.variance_map(1.7, "relu", C_W=2.0) == pytest.approx(1.7, abs=1e-12)
    assert theory.variance_map(1.7, "relu", C_W=2.0, C_b=0.1) == pytest.approx(1.8, abs=1e-12)
    assert theory.variance_map(0.5, "linear", C_W=3.0) == pytest.approx(1.5, abs=1e-13)
    x = np.array([1.0, 2.0, 2.0])
    assert theory.input_variance(x, 2.0, 0.5) == pytest.approx(0.5 + 2.0 * 9 / 3)


@pytest.mark.parametrize("act, C_W, C_b", [("tanh", 1.5, 0.1), ("sigmoid", 4.0, 0.0), ("selu", 1.0, 0.0), ("relu", 2.0, 0.2)])
def test_variance_map_against_simulation(act, C_W, C_b):
    # Layer 1 is exactly N(0, K¹) for a fixed input, and E[(z²)²] = C_b + C_W E[φ(z¹)²] at
    # any width, so the map from layer 1 to 2 is exact in expectation. N = 4000 networks of
    # width 32; se from the spread of per-network means; 5 of those.
    x = np.random.default_rng(1).standard_normal((1, 20))
    g = math.sqrt(C_W / 2)  # he_normal has C_W = 2; gain rescales it
    zs = forward_ensemble(x, [20, 32, 32], act, "he_normal", n_nets=4000, rng=2, gain=g, bias_std=math.sqrt(C_b))
    K1 = theory.input_variance(x[0], C_W, C_b)
    per_net = np.mean(zs[1][:, 0, :] ** 2, axis=1)
    se = per_net.std(ddof=1) / math.sqrt(per_net.size)
    assert abs(per_net.mean() - theory.variance_map(K1, act, C_W, C_b)) < 5 * se
    traj = theory.variance_trajectory(K1, 2, act, C_W, C_b)
    assert traj[0] == K1 and traj[1] == pytest.approx(theory.variance_map(K1, act, C_W, C_b))


def test_variance_trajectory_relu_is_flat_and_overflows_to_inf():
    np.testing.assert_allclose(theory.variance_trajectory(0.7, 50, "relu", 2.0), 0.7, rtol=1e-11)
    t = theory.variance_trajectory(1.0, 600, "relu", 8.0)  # ×4 per layer: 4^600 ≈ 1e361 overflows
    assert np.isinf(t[-1]) and t[10] == pytest.approx(4.0**10, rel=1e-10)


def test_tanh_variance_decays_like_one_over_two_ell():
    # At criticality (C_W = 1, C_b = 0) K^(ℓ) ≈ 1/(2ℓ) with a correction of order log ℓ/ℓ²:
    # 2ℓK^(ℓ) tends to 1, and gets closer as ℓ grows.
    K = theory.variance_trajectory(1.0, 4000, "tanh", 1.0)
    r = 2 * np.arange(1, 4001) * K
    assert abs(r[3999] - 1) < 0.005
    assert abs(r[3999] - 1) < abs(r[399] - 1) < abs(r[39] - 1)


# ---------------------------------------------------------------- criticality
def test_susceptibilities_and_critical_points():
    for K in (0.3, 1.0, 4.0):
        assert theory.chi_perp(K, "relu", 2.0) == pytest.approx(1.0, abs=1e-12)
        assert theory.chi_parallel(K, "relu", 2.0) == pytest.approx(1.0, abs=1e-12)
        assert theory.chi_perp(K, "linear", 1.0) == pytest.approx(1.0, abs=1e-13)
        a = 0.3
        c = theory.critical_C_W("leaky_relu", a)
        assert c == pytest.approx(2 / (1 + a * a))
        assert theory.chi_perp(K, "leaky_relu", c, a) == pytest.approx(1.0, abs=1e-12)
    assert theory.critical_C_W("relu") == 2.0 and theory.critical_C_W("linear") == 1.0
    assert theory.critical_C_W("tanh") == 1.0
    # tanh: χ⊥(K → 0) = C_W·tanh′(0)² = C_W.
    assert theory.chi_perp(1e-12, "tanh", 1.0) == pytest.approx(1.0, abs=1e-9)
    for name in ("sigmoid", "selu"):
        with pytest.raises(ValueError, match=f"activation '{name}' has no critical C_W.*linear, relu, leaky_relu, tanh"):
            theory.critical_C_W(name)


@pytest.mark.parametrize("act, C_W, C_b", [("tanh", 1.3, 0.05), ("sigmoid", 2.0, 0.0), ("selu", 1.0, 0.0)])
def test_chi_parallel_is_the_slope_of_the_variance_map(act, C_W, C_b):
    # χ∥ = dK'/dK, checked by a central difference with h = 1e-5 (error O(h²) ≈ 1e-10).
    K, h = 0.8, 1e-5
    slope = (theory.variance_map(K + h, act, C_W, C_b) - theory.variance_map(K - h, act, C_W, C_b)) / (2 * h)
    assert theory.chi_parallel(K, act, C_W) == pytest.approx(slope, abs=1e-8)


def test_fixed_points():
    K = theory.fixed_point("tanh", 2.0)
    assert 0.1 < K < 2 and theory.variance_map(K, "tanh", 2.0) == pytest.approx(K, abs=1e-10)
    K = theory.fixed_point("selu", 1.0, K0=0.4)
    assert K == pytest.approx(1.0, abs=1e-8)  # SELU is self-normalizing toward K* = 1
    assert theory.fixed_point("relu", 3.0) == math.inf
    assert theory.fixed_point("relu", 2.0, K0=3.0) == pytest.approx(3.0)  # every K is fixed
    assert theory.fixed_point("tanh", 0.5) < 1e-10  # decays to 0 geometrically


# ---------------------------------------------------------------- finite width
def test_kurtosis_formulas():
    assert theory.A_coefficients("relu") == (0.5, 0.5)
    assert theory.A_coefficients("linear") == (1.0, 1.0)
    assert theory.nu("relu") == pytest.approx(5.0) and theory.nu("linear") == pytest.approx(2.0)
    a = 0.2
    assert theory.nu("leaky_relu", a) == pytest.approx(6 * (1 + a**4) / (1 + a * a) ** 2 - 1)
    assert theory.nu("tanh") == theory.NU_TANH_CRITICAL == pytest.approx(2 / 3)
    assert theory.excess_kurtosis_exact(2, 10) == pytest.approx(1.5)
    assert theory.excess_kurtosis_exact(1, 7) == 0.0
    assert theory.excess_kurtosis_exact(3, 4, "linear") == pytest.approx(3 * (1.5**2 - 1))
    np.testing.assert_allclose(theory.excess_kurtosis_exact([1, 2, 3], 5), [0, 3.0, 9.0])
    # Leading order: 3ν(ℓ−1)/n, close to the exact value when ℓ/n is small.
    assert theory.excess_kurtosis_leading(5, 1000) == pytest.approx(3 * 5 * 4 / 1000)
    assert theory.excess_kurtosis_exact(5, 1000) == pytest.approx(0.06, rel=0.02)
    with pytest.raises(ValueError, match="no exact formula for tanh"):
        theory.excess_kurtosis_exact(2, 10, "tanh")
    with pytest.raises(ValueError, match="scale-invariant activations.*got 'sigmoid'"):
        theory.nu("sigmoid")


def test_linear_network_kurtosis_against_simulation():
    # Linear network, variance 1/n (LeCun), width 6, fixed input: excess kurtosis at layer ℓ
    # is 3((1 + 2/6)^(ℓ−1) − 1). Delta-method standard error over 30,000 networks; 5 of them.
    n, depth, N = 6, 4, 30000
    x = np.random.default_rng(3).standard_normal((1, 10))
    zs = forward_ensemble(x, [10] + [n] * depth, "linear", "lecun_normal", n_nets=N, rng=4)
    for l in (2, 4):
        z = zs[l - 1][:, 0, :]
        u2, u4 = np.mean(z**2, axis=1), np.mean(z**4, axis=1)
        m2, m4 = u2.mean(), u4.mean()
        g = np.array([1 / m2**2, -2 * m4 / m2**3])
        se = math.sqrt(g @ np.cov(np.vstack([u4, u2])) @ g / N)
        assert abs(m4 / m2**2 - 3 - theory.excess_kurtosis_exact(l, n, "linear")) < 5 * se


def test_log_norm_variance_and_sigmoid_slope_product():
    assert theory.log_norm_variance_relu([10, 20, 40]) == pytest.approx(5 * (0.1 + 0.05 + 0.025))
    assert theory.sigmoid_max_slope_product(8) == pytest.approx(1.52587890625e-05)  # 0.25⁸ ≈ 1.53e-5
    with pytest.raises(ValueError, match="depth must be a positive whole number"):
        theory.sigmoid_max_slope_product(0)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown activation 'gelu'; choose one of"):
        theory.variance_map(1.0, "gelu", 1.0)
    with pytest.raises(ValueError, match="C_W must be a finite number >= 0; got -1.0"):
        theory.variance_map(1.0, "relu", -1.0)
    with pytest.raises(ValueError, match="C_b must be a finite number >= 0"):
        theory.variance_map(1.0, "relu", 1.0, C_b=-0.1)
    with pytest.raises(ValueError, match="K1 must be a finite number >= 0"):
        theory.variance_trajectory(-1.0, 3, "relu", 2.0)
    with pytest.raises(ValueError, match="the input x must have 1 dimension"):
        theory.input_variance(np.ones((2, 2)), 1.0)
    with pytest.raises(ValueError, match="NaN"):
        theory.input_variance(np.array([1.0, np.nan]), 1.0)
    with pytest.raises(ValueError, match="scale-invariant"):
        theory.A_coefficients("tanh")
    with pytest.raises(ValueError, match="positive whole number"):
        theory.log_norm_variance_relu([10, 0])


def test_activation_integrals_stay_accurate_for_narrow_integrands_at_large_K():
    # tanh'(z)^2 = sech^4 z is about one unit wide; at K = 59.3 (√K ≈ 7.7) plain Gauss–Hermite
    # with 96 nodes gave 1.35 for 64·E[tanh'(z)^2] instead of 4.41. Reference: the closed form
    # E[sech^4 z] = ∫ sech^4(z) φ_K(z) dz computed on a fine trapezoid grid (error < 1e-8).
    from initlab import theory as th

    K = 59.3
    z = np.linspace(-60.0, 60.0, 2_000_001)
    dens = np.exp(-z * z / (2 * K)) / np.sqrt(2 * np.pi * K)
    ref = 64 * np.trapezoid((1 - np.tanh(z) ** 2) ** 2 * dens, z)
    assert th.chi_perp(K, "tanh", 64.0) == pytest.approx(ref, rel=1e-6)
    ref_m2 = np.trapezoid(np.tanh(z) ** 2 * dens, z)
    assert th.second_moment(K, "tanh") == pytest.approx(ref_m2, rel=1e-6)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "linear", "selu", "sigmoid"])
def test_susceptibilities_at_K_zero_are_the_limit(activation):
    """At K = 0 both susceptibilities are their limit K → 0⁺ (ReLU: C_W/2, not 0)."""
    for chi in (theory.chi_perp, theory.chi_parallel):
        at_zero = float(chi(0.0, activation, 1.5))
        near = float(chi(1e-14, activation, 1.5))  # SELU converges like sqrt(K)
        assert at_zero == pytest.approx(near, rel=1e-5), (chi.__name__, at_zero, near)
    assert float(theory.chi_perp(0.0, "relu", 1.5)) == pytest.approx(0.75)
