"""Tests of the interactive explorers: robustness at every control's limits, coalesced
updates, the static picture for the website, and that what they draw is what they compute."""

import base64
import itertools
import warnings

import numpy as np
import pytest

from initlab import init_std
from initlab.explore import (
    CriticalityExplorer,
    ImmediateScheduler,
    ManualScheduler,
    RaceExplorer,
    SignalExplorer,
    WeightsExplorer,
    compute_criticality,
    compute_signal,
    compute_weights,
    run_race,
)
from initlab.explore.criticality import describe_criticality
from initlab.explore.signal import SCHEME_CHOICES
from initlab.activations import ACTIVATIONS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _is_svg(data: bytes) -> bool:
    """A whole, well-formed SVG document (what the live widget shows)."""
    import xml.etree.ElementTree as ET

    return ET.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"


def _limits(control):
    if hasattr(control, "options") and not hasattr(control, "min"):
        return list(control.options)
    return [control.min, control.max]


@pytest.mark.parametrize("cls", [SignalExplorer, WeightsExplorer, CriticalityExplorer])
def test_every_control_at_its_limits_never_raises(cls):
    ex = cls(scheduler=ImmediateScheduler())
    defaults = ex.settings()
    for name, control in ex.controls_dict.items():
        for value in _limits(control):
            with warnings.catch_warnings():
                warnings.simplefilter("error", RuntimeWarning)
                state = ex.update(**{**defaults, name: value})
            assert _is_svg(ex.last_picture)
            assert isinstance(ex.describe(state), str) and ex.describe(state)


EXTREMES = [
    dict(activation="linear", scheme="unit_normal", depth=50, width=1000, gain=4.0),
    dict(activation="relu", scheme="unit_normal", depth=50, width=1000),
    dict(activation="selu", scheme="lecun_normal", depth=50, width=10),
    dict(activation="sigmoid", scheme="zeros", depth=1, width=10),
    dict(activation="tanh", scheme="orthogonal", gain=4.0, bias_std=1.0, depth=50, width=10),
    dict(activation="relu", scheme="small_normal", depth=50, width=10),
    dict(activation="leaky_relu", scheme="he_uniform", gain=0.0, depth=50, width=1000),
]


@pytest.mark.parametrize("settings", EXTREMES)
def test_signal_explorer_extremes_report_instead_of_raising(settings):
    ex = SignalExplorer(scheduler=ImmediateScheduler())
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        state = ex.update(**{**ex.settings(), **settings})
    assert ex.last_png.startswith(PNG_MAGIC)
    assert len(state.rms_z) == settings.get("depth", 10)


def test_signal_explosion_is_reported_with_its_layer():
    # Linear network, unit-normal weights times 4, width 1000: the rms grows by 4·√1000 ≈ 126
    # per layer, so it passes 1e100 around layer 100 / log10(126) ≈ 47.6.
    state = compute_signal(activation="linear", scheme="unit_normal", gain=4.0, depth=50, width=1000)
    assert state.exploded is not None and 44 <= state.exploded <= 50
    from initlab.explore.signal import describe_signal

    assert f"exploded at layer {state.exploded}" in describe_signal(state)


def test_signal_vanishing_is_reported():
    state = compute_signal(activation="relu", scheme="small_normal", depth=50, width=256)
    # Each layer multiplies the rms by 0.01·√(256/2) ≈ 0.113: below 1e-30 after ~32 layers.
    assert state.vanished is not None and 28 <= state.vanished <= 36


def test_signal_measured_rms_follows_theory_at_he_init():
    # One network, width 512, batch 64, depth 5: the rms over 64·512 values of layer ℓ has a
    # relative fluctuation of order √(ℓ·5/n) ≈ 0.1 (finite-width log-norm spread, Hanin and
    # Nica), so we allow 35%.
    state = compute_signal(activation="relu", scheme="he_normal", depth=5, width=512)
    assert np.allclose(state.rms_z, state.theory_rms_z, rtol=0.35)
    assert np.allclose(state.theory_rms_z, state.theory_rms_z[0], rtol=1e-9)  # critical: flat


