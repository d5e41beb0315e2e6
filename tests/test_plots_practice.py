"""Tests of initlab.plots.practice: the figures of Part III plot the right data."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from initlab.plots import practice


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


# ---------------------------------------------------------------- chapter 6


def test_draw_histograms_predicted_density():
    rng = np.random.default_rng(0)
    a = 1 / math.sqrt(10)
    fig = practice.draw_histograms(
        {"fan_in_uniform": rng.uniform(-a, a, 1000), "he_normal": rng.normal(0, math.sqrt(0.2), 1000)},
        fan_in=10, fan_out=20,
    )
    uni, he = fig.axes
    x, y = uni.lines[0].get_data()
    assert max(y) == pytest.approx(1 / (2 * a))  # height of the uniform density
    assert x[1] == pytest.approx(-a) and x[4] == pytest.approx(a)
    x, y = he.lines[0].get_data()
    # the normal density peaks at 1/(σ√(2π)) with σ = √(2/10)
    assert max(y) == pytest.approx(1 / (math.sqrt(0.2) * math.sqrt(2 * math.pi)))
    # histogram bars: total area 1
    area = sum(p.get_height() * p.get_width() for p in uni.patches)
    assert area == pytest.approx(1.0)


def test_draw_histograms_rejects_empty():
    with pytest.raises(ValueError, match="non-empty dict"):
        practice.draw_histograms({})


def test_range_vs_fan_in_lines():
    fig = practice.range_vs_fan_in(["fan_in_uniform", "glorot_uniform", "he_normal"], fan_in_max=100, fan_out=10)
    uni, glo, he = fig.axes[:3]
    n = np.arange(1, 101)
    np.testing.assert_allclose(uni.lines[0].get_ydata(), 1 / np.sqrt(n))  # +a
    np.testing.assert_allclose(uni.lines[1].get_ydata(), -1 / np.sqrt(n))  # -a
    np.testing.assert_allclose(uni.lines[2].get_ydata(), 1 / np.sqrt(3 * n))  # +σ = a/√3
    np.testing.assert_allclose(glo.lines[0].get_ydata(), np.sqrt(6 / (n + 10)))
    np.testing.assert_allclose(he.lines[0].get_ydata(), np.sqrt(2 / n))  # +σ
    np.testing.assert_allclose(he.lines[2].get_ydata(), np.sqrt(3) * np.sqrt(2 / n))  # √3σ
    assert "PyTorch" in uni.get_title()
    assert uni.get_xlabel() and uni.get_ylabel()
    # the 3σ band of He at n = 1 reaches 3√2
    band = he.collections[0].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx(3 * math.sqrt(2))
    assert not fig.axes[3].get_visible()  # the unused fourth panel is hidden


def test_range_log_is_straight_with_slope_minus_half():
    fig = practice.range_log(["fan_in_uniform", "he_normal", "glorot_uniform"], fan_in_max=10_000, fan_out=10)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    for line in ax.lines[:2]:
        x, y = (np.asarray(v, float) for v in line.get_data())
        slope = np.diff(np.log(y)) / np.diff(np.log(x))
        np.testing.assert_allclose(slope, -0.5, atol=1e-12)
    x, y = (np.asarray(v, float) for v in ax.lines[2].get_data())
    assert x[-1] == 10_000
    # Glorot bends: flat at small n, slope -1/2 only when n >> fan_out
    slope = np.diff(np.log(y)) / np.diff(np.log(x))
    assert slope[0] > -0.1 and slope[-1] < -0.49


# ---------------------------------------------------------------- chapter 7


def test_truncated_normal_density_lines():
    from initlab import frameworks as fw

    sigma = 0.5
    fig = practice.truncated_normal_density(
        fw.truncated_normal(5000, sigma, rng=0), fw.truncated_normal(5000, sigma, rng=1, rescale=False), sigma)
    ax = fig.axes[0]
    target, keras, plain = ax.lines[:3]
    assert max(target.get_ydata()) == pytest.approx(1 / (sigma * math.sqrt(2 * math.pi)), rel=1e-4)
    # the rescaled sampler's support ends at 2σ/0.8796, the plain one's at 2σ
    assert max(keras.get_xdata()) == pytest.approx(2 * sigma / fw.KERAS_TRUNCATION_FACTOR)
    assert max(plain.get_xdata()) == pytest.approx(2 * sigma)
    # each truncated density integrates to 1 over its support
    for line in (keras, plain):
        x, y = (np.asarray(v, float) for v in line.get_data())
        assert np.trapezoid(y[1:-1], x[1:-1]) == pytest.approx(1.0, abs=1e-3)


def test_truncation_depth_plots_given_data():
    m = {"rescaled": np.array([1.0, 0.98, 1.01]), "forgot": np.array([0.77, 0.6, 0.46])}
    p = {"rescaled": np.ones(3), "forgot": 0.774 ** np.arange(1, 4)}
    fig = practice.truncation_depth(m, p)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 1.0)
    np.testing.assert_allclose(ax.lines[3].get_ydata(), m["forgot"])
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="same non-empty keys"):
        practice.truncation_depth(m, {"rescaled": np.ones(3)})


def test_singular_value_spectra_counts():
    g = {1: np.array([0.5, 1.0, 2.0]), 4: np.array([1e-3, 0.1, 5.0])}
    o = {1: np.ones(3), 4: np.ones(3)}
    fig = practice.singular_value_spectra(g, o)
    left, right = fig.axes
    assert len(left.patches) == 2 and len(right.patches) == 2
    assert left.get_xscale() == "log"
    # every orthogonal singular value falls in one bin (the step reaches height 3)
    assert right.patches[0].get_path().vertices[:, 1].max() == 3
    # the Gaussian L = 4 histogram spans from 1e-3 to 5: three bins of height 1
    heights = left.patches[1].get_path().vertices[:, 1]
    assert heights.max() == 1
    assert right.lines[0].get_xdata()[0] == 1.0  # the s = 1 marker


# ---------------------------------------------------------------- chapter 8


def _fake_comparison():
    from initlab.experiment import Comparison

    nan = np.nan
    steps = np.array([0, 10, 20])
    # schemes: zeros (flat), he (improving), unit (diverged in every seed); rates 0.03 and 0.1;
    # the curves of both rates differ so that a test can tell which one is drawn.
    acc = np.zeros((3, 3, 2, 2))
    acc[:, 0] = 0.1
    acc[:, 1, 1] = [[0.1, 0.2], [0.5, 0.7], [0.9, 0.94]]
    acc[:, 1, 0] = [[0.1, 0.2], [0.3, 0.4], [0.6, 0.8]]
    acc[:, 2] = nan
    loss = np.ones((3, 3, 2, 2))
    loss[:, 1, 1] = [[2.3, 2.3], [1.0, 0.8], [0.3, 0.2]]
    loss[:, 1, 0] = [[2.3, 2.3], [1.5, 1.3], [0.7, 0.5]]
    loss[:, 2] = nan
    g0 = np.ones((3, 2, 4))
    g0[0] = 0.0
    g0[1] = [[1, 2, 4, 8], [4, 8, 16, 32]]
    test = acc[-1] - 0.01
    return Comparison("relu", ("zeros", "he_normal", "unit_normal"), np.array([0.03, 0.1]), steps, loss, loss,
                      acc, test, g0, np.isnan(acc[-1]))


def test_training_curves_plot_seed_means():
    c = _fake_comparison()
    fig = practice.training_curves([c])
    loss_ax, acc_ax = fig.axes[:2]
    assert len(acc_ax.lines) == 2  # the all-diverged scheme has no line
    np.testing.assert_allclose(acc_ax.lines[1].get_ydata(), [0.15, 0.6, 0.92])  # η = 0.1 by default
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), [2.3, 0.9, 0.25])
    np.testing.assert_array_equal(acc_ax.lines[1].get_xdata(), [0, 10, 20])
    assert loss_ax.get_yscale() == "log"
    assert acc_ax.get_xlabel() == "step" and acc_ax.get_ylabel() == "validation accuracy"
    assert loss_ax.get_title() == "relu, η = 0.1"
    other = practice.training_curves([c], lr=0.03)
    np.testing.assert_allclose(other.axes[1].lines[1].get_ydata(), [0.15, 0.35, 0.7])
    with pytest.raises(ValueError, match="not in the comparison"):
        practice.training_curves([c], lr=0.3)


def test_gradient_norms_geometric_mean_and_zero_skipped():
    fig = practice.gradient_norms_step0([_fake_comparison()])
    ax = fig.axes[0]
    assert len(ax.lines) == 2  # zeros (all gradients 0) has no line on the log axis
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [2, 4, 8, 16])  # √(1·4), √(2·8), ...
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 1.0)  # unit_normal: all ones


def test_lr_sweep_plots_validation_means_spread_and_choice():
    c = _fake_comparison()
    fig = practice.lr_sweep([c])
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_ylabel() == "final validation accuracy"
    assert len(ax.lines) == 2  # unit_normal diverged everywhere: no line
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.7, 0.92])
    # shifted by 1.05**offset around each rate (3 schemes: offsets -1, 0, 1; He is the middle one)
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [0.03, 0.1])
    np.testing.assert_allclose(ax.lines[0].get_xdata(), np.array([0.03, 0.1]) / 1.05)
    # the spread: one vertical bar per rate from the smallest to the largest seed
    bars = ax.collections[2].get_segments()  # zeros: bars, ring; He: bars, ring
    np.testing.assert_allclose([seg[:, 1] for seg in bars], [[0.6, 0.8], [0.9, 0.94]])
    # the chosen rate (the best mean validation accuracy, η = 0.1) carries the ring
    assert c.chosen_lr()["he_normal"] == 0.1
    np.testing.assert_allclose(ax.collections[3].get_offsets(), [[0.1, 0.92]])


def test_chapter8_plots_reject_bad_input():
    with pytest.raises(TypeError, match="Comparison"):
        practice.training_curves([])


def test_chapter8_legend_lists_schemes_from_every_panel():
    fig = practice.training_curves([_fake_comparison()])
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["zeros", "He normal"]  # unit_normal diverged in every seed: no entry
