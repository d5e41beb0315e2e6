"""Predictions to set beside the simulations: variance maps, fixed points, criticality, 1/n.

Notation (the book's): a layer computes z^(ℓ) = a^(ℓ−1) W^(ℓ) + b^(ℓ) with
Var(W) = C_W / n_{ℓ−1} and Var(b) = C_b. At infinite width each preactivation is Gaussian
with variance K^(ℓ), and the variance obeys the **variance map**

    K^(ℓ+1) = C_b + C_W · E[φ(z)²],   z ~ N(0, K^(ℓ)),

starting from K^(1) = C_b + C_W · ‖x‖² / n_0. Its slope and the susceptibilities

    χ_∥(K) = C_W · E[z φ(z) φ′(z)] / K,   χ_⊥(K) = C_W · E[φ′(z)²]

decide whether signals and gradients explode (χ > 1) or vanish (χ < 1) with depth;
**criticality** is χ_∥ = χ_⊥ = 1 at a fixed point K*.

Gaussian expectations are computed by quadrature. :func:`gauss_expect` offers plain
Gauss–Hermite (the default) and, with ``kink=True``, Gauss–Legendre on each half line
separately, which is exact to rounding for piecewise polynomials. The activation integrals
of this module (:func:`second_moment`, :func:`chi_perp`, :func:`chi_parallel`, and so the
variance map) always use the split rule with 200 nodes per half line: besides the kinks of
ReLU, leaky ReLU and SELU, it handles the integrands of bounded activations at large K
(φ′(z)² = sech⁴ z is about one unit wide while √K may be 10 or 100), where Gauss–Hermite
nodes, spread over ±√K·(a few), miss the peak at 0.

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


#: Nodes per half line for the activation integrals (see the module docstring).
ACTIVATION_NODES = 200


def _activation_expect(f, K) -> np.ndarray:
    """E[f(z)], z ~ N(0, K), for f built from an activation: split Gauss–Legendre rule."""
    return gauss_expect(f, K, n_points=ACTIVATION_NODES, kink=True)


def second_moment(K, activation: str, param: float | None = None) -> np.ndarray:
    """E[φ(z)²] for z ~ N(0, K)."""
    _, phi, _, _ = _act(activation, param)
    return _activation_expect(lambda z: phi(z) ** 2, K)


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
    (and, at infinite width, squared gradients) grow per layer.

    At K = 0 it is the limit K → 0⁺ (:func:`_zero_slope2`): for ReLU C_W/2, the mean of
    the squared slopes on the two sides of the kink, not C_W·ReLU′(0)² = 0.

    >>> [round(float(chi_perp(K, "relu", 1.0)), 12) for K in (0.0, 1.0)]
    [0.5, 0.5]
    """
    _, _, dphi, _ = _act(activation, param)
    K = np.asarray(K, dtype=float)
    c = _validate.nonnegative_float(C_W, "C_W")
    return np.where(K == 0.0, c * _zero_slope2(activation, param),
                    c * _activation_expect(lambda z: dphi(z) ** 2, K))


def chi_parallel(K, activation: str, C_W: float, param: float | None = None) -> np.ndarray:
    """χ_∥(K) = C_W · E[z φ(z) φ′(z)] / K = dK^(ℓ+1)/dK^(ℓ), the slope of the variance map."""
    _, phi, dphi, _ = _act(activation, param)
    K = np.asarray(K, dtype=float)
    c = _validate.nonnegative_float(C_W, "C_W")
    num = _activation_expect(lambda z: z * phi(z) * dphi(z), K)
    with np.errstate(divide="ignore", invalid="ignore"):
        # At K = 0, the limit K → 0⁺ (ReLU: C_W/2; tanh: C_W), not 0/0.
        return np.where(K == 0.0, c * _zero_slope2(activation, param), c * num / K)


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


# ---------------------------------------------------------------------------------------
# Finite width at leading order in 1/n (Part IV). Appended; the functions above are unchanged.


def fourth_moment(K, activation: str, param: float | None = None) -> np.ndarray:
    """E[φ(z)⁴] for z ~ N(0, K).

    >>> round(float(fourth_moment(1.0, "relu")), 12)
    1.5
    """
    _, phi, _, _ = _act(activation, param)
    return _activation_expect(lambda z: phi(z) ** 4, K)


