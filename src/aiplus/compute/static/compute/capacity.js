// The regional capacity page (compute/capacity.html): the centres on a longitude/latitude scatter map and their
// used and available cards, from {{ chart|json_script:"capacity-data" }}.
(function () {
  "use strict";
  var data = aiplusCharts.data("capacity-data"), labels = data.labels, line = aiplusCharts.tooltipLine;
  aiplusCharts.init("capacity-map", {
    animation: false, grid: {left: 50, right: 110, top: 40, bottom: 40},
    // the centre's name is user-written: the tooltip is built as text nodes, never as markup
    tooltip: {formatter: function (p) {
      return [line(null, (p.data.exact ? "" : "≈ ") + p.name),
              line(p.color, p.value[2] + " " + labels.cards + " · " + p.data.utilisation_pct + "%")];
    }},
    xAxis: {type: "value", scale: true, name: labels.longitude},
    yAxis: {type: "value", scale: true, name: labels.latitude},
    visualMap: {min: 0, max: 100, dimension: 4, text: ["100%", "0%"], calculable: false,
                inRange: {color: ["#2e7d32", "#f9a825", "#c62828"]}, right: 0, top: "middle"},
    series: [{type: "scatter", label: {show: true, formatter: "{b}", position: "right"},
      symbolSize: function (v) { return 10 + Math.sqrt(v[2]); }, itemStyle: {opacity: 0.85},
      data: data.points.map(function (p) {
        return {name: p.name, exact: p.exact, utilisation_pct: p.utilisation_pct,
                value: p.value.concat([p.utilisation_pct])};
      })}]
  });
  aiplusCharts.init("capacity-chart", {
    tooltip: {trigger: "axis"}, legend: {},
    xAxis: {type: "category", data: data.centres}, yAxis: {type: "value"},
    series: [
      {name: labels.used, type: "bar", stack: "cards", data: data.used},
      {name: labels.available, type: "bar", stack: "cards", data: data.available}
    ]
  });
})();
