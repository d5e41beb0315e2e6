/*
 * Inline formulas wider than the column scroll sideways instead of being cut off.
 *
 * MathJax 3 cannot break a formula across lines, and the theme clips inline mathematics
 * at the column's edge (span.math: max-width 100%, overflow hidden). On a phone a long
 * inline formula therefore lost its end. Once MathJax has typeset the page (and whenever
 * the window is resized), this script gives the class "math-wide" to each inline formula
 * wider than its box; site.css lets those, and only those, scroll sideways (giving every
 * formula a scroll box would put scrollbars on short ones, whose hidden MathML for screen
 * readers overhangs by a few pixels). Checked by tests/site/sitekit.py's CLIPPED_EQUATIONS.
 */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("span.math").forEach(function (span) {
      var formula = span.querySelector("mjx-container");
      if (!formula) return;
      span.classList.remove("math-wide");
      if (formula.getBoundingClientRect().width > span.getBoundingClientRect().width + 1) {
        span.classList.add("math-wide");
      }
    });
  }
  var timer = null;
  function markSoon() { clearTimeout(timer); timer = setTimeout(mark, 150); }
  function start() {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise.then(mark);
    } else if (document.querySelector("span.math")) {
      window.addEventListener("load", function () { setTimeout(start, 100); }, { once: true });
      return;
    }
    window.addEventListener("resize", markSoon);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
