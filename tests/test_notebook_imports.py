"""The notebooks run where students open them: Binder, a hub, Colab, a laptop.

Binder installs ``requirements.txt``; Colab and many hubs install only the package
(``pip install git+…``, which brings ``initlab``'s own dependencies: NumPy, Matplotlib,
ipywidgets) into an environment that has IPython. So:

* every module a notebook imports is the standard library's, IPython's, or one of the
  package's dependencies (never a build tool such as myst-nb or Sphinx);
* ``initlab`` and every one of its modules import with the build tools absent;
* ``initlab.book.glue`` works without myst-nb (it records the value) and calls myst-nb's
  ``glue`` when myst-nb is there;
* every package the notebooks or the build import directly is pinned in
  ``requirements.txt`` by name, not only pulled in by another package.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb"))
#: Import name -> distribution name, for the packages a student's kernel has.
PACKAGE_ONLY = {"numpy": "numpy", "matplotlib": "matplotlib", "ipywidgets": "ipywidgets",
                "IPython": "ipython", "initlab": "initlab"}
BUILD_TOOLS = ("myst_nb", "myst_parser", "sphinx", "docutils", "jupyter_book", "sphinx_proof",
               "sphinx_exercise", "nbformat", "nbclient", "yaml", "pytest", "nbval")


def _code(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def _imports(source):
    # IPython magics (%pip, !cmd) are not Python: drop those lines before parsing.
    text = "\n".join("" if re.match(r"\s*[%!]", line) else line for line in source.splitlines())
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


def test_the_notebooks_import_only_what_a_package_install_has():
    bad = {}
    for path in NOTEBOOKS:
        for source in _code(path):
            for name in _imports(source):
                if name not in sys.stdlib_module_names and name not in PACKAGE_ONLY:
                    bad.setdefault(path.relative_to(ROOT).as_posix(), set()).add(name)
    assert not bad, f"notebooks import modules that Colab or a package-only install lacks: {bad}"


def test_package_dependencies_cover_the_notebooks():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].lower() for d in deps}
    # IPython comes with every Jupyter kernel; the others must come with the package.
    assert {"numpy", "matplotlib", "ipywidgets"} <= names


def test_initlab_imports_without_the_build_tools():
    # A fresh interpreter in which the build tools cannot be imported (as in Colab): import
    # every initlab module, and glue a value.
    script = f"""
import importlib, pkgutil, sys
for name in {BUILD_TOOLS!r}:
    sys.modules[name] = None  # makes 'import name' raise ImportError
import initlab
mods = [m.name for m in pkgutil.walk_packages(initlab.__path__, "initlab.")]
for m in mods:
    importlib.import_module(m)
from initlab.book import GLUED, glue
glue("k", 3.5, display=False)
assert GLUED["k"] == 3.5
print(len(mods))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert int(out.stdout.split()[-1]) > 20  # really walked the package


def test_glue_calls_myst_nb_when_it_is_installed(monkeypatch):
    import myst_nb

    from initlab import book

    calls = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display)))
    book.glue("ratio", 0.25, display=False)
    assert calls == [("ratio", 0.25, False)] and book.GLUED["ratio"] == 0.25
    with pytest.raises(TypeError, match="non-empty string name"):
        book.glue("", 1)


def _pinned():
    names = set()
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[<>=!~ \[]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_requirements_name_what_is_imported_directly():
    # Import name -> distribution, for everything the notebooks, _ext/ and the build's tools import.
    dist = {**{k: v for k, v in PACKAGE_ONLY.items() if k != "initlab"},
            "sphinx": "sphinx", "yaml": "pyyaml", "nbformat": "nbformat", "myst_nb": "myst-nb",
            "myst_parser": "myst-parser", "jupyter_book": "jupyter-book", "docutils": "docutils"}
    used = set()
    sources = [s for p in NOTEBOOKS for s in _code(p)]
    sources += [p.read_text(encoding="utf-8") for p in (ROOT / "_ext").glob("*.py")]
    sources += [(ROOT / "tools" / "student_edition.py").read_text(encoding="utf-8")]
    for s in sources:
        used |= {n for n in _imports(s) if n in dist}
    # The build also loads these by name (_config.yml's extensions), without an import statement.
    needed = {dist[n] for n in used} | {"myst-nb", "sphinx-proof", "sphinx-exercise", "sphinxcontrib-bibtex",
                                        "ipykernel"}
    missing = needed - _pinned()
    assert not missing, f"requirements.txt does not name {sorted(missing)}"


def test_binder_start_script_sets_one_blas_thread():
    start = ROOT / "start"
    text = start.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/bash") and start.stat().st_mode & 0o111
    assert "export OPENBLAS_NUM_THREADS=1" in text and text.rstrip().endswith('exec "$@"')
    out = subprocess.run([str(start), sys.executable, "-c", "import os; print(os.environ['OPENBLAS_NUM_THREADS'])"],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "1"
