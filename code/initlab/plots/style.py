"""The shared look of the book's figures: colours, sizes, fonts, and a figure factory.

Colours come from the Okabe–Ito palette, which stays distinguishable for readers with
colour-vision deficiencies, and every figure has an opaque white background so that it
reads the same in the site's light and dark themes.
"""

from __future__ import annotations

import matplotlib


import matplotlib.pyplot as plt

# Okabe–Ito colours (Okabe & Ito, "Color Universal Design", 2002).
_OI = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}

SCHEME_COLORS = {
    "zeros": _OI["grey"],
    "constant": _OI["grey"],
    "small_normal": _OI["sky"],
    "unit_normal": _OI["vermillion"],
    "fan_in_uniform": _OI["orange"],
    "glorot_uniform": _OI["green"],
    "glorot_normal": _OI["green"],
    "lecun_uniform": _OI["purple"],
    "lecun_normal": _OI["purple"],
    "he_uniform": _OI["blue"],
    "he_normal": _OI["blue"],
    "orthogonal": _OI["black"],
}

ACTIVATION_COLORS = {
    "linear": _OI["grey"],
    "sigmoid": _OI["orange"],
    "tanh": _OI["green"],
    "relu": _OI["blue"],
    "leaky_relu": _OI["sky"],
    "selu": _OI["purple"],
}

ACTIVATION_LABELS = {
    "linear": "linear",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "selu": "SELU",
}

_LABELS = {
    "zeros": "zeros",
    "constant": "constant",
    "small_normal": "N(0, 0.01²)",
    "unit_normal": "N(0, 1)",
    "fan_in_uniform": "fan-in uniform U[±1/√fan_in]",
    "glorot_uniform": "Glorot uniform",
    "glorot_normal": "Glorot normal",
    "lecun_uniform": "LeCun uniform",
    "lecun_normal": "LeCun normal",
    "he_uniform": "He uniform",
    "he_normal": "He normal",
    "orthogonal": "orthogonal",
}

RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.8,
    "figure.constrained_layout.use": True,
}


def apply_style() -> None:
    """Apply the book's Matplotlib settings (called on import of ``initlab.plots``)."""
    plt.rcParams.update(RC)


def scheme_color(scheme: str) -> str:
    """The colour the book uses for a scheme (grey for unknown names)."""
    return SCHEME_COLORS.get(scheme, _OI["grey"])


def activation_color(name: str) -> str:
    """The colour the book uses for an activation (grey for unknown names)."""
    return ACTIVATION_COLORS.get(name, _OI["grey"])


def scheme_label(scheme: str) -> str:
    """A short human-readable label for a scheme name."""
    return _LABELS.get(scheme, scheme)


def activation_label(name: str) -> str:
    """How the text writes an activation's name (``relu`` -> ``ReLU``)."""
    return ACTIVATION_LABELS.get(name, name)


def figure(nrows: int = 1, ncols: int = 1, width: float = 7.0, height: float | None = None, **kw):
    """Create a figure and axes in the book's style; returns ``(fig, axes)``.

    ``width`` is in inches (7 fits the text column); the height defaults to a pleasant
    aspect for the grid of panels.
    """
    apply_style()
    if height is None:
        height = max(2.6, 2.8 * nrows) if ncols > 1 else 4.0 * nrows if nrows > 1 else 3.6
    return plt.subplots(nrows, ncols, figsize=(width, height), **kw)


def label_axes(ax, xlabel: str, ylabel: str, title: str | None = None) -> None:
    """Set the axis labels (and optionally the title) of ``ax``."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)


apply_style()
