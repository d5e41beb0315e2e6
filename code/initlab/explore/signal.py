"""Explorer 1: a signal and its gradient travelling through a deep network.

Controls: activation, scheme, gain, depth (1–50), width (10–1000), bias std. One network
with a batch of random inputs is drawn; the figure shows, layer by layer, histograms of the
activations and of the back-propagated gradients (as heat maps: one row per layer), their
root-mean-square size against the infinite-width prediction of ``initlab.theory``, and the
fraction of saturated (sigmoid, tanh) or dead (ReLU) units. If the signal overflows or
collapses, the explorer says so and names the layer; it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import theory
from ..activations import ACTIVATIONS, SELU_ALPHA, SELU_SCALE
from ..ensemble import backward_ensemble, exploded_at, vanished_at
from ..plots.style import activation_color
from ..schemes import SCHEMES, init_std
from ._base import Explorer, freeze_layout, dropdown, plain_log_axis, new_figure, slider

BINS = 41
BOUNDED = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
SCHEME_CHOICES = tuple(s for s in SCHEMES if s != "constant")


@dataclass
class SignalState:
    """Numbers behind one view of the signal explorer (one entry per layer)."""

    settings: dict
    act_hist: np.ndarray  # (depth, BINS) fraction of values per bin
    act_edges: tuple  # (lo, hi) of the histogram axis
    act_normalized: bool  # True if values were divided by their layer's rms
    grad_hist: np.ndarray
    rms_z: np.ndarray  # measured rms of preactivations z^(l)
    rms_grad: np.ndarray  # measured rms of dℓ/dz^(l)
    theory_rms_z: np.ndarray
    theory_rms_grad: np.ndarray
    bad_fraction: np.ndarray  # saturated or dead fraction per layer (0 for linear units)
    bad_label: str
    exploded: int | None
    vanished: int | None
    grad_exploded: int | None
    grad_vanished: int | None


def _hist_rows(values: list, lo: float, hi: float, normalize: bool) -> np.ndarray:
    """Histogram of each layer's values on BINS equal bins of [lo, hi] (values outside are
    counted in the end bins), as fractions of that layer's finite values; with ``normalize``
    each layer is first divided by its root mean square. A layer with no finite values, or
    with rms 0 or inf when normalizing, gets a row of zeros."""
    rows = np.zeros((len(values), BINS))
    width = (hi - lo) / BINS
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i, v in enumerate(values):
            v = np.asarray(v, dtype=float).ravel()
            v = v[np.isfinite(v)]
            if v.size == 0:
                continue
            if normalize:
                rms = np.sqrt(np.mean(v * v))
                if not np.isfinite(rms) or rms == 0:
                    continue
                v = v / rms
            idx = np.clip(((v - lo) / width).astype(np.int64, copy=False), 0, BINS - 1)
            rows[i] = np.bincount(idx, minlength=BINS) / v.size
    return rows


def _rms(layers: list) -> np.ndarray:
    out = np.empty(len(layers))
    with np.errstate(over="ignore", invalid="ignore"):
        for i, z in enumerate(layers):
            out[i] = np.sqrt(np.mean(np.square(z)))
    return out


def compute_signal(activation="tanh", scheme="glorot_normal", gain=1.0, depth=10, width=256, bias_std=0.0,
                   batch=64, seed=0) -> SignalState:
    """Compute the signal explorer's state (pure function of the settings)."""
    settings = dict(activation=activation, scheme=scheme, gain=gain, depth=depth, width=width, bias_std=bias_std)
    widths = [width] * (depth + 1)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    res = backward_ensemble(x, widths, activation=activation, scheme=scheme, n_nets=1, rng=rng,
                            bias_std=bias_std, gain=gain, weight_stats=False)
    acts = res.activations()
    grads = res.grad_preacts
    if activation in BOUNDED:
        lo, hi = BOUNDED[activation]
        act_hist, normalized = _hist_rows(acts, lo, hi, False), False
    else:
        lo, hi = -4.0, 4.0
        act_hist, normalized = _hist_rows(acts, lo, hi, True), True
    grad_hist = _hist_rows(grads, -4.0, 4.0, True)
    # Theory at infinite width: K^(l) from the variance map, gradients from chi_perp.
    C_W = init_std(scheme, width, width, gain=gain) ** 2 * width if scheme != "zeros" else 0.0
    C_b = bias_std**2
    K1 = C_b + C_W * float(np.mean(x * x))
    K = theory.variance_trajectory(K1, depth, activation, C_W, C_b)
    G = np.ones(depth)
    with np.errstate(over="ignore", invalid="ignore"):
        for l in range(depth - 2, -1, -1):
            chi = theory.chi_perp(K[l], activation, C_W) if np.isfinite(K[l]) else np.inf
            G[l] = G[l + 1] * chi
    if activation in BOUNDED:
        a = np.stack([np.asarray(v).reshape(-1) for v in acts])
        with np.errstate(invalid="ignore"):
            bad = np.mean(np.abs(a - (lo + hi) / 2) > 0.97 * (hi - lo) / 2, axis=1)
        label = "saturated units (|a| > 0.97 of the range)"
    elif activation in ("relu", "leaky_relu"):
        bad = np.array([np.mean(np.all(np.asarray(z)[0] <= 0, axis=0)) for z in res.preacts])
        label = "dead units (z ≤ 0 for every input)"
    elif activation == "selu":
        # SELU saturates on its negative side only, towards its floor −λα (≈ −1.758); as for
        # sigmoid and tanh, "saturated" means within 3 % of the bound (z below about −3.5).
        floor = -SELU_SCALE * SELU_ALPHA
        a = np.stack([np.asarray(v).reshape(-1) for v in acts])
        bad = np.mean(a < 0.97 * floor, axis=1)
        label = "saturated units (a within 3% of SELU's floor −λα)"
    else:  # linear: a unit that passes z on can neither saturate nor die
        bad = np.zeros(depth)
        label = "saturated or dead units (a linear unit has neither)"
    return SignalState(
        settings=settings,
        act_hist=act_hist,
        act_edges=(lo, hi),
        act_normalized=normalized,
        grad_hist=grad_hist,
        rms_z=_rms(res.preacts),
        rms_grad=_rms(grads),
        theory_rms_z=np.sqrt(K),
        theory_rms_grad=np.sqrt(G),
        bad_fraction=bad,
        bad_label=label,
        exploded=exploded_at(res.preacts),
        vanished=vanished_at(res.preacts, floor=1e-30),
        grad_exploded=exploded_at(grads),
        grad_vanished=vanished_at(grads, floor=1e-30),
    )


