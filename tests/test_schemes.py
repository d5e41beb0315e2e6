"""Tests for initlab.schemes: fans, gains, standard deviations, bounds and the draws."""

import math

import numpy as np
import pytest

from initlab import schemes
from initlab.schemes import (
    GAUSSIAN_SCHEMES,
    MODE_SCHEMES,
    SCHEMES,
    UNIFORM_SCHEMES,
    fans,
    gain,
    init_std,
    initialize,
    selu_fixed_point_check,
    uniform_bound,
)


# ---------------------------------------------------------------- fans
@pytest.mark.parametrize(
    "shape, expect",
    [
        ((784, 256), (784, 256)),
        ((10, 1), (10, 1)),
        ((3, 16, 32), (48, 96)),  # 1-D conv: kernel 3
        ((5, 5, 3, 64), (75, 1600)),  # 2-D conv
        ((3, 3, 3, 8, 4), (216, 108)),  # 3-D conv
    ],
)
def test_fans(shape, expect):
    assert fans(shape) == expect
    assert fans(list(shape)) == expect
    assert fans(np.array(shape)) == expect


@pytest.mark.parametrize("shape", [5, (5,), ()])
def test_fans_wrong_rank(shape):
    with pytest.raises(ValueError, match="rank 2|at least two sizes") as info:
        fans(shape)
    assert repr(shape) in str(info.value) or str(shape) in str(info.value)


@pytest.mark.parametrize("shape", [(0, 3), (4, -1), (3, 3, 0, 2)])
def test_fans_non_positive(shape):
    with pytest.raises(ValueError, match="positive whole number"):
        fans(shape)


def test_fans_non_integer():
    with pytest.raises(TypeError, match="positive whole number; got 2.5"):
        fans((2.5, 3))
    assert fans((2.0, 3)) == (2, 3)  # whole floats are accepted


# ---------------------------------------------------------------- gains
def test_gain_table_matches_pytorch():
    # torch.nn.init.calculate_gain: linear 1, sigmoid 1, tanh 5/3, relu √2,
    # leaky_relu √(2/(1+a²)) with default a = 0.01, selu 3/4.
    assert gain("linear") == 1.0
    assert gain("sigmoid") == 1.0
    assert gain("tanh") == pytest.approx(5 / 3, rel=1e-15)
    assert gain("relu") == pytest.approx(math.sqrt(2), rel=1e-15)
    assert gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)), rel=1e-15)
    assert gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04), rel=1e-15)
    assert gain("selu") == 0.75
    assert gain("  ReLU ") == gain("relu")  # names are case- and space-insensitive


def test_pytorch_default_linear_init_is_fan_in_uniform():
    # nn.Linear uses kaiming_uniform_ with a = √5: gain √(2/(1+5)) = 1/√3 and bound
    # gain·√(3/fan_in) = 1/√fan_in, the fan-in uniform rule (erratum 1). PyTorch's gain
    # *replaces* the √2 of He; initlab's gain multiplies a scheme, so PyTorch's
    # kaiming_uniform_(gain g) is initlab's lecun_uniform (std 1/√fan_in) with gain g.
    g = gain("leaky_relu", math.sqrt(5))
    assert g == pytest.approx(1 / math.sqrt(3), rel=1e-15)
    for n in (10, 100, 784):
        assert uniform_bound("lecun_uniform", n, 7, gain=g) == pytest.approx(1 / math.sqrt(n), rel=1e-14)
        assert uniform_bound("fan_in_uniform", n, 7) == pytest.approx(1 / math.sqrt(n), rel=1e-14)
        # and He uniform is LeCun uniform with gain √2 = gain("relu").
        assert uniform_bound("he_uniform", n, 7) == pytest.approx(uniform_bound("lecun_uniform", n, 7, gain=gain("relu")))


def test_gain_bad_input():
    with pytest.raises(ValueError, match="unknown activation 'gelu'; choose one of: linear, sigmoid, tanh, relu"):
        gain("gelu")
    with pytest.raises(TypeError, match="activation must be a string"):
        gain(3)
    with pytest.raises(ValueError, match="takes no parameter; got param=0.1"):
        gain("relu", 0.1)
    with pytest.raises(ValueError, match="negative slope must be >= 0; got -0.1"):
        gain("leaky_relu", -0.1)
    with pytest.raises(ValueError, match="finite"):
        gain("leaky_relu", float("inf"))


