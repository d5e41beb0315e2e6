"""Tests of initlab.frameworks: the framework defaults rebuilt in NumPy."""

import math

import numpy as np
import pytest

from initlab import frameworks as fw
from initlab import init_std, initialize


def test_truncated_std_closed_form_and_quadrature_agree_with_keras_constant():
    assert fw.truncated_std(2.0) == pytest.approx(fw.KERAS_TRUNCATION_FACTOR, abs=1e-15)
    assert fw.truncated_std_quadrature(2.0) == pytest.approx(fw.KERAS_TRUNCATION_FACTOR, abs=1e-8)
    # no truncation in the limit: the std tends to 1; a narrow cut tends to the uniform's c/√3
    assert fw.truncated_std(8.0) == pytest.approx(1.0, abs=1e-12)
    assert fw.truncated_std(0.01) == pytest.approx(0.01 / math.sqrt(3), rel=1e-4)


def test_truncated_std_rejects_bad_cut():
    with pytest.raises(ValueError, match="cut must be > 0"):
        fw.truncated_std(0.0)


def test_truncated_normal_std_bounds_and_mean():
    # 400,000 draws. The relative standard error of a sample std is sqrt((kurt - 1)/(4N)); the
    # truncated normal has kurtosis below 3, so 1/√(2N) ≈ 0.0011 bounds it; we allow 4.
    n = 400_000
    sigma = 0.3
    w = fw.truncated_normal((n,), sigma, rng=0)
    assert abs(w.std() / sigma - 1) < 4 / math.sqrt(2 * n)
    assert abs(w.mean()) < 4 * sigma / math.sqrt(n)
    assert np.abs(w).max() <= 2 * sigma / fw.KERAS_TRUNCATION_FACTOR
    plain = fw.truncated_normal((n,), sigma, rng=1, rescale=False)
    assert abs(plain.std() / (sigma * fw.KERAS_TRUNCATION_FACTOR) - 1) < 4 / math.sqrt(2 * n)
    assert np.abs(plain).max() <= 2 * sigma
    # the cut is really at 2 scales: some draws come within 1% of it
    assert np.abs(plain).max() > 0.99 * 2 * sigma


def test_truncated_normal_seeded_and_shaped():
    a = fw.truncated_normal((3, 4), 1.0, rng=5)
    b = fw.truncated_normal((3, 4), 1.0, rng=5)
    assert a.shape == (3, 4)
    np.testing.assert_array_equal(a, b)


def test_kaiming_uniform_with_sqrt5_is_one_over_sqrt_fan_in():
    for n in (1, 7, 100, 4096):
        assert fw.kaiming_uniform_bound(n, math.sqrt(5)) == pytest.approx(1 / math.sqrt(n))
    # a = 0 is He uniform: √(6/n)
    assert fw.kaiming_uniform_bound(6, 0.0) == pytest.approx(1.0)


def test_pytorch_linear_bounds_and_std():
    W, b = fw.pytorch_linear(50, 4000, rng=0)
    bound = 1 / math.sqrt(50)
    assert np.abs(W).max() <= bound and np.abs(b).max() <= bound
    # 200,000 uniform weights: relative std error of the std < 1/√(2N); allow 4
    assert abs(W.std() / (bound / math.sqrt(3)) - 1) < 4 / math.sqrt(2 * W.size)
    assert np.abs(b).max() > 0.9 * bound  # the bias is not zero


def test_keras_std_formulas():
    assert fw.keras_std("glorot_uniform", (10, 20)) == pytest.approx(math.sqrt(2 / 30))
    assert fw.keras_std("he_normal", (3, 3, 16, 32)) == pytest.approx(math.sqrt(2 / 144))
    assert fw.keras_std("lecun_normal", (64, 8)) == pytest.approx(init_std("lecun_normal", 64, 8))
    with pytest.raises(ValueError, match="unknown Keras initializer"):
        fw.keras_std("xavier", (2, 2))


def test_keras_he_normal_draws_have_he_std():
    shape = (200, 2000)
    w = fw.keras_initializer("he_normal", shape, rng=0)
    sigma = math.sqrt(2 / 200)
    assert abs(w.std() / sigma - 1) < 4 / math.sqrt(2 * w.size)
    assert np.abs(w).max() <= 2 * sigma / fw.KERAS_TRUNCATION_FACTOR
    forgot = fw.keras_initializer("he_normal", shape, rng=0, rescale=False)
    assert abs(forgot.std() / (sigma * fw.KERAS_TRUNCATION_FACTOR) - 1) < 4 / math.sqrt(2 * w.size)


def test_keras_and_flax_dense_defaults():
    W, b = fw.keras_dense(10, 20, rng=0)
    assert np.abs(W).max() <= math.sqrt(6 / 30) and not b.any()
    W, b = fw.flax_dense(256, 512, rng=0)
    assert abs(W.std() * 16 - 1) < 4 / math.sqrt(2 * W.size) and not b.any()


