#!/usr/bin/env python3
"""Build the student edition of the book: the same site without the exercise solutions.

Writes ``_build/student/html`` (``make book-student``). The configuration is
``_config.yml`` with these changes, written to ``_build/student/_config.yml``:

* ``hide_solutions: true`` (sphinx-exercise leaves every ``solution`` out);
* a banner saying that this is the student edition;
* the notebook cache of the main build (``_build/.jupyter_cache``), so that notebooks
  already executed for ``make book`` or ``make test`` are not executed again;

and its relative paths made absolute, since they are read relative to the file's folder.

Warnings are errors, as in ``make book``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "_build" / "student"
BANNER = "Student edition: the solutions to the exercises are not included."


def student_config() -> Path:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    config.setdefault("html", {})["announcement"] = BANNER
    config.setdefault("execute", {})["cache"] = str(ROOT / "_build" / ".jupyter_cache")
    # Paths in the configuration are read relative to its folder: make them absolute.
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str(ROOT / folder)
    config["bibtex_bibfiles"] = [str(ROOT / f) for f in config.get("bibtex_bibfiles", [])]
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def main() -> int:
    from jupyter_book.cli.main import builder_specific_actions
    from jupyter_book.sphinx import build_sphinx

    output = OUT / "html"
    result = build_sphinx(
        ROOT,
        output,
        use_external_toc=True,
        noconfig=True,
        path_config=str(student_config()),
        confoverrides={
            "external_toc_path": (ROOT / "_toc.yml").as_posix(),
            "latex_individualpages": False,
            "nitpicky": True,
        },
        builder="html",
        warningiserror=True,
        keep_going=True,
    )
    builder_specific_actions(result, "html", output, "book", print_func=print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
