"""The book reads offline, tracks no one, and its cross-references land somewhere.

Every page of the table of contents, opened in Chromium through the ``visit`` fixture
(which records and aborts every request to a host other than the local server):

* no request leaves the local server while the page loads: fonts, MathJax and scripts
  come from the build, and Binder, Colab and Thebe are reached only when a reader
  clicks a launch button;
* no element of the page names another host as something to load (a script, a style
  sheet, an image, a frame), so nothing outside can be fetched later either; no inline
  script loads require.js or the widget manager, and no page has a widget view (which
  would need them to show anything);
* every local link with a ``#fragment`` (cross-references, citations, equation and
  figure numbers, the page contents) points at an element id that exists on the target
  page.
"""

from __future__ import annotations

import pytest

from sitekit import ROOT, fragment_target, ids_in, inspected  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(180)

def test_no_request_to_any_other_host(inspected):
    """Not a font, a script, MathJax, nor Binder/Colab/Thebe (those wait for a click)."""
    outside = [p for p in inspected.problems if p.startswith("request to another host")]
    assert outside == [], "the page asked other hosts for:\n" + "\n".join(outside)


def test_nothing_outside_is_embedded(inspected):
    deps = inspected.data["outsideDeps"]
    assert deps == [], f"elements that load from another host: {deps}"
    assert inspected.data["widgetLoaders"] == [], (
        f"inline scripts that load require.js or the widget manager: {inspected.data['widgetLoaders']}"
    )
    assert inspected.data["widgetViews"] == 0, (
        "the page has widget views: without the widget JavaScript (require.js and the "
        "widget manager, from a CDN) they show nothing; show a static figure instead"
    )


def test_fragment_links_resolve(inspected, site_dir, site_url):
    broken = []
    checked = 0
    for link in inspected.data["links"]:
        target = fragment_target(site_dir, site_url, link["href"])
        if target is None:
            continue
        path, fragment = target
        checked += 1
        if not path.is_file():
            broken.append(f"{link['raw']!r} ({link['text']!r}): no page {path.relative_to(site_dir)}")
        elif fragment not in ids_in(path):
            broken.append(
                f"{link['raw']!r} ({link['text']!r}): no id {fragment!r} in "
                f"{path.relative_to(site_dir)}"
            )
    assert broken == [], f"{len(broken)} of {checked} #links lead nowhere:\n" + "\n".join(broken)


def test_local_links_lead_to_existing_pages(inspected, site_dir, site_url):
    """Links without a fragment too: a local href must name a file of the build."""
    from urllib.parse import unquote, urlsplit

    missing = []
    base = urlsplit(site_url).path
    for link in inspected.data["links"]:
        if not link["href"].startswith(site_url):
            continue
        rel = unquote(urlsplit(link["href"]).path[len(base):])
        path = site_dir / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
        if not path.exists():
            missing.append(f"{link['raw']!r} ({link['text']!r})")
    assert missing == [], "links to files that are not in the build:\n" + "\n".join(missing)
