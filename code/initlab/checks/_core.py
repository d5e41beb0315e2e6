"""The machinery behind the exercise checkers: run a student's function safely, judge, explain.

Every *Implement* exercise of the book ends with a call such as ``check_he_std(he_std)``.
The checker runs the student's function on fresh inputs, compares the result with the
reference, and prints one or two plain sentences: what is right, or what is wrong together
with a hint that points at the likely mistake. It returns ``True`` or ``False`` and never
raises because of the answer.

How the exercises, the solutions and the checkers fit together
--------------------------------------------------------------
* **Student cell.** The notebook ships a stub that runs without error, for example::

      def he_std(fan_in):
          ...  # your code here

  A stub returns ``None`` (its body is ``...`` or ``pass``) or raises
  ``NotImplementedError``. :func:`call` recognises both and the checker answers
  "not written yet", so ``nbval`` runs the shipped notebooks cleanly.
* **Checker cell.** Right after it: ``check_he_std(he_std)``.
* **Reference solutions** live in ``initlab.solutions.<part>`` (``solutions/basics.py`` for
  the exercises of chapters 1–5, ``solutions/practice.py`` for chapters 6–9), one plain
  function per Implement exercise, with the same name and signature as the stub. The test
  suite (``tests/test_checks_<part>.py``) asserts that every reference passes its checker
  and that every listed typical mistake gets its own hint; this is where the references are
  *run*. Notebooks never call a checker on a reference (that would print the answer into the
  student's notebook and into the student edition of the site).
* **Solution box.** The book shows the reference code only inside a ``{solution}``
  directive, by including it from the module, so the text and the tested code cannot drift::

      ````{solution} ex-relu-he-3
      :class: dropdown

      One line of explanation.

      ```{literalinclude} ../code/initlab/solutions/basics.py
      :language: python
      :pyobject: he_std
      ```
      ````

  Keep *every* solution inside a ``{solution}`` directive (never in a gated
  ``solution-start``/``solution-end`` pair, never in a separate code cell): the student
  edition (``make book-student``) sets ``hide_solutions: true``, which removes exactly the
  ``{solution}`` directives and nothing else.

How to write a checker
----------------------
Write a private *body* that takes the student's function and a NumPy ``Generator`` and
either returns the success sentence or raises :class:`Fail` with the failure sentence, and
wrap it with :func:`checker`::

    from ._core import Fail, call, checker, close, number, match_mistake

    @checker("he_std")
    def check_he_std(answer, rng):
        fan_in = int(rng.integers(20, 400))           # fresh input: not the notebook's
        got = number(call(answer, fan_in), "he_std(fan_in)")
        want = math.sqrt(2 / fan_in)
        if close(got, want, rtol=1e-6):
            return f"he_std({fan_in}) = {got:.4f} = √(2/fan_in)."
        hint = match_mistake(got, [(math.sqrt(1 / fan_in), "you used variance 1/fan_in ..."),
                                   (2 / fan_in, "you returned the variance, not the std ...")])
        raise Fail(hint or f"he_std({fan_in}) should be {want:.4f}; yours gives {got:.4g}.")

Rules of thumb:

* Call the student's function only through :func:`call` (a worker thread with a 5 s time
  limit; exceptions, ``None`` and ``NotImplementedError`` become messages) and convert what
  it returns with :func:`number` or :func:`array` (wrong type, wrong shape, NaN become
  messages).
* Draw fresh inputs from the ``rng`` the wrapper passes (``check_x(f, rng=0)`` makes a run
  reproducible; the tests always pass a seed).
* Deterministic answers: compare with a relative tolerance of about ``1e-6``. Random answers
  (initializers): compare statistics with a tolerance derived from the sampling error,
  :func:`std_se` and :func:`mean_se`, allowing :data:`N_SE` standard errors; draw enough
  samples that every typical mistake is many standard errors away from the truth.
* Before the generic "should be … but is …" message, test the typical mistakes
  (:func:`match_mistake`) and name the one that fits. Each hint is one or two sentences.
* The wrapper prints ``"Correct: "`` or ``"Not yet: "`` in front of your sentence, checks that
  the answer is callable, and turns a bug in the checker itself into a message too.
* Export the public checker in the module's ``__all__``; ``initlab.checks`` re-exports every
  ``check_*`` of ``basics`` and ``practice``.

Why a thread and not a subprocess: a function defined in a notebook cannot be pickled
reliably into another process (on macOS and Windows a subprocess is spawned, not forked), and
Jupyter, nbval and Binder all run threads without trouble. When the time limit passes, the
worker thread is asked to stop (an asynchronous ``TimeoutError`` raised inside it, which ends
a pure-Python loop at its next step); a single very long NumPy call cannot be interrupted and
finishes in the background.

Example
-------
>>> from initlab.checks._core import call, Fail
>>> call(lambda x: x + 1, 1)
2
>>> try:
...     call(lambda x: None, 1)
... except Fail as f:
...     print(f.not_written)
True
"""

