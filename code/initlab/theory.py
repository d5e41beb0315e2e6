"""Predictions to set beside the simulations: variance maps, fixed points, criticality, 1/n.

Notation (the book's): a layer computes z^(ℓ) = a^(ℓ−1) W^(ℓ) + b^(ℓ) with
Var(W) = C_W / n_{ℓ−1} and Var(b) = C_b. At infinite width each preactivation is Gaussian
with variance K^(ℓ), and the variance obeys the **variance map**

    K^(ℓ+1) = C_b + C_W · E[φ(z)²],   z ~ N(0, K^(ℓ)),

starting from K^(1) = C_b + C_W · ‖x‖² / n_0. Its slope and the susceptibilities

    χ_∥(K) = C_W · E[z φ(z) φ′(z)] / K,   χ_⊥(K) = C_W · E[φ′(z)²]

decide whether signals and gradients explode (χ > 1) or vanish (χ < 1) with depth;
**criticality** is χ_∥ = χ_⊥ = 1 at a fixed point K*.

Gaussian expectations are computed by quadrature: Gauss–Hermite for smooth functions, and,
for functions with a kink at 0 (ReLU, leaky ReLU, SELU), Gauss–Legendre on each half line
separately, which is exact to rounding for piecewise polynomials.

Finite width: for ReLU at He initialization (C_W = 2, C_b = 0), a fixed input, and all
hidden widths n, the excess kurtosis of a layer-ℓ preactivation over initializations is
exactly 3((1 + 5/n)^(ℓ−1) − 1); more generally 3((1 + ν/n)^(ℓ−1) − 1) for scale-invariant
activations at criticality, with ν = 3A₄/A₂² − 1 (see :func:`nu`).

Example
-------
>>> from initlab import theory
>>> round(float(theory.gauss_expect(lambda z: z**2, 2.0)), 12)
2.0
>>> round(float(theory.variance_map(1.0, "relu", C_W=2.0)), 12)
1.0
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable

import numpy as np

from . import _validate
from .activations import ACTIVATIONS, activation as _activation, derivative as _derivative

#: Activations whose derivative jumps at 0; their integrals are split at the kink.
KINKED = ("relu", "leaky_relu", "selu")


@lru_cache(maxsize=8)
def _hermite(n: int):
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / math.sqrt(2.0 * math.pi)


@lru_cache(maxsize=8)
def _half_legendre(n: int, T: float):
    # Nodes and weights for ∫_0^T g(t) φ(t) dt with φ the standard normal density.
    x, w = np.polynomial.legendre.leggauss(n)
    t = 0.5 * T * (x + 1.0)
    return t, 0.5 * T * w * np.exp(-0.5 * t * t) / math.sqrt(2.0 * math.pi)


def gauss_expect(f: Callable, K, n_points: int = 96, kink: bool = False) -> np.ndarray:
    """Return E[f(z)] for z ~ N(0, K), by quadrature; ``K`` may be an array.

    Parameters
    ----------
    f : a vectorized function of an array
    K : variance (>= 0), scalar or array
    n_points : quadrature nodes (per half line when ``kink`` is True)
    kink : True if f is only piecewise smooth with its break at 0; the integral is then
        split at 0 and each half done by Gauss–Legendre on [0, 12] standard deviations
        (the Gaussian mass beyond is below 1e-32).

    >>> round(float(gauss_expect(lambda z: np.maximum(z, 0)**2, 3.0, kink=True)), 12)
    1.5
    """
    K = np.asarray(K, dtype=float)
    if np.any(K < 0) or not np.all(np.isfinite(K)):
        raise ValueError("the variance K must be finite and >= 0")
    s = np.sqrt(K)[..., None]
    with np.errstate(over="ignore", invalid="ignore"):
        if kink:
            t, w = _half_legendre(int(n_points), 12.0)
            vals = (np.asarray(f(s * t), dtype=float) + np.asarray(f(-s * t), dtype=float)) @ w
        else:
            x, w = _hermite(int(n_points))
            vals = np.asarray(f(s * x), dtype=float) @ w
    return vals


def _act(activation: str, param):
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    return name, _activation(name, param), _derivative(name, param), name in KINKED


def second_moment(K, activation: str, param: float | None = None) -> np.ndarray:
    """E[φ(z)²] for z ~ N(0, K)."""
    _, phi, _, kink = _act(activation, param)
    return gauss_expect(lambda z: phi(z) ** 2, K, kink=kink)


def variance_map(K, activation: str, C_W: float, C_b: float = 0.0, param: float | None = None) -> np.ndarray:
    """One step of the infinite-width variance recursion, K ↦ C_b + C_W · E[φ(z)²].

    >>> round(float(variance_map(0.5, "tanh", C_W=1.0)), 6) < 0.5
    True
    """
    C_W = _validate.nonnegative_float(C_W, "C_W")
    C_b = _validate.nonnegative_float(C_b, "C_b")
    return C_b + C_W * second_moment(K, activation, param)


def input_variance(x, C_W: float, C_b: float = 0.0) -> float:
    """K^(1) = C_b + C_W · ‖x‖² / n_0 for one input vector x (the first layer's variance)."""
    x = _validate.finite_array(x, "the input x", ndim=1)
    return _validate.nonnegative_float(C_b, "C_b") + _validate.nonnegative_float(C_W, "C_W") * float(x @ x) / x.size


def variance_trajectory(K1: float, depth: int, activation: str, C_W: float, C_b: float = 0.0,
                        param: float | None = None) -> np.ndarray:
    """Return [K^(1), ..., K^(depth)] by iterating :func:`variance_map` from ``K1``."""
    depth = _validate.positive_int(depth, "depth")
    K = np.empty(depth)
    K[0] = _validate.nonnegative_float(K1, "K1")
    with np.errstate(over="ignore", invalid="ignore"):
        for l in range(1, depth):
            K[l] = variance_map(K[l - 1], activation, C_W, C_b, param) if np.isfinite(K[l - 1]) else np.inf
    return K


def chi_perp(K, activation: str, C_W: float, param: float | None = None) -> np.ndarray:
    """χ_⊥(K) = C_W · E[φ′(z)²], the factor by which small perpendicular perturbations
    (and, at infinite width, squared gradients) grow per layer."""
    _, _, dphi, kink = _act(activation, param)
    return _validate.nonnegative_float(C_W, "C_W") * gauss_expect(lambda z: dphi(z) ** 2, K, kink=kink)


def chi_parallel(K, activation: str, C_W: float, param: float | None = None) -> np.ndarray:
    """χ_∥(K) = C_W · E[z φ(z) φ′(z)] / K = dK^(ℓ+1)/dK^(ℓ), the slope of the variance map."""
    _, phi, dphi, kink = _act(activation, param)
    K = np.asarray(K, dtype=float)
    num = gauss_expect(lambda z: z * phi(z) * dphi(z), K, kink=kink)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _validate.nonnegative_float(C_W, "C_W") * num / K


def fixed_point(activation: str, C_W: float, C_b: float = 0.0, param: float | None = None,
                K0: float = 1.0, max_iter: int = 20000, tol: float = 1e-12) -> float:
    """The fixed point K* that the variance map reaches from ``K0`` (by iteration).

    Returns ``inf`` if the variance grows without bound (above 1e12) and 0 if it decays to 0.
    Near criticality the approach is slow (a power law), hence the many iterations.
    """
    K = _validate.nonnegative_float(K0, "K0")
    for _ in range(int(max_iter)):
        nxt = float(variance_map(K, activation, C_W, C_b, param))
        if nxt > 1e12:
            return math.inf
        if abs(nxt - K) <= tol * max(1.0, K):
            return nxt
        K = nxt
    return K


def critical_C_W(activation: str, param: float | None = None) -> float:
    """The critical weight variance C_W with C_b = 0.

    For scale-invariant activations (linear, ReLU, leaky ReLU) χ_∥ = χ_⊥ = C_W·A₂ for every
    K, so C_W = 1/A₂ with A₂ = (1 + a²)/2: 1 for linear, 2 for ReLU (He initialization).
    For tanh the fixed point is K* = 0, where χ = C_W · φ′(0)² = C_W, so C_W = 1.
    Sigmoid and SELU have no critical point with C_b = 0 (φ(0) ≠ 0 for sigmoid; SELU is
    built for the nonzero fixed point K* = 1 at C_W = 1 instead).
    """
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    if name == "linear":
        return 1.0
    if name == "relu":
        return 2.0
    if name == "leaky_relu":
        a = 0.01 if param is None else _validate.finite_float(param, "negative slope")
        return 2.0 / (1.0 + a * a)
    if name == "tanh":
        return 1.0
    raise ValueError(
        f"activation {name!r} has no critical C_W with C_b = 0; criticality is defined here for: "
        "linear, relu, leaky_relu, tanh"
    )


def A_coefficients(activation: str, param: float | None = None) -> tuple[float, float]:
    """(A₂, A₄) of a scale-invariant activation φ(z) = a₊z for z > 0, a₋z for z < 0:
    A₂ = (a₊² + a₋²)/2 and A₄ = (a₊⁴ + a₋⁴)/2, so that E[φ(z)²] = A₂K and E[φ(z)⁴] = 3A₄K²."""
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    if name == "linear":
        ap, am = 1.0, 1.0
    elif name == "relu":
        ap, am = 1.0, 0.0
    elif name == "leaky_relu":
        ap, am = 1.0, (0.01 if param is None else _validate.finite_float(param, "negative slope"))
    else:
        raise ValueError(f"A coefficients are defined for scale-invariant activations (linear, relu, leaky_relu); got {name!r}")
    return (ap**2 + am**2) / 2.0, (ap**4 + am**4) / 2.0


#: Leading-order ν for tanh at criticality (C_W = 1, C_b = 0), from Roberts, Yaida & Hanin (2022).
NU_TANH_CRITICAL = 2.0 / 3.0


def nu(activation: str, param: float | None = None) -> float:
    """The coefficient ν in excess kurtosis ≈ 3ν(ℓ−1)/n, at criticality.

    Scale-invariant activations: ν = 3A₄/A₂² − 1 (linear 2, ReLU 5, leaky ReLU with slope a:
    6(1 + a⁴)/(1 + a²)² − 1). tanh at criticality: ν = 2/3 to leading order.
    """
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    if name == "tanh":
        return NU_TANH_CRITICAL
    A2, A4 = A_coefficients(name, param)
    return 3.0 * A4 / A2**2 - 1.0


def excess_kurtosis_exact(layer, width, activation: str = "relu", param: float | None = None):
    """Exact excess kurtosis of z^(ℓ) over initializations for a scale-invariant activation
    at criticality, fixed input, zero biases, every hidden width ``width``:
    3((1 + ν/n)^(ℓ−1) − 1). ReLU: 3((1 + 5/n)^(ℓ−1) − 1); linear: 3((1 + 2/n)^(ℓ−1) − 1).

    >>> round(float(excess_kurtosis_exact(2, 10)), 6)
    1.5
    """
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    if name == "tanh":
        raise ValueError("no exact formula for tanh; use excess_kurtosis_leading")
    v = nu(name, param)
    layer = np.asarray(layer, dtype=float)
    width = np.asarray(width, dtype=float)
    return 3.0 * ((1.0 + v / width) ** (layer - 1.0) - 1.0)


def excess_kurtosis_leading(layer, width, activation: str = "relu", param: float | None = None):
    """Leading order in 1/n: excess kurtosis ≈ 3ν(ℓ−1)/n."""
    v = nu(activation, param)
    return 3.0 * v * (np.asarray(layer, dtype=float) - 1.0) / np.asarray(width, dtype=float)


def log_norm_variance_relu(widths) -> float:
    """Hanin and Nica's leading-order Var[ln‖z^(L)‖²] ≈ 5 Σ_ℓ 1/n_ℓ for a ReLU network at He
    initialization, the sum running over the hidden widths n_1, ..., n_{L−1}."""
    ws = [_validate.positive_int(w, "every width") for w in widths]
    return 5.0 * sum(1.0 / w for w in ws)


def sigmoid_max_slope_product(depth: int) -> float:
    """0.25**depth: the largest possible product of ``depth`` sigmoid slopes (φ′ ≤ 1/4)."""
    return 0.25 ** _validate.positive_int(depth, "depth")
