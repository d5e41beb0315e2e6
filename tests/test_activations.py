"""Tests for initlab.activations: values, derivatives, parameters, errors."""

import warnings

import numpy as np
import pytest

from initlab.activations import (
    ACTIVATIONS,
    LEAKY_SLOPE,
    SELU_ALPHA,
    SELU_SCALE,
    activation,
    derivative,
    is_scale_invariant,
)

Z = np.array([-3.0, -1.0, -0.25, 0.5, 2.0])


def test_values_at_known_points():
    np.testing.assert_array_equal(activation("linear")(Z), Z)
    np.testing.assert_array_equal(activation("relu")(Z), [0, 0, 0, 0.5, 2.0])
    np.testing.assert_allclose(activation("leaky_relu")(Z), [-0.03, -0.01, -0.0025, 0.5, 2.0], rtol=1e-15)
    np.testing.assert_allclose(activation("leaky_relu", 0.2)(Z), [-0.6, -0.2, -0.05, 0.5, 2.0], rtol=1e-15)
    np.testing.assert_allclose(activation("tanh")(Z), np.tanh(Z), rtol=1e-15)
    np.testing.assert_allclose(activation("sigmoid")(Z), 1 / (1 + np.exp(-Z)), rtol=1e-15)
    np.testing.assert_allclose(activation("sigmoid")(np.array([0.0])), [0.5])
    selu = SELU_SCALE * np.where(Z > 0, Z, SELU_ALPHA * (np.exp(Z) - 1))
    np.testing.assert_allclose(activation("selu")(Z), selu, rtol=1e-14)


def test_selu_constants():
    # Klambauer et al. (2017): α ≈ 1.6733, λ ≈ 1.0507.
    assert SELU_ALPHA == pytest.approx(1.6732632423543772, rel=1e-15)
    assert SELU_SCALE == pytest.approx(1.0507009873554805, rel=1e-15)
    assert LEAKY_SLOPE == 0.01


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_finite_differences(name):
    # Central differences with h = 1e-6 away from the kink at 0: truncation O(h²) ≈ 1e-12
    # times φ‴, rounding about ε·|φ|/h ≈ 1e-9; we allow 1e-7.
    z = np.concatenate([np.linspace(-6, -0.01, 40), np.linspace(0.01, 6, 40)])
    phi, dphi = activation(name), derivative(name)
    h = 1e-6
    num = (phi(z + h) - phi(z - h)) / (2 * h)
    np.testing.assert_allclose(dphi(z), num, atol=1e-7)


def test_derivative_at_the_kink_is_the_left_slope():
    assert derivative("relu")(np.array([0.0]))[0] == 0.0
    assert derivative("leaky_relu", 0.3)(np.array([0.0]))[0] == 0.3
    assert derivative("selu")(np.array([0.0]))[0] == pytest.approx(SELU_SCALE * SELU_ALPHA)
    assert derivative("sigmoid")(np.array([0.0]))[0] == 0.25
    assert derivative("tanh")(np.array([0.0]))[0] == 1.0
    np.testing.assert_array_equal(derivative("linear")(Z), np.ones_like(Z))


def test_no_overflow_warnings_at_extremes():
    big = np.array([-1e4, -800.0, 800.0, 1e4, np.inf, -np.inf])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = activation("sigmoid")(big)
        ds = derivative("sigmoid")(big)
        se = activation("selu")(big)
        dse = derivative("selu")(big)
    np.testing.assert_array_equal(s, [0, 0, 1, 1, 1, 0])
    np.testing.assert_array_equal(ds, 0)
    assert se[0] == pytest.approx(-SELU_SCALE * SELU_ALPHA) and se[4] == np.inf
    assert dse[3] == SELU_SCALE and dse[0] == 0


def test_accepts_lists_and_scalars_and_returns_float_arrays():
    for name in ACTIVATIONS:
        out = activation(name)([1, -2])
        assert isinstance(out, np.ndarray) and out.dtype == np.float64
        assert derivative(name)(np.array(0.5)).shape == ()


def test_scale_invariance():
    assert [n for n in ACTIVATIONS if is_scale_invariant(n)] == ["linear", "relu", "leaky_relu"]
    for name in ("linear", "relu", "leaky_relu"):
        np.testing.assert_allclose(activation(name)(3.5 * Z), 3.5 * activation(name)(Z), rtol=1e-15)
    assert not np.allclose(activation("tanh")(3.5 * Z), 3.5 * activation("tanh")(Z))


def test_bad_input():
    for f in (activation, derivative, is_scale_invariant):
        with pytest.raises(ValueError, match="unknown activation 'swish'; choose one of: linear, sigmoid, tanh, relu, leaky_relu, selu"):
            f("swish")
        with pytest.raises(TypeError, match="activation must be a string.*got None"):
            f(None)
    with pytest.raises(ValueError, match="activation 'tanh' takes no parameter; got param=0.1"):
        activation("tanh", 0.1)
    with pytest.raises(ValueError, match="negative slope must be >= 0; got -0.5"):
        derivative("leaky_relu", -0.5)
    with pytest.raises(TypeError, match="negative slope must be a real number"):
        activation("leaky_relu", "0.1")
