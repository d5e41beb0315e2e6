"""Tests of initlab.derivations (the calculations behind chapters 3-5)."""

import math

import numpy as np
import pytest

from initlab import derivations as d
from initlab import init_std


def test_input_moments_exact_values():
    # Closed forms: ReLU of N(0,1) has mean 1/√(2π), E[x²] = 1/2; sigmoid has mean 1/2 by symmetry.
    m = d.input_moments("relu")
    assert m["mean"] == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-12)
    assert m["second_moment"] == pytest.approx(0.5, abs=1e-12)
    assert m["var"] == pytest.approx(0.5 - 1 / (2 * math.pi), abs=1e-12)
    s = d.input_moments("sigmoid")
    assert s["mean"] == pytest.approx(0.5, abs=1e-12)
    assert s["second_moment"] == pytest.approx(s["var"] + 0.25, abs=1e-12)
    n = d.input_moments("normal")
    assert (n["mean"], n["var"]) == pytest.approx((0.0, 1.0), abs=1e-12)


def test_input_moments_rejects_unknown_kind():
    with pytest.raises(ValueError, match="choose one of"):
        d.input_moments("tanh")


def test_weighted_sum_variance_uses_second_moment():
    # Var(y) = n·Var(w)·E[x²] = 0.5 for ReLU inputs with n·Var(w) = 1. The sample variance of
    # N draws has std ≈ √((m4 − m2²)/N), estimated from the draws; we allow 5 of those.
    res = d.weighted_sum_check(["relu", "sigmoid"], 20, 1 / 20, 40000, rng=3)
    for r in res:
        assert abs(r["measured"] - r["predicted"]) < 5 * r["stderr"]
        # The naive guess with Var(x) is far outside the error bars for nonzero-mean inputs.
        assert abs(r["measured"] - r["naive"]) > 10 * r["stderr"]


def test_weighted_sum_samples_shape_and_validation():
    y = d.weighted_sum_samples("normal", 5, 0.2, 7, rng=0)
    assert y.shape == (7,)
    with pytest.raises(TypeError):
        d.weighted_sum_samples("normal", 2.5, 0.2, 7)
    with pytest.raises(ValueError):
        d.weighted_sum_samples("normal", 5, -1.0, 7)


def test_relu_forward_std_closed_form():
    widths = [10, 20, 40, 5]
    stds = [0.3, 0.2, 0.1]
    s = d.relu_forward_std(2.0, widths, stds)
    # s_1 = ‖x‖σ_1 (‖x‖, not ‖x‖²), s_ℓ = s_{ℓ-1} σ_ℓ √(n_{ℓ-1}/2)
    expected = [2.0 * 0.3]
    expected.append(expected[-1] * 0.2 * math.sqrt(20 / 2))
    expected.append(expected[-1] * 0.1 * math.sqrt(40 / 2))
    np.testing.assert_allclose(s, expected, rtol=1e-14)


def test_relu_forward_std_is_constant_under_he_fan_in():
    widths = [7, 30, 60, 15, 90]
    stds = d.layer_weight_stds("he_normal", widths)
    s = d.relu_forward_std(3.0, widths, stds)
    np.testing.assert_allclose(s, 3.0 * math.sqrt(2 / 7), rtol=1e-12)


def test_relu_backward_std_telescopes_to_width_ratio():
    # Under fan-in He the gradient std of layer ℓ is √(n_L / n_ℓ) times the top one.
    widths = [7, 30, 60, 15, 90]
    g = d.relu_backward_std(1.0, widths, d.layer_weight_stds("he_normal", widths))
    np.testing.assert_allclose(g, [math.sqrt(90 / n) for n in widths[1:]], rtol=1e-12)
    # Under fan-out He it is constant.
    g_out = d.relu_backward_std(2.0, widths, d.layer_weight_stds("he_normal", widths, mode="fan_out"))
    np.testing.assert_allclose(g_out, 2.0, rtol=1e-12)


def test_closed_forms_validate():
    with pytest.raises(ValueError, match="one weight std per layer"):
        d.relu_forward_std(1.0, [3, 4, 5], [0.1])
    with pytest.raises(TypeError):
        d.relu_backward_std(1.0, 5, [0.1])
    with pytest.raises(ValueError):
        d.relu_forward_std(1.0, [3, 4], [-0.1])


def test_glorot_factors():
    assert d.glorot_factors("glorot_normal", 100, 300) == pytest.approx((0.5, 1.5))
    assert d.glorot_factors("lecun_normal", 100, 300) == pytest.approx((1.0, 3.0))
    assert d.glorot_factors("lecun_normal", 100, 300, mode="fan_out") == pytest.approx((1 / 3, 1.0))
    assert d.glorot_factors("glorot_uniform", 64, 64) == pytest.approx((1.0, 1.0))


