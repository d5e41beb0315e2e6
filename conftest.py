"""Let the book build reuse nbval's execution of the notebooks (``--nb-cache DIR``).

``make test`` runs every notebook under nbval, then builds the book, which would run every
notebook again. With ``--nb-cache _build/.jupyter_cache``, this plugin records the kernel
messages nbval receives for each cell, turns them into cell outputs exactly as nbclient
does (one output per message, in order), and stores each notebook in the jupyter-cache
that ``jupyter-book build`` (``execute_notebooks: cache``) reads. The build then finds
every notebook executed and runs none of them.

The module also sets ``INITLAB_SHOW_ALL=1`` for every test run (see ``initlab.course``): the
exercise notebooks' prediction gates then let nbval run past them.

A notebook is cached only if nbval ran *all* its code cells and each one passed, and its
outputs are ones this plugin reproduces faithfully: streams, displays (figures, glue
values) and results. A notebook with an error output, a skipped cell, widgets (comm
messages), ``clear_output`` or ``update_display`` is not cached, so the build executes it
itself and reports its failures as usual. Without the option the plugin does nothing.
"""

from __future__ import annotations

import copy
import platform
import time
from pathlib import Path

import os

import pytest

# The prediction gates of the exercise notebooks (initlab.course.reveal_after) stop a
# student's "Run all" until a prediction is written; the tests run every notebook without
# anyone to write one, so they open the gates. Set here, before any kernel starts, so that
# nbval's kernels and the notebooks that tests run in-process inherit it.
os.environ["INITLAB_SHOW_ALL"] = "1"

#: What nbclient sets from the kernel's reply to ``kernel_info`` (ipykernel, this Python).
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": platform.python_version(),
}

#: Kernel messages that carry no output.
_SILENT = {"status", "execute_input", "execute_reply"}
#: Kernel messages that become outputs, as in nbclient.
_OUTPUTS = {"stream", "display_data", "execute_result"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--nb-cache",
        metavar="DIR",
        default=None,
        help="store each notebook that nbval executed without failure in this "
        "jupyter-cache (the book build's _build/.jupyter_cache), so that "
        "`jupyter-book build` does not execute it again",
    )


