"""Argument checks shared by the package: clear errors instead of deep NumPy tracebacks.

Every public function of ``initlab`` validates what a reader may pass by hand (scheme and
activation names, fans, shapes, seeds, arrays) with the helpers here, so that a mistake
produces one sentence naming the bad value and what is allowed.
"""

from __future__ import annotations

import numbers
from typing import Iterable

import numpy as np


def choice(value, allowed: Iterable[str], what: str) -> str:
    """Return ``value`` if it is one of ``allowed``; otherwise raise a helpful error."""
    allowed = list(allowed)
    if not isinstance(value, str):
        raise TypeError(
            f"{what} must be a string, one of: {', '.join(allowed)}; got {value!r} "
            f"of type {type(value).__name__}"
        )
    key = value.strip().lower()
    if key not in allowed:
        raise ValueError(f"unknown {what} {value!r}; choose one of: {', '.join(allowed)}")
    return key


def positive_int(value, what: str) -> int:
    """Return ``value`` as an int if it is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer() and value >= 1:
            return int(value)
        raise TypeError(f"{what} must be a positive whole number; got {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be a positive whole number (1 or more); got {value}")
    return int(value)


def nonnegative_float(value, what: str) -> float:
    """Return ``value`` as a float if it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a non-negative number; got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number >= 0; got {value}")
    return value


def finite_float(value, what: str) -> float:
    """Return ``value`` as a float if it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number; got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{what} must be finite; got {value}")
    return value


def generator(rng) -> np.random.Generator:
    """Turn ``rng`` (a Generator, an int seed or None) into a ``numpy.random.Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, bool):
        raise TypeError("rng must be a numpy.random.Generator, a non-negative int seed or None; got a bool")
    if isinstance(rng, numbers.Integral):
        if rng < 0:
            raise ValueError(f"a seed must be a non-negative integer; got {rng}")
        return np.random.default_rng(int(rng))
    if isinstance(rng, np.random.RandomState):
        raise TypeError(
            "rng must be a numpy.random.Generator (numpy.random.default_rng(seed)), "
            "not the legacy RandomState"
        )
    raise TypeError(
        f"rng must be a numpy.random.Generator, a non-negative int seed or None; got {type(rng).__name__}"
    )


def finite_array(x, what: str, ndim: int | None = None) -> np.ndarray:
    """Return ``x`` as a float array, checking its rank and that it holds no NaN or inf."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be an array of numbers; could not convert it ({exc})") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{what} must have {ndim} dimension(s); got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{what} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{what} contains {bad} NaN or infinite value(s); pass finite numbers")
    return arr