# ---------------------------------------------------------------- init_std and bounds
def test_init_std_formulas():
    fi, fo = 10, 20
    assert init_std("zeros", fi, fo) == 0 and init_std("constant", fi, fo) == 0
    assert init_std("small_normal", fi, fo) == 0.01
    assert init_std("unit_normal", fi, fo) == 1.0
    assert init_std("fan_in_uniform", fi, fo) == pytest.approx(1 / math.sqrt(30))
    assert init_std("glorot_uniform", fi, fo) == pytest.approx(math.sqrt(2 / 30))
    assert init_std("glorot_normal", fi, fo) == pytest.approx(math.sqrt(2 / 30))
    assert init_std("lecun_normal", fi, fo) == pytest.approx(math.sqrt(1 / 10))
    assert init_std("lecun_uniform", fi, fo, mode="fan_out") == pytest.approx(math.sqrt(1 / 20))
    assert init_std("he_normal", fi, fo) == pytest.approx(math.sqrt(2 / 10))
    assert init_std("he_uniform", fi, fo, mode="fan_avg") == pytest.approx(math.sqrt(2 / 15))
    assert init_std("orthogonal", fi, fo) == pytest.approx(1 / math.sqrt(20))
    for s in SCHEMES:
        if s not in ("zeros", "constant"):
            assert init_std(s, fi, fo, gain=3.0) == pytest.approx(3.0 * init_std(s, fi, fo))


def test_numbers_the_book_quotes():
    # sources.md: fan-in uniform at 10 inputs: bound 0.316, std 0.183 (a/√3, erratum 2);
    # normalized Xavier, 10 in, 20 out: bound 0.447, std 0.258; He normal, 10 inputs: 0.447.
    assert uniform_bound("fan_in_uniform", 10, 1) == pytest.approx(0.316, abs=5e-4)
    assert init_std("fan_in_uniform", 10, 1) == pytest.approx(0.183, abs=5e-4)
    assert uniform_bound("glorot_uniform", 10, 20) == pytest.approx(0.447, abs=5e-4)
    assert init_std("glorot_uniform", 10, 20) == pytest.approx(0.258, abs=5e-4)
    assert init_std("he_normal", 10, 1) == pytest.approx(0.447, abs=5e-4)
    assert uniform_bound("fan_in_uniform", 100, 1) == pytest.approx(0.1)  # erratum 4


@pytest.mark.parametrize("scheme", UNIFORM_SCHEMES)
def test_uniform_bound_is_sqrt3_std(scheme):
    assert uniform_bound(scheme, 30, 50) == pytest.approx(math.sqrt(3) * init_std(scheme, 30, 50), rel=1e-15)


def test_init_std_bad_input():
    with pytest.raises(ValueError, match="unknown scheme 'xavier'; choose one of: zeros, constant, small_normal"):
        init_std("xavier", 3, 4)
    with pytest.raises(ValueError, match="fan_in must be a positive whole number.*got 0"):
        init_std("he_normal", 0, 4)
    with pytest.raises(ValueError, match="fan_out must be a positive whole number.*got -2"):
        init_std("he_normal", 3, -2)
    with pytest.raises(ValueError, match="unknown mode 'fan_sum'; choose one of: fan_in, fan_out, fan_avg"):
        init_std("he_normal", 3, 4, mode="fan_sum")
    with pytest.raises(ValueError, match="has no mode.*lecun_uniform"):
        init_std("glorot_normal", 3, 4, mode="fan_in")
    with pytest.raises(ValueError, match="gain must be a finite number >= 0; got -1"):
        init_std("he_normal", 3, 4, gain=-1)
    with pytest.raises(ValueError, match="is not uniform; uniform schemes are: fan_in_uniform"):
        uniform_bound("he_normal", 3, 4)


# ---------------------------------------------------------------- draws
@pytest.mark.parametrize("scheme", GAUSSIAN_SCHEMES + UNIFORM_SCHEMES)
def test_draw_std_matches_init_std(scheme):
    # N = 400·500 = 2·10^5 draws. The std of a sample standard deviation is about
    # σ·√((κ − 1)/(4N)) with κ the kurtosis of the distribution (3 for a normal, 9/5 for a
    # uniform); the mean has std σ/√N. We allow 5 of those.
    shape = (400, 500)
    W = initialize(scheme, shape, rng=0)
    sigma = init_std(scheme, *shape)
    kappa = 1.8 if scheme in UNIFORM_SCHEMES else 3.0
    N = W.size
    assert W.shape == shape and W.dtype == np.float64
    assert abs(W.std() - sigma) < 5 * sigma * math.sqrt((kappa - 1) / (4 * N))
    assert abs(W.mean()) < 5 * sigma / math.sqrt(N)
    m4 = np.mean((W / sigma) ** 4)
    # Sample fourth standardized moment: std √((κ₈ − κ²)/N) with κ₈ = 105 (normal), 9 (uniform).
    k8 = 9.0 if scheme in UNIFORM_SCHEMES else 105.0
    assert abs(m4 - kappa) < 5 * math.sqrt((k8 - kappa**2) / N)  # the shape of the law
    if scheme in UNIFORM_SCHEMES:
        a = uniform_bound(scheme, *shape)
        assert np.abs(W).max() <= a
        # P(max |W| < a(1 − 20/N)) = (1 − 20/N)^N ≈ e^−20.
        assert np.abs(W).max() > a * (1 - 20 / N)


