"""Figures that are sharp on high-density screens and still light: how notebooks show them.

Matplotlib's inline backend shows a figure as a PNG drawn at the figure's dpi (100 in the
book's style). On a screen with two or three device pixels per CSS pixel (phones, most
laptops) the browser enlarges that picture and it looks blurred. :func:`install` makes
IPython draw every figure at :data:`SCALE` times its dpi and give the output the figure's
usual width in its metadata (the book's build and JupyterLab both honour it), so the figure
takes the same room on the page with twice the detail. Only the width: a fixed height too
would squash the picture where a phone's column makes it narrower (``max-width: 100%``). Each picture is then
reduced to 256 colours (:func:`compact_png`), which keeps it close to the byte size of the
blurred one.

``initlab.plots`` calls :func:`install` when it is imported inside IPython; outside
IPython it does nothing.

Example
-------
>>> from initlab import plots
>>> from initlab.plots.sharp import sharp_png
>>> fig, ax = plots.figure(width=4, height=3)
>>> png, size = sharp_png(fig, tight=False)
>>> size                      # the width on the page, in CSS pixels
{'width': 400}
>>> png[:4] == b'\\x89PNG'      # drawn at 800 x 600
True
"""

from __future__ import annotations

import base64
import io

#: Device pixels per CSS pixel the figures are drawn for.
SCALE = 2


def compact_png(png: bytes) -> bytes:
    """The same picture with a 256-colour palette (no dithering), in a third of the bytes.

    Maximum-coverage quantization keeps every pixel within a few levels (of 255) of its
    colour; median cut, the default, moved rare colours such as the thin lines by up to 50.
    """
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    small = img.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    small.save(buf, format="png", optimize=True)
    return buf.getvalue()


def sharp_png(fig, scale: int = SCALE, tight: bool = True) -> tuple[bytes, dict]:
    """Draw ``fig`` at ``scale`` times its dpi, as a compact PNG, and return it with the
    width (``{"width": ...}``, CSS pixels) the page should show it at; the height follows.

    ``tight`` crops to the drawn content, as the inline backend does by default.
    """
    if not isinstance(scale, int) or isinstance(scale, bool) or not 1 <= scale <= 4:
        raise ValueError(f"scale must be a whole number from 1 to 4; got {scale!r}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi * scale, bbox_inches="tight" if tight else None,
                facecolor=fig.get_facecolor())
    png = compact_png(buf.getvalue())
    width, _ = png_size(png)
    return png, {"width": width // scale}


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG picture")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _format(fig):
    png, size = sharp_png(fig)
    return base64.b64encode(png).decode("ascii"), size


def install(shell=None) -> bool:
    """Show Matplotlib figures in IPython as sharp, compact PNGs; True if installed.

    Safe to call more than once. Without IPython (a script, a test) it returns False.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython is a requirement
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    # Let the inline backend set up its own formatters first (once per kernel), so that
    # they do not replace this one when the first figure is drawn.
    try:
        import matplotlib_inline.backend_inline  # noqa: F401
    except ImportError:  # pragma: no cover - ipykernel depends on it
        pass
    from matplotlib.figure import Figure

    shell.display_formatter.formatters["image/png"].for_type(Figure, _format)
    return True
