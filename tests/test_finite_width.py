"""Tests of initlab.finite_width and of the finite-width functions appended to initlab.theory.

Statistical tests use fixed seeds; each tolerance is a multiple of a standard error, and the
comment beside it says where the standard error and the multiple come from.
"""

import math

import numpy as np
import pytest

from initlab import finite_width as fw
from initlab import theory

# The configuration of the chapter's kurtosis figure (chapters/09_statistics_at_init).
CHAPTER_WIDTHS = (8, 16, 32, 64)
CHAPTER_RATIO = 0.25
CHAPTER_NETS = {"relu": 40000, "linear": 20000, "tanh": 20000}


# ----------------------------------------------------------------------------- estimator

def test_kurtosis_of_gaussian_is_zero_with_textbook_standard_error():
    z = np.random.default_rng(1).standard_normal(50000)
    est = fw.kurtosis_from_moments(z**2, z**4)
    # For Gaussian data the excess kurtosis estimate has sd √(24/N); allow 4 of those.
    assert abs(est.value) < 4 * math.sqrt(24 / 50000)
    # The delta-method SE itself uses 8th moments; its relative sd at N = 50000 is a few
    # percent, so 20 % is several of its own standard errors.
    assert est.se == pytest.approx(math.sqrt(24 / 50000), rel=0.2)


def test_delta_and_batch_standard_errors_agree():
    z = np.random.default_rng(2).standard_t(10, size=40000)
    a = fw.kurtosis_from_moments(z**2, z**4, "delta")
    b = fw.kurtosis_from_moments(z**2, z**4, "batches", n_batches=40)
    assert a.value == b.value
    # The batch SE from 40 batches has relative sd ≈ 1/√(2·39) ≈ 11 %; allow ~3.5 of those.
    assert b.se == pytest.approx(a.se, rel=0.4)


def test_standard_error_matches_spread_over_replicates():
    # 60 independent ReLU ensembles (n = 8, layer 3): the sd of the 60 estimates must match
    # the mean delta-method SE. The sd of a sample sd from 60 values is ≈ 1/√118 ≈ 9 %
    # relative; allow 30 % (about 3.3 of those).
    rng = np.random.default_rng(3)
    vals, ses = [], []
    for _ in range(60):
        s = fw.kurtosis_sweep("relu", widths=[8], max_ratio=0.25, n_nets=2000, rng=rng)
        vals.append(s.value[2])
        ses.append(s.se[2])
    assert np.std(vals, ddof=1) == pytest.approx(np.mean(ses), rel=0.3)
    # and the mean of the 60 estimates is the exact value within 4 standard errors of a mean
    # (the estimator's bias, O(1/N), is far below that).
    assert abs(np.mean(vals) - theory.excess_kurtosis_exact(3, 8)) < 4 * np.std(vals, ddof=1) / math.sqrt(60)


def test_excess_kurtosis_pools_units_of_each_network():
    z = np.random.default_rng(4).standard_normal((3000, 1, 10))
    est = fw.excess_kurtosis(z)
    # 30 000 Gaussian values: sd of the estimate ≈ √(24/30000); allow 4 of those.
    assert abs(est.value) < 4 * math.sqrt(24 / 30000)


@pytest.mark.parametrize("bad", [dict(s2=[1.0, 2.0, 3.0], s4=[1.0, 2.0]), dict(s2=[1, 2], s4=[1, 2]),
                                 dict(s2=[0.0] * 5, s4=[0.0] * 5)])
def test_kurtosis_from_moments_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        fw.kurtosis_from_moments(bad["s2"], bad["s4"])


def test_bad_method_is_named():
    with pytest.raises(ValueError, match="bootstrap"):
        fw.kurtosis_from_moments(np.ones(10), np.ones(10), method="bootstrap")


# ----------------------------------------------------------------------------- sweeps

