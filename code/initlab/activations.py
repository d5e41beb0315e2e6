"""Activation functions and their derivatives, by name.

The book uses six activations: ``linear``, ``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``
(with a negative slope, default 0.01) and ``selu`` (with the constants of Klambauer et al.,
2017). Each is available as a function of an array and as its derivative, so that forward
passes, back-propagation and the theory's Gaussian integrals all use one definition.

Example
-------
>>> import numpy as np
>>> from initlab.activations import activation, derivative
>>> activation("relu")(np.array([-1.0, 2.0]))
array([0., 2.])
>>> derivative("sigmoid")(np.array([0.0]))
array([0.25])
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from . import _validate

#: The activation names the package knows.
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu")

#: SELU's constants (Klambauer et al., 2017), to the precision the frameworks use.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

#: The default negative slope of the leaky ReLU (as in PyTorch and Keras).
LEAKY_SLOPE = 0.01

Array = np.ndarray


def _sigmoid(z):
    # Written so that large |z| neither overflows nor warns.
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _dsigmoid(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _dtanh(z):
    t = np.tanh(z)
    return 1.0 - t * t


def _selu(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        neg = SELU_ALPHA * np.expm1(np.minimum(z, 0.0))
    return SELU_SCALE * np.where(z > 0, z, neg)


def _dselu(z):
    z = np.asarray(z, dtype=float)
    return SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(z, 0.0)))


def _param(name: str, param) -> float:
    if name != "leaky_relu":
        if param is not None:
            raise ValueError(f"activation {name!r} takes no parameter; got param={param!r}")
        return 0.0
    if param is None:
        return LEAKY_SLOPE
    slope = _validate.finite_float(param, "the leaky ReLU's negative slope")
    if slope < 0:
        raise ValueError(f"the leaky ReLU's negative slope must be >= 0; got {slope}")
    return slope


def activation(name: str, param: float | None = None) -> Callable[[Array], Array]:
    """Return the activation function called ``name`` as a function of an array.

    Parameters
    ----------
    name : one of :data:`ACTIVATIONS`
    param : the negative slope, for ``"leaky_relu"`` only (default 0.01)
    """
    name = _validate.choice(name, ACTIVATIONS, "activation")
    a = _param(name, param)
    if name == "linear":
        return lambda z: np.asarray(z, dtype=float) * 1.0
    if name == "sigmoid":
        return _sigmoid
    if name == "tanh":
        return lambda z: np.tanh(np.asarray(z, dtype=float))
    if name == "relu":
        return lambda z: np.maximum(np.asarray(z, dtype=float), 0.0)
    if name == "leaky_relu":
        return lambda z: np.where(np.asarray(z, dtype=float) > 0, z, a * np.asarray(z, dtype=float))
    return _selu


def derivative(name: str, param: float | None = None) -> Callable[[Array], Array]:
    """Return the derivative φ′ of the activation called ``name``.

    At the kink of ReLU and leaky ReLU (z = 0) the derivative is taken as the left slope,
    as the frameworks do; this choice has probability zero under a continuous distribution.
    """
    name = _validate.choice(name, ACTIVATIONS, "activation")
    a = _param(name, param)
    if name == "linear":
        return lambda z: np.ones_like(np.asarray(z, dtype=float))
    if name == "sigmoid":
        return _dsigmoid
    if name == "tanh":
        return _dtanh
    if name == "relu":
        return lambda z: (np.asarray(z, dtype=float) > 0).astype(float)
    if name == "leaky_relu":
        return lambda z: np.where(np.asarray(z, dtype=float) > 0, 1.0, a)
    return _dselu


def is_scale_invariant(name: str) -> bool:
    """True for activations with φ(λz) = λφ(z) for λ > 0 (linear, ReLU, leaky ReLU)."""
    return _validate.choice(name, ACTIVATIONS, "activation") in ("linear", "relu", "leaky_relu")