def test_scheme_table_matches_library():
    rows = {r["scheme"]: r for r in d.scheme_table(n=500)}
    assert rows["glorot_uniform"]["bound"].endswith("√(6/(fan_in + fan_out))")
    assert rows["he_normal"]["std"] == "√(2/fan_in)"
    assert rows["lecun_uniform"]["bound"].endswith("√(3/fan_in)")
    assert rows["he_normal"]["std_sqrt_n"] == pytest.approx(math.sqrt(2))
    assert rows["glorot_normal"]["std_sqrt_n"] == pytest.approx(init_std("glorot_normal", 500, 500) * math.sqrt(500))
    md = d.scheme_table_markdown()
    assert md.count("\n") == 7 and "keras.initializers.HeNormal" in md


def test_depth_profile_matches_closed_form_he_and_lecun():
    # E[z²] follows the recursion exactly at any width; the ensemble mean of z² over
    # n_nets networks has a standard error estimated from the spread of the per-network
    # mean squares (ms_stderr); we allow 5 of those.
    x = np.ones(20)
    for scheme in ("he_normal", "lecun_normal"):
        p = d.depth_profile(x, [20, 50, 50, 50, 50], scheme, n_nets=2000, rng=11)
        assert np.all(np.abs(p["measured"] ** 2 - p["predicted"] ** 2) < 5 * p["ms_stderr"])
    assert p["predicted"][-1] == pytest.approx(math.sqrt(20) * math.sqrt(1 / 20) * 2 ** -1.5)


def test_forward_backward_profile_fan_in_and_fan_out():
    x = np.ones(16)
    widths = [16, 16, 32, 64]
    for mode in ("fan_in", "fan_out"):
        p = d.forward_backward_profile(x, widths, mode=mode, n_nets=400, rng=5)
        # 5 standard errors of the ensemble mean square (from the spread between networks).
        for k in ("forward", "backward"):
            err = np.abs(p[f"{k}_measured"] ** 2 - p[f"{k}_predicted"] ** 2)
            assert np.all(err < 5 * p[f"{k}_ms_stderr"])
    # fan-out: the forward signal shrinks as √(n_1/n_ℓ)
    np.testing.assert_allclose(p["forward_predicted"], math.sqrt(16) * math.sqrt(2 / 16) * np.sqrt(16 / np.array(widths[1:])))


def test_variance_profile_tanh_and_selu():
    x = np.ones(30)
    p = d.variance_profile(x, [30, 100, 100, 100], "tanh", 1.0, n_nets=300, rng=2)
    # Layers 1 and 2: E[z²] is exact at any width (layer 1 is exactly Gaussian given x);
    # 5 standard errors of the ensemble mean square.
    assert np.all(np.abs(p["measured"][:2] - p["predicted"][:2]) < 5 * p["ms_stderr"][:2])
    assert p["predicted"][0] == pytest.approx(1.0)
    s = d.variance_profile(x, [30, 100, 100, 100], "selu", 1.0, n_nets=300, rng=2)
    np.testing.assert_allclose(s["predicted"], 1.0, atol=1e-9)
    # SELU at its fixed point: activations have mean 0 (the quadrature value); the ensemble mean
    # of 300×100 values with unit variance has standard error ≤ 1/√300 (networks independent).
    assert np.all(np.abs(s["act_mean"]) < 5 / math.sqrt(300))


def test_relu_profile_with_stds_matches_closed_form_and_homogeneity():
    widths = [12, 30, 15, 40]
    stds = [0.3, 0.2, 0.25]
    x = np.linspace(-1, 1, 12)
    p = d.relu_profile_with_stds(x, widths, stds, n_nets=3000, rng=8)
    # 5 standard errors of the ensemble mean square (spread between networks)
    assert np.all(np.abs(p["measured"] ** 2 - p["predicted"] ** 2) < 5 * p["ms_stderr"])
    q = d.relu_profile_with_stds(2 * x, widths, stds, n_nets=10, rng=8)
    np.testing.assert_allclose(q["predicted"], 2 * p["predicted"])  # ‖x‖, not ‖x‖²
    with pytest.raises(ValueError, match="widths"):
        d.relu_profile_with_stds(np.ones(5), widths, stds)


def test_tanh_fixed_point():
    from initlab import theory

    assert d.tanh_fixed_point(1.0) == 0.0
    K = d.tanh_fixed_point(25 / 9)
    # it is a fixed point of the variance map (to the bisection tolerance)
    assert float(theory.variance_map(K, "tanh", 25 / 9)) == pytest.approx(K, rel=1e-10)
    # and agrees with iterating the map from K = 1
    assert K == pytest.approx(theory.fixed_point("tanh", 25 / 9), rel=1e-8)
    assert 0 < d.tanh_fixed_point(1.05) < d.tanh_fixed_point(2.0)
