// MathJax reads the math that pymdownx.arithmatex (generic mode) marks up: \( \) and \[ \].
// MathJax itself ships with the site (docs/hooks/mathjax_offline.py copies it into
// javascripts/mathjax/), so the math shows without a network; the loader finds its
// components and fonts next to startup.js.
window.MathJax = {
  loader: {
    load: ["input/tex", "output/chtml"],
  },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

// Material's instant loading swaps pages without a reload: typeset each new page.
if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    if (window.MathJax && MathJax.typesetPromise) {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      MathJax.typesetPromise();
    }
  });
}
