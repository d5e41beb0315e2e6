"""Reference solutions to the *Implement* exercises of chapters 1–5, for teachers.

Each function has the name and signature of the stub in the exercise notebook and passes
the checker of the same name in :mod:`initlab.checks.basics` (``tests/test_checks_basics.py``
asserts it). The book shows each function inside the exercise's ``{solution}`` box.

Example
-------
>>> from initlab.solutions.basics import he_std
>>> round(float(he_std(50, 10)), 4)
0.2
"""

from __future__ import annotations

import numpy as np


# Exercise ex-zero-symmetry: how many different hidden units does a layer have?
def count_distinct_units(W, tol=1e-9):
    """Number of different hidden units: columns of W that differ by more than tol."""
    W = np.asarray(W, dtype=float)
    kept = []                                  # one column per group of identical units
    for column in W.T:                         # unit j owns column W[:, j]
        if not any(np.max(np.abs(column - k)) <= tol for k in kept):
            kept.append(column)
    return len(kept)


# Exercises ex-vanishing-exploding
def sigmoid_slope(z):
    """The derivative of the logistic sigmoid, sig'(z) = sig(z)(1 − sig(z)), elementwise."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
    return s * (1.0 - s)


def saturation_fraction(acts, threshold=0.97):
    """Fraction of the entries of a tanh layer's activations with |a| > threshold."""
    return float(np.mean(np.abs(acts) > threshold))


# Exercises ex-variance-layer
def normalized_weights(n, rng):
    """n weights with mean 0 and variance 1/n (n is the fan-in), so that var(w · x) = var(x)."""
    return rng.standard_normal(n) / np.sqrt(n)


def next_variance(K, C_W, phi, rng, n_samples=200_000):
    """Monte Carlo estimate of the variance map K ↦ C_W · E[φ(z)²] with z ~ N(0, K)."""
    z = np.sqrt(K) * rng.standard_normal(n_samples)
    return C_W * np.mean(phi(z) ** 2)


# Exercises ex-relu-he
def he_std(fan_in, fan_out, mode="fan_in"):
    """He's standard deviation √(2/fan), the fan chosen by mode."""
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return np.sqrt(2.0 / fan)


def relu_std_trajectory(x, widths, weight_stds):
    """Predicted std of one preactivation in each layer of a ReLU network, for the input x.

    widths = [n_0, n_1, ..., n_L]; weight_stds = [σ_W of layer 1, ..., σ_W of layer L].
    """
    stds = [weight_stds[0] * np.linalg.norm(x)]               # σ_1 = σ_W1 ‖x‖
    for layer in range(1, len(weight_stds)):
        fan_in = widths[layer]                                # n_{ℓ−1} for layer ℓ = layer + 1
        stds.append(stds[-1] * weight_stds[layer] * np.sqrt(fan_in / 2))
    return np.array(stds)


# Exercises ex-xavier-lecun
def gain(activation, param=None):
    """The recommended gain of an activation (PyTorch's table)."""
    if activation in ("linear", "sigmoid"):
        return 1.0
    if activation == "tanh":
        return 5.0 / 3.0
    if activation == "relu":
        return np.sqrt(2.0)
    if activation == "leaky_relu":
        slope = 0.01 if param is None else param
        return np.sqrt(2.0 / (1.0 + slope**2))
    if activation == "selu":
        return 0.75
    raise ValueError(f"unknown activation {activation!r}")


def glorot_uniform(shape, rng, gain=1.0):
    """Glorot's normalized initialization: U[−a, a] with a = gain · √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = shape
    a = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=shape)
