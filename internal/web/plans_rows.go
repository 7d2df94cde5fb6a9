package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// The plans' repeated parts written in Go (see hw): the task list's rows
// (templates "task_rows", "status_tag", "task_due" in _plans.html, which
// say what these write) on the task list, the plans dashboard, a plan and
// the homes, and the rows of the dashboard's charts and review tables.

// taskRows is template "task_rows": P is the page (any page data), Rows
// the tasks.
func taskRows(pd pager, rows []plans.TaskRow) (template.HTML, error) {
	if pd == nil {
		return "", fmt.Errorf("task_rows: no page")
	}
	w := newHW(512 * (len(rows) + 1))
	writeTaskRows(w, pd.base(), rows)
	return w.owned(), nil
}

// writeTaskRows writes template "task_rows" (the task list, the plans
// dashboard, a plan, the homes).
func writeTaskRows(w *hw, p *Page, rows []plans.TaskRow) {
	w.raw("\n<ul class=\"tasks\">")
	for i := range rows {
		t := &rows[i]
		w.raw("\n  <li class=\"task ")
		if t.Mine == 0 {
			w.raw("mine")
		}
		w.raw("\">\n    <div class=\"task-main\">")
		if t.Code != "" {
			w.raw("<span class=\"code\">").text(t.Code).raw("</span> ")
		}
		w.raw("<a href=\"")
		taskURL(w, p, t.ID)
		w.raw("\">").text(t.Title).raw("</a>\n      <div class=\"muted small\">")
		if t.PlanNumber != "" {
			w.text(t.PlanNumber).raw(" · ")
		}
		if t.LeadClass != "" {
			w.raw("<b>").text(p.L.T("plans.class." + string(t.LeadClass))).raw("</b>")
			if c := t.Class; c != nil {
				w.raw(" · <b>").msgNum(p.L, splitMsg(p.L, "plans.class.progress", "Done", "Total"), c.Done, c.Total).raw("</b>")
			}
		} else {
			w.raw("<b>").text(t.LeadName).raw("</b>")
		}
		if len(t.SupportNames) > 0 {
			w.raw(" · ").text(p.L.T("plans.with")).raw(" ")
			for j, n := range t.SupportNames {
				if j > 0 {
					w.raw(", ")
				}
				w.text(n)
			}
		}
		w.raw("</div></div>\n    <div class=\"task-side\">")
		statusTag(w, p, t.State.Status)
		w.raw("\n      <div class=\"small\">")
		taskDue(w, p, t)
		if t.State.Status == plans.Overdue {
			w.raw(" · <b class=\"late\">").msgNum(p.L, splitMsg(p.L, "plans.days_late", "Days"), t.State.DaysLate).raw("</b>")
		}
		if t.State.Percent != 0 && !t.State.Status.Done() {
			w.raw(" · ").int(int64(t.State.Percent)).raw("%")
		}
		w.raw("</div></div>\n  </li>")
	}
	if len(rows) == 0 {
		w.raw("<li class=\"muted\">").text(p.L.T("tasks.none")).raw("</li>")
	}
	w.raw("\n</ul>")
}

// taskURL writes p.U("/tasks/{id}") as url writes it: the path and, on a
// past date, "?d=" and the date, none of which normaliseURL or the
// escaper change.
func taskURL(w *hw, p *Page, id int64) {
	w.raw("/tasks/").int(id)
	if !p.IsToday() {
		w.raw("?d=").raw(p.AsOf.String())
	}
}

// date writes d as Printer.Date does (dd/mm/yyyy, "—" for none or the
// open end), which text would write as it is.
func (w *hw) date(d day.Day) *hw {
	if d.IsZero() || d.IsForever() {
		return w.raw("—")
	}
	w.b = d.Time().AppendFormat(w.b, "02/01/2006")
	return w
}

// statusTag is template "status_tag".
func statusTag(w *hw, p *Page, s plans.Status) {
	w.raw("<span class=\"st st-").text(string(s)).raw("\">").text(p.L.T("status." + string(s))).raw("</span>")
}

// taskDue is template "task_due".
func taskDue(w *hw, p *Page, t *plans.TaskRow) {
	if t.Schedule == "once" {
		w.date(t.DueOn)
		return
	}
	w.text(p.L.T("schedule." + string(t.Schedule)))
	if c := t.State.Current; c != nil {
		w.raw(" · ").date(c.DueOn)
	}
}

// countsText is template "counts_text".
func countsText(w *hw, p *Page, c *plans.Counts) {
	m := countsMsgsOf(p)
	countsTextWith(w, p, &m, c)
}

// countsMsgs are counts_text's messages, looked up once for a chart's
// rows rather than three times a row (a province's plans dashboard has
// 226 lead units' bars).
type countsMsgs struct{ done, overdue, atRisk *msgSplit }

func countsMsgsOf(p *Page) countsMsgs {
	return countsMsgs{done: splitMsg(p.L, "plans.count_done", "Done", "Total"),
		overdue: splitMsg(p.L, "plans.n_overdue", "Count"), atRisk: splitMsg(p.L, "plans.n_at_risk", "Count")}
}

func countsTextWith(w *hw, p *Page, m *countsMsgs, c *plans.Counts) {
	w.raw("<span class=\"countline\"><b>").msgNum(p.L, m.done, c.Done, c.Total).raw("</b>")
	if c.Overdue != 0 {
		w.raw(" · <span class=\"st st-overdue\">").msgNum(p.L, m.overdue, c.Overdue).raw("</span>")
	}
	if c.AtRisk != 0 {
		w.raw(" · <span class=\"st st-at_risk\">").msgNum(p.L, m.atRisk, c.AtRisk).raw("</span>")
	}
	w.raw("</span>\n")
}

