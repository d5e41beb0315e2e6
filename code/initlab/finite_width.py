"""Finite-width statistics of random networks: the simulations behind Part IV.

The chapter on initialization as statistics compares measurements over many random
networks with the predictions of :mod:`initlab.theory`. This module holds the measuring
side: it draws ensembles with :func:`initlab.forward_ensemble` (in chunks, so that memory
stays small) and reduces them to the numbers the chapter plots, each with a standard error.

- :func:`excess_kurtosis` estimates the excess kurtosis of a preactivation over
  initializations, with a delta-method (or batch) standard error that accounts for the
  units of one network being correlated.
- :func:`kurtosis_sweep` measures it layer by layer for several widths, beside the exact
  formula (scale-invariant activations), the leading order 3ν(ℓ−1)/n and the leading-order
  recursion at finite depth.
- :func:`output_samples` and :func:`qq_data` give the distribution of one output.
- :func:`log_norm_sweep` measures the fluctuations of ln‖z^(L)‖² over a grid of depths and
  widths (the aspect ratio r = L/n).
- :func:`relu_kurtosis_iid_weights` is the exact excess kurtosis of a ReLU network whose
  weights are i.i.d. but not Gaussian (e.g. uniform), :func:`relu_kurtosis_iid_weights_leading`
  its leading order in 1/n, and :func:`kurtosis_by_layer` measures it for any scheme.
- :func:`variance_trajectories` measures layer variances for several C_W, and
  :func:`phase_grid` computes the ordered/chaotic phase diagram over (C_W, C_b);
  :func:`order_chaos_boundary` follows its boundary χ⊥ = 1 and reports χ∥ along it.

Conventions: one input x of ones (so K^(1) = C_b + C_W), weights N(0, C_W/n_{ℓ−1}) drawn as
the LeCun normal scheme with gain √C_W, biases N(0, C_b).

Example
-------
>>> from initlab import finite_width
>>> s = finite_width.kurtosis_sweep("relu", widths=[8], max_ratio=0.25, n_nets=2000, rng=0)
>>> [int(l) for l in s.layer]
[1, 2, 3]
>>> bool(abs(s.value[1] - s.exact[1]) < 5 * s.se[1])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from . import _validate, theory
from .activations import ACTIVATIONS, activation as _activation
from .ensemble import forward_ensemble

#: Floats that one call of forward_ensemble may return (n_nets × Σ n_ℓ); bounds memory to ~32 MB.
_MAX_FLOATS = 4_000_000


def _chunk(widths) -> int:
    return max(1, _MAX_FLOATS // max(1, sum(widths[1:])))


def _gain_and_bias(C_W: float, C_b: float) -> tuple[float, float]:
    return math.sqrt(_validate.nonnegative_float(C_W, "C_W")), math.sqrt(_validate.nonnegative_float(C_b, "C_b"))


def _default_C_W(activation: str, C_W, param) -> float:
    if C_W is not None:
        return _validate.nonnegative_float(C_W, "C_W")
    return theory.critical_C_W(activation, param)


def _net_moments(rng, widths, activation, C_W, C_b, n_nets, param, powers=(2, 4)):
    """Per-network means over units of z^k, for every layer: dict power -> (n_nets, L)."""
    g, sb = _gain_and_bias(C_W, C_b)
    x = np.ones((1, widths[0]))
    L = len(widths) - 1
    out = {p: np.empty((n_nets, L)) for p in powers}
    step = _chunk(widths)
    for start in range(0, n_nets, step):
        k = min(step, n_nets - start)
        zs = forward_ensemble(x, widths, activation, "lecun_normal", n_nets=k, rng=rng, bias_std=sb, gain=g,
                              param=param)
        for l, z in enumerate(zs):
            z2 = z[:, 0, :] ** 2
            for p in powers:
                out[p][start:start + k, l] = np.mean(z2 ** (p // 2), axis=1)
    return out


# ---------------------------------------------------------------------------------------
# Excess kurtosis with a standard error


@dataclass
class KurtosisEstimate:
    """An excess-kurtosis estimate and its standard error."""

    value: float
    se: float


def kurtosis_from_moments(s2, s4, method: str = "delta", n_batches: int = 20) -> KurtosisEstimate:
    """Excess kurtosis E[z⁴]/E[z²]² − 3 from per-network moments, with its standard error.

    Parameters
    ----------
    s2, s4 : arrays of shape ``(n_nets,)``: for each network, the mean of z² and of z⁴ over
        its units (the units of one network are exchangeable but correlated, so the networks,
        not the units, are the independent samples). The mean of z is taken to be 0, which
        holds exactly by symmetry (flipping the sign of the last layer's weights).
    method : ``"delta"`` (default) or ``"batches"``.
        Delta method: with m₂, m₄ the means of s2, s4, the estimate is g = m₄/m₂² − 3 and
        Var(g) ≈ ∇gᵀ Σ ∇g / N with ∇g = (−2m₄/m₂³, 1/m₂²) and Σ the sample covariance of
        (s2, s4). Batches: split the networks into ``n_batches`` equal groups, estimate in
        each, and take std/√n_batches.

    >>> rng = np.random.default_rng(0)
    >>> z = rng.standard_normal(40000)
    >>> est = kurtosis_from_moments(z**2, z**4)
    >>> bool(abs(est.value) < 4 * est.se), bool(abs(est.se / np.sqrt(24 / 40000) - 1) < 0.2)
    (True, True)
    """
    s2 = _validate.finite_array(s2, "s2", ndim=1)
    s4 = _validate.finite_array(s4, "s4", ndim=1)
    if s2.shape != s4.shape:
        raise ValueError(f"s2 and s4 must have the same shape; got {s2.shape} and {s4.shape}")
    method = _validate.choice(method, ("delta", "batches"), "method")
    N = s2.size
    if N < 4:
        raise ValueError(f"need at least 4 networks for a standard error; got {N}")
    m2, m4 = s2.mean(), s4.mean()
    if m2 <= 0:
        raise ValueError("the second moment is 0: every sample is zero")
    value = m4 / m2**2 - 3.0
    if method == "delta":
        grad = np.array([-2.0 * m4 / m2**3, 1.0 / m2**2])
        cov = np.cov(np.vstack([s2, s4]))
        se = math.sqrt(max(float(grad @ cov @ grad), 0.0) / N)
    else:
        B = _validate.positive_int(n_batches, "n_batches")
        if B < 2 or B > N // 2:
            raise ValueError(f"n_batches must be between 2 and N/2 = {N // 2}; got {B}")
        size = N // B
        a2 = s2[: B * size].reshape(B, size).mean(axis=1)
        a4 = s4[: B * size].reshape(B, size).mean(axis=1)
        per = a4 / a2**2 - 3.0
        se = float(per.std(ddof=1) / math.sqrt(B))
    return KurtosisEstimate(float(value), float(se))


def excess_kurtosis(z, method: str = "delta") -> KurtosisEstimate:
    """Excess kurtosis over initializations of the entries of ``z``, with a standard error.

    ``z`` has the networks on its first axis (e.g. ``(n_nets, batch, n_ℓ)`` from
    :func:`initlab.forward_ensemble`); all other entries of one network are pooled as
    exchangeable units. See :func:`kurtosis_from_moments`.

    >>> from initlab import forward_ensemble
    >>> z = forward_ensemble(np.ones((1, 16)), [16, 16], n_nets=5000, rng=1)[0]
    >>> est = excess_kurtosis(z)
    >>> bool(abs(est.value) < 5 * est.se)
    True
    """
    z = _validate.finite_array(z, "z")
    if z.ndim < 2:
        z = z.reshape(-1, 1)
    z2 = (z * z).reshape(z.shape[0], -1)
    return kurtosis_from_moments(z2.mean(axis=1), (z2 * z2).mean(axis=1), method)


# ---------------------------------------------------------------------------------------
# Kurtosis layer by layer, for several widths


@dataclass
class KurtosisSweep:
    """Excess kurtosis of z^(ℓ) measured over ``n_nets`` networks, one row per (width, layer).

    Attributes
    ----------
    activation : the activation's name; C_W, C_b the initialization
    width, layer : the hidden width n and the layer ℓ of each row
    ratio : (ℓ − 1)/n, the number of random layers before ℓ per unit of width
    value, se : the measured excess kurtosis and its delta-method standard error
    exact : 3((1 + ν/n)^(ℓ−1) − 1) for scale-invariant activations at criticality, else NaN
    leading : 3ν(ℓ−1)/n, the leading order in 1/n with the asymptotic ν
    recursion : the leading order at finite depth, from :func:`initlab.theory.excess_kurtosis_recursion`
    n_nets : networks per width
    """

    activation: str
    C_W: float
    C_b: float
    width: np.ndarray
    layer: np.ndarray
    ratio: np.ndarray
    value: np.ndarray
    se: np.ndarray
    exact: np.ndarray
    leading: np.ndarray
    recursion: np.ndarray
    n_nets: int

    def z_scores(self) -> np.ndarray:
        """(measured − exact)/se for the rows with an exact value and se > 0 (others NaN)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.se > 0, (self.value - self.exact) / self.se, np.nan)


