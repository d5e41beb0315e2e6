"""Checkers for the exercises of chapters 6–9 (the schemes in practice, statistics at init).

Each public ``check_<name>(answer)`` follows the conventions of :mod:`initlab.checks._core`
and is listed in ``__all__`` so that :mod:`initlab.checks` re-exports it.
"""

from __future__ import annotations

__all__: list[str] = []
