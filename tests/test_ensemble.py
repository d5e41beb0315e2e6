"""Tests for initlab.ensemble: shapes, the Gram shortcut against explicit weights,
finite-width kurtosis, explosion and vanishing, back-propagation, validation."""

import math
import warnings

import numpy as np
import pytest

from initlab import theory
from initlab.activations import activation as act_fn
from initlab.ensemble import (
    EnsembleGradients,
    backward_ensemble,
    batched_orthogonal,
    exploded_at,
    forward_ensemble,
    layer_moments,
    vanished_at,
)
from initlab.schemes import init_std


def _per_net_stats(z, b, c=None):
    """Per-network averages over units of z_b², z_b⁴ and z_b·z_c (input indices b, c)."""
    zb = z[:, b, :]
    u2 = np.mean(zb**2, axis=1)
    u4 = np.mean(zb**4, axis=1)
    cross = None if c is None else np.mean(zb * z[:, c, :], axis=1)
    return u2, u4, cross


def _mean_se(u):
    """Mean of per-network values and its standard error (networks are independent)."""
    return u.mean(), u.std(ddof=1) / math.sqrt(u.size)


def _kurtosis_se(u2, u4):
    """Excess kurtosis m4/m2² − 3 from per-network means, with its delta-method standard error.

    The gradient of k(m4, m2) = m4/m2² is (1/m2², −2m4/m2³); its variance is gᵀ Σ g / N with
    Σ the covariance of the per-network pairs (u4, u2).
    """
    m2, m4 = u2.mean(), u4.mean()
    g = np.array([1 / m2**2, -2 * m4 / m2**3])
    cov = np.cov(np.vstack([u4, u2]))
    return m4 / m2**2 - 3.0, math.sqrt(g @ cov @ g / u2.size)


# ---------------------------------------------------------------- the Gram shortcut
# Three inputs with different norms and overlaps, so that the covariance across the batch
# (not just each input's variance) decides the next layer.
_rng = np.random.default_rng(7)
X3 = np.vstack([_rng.standard_normal(24), np.zeros(24), 2.0 * _rng.standard_normal(24)])
X3[1] = 0.8 * X3[0] + 0.3 * _rng.standard_normal(24)


@pytest.mark.parametrize("act, scheme", [("relu", "he_normal"), ("tanh", "glorot_normal")])
def test_gram_and_weights_agree_in_distribution(act, scheme):
    # The two methods draw different random numbers but must give the same joint law of
    # all preactivations. Compare, per layer and per input, the second moment, the excess
    # kurtosis, and the cross moment E[z_b z_c] between inputs, each difference against
    # 5 standard errors of the difference, √(se_gram² + se_weights²), where each se comes
    # from the spread of per-network values over N independent networks (units within one
    # network are not independent, networks are). Width 16 and depth 4 make the
    # finite-width kurtosis large (ReLU, layer 4: 3((1 + 5/16)³ − 1) ≈ 3.8).
    widths = [24, 16, 16, 16, 16]
    N = 6000
    zg = forward_ensemble(X3, widths, act, scheme, n_nets=N, rng=1, method="gram")
    zw = forward_ensemble(X3, widths, act, scheme, n_nets=N, rng=2, method="weights")
    for l in range(4):
        for b, c in ((0, 1), (1, 2), (2, 0)):
            g2, g4, gx = _per_net_stats(zg[l], b, c)
            w2, w4, wx = _per_net_stats(zw[l], b, c)
            for ug, uw in ((g2, w2), (gx, wx)):
                (mg, sg), (mw, sw) = _mean_se(ug), _mean_se(uw)
                assert abs(mg - mw) < 5 * math.hypot(sg, sw), (l, b, c, mg, mw)
            (kg, skg), (kw, skw) = _kurtosis_se(g2, g4), _kurtosis_se(w2, w4)
            assert abs(kg - kw) < 5 * math.hypot(skg, skw), (l, b, kg, kw)


