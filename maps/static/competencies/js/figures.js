/* Draws the figures the server wrote as JSON (competencies/figures.py: to_html) with the site's own
   plotly.js, and makes the drill-down figures clickable: a click on a map point or a heatmap cell merges
   its customdata (the query of the area) into the page's URL. A static file, so that the page's
   Content-Security-Policy needs no inline script. */
(function () {
  "use strict";
  if (!window.Plotly) { return; }

  function drill(event) {
    var query = event.points && event.points[0] && event.points[0].customdata;
    if (Array.isArray(query)) { query = query[0]; }  // heatmap cells: [query, hover text]
    if (!query || typeof query !== "string") { return; }
    var params = new URLSearchParams(window.location.search);
    params.delete("export"); params.delete("tableau");
    new URLSearchParams(query).forEach(function (value, key) { params.set(key, value); });
    window.location.search = params.toString();
  }

  // On a phone the map takes the width and its height follows (the colour bar is below it); the heatmap's
  // labels would take the cells' room: codes only across, short names down, no text in the cells (their
  // colours and the legend below tell a level, "<N" and "n.é." apart).
  // Words of `text` in lines of at most `width` characters (a longer word is kept whole), joined by <br>.
  function wrap(text, width) {
    var lines = [];
    text.split(/\s+/).forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) { lines[last] += " " + word; }
      else if (word) { lines.push(word); }
    });
    return lines.join("<br>");
  }

  // The evaluation's figures wrap their long category labels (evaluation/figures.py, `layout.meta.wrap`
  // names the axis); on a phone, narrower, and the figure grows by the lines it gained: cut, never.
  function rewrap(plot) {
    var axis = plot.layout.meta.wrap;
    var categories = (plot.data[0] && plot.data[0][axis]) || [];
    var added = 0;
    var ticktext = categories.map(function (label) {
      var narrow = wrap(String(label).replace(/<br>/g, " "), 20);
      added += narrow.split("<br>").length - String(label).split("<br>").length;
      return narrow;
    });
    var update = {};
    update[axis + "axis.tickmode"] = "array";
    update[axis + "axis.tickvals"] = categories;
    update[axis + "axis.ticktext"] = ticktext;
    update.height = (plot.layout.height || 360) + 15 * Math.max(0, added);
    window.Plotly.relayout(plot, update);
  }

  function fitPhone(plot) {
    if (plot.layout.meta && plot.layout.meta.wrap) {
      rewrap(plot);
    } else if (plot.id === "carte-etablissements") {
      window.Plotly.relayout(plot, {height: Math.round(plot.offsetWidth * 1.1) + 110});
    } else if (/^figure-.*-competences$/.test(plot.id) && plot.data && plot.data.length) {
      var names = plot.data[0].y || [];
      window.Plotly.restyle(plot, {texttemplate: ""});
      window.Plotly.relayout(plot, {
        "xaxis.ticktext": plot.layout.xaxis.tickvals, "xaxis.tickangle": -90,
        "yaxis.tickmode": "array", "yaxis.tickvals": names,
        "yaxis.ticktext": names.map(function (n) { return n.length > 18 ? n.slice(0, 17) + "…" : n; })
      });
    }
  }

  document.querySelectorAll(".relais-figure[data-figure]").forEach(function (element) {
    var spec;
    try { spec = JSON.parse(element.getAttribute("data-figure")); } catch (e) { return; }
    window.Plotly.newPlot(element, spec.data || [], spec.layout || {}, spec.config || {}).then(function (plot) {
      if (element.closest(".relais-drill")) { plot.on("plotly_click", drill); }
      if (plot.offsetWidth < 600) { fitPhone(plot); }
    });
  });
})();
