"""Make notebooks read cleanly in JupyterLab (jupyterlab-myst) and Colab, outside the build.

In the built site, Sphinx resolves the book's cross-references and myst-nb fills in the
glued numbers. In JupyterLab each notebook is rendered alone: a reference to another page
shows its bare label with a "Cross Reference Not Found" mark, and ``{glue:text}`key```
shows the key. This module rewrites the Markdown of a notebook so that it needs neither:

* ``{glue:text}`name:fmt``` becomes the value the notebook glued under ``name``,
  formatted with ``fmt`` (the values come from the build's notebook cache, or from running
  the notebook once when the cache has no record of it);
* ``{ref}``, ``{numref}``, ``{prf:ref}``, ``{eq}`` become ordinary Markdown links, with
  the text the built site shows ("Theorem 3.2", "Fig. 8.1", a chapter's title, or the
  text written in the role) and a relative link to the notebook or page;
* ``{cite}`` and ``{cite:t}`` become "(Glorot and Bengio, 2010)" and "Glorot and Bengio
  (2010)", from ``references.bib``.

``tools/student_edition.py branch`` applies it to the student notebooks, which are the ones
students open in Jupyter. It needs the teacher's site (``make book``): the link texts are
read from its pages.
"""

from __future__ import annotations

import ast
import html
import os
import posixpath
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GLUE_ROLE = re.compile(r"\{glue:text\}`([^`:]+)(?::([^`]*))?`")
REF_ROLE = re.compile(r"\{(ref|numref|prf:ref|eq)\}`([^`]*)`")
CITE_ROLE = re.compile(r"\{cite(:t|:p)?\}`([^`]*)`")
_LINK = re.compile(r'<a class="reference internal" href="([^"#]*)#([^"]+)"[^>]*>(.*?)</a>', re.S)


# --- glued values ---------------------------------------------------------------------

def glued_values(nb, folder: Path, cache_path: Path = ROOT / "_build" / ".jupyter_cache") -> dict[str, str]:
    """{name: text/plain of the glued value} of one notebook (an nbformat NotebookNode),
    from the build's cache, or by executing it in ``folder`` when the cache has no record."""
    executed = None
    if cache_path.exists():
        from jupyter_cache import get_cache

        try:
            _, executed = get_cache(str(cache_path)).merge_match_into_notebook(nb)
        except KeyError:
            executed = None
    if executed is None:
        import copy

        from nbclient import NotebookClient

        executed = copy.deepcopy(nb)
        os.environ.setdefault("INITLAB_SHOW_ALL", "1")
        NotebookClient(executed, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    values = {}
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            book = out.get("metadata", {}).get("scrapbook")
            if book:
                key = book.get("mime_prefix", "") + "text/plain"
                if key in out.get("data", {}):
                    values[book["name"]] = out["data"][key]
    return values


def format_glued(text: str, spec: str | None) -> str:
    """The text myst-nb's ``{glue:text}`` shows: the plain-text value, formatted with
    ``spec`` when given (the value is read back as a Python literal)."""
    if not spec:
        return text.strip("'\"") if text[:1] in "'\"" else text
    value = ast.literal_eval(text)
    return format(value, spec)


# --- references -------------------------------------------------------------------------

def link_texts(site: Path) -> dict[str, tuple[str, str]]:
    """{label: (page path without suffix, the link text the site shows)} from every page
    of the built site (the most common text when a label is shown in several ways)."""
    seen: dict[str, Counter] = {}
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(("_", "genindex", "search")):
            continue
        for href, label, inner in _LINK.findall(page.read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href)) if href else rel
            text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())
            # Equations are linked as #equation-<label> (shown as "(9.3)").
            label = label.removeprefix("equation-")
            seen.setdefault(label, Counter())[(target.removesuffix(".html"), text)] += 1
    return {label: counts.most_common(1)[0][0] for label, counts in seen.items()}


def _suffix(doc: str, root: Path) -> str:
    for ext in (".ipynb", ".md"):
        if (root / (doc + ext)).exists():
            return doc + ext
    raise KeyError(f"no notebook or page for {doc!r}")


def replace_refs(text: str, here: str, links: dict, root: Path) -> str:
    """Rewrite the reference roles of ``text`` (in the page ``here``, e.g.
    ``"exercises/01_zero_and_symmetry"``) as Markdown links."""
    def one(match):
        role, body = match.groups()
        explicit = re.fullmatch(r"(.*?)\s*<([^>]+)>", body, re.S)
        label = explicit.group(2) if explicit else body
        if label not in links:
            raise KeyError(f"{here}: {{{role}}}`{body}`: the built site has no link to {label!r}")
        doc, shown = links[label]
        if explicit:
            shown = explicit.group(1)
        if role == "eq" and not shown.startswith("("):
            shown = f"({shown})"
        target = posixpath.relpath(_suffix(doc, root), posixpath.dirname(here) or ".")
        if doc == here:
            return f"[{shown}](#{label})"
        return f"[{shown}]({target}#{label})"
    return REF_ROLE.sub(one, text)


# --- citations --------------------------------------------------------------------------

def _authors(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [" ".join(p.last_names) for p in people]
    last = [re.sub(r"[{}]", "", n) for n in last]
    if not last:
        title = entry.fields.get("title", "?")
        return re.sub(r"[{}]", "", title)
    if len(last) == 1:
        return last[0]
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return f"{last[0]} et al."


def citation_texts(bib: Path = ROOT / "references.bib") -> dict[str, tuple[str, str]]:
    """{key: (authors, year)} of every entry of the bibliography."""
    from pybtex.database import parse_file

    data = parse_file(str(bib))
    return {key: (_authors(e), e.fields.get("year", "n.d.")) for key, e in data.entries.items()}


def replace_cites(text: str, cites: dict) -> str:
    def one(match):
        kind, keys = match.groups()
        parts = []
        for key in (k.strip() for k in keys.split(",")):
            if key not in cites:
                raise KeyError(f"{{cite}}`{key}`: not in references.bib")
            who, year = cites[key]
            parts.append(f"{who} ({year})" if kind == ":t" else f"{who}, {year}")
        return "; ".join(parts) if kind == ":t" else "(" + "; ".join(parts) + ")"
    return CITE_ROLE.sub(one, text)


# --- one notebook ----------------------------------------------------------------------

def for_jupyter(nb, here: str, root: Path, links: dict, cites: dict, values: dict) -> None:
    """Rewrite the Markdown cells of ``nb`` (in place) for JupyterLab and Colab."""
    def glue(match):
        name, spec = match.groups()
        if name not in values:
            raise KeyError(f"{here}: {{glue:text}}`{name}` is not glued by the notebook")
        return format_glued(values[name], spec)

    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = GLUE_ROLE.sub(glue, cell.source)
        text = replace_refs(text, here, links, root)
        cell.source = replace_cites(text, cites)