def test_tables_have_consistent_rows():
    text = fw.format_table(fw.FRAMEWORK_DEFAULTS, ("framework", "layer", "weights", "bias", "initlab"))
    assert text.count("\n") == len(fw.FRAMEWORK_DEFAULTS)
    assert "PyTorch" in text and "Keras" in text and "Flax" in text
    rows = fw.decision_rows(128)
    by = {r["activation"]: r for r in rows}
    assert by["ReLU"]["C_W"] == pytest.approx(2.0) and by["ReLU"]["gain"] == pytest.approx(math.sqrt(2))
    assert by["tanh"]["C_W"] == pytest.approx(1.0) and by["tanh"]["gain"] == pytest.approx(5 / 3)
    assert by["SELU"]["gain"] == pytest.approx(0.75)
    assert by["leaky ReLU (slope 0.01)"]["C_W"] == pytest.approx(2 / (1 + 0.01**2))
    text = fw.format_table(rows, ("activation", "scheme", "C_W", "gain"))
    assert text.splitlines()[0] == "activation | scheme | C_W | gain"
    with pytest.raises(ValueError, match="cells"):
        fw.format_table([("a",)], ("x", "y"))


def test_relu_signal_by_depth_follows_prediction():
    # 20 nets of width 128 and depth 6. The ratio is a mean over 20 × 32 × 128 z² values;
    # the per-net log-norm fluctuation at depth 6 has variance ≈ 5·6/128 ≈ 0.23, so the
    # mean of 20 nets has relative error about √(e^0.23 − 1)/√20 ≈ 0.11 at the last layer;
    # we allow 3 of those at every layer (0.33) and check the decay factor, which is
    # 0.774 per layer without rescaling.
    r = fw.relu_signal_by_depth(6, 128, rescale=True, n_nets=20, rng=0)
    assert np.all(np.abs(r - 1) < 0.33)
    f = fw.KERAS_TRUNCATION_FACTOR**2
    r = fw.relu_signal_by_depth(6, 128, rescale=False, n_nets=20, rng=1)
    assert np.all(np.abs(r / f ** np.arange(1, 7) - 1) < 0.33)
    assert r[-1] < 0.35  # 0.774^6 ≈ 0.21: the forgotten rescaling really shrinks the signal


def test_product_singular_values():
    s = fw.product_singular_values(64, 8, "orthogonal", rng=0)
    np.testing.assert_allclose(s, 1.0, atol=1e-10)
    g = fw.product_singular_values(64, 8, "gaussian", rng=0)
    assert g.max() > 3 and g.min() < 1e-3  # the spectrum spreads over orders of magnitude
    assert np.all(np.diff(g) <= 0)
    with pytest.raises(ValueError, match="unknown kind"):
        fw.product_singular_values(4, 2, "uniform")


def test_singular_values_of_a_product_are_right_far_below_rounding():
    """Known spectrum: Q_k D Q_{k+1}ᵀ multiply to Q_1 D^L Q_{L+1}ᵀ, singular values d_i^L.

    With d from 3 down to 1e-2 and L = 10 they span 1e5 … 1e-20; an SVD of the product in
    double precision cannot see below about 1e-16 · 1e5 (the old code returned ~5e-15 for
    1e-20). Reading the lower half from the inverse product gets every one to 1e-4 relative
    accuracy (measured: 2e-5).
    """
    rng = np.random.default_rng(0)
    n, L = 100, 10
    d = np.logspace(0, -2, n)
    d[0] = 3.0
    Q = [initialize("orthogonal", (n, n), rng=rng) for _ in range(L + 1)]
    mats = [Q[k] @ np.diag(d) @ Q[k + 1].T for k in range(L)]
    exact = np.sort(d**L)[::-1]
    got = fw.singular_values_of_product(mats)
    assert np.max(np.abs(got / exact - 1)) < 1e-4
    naive = np.linalg.svd(np.linalg.multi_dot(mats), compute_uv=False)
    assert naive[-1] / exact[-1] > 1e3  # what the plain SVD gives: rounding noise


def test_singular_values_of_product_rejects_bad_input():
    with pytest.raises(ValueError, match="square"):
        fw.singular_values_of_product([np.ones((2, 3))])
    with pytest.raises(ValueError, match="singular"):
        fw.singular_values_of_product([np.zeros((2, 2))])
    with pytest.raises(ValueError, match="at least one"):
        fw.singular_values_of_product([])


def test_relu_signal_per_network_averages_to_the_default():
    per = fw.relu_signal_by_depth(3, 16, rescale=True, n_nets=5, rng=1, per_network=True)
    assert per.shape == (5, 3)
    np.testing.assert_allclose(per.mean(axis=0), fw.relu_signal_by_depth(3, 16, rescale=True, n_nets=5, rng=1))


def test_singular_values_of_product_refuses_what_double_precision_cannot_resolve():
    """L = 14 of the known spectrum has s_max/s_min = 5e34: the middle values would be wrong
    (a reviewer measured relative errors of 1e11), so the function must raise instead."""
    rng = np.random.default_rng(0)
    n, L = 100, 14
    d = np.logspace(0, -2, n)
    d[0] = 3.0
    Q = [initialize("orthogonal", (n, n), rng=rng) for _ in range(L + 1)]
    with pytest.raises(ValueError, match="ill-conditioned"):
        fw.singular_values_of_product([Q[k] @ np.diag(d) @ Q[k + 1].T for k in range(L)])
