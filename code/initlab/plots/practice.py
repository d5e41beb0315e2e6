"""Figures of Part III, "The schemes in practice" (chapters 6–8).

Each function returns a Matplotlib ``Figure`` whose lines carry the data the chapter
discusses, so that tests can check the plotted values.

Chapter 6 (range versus fan-in): :func:`draw_histograms`, :func:`range_vs_fan_in`,
:func:`range_log`. Chapter 7 (frameworks): :func:`truncated_normal_density`,
:func:`truncation_depth`, :func:`singular_value_spectra`. Chapter 8 (training),
from :class:`initlab.experiment.Comparison` objects: :func:`training_curves`,
:func:`gradient_norms_step0`, :func:`lr_sweep` (:func:`training_curves` and :func:`lr_sweep`
show validation accuracies: the test set is for the final report only).

Example
-------
>>> from initlab.plots import practice
>>> fig = practice.range_log(["he_normal"], fan_in_max=100)
>>> fig.axes[0].get_xscale()
'log'
"""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
from matplotlib.ticker import NullFormatter
import numpy as np

from .. import _validate
from ..ranges import range_curves
from ..schemes import GAUSSIAN_SCHEMES, UNIFORM_SCHEMES, init_std, uniform_bound
from .style import figure, label_axes, scheme_color, scheme_label

# Panel titles: the book's scheme labels, with PyTorch's default named for the fan-in rule.
_TITLES = {s: scheme_label(s) for s in UNIFORM_SCHEMES + GAUSSIAN_SCHEMES}
_TITLES["fan_in_uniform"] = "fan-in uniform\n(PyTorch nn.Linear default)"


def _done(fig):
    # Close the figure in pyplot's registry and return it: the notebook displays the returned
    # Figure once; an open figure would be shown a second time by the inline backend.
    plt.close(fig)
    return fig


def _range_scheme(scheme: str) -> str:
    return _validate.choice(scheme, UNIFORM_SCHEMES + GAUSSIAN_SCHEMES, "scheme (uniform or normal)")


# --------------------------------------------------------------------------------------
# Chapter 6
# --------------------------------------------------------------------------------------


def draw_histograms(draws: dict, fan_in: int = 10, fan_out: int = 20):
    """Histograms of drawn weights, each with the density its scheme predicts.

    Parameters
    ----------
    draws : dict mapping a scheme name (uniform or normal) to its array of drawn weights
    fan_in, fan_out : the fans the weights were drawn with

    Each panel holds a density histogram and one line, the predicted density
    (1/(2a) on [−a, a] for a uniform scheme, the N(0, σ²) density for a normal one).

    >>> import numpy as np
    >>> fig = draw_histograms({"he_normal": np.random.default_rng(0).normal(0, 0.447, 1000)})
    >>> len(fig.axes)
    1
    """
    if not isinstance(draws, dict) or not draws:
        raise ValueError(f"draws must be a non-empty dict {{scheme: array of weights}}; got {draws!r}")
    fig, axes = figure(1, len(draws), width=3.0 * len(draws) + 1, height=3.0, sharey=False)
    axes = np.atleast_1d(axes)
    for ax, (scheme, w) in zip(axes, draws.items()):
        scheme = _range_scheme(scheme)
        w = _validate.finite_array(w, f"the draws of {scheme}").ravel()
        std = init_std(scheme, fan_in, fan_out)
        color = scheme_color(scheme)
        ax.hist(w, bins=30, density=True, color=color, alpha=0.45, label=f"{w.size:,} draws")
        if scheme in UNIFORM_SCHEMES:
            a = uniform_bound(scheme, fan_in, fan_out)
            x = np.array([-1.3 * a, -a, -a, a, a, 1.3 * a])
            y = np.array([0, 0, 1 / (2 * a), 1 / (2 * a), 0, 0])
        else:
            x = np.linspace(-4.5 * std, 4.5 * std, 301)
            y = np.exp(-0.5 * (x / std) ** 2) / (std * math.sqrt(2 * math.pi))
        ax.plot(x, y, color="black", lw=1.5, label="predicted density")
        label_axes(ax, "weight $w$", "density", _TITLES[scheme].replace("\n", " "))
        ax.set_ylim(0, 1.3 * ax.get_ylim()[1])  # room for the legend above the bars
        ax.legend(loc="upper right", fontsize=8)
    return _done(fig)


