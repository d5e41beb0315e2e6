"""The book's figure style and plotting helpers.

Every figure in the book is made through this package so that all of them look alike:
one colour per scheme and per activation (the same everywhere), labelled axes, readable on
a light or dark page and on a projector. ``style`` holds the shared look; each part of the
book has a module of figure functions (``signals``, ``derivations``, ``practice``,
``statistics``) that return a Matplotlib ``Figure``. Inside IPython, importing the package
also makes figures show sharp on high-density screens (``sharp``).

Example
-------
>>> from initlab import plots
>>> fig, ax = plots.figure()
>>> ax.plot([1, 2], [3, 4], color=plots.scheme_color("he_normal"))  # doctest: +ELLIPSIS
[<matplotlib.lines.Line2D object at ...>]
"""

from . import sharp
from .style import (
    ACTIVATION_COLORS,
    SCHEME_COLORS,
    activation_color,
    apply_style,
    figure,
    label_axes,
    scheme_color,
    scheme_label,
)

__all__ = [
    "ACTIVATION_COLORS",
    "SCHEME_COLORS",
    "activation_color",
    "apply_style",
    "figure",
    "label_axes",
    "scheme_color",
    "scheme_label",
]

# Notebooks show figures at twice their dpi, at their usual size (nothing outside IPython).
sharp.install()
