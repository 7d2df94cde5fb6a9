package web

import (
	"html/template"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/org"
)

// written hands the dashboard's content to the page cache as dashboardHTML
// wrote it (writtenPage, pooledPage): indicators.html's "content" is
// {{.Body}} alone.
func (p *dashboardPage) written() template.HTML { return p.Body }

// dashboardHTML writes the dashboard's content in Go (see hw) as its
// template wrote it, with the partials it called (ind_tabs, picker,
// ind_view, ind_charts) and its rows (writeDashRows): kept in
// testdata/indicators_template.html, TestPagesAsTheirTemplates compares the
// two. Executed field by field, the head and the form were ≈ 14 % of a
// rebuilt dashboard's CPU, and the content was copied once more through
// html/template's buffer. Written into a buffer of pageBufs, rows and all
// (a copy of the rows, then of the content, were ≈ 250 KB a rebuild).
func dashboardHTML(p *dashboardPage) template.HTML {
	L := p.L
	w := pooledHW()
	w.raw("\n")
	writeIndTabs(w, &p.indPage)
	w.raw("\n<h1>").text(p.Title).raw("</h1>\n<form class=\"ind-filter\" method=\"get\" action=\"/indicators\" data-autosubmit>\n  ")
	writeIndUnit(w, &p.Page, p.Unit)
	w.raw("\n  ")
	writeIndView(w, &p.Page, string(p.Mode), string(p.Basis))
	w.raw("\n  <button>").text(L.T("indicator.show")).raw("</button>\n</form>\n<p class=\"muted small\">")
	if string(p.Mode) == "restated" {
		w.text(L.T("indicator.restated_note", "Date", L.Date(p.AsOf)))
	} else {
		w.text(L.T("indicator.asis_note"))
	}
	w.raw(" ").text(L.T("indicator.live_note")).raw("</p>\n<p class=\"cmp-note small\" id=\"cmp-note\">").
		text(L.T("completeness.table_note", "Basis", L.T("completeness.basis."+string(p.Basis)), "Threshold", L.Pct(p.Threshold)))
	if p.Can("configure") {
		w.raw(" <a href=\"/admin/settings\">").text(L.T("settings.change")).raw("</a>")
	}
	w.raw("</p>\n<div class=\"scroll card flush\" data-scroll-end>\n<table class=\"list dash\">\n  <thead><tr><th>").text(L.T("indicator.indicator")).raw("</th>")
	for _, q := range p.Periods {
		w.raw("<th class=\"num\">").text(q.Short()).raw("</th>")
	}
	w.raw("</tr></thead>\n  <tbody>")
	writeDashRows(w, p)
	w.raw("</tbody>\n</table>\n</div>\n")
	if p.Chart != "" {
		w.raw("<section class=\"card\"><h2>").text(L.T("indicator.trend")).raw(": ").text(p.ChartName).raw("</h2><div class=\"chart\" data-chart=\"").
			text(p.Chart).raw("\" role=\"img\" aria-label=\"").text(p.ChartAlt.Summary).raw("\"></div>\n  <p class=\"muted small\">").
			text(L.T("completeness.chart_legend")).raw("</p></section>")
	}
	w.raw("\n<p class=\"muted small\">").text(L.T("indicator.lights_note")).raw("</p>\n<script src=\"/static/indicator.js\" defer></script>\n")
	return p.set(w)
}

// writeIndTabs writes _indicator.html's "ind_tabs".
func writeIndTabs(w *hw, p *indPage) {
	L := p.L
	w.raw("<nav class=\"tabs ind-tabs\">")
	for _, t := range [...]struct{ tab, path, key string }{
		{"indicators", "/indicators", "indicator.tab.dashboard"}, {"catalogue", "/indicators/catalogue", "indicator.tab.catalogue"},
		{"forms", "/forms", "indicator.tab.forms"}, {"assess", "/assess", "indicator.tab.assess"}} {
		w.raw("\n  <a href=\"").url(p.U(t.path)).raw("\" ")
		if p.Tab == t.tab {
			w.raw("aria-current=\"page\"")
		}
		w.raw(">").text(L.T(t.key)).raw("</a>")
	}
	w.raw("\n</nav>")
}

// writeIndUnit writes the start of an indicator page's view form as its
// template wrote it: the date when not today, and the unit's picker
// under its label.
func writeIndUnit(w *hw, p *Page, unit *org.Version) {
	if !p.IsToday() {
		w.raw("<input type=\"hidden\" name=\"d\" value=\"").text(p.AsOf.String()).raw("\">")
	}
	unitWord := p.L.T("indicator.unit")
	w.raw("\n  <div class=\"picker-label\"><span>").text(unitWord).raw("</span>\n  ")
	writePicker(w, p, "unit", strconv.FormatInt(unit.UnitID, 10), unitWord, unit.Name)
	w.raw("</div>")
}

// writePicker writes _unitlink.html's "picker" (a unit's field).
func writePicker(w *hw, p *Page, name, value, label, shown string) {
	w.raw("\n<div class=\"picker\" data-picker>\n  <input type=\"hidden\" name=\"").text(name).raw("\" value=\"").text(value).raw("\" id=\"pick-").text(name).
		raw("\">\n  <input type=\"search\" placeholder=\"").text(p.L.T("pick.placeholder")).raw("\" aria-label=\"").text(label).raw("\" value=\"").text(shown).
		raw("\"\n    name=\"").text(name).raw("_q\" hx-get=\"/pick?target=pick-").text(name).raw("&amp;d=").text(p.AsOf.String()).
		raw("\" hx-trigger=\"input changed delay:300ms, search\"\n    hx-target=\"next .pick-results\" hx-params=\"").text(name).
		raw("_q\" autocomplete=\"off\">\n  <div class=\"pick-results\"></div>\n</div>\n")
}

// writeIndView writes _indicator.html's "ind_view" (the mode and the basis).
func writeIndView(w *hw, p *Page, mode, basis string) {
	L := p.L
	w.raw("\n  <fieldset class=\"seg\"><legend>").text(L.T("indicator.view")).raw("</legend>")
	for _, m := range [...]string{"asis", "restated"} {
		w.raw("\n    <label><input type=\"radio\" name=\"mode\" value=\"").raw(m).raw("\" ")
		if mode == m {
			w.raw("checked")
		}
		w.raw("> ").text(L.T("indicator.mode." + m)).raw("</label>")
	}
	w.raw("\n  </fieldset>\n  <label>").text(L.T("indicator.basis")).raw(" <select name=\"basis\">")
	for _, b := range [...]string{"all", "submitted", "approved"} {
		w.raw("\n    <option value=\"").raw(b).raw("\" ")
		if basis == b {
			w.raw("selected")
		}
		w.raw(">").text(L.T("indicator.basis." + b)).raw("</option>")
	}
	w.raw("\n  </select></label>\n")
}
