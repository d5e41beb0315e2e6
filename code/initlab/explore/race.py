"""Explorer 4: a training race between initializations on the handwritten digits.

Choose two to four schemes and an activation, press *Run*, and watch the same small MLP
(4 hidden layers of 64 units) train from each initialization on the digits shipped with
``initlab.data``: the training loss of every scheme, with the spread over three seeds, is
redrawn every few dozen steps while a progress bar fills. All networks train side by side
as one stack (``initlab.mlp.MLP.stack``), with the same minibatches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as W
import numpy as np

from ..data import load_digits
from ..mlp import MLP, train
from ..plots.style import scheme_color, scheme_label
from ..schemes import SCHEMES
from ._base import Explorer, dropdown, new_figure, plain_log_axis, slider

HIDDEN = [64, 64, 64, 64]
SEEDS = 3
CHOICES = tuple(s for s in SCHEMES if s != "constant")
DEFAULT = ("small_normal", "fan_in_uniform", "glorot_uniform", "he_normal")


@dataclass
class RaceState:
    schemes: tuple
    activation: str
    steps: list = field(default_factory=list)  # evaluation steps
    loss: list = field(default_factory=list)  # per evaluation: (n_schemes, SEEDS) training loss
    done: int = 0
    total: int = 0
    steps_per_second: float = float("nan")


def _check_schemes(schemes) -> tuple:
    schemes = tuple(schemes)
    if not 2 <= len(schemes) <= 4:
        raise ValueError(f"choose two to four schemes for the race; got {len(schemes)}: {schemes}")
    for s in schemes:
        if s not in CHOICES:
            raise ValueError(f"unknown scheme {s!r}; choose from: {', '.join(CHOICES)}")
    return schemes


def run_race(schemes=DEFAULT, activation="relu", steps=300, lr=0.05, chunk=50, seed=0, on_progress=None) -> RaceState:
    """Train every scheme (three seeds each) for ``steps`` steps; call ``on_progress(state)``
    after every ``chunk`` steps. Returns the final :class:`RaceState`."""
    import time

    schemes = _check_schemes(schemes)
    data = _digits()
    widths = [data.x_train.shape[1], *HIDDEN, 10]
    net = MLP.stack([MLP.init(widths, activation=activation, scheme=s, n_nets=SEEDS, rng=seed + 101 * i)
                     for i, s in enumerate(schemes)])
    gen = np.random.default_rng(seed)
    state = RaceState(schemes, activation, total=int(steps))
    t0 = time.perf_counter()
    done = 0
    while done < steps:
        k = min(chunk, steps - done)
        res = train(net, data, steps=k, lr=lr, batch_size=64, eval_every=k, rng=gen)
        net = res.net
        if not state.steps:
            state.steps.append(0)
            state.loss.append(res.train_loss[0].reshape(len(schemes), SEEDS))
        done += k
        state.steps.append(done)
        state.loss.append(res.train_loss[-1].reshape(len(schemes), SEEDS))
        state.done = done
        state.steps_per_second = done / max(time.perf_counter() - t0, 1e-9)
        if on_progress is not None:
            on_progress(state)
    return state


_DIGITS = {}


def _digits():
    if "d" not in _DIGITS:
        _DIGITS["d"] = load_digits(rng=0)
    return _DIGITS["d"]


class RaceExplorer(Explorer):
    """Explorer 4: the training race (runs when *Run* is pressed, not on every change)."""

    name = "training_race"
    title = "training-race"

    def __init__(self, scheduler=None, **settings):
        self.progress = W.IntProgress(value=0, min=0, max=1, description="training")
        self.button = W.Button(description="Run", button_style="primary")
        super().__init__(scheduler=scheduler, **settings)
        self.button.on_click(lambda _b: self.update(**self.settings()))

    def controls(self) -> dict:
        return {
            # Every scheme in view (rows = their number): a chosen one must never hide below a scroll.
            "schemes": W.SelectMultiple(options=CHOICES, value=DEFAULT, rows=len(CHOICES), description="schemes (2–4)",
                                        style={"description_width": "initial"}),
            "activation": dropdown("activation", ("relu", "tanh", "sigmoid", "leaky_relu", "selu", "linear"), "relu"),
            "steps": slider(W.IntSlider, "steps", 300, 50, 1000, 50),
            "lr": slider(W.FloatLogSlider, "learning rate", 0.05, -3, 0, 0.1),
        }

    def _on_change(self, _change=None) -> None:
        # The race is expensive: changes of the controls wait for the Run button.
        self.status.value = "<p>Press <b>Run</b> to start the race with these settings.</p>"

    def _run(self, gen: int) -> None:
        # First view: a short race so the figure is not empty.
        self.update(**{**self.settings(), "steps": 100})

    def update(self, **settings):
        # A race that cannot start says why, and keeps the picture of the last one (the
        # ranking of that race must not replace the message).
        try:
            _check_schemes(settings.get("schemes", DEFAULT))
        except ValueError as exc:
            self.status.value = f"<p>Not run: {exc}.</p>"
            return self.state
        return super().update(**settings)

    def compute(self, schemes=DEFAULT, activation="relu", steps=300, lr=0.05):
        try:
            schemes = _check_schemes(schemes)
        except ValueError as exc:
            self.status.value = f"<p>{exc}</p>"
            return self.state
        self.progress.max = int(steps)
        self.progress.value = 0
        self.status.value = f"<p>Training: 0 of {int(steps)} steps…</p>"

        def progress(state):
            self.progress.value = state.done
            self.status.value = (f"<p>Training: {state.done} of {state.total} steps "
                                 f"({state.steps_per_second:.0f} steps per second)…</p>")
            self.image.value = self.render(state)

        self.button.disabled = True  # one race at a time; the status line says what runs
        try:
            return run_race(schemes, activation, steps, lr, on_progress=progress)
        finally:
            self.button.disabled = False

    def describe(self, state) -> str:
        if state is None or not state.loss:
            return ""
        last = np.nanmean(state.loss[-1], axis=1)
        order = np.argsort(np.where(np.isfinite(last), last, np.inf))
        ranking = ", ".join(f"{scheme_label(state.schemes[i])} ({last[i]:.3g})" if np.isfinite(last[i])
                            else f"{scheme_label(state.schemes[i])} (diverged)" for i in order)
        return (f"After {state.done} steps with {state.activation}, mean training loss over {SEEDS} seeds, "
                f"best first: {ranking}.")

    def _setup(self):
        fig = new_figure(9.0, 3.6)  # wide enough for the legend beside the axes
        self._fig = fig
        self._ax = fig.subplots()
        self._lines, self._bands = {}, {}
        self._ax.set_xlabel("training step")
        self._ax.set_ylabel("training loss (cross-entropy)")
        self._ax.set_yscale("log")
        plain_log_axis(self._ax.yaxis)

    def render(self, state: RaceState) -> bytes:
        if not hasattr(self, "_fig"):
            self._setup()
        ax = self._ax
        for art in list(self._lines.values()) + list(self._bands.values()):
            art.remove()
        self._lines, self._bands = {}, {}
        steps = np.array(state.steps, dtype=float)
        loss = np.array(state.loss) if state.loss else np.zeros((0, len(state.schemes), SEEDS))
        for i, s in enumerate(state.schemes):
            y = loss[:, i, :] if loss.size else np.zeros((0, SEEDS))
            with np.errstate(all="ignore"):
                mean = np.nanmean(y, axis=1) if y.size else np.array([])
                lo = np.nanmin(y, axis=1) if y.size else np.array([])
                hi = np.nanmax(y, axis=1) if y.size else np.array([])
            # A line style and a marker per scheme: two schemes stuck at the same loss (ln 10 at
            # chance) stay both visible, one drawn over the other.
            (self._lines[s],) = ax.plot(steps, mean, ls=("-", "--", "-.", ":")[i % 4], marker="osD^"[i % 4], ms=3,
                                        color=scheme_color(s), label=scheme_label(s))
            self._bands[s] = ax.fill_between(steps, lo, hi, color=scheme_color(s), alpha=0.2, lw=0)
        ax.set_xlim(0, max(state.total, 1))
        finite = loss[np.isfinite(loss)] if loss.size else np.array([])
        if finite.size:
            ax.set_ylim(max(finite.min() / 1.5, 1e-4), finite.max() * 1.5)
        # Beside the axes, not on them: no curve is ever hidden behind it.
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        return self.picture()

    @property
    def widget(self) -> W.Widget:
        if not hasattr(self, "_widget"):
            self._widget = W.VBox([self.layout_controls(), W.HBox([self.button, self.progress]), self.status, self.image])
        return self._widget


def race_explorer(**settings) -> RaceExplorer:
    """Create the training-race explorer."""
    return RaceExplorer(**settings)
