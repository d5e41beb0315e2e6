"""Tests for initlab.diagnostics: saturation, dead units, gradient ratios, signal reports."""

import warnings

import numpy as np
import pytest

from initlab import backward_ensemble, forward_ensemble
from initlab.diagnostics import (
    SignalReport,
    dead_fraction,
    grad_to_weight_ratio,
    saturation_fraction,
    signal_report,
    update_to_weight_ratio,
)
from initlab.mlp import MLP


def test_saturation_fraction_counts_exactly():
    a = np.array([[[0.0, 0.98, -0.99, 0.5], [0.97, -0.96, 1.0, np.nan]]])  # 1 net, 2 inputs, 4 units
    # tanh: |a| > 0.97 for 0.98, -0.99, 1.0 -> 3 of the 7 finite entries.
    np.testing.assert_allclose(saturation_fraction([a], "tanh"), [3 / 7])
    np.testing.assert_allclose(saturation_fraction(a, "tanh", threshold=0.5), [5 / 7])  # 0.5 is not > 0.5
    s = np.array([[0.99, 0.01, 0.5, 0.975, 0.02, 0.3]])  # sigmoid: > 0.97 or < 0.03
    np.testing.assert_allclose(saturation_fraction([s, s[:, :3]], "sigmoid"), [4 / 6, 2 / 3])


def test_saturation_of_tanh_networks_matches_gaussian_prediction():
    # Layer 1 of a tanh net with unit-normal weights on inputs with ‖x‖²/n_0 = 1: z ~ N(0, n_0),
    # std 8, so P(|tanh z| > 0.97) = P(|z| > atanh 0.97 = 2.09) = 2Φ(−2.09/8) ≈ 0.794.
    # N = 50 nets × 4 inputs × 64 units; units within one net and input are independent, the
    # standard error is at most √(p(1−p)/(50·64)) ≈ 0.007 per input (inputs share weights,
    # so we use the 3,200 per-input draws, not 12,800); we allow 5 of those.
    from math import erf, sqrt, atanh
    x = np.random.default_rng(0).standard_normal((4, 64))
    x /= np.sqrt((x**2).mean(axis=1, keepdims=True))
    zs = forward_ensemble(x, [64, 64], "tanh", "unit_normal", n_nets=50, rng=1)
    p = 2 * 0.5 * (1 + erf(-atanh(0.97) / 8.0 / sqrt(2)))
    sat = saturation_fraction([np.tanh(zs[0])], "tanh")[0]
    assert abs(sat - p) < 5 * np.sqrt(p * (1 - p) / 3200)


def test_dead_fraction():
    z = np.array([[[-1.0, 2.0, 0.0], [-3.0, -1.0, 0.0]], [[1.0, -1.0, -2.0], [-1.0, -1.0, 1.0]]])
    # net 0: units 0 and 2 dead; net 1: unit 1 dead -> 3 of 6.
    np.testing.assert_allclose(dead_fraction([z, z[:1]]), [0.5, 2 / 3])
    # Independent inputs: a unit is dead with probability 2^-batch. Layer 1 of a ReLU net
    # with 16 independent Gaussian inputs: P = 2^-16; 200 nets × 100 units = 2·10^4 units,
    # expected 0.3 dead units. At batch 1, P = 1/2 with standard error √(0.25/2·10^4) = 0.0035.
    x = np.random.default_rng(2).standard_normal((16, 50))
    zs = forward_ensemble(x, [50, 100], "relu", "he_normal", n_nets=200, rng=3)
    assert dead_fraction(zs)[0] < 5 / 2e4
    assert abs(dead_fraction([zs[0][:, :1]])[0] - 0.5) < 5 * 0.0035


