// mangluoi: the charts of the plans' summary. The data comes from the
// page (data-chart on #chart-plans), drawn with the vendored ECharts.
(function () {
  var el = document.getElementById("chart-plans");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.dataset.chart || "{}");
  var colours = { done_on_time: "#2e7d32", done_late: "#8bc34a", on_track: "#1976d2", not_due: "#b0bec5", at_risk: "#f9a825", overdue: "#c62828" };
  function draw(node, labels, series) {
    if (!node || !labels || !labels.length) return;
    node.style.height = Math.max(160, 44 * labels.length + 60) + "px";
    var chart = echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: colours[s.key] } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw(el, data.plans, data.by_plan || []);
  draw(document.getElementById("chart-units"), data.units, data.by_unit || []);
})();