def kurtosis_sweep(activation: str, widths=(8, 16, 32, 64), max_ratio: float = 0.25, n_nets: int = 20000,
                   rng=None, C_W: float | None = None, C_b: float = 0.0, param: float | None = None) -> KurtosisSweep:
    """Measure the excess kurtosis of z^(ℓ) for ℓ = 1, ..., 1 + ⌊max_ratio · n⌋ at each width n.

    Every network has input width n, all layers of width n, the input x = (1, ..., 1) and
    weights N(0, C_W/n) (default C_W: the critical value, 2 for ReLU, 1 for linear and tanh).
    Layer 1 is exactly Gaussian (its excess kurtosis is 0; its measured value tests the
    estimator).

    >>> s = kurtosis_sweep("linear", widths=[8], max_ratio=0.25, n_nets=1000, rng=0)
    >>> s.ratio.tolist()
    [0.0, 0.125, 0.25]
    """
    act = _validate.choice(activation, ACTIVATIONS, "activation")
    _activation(act, param)
    C_W = _default_C_W(act, C_W, param)
    C_b = _validate.nonnegative_float(C_b, "C_b")
    max_ratio = _validate.nonnegative_float(max_ratio, "max_ratio")
    n_nets = _validate.positive_int(n_nets, "n_nets")
    gen = _validate.generator(rng)
    ws = [_validate.positive_int(w, "every width") for w in widths]
    if not ws:
        raise ValueError("widths must list at least one width")
    scale_inv = act in ("linear", "relu", "leaky_relu")
    critical = scale_inv and C_b == 0.0 and abs(C_W - theory.critical_C_W(act, param)) < 1e-12
    rows = {k: [] for k in ("width", "layer", "value", "se", "exact", "leading", "recursion")}
    for n in ws:
        depth = 1 + int(math.floor(max_ratio * n + 1e-9))
        mom = _net_moments(gen, [n] * (depth + 1), act, C_W, C_b, n_nets, param)
        K1 = C_b + C_W  # x = ones, so ‖x‖²/n_0 = 1
        rec = theory.excess_kurtosis_recursion(K1, depth, n, act, C_W, C_b, param)
        for l in range(1, depth + 1):
            est = kurtosis_from_moments(mom[2][:, l - 1], mom[4][:, l - 1])
            rows["width"].append(n)
            rows["layer"].append(l)
            rows["value"].append(est.value)
            rows["se"].append(est.se)
            rows["exact"].append(float(theory.excess_kurtosis_exact(l, n, act, param)) if critical else np.nan)
            rows["leading"].append(float(theory.excess_kurtosis_leading(l, n, act, param))
                                   if (critical or act == "tanh") else np.nan)
            rows["recursion"].append(float(rec[l - 1]))
    arr = {k: np.array(v, dtype=float) for k, v in rows.items()}
    return KurtosisSweep(act, C_W, C_b, arr["width"].astype(int), arr["layer"].astype(int),
                         (arr["layer"] - 1) / arr["width"], arr["value"], arr["se"], arr["exact"],
                         arr["leading"], arr["recursion"], n_nets)