def four_point_trajectory(K1: float, depth: int, activation: str, C_W: float, C_b: float = 0.0,
                          param: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Leading-order variance of the layer variance: return (K, V) for ℓ = 1, ..., depth.

    For one fixed input and Gaussian weights, write K̂^(ℓ) = C_b + (C_W/n) Σ_j φ(z_j^(ℓ−1))²
    for the variance of z^(ℓ) *given* the previous layer (it is random at finite width n).
    The law of total variance, expanded to leading order in 1/n, gives

        V^(1) = 0,   V^(ℓ+1) = C_W² (E[φ⁴] − E[φ²]²) + χ_∥(K^(ℓ))² V^(ℓ),

    with the expectations over z ~ N(0, K^(ℓ)) and V^(ℓ) = n · Var[K̂^(ℓ)] + O(1/n).
    The excess kurtosis of z^(ℓ) is then 3V^(ℓ) / (n (K^(ℓ))²) to leading order
    (see :func:`excess_kurtosis_recursion`). This is the single-input case of the
    four-point vertex recursion of Roberts, Yaida & Hanin (2022).

    >>> K, V = four_point_trajectory(1.0, 3, "relu", C_W=2.0)
    >>> [round(float(v), 9) for v in V]
    [0.0, 5.0, 10.0]
    """
    K = variance_trajectory(K1, depth, activation, C_W, C_b, param)
    C_W = _validate.nonnegative_float(C_W, "C_W")
    V = np.zeros_like(K)
    for l in range(1, K.size):
        k = K[l - 1]
        m2 = second_moment(k, activation, param)
        m4 = fourth_moment(k, activation, param)
        chi = chi_parallel(k, activation, C_W, param) if k > 0 else C_W * _zero_slope2(activation, param)
        V[l] = C_W**2 * (m4 - m2**2) + chi**2 * V[l - 1]
    return K, V


def _zero_slope2(activation: str, param) -> float:
    """χ_⊥/C_W and χ_∥/C_W in the limit K → 0⁺: the mean of the squared one-sided slopes at 0.

    z ~ N(0, K) falls on either side of 0 with probability 1/2, so E[φ′(z)²] tends to
    (φ′(0⁺)² + φ′(0⁻)²)/2: 1/2 for ReLU (not ReLU′(0)² = 0). The same limit holds for χ_∥
    because φ(0)·φ″(0) = 0 for every activation of the book.
    """
    _, _, dphi, _ = _act(activation, param)
    tiny = np.array([1e-300, -1e-300])
    return float(np.mean(dphi(tiny) ** 2))


def excess_kurtosis_recursion(K1: float, depth: int, width, activation: str, C_W: float, C_b: float = 0.0,
                              param: float | None = None) -> np.ndarray:
    """Leading-order excess kurtosis of z^(ℓ), ℓ = 1, ..., depth, every hidden width ``width``:
    3 V^(ℓ) / (n (K^(ℓ))²) from :func:`four_point_trajectory`.

    For scale-invariant activations at criticality this is 3ν(ℓ−1)/n exactly
    (ReLU: 15(ℓ−1)/n); for tanh at criticality it approaches 2ℓ/n (ν = 2/3) only for ℓ ≫ 1.

    >>> [round(float(k), 9) for k in excess_kurtosis_recursion(1.0, 3, 10, "relu", C_W=2.0)]
    [0.0, 1.5, 3.0]
    """
    n = _validate.positive_int(width, "width")
    K, V = four_point_trajectory(K1, depth, activation, C_W, C_b, param)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 3.0 * V / (n * K**2)


def _digamma_half(m: int) -> float:
    # ψ(m/2) for a whole number m >= 1, from ψ(1/2) = −γ − 2 ln 2, ψ(1) = −γ, ψ(x+1) = ψ(x) + 1/x.
    x = 0.5 if m % 2 else 1.0
    val = -0.5772156649015329 - 2.0 * math.log(2.0) if m % 2 else -0.5772156649015329
    while x < m / 2.0 - 1e-12:
        val += 1.0 / x
        x += 1.0
    return val


def _trigamma_half(m: int) -> float:
    # ψ′(m/2) from ψ′(1/2) = π²/2, ψ′(1) = π²/6, ψ′(x+1) = ψ′(x) − 1/x².
    x = 0.5 if m % 2 else 1.0
    val = math.pi**2 / 2.0 if m % 2 else math.pi**2 / 6.0
    while x < m / 2.0 - 1e-12:
        val -= 1.0 / (x * x)
        x += 1.0
    return val


def log_chi2_variance(k: int) -> float:
    """Var[ln X] for X ~ χ²_k: the trigamma function ψ′(k/2) (≈ 2/k for large k).

    >>> round(log_chi2_variance(1), 6) == round(math.pi**2 / 2, 6)
    True
    """
    return _trigamma_half(_validate.positive_int(k, "degrees of freedom k"))


def log_relu_layer_variance(width: int) -> float:
    """Exact Var[ln X] for one ReLU layer's factor X = (2/n) Σ_j ReLU(ε_j)², ε_j ~ N(0, 1),
    conditional on at least one active unit (X > 0). The number B of active units is
    Binomial(n, 1/2) and, given B, ln X = ln(2/n) + ln χ²_B, so
    Var[ln X] = E[ψ′(B/2)] + Var[ψ(B/2)] (≈ 5/n for large n).

    >>> abs(log_relu_layer_variance(1000) * 1000 - 5) < 0.05
    True
    """
    n = _validate.positive_int(width, "width")
    b = np.arange(1, n + 1)
    logp = np.array([math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) for k in b]) - n * math.log(2.0)
    p = np.exp(logp)
    p /= p.sum()
    psi = np.array([_digamma_half(int(k)) for k in b])
    tri = np.array([_trigamma_half(int(k)) for k in b])
    mean_psi = float(p @ psi)
    return float(p @ tri + p @ (psi - mean_psi) ** 2)


def log_norm_variance_relu_exact(widths) -> float:
    """Exact Var[ln‖z^(L)‖²] for a ReLU network at He initialization (C_W = 2, zero biases),
    one fixed input, layer widths ``widths = [n_1, ..., n_L]`` (the output width last),
    conditional on no layer having all its units inactive.

    ‖z^(L)‖² = K^(1) · X_1 ⋯ X_{L−1} · χ²_{n_L} with independent factors, so the variances of
    the logarithms add: Σ_{ℓ<L} :func:`log_relu_layer_variance` (n_ℓ) + ψ′(n_L/2).
    To leading order in 1/n this is 5 Σ_{ℓ<L} 1/n_ℓ + 2/n_L (compare
    :func:`log_norm_variance_relu`, Hanin and Nica's 5 Σ 1/n_ℓ over the hidden layers).

    >>> round(log_norm_variance_relu_exact([1]), 6) == round(math.pi**2 / 2, 6)
    True
    """
    ws = [_validate.positive_int(w, "every width") for w in widths]
    if not ws:
        raise ValueError("widths must list at least the output width [n_1, ..., n_L]")
    return sum(log_relu_layer_variance(w) for w in ws[:-1]) + log_chi2_variance(ws[-1])
