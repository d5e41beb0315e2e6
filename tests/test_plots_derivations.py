"""Tests of initlab.plots.derivations: the figures plot the right data."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from initlab import derivations as d
from initlab import theory
from initlab.plots import derivations as pd


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _pdf(z, var):
    return np.exp(-0.5 * z * z / var) / math.sqrt(2 * math.pi * var)


def test_weighted_sum_bars_heights():
    res = d.weighted_sum_check(["normal", "relu"], 10, 0.1, 2000, rng=0)
    fig = pd.weighted_sum_bars(res)
    ax = fig.axes[0]
    from matplotlib.container import BarContainer

    meas, pred, naive = [c for c in ax.containers if isinstance(c, BarContainer)]
    np.testing.assert_allclose([b.get_height() for b in meas], [r["measured"] for r in res])
    # correct prediction: n Var(w) E[x²] = 1 and 1/2; naive: Var(x) = 1 and 1/2 − 1/(2π)
    np.testing.assert_allclose([b.get_height() for b in pred], [1.0, 0.5], atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in naive], [1.0, 0.5 - 1 / (2 * math.pi)], atol=1e-12)
    assert ax.get_xlabel() and ax.get_ylabel()


def test_weighted_sum_bars_rejects_empty():
    with pytest.raises(ValueError):
        pd.weighted_sum_bars([])


def test_gaussian_projection_density_and_histogram():
    x = np.zeros(40)
    x[:3] = [1.0, -2.0, 0.5]
    s = 0.3
    fig = pd.gaussian_projection(x, s, n_out=40000, rng=1, bins=40)
    var = float(x @ x) * s * s
    g_ax, u_ax = fig.axes
    line = g_ax.lines[0]
    np.testing.assert_allclose(line.get_ydata(), _pdf(line.get_xdata(), var), rtol=1e-12)
    # Histogram of 40000 exact Gaussian draws against the density at bin centres: a bin with
    # probability p has density standard error √(p(1−p)/N)/width; allow 5 of those.
    heights = np.array([p.get_height() for p in g_ax.patches])
    edges = np.array([p.get_x() for p in g_ax.patches] + [g_ax.patches[-1].get_x() + g_ax.patches[-1].get_width()])
    width = edges[1] - edges[0]
    centres = edges[:-1] + width / 2
    dens = _pdf(centres, var)
    p = dens * width
    se = np.sqrt(p * (1 - p) / 40000) / width
    assert np.all(np.abs(heights - dens) < 5 * se + 1e-3 * dens.max())
    # With only 3 non-zero inputs, uniform weights are visibly non-Gaussian at the centre.
    u_heights = np.array([q.get_height() for q in u_ax.patches])
    mid = len(u_heights) // 2
    assert abs(u_heights[mid] - dens[mid]) > 5 * se[mid]


def test_gaussian_projection_validates():
    with pytest.raises(ValueError):
        pd.gaussian_projection(np.ones(3), 0.0)


def test_variance_map_lines_are_quadrature():
    pts = {"relu": ([1.0, 2.0], [0.5, 1.0]), "tanh": ([1.0], [0.39])}
    fig = pd.variance_map(pts, C_W=2.0, K_max=3.0)
    left, right = fig.axes
    relu_line, relu_dots, tanh_line = left.lines[0], left.lines[1], left.lines[2]
    K = relu_line.get_xdata()
    np.testing.assert_allclose(relu_line.get_ydata(), K, atol=1e-10)  # C_W = 2, E[relu²] = K/2
    np.testing.assert_allclose(relu_dots.get_ydata(), [0.5, 1.0])
    np.testing.assert_allclose(tanh_line.get_ydata(), theory.variance_map(K, "tanh", 2.0))
    r = right.lines[0]
    np.testing.assert_allclose(r.get_ydata(), 0.5, atol=1e-10)
    assert right.get_xscale() == "log"


def test_relu_integrand():
    fig = pd.relu_integrand(2.0)
    line = fig.axes[0].lines[0]
    z, y = line.get_xdata(), line.get_ydata()
    np.testing.assert_allclose(y, z * z * _pdf(z, 2.0), rtol=1e-12)
    # area under the right half ≈ K/2 (trapezoid on the plotted grid)
    right = z >= 0
    assert np.trapezoid(y[right], z[right]) == pytest.approx(1.0, rel=2e-3)


def test_depth_profiles_plot_profile_data():
    x = np.ones(10)
    profs = [d.depth_profile(x, [10, 20, 20, 20], s, n_nets=50, rng=0) for s in ("he_normal", "lecun_normal")]
    fig = pd.depth_profiles(profs)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), profs[0]["measured"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), math.sqrt(2.0), rtol=1e-12)
    # LeCun with ReLU: halves the variance per layer
    np.testing.assert_allclose(ax.lines[3].get_ydata(), [1.0, 2**-0.5, 0.5], rtol=1e-12)
    assert ax.get_yscale() == "log"


def test_fan_modes_plot_both_directions():
    x = np.ones(8)
    widths = [8, 8, 16, 32]
    profs = [d.forward_backward_profile(x, widths, mode=m, n_nets=20, rng=1) for m in ("fan_in", "fan_out")]
    fig = pd.fan_modes(profs)
    fwd, bwd = fig.axes[:2]
    # fan_in: forward constant √2·‖x‖/√n0 = √2; backward √(n_L/n_ℓ)
    np.testing.assert_allclose(fwd.lines[1].get_ydata(), math.sqrt(2), rtol=1e-12)
    np.testing.assert_allclose(bwd.lines[1].get_ydata(), np.sqrt(32 / np.array(widths[1:])), rtol=1e-12)
    # fan_out: backward constant 1
    np.testing.assert_allclose(bwd.lines[3].get_ydata(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(bwd.lines[2].get_ydata(), profs[1]["backward_measured"])


def test_glorot_factors_lines_and_measured_points():
    ratios = [0.25, 1.0, 4.0]
    fig = pd.glorot_factors(64, ratios, rng=0)
    fwd, bwd = fig.axes[:2]
    r = np.array(ratios)
    # order: fan-in (line, dots), fan-out (line, dots), Glorot (line, dots)
    np.testing.assert_allclose(fwd.lines[0].get_ydata(), 1.0)
    np.testing.assert_allclose(bwd.lines[0].get_ydata(), r)
    np.testing.assert_allclose(fwd.lines[2].get_ydata(), 1 / r)
    np.testing.assert_allclose(fwd.lines[4].get_ydata(), 2 / (1 + r))
    np.testing.assert_allclose(bwd.lines[4].get_ydata(), 2 * r / (1 + r))
    # measured Glorot points: sample variance of N = n_in·n_out entries has relative std
    # √(2/(N−1)); the smallest N here is 64·16; allow 5 of those.
    tol = 5 * math.sqrt(2 / (64 * 16 - 1))
    np.testing.assert_allclose(fwd.lines[5].get_ydata(), 2 / (1 + r), rtol=tol)


def test_uniform_vs_normal_densities():
    fig = pd.uniform_vs_normal(10, 20, n_draws=2000, rng=0)
    ax = fig.axes[0]
    uni, nor = ax.lines[0], ax.lines[1]
    a = math.sqrt(6 / 30)
    s = math.sqrt(2 / 30)
    w = uni.get_xdata()
    np.testing.assert_allclose(uni.get_ydata(), np.where(np.abs(w) <= a, 1 / (2 * a), 0.0))
    np.testing.assert_allclose(nor.get_ydata(), _pdf(w, s * s), rtol=1e-12)
    assert a == pytest.approx(0.447, abs=1e-3)  # sources.md: normalized rule, 10 in, 20 out


def test_tanh_criticality():
    prof = d.variance_profile(np.ones(10), [10, 30, 30], "tanh", 1.0, n_nets=20, rng=0)
    fig = pd.tanh_criticality([prof], C_W_grid=[0.8, 1.0, 25 / 9])
    left, right = fig.axes[:2]
    np.testing.assert_allclose(left.lines[1].get_ydata(), prof["predicted"])
    chi = right.lines[0].get_ydata()
    assert chi[0] == pytest.approx(0.8, abs=1e-12)  # ordered: K* = 0, χ = C_W
    assert chi[1] == pytest.approx(1.0, abs=1e-12)  # critical
    K = theory.fixed_point("tanh", 25 / 9)
    assert chi[2] == pytest.approx(float(theory.chi_perp(K, "tanh", 25 / 9)), rel=1e-6)
    assert chi[2] > 1.1  # chaotic


def test_selu_profiles():
    p = d.variance_profile(np.ones(10), [10, 30, 30], "selu", 1.0, n_nets=20, rng=0)
    fig = pd.selu_profiles([p], ["LeCun normal"])
    a1, a2 = fig.axes[:2]
    np.testing.assert_allclose(a1.lines[0].get_ydata(), p["act_mean"])
    np.testing.assert_allclose(a2.lines[0].get_ydata(), p["act_second_moment"])
    with pytest.raises(ValueError):
        pd.selu_profiles([p], [])


def test_figures_are_closed_so_notebooks_show_them_once():
    fig = pd.relu_integrand(1.0)
    assert fig.number not in plt.get_fignums()
