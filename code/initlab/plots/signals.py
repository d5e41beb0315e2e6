"""Figures of Part I (chapters 1 and 2): symmetric units, and signals that vanish or explode.

Every function takes the numbers a notebook computed and returns a Matplotlib ``Figure`` in
the book's style; none computes anything of substance, so what a figure shows is what the
notebook's cells printed. Axis labels carry symbols, and every line has a legend entry.

Chapter 1: :func:`symmetry_over_training`, :func:`unit_weight_images`, :func:`loss_curves`.
Chapter 2: :func:`sigmoid_slope`, :func:`products_vs_depth`, :func:`layer_profiles`,
:func:`signal_histograms`, :func:`mean_activation_over_training`.

Example
-------
>>> import numpy as np
>>> from initlab.plots import signals
>>> fig = signals.products_vs_depth(np.arange(1, 9), {"0.25^L": 0.25 ** np.arange(1, 9)})
>>> fig.axes[0].get_yscale()
'log'
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.ticker import MaxNLocator

from .style import activation_color, figure, label_axes

_CYCLE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def _color(label: str, i: int, colors: dict | None) -> str:
    if colors and label in colors:
        return colors[label]
    return _CYCLE[i % len(_CYCLE)]


def _series(d, what: str) -> dict:
    if not isinstance(d, dict) or not d:
        raise TypeError(f"{what} must be a non-empty dict {{label: values}}; got {type(d).__name__}")
    return {str(k): np.asarray(v, dtype=float) for k, v in d.items()}


# --------------------------------------------------------------------------- chapter 1
def symmetry_over_training(steps, distances: dict, accuracy: dict, colors: dict | None = None):
    """Two panels over training steps: the largest distance between two hidden units'
    incoming weights (left) and the test accuracy (right), one line per initialization.

    Parameters
    ----------
    steps : ``(n_evals,)`` step numbers
    distances, accuracy : dicts ``{label: (n_evals,)}`` with the same labels
    colors : optional ``{label: colour}``

    >>> fig = symmetry_over_training([0, 1], {"a": [0, 0]}, {"a": [0.1, 0.2]})
    >>> fig.axes[1].lines[0].get_ydata().tolist()
    [0.1, 0.2]
    """
    steps = np.asarray(steps, dtype=float)
    dist, acc = _series(distances, "distances"), _series(accuracy, "accuracy")
    if set(dist) != set(acc):
        raise ValueError(f"distances and accuracy need the same labels; got {sorted(dist)} and {sorted(acc)}")
    fig, (ax0, ax1) = figure(1, 2, width=8.0, height=3.2)
    for i, label in enumerate(dist):
        c = _color(label, i, colors)
        ax0.plot(steps, dist[label], marker="o", ms=3, color=c, label=label)
        ax1.plot(steps, acc[label], marker="o", ms=3, color=c, label=label)
    label_axes(ax0, "training step $t$", r"$\max_{j,k}\ \|w_j - w_k\|$", "distance between hidden units")
    label_axes(ax1, "training step $t$", "test accuracy", "what the network learns")
    ax1.set_ylim(0, 1)
    ax0.legend()
    return fig


def unit_weight_images(weights: dict, n_show: int = 8, image_shape=(8, 8)):
    """Show the incoming weights of the first ``n_show`` hidden units as small images.

    Parameters
    ----------
    weights : ``{label: (n_in, n_units)}``, one weight matrix per row of the figure;
        ``n_in`` must equal the product of ``image_shape`` (64 for the 8×8 digits)
    n_show : number of units (columns) to show
    image_shape : the shape each column is reshaped to

    Each row shares one symmetric colour scale, so identical units give identical images.

    >>> fig = unit_weight_images({"a": np.arange(128.0).reshape(64, 2)}, n_show=2)
    >>> fig.axes[1].images[0].get_array()[0, 1]
    np.float64(3.0)
    """
    w = _series(weights, "weights")
    h, wd = image_shape
    for label, W in w.items():
        if W.ndim != 2 or W.shape[0] != h * wd:
            raise ValueError(f"weights[{label!r}] must have shape ({h * wd}, n_units); got {W.shape}")
        if W.shape[1] < n_show:
            raise ValueError(f"weights[{label!r}] has {W.shape[1]} units; cannot show n_show={n_show}")
    fig, axes = figure(len(w), n_show, width=1.0 * n_show + 0.6, height=1.25 * len(w) + 0.3, squeeze=False)
    for r, (label, W) in enumerate(w.items()):
        vmax = float(np.max(np.abs(W[:, :n_show]))) or 1.0
        for j in range(n_show):
            ax = axes[r, j]
            ax.imshow(W[:, j].reshape(h, wd), cmap="RdBu_r", vmin=-vmax, vmax=vmax)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if r == len(w) - 1:
                ax.set_xlabel(f"unit {j + 1}")
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center")
    return fig


def loss_curves(steps, losses: dict, floor: float | None = None, floor_label: str = "", colors: dict | None = None):
    """Training loss against step, one line per network, with an optional horizontal floor.

    >>> fig = loss_curves([0, 10], {"zero": [2.3, 2.3]}, floor=2.3, floor_label="H")
    >>> len(fig.axes[0].lines)
    2
    """
    steps = np.asarray(steps, dtype=float)
    ls = _series(losses, "losses")
    fig, ax = figure(width=6.5, height=3.4)
    for i, (label, y) in enumerate(ls.items()):
        ax.plot(steps, y, marker="o", ms=3, color=_color(label, i, colors), label=label)
    if floor is not None:
        ax.axhline(float(floor), color="black", ls="--", lw=1.2, label=floor_label or "floor")
    label_axes(ax, "training step $t$", "training loss (cross-entropy, nats)")
    ax.legend()
    return fig


# --------------------------------------------------------------------------- chapter 2
def sigmoid_slope(z, sigma, dsigma):
    """The sigmoid sig(z) and its slope sig′(z), with the largest slope 1/4 marked.

    >>> z = np.linspace(-6, 6, 5)
    >>> s = 1 / (1 + np.exp(-z))
    >>> fig = sigmoid_slope(z, s, s * (1 - s))
    >>> float(fig.axes[0].lines[1].get_ydata().max())
    0.25
    """
    z, s, ds = (np.asarray(v, dtype=float) for v in (z, sigma, dsigma))
    if not (z.shape == s.shape == ds.shape) or z.ndim != 1:
        raise ValueError(f"z, sigma and dsigma must be 1-D arrays of one length; got {z.shape}, {s.shape}, {ds.shape}")
    fig, ax = figure(width=6.0, height=3.2)
    ax.plot(z, s, color=activation_color("sigmoid"), label=r"$\operatorname{sig}(z)$")
    ax.plot(z, ds, color="#0072B2", label=r"$\operatorname{sig}'(z) = \operatorname{sig}(z)\,(1-\operatorname{sig}(z))$")
    ax.axhline(0.25, color="black", ls=":", lw=1.0, label=r"$1/4$")
    label_axes(ax, "preactivation $z$", "value")
    ax.legend(loc="center right")
    return fig


def products_vs_depth(depths, curves: dict, markers: dict | None = None, colors: dict | None = None,
                      ylabel: str = "product of the per-layer factors"):
    """Lines (``curves``) and points (``markers``) against depth, on a logarithmic y axis.

    Parameters
    ----------
    depths : ``(n,)`` depths L
    curves : ``{label: (n,)}`` drawn as lines (predictions, bounds)
    markers : ``{label: (n,)}`` drawn as points (measurements)

    >>> fig = products_vs_depth([1, 2], {"bound": [0.25, 0.0625]}, {"measured": [0.2, 0.04]})
    >>> fig.axes[0].lines[1].get_ydata().tolist()
    [0.2, 0.04]
    """
    d = np.asarray(depths, dtype=float)
    cs = _series(curves, "curves")
    ms = _series(markers, "markers") if markers else {}
    fig, ax = figure(width=6.0, height=3.4)
    i = 0
    for label, y in cs.items():
        ax.plot(d, y, color=_color(label, i, colors), label=label)
        i += 1
    for label, y in ms.items():
        ax.plot(d, y, ls="none", marker="o", color=_color(label, i, colors), label=label)
        i += 1
    ax.set_yscale("log")
    label_axes(ax, "depth $L$", ylabel)
    ax.legend()
    return fig


def layer_profiles(panels, width: float | None = None, colors: dict | None = None):
    """Per-layer quantities, one panel each: measured values as points joined by lines,
    predictions (if any) as dashed lines.

    Parameters
    ----------
    panels : list of dicts with keys ``series`` ({label: (L,)}), and optionally
        ``predicted`` ({label: (L,)}), ``ylabel``, ``title``, ``logy`` (bool),
        ``ylim`` ((low, high)), ``hline`` ((value, label))
    width : figure width in inches (default 3.6 per panel)

    >>> fig = layer_profiles([{"series": {"a": [1.0, 0.5]}, "ylabel": "y"}])
    >>> fig.axes[0].lines[0].get_xdata().tolist()
    [1.0, 2.0]
    """
    if isinstance(panels, dict):
        panels = [panels]
    if not isinstance(panels, (list, tuple)) or not panels:
        raise TypeError("panels must be a non-empty list of dicts with a 'series' entry")
    fig, axes = figure(1, len(panels), width=width or 3.6 * len(panels), height=3.3, squeeze=False)
    for ax, p in zip(axes[0], panels):
        if "series" not in p:
            raise ValueError(f"every panel needs a 'series' entry {{label: values per layer}}; got keys {sorted(p)}")
        series = _series(p["series"], "series")
        pred = _series(p["predicted"], "predicted") if p.get("predicted") else {}
        labels = list(dict.fromkeys(list(series) + list(pred)))
        for i, label in enumerate(labels):
            c = _color(label, i, colors)
            if label in series:
                y = series[label]
                ax.plot(np.arange(1, y.size + 1, dtype=float), y, marker="o", ms=4, color=c, label=label)
            if label in pred:
                y = pred[label]
                ax.plot(np.arange(1, y.size + 1, dtype=float), y, ls="--", color=c,
                        label=f"{label} (predicted)")
        if p.get("hline") is not None:
            v, lab = p["hline"]
            ax.axhline(float(v), color="black", ls=":", lw=1.0, label=lab)
        if p.get("logy"):
            ax.set_yscale("log")
        if p.get("ylim") is not None:
            ax.set_ylim(*p["ylim"])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        label_axes(ax, r"layer $\ell$", p.get("ylabel", "value"), p.get("title"))
        ax.legend(fontsize=8)
    return fig


def _hist_values(v, scale: str) -> np.ndarray:
    v = np.asarray(v, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if scale == "log10abs":
        v = np.abs(v)
        v = np.log10(v[v > 0])
    return v


def signal_histograms(acts: dict, grads: dict, act_scale="linear", bins: int = 60,
                      act_label: str = r"activation $a^{(\ell)}$"):
    """Per-layer histograms of activations (top row) and gradients (bottom row), one column
    per initialization; each layer is one outline, from light (layer 1) to dark (layer L).

    Parameters
    ----------
    acts, grads : ``{init label: [array per layer]}``, the same labels in both
    act_scale : ``"linear"`` to histogram the activations themselves, ``"log10abs"`` to
        histogram log10 |a| of the nonzero ones (for activations that span many decades), or
        a dict ``{init label: scale}`` to choose per column
    bins : number of bins per histogram

    Gradients are always shown as log10 of their absolute value, because across layers and
    initializations they span many orders of magnitude. Heights are densities, so layers
    with different numbers of values compare.

    >>> a = {"x": [np.array([0.1, 0.2]), np.array([0.3, 0.4])]}
    >>> g = {"x": [np.array([1e-3, 1e-2]), np.array([1.0, 10.0])]}
    >>> fig = signal_histograms(a, g, bins=4)
    >>> len(fig.axes[0].patches), len(fig.axes[1].patches)
    (2, 2)
    """
    a, g = dict(acts), dict(grads)
    if not a or set(a) != set(g):
        raise ValueError(f"acts and grads need the same non-empty labels; got {sorted(a)} and {sorted(g)}")
    cols = list(a)
    scales = {c: act_scale for c in cols} if isinstance(act_scale, str) else dict(act_scale)
    for c in cols:
        if scales.get(c) not in ("linear", "log10abs"):
            raise ValueError(f"act_scale must be 'linear' or 'log10abs' (or a dict of them per label); got {act_scale!r}")
    fig, axes = figure(2, len(cols), width=3.3 * len(cols), height=5.6, squeeze=False)
    cmap = colormaps["viridis_r"]
    for c, label in enumerate(cols):
        L = len(a[label])
        for row, (data, scale) in enumerate(((a[label], scales[label]), (g[label], "log10abs"))):
            ax = axes[row, c]
            for l, v in enumerate(data):
                vals = _hist_values(v, scale)
                if vals.size == 0:
                    continue
                ax.hist(vals, bins=bins, density=True, histtype="step", lw=1.3,
                        color=cmap(0.15 + 0.85 * l / max(L - 1, 1)), label=f"layer {l + 1}")
            ax.set_yticks([])
        axes[0, c].set_title(label)
        axes[0, c].set_xlabel(act_label if scales[label] == "linear" else r"$\log_{10} |a^{(\ell)}|$ (units with $a \neq 0$)")
        axes[1, c].set_xlabel(r"$\log_{10} |\partial \mathcal{L} / \partial a^{(\ell)}|$")
    axes[0, 0].set_ylabel("density")
    axes[1, 0].set_ylabel("density")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=8)
    return fig


def mean_activation_over_training(steps, means, stds=None):
    """Mean activation of each hidden layer against training step (one line per layer),
    with an optional band of ± one standard deviation across units.

    Parameters
    ----------
    steps : ``(n_evals,)``
    means : ``(n_evals, L)`` mean activation of each hidden layer
    stds : ``(n_evals, L)`` or None

    >>> fig = mean_activation_over_training([0, 1], np.array([[0.5, 0.5], [0.4, 0.1]]))
    >>> fig.axes[0].lines[1].get_ydata().tolist()
    [0.5, 0.1]
    """
    steps = np.asarray(steps, dtype=float)
    m = np.asarray(means, dtype=float)
    if m.ndim != 2 or m.shape[0] != steps.size:
        raise ValueError(f"means must have shape (n_evals, L) = ({steps.size}, L); got {m.shape}")
    s = None if stds is None else np.asarray(stds, dtype=float)
    if s is not None and s.shape != m.shape:
        raise ValueError(f"stds must have the shape of means {m.shape}; got {s.shape}")
    fig, ax = figure(width=6.5, height=3.6)
    cmap = colormaps["viridis_r"]
    L = m.shape[1]
    for l in range(L):
        c = cmap(0.15 + 0.85 * l / max(L - 1, 1))
        ax.plot(steps, m[:, l], color=c, label=f"hidden layer {l + 1}")
        if s is not None:
            ax.fill_between(steps, m[:, l] - s[:, l], m[:, l] + s[:, l], color=c, alpha=0.12, lw=0)
    ax.set_ylim(0, 1)
    label_axes(ax, "training step $t$", r"mean activation $\bar a^{(\ell)}$")
    ax.legend(fontsize=8)
    return fig


__all__ = [
    "symmetry_over_training",
    "unit_weight_images",
    "loss_curves",
    "sigmoid_slope",
    "products_vs_depth",
    "layer_profiles",
    "signal_histograms",
    "mean_activation_over_training",
]
