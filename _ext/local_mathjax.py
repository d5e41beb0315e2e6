"""Serve MathJax 3 from the built site, so that mathematics renders offline.

Sphinx loads MathJax 3 from a CDN by default. This extension copies the part of MathJax
3.2.2 that the book needs from the PyPI package ``sphinx-mathjax-offline`` (which ships
MathJax's release files and nothing else of interest to the book) into
``<outdir>/_static/mathjax/`` and points ``mathjax_path`` there, with a configuration that
typesets what Sphinx writes for math: ``\\(..\\)`` inside ``<span class="math">`` and
``\\[..\\]`` inside ``<div class="math">`` (MyST's ``$..$``, ``$$..$$`` and ``amsmath``
blocks all end up as those).

The package is not loaded as a Sphinx extension: it would copy all of its 24 MB. What is
copied (about 6 MB, of which a page downloads only ``tex-chtml.js`` and the fonts its
formulas use), see :data:`SUBSET`:

* ``tex-chtml.js``, one file with the TeX input, the CommonHTML output, the menu and the
  hidden MathML for screen readers;
* what it loads on demand: the TeX extensions (``\\boldsymbol``, ``\\cancel``, ...), the
  CommonHTML fonts (``woff``), and the accessibility parts the menu can switch on (the
  expression explorer and its speech rules, ``sre``).

MathJax 3 replaced the book's MathJax 2.7 (end of life): it typesets chapter 9 in a third
of the time, and its display formulas sit in a ``mjx-container`` that scrolls sideways
instead of being cut off at the column's edge.
"""

from __future__ import annotations

import filecmp
import shutil
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Folder inside ``_static`` that receives the MathJax files.
TARGET = "mathjax"

#: The PyPI distribution that ships MathJax 3, and the folder of MathJax inside it.
PACKAGE = "sphinx-mathjax-offline"
PACKAGE_FOLDER = "sphinx-mathjax-offline/static/mathjax"

#: The component the pages load.
COMPONENT = "tex-chtml.js"

#: Files copied, as glob patterns relative to the package's MathJax folder.
SUBSET = (
    COMPONENT,
    # TeX extensions that \require or the autoloader fetch (\boldsymbol, \cancel, ...).
    "input/tex/extensions/*.js",
    # The CommonHTML fonts, fetched by the browser only for the styles a page uses.
    "output/chtml/fonts/woff-v2/*.woff",
    # The menu's accessibility options (explorer, speech, semantic enrichment).
    "a11y/*.js",
    "ui/*.js",
    "sre/**/*",
)

#: MathJax 3 configuration (``window.MathJax``). Only elements with the classes Sphinx and
#: myst-nb give to mathematics are searched, so a ``$`` in prose or in code is never
#: typeset.
MATHJAX3_CONFIG: dict[str, Any] = {
    "tex": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": True,
        "processRefs": False,
        # Without ``noundefined`` an unknown macro is a TeX error (an ``mjx-merror``
        # element, which the site tests look for) rather than quiet red text.
        "packages": {"[-]": ["noundefined"]},
    },
    "options": {
        "processHtmlClass": "tex2jax_process|mathjax_process|math|output_area",
        "ignoreHtmlClass": "tex2jax_ignore|mathjax_ignore|document",
    },
}


def mathjax_source() -> Path:
    """Return the folder holding MathJax 3 inside ``sphinx-mathjax-offline``."""
    try:
        folder = Path(distribution(PACKAGE).locate_file(PACKAGE_FOLDER))
    except PackageNotFoundError as err:  # pragma: no cover - the requirement is pinned
        raise ExtensionError(
            f"local_mathjax needs the package {PACKAGE} (listed in requirements.txt); "
            "install it with `pip install -r requirements.txt`"
        ) from err
    if not (folder / COMPONENT).is_file():
        raise ExtensionError(f"no {COMPONENT} in {folder}; reinstall {PACKAGE}")
    return folder


def subset_files(static: Path) -> list[Path]:
    """List the files of :data:`SUBSET`, relative to ``static``."""
    files: set[Path] = set()
    for pattern in SUBSET:
        matches = [p for p in static.glob(pattern) if p.is_file()]
        if not matches:
            raise ExtensionError(f"local_mathjax: nothing in {static} matches {pattern!r}")
        files.update(p.relative_to(static) for p in matches)
    return sorted(files)


def copy_subset(static: Path, dest: Path) -> int:
    """Copy the subset into ``dest``, skipping files that are already identical."""
    copied = 0
    for rel in subset_files(static):
        src, dst = static / rel, dest / rel
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        copied += 1
    return copied


def configure(app: Sphinx, config: Any) -> None:
    """Point Sphinx's mathjax extension at the local copy, with the book's configuration."""
    config.mathjax_path = f"{TARGET}/{COMPONENT}"
    config.mathjax3_config = MATHJAX3_CONFIG
    config.mathjax2_config = None
    # MyST would overwrite the configuration's class names with its own.
    if "myst_update_mathjax" in config:
        config.myst_update_mathjax = False


#: The package ships no licence file; MathJax's terms go next to the copied files.
LICENSE_NOTICE = """MathJax 3.2.2, copied from the PyPI package sphinx-mathjax-offline 0.0.2.

Copyright (c) 2009-2022 The MathJax Consortium.
Licensed under the Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0
Source: https://github.com/mathjax/MathJax
"""


def copy_files(app: Sphinx) -> None:
    """Copy MathJax, with its licence notice, into the output folder of HTML builders."""
    if app.builder.format != "html":
        return
    static = mathjax_source()
    dest = Path(app.outdir) / "_static" / TARGET
    copied = copy_subset(static, dest)
    (dest / "LICENSE").write_text(LICENSE_NOTICE, encoding="utf-8")
    logger.info(f"local_mathjax: {copied} MathJax file(s) copied to {dest}")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.mathjax")
    # After the other extensions' config-inited handlers (MyST's among them).
    app.connect("config-inited", configure, priority=900)
    app.connect("builder-inited", copy_files)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