def test_signal_histograms_are_distributions():
    state = compute_signal(activation="tanh", depth=7, width=64)
    assert state.act_hist.shape[0] == 7
    assert np.allclose(state.act_hist.sum(axis=1), 1.0)
    assert np.allclose(state.grad_hist.sum(axis=1), 1.0)


def test_dead_units_for_relu_and_saturation_for_tanh():
    relu = compute_signal(activation="relu", scheme="he_normal", depth=10, width=64)
    assert np.all((relu.bad_fraction >= 0) & (relu.bad_fraction <= 1))
    tanh = compute_signal(activation="tanh", scheme="unit_normal", depth=10, width=256)
    # With N(0,1) weights and width 256, preactivations have std ≈ 16·rms(a): most tanh units
    # sit beyond |a| > 0.97 (P(|z| < 2.1·... ) is tiny), so most units are saturated.
    assert np.all(tanh.bad_fraction[1:] > 0.8)
    linear = compute_signal(activation="linear", depth=3, width=16)
    assert np.all(np.isnan(linear.bad_fraction))


def test_updates_coalesce_only_latest_is_computed():
    sched = ManualScheduler()
    ex = WeightsExplorer(scheduler=sched)
    runs_before = ex.runs
    for fan_in in (2, 5, 50, 300, 777):
        ex.controls_dict["fan_in"].value = fan_in
    assert ex.runs == runs_before  # nothing computed yet: all waiting
    sched.flush()
    assert ex.runs == runs_before + 1  # five changes, one computation
    assert ex.state.fan_in == 777


def test_weights_explorer_stds_match_theory():
    state = compute_weights(fan_in=10, fan_out=20)
    for s, measured in state.measured_stds.items():
        # 200 draws (10·20); the sample std has relative standard error ≈ 1/√(2·200) = 0.05
        # for normals (uniforms: smaller); allow 4 of those.
        assert measured == pytest.approx(init_std(s, 10, 20), rel=0.2)
        assert state.stds[s] == pytest.approx(init_std(s, 10, 20))
    big = compute_weights(fan_in=1000, fan_out=1000)
    for s, measured in big.measured_stds.items():
        # 20,000 draws: relative standard error ≈ 1/√40,000 = 0.005; allow 5 of those.
        assert measured == pytest.approx(init_std(s, 1000, 1000), rel=0.025)
    # the uniform bound is √3 σ and the curve at fan-in 10 equals it
    xs, ys = state.curves["fan_in_uniform"]
    i = int(np.where(xs == 10)[0][0])
    assert ys[i] == pytest.approx(1 / np.sqrt(10))


def test_weights_explorer_draws_what_it_computes():
    ex = WeightsExplorer(scheduler=ImmediateScheduler())
    ex.update(fan_in=100, fan_out=10)
    counts, edges = ex.state.hists["he_normal"]
    art = ex._hist_art["he_normal"]
    assert np.allclose(art.get_data().values, counts)
    assert ex._marker.get_xdata()[0] == 100


def test_criticality_relu_he_is_flat_and_measured_agrees():
    st = compute_criticality(activation="relu", C_W=2.0, C_b=0.0)
    assert np.allclose(st.predicted, 2.0)
    # 64 networks × 128 units per layer: the layer mean of z² fluctuates by a relative
    # √(2/(64·128)) from the units plus the per-network spread √(5ℓ/128)/√64 ≈ 0.14 at ℓ = 30;
    # allow 3 of the latter.
    assert np.allclose(st.measured, st.predicted, rtol=0.45)
    assert st.chi_perp == pytest.approx(1.0)


def test_criticality_tanh_chaotic_at_pytorch_gain():
    st = compute_criticality(activation="tanh", C_W=25 / 9, C_b=0.0)
    assert st.chi_perp > 1
    assert np.isfinite(st.fixed_point) and st.fixed_point > 0.5
    ordered = compute_criticality(activation="tanh", C_W=0.5, C_b=0.0)
    assert ordered.chi_perp == pytest.approx(0.5) and ordered.fixed_point == 0.0


