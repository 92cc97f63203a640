/* Draws the figures the server wrote as JSON (competencies/figures.py: to_html) with the site's own
   plotly.js, and makes the drill-down figures clickable: a click on a map point or a heatmap cell merges
   its customdata (the query of the area) into the page's URL. A static file, so that the page's
   Content-Security-Policy needs no inline script. */
(function () {
  "use strict";
  if (!window.Plotly) { return; }

  function drill(event) {
    var query = event.points && event.points[0] && event.points[0].customdata;
    if (!query || typeof query !== "string") { return; }
    var params = new URLSearchParams(window.location.search);
    params.delete("export"); params.delete("tableau");
    new URLSearchParams(query).forEach(function (value, key) { params.set(key, value); });
    window.location.search = params.toString();
  }

  document.querySelectorAll(".relais-figure[data-figure]").forEach(function (element) {
    var spec;
    try { spec = JSON.parse(element.getAttribute("data-figure")); } catch (e) { return; }
    window.Plotly.newPlot(element, spec.data || [], spec.layout || {}, spec.config || {}).then(function (plot) {
      if (element.closest(".relais-drill")) { plot.on("plotly_click", drill); }
    });
  });
})();
