#!/usr/bin/env python3
"""Generate the student edition of the book from the one source: a tree, a site and a branch.

The teacher's edition is the repository as it is. The student edition is generated from it,
never kept by hand, and contains no solution anywhere:

* **the tree** ``_build/student/src``: the files git tracks, without what is only for
  teachers or developers (``teaching/``, ``tests/``, ``tools/``, ``benchmarks/``, the
  Makefile, ``.ci/``, the developer docs) and without the reference solutions
  ``code/initlab/solutions/``, so that the package installed from it (``pip install -e .``,
  as Binder does) cannot import them. In the exercise notebooks every ``{solution}``
  block is removed (and a cell left empty by it), and the sentence that says the solutions
  are folded is replaced by one that says where they are. Blocks of class ``teacher-only``
  (an admonition in ``intro.md``) are removed. ``_toc.yml`` loses the part "For teachers";
  ``_config.yml`` points the repository links and launch buttons at the student branch and
  shows a banner;
* **the site** ``_build/student/html``, built from the tree (``make book-student``), so its
  page sources, notebook downloads and search index come from the stripped notebooks;
* **the branch** (``make student-branch``): the tree, its notebooks rewritten to read
  cleanly in JupyterLab and Colab (glued numbers filled in, cross-references as links,
  citations as text: ``tools/jupyter_edition.py``), committed to the local branch
  ``student`` (``--branch`` to rename it), for the teacher to push
  (``git push origin student``). The student site's Binder, Colab and JupyterHub buttons
  and its nbgitpuller links open the notebooks of that branch.

``tests/test_student_edition.py`` checks that no solution text or code reaches the tree,
the site or the branch.

Usage: ``python tools/student_edition.py [tree|site|branch] [--branch NAME]`` (default
``site``, which writes the tree first; ``branch`` writes the tree and commits it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "student"
TREE = OUT / "src"
BRANCH = "student"
BANNER = "Student edition: the solutions to the exercises are not included."

#: The sentence every exercise page has about its folded solutions, and what the student
#: edition says instead.
SOLUTIONS_SENTENCE = "The solution of each exercise is folded under it: open it only after you have tried."
STUDENT_SENTENCE = ("This is the student edition: it has no solutions. Your teacher has them, "
                    "and goes through them with you after you have tried.")

#: Top-level paths (or prefixes) of the repository that the student edition leaves out.
LEFT_OUT = ("teaching/", "tests/", "tools/", "benchmarks/", "docs/", ".ci/", "Makefile",
            "conftest.py", "requirements-dev.txt", "CONTRIBUTING.md", "code/initlab/solutions/")
#: The tag of code cells that exist only for the solutions (the student edition drops them).
TEACHER_TAG = "teacher-only"
#: The caption of the table-of-contents part for teachers.
TEACHER_PART = "For teachers"

_FENCE = r"(?P<f>`{3,}|:{3,})"
#: A ```{solution} ...``` (or :::{solution}) block, up to the line that closes its fence.
SOLUTION_BLOCK = re.compile(_FENCE + r"\{solution\}[^\n]*\n.*?^(?P=f)[ \t]*(?:\n|\Z)", re.S | re.M)
#: A block (any directive) with the option ``:class: teacher-only``.
TEACHER_BLOCK = re.compile(_FENCE + r"\{[a-z-]+\}[^\n]*\n(?::[a-z-]+:[^\n]*\n)*?:class:[^\n]*\bteacher-only\b[^\n]*\n"
                           r".*?^(?P=f)[ \t]*(?:\n|\Z)", re.S | re.M)


def strip_markdown(text: str) -> str:
    """Remove solution and teacher-only blocks from MyST text; swap the solutions sentence."""
    text = SOLUTION_BLOCK.sub("", text)
    text = TEACHER_BLOCK.sub("", text)
    text = text.replace(SOLUTIONS_SENTENCE, STUDENT_SENTENCE)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + ("\n" if text.endswith("\n") else "")


def strip_notebook(nb: dict) -> dict:
    """The student version of a notebook (a dict in nbformat 4's JSON form): markdown cells
    stripped by :func:`strip_markdown`, cells left empty dropped, code cells tagged
    ``teacher-only`` (those that compute the numbers a solution quotes) dropped, outputs kept
    as they are (the repository stores only checked outputs; exercises have none)."""
    cells = []
    for cell in nb["cells"]:
        if TEACHER_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell["cell_type"] == "markdown":
            source = strip_markdown("".join(cell["source"]))
            if not source.strip():
                continue
            cell = {**cell, "source": source.splitlines(keepends=True)}
        cells.append(cell)
    return {**nb, "cells": cells}


def student_toc(toc: dict) -> dict:
    """``_toc.yml`` without the part for teachers."""
    parts = [p for p in toc.get("parts", []) if p.get("caption") != TEACHER_PART]
    return {**toc, "parts": parts}


def student_config(config: dict, branch: str = BRANCH, cache: Path | None = None) -> dict:
    """``_config.yml`` of the student edition: solutions hidden (a second guard), a banner,
    the repository links and launch buttons on the student branch, and the main build's
    notebook cache (the code cells are the same, so nothing runs twice)."""
    config = json.loads(json.dumps(config))  # a deep copy
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    config.setdefault("html", {})["announcement"] = BANNER
    config.setdefault("repository", {})["branch"] = branch
    config["title"] = f"{config.get('title', 'Initialization')} (student edition)"
    if cache is not None:
        config.setdefault("execute", {})["cache"] = str(cache)
    return config


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [f for f in out.stdout.decode().split("\0") if f]


def left_out(path: str) -> bool:
    return any(path == p or path.startswith(p) for p in LEFT_OUT)


STUDENT_README = """# Initialization: student edition

This branch is the student edition of the open textbook *Initialization*: the chapters and
the exercise notebooks, without the solutions and without the teaching material. It is
generated from the book's main branch by `tools/student_edition.py` (commit {commit});
do not edit it by hand, regenerate it.

Open the notebooks with the launch buttons of the student site, or install the package
and open them in Jupyter:

```bash
python -m pip install -r requirements.txt
jupyter lab
```
"""


def write_tree(dest: Path = TREE, branch: str = BRANCH) -> Path:
    """Write the student tree into ``dest`` (emptied first). Returns ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for rel in tracked_files():
        if left_out(rel) or rel in ("_toc.yml", "_config.yml", "README.md"):
            continue
        src, out = ROOT / rel, dest / rel
        if not src.exists():  # deleted in the work tree, not yet committed
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        if rel.endswith(".ipynb"):
            nb = json.loads(src.read_text(encoding="utf-8"))
            out.write_text(json.dumps(strip_notebook(nb), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        elif rel.endswith(".md"):
            out.write_text(strip_markdown(src.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copy2(src, out)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    (dest / "_toc.yml").write_text(yaml.safe_dump(student_toc(toc), sort_keys=False), encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config = student_config(config, branch, cache=ROOT / "_build" / ".jupyter_cache")
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    (dest / "README.md").write_text(STUDENT_README.format(commit=commit or "unknown"), encoding="utf-8")
    return dest


def build_site(tree: Path = TREE, output: Path = OUT / "html") -> Path:
    """Build the student site from the tree (warnings are errors, as in ``make book``)."""
    from jupyter_book.cli.main import builder_specific_actions
    from jupyter_book.sphinx import build_sphinx

    if output.exists():
        shutil.rmtree(output)
    result = build_sphinx(
        tree,
        output,
        use_external_toc=True,
        noconfig=True,
        path_config=str(tree / "_config.yml"),
        confoverrides={
            "external_toc_path": (tree / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
        },
        builder="html",
        warningiserror=True,
        keep_going=True,
    )
    builder_specific_actions(result, "html", output, "book", print_func=print)
    return output


def commit_branch(tree: Path = TREE, branch: str = BRANCH) -> str:
    """Commit the tree to the local ``branch`` (its previous tip as parent, if any), without
    touching the work tree or the index of the main checkout. Returns the commit id."""
    with tempfile.TemporaryDirectory() as tmp:
        # A separate, new index: the main checkout's index and work tree are not touched.
        # The tree's own .gitignore (a copy of the main one) keeps caches such as
        # __pycache__ out.
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git = ["git", f"--git-dir={ROOT / '.git'}", f"--work-tree={tree}"]
        subprocess.run([*git, "add", "-A", "."], cwd=tree, env=env, check=True, capture_output=True, text=True)
        tree_id = subprocess.run([*git, "write-tree"], cwd=tree, env=env, check=True,
                                 capture_output=True, text=True).stdout.strip()
    parent = subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/heads/{branch}"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    source = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    message = f"Student edition of {source[:12]}, generated by tools/student_edition.py"
    cmd = ["git", "commit-tree", tree_id, "-m", message] + (["-p", parent] if parent else [])
    commit = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "update-ref", f"refs/heads/{branch}", commit], cwd=ROOT, check=True)
    return commit


def for_jupyter(tree: Path = TREE, site: Path = ROOT / "_build" / "html",
                cache: Path = ROOT / "_build" / ".jupyter_cache") -> int:
    """Rewrite the tree's notebooks for JupyterLab and Colab (``tools/jupyter_edition.py``):
    glued numbers filled in, references as links, citations as text. Needs the teacher's
    site. Returns the number of notebooks rewritten."""
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    import jupyter_edition

    if not (site / "index.html").is_file():
        raise SystemExit(f"error: the student branch needs the teacher's site for its link texts: run make book first ({site})")
    links = jupyter_edition.link_texts(site)
    cites = jupyter_edition.citation_texts(ROOT / "references.bib")
    count = 0
    for path in sorted(tree.rglob("*.ipynb")):
        rel = path.relative_to(tree)
        teacher = nbformat.read(ROOT / rel, as_version=4)  # glued values: from the teacher's notebook
        values = jupyter_edition.glued_values(teacher, (ROOT / rel).parent, cache)
        nb = nbformat.read(path, as_version=4)
        jupyter_edition.for_jupyter(nb, rel.with_suffix("").as_posix(), tree, links, cites, values)
        nbformat.write(nb, path)
        count += 1
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", nargs="?", default="site", choices=("tree", "site", "branch"))
    parser.add_argument("--branch", default=BRANCH, help="the branch the launch buttons open (default: student)")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html",
                        help="the teacher's built site, for the link texts (branch only; default: _build/html)")
    parser.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache",
                        help="the build's notebook cache, for the glued values (branch only)")
    args = parser.parse_args(argv)
    tree = write_tree(TREE, args.branch)
    print(f"student tree: {tree}")
    if args.what == "site":
        print(f"student site: {build_site(tree)}")
    elif args.what == "branch":
        print(f"notebooks rewritten for Jupyter: {for_jupyter(tree, args.site, args.cache)}")
        commit = commit_branch(tree, args.branch)
        print(f"branch {args.branch} is now {commit[:12]}; publish it with: git push origin {args.branch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
