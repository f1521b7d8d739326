// The scenario dashboard (scenarios/dashboard.html): needs by domain, by district, and needs, calls and pilots by
// status, from {{ data|json_script:"dashboard-data" }} and {{ labels|json_script:"dashboard-labels" }}.
(function () {
  "use strict";
  var d = aiplusCharts.data("dashboard-data"), labels = aiplusCharts.data("dashboard-labels");
  function bar(id, obj, title) {
    aiplusCharts.init(id, {title: {text: title}, tooltip: {}, xAxis: {type: "category", data: Object.keys(obj)},
                           yAxis: {type: "value"}, series: [{type: "bar", data: Object.values(obj)}]});
  }
  bar("by-domain", d.needs_by_domain, labels.by_domain);
  bar("by-district", d.needs_by_district, labels.by_district);
  var s = {};
  [[labels.needs, d.needs_by_status], [labels.calls, d.calls_by_status], [labels.pilots, d.pilots_by_status]]
    .forEach(function (group) {
      Object.keys(group[1]).forEach(function (k) { s[group[0] + ":" + k] = group[1][k]; });
    });
  bar("by-status", s, labels.by_status);
})();
