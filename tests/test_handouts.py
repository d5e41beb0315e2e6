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
  Binder link on the teachers' page is the one built from ``_config.yml``;
* checks that each handout is a pre-class sheet with blank boxes for the session's
  predictions and no answers, and that its after-class key (``handout_session<N>_key.md``)
  exists, builds, follows it in the table of contents and holds the answers;
* checks that every group task of a handout has a rule for a group of three, and that the
  teaching pages name exercises only by their labels (``{ref}`ex-...```, rendered as the
  exercise's title, the same on the site and in the notebooks), never by a number.
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
HANDOUTS = sorted((ROOT / "teaching").glob("handout_session[0-9].md"))
KEYS = [h.with_name(h.stem + "_key.md") for h in HANDOUTS]
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
    for h in HANDOUTS + [k for k in KEYS if k.exists()]:
        shutil.copy2(h, dest / "teaching" / h.name)
    (dest / "index.md").write_text("# Handouts\n\nThe session handouts.\n", encoding="utf-8")
    toc = {"format": "jb-book", "root": "index",
           "chapters": [{"file": f"teaching/{h.stem}"} for h in HANDOUTS + [k for k in KEYS if k.exists()]]}
    (dest / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def handout_html(tmp_path_factory) -> dict[str, Path]:
    """Path of the generated HTML of every handout (built here unless the full build is newer)."""
    assert len(HANDOUTS) >= 3, f"expected one handout per session (3), found {[h.name for h in HANDOUTS]}"
    pages = HANDOUTS + [k for k in KEYS if k.exists()]
    fresh = {h.stem: FULL_BUILD / (h.stem + ".html") for h in pages}
    if all(p.exists() and p.stat().st_mtime > h.stat().st_mtime for h, p in zip(pages, fresh.values())):
        return fresh
    book = _small_book(tmp_path_factory.mktemp("handouts"))
    jb = Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jb), "build", str(book)], capture_output=True, text=True, timeout=600)
    built = {h.stem: book / "_build" / "html" / "teaching" / (h.stem + ".html") for h in pages}
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
    assert listed == [f"teaching/{p.stem}" for h, k in zip(HANDOUTS, KEYS) for p in (h, k)], \
        "each handout is followed by its key"
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


# ---------------------------------------------------------------------------------------
# Pre-class sheet and after-class key (issue 13, "think first, then see").

sys.path.insert(0, str(ROOT / "tests"))
from exercise_notebooks import exercises_in, load_cells  # noqa: E402

#: label -> (kind, statement) of every exercise in the exercise notebooks.
EXERCISES = {label: (kind, body) for path in sorted((ROOT / "exercises").glob("*.ipynb"))
             for label, kind, _, body in exercises_in(load_cells(path.stem))}
TEACHING = sorted((ROOT / "teaching").glob("*.md"))
_REF = re.compile(r"\{ref\}`(ex-[a-z-]+-\d+)`")
#: The answers the issue found on the old handouts, one list per session.
GIVE_AWAYS = {
    "handout_session1": ["= 1/2", "(1/4)⁸", "65,536", "1/3", "no weight gets a gradient"],
    "handout_session2": ["a/√3", "±4σ", "99.9", "σ²/(2π)", "√(6/n_in)"],
    "handout_session3": ["(1 + 5/n)", "15(ℓ−1)/n", "0.8796", "e^(5r)", "12%"],
}


