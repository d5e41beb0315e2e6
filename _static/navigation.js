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
 * intend. Checked by tests/site/test_screens.py at phone, tablet and desktop widths.
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
