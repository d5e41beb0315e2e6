"""Binder fidelity: every exercise notebook runs in an environment built from requirements.txt alone.

Binder builds its image from ``requirements.txt`` (and ``runtime.txt``), without any of the
development packages of ``requirements-dev.txt``. A notebook that imports something only the
development environment has (pytest, jupytext, ...) would work here and fail for every
student. This test does what Binder does:

1. copies the files git tracks into a temporary folder (a fresh clone, without ``.venv``,
   build output or untracked files);
2. creates a new virtual environment there with ``python -m venv`` and runs
   ``pip install -r requirements.txt`` in the copy (so ``-e .`` installs the copied
   ``initlab``); pip's download cache is reused, so repeated runs take about a minute;
3. executes every notebook in ``exercises/`` with nbclient *from inside that environment*
   (nbclient and ipykernel come with jupyter-book), in the notebook's folder, as JupyterLab
   would, and checks that the kernel really is the new environment's Python and imports the
   copied ``initlab``.

It takes about two minutes on an idle machine (five to seven when the machine is shared and
busy) and is marked ``binder`` (``pytest -m "not binder"`` leaves it
out). It is skipped, with the reason, only when the package registry cannot be reached.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.binder, pytest.mark.timeout(1200)]

#: Words in pip's output that mean the registry was not reachable (not that a pin is wrong).
NETWORK_ERRORS = (
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "ConnectTimeoutError",
    "ProxyError",
    "Max retries exceeded",
)

#: Runs inside the new environment: execute each notebook, report times and the kernel's
#: Python and initlab location, as JSON on the last line of stdout.
DRIVER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    report = {"notebooks": {}, "probe": None}
    probe = nbformat.v4.new_notebook()
    probe.cells = [nbformat.v4.new_code_cell(
        "import sys, initlab; print(sys.prefix); print(initlab.__file__)")]
    NotebookClient(probe, kernel_name="python3", timeout=120).execute()
    report["probe"] = probe.cells[0].outputs[0]["text"].split()
    for path in sys.argv[1:]:
        path = Path(path)
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            NotebookClient(nb, kernel_name="python3", timeout=120,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            error = None
        except CellExecutionError as exc:
            error = str(exc)[-1500:]
        report["notebooks"][path.name] = {"seconds": round(time.perf_counter() - start, 2), "error": error}
    print(json.dumps(report))
    """
)


def _clean_env(tmp: Path) -> dict:
    """The environment for the new venv: nothing of the development venv leaks in."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    # Kernel specs and Jupyter settings only from the new environment (and a fresh home for them).
    env["JUPYTER_DATA_DIR"] = str(tmp / "jupyter-data")
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "jupyter-config")
    env["IPYTHONDIR"] = str(tmp / "ipython")
    env["MPLBACKEND"] = "Agg"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _copy_tracked_files(dest: Path) -> None:
    """Copy what a clone of the repository would contain (the files git tracks)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        files = [f for f in listed.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
    if not files:  # not a git checkout (e.g. an unpacked archive): copy all but build output
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "*.egg-info",
                                                                  "__pycache__", ".jupyter_cache"))
        return
    for rel in files:
        src = ROOT / rel
        if src.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def test_every_exercise_notebook_runs_in_a_binder_like_environment(tmp_path):
    started = time.perf_counter()
    repo = tmp_path / "repo"
    _copy_tracked_files(repo)
    notebooks = sorted((repo / "exercises").glob("*.ipynb"))
    assert notebooks, "no exercise notebooks are tracked by git"
    assert (repo / "requirements.txt").is_file(), "requirements.txt is not tracked by git"

    env = _clean_env(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env, timeout=300)
    python = str(venv / ("Scripts" if os.name == "nt" else "bin") / "python")

    install = subprocess.run([python, "-m", "pip", "install", "-q", "-r", "requirements.txt"],
                             cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    if install.returncode != 0:
        text = install.stdout + install.stderr
        if any(word in text for word in NETWORK_ERRORS):
            pytest.skip("the package registry is not reachable, so no Binder-like environment can be built: "
                        + next((line for line in text.splitlines() if any(w in line for w in NETWORK_ERRORS)), ""))
        pytest.fail("pip install -r requirements.txt failed in a fresh environment:\n" + text[-3000:])
    installed = time.perf_counter() - started

    # Nothing from requirements-dev.txt may be there: Binder does not install it.
    dev_only = subprocess.run([python, "-c", "import importlib.util as u; "
                               "print([m for m in ('pytest', 'nbval', 'jupytext', 'playwright') if u.find_spec(m)])"],
                              capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert dev_only == "[]", f"development packages ended up in the Binder environment: {dev_only}"

    driver = tmp_path / "run_notebooks.py"
    driver.write_text(DRIVER)
    run = subprocess.run([python, str(driver), *map(str, notebooks)], cwd=repo, capture_output=True,
                         text=True, env=env, timeout=1200)
    assert run.returncode == 0, "the notebook driver failed:\n" + (run.stdout + run.stderr)[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])

    kernel_prefix, initlab_file = report["probe"]
    total = time.perf_counter() - started
    timings = ", ".join(f"{name} {r['seconds']:.1f} s" for name, r in report["notebooks"].items())
    print(f"\nBinder fidelity: install {installed:.0f} s, total {total:.0f} s; {timings}")
    assert Path(kernel_prefix).resolve() == venv.resolve(), (
        f"the kernel ran in the environment {kernel_prefix}, not in the new one ({venv})")
    assert Path(initlab_file).resolve().is_relative_to(repo.resolve()), (
        f"the kernel imported initlab from {initlab_file}, not from the copied repository")

    failures = {name: r["error"] for name, r in report["notebooks"].items() if r["error"]}
    assert not failures, "exercise notebooks that fail with requirements.txt alone:\n" + "\n\n".join(
        f"{name}:\n{err}" for name, err in failures.items())
