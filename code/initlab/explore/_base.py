"""The machinery shared by the explorers: controls, coalesced updates, rendering, static view.

An explorer has three layers, kept apart so that each can be tested without a browser:

``compute(**settings)``  a pure function of the control values that returns a small state
                         object (numbers only), fast enough for 100 ms per update;
``render(state)``        draws the state into one Matplotlib figure that is created once and
                         whose artists are updated in place, and returns the picture: SVG
                         for the live widget (sharp on every screen), PNG for the website;
``widget``               the ipywidgets controls and an ``Image`` that shows the picture.

Updates do not queue up while a slider is dragged: every change bumps a generation counter
and schedules a run a few milliseconds later; a run whose generation is no longer the newest
does nothing, so only the latest value is computed. Without a running event loop (tests,
benchmarks, plain scripts) the run happens at once.

In the built website, where no kernel runs, the HTML builder skips widget views and shows
the other parts of an explorer's rich display: a static PNG of its current settings and,
when the build asks for it, a gallery of precomputed pictures behind buttons (``gallery``).
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
from typing import Any, Callable

import ipywidgets as W
import matplotlib
import numpy as np

from ..plots.style import apply_style

#: Seconds a scheduled update waits, so that a burst of changes collapses into one run.
#: Short, because it is part of every key press's wait: while an update runs, the kernel
#: queues the slider's next messages, and the generation counter then skips all but the
#: last of them, so a burst collapses even with a short wait.
COALESCE_SECONDS = 0.01


class ImmediateScheduler:
    """Run a callback at once (used when no event loop runs)."""

    def __call__(self, fn: Callable[[], None]) -> None:
        fn()


class ManualScheduler:
    """Keep callbacks until ``flush()``; used by tests to imitate a burst of slider events."""

    def __init__(self) -> None:
        self.pending: list[Callable[[], None]] = []

    def __call__(self, fn: Callable[[], None]) -> None:
        self.pending.append(fn)

    def flush(self) -> None:
        todo, self.pending = self.pending, []
        for fn in todo:
            fn()


class LoopScheduler:
    """Run a callback shortly, on the kernel's asyncio loop if there is one."""

    def __call__(self, fn: Callable[[], None]) -> None:
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
        if loop is not None and loop.is_running():
            loop.call_later(COALESCE_SECONDS, fn)
        else:
            fn()


