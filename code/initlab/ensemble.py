"""Many random networks at once: forward and backward statistics across an ensemble.

The book's simulations ask how a quantity (a preactivation, a gradient, a norm) is
distributed *over initializations*. ``forward_ensemble`` draws ``n_nets`` independent
fully connected networks with one scheme and returns every layer's preactivations for one
input batch, stacked over networks; ``backward_ensemble`` also back-propagates a gradient.
Both are vectorized over networks (stacked matrix products), in chunks that bound memory.

The Gaussian shortcut
---------------------
For Gaussian weights W_ij ~ N(0, σ_W²) and biases b_j ~ N(0, σ_b²), *given* the previous
layer's activations ``a`` (shape ``(batch, n)``), each column j of ``z = a @ W + b`` is an
independent Gaussian vector over the batch with covariance ``σ_b² + σ_W² · a aᵀ``. So a
layer can be sampled from the batch's Gram matrix ``a aᵀ`` (``batch × batch``) with
``batch × n_out`` standard normals, instead of drawing ``n × n_out`` weights. The joint
distribution of all layers' preactivations is *exactly* the same as with explicit weights
(not an approximation); only the random numbers differ. ``method="auto"`` uses this for the
Gaussian schemes and explicit weights for the others.

Exploding and vanishing signals overflow to ``inf`` (or become ``nan``) silently; use
:func:`exploded_at` and :func:`vanished_at` to find the first layer where that happened.

Example
-------
>>> import numpy as np
>>> from initlab import forward_ensemble
>>> x = np.ones((1, 100))
>>> zs = forward_ensemble(x, [100, 100, 100], n_nets=500, rng=0)
>>> [z.shape for z in zs]
[(500, 1, 100), (500, 1, 100)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _validate
from .activations import ACTIVATIONS, activation as _activation, derivative as _derivative
from .schemes import GAUSSIAN_SCHEMES, SCHEMES, UNIFORM_SCHEMES, init_std, _mode

METHODS = ("auto", "gram", "weights")

# Bytes of scratch space one chunk of networks may use (weights or Gram factors).
_CHUNK_BYTES = 48 * 2**20


def _check_common(x, widths, act, scheme, n_nets, bias_std, gain, param, mode):
    act = _validate.choice(act, ACTIVATIONS, "activation")
    _activation(act, param)  # validates param
    scheme = _validate.choice(scheme, SCHEMES, "scheme")
    if scheme == "constant":
        raise ValueError(
            "scheme 'constant' needs a value and is not used in ensembles; use initialize('constant', shape, value=...) "
            "and initlab.mlp for constant weights"
        )
    _mode(scheme, mode)
    if isinstance(widths, (int, np.integer)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a list [n_0, n_1, ..., n_L] of layer widths, input first; got {widths!r}")
    widths = [_validate.positive_int(w, "every width") for w in widths]
    if len(widths) < 2:
        raise ValueError(
            f"widths must list the input width and at least one layer, [n_0, n_1, ..., n_L]; got {widths!r}"
        )
    x = _validate.finite_array(x, "the input x")
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"the input x must have shape (batch, n_0); got shape {x.shape}")
    if x.shape[1] != widths[0]:
        raise ValueError(
            f"the input has {x.shape[1]} features but widths[0] = {widths[0]}; widths lists the input width first, "
            f"so x must have shape (batch, {widths[0]})"
        )
    n_nets = _validate.positive_int(n_nets, "n_nets")
    bias_std = _validate.nonnegative_float(bias_std, "bias_std")
    gain = 1.0 if gain is None else _validate.nonnegative_float(gain, "gain")
    return x, widths, act, scheme, n_nets, bias_std, gain


def _chunk(n_nets: int, per_net_bytes: float, chunk_size: int | None) -> int:
    if chunk_size is not None:
        return max(1, min(n_nets, _validate.positive_int(chunk_size, "chunk_size")))
    return int(max(1, min(n_nets, _CHUNK_BYTES // max(per_net_bytes, 1))))


def _draw_weights(scheme, shape, std, rng):
    """Draw a stack of weight matrices, shape (chunk, n_in, n_out), for one layer."""
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme in UNIFORM_SCHEMES:
        a = math.sqrt(3.0) * std
        return rng.uniform(-a, a, size=shape)
    if scheme == "orthogonal":
        return batched_orthogonal(shape, rng, std * math.sqrt(max(shape[1], shape[2])))
    return rng.normal(0.0, std, size=shape)


def batched_orthogonal(shape, rng, gain: float = 1.0) -> np.ndarray:
    """Draw a stack of (semi-)orthogonal matrices of shape ``(chunk, n_in, n_out)`` at once.

    The same construction as ``initialize("orthogonal", ...)``: the Q factor of a Gaussian
    matrix with the signs of R's diagonal fixed (Haar measure), times ``gain``.
    """
    c, n_in, n_out = shape
    big, small = max(n_in, n_out), min(n_in, n_out)
    q, r = np.linalg.qr(rng.standard_normal((c, big, small)))
    d = np.sign(np.diagonal(r, axis1=1, axis2=2))
    q = q * np.where(d == 0, 1.0, d)[:, None, :]
    if n_in < n_out:
        q = np.swapaxes(q, 1, 2)
    return gain * q


def _gram_layer(a, sw, sb, n_out, rng):
    """Sample z = a @ W + b for Gaussian W, b from the batch covariance of each network.

    ``a`` has shape (chunk, batch, n); returns (chunk, batch, n_out).

    Each network's activations are first divided by their largest magnitude ``s``, and the
    square root of the covariance is multiplied by ``s`` afterwards: the Gram matrix holds
    squares, so without this it would overflow when the signal reached about 1e154,
    while a network with explicit weights overflows only at 1e308. With the scaling both
    methods overflow at the same depth.
    """
    c, batch, _ = a.shape
    eps = rng.standard_normal((c, batch, n_out))
    s = np.max(np.abs(a), axis=(1, 2))  # (c,); inf or nan once the signal has broken down
    ok = np.isfinite(s) & (s > 0)
    s_safe = np.where(ok, s, 1.0)[:, None, None]
    a = a / s_safe
    if batch == 1:
        k = sw * sw * np.einsum("cbi,cbi->cb", a, a) + (sb * sb) / s_safe[:, :, 0] ** 2
        with np.errstate(invalid="ignore"):
            return (s_safe * np.sqrt(k)[:, :, None]) * eps
    cov = sw * sw * (a @ np.swapaxes(a, 1, 2))
    if sb > 0:
        cov = cov + (sb * sb) / s_safe**2
    if np.all(ok):  # the usual case: every network's signal is finite and nonzero
        return s_safe * (_sqrt_cov(cov) @ eps)
    z = np.full((c, batch, n_out), np.nan)
    zero = np.isfinite(s) & (s == 0)
    if np.any(zero):  # all activations 0: only the bias remains, the same for every input
        z[zero] = sb * eps[zero][:, :1, :] * np.ones((1, batch, 1))
    if np.any(ok):
        z[ok] = s_safe[ok] * (_sqrt_cov(cov[ok]) @ eps[ok])
    # Networks whose signal already overflowed keep inf where it is infinite.
    bad = ~np.isfinite(s)
    if np.any(bad):
        z[bad] = np.where(np.isinf(a[bad]).any(axis=2, keepdims=True), np.inf, np.nan) * np.ones((1, 1, n_out))
    return z


def _sqrt_cov(cov):
    """A stack of matrices R with R Rᵀ = cov, for a stack of covariance matrices.

    Cholesky when every matrix is positive definite (the usual case, and ~100× faster
    than an eigen-decomposition for small batches); otherwise (repeated inputs, a batch
    larger than the width, dead ReLU layers make the covariance singular) the symmetric
    square root from ``eigh`` with negative rounding-level eigenvalues clipped to 0.
    Either root gives z = R ε the covariance ``cov`` exactly.
    """
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        vals, vecs = np.linalg.eigh(cov)
        return vecs * np.sqrt(np.clip(vals, 0.0, None))[:, None, :]


def forward_ensemble(
    x,
    widths,
    activation: str = "relu",
    scheme: str = "he_normal",
    n_nets: int = 1000,
    rng=None,
    bias_std: float = 0.0,
    gain: float | None = None,
    *,
    param: float | None = None,
    mode: str | None = None,
    method: str = "auto",
    chunk_size: int | None = None,
) -> list[np.ndarray]:
    """Draw ``n_nets`` random networks and return every layer's preactivations.

    Parameters
    ----------
    x : array of shape ``(batch, n_0)`` (a 1-D array is taken as a batch of one)
    widths : ``[n_0, n_1, ..., n_L]``, the input width first, then each layer's width
    activation : one of :data:`initlab.ACTIVATIONS`, applied between layers
    scheme : one of :data:`initlab.SCHEMES` except ``"constant"``
    n_nets : number of independent networks
    rng : ``numpy.random.Generator``, int seed or None
    bias_std : standard deviation of the (Gaussian) biases, √C_b; 0 means no bias
    gain : factor on the scheme's standard deviation (None means 1, the published scheme)
    param : the leaky ReLU's negative slope
    mode : ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"`` for LeCun and He schemes
    method : ``"auto"`` (Gram shortcut for Gaussian schemes), ``"gram"`` or ``"weights"``
    chunk_size : networks per chunk (default: chosen to bound memory)

    Returns
    -------
    list of L arrays; entry ``ℓ-1`` holds z^(ℓ) with shape ``(n_nets, batch, n_ℓ)``.
    """
    x, widths, act, scheme, n_nets, bias_std, g = _check_common(
        x, widths, activation, scheme, n_nets, bias_std, gain, param, mode
    )
    method = _validate.choice(method, METHODS, "method")
    gaussian = scheme in GAUSSIAN_SCHEMES
    if method == "gram" and not gaussian:
        raise ValueError(
            f"method 'gram' needs Gaussian weights (schemes: {', '.join(GAUSSIAN_SCHEMES)}); got scheme {scheme!r}"
        )
    use_gram = gaussian and method in ("auto", "gram")
    gen = _validate.generator(rng)
    phi = _activation(act, param)
    batch = x.shape[0]
    L = len(widths) - 1
    stds = [init_std(scheme, widths[l], widths[l + 1], gain=g, mode=mode) for l in range(L)]
    out = [np.empty((n_nets, batch, widths[l + 1])) for l in range(L)]
    if use_gram:
        per_net = 8.0 * batch * (max(widths) * 3 + batch * 4)
    else:
        per_net = 8.0 * max(widths[l] * widths[l + 1] for l in range(L))
    c = _chunk(n_nets, per_net, chunk_size)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for start in range(0, n_nets, c):
            stop = min(n_nets, start + c)
            k = stop - start
            a = np.broadcast_to(x, (k, batch, widths[0]))
            for l in range(L):
                n_out = widths[l + 1]
                if use_gram:
                    z = _gram_layer(a, stds[l], bias_std, n_out, gen)
                else:
                    W = _draw_weights(scheme, (k, widths[l], n_out), stds[l], gen)
                    z = a @ W
                    if bias_std > 0:
                        z += gen.normal(0.0, bias_std, size=(k, 1, n_out))
                out[l][start:stop] = z
                if l + 1 < L:
                    a = phi(z)
    return out


@dataclass
class EnsembleGradients:
    """Forward and backward quantities of an ensemble of networks.

    Attributes
    ----------
    preacts : list of L arrays ``(n_nets, batch, n_ℓ)``, the preactivations z^(ℓ)
    grad_preacts : list of L arrays, ∂ℓ/∂z^(ℓ) for the loss ℓ = Σ u · z^(L)
    grad_acts : list of L arrays ``(n_nets, batch, n_{ℓ-1})``, ∂ℓ/∂a^(ℓ-1) (entry 0 is the
        gradient with respect to the input)
    weight_rms : array ``(n_nets, L)``, root mean square of each layer's weights
    weight_grad_rms : array ``(n_nets, L)``, root mean square of ∂ℓ/∂W^(ℓ)
    activation, scheme : the names used
    """

    preacts: list
    grad_preacts: list
    grad_acts: list
    weight_rms: np.ndarray
    weight_grad_rms: np.ndarray
    activation: str
    scheme: str
    param: float | None = None

    @property
    def depth(self) -> int:
        return len(self.preacts)

    def activations(self) -> list:
        """The activations a^(ℓ) = φ(z^(ℓ)) of every layer (computed on request)."""
        phi = _activation(self.activation, self.param)
        with np.errstate(over="ignore", invalid="ignore"):
            return [phi(z) for z in self.preacts]

    def grad_to_weight_ratio(self) -> np.ndarray:
        """Per-layer ratio rms(∂ℓ/∂W) / rms(W), averaged over networks; shape (L,)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nanmean(self.weight_grad_rms / self.weight_rms, axis=0)


