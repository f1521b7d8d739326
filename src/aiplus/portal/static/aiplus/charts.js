// Chart helpers for every page that draws with the vendored ECharts (vendor/echarts/echarts.min.js, loaded first).
//
// ECharts puts a tooltip formatter's string into the page as HTML, and its own series markers carry style
// attributes, which the content security policy blocks. So no chart's tooltip is markup: aiplusCharts.init gives
// each chart aiplusCharts.axisTooltip or itemTooltip unless it brings its own function, and every formatter returns
// DOM elements built with aiplusCharts.tooltipLine, whose text is set as text (a name a user wrote, a compute
// centre's or an organisation's, can never become an element) and whose colour dot is coloured through the DOM.
// Labels, axes, legends and titles are drawn on the canvas and are text already. Data reaches a page's script only
// through {{ value|json_script:"id" }} (read back with aiplusCharts.data("id")) or data- attributes: page scripts
// are static files, never inline.
(function (global) {
  "use strict";

  function valueText(value) {
    if (value === null || value === undefined) { return ""; }
    return Array.isArray(value) ? value.join(", ") : String(value);
  }

  // One line of a tooltip: a dot in the series colour (when the colour is a plain one), then the text.
  function tooltipLine(color, text) {
    var line = document.createElement("div");
    if (typeof color === "string" && color) {
      var dot = document.createElement("span");
      dot.className = "chart-marker";
      dot.style.backgroundColor = color;
      line.appendChild(dot);
    }
    line.appendChild(document.createTextNode(valueText(text)));
    return line;
  }

  // Tooltip for trigger "axis": the category, then a line per series (its colour, name and value).
  function axisTooltip(params) {
    var list = Array.isArray(params) ? params : [params];
    if (!list.length) { return ""; }
    var head = list[0].axisValueLabel !== undefined ? list[0].axisValueLabel : list[0].name;
    return [tooltipLine(null, head)].concat(list.map(function (p) {
      return tooltipLine(p.color, valueText(p.seriesName) + ": " + valueText(p.value));
    }));
  }

  // Tooltip for trigger "item": the data point's colour, name and value.
  function itemTooltip(params) {
    var p = Array.isArray(params) ? params[0] : params;
    if (!p) { return ""; }
    return tooltipLine(p.color, valueText(p.name) + ": " + valueText(p.value));
  }

  // The parsed content of a {{ value|json_script:"id" }} element.
  function data(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  // Draws a chart in the element (or the element with that id) and returns it; null without the element or ECharts.
  // A tooltip without a formatter function gets the one for its trigger. Tooltips are confined to the chart: an
  // unconfined item tooltip gets an arrow that ECharts writes as markup with a style attribute (blocked by the CSP).
  function init(elementOrId, option) {
    var element = typeof elementOrId === "string" ? document.getElementById(elementOrId) : elementOrId;
    if (!element || typeof echarts === "undefined") { return null; }
    if (option.tooltip && typeof option.tooltip.formatter !== "function") {
      option.tooltip.formatter = option.tooltip.trigger === "axis" ? axisTooltip : itemTooltip;
    }
    if (option.tooltip && option.tooltip.confine === undefined) { option.tooltip.confine = true; }
    var chart = echarts.init(element);
    chart.setOption(option);
    global.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  global.aiplusCharts = {tooltipLine: tooltipLine, axisTooltip: axisTooltip, itemTooltip: itemTooltip, data: data,
                         init: init};
})(window);

// Draws the coverage summary; labels come from the page, in the page's language.
function aiplusCoverageChart(elementId, data, labels) {
  aiplusCharts.init(elementId, {
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
}
