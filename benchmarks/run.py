"""Benchmarks for the book's code: how fast and how lean the simulations are.

Run by ``make bench``. It prints ratios and goals, not pass/fail:

* ``forward_ensemble`` against the *bare cost* of the same simulation: draw every weight
  matrix with NumPy's default Generator, multiply, apply the activation, in chunks of
  networks (what anyone would write without initlab). For Gaussian schemes initlab samples
  each layer from the batch's Gram matrix instead (exact, see ``initlab.ensemble``), so it
  should be much faster (goal: at least 5×); for uniform and orthogonal schemes it draws
  explicit weights too, so it should cost about the same (goal: at most 1.25× the bare cost).
* ``backward_ensemble`` against a bare explicit forward and backward pass.
* ``initlab.mlp.train`` steps per second at the size of chapter 8's experiments.
* the peak memory of each run (every measurement runs in its own subprocess, and reports
  its ``ru_maxrss``; goal below 2 GiB).
* with ``--notebooks``: every notebook in chapters/ and exercises/ is executed with
  nbclient (kernel ``python3``, i.e. this interpreter's environment) and its wall time
  printed (goals: total under 3 minutes, none over 45 s).
* if ``benchmarks/explorers.py`` exists and defines ``run()``, its lines are printed too.
* with ``--jupyterlab``: ``benchmarks/jupyterlab_sliders.py``, the time from a key press on
  each explorer's slider to its new picture in JupyterLab, end to end in Chromium
  (goal: median ≤ 150 ms).

Each timing is the median of ``--repeat`` runs (default 3). The machine is shared, so
wall-clock times vary with the load; every line is followed by the CPU time of the same
runs (``time.process_time``, all threads of the process), which measures the work done and
is steadier on a busy machine. The ratios are the point.

Usage::

    python benchmarks/run.py [--notebooks] [--jupyterlab] [--repeat 3] [--quick] [--only-notebooks]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIB = 2.0**30

# The ensemble size the goals refer to.
N_NETS, WIDTH, DEPTH, BATCH = 300, 256, 20, 16


# --------------------------------------------------------------------------- bare code
def bare_forward(x, widths, scheme, n_nets, seed, chunk):
    """The plain way: draw every weight matrix, multiply, apply ReLU; keep every layer."""
    import numpy as np

    from initlab.schemes import init_std

    gen = np.random.default_rng(seed)
    L = len(widths) - 1
    out = [np.empty((n_nets, x.shape[0], widths[l + 1])) for l in range(L)]
    for start in range(0, n_nets, chunk):
        k = min(chunk, n_nets - start)
        a = np.broadcast_to(x, (k,) + x.shape)
        for l in range(L):
            shape = (k, widths[l], widths[l + 1])
            std = init_std(scheme, widths[l], widths[l + 1])
            if scheme == "he_normal":
                W = gen.normal(0.0, std, size=shape)
            elif scheme == "he_uniform":
                bound = math.sqrt(3.0) * std
                W = gen.uniform(-bound, bound, size=shape)
            else:  # orthogonal: Q of a Gaussian matrix, signs of R's diagonal fixed
                q, r = np.linalg.qr(gen.standard_normal(shape))
                W = q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]
            z = a @ W
            out[l][start : start + k] = z
            a = np.maximum(z, 0.0)
    return out


def bare_backward(x, widths, n_nets, seed, chunk):
    """Plain explicit forward and backward pass (He normal, ReLU, loss Σ u·z^(L))."""
    import numpy as np

    gen = np.random.default_rng(seed)
    L = len(widths) - 1
    b = x.shape[0]
    pre = [np.empty((n_nets, b, widths[l + 1])) for l in range(L)]
    gpre = [np.empty_like(p) for p in pre]
    gact = [np.empty((n_nets, b, widths[l])) for l in range(L)]
    for start in range(0, n_nets, chunk):
        k = min(chunk, n_nets - start)
        acts = [np.broadcast_to(x, (k,) + x.shape)]
        Ws = []
        for l in range(L):
            W = gen.normal(0.0, math.sqrt(2.0 / widths[l]), size=(k, widths[l], widths[l + 1]))
            z = acts[-1] @ W
            Ws.append(W)
            pre[l][start : start + k] = z
            acts.append(np.maximum(z, 0.0))
        delta = gen.standard_normal((k, b, widths[-1]))
        for l in range(L - 1, -1, -1):
            gpre[l][start : start + k] = delta
            gW = np.swapaxes(acts[l], 1, 2) @ delta  # the weight gradient a backward pass makes
            del gW
            ga = delta @ np.swapaxes(Ws[l], 1, 2)
            gact[l][start : start + k] = ga
            if l > 0:
                delta = ga * (pre[l - 1][start : start + k] > 0)
    return pre, gpre, gact


# --------------------------------------------------------------------------- one measurement
def _child(spec: dict) -> dict:
    """Run one measurement ``spec['repeat']`` times in this process; return times and memory."""
    import resource

    import numpy as np

    import initlab
    from initlab import ensemble

    n, w, d, batch = spec["n_nets"], spec["width"], spec["depth"], spec["batch"]
    x = np.random.default_rng(0).standard_normal((batch, w))
    widths = [w] * (d + 1)
    # The bare code uses the chunk forward_ensemble would choose for explicit weights.
    chunk = max(1, min(n, ensemble._CHUNK_BYTES // (8 * w * w)))
    what = spec["what"]
    times, cpu = [], []
    for r in range(spec["repeat"]):
        t0, c0 = time.perf_counter(), time.process_time()
        if what == "ensemble":
            initlab.forward_ensemble(x, widths, "relu", spec["scheme"], n_nets=n, rng=r)
        elif what == "bare":
            bare_forward(x, widths, spec["scheme"], n, r, chunk)
        elif what == "backward":
            initlab.backward_ensemble(x, widths, "relu", "he_normal", n_nets=n, rng=r)
        elif what == "bare_backward":
            chunk_b = max(1, min(n, ensemble._CHUNK_BYTES // (16 * w * w * d)))
            bare_backward(x, widths, n, r, chunk_b)
        elif what == "mlp":
            times.append(_mlp_rate(spec, r))
            continue
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0  # KiB on Linux
    return {"times": times, "cpu": cpu, "peak_bytes": peak}


def _mlp_rate(spec, seed):
    """Seconds per training step (wall and CPU) of initlab.mlp.train at chapter 8's size."""
    from initlab.data import load_digits
    from initlab.mlp import MLP, train

    data = load_digits(rng=0)
    net = MLP.init([64] + [64] * 8 + [10], activation="tanh", scheme="lecun_normal",
                   n_nets=30, rng=seed, dtype=spec["dtype"])
    steps = spec["steps"]
    t0, c0 = time.perf_counter(), time.process_time()
    # eval_every > steps: only the evaluations at step 0 and at the end; subtract them by
    # timing a 1-step run (which makes the same two evaluations).
    train(net, data, steps=steps, lr=0.05, batch_size=64, eval_every=steps + 1, rng=seed)
    t1, c1 = time.perf_counter(), time.process_time()
    train(net, data, steps=1, lr=0.05, batch_size=64, eval_every=2, rng=seed)
    t2, c2 = time.perf_counter(), time.process_time()
    return [((t1 - t0) - (t2 - t1)) / (steps - 1), ((c1 - c0) - (c2 - c1)) / (steps - 1)]