@pytest.mark.parametrize("C_W", [0.5, 1.0, 1.5, 2.0, 3.0])
@pytest.mark.parametrize("C_b", [0.0, 0.3])
def test_criticality_relu_susceptibilities_are_C_W_over_2_at_every_K(C_W, C_b):
    # E[ReLU'(z)^2] = P(z > 0) = 1/2 for every K > 0, and the map C_b + C_W K/2 has slope
    # C_W/2: exact values, also where K* = 0 (C_b = 0, C_W < 2) or there is no fixed point.
    st = compute_criticality(activation="relu", C_W=C_W, C_b=C_b)
    assert st.chi_perp == C_W / 2 and st.chi_par == C_W / 2


# One case per row: the activation and setting, and words the summary must (and must not) use.
DESCRIBE_CASES = [
    ("relu", 0.5, 0.0, ["decays geometrically towards K* = 0", "factor 0.25 per layer", "ordered side"],
     ["power law", "critical"]),
    ("relu", 1.0, 0.0, ["decays geometrically towards K* = 0", "factor 0.5 per layer", "= 0.5 at every K"],
     ["power law", "critical"]),
    ("relu", 1.5, 0.3, ["settles geometrically at K* = 1.2", "ordered side"], ["critical"]),
    ("relu", 2.0, 0.0, ["every K is a fixed point", "the critical point"], ["no fixed point"]),
    ("relu", 2.0, 0.3, ["no fixed point", "grows linearly", "K(ℓ+1) = K(ℓ) + 0.30", "not criticality"],
     ["the critical point", "settles"]),
    ("relu", 3.0, 0.0, ["no finite fixed point", "geometrically", "factor 1.5 per layer"], ["critical", "settles"]),
    ("tanh", 0.5, 0.0, ["decays towards K* = 0", "ordered side"], ["power law", "critical"]),
    ("tanh", 1.0, 0.0, ["power law 1/(2ℓ)", "χ⊥ = χ∥ = 1", "the critical point"], ["boundary"]),
    ("tanh", 1.0, 0.3, ["settles at K* = 0.606", "ordered side"], ["power law", "critical"]),
    ("tanh", 25 / 9, 0.0, ["settles at K* = 1.18", "chaotic side"], ["critical", "boundary"]),
    # χ⊥ = 1.000 here, but χ∥ = 0.44: on the order-to-chaos boundary, not critical
    ("tanh", 2.0, 0.1, ["order-to-chaos boundary", "χ∥ = 0.438", "not critical"], ["the critical point"]),
]


@pytest.mark.parametrize("act, C_W, C_b, must, must_not", DESCRIBE_CASES)
def test_criticality_summary_names_the_right_case(act, C_W, C_b, must, must_not):
    text = describe_criticality(compute_criticality(activation=act, C_W=C_W, C_b=C_b))
    for words in must:
        assert words in text, (words, text)
    for words in must_not:
        assert words not in text, (words, text)


def test_criticality_summary_for_every_gallery_picture_has_its_susceptibility():
    # Each of the 20 pictures of the website's gallery: the printed χ⊥ is the true one
    # (C_W/2 for ReLU; C_W·E[tanh'(z)^2] at K* for tanh, C_W itself at K* = 0).
    from initlab import theory

    ch = CriticalityExplorer.gallery_choices
    for act in ch["activation"]:
        for C_W in ch["C_W"]:
            for C_b in ch["C_b"]:
                st = compute_criticality(activation=act, C_W=C_W, C_b=C_b)
                if act == "relu":
                    want = C_W / 2
                elif st.fixed_point == 0.0:
                    want = C_W
                else:
                    want = float(theory.chi_perp(st.fixed_point, "tanh", C_W))
                assert st.chi_perp == pytest.approx(want, rel=1e-12)
                assert "critical point" not in describe_criticality(st) or (
                    C_b == 0 and C_W == {"relu": 2.0, "tanh": 1.0}[act])


def test_static_picture_in_the_rich_display():
    ex = CriticalityExplorer(scheduler=ImmediateScheduler())
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(PNG_MAGIC)
    assert bundle["text/plain"].startswith("CriticalityExplorer")


def test_unknown_setting_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown setting 'depht'"):
        SignalExplorer(scheduler=ImmediateScheduler(), depht=3)