def backward_ensemble(
    x,
    widths,
    activation: str = "relu",
    scheme: str = "he_normal",
    n_nets: int = 100,
    rng=None,
    bias_std: float = 0.0,
    gain: float | None = None,
    *,
    param: float | None = None,
    mode: str | None = None,
    upstream="normal",
    chunk_size: int | None = None,
    weight_stats: bool = True,
) -> EnsembleGradients:
    """Draw networks with explicit weights, run them forward and back-propagate a gradient.

    The loss is ℓ = Σ_{b,i} u_{b,i} z^(L)_{b,i}, so ∂ℓ/∂z^(L) = u. ``upstream`` sets u:
    ``"normal"`` (independent N(0, 1) per network, the default), ``"ones"``, or an array of
    shape ``(batch, n_L)`` used for every network.

    Parameters are those of :func:`forward_ensemble`; with ``weight_stats=False`` the
    weight gradients ∂ℓ/∂W (one extra matrix product per layer) are not formed, and
    ``weight_rms`` and ``weight_grad_rms`` are left as NaN (the explorers need only the
    signals and their gradients). Returns an :class:`EnsembleGradients`.
    """
    x, widths, act, scheme, n_nets, bias_std, g = _check_common(
        x, widths, activation, scheme, n_nets, bias_std, gain, param, mode
    )
    gen = _validate.generator(rng)
    phi, dphi = _activation(act, param), _derivative(act, param)
    batch = x.shape[0]
    L = len(widths) - 1
    if isinstance(upstream, str):
        upstream = _validate.choice(upstream, ("normal", "ones"), "upstream")
        u_fixed = None
    else:
        u_fixed = _validate.finite_array(upstream, "upstream")
        if u_fixed.shape != (batch, widths[-1]):
            raise ValueError(f"upstream must have shape (batch, n_L) = {(batch, widths[-1])}; got {u_fixed.shape}")
    stds = [init_std(scheme, widths[l], widths[l + 1], gain=g, mode=mode) for l in range(L)]
    pre = [np.empty((n_nets, batch, widths[l + 1])) for l in range(L)]
    gpre = [np.empty_like(p) for p in pre]
    gact = [np.empty((n_nets, batch, widths[l])) for l in range(L)]
    w_rms = np.full((n_nets, L), np.nan)
    gw_rms = np.full((n_nets, L), np.nan)
    per_net = 8.0 * sum(widths[l] * widths[l + 1] for l in range(L)) * 2
    c = _chunk(n_nets, per_net, chunk_size)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for start in range(0, n_nets, c):
            stop = min(n_nets, start + c)
            k = stop - start
            a_prev = [np.broadcast_to(x, (k, batch, widths[0]))]
            Ws = []
            for l in range(L):
                W = _draw_weights(scheme, (k, widths[l], widths[l + 1]), stds[l], gen)
                z = a_prev[-1] @ W
                if bias_std > 0:
                    z += gen.normal(0.0, bias_std, size=(k, 1, widths[l + 1]))
                Ws.append(W)
                pre[l][start:stop] = z
                if weight_stats:
                    w_rms[start:stop, l] = np.sqrt(np.mean(W * W, axis=(1, 2)))
                if l + 1 < L:
                    a_prev.append(phi(z))
            if u_fixed is not None:
                delta = np.broadcast_to(u_fixed, (k, batch, widths[-1])).copy()
            elif upstream == "ones":
                delta = np.ones((k, batch, widths[-1]))
            else:
                delta = gen.standard_normal((k, batch, widths[-1]))
            for l in range(L - 1, -1, -1):
                gpre[l][start:stop] = delta
                if weight_stats:
                    gW = np.swapaxes(a_prev[l], 1, 2) @ delta
                    gw_rms[start:stop, l] = np.sqrt(np.mean(gW * gW, axis=(1, 2)))
                ga = delta @ np.swapaxes(Ws[l], 1, 2)
                gact[l][start:stop] = ga
                if l > 0:
                    delta = ga * dphi(pre[l - 1][start:stop])
    return EnsembleGradients(pre, gpre, gact, w_rms, gw_rms, act, scheme, param)


