"""Explorer 3: criticality, seen through the variance map.

Controls: activation (tanh or ReLU), C_W and C_b. Left: the map K^(ℓ) ↦ K^(ℓ+1) =
C_b + C_W·E[φ(z)²] with the diagonal, its fixed point and a cobweb of the first layers.
Right: the preactivation variance measured layer by layer in an ensemble of random networks
(``forward_ensemble``) beside the map's prediction, on a log scale, so that exponential
growth or decay shows as a straight line, ReLU's criticality as a flat line and tanh's as a slow
power law. The one-sentence summary (``describe_criticality``) names the case: decay, a
finite fixed point, linear or geometric growth, and the ordered side, the chaotic side, the
order-to-chaos boundary (χ⊥ = 1) or the critical point (χ⊥ = χ∥ = 1 at a fixed point).
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np

from .. import theory
from ..ensemble import forward_ensemble
from ..plots.style import activation_color, activation_label
from ._base import Explorer, freeze_layout, dropdown, plain_log_axis, new_figure, slider

DEPTH = 30
WIDTH = 128
N_NETS = 64
K_MAX = 4.0


@dataclass
class CriticalityState:
    activation: str
    C_W: float
    C_b: float
    K_grid: np.ndarray
    map_values: np.ndarray
    cobweb: np.ndarray  # (2, 2*steps) x and y of the cobweb path
    fixed_point: float
    chi_perp: float  # χ⊥ at the fixed point (ReLU: C_W/2, the same at every K)
    chi_par: float  # χ∥, the slope of the variance map there (ReLU: C_W/2 at every K)
    predicted: np.ndarray  # K^(l), l = 1..DEPTH
    measured: np.ndarray  # mean over networks and units of z^2 per layer


def stable_fixed_point(activation: str, C_W: float, C_b: float, K1: float) -> float:
    """The fixed point that the variance reaches from K1 (inf if it grows without bound).

    ReLU's map K ↦ C_b + C_W·K/2 is linear: its fixed point is C_b / (1 − C_W/2) for C_W < 2;
    at C_W = 2 with C_b = 0 every K is fixed (the variance stays at K1). The tanh map is
    bounded by C_b + C_W, so it has a stable fixed point: 0 when C_b = 0 and C_W ≤ 1, else the
    point where map(K) − K changes sign from + to −, located on a log grid and refined by
    bisection. (Iterating the map instead takes thousands of steps near C_W = 1.)
    """
    if activation == "relu":
        slope = C_W / 2.0
        if abs(slope - 1.0) < 1e-12:
            return float(K1) if C_b == 0 else np.inf
        return C_b / (1.0 - slope) if slope < 1.0 else np.inf
    if C_b == 0 and C_W <= 1.0:
        return 0.0  # at C_W = 1 the approach to 0 is a slow power law
    grid = np.concatenate([[0.0], np.logspace(-8, 3, 221)])
    g = theory.variance_map(grid, activation, C_W, C_b) - grid
    idx = np.nonzero((g[:-1] > 0) & (g[1:] <= 0))[0]
    if idx.size == 0:
        return np.inf
    lo, hi = grid[idx[-1]], grid[idx[-1] + 1]
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if float(theory.variance_map(mid, activation, C_W, C_b)) > mid:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def susceptibilities(activation: str, C_W: float, K_star: float) -> tuple[float, float]:
    """(χ⊥, χ∥) at the fixed point ``K_star``.

    ReLU is scale-invariant: E[ReLU′(z)²] = 1/2 and the map K ↦ C_b + C_W·K/2 has slope C_W/2,
    so χ⊥ = χ∥ = C_W/2 at *every* K, also where there is no finite fixed point or K* = 0
    (evaluating ReLU′ at the single point z = 0 of N(0, 0) would give 0, which is wrong).
    For tanh, χ⊥ = C_W·E[tanh′(z)²] and χ∥ = C_W·E[z tanh(z) tanh′(z)]/K at K*; at K* = 0
    both are C_W·tanh′(0)² = C_W. (The tanh map is bounded, so K* is always finite.)

    >>> susceptibilities("relu", 1.5, 0.0)
    (0.75, 0.75)
    >>> susceptibilities("tanh", 0.5, 0.0)
    (0.5, 0.5)
    """
    if activation == "relu":
        return C_W / 2.0, C_W / 2.0
    if not np.isfinite(K_star):
        raise ValueError(f"the tanh variance map always has a finite fixed point; got K* = {K_star}")
    if K_star == 0.0:
        return float(C_W), float(C_W)
    return float(theory.chi_perp(K_star, activation, C_W)), float(theory.chi_parallel(K_star, activation, C_W))


def compute_criticality(activation="tanh", C_W=1.0, C_b=0.0, seed=0) -> CriticalityState:
    """Variance map, fixed point, χ⊥ there, and measured against predicted layer variances."""
    K_grid = np.linspace(0.0, K_MAX, 121)
    with np.errstate(over="ignore", invalid="ignore"):
        mapped = theory.variance_map(K_grid, activation, C_W, C_b)
    # Input with ‖x‖²/n_0 = 1, so K^(1) = C_b + C_W.
    K1 = C_b + C_W
    predicted = theory.variance_trajectory(K1, DEPTH, activation, C_W, C_b)
    steps = min(8, DEPTH - 1)
    xs, ys = [], []
    for l in range(steps):
        k, k2 = predicted[l], predicted[l + 1]
        xs += [k, k]
        ys += [k if l else 0.0, k2]
    fp = stable_fixed_point(activation, C_W, C_b, K1)
    chi, chi_par = susceptibilities(activation, C_W, fp)
    x = np.ones((1, WIDTH))
    zs = forward_ensemble(x, [WIDTH] + [WIDTH] * DEPTH, activation=activation, scheme="lecun_normal", n_nets=N_NETS,
                          rng=seed, bias_std=float(np.sqrt(C_b)), gain=float(np.sqrt(C_W)))
    with np.errstate(over="ignore", invalid="ignore"):
        measured = np.array([np.mean(z * z) for z in zs])
    return CriticalityState(activation, C_W, C_b, K_grid, mapped, np.array([xs, ys]), fp, chi, chi_par, predicted,
                            measured)


#: How close C_W must be to a critical value (2 for ReLU, 1 for tanh) to count as equal to it
#: (a slider's float value may be off in the last digits).
EXACT_TOL = 1e-9
#: Settings with |χ⊥ − 1| below this are called close to the order-to-chaos boundary.
NEAR_BOUNDARY = 0.02


def describe_criticality(state: CriticalityState) -> str:
    """One sentence on what the variance does and where the setting sits.

    The cases, for the explorer's two activations (``CriticalityExplorer`` offers tanh and
    ReLU):

    * ReLU, K ↦ C_b + (C_W/2)·K, χ⊥ = χ∥ = C_W/2 at every K:
      C_W < 2 decays geometrically to K* = 0 (C_b = 0) or settles at C_b/(1 − C_W/2), ordered;
      C_W = 2, C_b = 0: every K is a fixed point, the critical point;
      C_W = 2, C_b > 0: no fixed point, K grows linearly by C_b per layer (χ⊥ = χ∥ = 1 at
      every K, but criticality needs a fixed point);
      C_W > 2: no fixed point, K grows geometrically by C_W/2 per layer.
    * tanh, K* always finite: C_b = 0 and C_W < 1 decays geometrically to K* = 0, ordered;
      C_b = 0 and C_W = 1 decays like the power law 1/(2ℓ), the critical point
      (χ⊥ = χ∥ = 1); otherwise it settles at K* > 0 with χ∥ < 1, on the ordered (χ⊥ < 1) or
      chaotic (χ⊥ > 1) side, and χ⊥ = 1 there is the order-to-chaos boundary, not
      criticality.
    """
    if state is None:
        return ""
    act, C_W, C_b = state.activation, state.C_W, state.C_b
    chi, chi_par = state.chi_perp, state.chi_par
    head = f"{activation_label(act)} with C_W = {C_W:.2f}, C_b = {C_b:.2f}: "
    if act == "relu":
        slope = C_W / 2.0
        chis = f"χ⊥ = χ∥ = C_W/2 = {slope:.3g} at every K"
        if abs(slope - 1.0) < EXACT_TOL:
            if C_b == 0:
                return (head + "every K is a fixed point (the map lies on the diagonal), so the variance stays "
                        f"where it starts; {chis}: the critical point.")
            return (head + f"there is no fixed point: every layer adds C_b, so the variance grows linearly, "
                    f"K(ℓ+1) = K(ℓ) + {C_b:.2f}; {chis}, but without a fixed point this is not criticality.")
        if slope > 1.0:
            return (head + f"there is no finite fixed point: the variance grows geometrically, by the factor "
                    f"{slope:.3g} per layer; {chis}: it explodes.")
        if C_b == 0:
            return (head + f"the variance decays geometrically towards K* = 0, by the factor {slope:.3g} per layer; "
                    f"{chis}: the ordered side.")
        return (head + f"the variance settles geometrically at K* = {state.fixed_point:.3g}; {chis}: the ordered side.")
    if C_b == 0 and abs(C_W - 1.0) < EXACT_TOL:
        return (head + "the variance decays towards K* = 0 slowly, like the power law 1/(2ℓ); χ⊥ = χ∥ = 1 at K* = 0: "
                "the critical point.")
    if state.fixed_point == 0.0:
        return (head + f"the variance decays towards K* = 0, in the end by the factor C_W = {C_W:.3g} per layer; "
                f"χ⊥ = χ∥ = {chi:.3g} at K* = 0: the ordered side.")
    side = ("ordered side (χ⊥ < 1: nearby inputs become alike)" if chi < 1 else
            "chaotic side (χ⊥ > 1: nearby inputs drift apart)")
    near = abs(chi - 1.0) < NEAR_BOUNDARY
    where = (f"close to the order-to-chaos boundary χ⊥ = 1, on its {side.split(' (')[0]}" if near else f"the {side}")
    return (head + f"the variance settles at K* = {state.fixed_point:.3g}; χ⊥ = {chi:.3f} and χ∥ = {chi_par:.3f} "
            f"there: {where}" + (", not critical (that needs χ∥ = 1 too)." if near else "."))


class CriticalityExplorer(Explorer):
    """Explorer 3: the variance map, its fixed point, and measured layer variances."""

    name = "criticality"
    title = "criticality"
    # Both activations, C_W below, at and above each one's critical value, with and without
    # a bias: 20 pictures.
    gallery_choices = {"activation": ("tanh", "relu"), "C_W": (0.5, 1.0, 1.5, 2.0, 3.0), "C_b": (0.0, 0.3)}

    def controls(self) -> dict:
        return {
            "activation": dropdown("activation", ("tanh", "relu"), "tanh"),
            "C_W": slider(W.FloatSlider, "C_W", 1.0, 0.1, 4.0, 0.05),
            "C_b": slider(W.FloatSlider, "C_b", 0.0, 0.0, 1.0, 0.01),
        }

    def compute(self, **settings) -> CriticalityState:
        return compute_criticality(**settings)

    def describe(self, state) -> str:
        return describe_criticality(state)

    def _setup(self):
        fig = new_figure(9.0, 3.8)
        self._fig = fig
        ax1, ax2 = fig.subplots(1, 2)
        self._ax1, self._ax2 = ax1, ax2
        ax1.plot([0, K_MAX], [0, K_MAX], color="grey", lw=1, label="K(ℓ+1) = K(ℓ)")
        (self._map,) = ax1.plot([], [], lw=2, label="variance map")
        (self._cob,) = ax1.plot([], [], color="black", lw=0.8, label="first layers")
        (self._fp,) = ax1.plot([], [], "o", color="black", ms=6, label="fixed point K*")
        ax1.set_xlim(0, K_MAX)
        ax1.set_ylim(0, K_MAX)
        ax1.set_xlabel("K(ℓ)")
        ax1.set_ylabel("K(ℓ+1)")
        ax1.legend(fontsize=8, loc="upper left")
        (self._pred,) = ax2.plot([], [], "--", color="black", label="prediction (variance map)")
        (self._meas,) = ax2.plot([], [], "o", ms=3, label=f"measured, {N_NETS} networks of width {WIDTH}")
        ax2.set_yscale("log")
        ax2.set_xlim(0.5, DEPTH + 0.5)
        ax2.set_xlabel("layer ℓ")
        ax2.set_ylabel("preactivation variance K(ℓ)")
        plain_log_axis(ax2.yaxis)
        ax2.legend(fontsize=8, loc="best")
        ax2.set_title("at K*: χ⊥ = 0.000, χ∥ = 0.000", fontsize=9)  # replaced on every render
        freeze_layout(fig, (ax2,))

    def render(self, state: CriticalityState) -> bytes:
        if not hasattr(self, "_fig"):
            self._setup()
        color = activation_color(state.activation)
        with np.errstate(invalid="ignore"):
            self._map.set_data(state.K_grid, np.where(np.isfinite(state.map_values), state.map_values, np.nan))
            self._map.set_color(color)
            self._cob.set_data(np.minimum(state.cobweb[0], 10 * K_MAX), np.minimum(state.cobweb[1], 10 * K_MAX))
            fp = state.fixed_point
            self._fp.set_data([fp] if np.isfinite(fp) else [], [fp] if np.isfinite(fp) else [])
            layers = np.arange(1, DEPTH + 1)
            pred = np.where(np.isfinite(state.predicted) & (state.predicted > 0), state.predicted, np.nan)
            meas = np.where(np.isfinite(state.measured) & (state.measured > 0), state.measured, np.nan)
            self._pred.set_data(layers, pred)
            self._meas.set_data(layers, meas)
            self._meas.set_color(color)
            vals = np.concatenate([pred[np.isfinite(pred)], meas[np.isfinite(meas)]])
            if vals.size:
                self._ax2.set_ylim(max(vals.min() / 2, 1e-200), min(vals.max() * 2, 1e200))
        # The legends drew their keys from the lines when they were made: give the keys of
        # the coloured lines the activation's colour too.
        for ax, label in ((self._ax1, "variance map"), (self._ax2, self._meas.get_label())):
            legend = ax.get_legend()
            for handle, text in zip(legend.legend_handles, legend.get_texts()):
                if text.get_text() == label:
                    handle.set_color(color)
        self._ax2.set_title(_title_text(state), fontsize=9)
        return self.picture()


def _title_text(state: CriticalityState) -> str:
    """The right panel's title: the susceptibilities, and where they are taken."""
    if state.activation == "relu":
        return f"χ⊥ = χ∥ = {state.chi_perp:.3g} at every K"
    return f"at K*: χ⊥ = {state.chi_perp:.3f}, χ∥ = {state.chi_par:.3f}"


def criticality_explorer(**settings) -> CriticalityExplorer:
    """Create the criticality explorer."""
    return CriticalityExplorer(**settings)
