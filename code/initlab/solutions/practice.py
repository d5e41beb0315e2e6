"""Reference solutions to the *Implement* exercises of chapters 6–9, for teachers.

Each function has the name and signature of the stub in the exercise notebook
(``exercises/06_…`` to ``exercises/09_…``). ``tests/test_checks_practice.py`` checks that each
one passes its checker in :mod:`initlab.checks.practice`. The exercise pages show them inside
``{solution}`` boxes (by ``literalinclude``), which the student edition removes. They use
NumPy and the standard library only, as a student would.

Example
-------
>>> from initlab.solutions.practice import uniform_bound
>>> round(uniform_bound("fan_in_uniform", 10, 20), 3)
0.316
"""

from __future__ import annotations

import math

import numpy as np


# Chapter 6 ---------------------------------------------------------------------------

def uniform_bound(scheme, fan_in, fan_out):
    """Half-width a of U[-a, a] for three uniform schemes."""
    if scheme == "fan_in_uniform":
        return 1 / math.sqrt(fan_in)
    if scheme == "glorot_uniform":
        return math.sqrt(6 / (fan_in + fan_out))
    if scheme == "he_uniform":
        return math.sqrt(6 / fan_in)
    raise ValueError(f"unknown scheme {scheme!r}")


def normal_coverage(k):
    """Probability that a normal draw lies within k standard deviations of its mean."""
    return math.erf(k / math.sqrt(2))


# Chapter 7 ---------------------------------------------------------------------------

def conv_fans(shape):
    """(fan_in, fan_out) of a dense (n_in, n_out) or convolution (*kernel, c_in, c_out) shape."""
    receptive_field = 1
    for k in shape[:-2]:
        receptive_field *= k
    return receptive_field * shape[-2], receptive_field * shape[-1]


def kaiming_uniform_bound(fan_in, a):
    """PyTorch's kaiming_uniform_ bound: gain * sqrt(3 / fan_in), gain = sqrt(2 / (1 + a^2))."""
    gain = math.sqrt(2 / (1 + a**2))
    return gain * math.sqrt(3 / fan_in)


def truncated_normal(shape, std, rng):
    """Keras-style truncated normal with standard deviation std."""
    sigma = std / 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2]
    x = rng.normal(0.0, sigma, size=shape)
    outside = np.abs(x) > 2 * sigma
    while outside.any():  # redraw, do not clip
        x[outside] = rng.normal(0.0, sigma, size=int(outside.sum()))
        outside = np.abs(x) > 2 * sigma
    return x


# Chapter 8 ---------------------------------------------------------------------------

def update_to_weight_ratio(lr, grad, weight):
    """Size of one gradient-descent step relative to the size of the weights."""
    return np.linalg.norm(lr * grad) / np.linalg.norm(weight)


def dead_fraction(z):
    """Fraction of units (columns) whose preactivation is <= 0 for every example (row)."""
    return np.mean(np.all(z <= 0, axis=0))


# Chapter 9 ---------------------------------------------------------------------------

def excess_kurtosis(samples):
    """Sample excess kurtosis m4 / m2^2 - 3 with central moments."""
    d = samples - np.mean(samples)
    return np.mean(d**4) / np.mean(d**2) ** 2 - 3


def exact_kurtosis(layer, width, activation):
    """Exact excess kurtosis of a layer's preactivation at criticality (ReLU or linear)."""
    nu = {"relu": 5, "linear": 2}[activation]
    return 3 * ((1 + nu / width) ** (layer - 1) - 1)


def relu_variance_trajectory(K1, depth, C_W, C_b):
    """[K^(1), ..., K^(depth)] of the ReLU variance map K -> C_b + C_W * K / 2."""
    K = [K1]
    for _ in range(depth - 1):
        K.append(C_b + C_W * K[-1] / 2)
    return np.array(K)


def chi_perp(K, C_W, activation):
    """C_W * E[phi'(z)^2] for z ~ N(0, K), by Gauss-Hermite quadrature."""
    t, w = np.polynomial.hermite_e.hermegauss(100)  # even: no node sits on the kink at 0
    z = math.sqrt(K) * t
    if activation == "relu":
        # relu'(z) = 1 for z > 0, and z > 0 exactly when t > 0 (for K > 0): the same C_W/2 at
        # every K, also in the limit K -> 0 (testing z > 0 there would give 0 at every node)
        slope = (t > 0).astype(float)
    elif activation == "tanh":
        slope = 1 - np.tanh(z) ** 2
    else:
        raise ValueError(f"unknown activation {activation!r}")
    return C_W * np.sum(w * slope**2) / math.sqrt(2 * math.pi)