def test_race_runs_and_reports_progress():
    seen = []
    state = run_race(("he_normal", "small_normal"), "relu", steps=20, chunk=10, on_progress=lambda s: seen.append(s.done))
    assert seen == [10, 20]
    assert state.steps == [0, 10, 20]
    loss = np.array(state.loss)
    assert loss.shape == (3, 2, 3) and np.all(np.isfinite(loss))
    # He trains; N(0, 0.01²) barely moves from ln 10 in 20 steps
    assert np.mean(loss[-1, 0]) < np.mean(loss[0, 0])
    assert np.mean(loss[-1, 1]) == pytest.approx(np.log(10), rel=0.02)


def test_race_refuses_bad_choices_with_a_message():
    with pytest.raises(ValueError, match="two to four"):
        run_race(("he_normal",), steps=10)
    ex = RaceExplorer.__new__(RaceExplorer)  # a compute() call with one scheme shows a message
    import ipywidgets as W

    ex.status, ex.progress, ex.state = W.HTML(), W.IntProgress(), None
    assert ex.compute(schemes=("he_normal",), steps=10) is None
    assert "two to four" in ex.status.value


def test_stable_fixed_point_agrees_with_the_map():
    from initlab import theory
    from initlab.explore.criticality import stable_fixed_point

    for C_W, C_b in ((25 / 9, 0.0), (1.5, 0.1), (0.5, 0.3), (3.0, 1.0)):
        K = stable_fixed_point("tanh", C_W, C_b, 1.0)
        assert float(theory.variance_map(K, "tanh", C_W, C_b)) == pytest.approx(K, rel=1e-9)
        # stable: the map's slope chi_parallel is below 1 there
        assert float(theory.chi_parallel(K, "tanh", C_W)) < 1
    assert stable_fixed_point("tanh", 1.0, 0.0, 1.0) == 0.0
    assert stable_fixed_point("relu", 1.0, 0.5, 1.0) == pytest.approx(1.0)
    assert stable_fixed_point("relu", 2.0, 0.0, 3.0) == 3.0
    assert stable_fixed_point("relu", 2.5, 0.0, 1.0) == np.inf


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


LAYOUT_CASES = [(SignalExplorer, s) for s in EXTREMES] + [
    (SignalExplorer, {}),
    (WeightsExplorer, dict(fan_in=1, fan_out=1)),
    (WeightsExplorer, dict(fan_in=1000, fan_out=1000)),
    (CriticalityExplorer, dict(activation="relu", C_W=3.0, C_b=1.0)),
    (CriticalityExplorer, dict(activation="tanh", C_W=0.1, C_b=0.0)),
]


@pytest.mark.parametrize("cls, settings", LAYOUT_CASES)
def test_pinned_labels_never_overlap_tick_labels(cls, settings):
    """The layout is solved once and the axis labels and titles are then pinned in place
    (freeze_layout); whatever range a later update shows, no tick label may run into an
    axis label or title, and every label stays inside the figure."""
    ex = cls(scheduler=ImmediateScheduler())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ex.update(**{**ex.settings(), **settings})
    fig = ex._fig
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    for ax in fig.axes:
        ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() + ax.get_yticklabels()
                 if t.get_visible() and t.get_text()]
        fixed = [t for t in (ax.xaxis.label, ax.yaxis.label, ax.title) if t.get_text()]
        for text in fixed:
            box = text.get_window_extent(renderer)
            assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, f"{text.get_text()!r} leaves the figure"
            assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, f"{text.get_text()!r} leaves the figure"
            for tick in ticks:
                assert not _overlaps(box, tick), f"{text.get_text()!r} overlaps a tick label"


def test_reference_chi_perp_solution_agrees_with_explorer_for_relu_at_every_K():
    # The exercise's reference solution (exercises 09, ex-statistics-7) and the explorer must
    # give ReLU's exact C_W/2 at K = 0 too (evaluating relu' at z = 0 gave 0 in both).
    from initlab.explore.criticality import susceptibilities
    from initlab.solutions.practice import chi_perp

    for K in (0.0, 1e-12, 0.5, 3.0):
        for C_W in (0.5, 1.0, 2.0):
            assert chi_perp(K, C_W, "relu") == pytest.approx(C_W / 2, rel=1e-12)
            assert susceptibilities("relu", C_W, K) == (C_W / 2, C_W / 2)