def exploded_at(layers, threshold: float = 1e100) -> int | None:
    """Return the first layer (1-based) with a non-finite value or one above ``threshold``.

    ``layers`` is a list of arrays, one per layer (as returned by :func:`forward_ensemble`).
    Returns None if the signal stayed finite and below the threshold everywhere.
    """
    for i, z in enumerate(layers, start=1):
        z = np.asarray(z)
        with np.errstate(invalid="ignore"):
            if not np.all(np.isfinite(z)) or np.max(np.abs(z), initial=0.0) > threshold:
                return i
    return None


def vanished_at(layers, floor: float = 1e-100) -> int | None:
    """Return the first layer (1-based) whose largest absolute value is below ``floor``.

    A signal that has collapsed to (numerically) zero carries no information about the input.
    Returns None if no layer vanished.
    """
    for i, z in enumerate(layers, start=1):
        z = np.asarray(z)
        with np.errstate(invalid="ignore"):
            finite = z[np.isfinite(z)]
        if finite.size == z.size and np.max(np.abs(finite), initial=0.0) < floor:
            return i
    return None


def layer_moments(layers) -> dict:
    """Per-layer statistics over everything in each array (networks, batch, units).

    Returns a dict of arrays of length L: ``mean``, ``std``, ``second_moment`` (E[z²]),
    ``excess_kurtosis`` (E[z⁴]/E[z²]² − 3), and ``finite_fraction``. Non-finite entries are
    ignored in the moments and counted in ``finite_fraction``.
    """
    keys = ("mean", "std", "second_moment", "excess_kurtosis", "finite_fraction")
    res = {k: np.empty(len(layers)) for k in keys}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i, z in enumerate(layers):
            z = np.asarray(z, dtype=float).ravel()
            fin = np.isfinite(z)
            res["finite_fraction"][i] = fin.mean()
            v = z[fin]
            if v.size == 0:
                for k in keys[:-1]:
                    res[k][i] = np.nan
                continue
            m2 = np.mean(v * v)
            res["mean"][i] = v.mean()
            res["std"][i] = v.std()
            res["second_moment"][i] = m2
            res["excess_kurtosis"][i] = np.mean(v**4) / m2**2 - 3.0 if m2 > 0 else np.nan
    return res
