/*
 * Search results without raw TeX.
 *
 * Sphinx's search shows, under each hit, a snippet of the page's text. It reads that text
 * from the page's HTML, where the mathematics is still TeX for MathJax to typeset, so
 * snippets read "the gain \(C_W\) of \(\operatorname{Var}(W)\)". This script wraps
 * Search.htmlToText: before the text is taken, each formula is replaced by a plain-text
 * reading of it (C_W reads "CW", Greek letters are their Unicode characters, \sqrt{x} reads
 * "√(x)" and \frac{a}{b} "(a)/(b)"), which is what a snippet has room for. Only the search page has Sphinx's Search object; elsewhere this does
 * nothing. Checked by tests/site/test_search.py.
 */
(function () {
  "use strict";

  var SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π",
    rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω",
    Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
    ell: "ℓ", infty: "∞", perp: "⊥", parallel: "∥", partial: "∂", nabla: "∇", sum: "Σ",
    prod: "∏", int: "∫", approx: "≈", sim: "~", simeq: "≃", le: "≤", leq: "≤", ge: "≥",
    geq: "≥", ne: "≠", neq: "≠", pm: "±", times: "×", cdot: "·", cdots: "…", ldots: "…",
    dots: "…", to: "→", mapsto: "↦", rightarrow: "→", leftarrow: "←", in: "∈", propto: "∝",
    star: "*", ast: "*", top: "ᵀ", prime: "′", quad: " ", qquad: " ", langle: "⟨", rangle: "⟩",
  };

  /* A short plain-text reading of a TeX formula (not a TeX parser: enough for a snippet). */
  function plainTeX(tex) {
    var s = tex.replace(/^\s*\\[(\[]/, "").replace(/\\[)\]]\s*$/, "");
    var SUP = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
    s = s.replace(/\^\s*\{?\s*([0-9])\s*\}?(?![0-9])/g, function (m, d) { return SUP[d]; });
    for (var i = 0; i < 5; i += 1) {  // innermost braces first: sub/superscripts, then \frac, \sqrt
      s = s.replace(/[_^]\s*\{([^{}]*)\}/g, "$1")
           .replace(/\\(operatorname|mathrm|mathbf|mathbb|mathcal|boldsymbol|text|textrm|mathit|bm)\s*\{([^{}]*)\}/g, "$2")
           .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)")
           .replace(/\\sqrt\s*\{([^{}]*)\}/g, "√($1)");
    }
    s = s.replace(/\\(left|right|big|Big|bigg|Bigg)\b\s*/g, "")
         .replace(/\\([A-Za-z]+)/g, function (m, name) { return SYMBOLS[name] !== undefined ? SYMBOLS[name] : name; })
         .replace(/\\[,;:! ]/g, " ")
         .replace(/\\([{}%$&#_])/g, "$1")
         .replace(/[_^]/g, "")
         .replace(/[{}]/g, "")
         .replace(/&/g, " ")
         .replace(/\s+/g, " ")
         .trim();
    return s;
  }

  function install() {
    // searchtools.js declares `const Search`: a global binding that other scripts can name,
    // but not a property of window.
    /* global Search */
    var S = typeof Search !== "undefined" ? Search : null;
    if (!S || typeof S.htmlToText !== "function" || S.htmlToText.plainMath) return;
    var original = S.htmlToText;
    var wrapped = function (htmlString, anchor) {
      var doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll("span.math, div.math").forEach(function (el) {
        el.querySelectorAll(".eqno").forEach(function (n) { n.remove(); });
        el.textContent = " " + plainTeX(el.textContent) + " ";
      });
      return original(doc.documentElement.outerHTML, anchor);
    };
    wrapped.plainMath = true;
    S.htmlToText = wrapped;
  }

  window.initlabPlainTeX = plainTeX;  // for the site tests
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", install);
  } else {
    install();
  }
})();