def figure_png(fig, dpi: int | None = None) -> bytes:
    """Render a Matplotlib figure to PNG bytes (Agg), without touching pyplot's state.

    The canvas draws at the figure's own dpi and PIL encodes with light compression: this
    is about half the cost of ``savefig`` (which draws twice to measure tight boxes and
    compresses harder), and an explorer redraws on every change. Glyphs are drawn without
    font hinting, which at these sizes looks the same and saves a fifth of a redraw.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    if dpi is not None:
        fig.set_dpi(dpi)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with matplotlib.rc_context({"text.hinting": "no_hinting"}):
        canvas.draw()
    width, height = canvas.get_width_height()
    img = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    img.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def figure_svg(fig) -> bytes:
    """Render a Matplotlib figure to SVG bytes: what the live widget shows.

    Vector pictures are sharp at any displayed size and on any screen (a PNG sharp on a 2×
    screen at the widget's 900 px would take three times the pixels and half again the
    time). Text is written as text, not glyph outlines (``svg.fonttype`` "none"), which
    makes the picture faster to write than a 72-dpi PNG; the browser draws it in the same
    font family (DejaVu Sans, or its sans-serif fallback). No date is written: the bytes
    change only when the figure does.
    """
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buf = io.BytesIO()
    canvas, dpi = fig.canvas, fig.dpi
    try:
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "initlab"}):
            FigureCanvasSVG(fig).print_svg(buf, metadata={"Date": None})
    finally:
        # print_svg draws at 72 dpi and leaves the figure there: restore the dpi, and the Agg
        # canvas (which measures text and draws later PNGs).
        fig.dpi = dpi
        fig.set_canvas(canvas)
    return buf.getvalue()


def freeze_layout(fig, widest_axes=()) -> None:
    """Solve the figure's layout once, for the widest tick labels it will ever show, then fix it.

    Constrained layout costs about as much as the rest of a redraw. The explorers solve it
    once with their log axes set to an extreme range (so labels like ``1e-300`` fit), then
    switch it off; later updates only move data and limits.
    """
    import warnings

    saved = [(ax, ax.get_ylim()) for ax in widest_axes]
    for ax in widest_axes:
        ax.set_ylim(1e-200, 1e200)
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        figure_png(fig)
    fig.set_layout_engine("none")
    _pin_labels_and_titles(fig)
    for ax, lim in saved:
        ax.set_ylim(lim)


def _pin_labels_and_titles(fig) -> None:
    """Fix every axis label and title where the last draw put it.

    Left to themselves, Matplotlib places them anew on every draw by measuring all tick
    labels, which is a quarter of an explorer's redraw. Once the layout is frozen their
    places no longer change, so they are pinned in axes coordinates.
    """
    for ax in fig.axes:
        to_axes = ax.transAxes.inverted()
        for axis in (ax.xaxis, ax.yaxis):
            label = axis.label
            x, y = to_axes.transform(label.get_transform().transform(label.get_position()))
            axis.set_label_coords(x, y)
        # The explorers use centre titles only; pinning also applies to one set later.
        t = ax.title
        ax.set_title(t.get_text(), y=t.get_position()[1], fontsize=t.get_fontsize(),
                     fontweight=t.get_fontweight(), color=t.get_color())


def new_figure(width: float, height: float, dpi: int = 72):
    """A figure that does not belong to pyplot (so notebooks do not display it twice)."""
    from matplotlib.figure import Figure

    apply_style()
    fig = Figure(figsize=(width, height), layout="constrained", dpi=dpi)
    return fig


class Explorer:
    """Base class: subclasses define ``controls()``, ``compute()`` and ``render()``."""

    #: Short name used by the benchmark's output lines.
    name = "explorer"
    #: What the text calls it ("the {title} explorer").
    title = "explorer"
    #: Controls and values for which the website shows precomputed pictures (see
    #: ``gallery``); empty: the website shows one picture of the default settings.
    gallery_choices: dict = {}

    def __init__(self, scheduler: Callable | None = None, **settings: Any) -> None:
        self._scheduler = scheduler if scheduler is not None else LoopScheduler()
        self._generation = 0
        self.runs = 0  # how many updates were actually computed (for tests)
        self.controls_dict = self.controls()
        for key, value in settings.items():
            if key not in self.controls_dict:
                raise ValueError(f"unknown setting {key!r}; this explorer has: {', '.join(self.controls_dict)}")
            self.controls_dict[key].value = value
        self.image = W.Image(format=self.picture_format, layout=W.Layout(width="100%", max_width="900px"))
        self.status = W.HTML()
        for control in self.controls_dict.values():
            control.observe(self._on_change, names="value")
        self.state = None
        self.last_picture = b""
        self._png: bytes | None = b""
        self._run(self._generation)

    #: What ``render`` returns and the widget shows: ``"svg+xml"`` (sharp on every screen,
    #: and faster) or ``"png"`` (what the website's static picture and galleries use).
    picture_format = "svg+xml"

    def picture(self) -> bytes:
        """The figure as it is now, in ``picture_format``: what ``render`` ends with."""
        return figure_png(self._fig) if self.picture_format == "png" else figure_svg(self._fig)

    @property
    def last_png(self) -> bytes:
        """The latest picture as PNG (for the website, which shows a static image); drawn
        from the figure on first use when the widget shows SVG."""
        if self._png is None:
            self._png = figure_png(self._fig)
        return self._png

    # -- to be provided by subclasses ---------------------------------------------------
    def controls(self) -> dict:
        raise NotImplementedError

    def compute(self, **settings):
        raise NotImplementedError

    def render(self, state) -> bytes:
        raise NotImplementedError

    def describe(self, state) -> str:
        """One sentence about the state, shown under the figure."""
        return ""

    # -- machinery ----------------------------------------------------------------------
    def settings(self) -> dict:
        return {k: c.value for k, c in self.controls_dict.items()}

    def _on_change(self, _change=None) -> None:
        self._generation += 1
        gen = self._generation
        self._scheduler(lambda: self._run(gen))

    def _run(self, gen: int) -> None:
        if gen != self._generation:
            return  # a newer change is pending: skip this one
        self.update(**self.settings())

    def update(self, **settings):
        """Recompute and redraw for ``settings`` now; returns the state (used by tests/bench)."""
        state = self.compute(**settings)
        picture = self.render(state)
        self.state, self.last_picture = state, picture
        self._png = picture if self.picture_format == "png" else None
        self.image.value = picture
        self.status.value = f"<p>{self.describe(state)}</p>"
        self.runs += 1
        return state

    def layout_controls(self) -> W.Widget:
        return W.HBox(
            [W.VBox(list(self.controls_dict.values())[i::2]) for i in range(2)],
            layout=W.Layout(flex_flow="row wrap"),
        )

    @property
    def widget(self) -> W.Widget:
        if not hasattr(self, "_widget"):
            self._widget = W.VBox([self.layout_controls(), self.status, self.image])
        return self._widget

    def set_dpi(self, dpi: int) -> None:
        """Draw later updates at ``dpi`` (the gallery's pictures are sharper than the widget's)."""
        self._fig.set_dpi(dpi)

    def gallery_html(self, choices: dict | None = None, **kw) -> str:
        """This explorer as a static gallery of precomputed pictures (see ``gallery``)."""
        from .gallery import gallery_html

        return gallery_html(self, choices, **kw)

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        if isinstance(data, tuple):
            data = data[0]
        data = dict(data or {})
        data["image/png"] = base64.b64encode(self.last_png).decode("ascii")
        from .gallery import gallery_enabled

        if self.gallery_choices and gallery_enabled():
            data["text/html"] = self.gallery_html()
        data["text/plain"] = f"{type(self).__name__}: {self.describe(self.state)}"
        return data

    def time_update(self, **settings) -> float:
        """Milliseconds for one update (compute + redraw) at ``settings``."""
        t0 = time.perf_counter()
        self.update(**settings)
        return 1000.0 * (time.perf_counter() - t0)


def slider(cls, description: str, value, min, max, step, **kw):
    """A slider that only reports its value when released (no flood of updates)."""
    return cls(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        continuous_update=False,
        style={"description_width": "initial"},
        **kw,
    )


def plain_log_axis(axis) -> None:
    """Log-axis ticks with plain labels (mathtext labels are slow to draw).

    Decades are labelled always; 2 and 5 times a decade only when the axis spans less than
    two decades, so that a narrow range still shows numbers.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator

    def fmt(v, _pos=None):
        return f"{v:.0e}" if (v < 1e-3 or v > 1e4) else f"{v:g}"

    def minor_fmt(v, _pos=None):
        lo, hi = sorted(axis.get_view_interval())
        return fmt(v) if lo > 0 and hi / lo < 100 else ""

    axis.set_major_locator(LogLocator(base=10.0, numticks=7))
    axis.set_major_formatter(FuncFormatter(fmt))
    axis.set_minor_locator(LogLocator(base=10.0, subs=(2.0, 5.0), numticks=7))
    axis.set_minor_formatter(FuncFormatter(minor_fmt))


def dropdown(description: str, options, value):
    return W.Dropdown(options=options, value=value, description=description, style={"description_width": "initial"})