// stackBars are the bars of template "status_stack", a row each.
func stackBars(pd pager, c stackChart) template.HTML {
	w := newHW(700 * len(c.Rows))
	writeStackBars(w, pd.base(), &c)
	return w.owned()
}

func writeStackBars(w *hw, p *Page, c *stackChart) {
	m := countsMsgsOf(p)
	for i := range c.Rows {
		r := &c.Rows[i]
		w.raw("<tr><th scope=\"row\"><a href=\"").url(r.Href).raw("\">").text(r.Name).raw("</a></th>\n  <td class=\"bar-cell\"><svg class=\"stack\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">")
		for _, sg := range r.Segs {
			w.raw(rectStart(sg.Status))
			w.b = appendFixed2(w.b, sg.X)
			w.raw("\" width=\"")
			w.b = appendFixed2(w.b, sg.W)
			w.raw("\" height=\"10\"/>")
		}
		w.raw("</svg>\n  ")
		countsTextWith(w, p, &m, &r.Counts)
		w.raw("</td></tr>")
	}
}

// rectOpen is a bar's segment's start for each status of stackOrder,
// written once rather than for each of a province's ≈ 1,000 segments.
var rectOpen = func() []string {
	r := make([]string, len(stackOrder))
	for i, st := range stackOrder {
		r[i] = rectOf(st)
	}
	return r
}()

func rectOf(st plans.Status) string {
	return string(appendEscaped([]byte("<rect class=\"s-"), string(st))) + "\" x=\""
}

// rectStart is a segment's start: rectOpen's for a status of stackOrder
// (newStack's segments' statuses are; a few string compares, not a field
// in each of the segments).
func rectStart(st plans.Status) string {
	for i := range stackOrder {
		if stackOrder[i] == st {
			return rectOpen[i]
		}
	}
	return rectOf(st)
}

// appendFixed2 appends v as strconv.AppendFloat(b, v, 'f', 2, 64) does,
// byte for byte: a province's plans dashboard writes two for each of its
// ≈ 1,000 bars' segments, and AppendFloat's exact decimal conversion was
// a tenth of the page's CPU (stop 24). v·100 is rounded in integers;
// where that product lies too near a half for its float rounding to be
// trusted, and for a negative (or -0) or huge v, AppendFloat decides.
func appendFixed2(b []byte, v float64) []byte {
	x := v * 100
	if !(x >= 0 && x < 1e11) || math.Signbit(v) {
		return strconv.AppendFloat(b, v, 'f', 2, 64)
	}
	fl := math.Floor(x)
	if f := x - fl; f > 0.5-1e-6 && f < 0.5+1e-6 {
		return strconv.AppendFloat(b, v, 'f', 2, 64)
	}
	n := uint64(fl)
	if x-fl > 0.5 {
		n++
	}
	b = strconv.AppendUint(b, n/100, 10)
	c := n % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// stackFigures are the rows of template "status_stack"'s table of figures.
func stackFigures(pd pager, c stackChart, statuses []plans.Status) template.HTML {
	w := newHW(200 * len(c.Rows))
	writeStackFigures(w, pd.base(), &c, statuses)
	return w.owned()
}

func writeStackFigures(w *hw, p *Page, c *stackChart, statuses []plans.Status) {
	for i := range c.Rows {
		r := &c.Rows[i]
		w.raw("<tr><th scope=\"row\">").text(r.Name).raw("</th>")
		for _, st := range statuses {
			w.raw("<td>").num(p.L, r.Counts.Of(st)).raw("</td>")
		}
		w.raw("<td>").num(p.L, r.Counts.Total).raw("</td></tr>")
	}
}

// reviewRows are the body rows of template "review_table".
func reviewRows(pd pager, rows []reviewRow) template.HTML {
	w := newHW(400 * len(rows))
	writeReviewRows(w, pd.base(), rows)
	return w.owned()
}

func writeReviewRows(w *hw, p *Page, rows []reviewRow) {
	for i := range rows {
		r := &rows[i]
		writeReviewRow(w, p, r.Name, r.Href, r.Depth, r.Pillar, &r.Counts)
	}
}

// writeChartReviewRows writes the review's rows of a dashboard's chart's
// rows (each a reviewRow of depth 0 with the row's name, link and
// counts), without a second copy of a province's 226 rows as reviewRows.
func writeChartReviewRows(w *hw, p *Page, rows []stackRow) {
	for i := range rows {
		r := &rows[i]
		writeReviewRow(w, p, r.Name, r.Href, 0, false, &r.Counts)
	}
}

func writeReviewRow(w *hw, p *Page, name, href string, depth int, pillar bool, c *plans.Counts) {
	w.raw("<tr class=\"depth-").int(int64(depth))
	if pillar {
		w.raw(" pillar")
	}
	w.raw("\"><th scope=\"row\">")
	if href != "" {
		w.raw("<a href=\"").url(href).raw("\">").text(name).raw("</a>")
	} else {
		w.text(name)
	}
	w.raw("</th>")
	reviewCells(w, p, c)
	w.raw("</tr>")
}

// reviewCells are a review row's figures (a unit's or plan's, or the
// total's): started and done of the total, then each state.
func reviewCells(w *hw, p *Page, c *plans.Counts) {
	w.raw("<td>").num(p.L, c.Started).raw("/").num(p.L, c.Total).
		raw("</td><td>").num(p.L, c.Done).raw("/").num(p.L, c.Total).
		raw("</td><td>").num(p.L, c.DoneOnTime).
		raw("</td><td>").num(p.L, c.DoneLate).
		raw("</td><td>").num(p.L, c.Overdue).
		raw("</td><td>").num(p.L, c.NotStarted).
		raw("</td><td>").num(p.L, c.Closed).raw("</td>")
}
