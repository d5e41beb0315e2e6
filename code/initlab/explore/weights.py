"""Explorer 2: the weights each scheme draws, against fan-in.

Controls: fan-in and fan-out. Left: histograms of a (fan_in, fan_out) weight matrix drawn
with four schemes (the fan-in uniform rule that is PyTorch's ``nn.Linear`` default,
Glorot uniform, LeCun normal and He normal), each with its theoretical bounds (uniform) or
±σ, ±2σ, ±3σ lines (normal). Right: the range of each scheme against fan-in from 1 to 1000
on log axes (uniform bound, 3σ for normals), with the current fan-in marked.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np

from ..plots.style import scheme_color, scheme_label
from ..ranges import range_curves
from ..schemes import UNIFORM_SCHEMES, init_std, initialize
from ._base import Explorer, freeze_layout, new_figure, slider

SCHEMES_SHOWN = ("fan_in_uniform", "glorot_uniform", "lecun_normal", "he_normal")
FAN_GRID = np.unique(np.round(np.logspace(0, 3, 60)).astype(int))
#: At most this many weights are drawn per scheme for the histograms (enough for a smooth shape).
MAX_DRAWS = 20_000


@dataclass
class WeightsState:
    fan_in: int
    fan_out: int
    hists: dict  # scheme -> (counts normalized to density, edges)
    stds: dict  # scheme -> theoretical std
    measured_stds: dict  # scheme -> sample std
    bounds: dict  # scheme -> uniform bound or None
    curves: dict  # scheme -> (fan_grid, range) with range = bound or 3σ


def compute_weights(fan_in=10, fan_out=20, seed=0) -> WeightsState:
    """Draw each scheme's weights at (fan_in, fan_out) and tabulate ranges against fan-in."""
    rng = np.random.default_rng(seed)
    hists, stds, mstds, bounds, curves = {}, {}, {}, {}, {}
    for s in SCHEMES_SHOWN:
        w = _draw_capped(s, fan_in, fan_out, rng)
        std = init_std(s, fan_in, fan_out)
        lim = 3.5 * std * (1 if s not in UNIFORM_SCHEMES else 0.6)
        counts, edges = np.histogram(w, bins=40, range=(-max(lim, 1e-12), max(lim, 1e-12)), density=True)
        hists[s] = (counts, edges)
        stds[s] = std
        mstds[s] = float(np.std(w))
        bounds[s] = float(np.sqrt(3.0) * std) if s in UNIFORM_SCHEMES else None
        c = range_curves(s, FAN_GRID, fan_out=fan_out)
        curves[s] = (FAN_GRID, c["bound"] if s in UNIFORM_SCHEMES else 3.0 * c["std"])
    return WeightsState(fan_in, fan_out, hists, stds, mstds, bounds, curves)


def _draw_capped(scheme, fan_in, fan_out, rng):
    # The weights of a scheme are independent and identically distributed, so a subset of
    # the matrix's rows has the same distribution as the whole matrix.
    full = initialize(scheme, (fan_in, fan_out), rng=rng) if fan_in * fan_out <= MAX_DRAWS else None
    if full is not None:
        return full.ravel()
    std = init_std(scheme, fan_in, fan_out)
    n = MAX_DRAWS
    if scheme in UNIFORM_SCHEMES:
        a = np.sqrt(3.0) * std
        return rng.uniform(-a, a, size=n)
    return rng.normal(0.0, std, size=n)


class WeightsExplorer(Explorer):
    """Explorer 2: weight distributions and ranges against fan-in."""

    name = "weights_vs_fan_in"
    title = "weights-against-fan-in"
    # Fan-in in half-decade steps and three fan-outs, enough for the chapter's group task
    # (fan-in 100 and fan-out 100 are among them): 21 pictures.
    gallery_choices = {"fan_in": (1, 3, 10, 30, 100, 300, 1000), "fan_out": (20, 100, 1000)}

    def controls(self) -> dict:
        return {
            "fan_in": slider(W.IntSlider, "fan-in", 10, 1, 1000, 1),
            "fan_out": slider(W.IntSlider, "fan-out", 20, 1, 1000, 1),
        }

    def compute(self, **settings) -> WeightsState:
        return compute_weights(**settings)

    def describe(self, state) -> str:
        if state is None:
            return ""
        # The sliders (or the gallery's buttons) already show the fans.
        parts = [f"{scheme_label(s)} {state.stds[s]:.3g} ({state.measured_stds[s]:.3g})" for s in SCHEMES_SHOWN]
        return "Standard deviation of the weights in theory (and of the ones drawn): " + "; ".join(parts) + "."

    def _setup(self):
        fig = new_figure(9.0, 4.2)
        gs = fig.add_gridspec(2, 3)
        self._fig = fig
        self._hax = [fig.add_subplot(gs[i // 2, i % 2]) for i in range(4)]
        self._rax = fig.add_subplot(gs[:, 2])
        self._hist_art, self._vlines = {}, {}
        for ax, s in zip(self._hax, SCHEMES_SHOWN):
            self._hist_art[s] = ax.stairs(np.zeros(40), np.linspace(-1, 1, 41), fill=True, alpha=0.7,
                                          color=scheme_color(s))
            self._vlines[s] = [ax.axvline(0, color="black", lw=1, ls=ls) for ls in ("-", "-", "--", "--", ":", ":")]
            ax.set_title(scheme_label(s), fontsize=9)
            ax.set_yticks([])
            ax.grid(False)
        self._hax[2].set_xlabel("weight value")
        self._hax[3].set_xlabel("weight value")
        ax = self._rax
        self._curves = {}
        for s in SCHEMES_SHOWN:
            (self._curves[s],) = ax.plot([], [], color=scheme_color(s), ls="-" if s in UNIFORM_SCHEMES else "--",
                                         label=scheme_label(s) + (" bound" if s in UNIFORM_SCHEMES else " 3σ"))
        self._marker = ax.axvline(10, color="black", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(1, 1000)
        ax.set_ylim(0.03, 10)
        ax.set_xlabel("fan-in n")
        ax.set_ylabel("largest typical |w|")
        ax.legend(fontsize=7, loc="upper right")
        from matplotlib.ticker import FuncFormatter, NullLocator

        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
            axis.set_minor_locator(NullLocator())
        freeze_layout(fig)

    def render(self, state: WeightsState) -> bytes:
        if not hasattr(self, "_fig"):
            self._setup()
        for ax, s in zip(self._hax, SCHEMES_SHOWN):
            counts, edges = state.hists[s]
            self._hist_art[s].set_data(counts, edges)
            ax.set_xlim(edges[0], edges[-1])
            ax.set_ylim(0, max(float(counts.max()) * 1.15, 1e-12))
            std = state.stds[s]
            if state.bounds[s] is not None:
                xs = [-state.bounds[s], state.bounds[s], np.nan, np.nan, np.nan, np.nan]
            else:
                xs = [-std, std, -2 * std, 2 * std, -3 * std, 3 * std]
            for line, x in zip(self._vlines[s], xs):
                line.set_visible(np.isfinite(x))
                if np.isfinite(x):
                    line.set_xdata([x, x])
        for s in SCHEMES_SHOWN:
            xs, ys = state.curves[s]
            self._curves[s].set_data(xs, ys)
        self._marker.set_xdata([state.fan_in, state.fan_in])
        return self.picture()


def weights_explorer(**settings) -> WeightsExplorer:
    """Create the weights-against-fan-in explorer."""
    return WeightsExplorer(**settings)
