/*
 * The menu buttons (☰ for the chapter list, the list icon for the page's contents).
 *
 * sphinx-book-theme 1.3 draws its own toggles in the article header, while
 * pydata-sphinx-theme 0.17 keeps its header toggles, hidden, earlier in the page. Both
 * themes' scripts wire the first element with the class (document.querySelector), so the
 * hidden buttons get the handlers and the visible ones do nothing: on a phone the chapter
 * list and the page contents could not be opened, and on a desktop ☰ did not collapse the
 * sidebar. This script hands a click on a visible toggle to its hidden twin, which opens
 * the drawer (narrow screens) or collapses the sidebar (992 px and wider) as the themes
 * intend. Each toggle's aria-expanded says whether its menu is open. Checked by
 * tests/site/test_navigation.py at phone, tablet and desktop widths.
 */
(function () {
  "use strict";
  function wire() {
    ["primary-toggle", "secondary-toggle"].forEach(function (name) {
      var all = Array.prototype.slice.call(document.querySelectorAll("." + name));
      var wired = all[0];  // the one both themes' scripts attached their handlers to
      if (!wired) return;
      all.slice(1).forEach(function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          wired.click();
        });
      });
    });
    // Screen readers hear whether a menu is open: aria-expanded on every toggle, kept true
    // while its drawer is open (narrow screens) or its sidebar shown (a desktop's ☰).
    var parts = {
      "primary-toggle": ["pst-primary-sidebar-modal", "pst-primary-sidebar"],
      "secondary-toggle": ["pst-secondary-sidebar-modal", "pst-secondary-sidebar"],
    };
    function expanded(name) {
      var dialog = document.getElementById(parts[name][0]);
      if (dialog && dialog.open) return true;
      var sidebar = document.getElementById(parts[name][1]);
      if (!sidebar || !sidebar.checkVisibility({ visibilityProperty: true })) return false;
      var box = sidebar.getBoundingClientRect();
      return box.width > 0 && box.right > 0 && box.left < window.innerWidth;
    }
    function mark() {
      Object.keys(parts).forEach(function (name) {
        var state = expanded(name) ? "true" : "false";
        document.querySelectorAll("." + name).forEach(function (button) {
          button.setAttribute("aria-expanded", state);
          button.setAttribute("aria-controls", parts[name][0]);
        });
      });
    }
    function markSoon() { setTimeout(mark, 0); setTimeout(mark, 350); }  // after the slide
    Object.keys(parts).forEach(function (name) {
      document.querySelectorAll("." + name).forEach(function (b) { b.addEventListener("click", markSoon); });
      var dialog = document.getElementById(parts[name][0]);
      if (dialog) dialog.addEventListener("close", markSoon);
    });
    window.addEventListener("resize", markSoon);
    mark();
    // A link followed inside a drawer closes it, so that the section it leads to is not
    // left under the drawer (the themes keep it open until Escape or a tap outside).
    document.querySelectorAll("#pst-primary-sidebar-modal, #pst-secondary-sidebar-modal").forEach(function (dialog) {
      dialog.addEventListener("click", function (event) {
        if (event.target.closest && event.target.closest("a[href]") && dialog.open) dialog.close();
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
