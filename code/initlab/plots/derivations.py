"""Figures of Part II, "Deriving the scales" (chapters 3–5).

Each function returns a Matplotlib ``Figure`` whose artists carry the data the chapter
discusses (the lines' ``ydata``, the bars' heights), so that tests can check the values.
The simulations themselves live in :mod:`initlab.derivations`; the functions here take
their results (or compute quadrature curves from :mod:`initlab.theory`).

Chapter 3 (variance of a layer): :func:`weighted_sum_bars`, :func:`gaussian_projection`,
:func:`variance_map`. Chapter 4 (ReLU and He): :func:`relu_integrand`,
:func:`depth_profiles`, :func:`fan_modes`. Chapter 5 (Xavier and LeCun):
:func:`glorot_factors`, :func:`uniform_vs_normal`, :func:`tanh_criticality`,
:func:`selu_profiles`.

Example
-------
>>> from initlab.plots import derivations
>>> fig = derivations.relu_integrand(1.0)
>>> fig.axes[0].get_xlabel()
'pre-activation $z$'
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from .. import _validate
from ..activations import ACTIVATIONS
from ..derivations import glorot_factors as _glorot_factors
from ..derivations import tanh_fixed_point
from ..schemes import init_std, initialize, uniform_bound
from .. import theory
from .style import activation_color, figure, label_axes, scheme_color, scheme_label

_KIND_LABEL = {"normal": "x ~ N(0, 1)", "relu": "x = ReLU(z)", "sigmoid": "x = sigmoid(z)"}


def _done(fig):
    # Close the figure in pyplot's registry and return it: the notebook displays the returned
    # Figure once; a figure left open would be shown a second time by the inline backend.
    plt.close(fig)
    return fig


def _normal_pdf(z, var):
    return np.exp(-0.5 * z * z / var) / math.sqrt(2.0 * math.pi * var)


# --------------------------------------------------------------------------------------
# Chapter 3
# --------------------------------------------------------------------------------------
def weighted_sum_bars(results):
    """Grouped bars: measured Var(Σ wᵢxᵢ) beside n·Var(w)·E[x²] and n·Var(w)·Var(x).

    ``results`` is the list returned by :func:`initlab.derivations.weighted_sum_check`.
    The three bar containers of the axes hold, in order, the measured values, the
    predictions with the second moment, and the naive predictions with the variance.
    """
    if not results:
        raise ValueError("results is empty; pass the list returned by derivations.weighted_sum_check")
    fig, ax = figure(width=7.0, height=3.6)
    idx = np.arange(len(results))
    w = 0.27
    meas = [r["measured"] for r in results]
    err = [r["stderr"] for r in results]
    ax.bar(idx - w, meas, w, yerr=err, capsize=3, color="#444444", label="measured Var(y)")
    ax.bar(idx, [r["predicted"] for r in results], w, color=scheme_color("he_normal"),
           label=r"$n\,\mathrm{Var}(w)\,\mathbb{E}[x^2]$ (correct)")
    ax.bar(idx + w, [r["naive"] for r in results], w, color=scheme_color("unit_normal"), alpha=0.75,
           hatch="//", label=r"$n\,\mathrm{Var}(w)\,\mathrm{Var}(x)$ (needs $\mathbb{E}[x]=0$)")
    ax.set_xticks(idx, [_KIND_LABEL.get(r["kind"], r["kind"]) for r in results])
    label_axes(ax, "distribution of the inputs $x_i$", r"variance of $y=\sum_i w_i x_i$")
    ax.legend(loc="upper right")
    ax.set_ylim(0, 1.35 * max(max(meas), max(r["predicted"] for r in results)))
    return _done(fig)


def gaussian_projection(x, weight_std: float, n_out: int = 20000, rng=None, bins: int = 60):
    """Histogram of z = x W for one fixed input, Gaussian versus uniform weights of equal std.

    Left panel: W with iid N(0, σ²) entries; right panel: iid uniform entries with the same
    standard deviation. Both panels draw the density of N(0, ‖x‖²σ²) as a line (``ydata``
    is that density); for Gaussian weights the histogram matches it exactly, for uniform
    weights only as the number of non-zero inputs grows.
    """
    x = _validate.finite_array(x, "the input x", ndim=1)
    s = _validate.nonnegative_float(weight_std, "weight_std")
    if s == 0:
        raise ValueError("weight_std must be > 0")
    n_out = _validate.positive_int(n_out, "n_out")
    gen = _validate.generator(rng)
    var = float(x @ x) * s * s
    z_grid = np.linspace(-4.5, 4.5, 301) * math.sqrt(var)
    fig, axes = figure(1, 2, width=7.5, height=3.2, sharey=True)
    draws = {
        "Gaussian weights": gen.normal(0.0, s, size=(x.size, n_out)),
        "uniform weights, same std": gen.uniform(-math.sqrt(3) * s, math.sqrt(3) * s, size=(x.size, n_out)),
    }
    for ax, (title, W) in zip(axes, draws.items()):
        z = x @ W
        ax.hist(z, bins=bins, range=(z_grid[0], z_grid[-1]), density=True, color="#bbbbbb", label="x W, one draw")
        ax.plot(z_grid, _normal_pdf(z_grid, var), color=scheme_color("he_normal"),
                label=r"$\mathcal{N}(0,\ \|x\|^2\sigma^2)$")
        label_axes(ax, "output unit $z_j$", "density" if ax is axes[0] else "", title)
    axes[0].legend(loc="upper left", fontsize=8)
    return _done(fig)


def variance_map(points: dict, C_W: float = 1.0, K_max: float = 4.0):
    """The variance map K ↦ C_W·E[φ(z)²] (left) and the gain E[φ(z)²]/K (right).

    ``points`` maps an activation name to ``(K_in, K_measured)``: simulated values drawn as
    markers on the left panel. The lines of the left panel are the quadrature values of
    :func:`initlab.theory.variance_map` on a grid of K in [0, ``K_max``]; the lines of the
    right panel are E[φ(z)²]/K on a log grid.
    """
    C_W = _validate.nonnegative_float(C_W, "C_W")
    fig, (a1, a2) = figure(1, 2, width=7.5, height=3.4)
    K = np.linspace(0.0, K_max, 121)
    Klog = np.logspace(-2, 2, 121)
    for act, (K_in, K_meas) in points.items():
        _validate.choice(act, ACTIVATIONS, "activation")
        c = activation_color(act)
        a1.plot(K, theory.variance_map(K, act, C_W), color=c, label=act)
        a1.plot(np.asarray(K_in), np.asarray(K_meas), "o", color=c, ms=5, mfc="white")
        a2.plot(Klog, theory.second_moment(Klog, act) / Klog, color=c, label=act)
    a1.plot(K, K, ":", color="#888888", lw=1, label="$K_{out}=K_{in}$")
    label_axes(a1, r"input variance $K^{(\ell)}$", r"output variance $K^{(\ell+1)}$",
               f"variance map, $C_W={C_W:g}$ (dots: simulation)")
    a1.legend(fontsize=8)
    a2.set_xscale("log")
    a2.set_yscale("log")
    label_axes(a2, r"variance $K$ of $z$", r"$\mathbb{E}[\phi(z)^2]\,/\,K$", "what the activation keeps")
    return _done(fig)


# --------------------------------------------------------------------------------------
# Chapter 4
# --------------------------------------------------------------------------------------
def relu_integrand(K: float = 1.0):
    """The integrand z²·p(z) of E[z²] for z ~ N(0, K), with the half that ReLU keeps shaded.

    The line's ``ydata`` is z² times the N(0, K) density; the two halves have equal area
    K/2 by symmetry, and E[ReLU(z)²] is the right half.
    """
    K = _validate.nonnegative_float(K, "K")
    if K == 0:
        raise ValueError("K must be > 0")
    z = np.linspace(-4.5, 4.5, 401) * math.sqrt(K)
    y = z * z * _normal_pdf(z, K)
    fig, ax = figure(width=6.5, height=3.2)
    ax.plot(z, y, color="#333333", label=r"$z^2\,p(z)$")
    right = z >= 0
    ax.fill_between(z[right], 0, y[right], color=activation_color("relu"), alpha=0.45,
                    label=r"kept by ReLU: area $K/2$")
    ax.fill_between(z[~right], 0, y[~right], color="#bbbbbb", alpha=0.45, label=r"set to 0 by ReLU: area $K/2$")
    label_axes(ax, "pre-activation $z$", r"$z^2\,p(z)$", f"integrand of $\\mathbb{{E}}[z^2]$, $K={K:g}$")
    ax.legend(fontsize=8, loc="upper left")
    return _done(fig)


def depth_profiles(profiles: list):
    """Per-layer rms of the preactivations, measured (markers) and predicted (dashed), log y.

    ``profiles`` is a list of dicts from :func:`initlab.derivations.depth_profile`. For each
    profile the axes get two lines, in order: measured (label ends with "measured"),
    predicted (label ends with "predicted").
    """
    if not profiles:
        raise ValueError("profiles is empty")
    fig, ax = figure(width=7.0, height=3.8)
    for p in profiles:
        name = scheme_label(p["scheme"])
        if p.get("gain") not in (None, 1.0):
            name += f" × {p['gain']:g}"
        c = scheme_color(p["scheme"]) if p.get("gain") in (None, 1.0) else scheme_color("unit_normal")
        ax.plot(p["layer"], p["measured"], "o", ms=3.5, color=c, label=f"{name}: measured")
        ax.plot(p["layer"], p["predicted"], "--", color=c, lw=1.3, label=f"{name}: predicted")
    ax.set_yscale("log")
    label_axes(ax, r"layer $\ell$", r"rms of $z^{(\ell)}$ over networks and units")
    ax.legend(fontsize=8, ncol=1, loc="lower left")
    return _done(fig)


def fan_modes(profiles: list):
    """Forward (left) and backward (right) per-layer rms for He fan-in and He fan-out.

    ``profiles`` is a list of dicts from :func:`initlab.derivations.forward_backward_profile`.
    Each panel gets, per profile, a measured line (markers) then a predicted line (dashed).
    The widths are printed under the figure's title.
    """
    if not profiles:
        raise ValueError("profiles is empty")
    fig, (a1, a2) = figure(1, 2, width=7.5, height=3.4, sharex=True)
    colors = {"fan_in": scheme_color("he_normal"), "fan_out": scheme_color("unit_normal"), None: "#333333"}
    for p in profiles:
        c = colors.get(p["mode"], "#333333")
        name = f"He, {p['mode'] or 'fan_in'}"
        for ax, key in ((a1, "forward"), (a2, "backward")):
            ax.plot(p["layer"], p[f"{key}_measured"], "o", color=c, ms=5, label=f"{name}: measured")
            ax.plot(p["layer"], p[f"{key}_predicted"], "--", color=c, lw=1.3, label=f"{name}: predicted")
    for ax in (a1, a2):
        ax.set_yscale("log", base=2)
        ax.set_xticks(profiles[0]["layer"])
    label_axes(a1, r"layer $\ell$", r"rms of $z^{(\ell)}$", "forward: activations")
    label_axes(a2, r"layer $\ell$", r"rms of $\partial \mathcal{L}/\partial z^{(\ell)}$", "backward: gradients")
    a2.legend(fontsize=8)
    fig.suptitle("widths " + ", ".join(str(w) for w in profiles[0]["widths"]), fontsize=10)
    return _done(fig)


# --------------------------------------------------------------------------------------
# Chapter 5
# --------------------------------------------------------------------------------------
_FACTOR_SCHEMES = (("lecun_normal", "fan_in"), ("lecun_normal", "fan_out"), ("glorot_normal", None))


def _factor_label(scheme, mode):
    if scheme == "glorot_normal":
        return r"Glorot: $2/(n_{in}+n_{out})$"
    return r"fan-in: $1/n_{in}$" if mode == "fan_in" else r"fan-out: $1/n_{out}$"


def glorot_factors(fan_in: int, ratios, rng=None):
    """Glorot and Bengio's two conditions against the width ratio n_out/n_in.

    Left panel: n_in·Var(W) (forward factor); right panel: n_out·Var(W) (backward factor).
    For each of the fan-in rule, the fan-out rule and Glorot's compromise the panel holds a
    line with the exact factor (from :func:`initlab.derivations.glorot_factors`) and then
    markers with the factor measured from one drawn matrix of shape (fan_in, ratio·fan_in).
    """
    fan_in = _validate.positive_int(fan_in, "fan_in")
    ratios = _validate.finite_array(ratios, "ratios", ndim=1)
    if np.any(ratios <= 0):
        raise ValueError("every ratio n_out/n_in must be > 0")
    gen = _validate.generator(rng)
    fig, (a1, a2) = figure(1, 2, width=7.5, height=3.4, sharey=True)
    fan_outs = [max(1, int(round(r * fan_in))) for r in ratios]
    x = np.array(fan_outs) / fan_in
    for scheme, mode in _FACTOR_SCHEMES:
        exact = np.array([_glorot_factors(scheme, fan_in, fo, mode) for fo in fan_outs])
        meas = []
        for fo in fan_outs:
            W = initialize(scheme, (fan_in, fo), rng=gen, mode=mode)
            v = float(np.var(W))
            meas.append((fan_in * v, fo * v))
        meas = np.array(meas)
        c = {"fan_in": scheme_color("lecun_normal"), "fan_out": scheme_color("unit_normal")}.get(mode, scheme_color(scheme))
        for k, ax in enumerate((a1, a2)):
            ax.plot(x, exact[:, k], color=c, label=_factor_label(scheme, mode))
            ax.plot(x, meas[:, k], "o", color=c, ms=4, mfc="white")
    for ax in (a1, a2):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.axhline(1.0, color="#888888", lw=0.8, ls=":")
    label_axes(a1, r"$n_{out}/n_{in}$", r"factor (1 = condition met)", r"forward: $n_{in}\,\mathrm{Var}(W)$")
    label_axes(a2, r"$n_{out}/n_{in}$", "", r"backward: $n_{out}\,\mathrm{Var}(W)$")
    a1.legend(fontsize=8)
    return _done(fig)


def uniform_vs_normal(fan_in: int, fan_out: int, n_draws: int = 20000, rng=None):
    """Glorot uniform and Glorot normal: two distributions with the same variance.

    Draws ``n_draws`` weights of each scheme (a (fan_in, fan_out)-shaped matrix is drawn
    repeatedly) and plots their histograms with the two densities as lines: first the
    uniform density 1/(2a) on [−a, a] with a = √3·σ, then the normal density N(0, σ²).
    """
    fan_in = _validate.positive_int(fan_in, "fan_in")
    fan_out = _validate.positive_int(fan_out, "fan_out")
    n_draws = _validate.positive_int(n_draws, "n_draws")
    gen = _validate.generator(rng)
    s = init_std("glorot_normal", fan_in, fan_out)
    a = uniform_bound("glorot_uniform", fan_in, fan_out)
    reps = -(-n_draws // (fan_in * fan_out))
    wu = np.concatenate([initialize("glorot_uniform", (fan_in, fan_out), rng=gen).ravel() for _ in range(reps)])[:n_draws]
    wn = np.concatenate([initialize("glorot_normal", (fan_in, fan_out), rng=gen).ravel() for _ in range(reps)])[:n_draws]
    fig, ax = figure(width=6.8, height=3.4)
    rng_plot = (-4 * s, 4 * s)
    ax.hist(wn, bins=70, range=rng_plot, density=True, color=scheme_color("glorot_normal"), alpha=0.25)
    ax.hist(wu, bins=70, range=rng_plot, density=True, color=scheme_color("fan_in_uniform"), alpha=0.35)
    w = np.linspace(*rng_plot, 401)
    ax.plot(w, np.where(np.abs(w) <= a, 1.0 / (2 * a), 0.0), color=scheme_color("fan_in_uniform"),
            label=f"Glorot uniform, $a=\\sqrt{{3}}\\sigma$ = {a:.3f}")
    ax.plot(w, _normal_pdf(w, s * s), color=scheme_color("glorot_normal"), label=f"Glorot normal, $\\sigma$ = {s:.3f}")
    for sgn in (-1, 1):
        ax.axvline(sgn * a, color="#666666", ls=":", lw=1)
    label_axes(ax, "weight value $w$", "density", f"fan_in = {fan_in}, fan_out = {fan_out}")
    ax.legend(fontsize=8, loc="upper right")
    return _done(fig)


def tanh_criticality(profiles: list, C_W_grid=None):
    """tanh: the variance through depth (left) and χ_⊥ at the fixed point (right).

    Left: for each profile from :func:`initlab.derivations.variance_profile` (activation
    tanh), the measured K^(ℓ) (markers) then the variance map's prediction (line), log y.
    Right: χ_⊥(K*) = C_W·E[tanh′(z)²] at the stable fixed point K*
    (:func:`initlab.derivations.tanh_fixed_point`), against C_W (one line, ``ydata`` from
    :mod:`initlab.theory`), with the line χ_⊥ = 1.
    """
    if not profiles:
        raise ValueError("profiles is empty")
    if C_W_grid is None:
        C_W_grid = np.linspace(0.5, 3.5, 61)
    C_W_grid = _validate.finite_array(C_W_grid, "C_W_grid", ndim=1)
    fig, (a1, a2) = figure(1, 2, width=7.5, height=3.4)
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    for p, c in zip(profiles, palette):
        lab = f"$C_W$ = {p['C_W']:.3g}"
        a1.plot(p["layer"], p["measured"], "o", color=c, ms=3.5, mfc="white", label=f"{lab}: measured")
        a1.plot(p["layer"], p["predicted"], color=c, label=f"{lab}: variance map")
    a1.set_yscale("log")
    label_axes(a1, r"layer $\ell$", r"$K^{(\ell)}$", "tanh network, no biases")
    a1.legend(fontsize=7)
    chis = []
    for cw in C_W_grid:
        K = tanh_fixed_point(float(cw))
        chis.append(float(theory.chi_perp(K, "tanh", float(cw))))
    a2.plot(C_W_grid, chis, color=activation_color("tanh"), label=r"$\chi_\perp(K^*)$")
    a2.axhline(1.0, color="#888888", ls=":", lw=1)
    for cw, txt in ((1.0, "1"), (25.0 / 9.0, "25/9")):
        a2.axvline(cw, color="#666666", ls="--", lw=0.8)
        a2.text(cw, 0.62, f" $C_W$={txt}", fontsize=8)
    label_axes(a2, r"$C_W = n\,\mathrm{Var}(W)$", r"$\chi_\perp$ at the fixed point", "order (<1) vs chaos (>1)")
    return _done(fig)


def selu_profiles(profiles: list, labels: list):
    """SELU: mean (left) and second moment (right) of the activations through depth.

    ``profiles`` come from :func:`initlab.derivations.variance_profile` with activation
    ``"selu"``; ``labels`` names each. Each panel gets one line of markers per profile
    (measured ``act_mean`` and ``act_second_moment``) and a dotted line at the
    self-normalizing fixed point (mean 0, second moment 1).
    """
    if not profiles or len(profiles) != len(labels):
        raise ValueError("give one label per profile (and at least one profile)")
    fig, (a1, a2) = figure(1, 2, width=7.5, height=3.3, sharex=True)
    palette = ["#CC79A7", "#0072B2", "#009E73", "#E69F00"]
    for p, lab, c in zip(profiles, labels, palette):
        a1.plot(p["layer"], p["act_mean"], "o-", color=c, ms=3, lw=1, label=lab)
        a2.plot(p["layer"], p["act_second_moment"], "o-", color=c, ms=3, lw=1, label=lab)
    a1.axhline(0.0, color="#888888", ls=":", lw=1)
    a2.axhline(1.0, color="#888888", ls=":", lw=1)
    a2.set_yscale("log")
    label_axes(a1, r"layer $\ell$", r"mean of $a^{(\ell)}$", "mean")
    label_axes(a2, r"layer $\ell$", r"$\mathbb{E}[(a^{(\ell)})^2]$", "second moment")
    a2.legend(fontsize=8)
    return _done(fig)


__all__ = [
    "weighted_sum_bars",
    "gaussian_projection",
    "variance_map",
    "relu_integrand",
    "depth_profiles",
    "fan_modes",
    "glorot_factors",
    "uniform_vs_normal",
    "tanh_criticality",
    "selu_profiles",
]
