"""Think first, then see: a gate that keeps a measurement until its prediction is written.

Every *Predict, then measure* exercise has a prediction cell and a measure cell. The
prediction cell is a short code cell with placeholders::

    my_prediction_1 = {"hidden activations": ..., "zero gradients": ...}

and the measure cell starts with::

    reveal_after(my_prediction_1)

While a placeholder is still ``...`` (or ``None``, or an empty string), :func:`reveal_after`
raises :class:`PredictionMissing`. In JupyterLab, Colab or classic Notebook a cell that
raises stops *Run all* there, so the result of a prediction is never shown before the
prediction is written. The exception prints one friendly sentence, not a traceback.

The book's build (myst-nb) and its tests (nbval) run every notebook without anyone typing
a prediction. They set the environment variable ``INITLAB_SHOW_ALL=1`` (``conftest.py``
for pytest and nbval, ``_ext/show_all_predictions.py`` for the Sphinx build), and the gate
is then silent. On the website the measure cells carry the ``hide-output`` tag instead.

Example
-------
>>> import os
>>> saved = os.environ.pop(SHOW_ALL, None)              # as in a student's kernel
>>> reveal_after({"mean": 0.5, "std": "about 0.3"})     # answered: nothing happens
>>> reveal_after(...)
Traceback (most recent call last):
    ...
initlab.course.PredictionMissing: Write your prediction in the cell above first (replace the ... by your answer), run that cell, then run this one.
>>> os.environ[SHOW_ALL] = "1"
>>> reveal_after(...)                                   # the build and the tests
>>> if saved is None: del os.environ[SHOW_ALL]
... else: os.environ[SHOW_ALL] = saved
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["SHOW_ALL", "PredictionMissing", "is_answered", "reveal_after", "show_all"]

#: The environment variable that turns the gate off (the book's build and tests set it).
SHOW_ALL = "INITLAB_SHOW_ALL"

_MESSAGE = ("Write your prediction in the cell above first (replace the ... by your answer), "
            "run that cell, then run this one.")


class PredictionMissing(Exception):
    """A measure cell ran before its prediction was written.

    In IPython (JupyterLab, Colab) only the message is shown, without a traceback.
    """

    def __init__(self, missing: list[str] | None = None) -> None:
        self.missing = list(missing or [])
        detail = f" Still open: {', '.join(self.missing)}." if self.missing else ""
        super().__init__(_MESSAGE + detail)

    def _render_traceback_(self) -> list[str]:  # IPython's hook for a custom traceback
        return [f"\x1b[1;31mNot yet:\x1b[0m {self}"]


def show_all() -> bool:
    """True when :data:`SHOW_ALL` is set to a true value (``1``, ``true``, ``yes``, ``on``).

    >>> import os
    >>> saved = os.environ.get(SHOW_ALL)
    >>> os.environ[SHOW_ALL] = "0"; show_all()
    False
    >>> os.environ[SHOW_ALL] = "yes"; show_all()
    True
    >>> if saved is None: del os.environ[SHOW_ALL]
    ... else: os.environ[SHOW_ALL] = saved
    """
    return os.environ.get(SHOW_ALL, "").strip().lower() in {"1", "true", "yes", "on"}


def _blank(value: Any) -> bool:
    if value is Ellipsis or value is None:
        return True
    if isinstance(value, str):
        return value.strip() in {"", "...", "…"}
    return False


def _open_entries(prediction: Any, name: str = "") -> list[str]:
    """Names of the entries of ``prediction`` that are still placeholders."""
    if isinstance(prediction, dict):
        if not prediction:
            return [name or "the prediction"]
        out: list[str] = []
        for key, value in prediction.items():
            out += _open_entries(value, f"{name}[{key!r}]" if name else repr(key))
        return out
    if isinstance(prediction, (list, tuple)):
        if not prediction:
            return [name or "the prediction"]
        out = []
        for i, value in enumerate(prediction):
            out += _open_entries(value, f"{name}[{i}]" if name else f"item {i + 1}")
        return out
    return [name or "the prediction"] if _blank(prediction) else []


def is_answered(prediction: Any) -> bool:
    """True when no entry of ``prediction`` is a placeholder.

    A placeholder is ``...``, ``None`` or an empty (or ``"..."``) string; a dict, list or
    tuple is answered when it is not empty and each of its entries is answered.

    >>> is_answered(...), is_answered(""), is_answered({"a": 1, "b": ...})
    (False, False, False)
    >>> is_answered(0), is_answered("it vanishes"), is_answered({"a": 1, "b": [2, "x"]})
    (True, True, True)
    """
    return not _open_entries(prediction)


def reveal_after(*predictions: Any) -> None:
    """Stop here unless every prediction is written (or :data:`SHOW_ALL` is set).

    Parameters
    ----------
    *predictions
        The prediction variables of the exercise (a value, or a dict/list of answers).

    Raises
    ------
    PredictionMissing
        When some entry is still a placeholder (``...``, ``None``, ``""``) and the
        environment variable :data:`SHOW_ALL` is not set. Its message names the open
        entries of a dict.

    Example
    -------
    >>> reveal_after(0.25, {"W1": "zero", "b2": "not zero"})
    """
    if show_all():
        return
    missing: list[str] = []
    for prediction in predictions:
        missing += _open_entries(prediction)
    if not predictions or missing:
        keys = [m for m in missing if m != "the prediction"]
        raise PredictionMissing(keys)
