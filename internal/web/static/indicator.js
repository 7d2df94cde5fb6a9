// mangluoi: indicators, reports and rankings — charts (ECharts, loaded only
// by the pages that draw one), filters that apply themselves, and the data
// entry grid (Enter goes to the next figure; computed rates update as the
// parts are typed). No inline script: the CSP forbids it.
(function () {
  "use strict";

  var vi = (document.documentElement.lang || "vi") !== "en";

  function fmt(v, digits) {
    if (v === null || v === undefined || isNaN(v)) return "—";
    return new Intl.NumberFormat(vi ? "vi-VN" : "en-GB", { maximumFractionDigits: digits === undefined ? 1 : digits }).format(v);
  }

  function esc(t) {
    return String(t).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  // Filters with data-autosubmit apply as soon as a choice changes —
  // unless figures typed into the entry grid would be lost: then the user
  // is asked, and the choice is put back if they keep their figures.
  var dirty = false;
  document.addEventListener("input", function (e) {
    if (e.target.closest("form[data-unsaved]")) dirty = true;
  });
  document.addEventListener("change", function (e) {
    var f = e.target.closest("form[data-autosubmit]");
    if (!f || e.target.type === "search") return;
    if (e.target.tagName !== "SELECT" && e.target.type !== "radio") return;
    var grid = document.querySelector("form[data-unsaved]");
    if (dirty && grid && !window.confirm(grid.getAttribute("data-unsaved"))) {
      if (e.target.tagName === "SELECT") {
        Array.prototype.forEach.call(e.target.options, function (o) { o.selected = o.defaultSelected; });
      }
      return;
    }
    f.requestSubmit ? f.requestSubmit() : f.submit();
  });

  // Charts: the element's data-chart holds the data.
  // ECharts (about 470 KB) is fetched only when the page has a chart.
  function drawCharts() {
    var charts = document.querySelectorAll(".chart[data-chart]");
    if (charts.length === 0) return;
    if (!window.echarts) {
      var lib = document.createElement("script");
      lib.src = "/static/vendor/echarts.min.js";
      lib.onload = drawCharts;
      document.head.appendChild(lib);
      return;
    }
    charts.forEach(function (el) {
      var d;
      try { d = JSON.parse(el.getAttribute("data-chart")); } catch (err) { return; }
      if (!d || !d.labels || d.labels.length === 0) { el.hidden = true; return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var opt;
      var base = { animation: false, textStyle: { fontFamily: "system-ui, sans-serif" }, tooltip: { trigger: "axis" } };
      if (d.kind === "line") {
        opt = Object.assign(base, {
          grid: { left: 56, right: 16, top: 24, bottom: 40 },
          tooltip: { trigger: "axis", formatter: function (ps) {
            var i = ps[0].dataIndex, note = d.notes && d.notes[i];
            return esc(ps[0].axisValue) + "<br>" + fmt(d.values[i], 1) + " " + esc(d.unit || "") + (note ? "<br>" + esc(note) : "");
          } },
          xAxis: { type: "category", data: d.labels, axisLabel: { hideOverlap: true } },
          yAxis: { type: "value", name: d.unit || "", axisLabel: { formatter: function (v) { return fmt(v, 0); } } },
          series: lineSeries(d)
        });
      } else if (d.kind === "bars") {
        // horizontal ranking bars, best first, names on the left
        var rows = d.labels.map(function (l, i) { return { l: l, v: d.values[i], p: d.partial && d.partial[i] }; });
        rows.sort(function (a, b) { return (a.v || 0) - (b.v || 0); });
        el.style.height = Math.max(220, rows.length * 26 + 60) + "px";
        opt = Object.assign(base, {
          grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          xAxis: { type: "value", max: d.max || null, axisLabel: { formatter: function (v) { return fmt(v, 0); } } },
          yAxis: { type: "category", data: rows.map(function (r) { return r.l; }), axisLabel: { width: 150, overflow: "truncate" } },
          series: [{ type: "bar", data: rows.map(function (r) { return r.p ? { value: r.v, itemStyle: { color: "#a9b4c2" } } : r.v; }), color: "#0b5cad",
            label: { show: true, position: "right", formatter: function (p) { return fmt(p.value, 1); } } }]
        });
      } else if (d.kind === "stack") {
        el.style.height = Math.max(220, d.labels.length * 26 + 80) + "px";
        var colors = ["#1d7a3a", "#c98a00", "#b3261e"];
        opt = Object.assign(base, {
          grid: { left: 8, right: 16, top: 32, bottom: 24, containLabel: true },
          legend: { top: 0 },
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          xAxis: { type: "value" },
          yAxis: { type: "category", data: d.labels, inverse: true, axisLabel: { width: 150, overflow: "truncate" } },
          series: d.series.map(function (name, i) { return { name: name, type: "bar", stack: "all", data: d.stack[i], color: colors[i] }; })
        });
      }
      if (opt) chart.setOption(opt);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // A line over periods: complete periods on a solid line; a period below
  // the completeness threshold is a hollow grey point reached by a dashed
  // line, so a partial total never reads as a real dip.
  function lineSeries(d) {
    var partial = d.partial || [];
    var solid = d.values.map(function (v, i) { return partial[i] ? null : v; });
    var dashed = d.values.map(function (v, i) {
      var near = partial[i] || partial[i - 1] || partial[i + 1];
      if (!near || v === null) return null;
      return partial[i] ? { value: v, symbol: "emptyCircle", symbolSize: 9, itemStyle: { color: "#6b7684" } } : { value: v, symbol: "none" };
    });
    var out = [{ type: "line", data: solid, connectNulls: false, symbolSize: 6, lineStyle: { width: 3 }, color: "#0b5cad",
      areaStyle: { opacity: 0.08 }, z: 3 }];
    if (partial.some(function (p) { return p; })) {
      out.push({ type: "line", data: dashed, connectNulls: false, lineStyle: { width: 2, type: "dashed", color: "#6b7684" },
        color: "#6b7684", z: 2, tooltip: { show: false } });
    }
    return out;
  }

  // Numbers as people type them (1.234.567 or 12,5 in Vietnamese).
  function parseNum(s) {
    s = (s || "").replace(/\s/g, "");
    if (s === "") return null;
    if (vi) {
      if (s.indexOf(",") >= 0) s = s.replace(/\./g, "").replace(",", ".");
      else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) s = s.replace(/\./g, "");
    } else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
    var v = Number(s);
    return isFinite(v) ? v : NaN;
  }

  // A formula over the grid's codes: + - * / and parentheses.
  function evalFormula(src, get) {
    var toks = src.match(/[A-Za-z][A-Za-z0-9_.]*|\d+(?:[.,]\d+)?|[-+*/()]/g) || [];
    var i = 0;
    function peek() { return toks[i]; }
    function expr() {
      var v = term();
      while (peek() === "+" || peek() === "-") { var op = toks[i++]; var r = term(); v = op === "+" ? v + r : v - r; }
      return v;
    }
    function term() {
      var v = factor();
      while (peek() === "*" || peek() === "/") {
        var op = toks[i++]; var r = factor();
        if (op === "/") v = r === 0 ? NaN : v / r; else v = v * r;
      }
      return v;
    }
    function factor() {
      var t = toks[i++];
      if (t === "(") { var v = expr(); i++; return v; }
      if (t === "-") return -factor();
      if (/^\d/.test(t)) return Number(t.replace(",", "."));
      var g = get(t.toUpperCase());
      return g === null ? NaN : g;
    }
    try { return expr(); } catch (e) { return NaN; }
  }

  function grid() {
    var form = document.getElementById("entry");
    if (!form) return;
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name^='v.'], select[name^='v.'], input[name^='c.']"));
    // Enter goes to the next figure, as in a spreadsheet; the form is sent
    // with its buttons only.
    form.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || e.target.tagName === "TEXTAREA" || e.target.tagName === "BUTTON") return;
      var figures = inputs.filter(function (x) { return x.name.indexOf("v.") === 0 && !x.readOnly && !x.disabled; });
      var at = figures.indexOf(e.target);
      if (at < 0) { at = inputs.indexOf(e.target); figures = inputs; }
      e.preventDefault();
      var next = figures[at + 1];
      if (next) { next.focus(); if (next.select) next.select(); }
      else { var b = form.querySelector("button[value=save]"); if (b) b.focus(); }
    });
    function recompute() {
      form.querySelectorAll("output[data-formula]").forEach(function (out) {
        var v = evalFormula(out.getAttribute("data-formula"), function (code) {
          var el = form.querySelector("[name='v." + code + "']");
          return el ? parseNum(el.value) : null;
        });
        out.textContent = isNaN(v) ? "—" : fmt(v, 1) + (vi ? " %" : "%");
      });
    }
    form.addEventListener("input", recompute);
  }

  // Wide tables of periods open on the last period that has a figure,
  // whole at the right edge (not on empty months to come, nor cut in half).
  function scrollEnds() {
    document.querySelectorAll("[data-scroll-end]").forEach(function (el) {
      var last = -1;
      el.querySelectorAll("tbody tr").forEach(function (tr) {
        Array.prototype.forEach.call(tr.children, function (td, i) {
          if (i > last && td.tagName === "TD" && !td.classList.contains("absent") && td.textContent.trim().charAt(0) !== "—") last = i;
        });
      });
      var head = el.querySelectorAll("thead tr > *");
      if (last < 0 || !head[last]) { el.scrollLeft = el.scrollWidth; return; }
      var th = head[last];
      el.scrollLeft = Math.max(0, th.offsetLeft + th.offsetWidth - el.clientWidth + 4);
    });
  }

  function start() { drawCharts(); grid(); scrollEnds(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
