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
    # A ReLU unit is dead when z <= 0 for all 64 inputs. In layer 1 its 64 values are
    # independent halves of a coin (P = 2^-64): none is dead. Deep in a ReLU net the inputs'
    # correlation tends to 1, so a unit is positive for all or none of them, and about half
    # die: at depth 50 the last five layers average 0.45 here; with 64 units a layer's
    # fraction has standard error √(0.25/64) = 0.06, and 0.25 is more than 3 se below 1/2.
    relu = compute_signal(activation="relu", scheme="he_normal", depth=10, width=64)
    assert relu.bad_fraction[0] == 0 and np.all(relu.bad_fraction <= 1)
    deep = compute_signal(activation="relu", scheme="he_normal", depth=50, width=64)
    assert deep.bad_fraction[-5:].mean() > 0.25, deep.bad_fraction[-5:]
    tanh = compute_signal(activation="tanh", scheme="unit_normal", depth=10, width=256)
    # With N(0,1) weights and width 256, preactivations have std ≈ 16·rms(a): most tanh units
    # sit beyond |a| > 0.97 (P(|z| < 2.1·... ) is tiny), so most units are saturated.
    assert np.all(tanh.bad_fraction[1:] > 0.8)
    linear = compute_signal(activation="linear", depth=3, width=16)
    assert np.all(linear.bad_fraction == 0) and "neither" in linear.bad_label


def test_selu_saturates_only_far_from_its_fixed_point():
    """SELU's panel counts units within 3 % of its floor −λα, that is z < ln 0.03 = −3.507.
    LeCun normal keeps z near N(0, 1): P(z < −3.507) = 2.3e-4, about 4 of the 64 × 256
    values of a layer, far under 1 %. With N(0, 1) weights at width 256 the first layer's z
    has rms 16 (√256 times the inputs' 1), so P = Φ(−3.507/16) = 0.413; the rms then grows
    by about 12 per layer, the threshold no longer matters and the fraction tends to
    P(z < 0) = 1/2."""
    from math import erf, log, sqrt

    steady = compute_signal(activation="selu", scheme="lecun_normal", depth=10, width=256)
    assert steady.bad_label.startswith("saturated units") and np.all(steady.bad_fraction < 0.01)
    wild = compute_signal(activation="selu", scheme="unit_normal", depth=10, width=256)
    p1 = 0.5 * (1 + erf(log(0.03) / wild.rms_z[0] / sqrt(2)))
    # 16,384 values per layer, nearly independent (given its weight row, a unit's values are
    # independent across the inputs): binomial standard error about 0.004; 0.03 is 7 se.
    assert abs(wild.bad_fraction[0] - p1) < 0.03, (wild.bad_fraction[0], p1)
    # Deeper, the exploding layers are dominated by a few directions shared by all units, so
    # a layer's values are only about as independent as its 64 inputs: standard error about
    # √(0.25/64) = 0.06 around 1/2; 0.2 is more than 3 se.
    assert np.all(np.abs(wild.bad_fraction[3:] - 0.5) < 0.2), wild.bad_fraction
