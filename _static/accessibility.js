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
 * 3. A control's spoken name must contain the words it shows (axe-core 4.14,
 *    label-content-name-mismatch): the search buttons show "Search Ctrl+K" but were named
 *    "Search", and myst-nb's "Show code cell output" toggles were named "Toggle hidden
 *    content". Their names now come from what they show. The theme switch shows only icons
 *    whose titles ("Light", "Dark", "System") disagreed with its name "Color mode": the
 *    icons are hidden from assistive technology, and the name says the mode in force and
 *    what the button does ("Color mode: light. Press to switch ...").
 */
(function () {
  "use strict";
  var MODES = { light: "light", dark: "dark", auto: "the system's" };
  function labelThemeSwitch(button) {
    var mode = document.documentElement.dataset.mode || "auto";
    button.setAttribute("aria-label", "Color mode: " + (MODES[mode] || mode) +
      ". Press to switch between light, dark and the system's");
  }
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
    document.querySelectorAll(".search-button-field[aria-label], details > summary[aria-label]").forEach(function (el) {
      if (el.textContent.trim()) el.removeAttribute("aria-label");
    });
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      button.querySelectorAll("[title]").forEach(function (icon) {
        icon.setAttribute("aria-hidden", "true");
        icon.removeAttribute("title");
      });
      labelThemeSwitch(button);
    });
    // The switch's name says the mode in force, and follows it when the reader presses it.
    new MutationObserver(function () {
      document.querySelectorAll(".theme-switch-button").forEach(labelThemeSwitch);
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-mode"] });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", repair);
  } else {
    repair();
  }
})();
