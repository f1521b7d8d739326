// Draws the coverage summary with the vendored ECharts; labels come from the page, in the page's language.
function aiplusCoverageChart(elementId, data, labels) {
  var element = document.getElementById(elementId);
  if (!element || typeof echarts === "undefined") { return; }
  var chart = echarts.init(element);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: data.levels.map(function (level) { return labels[level]; })},
    grid: {left: 120, right: 20, top: 40, bottom: 20},
    xAxis: {type: "value"},
    yAxis: {type: "category", data: data.packs},
    // one stacked bar per level, in the order the coverage report gives them
    series: data.levels.map(function (level) {
      return {name: labels[level], type: "bar", stack: "a", data: data.counts[level],
              itemStyle: {color: {implemented: "#2f7d4f", partial: "#5b8db8", declarative: "#8c8c8c",
                                  not_yet: "#c98a1a"}[level]}};
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
}
