"""Checkers for the book's *Implement* exercises: ``check_<name>(answer)`` prints a verdict.

Each checker runs your function on fresh inputs, tests what it returns (statistically, with
tolerances derived from the sampling error, when the answer is random) and prints one or two
sentences: what is right, or what is wrong with a hint at the likely mistake. It returns
``True`` or ``False`` and never raises because of your answer.

``basics`` holds the checkers of chapters 1–5, ``practice`` those of chapters 6–9; every
``check_*`` of both is available here. How to write a checker, and how exercises, reference
solutions and the student edition fit together: see :mod:`initlab.checks._core`.

Example
-------
>>> from initlab.checks import check_he_std
>>> def he_std(fan_in, fan_out, mode="fan_in"):
...     fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
...     return (2 / fan) ** 0.5
>>> check_he_std(he_std, rng=0)  # doctest: +ELLIPSIS
Correct: ...
True
"""

from . import basics, practice
from .basics import *  # noqa: F401,F403 - the public checkers
from .practice import *  # noqa: F401,F403 - the public checkers

__all__ = [name for name in list(basics.__all__) + list(practice.__all__) if name.startswith("check_")]
