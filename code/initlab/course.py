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

__all__ = ["SHOW_ALL", "HandIn", "HandInError", "PredictionMissing", "hand_in", "is_answered", "read_hand_ins",
           "reveal_after", "show_all"]

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


class HandInError(ValueError):
    """A hand-in that cannot be written or read, with what was wrong and what is allowed.

    In IPython only the sentence is shown, without a traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[1;31mNot handed in:\x1b[0m {self}"]


class HandIn(dict):
    """A hand-in record (a dict, as saved in its JSON file) that a notebook shows in one line."""

    def __repr__(self) -> str:
        return f"HandIn({self['sheet']!r}, group {self['group']!r}, saved as {self['file']!r})"

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))


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
    """A file-name part for ``text``: letters of any script and digits, the rest as ``-``."""
    slug = re.sub(r"[^\w]+", "-", text.casefold()).strip("-_")
    return slug or "group"


def _verdicts(checks: dict) -> str:
    counts = {v: sum(1 for x in checks.values() if x == v) for v in ("passed", "not yet", "not run")}
    return ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "–"


def hand_in(sheet: str, group: Any = ..., members: Any = ..., notes: str = "", *, predictions: int | None = None,
            namespace: dict | None = None, folder: str | os.PathLike = ".") -> HandIn | None:
    """Write a group's hand-in for one exercise sheet to a small JSON file, and say so.

    The file holds every ``my_prediction_N`` of the notebook (as written, placeholders
    included), the verdict of every checker the notebook imported (passed, not yet, or not
    run) and the group's ``notes``. The group uploads it to the course's site; a teacher reads
    a folder of them with :func:`read_hand_ins` (or ``python -m initlab.course FOLDER``).

    Parameters
    ----------
    sheet : the exercise sheet's label, e.g. ``"ex-vanishing-exploding"``
    group : the group's name or number (the placeholder ``...`` until it is filled in)
    members : the members' names, a list (or one string, names separated by commas)
    notes : anything the group wants the teacher to read: a result, a surprise, a question
    predictions : how many prediction cells the sheet has (the notebook's cell says), so
        that predictions whose cells were never run count as not written
    namespace : where to look for predictions and checkers; the notebook's own variables
        (the caller's globals) by default
    folder : where to write the file

    Returns the hand-in (a dict, shown in one line), or None and a sentence saying what to
    fill in while ``group`` or ``members`` is still a placeholder. Bad input raises
    :class:`HandInError`, whose message says what is allowed.

    Example
    -------
    >>> import tempfile
    >>> ns = {"my_prediction_1": {"slope": 0.25}, "my_prediction_2": {"ratio": ...}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     record = hand_in("ex-demo", "Table 3", ["Ana", "Ben", "Chen"], predictions=3, namespace=ns,
    ...                      folder=tmp)  # doctest: +ELLIPSIS
    Hand-in for ex-demo, group Table 3 (Ana, Ben, Chen): 1 of 3 predictions written (1 cell not run); ...
    >>> record["predictions"]["2"], record
    ({'ratio': '...'}, HandIn('ex-demo', group 'Table 3', saved as 'hand-in_ex-demo_table-3.json'))
    """
    if not isinstance(sheet, str) or not sheet.strip():
        raise HandInError(f"sheet must be the exercise sheet's label, a non-empty string such as "
                          f"'ex-vanishing-exploding'; got {sheet!r}")
    if isinstance(members, str) and not _blank(members):
        members = [m.strip() for m in members.split(",") if m.strip()]
    if _blank(group) or _blank(members) or (isinstance(members, (list, tuple)) and
                                            (not members or any(_blank(m) for m in members))):
        print("Not yet: fill in your group's name and its members' names (replace the ...), "
              "then run this cell again.")
        return None
    if not isinstance(members, (list, tuple)) or not all(isinstance(m, str) for m in members):
        raise HandInError(f"members must be a list of names in quotes, e.g. ['Ana', 'Ben', 'Chen']; got {members!r}")
    if not isinstance(notes, str):
        raise HandInError(f'notes must be text in quotes, e.g. notes="He won with ReLU", or "" for none; '
                          f"got {type(notes).__name__}")
    if predictions is not None and (not isinstance(predictions, int) or isinstance(predictions, bool)
                                    or predictions < 0):
        raise HandInError(f"predictions must be the number of prediction cells, a whole number >= 0; got {predictions!r}")
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    found = {}
    for name in sorted((n for n in namespace if _PREDICTION.match(n)), key=lambda n: int(_PREDICTION.match(n)[1])):
        found[_PREDICTION.match(name)[1]] = _plain(namespace[name])
    checks = {}
    for name, value in sorted(namespace.items()):
        if name.startswith("check_") and callable(value) and hasattr(value, "function_name"):
            ok = getattr(value, "last_ok", None)
            checks[value.function_name] = "not run" if ok is None else ("passed" if ok else "not yet")
    total = max(predictions if predictions is not None else 0, len(found))
    path = Path(folder) / f"hand-in_{_slug(sheet)}_{_slug(str(group))}.json"
    record = HandIn(sheet=sheet, group=str(group), members=list(members), notes=notes,
                    written=time.strftime("%Y-%m-%d %H:%M:%S"), predictions=found, predictions_total=total,
                    checks=checks, file=path.name)
    try:
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise HandInError(f"could not write {path}: {exc.strerror}; pass folder= a folder you can write to") from None
    written = sum(is_answered(p) for p in found.values())
    unrun = total - len(found)
    passed = [f for f, v in checks.items() if v == "passed"]
    check_text = (f"checks: {_verdicts(checks)}" + (f" ({', '.join(passed)} passed)" if passed else "")
                  if checks else "no checker in this notebook")
    print(f"Hand-in for {sheet}, group {group} ({', '.join(members)}): {written} of {total} predictions written"
          + (f" ({unrun} cell{'s' if unrun != 1 else ''} not run)" if unrun else "")
          + f"; {check_text}. Saved as {path.name}: upload this file.")
    return record


def read_hand_ins(folder: str | os.PathLike) -> str:
    """A teacher's summary of the hand-in files in ``folder``: one Markdown table per sheet,
    a row per group (members, predictions written, checkers passed / not yet / not run,
    notes), then every group's answer to each prediction, side by side.

    Every ``*.json`` file of the folder is read, whatever a course site renamed it to; the
    files that are not hand-ins are listed at the end. When a group handed in a sheet more
    than once (a browser saves a second download as ``… (1).json``), the latest counts.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = hand_in("ex-demo", 1, "Ana, Ben", predictions=1, namespace={"my_prediction_1": 0.5}, folder=tmp)
    ...     _ = hand_in("ex-demo", 2, "Chen, Dana", predictions=1, namespace={}, folder=tmp)
    ...     print(read_hand_ins(tmp))  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    Hand-in for ...
    ## ex-demo
    <BLANKLINE>
    | group | members | predictions written | checkers | notes |
    |---|---|---|---|---|
    | 1 | Ana, Ben | 1 of 1 | – |  |
    | 2 | Chen, Dana | 0 of 1 | – |  |
    <BLANKLINE>
    Prediction 1: group 1: 0.5; group 2: (cell not run)
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise HandInError(f"{folder} is not a folder: pass the folder that holds the groups' hand-in files")
    files = sorted(folder.glob("*.json"))
    if not files:
        raise HandInError(f"no hand-in files (*.json) in {folder}")
    latest: dict[tuple[str, str], dict] = {}
    skipped = []
    for f in files:
        try:
            record = json.loads(f.read_text(encoding="utf-8"))
            key = (record["sheet"], str(record["group"]).casefold())
            record["predictions"], record["checks"], record["members"]  # noqa: B018 - required keys
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            skipped.append(f.name)
            continue
        if key not in latest or record.get("written", "") >= latest[key].get("written", ""):
            latest[key] = record
    if not latest:
        raise HandInError(f"none of the {len(files)} .json files in {folder} is a hand-in written by "
                          "initlab.course.hand_in")
    sheets: dict[str, list[dict]] = {}
    for (sheet, _), record in sorted(latest.items(), key=lambda kv: (kv[0][0], str(kv[1]["group"]))):
        sheets.setdefault(sheet, []).append(record)

    def cell(text: Any) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    out = []
    for sheet, records in sheets.items():
        out += [f"## {sheet}", "", "| group | members | predictions written | checkers | notes |",
                "|---|---|---|---|---|"]
        for r in records:
            preds = r["predictions"]
            total = max(int(r.get("predictions_total", 0)), len(preds))
            out.append(f"| {cell(r['group'])} | {cell(', '.join(r['members']))} | "
                       f"{sum(is_answered(p) for p in preds.values())} of {total} | "
                       f"{_verdicts(r['checks'])} | {cell(r['notes'])} |")
        out.append("")
        keys = sorted({k for r in records for k in r["predictions"]}, key=int)
        for k in keys:
            answers = "; ".join(f"group {r['group']}: {_show(r['predictions'][k]) if k in r['predictions'] else '(cell not run)'}"
                                for r in records)
            out.append(f"Prediction {k}: {answers}")
        out.append("")
    if skipped:
        out.append(f"Not hand-in files, skipped: {', '.join(skipped)}")
    return "\n".join(out).rstrip() + "\n"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} = {_show(v)}" for k, v in value.items())
    return str(value)


if __name__ == "__main__":  # python -m initlab.course FOLDER: the teacher's summary
    if len(sys.argv) != 2:
        sys.exit("usage: python -m initlab.course FOLDER  (the folder of the groups' hand-in .json files)")
    try:
        print(read_hand_ins(sys.argv[1]), end="")
    except HandInError as exc:
        sys.exit(f"error: {exc}")
