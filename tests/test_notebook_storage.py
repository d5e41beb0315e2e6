"""The storage rules for notebooks (CONTRIBUTING.md, "Notebooks"), on every notebook.

A notebook is stored as nbformat 4 with kernel ``python3``, without outputs, images or
execution counts, except the plain-text outputs of checked cells (``# NBVAL_CHECK_OUTPUT``),
which nbval compares with a fresh run. Every notebook in chapters/ and exercises/ is in
the table of contents, and no ``.md`` shares a name with an ``.ipynb``.
``python tools/notebooks.py strip`` / ``refresh`` put a notebook right.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

_spec = importlib.util.spec_from_file_location("book_notebooks", ROOT / "tools" / "notebooks.py")
notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(notebooks)


def _all_notebooks() -> list[Path]:
    """Every notebook in the work tree, outside build and environment folders."""
    found = []
    for path in sorted(ROOT.glob("**/*.ipynb")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("_build", ".venv", "build") or any(
            part.startswith(".") for part in rel.parts
        ):
            continue
        found.append(path)
    return found


NOTEBOOKS = _all_notebooks()


def test_there_are_notebooks_to_check():
    assert notebooks.notebook_paths(ROOT), "no notebooks in chapters/ or exercises/"
    assert set(notebooks.notebook_paths(ROOT)) <= set(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_is_in_stored_form(path: Path):
    nb = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    problems = notebooks.notebook_violations(nb, str(path.relative_to(ROOT)))
    assert problems == [], "\n".join(problems)


def test_repository_rules_hold():
    """Every chapter/exercise notebook is in _toc.yml; every toc entry exists; no .md twins."""
    problems = notebooks.repository_violations(ROOT)
    assert problems == [], "\n".join(problems)


def test_notebooks_outside_the_book_folders_are_in_the_toc_too():
    listed = set(notebooks.toc_files(ROOT))
    strays = [
        str(p.relative_to(ROOT))
        for p in NOTEBOOKS
        if p.relative_to(ROOT).with_suffix("").as_posix() not in listed
    ]
    assert strays == [], f"notebooks not in _toc.yml: {strays}"


# ----------------------------------------------------------------------------------
# The checker itself: it must find each kind of violation, and strip must repair them.


def _bad_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "R", "language": "R", "name": "ir"},
        "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
        "language_info": {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"},
    }
    plain = nbformat.v4.new_code_cell("x = 1\nx", execution_count=3)
    plain.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=3)
    ]
    figure = nbformat.v4.new_code_cell("plot()", execution_count=4)
    figure.metadata = {"scrolled": True, "tags": ["remove-input"], "ExecuteTime": {"end": 1}}
    figure.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAE=", "text/plain": "<Figure>"},
        )
    ]
    checked = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(2)", execution_count=5)
    checked.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="2\n"),
        nbformat.v4.new_output(
            "display_data", data={"text/html": "<b>2</b>", "text/plain": "2"}
        ),
    ]
    unrefreshed = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(3)")
    text = nbformat.v4.new_markdown_cell("![x](data:image/png;base64,iVBORw0KGgo=)")
    nb.cells = [plain, figure, checked, unrefreshed, text]
    return nb


def test_checker_finds_every_kind_of_violation():
    problems = "\n".join(notebooks.notebook_violations(_bad_notebook(), "bad"))
    assert "kernelspec 'ir'" in problems
    assert "cell 0: has outputs but is not a checked cell" in problems
    assert "cell 0: execution count 3" in problems
    assert "cell 1: image output (image/png)" in problems
    assert "cell 3: checked cell (# NBVAL_CHECK_OUTPUT) without a stored output" in problems
    assert "cell 4: base64 image in the text" in problems


def test_checker_finds_editor_metadata():
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(notebooks.KERNELSPEC), "widgets": {"state": {}}}
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"collapsed": False})]
    assert nb != notebooks.strip_notebook(nb)
    assert any("not in stored form" in p for p in notebooks.notebook_violations(nb, "nb"))


def test_strip_repairs_everything_but_content():
    stripped = notebooks.strip_notebook(_bad_notebook())
    problems = notebooks.notebook_violations(stripped, "stripped")
    # What remains is content an author must fix: strip cannot invent the output of a
    # checked cell that never ran, nor move an image out of the text.
    assert len(problems) == 2, problems
    assert "cell 3: checked cell" in problems[0] and "cell 4: base64 image" in problems[1]
    plain, figure, checked, _, _ = stripped.cells
    assert plain.outputs == [] and plain.execution_count is None
    assert figure.outputs == [] and figure.metadata == {"tags": ["remove-input"]}
    assert stripped.metadata.kernelspec.name == "python3"
    assert "widgets" not in stripped.metadata
    assert stripped.metadata.language_info == {"name": "python", "pygments_lexer": "ipython3"}
    # The checked cell keeps its text, without the HTML, and the count nbval needs.
    assert checked.execution_count == 3
    assert [o.output_type for o in checked.outputs] == ["stream", "display_data"]
    assert checked.outputs[1].data == {"text/plain": "2"}
    nbformat.validate(stripped)
    assert notebooks.strip_notebook(stripped) == stripped  # idempotent


def test_checked_cells_follow_nbval():
    """The marker is read as nbval reads it: a comment line, or the cell tag."""
    cell = nbformat.v4.new_code_cell
    assert notebooks.is_checked(cell("#  NBVAL_CHECK_OUTPUT\nprint(1)"))
    assert notebooks.is_checked(cell("print(1)", metadata={"tags": ["nbval-check-output"]}))
    assert not notebooks.is_checked(cell("print('# NBVAL_CHECK_OUTPUT')"))
    assert not notebooks.is_checked(cell("# NBVAL_CHECK_OUTPUT is what we do not use"))
    assert not notebooks.is_checked(nbformat.v4.new_markdown_cell("# NBVAL_CHECK_OUTPUT"))


def test_repository_rules_catch_strays(tmp_path: Path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "exercises").mkdir()
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/a\n  - file: chapters/gone\n"
    )
    (tmp_path / "intro.md").write_text("# Intro\n")
    empty = nbformat.writes(nbformat.v4.new_notebook())
    for name in ("chapters/a.ipynb", "chapters/a.md", "exercises/b.ipynb"):
        (tmp_path / name).write_text(empty)
    problems = "\n".join(notebooks.repository_violations(tmp_path))
    assert "exercises/b.ipynb: not listed in _toc.yml" in problems
    assert "chapters/a.md: beside a.ipynb" in problems
    assert "_toc.yml lists chapters/gone" in problems


#: A line of a code cell that only hands a number to the text (glue), or closes such a call.
_GLUE_LINE = r"\s*(?:[A-Za-z_][\w.]*\.)?glue\(|\s*[)\]}]+,?\s*$|\s*#"


def _is_glue_only(source: str) -> bool:
    import re

    lines = [line for line in source.splitlines() if line.strip()]
    return bool(lines) and any("glue(" in line for line in lines) and all(
        re.match(_GLUE_LINE, line) or line.startswith((" ", "\t")) for line in lines
    )


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.parts[-2] in ("chapters", "exercises")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_glue_only_cells_are_kept_off_the_page(path: Path):
    """A cell that only glues numbers into the text is plumbing: the page does not show it
    (tag ``remove-cell``); the notebook keeps it, and it runs as before."""
    nb = nbformat.read(path, as_version=4)
    shown = [
        cell.source.splitlines()[0]
        for cell in nb.cells
        if cell.cell_type == "code" and _is_glue_only(cell.source)
        and not {"remove-cell", "remove-input"} & set(cell.metadata.get("tags", []))
    ]
    assert shown == [], f"glue-only cells shown to readers: {shown}"


def test_the_glue_only_rule_can_tell_plumbing_from_work():
    assert _is_glue_only('glue("a", 1.0, display=False)\nglue("b", f(x),\n     display=False)\n')
    assert not _is_glue_only('x = run()\nglue("a", x, display=False)')
    assert not _is_glue_only("print(1)")
