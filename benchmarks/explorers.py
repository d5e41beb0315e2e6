"""Benchmark of the explorers' updates (called by benchmarks/run.py; also runnable alone).

Drives each explorer's update function (recompute + redraw to PNG) headlessly over a sweep of
settings and prints, per explorer, ``explorer <name>: median <x> ms, p95 <y> ms`` over the
updates at its default settings, plus the median over the whole sweep; the training race
prints ``explorer training_race: <z> steps/s``. The goal is a median of at most 100 ms at
the default settings on the 2-core reference machine. For the website's galleries it prints
how long making each one takes and how many bytes it adds to its page. Numbers, not
pass/fail: the machine is shared.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from initlab.explore import CriticalityExplorer, ImmediateScheduler, SignalExplorer, WeightsExplorer, run_race

REPEATS = 15

SWEEPS = {
    SignalExplorer: [
        dict(activation=a, scheme=s, depth=d, width=w)
        for a in ("tanh", "relu", "sigmoid")
        for s in ("glorot_normal", "he_normal", "unit_normal")
        for d, w in ((10, 256), (30, 128))
    ],
    WeightsExplorer: [dict(fan_in=fi, fan_out=fo) for fi in (1, 10, 100, 1000) for fo in (10, 100)],
    CriticalityExplorer: [dict(activation=a, C_W=c, C_b=b) for a in ("tanh", "relu") for c in (0.5, 1.0, 2.0, 3.0)
                          for b in (0.0, 0.3)],
}


def _p95(values):
    return float(np.percentile(values, 95))


def run() -> list[str]:
    lines = []
    for cls, sweep in SWEEPS.items():
        ex = cls(scheduler=ImmediateScheduler())
        defaults = ex.settings()
        ex.time_update(**defaults)  # warm-up (first drawing, caches)
        at_default = [ex.time_update(**defaults) for _ in range(REPEATS)]
        over_sweep = [ex.time_update(**{**defaults, **s}) for s in sweep]
        lines.append(
            f"explorer {cls.name}: median {statistics.median(at_default):.0f} ms, p95 {_p95(at_default):.0f} ms "
            f"(goal: median <= 100 ms at default settings; over a sweep of {len(sweep)} settings: "
            f"median {statistics.median(over_sweep):.0f} ms, p95 {_p95(over_sweep):.0f} ms)"
        )
    for cls in SWEEPS:
        ex = cls(scheduler=ImmediateScheduler())
        t0 = time.perf_counter()
        page = ex.gallery_html()
        lines.append(f"gallery {cls.name}: {page.count('<img ')} pictures in {time.perf_counter() - t0:.1f} s, "
                     f"{len(page.encode()) / 1024:.0f} KB of HTML (what its page on the website carries)")
    t0 = time.perf_counter()
    state = run_race(steps=200, chunk=50)
    lines.append(f"explorer training_race: {state.steps_per_second:.0f} steps/s "
                 f"({len(state.schemes)} schemes x 3 seeds trained side by side; {time.perf_counter() - t0:.1f} s for 200 steps)")
    return lines


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