# ---------------------------------------------------------------------------------------
# Non-Gaussian weights


def _weight_kurtosis(value) -> float:
    k = _validate.finite_float(value, "weight_kurtosis")
    if k < -2.0:
        raise ValueError(f"weight_kurtosis is an excess kurtosis, which is at least -2 for any distribution; got {k}")
    return k


def _input(x, width: int) -> np.ndarray:
    x = np.ones(width) if x is None else _validate.finite_array(x, "the input x", ndim=1)
    if not np.any(x != 0):
        raise ValueError("the input x must not be zero")
    return x


def relu_kurtosis_iid_weights(depth: int, width: int, weight_kurtosis: float = -1.2, x=None) -> np.ndarray:
    """Exact excess kurtosis of z^(ℓ), ℓ = 1, ..., ``depth``, for ReLU with i.i.d. non-Gaussian weights.

    The network has input x (default: ``width`` ones), hidden widths all n = ``width``, no
    biases, and weights drawn i.i.d. from a *symmetric* distribution with variance C_W/fan_in
    and excess kurtosis κ_w = ``weight_kurtosis`` (−6/5 for uniform weights, e.g. He
    uniform; 0 for Gaussian weights). ReLU is scale-invariant, so the result does not depend
    on C_W.

    Derivation (K = C_W‖x‖²/n_0, M^(ℓ) = E[K̂^(ℓ)²], Q^(ℓ) = E[(z^(ℓ))⁴],
    P^(ℓ) = E[Σ_i (a^(ℓ)_i)⁴] with P^(0) = Σ_i x_i⁴, κ₄^(ℓ) = κ_w (C_W/n_{ℓ−1})² the fourth
    cumulant of one weight of layer ℓ):

    1. Given a^(ℓ−1), z^(ℓ)_j = Σ_i a_i W_ij has E[z² | a] = K̂^(ℓ) and
       E[z⁴ | a] = 3 K̂^(ℓ)² + κ₄^(ℓ) Σ_i a_i⁴, so Q^(ℓ) = 3 M^(ℓ) + κ₄^(ℓ) P^(ℓ−1).
    2. z^(ℓ) is symmetric, so E[ReLU(z)^k] = E[z^k]/2: E[K̂^(ℓ)] = K at every layer and
       P^(ℓ) = n Q^(ℓ)/2.
    3. At C_W = 2, K̂^(ℓ+1) = (2/n) Σ_j ReLU(z^(ℓ)_j)², and given a^(ℓ−1) the n units of
       layer ℓ are independent (disjoint columns of W), so
       Var(K̂^(ℓ+1) | a^(ℓ−1)) = (4/n)·Var(ReLU(z)² | a^(ℓ−1)) = (5/n) K̂^(ℓ)² + (2/n) κ₄^(ℓ) Σ_i a_i⁴
       (step 1 and 2) and E[K̂^(ℓ+1) | a^(ℓ−1)] = K̂^(ℓ); hence
       M^(ℓ+1) = (1 + 5/n) M^(ℓ) + (2/n) κ₄^(ℓ) P^(ℓ−1), with M^(1) = K² (the input is fixed).
    4. κ^(ℓ) = Q^(ℓ)/K² − 3, because E[(z^(ℓ))²] = K.

    With κ_w = 0 this is 3((1 + 5/n)^(ℓ−1) − 1), :func:`initlab.theory.excess_kurtosis_exact`.

    >>> k = relu_kurtosis_iid_weights(3, 64)   # He uniform, input of ones
    >>> [round(float(v), 4) for v in k]
    [-0.0187, 0.1208, 0.3577]
    >>> bool(np.allclose(relu_kurtosis_iid_weights(5, 16, 0.0), 3 * ((1 + 5 / 16) ** np.arange(5) - 1)))
    True
    """
    depth = _validate.positive_int(depth, "depth")
    n = _validate.positive_int(width, "width")
    kw = _weight_kurtosis(weight_kurtosis)
    x = _input(x, n)
    n0 = x.size
    C_W = 2.0  # the result is the same for every C_W (scale invariance); He's value keeps K fixed
    K = C_W * float(x @ x) / n0
    P = float(np.sum(x**4))
    M = K * K
    out = np.empty(depth)
    for l in range(1, depth + 1):
        k4 = kw * (C_W / (n0 if l == 1 else n)) ** 2
        Q = 3.0 * M + k4 * P
        out[l - 1] = Q / K**2 - 3.0
        M = (1.0 + 5.0 / n) * M + (2.0 / n) * k4 * P
        P = n * Q / 2.0
    return out


