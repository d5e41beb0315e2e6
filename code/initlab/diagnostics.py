"""Step-0 health checks: is a freshly initialized network ready to train?

Chapters 2, 7 and 8 teach a habit: before training, run one batch through the network and
look at a few numbers per layer. This module computes them from the arrays that
:func:`initlab.forward_ensemble`, :func:`initlab.backward_ensemble` and
:class:`initlab.mlp.MLP` produce, with layers as lists of arrays of shape
``(n_nets, batch, n_ℓ)`` (a 2-D array ``(batch, n_ℓ)`` counts as one network):

* :func:`saturation_fraction`: the share of tanh or sigmoid units stuck near their flat tails,
  where φ′ ≈ 0 and gradients die;
* :func:`dead_fraction`: the share of ReLU units that are off (z ≤ 0) for *every* input of
  the batch, so that they pass no gradient at all;
* :func:`grad_to_weight_ratio` and :func:`update_to_weight_ratio`: how large a gradient step
  is compared to the weights it changes (a common rule of thumb wants the update about
  10⁻³ of the weights);
* :func:`signal_report`: all of this per layer, plus the standard deviation of the signal
  and where it exploded or vanished, with a one-paragraph summary in plain English.

Example
-------
>>> import numpy as np
>>> from initlab import forward_ensemble
>>> from initlab.diagnostics import signal_report
>>> x = np.random.default_rng(0).standard_normal((8, 64))
>>> zs = forward_ensemble(x, [64] + [64] * 10, "tanh", "unit_normal", n_nets=20, rng=0)
>>> rep = signal_report(zs, "tanh")
>>> rep.status
'saturated'
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from . import _validate
from .activations import ACTIVATIONS, activation as _activation
from .ensemble import EnsembleGradients, exploded_at as _exploded_at, vanished_at as _vanished_at

_ERR = dict(over="ignore", invalid="ignore", divide="ignore", under="ignore")

#: Activations that saturate (flat tails), for :func:`saturation_fraction`.
SATURATING = ("tanh", "sigmoid")


def _layers(layers, what: str) -> list:
    """Turn one array or a list of arrays into a list of float arrays of rank 2 or 3."""
    if isinstance(layers, np.ndarray):
        layers = [layers]
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
        raise TypeError(f"{what} must be a list of arrays (one per layer, shape (n_nets, batch, n)); got {type(layers).__name__}")
    if len(layers) == 0:
        raise ValueError(f"{what} is an empty list; pass one array per layer")
    out = []
    for i, z in enumerate(layers, start=1):
        try:
            z = np.asarray(z, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{what}: layer {i} is not an array of numbers") from None
        if z.ndim not in (2, 3) or z.size == 0:
            raise ValueError(
                f"{what}: layer {i} must have shape (n_nets, batch, n) or (batch, n); got shape {z.shape}"
            )
        out.append(z if z.ndim == 3 else z[None])
    return out


def _threshold(activation: str, threshold) -> float:
    t = _validate.finite_float(threshold, "threshold")
    lo = 0.5 if activation == "sigmoid" else 0.0
    if not lo < t < 1.0:
        raise ValueError(f"threshold for {activation} must lie strictly between {lo} and 1; got {t}")
    return t


def saturation_fraction(acts, activation: str, threshold: float = 0.97) -> np.ndarray:
    """Fraction of saturated units per layer, from the *activations* a = φ(z).

    A tanh unit counts as saturated when |a| > ``threshold``; a sigmoid unit when
    a > ``threshold`` or a < 1 − ``threshold``. (tanh′ = 1 − a², so |a| > 0.97 means the
    slope is below 0.06.) Non-finite entries are left out.

    Parameters
    ----------
    acts : list of arrays ``(n_nets, batch, n_ℓ)`` (or one array: one layer)
    activation : ``"tanh"`` or ``"sigmoid"``
    threshold : in (0, 1) for tanh, in (0.5, 1) for sigmoid

    Returns
    -------
    array of shape ``(L,)``

    >>> saturation_fraction([np.array([[0.1, -0.99, 0.98, 0.5]])], "tanh")
    array([0.5])
    """
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    if name not in SATURATING:
        raise ValueError(f"saturation is defined for the saturating activations ({', '.join(SATURATING)}); got {name!r}")
    t = _threshold(name, threshold)
    res = []
    with np.errstate(**_ERR):
        for a in _layers(acts, "acts"):
            fin = np.isfinite(a)
            sat = np.abs(a) > t if name == "tanh" else (a > t) | (a < 1.0 - t)
            n = fin.sum()
            res.append((sat & fin).sum() / n if n else np.nan)
    return np.asarray(res, dtype=float)


def dead_fraction(preacts) -> np.ndarray:
    """Fraction of dead ReLU units per layer: units with z ≤ 0 for every input in the batch.

    A dead unit outputs 0 and has φ′ = 0 on the whole batch, so no gradient flows through
    it. The fraction is over all networks and units of a layer. With a batch of one input,
    about half of the units are "dead" by this definition; use a batch of many inputs.

    Parameters
    ----------
    preacts : list of arrays ``(n_nets, batch, n_ℓ)`` (or one array: one layer)

    Returns
    -------
    array of shape ``(L,)``

    >>> z = np.array([[[-1.0, 2.0, -0.5], [-3.0, -1.0, 0.0]]])  # 1 net, 2 inputs, 3 units
    >>> dead_fraction([z]).round(3)
    array([0.667])
    """
    res = []
    with np.errstate(**_ERR):
        for z in _layers(preacts, "preacts"):
            res.append(np.mean(np.all(z <= 0.0, axis=1)))
    return np.asarray(res, dtype=float)


def _params(x, what: str) -> list:
    """Accept an MLP, a Gradients object or a list of weight arrays; return 3-D arrays."""
    if hasattr(x, "weights") and not isinstance(x, np.ndarray):
        x = x.weights
    if isinstance(x, np.ndarray):
        x = [x]
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__") or len(x) == 0:
        raise TypeError(f"{what} must be a non-empty list of weight arrays, (n_nets, n_in, n_out) or (n_in, n_out)")
    out = []
    for i, w in enumerate(x, start=1):
        w = np.asarray(w, dtype=float)
        if w.ndim not in (2, 3):
            raise ValueError(f"{what}: layer {i} must have shape (n_nets, n_in, n_out) or (n_in, n_out); got {w.shape}")
        out.append(w if w.ndim == 3 else w[None])
    return out


def grad_to_weight_ratio(grads, weights=None) -> np.ndarray:
    """‖∂loss/∂W^(ℓ)‖ / ‖W^(ℓ)‖ (Frobenius norms) per network and layer.

    Parameters
    ----------
    grads : list of gradient arrays, an :class:`initlab.mlp.Gradients`, or an
        :class:`initlab.EnsembleGradients` (then ``weights`` is omitted: the ratio comes
        from its recorded root-mean-square values, which give the same ratio)
    weights : list of weight arrays of the same shapes, or an :class:`initlab.mlp.MLP`

    Returns
    -------
    array ``(n_nets, L)`` (``inf`` where a layer's weights are all 0)

    >>> grad_to_weight_ratio([np.full((2, 2), 0.1)], [np.ones((2, 2))])
    array([[0.1]])
    """
    if isinstance(grads, EnsembleGradients):
        if weights is not None:
            raise ValueError("with an EnsembleGradients, leave weights out: it records the weights' size itself")
        with np.errstate(**_ERR):
            return grads.weight_grad_rms / grads.weight_rms
    if weights is None:
        raise TypeError("grad_to_weight_ratio needs the weights (a list of arrays or an MLP) beside the gradients")
    g = _params(grads, "grads")
    w = _params(weights, "weights")
    if len(g) != len(w):
        raise ValueError(f"grads has {len(g)} layers but weights has {len(w)}")
    cols = []
    with np.errstate(**_ERR):
        for i, (gi, wi) in enumerate(zip(g, w), start=1):
            if gi.shape != wi.shape:
                raise ValueError(f"layer {i}: the gradient has shape {gi.shape} but the weights {wi.shape}")
            cols.append(np.sqrt(np.sum(gi * gi, axis=(1, 2)) / np.sum(wi * wi, axis=(1, 2))))
    return np.stack(cols, axis=1)


def update_to_weight_ratio(lr, grads, weights=None) -> np.ndarray:
    """‖η ∂loss/∂W^(ℓ)‖ / ‖W^(ℓ)‖ per network and layer: the relative size of one plain
    gradient-descent step. Values near 10⁻³ are the usual rule of thumb; 10⁻¹ or more means
    the step rewrites the weights, 10⁻⁶ means the layer barely moves.

    ``lr`` is a number or an array ``(n_nets,)``. Returns an array ``(n_nets, L)``.

    >>> update_to_weight_ratio(0.01, [np.full((2, 2), 0.1)], [np.ones((2, 2))])
    array([[0.001]])
    """
    ratio = grad_to_weight_ratio(grads, weights)
    if isinstance(lr, numbers.Real) and not isinstance(lr, bool):
        eta = np.full(ratio.shape[0], float(lr))
    else:
        eta = _validate.finite_array(lr, "lr", ndim=1)
        if eta.shape[0] != ratio.shape[0]:
            raise ValueError(f"lr must be a number or an array of {ratio.shape[0]} learning rates (one per network); got shape {eta.shape}")
    if not np.all(np.isfinite(eta)) or np.any(eta < 0):
        raise ValueError(f"every learning rate must be a finite number >= 0; got {np.asarray(lr).tolist()}")
    return eta[:, None] * ratio


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return str(v)
    if v == 0 or 1e-3 <= abs(v) < 1e4:
        return f"{v:.3g}"
    return f"{v:.1e}"


@dataclass
class SignalReport:
    """Per-layer health of a signal at initialization (see :func:`signal_report`).

    Attributes
    ----------
    activation : the activation name
    std : ``(L,)`` standard deviation of each layer's preactivations (finite entries)
    finite_fraction : ``(L,)`` share of finite entries
    saturation : ``(L,)`` saturated share of units (tanh, sigmoid; ``nan`` otherwise)
    dead : ``(L,)`` dead share of units (relu, leaky_relu; ``nan`` otherwise)
    exploded_at, vanished_at : first layer (1-based) where the signal overflowed or
        collapsed, or None
    status : one of ``"healthy"``, ``"exploded"``, ``"vanished"``, ``"saturated"``,
        ``"dead"``, ``"growing"``, ``"shrinking"`` (the first that applies, in this order)
    trend : ``"stable"`` (every layer's std within a factor ``band`` of layer 1's),
        ``"growing"`` or ``"shrinking"``
    """

    activation: str
    std: np.ndarray
    finite_fraction: np.ndarray
    saturation: np.ndarray
    dead: np.ndarray
    exploded_at: int | None
    vanished_at: int | None
    status: str
    trend: str = "stable"
    band: float = 2.0
    saturation_threshold: float = 0.97
    problem_share: float = 0.5

    @property
    def depth(self) -> int:
        return int(self.std.size)

    def summary(self) -> str:
        """One paragraph in plain English: what happened to the signal, and where."""
        L = self.depth
        std = self.std
        if self.exploded_at is not None:
            k = self.exploded_at
            why = ("values overflowed to inf" if self.finite_fraction[k - 1] < 1
                   else "values exceeded 1e100")
            return f"the signal exploded at layer {k} (of {L}; {why})."
        if self.vanished_at is not None:
            return (f"the signal vanished at layer {self.vanished_at} (of {L}): every value is below "
                    f"1e-100, so the output no longer depends on the input.")
        first, last = std[0], std[-1]
        if self.trend != "stable":
            per = (last / first) ** (1.0 / (L - 1)) if L > 1 and first > 0 else np.nan
            verb = "grows" if self.status == "growing" else "shrinks"
            text = (f"the signal {verb}: the layer std goes from {_fmt(first)} at layer 1 to "
                    f"{_fmt(last)} at layer {L} (a factor {_fmt(per)} per layer).")
        else:
            text = f"layer std stays between {_fmt(np.nanmin(std))} and {_fmt(np.nanmax(std))}."
        notes = []
        if np.any(self.saturation > self.problem_share):
            k = int(np.nanargmax(self.saturation))
            notes.append(f"{100 * self.saturation[k]:.0f}% of {self.activation} units are saturated at layer {k + 1} "
                         f"(their slope is nearly 0)")
        if np.any(self.dead > self.problem_share):
            k = int(np.nanargmax(self.dead))
            notes.append(f"{100 * self.dead[k]:.0f}% of units are dead at layer {k + 1} (off for every input)")
        if self.status == "healthy":
            return "healthy: " + text
        return text + ("" if not notes else " Also: " + "; ".join(notes) + ".")

    def __str__(self) -> str:
        return self.summary()


def signal_report(
    preacts,
    activation: str,
    param: float | None = None,
    *,
    saturation_threshold: float = 0.97,
    band: float = 2.0,
    problem_share: float = 0.5,
    explode_threshold: float = 1e100,
    vanish_floor: float = 1e-100,
) -> SignalReport:
    """Per-layer health of the preactivations of one batch, with a plain-English summary.

    Parameters
    ----------
    preacts : list of arrays ``(n_nets, batch, n_ℓ)``, e.g. from
        :func:`initlab.forward_ensemble` or :meth:`initlab.mlp.MLP.preactivations`
    activation : the network's activation (decides whether saturation or dead units apply)
    param : the leaky ReLU's negative slope
    saturation_threshold : see :func:`saturation_fraction`
    band : the signal counts as stable when every layer's std lies within a factor
        ``band`` of layer 1's (default 2)
    problem_share : a share of saturated or dead units above this is reported (default 0.5)
    explode_threshold, vanish_floor : passed to :func:`initlab.exploded_at` and
        :func:`initlab.vanished_at`

    Returns
    -------
    :class:`SignalReport`; ``report.summary()`` reads, for example, "healthy: layer std
    stays between 0.97 and 1.04." or "the signal exploded at layer 17 (of 30; values
    overflowed to inf)."
    """
    name = _validate.choice(activation, ACTIVATIONS, "activation")
    phi = _activation(name, param)
    layers = _layers(preacts, "preacts")
    band = _validate.finite_float(band, "band")
    if band <= 1:
        raise ValueError(f"band must be a factor > 1; got {band}")
    problem_share = _validate.finite_float(problem_share, "problem_share")
    if not 0 <= problem_share < 1:
        raise ValueError(f"problem_share must lie in [0, 1); got {problem_share}")
    L = len(layers)
    std = np.full(L, np.nan)
    fin_frac = np.empty(L)
    with np.errstate(**_ERR):
        for i, z in enumerate(layers):
            fin = np.isfinite(z)
            fin_frac[i] = fin.mean()
            if fin.any():
                std[i] = z[fin].std()
        if name in SATURATING:
            sat = saturation_fraction([phi(z) for z in layers], name, saturation_threshold)
        else:
            sat = np.full(L, np.nan)
        dead = dead_fraction(layers) if name in ("relu", "leaky_relu") else np.full(L, np.nan)
    ex = _exploded_at(layers, threshold=explode_threshold)
    va = _vanished_at(layers, floor=vanish_floor)
    with np.errstate(**_ERR):
        rel = std / std[0] if std[0] > 0 else np.full(L, np.nan)
    if np.all(np.isnan(rel)) or (np.nanmax(rel) <= band and np.nanmin(rel) >= 1.0 / band):
        trend = "stable"
    else:
        trend = "growing" if rel[-1] >= 1 else "shrinking"
    if ex is not None:
        status = "exploded"
    elif va is not None:
        status = "vanished"
    elif np.any(sat > problem_share):
        status = "saturated"
    elif np.any(dead > problem_share):
        status = "dead"
    elif trend != "stable":
        status = trend
    else:
        status = "healthy"
    return SignalReport(name, std, fin_frac, sat, dead, ex, va, status, trend, band,
                        float(saturation_threshold), problem_share)


__all__ = [
    "SATURATING",
    "saturation_fraction",
    "dead_fraction",
    "grad_to_weight_ratio",
    "update_to_weight_ratio",
    "SignalReport",
    "signal_report",
]
