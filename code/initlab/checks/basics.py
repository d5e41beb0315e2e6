"""Checkers for the exercises of chapters 1–5 (why initialization matters, deriving the scales).

One public ``check_<name>(answer)`` per *Implement* exercise; the reference solutions are in
:mod:`initlab.solutions.basics`. Conventions: :mod:`initlab.checks._core`.

Example
-------
>>> from initlab.checks.basics import check_he_std
>>> check_he_std(lambda fan_in, fan_out, mode="fan_in": (1 / fan_in) ** 0.5, rng=0)  # doctest: +ELLIPSIS
Not yet: ...
False
"""

from __future__ import annotations

import math

import numpy as np

from ._core import Fail, call, checker, close, fmt, match_mistake, number


@checker("he_std")
def check_he_std(answer, rng):
    """Check ``he_std(fan_in, fan_out, mode="fan_in")``: √(2/fan) with fan chosen by ``mode``."""
    cases = []
    for mode in ("fan_in", "fan_out", "fan_avg"):
        fan_in, fan_out = int(rng.integers(20, 200)), int(rng.integers(300, 900))
        if mode == "fan_out":
            fan_in, fan_out = fan_out, fan_in
        cases.append((fan_in, fan_out, mode))
    for fan_in, fan_out, mode in cases:
        shown = f"he_std({fan_in}, {fan_out}, mode={mode!r})"
        got = number(call(answer, fan_in, fan_out, mode=mode), shown)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
        want = math.sqrt(2.0 / fan)
        if close(got, want):
            continue
        other = {"fan_in": fan_out, "fan_out": fan_in, "fan_avg": fan_in}[mode]
        hint = match_mistake(got, [
            (math.sqrt(1.0 / fan), f"{shown} is √2 too small: that is LeCun's √(1/fan). "
                                   "ReLU zeroes half of its inputs, so He doubles the variance: √(2/fan)."),
            (2.0 / fan, f"{shown} returned 2/fan, which is the variance; the standard deviation is its square root."),
            (math.sqrt(2.0) / fan, f"{shown} returned √2/fan; the square root must cover the fan too: √(2/fan)."),
            (math.sqrt(2.0 / other), f"{shown} used the wrong fan: with mode={mode!r} divide by "
                                     + {"fan_in": "fan_in, not fan_out", "fan_out": "fan_out, not fan_in",
                                        "fan_avg": "(fan_in + fan_out)/2"}[mode] + "."),
            (math.sqrt(2.0 / (fan_in + fan_out)), f"{shown} gave Glorot's √(2/(fan_in + fan_out)); "
                                                  "He uses one fan, chosen by mode."),
            (math.sqrt(2.0 / fan_in), f"{shown} always used fan_in; read mode and pick the fan it names."),
        ])
        raise Fail(hint or f"{shown} should be √(2/{fan:g}) = {fmt(want)}; yours gives {fmt(got)}.")
    return "he_std gives √(2/fan) for all three modes (checked with fans you have not seen)."


__all__ = ["check_he_std"]