def _section(text: str, title: str) -> str:
    match = re.search(r"^## " + re.escape(title) + r"[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return match.group(1) if match else ""


def _in_class_rows(text: str) -> list[list[str]]:
    rows = [ln for ln in _section(text, "In class").splitlines() if ln.startswith("|")][2:]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


def _numbers(text: str) -> set[str]:
    """Fractions, decimals and percentages: the shape of a numeric answer."""
    return set(re.findall(r"\d+(?:[.,]\d+)+%?|\d+/\d+(?:,\d+)*|\d+%", text))


@pytest.mark.parametrize("src", HANDOUTS, ids=lambda p: p.stem)
def test_sheet_has_a_blank_box_for_every_prediction_of_the_session(src):
    text = src.read_text(encoding="utf-8")
    boxes = _section(text, "Your predictions")
    table = re.search(r"```\{list-table\}\n:header-rows: 1\n:class: prediction-boxes\n(.*?)```", boxes, re.S)
    assert table, "the sheet needs a list-table of class prediction-boxes under 'Your predictions'"
    rows = re.findall(r"^\* - (.*?)\n  -[ \t]*\n", table.group(1) + "\n", re.M)
    assert len(rows) >= 3 and all(re.search(r"^\* - .*\n  -[ \t]*$", r, re.M) is None for r in rows)
    answers = re.findall(r"^  - (.*)$", table.group(1), re.M)
    assert answers == ["your prediction"], f"the boxes must be blank, found {answers[1:]}"
    boxed = set(_REF.findall(table.group(1)))
    in_class = {label for row in _in_class_rows(text) for label in _REF.findall(row[1])
                if EXERCISES[label][0] in ("Predict, then measure", "Group")
                and f"{label}` at home" not in row[1]}
    assert in_class <= boxed, f"no box for the predictions of {sorted(in_class - boxed)}"
    assert "prediction-boxes" in text.split("</style>")[0], "the boxes need their style"


@pytest.mark.parametrize("src", HANDOUTS, ids=lambda p: p.stem)
def test_sheet_gives_no_answer_and_its_key_has_them(src):
    sheet = src.read_text(encoding="utf-8")
    key_path = src.with_name(src.stem + "_key.md")
    assert key_path.exists(), f"{src.name} has no key ({key_path.name})"
    key = key_path.read_text(encoding="utf-8")
    for given in GIVE_AWAYS[src.stem]:
        assert given not in sheet, f"the sheet gives away {given!r}"
        assert given in key, f"the key should keep {given!r}"
    # A number of the key that no exercise statement contains is an answer: not on the sheet.
    statements = " ".join(body for _, body in EXERCISES.values())
    prose = [re.sub(r"<style>.*?</style>", "", t, flags=re.S) for t in (sheet, key)]
    answers = {n for n in _numbers(prose[1]) if n not in statements}
    assert answers, "the key quotes no number"
    leaked = sorted(n for n in answers if n in prose[0])
    assert not leaked, f"the sheet states answers of the key: {leaked}"
    for part in ("Answers to the predictions", "Answers to the discussion questions"):
        assert _section(key, part).strip(), f"{key_path.name} has no section '{part}'"
    questions = re.findall(r"^\d+\. ", _section(sheet, "Questions for the discussion"), re.M)
    answered = re.findall(r"^\d+\. ", _section(key, "Answers to the discussion questions"), re.M)
    assert len(answered) == len(questions) == 3, "one answer per discussion question"
    label = key.splitlines()[0]
    assert label == f"({src.read_text(encoding='utf-8').splitlines()[0][1:-2]}-key)="
    assert "{ref}`" + label[1:-2] + "`" in sheet, "the sheet points to its key for after class"
    assert "{ref}`" + label[1:-2] + "`" in (ROOT / "teaching" / "instructors.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("src", HANDOUTS, ids=lambda p: p.stem)
def test_key_builds(src, handout_html):
    html = handout_html[src.stem + "_key"].read_text(encoding="utf-8")
    assert 'id="answers-to-the-predictions"' in html and 'id="answers-to-the-discussion-questions"' in html


@pytest.mark.parametrize("src", HANDOUTS, ids=lambda p: p.stem)
def test_every_group_task_of_a_handout_has_a_rule_for_three(src):
    text = src.read_text(encoding="utf-8")
    groups = [row for row in _in_class_rows(text) if row[-1].strip() == "group"]
    assert groups
    for row in groups:
        for label in _REF.findall(row[1]):
            assert re.search(r"(?i)with\s+three\s+people|in\s+a\s+group\s+of\s+three", EXERCISES[label][1]), label
    assert re.search(r"(?i)in a group of three", text), "say what a group of three does"


@pytest.mark.parametrize("src", TEACHING, ids=lambda p: p.stem)
def test_teaching_pages_name_exercises_by_label_not_by_number(src):
    text = src.read_text(encoding="utf-8")
    labels = _REF.findall(text)
    assert labels or src.stem.endswith("_key") is False
    unknown = sorted(set(labels) - set(EXERCISES))
    assert not unknown, f"{src.name} refers to exercises that do not exist: {unknown}"
    bare = re.findall(r"(?i)\bexercises?\s+\d+(?:\.\d+)?\b", text)
    assert not bare, f"{src.name} numbers exercises by hand ({bare}); use {{ref}}`ex-...`"


@pytest.mark.parametrize("src", HANDOUTS, ids=lambda p: p.stem)
def test_in_class_kinds_match_the_exercises(src):
    words = {"Predict, then measure": "measure", "Derive": "derive", "Implement": "implement", "Group": "group"}
    for row in _in_class_rows(src.read_text(encoding="utf-8")):
        for label in _REF.findall(row[1]):
            if f"{label}` at home" in row[1]:
                continue
            assert words[EXERCISES[label][0]] in row[-1].lower(), f"{label} is a {EXERCISES[label][0]} exercise"
