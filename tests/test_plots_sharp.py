"""initlab.plots.sharp: figures drawn at twice their dpi, shown at their usual size."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from initlab import plots
from initlab.plots import sharp


def _figure():
    fig, ax = plots.figure(width=4, height=3)
    x = np.linspace(0, 6, 200)
    for k in range(4):
        ax.plot(x, np.sin(x + k), label=f"phase {k}")
    ax.legend()
    return fig


def test_sharp_png_has_twice_the_pixels_of_its_size_on_the_page():
    fig = _figure()
    png, size = sharp.sharp_png(fig, tight=False)
    # 4 x 3 inches at the style's 100 dpi take 400 x 300 CSS pixels, drawn with 800 x 600.
    assert size == {"width": 400}  # the height follows from the picture (no squashing)
    assert sharp.png_size(png) == (800, 600)
    img = Image.open(io.BytesIO(png))
    assert img.mode == "P" and len(img.getcolors(256)) <= 256  # the 256-colour palette
    # Cropped to the drawing (as the inline backend does): never larger, still twice over.
    png_tight, size_tight = sharp.sharp_png(fig)
    w, h = sharp.png_size(png_tight)
    assert w // 2 == size_tight["width"] and h > 0


def test_the_palette_keeps_the_picture_and_saves_bytes():
    fig = _figure()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200)
    full = buf.getvalue()
    small = sharp.compact_png(full)
    assert len(small) < 0.6 * len(full)
    a = np.asarray(Image.open(io.BytesIO(full)).convert("RGB"), dtype=int)
    b = np.asarray(Image.open(io.BytesIO(small)).convert("RGB"), dtype=int)
    # This drawing has about 2,000 distinct colours, nearly all anti-aliased edge pixels
    # between a line and white. In the palette no pixel moves by more than 12 of 255 levels
    # in any channel (under 5 %, at the edge of a line: not visible), and under 1 % of the
    # pixels by more than 4.
    d = np.abs(a - b).max(axis=2)
    assert d.max() <= 12 and (d > 4).mean() < 0.01


def test_bad_scale_says_what_is_allowed():
    with pytest.raises(ValueError, match="scale must be a whole number from 1 to 4; got 1.5"):
        sharp.sharp_png(_figure(), scale=1.5)
    with pytest.raises(ValueError, match="not a PNG"):
        sharp.png_size(b"GIF89a" + bytes(30))


def test_install_makes_ipython_show_sharp_figures():
    """Through IPython's own display machinery: the PNG output carries the page size."""
    from IPython.core.formatters import DisplayFormatter

    class Shell:  # what install() touches of an IPython shell (the real one is a singleton
        display_formatter = DisplayFormatter()  # that other tests may have configured)

    shell = Shell()
    assert sharp.install(shell) and sharp.install(shell)  # twice is harmless
    fig = _figure()
    data, metadata = shell.display_formatter.format(fig)
    png = base64.b64decode(data["image/png"])
    width, height = sharp.png_size(png)
    assert metadata["image/png"] == {"width": width // 2}
    assert 380 <= metadata["image/png"]["width"] <= 420  # 4 inches at 100 dpi, cropped


def test_install_outside_ipython_does_nothing():
    class NotAShell:
        pass

    assert sharp.install(NotAShell()) is False
