"""Keep the tests' markers out of the code a reader sees on the website.

A code cell whose printed output the tests compare starts with the comment
``# NBVAL_CHECK_OUTPUT`` (nbval's marker, see CONTRIBUTING.md). It means nothing to a reader,
so this extension removes that line from the code blocks of the built pages; the notebooks
keep it, for the tests and for JupyterLab. ``tests/site/test_pages.py`` checks that no page
shows it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: The markers removed from displayed code (whole lines).
MARKERS = ("# NBVAL_CHECK_OUTPUT",)


def strip_markers(text: str) -> str:
    """``text`` without its marker lines.

    >>> strip_markers("# NBVAL_CHECK_OUTPUT\\n# Check the table\\nprint(1)")
    '# Check the table\\nprint(1)'
    """
    return "\n".join(line for line in text.split("\n") if line.strip() not in MARKERS)


def _remove_markers(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if not any(marker in text for marker in MARKERS):
            continue
        new = strip_markers(text)
        block.children = [nodes.Text(new)]
        block.rawsource = new


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-resolved", _remove_markers)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
