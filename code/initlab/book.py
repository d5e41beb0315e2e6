"""What the notebooks need from the book's build, without needing the build.

The chapters and exercises hand numbers to their text with myst-nb's ``glue``: a cell
computes a value, ``glue("name", value, display=False)`` records it, and the page quotes it
with ``{glue:text}`name```, so that no number in the prose is typed by hand. myst-nb is
part of the book's build (it comes with ``requirements.txt``), but a student who opens a
notebook in Colab, or on a hub that installed only this package, does not have it, and a
hard ``from myst_nb import glue`` would stop the notebook at its first cell.

:func:`glue` is myst-nb's ``glue`` when myst-nb is installed and otherwise a stand-in
with the same signature that keeps the value in :data:`GLUED` and, if ``display`` is true,
shows it as the real one would. The notebooks import it from here.

Example
-------
>>> from initlab.book import glue, GLUED
>>> glue("answer", 42, display=False)
>>> GLUED["answer"]
42
"""

from __future__ import annotations

from typing import Any

#: Every value glued in this kernel, by name (kept whichever ``glue`` does the recording).
GLUED: dict[str, Any] = {}


def _myst_nb_glue():
    try:
        from myst_nb import glue as real
    except ImportError:  # Colab, a package-only install: no build tools
        return None
    return real


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Record ``variable`` under ``name`` for the page's ``{glue:...}`` roles.

    With myst-nb installed this calls ``myst_nb.glue(name, variable, display)``, so the
    built page shows the value; without it the value is kept in :data:`GLUED` and, if
    ``display`` is true, displayed in the notebook. Either way the cell runs.
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"glue needs a non-empty string name; got {name!r}")
    GLUED[name] = variable
    real = _myst_nb_glue()
    if real is not None:
        real(name, variable, display=display)
    elif display:
        from IPython.display import display as show

        show(variable)


class Sentence(str):
    """A string that the page shows as written: ``{glue:text}`` of a plain ``str`` shows its
    repr, quotes included; glue a ``Sentence`` for words that the code chooses (a verdict
    that depends on the numbers).

    >>> Sentence("He is ahead")
    He is ahead
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's text/plain
        p.text(str(self))


__all__ = ["GLUED", "Sentence", "glue"]