def describe_signal(state: SignalState) -> str:
    """One plain sentence about the signal's health."""
    if state is None:
        return ""
    parts = []
    if state.exploded:
        parts.append(f"the forward signal exploded at layer {state.exploded} (values above 1e100, or overflowed to inf)")
    elif state.vanished:
        parts.append(f"the forward signal vanished at layer {state.vanished} (values below 1e-30)")
    if state.grad_exploded:
        parts.append(f"the gradient exploded at layer {state.grad_exploded}")
    elif state.grad_vanished:
        parts.append(f"the gradient vanished at layer {state.grad_vanished}")
    r = state.rms_z[np.isfinite(state.rms_z)]
    if not parts:
        ratio = r[-1] / r[0] if r.size and r[0] > 0 else np.nan
        g = state.rms_grad
        gratio = g[0] / g[-1] if g[-1] > 0 else np.nan
        parts.append(
            f"from layer 1 to layer {len(state.rms_z)} the signal's size changes by a factor {ratio:.3g} "
            f"and the gradient's by {gratio:.3g} (1 is perfectly steady)"
        )
    if np.any(np.isfinite(state.bad_fraction)):
        parts.append(f"at most {100 * np.nanmax(state.bad_fraction):.0f}% {state.bad_label.split(' (')[0]} in a layer")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


