// Draws every chart on the page from the JSON embedded next to it (json_script).
(function () {
  "use strict";
  function themed(layout) {
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    var ink = dark ? "#e6e9ee" : "#1b1f24";
    var grid = dark ? "#2e353e" : "#d8dde3";
    layout.paper_bgcolor = "rgba(0,0,0,0)";
    layout.plot_bgcolor = "rgba(0,0,0,0)";
    layout.font = { color: ink, family: "system-ui, sans-serif" };
    layout.xaxis = Object.assign({ gridcolor: grid }, layout.xaxis || {});
    layout.yaxis = Object.assign({ gridcolor: grid }, layout.yaxis || {});
    return layout;
  }
  // A chart whose points link somewhere: each point's first custom datum is a page of the
  // site's own (a path, never another origin), opened on a click.
  function follow(element) {
    element.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      var url = point && point.customdata && point.customdata[0];
      if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
        window.location.assign(url);
      }
    });
  }
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, themed(figure.layout || {}), {
        responsive: true,
        displaylogo: false,
        modeBarButtonsToRemove: ["select2d", "lasso2d"],
      }).then(function () {
        if (element.hasAttribute("data-chart-links")) { follow(element); }
        element.setAttribute("data-drawn", "true");
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
