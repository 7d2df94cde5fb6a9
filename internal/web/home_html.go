package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/mangluoi/mangluoi/internal/home"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// The home written in Go. Every user's first page is made again after each
// write that moves what it shows (the page cache keeps it until then), and
// its template's calls — a dozen reflective method look-ups and calls for
// each tile, row and link in text/template — were most of a rebuilt home's
// CPU (as the dashboard's cells were, see dashCells). These functions write
// the bytes the template wrote, escaped as html/template escapes them in
// each place (text and quoted attributes, a link's whole address, a
// query's or fragment's part): TestHomeHTML holds them to the template.

// hw writes a page's HTML.
type hw struct{ b []byte }

// s writes HTML as it is.
func (w *hw) s(x string) { w.b = append(w.b, x...) }

// e writes text, in an element or a quoted attribute (html/template's
// htmlEscaper and attrEscaper).
func (w *hw) e(x string) {
	last := 0
	for i := 0; i < len(x); i++ {
		var r string
		switch x[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		w.b = append(w.b, x[last:i]...)
		w.b = append(w.b, r...)
		last = i + 1
	}
	w.b = append(w.b, x[last:]...)
}

// v writes a value as the template prints it (fmt.Sprint), as text.
func (w *hw) v(x any) { w.e(fmt.Sprint(x)) }

// u writes a link's whole address in a quoted attribute: refused when its
// scheme is not a web one, normalised, then escaped (html/template's
// urlFilter, urlNormalizer and attrEscaper).
func (w *hw) u(x string) {
	if proto, _, ok := strings.Cut(x, ":"); ok && !strings.Contains(proto, "/") {
		if !strings.EqualFold(proto, "http") && !strings.EqualFold(proto, "https") && !strings.EqualFold(proto, "mailto") {
			x = "#ZgotmplZ"
		}
	}
	w.e(urlProcess(x, true))
}

// q writes a part of a link's query or fragment (html/template's
// urlEscaper).
func (w *hw) q(x string) { w.b = append(w.b, urlProcess(x, false)...) }

// urlProcess is html/template's processURLOnto: bytes outside the
// unreserved set percent-encoded, the reserved ones kept when normalising
// (and existing escapes).
func urlProcess(s string, norm bool) string {
	var b []byte
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if b == nil {
			b = make([]byte, 0, len(s)+16)
		}
		b = append(b, s[written:i]...)
		b = append(b, '%', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		written = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[written:]...))
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// homeHTML writes the home's content (the template "content" of
// home.html before).
func homeHTML(p *homePage) template.HTML {
	h := p.H
	w := &hw{b: make([]byte, 0, 16<<10)}
	w.s("\n<h1>")
	w.e(p.Title)
	w.s("</h1>\n<p class=\"facts\"><span><a href=\"")
	w.u(p.U(fmt.Sprintf("/units/%d", h.Unit.ID)))
	w.s("\">")
	w.e(h.Unit.Name)
	w.s("</a></span><span class=\"muted\">")
	w.e(p.L.T("compliance.as_of", "Date", p.L.Date(h.AsOf)))
	w.s("</span></p>\n")
	if h.Leader != nil {
		homeLeader(w, p, h.Leader, h.Unit)
	}
	w.s("\n")
	if h.Coordinator != nil {
		homeCoordinator(w, p, h.Coordinator, h.Unit)
	}
	w.s("\n")
	if h.Focal != nil {
		homeFocal(w, p, h.Focal, h.Unit)
	}
	w.s("\n")
	return template.HTML(w.b)
}

// homeTile is the template "home_tile".
func homeTile(w *hw, href, n, label string, bad bool) {
	w.s("<a class=\"home-tile")
	if bad {
		w.s(" bad")
	}
	w.s("\" href=\"")
	w.u(href)
	w.s("\"><b>")
	w.e(n)
	w.s("</b><span>")
	w.e(label)
	w.s("</span></a>")
}

func homeLeader(w *hw, p *homePage, l *home.LeaderHome, u home.UnitRef) {
	w.s("\n<section class=\"card home-section\" id=\"home-compliance\" aria-labelledby=\"h-compliance\">\n  <h2 id=\"h-compliance\"><a href=\"")
	compliance := p.U("/compliance", "unit", u.ID)
	w.u(compliance)
	w.s("\">")
	w.e(p.L.T("home.compliance"))
	w.s("</a></h2>\n  ")
	for _, t := range l.Compliance {
		w.s("<div class=\"home-bar\">\n    <a href=\"")
		w.u(compliance)
		w.s("#target-")
		w.q(t.Code)
		w.s("\">")
		w.e(t.Title(p.L.Lang))
		w.s("</a>\n    <div class=\"home-bar-line\"><meter class=\"bar\" min=\"0\" max=\"1\" low=\"0.5\" high=\"0.999\" optimum=\"1\" value=\"")
		w.v(t.Rate)
		w.s("\" aria-hidden=\"true\"></meter>\n      <span class=\"num\"><b>")
		w.e(p.L.Int(t.Passing))
		w.s("/")
		w.e(p.L.Int(t.Total))
		w.s("</b> · ")
		w.e(p.L.Pct(t.Rate))
		w.s("</span>\n      ")
		switch {
		case t.Met:
			w.s("<span class=\"tag full\">")
			w.e(p.L.T("compliance.met"))
		case t.Overdue:
			w.s("<span class=\"tag bad\">")
			w.e(p.L.T("compliance.overdue"))
		default:
			w.s("<span class=\"tag partial\">")
			w.e(p.L.T("compliance.not_yet"))
		}
		w.s("</span></div>\n  </div>")
	}
	if len(l.Compliance) == 0 {
		w.s("<p class=\"muted\">")
		w.e(p.L.T("home.none"))
		w.s("</p>")
	}
	w.s("\n</section>\n<section class=\"card home-section\" id=\"home-network\" aria-labelledby=\"h-network\">\n  <h2 id=\"h-network\"><a href=\"")
	network := p.U("/network", "unit", u.ID)
	w.u(network)
	w.s("\">")
	w.e(p.L.T("home.network"))
	w.s("</a></h2>\n  <div class=\"home-tiles\">\n    ")
	c := l.Coverage
	homeTile(w, network, fmt.Sprintf("%s/%s", p.L.Int(c.CommunesCovered), p.L.Int(c.Communes)), p.L.T("home.communes_covered"), false)
	w.s("\n    ")
	homeTile(w, network, fmt.Sprintf("%s/%s", p.L.Int(c.VillagesCovered), p.L.Int(c.Villages)), p.L.T("home.villages_covered"), false)
	w.s("\n    ")
	teams := p.U("/network/teams", "unit", u.ID)
	homeTile(w, teams, p.L.Int(c.Teams), p.L.T("home.teams"), false)
	w.s("\n    ")
	homeTile(w, teams, p.L.Int(c.Members), p.L.T("home.members"), false)
	w.s("\n  </div>\n</section>\n<section class=\"card home-section\" id=\"home-plans\" aria-labelledby=\"h-plans\">\n  <h2 id=\"h-plans\"><a href=\"")
	dash := p.U("/plans/dashboard")
	w.u(dash)
	w.s("\">")
	w.e(p.L.T("home.plans"))
	w.s("</a></h2>\n  <div class=\"home-tiles\">\n    ")
	pc := l.Plans
	homeTile(w, dash, fmt.Sprintf("%s/%s", p.L.Int(pc.Done), p.L.Int(pc.Total)), p.L.T("plans.kpi.done"), false)
	w.s("\n    ")
	overdue := p.U("/plans/overdue")
	homeTile(w, overdue, p.L.Int(pc.Overdue), p.L.T("status.overdue"), pc.Overdue > 0)
	w.s("\n    ")
	homeTile(w, p.U("/tasks", "status", "at_risk"), p.L.Int(pc.AtRisk), p.L.T("status.at_risk"), false)
	w.s("\n    ")
	homeTile(w, dash, p.L.Int(pc.DoneLate), p.L.T("status.done_late"), false)
	w.s("\n  </div>\n  ")
	if len(l.Late) > 0 {
		w.s("<h3>")
		w.e(p.L.T("home.most_late"))
		w.s("</h3>")
		taskRows(w, p, l.Late)
		w.s("\n  <p><a href=\"")
		w.u(overdue)
		w.s("\">")
		w.e(p.L.T("plans.overdue.all"))
		w.s("</a></p>")
	}
	w.s("\n</section>\n<section class=\"card home-section\" id=\"home-indicators\" aria-labelledby=\"h-indicators\">\n  <h2 id=\"h-indicators\"><a href=\"")
	inds := p.U("/indicators", "unit", u.ID)
	w.u(inds)
	w.s("\">")
	w.e(p.L.T("home.indicators", "Year", p.AsOf.Year()))
	w.s("</a></h2>\n  ")
	if len(l.Indicators) > 0 {
		w.s("<ul class=\"home-list home-ind\">")
		for _, it := range l.Indicators {
			pr := it.Progress
			w.s("<li")
			if pr.Actual.Incomplete {
				w.s(" class=\"partial\"")
			}
			w.s(">\n    <a href=\"")
			w.u(p.U(fmt.Sprintf("/indicators/%d", it.Indicator.ID), "unit", u.ID))
			w.s("\">")
			w.e(it.Indicator.Name(p.L.Lang))
			w.s("</a>\n    <div class=\"home-ind-line\"><span><span class=\"muted small\">")
			w.e(p.L.T("home.actual"))
			w.s("</span> <b>")
			w.e(p.Fig(pr.Actual, it.Indicator))
			w.s("</b>")
			if cmp := p.Cmp(pr.Actual); cmp != "" {
				w.s(" <span class=\"cmp small\">(")
				w.e(cmp)
				w.s(")</span>")
			}
			w.s("</span>\n      <span><span class=\"muted small\">")
			w.e(p.L.T("home.target"))
			w.s("</span> ")
			w.e(p.Num(pr.Target.Value, it.Indicator))
			w.s("</span>\n      <span class=\"tag light-")
			w.v(pr.Light)
			w.s("\">")
			w.e(p.L.T(fmt.Sprintf("home.light.%s", pr.Light)))
			w.s("</span></div>\n  </li>")
		}
		w.s("</ul>\n  <p class=\"muted small\">")
		w.e(p.L.T("home.indicators_note"))
		w.s("</p>\n  ")
	} else {
		w.s("<p class=\"muted\">")
		w.e(p.L.T("home.no_targets"))
		w.s(" <a href=\"")
		w.u(inds)
		w.s("\">")
		w.e(p.L.T("indicator.dashboard"))
		w.s("</a></p>")
	}
	w.s("\n</section>\n<section class=\"card home-section\" id=\"home-ranking\" aria-labelledby=\"h-ranking\">\n  ")
	if rk := l.Ranking; rk != nil {
		w.s("<h2 id=\"h-ranking\"><a href=\"")
		w.u(p.U(fmt.Sprintf("/assess/rounds/%d", rk.RoundID)))
		w.s("\">")
		w.e(p.L.T("home.ranking"))
		w.s("</a></h2>\n  <p>")
		w.e(rk.Name)
		w.s(" · <span class=\"muted\">")
		w.e(p.L.T("home.ranked", "Count", p.L.Int(rk.Of)))
		w.s("</span></p>\n  <ol class=\"home-rank\">")
		for _, r := range rk.Top {
			w.s("<li value=\"")
			w.v(r.Rank)
			w.s("\"><a href=\"")
			w.u(p.U(fmt.Sprintf("/assess/rounds/%d/units/%d", rk.RoundID, r.UnitID)))
			w.s("\">")
			w.e(r.Name)
			w.s("</a> <span class=\"num\">")
			w.e(p.L.Dec(r.Total, 1))
			w.s("/")
			w.e(p.L.Dec(rk.Max, 0))
			w.s("</span></li>")
		}
		w.s("</ol>\n  ")
	} else {
		w.s("<h2 id=\"h-ranking\"><a href=\"")
		w.u(p.U("/assess"))
		w.s("\">")
		w.e(p.L.T("home.ranking"))
		w.s("</a></h2><p class=\"muted\">")
		w.e(p.L.T("home.no_ranking"))
		w.s("</p>")
	}
	w.s("\n</section>\n")
}

func homeCoordinator(w *hw, p *homePage, c *home.CoordinatorHome, u home.UnitRef) {
	w.s("\n<section class=\"card home-section\" id=\"home-today\" aria-labelledby=\"h-today\">\n  <h2 id=\"h-today\">")
	w.e(p.L.T("home.today"))
	w.s("</h2>\n  <div class=\"home-tiles\">\n    ")
	homeTile(w, "#home-forms", p.L.Int(c.ToApprove+c.TaskReports), p.L.T("home.to_approve"), c.ToApprove+c.TaskReports > 0)
	w.s("\n    ")
	homeTile(w, "#home-forms", p.L.Int(c.NotReported), p.L.T("home.not_reported"), c.NotReported > 0)
	w.s("\n    ")
	overdue := p.U("/plans/overdue")
	homeTile(w, overdue, p.L.Int(c.Overdue), p.L.T("home.overdue_tasks"), c.Overdue > 0)
	w.s("\n    ")
	homeTile(w, "#home-failing", p.L.Int(len(c.Failing)), p.L.T("home.failing_targets"), len(c.Failing) > 0)
	w.s("\n    ")
	homeTile(w, "#home-forms", p.L.Int(c.Returned), p.L.T("home.returned"), false)
	w.s("\n  </div>\n</section>\n<section class=\"card home-section\" id=\"home-forms\" aria-labelledby=\"h-forms\">\n  <h2 id=\"h-forms\"><a href=\"")
	w.u(p.U("/forms"))
	w.s("\">")
	w.e(p.L.T("home.forms"))
	w.s("</a></h2>\n  ")
	if len(c.Forms) > 0 {
		w.s("<ul class=\"home-list\">")
		for _, f := range c.Forms {
			w.s("<li>\n    <a href=\"")
			w.u(p.U(fmt.Sprintf("/forms/%d/completeness", f.FormID), "period", f.Period.Key(), "unit", u.ID))
			w.s("\">")
			w.e(f.Name(p.L.Lang))
			w.s(" · ")
			w.e(p.Period(f.Period))
			w.s("</a>\n    <div class=\"small\">")
			w.e(p.L.T("home.reported", "Done", p.L.Int(f.Counts.Submitted), "Total", p.L.Int(f.Counts.Expected)))
			w.s("\n      ")
			if f.Counts.Missing != 0 {
				w.s("· <span class=\"tag ")
				if f.PastDue {
					w.s("bad")
				} else {
					w.s("partial")
				}
				w.s("\">")
				w.e(p.L.T("home.n_missing", "Count", p.L.Int(f.Counts.Missing)))
				w.s("</span>")
			}
			w.s("\n      ")
			if f.ToApprove != 0 {
				w.s("· <span class=\"tag\">")
				w.e(p.L.T("home.n_to_approve", "Count", p.L.Int(f.ToApprove)))
				w.s("</span>")
			}
			w.s("\n      ")
			if f.Returned != 0 {
				w.s("· <span class=\"tag status-returned\">")
				w.e(p.L.T("home.n_returned", "Count", p.L.Int(f.Returned)))
				w.s("</span>")
			}
			w.s("\n      <span class=\"muted\">· ")
			w.e(p.L.T("forms.due", "Date", p.L.Date(f.Due)))
			w.s("</span></div>\n  </li>")
		}
		w.s("</ul>")
	} else {
		w.s("<p class=\"muted\">")
		w.e(p.L.T("home.none"))
		w.s("</p>")
	}
	w.s("\n  ")
	if len(c.Pending) > 0 {
		w.s("<h3>")
		w.e(p.L.T("plans.pending", "Count", c.TaskReports))
		w.s("</h3>\n  <ul class=\"home-list\">")
		for _, r := range c.Pending {
			w.s("<li><a href=\"")
			w.u(p.U(fmt.Sprintf("/tasks/%d", r.TaskID)))
			w.s("#report\">")
			w.e(p.L.T("plans.pending_item", "Date", p.L.Date(r.SubmittedOn), "Percent", r.Percent))
			w.s("</a></li>")
		}
		w.s("</ul>\n  ")
		if c.TaskReports > len(c.Pending) {
			w.s("<p><a href=\"")
			w.u(p.U("/tasks"))
			w.s("\">")
			w.e(p.L.T("home.all", "Count", p.L.Int(c.TaskReports)))
			w.s("</a></p>")
		}
	}
	w.s("\n</section>\n<section class=\"card home-section\" id=\"home-late\" aria-labelledby=\"h-late\">\n  <h2 id=\"h-late\"><a href=\"")
	w.u(overdue)
	w.s("\">")
	w.e(p.L.T("home.overdue_tasks"))
	w.s(" (")
	w.e(p.L.Int(c.Overdue))
	w.s(")</a></h2>\n  ")
	taskRows(w, p, c.Late)
	w.s("\n  ")
	if c.Overdue > len(c.Late) {
		w.s("<p><a href=\"")
		w.u(overdue)
		w.s("\">")
		w.e(p.L.T("home.all", "Count", p.L.Int(c.Overdue)))
		w.s("</a></p>")
	}
	w.s("\n</section>\n<section class=\"card home-section\" id=\"home-failing\" aria-labelledby=\"h-failing\">\n  <h2 id=\"h-failing\"><a href=\"")
	w.u(p.U("/compliance", "unit", u.ID))
	w.s("\">")
	w.e(p.L.T("home.failing"))
	w.s("</a></h2>\n  ")
	if len(c.Failing) > 0 {
		w.s("<ul class=\"home-list\">")
		for _, t := range c.Failing {
			w.s("<li>\n    <a href=\"")
			w.u(p.U("/compliance/failing", "unit", u.ID, "target", t.Code))
			w.s("\">")
			w.e(t.Title(p.L.Lang))
			w.s("</a>\n    <div class=\"small\"><span class=\"tag ")
			if t.Overdue {
				w.s("bad")
			} else {
				w.s("partial")
			}
			w.s("\">")
			w.e(p.L.T("compliance.failing", "Count", p.L.Int(t.Failing)))
			w.s("</span> <span class=\"muted\">")
			w.e(p.L.Int(t.Passing))
			w.s("/")
			w.e(p.L.Int(t.Total))
			w.s(" · ")
			w.e(p.L.Pct(t.Rate))
			w.s("</span></div>\n  </li>")
		}
		w.s("</ul>")
	} else {
		w.s("<p class=\"muted\">")
		w.e(p.L.T("home.none"))
		w.s("</p>")
	}
	w.s("\n</section>\n")
}

func homeFocal(w *hw, p *homePage, f *home.FocalHome, u home.UnitRef) {
	w.s("\n<section class=\"card home-section\" id=\"home-todo\" aria-labelledby=\"h-todo\">\n  <h2 id=\"h-todo\">")
	w.e(p.L.T("home.todo"))
	w.s("</h2>\n  <div class=\"home-tiles\">\n    ")
	homeTile(w, "#home-duties", p.L.Int(f.Overdue), p.L.T("home.forms_overdue"), f.Overdue > 0)
	w.s("\n    ")
	homeTile(w, "#home-duties", p.L.Int(f.DueSoon), p.L.T("home.forms_due"), false)
	w.s("\n    ")
	homeTile(w, "#home-duties", p.L.Int(f.Returned), p.L.T("home.forms_returned"), f.Returned > 0)
	w.s("\n    ")
	homeTile(w, "#home-tasks", p.L.Int(f.TasksLate+f.TasksDue), p.L.T("home.tasks_due"), f.TasksLate > 0)
	w.s("\n  </div>\n  <p class=\"actions home-shortcuts\">")
	if f.CanLog {
		w.s("<a class=\"button primary\" href=\"/network/log\">")
		w.e(p.L.T("home.log_activity"))
		w.s("</a>\n    <a class=\"button\" href=\"/people/new\">")
		w.e(p.L.T("home.add_person"))
		w.s("</a>")
	}
	w.s("\n    <a class=\"button\" href=\"/periodic-reports?unit=")
	w.q(fmt.Sprint(u.ID))
	w.s("\">")
	w.e(p.L.T("report.unit_link"))
	w.s("</a></p>\n</section>\n<section class=\"card home-section\" id=\"home-duties\" aria-labelledby=\"h-duties\">\n  <h2 id=\"h-duties\"><a href=\"/forms\">")
	w.e(p.L.T("home.duties"))
	w.s("</a></h2>\n  ")
	if len(f.Duties) > 0 {
		w.s("<ul class=\"home-list\">")
		for _, du := range f.Duties {
			w.s("<li>\n    <a href=\"")
			w.u(p.U(fmt.Sprintf("/units/%d/forms/%d", du.Unit.UnitID, du.Form.ID), "period", du.Period.Key()))
			w.s("\">")
			w.e(du.Form.Name(p.L.Lang))
			w.s(" · ")
			w.e(p.Period(du.Period))
			w.s("</a>\n    <div class=\"small\">")
			w.e(p.L.T("forms.due", "Date", p.L.Date(du.Due)))
			w.s("\n      ")
			switch {
			case fmt.Sprint(du.Status) == "returned":
				w.s("<span class=\"tag status-returned\">")
				w.e(p.L.T("rstatus.returned"))
			case du.Overdue:
				w.s("<span class=\"tag bad\">")
				w.e(p.L.T("forms.overdue"))
			default:
				w.s("<span class=\"tag partial\">")
				w.e(p.L.T("forms.due_soon"))
			}
			w.s("</span></div>\n  </li>")
		}
		w.s("</ul>")
	} else {
		w.s("<p class=\"muted\">")
		w.e(p.L.T("home.nothing_due", "Count", p.L.Int(f.Done)))
		w.s("</p>")
	}
	w.s("\n</section>\n<section class=\"card home-section\" id=\"home-tasks\" aria-labelledby=\"h-tasks\">\n  <h2 id=\"h-tasks\"><a href=\"")
	w.u(p.U("/tasks", "unit", u.ID))
	w.s("\">")
	w.e(p.L.T("home.tasks"))
	w.s("</a></h2>\n  ")
	taskRows(w, p, f.Tasks)
	w.s("\n</section>\n")
}

// taskRows is the template "task_rows" (_plans.html) for the home's lists.
func taskRows(w *hw, p *homePage, rows []plans.TaskRow) {
	w.s("\n<ul class=\"tasks\">")
	for i := range rows {
		r := &rows[i]
		w.s("\n  <li class=\"task ")
		if r.Mine == 0 {
			w.s("mine")
		}
		w.s("\">\n    <div class=\"task-main\">")
		if r.Code != "" {
			w.s("<span class=\"code\">")
			w.e(r.Code)
			w.s("</span> ")
		}
		w.s("<a href=\"")
		w.u(p.U(fmt.Sprintf("/tasks/%d", r.ID)))
		w.s("\">")
		w.e(r.Title)
		w.s("</a>\n      <div class=\"muted small\">")
		if r.PlanNumber != "" {
			w.e(r.PlanNumber)
			w.s(" · ")
		}
		if r.LeadClass != "" {
			w.s("<b>")
			w.e(p.L.T(fmt.Sprintf("plans.class.%s", r.LeadClass)))
			w.s("</b>")
			if c := r.Class; c != nil {
				w.s(" · <b>")
				w.e(p.L.T("plans.class.progress", "Done", p.L.Int(c.Done), "Total", p.L.Int(c.Total)))
				w.s("</b>")
			}
		} else {
			w.s("<b>")
			w.e(r.LeadName)
			w.s("</b>")
		}
		if len(r.SupportNames) > 0 {
			w.s(" · ")
			w.e(p.L.T("plans.with"))
			w.s(" ")
			for i, n := range r.SupportNames {
				if i > 0 {
					w.s(", ")
				}
				w.e(n)
			}
		}
		w.s("</div></div>\n    <div class=\"task-side\">")
		// status_tag
		w.s("<span class=\"st st-")
		w.v(r.State.Status)
		w.s("\">")
		w.e(p.L.T(fmt.Sprintf("status.%s", r.State.Status)))
		w.s("</span>\n      <div class=\"small\">")
		// task_due
		if fmt.Sprint(r.Schedule) == "once" {
			w.e(p.L.Date(r.DueOn))
		} else {
			w.e(p.L.T(fmt.Sprintf("schedule.%s", r.Schedule)))
			if cur := r.State.Current; cur != nil {
				w.s(" · ")
				w.e(p.L.Date(cur.DueOn))
			}
		}
		if fmt.Sprint(r.State.Status) == "overdue" {
			w.s(" · <b class=\"late\">")
			w.e(p.L.T("plans.days_late", "Days", p.L.Int(r.State.DaysLate)))
			w.s("</b>")
		}
		if r.State.Percent != 0 && !r.State.Status.Done() {
			w.s(" · ")
			w.v(r.State.Percent)
			w.s("%")
		}
		w.s("</div></div>\n  </li>")
	}
	if len(rows) == 0 {
		w.s("<li class=\"muted\">")
		w.e(p.L.T("tasks.none"))
		w.s("</li>")
	}
	w.s("\n</ul>")
}
