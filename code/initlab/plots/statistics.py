"""Figures of Part IV (initialization as statistics) and its appendix.

Each function takes the numbers computed by :mod:`initlab.finite_width` (or
:mod:`initlab.theory`) and returns a Matplotlib ``Figure``; nothing here simulates.

Example
-------
>>> import numpy as np
>>> from initlab import finite_width
>>> from initlab.plots import statistics
>>> s = finite_width.output_samples([4, 64], depth=3, n_nets=500, rng=0)
>>> fig = statistics.output_distribution(s)
>>> len(fig.axes)
2
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from .. import finite_width, theory
from .style import _OI, activation_color, figure, label_axes

#: Colours for the widths of a sweep, in order (Okabe–Ito, skipping yellow and grey).
WIDTH_COLORS = (_OI["orange"], _OI["sky"], _OI["green"], _OI["blue"], _OI["vermillion"], _OI["purple"])
_MARKERS = ("o", "s", "^", "D", "v", "P")


def width_color(i: int) -> str:
    """The colour of the i-th width of a sweep."""
    return WIDTH_COLORS[i % len(WIDTH_COLORS)]


def _std_normal_pdf(x):
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def output_distribution(samples: dict, n_quantiles: int = 200, bins: int = 60, xlim: float = 6.0):
    """Histograms (left, log scale) and normal Q–Q plots (right) of one output over
    initializations, one colour per width, each divided by the infinite-width √K.

    ``samples`` is the dict returned by :func:`initlab.finite_width.output_samples`.
    The left panel's black curve is the N(0, 1) density; the right panel's black line the
    diagonal on which a Gaussian N(0, K) sample would lie. The Q–Q lines carry the data of
    :func:`initlab.finite_width.qq_data` (the line's label is ``n = <width>``).
    """
    K = float(samples["K"])
    widths = sorted(k for k in samples if k != "K")
    fig, (ax_h, ax_q) = figure(1, 2, width=8.0, height=3.6)
    edges = np.linspace(-xlim, xlim, bins + 1)
    for i, n in enumerate(widths):
        z = np.asarray(samples[n]) / math.sqrt(K)
        ax_h.hist(z, bins=edges, density=True, histtype="step", color=width_color(i), label=f"n = {n}")
        q, s = finite_width.qq_data(samples[n], math.sqrt(K), n_quantiles)
        ax_q.plot(q, s, "o", ms=2.5, color=width_color(i), label=f"n = {n}")
    x = np.linspace(-xlim, xlim, 301)
    ax_h.plot(x, _std_normal_pdf(x), color="black", lw=1.2, label="N(0, 1)")
    ax_h.set_yscale("log")
    ax_h.set_ylim(1e-4, 2.0)
    label_axes(ax_h, r"$z^{(L)}/\sqrt{K^{(L)}}$", "density", "histogram")
    lim = 3.2
    ax_q.plot([-lim, lim], [-lim, lim], color="black", lw=1.2, label="Gaussian")
    ax_q.set_xlim(-lim, lim)
    ax_q.set_ylim(-2 * lim, 2 * lim)
    label_axes(ax_q, "standard normal quantile", r"sample quantile of $z^{(L)}/\sqrt{K^{(L)}}$", "normal Q–Q plot")
    ax_h.legend(loc="upper right")
    ax_q.legend(loc="upper left")
    plt.close(fig)  # the cell displays the returned figure once
    return fig


_TITLES = {"relu": "ReLU, $C_W = 2$", "linear": "linear, $C_W = 1$", "tanh": "tanh, $C_W = 1$",
           "leaky_relu": "leaky ReLU"}


def kurtosis_vs_ratio(sweeps):
    """Excess kurtosis of z^(ℓ) against (ℓ − 1)/n, one panel per sweep.

    Markers with error bars (±2 standard errors) are the measurements, one colour per width
    (labels ``n = <width>``). Solid lines of the same colour: the exact formula
    3((1 + ν/n)^(ℓ−1) − 1) where it exists, else the leading-order recursion at finite depth
    (tanh). Black dashed: the leading order 3ν(ℓ − 1)/n (label ``leading order``). Where the
    exact formula exists, a grey dotted line shows its limit at fixed r = (ℓ − 1)/n as
    n → ∞, 3(e^(νr) − 1) (label ``n → ∞``): the widths' curves approach it from below, so
    the gap between them is what "one variable, (ℓ − 1)/n" leaves out.
    ``sweeps`` is a list of :class:`initlab.finite_width.KurtosisSweep`.
    """
    sweeps = list(sweeps)
    fig, axes = figure(1, len(sweeps), width=3.3 * len(sweeps) + 0.6, height=3.6, squeeze=False)
    for ax, s in zip(axes[0], sweeps):
        exact_known = not np.all(np.isnan(s.exact))
        for i, n in enumerate(np.unique(s.width)):
            m = s.width == n
            ax.errorbar(s.ratio[m], s.value[m], yerr=2 * s.se[m], fmt=_MARKERS[i % len(_MARKERS)], ms=3.5,
                        color=width_color(i), capsize=2, lw=1, label=f"n = {n}")
            ax.plot(s.ratio[m], s.exact[m] if exact_known else s.recursion[m], "-", color=width_color(i), lw=1.2,
                    label=f"_theory n = {n}")
        r = np.linspace(0.0, s.ratio.max(), 50)
        ax.plot(r, 3 * theory.nu(s.activation) * r, "--", color="black", lw=1.2, label="leading order")
        if exact_known:
            ax.plot(r, 3 * np.expm1(theory.nu(s.activation) * r), ":", color=_OI["grey"], lw=1.5, label="n → ∞")
        title = _TITLES.get(s.activation, s.activation)
        label_axes(ax, r"$(\ell-1)/n$", "excess kurtosis of $z^{(\\ell)}$", title)
        ax.set_xlim(left=-0.01)
    axes[0][0].legend(loc="upper left", fontsize=8)
    plt.close(fig)  # the cell displays the returned figure once
    return fig


def aspect_ratio(sweep):
    """Fluctuations of ‖z^(L)‖² across initializations against r = L/n (ReLU, He).

    Left: Var[ln‖z^(L)‖²] (markers ±2 standard errors, one colour per width, labels
    ``n = <width>``), the exact value for each width (thin lines) and the leading order 5r
    (black dashed, label ``5 L/n``), log–log axes, with the three regimes shaded.
    Right: the median and the 5–95 % band of ‖z^(L)‖² / E‖z^(L)‖² (log scale).
    ``sweep`` is a :class:`initlab.finite_width.LogNormSweep`.
    """
    fig, (ax, ax2) = figure(1, 2, width=8.6, height=3.8)
    widths = np.unique(sweep.width)
    for i, n in enumerate(widths):
        m = sweep.width == n
        order = np.argsort(sweep.ratio[m])
        r = sweep.ratio[m][order]
        ax.errorbar(r, sweep.var[m][order], yerr=2 * sweep.var_se[m][order], fmt=_MARKERS[i % len(_MARKERS)],
                    ms=4, color=width_color(i), capsize=2, lw=1, label=f"n = {n}")
        ax.plot(r, sweep.exact[m][order], "-", color=width_color(i), lw=1, label=f"_exact n = {n}")
        ax2.plot(r, sweep.q50[m][order], _MARKERS[i % len(_MARKERS)] + "-", ms=4, color=width_color(i),
                 label=f"n = {n}")
        ax2.fill_between(r, sweep.q05[m][order], sweep.q95[m][order], color=width_color(i), alpha=0.15, lw=0)
    rr = np.geomspace(sweep.ratio.min() / 1.5, sweep.ratio.max() * 1.5, 50)
    ax.plot(rr, 5 * rr, "--", color="black", lw=1.2, label="5 L/n")
    for a in (ax, ax2):
        a.set_xscale("log")
        a.axvspan(rr[0], 0.2, color=_OI["grey"], alpha=0.07, lw=0)
        a.axvspan(1.0, rr[-1], color=_OI["vermillion"], alpha=0.07, lw=0)
        a.set_xlim(rr[0], rr[-1])
    ax.set_yscale("log")
    ax.text(0.03, 0.96, "r ≪ 1", transform=ax.transAxes, va="top", fontsize=9)
    ax.text(0.97, 0.04, "r ≫ 1", transform=ax.transAxes, ha="right", fontsize=9)
    label_axes(ax, "aspect ratio r = L/n", r"Var[ln‖$z^{(L)}$‖²]", "fluctuations grow with L/n")
    ax2.axhline(1.0, color="black", lw=0.8)
    ax2.set_yscale("log")
    label_axes(ax2, "aspect ratio r = L/n", r"‖$z^{(L)}$‖² / E‖$z^{(L)}$‖²", "median and 5–95 % band")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.1))
    ax2.legend(loc="lower left")
    plt.close(fig)  # the cell displays the returned figure once
    return fig


def criticality(tanh_C_W, tanh_traj, relu_traj, K_max: float = 3.0):
    """Three panels on the variance map and its fixed points.

    (a) the tanh variance map K ↦ C_W E[tanh(z)²] for each C_W in ``tanh_C_W`` (label
    ``C_W = <value>``), the diagonal, and each fixed point K* as a dot;
    (b) measured tanh layer variances K^(ℓ) (markers) against the infinite-width trajectory
    (lines) and the power law 1/(2ℓ) (black dashed, label ``1/(2ℓ)``), log–log;
    (c) the same for ReLU, K^(ℓ)/K^(1) against (C_W/2)^(ℓ−1), log y.
    ``tanh_traj`` and ``relu_traj`` come from :func:`initlab.finite_width.variance_trajectories`.
    """
    fig, (a, b, c) = figure(1, 3, width=10.5, height=3.6)
    K = np.linspace(0.0, K_max, 200)
    cws = list(tanh_C_W)
    kstar = finite_width.fixed_points("tanh", np.array(cws, dtype=float), 0.0, n_iter=2000)
    for i, cw in enumerate(cws):
        col = width_color(i)
        a.plot(K, theory.variance_map(K, "tanh", cw), color=col, label=f"$C_W$ = {cw:.3g}")
        ks = 0.0 if cw <= 1.0 else float(kstar[i])
        a.plot([ks], [ks], "o", color=col, ms=6, mec="black", label=f"_K* = {ks:.3g}")
    a.plot(K, K, color="black", lw=1, label="diagonal")
    label_axes(a, r"$K^{(\ell)}$", r"$K^{(\ell+1)}$", "(a) tanh variance map")
    a.set_xlim(0, K_max)
    a.set_ylim(0, K_max)
    a.legend(loc="upper left", fontsize=8)
    for i, (cw, d) in enumerate(tanh_traj.items()):
        l = np.arange(1, d["measured"].size + 1)
        b.plot(l, d["measured"], "o", ms=3, color=width_color(cws.index(cw) if cw in cws else i),
               label=f"$C_W$ = {cw:.3g}")
        b.plot(l, d["theory"], "-", lw=1, color=width_color(cws.index(cw) if cw in cws else i),
               label=f"_theory {cw:.3g}")
    l = np.arange(1, max(d["measured"].size for d in tanh_traj.values()) + 1)
    b.plot(l, 1 / (2 * l), "--", color="black", lw=1.2, label="1/(2ℓ)")
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_ylim(1e-4, 10)
    label_axes(b, r"layer $\ell$", r"$K^{(\ell)}$", "(b) tanh, measured")
    b.legend(loc="lower left", fontsize=8)
    for i, (cw, d) in enumerate(relu_traj.items()):
        l = np.arange(1, d["measured"].size + 1)
        col = [_OI["sky"], _OI["blue"], _OI["vermillion"], _OI["purple"]][i % 4]
        c.plot(l, d["measured"] / d["theory"][0], "o", ms=3, color=col, label=f"$C_W$ = {cw:.3g}")
        c.plot(l, d["theory"] / d["theory"][0], "-", lw=1, color=col, label=f"_theory {cw:.3g}")
    c.set_yscale("log")
    label_axes(c, r"layer $\ell$", r"$K^{(\ell)}/K^{(1)}$", "(c) ReLU, measured")
    c.legend(loc="upper left", fontsize=8)
    plt.close(fig)  # the cell displays the returned figure once
    return fig


def phase_diagram(grid, recipes=None):
    """The ordered (χ_⊥ < 1) and chaotic (χ_⊥ > 1) phases over (C_W, C_b).

    Colour: ln χ_⊥ at the fixed point (purple ordered, orange chaotic); black line: the
    order-to-chaos boundary χ_⊥ = 1 (label ``order-to-chaos boundary``). It is not a line of
    critical points: off C_b = 0, χ_∥ < 1 on it, and only its end (C_W, C_b) = (1, 0) has
    χ_∥ = χ_⊥ = 1 (for tanh). ``recipes`` maps a label to a point (C_W, C_b), drawn as a
    marker with its label. ``grid`` is a :class:`initlab.finite_width.PhaseGrid`.
    """
    fig, ax = figure(1, 1, width=6.4, height=4.4)
    lc = np.log(grid.chi_perp)
    vmax = float(np.nanmax(np.abs(lc[np.isfinite(lc)])))
    mesh = ax.pcolormesh(grid.C_W, grid.C_b, lc, cmap="PuOr_r", vmin=-vmax, vmax=vmax, shading="nearest")
    fig.colorbar(mesh, ax=ax, label=r"ln $\chi_\perp$ at the fixed point")
    ax.contour(grid.C_W, grid.C_b, lc, levels=[0.0], colors="black", linewidths=1.5)
    ax.plot([], [], color="black", lw=1.5, label=r"order-to-chaos boundary ($\chi_\perp = 1$)")
    ax.text(0.05, 0.9, "ordered\n" + r"($\chi_\perp < 1$)", transform=ax.transAxes, fontsize=10)
    ax.text(0.72, 0.12, "chaotic\n" + r"($\chi_\perp > 1$)", transform=ax.transAxes, fontsize=10)
    for i, (name, (cw, cb)) in enumerate((recipes or {}).items()):
        ax.plot([cw], [cb], _MARKERS[i % len(_MARKERS)], ms=8, color="white", mec="black", label=name)
    ax.grid(False)
    label_axes(ax, r"$C_W$ (weight variance × fan-in)", r"$C_b$ (bias variance)", f"{grid.activation}: phase diagram")
    ax.legend(loc="upper right", fontsize=8, frameon=True)
    plt.close(fig)  # the cell displays the returned figure once
    return fig


def gauss_hermite_error(n_nodes, errors, label: str = "error"):
    """Absolute quadrature error against the number of Gauss–Hermite nodes (log y).

    ``errors`` maps a curve label to an array of errors (one per entry of ``n_nodes``);
    zero errors are drawn at 1e-17 (below double precision).
    """
    fig, ax = figure(1, 1, width=5.5, height=3.4)
    for i, (name, err) in enumerate(errors.items()):
        ax.plot(n_nodes, np.maximum(np.abs(np.asarray(err, dtype=float)), 1e-17), _MARKERS[i] + "-",
                color=width_color(i), ms=4, label=name)
    ax.set_yscale("log")
    label_axes(ax, "number of nodes m", label, "Gauss–Hermite quadrature")
    ax.legend()
    plt.close(fig)  # the cell displays the returned figure once
    return fig
