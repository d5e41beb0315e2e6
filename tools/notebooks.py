#!/usr/bin/env python3
"""Keep the book's notebooks in their stored form: no outputs but the checked ones.

The notebooks in ``chapters/`` and ``exercises/`` are stored without outputs, execution
counts or editor metadata, so that diffs show only what an author changed and Binder opens
a clean notebook. The one exception is a *checked* cell, whose source has a comment line
``# NBVAL_CHECK_OUTPUT`` (or the cell tag ``nbval-check-output``): it keeps its plain-text
output (printed text, and the ``text/plain`` form of a result), which ``pytest --nbval-lax``
compares with a fresh run. Those are the numbers the text quotes.

Usage::

    python tools/notebooks.py strip   [NOTEBOOK ...]   # rewrite in stored form
    python tools/notebooks.py refresh [NOTEBOOK ...]   # execute, store checked outputs
    python tools/notebooks.py check   [NOTEBOOK ...]   # list violations, exit 1 if any

Without arguments each command works on ``chapters/*.ipynb`` and ``exercises/*.ipynb``.
``check`` also checks the repository rules: every notebook there is listed in
``_toc.yml``, and no ``.md`` file sits beside an ``.ipynb`` of the same name.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
from pathlib import Path
from typing import Iterable

import nbformat
from nbformat import NotebookNode

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("chapters", "exercises")

#: The comment that marks a checked cell, as nbval reads it, and the equivalent tag.
CHECK_MARKER = "NBVAL_CHECK_OUTPUT"
CHECK_TAG = "nbval-check-output"

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}

#: Notebook metadata kept by ``strip``. ``mystnb``, ``myst`` and ``execution`` configure
#: the book's build; ``jupytext`` (without its version-stamped ``text_representation``)
#: is what ``jupytext --to ipynb`` writes; ``language_info`` keeps only its stable keys.
#: Everything else is noise that changes with every save (widget state, editor settings).
NOTEBOOK_METADATA_KEPT = ("kernelspec", "language_info", "mystnb", "myst", "execution", "jupytext")
LANGUAGE_INFO_KEPT = ("name", "pygments_lexer")

#: Cell metadata kept by ``strip``: tags, myst-nb's figure/glue settings, and JupyterLab's
#: "source hidden" flags. Timing, "scrolled", "collapsed", Colab ids and the like go.
CELL_METADATA_KEPT = ("tags", "mystnb", "jupyter", "editable", "deletable")

#: Output MIME types kept for a checked cell: plain text, and the plain-text form that
#: myst-nb's ``glue`` stores (``application/papermill.record/text/plain``).
_TEXT_MIME = re.compile(r"^(.+/)?text/plain$")
_BASE64_IMAGE = re.compile(r"data:image/[a-z+]+;base64,|iVBORw0KGgo|/9j/4AAQ")

TIMEOUT = 120  # seconds per cell, as in _config.yml


# --------------------------------------------------------------------------- rules


def is_checked(cell: NotebookNode) -> bool:
    """Whether nbval compares this code cell's output (``--nbval-lax`` semantics)."""
    if cell.get("cell_type") != "code":
        return False
    if CHECK_TAG in (cell.get("metadata", {}).get("tags") or []):
        return True
    for line in str(cell.get("source", "")).splitlines():
        line = line.strip()
        if line.startswith("#") and line.lstrip("#").strip() == CHECK_MARKER:
            return True
    return False


def _text_output(output: NotebookNode) -> NotebookNode | None:
    """The plain-text part of one output, or None if it has none."""
    kind = output.get("output_type")
    if kind == "stream":
        return nbformat.v4.new_output("stream", name=output["name"], text=output["text"])
    if kind in ("display_data", "execute_result"):
        data = {k: v for k, v in output.get("data", {}).items() if _TEXT_MIME.match(k)}
        if not data:
            return None
        if kind == "execute_result":
            return nbformat.v4.new_output(kind, data=data, execution_count=None)
        return nbformat.v4.new_output(kind, data=data)
    return None  # errors and anything else are never stored


