"""Ask the explorers for their static galleries while the book's notebooks execute.

An explorer's rich display holds its live widget and a PNG; with the environment variable
``INITLAB_EXPLORER_GALLERY=1`` it also holds a gallery of precomputed pictures behind
buttons (``initlab.explore.gallery``), which the website shows instead of the PNG. The
kernels that execute the notebooks during the build are child processes of Sphinx and
inherit its environment, so setting the variable when this extension loads is enough.
Live notebooks (Binder, Colab, a reader's own Jupyter) never see it and do not spend
time on pictures nobody would look at.
"""

from __future__ import annotations

import os
from typing import Any

from sphinx.application import Sphinx

#: Must match initlab.explore.gallery.GALLERY_ENV (checked by tests/test_gallery.py).
GALLERY_ENV = "INITLAB_EXPLORER_GALLERY"


def setup(app: Sphinx) -> dict[str, Any]:
    os.environ[GALLERY_ENV] = "1"
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