def test_draw_with_gain_mode_and_conv_shape():
    W = initialize("he_normal", (3, 3, 64, 32), rng=1, gain=0.5, mode="fan_out")
    sigma = init_std("he_normal", 3 * 3 * 64, 3 * 3 * 32, gain=0.5, mode="fan_out")
    assert abs(W.std() - sigma) < 5 * sigma / math.sqrt(2 * W.size)


def test_zeros_constant():
    assert np.all(initialize("zeros", (3, 4)) == 0)
    c = initialize("constant", (2, 3, 4), value=-0.25)
    assert c.shape == (2, 3, 4) and np.all(c == -0.25)
    with pytest.raises(ValueError, match="needs value=<number>"):
        initialize("constant", (2, 2))
    with pytest.raises(ValueError, match="value= is only for scheme 'constant'; got value=0.5 with scheme 'he_normal'"):
        initialize("he_normal", (2, 2), value=0.5)
    with pytest.raises(ValueError, match="value must be finite; got nan"):
        initialize("constant", (2, 2), value=float("nan"))


@pytest.mark.parametrize("shape", [(64, 64), (100, 30), (30, 100), (3, 3, 8, 16)])
def test_orthogonal(shape):
    g = 1.7
    W = initialize("orthogonal", shape, rng=2, gain=g)
    M = W.reshape(-1, shape[-1])
    rows, cols = M.shape
    gram = M.T @ M if rows >= cols else M @ M.T
    np.testing.assert_allclose(gram, g * g * np.eye(min(rows, cols)), atol=1e-12)
    # The rms of the entries is init_std's value, gain/√max(fan_in, fan_out) for dense shapes.
    if len(shape) == 2:
        assert math.sqrt(np.mean(W**2)) == pytest.approx(init_std("orthogonal", *shape, gain=g), rel=1e-12)


def test_orthogonal_is_haar_not_biased():
    # With the sign fix, the diagonal of a Haar orthogonal matrix has mean 0; without it
    # Q's diagonal is biased positive. Mean of 200·50 diagonal entries (each variance ≈ 1/n):
    # std √(1/(50·200·50)) ≈ 0.0014; we allow 5 of those.
    d = np.concatenate([np.diag(initialize("orthogonal", (50, 50), rng=s)) for s in range(200)])
    assert abs(d.mean()) < 5 * math.sqrt(1 / (50 * d.size))


def test_seeding_and_rng_types():
    a = initialize("he_normal", (5, 5), rng=3)
    np.testing.assert_array_equal(a, initialize("he_normal", (5, 5), rng=3))
    np.testing.assert_array_equal(a, initialize("he_normal", (5, 5), rng=np.random.default_rng(3)))
    assert not np.array_equal(a, initialize("he_normal", (5, 5), rng=4))
    assert initialize("he_normal", (5, 5)).shape == (5, 5)  # rng=None: a fresh generator
    with pytest.raises(TypeError, match="not the legacy RandomState"):
        initialize("he_normal", (5, 5), rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="non-negative integer; got -3"):
        initialize("he_normal", (5, 5), rng=-3)
    with pytest.raises(TypeError, match="got str"):
        initialize("he_normal", (5, 5), rng="3")
    with pytest.raises(TypeError, match="got a bool"):
        initialize("he_normal", (5, 5), rng=True)


def test_initialize_bad_scheme_and_shape():
    with pytest.raises(ValueError, match="unknown scheme 'kaiming_normal'; choose one of: .*he_normal, orthogonal"):
        initialize("kaiming_normal", (3, 3))
    with pytest.raises(ValueError, match="rank 2"):
        initialize("he_normal", (3,))
    with pytest.raises(ValueError, match="positive whole number"):
        initialize("he_normal", (3, 0))


def test_constants_and_selu_fixed_point():
    assert set(GAUSSIAN_SCHEMES) | set(UNIFORM_SCHEMES) | {"zeros", "constant", "orthogonal"} == set(SCHEMES)
    assert set(MODE_SCHEMES) <= set(SCHEMES)
    assert schemes.MODES == ("fan_in", "fan_out", "fan_avg")
    # E[selu(z)²] = 1 for z ~ N(0, 1) (Klambauer et al.). Split at the kink, Gauss–Legendre
    # is exact to rounding for this piecewise-smooth integrand; 1e-10 leaves room for it.
    # (Before the fix, Gauss–Hermite across the kink gave 1.0000953.)
    assert selu_fixed_point_check() == pytest.approx(1.0, abs=1e-10)
