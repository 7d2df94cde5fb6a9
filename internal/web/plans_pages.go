package web

import (
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// The task list (/tasks) and the plans dashboard (/plans/dashboard) written
// in Go, whole (see hw and homeHTML): both are made again after each plans
// write (task reports and reviews, several a second under load), and what
// their templates still executed around the rows — the head, the filters,
// the KPIs, the legend, a row of a chart or of a review table for each
// plan and lead unit (a province's 226) — was most of a rebuilt page's CPU
// and bytes. These write the bytes the templates wrote, kept in
// testdata/tasks_template.html and testdata/plans_dashboard_template.html
// with the shared partials of _plans.html (which plan.html and plans.html
// still use): TestPlansPagesHTML holds them to the templates.

// tasksHTML writes the task list's content (template "content" of
// testdata/tasks_template.html) into a buffer of pageBufs (as
// dashboardHTML): a province's list is 170 KB, and a buffer of its own
// was as much again for each page rebuilt.
func tasksHTML(tp *taskListPage) template.HTML {
	p := &tp.Page
	w := pooledHW()
	w.raw("\n<h1>").text(p.Title).raw("</h1>\n<p class=\"facts\"><span><b>").text(tp.Unit).raw("</b></span><a href=\"").
		url(p.U("/plans/overdue")).raw("\">").text(p.L.T("plans.overdue.title")).raw("</a><a href=\"").
		url(p.U("/plans")).raw("\">").text(p.L.T("plans.title")).raw("</a><a href=\"").
		url(p.U("/plans/dashboard")).raw("\">").text(p.L.T("plans.dashboard.title")).raw("</a></p>\n")
	if len(tp.Pending) > 0 {
		w.raw("<section class=\"card\"><h2>").text(p.L.T("plans.pending", "Count", len(tp.Pending))).raw("</h2><ul>")
		for i := range tp.Pending {
			r := &tp.Pending[i]
			w.raw("<li><a href=\"").url(p.U("/tasks/" + strconv.FormatInt(r.TaskID, 10))).raw("#report\">").
				text(p.L.T("plans.pending_item", "Date", p.L.Date(r.SubmittedOn), "Percent", r.Percent)).raw("</a></li>")
		}
		w.raw("</ul></section>")
	}
	w.raw("\n<section class=\"card\">\n  <p>")
	countsBar(w, p, &tp.Counts)
	w.raw(" <span class=\"muted small\">").text(p.L.T("compliance.as_of", "Date", p.L.Date(p.AsOf))).raw("</span></p>\n  ")
	unit := ""
	if tp.Filter.UnitID != 0 {
		unit = strconv.FormatInt(tp.Filter.UnitID, 10)
	}
	taskFilters(w, p, tp.Filter, tp.Statuses, "/tasks", unit)
	w.raw("\n  ")
	writeTaskRows(w, p, tp.Rows)
	w.raw("\n  ")
	if len(tp.Rows) >= tp.Limit {
		w.raw("<p class=\"muted small\">").text(p.L.T("tasks.limited", "Count", p.L.Int(tp.Limit))).raw("</p>")
	}
	w.raw("\n</section>\n")
	return tp.set(w)
}

// planDashHTML writes the plans dashboard's content (template "content"
// of testdata/plans_dashboard_template.html) into a buffer of pageBufs (as
// dashboardHTML).
func planDashHTML(dp *planDashPage) template.HTML {
	p := &dp.Page
	d := dp.D
	w := pooledHW()
	w.raw("\n<h1>").text(p.Title).raw("</h1>\n<p class=\"muted\">").text(p.L.T("compliance.as_of", "Date", p.L.Date(p.AsOf))).raw(" ")
	w.raw("<button type=\"button\" class=\"button no-print\" data-print>").text(p.L.T("shell.print")).raw("</button>") // print_button
	c := &d.Counts
	w.raw("</p>\n<section class=\"card kpis\">\n  <div><b>").num(p.L, c.Done).raw("/").num(p.L, c.Total).raw("</b><span>").
		text(p.L.T("plans.kpi.done")).raw("</span></div>\n  <div class=\"st-overdue\"><b>").num(p.L, c.Overdue).raw("</b><span>").
		text(p.L.T("status.overdue")).raw("</span></div>\n  <div class=\"st-at_risk\"><b>").num(p.L, c.AtRisk).raw("</b><span>").
		text(p.L.T("status.at_risk")).raw("</span></div>\n  <div><b>").num(p.L, c.DoneLate).raw("</b><span>").
		text(p.L.T("status.done_late")).raw("</span></div>\n</section>\n<p class=\"legend small\">")
	for _, st := range dp.Statuses {
		w.raw("<span class=\"sw s-").text(string(st)).raw("\" aria-hidden=\"true\"></span>")
		statusTag(w, p, st)
		w.raw(" ")
	}
	w.raw("</p>\n<section class=\"card\"><h2 id=\"by-plan\">").text(p.L.T("plans.chart.by_plan")).raw("</h2>")
	statusStack(w, p, &dp.ByPlan, p.L.T("plans.chart.plan"), "by-plan", dp.Statuses)
	w.raw("\n  ")
	reviewTable(w, p, dp.ByPlan.Rows, c, p.L.T("plans.review.plan"), p.L.T("plans.chart.by_plan"))
	w.raw("</section>\n<section class=\"card\"><h2 id=\"by-unit\">").text(p.L.T("plans.chart.by_unit")).raw("</h2>")
	if dp.AllUnitsURL != "" {
		w.raw("<p class=\"muted\">").text(dp.ByUnitNote).raw(" <a href=\"").url(dp.AllUnitsURL).raw("\">").text(dp.AllUnitsText).raw("</a></p>")
	}
	statusStack(w, p, &dp.ByUnit, p.L.T("plans.lead"), "by-unit", dp.Statuses)
	w.raw("\n  ")
	reviewTable(w, p, dp.ByUnit.Rows, c, p.L.T("plans.review.unit"), p.L.T("plans.chart.by_unit"))
	w.raw("</section>\n<section class=\"card\"><h2>").text(p.L.T("plans.overdue.title")).raw("</h2>")
	writeTaskRows(w, p, d.Overdue)
	w.raw("<p><a href=\"").url(p.U("/plans/overdue")).raw("\">").text(p.L.T("plans.overdue.all")).raw("</a></p></section>\n<section class=\"card\"><h2>").
		text(p.L.T("plans.due_soon")).raw("</h2>")
	writeTaskRows(w, p, d.DueSoon)
	w.raw("</section>\n")
	return dp.set(w)
}

// countsBar is template "counts_bar".
func countsBar(w *hw, p *Page, c *plans.Counts) {
	countsText(w, p, c)
	w.raw("\n")
	if c.Total != 0 {
		w.raw("<meter class=\"bar\" min=\"0\" max=\"").int(int64(c.Total)).raw("\" low=\"").int(int64(c.Overdue)).
			raw("\" value=\"").int(int64(c.Done)).raw("\" aria-label=\"").int(int64(c.Done)).raw("/").int(int64(c.Total)).raw("\"></meter>")
	}
}

// windows are the deadline windows template "task_filters" offers.
var windows = [...]int{7, 30, 90, 180}

// taskFilters is template "task_filters" (unit: the unit filtered on, ""
// for none).
func taskFilters(w *hw, p *Page, f plans.Filter, statuses []plans.Status, action, unit string) {
	w.raw("\n<form class=\"filters\" method=\"get\" action=\"").url(action).raw("\">\n  ")
	if !p.IsToday() {
		w.raw("<input type=\"hidden\" name=\"d\" value=\"").text(p.AsOf.String()).raw("\">")
	}
	w.raw("\n  <label>").text(p.L.T("tasks.status")).raw(" <select name=\"status\"><option value=\"\">").text(p.L.T("tasks.all")).raw("</option>")
	for _, st := range statuses {
		w.raw("<option value=\"").text(string(st)).raw("\" ")
		if st == f.Status {
			w.raw("selected")
		}
		w.raw(">").text(p.L.T("status." + string(st))).raw("</option>")
	}
	w.raw("</select></label>\n  <label>").text(p.L.T("tasks.window")).raw(" <select name=\"window\"><option value=\"\">").text(p.L.T("tasks.all")).raw("</option>")
	for _, n := range windows {
		w.raw("<option value=\"").int(int64(n)).raw("\" ")
		if n == f.Window {
			w.raw("selected")
		}
		w.raw(">").text(p.L.T("tasks.window_n", "Days", n)).raw("</option>")
	}
	w.raw("</select></label>\n  ")
	if unit != "" {
		w.raw("<input type=\"hidden\" name=\"unit\" value=\"").text(unit).raw("\">")
	}
	w.raw("\n  <button>").text(p.L.T("tasks.filter")).raw("</button>\n</form>")
}

// statusStack is template "status_stack".
func statusStack(w *hw, p *Page, c *stackChart, col, head string, statuses []plans.Status) {
	w.raw("\n<figure class=\"stack\" aria-label=\"").text(c.Summary).raw("\">\n<table class=\"list small stack-rows\" aria-labelledby=\"").text(head).raw("\">")
	writeStackBars(w, p, c)
	w.raw("</table>\n")
	if len(c.Rows) > 0 {
		w.raw("<details class=\"figures\"><summary>").text(p.L.T("plans.chart.figures")).raw("</summary>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"").
			text(c.Summary).raw("\"><table class=\"list small num\">\n<thead><tr><th scope=\"col\">").text(col).raw("</th>")
		for _, st := range statuses {
			w.raw("<th scope=\"col\">").text(p.L.T("status." + string(st))).raw("</th>")
		}
		w.raw("<th scope=\"col\">").text(p.L.T("plans.chart.total")).raw("</th></tr></thead>\n<tbody>")
		writeStackFigures(w, p, c, statuses)
		w.raw("</tbody>\n</table></div></details>")
	}
	w.raw("\n</figure>")
}

// reviewTable is template "review_table" of a chart's rows (as
// planDashPage.reviews makes them for the template).
func reviewTable(w *hw, p *Page, rows []stackRow, total *plans.Counts, head, caption string) {
	w.raw("\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"").text(caption).raw("\"><table class=\"list review small\">\n  <thead><tr><th scope=\"col\">").
		text(head).raw("</th><th scope=\"col\">").text(p.L.T("plans.review.started")).raw("</th><th scope=\"col\">").text(p.L.T("plans.review.done")).
		raw("</th><th scope=\"col\">").text(p.L.T("status.done_on_time")).raw("</th><th scope=\"col\">").text(p.L.T("status.done_late")).
		raw("</th><th scope=\"col\">").text(p.L.T("status.overdue")).raw("</th><th scope=\"col\">").text(p.L.T("plans.review.not_started")).
		raw("</th><th scope=\"col\">").text(p.L.T("plans.review.closed")).raw("</th></tr></thead>\n  <tbody>")
	writeChartReviewRows(w, p, rows)
	w.raw("</tbody>\n  <tfoot><tr><th scope=\"row\">").text(p.L.T("plans.review.total")).raw("</th>")
	reviewCells(w, p, total)
	w.raw("</tr></tfoot>\n</table></div>")
}

// A message of the catalogue with data, said once per language with a
// marker for each value and split there (msgSplit): a chart's rows say
// "12/30 hoàn thành · 3 quá hạn" for each of a province's 226 lead units,
// and go-i18n executes a template (and a map of its data) for each. Only
// for messages whose values are printed as they are ({{.Done}}): the
// keys named in this file, which TestPlansPagesHTML holds to the
// template's output in both languages.
type msgSplit struct {
	parts []string // len(order)+1 texts around the values, escaped (as text writes them)
	order []int    // the value written after parts[i]
}

// msgSplits are the split messages by language and key. Bound: the keys
// plans_rows.go splits (six) in each language.
var msgSplits struct {
	sync.RWMutex
	m map[[2]string]*msgSplit
}

func splitMsg(l *locale.Printer, key string, names ...string) *msgSplit {
	k := [2]string{l.Lang, key}
	msgSplits.RLock()
	m := msgSplits.m[k]
	msgSplits.RUnlock()
	if m != nil {
		return m
	}
	kv := make([]any, 0, 2*len(names))
	for i, n := range names {
		kv = append(kv, n, "\x00"+string(rune('0'+i))+"\x00")
	}
	s := l.T(key, kv...)
	m = &msgSplit{}
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 || i+2 >= len(s) || s[i+2] != 0 || s[i+1] < '0' || int(s[i+1]-'0') >= len(names) {
			m.parts = append(m.parts, string(appendEscaped(nil, s)))
			break
		}
		m.parts = append(m.parts, string(appendEscaped(nil, s[:i])))
		m.order = append(m.order, int(s[i+1]-'0'))
		s = s[i+3:]
	}
	msgSplits.Lock()
	if msgSplits.m == nil {
		msgSplits.m = map[[2]string]*msgSplit{}
	}
	msgSplits.m[k] = m
	msgSplits.Unlock()
	return m
}

// msgNum is msg with numbers, written as the printer's Int writes them.
func (w *hw) msgNum(l *locale.Printer, m *msgSplit, vals ...int) *hw {
	for i, part := range m.parts {
		w.raw(part) // escaped once, by splitMsg
		if i < len(m.order) {
			w.num(l, vals[m.order[i]])
		}
	}
	return w
}

// num writes n as l.Int does (1.234.567, or 1,234,567 in English): digits,
// separators and a sign, which text would write as they are.
func (w *hw) num(l *locale.Printer, n int) *hw {
	sep := byte('.')
	if l.Lang == "en" {
		sep = ','
	}
	var buf [24]byte
	d := strconv.AppendInt(buf[:0], int64(n), 10)
	if d[0] == '-' {
		w.b = append(w.b, '-')
		d = d[1:]
	}
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			w.b = append(w.b, sep)
		}
		w.b = append(w.b, c)
	}
	return w
}
