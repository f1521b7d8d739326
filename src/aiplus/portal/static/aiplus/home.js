// The home page's coverage chart: the counts from {{ chart|json_script:"coverage-data" }}, the level names (in the
// page's language) from the chart element's data-label-<level> attributes.
(function () {
  "use strict";
  var element = document.getElementById("coverage-chart");
  if (!element) { return; }
  aiplusCoverageChart("coverage-chart", aiplusCharts.data("coverage-data"), {
    implemented: element.dataset.labelImplemented,
    partial: element.dataset.labelPartial,
    declarative: element.dataset.labelDeclarative,
    not_yet: element.dataset.labelNotYet
  });
})();