def relu_kurtosis_iid_weights_leading(layer, width, weight_kurtosis: float = -1.2, x=None):
    """Leading order in 1/n of :func:`relu_kurtosis_iid_weights`: (15(ℓ − 1) + 6κ_w)/n for ℓ ≥ 2.

    The weights' fourth cumulant enters at order 1/n only through the last layer's own
    weights, E[z⁴ | a] − 3K̂² = κ_w (C_W/n)² Σ_i a_i⁴ ≈ κ_w C_W² E[ReLU(z)⁴]/n = 6κ_w K²/n;
    what it changes in the earlier layers is of order ℓ/n². So at leading order the
    correction does not grow with depth, but it is of the same order 1/n as 15(ℓ − 1)/n and
    does not vanish relative to it: for uniform weights (κ_w = −6/5) it is −7.2/n. Layer 1
    is κ_w Σx⁴/(Σx²)² (κ_w/n_0 for an input of ones), exactly.

    >>> round(float(relu_kurtosis_iid_weights_leading(2, 64)), 6)     # (15 - 7.2)/64
    0.121875
    >>> round(float(relu_kurtosis_iid_weights_leading(1, 16)), 6)     # -1.2/16
    -0.075
    """
    layer = np.asarray(layer)
    if layer.size == 0 or not np.issubdtype(layer.dtype, np.integer) or np.any(layer < 1):
        raise ValueError(f"layer must be a positive integer (or an array of them); got {layer!r}")
    n = _validate.positive_int(width, "width")
    kw = _weight_kurtosis(weight_kurtosis)
    x = _input(x, n)
    first = kw * float(np.sum(x**4)) / float(x @ x) ** 2
    return np.where(layer == 1, first, (15.0 * (layer - 1) + 6.0 * kw) / n)