def range_vs_fan_in(schemes=("fan_in_uniform", "glorot_uniform", "lecun_normal", "he_normal"),
                    fan_in_max: int = 100, fan_out: int = 10):
    """The range of each scheme's weights against the number of inputs, one panel per scheme.

    Uniform schemes: the interval [−a, a] (shaded) and, dotted, ±σ = ±a/√3. Normal
    schemes: bands ±σ, ±2σ, ±3σ and, dashed, ±√3σ, the bound of the uniform scheme with the
    same variance. Glorot uses ``fan_out`` outputs.

    The first line of every panel is the upper edge (+a for uniform, +σ for normal).

    >>> fig = range_vs_fan_in(["he_normal"], fan_in_max=4)
    >>> fig.axes[0].lines[0].get_ydata().round(3).tolist()
    [1.414, 1.0, 0.816, 0.707]
    """
    schemes = [_range_scheme(s) for s in schemes]
    if not schemes:
        raise ValueError("schemes must name at least one scheme")
    n_max = _validate.positive_int(fan_in_max, "fan_in_max")
    n = np.arange(1, n_max + 1)
    ncols = 2 if len(schemes) > 1 else 1
    nrows = math.ceil(len(schemes) / ncols)
    fig, axes = figure(nrows, ncols, width=7.0, height=2.9 * nrows, sharex=True, sharey=True)
    axes = np.atleast_1d(axes).ravel()
    for ax, scheme in zip(axes, schemes):
        c = range_curves(scheme, n, fan_out)
        color = scheme_color(scheme)
        std, bound = c["std"], c["bound"]
        if scheme in UNIFORM_SCHEMES:
            ax.plot(n, bound, color=color, label="bound $\\pm a$")
            ax.plot(n, -bound, color=color)
            ax.fill_between(n, -bound, bound, color=color, alpha=0.25, lw=0)
            ax.plot(n, std, color="black", ls=":", lw=1.2, label="$\\pm\\sigma = \\pm a/\\sqrt{3}$")
            ax.plot(n, -std, color="black", ls=":", lw=1.2)
        else:
            ax.plot(n, std, color=color, label="$\\pm\\sigma$")
            ax.plot(n, -std, color=color)
            for k, alpha in ((3, 0.12), (2, 0.2), (1, 0.35)):
                ax.fill_between(n, -k * std, k * std, color=color, alpha=alpha, lw=0,
                                label=f"$\\pm{k}\\sigma$")
            ax.plot(n, bound, color="black", ls="--", lw=1.2, label="$\\pm\\sqrt{3}\\sigma$ (uniform, same variance)")
            ax.plot(n, -bound, color="black", ls="--", lw=1.2)
        title = _TITLES[scheme] + (f", $n_{{out}}$ = {fan_out}" if scheme.startswith("glorot") else "")
        label_axes(ax, "number of inputs $n_{in}$", "weight value", title)
        ax.legend(loc="upper right", fontsize=7)
    for ax in axes[len(schemes):]:
        ax.set_visible(False)
    return _done(fig)


