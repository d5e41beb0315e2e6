"""Take the README's screenshot of the book: ``docs/screenshot.png``.

Opens a chapter of the built site (``_build/html``) at 1280×800 in Chromium, waits for
MathJax, and saves the top of the page (the navigation, the chapter's title, its opening
prose and formulas; ``--at-first-figure`` scrolls to its first figure instead) as a
palette PNG (256 colours, no dithering: the
page is flat colours and anti-aliased text, so it stays sharp) well under 200 KB.

Usage::

    .venv/bin/python tools/readme_screenshot.py
    .venv/bin/python tools/readme_screenshot.py --page chapters/04_relu_and_he.html --out docs/screenshot.png
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sitebrowser import ROOT, chromium, open_page, served  # noqa: E402

MAX_BYTES = 200 * 1024
VIEWPORT = {"width": 1280, "height": 800}


def compress(png: bytes, colours: int = 256) -> bytes:
    """Quantize a screenshot to a palette PNG and optimize it."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        quantized = image.convert("RGB").quantize(
            colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        out = io.BytesIO()
        quantized.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take(html_dir: Path, page_path: str, out: Path, scroll_to_figure: bool = False) -> int:
    """Save the screenshot; return its size in bytes."""
    with served(html_dir) as url, chromium() as browser:
        page = open_page(browser, url + page_path, viewport=VIEWPORT)
        if scroll_to_figure and page.locator("article img").count():
            # The first figure near the bottom of the view, the text before it above.
            page.evaluate(
                """() => { const img = document.querySelector('article img');
                           const r = img.getBoundingClientRect();
                           window.scrollBy(0, r.bottom - window.innerHeight + 40); }"""
            )
            page.wait_for_timeout(300)
        png = page.screenshot()
        page.context.close()
    data = compress(png)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-dir", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--page", default="chapters/04_relu_and_he.html")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--at-first-figure", action="store_true",
                        help="scroll to the page's first figure")
    args = parser.parse_args(argv)
    size = take(args.html_dir, args.page, args.out, scroll_to_figure=args.at_first_figure)
    print(f"wrote {args.out}: {size:,} bytes")
    if size > MAX_BYTES:
        print(f"error: over {MAX_BYTES:,} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
