"""Tests of the explorers' static galleries (initlab.explore.gallery): the choices are
checked with clear errors, every combination has exactly one picture and one CSS rule that
shows it, the pictures are the explorer's own drawings with alt text and captions that say
what the explorer computes, and the book's build turns galleries on."""

import base64
import html.parser
import importlib.util
import io
import itertools
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from initlab.explore import (
    EXPLORERS,
    GALLERY_ENV,
    CriticalityExplorer,
    ImmediateScheduler,
    RaceExplorer,
    SignalExplorer,
    WeightsExplorer,
    compute_weights,
)
from initlab.explore import gallery as G

ROOT = Path(__file__).resolve().parents[1]


class _Parsed(html.parser.HTMLParser):
    """The parts of a gallery's HTML the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.radios, self.labels, self.frames, self.legends = [], {}, [], []
        self.css = ""
        self._in = None
        self._label_for = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input":
            self.radios.append(a)
        elif tag == "label":
            self._label_for, self._in = a["for"], "label"
            self.labels[a["for"]] = ""
        elif tag == "div" and "ig-frame" in a.get("class", "").split():
            self.frames.append({"class": a["class"].split(), "settings": json.loads(a["data-settings"]),
                                "caption": ""})
        elif tag == "img" and self.frames:
            self.frames[-1]["img"] = a
        elif tag == "p" and "ig-caption" in a.get("class", ""):
            self._in = "caption"
        elif tag in ("style", "legend"):
            self._in = tag
            if tag == "legend":
                self.legends.append("")

    def handle_endtag(self, tag):
        if tag in ("label", "p", "style", "legend"):
            self._in = None

    def handle_data(self, data):
        if self._in == "label":
            self.labels[self._label_for] += data
        elif self._in == "caption":
            self.frames[-1]["caption"] += data
        elif self._in == "style":
            self.css += data
        elif self._in == "legend":
            self.legends[-1] += data


@pytest.fixture(scope="module")
def small():
    """A gallery of the weights explorer with 2 x 2 pictures, and its parsed form."""
    ex = WeightsExplorer(scheduler=ImmediateScheduler(), fan_in=10, fan_out=20)
    text = ex.gallery_html({"fan_in": [100, 10], "fan_out": [1000]})
    return ex, text, _Parsed(text)


def test_choices_are_completed_and_ordered():
    ex = SignalExplorer(scheduler=ImmediateScheduler(), activation="tanh", depth=10)
    got = G.resolve_choices(ex, {"depth": [50, 5, 50], "activation": ["relu", "selu"]})
    # The controls' order, numbers sorted without repeats, and the current value added.
    assert list(got) == ["activation", "depth"]
    assert got["depth"] == [5, 10, 50]
    assert got["activation"] == ["tanh", "relu", "selu"]


@pytest.mark.parametrize(
    "choices, message",
    [
        ({"fanin": [1]}, "no control 'fanin'; its controls are: fan_in, fan_out"),
        ({"fan_in": []}, "at least one value for 'fan_in'"),
        ({"fan_in": 10}, "as a list"),
        ({"fan_in": [0]}, "fan_in = 0 is outside the slider's range [1, 1000]"),
        ({"fan_in": [2.5]}, "'fan_in' takes whole numbers"),
        ({"fan_in": [float("nan")]}, "must be finite numbers"),
        ({"fan_in": ["ten"]}, "must be finite numbers"),
        ({"fan_in": list(range(1, 50)), "fan_out": [1, 2]}, "more than the 48 a page can carry"),
        ({}, "non-empty dict"),
        ([("fan_in", [1])], "non-empty dict"),
    ],
)
def test_bad_choices_are_clear_errors(choices, message):
    ex = WeightsExplorer(scheduler=ImmediateScheduler())
    with pytest.raises(ValueError, match=re.escape(message)):
        G.resolve_choices(ex, choices)


def test_bad_dropdown_value_names_the_allowed_ones():
    ex = CriticalityExplorer(scheduler=ImmediateScheduler())
    with pytest.raises(ValueError, match=re.escape("'sigmoid' is not a choice of 'activation'; allowed: tanh, relu")):
        G.resolve_choices(ex, {"activation": ["sigmoid"]})


@pytest.mark.parametrize("dpi", [0, 29, 301, 80.0, True])
def test_bad_dpi_is_a_clear_error(dpi):
    ex = WeightsExplorer(scheduler=ImmediateScheduler())
    with pytest.raises(ValueError, match="dpi must be a whole number from 30 to 300"):
        ex.gallery_html({"fan_in": [10]}, dpi=dpi)


def test_one_picture_and_one_rule_per_combination(small):
    ex, text, p = small
    combos = {(f["settings"]["fan_in"], f["settings"]["fan_out"]) for f in p.frames}
    assert combos == set(itertools.product([10, 100], [20, 1000])) and len(p.frames) == 4
    # Two rows of radios (one group each), a label for every radio, legends from the controls.
    assert p.legends == ["fan-in", "fan-out"]
    groups = {r["name"] for r in p.radios}
    assert len(groups) == 2 and len(p.radios) == 4
    assert all(r["id"] in p.labels for r in p.radios)
    assert sorted(p.labels.values()) == ["10", "100", "1000", "20"]
    # The radios checked at the start are the explorer's settings, and so is the default frame.
    checked = [p.labels[r["id"]] for r in p.radios if "checked" in r]
    assert checked == ["10", "20"]
    defaults = [f for f in p.frames if "ig-default" in f["class"]]
    assert len(defaults) == 1 and defaults[0]["settings"] == {"fan_in": 10, "fan_out": 20}
    # Each frame is shown by exactly one rule, which names one radio of each row, and the
    # radios it names carry the frame's values.
    by_id = {r["id"]: r for r in p.radios}
    for frame in p.frames:
        number = next(c for c in frame["class"] if re.fullmatch(r"ig-f\d+", c))
        rules = [r for r in re.findall(r"(#[^{},]+)(?=[,{])", p.css) if r.strip().endswith("." + number)]
        assert len(rules) == 1, (number, rules)
        ids = re.findall(r":has\(#([\w-]+):checked\)", rules[0])
        assert sorted(by_id[i]["name"] for i in ids) == sorted(groups)
        assert {int(by_id[i]["value"]) for i in ids} == set(frame["settings"].values())


def test_pictures_are_the_explorers_own_drawings(small):
    ex, _, p = small
    fresh = WeightsExplorer(scheduler=ImmediateScheduler())
    fresh.set_dpi(G.GALLERY_DPI * G.SCALE)  # drawn at twice the layout's dpi
    for frame in p.frames:
        img = frame["img"]
        png = base64.b64decode(img["src"].removeprefix("data:image/png;base64,"))
        picture = Image.open(io.BytesIO(png))
        # Twice as many pixels as the picture takes on the page, in each direction.
        assert picture.mode == "P" and tuple(n // G.SCALE for n in picture.size) == (int(img["width"]), int(img["height"]))
        state = fresh.update(**{**fresh.settings(), **frame["settings"]})
        assert png == G.compact_png(fresh.last_png)
        summary = fresh.describe(state)
        assert frame["caption"].endswith(summary)
        assert img["alt"] == (f"The weights-against-fan-in explorer with fan-in {frame['settings']['fan_in']}, "
                              f"fan-out {frame['settings']['fan_out']}. {summary}")


def test_captions_report_what_the_explorer_computes(small):
    """The summary under a picture quotes the stds that compute_weights gives."""
    _, _, p = small
    frame = next(f for f in p.frames if f["settings"] == {"fan_in": 100, "fan_out": 1000})
    state = compute_weights(fan_in=100, fan_out=1000)
    assert f"{state.stds['he_normal']:.3g}" in frame["caption"]
    assert math.isclose(state.stds["he_normal"], math.sqrt(2 / 100))


@pytest.mark.parametrize("cls", [SignalExplorer, WeightsExplorer, CriticalityExplorer])
def test_compact_png_keeps_the_picture_close(cls):
    ex = cls(scheduler=ImmediateScheduler())
    original = np.asarray(Image.open(io.BytesIO(ex.last_png)).convert("RGB"), dtype=int)
    small = G.compact_png(ex.last_png)
    reduced = np.asarray(Image.open(io.BytesIO(small)).convert("RGB"), dtype=int)
    assert len(small) < 0.6 * len(ex.last_png)
    # A drawing of about 1,100 distinct colours (mostly anti-aliased edges) in a palette of
    # 256: no pixel may move by more than 8 of 255 levels in any channel (3%, not visible).
    assert np.abs(original - reduced).max() <= 8


def test_rich_display_has_a_gallery_only_when_asked(monkeypatch):
    monkeypatch.delenv(GALLERY_ENV, raising=False)
    ex = WeightsExplorer(scheduler=ImmediateScheduler())
    assert "text/html" not in ex._repr_mimebundle_()
    monkeypatch.setenv(GALLERY_ENV, "1")
    monkeypatch.setattr(WeightsExplorer, "gallery_choices", {"fan_in": [10, 30]})
    bundle = ex._repr_mimebundle_()
    assert bundle["text/html"].startswith('<div class="initlab-gallery"')
    assert bundle["text/html"].count("<img ") == 2
    assert "image/png" in bundle and "application/vnd.jupyter.widget-view+json" in bundle


def test_race_has_no_gallery_and_the_others_have_valid_ones():
    assert RaceExplorer.gallery_choices == {}
    for name, cls in EXPLORERS.items():
        if cls is RaceExplorer:
            continue
        ex = cls(scheduler=ImmediateScheduler())
        resolved = G.resolve_choices(ex, cls.gallery_choices)
        assert 2 <= math.prod(map(len, resolved.values())) <= G.MAX_FRAMES, name


def _load_extension():
    spec = importlib.util.spec_from_file_location("explorer_galleries", ROOT / "_ext" / "explorer_galleries.py")
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    return ext


def test_the_book_build_turns_galleries_on(monkeypatch):
    # setenv first, so that monkeypatch restores the variable (deletes it) after the test
    # even though the extension sets it behind monkeypatch's back.
    monkeypatch.setenv(GALLERY_ENV, "0")
    ext = _load_extension()
    assert ext.GALLERY_ENV == GALLERY_ENV
    connected = []

    class App:
        def connect(self, event, handler):
            connected.append(event)

    ext.setup(App())
    assert G.gallery_enabled()
    assert connected == ["doctree-resolved"]
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r"^\s+explorer_galleries: _ext\s*$", config, re.M), "_config.yml does not load the extension"


def test_the_build_serves_gallery_pictures_as_lazy_files():
    ext = _load_extension()
    ex = WeightsExplorer(scheduler=ImmediateScheduler())
    # Two galleries of the same explorer on one page: their pictures are pairwise equal.
    page = "<p>before</p>" + ex.gallery_html({"fan_in": [10, 30]}) * 2 + "<p>after</p>"
    pictures = [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', page)]
    assert len(pictures) == 4 and pictures[:2] == pictures[2:] and pictures[0] != pictures[1]
    written = {}
    out = ext.externalize(page, lambda name, png: written.setdefault(name, png), "../_images/")
    assert "data:image" not in out and out.count('<img loading="lazy" src="../_images/gallery-') == 4
    # Named by content: the two equal pictures are one file, and each file holds its picture.
    assert len(written) == 2 and sorted(written.values()) == sorted({pictures[0], pictures[1]})
    for name, png in written.items():
        assert name == ext.picture_name(png) and f'src="../_images/{name}"' in out
    # Everything else of the page is untouched.
    assert re.sub(r'<img loading="lazy" src="[^"]+"', "", out) == re.sub(r'<img src="data:[^"]+"', "", page)


CHAPTER_CALLS = {
    "chapters/02_vanishing_exploding.ipynb": "signal_explorer(",
    "chapters/06_range_vs_fan_in.ipynb": "weights_explorer(",
    "chapters/09_statistics_at_init.ipynb": "criticality_explorer(",
}


@pytest.mark.parametrize("path", CHAPTER_CALLS)
def test_the_chapters_count_the_pictures_right(path):
    """'the explorer holds N pictures' in a chapter is the size of the gallery the chapter's
    explorer cell makes, with the settings that cell passes."""
    cells = json.loads((ROOT / path).read_text())["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    claimed = [int(n) for n in re.findall(r"explorer holds (\d+) pictures", text)]
    call = next("".join(c["source"]) for c in cells if CHAPTER_CALLS[path] in "".join(c["source"])
                and c["cell_type"] == "code")
    namespace = {}
    exec(call.rsplit("\n", 1)[0], namespace)  # the import line(s)
    ex = eval(call.rsplit("\n", 1)[1], namespace)
    resolved = G.resolve_choices(ex, ex.gallery_choices)
    assert claimed == [math.prod(map(len, resolved.values()))]


def test_captions_show_symbols_and_names_as_a_reader_writes_them():
    """The page shows C<sub>W</sub>, not the plain-text C_W, and ReLU, not relu."""
    assert G.html_text("C_W = 2 and C_b < 1, K_0 & b") == "C<sub>W</sub> = 2 and C<sub>b</sub> &lt; 1, K<sub>0</sub> &amp; b"
    assert G.html_text("ABC_W x_1") == "ABC_W x_1"  # only the book's symbols C_… and K_…
    ex = CriticalityExplorer(scheduler=ImmediateScheduler())
    page = ex.gallery_html({"activation": ["relu"], "C_W": [2.0]})
    captions = re.findall(r'<p class="ig-caption">(.*?)</p>', page)
    assert captions and all("C_W" not in c and "C<sub>W</sub>" in c for c in captions)
    # The gallery adds the explorer's current setting (tanh, C_W = 1) to the values asked for.
    assert sum("ReLU with C<sub>W</sub> = 2.00" in c for c in captions) == 1
    assert not any("relu" in c for c in captions)
    assert "<legend>C<sub>W</sub></legend>" in page
