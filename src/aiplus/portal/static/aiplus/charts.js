// Draws the coverage summary with the vendored ECharts; labels come from the page, in the page's language.
function aiplusCoverageChart(elementId, data, labels) {
  var element = document.getElementById(elementId);
  if (!element || typeof echarts === "undefined") { return; }
  var chart = echarts.init(element);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: [labels.implemented, labels.declarative, labels.open]},
    grid: {left: 120, right: 20, top: 40, bottom: 20},
    xAxis: {type: "value"},
    yAxis: {type: "category", data: data.packs},
    series: [
      {name: labels.implemented, type: "bar", stack: "a", data: data.implemented, itemStyle: {color: "#2f7d4f"}},
      {name: labels.declarative, type: "bar", stack: "a", data: data.declarative, itemStyle: {color: "#8c8c8c"}},
      {name: labels.open, type: "bar", stack: "a", data: data.open, itemStyle: {color: "#c98a1a"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}