from __future__ import annotations

import ctypes
import functools
import math
import numbers
import threading
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .. import _validate

#: Seconds a student's function may take for one call.
TIMEOUT = 5.0

#: How many standard errors a statistical comparison allows. With 5, a correct answer fails
#: a two-sided Gaussian test with probability 6e-7.
N_SE = 5.0

#: The sentence for a function that is still the shipped stub.
NOT_WRITTEN = ("your function is not written yet (it returned None or raised NotImplementedError): "
               "fill in its cell, run it, then run the checker again.")


#: The sentence for a function that does some work but ends without ``return``.
NO_RETURN = ("your function returned None: it computes something but never returns it. "
             "Add a `return` line with the result at the end of the function, run its cell, then the checker again.")

#: Instructions that every function has, even an empty one (``RETURN_CONST`` from Python 3.12).
_TRIVIAL_OPS = {"RESUME", "NOP", "CACHE", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "POP_TOP"}


def is_stub(answer: Callable) -> bool:
    """True when ``answer``'s body does nothing: only a docstring, ``...`` or ``pass``.

    Read from its bytecode, so it works for functions typed in a notebook too. A callable
    without Python bytecode (a built-in, a class) counts as written.

    >>> def stub(x):
    ...     \"\"\"Return 2x.\"\"\"
    ...     ...  # your code here
    >>> def no_return(x):
    ...     y = 2 * x
    >>> is_stub(stub), is_stub(no_return)
    (True, False)
    """
    import dis

    code = getattr(answer, "__code__", None)
    if code is None:
        return False
    return all(ins.opname in _TRIVIAL_OPS and (ins.opname not in ("LOAD_CONST", "RETURN_CONST") or ins.argval is None)
               for ins in dis.get_instructions(code))


class Fail(Exception):
    """A wrong answer, with the sentence the student should read.

    ``not_written`` is True when the function is still the shipped stub.
    """

    def __init__(self, message: str, not_written: bool = False):
        super().__init__(message)
        self.message = message
        self.not_written = not_written


def _describe_args(name: str, args: tuple, kwargs: dict) -> str:
    parts = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _short(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}>"
    if isinstance(value, np.random.Generator):
        return "rng"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _stop_thread(thread: threading.Thread) -> None:
    """Ask ``thread`` to stop by raising TimeoutError inside it (CPython only; best effort)."""
    ident = thread.ident
    if ident is None or not thread.is_alive():
        return
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(TimeoutError))
    except Exception:  # other interpreters: the thread finishes in the background
        pass


