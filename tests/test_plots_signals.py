"""Tests for initlab.plots.signals: each figure plots exactly the data it is given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from initlab.plots import signals


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_symmetry_over_training_plots_both_series_per_label():
    steps = [0, 100, 200]
    fig = signals.symmetry_over_training(
        steps, {"constant": [0, 0, 0], "random": [2.0, 2.1, 2.2]}, {"constant": [0.1, 0.2, 0.2], "random": [0.1, 0.9, 0.95]}
    )
    left, right = fig.axes
    assert [l.get_label() for l in left.lines] == ["constant", "random"]
    np.testing.assert_array_equal(left.lines[1].get_ydata(), [2.0, 2.1, 2.2])
    np.testing.assert_array_equal(right.lines[0].get_ydata(), [0.1, 0.2, 0.2])
    np.testing.assert_array_equal(right.lines[0].get_xdata(), steps)
    assert left.get_xlabel() and left.get_ylabel() and right.get_ylabel() == "test accuracy"


def test_symmetry_over_training_refuses_mismatched_labels():
    with pytest.raises(ValueError, match="same labels"):
        signals.symmetry_over_training([0], {"a": [0]}, {"b": [0]})


def test_unit_weight_images_show_each_column_as_an_image():
    W = np.arange(64 * 3, dtype=float).reshape(64, 3)
    fig = signals.unit_weight_images({"first": W, "second": -W}, n_show=3)
    assert len(fig.axes) == 6
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), W[:, 1].reshape(8, 8))
    np.testing.assert_array_equal(fig.axes[5].images[0].get_array(), -W[:, 2].reshape(8, 8))
    # one symmetric colour scale per row
    assert fig.axes[0].images[0].get_clim() == (-W.max(), W.max())
    assert fig.axes[0].get_ylabel() == "first"
    with pytest.raises(ValueError, match="shape"):
        signals.unit_weight_images({"bad": np.zeros((10, 3))}, n_show=2)


def test_loss_curves_draw_the_floor():
    fig = signals.loss_curves([0, 1, 2], {"a": [3.0, 2.5, 2.4]}, floor=2.3, floor_label="H")
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [3.0, 2.5, 2.4])
    assert ax.lines[1].get_ydata()[0] == 2.3 and ax.lines[1].get_label() == "H"


def test_sigmoid_slope_plots_sigma_and_its_derivative():
    z = np.linspace(-5, 5, 11)
    s = 1 / (1 + np.exp(-z))
    fig = signals.sigmoid_slope(z, s, s * (1 - s))
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), s)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), s * (1 - s))
    assert ax.lines[2].get_ydata()[0] == 0.25


def test_products_vs_depth_lines_then_markers_on_log_axis():
    d = np.arange(1, 5)
    fig = signals.products_vs_depth(d, {"bound": 0.25**d}, {"measured": 0.2**d})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_ydata(), 0.25**d)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), 0.2**d)
    assert ax.lines[1].get_linestyle() == "None"


def test_layer_profiles_pairs_measured_and_predicted():
    fig = signals.layer_profiles(
        [
            {"series": {"a": [1.0, 2.0, 4.0]}, "predicted": {"a": [1.0, 2.0, 4.0]}, "logy": True, "ylabel": "m"},
            {"series": {"b": [0.1, 0.2, 0.3]}, "hline": (0.5, "limit")},
        ]
    )
    ax0, ax1 = fig.axes
    assert ax0.get_yscale() == "log" and ax0.get_ylabel() == "m"
    assert [l.get_label() for l in ax0.lines] == ["a", "a (predicted)"]
    np.testing.assert_array_equal(ax0.lines[1].get_xdata(), [1, 2, 3])
    assert ax1.lines[1].get_ydata()[0] == 0.5
    with pytest.raises(ValueError, match="series"):
        signals.layer_profiles([{"ylabel": "x"}])


def test_signal_histograms_histogram_every_layer_with_the_right_transform():
    rng = np.random.default_rng(0)
    acts = {"init": [rng.uniform(0, 1, 500), rng.uniform(0.4, 0.6, 500)]}
    grads = {"init": [10.0 ** rng.uniform(-3, -2, 500), 10.0 ** rng.uniform(1, 2, 500)]}
    fig = signals.signal_histograms(acts, grads, bins=10)
    top, bottom = fig.axes
    assert len(top.patches) == 2 and len(bottom.patches) == 2
    # the outlines span the data: linear for activations, log10|g| for gradients
    x_top = top.patches[1].get_path().vertices[:, 0]
    assert x_top.min() == pytest.approx(acts["init"][1].min()) and x_top.max() == pytest.approx(acts["init"][1].max())
    x_bot = bottom.patches[0].get_path().vertices[:, 0]
    assert x_bot.min() == pytest.approx(np.log10(grads["init"][0].min()))
    assert x_bot.max() == pytest.approx(np.log10(grads["init"][0].max()))


def test_signal_histograms_log_scale_drops_zeros_and_nonfinite_values():
    acts = {"relu": [np.array([0.0, 0.0, 1.0, 100.0, np.inf])]}
    grads = {"relu": [np.array([1.0, 10.0])]}
    fig = signals.signal_histograms(acts, grads, act_scale="log10abs", bins=2)
    x = fig.axes[0].patches[0].get_path().vertices[:, 0]
    assert x.min() == 0.0 and x.max() == 2.0
    with pytest.raises(ValueError, match="act_scale"):
        signals.signal_histograms(acts, grads, act_scale="log")


def test_mean_activation_over_training_one_line_per_layer():
    m = np.array([[0.5, 0.5, 0.5], [0.4, 0.3, 0.1]])
    fig = signals.mean_activation_over_training([0, 10], m, stds=0.1 * np.ones_like(m))
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    np.testing.assert_array_equal(ax.lines[2].get_ydata(), [0.5, 0.1])
    assert len(ax.collections) == 3
    with pytest.raises(ValueError, match="shape"):
        signals.mean_activation_over_training([0, 1, 2], m)


def test_signal_histograms_scale_can_differ_per_column():
    acts = {"a": [np.array([0.001, 0.01, 0.1])], "b": [np.array([-0.5, 0.5])]}
    grads = {"a": [np.array([1.0, 10.0])], "b": [np.array([1.0, 10.0])]}
    fig = signals.signal_histograms(acts, grads, act_scale={"a": "log10abs", "b": "linear"}, bins=2)
    xa = fig.axes[0].patches[0].get_path().vertices[:, 0]
    xb = fig.axes[1].patches[0].get_path().vertices[:, 0]
    assert (xa.min(), xa.max()) == (-3.0, -1.0)
    assert (xb.min(), xb.max()) == (-0.5, 0.5)
    assert len(fig.legends) == 1 and [t.get_text() for t in fig.legends[0].get_texts()] == ["layer 1"]
    with pytest.raises(ValueError, match="act_scale"):
        signals.signal_histograms(acts, grads, act_scale={"a": "linear"})