def test_gram_with_bias_matches_theory_at_layer_one_and_two():
    # Layer 1 is exactly Gaussian with K¹ = C_b + C_W‖x‖²/n₀ and cross-covariance
    # C_b + C_W x_b·x_c/n₀; layer 2's second moment is C_b + C_W E[φ(z¹)²] exactly at any
    # width. N networks × 32 units per layer; se from per-network means; 5 of them.
    C_W, C_b = 2.0, 0.3
    zs = forward_ensemble(X3, [24, 32, 32], "tanh", "he_normal", n_nets=3000, rng=3, bias_std=math.sqrt(C_b))
    for b, c in ((0, 1), (0, 2)):
        u2, _, ux = _per_net_stats(zs[0], b, c)
        K1 = theory.input_variance(X3[b], C_W, C_b)
        m, se = _mean_se(u2)
        assert abs(m - K1) < 5 * se
        m, se = _mean_se(ux)
        assert abs(m - (C_b + C_W * X3[b] @ X3[c] / 24)) < 5 * se
        K2 = theory.variance_map(K1, "tanh", C_W, C_b)
        m, se = _mean_se(_per_net_stats(zs[1], b)[0])
        assert abs(m - K2) < 5 * se


def test_relu_kurtosis_matches_exact_finite_width_formula():
    # ReLU at He initialization, fixed input, no bias, hidden width n: the excess kurtosis
    # of z^(ℓ) over initializations is 3((1 + 5/n)^(ℓ−1) − 1) exactly. Compare the measured
    # kurtosis at each layer with it, within 5 delta-method standard errors.
    n, depth, N = 8, 6, 40000
    x = np.random.default_rng(0).standard_normal((1, 20))
    zs = forward_ensemble(x, [20] + [n] * depth, "relu", "he_normal", n_nets=N, rng=5)
    for l in range(depth):
        u2, u4, _ = _per_net_stats(zs[l], 0)
        k, se = _kurtosis_se(u2, u4)
        exact = float(theory.excess_kurtosis_exact(l + 1, n))
        assert abs(k - exact) < 5 * se, (l + 1, k, exact, se)
    # The test can fail: at layer 6 the Gaussian value 0 is many standard errors away.
    k6, se6 = _kurtosis_se(*_per_net_stats(zs[-1], 0)[:2])
    assert k6 > 10 * se6


def test_uniform_and_orthogonal_second_moments():
    # For every scheme with independent zero-mean weights of variance σ_W², E[z¹²] = σ_W²‖x‖²
    # at layer 1. For a wide orthogonal matrix (30 × 40) the rows are orthogonal with squared
    # norm 40σ_W², so the mean over the 40 units equals σ_W²‖x‖² in every network (se ≈ 0):
    # we allow rounding (1e-12 relative) on top of 5 standard errors.
    x = np.random.default_rng(4).standard_normal((2, 30))
    for scheme in ("he_uniform", "glorot_uniform", "orthogonal", "lecun_normal"):
        zs = forward_ensemble(x, [30, 40, 40], "relu", scheme, n_nets=2000, rng=0)
        sigma = init_std(scheme, 30, 40)
        m, se = _mean_se(_per_net_stats(zs[0], 0)[0])
        expect = sigma**2 * x[0] @ x[0]
        assert abs(m - expect) < 5 * se + 1e-12 * expect, scheme
        if scheme == "orthogonal":
            assert se < 1e-12 * expect  # exact in every network


