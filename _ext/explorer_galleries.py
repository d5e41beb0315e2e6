"""The explorers' static galleries on the website: made while the notebooks execute, and
their pictures served as separate, cacheable files that load only when shown.

1. **Made.** An explorer's rich display holds its live widget and a PNG; with the
   environment variable ``INITLAB_EXPLORER_GALLERY=1`` it also holds a gallery of
   precomputed pictures behind buttons (``initlab.explore.gallery``), which the website
   shows instead of the PNG. The kernels that execute the notebooks during the build are
   child processes of Sphinx and inherit its environment, so setting the variable when this
   extension loads is enough. Live notebooks (Binder, Colab, a reader's own Jupyter) never
   see it and do not spend time on pictures nobody would look at.

2. **Served as files.** A gallery arrives as one block of HTML with its 20-32 pictures as
   ``data:`` URIs (a notebook output must be self-contained): 0.5-0.8 MB of base64 in the
   page, downloaded by every reader whether or not they press a button, and never cached.
   When a page is written, each picture goes to ``_images/gallery-<hash>.png`` (named by
   its content, so a picture shared by two pages is one file) and its ``<img>`` gets that
   address and ``loading="lazy"``: the browser fetches only the picture on show (hidden
   frames are ``display: none``) and the next one when a button shows it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: Must match initlab.explore.gallery.GALLERY_ENV (checked by tests/test_gallery.py).
GALLERY_ENV = "INITLAB_EXPLORER_GALLERY"

#: Folder of the output that receives the pictures (Sphinx's own folder for images).
IMAGES = "_images"

#: A gallery picture: ``<img src="data:image/png;base64,...`` as gallery_html writes it.
DATA_IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def picture_name(png: bytes) -> str:
    """File name of a picture, from its content."""
    return f"gallery-{hashlib.sha256(png).hexdigest()[:20]}.png"


def externalize(html: str, write, prefix: str) -> str:
    """Replace every gallery picture of ``html`` by a lazily loaded file.

    ``write(name, png)`` stores a picture; ``prefix`` is the path from the page to the
    images folder (``"../_images/"`` for a page one folder down).
    """

    def replace(match: re.Match) -> str:
        png = base64.b64decode(match.group(1), validate=True)
        name = picture_name(png)
        write(name, png)
        return f'<img loading="lazy" src="{prefix}{name}"'

    return DATA_IMG.sub(replace, html)


def move_pictures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Write the gallery pictures of one page to files and point the page at them."""
    if app.builder.format != "html":
        return
    folder = Path(app.outdir) / IMAGES
    depth = app.builder.get_target_uri(docname).count("/")
    prefix = "../" * depth + IMAGES + "/"

    def write(name: str, png: bytes) -> None:
        path = folder / name
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(png)
            tmp.replace(path)

    for raw in list(doctree.findall(nodes.raw)):
        if raw.get("format") != "html" or "initlab-gallery" not in raw.astext():
            continue
        new = raw.copy()  # the same attributes (format, classes), no children
        new += nodes.Text(externalize(raw.astext(), write, prefix))
        raw.replace_self(new)


def setup(app: Sphinx) -> dict[str, Any]:
    os.environ[GALLERY_ENV] = "1"
    app.connect("doctree-resolved", move_pictures)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