def call(answer: Callable, *args, timeout: float | None = None, allow_none: bool = False, **kwargs) -> Any:
    """Call ``answer(*args, **kwargs)`` in a worker thread and return its value.

    Raises :class:`Fail` (with a sentence for the student) when the function raises, takes
    longer than ``timeout`` seconds (default :data:`TIMEOUT`), or is not written yet (returns ``None`` or ``...``,
    or raises ``NotImplementedError``). ``allow_none=True`` accepts ``None`` as a value.

    >>> call(max, 3, 4)
    4
    """
    if timeout is None:
        timeout = TIMEOUT
    name = getattr(answer, "__name__", "your_function")
    if not name.isidentifier():
        name = "your_function"
    box: dict = {}

    def work():
        try:
            box["value"] = answer(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - everything becomes a message
            box["error"] = exc

    thread = threading.Thread(target=work, name=f"initlab-check-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        _stop_thread(thread)
        raise Fail(
            f"{_describe_args(name, args, kwargs)} took longer than {timeout:g} s; "
            "look for a loop that never ends or a Python loop over many elements that NumPy can do at once."
        )
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, NotImplementedError):
            raise Fail(NOT_WRITTEN, not_written=True)
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        raise Fail(f"{_describe_args(name, args, kwargs)} raised {detail[:200]}.")
    value = box.get("value")
    if value is Ellipsis or (value is None and not allow_none):
        if value is None and not is_stub(answer):
            raise Fail(NO_RETURN)
        raise Fail(NOT_WRITTEN, not_written=True)
    return value


def number(value: Any, what: str) -> float:
    """Return ``value`` as a finite float, or raise :class:`Fail` saying what is wrong with it.

    Accepts Python and NumPy numbers and arrays with exactly one element.

    >>> number(np.float32(0.5), "x")
    0.5
    """
    if isinstance(value, (bool, np.bool_)):
        raise Fail(f"{what} returned a bool ({value}); it should return a number.")
    if isinstance(value, np.ndarray):
        if value.size != 1:
            raise Fail(f"{what} returned an array of shape {value.shape}; it should return one number.")
        value = value.reshape(()).item()
    if isinstance(value, (list, tuple)):
        raise Fail(f"{what} returned a {type(value).__name__} of length {len(value)}; it should return one number.")
    if isinstance(value, complex) and not isinstance(value, numbers.Real):
        raise Fail(f"{what} returned a complex number ({value}); it should return a real number.")
    if not isinstance(value, numbers.Real):
        raise Fail(f"{what} returned {type(value).__name__} ({_short(value)}); it should return a number.")
    x = float(value)
    if math.isnan(x):
        raise Fail(f"{what} returned NaN; look for 0/0, the square root of a negative number, or an overflow.")
    if math.isinf(x):
        raise Fail(f"{what} returned {x}; look for a division by zero or an overflow.")
    return x


def array(value: Any, what: str, shape: Sequence[int] | None = None, allow_scalar: bool = False) -> np.ndarray:
    """Return ``value`` as a float ndarray of ``shape`` (if given), or raise :class:`Fail`.

    Lists are accepted; NaN and infinite entries, strings and objects are not.

    >>> array([1, 2], "f(x)", shape=(2,))
    array([1., 2.])
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise Fail(f"{what} returned {type(value).__name__}; it should return a NumPy array"
                   + (f" of shape {tuple(shape)}." if shape is not None else "."))
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Fail(f"{what} returned {type(value).__name__}, which is not an array of numbers.") from None
    if shape is not None:
        shape = tuple(int(s) for s in shape)
        if arr.ndim == 0 and not allow_scalar:
            raise Fail(f"{what} returned a single number; it should return an array of shape {shape}.")
        if arr.ndim != 0 and arr.shape != shape:
            hint = ""
            if arr.shape == shape[::-1] and len(shape) == 2:
                hint = " (rows and columns swapped: a weight matrix has shape (fan_in, fan_out))"
            raise Fail(f"{what} returned an array of shape {arr.shape}; expected {shape}{hint}.")
    n_bad = int(np.count_nonzero(~np.isfinite(arr)))
    if n_bad:
        kind = "NaN" if np.isnan(arr).any() else "infinite"
        raise Fail(f"{what} returned {n_bad} {kind} value{'s' if n_bad > 1 else ''}; "
                   "look for 0/0, a division by zero or an overflow.")
    return arr


def close(got: float, want: float, rtol: float = 1e-6, atol: float = 1e-12) -> bool:
    """True when ``got`` equals ``want`` within ``rtol`` (relative) or ``atol`` (absolute)."""
    return bool(abs(got - want) <= max(atol, rtol * abs(want)))


def match_mistake(got, candidates: Iterable[tuple[Any, str]], rtol: float = 1e-6, atol: float = 1e-12) -> str | None:
    """Return the hint of the candidate whose predicted value matches ``got``.

    ``candidates`` are ``(predicted, hint)`` pairs: what a typical mistake would return and
    the sentence that explains it. Values may be numbers or arrays (compared elementwise).
    When several match (two mistakes can give nearly the same value for some inputs), the
    nearest one wins; on a tie, the first.

    >>> match_mistake(0.5, [(0.25, "squared"), (0.5, "halved")])
    'halved'
    >>> match_mistake(1.0, [(1.01, "near"), (1.0, "exact")], rtol=0.02)
    'exact'
    """
    g = np.asarray(got, dtype=float)
    best, best_gap = None, math.inf
    for predicted, hint in candidates:
        p = np.asarray(predicted, dtype=float)
        if p.shape != g.shape and p.size != 1:
            continue
        gap = np.abs(g - p)
        if np.all(gap <= np.maximum(atol, rtol * np.abs(p))):
            worst = float(np.max(gap / np.maximum(np.abs(p), atol)))
            if worst < best_gap:
                best, best_gap = hint, worst
    return best


def std_se(sigma: float, n: int, kurtosis: float = 3.0) -> float:
    """Standard error of the sample standard deviation of ``n`` i.i.d. draws.

    By the delta method, sd(s) ≈ sd(s²)/(2σ) and Var(s²) ≈ σ⁴(κ − 1)/n, where κ is the
    kurtosis of the distribution (3 for a normal, 9/5 for a uniform), so
    sd(s) ≈ σ √((κ − 1)/(4n)).

    >>> round(std_se(1.0, 10_000), 5)
    0.00707
    """
    return float(sigma) * math.sqrt((kurtosis - 1.0) / (4.0 * n))


def mean_se(sigma: float, n: int) -> float:
    """Standard error of the mean of ``n`` i.i.d. draws with standard deviation ``sigma``."""
    return float(sigma) / math.sqrt(n)


def fmt(x: float) -> str:
    """A short, readable number: 4 significant digits."""
    return f"{x:.4g}"


def checker(function_name: str, expects: str = "function"):
    """Turn a checker body into a public checker that prints its verdict and returns a bool.

    Parameters
    ----------
    function_name : the name of the function the exercise asks for (used in messages)
    expects : ``"function"`` (the answer must be callable) or ``"value"`` (any object)

    The body is called as ``body(answer, rng)`` and returns the success sentence or raises
    :class:`Fail`. The public checker has the signature ``check(answer, *, rng=None,
    verbose=True) -> bool``; ``rng`` is a Generator or a seed for the fresh inputs.
    """

    def wrap(body: Callable[[Any, np.random.Generator], str]):
        @functools.wraps(body)
        def check(answer, *, rng=None, verbose: bool = True) -> bool:
            ok = False
            try:
                gen = _validate.generator(rng)
                if expects == "function" and not callable(answer):
                    if answer is None:
                        raise Fail(f"pass the function itself: {body.__name__}({function_name}); "
                                   f"you passed None (did you call it, {body.__name__}({function_name}()), or forget to define it?).")
                    raise Fail(f"pass the function itself, {body.__name__}({function_name}), not the result of calling it; "
                               f"you passed a {type(answer).__name__}.")
                message = body(answer, gen)
                ok = True
            except Fail as failure:
                message = failure.message
            except Exception as exc:  # a bug in the checker must not look like the student's
                message = (f"the checker itself failed ({type(exc).__name__}: {exc}); "
                           "please tell your teacher or open an issue on the book's repository.")
            if verbose:
                print(("Correct: " if ok else "Not yet: ") + message)
            check.last_message, check.last_ok = message, ok
            return ok

        check.last_message = ""
        check.last_ok = None  # not run yet (initlab.course.hand_in reports it so)
        check.function_name = function_name
        return check

    return wrap


__all__ = [
    "TIMEOUT",
    "N_SE",
    "NOT_WRITTEN",
    "NO_RETURN",
    "is_stub",
    "Fail",
    "call",
    "number",
    "array",
    "close",
    "match_mistake",
    "std_se",
    "mean_se",
    "fmt",
    "checker",
]