def range_log(schemes=("fan_in_uniform", "glorot_uniform", "lecun_normal", "he_normal"),
              fan_in_max: int = 10_000, fan_out: int = 10):
    """The standard deviation of each scheme against the number of inputs, both axes logarithmic.

    On log–log axes the law σ = c/√n is a straight line of slope −1/2. One line per scheme
    (σ, in the order given). LeCun's line, σ = 1/√n, is the reference: slope −1/2 through 1.

    >>> fig = range_log(["lecun_normal"], fan_in_max=100)
    >>> fig.axes[0].lines[0].get_ydata()[-1]
    np.float64(0.1)
    """
    schemes = [_range_scheme(s) for s in schemes]
    n_max = _validate.positive_int(fan_in_max, "fan_in_max")
    n = np.unique(np.round(np.logspace(0, math.log10(n_max), 200)).astype(int))
    fig, ax = figure(width=6.5, height=3.8)
    for scheme in schemes:
        c = range_curves(scheme, n, fan_out)
        label = scheme_label(scheme) + (f" ($n_{{out}}$ = {fan_out})" if scheme.startswith("glorot") else "")
        ls = "-" if scheme in GAUSSIAN_SCHEMES else "--"
        ax.plot(n, c["std"], color=scheme_color(scheme), ls=ls, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    label_axes(ax, "number of inputs $n_{in}$ (log scale)", "standard deviation $\\sigma$ (log scale)")
    ax.legend(fontsize=8)
    return _done(fig)


# --------------------------------------------------------------------------------------
# Chapter 7
# --------------------------------------------------------------------------------------


def truncated_normal_density(rescaled, plain, std: float, cut: float = 2.0):
    """Histograms of Keras-style truncated-normal draws, with and without the rescaling.

    Parameters
    ----------
    rescaled, plain : draws with the scale σ/0.8796 (what Keras does) and with scale σ
    std : σ, the standard deviation the scheme asks for
    cut : the truncation point, in units of the scale

    Lines, in order: the N(0, σ²) density the scheme asks for (black, dashed), then the
    truncated densities of the two samplers (the normal density of their scale, renormalized
    on ±cut·scale).

    >>> import numpy as np
    >>> fig = truncated_normal_density(np.zeros(3), np.zeros(3), 1.0)
    >>> len(fig.axes[0].lines)
    3
    """
    from ..frameworks import truncated_std

    sigma = _validate.nonnegative_float(std, "std")
    rescaled = _validate.finite_array(rescaled, "the rescaled draws").ravel()
    plain = _validate.finite_array(plain, "the plain draws").ravel()
    fig, ax = figure(width=6.5, height=3.6)
    x = np.linspace(-3.5 * sigma, 3.5 * sigma, 401)
    ax.plot(x, np.exp(-0.5 * (x / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi)), color="black", ls="--",
            lw=1.3, label=f"N(0, σ²), σ = {sigma:.3g} (asked for)")
    mass = math.erf(cut / math.sqrt(2))
    for draws, scale, color, name in (
        (rescaled, sigma / truncated_std(cut), "#0072B2", "truncated, scale σ/0.8796 (Keras, Flax)"),
        (plain, sigma, "#D55E00", "truncated, scale σ (rescaling forgotten)"),
    ):
        ax.hist(draws, bins=60, density=True, color=color, alpha=0.3)
        xs = np.linspace(-cut * scale, cut * scale, 201)
        ys = np.exp(-0.5 * (xs / scale) ** 2) / (scale * math.sqrt(2 * math.pi) * mass)
        ax.plot(np.r_[xs[0], xs, xs[-1]], np.r_[0, ys, 0], color=color,
                label=f"{name}: sample std {draws.std():.3f}")
    label_axes(ax, "weight $w$", "density")
    peak = 1.0 / (sigma * math.sqrt(2 * math.pi) * mass) if sigma > 0 else 1.0  # the taller curve
    ax.set_ylim(0, 1.6 * peak)
    ax.legend(fontsize=8, loc="upper left")
    return _done(fig)


def truncation_depth(measured: dict, predicted: dict):
    """Second moment of the preactivations against depth, one line per sampler, log y axis.

    Parameters
    ----------
    measured, predicted : dicts with the same keys (a label per sampler), each an array of
        the per-layer ratio K^(ℓ)/K_He for layers 1 … L.

    Lines, in order: for each key, the prediction (dashed) then the measurement (markers).

    >>> import numpy as np
    >>> fig = truncation_depth({"a": np.ones(3)}, {"a": np.ones(3)})
    >>> fig.axes[0].lines[1].get_xdata().tolist()
    [1, 2, 3]
    """
    if set(measured) != set(predicted) or not measured:
        raise ValueError(f"measured and predicted need the same non-empty keys; got {list(measured)} and {list(predicted)}")
    fig, ax = figure(width=6.5, height=3.6)
    colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    for color, key in zip(colors, measured):
        m = _validate.finite_array(measured[key], f"measured[{key!r}]", ndim=1)
        p = _validate.finite_array(predicted[key], f"predicted[{key!r}]", ndim=1)
        layers = np.arange(1, m.size + 1)
        ax.plot(layers, p, color=color, ls="--", lw=1.2, label=f"{key}: predicted")
        ax.plot(layers, m, color=color, ls="none", marker="o", ms=4, label=f"{key}: measured")
    ax.set_yscale("log")
    label_axes(ax, "layer $\\ell$", "$K^{(\\ell)}$ / He target (log scale)")
    ax.legend(fontsize=8)
    return _done(fig)


def singular_value_spectra(gaussian: dict, orthogonal: dict):
    """Histograms of the singular values of products of random matrices, by depth.

    Parameters
    ----------
    gaussian, orthogonal : dicts {depth: array of singular values}

    Left panel: Gaussian products; right panel: orthogonal products. Each depth is one step
    histogram (an ``ax.hist(..., histtype="step")`` patch) on a log x axis; a dotted
    vertical line marks s = 1.

    >>> import numpy as np
    >>> fig = singular_value_spectra({1: np.ones(5)}, {1: np.ones(5)})
    >>> len(fig.axes)
    2
    """
    if not gaussian or not orthogonal:
        raise ValueError("gaussian and orthogonal must be non-empty dicts {depth: singular values}")
    fig, axes = figure(1, 2, width=7.5, height=3.3, sharey=True)
    colors = ["#56B4E9", "#0072B2", "#000000", "#CC79A7"]
    for ax, spectra, title in ((axes[0], gaussian, "Gaussian, Var = 1/n"), (axes[1], orthogonal, "orthogonal")):
        all_sv = np.concatenate([_validate.finite_array(v, "singular values").ravel() for v in spectra.values()])
        lo = max(all_sv.min(), 1e-8) if all_sv.max() > all_sv.min() * 1.01 else 0.5
        hi = max(all_sv.max(), 2.0)
        bins = np.logspace(math.log10(lo) - 0.05, math.log10(hi) + 0.05, 50)
        for color, (depth, sv) in zip(colors, spectra.items()):
            sv = np.clip(np.asarray(sv, float).ravel(), bins[0], bins[-1])
            ax.hist(sv, bins=bins, histtype="step", lw=1.6, color=color, label=f"L = {depth}")
        ax.axvline(1.0, color="grey", lw=1, ls=":")
        ax.set_xscale("log")
        label_axes(ax, "singular value $s$ of $W^{(1)}\\cdots W^{(L)}$ (log scale)", "count", title)
        ax.legend(fontsize=8)
    return _done(fig)


# --------------------------------------------------------------------------------------
# Chapter 8
# --------------------------------------------------------------------------------------


def _legend_below(fig, ax=None, ncol: int = 3) -> None:
    # One legend for the whole figure, below the panels, so that it hides no data. Entries
    # come from every panel (a scheme missing from one panel may appear in another).
    seen = {}
    for a in fig.axes:
        for h, label in zip(*a.get_legend_handles_labels()):
            seen.setdefault(label, h)
    fig.legend(list(seen.values()), list(seen), loc="outside lower center", ncol=ncol, fontsize=8)


def _comparisons(comparisons):
    comparisons = list(comparisons)
    if not comparisons or not all(hasattr(c, "schemes") and hasattr(c, "test_accuracy") for c in comparisons):
        raise TypeError("comparisons must be a non-empty list of initlab.experiment.Comparison objects")
    return comparisons


def _rate_index(c, lr) -> int:
    if lr is None:  # the rate of the chapter's curves: 0.1 if swept, else the middle one
        hits = np.flatnonzero(np.isclose(c.lrs, 0.1))
        return int(hits[0]) if hits.size else c.lrs.size // 2
    hits = np.flatnonzero(np.isclose(c.lrs, lr))
    if hits.size != 1:
        raise ValueError(f"learning rate {lr!r} is not in the comparison ({c.activation}: {c.lrs.tolist()})")
    return int(hits[0])


def training_curves(comparisons, lr=None):
    """Training loss and validation accuracy against steps at one rate, one column per activation.

    Parameters
    ----------
    comparisons : list of :class:`initlab.experiment.Comparison` (e.g. tanh and ReLU)
    lr : the learning rate whose runs are drawn (default 0.1, or the middle rate of the sweep)

    Top row: training loss; bottom row: validation accuracy (the test set is not looked at
    during training). For every scheme, one line (the mean over the seeds that did not
    diverge, in the order of ``schemes``) and a band from the smallest to the largest seed.
    Schemes whose every seed diverged have no line. One legend for the figure, below the panels.
    """
    comparisons = _comparisons(comparisons)
    fig, axes = figure(2, len(comparisons), width=3.6 * len(comparisons) + 0.6, height=6.2, sharex=True,
                       layout="constrained")
    axes = np.asarray(axes).reshape(2, len(comparisons))
    for col, c in enumerate(comparisons):
        j = _rate_index(c, lr)
        for row, (values, ylabel) in enumerate(((c.train_loss, "training loss"), (c.val_accuracy, "validation accuracy"))):
            ax = axes[row, col]
            for i, s in enumerate(c.schemes):
                v = values[:, i, j, :]
                if np.all(c.diverged[i, j]) or not np.isfinite(v).any():
                    continue
                with warnings.catch_warnings():  # all-nan rows (diverged seeds) give nan, no warning
                    warnings.simplefilter("ignore", RuntimeWarning)
                    mean, lo, hi = np.nanmean(v, 1), np.nanmin(v, 1), np.nanmax(v, 1)
                ax.plot(c.steps, mean, color=scheme_color(s), ls="--" if s in ("zeros", "constant") else "-",
                        label=scheme_label(s))
                ax.fill_between(c.steps, lo, hi, color=scheme_color(s), alpha=0.2, lw=0)
            if row == 0:
                ax.set_yscale("log")
            label_axes(ax, "step" if row == 1 else "", ylabel + (" (log scale)" if row == 0 else ""),
                       f"{c.activation}, η = {c.lrs[j]:g}" if row == 0 else None)
    _legend_below(fig, axes[1, -1])
    return _done(fig)


def gradient_norms_step0(comparisons):
    """Per-layer norm of the weight gradient at step 0, one panel per activation, log y axis.

    For every scheme, one line: the geometric mean over seeds of ‖∂loss/∂W^(ℓ)‖ against the
    layer ℓ. Schemes whose gradients are all exactly zero (zero initialization) have no line.
    """
    comparisons = _comparisons(comparisons)
    fig, axes = figure(1, len(comparisons), width=3.6 * len(comparisons) + 0.6, height=4.0, sharey=True,
                       layout="constrained")
    axes = np.atleast_1d(axes)
    for ax, c in zip(axes, comparisons):
        g = c.grad_norms_step0
        layers = np.arange(1, g.shape[2] + 1)
        for i, s in enumerate(c.schemes):
            gi = g[i]
            if not np.all(gi > 0) or not np.all(np.isfinite(gi)):
                continue
            ax.plot(layers, np.exp(np.log(gi).mean(axis=0)), color=scheme_color(s), marker="o", ms=3,
                    label=scheme_label(s))
        ax.set_yscale("log")
        label_axes(ax, "layer $\\ell$", "$\\|\\partial \\mathrm{loss} / \\partial W^{(\\ell)}\\|$ at step 0",
                   c.activation)
    _legend_below(fig, axes[-1])
    return _done(fig)


def lr_sweep(comparisons):
    """Final validation accuracy against the learning rate, one panel per activation, log x axis.

    For every scheme with at least one network that did not diverge at some rate: one line
    (``ax.lines``, in the order of ``schemes``) through the mean final validation accuracy
    over the seeds that did not diverge (``nan`` where all diverged), a vertical bar from the
    smallest to the largest seed, and an open ring (a scatter) on the rate chosen for that
    scheme (:meth:`~initlab.experiment.Comparison.chosen_lr`). The schemes are shifted
    slightly left and right of each rate (by a factor ``1.05**offset``) so that their bars
    do not hide each other.
    """
    comparisons = _comparisons(comparisons)
    fig, axes = figure(1, len(comparisons), width=3.6 * len(comparisons) + 0.6, height=4.0, sharey=True,
                       layout="constrained")
    axes = np.atleast_1d(axes)
    for ax, c in zip(axes, comparisons):
        acc = c.final_val_accuracy()
        chosen = c.chosen_lr()
        k = len(c.schemes)
        for i, s in enumerate(c.schemes):
            a = acc[i]
            if not np.isfinite(a).any():
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean, lo, hi = np.nanmean(a, 1), np.nanmin(a, 1), np.nanmax(a, 1)
            x = c.lrs * 1.05 ** (i - (k - 1) / 2)
            color = scheme_color(s)
            ax.plot(x, mean, color=color, marker="o", ms=4, ls="--" if s in ("zeros", "constant") else "-",
                    label=scheme_label(s))
            ax.vlines(x, lo, hi, color=color, lw=1.2)
            j = int(np.flatnonzero(c.lrs == chosen[s])[0])
            if np.isfinite(mean[j]):
                ax.scatter([x[j]], [mean[j]], s=90, facecolors="none", edgecolors=color, linewidths=1.4, zorder=3)
        ax.set_xscale("log")
        ax.set_xticks(c.lrs, [f"{x:g}" for x in c.lrs])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(0, 1)
        label_axes(ax, "learning rate η (log scale)", "final validation accuracy", c.activation)
    _legend_below(fig, axes[-1])
    return _done(fig)


__all__ = [
    "training_curves",
    "gradient_norms_step0",
    "lr_sweep",
    "draw_histograms",
    "range_vs_fan_in",
    "range_log",
    "truncated_normal_density",
    "truncation_depth",
    "singular_value_spectra",
]
