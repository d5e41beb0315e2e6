"""Serve MathJax 2.7 from the built site, so that mathematics renders offline.

Sphinx loads MathJax 3 from a CDN by default. This extension copies the part of MathJax
2.7 that the book needs from the PyPI package ``jupyter-server-mathjax`` (the copy that
Jupyter itself serves) into ``<outdir>/_static/mathjax/`` and points ``mathjax_path``
there, with a MathJax 2 configuration that typesets what Sphinx writes for math:
``\\(..\\)`` inside ``<span class="math">`` and ``\\[..\\]`` inside ``<div class="math">``
(MyST's ``$..$``, ``$$..$$`` and ``amsmath`` blocks all end up as those).

What is copied (about 2 MB of the package's 12 MB), see :data:`SUBSET`:

* ``MathJax.js``, the loader, and ``config/TeX-AMS-MML_HTMLorMML-full.js``, one file that
  holds the TeX input, the HTML-CSS output and the usual extensions (the package ships
  the HTML-CSS output only inside this file, and no CommonHTML output);
* what that configuration loads on demand: the MathML operator tables, the HTML-CSS
  autoload modules, the STIX-Web font metrics and ``woff`` fonts, the TeX extensions
  (``\\boldsymbol``, ``\\cancel``, ...) and the accessibility menu.

MathJax in English needs no localization files; the menu's other languages are left out.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Folder inside ``_static`` that receives the MathJax files.
TARGET = "mathjax"

#: Files copied, as glob patterns relative to the package's ``static`` folder.
SUBSET = (
    "LICENSE",
    "MathJax.js",
    # One file with the TeX input, the HTML-CSS output and the usual extensions.
    "config/TeX-AMS-MML_HTMLorMML-full.js",
    # Loaded on demand: operator tables, HTML-CSS pieces, fonts, TeX macros.
    "jax/element/mml/optable/*.js",
    "jax/output/HTML-CSS/autoload/*.js",
    "jax/output/HTML-CSS/fonts/STIX-Web/**/*.js",
    "fonts/HTML-CSS/STIX-Web/woff/*.woff",
    "extensions/HTML-CSS/handle-floats.js",
    "extensions/TeX/*.js",
    "extensions/a11y/accessibility-menu.js",
)

#: The six @font-face rules of the NativeMML output, pointed at local fonts only.
NATIVE_MML_FONTS = {
    f"@font-face /*{i}*/": {"src": f"local('{family}')"}
    for i, family in enumerate(
        ["MathJax_Caligraphic", "MathJax_Caligraphic", "MathJax_AMS", "MathJax_Script",
         "MathJax_Fraktur", "MathJax_Fraktur"],
        start=1,
    )
}

#: MathJax 2 configuration (``MathJax.Hub.Config``). Only elements with the classes
#: Sphinx and myst-nb give to mathematics are searched, so a ``$`` in prose or in code
#: is never typeset.
MATHJAX2_CONFIG: dict[str, Any] = {
    "config": ["TeX-AMS-MML_HTMLorMML-full.js"],
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": False,
        "processEnvironments": True,
        "processRefs": False,
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
        "ignoreClass": "tex2jax_ignore|mathjax_ignore|document",
    },
    # An undefined macro is an error (shown as the TeX source, class "noError", which
    # the site tests look for) rather than red text.
    "TeX": {"equationNumbers": {"autoNumber": "none"}, "noUndefined": {"disabled": True}},
    "HTML-CSS": {
        "availableFonts": [],
        "preferredFont": None,
        "webFont": "STIX-Web",
        "imageFont": None,
        "linebreaks": {"automatic": True},
        # MathJax declares a blank test font at url('about:blank'), which Chromium
        # refuses with a console error; a local() source does the same job quietly.
        "styles": {"@font-face": {"font-family": "MathJax_Blank", "src": "local('MathJax_Blank')"}},
    },
    # The hidden MathML that AssistiveMML adds for screen readers is styled by the
    # NativeMML output, whose fonts for \mathbb, \mathcal, \mathscr and \mathfrak
    # are TeX fonts this package does not ship: use them only if installed locally.
    "NativeMML": {"styles": NATIVE_MML_FONTS},
    "MMLorHTML": {"prefer": "HTML"},
    "messageStyle": "none",
    "showProcessingMessages": False,
}


def mathjax_source() -> Path:
    """Return the folder holding MathJax 2.7 inside ``jupyter_server_mathjax``."""
    try:
        import jupyter_server_mathjax
    except ImportError as err:  # pragma: no cover - the requirement is pinned
        raise ExtensionError(
            "local_mathjax needs the package jupyter-server-mathjax "
            "(listed in requirements.txt); install it with "
            "`pip install -r requirements.txt`"
        ) from err
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (static / "MathJax.js").is_file():
        raise ExtensionError(f"no MathJax.js in {static}; reinstall jupyter-server-mathjax")
    return static


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
    """Point Sphinx's mathjax extension at the local copy, with a MathJax 2 config."""
    config.mathjax_path = f"{TARGET}/MathJax.js"
    config.mathjax2_config = MATHJAX2_CONFIG
    # A MathJax 3 configuration would make Sphinx write `window.MathJax = {...}`;
    # MyST adds one unless told not to.
    config.mathjax3_config = None
    if "myst_update_mathjax" in config:
        config.myst_update_mathjax = False


def copy_files(app: Sphinx) -> None:
    """Copy MathJax into the output folder of HTML builders."""
    if app.builder.format != "html":
        return
    static = mathjax_source()
    dest = Path(app.outdir) / "_static" / TARGET
    copied = copy_subset(static, dest)
    logger.info(f"local_mathjax: {copied} MathJax file(s) copied to {dest}")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.mathjax")
    # After the other extensions' config-inited handlers (MyST's among them).
    app.connect("config-inited", configure, priority=900)
    app.connect("builder-inited", copy_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
