"""The teachers' pages: the session handouts build, fit on one printed page, and the links hold.

Each handout (``teaching/handout_session<N>.md``) is a page of the book meant to be printed
for a class. This module

* builds the handouts with the book's own configuration and extensions (a small book of just
  these pages, one Sphinx run; or the full book's ``_build/html`` when it is newer than the
  sources), and checks the generated HTML: title, the in-class table, the discussion
  questions, the print style;
* prints each page to PDF with headless Chromium, when Chromium is installed, and asserts
  that the PDF has exactly one page (a small PDF page counter below; no extra package);
* checks that the handouts are listed under the teachers' page in ``_toc.yml`` and that the
  Binder link on the teachers' page is the one built from ``_config.yml``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HANDOUTS = sorted((ROOT / "teaching").glob("handout_session*.md"))
FULL_BUILD = ROOT / "_build" / "html" / "teaching"


def count_pdf_pages(data: bytes) -> int:
    """Number of pages of a PDF: the page objects (``/Type /Page``, not ``/Pages``).

    Cross-checked against the ``/Count`` of the page tree when the file has one. Enough
    for the uncompressed object dictionaries that Chromium writes.

    >>> count_pdf_pages(b"<< /Type /Pages /Count 1 >> << /Type /Page >>")
    1
    """
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    counts += [int(c) for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    if counts and max(counts) != pages:
        raise ValueError(f"PDF page tree says {max(counts)} pages, found {pages} page objects")
    return pages


def test_pdf_page_counter_counts_pages_not_the_page_tree():
    two = b"1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> 2 0 obj << /Type /Page >> 3 0 obj << /Type /Page >>"
    assert count_pdf_pages(two) == 2
    with pytest.raises(ValueError):
        count_pdf_pages(b"<< /Type /Pages /Count 3 >> << /Type /Page >>")


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    return None


def _small_book(dest: Path) -> Path:
    """A book with the real configuration whose pages are only the handouts (one Sphinx run)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    (dest / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for name in ("references.bib", "_ext"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    (dest / "teaching").mkdir()
    for h in HANDOUTS:
        shutil.copy2(h, dest / "teaching" / h.name)
    (dest / "index.md").write_text("# Handouts\n\nThe session handouts.\n", encoding="utf-8")
    toc = {"format": "jb-book", "root": "index",
           "chapters": [{"file": f"teaching/{h.stem}"} for h in HANDOUTS]}
    (dest / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def handout_html(tmp_path_factory) -> dict[str, Path]:
    """Path of the generated HTML of every handout (built here unless the full build is newer)."""
    assert len(HANDOUTS) >= 3, f"expected one handout per session (3), found {[h.name for h in HANDOUTS]}"
    fresh = {h.stem: FULL_BUILD / (h.stem + ".html") for h in HANDOUTS}
    if all(p.exists() and p.stat().st_mtime > h.stat().st_mtime for h, p in zip(HANDOUTS, fresh.values())):
        return fresh
    book = _small_book(tmp_path_factory.mktemp("handouts"))
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jb), "build", str(book)], capture_output=True, text=True, timeout=600)
    built = {h.stem: book / "_build" / "html" / "teaching" / (h.stem + ".html") for h in HANDOUTS}
    missing = [name for name, p in built.items() if not p.exists()]
    assert run.returncode == 0 and not missing, (
        f"the handouts do not build (missing: {missing}):\n{(run.stdout + run.stderr)[-3000:]}")
    return built


@pytest.mark.parametrize("src", HANDOUTS, ids=lambda p: p.stem)
def test_handout_html_has_its_parts(src, handout_html):
    html = handout_html[src.stem].read_text(encoding="utf-8")
    title = src.read_text(encoding="utf-8").splitlines()[1].lstrip("# ").strip()
    assert f"<h1>{title}" in html, f"the title {title!r} is not in the generated page"
    assert re.search(r'<section id="in-class-90-minutes">.*?<table', html, re.S), "no in-class table"
    assert 'id="questions-for-the-discussion"' in html
    assert re.search(r"<ol[^>]*>\s*<li>", html), "the discussion questions are not a numbered list"
    assert "@media print" in html, "the print style (one sheet) did not reach the HTML"
    assert "TODO" not in src.read_text(encoding="utf-8")


@pytest.mark.parametrize("src", HANDOUTS, ids=lambda p: p.stem)
def test_handout_prints_on_one_page(src, handout_html, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed, so the printed page count cannot be checked")
    pdf = tmp_path / (src.stem + ".pdf")
    run = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                          f"--print-to-pdf={pdf}", handout_html[src.stem].as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert pdf.exists() and pdf.stat().st_size > 1000, f"Chromium wrote no PDF:\n{run.stderr[-2000:]}"
    pages = count_pdf_pages(pdf.read_bytes())
    assert pages == 1, f"{src.name} prints on {pages} pages; a handout must fit on one"


def test_handouts_are_sections_of_the_teachers_page():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [c for part in toc["parts"] for c in part.get("chapters", [])]
    teachers = next(c for c in entries if c.get("file") == "teaching/instructors")
    listed = [s["file"] for s in teachers.get("sections", [])]
    assert listed == [f"teaching/{h.stem}" for h in HANDOUTS]
    page = (ROOT / "teaching" / "instructors.md").read_text(encoding="utf-8")
    for h in HANDOUTS:
        label = h.read_text(encoding="utf-8").splitlines()[0]
        assert re.fullmatch(r"\((handout-session\d)\)=", label), f"{h.name} must start with its label"
        assert "{ref}`" + label[1:-2] + "`" in page, f"the teachers' page does not link to {label[1:-2]}"


def test_binder_link_is_built_from_the_repository_in_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    branch = config["repository"].get("branch", "main")
    org_repo = "/".join(url.split("/")[-2:])
    binder = f"https://mybinder.org/v2/gh/{org_repo}/{branch}"
    page = (ROOT / "teaching" / "instructors.md").read_text(encoding="utf-8")
    assert f"<{binder}>" in page, f"the teachers' page should link to {binder}"
    assert f"<{binder}?urlpath=lab/tree/exercises/" in page
    # nbgitpuller example: the repository URL, URL-encoded, and the folder named after the repo
    encoded = url.replace(":", "%3A").replace("/", "%2F")
    repo_name = url.split("/")[-1]
    assert f"git-pull?repo={encoded}&branch={branch}&urlpath=lab%2Ftree%2F{repo_name}%2Fexercises%2F" in page
    for path in re.findall(r"urlpath=lab/tree/(exercises/[\w.]+)", page):
        assert (ROOT / path).exists(), f"the Binder link opens {path}, which does not exist"
