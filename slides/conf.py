"""Sphinx configuration of the projector slides (reveal.js, through sphinx-revealjs).

One deck per class session of ``teaching/instructors.md``: its derivations, step by step,
and its prediction and discussion questions. Built by ``make book`` into
``_build/html/slides/`` (``sphinx-build -b revealjs slides _build/html/slides``), so that the
teachers' page links to them; reveal.js ships with sphinx-revealjs, and mathematics is
typeset by the book's own local MathJax 3 (``_ext/local_mathjax.py``), so the slides work
offline on a classroom projector. ``tests/test_slides.py`` checks that every displayed
formula on a slide is one that a chapter states (and checks by a cell next to it).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

project = "Initialization: class slides"
author = "The Initialization authors"
copyright = "2026, the Initialization authors"
extensions = ["myst_parser", "sphinx_revealjs", "local_mathjax"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "basic"
html_static_path = ["_static"]
html_copy_source = False

revealjs_style_theme = "white"
revealjs_static_path = ["_static"]
revealjs_css_files = ["slides.css"]
revealjs_script_conf = {
    "controls": True,
    "progress": True,
    "hash": True,
    "center": False,
    "transition": "none",
    "width": 1280,
    "height": 800,
}
revealjs_script_plugins = [{"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"}]


def _prune_revealjs(app, exception):
    """Leave out of the built slides what reveal.js ships but the decks never load (source
    maps, Sass sources, ES-module builds, the code-highlighting and Markdown plugins): about
    4 MB of the 5.5 MB, which would otherwise be copied into the website."""
    import shutil

    if exception is not None or app.builder.name != "revealjs":
        return
    base = Path(app.outdir) / "_static" / "revealjs"
    for pattern in ("**/*.map", "**/*.scss", "**/*.esm.js", "css", "plugin/highlight", "plugin/markdown"):
        for path in sorted(base.glob(pattern), reverse=True):
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


def setup(app):
    app.connect("build-finished", _prune_revealjs)
