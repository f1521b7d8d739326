// A savings study (compute/study.html): mean completion time and cost for each dispatch policy, from
// {{ table|json_script:"study-data" }} and {{ policies|json_script:"study-policies" }}.
(function () {
  "use strict";
  if (!document.getElementById("study-data")) { return; }
  var rows = aiplusCharts.data("study-data"), names = aiplusCharts.data("study-policies");
  aiplusCharts.init("study-chart", {tooltip: {trigger: "axis"}, legend: {}, xAxis: {type: "category", data: names},
    yAxis: [{type: "value", name: rows[0].label}, {type: "value", name: rows[3].label}],
    series: [{name: rows[0].label, type: "bar", data: rows[0].values},
             {name: rows[3].label, type: "bar", yAxisIndex: 1, data: rows[3].values}]});
})();
