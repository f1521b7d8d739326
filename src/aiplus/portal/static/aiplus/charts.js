// Chart helpers for every page that draws with the vendored ECharts (vendor/echarts/echarts.min.js, loaded first).
//
// ECharts puts whatever a tooltip formatter returns into the page as HTML. So no chart builds a tooltip by joining
// names into a string: aiplusCharts.init gives each chart aiplusCharts.axisTooltip or itemTooltip unless it brings
// its own function, and a chart's own formatter passes every name and value through aiplusCharts.escape. Names a
// user wrote (a compute centre's, an organisation's) therefore always read as text. Labels, axes, legends and titles
// are drawn on the canvas and are text already. Data reaches a page's script only through
// {{ value|json_script:"id" }}, read back with aiplusCharts.data("id").
(function (global) {
  "use strict";

  var ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;", "`": "&#96;"};

  // The text of any value (null and undefined as nothing) with the characters HTML gives meaning to as entities.
  function escape(value) {
    if (value === null || value === undefined) { return ""; }
    return String(value).replace(/[&<>"'`]/g, function (character) { return ENTITIES[character]; });
  }

  function valueText(value) {
    return Array.isArray(value) ? value.map(escape).join(", ") : escape(value);
  }

  // Tooltip for trigger "axis": the category, then a line per series (its colour marker, name and value).
  // The marker is markup ECharts makes from the series colour, never from data.
  function axisTooltip(params) {
    var list = Array.isArray(params) ? params : [params];
    if (!list.length) { return ""; }
    var head = list[0].axisValueLabel !== undefined ? list[0].axisValueLabel : list[0].name;
    return [escape(head)].concat(list.map(function (p) {
      return (p.marker || "") + escape(p.seriesName) + ": " + valueText(p.value);
    })).join("<br>");
  }

  // Tooltip for trigger "item": the data point's marker, name and value.
  function itemTooltip(params) {
    var p = Array.isArray(params) ? params[0] : params;
    if (!p) { return ""; }
    return (p.marker || "") + escape(p.name) + ": " + valueText(p.value);
  }

  // The parsed content of a {{ value|json_script:"id" }} element.
  function data(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  // Draws a chart in the element (or the element with that id) and returns it; null without the element or ECharts.
  // A tooltip without a formatter function gets the escaping one for its trigger.
  function init(elementOrId, option) {
    var element = typeof elementOrId === "string" ? document.getElementById(elementOrId) : elementOrId;
    if (!element || typeof echarts === "undefined") { return null; }
    if (option.tooltip && typeof option.tooltip.formatter !== "function") {
      option.tooltip.formatter = option.tooltip.trigger === "axis" ? axisTooltip : itemTooltip;
    }
    var chart = echarts.init(element);
    chart.setOption(option);
    global.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  global.aiplusCharts = {escape: escape, axisTooltip: axisTooltip, itemTooltip: itemTooltip, data: data, init: init};
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
