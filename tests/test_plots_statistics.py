"""Tests of initlab.plots.statistics: each figure must plot the data it is given."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure

from initlab import finite_width as fw
from initlab import theory
from initlab.plots import statistics as st


def _line(ax, label):
    lines = [l for l in ax.get_lines() if l.get_label() == label]
    assert len(lines) == 1, [l.get_label() for l in ax.get_lines()]
    return lines[0]


def _errorbar(ax, label):
    """The data line of the errorbar container with this label."""
    cs = [c for c in ax.containers if c.get_label() == label]
    assert len(cs) == 1, [c.get_label() for c in ax.containers]
    return cs[0].lines[0]


def test_output_distribution_plots_qq_data_and_normal_density():
    s = fw.output_samples([4, 64], depth=3, n_nets=800, rng=0)
    fig = st.output_distribution(s, n_quantiles=50)
    assert isinstance(fig, Figure)
    ax_h, ax_q = fig.axes
    for n in (4, 64):
        q, y = fw.qq_data(s[n], math.sqrt(s["K"]), 50)
        line = _line(ax_q, f"n = {n}")
        assert np.allclose(line.get_xdata(), q) and np.allclose(line.get_ydata(), y)
    dens = _line(ax_h, "N(0, 1)")
    x = dens.get_xdata()
    assert np.allclose(dens.get_ydata(), np.exp(-x**2 / 2) / math.sqrt(2 * math.pi))
    # the histograms integrate to 1 over the plotted range (minus the mass outside ±6)
    assert len(ax_h.patches) == 2
    assert ax_h.get_xlabel() and ax_q.get_ylabel()


def test_kurtosis_vs_ratio_plots_measurements_exact_and_leading():
    sweeps = [fw.kurtosis_sweep("relu", [8, 16], 0.25, 500, rng=1),
              fw.kurtosis_sweep("tanh", [16], 0.25, 500, rng=2)]
    fig = st.kurtosis_vs_ratio(sweeps)
    ax_r, ax_t = fig.axes
    s = sweeps[0]
    for n in (8, 16):
        m = s.width == n
        pts = _errorbar(ax_r, f"n = {n}")
        assert np.allclose(pts.get_xdata(), s.ratio[m]) and np.allclose(pts.get_ydata(), s.value[m])
        ex = _line(ax_r, f"_theory n = {n}")
        assert np.allclose(ex.get_ydata(), 3 * ((1 + 5 / n) ** (s.layer[m] - 1) - 1))
    lead = _line(ax_r, "leading order")
    assert np.allclose(lead.get_ydata(), 15 * lead.get_xdata())
    # the limit n → ∞ at fixed r of the exact formula, 3(e^{5r} − 1), lies above every width's curve
    lim = _line(ax_r, "n → ∞")
    assert np.allclose(lim.get_ydata(), 3 * np.expm1(5 * lim.get_xdata()))
    for n in (8, 16):
        ex = _line(ax_r, f"_theory n = {n}")
        assert np.all(ex.get_ydata() <= 3 * np.expm1(5 * ex.get_xdata()) + 1e-12)
    assert not [l for l in ax_t.get_lines() if l.get_label() == "n → ∞"]  # tanh: no exact formula
    # tanh: no exact formula, so the solid line is the leading-order recursion
    t = sweeps[1]
    assert np.allclose(_line(ax_t, "_theory n = 16").get_ydata(), t.recursion)
    assert np.allclose(_line(ax_t, "leading order").get_ydata(), 2 * _line(ax_t, "leading order").get_xdata())
    # error bars are ±2 SE: the caps sit at value ± 2 se
    caps = [c for c in ax_r.containers][0]
    low_cap = caps.lines[1][0]
    assert np.allclose(low_cap.get_ydata(), s.value[s.width == 8] - 2 * s.se[s.width == 8])


def test_aspect_ratio_plots_variances_and_leading_line():
    s = fw.log_norm_sweep(widths=(16,), ratios=(0.25, 1.0), n_nets=200, rng=3)
    fig = st.aspect_ratio(s)
    ax, ax2 = fig.axes
    pts = _errorbar(ax, "n = 16")
    assert np.allclose(pts.get_xdata(), [0.25, 1.0]) and np.allclose(pts.get_ydata(), s.var)
    assert np.allclose(_line(ax, "_exact n = 16").get_ydata(), s.exact)
    lead = _line(ax, "5 L/n")
    assert np.allclose(lead.get_ydata(), 5 * lead.get_xdata())
    assert np.allclose(_line(ax2, "n = 16").get_ydata(), s.q50)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_criticality_plots_map_fixed_points_and_trajectories():
    tt = fw.variance_trajectories("tanh", [1.0, 2.0], depth=8, width=32, n_nets=20, rng=4)
    rt = fw.variance_trajectories("relu", [2.0], depth=8, width=32, n_nets=20, rng=5)
    fig = st.criticality([1.0, 2.0], tt, rt)
    a, b, c = fig.axes[:3]
    curve = _line(a, "$C_W$ = 2")
    assert np.allclose(curve.get_ydata(), theory.variance_map(curve.get_xdata(), "tanh", 2.0))
    kstar = [l for l in a.get_lines() if l.get_label().startswith("_K*")]
    assert len(kstar) == 2
    assert kstar[0].get_xdata()[0] == 0.0          # C_W = 1: K* = 0
    k2 = kstar[1].get_xdata()[0]
    assert k2 == pytest.approx(float(theory.variance_map(k2, "tanh", 2.0)), rel=1e-5)
    assert np.allclose(_line(b, "$C_W$ = 2").get_ydata(), tt[2.0]["measured"])
    ref = _line(b, "1/(2ℓ)")
    assert np.allclose(ref.get_ydata(), 1 / (2 * ref.get_xdata()))
    assert np.allclose(_line(c, "_theory 2").get_ydata(), 1.0)


def test_phase_diagram_colours_log_chi_and_marks_recipes():
    g = fw.phase_grid("tanh", C_W=np.linspace(0.5, 3, 6), C_b=np.linspace(0, 0.2, 3), n_iter=300)
    fig = st.phase_diagram(g, {"PyTorch tanh gain 5/3": (25 / 9, 0.0)})
    ax = fig.axes[0]
    mesh = [c for c in ax.collections if isinstance(c, QuadMesh)][0]
    assert np.allclose(np.asarray(mesh.get_array()).reshape(g.chi_perp.shape), np.log(g.chi_perp))
    mark = _line(ax, "PyTorch tanh gain 5/3")
    assert mark.get_xdata()[0] == pytest.approx(25 / 9)
    # the χ⊥ = 1 line is named the order-to-chaos boundary in the legend, never "critical"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("order-to-chaos boundary") for t in labels)
    assert not any("critical" in t for t in labels)


def test_gauss_hermite_error_floors_zero_errors():
    fig = st.gauss_hermite_error([1, 2, 3], {"z⁴": [2.0, 0.0, 0.0]})
    assert np.allclose(_line(fig.axes[0], "z⁴").get_ydata(), [2.0, 1e-17, 1e-17])