def kurtosis_by_layer(widths, activation: str = "relu", scheme: str = "he_normal", n_nets: int = 20000,
                      rng=None, x=None) -> tuple[np.ndarray, np.ndarray]:
    """Measured excess kurtosis of every layer (values, standard errors) for any scheme.

    ``widths`` = [n_0, n_1, ..., n_L]; input x (default ones of width n_0), no biases; the
    networks are drawn with :func:`initlab.forward_ensemble` in chunks (explicit weight
    matrices for non-Gaussian schemes) and reduced by :func:`kurtosis_from_moments`.

    >>> v, se = kurtosis_by_layer([16, 16, 16], scheme="he_uniform", n_nets=4000, rng=0)
    >>> v.shape, bool(np.all(np.abs(v - relu_kurtosis_iid_weights(2, 16)) < 5 * se))
    ((2,), True)
    """
    ws = [_validate.positive_int(w, "every width") for w in widths]
    if len(ws) < 2:
        raise ValueError("widths must list the input width and at least one layer")
    x = _input(x, ws[0])
    if x.size != ws[0]:
        raise ValueError(f"the input x has {x.size} entries but widths[0] = {ws[0]}")
    n_nets = _validate.positive_int(n_nets, "n_nets")
    gen = _validate.generator(rng)
    L = len(ws) - 1
    s2, s4 = np.empty((n_nets, L)), np.empty((n_nets, L))
    step = max(1, min(_chunk(ws), _MAX_FLOATS // max(ws[l] * ws[l + 1] for l in range(L))))
    for start in range(0, n_nets, step):
        k = min(step, n_nets - start)
        zs = forward_ensemble(x[None, :], ws, activation, scheme, n_nets=k, rng=gen)
        for l, z in enumerate(zs):
            z2 = z[:, 0, :] ** 2
            s2[start:start + k, l] = z2.mean(axis=1)
            s4[start:start + k, l] = (z2 * z2).mean(axis=1)
    est = [kurtosis_from_moments(s2[:, l], s4[:, l]) for l in range(L)]
    return np.array([e.value for e in est]), np.array([e.se for e in est])


# ---------------------------------------------------------------------------------------
# The distribution of one output


def output_samples(widths, depth: int, activation: str = "relu", n_nets: int = 20000, rng=None,
                   C_W: float | None = None, C_b: float = 0.0, param: float | None = None) -> dict:
    """Samples of one network output z^(L) over ``n_nets`` initializations, for each hidden width.

    For each n in ``widths`` the network is [n_0 = n, n, ..., n, 1]: ``depth`` layers, the
    last with one unit, input x = (1, ..., 1). Returns ``{n: array (n_nets,)}`` and, under the
    key ``"K"``, the infinite-width variance K^(L) from the variance map.

    >>> s = output_samples([4, 64], depth=3, n_nets=100, rng=0)
    >>> sorted(k for k in s if k != "K"), s[4].shape, round(float(s["K"]), 6)
    ([4, 64], (100,), 2.0)
    """
    act = _validate.choice(activation, ACTIVATIONS, "activation")
    C_W = _default_C_W(act, C_W, param)
    depth = _validate.positive_int(depth, "depth")
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (one hidden layer and the output); got {depth}")
    gen = _validate.generator(rng)
    g, sb = _gain_and_bias(C_W, C_b)
    out = {}
    for n in widths:
        n = _validate.positive_int(n, "every width")
        z = forward_ensemble(np.ones((1, n)), [n] * depth + [1], act, "lecun_normal", n_nets=n_nets, rng=gen,
                             bias_std=sb, gain=g, param=param)[-1]
        out[n] = z[:, 0, 0].copy()
    out["K"] = float(theory.variance_trajectory(C_b + C_W, depth, act, C_W, C_b, param)[-1])
    return out


def normal_quantiles(p) -> np.ndarray:
    """Quantiles of the standard normal distribution at probabilities ``p`` (0 < p < 1).

    >>> round(float(normal_quantiles([0.975])[0]), 4)
    1.96
    """
    p = _validate.finite_array(p, "the probabilities p")
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError("probabilities must lie strictly between 0 and 1")
    nd = NormalDist()
    return np.array([nd.inv_cdf(float(q)) for q in p.ravel()]).reshape(p.shape)


def qq_data(samples, scale: float, n_points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Points of a normal Q–Q plot: (standard normal quantiles, sample quantiles / ``scale``).

    The probabilities are (i − 1/2)/m for i = 1, ..., m with m = ``n_points`` (or the sample
    size if smaller). With ``scale`` = √K, a Gaussian N(0, K) sample lies on the diagonal.

    >>> q, s = qq_data(np.random.default_rng(0).normal(0, 2, 50000), scale=2.0, n_points=5)
    >>> np.round(q, 3).tolist(), bool(np.allclose(q, s, atol=0.05))
    ([-1.282, -0.524, 0.0, 0.524, 1.282], True)
    """
    x = _validate.finite_array(samples, "samples", ndim=1)
    scale = _validate.nonnegative_float(scale, "scale")
    if scale == 0:
        raise ValueError("scale must be > 0")
    m = min(_validate.positive_int(n_points, "n_points"), x.size)
    p = (np.arange(1, m + 1) - 0.5) / m
    return normal_quantiles(p), np.quantile(x, p) / scale


# ---------------------------------------------------------------------------------------
# Fluctuations of ‖z^(L)‖² against the aspect ratio


@dataclass
class LogNormSweep:
    """Fluctuations of ln‖z^(L)‖² over initializations for ReLU networks at He initialization.

    One entry per (width n, depth L): ``ratio`` = L/n; ``var`` and ``var_se`` the sample
    variance of ln‖z^(L)‖² and its standard error; ``exact`` from
    :func:`initlab.theory.log_norm_variance_relu_exact`; ``leading`` = 5(L−1)/n + 2/n;
    ``q05``, ``q50``, ``q95`` quantiles of ‖z^(L)‖² / E‖z^(L)‖²; ``dead`` the fraction of
    networks whose output was exactly 0 (some layer had no active unit; left out).
    """

    width: np.ndarray
    depth: np.ndarray
    ratio: np.ndarray
    var: np.ndarray
    var_se: np.ndarray
    exact: np.ndarray
    leading: np.ndarray
    q05: np.ndarray
    q50: np.ndarray
    q95: np.ndarray
    dead: np.ndarray
    n_nets: int


def log_norm_sweep(widths=(16, 32, 64), ratios=(0.125, 0.25, 0.5, 1.0, 2.0, 4.0), n_nets: int = 2000,
                   rng=None) -> LogNormSweep:
    """Measure Var[ln‖z^(L)‖²] for ReLU networks (He, zero biases) with L = r·n layers of width n.

    The input is x = (1, ..., 1) of width n, so E‖z^(L)‖² = n·K^(1) = 2n exactly. The
    standard error of a sample variance s² of N values with excess kurtosis κ is
    s²·√(2/(N−1) + κ/N); κ is estimated from the same values.

    >>> s = log_norm_sweep(widths=[16], ratios=[0.25], n_nets=500, rng=0)
    >>> int(s.depth[0]), bool(abs(s.var[0] - s.exact[0]) < 5 * s.var_se[0])
    (4, True)
    """
    n_nets = _validate.positive_int(n_nets, "n_nets")
    if n_nets < 10:
        raise ValueError(f"n_nets must be at least 10; got {n_nets}")
    gen = _validate.generator(rng)
    rows = {k: [] for k in ("width", "depth", "var", "var_se", "exact", "leading", "q05", "q50", "q95", "dead")}
    for n in widths:
        n = _validate.positive_int(n, "every width")
        for r in ratios:
            r = _validate.nonnegative_float(r, "every ratio")
            L = int(round(r * n))
            if L < 1:
                raise ValueError(f"ratio {r} with width {n} gives depth {r * n:.2f} < 1; use larger ratios")
            norms = np.empty(n_nets)
            step = _chunk([n] * (L + 1))
            for start in range(0, n_nets, step):
                k = min(step, n_nets - start)
                z = _last_layer(gen, n, L, k)
                norms[start:start + k] = np.sum(z * z, axis=1)
            alive = norms > 0
            v = np.log(norms[alive])
            N = v.size
            s2 = float(v.var(ddof=1))
            c = v - v.mean()
            kurt = float(np.mean(c**4) / np.mean(c**2) ** 2 - 3.0)
            rows["width"].append(n)
            rows["depth"].append(L)
            rows["var"].append(s2)
            rows["var_se"].append(s2 * math.sqrt(max(2.0 / (N - 1) + kurt / N, 0.0)))
            rows["exact"].append(theory.log_norm_variance_relu_exact([n] * L))
            rows["leading"].append(5.0 * (L - 1) / n + 2.0 / n)
            rel = norms[alive] / (2.0 * n)
            q = np.quantile(rel, [0.05, 0.5, 0.95])
            rows["q05"].append(q[0])
            rows["q50"].append(q[1])
            rows["q95"].append(q[2])
            rows["dead"].append(1.0 - alive.mean())
    a = {k: np.array(v, dtype=float) for k, v in rows.items()}
    return LogNormSweep(a["width"].astype(int), a["depth"].astype(int), a["depth"] / a["width"], a["var"],
                        a["var_se"], a["exact"], a["leading"], a["q05"], a["q50"], a["q95"], a["dead"], n_nets)


def _last_layer(gen, n, L, k):
    """z^(L) (shape (k, n)) of k ReLU networks at He initialization, input of ones, width n."""
    x = np.ones((1, n))
    zs = forward_ensemble(x, [n] * (L + 1), "relu", "he_normal", n_nets=k, rng=gen)
    return zs[-1][:, 0, :]


# ---------------------------------------------------------------------------------------
# Layer variances and the phase diagram


def variance_trajectories(activation: str, C_W_values, depth: int, width: int = 128, n_nets: int = 200,
                          rng=None, C_b: float = 0.0, param: float | None = None) -> dict:
    """Measured and predicted preactivation variance K^(ℓ), ℓ = 1..depth, for several C_W.

    Returns ``{C_W: {"measured": (depth,), "se": (depth,), "theory": (depth,)}}``; the
    measurement is the mean of z² over units and networks (width ``width``, input of ones),
    its standard error the spread of the per-network means over √n_nets.

    >>> t = variance_trajectories("relu", [2.0], depth=3, width=32, n_nets=50, rng=0)
    >>> np.round(t[2.0]["theory"], 9).tolist()
    [2.0, 2.0, 2.0]
    """
    act = _validate.choice(activation, ACTIVATIONS, "activation")
    depth = _validate.positive_int(depth, "depth")
    width = _validate.positive_int(width, "width")
    n_nets = _validate.positive_int(n_nets, "n_nets")
    gen = _validate.generator(rng)
    res = {}
    for C_W in C_W_values:
        C_W = _validate.nonnegative_float(C_W, "every C_W")
        mom = _net_moments(gen, [width] * (depth + 1), act, C_W, C_b, n_nets, param, powers=(2,))[2]
        res[C_W] = {
            "measured": mom.mean(axis=0),
            "se": mom.std(axis=0, ddof=1) / math.sqrt(n_nets),
            "theory": theory.variance_trajectory(C_b + C_W, depth, act, C_W, C_b, param),
        }
    return res


@dataclass
class PhaseGrid:
    """The fixed point and susceptibility over a grid of (C_W, C_b).

    ``K_star[i, j]`` and ``chi_perp[i, j]`` belong to ``C_b[i]`` and ``C_W[j]``;
    χ_⊥ < 1 is the ordered phase, χ_⊥ > 1 the chaotic phase.
    """

    activation: str
    C_W: np.ndarray
    C_b: np.ndarray
    K_star: np.ndarray
    chi_perp: np.ndarray


def fixed_points(activation: str, C_W, C_b, n_iter: int = 1000, K0: float = 1.0,
                 param: float | None = None) -> np.ndarray:
    """Iterate the variance map on arrays of (C_W, C_b) at once; return K after ``n_iter`` steps.

    The iteration converges geometrically off the critical line and like a power law on
    it (at C_W = 1, C_b = 0 for tanh, K ≈ 1/(2·n_iter)). Values above 1e12 are reported
    as ``inf``. The expectations use 48 Gauss–Hermite nodes (fast on a whole grid; for tanh
    K* is then accurate to about 1e-6 relative).

    >>> round(float(fixed_points("relu", 1.0, 0.5)), 9)
    1.0
    """
    act = _validate.choice(activation, ACTIVATIONS, "activation")
    C_W = np.asarray(C_W, dtype=float)
    C_b = np.asarray(C_b, dtype=float)
    if np.any(C_W < 0) or np.any(C_b < 0) or not (np.all(np.isfinite(C_W)) and np.all(np.isfinite(C_b))):
        raise ValueError("C_W and C_b must be finite and >= 0")
    C_W, C_b = np.broadcast_arrays(C_W, C_b)
    K = np.full(C_W.shape, _validate.nonnegative_float(K0, "K0"))
    _, phi, _, kink = theory._act(act, param)
    for _ in range(_validate.positive_int(n_iter, "n_iter")):
        with np.errstate(over="ignore", invalid="ignore"):
            m2 = theory.gauss_expect(lambda z: phi(z) ** 2, np.minimum(K, 1e12), n_points=48, kink=kink)
            K = np.where(K > 1e12, np.inf, C_b + C_W * m2)
    return K


def phase_grid(activation: str = "tanh", C_W=np.linspace(0.5, 4.0, 36), C_b=np.linspace(0.0, 0.4, 21),
               n_iter: int = 1000, param: float | None = None) -> PhaseGrid:
    """χ_⊥ = C_W·E[φ′(z)²] at the fixed point K*, over a grid of (C_W, C_b).

    >>> g = phase_grid("tanh", C_W=[0.5, 25 / 9], C_b=[0.0], n_iter=500)
    >>> bool(g.chi_perp[0, 0] < 1 < g.chi_perp[0, 1])
    True
    """
    act = _validate.choice(activation, ACTIVATIONS, "activation")
    cw = _validate.finite_array(C_W, "C_W", ndim=1)
    cb = _validate.finite_array(C_b, "C_b", ndim=1)
    CW, CB = np.meshgrid(cw, cb)
    K = fixed_points(act, CW, CB, n_iter=n_iter, param=param)
    _, _, dphi, kink = theory._act(act, param)
    with np.errstate(over="ignore", invalid="ignore"):
        chi = CW * theory.gauss_expect(lambda z: dphi(z) ** 2, np.where(np.isfinite(K), K, 0.0), kink=kink)
    chi = np.where(np.isfinite(K), chi, np.inf)
    return PhaseGrid(act, cw, cb, K, chi)


@dataclass
class Boundary:
    """Points (C_W, C_b) of the order-to-chaos boundary χ⊥(K*) = 1, with K* and χ∥ there."""

    activation: str
    C_b: np.ndarray
    C_W: np.ndarray
    K_star: np.ndarray
    chi_par: np.ndarray


def _bracketed_root(f, lo: float, hi: float, tol: float = 1e-13, max_iter: int = 200) -> float:
    """A root of f in [lo, hi], where f changes sign, by the Illinois variant of regula falsi
    (superlinear, and it keeps the bracket)."""
    flo, fhi = f(lo), f(hi)
    if flo == 0:
        return lo
    if fhi == 0:
        return hi
    if (flo > 0) == (fhi > 0):
        raise ValueError("f does not change sign on the bracket")
    side = 0
    x = lo
    for _ in range(max_iter):
        x = (lo * fhi - hi * flo) / (fhi - flo)
        fx = f(x)
        if abs(fx) < tol or hi - lo < tol * (1.0 + abs(x)):
            return x
        if (fx > 0) == (fhi > 0):
            hi, fhi = x, fx
            if side == -1:
                flo /= 2
            side = -1
        else:
            lo, flo = x, fx
            if side == 1:
                fhi /= 2
            side = 1
    return x


def _tanh_fixed_point(C_W: float, C_b: float) -> float:
    """The positive fixed point of the tanh map for C_b > 0, bracketed in [0, C_b + C_W].

    F(0) = C_b > 0 and F(K) ≤ C_b + C_W (tanh² ≤ 1), so F(K) − K changes sign once there
    (F is increasing and concave)."""
    return _bracketed_root(lambda K: float(theory.variance_map(K, "tanh", C_W, C_b)) - K, 0.0, C_b + C_W)


def order_chaos_boundary(C_b, activation: str = "tanh", C_W_max: float = 20.0) -> Boundary:
    """Follow the boundary χ⊥(K*) = 1 between the ordered and the chaotic phase, for each C_b > 0.

    For each bias variance C_b the weight variance C_W on the boundary is the root of
    χ⊥(K*(C_W)) − 1 on [1, ``C_W_max``] (negative at C_W = 1 when C_b > 0, positive at large
    C_W), with the fixed point K* solved at each trial C_W; both roots by bracketed regula
    falsi to about 1e-13. Only tanh is supported: its map
    is bounded, so K* is finite. At C_b = 0 the boundary ends at (C_W, C_b) = (1, 0), the
    only critical point (χ∥ = χ⊥ = 1 there); for C_b > 0, χ∥ < 1 on the boundary, so those
    points are not critical in the sense of χ∥ = χ⊥ = 1 (Poole et al. 2016).

    >>> b = order_chaos_boundary([0.1])
    >>> round(float(b.C_W[0]), 3), round(float(b.chi_par[0]), 3)
    (1.986, 0.439)
    """
    act = _validate.choice(activation, ("tanh",), "activation")
    cb = _validate.finite_array(C_b, "C_b", ndim=1)
    if np.any(cb <= 0):
        raise ValueError("every C_b must be > 0 (at C_b = 0 the boundary is the point C_W = 1, K* = 0)")
    C_W_max = _validate.nonnegative_float(C_W_max, "C_W_max")

    def excess(C_W, C_b):
        return float(theory.chi_perp(_tanh_fixed_point(C_W, C_b), act, C_W)) - 1.0

    cws, ks, chis = [], [], []
    for b in cb:
        if not (excess(1.0, b) < 0 < excess(C_W_max, b)):
            raise ValueError(f"no boundary point with 1 <= C_W <= {C_W_max} for C_b = {b}; raise C_W_max")
        cw = _bracketed_root(lambda c: excess(c, b), 1.0, C_W_max)
        K = _tanh_fixed_point(cw, b)
        cws.append(cw)
        ks.append(K)
        chis.append(float(theory.chi_parallel(K, act, cw)))
    return Boundary(act, cb, np.array(cws), np.array(ks), np.array(chis))
