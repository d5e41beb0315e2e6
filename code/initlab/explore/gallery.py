"""Explorers on the static website: precomputed pictures behind buttons, without JavaScript.

Without a kernel an explorer cannot compute. For the website it is therefore run in advance
for every combination of a few values of its main controls (the explorer's
``gallery_choices``), and all the pictures go into one block of HTML:

* each control becomes a row of radio buttons, a ``fieldset`` whose ``legend`` names it;
* one CSS rule per picture, ``#g:has(#g-0-1:checked):has(#g-1-0:checked) .ig-f3
  {display: block}``, shows the picture of the chosen combination and no other.

The page needs no script: the gallery works with JavaScript switched off, with the keyboard
(Tab to a row, arrow keys within it) and with a screen reader (rows are labelled groups,
every picture has its own alt text and a caption with the explorer's one-sentence summary).
A browser without ``:has()`` shows the picture of the default settings, and so does
a printout (the PDF), without the buttons.

The pictures are the explorer's own renderings (``Explorer.update``), laid out at
``GALLERY_DPI`` and drawn at twice that for high-density screens (``plots.sharp.SCALE``),
reduced to 256 colours. In the notebook output they are data URIs; the book's build turns
them into separate files that the page fetches only when a picture is shown
(``_ext/explorer_galleries.py``).

Galleries are made only when the environment variable ``INITLAB_EXPLORER_GALLERY`` is ``1``.
The book's build sets it for the kernels that execute the notebooks
(``_ext/explorer_galleries.py``); in a live notebook the explorer is the widget, and
computing pictures nobody sees would only slow the cell down.

Example
-------
>>> from initlab.explore import weights_explorer
>>> html = weights_explorer().gallery_html({"fan_in": [10, 100]})
>>> html.count('<img ')
2
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import math
import os
import re
from numbers import Real

from ..plots.sharp import SCALE, compact_png, png_size

#: Environment variable that turns galleries on (``"1"``) in the explorers' rich display.
GALLERY_ENV = "INITLAB_EXPLORER_GALLERY"
#: Layout resolution of the gallery's pictures: their size on the page is the figure's size
#: at this dpi, and they are drawn at SCALE times it (the live widget draws at a lower one,
#: for speed).
GALLERY_DPI = 80
#: Most pictures one gallery may hold (each is 30–50 KB, a file the page fetches when shown;
#: the notebook output carries them all).
MAX_FRAMES = 48

_ids = itertools.count(1)

#: Styles shared by every gallery (scoped to .initlab-gallery). Like the book's figures, a
#: gallery is drawn on white in the light and the dark theme; its colours reach WCAG AA
#: contrast there (text 4.5:1 or more, button borders and focus ring 3:1 or more).
BASE_CSS = """
.initlab-gallery { margin: 0.5rem 0 1rem; padding: 0.5rem; text-align: left;
  background: #fff; color: #1f1f1f; border-radius: 0.3rem; }
.initlab-gallery fieldset.ig-row { display: flex; flex-wrap: wrap; align-items: center;
  gap: 0.3rem; border: 0; margin: 0 0 0.45rem; padding: 0; min-width: 0; }
.initlab-gallery legend { float: left; font-weight: 600; font-size: 0.9rem;
  margin: 0 0.4rem 0 0; padding: 0; width: auto; color: #1f1f1f; }
.initlab-gallery input[type="radio"] { position: absolute; opacity: 0; width: 1px;
  height: 1px; margin: 0; }
.initlab-gallery label { display: inline-block; margin: 0; padding: 0.1rem 0.55rem;
  font-size: 0.9rem; line-height: 1.5; border: 1px solid #6b6b6b; border-radius: 0.3rem;
  cursor: pointer; background: #fff; color: #1f1f1f; }
.initlab-gallery label:hover { border-color: #0f5bc7; }
.initlab-gallery input:checked + label { background: #0f5bc7; border-color: #0f5bc7;
  color: #fff; }
.initlab-gallery input:focus-visible + label { outline: 3px solid #b34700;
  outline-offset: 2px; }
.initlab-gallery .ig-frame { display: none; }
.initlab-gallery .ig-frame.ig-default { display: block; }
.initlab-gallery .ig-frame img { display: block; max-width: 100%; height: auto; }
.initlab-gallery .ig-caption, .initlab-gallery .ig-note { font-size: 0.9rem;
  margin: 0.35rem 0 0; color: #1f1f1f; }
@media print {
  .initlab-gallery .ig-controls, .initlab-gallery .ig-note { display: none; }
}
"""


def gallery_enabled() -> bool:
    """True when the explorers should add a gallery to their rich display."""
    return os.environ.get(GALLERY_ENV, "") == "1"


def value_label(name: str, value) -> str:
    """How a control value is written on its button (``relu`` -> ``ReLU``, 0.5 -> ``0.5``)."""
    from ..plots.style import activation_label, scheme_label

    if name == "activation":
        return activation_label(value)
    if name == "scheme":
        return scheme_label(value)
    if isinstance(value, Real) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


#: Plain-text names of the book's symbols with a subscript, as the explorers write them.
_SUBSCRIPTED = re.compile(r"\b([CK])_([A-Za-z0-9]+)\b")


def html_text(text: str) -> str:
    """Plain explorer text as HTML: escaped, with ``C_W`` and ``C_b`` set as C<sub>W</sub>
    and C<sub>b</sub> (a reader of the page should not see the underscore of plain text)."""
    return _SUBSCRIPTED.sub(r"\1<sub>\2</sub>", html.escape(text))


def resolve_choices(explorer, choices: dict) -> dict[str, list]:
    """Check ``choices`` (control name -> values) against the explorer's controls and return
    them in the controls' order: numbers sorted, other values in the order given, and each
    list holding the explorer's current value (so the gallery opens at the current settings).

    Raises ValueError, naming the control and what it allows, for an unknown control, an
    empty list, a value the control does not offer, or more than MAX_FRAMES combinations.
    """
    if not isinstance(choices, dict) or not choices:
        raise ValueError(
            f"gallery choices must be a non-empty dict of control name -> list of values; got {choices!r}"
        )
    controls = explorer.controls_dict
    current = explorer.settings()
    unknown = [n for n in choices if n not in controls]
    if unknown:
        raise ValueError(
            f"the {explorer.name} explorer has no control {unknown[0]!r}; its controls are: {', '.join(controls)}"
        )
    out = {}
    for name in controls:
        if name not in choices:
            continue
        values = choices[name]
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ValueError(f"give the values of {name!r} as a list; got {values!r}")
        values = list(values)
        if not values:
            raise ValueError(f"give at least one value for {name!r}")
        control = controls[name]
        if hasattr(control, "options") and not hasattr(control, "min"):
            options = list(control.options)
            bad = [v for v in values if v not in options]
            if bad:
                raise ValueError(f"{bad[0]!r} is not a choice of {name!r}; allowed: {', '.join(map(str, options))}")
            ordered = list(dict.fromkeys(values))  # the order given, without repeats
            out[name] = ordered if current[name] in ordered else [current[name], *ordered]
        else:
            kind = type(control.value)
            checked = []
            for v in values:
                if not isinstance(v, Real) or isinstance(v, bool) or not math.isfinite(v):
                    raise ValueError(f"values of {name!r} must be finite numbers; got {v!r}")
                if not control.min <= v <= control.max:
                    raise ValueError(
                        f"{name} = {v:g} is outside the slider's range [{control.min:g}, {control.max:g}]"
                    )
                if kind is int and v != int(v):
                    raise ValueError(f"{name!r} takes whole numbers; got {v!r}")
                checked.append(kind(v))
            out[name] = sorted(set(checked) | {current[name]})
    n_frames = math.prod(len(v) for v in out.values())
    if n_frames > MAX_FRAMES:
        sizes = " × ".join(f"{len(v)} {n}" for n, v in out.items())
        raise ValueError(
            f"{sizes} make {n_frames} pictures, more than the {MAX_FRAMES} a page can carry; choose fewer values"
        )
    return out


def _settings_text(explorer, settings: dict, names) -> str:
    return ", ".join(f"{explorer.controls_dict[n].description} {value_label(n, settings[n])}" for n in names)


def gallery_html(explorer, choices: dict | None = None, dpi: int = GALLERY_DPI) -> str:
    """The explorer as a static gallery: one picture per combination of ``choices``.

    ``choices`` maps control names to the values offered (default: the explorer's
    ``gallery_choices``); the other controls keep the explorer's current values, and the
    gallery opens at the current settings. Returns one self-contained block of HTML
    (markup, a <style> element and the pictures as data URIs).
    """
    from ._base import ImmediateScheduler

    if choices is None:
        choices = getattr(explorer, "gallery_choices", None)
    choices = resolve_choices(explorer, choices)
    if not isinstance(dpi, int) or isinstance(dpi, bool) or not 30 <= dpi <= 300:
        raise ValueError(f"dpi must be a whole number from 30 to 300; got {dpi!r}")
    base = explorer.settings()
    names = list(choices)
    fixed = [n for n in explorer.controls_dict if n not in choices]
    gid = f"ig-{explorer.name.replace('_', '-')}-{next(_ids)}"
    worker = type(explorer)(scheduler=ImmediateScheduler(), **base)
    worker.picture_format = "png"  # the gallery's pictures are PNGs: draw nothing else
    worker.set_dpi(dpi * SCALE)

    rows, rules, frames = [], [], []
    for i, name in enumerate(names):
        control = explorer.controls_dict[name]
        buttons = []
        for k, value in enumerate(choices[name]):
            rid = f"{gid}-{i}-{k}"
            checked = " checked" if value == base[name] else ""
            buttons.append(
                f'<input type="radio" id="{rid}" name="{gid}-{i}" value="{html.escape(str(value))}"{checked}>'
                f'<label for="{rid}">{html.escape(value_label(name, value))}</label>'
            )
        rows.append(
            f'<fieldset class="ig-row"><legend>{html_text(control.description)}</legend>{"".join(buttons)}</fieldset>'
        )
    for f, combo in enumerate(itertools.product(*(range(len(choices[n])) for n in names))):
        settings = {**base, **{n: choices[n][k] for n, k in zip(names, combo)}}
        state = worker.update(**settings)
        png = compact_png(worker.last_png)
        width, height = (n // SCALE for n in png_size(png))
        is_default = all(settings[n] == base[n] for n in names)
        label = _settings_text(explorer, settings, names)
        summary = worker.describe(state)
        alt = f"The {explorer.title} explorer with {label}. {summary}"
        rules.append(
            f"#{gid}" + "".join(f":has(#{gid}-{i}-{k}:checked)" for i, k in enumerate(combo)) + f" .ig-f{f}"
        )
        data_settings = html.escape(json.dumps(settings), quote=True)
        frames.append(
            f'<div class="ig-frame ig-f{f}{" ig-default" if is_default else ""}" data-settings="{data_settings}">'
            f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" width="{width}" '
            f'height="{height}" alt="{html.escape(alt, quote=True)}">'
            f'<p class="ig-caption"><strong>{html_text(label[0].upper() + label[1:])}.</strong> '
            f"{html_text(summary)}</p></div>"
        )
    fixed_text = _settings_text(explorer, base, fixed)
    note = (
        f"These {len(frames)} pictures were computed in advance: choose a value in each row above"
        + (f"; the other settings stay at {fixed_text}." if fixed else ".")
        + " In the notebook the explorer has a slider for every setting, with any value in between:"
        " open this page as a notebook with the launch button at the top of the page (Binder, Colab"
        " or JupyterHub), or on your own machine, and run the cell."
    )
    css = (
        BASE_CSS
        + f"#{gid}:has(input:checked) .ig-frame.ig-default {{ display: none; }}\n"
        + ",\n".join(rules)
        + " { display: block; }\n"
    )
    return (
        f'<div class="initlab-gallery" id="{gid}" data-explorer="{explorer.name}">'
        f"<style>{css}</style>"
        f'<div class="ig-controls" role="group" aria-label="settings of the {html.escape(explorer.title)} explorer">'
        f'{"".join(rows)}</div>'
        f'<div class="ig-frames">{"".join(frames)}</div>'
        f'<p class="ig-note">{html.escape(note)}</p></div>'
    )