def strip_notebook(nb: NotebookNode) -> NotebookNode:
    """Return the stored form of ``nb`` (a new notebook; ``nb`` is not changed)."""
    nb = copy.deepcopy(nb)
    nb.nbformat, nb.nbformat_minor = 4, max(5, nb.get("nbformat_minor", 5))
    meta = {k: v for k, v in nb.metadata.items() if k in NOTEBOOK_METADATA_KEPT}
    meta["kernelspec"] = dict(KERNELSPEC)
    jupytext = {k: v for k, v in meta.pop("jupytext", {}).items() if k != "text_representation"}
    if jupytext:
        meta["jupytext"] = jupytext
    info = {k: v for k, v in meta.pop("language_info", {}).items() if k in LANGUAGE_INFO_KEPT}
    if info:
        meta["language_info"] = info
    nb.metadata = nbformat.from_dict(meta)
    ids: set[str] = set()
    ordinal = 0
    for index, cell in enumerate(nb.cells):
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.get("metadata", {}).items() if k in CELL_METADATA_KEPT}
        )
        if not cell.get("id") or cell["id"] in ids:
            cell["id"] = f"cell-{index}"
        ids.add(cell["id"])
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        ordinal += 1
        outputs = []
        if is_checked(cell):
            outputs = [o for o in map(_text_output, cell.get("outputs", [])) if o is not None]
        # nbval compares only cells that have an execution count: a checked cell with
        # outputs keeps one (its position among the code cells, as a fresh run gives).
        count = ordinal if outputs else None
        for output in outputs:
            if output.output_type == "execute_result":
                output.execution_count = count
        cell.outputs = outputs
        cell.execution_count = count
    return nb


def notebook_violations(nb: NotebookNode, name: str = "notebook") -> list[str]:
    """Every way in which ``nb`` breaks the storage rules, as readable messages."""
    problems: list[str] = []
    if nb.get("nbformat") != 4:
        return [f"{name}: nbformat {nb.get('nbformat')}, expected 4"]
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        problems.append(f"{name}: not a valid nbformat 4 notebook: {err.message}")
    spec = nb.get("metadata", {}).get("kernelspec", {})
    if spec.get("name") != "python3" or spec.get("language", "python") != "python":
        problems.append(f"{name}: kernelspec {spec.get('name')!r}, expected 'python3'")
    ordinal = 0
    for index, cell in enumerate(nb.get("cells", [])):
        where = f"{name}: cell {index}"
        for key, value in (cell.get("attachments") or {}).items():
            problems.append(f"{where}: attachment {key!r} (images belong in files, not in notebooks)")
        if cell.get("cell_type") != "code":
            if _BASE64_IMAGE.search(str(cell.get("source", ""))):
                problems.append(f"{where}: base64 image in the text")
            continue
        ordinal += 1
        outputs = cell.get("outputs", [])
        checked = is_checked(cell)
        for output in outputs:
            data = output.get("data", {})
            images = [k for k in data if k.startswith("image/")]
            if images or _BASE64_IMAGE.search(json.dumps(data)):
                problems.append(f"{where}: image output ({', '.join(images) or 'base64'})")
        if outputs and not checked:
            problems.append(
                f"{where}: has outputs but is not a checked cell (# {CHECK_MARKER}); "
                "run `python tools/notebooks.py strip`"
            )
        if checked and not outputs:
            problems.append(
                f"{where}: checked cell (# {CHECK_MARKER}) without a stored output, so nbval "
                "checks nothing; run `python tools/notebooks.py refresh`"
            )
        count = cell.get("execution_count")
        if count is not None and not (checked and outputs):
            problems.append(f"{where}: execution count {count} (only checked cells keep one)")
        if checked and outputs and count is None:
            problems.append(f"{where}: checked cell with outputs but no execution count")
    if not problems and strip_notebook(nb) != nb:
        problems.append(
            f"{name}: not in stored form (editor metadata, rich outputs or ids); "
            "run `python tools/notebooks.py strip`"
        )
    return problems


