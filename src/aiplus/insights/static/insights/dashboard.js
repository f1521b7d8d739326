// The targets dashboard and an indicator's series (ECharts, loaded first with aiplus/charts.js). Data and labels
// come from json_script blocks; nothing here is markup.
(function () {
  "use strict";
  var board = document.getElementById("insights-board");
  if (board) {
    var data = aiplusCharts.data("insights-board");
    if (data.names.length) {
      aiplusCharts.init("targets-chart", {
        tooltip: {trigger: "axis"},
        legend: {data: [data.labels.reached, data.labels.projected]},
        grid: {left: 220, right: 30, top: 40, bottom: 30},
        xAxis: {type: "value", axisLabel: {formatter: function (v) { return Math.round(v * 100) + "%"; }}},
        yAxis: {type: "category", data: data.names, inverse: true},
        series: [
          {name: data.labels.reached, type: "bar", data: data.reached,
           markLine: {symbol: "none", data: [{xAxis: 1, name: data.labels.target}]}},
          {name: data.labels.projected, type: "bar", data: data.projected}
        ]
      });
    }
  }
  var map = document.getElementById("insights-map");
  if (map) {
    var m = aiplusCharts.data("insights-map"), line = aiplusCharts.tooltipLine;
    aiplusCharts.init("infrastructure-map", {
      animation: false, grid: {left: 50, right: 30, top: 40, bottom: 40},
      legend: {data: m.layers.map(function (layer) { return layer.name; })},
      // names are user-written: the tooltip is text nodes, never markup
      tooltip: {formatter: function (p) {
        return [line(p.color, p.seriesName), line(null, p.name + (p.value[2] > 1 ? " · " + p.value[2] : ""))];
      }},
      xAxis: {type: "value", scale: true, name: m.labels.longitude},
      yAxis: {type: "value", scale: true, name: m.labels.latitude},
      series: m.layers.map(function (layer) {
        return {name: layer.name, type: "scatter", data: layer.points,
                symbolSize: function (v) { return 8 + Math.sqrt(v[2]) * 3; }};
      })
    });
  }
  var one = document.getElementById("insights-series");
  if (one) {
    var s = aiplusCharts.data("insights-series");
    aiplusCharts.init("series-chart", {
      tooltip: {trigger: "axis"},
      legend: {data: [s.labels.value, s.labels.projection, s.labels.target]},
      grid: {left: 80, right: 30, top: 40, bottom: 30},
      xAxis: {type: "time"},
      yAxis: {type: "value"},
      series: [
        {name: s.labels.value, type: "line", data: s.points},
        {name: s.labels.projection, type: "line", data: s.projection, lineStyle: {type: "dashed"}},
        {name: s.labels.target, type: "scatter", data: s.targets, symbolSize: 12}
      ]
    });
  }
})();