def test_ratios_on_known_arrays():
    W = [np.ones((2, 3, 4)), np.full((2, 4, 2), 2.0)]
    g = [np.full((2, 3, 4), 0.1), np.stack([np.full((4, 2), 0.2), np.zeros((4, 2))])]
    r = grad_to_weight_ratio(g, W)
    np.testing.assert_allclose(r, [[0.1, 0.1], [0.1, 0.0]])
    np.testing.assert_allclose(update_to_weight_ratio(0.01, g, W), 0.01 * r)
    np.testing.assert_allclose(update_to_weight_ratio([0.01, 1.0], g, W), [[0.001, 0.001], [0.1, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        z = grad_to_weight_ratio([np.ones((2, 2))], [np.zeros((2, 2))])
    assert np.isinf(z).all()


def test_ratios_accept_mlp_objects():
    net = MLP.init([10, 8, 3], n_nets=3, rng=0)
    x = np.random.default_rng(0).standard_normal((5, 10))
    _, g = net.loss_and_grads(x, [0, 1, 2, 0, 1])
    r = grad_to_weight_ratio(g, net)
    assert r.shape == (3, 2)
    expect = np.linalg.norm(g.weights[1][2]) / np.linalg.norm(net.weights[1][2])
    np.testing.assert_allclose(r[2, 1], expect, rtol=1e-12)


def test_ratio_matches_ensemble_gradients():
    # backward_ensemble records rms(∂ℓ/∂W) and rms(W); the ratio of rms equals the ratio of
    # Frobenius norms, so both routes give the same per-layer mean.
    x = np.random.default_rng(4).standard_normal((3, 20))
    eg = backward_ensemble(x, [20, 30, 10], "tanh", "glorot_normal", n_nets=5, rng=0)
    r = grad_to_weight_ratio(eg)
    assert r.shape == (5, 2) and np.all(r > 0)
    np.testing.assert_allclose(r.mean(axis=0), eg.grad_to_weight_ratio(), rtol=1e-12)
    # Layer 1: ∂ℓ/∂W¹ = xᵀδ¹, so the ratio also follows from x, δ¹ and the recorded rms(W¹).
    gW = np.einsum("bi,nbj->nij", x, eg.grad_preacts[0])
    np.testing.assert_allclose(r[:, 0], np.sqrt(np.mean(gW**2, axis=(1, 2))) / eg.weight_rms[:, 0], rtol=1e-12)
    np.testing.assert_allclose(update_to_weight_ratio(0.1, eg), 0.1 * r)
    with pytest.raises(ValueError, match="leave weights out"):
        grad_to_weight_ratio(eg, [np.ones((2, 2))])
    with pytest.raises(TypeError, match="needs the weights"):
        grad_to_weight_ratio([np.ones((2, 2))])


def test_bad_inputs():
    with pytest.raises(ValueError, match="saturating activations \\(tanh, sigmoid\\); got 'relu'"):
        saturation_fraction([np.zeros((1, 2))], "relu")
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        signal_report([np.zeros((1, 2, 2))], "gelu")
    with pytest.raises(ValueError, match="strictly between 0.5 and 1; got 0.3"):
        saturation_fraction([np.zeros((1, 2))], "sigmoid", threshold=0.3)
    with pytest.raises(ValueError, match=r"shape \(n_nets, batch, n\) or \(batch, n\); got shape \(3,\)"):
        dead_fraction([np.zeros(3)])
    with pytest.raises(ValueError, match="empty list"):
        dead_fraction([])
    with pytest.raises(TypeError, match="list of arrays"):
        dead_fraction(3.0)
    with pytest.raises(ValueError, match="grads has 1 layers but weights has 2"):
        grad_to_weight_ratio([np.ones((2, 2))], [np.ones((2, 2))] * 2)
    with pytest.raises(ValueError, match="layer 1: the gradient has shape"):
        grad_to_weight_ratio([np.ones((2, 3))], [np.ones((2, 2))])
    with pytest.raises(ValueError, match="one per network"):
        update_to_weight_ratio([0.1, 0.2, 0.3], [np.ones((2, 2, 2))], [np.ones((2, 2, 2))])
    with pytest.raises(ValueError, match=">= 0"):
        update_to_weight_ratio(-1.0, [np.ones((2, 2))], [np.ones((2, 2))])
    with pytest.raises(ValueError, match="band must be a factor > 1"):
        signal_report([np.ones((1, 2, 2))], "relu", band=0.5)


X = np.random.default_rng(0).standard_normal((8, 64))


def _report(act, scheme, depth, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zs = forward_ensemble(X, [64] + [64] * depth, act, scheme, n_nets=20, rng=0)
        return zs, signal_report(zs, act, **kw)


def test_report_healthy_linear():
    zs, r = _report("linear", "lecun_normal", 10)
    assert isinstance(r, SignalReport) and r.status == "healthy" and r.trend == "stable"
    assert r.exploded_at is None and r.vanished_at is None
    np.testing.assert_allclose(r.std, [z.std() for z in zs])
    assert np.all(np.isnan(r.saturation)) and np.all(np.isnan(r.dead))
    text = r.summary()
    assert text.startswith("healthy: layer std stays between ")
    assert f"{r.std.min():.3g}" in text and f"{r.std.max():.3g}" in text
    assert str(r) == text


def test_report_explosion_to_inf_names_the_layer():
    # Unit-normal weights in a linear net of width 64 multiply the std by 8 per layer:
    # 8^ℓ passes 1.8e308 at ℓ ≈ 342; with threshold inf only a true overflow counts.
    zs, r = _report("linear", "unit_normal", 400, explode_threshold=np.inf)
    first_inf = next(i for i, z in enumerate(zs, 1) if not np.all(np.isfinite(z)))
    assert r.status == "exploded" and r.exploded_at == first_inf
    assert 330 <= first_inf <= 350
    assert r.summary() == f"the signal exploded at layer {first_inf} (of 400; values overflowed to inf)."
    assert r.finite_fraction[-1] < 1


def test_report_explosion_by_threshold_and_vanishing():
    _, r = _report("relu", "unit_normal", 200)
    assert r.status == "exploded" and "values exceeded 1e100" in r.summary()
    _, v = _report("relu", "small_normal", 200)
    assert v.status == "vanished" and v.vanished_at is not None
    assert v.summary().startswith(f"the signal vanished at layer {v.vanished_at} (of 200)")


def test_report_saturation_and_shrinking():
    _, r = _report("tanh", "unit_normal", 5)
    assert r.status == "saturated" and np.all(r.saturation > 0.5)
    k = int(np.argmax(r.saturation)) + 1
    assert f"are saturated at layer {k}" in r.summary()
    _, s = _report("tanh", "lecun_normal", 20)
    # tanh at C_W = 1 decays like 1/(2ℓ) in variance: std falls from ~1 to ~0.16.
    assert s.status == "shrinking" and s.trend == "shrinking"
    assert s.summary().startswith("the signal shrinks: the layer std goes from ")


def test_report_dead_relu_units():
    # A large negative bias turns most ReLU units off for every input.
    zs = [z - 3.0 * z.std() for z in forward_ensemble(X, [64, 64, 64], "relu", "he_normal", n_nets=5, rng=0)]
    r = signal_report(zs, "relu")
    assert r.status == "dead" and r.dead[0] > 0.9
    assert "% of units are dead at layer" in r.summary()


def test_report_on_mlp_preactivations():
    net = MLP.init([64, 32, 32, 10], activation="tanh", scheme="lecun_normal", n_nets=4, rng=0)
    r = signal_report(net.preactivations(X), "tanh")
    assert r.depth == 3 and r.exploded_at is None