@pytest.mark.parametrize("act", ["relu", "linear"])
def test_chapter_sweep_agrees_with_exact_formula_at_every_point(act):
    # The chapter plots these (width, layer) points with ±2 SE error bars. Here every point
    # must agree with 3((1 + ν/n)^(ℓ−1) − 1) within 4 standard errors: with 34 points per
    # activation, a two-sided 4σ band keeps the chance of a false alarm below 0.3 %
    # (Bonferroni), while a wrong ν (e.g. 4 instead of 5) is off by > 10 SE at ratio 1/4.
    s = fw.kurtosis_sweep(act, CHAPTER_WIDTHS, CHAPTER_RATIO, CHAPTER_NETS[act], rng=9)
    assert len(s.layer) == sum(1 + n // 4 for n in CHAPTER_WIDTHS)
    z = s.z_scores()
    assert np.all(np.isfinite(z))
    assert np.max(np.abs(z)) < 4, (s.width[np.argmax(np.abs(z))], s.layer[np.argmax(np.abs(z))])
    # and the leading order really is below the exact value at the deepest point
    deepest = np.argmax(s.layer)  # n = 64, ℓ = 17
    assert s.exact[deepest] - s.leading[deepest] > 4 * s.se[deepest]


def test_sweep_detects_a_wrong_formula():
    # The same data must reject ν = 4 for ReLU at the deepest points (power check).
    s = fw.kurtosis_sweep("relu", [32], 0.25, 20000, rng=11)
    wrong = 3 * ((1 + 4 / s.width) ** (s.layer - 1) - 1)
    assert np.max(np.abs(s.value - wrong) / s.se) > 4


def test_tanh_sweep_follows_leading_order_recursion():
    s = fw.kurtosis_sweep("tanh", [64], 0.125, 20000, rng=12)
    assert np.all(np.isnan(s.exact))
    # Leading order in 1/n: the neglected terms are relatively O(ℓ/n) ≤ 1/8 here, so allow
    # 4 SE of sampling error plus 1/8 of the predicted value.
    assert np.all(np.abs(s.value - s.recursion) < 4 * s.se + 0.125 * s.recursion)


def test_sweep_layers_and_ratios():
    s = fw.kurtosis_sweep("relu", [8, 16], 0.25, 200, rng=0)
    assert s.layer.tolist() == [1, 2, 3, 1, 2, 3, 4, 5]
    assert np.allclose(s.ratio, (s.layer - 1) / s.width)
    assert np.allclose(s.leading, 15 * (s.layer - 1) / s.width)


def test_sweep_rejects_bad_activation():
    with pytest.raises(ValueError, match="swish"):
        fw.kurtosis_sweep("swish")


# ----------------------------------------------------------------------------- one output

def test_output_variance_matches_variance_map_at_every_width():
    s = fw.output_samples([4, 64], depth=4, activation="relu", n_nets=20000, rng=5)
    K = s["K"]
    assert K == pytest.approx(2.0)
    for n in (4, 64):
        z = s[n]
        N = z.size
        kurt = np.mean(z**4) / np.mean(z**2) ** 2 - 3
        # sd of a sample second moment (known mean 0) is K·√((2 + κ)/N); allow 4 of those.
        assert abs(np.mean(z**2) - K) < 4 * K * math.sqrt((2 + kurt) / N)


def test_narrow_output_is_heavy_tailed():
    s = fw.output_samples([4], depth=5, activation="relu", n_nets=20000, rng=6)
    est = fw.excess_kurtosis(s[4][:, None])
    # exact 3((1 + 5/4)^4 − 1) ≈ 74; anything above 10 is unmistakably non-Gaussian
    assert est.value > 10


def test_qq_data_of_gaussian_is_diagonal():
    x = np.random.default_rng(7).normal(0, 3, 100000)
    q, s = fw.qq_data(x, 3.0, n_points=20)
    # quantile sd at p: √(p(1−p)/N)/pdf(q) ≤ 0.03 for the 20 probabilities used; allow 4 of those
    assert np.max(np.abs(q - s)) < 0.12
    assert np.all(np.diff(q) > 0)


def test_normal_quantiles_rejects_bad_p():
    with pytest.raises(ValueError, match="between 0 and 1"):
        fw.normal_quantiles([0.0, 0.5])


# ----------------------------------------------------------------------------- aspect ratio

def test_log_norm_sweep_agrees_with_exact_variance():
    s = fw.log_norm_sweep(widths=(16, 32), ratios=(0.25, 1.0), n_nets=1500, rng=8)
    # 4 points; the SE of a sample variance is s²√(2/(N−1) + κ/N); 4 SE each.
    assert np.all(np.abs(s.var - s.exact) < 4 * s.var_se)
    assert s.depth.tolist() == [4, 16, 8, 32]
    assert np.all(s.q05 < s.q50) and np.all(s.q50 < s.q95)


def test_log_norm_sweep_rejects_depth_below_one():
    with pytest.raises(ValueError, match="depth"):
        fw.log_norm_sweep(widths=(16,), ratios=(0.01,), n_nets=20)


# ----------------------------------------------------------------------------- criticality

def test_variance_trajectory_relu_he_is_flat():
    t = fw.variance_trajectories("relu", [2.0], depth=10, width=64, n_nets=300, rng=9)[2.0]
    # measured mean of z² per layer within 5 SE of the exact E[K] = 2 (10 layers)
    assert np.all(np.abs(t["measured"] - 2.0) < 5 * t["se"])


def test_fixed_points_solve_the_variance_map():
    K = fw.fixed_points("tanh", np.array([2.0, 25 / 9]), 0.0, n_iter=2000)
    # fixed_points uses 48 Gauss–Hermite nodes, variance_map 96: for tanh the two
    # quadratures differ by ~1e-6 relative, so that is the precision of K* here.
    assert np.allclose(theory.variance_map(K[0], "tanh", 2.0), K[0], rtol=1e-5)
    assert np.allclose(theory.variance_map(K[1], "tanh", 25 / 9), K[1], rtol=1e-5)


def test_phase_grid_sides():
    g = fw.phase_grid("tanh", C_W=[0.5, 25 / 9], C_b=[0.0, 0.3], n_iter=800)
    assert g.chi_perp.shape == (2, 2)
    assert g.chi_perp[0, 0] == pytest.approx(0.5)        # K* = 0, χ⊥ = C_W φ′(0)² = C_W
    assert g.chi_perp[0, 1] > 1.1                          # PyTorch's gain 5/3: chaotic
    assert g.chi_perp[1, 0] < 1                            # a bias pushes toward order
    r = fw.phase_grid("relu", C_W=[1.0, 1.5], C_b=[0.1], n_iter=500)
    assert np.allclose(r.chi_perp, [[0.5, 0.75]])           # ReLU: χ⊥ = C_W/2 at any K


def test_fixed_points_reject_negative_C_W():
    with pytest.raises(ValueError, match=">= 0"):
        fw.fixed_points("tanh", -1.0, 0.0)


# ----------------------------------------------------------------------------- theory appendix

def test_four_point_trajectory_scale_invariant():
    for act, nu in (("relu", 5.0), ("linear", 2.0)):
        C_W = theory.critical_C_W(act)
        K, V = theory.four_point_trajectory(1.5, 6, act, C_W)
        assert np.allclose(V, nu * np.arange(6) * 1.5**2)
        assert np.allclose(theory.excess_kurtosis_recursion(1.5, 6, 32, act, C_W),
                           theory.excess_kurtosis_leading(np.arange(1, 7), 32, act))


def test_tanh_four_point_approaches_two_thirds():
    K, V = theory.four_point_trajectory(1.0, 3000, "tanh", 1.0)
    l = np.arange(1, 3001)
    # PDLT: V/K² ≈ (2/3)ℓ for ℓ ≫ 1 at tanh criticality; corrections are O(log ℓ / ℓ)
    assert (V / K**2 / l)[-1] == pytest.approx(2 / 3, rel=0.01)
    assert K[-1] * 2 * 3000 == pytest.approx(1.0, rel=0.02)


def test_digamma_and_trigamma_half_integers():
    h = 1e-5
    for m in (1, 2, 3, 7, 20):
        x = m / 2
        d = (math.lgamma(x + h) - math.lgamma(x - h)) / (2 * h)
        assert theory._digamma_half(m) == pytest.approx(d, abs=1e-6)
        # second difference with step 1e-3: truncation ~h²·ψ‴/12 and rounding ~1e-16/h², both < 1e-6
        g = 1e-3
        d2 = (math.lgamma(x + g) - 2 * math.lgamma(x) + math.lgamma(x - g)) / g**2
        assert theory._trigamma_half(m) == pytest.approx(d2, rel=1e-4)


def test_log_relu_layer_variance_monte_carlo():
    rng = np.random.default_rng(10)
    n, N = 8, 200000
    X = 2 / n * np.sum(np.maximum(rng.standard_normal((N, n)), 0) ** 2, axis=1)
    v = np.log(X[X > 0])
    c = v - v.mean()
    se = v.var() * math.sqrt(2 / (v.size - 1) + (np.mean(c**4) / np.mean(c**2) ** 2 - 3) / v.size)
    # SE of a sample variance; allow 4 of those
    assert abs(v.var(ddof=1) - theory.log_relu_layer_variance(n)) < 4 * se
    assert theory.log_relu_layer_variance(2000) * 2000 == pytest.approx(5, rel=0.01)


def test_log_norm_variance_exact_vs_leading():
    ws = [256] * 10
    assert theory.log_norm_variance_relu_exact(ws) == pytest.approx(
        theory.log_norm_variance_relu(ws[:-1]) + 2 / 256, rel=0.03)
    with pytest.raises(TypeError):
        theory.log_norm_variance_relu_exact([16, 2.5])


# ----------------------------------------------------------------------------- non-Gaussian weights

@pytest.mark.parametrize("n, depth", [(4, 6), (16, 9), (64, 17)])
def test_iid_weights_kurtosis_reduces_to_gaussian_formula(n, depth):
    assert np.allclose(fw.relu_kurtosis_iid_weights(depth, n, weight_kurtosis=0.0),
                       theory.excess_kurtosis_exact(np.arange(1, depth + 1), n), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("n", [8, 64, 1000])
@pytest.mark.parametrize("kw", [-1.2, 0.5, 3.0])
def test_iid_weights_kurtosis_first_two_layers_in_closed_form(n, kw):
    # Layer 1: κ_w Σx⁴/(Σx²)² = κ_w/n for x = ones. Layer 2, from the recursion by hand:
    # (15 + 6κ_w)/n + (6κ_w + 2κ_w²)/n² (for uniform weights 7.8/n − 4.32/n²).
    k = fw.relu_kurtosis_iid_weights(2, n, kw)
    assert k[0] == pytest.approx(kw / n, rel=1e-12)
    assert k[1] == pytest.approx((15 + 6 * kw) / n + (6 * kw + 2 * kw**2) / n**2, rel=1e-12)
    x = np.arange(1.0, 6.0)
    assert fw.relu_kurtosis_iid_weights(1, n, kw, x=x)[0] == pytest.approx(kw * np.sum(x**4) / np.sum(x**2) ** 2)


def test_iid_weights_leading_order_is_the_limit():
    # At fixed ℓ, n·κ → 15(ℓ − 1) + 6κ_w; the remainder is O(ℓ²/n), below 1 % at n = 10⁵ here.
    n = 100_000
    exact = fw.relu_kurtosis_iid_weights(6, n, -1.2)
    lead = fw.relu_kurtosis_iid_weights_leading(np.arange(1, 7), n, -1.2)
    assert np.allclose(n * exact, n * lead, rtol=0.01)
    assert np.allclose(n * lead[1:], 15 * np.arange(1, 6) - 7.2)
    # the weights' term does not fade relative to the Gaussian-weight term: at ℓ = 2 it is
    # −7.2 against 15 at every width
    for n in (16, 64, 1024):
        assert (fw.relu_kurtosis_iid_weights(2, n)[1] - theory.excess_kurtosis_exact(2, n)) * n == pytest.approx(
            -7.2, abs=15 / n)


def test_he_uniform_simulation_agrees_with_iid_weights_formula_not_gaussian_one():
    # 20 000 networks with explicit uniform weights. Every layer must agree with the exact
    # recursion within 4 delta-method SEs (8 points: Bonferroni false-alarm chance < 0.1 %),
    # and at n = 64, ℓ = 2 the Gaussian-weight value 3·5/64 = 0.234 must be rejected
    # (it is about 20 SE away).
    for n, depth, seed in ((16, 5, 21), (64, 3, 22)):
        v, se = fw.kurtosis_by_layer([n] * (depth + 1), "relu", "he_uniform", n_nets=20000, rng=seed)
        exact = fw.relu_kurtosis_iid_weights(depth, n, -1.2)
        assert np.all(np.abs(v - exact) < 4 * se), (n, v, exact, se)
    assert abs(v[1] - theory.excess_kurtosis_exact(2, 64)) > 10 * se[1]


def test_iid_weights_input_validation():
    with pytest.raises(ValueError, match="at least -2"):
        fw.relu_kurtosis_iid_weights(3, 16, weight_kurtosis=-2.5)
    with pytest.raises(ValueError, match="must not be zero"):
        fw.relu_kurtosis_iid_weights(3, 16, x=np.zeros(4))
    with pytest.raises(ValueError, match="depth"):
        fw.relu_kurtosis_iid_weights(0, 16)
    with pytest.raises(ValueError, match="layer"):
        fw.relu_kurtosis_iid_weights_leading(0, 16)
    with pytest.raises(ValueError, match="layer"):
        fw.relu_kurtosis_iid_weights_leading(2.5, 16)
    with pytest.raises(ValueError, match="widths"):
        fw.kurtosis_by_layer([16], n_nets=10)
    with pytest.raises(ValueError, match="entries"):
        fw.kurtosis_by_layer([16, 16], n_nets=10, x=np.ones(8))


# ----------------------------------------------------------------------------- order-to-chaos boundary

def test_order_chaos_boundary_has_chi_perp_one_and_chi_par_below_one():
    cb = np.array([0.02, 0.1, 0.2, 0.4])
    b = fw.order_chaos_boundary(cb)
    for C_W, C_b, K in zip(b.C_W, b.C_b, b.K_star):
        assert float(theory.variance_map(K, "tanh", C_W, C_b)) == pytest.approx(K, rel=1e-10)
        assert float(theory.chi_perp(K, "tanh", C_W)) == pytest.approx(1.0, abs=1e-10)
    # not critical: χ∥ < 1 all along, falling with the bias (0.61 at C_b = 0.02, 0.28 at 0.4)
    assert np.all(b.chi_par < 0.65) and np.all(np.diff(b.chi_par) < 0)
    assert b.chi_par[-1] == pytest.approx(0.28, abs=0.005)
    # the phase grid's χ⊥ changes sign across the boundary at the same C_W
    g = fw.phase_grid("tanh", C_W=np.array([b.C_W[1] - 0.01, b.C_W[1] + 0.01]), C_b=[0.1], n_iter=2000)
    assert g.chi_perp[0, 0] < 1 < g.chi_perp[0, 1]


def test_order_chaos_boundary_rejects_bad_input():
    with pytest.raises(ValueError, match="> 0"):
        fw.order_chaos_boundary([0.0, 0.1])
    with pytest.raises(ValueError, match="relu"):
        fw.order_chaos_boundary([0.1], activation="relu")
    with pytest.raises(ValueError, match="C_W_max"):
        fw.order_chaos_boundary([0.4], C_W_max=1.5)