@pytest.mark.parametrize("cls", [SignalExplorer, WeightsExplorer, CriticalityExplorer, RaceExplorer])
def test_widget_shows_svg_and_the_site_gets_the_same_figure_as_png(cls):
    # The live picture is vector (sharp at any size and on a 2x screen); the website's static
    # picture is a PNG of the same figure, at the figure's own size in pixels.
    from PIL import Image
    import io

    ex = cls(scheduler=ImmediateScheduler())
    assert ex.image.format == "svg+xml" and ex.image.value == ex.last_picture and _is_svg(ex.last_picture)
    again = ex.picture()
    if cls is not RaceExplorer:  # (the race re-solves its layout on every draw)
        assert again == ex.last_picture  # no date written: the same figure gives the same bytes
    png = ex.last_png
    w, h = ex._fig.get_size_inches() * ex._fig.dpi
    size = Image.open(io.BytesIO(png)).size
    assert png.startswith(PNG_MAGIC) and abs(size[0] - w) <= 1 and abs(size[1] - h) <= 1, (size, w, h)
    if cls is not RaceExplorer:
        assert ex.picture() == again  # drawing the PNG changed nothing in the figure


def test_race_status_says_it_trains_and_the_button_waits():
    ex = RaceExplorer(scheduler=ImmediateScheduler(), steps=50)  # the first view: 100 steps
    seen = []
    import initlab.explore.race as R

    real = R.run_race

    def spy(*args, on_progress=None, **kw):
        def progress(state):
            on_progress(state)
            seen.append((ex.status.value, ex.button.disabled, ex.progress.value))
        return real(*args, on_progress=progress, chunk=25, **kw)

    R.run_race = spy
    try:
        ex.controls_dict["steps"].value = 100  # a change of the controls asks for Run
        assert "Press <b>Run</b>" in ex.status.value
        ex.button.click()
    finally:
        R.run_race = real
    assert [v for _, _, v in seen] == [25, 50, 75, 100]
    assert all("Training: " in status and "Run" not in status and disabled for status, disabled, _ in seen)
    assert not ex.button.disabled and ex.status.value.startswith("<p>After 100 steps")


def test_race_lists_every_scheme_and_its_legend_hides_no_curve():
    ex = RaceExplorer(scheduler=ImmediateScheduler())
    choices = ex.controls_dict["schemes"]
    assert choices.rows == len(choices.options)  # every choice in view, none below a scroll
    fig = ex._fig
    ex.last_png  # draws the figure with Agg
    renderer = fig.canvas.get_renderer()
    ax = ex._ax
    box = ax.get_legend().get_window_extent(renderer)
    assert box.x0 >= ax.get_window_extent(renderer).x1  # beside the axes, not on them
    assert box.x1 <= fig.bbox.x1 + 1  # and inside the picture


@pytest.mark.parametrize("schemes", [("he_normal",), ("zeros", "small_normal", "unit_normal", "he_normal", "orthogonal")])
def test_race_with_a_wrong_number_of_schemes_says_so_after_run(schemes):
    ex = RaceExplorer(scheduler=ImmediateScheduler(), steps=50)
    picture, runs = ex.last_picture, ex.runs
    ex.controls_dict["schemes"].value = schemes
    ex.button.click()
    assert ex.status.value.startswith("<p>Not run: choose two to four schemes")
    assert ex.runs == runs and ex.last_picture == picture  # the last race stays on show


def test_criticality_legend_keys_take_the_activation_colour():
    from matplotlib.colors import to_hex

    from initlab.plots.style import activation_color

    ex = CriticalityExplorer(scheduler=ImmediateScheduler())
    for act in ("tanh", "relu"):
        ex.update(**{**ex.settings(), "activation": act})
        for ax, label in ((ex._ax1, "variance map"), (ex._ax2, ex._meas.get_label())):
            legend = ax.get_legend()
            (handle,) = [h for h, t in zip(legend.legend_handles, legend.get_texts()) if t.get_text() == label]
            assert to_hex(handle.get_color()) == to_hex(activation_color(act))
