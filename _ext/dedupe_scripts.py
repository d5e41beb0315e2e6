"""Drop duplicate inline ``<script>`` blocks from the pages.

Sphinx 7.4 lists a script that an extension adds with ``app.add_js_file(None, body=...)``
after the builder started twice: once as added, and once more when the builder copies
the registry before writing (``None`` and ``''`` compare unequal). sphinx-thebe's
``const THEBE_JS_URL = ...`` then runs twice, and the browser reports
"Identifier 'THEBE_JS_URL' has already been declared" on every page. This extension
removes the second copy from each page's script list.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _key(script: Any) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (filename, tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # the builder restores its own list after each page


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", dedupe, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
