"""The printable book: ``tools/make_pdf.py`` prints the whole book to one PDF.

The tool joins every page of the table of contents of the tested site into one document
in Chromium and prints it (see its docstring) to ``_build/pdf/initialization.pdf`` (next
to the tested ``html`` folder). The test checks the PDF itself:

* at least one PDF page per page of the table of contents (each starts a new sheet);
* every figure of the book is in it as an image;
* printed code wraps at the page's edge instead of being cut off;
* the mathematics is typeset (no formula left untypeset or in error, MathJax's fonts
  in the PDF, no raw ``\\(``) and the text holds the book's words
  ("Glorot", "fan-in"; read with ``pdftotext`` from poppler-utils).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zlib

import pytest

from sitekit import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402
from sitebrowser import toc_pages  # noqa: E402

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def printed(site_dir, browser):
    out = site_dir.parent / "pdf" / "initialization.pdf"
    summary = make_pdf.print_pdf(site_dir, out, browser=browser)
    return summary, out.read_bytes()


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def pdf_images(data: bytes) -> int:
    return len(re.findall(rb"/Subtype\s*/Image", data))


def _objects(data: bytes) -> list[bytes]:
    """The PDF's bytes and its decompressed streams (object streams hold font objects too)."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return parts


def pdf_type3_fonts(data: bytes) -> int:
    """How many Type 3 fonts (Chromium's form for web fonts such as MathJax's) the PDF has."""
    return sum(len(re.findall(rb"/Subtype\s*/Type3\b", part)) for part in _objects(data))


def pdf_fonts(data: bytes) -> set[str]:
    names = set(re.findall(rb"/BaseFont\s*/([\w+\-]+)", data))
    # Fonts may also sit in compressed object streams.
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            names |= set(re.findall(rb"/BaseFont\s*/([\w+\-]+)", zlib.decompress(stream)))
        except zlib.error:
            pass
    return {n.decode() for n in names}


def test_pdf_has_the_whole_book(printed):
    summary, data = printed
    assert data.startswith(b"%PDF-")
    assert summary["parts"] == len(toc_pages())
    assert summary["outside_requests"] == [], summary["outside_requests"]
    assert summary["brokenImages"] == [], summary["brokenImages"]
    assert summary["errors"] == 0 and summary["untypeset"] == 0, summary
    assert summary["math"] > 0
    assert pdf_pages(data) >= len(toc_pages()), f"only {pdf_pages(data)} pages"
    assert summary["distinctImages"] > 0, "the book has no figure"
    assert pdf_images(data) >= summary["distinctImages"], (
        f"{pdf_images(data)} images in the PDF for {summary['distinctImages']} image files"
    )


def test_pdf_text(printed, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (apt-get install -y poppler-utils)")
    _, data = printed
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", "-q", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    for word in ("Glorot", "fan-in", "Exercise", "Solution"):
        assert word in text, f"{word!r} is not in the PDF's text"
    for raw in ("\\(", "\\[", "$$"):
        assert raw not in text, f"untypeset mathematics ({raw!r}) in the PDF"
    # MathJax 3 draws formulas with its own TeX fonts (web fonts, which Chromium embeds as
    # Type 3 fonts: upright, italic, bold, the sizes of large delimiters, ...); the text and
    # the code are DejaVu (TrueType). Raw TeX would leave no Type 3 font at all.
    type3 = pdf_type3_fonts(data)
    assert type3 >= 5, f"only {type3} of MathJax's fonts in the PDF: is the mathematics typeset?"


def test_pdf_checks_can_fail():
    blank = (b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R] >> endobj\n"
             b"2 0 obj << /Type /Page >> endobj\n3 0 obj << /Type /Font /BaseFont /Helvetica >> endobj")
    assert pdf_pages(blank) == 1 and pdf_images(blank) == 0
    assert pdf_fonts(blank) == {"Helvetica"} and pdf_type3_fonts(blank) == 0
    type3 = blank + b"\n4 0 obj << /Type /Font /Subtype /Type3 /FontMatrix [1 0 0 1 0 0] >> endobj"
    assert pdf_type3_fonts(type3) == 1


#: Code blocks whose text is wider than the block (cut off on paper, where nothing scrolls).
WIDE_CODE = """
() => Array.from(document.querySelectorAll('div.highlight pre'))
  .filter((pre) => pre.checkVisibility() && pre.scrollWidth > pre.clientWidth + 1)
  .map((pre) => pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '').slice(0, 60))
"""


def test_printed_code_wraps_instead_of_being_cut(visit):
    page = visit("chapters/09_statistics_at_init.html").page
    assert page.evaluate(WIDE_CODE), "chapter 9 has wide code lines on screen (the check is moot)"
    page.emulate_media(media="print")
    try:
        assert page.evaluate(WIDE_CODE) == []
    finally:
        page.emulate_media(media="screen")