class SignalExplorer(Explorer):
    """Explorer 1: signal and gradient through depth (see the module docstring)."""

    name = "signal_through_depth"
    title = "signal-through-depth"
    # The four activations of the chapter's group task, three sound schemes and one that
    # explodes, at the default depth and at depth 50: 32 pictures.
    gallery_choices = {
        "activation": ("sigmoid", "tanh", "relu", "selu"),
        "scheme": ("lecun_normal", "glorot_normal", "he_normal", "unit_normal"),
        "depth": (10, 50),
    }

    def controls(self) -> dict:
        return {
            "activation": dropdown("activation", ACTIVATIONS, "tanh"),
            "scheme": dropdown("scheme", SCHEME_CHOICES, "glorot_normal"),
            "gain": slider(W.FloatSlider, "gain", 1.0, 0.0, 4.0, 0.05),
            "depth": slider(W.IntSlider, "depth", 10, 1, 50, 1),
            "width": slider(W.IntSlider, "width", 256, 10, 1000, 2),
            "bias_std": slider(W.FloatSlider, "bias std", 0.0, 0.0, 1.0, 0.01),
        }

    def compute(self, **settings) -> SignalState:
        return compute_signal(**settings)

    def describe(self, state) -> str:
        return describe_signal(state)

    def _setup(self):
        fig = new_figure(8.5, 5.6, dpi=66)
        axs = fig.subplots(2, 2)
        self._fig, self._axs = fig, axs
        blank = np.zeros((1, BINS))
        self._im_a = axs[0, 0].imshow(blank, aspect="auto", origin="lower", cmap="viridis", vmin=0, vmax=0.25,
                                      interpolation="nearest")
        self._im_g = axs[0, 1].imshow(blank, aspect="auto", origin="lower", cmap="magma", vmin=0, vmax=0.25,
                                      interpolation="nearest")
        axs[0, 0].set_ylabel("layer ℓ")
        # The two heat maps share their rows (layers): label them once, on the left.
        axs[0, 1].tick_params(labelleft=False)
        axs[0, 1].set_xlabel("∂loss/∂z divided by its rms in the layer")
        axs[0, 0].set_title("activations a(ℓ) (brighter: more values)", fontsize=9)
        axs[0, 1].set_title("back-propagated gradients (brighter: more)", fontsize=9)
        ax = axs[1, 0]
        (self._l_z,) = ax.plot([], [], "o-", ms=3, label="rms of z(ℓ), measured", color="#0072B2")
        (self._l_zt,) = ax.plot([], [], "--", label="prediction √K(ℓ)", color="#0072B2", alpha=0.6)
        (self._l_g,) = ax.plot([], [], "s-", ms=3, label="rms of ∂loss/∂z(ℓ), measured", color="#D55E00")
        (self._l_gt,) = ax.plot([], [], "--", label="prediction (χ⊥ product)", color="#D55E00", alpha=0.6)
        ax.set_yscale("log")
        # Plain tick labels: mathtext labels ($10^{k}$) cost more than the rest of a redraw.
        plain_log_axis(ax.yaxis)
        ax.set_xlabel("layer ℓ")
        ax.set_ylabel("root mean square")
        # No legend (it costs a seventh of a redraw); the title says what is what.
        ax = axs[1, 1]
        self._bars = ax.stairs(np.zeros(1), np.array([0.5, 1.5]), fill=True, alpha=0.8)
        ax.set_xlabel("layer ℓ")
        ax.set_ylim(0, 1)
        ax.grid(False)
        ax.set_ylabel("fraction of units")
        ax.set_title("saturated or dead units", fontsize=9)
        axs[0, 0].set_xlabel("a divided by its rms in the layer")
        for a in (axs[0, 0], axs[0, 1]):
            a.grid(False)
        for a in axs.ravel():
            a.xaxis.set_major_locator(MaxNLocator(5, integer=a is not axs[0, 0] and a is not axs[0, 1]))
            if a is not axs[1, 0]:
                a.yaxis.set_major_locator(MaxNLocator(5, integer=a is not axs[1, 1]))
        freeze_layout(fig, (axs[1, 0],))

    def render(self, state: SignalState) -> bytes:
        if not hasattr(self, "_fig"):
            self._setup()
        depth = len(state.rms_z)
        lo, hi = state.act_edges
        extent = (lo, hi, 0.5, depth + 0.5)
        self._im_a.set_data(state.act_hist)
        self._im_a.set_extent(extent)
        self._im_g.set_data(state.grad_hist)
        self._im_g.set_extent((-4, 4, 0.5, depth + 0.5))
        self._axs[0, 0].set_xlabel("a divided by its rms in the layer" if state.act_normalized else "activation a")
        layers = np.arange(1, depth + 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            for line, y in ((self._l_z, state.rms_z), (self._l_zt, state.theory_rms_z),
                            (self._l_g, state.rms_grad), (self._l_gt, state.theory_rms_grad)):
                yy = np.where(np.isfinite(y) & (y > 0), y, np.nan)
                line.set_data(layers, yy)
            ax = self._axs[1, 0]
            vals = np.concatenate([state.rms_z, state.theory_rms_z, state.rms_grad, state.theory_rms_grad])
            vals = vals[np.isfinite(vals) & (vals > 0)]
            lo_y, hi_y = (vals.min(), vals.max()) if vals.size else (1e-3, 1e3)
            ax.set_ylim(max(lo_y / 2, 1e-200), min(hi_y * 2, 1e200))
            ax.set_xlim(0.5, depth + 0.5)
            ax.set_title("rms: z blue, ∂loss/∂z orange; dashed: theory", fontsize=9)
        ax = self._axs[1, 1]
        bad = np.nan_to_num(state.bad_fraction, nan=0.0)
        self._bars.set_data(bad, np.arange(depth + 1) + 0.5)
        self._bars.set_color(activation_color(state.settings["activation"]))
        ax.set_xlim(0.5, depth + 0.5)
        ax.set_ylabel("fraction of units")
        ax.set_title(state.bad_label, fontsize=9)
        return self.picture()


def signal_explorer(**settings) -> SignalExplorer:
    """Create the signal-through-depth explorer (display it as the last line of a cell)."""
    return SignalExplorer(**settings)
