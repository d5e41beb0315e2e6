/*
 * Accessibility repairs of markup that the theme and Sphinx write (checked by axe-core in
 * tests/site/test_accessibility.py). Jupyter Book adds every .js file in _static/ to
 * html_js_files; this one runs once the page is parsed.
 *
 * 1. The sidebar's expand/collapse toggles are <summary> elements holding only an icon,
 *    so a screen reader announces nothing: name each after the page it opens.
 * 2. Sphinx gives bibliography entries role="doc-biblioentry" inside role="list"; that
 *    role is deprecated and not allowed in a list, so assistive technology sees a list
 *    with no items. Make each entry a plain list item.
 */
(function () {
  "use strict";
  function repair() {
    document.querySelectorAll("summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      var item = summary.closest("li");
      var link = item ? item.querySelector(":scope > a") : null;
      var name = link ? link.textContent.trim() : "this section";
      summary.setAttribute("aria-label", "Show or hide the pages under " + name);
    });
    document.querySelectorAll('[role="doc-biblioentry"]').forEach(function (entry) {
      entry.setAttribute("role", "listitem");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", repair);
  } else {
    repair();
  }
})();