def measure(spec: dict) -> dict:
    """Run ``spec`` in a fresh subprocess (so its peak memory is its own)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({spec}):\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- report
def _gib(b: float) -> str:
    return f"{b / GIB:.2f} GiB"


def ensemble_section(repeat: int, quick: bool) -> list[str]:
    lines = []
    size = dict(n_nets=N_NETS, width=WIDTH, depth=DEPTH, batch=BATCH, repeat=repeat)
    if quick:
        size.update(n_nets=60)
    peaks = []
    lines.append(f"forward_ensemble, {size['n_nets']} networks x width {WIDTH} x depth {DEPTH} x batch {BATCH}, "
                 f"median of {repeat}:")
    cases = [("gaussian", "he_normal", size), ("uniform", "he_uniform", size),
             # Orthogonal draws need a QR decomposition per 256 x 256 matrix (the same
             # in both codes); a fifth of the networks keeps the run short.
             ("orthogonal", "orthogonal", dict(size, n_nets=max(1, size["n_nets"] // 5)))]
    for label, scheme, sz in cases:
        ens = measure(dict(sz, what="ensemble", scheme=scheme))
        bare = measure(dict(sz, what="bare", scheme=scheme))
        te, tb = statistics.median(ens["times"]), statistics.median(bare["times"])
        ce, cb = statistics.median(ens["cpu"]), statistics.median(bare["cpu"])
        peaks += [ens["peak_bytes"], bare["peak_bytes"]]
        nets = "" if sz["n_nets"] == size["n_nets"] else f" [{sz['n_nets']} networks]"
        if label == "gaussian":
            lines.append(f"  ensemble {label} ({scheme}, relu): {te:.2f} s vs bare {tb:.2f} s -> "
                         f"{tb / te:.1f}x faster (goal >= 5x){nets}; peak memory {_gib(ens['peak_bytes'])}")
            lines.append(f"      CPU time {ce:.2f} s vs {cb:.2f} s -> {cb / ce:.1f}x")
        else:
            lines.append(f"  ensemble {label} ({scheme}, relu): {te:.2f} s vs bare {tb:.2f} s -> "
                         f"ratio to bare {te / tb:.2f} (goal <= 1.25){nets}; peak memory {_gib(ens['peak_bytes'])}")
            lines.append(f"      CPU time {ce:.2f} s vs {cb:.2f} s -> ratio {ce / cb:.2f}")
    bsz = dict(size, n_nets=max(1, size["n_nets"] // 3))
    ens = measure(dict(bsz, what="backward", scheme="he_normal"))
    bare = measure(dict(bsz, what="bare_backward", scheme="he_normal"))
    te, tb = statistics.median(ens["times"]), statistics.median(bare["times"])
    ce, cb = statistics.median(ens["cpu"]), statistics.median(bare["cpu"])
    peaks += [ens["peak_bytes"], bare["peak_bytes"]]
    lines.append(f"  backward_ensemble (he_normal, relu) [{bsz['n_nets']} networks]: {te:.2f} s vs bare forward+backward "
                 f"{tb:.2f} s -> ratio to bare {te / tb:.2f} (goal <= 1.25); peak memory {_gib(ens['peak_bytes'])}")
    lines.append(f"      CPU time {ce:.2f} s vs {cb:.2f} s -> ratio {ce / cb:.2f}")
    lines.append(f"  peak memory of any run: {_gib(max(peaks))} (goal < 2 GiB)")
    return lines


def mlp_section(repeat: int, quick: bool) -> list[str]:
    lines = ["mlp.train, 8 hidden layers of 64 (tanh), 30 networks stacked, batches of 64:"]
    steps = 100 if quick else 300
    for dtype in ("float64", "float32"):
        r = measure(dict(what="mlp", dtype=dtype, steps=steps, repeat=repeat, n_nets=30, width=64, depth=9, batch=64))
        wall = statistics.median(t[0] for t in r["times"])
        cpu = statistics.median(t[1] for t in r["times"])
        lines.append(f"  {dtype}: {1 / wall:.0f} steps/s (goal >= 100); {1 / cpu:.0f} steps per CPU-second; "
                     f"peak memory {_gib(r['peak_bytes'])}")
    return lines


def notebook_section() -> list[str]:
    import nbformat
    from nbclient import NotebookClient

    paths = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "exercises").glob("*.ipynb"))
    os.environ.setdefault("INITLAB_SHOW_ALL", "1")  # open the prediction gates (initlab.course)
    lines = [f"notebooks ({len(paths)}), executed with nbclient, kernel python3:"]
    print(lines[0], flush=True)
    total, worst = 0.0, 0.0
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        client = NotebookClient(nb, kernel_name="python3", timeout=600,
                                resources={"metadata": {"path": str(p.parent)}})
        t0 = time.perf_counter()
        status = ""
        try:
            client.execute()
        except Exception as exc:  # report and go on: the timing of the others still counts
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
            status = f"  FAILED: {type(exc).__name__}: {text.splitlines()[-1][:120] if text else ''}"
        dt = time.perf_counter() - t0
        total += dt
        worst = max(worst, dt)
        flag = "  (over 45 s)" if dt > 45 else ""
        lines.append(f"  {p.relative_to(ROOT)}: {dt:.1f} s{flag}{status}")
        print(lines[-1], flush=True)
    lines.append(f"  total {total:.1f} s (goal < 180 s); slowest {worst:.1f} s (goal <= 45 s)")
    return lines


def explorers_section() -> list[str]:
    path = Path(__file__).resolve().parent / "explorers.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("benchmarks_explorers", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if not hasattr(mod, "run"):
        return []
    out = mod.run()
    if out is None:
        return []
    if isinstance(out, str):
        return out.splitlines()
    return [str(line) for line in out]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notebooks", action="store_true", help="also execute and time every notebook")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing (median reported)")
    ap.add_argument("--quick", action="store_true", help="smaller ensembles (for a smoke test)")
    ap.add_argument("--only-notebooks", action="store_true", help="skip the ensemble and mlp timings")
    ap.add_argument("--jupyterlab", action="store_true",
                    help="also time key press to new picture in JupyterLab (benchmarks/jupyterlab_sliders.py)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return 0
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"initlab benchmarks ({os.cpu_count()} cores, OPENBLAS_NUM_THREADS={threads}, "
          f"load average {os.getloadavg()[0]:.1f})", flush=True)
    for section in () if args.only_notebooks else (ensemble_section, mlp_section):
        for line in section(args.repeat, args.quick):
            print(line, flush=True)
    for line in [] if args.only_notebooks else explorers_section():
        print(line, flush=True)
    if args.jupyterlab:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import jupyterlab_sliders

        for line in jupyterlab_sliders.run():
            print(line, flush=True)
    if args.notebooks or args.only_notebooks:
        lines = notebook_section()  # prints each notebook's line as it finishes
        print(lines[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