# ---------------------------------------------------------------- explosion and vanishing
def test_explosion_gives_inf_without_warnings_and_is_located():
    # A linear network of width 64 with unit-normal weights multiplies the std by 8 per
    # layer; the signal passes 1e100 near layer 110 and overflows (1.8e308) near layer 341.
    # Both methods must overflow at the same layer (within one: the random factors differ),
    # silently.
    x = np.random.default_rng(0).standard_normal((4, 64))
    firsts = []
    for method in ("gram", "weights"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            zs = forward_ensemble(x, [64] * 400, "linear", "unit_normal", n_nets=10, rng=0, method=method)
            first_inf = exploded_at(zs, threshold=np.inf)
            first_big = exploded_at(zs)
        logstd = [np.log10(np.max(np.abs(z[np.isfinite(z)]), initial=0)) for z in zs[:first_big]]
        assert logstd[-1] > 100 and (first_big == 1 or logstd[-2] <= 100)
        assert not np.all(np.isfinite(zs[first_inf - 1])) and np.all(np.isfinite(zs[first_inf - 2]))
        assert np.isinf(zs[first_inf - 1]).any()
        firsts.append(first_inf)
    assert 330 <= firsts[0] <= 350 and abs(firsts[0] - firsts[1]) <= 1


def test_relu_explosion_and_vanishing():
    x = np.random.default_rng(1).standard_normal((3, 32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        up = forward_ensemble(x, [32] * 301, "relu", "unit_normal", n_nets=5, rng=0)
        down = forward_ensemble(x, [32] * 301, "relu", "small_normal", n_nets=5, rng=0)
    # unit_normal in width 32: the second moment grows by 32/2 = 16 per layer (std × 4):
    # 4^ℓ passes 1e100 at ℓ ≈ 166; small_normal: std × 0.01·4 = 0.04 per layer,
    # below 1e-100 at ℓ ≈ 72.
    assert 150 <= exploded_at(up) <= 180
    assert exploded_at(down) is None
    assert 62 <= vanished_at(down) <= 82
    assert vanished_at(up) is None


def test_exploded_and_vanished_on_known_lists():
    a = [np.ones((2, 2)), np.array([[1.0, np.nan]]), np.zeros(3)]
    assert exploded_at(a) == 2
    assert exploded_at([np.ones(2), np.array([1e101])]) == 2
    assert exploded_at([np.ones(2), np.array([1e101])], threshold=1e102) is None
    assert vanished_at([np.ones(2), np.array([1e-101, -1e-200])]) == 2
    assert vanished_at(a) == 3
    assert vanished_at([np.ones(2)]) is None


def test_layer_moments():
    z = np.array([1.0, -1.0, 2.0, -2.0, np.inf])
    m = layer_moments([z, np.array([np.nan])])
    # Finite values 1, -1, 2, -2: mean 0, E[z²] = 2.5, E[z⁴] = 8.5, kurtosis 8.5/6.25 − 3.
    assert m["mean"][0] == 0 and m["second_moment"][0] == 2.5
    assert m["std"][0] == pytest.approx(math.sqrt(2.5))
    assert m["excess_kurtosis"][0] == pytest.approx(8.5 / 6.25 - 3)
    assert m["finite_fraction"].tolist() == [0.8, 0.0]
    assert np.isnan(m["mean"][1])


# ---------------------------------------------------------------- backward
def test_backward_homogeneity_identities():
    # With zero biases a ReLU or linear network is positively homogeneous of degree 1 in
    # its input and in every layer's preactivations, so by Euler's theorem
    # Σ x·∂ℓ/∂x = Σ z^(ℓ)·∂ℓ/∂z^(ℓ) = Σ u·z^(L) = ℓ for every layer (exactly, up to rounding).
    x = np.random.default_rng(2).standard_normal((3, 10))
    u = np.random.default_rng(3).standard_normal((3, 4))
    for act in ("relu", "linear", "leaky_relu"):
        eg = backward_ensemble(x, [10, 12, 8, 4], act, "he_normal", n_nets=7, rng=0, upstream=u)
        loss = np.einsum("nbi,bi->n", eg.preacts[-1], u)
        np.testing.assert_allclose(np.einsum("nbi,bi->n", eg.grad_acts[0], x), loss, rtol=1e-10)
        for z, g in zip(eg.preacts, eg.grad_preacts):
            np.testing.assert_allclose(np.einsum("nbi,nbi->n", z, g), loss, rtol=1e-10)
        np.testing.assert_array_equal(eg.grad_preacts[-1], np.broadcast_to(u, eg.grad_preacts[-1].shape))


def test_backward_weight_gradient_and_rms():
    x = np.random.default_rng(4).standard_normal((5, 30))
    eg = backward_ensemble(x, [30, 40, 20], "tanh", "glorot_normal", n_nets=400, rng=1)
    assert isinstance(eg, EnsembleGradients) and eg.depth == 2
    assert [z.shape for z in eg.preacts] == [(400, 5, 40), (400, 5, 20)]
    assert [g.shape for g in eg.grad_acts] == [(400, 5, 30), (400, 5, 40)]
    # ∂ℓ/∂W¹ = xᵀ δ¹: its rms follows from x and the recorded δ¹.
    gW = np.einsum("bi,nbj->nij", x, eg.grad_preacts[0])
    np.testing.assert_allclose(eg.weight_grad_rms[:, 0], np.sqrt(np.mean(gW**2, axis=(1, 2))), rtol=1e-12)
    # δ^(ℓ−1) = (δ^(ℓ) Wᵀ) ⊙ φ′(z^(ℓ−1)): grad_acts[1] times tanh′ gives grad_preacts[0].
    np.testing.assert_allclose(eg.grad_preacts[0], eg.grad_acts[1] * (1 - np.tanh(eg.preacts[0]) ** 2), rtol=1e-12)
    # rms(W) over 40·30 = 1200 weights: std of a sample rms ≈ σ/√(2·1200); average over 400 nets.
    sigma = init_std("glorot_normal", 30, 40)
    assert abs(eg.weight_rms[:, 0].mean() - sigma) < 5 * sigma / math.sqrt(2 * 1200 * 400)
    np.testing.assert_allclose(eg.grad_to_weight_ratio(), np.mean(eg.weight_grad_rms / eg.weight_rms, axis=0))
    np.testing.assert_allclose(eg.activations()[0], np.tanh(eg.preacts[0]))


def test_backward_upstream_modes_and_gradient_variance():
    # ReLU at He init with equal widths: E[δ²] is preserved layer to layer (χ⊥ = 1), to
    # leading order. Checked loosely at width 64 (the 1/n correction is a few per cent):
    # ratio between layer 1 and layer 4 within 10 %, well beyond 5 standard errors (≈ 3 %).
    x = np.random.default_rng(5).standard_normal((4, 64))
    eg = backward_ensemble(x, [64] * 5, "relu", "he_normal", n_nets=300, rng=0)
    m = [np.mean(g**2) for g in eg.grad_preacts]
    assert abs(m[0] / m[-1] - 1) < 0.1
    ones = backward_ensemble(x, [64, 8, 3], "relu", "he_normal", n_nets=2, rng=0, upstream="ones")
    assert np.all(ones.grad_preacts[-1] == 1)
    with pytest.raises(ValueError, match="upstream must have shape"):
        backward_ensemble(x, [64, 8, 3], upstream=np.ones((4, 2)), n_nets=2)
    with pytest.raises(ValueError, match="unknown upstream 'zeros'; choose one of: normal, ones"):
        backward_ensemble(x, [64, 8, 3], upstream="zeros", n_nets=2)


# ---------------------------------------------------------------- misc
def test_shapes_seeding_and_chunking():
    x = np.ones(100)
    zs = forward_ensemble(x, [100, 50, 10], n_nets=30, rng=0)
    assert [z.shape for z in zs] == [(30, 1, 50), (30, 1, 10)]
    np.testing.assert_array_equal(zs[1], forward_ensemble(x, [100, 50, 10], n_nets=30, rng=0)[1])
    # Chunks change which random numbers go where, not the law: tiny chunks still work.
    small = forward_ensemble(np.ones((2, 100)), [100, 50, 10], "tanh", "he_uniform", n_nets=7, rng=0, chunk_size=2)
    assert small[1].shape == (7, 2, 10) and np.all(np.isfinite(small[1]))


def test_batched_orthogonal():
    rng = np.random.default_rng(0)
    for shape in ((5, 20, 20), (5, 30, 10), (5, 10, 30)):
        Q = batched_orthogonal(shape, rng, gain=2.0)
        assert Q.shape == shape
        k = min(shape[1:])
        G = np.swapaxes(Q, 1, 2) @ Q if shape[1] >= shape[2] else Q @ np.swapaxes(Q, 1, 2)
        np.testing.assert_allclose(G, np.broadcast_to(4.0 * np.eye(k), (5, k, k)), atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        (dict(activation="gelu"), ValueError, "unknown activation 'gelu'; choose one of: linear"),
        (dict(scheme="xavier"), ValueError, "unknown scheme 'xavier'; choose one of: zeros"),
        (dict(scheme="constant"), ValueError, "scheme 'constant' needs a value"),
        (dict(method="fast"), ValueError, "unknown method 'fast'; choose one of: auto, gram, weights"),
        (dict(scheme="he_uniform", method="gram"), ValueError, "needs Gaussian weights.*got scheme 'he_uniform'"),
        (dict(widths=[5]), ValueError, "at least one layer"),
        (dict(widths=5), TypeError, "widths must be a list"),
        (dict(widths=[5, 0]), ValueError, "positive whole number"),
        (dict(widths=[6, 3]), ValueError, "the input has 5 features but widths\\[0\\] = 6"),
        (dict(x=np.ones((2, 3, 5))), ValueError, "shape \\(batch, n_0\\)"),
        (dict(x=np.array([[1.0, np.nan, 0, 0, 0]])), ValueError, "1 NaN or infinite"),
        (dict(n_nets=0), ValueError, "n_nets must be a positive whole number"),
        (dict(bias_std=-1.0), ValueError, "bias_std must be a finite number >= 0; got -1.0"),
        (dict(gain=-2.0), ValueError, "gain must be a finite number >= 0"),
        (dict(rng="zero"), TypeError, "rng must be a numpy.random.Generator"),
        (dict(mode="fan_out", scheme="glorot_normal"), ValueError, "has no mode"),
        (dict(param=0.1), ValueError, "takes no parameter"),
        (dict(chunk_size=0), ValueError, "chunk_size must be a positive whole number"),
    ],
)
def test_forward_bad_input(kwargs, exc, message):
    args = dict(x=np.ones((2, 5)), widths=[5, 3])
    args.update(kwargs)
    with pytest.raises(exc, match=message):
        forward_ensemble(args.pop("x"), args.pop("widths"), n_nets=args.pop("n_nets", 2), **args)


def test_backward_bad_input():
    with pytest.raises(ValueError, match="unknown scheme 'he'"):
        backward_ensemble(np.ones((1, 3)), [3, 2], scheme="he")
    with pytest.raises(ValueError, match="NaN"):
        backward_ensemble(np.array([[np.inf, 0, 0]]), [3, 2])


def test_gram_handles_singular_covariances():
    # A repeated input makes the batch covariance singular (Cholesky fails; the eigh
    # fallback is used): identical inputs must get identical preactivations (to rounding)
    # and the right second moment, σ_W²‖x‖² at layer 1 (se from per-network means, 5 of them).
    x = np.random.default_rng(9).standard_normal((1, 12))
    xx = np.vstack([x, x, 2 * x])
    zs = forward_ensemble(xx, [12, 10, 10], "relu", "he_normal", n_nets=3000, rng=0, method="gram")
    for z in zs:
        np.testing.assert_allclose(z[:, 0], z[:, 1], rtol=1e-6, atol=1e-6 * np.abs(z).max())
        np.testing.assert_allclose(z[:, 2], 2 * z[:, 0], rtol=1e-6, atol=1e-6 * np.abs(z).max())
    u = np.mean(zs[0][:, 0, :] ** 2, axis=1)
    assert abs(u.mean() - (2 / 12) * x[0] @ x[0]) < 5 * u.std(ddof=1) / math.sqrt(u.size)
    # Batch larger than the width: rank-deficient covariance, still finite.
    big = forward_ensemble(np.random.default_rng(1).standard_normal((20, 4)), [4, 4, 4], "tanh", "lecun_normal",
                           n_nets=5, rng=0, method="gram")
    assert np.all(np.isfinite(big[1]))


def test_backward_ensemble_without_weight_stats_gives_the_same_gradients():
    import numpy as np
    from initlab import backward_ensemble

    x = np.random.default_rng(3).standard_normal((4, 16))
    full = backward_ensemble(x, [16, 16, 16, 8], "tanh", n_nets=3, rng=7)
    lean = backward_ensemble(x, [16, 16, 16, 8], "tanh", n_nets=3, rng=7, weight_stats=False)
    for a, b in zip(full.grad_preacts + full.preacts, lean.grad_preacts + lean.preacts):
        assert np.array_equal(a, b)  # same draws, same arithmetic
    assert np.all(np.isnan(lean.weight_grad_rms)) and np.all(np.isfinite(full.weight_grad_rms))