class _Recorder:
    """Collects, per notebook, the outputs of each code cell as nbval runs them."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.notebooks: dict[str, dict] = {}

    def entry(self, path: str) -> dict:
        return self.notebooks.setdefault(
            path, {"outputs": {}, "counts": {}, "ok": True, "why": [], "seconds": 0.0}
        )

    def record(self, item, passed: bool, duration: float) -> None:
        entry = self.entry(str(item.parent.path))
        entry["seconds"] += duration
        if not passed:
            entry["ok"] = False
            entry["why"].append(f"cell {item.cell_num} did not pass")
            return
        msg_id = getattr(item, "_nbcache_msg_id", None)
        messages = [
            m
            for m in getattr(item.parent, "_nbcache_messages", [])
            if msg_id is not None and m["parent_header"].get("msg_id") == msg_id
        ]
        outputs, count, problem = _outputs_from_messages(messages)
        if problem:
            entry["ok"] = False
            entry["why"].append(f"cell {item.cell_num}: {problem}")
        entry["outputs"][item.cell_num] = outputs
        entry["counts"][item.cell_num] = count

    def store(self) -> str:
        import nbformat
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        cache = get_cache(str(self.cache_dir))
        stored, skipped = 0, []
        for path, entry in sorted(self.notebooks.items()):
            if "nb" not in entry:
                entry["ok"] = False
                entry["why"].append("not collected")
                skipped.append(f"{Path(path).name} (not collected)")
                continue
            nb = entry["nb"]
            code = [c for c in nb.cells if c.cell_type == "code"]
            if len(entry["outputs"]) != len(code):
                entry["ok"] = False
                entry["why"].append(f"{len(entry['outputs'])} of {len(code)} code cells ran")
            if not entry["ok"]:
                skipped.append(f"{Path(path).name} ({'; '.join(entry['why'][:2])})")
                continue
            for num, cell in enumerate(code):
                cell.outputs = entry["outputs"][num]
                cell.execution_count = entry["counts"][num]
            nb.metadata["language_info"] = dict(LANGUAGE_INFO)
            nbformat.validate(nb)
            cache.cache_notebook_bundle(
                CacheBundleIn(nb, path, data={"execution_seconds": entry["seconds"]}),
                check_validity=False,
                overwrite=True,
            )
            stored += 1
        return f"nb-cache: {stored} executed notebook(s) stored in {self.cache_dir}" + (
            f"\nnb-cache: not stored, the build executes them: {', '.join(skipped)}"
            if skipped
            else ""
        )


def _outputs_from_messages(messages: list[dict]):
    """Cell outputs from a cell's iopub messages, as nbclient builds them.

    Returns ``(outputs, execution_count, problem)``; ``problem`` names a message this
    function does not reproduce (the notebook is then left to the build).
    """
    from nbformat.v4 import output_from_msg

    outputs, count = [], None
    for msg in messages:
        kind = msg["msg_type"]
        if kind == "execute_input":
            count = msg["content"].get("execution_count")
        if kind in _SILENT:
            continue
        if kind in _OUTPUTS:
            if kind == "execute_result":
                count = msg["content"].get("execution_count", count)
            outputs.append(output_from_msg(msg))
        elif kind == "error":
            return outputs, count, "error output"
        else:  # clear_output, update_display_data, comm_*: leave it to the build
            return outputs, count, f"{kind} message"
    return outputs, count, None


def pytest_configure(config: pytest.Config) -> None:
    cache_dir = config.getoption("--nb-cache")
    if not cache_dir:
        return
    if not (config.getoption("--nbval", False) or config.getoption("--nbval-lax", False)):
        raise pytest.UsageError("--nb-cache needs --nbval or --nbval-lax")
    from nbval.kernel import RunningKernel
    from nbval.plugin import IPyNbFile

    # Record every message nbval reads, and the id of each cell's execute request.
    if not getattr(IPyNbFile, "_nbcache_patched", False):
        get_message = IPyNbFile.get_kernel_message
        execute = RunningKernel.execute_cell_input

        def recording_get(self, timeout=None, stream="iopub"):
            msg = get_message(self, timeout=timeout, stream=stream)
            if stream == "iopub":
                self.__dict__.setdefault("_nbcache_messages", []).append(msg)
            return msg

        def recording_execute(self, cell_input, allow_stdin=None):
            msg_id = execute(self, cell_input, allow_stdin=allow_stdin)
            self._nbcache_last_msg_id = msg_id
            return msg_id

        IPyNbFile.get_kernel_message = recording_get
        RunningKernel.execute_cell_input = recording_execute
        IPyNbFile._nbcache_patched = True
    config._nbcache = _Recorder(Path(cache_dir).resolve())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """Note every notebook nbval collects, also those without code cells."""
    outcome = yield
    recorder = getattr(collector.config, "_nbcache", None)
    if recorder is None or type(collector).__name__ != "IPyNbFile":
        return
    entry = recorder.entry(str(collector.path))
    if not outcome.get_result().passed or getattr(collector, "nb", None) is None:
        entry["ok"] = False
        entry["why"].append("could not be collected")
        return
    # The notebook as nbval read and ran it: if the file changes during the run, the
    # cache holds the version that was executed, and the build executes the new one.
    entry["nb"] = copy.deepcopy(collector.nb)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    recorder = getattr(item.config, "_nbcache", None)
    if recorder is None or not hasattr(item, "cell_num"):
        yield
        return
    kernel = getattr(item.parent, "kernel", None)
    if kernel is not None:
        kernel._nbcache_last_msg_id = None
    start = time.perf_counter()
    outcome = yield
    if kernel is not None:
        item._nbcache_msg_id = getattr(kernel, "_nbcache_last_msg_id", None)
    item._nbcache_result = (outcome.excinfo is None, time.perf_counter() - start)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    recorder = getattr(item.config, "_nbcache", None)
    if recorder is None or not hasattr(item, "cell_num"):
        return
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and not report.passed):
        passed = report.passed and getattr(item, "_nbcache_result", (False, 0))[0]
        duration = getattr(item, "_nbcache_result", (False, 0.0))[1]
        recorder.record(item, passed, duration)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    recorder = getattr(session.config, "_nbcache", None)
    if recorder is not None and recorder.notebooks:
        recorder.summary = recorder.store()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    summary = getattr(getattr(config, "_nbcache", None), "summary", None)
    if summary:
        terminalreporter.write_sep("-", "notebook cache")
        for line in summary.splitlines():
            terminalreporter.write_line(line)
