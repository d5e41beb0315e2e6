"""Think first, then see: a gate that keeps a measurement until its prediction is written,
and a hand-in that collects a group's predictions and checker verdicts.

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

import json
import math
import numbers
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["SHOW_ALL", "PredictionMissing", "hand_in", "is_answered", "read_hand_ins", "reveal_after", "show_all"]

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


# ---------------------------------------------------------------------------------------
# Hand-in: what a group predicted, and which of its functions passed their checkers.

_PREDICTION = re.compile(r"^my_prediction_(\d+)$")


def _plain(value: Any) -> Any:
    """``value`` as JSON: numbers, strings, lists and dicts as they are, anything else as text."""
    if value is Ellipsis:
        return "..."
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Real):
        f = float(value)
        return int(value) if isinstance(value, numbers.Integral) else (f if math.isfinite(f) else str(f))
    return str(value)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug or "group"


def hand_in(sheet: str, group: Any = ..., members: Any = ..., notes: str = "", *,
            namespace: dict | None = None, folder: str | os.PathLike = ".") -> dict | None:
    """Write a group's hand-in for one exercise sheet to a small JSON file, and say so.

    The file holds every ``my_prediction_N`` of the notebook (as written, placeholders
    included), the verdict of every checker the notebook imported (passed, not yet, or not
    run) and the group's ``notes``. The group uploads it to the course's site; a teacher reads
    a folder of them with :func:`read_hand_ins` (or ``python -m initlab.course FOLDER``).

    Parameters
    ----------
    sheet : the exercise sheet's label, e.g. ``"ex-vanishing-exploding"``
    group : the group's name or number (the placeholder ``...`` until it is filled in)
    members : the members' names, a list (or one string)
    notes : anything the group wants the teacher to read: a result, a surprise, a question
    namespace : where to look for predictions and checkers; the notebook's own variables
        (the caller's globals) by default
    folder : where to write the file

    Returns the hand-in as a dict, or None (and a sentence saying what to fill in) while
    ``group`` or ``members`` is still a placeholder.

    Example
    -------
    >>> import tempfile
    >>> ns = {"my_prediction_1": {"slope": 0.25}, "my_prediction_2": {"ratio": ...}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     record = hand_in("ex-demo", "Table 3", ["Ana", "Ben", "Chen"], namespace=ns, folder=tmp)
    ...     # doctest: +ELLIPSIS
    Hand-in for ex-demo, group Table 3 (Ana, Ben, Chen): 1 of 2 predictions written; no checker in this notebook...
    >>> record["predictions"]["2"]
    {'ratio': '...'}
    """
    if not isinstance(sheet, str) or not sheet.strip():
        raise ValueError(f"sheet must be the exercise sheet's label, a non-empty string such as "
                         f"'ex-vanishing-exploding'; got {sheet!r}")
    if isinstance(members, str) and not _blank(members):
        members = [m.strip() for m in members.split(",") if m.strip()]
    if _blank(group) or _blank(members) or (isinstance(members, (list, tuple)) and
                                            (not members or any(_blank(m) for m in members))):
        print("Not yet: fill in your group's name and its members' names (replace the ...), "
              "then run this cell again.")
        return None
    if not isinstance(members, (list, tuple)) or not all(isinstance(m, str) for m in members):
        raise ValueError(f"members must be a list of names, e.g. ['Ana', 'Ben', 'Chen']; got {members!r}")
    if not isinstance(notes, str):
        raise ValueError(f"notes must be text (a string); got {type(notes).__name__}")
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    predictions = {}
    for name in sorted((n for n in namespace if _PREDICTION.match(n)), key=lambda n: int(_PREDICTION.match(n)[1])):
        predictions[_PREDICTION.match(name)[1]] = _plain(namespace[name])
    checks = {}
    for name, value in sorted(namespace.items()):
        if name.startswith("check_") and callable(value) and hasattr(value, "function_name"):
            ok = getattr(value, "last_ok", None)
            checks[value.function_name] = "not run" if ok is None else ("passed" if ok else "not yet")
    record = {"sheet": sheet, "group": str(group), "members": list(members), "notes": notes,
              "written": time.strftime("%Y-%m-%d %H:%M"), "predictions": predictions, "checks": checks}
    path = Path(folder) / f"hand-in_{_slug(sheet)}_{_slug(str(group))}.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    written = sum(is_answered(p) for p in predictions.values())
    passed = [f for f, v in checks.items() if v == "passed"]
    check_text = (f"checks passed {len(passed)} of {len(checks)}" + (f" ({', '.join(passed)})" if passed else "")
                  if checks else "no checker in this notebook")
    print(f"Hand-in for {sheet}, group {group} ({', '.join(members)}): {written} of {len(predictions)} "
          f"predictions written; {check_text}. Saved as {path.name}: upload this file.")
    return record


def read_hand_ins(folder: str | os.PathLike) -> str:
    """A teacher's summary of the hand-in files in ``folder``: one Markdown table per sheet,
    a row per group (members, predictions written, checks passed, notes), then every
    group's answer to each prediction, side by side.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = hand_in("ex-demo", 1, "Ana, Ben", namespace={"my_prediction_1": 0.5}, folder=tmp)
    ...     _ = hand_in("ex-demo", 2, "Chen, Dana", namespace={"my_prediction_1": ...}, folder=tmp)
    ...     print(read_hand_ins(tmp))  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    Hand-in for ...
    ## ex-demo
    <BLANKLINE>
    | group | members | predictions written | checks passed | notes |
    |---|---|---|---|---|
    | 1 | Ana, Ben | 1 of 1 | – |  |
    | 2 | Chen, Dana | 0 of 1 | – |  |
    <BLANKLINE>
    Prediction 1: group 1: 0.5; group 2: ...
    """
    files = sorted(Path(folder).glob("hand-in_*.json"))
    if not files:
        raise ValueError(f"no hand-in files (hand-in_*.json) in {folder}")
    sheets: dict[str, list[dict]] = {}
    for f in files:
        try:
            record = json.loads(f.read_text(encoding="utf-8"))
            sheets.setdefault(record["sheet"], []).append(record)
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{f.name} is not a hand-in file written by initlab.course.hand_in ({exc})") from None

    def cell(text: Any) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    out = []
    for sheet, records in sheets.items():
        out += [f"## {sheet}", "", "| group | members | predictions written | checks passed | notes |",
                "|---|---|---|---|---|"]
        for r in records:
            preds, checks = r["predictions"], r["checks"]
            passed = sum(v == "passed" for v in checks.values())
            out.append(f"| {cell(r['group'])} | {cell(', '.join(r['members']))} | "
                       f"{sum(is_answered(p) for p in preds.values())} of {len(preds)} | "
                       f"{f'{passed} of {len(checks)}' if checks else '–'} | {cell(r['notes'])} |")
        out.append("")
        keys = sorted({k for r in records for k in r["predictions"]}, key=int)
        for k in keys:
            answers = "; ".join(f"group {r['group']}: {_show(r['predictions'].get(k, '...'))}" for r in records)
            out.append(f"Prediction {k}: {answers}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_show(v)}" for k, v in value.items())
    return str(value)


if __name__ == "__main__":  # python -m initlab.course FOLDER: the teacher's summary
    if len(sys.argv) != 2:
        sys.exit("usage: python -m initlab.course FOLDER  (the folder of the groups' hand-in_*.json files)")
    print(read_hand_ins(sys.argv[1]), end="")