def toc_files(root: Path = ROOT) -> list[str]:
    """Paths (without suffix) of every page listed in ``_toc.yml``, root first."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: Iterable[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(list(toc.get("parts", [])) + list(toc.get("chapters", [])))
    return [str(Path(f).with_suffix("")) if f.endswith((".md", ".ipynb")) else f for f in files]


def repository_violations(root: Path = ROOT) -> list[str]:
    """The rules about files rather than contents: toc membership and name clashes."""
    problems: list[str] = []
    listed = set(toc_files(root))
    for path in notebook_paths(root):
        stem = path.relative_to(root).with_suffix("").as_posix()
        if stem not in listed:
            problems.append(f"{path.relative_to(root)}: not listed in _toc.yml")
    for notebook in root.glob("**/*.ipynb"):
        rel = notebook.relative_to(root)
        if rel.parts[0] in ("_build", ".venv") or ".ipynb_checkpoints" in rel.parts:
            continue
        if notebook.with_suffix(".md").exists():
            problems.append(
                f"{rel.with_suffix('.md')}: beside {rel.name}; the build would see both "
                "(convert with jupytext, then delete the .md)"
            )
    for stem in sorted(listed):
        found = [s for s in (".md", ".ipynb") if (root / f"{stem}{s}").exists()]
        if not found:
            problems.append(f"_toc.yml lists {stem}, which is neither {stem}.md nor {stem}.ipynb")
    return problems


def notebook_paths(root: Path = ROOT) -> list[Path]:
    return sorted(p for d in NOTEBOOK_DIRS for p in (root / d).glob("*.ipynb"))


# --------------------------------------------------------------------------- actions


def read(path: Path) -> NotebookNode:
    return nbformat.read(str(path), as_version=nbformat.NO_CONVERT)


def write_if_changed(path: Path, nb: NotebookNode) -> bool:
    text = nbformat.writes(nb) + "\n"
    if path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def execute(nb: NotebookNode, cwd: Path, timeout: int = TIMEOUT) -> NotebookNode:
    """Run ``nb`` top to bottom with a kernel of this Python environment."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    class ThisEnvironment(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):  # noqa: ANN001
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES,
                **ipykernel.kernelspec.get_kernel_dict(),
            )

    nb = copy.deepcopy(nb)
    os.environ.setdefault("INITLAB_SHOW_ALL", "1")  # open the prediction gates (initlab.course)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=ThisEnvironment())
    NotebookClient(nb, km=km, timeout=timeout, resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _targets(paths: list[str]) -> list[Path]:
    return [Path(p).resolve() for p in paths] if paths else notebook_paths()


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def cmd_strip(paths: list[str]) -> int:
    for path in _targets(paths):
        if write_if_changed(path, strip_notebook(read(path))):
            print(f"stripped {_rel(path)}")
    return 0


def cmd_refresh(paths: list[str]) -> int:
    failed = 0
    for path in _targets(paths):
        print(f"executing {_rel(path)} ...", flush=True)
        try:
            executed = execute(read(path), cwd=path.parent)
        except Exception as err:  # noqa: BLE001 - report and go on with the others
            print(f"FAILED {_rel(path)}: {type(err).__name__}: {err}", file=sys.stderr)
            failed += 1
            continue
        if write_if_changed(path, strip_notebook(executed)):
            print(f"updated checked outputs of {_rel(path)}")
    return 1 if failed else 0


def cmd_check(paths: list[str]) -> int:
    problems = []
    for path in _targets(paths):
        try:
            nb = read(path)
        except Exception as err:  # noqa: BLE001 - an unreadable file is a violation
            problems.append(f"{_rel(path)}: cannot be read as a notebook: {err}")
            continue
        problems += notebook_violations(nb, _rel(path))
    if not paths:
        problems += repository_violations()
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} violation(s) of the notebook storage rules (CONTRIBUTING.md)")
        return 1
    print("notebooks: stored form OK")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in [
        ("strip", "remove outputs, counts and editor metadata (checked outputs stay)"),
        ("refresh", "execute and store the outputs of checked cells"),
        ("check", "list violations of the storage rules; exit 1 if any"),
    ]:
        sub.add_parser(name, help=text).add_argument("notebooks", nargs="*")
    args = parser.parse_args(argv)
    return {"strip": cmd_strip, "refresh": cmd_refresh, "check": cmd_check}[args.command](
        args.notebooks
    )


if __name__ == "__main__":
    sys.exit(main())
