package web

import (
	"fmt"
	"html/template"

	"github.com/mangluoi/mangluoi/internal/home"
)

// The home written in Go. Every user's first page is made again after each
// write that moves what it shows (the page cache keeps it until then), and
// its template's calls — a dozen reflective method look-ups and calls for
// each tile, row and link in text/template — were most of a rebuilt home's
// CPU (as the dashboard's cells were, see dashCells). These functions write
// the bytes the template wrote, escaped as html/template escapes them in
// each place (text and quoted attributes, a link's whole address, a
// query's or fragment's part): TestHomeHTML holds them to the template.

// homeHTML writes the home's content (the template "content" of
// home.html before) into a buffer of pageBufs (as dashboardHTML).
func homeHTML(p *homePage) template.HTML {
	h := p.H
	w := pooledHW()
	w.raw("\n<h1>")
	w.text(p.Title)
	w.raw("</h1>\n<p class=\"facts\"><span><a href=\"")
	w.url(p.U(fmt.Sprintf("/units/%d", h.Unit.ID)))
	w.raw("\">")
	w.text(h.Unit.Name)
	w.raw("</a></span><span class=\"muted\">")
	w.text(p.L.T("compliance.as_of", "Date", p.L.Date(h.AsOf)))
	w.raw("</span></p>\n")
	if h.Leader != nil {
		homeLeader(w, p, h.Leader, h.Unit)
	}
	w.raw("\n")
	if h.Coordinator != nil {
		homeCoordinator(w, p, h.Coordinator, h.Unit)
	}
	w.raw("\n")
	if h.Focal != nil {
		homeFocal(w, p, h.Focal, h.Unit)
	}
	w.raw("\n")
	return p.set(w)
}

// homeTile is the template "home_tile".
func homeTile(w *hw, href, n, label string, bad bool) {
	w.raw("<a class=\"home-tile")
	if bad {
		w.raw(" bad")
	}
	w.raw("\" href=\"")
	w.url(href)
	w.raw("\"><b>")
	w.text(n)
	w.raw("</b><span>")
	w.text(label)
	w.raw("</span></a>")
}

func homeLeader(w *hw, p *homePage, l *home.LeaderHome, u home.UnitRef) {
	w.raw("\n<section class=\"card home-section\" id=\"home-compliance\" aria-labelledby=\"h-compliance\">\n  <h2 id=\"h-compliance\"><a href=\"")
	compliance := p.U("/compliance", "unit", u.ID)
	w.url(compliance)
	w.raw("\">")
	w.text(p.L.T("home.compliance"))
	w.raw("</a></h2>\n  ")
	for _, t := range l.Compliance {
		w.raw("<div class=\"home-bar\">\n    <a href=\"")
		w.url(compliance)
		w.raw("#target-")
		w.query(t.Code)
		w.raw("\">")
		w.text(t.Title(p.L.Lang))
		w.raw("</a>\n    <div class=\"home-bar-line\"><meter class=\"bar\" min=\"0\" max=\"1\" low=\"0.5\" high=\"0.999\" optimum=\"1\" value=\"")
		w.text(fmt.Sprint(t.Rate))
		w.raw("\" aria-hidden=\"true\"></meter>\n      <span class=\"num\"><b>")
		w.text(p.L.Int(t.Passing))
		w.raw("/")
		w.text(p.L.Int(t.Total))
		w.raw("</b> · ")
		w.text(p.L.Pct(t.Rate))
		w.raw("</span>\n      ")
		switch {
		case t.Met:
			w.raw("<span class=\"tag full\">")
			w.text(p.L.T("compliance.met"))
		case t.Overdue:
			w.raw("<span class=\"tag bad\">")
			w.text(p.L.T("compliance.overdue"))
		default:
			w.raw("<span class=\"tag partial\">")
			w.text(p.L.T("compliance.not_yet"))
		}
		w.raw("</span></div>\n  </div>")
	}
	if len(l.Compliance) == 0 {
		w.raw("<p class=\"muted\">")
		w.text(p.L.T("home.none"))
		w.raw("</p>")
	}
	w.raw("\n</section>\n<section class=\"card home-section\" id=\"home-network\" aria-labelledby=\"h-network\">\n  <h2 id=\"h-network\"><a href=\"")
	network := p.U("/network", "unit", u.ID)
	w.url(network)
	w.raw("\">")
	w.text(p.L.T("home.network"))
	w.raw("</a></h2>\n  <div class=\"home-tiles\">\n    ")
	c := l.Coverage
	homeTile(w, network, fmt.Sprintf("%s/%s", p.L.Int(c.CommunesCovered), p.L.Int(c.Communes)), p.L.T("home.communes_covered"), false)
	w.raw("\n    ")
	homeTile(w, network, fmt.Sprintf("%s/%s", p.L.Int(c.VillagesCovered), p.L.Int(c.Villages)), p.L.T("home.villages_covered"), false)
	w.raw("\n    ")
	teams := p.U("/network/teams", "unit", u.ID)
	homeTile(w, teams, p.L.Int(c.Teams), p.L.T("home.teams"), false)
	w.raw("\n    ")
	homeTile(w, teams, p.L.Int(c.Members), p.L.T("home.members"), false)
	w.raw("\n  </div>\n</section>\n<section class=\"card home-section\" id=\"home-plans\" aria-labelledby=\"h-plans\">\n  <h2 id=\"h-plans\"><a href=\"")
	dash := p.U("/plans/dashboard")
	w.url(dash)
	w.raw("\">")
	w.text(p.L.T("home.plans"))
	w.raw("</a></h2>\n  <div class=\"home-tiles\">\n    ")
	pc := l.Plans
	homeTile(w, dash, fmt.Sprintf("%s/%s", p.L.Int(pc.Done), p.L.Int(pc.Total)), p.L.T("plans.kpi.done"), false)
	w.raw("\n    ")
	overdue := p.U("/plans/overdue")
	homeTile(w, overdue, p.L.Int(pc.Overdue), p.L.T("status.overdue"), pc.Overdue > 0)
	w.raw("\n    ")
	homeTile(w, p.U("/tasks", "status", "at_risk"), p.L.Int(pc.AtRisk), p.L.T("status.at_risk"), false)
	w.raw("\n    ")
	homeTile(w, dash, p.L.Int(pc.DoneLate), p.L.T("status.done_late"), false)
	w.raw("\n  </div>\n  ")
	if len(l.Late) > 0 {
		w.raw("<h3>")
		w.text(p.L.T("home.most_late"))
		w.raw("</h3>")
		writeTaskRows(w, &p.Page, l.Late)
		w.raw("\n  <p><a href=\"")
		w.url(overdue)
		w.raw("\">")
		w.text(p.L.T("plans.overdue.all"))
		w.raw("</a></p>")
	}
	w.raw("\n</section>\n<section class=\"card home-section\" id=\"home-indicators\" aria-labelledby=\"h-indicators\">\n  <h2 id=\"h-indicators\"><a href=\"")
	inds := p.U("/indicators", "unit", u.ID)
	w.url(inds)
	w.raw("\">")
	w.text(p.L.T("home.indicators", "Year", p.AsOf.Year()))
	w.raw("</a></h2>\n  ")
	if len(l.Indicators) > 0 {
		w.raw("<ul class=\"home-list home-ind\">")
		for _, it := range l.Indicators {
			pr := it.Progress
			w.raw("<li")
			if pr.Actual.Incomplete {
				w.raw(" class=\"partial\"")
			}
			w.raw(">\n    <a href=\"")
			w.url(p.U(fmt.Sprintf("/indicators/%d", it.Indicator.ID), "unit", u.ID))
			w.raw("\">")
			w.text(it.Indicator.Name(p.L.Lang))
			w.raw("</a>\n    <div class=\"home-ind-line\"><span><span class=\"muted small\">")
			w.text(p.L.T("home.actual"))
			w.raw("</span> <b>")
			w.text(p.Fig(pr.Actual, it.Indicator))
			w.raw("</b>")
			if cmp := p.Cmp(pr.Actual); cmp != "" {
				w.raw(" <span class=\"cmp small\">(")
				w.text(cmp)
				w.raw(")</span>")
			}
			w.raw("</span>\n      <span><span class=\"muted small\">")
			w.text(p.L.T("home.target"))
			w.raw("</span> ")
			w.text(p.Num(pr.Target.Value, it.Indicator))
			w.raw("</span>\n      <span class=\"tag light-")
			w.text(fmt.Sprint(pr.Light))
			w.raw("\">")
			w.text(p.L.T(fmt.Sprintf("home.light.%s", pr.Light)))
			w.raw("</span></div>\n  </li>")
		}
		w.raw("</ul>\n  <p class=\"muted small\">")
		w.text(p.L.T("home.indicators_note"))
		w.raw("</p>\n  ")
	} else {
		w.raw("<p class=\"muted\">")
		w.text(p.L.T("home.no_targets"))
		w.raw(" <a href=\"")
		w.url(inds)
		w.raw("\">")
		w.text(p.L.T("indicator.dashboard"))
		w.raw("</a></p>")
	}
	w.raw("\n</section>\n<section class=\"card home-section\" id=\"home-ranking\" aria-labelledby=\"h-ranking\">\n  ")
	if rk := l.Ranking; rk != nil {
		w.raw("<h2 id=\"h-ranking\"><a href=\"")
		w.url(p.U(fmt.Sprintf("/assess/rounds/%d", rk.RoundID)))
		w.raw("\">")
		w.text(p.L.T("home.ranking"))
		w.raw("</a></h2>\n  <p>")
		w.text(rk.Name)
		w.raw(" · <span class=\"muted\">")
		w.text(p.L.T("home.ranked", "Count", p.L.Int(rk.Of)))
		w.raw("</span></p>\n  <ol class=\"home-rank\">")
		for _, r := range rk.Top {
			w.raw("<li value=\"")
			w.text(fmt.Sprint(r.Rank))
			w.raw("\"><a href=\"")
			w.url(p.U(fmt.Sprintf("/assess/rounds/%d/units/%d", rk.RoundID, r.UnitID)))
			w.raw("\">")
			w.text(r.Name)
			w.raw("</a> <span class=\"num\">")
			w.text(p.L.Dec(r.Total, 1))
			w.raw("/")
			w.text(p.L.Dec(rk.Max, 0))
			w.raw("</span></li>")
		}
		w.raw("</ol>\n  ")
	} else {
		w.raw("<h2 id=\"h-ranking\"><a href=\"")
		w.url(p.U("/assess"))
		w.raw("\">")
		w.text(p.L.T("home.ranking"))
		w.raw("</a></h2><p class=\"muted\">")
		w.text(p.L.T("home.no_ranking"))
		w.raw("</p>")
	}
	w.raw("\n</section>\n")
}

func homeCoordinator(w *hw, p *homePage, c *home.CoordinatorHome, u home.UnitRef) {
	w.raw("\n<section class=\"card home-section\" id=\"home-today\" aria-labelledby=\"h-today\">\n  <h2 id=\"h-today\">")
	w.text(p.L.T("home.today"))
	w.raw("</h2>\n  <div class=\"home-tiles\">\n    ")
	homeTile(w, "#home-forms", p.L.Int(c.ToApprove+c.TaskReports), p.L.T("home.to_approve"), c.ToApprove+c.TaskReports > 0)
	w.raw("\n    ")
	homeTile(w, "#home-forms", p.L.Int(c.NotReported), p.L.T("home.not_reported"), c.NotReported > 0)
	w.raw("\n    ")
	overdue := p.U("/plans/overdue")
	homeTile(w, overdue, p.L.Int(c.Overdue), p.L.T("home.overdue_tasks"), c.Overdue > 0)
	w.raw("\n    ")
	homeTile(w, "#home-failing", p.L.Int(len(c.Failing)), p.L.T("home.failing_targets"), len(c.Failing) > 0)
	w.raw("\n    ")
	homeTile(w, "#home-forms", p.L.Int(c.Returned), p.L.T("home.returned"), false)
	w.raw("\n  </div>\n</section>\n<section class=\"card home-section\" id=\"home-forms\" aria-labelledby=\"h-forms\">\n  <h2 id=\"h-forms\"><a href=\"")
	w.url(p.U("/forms"))
	w.raw("\">")
	w.text(p.L.T("home.forms"))
	w.raw("</a></h2>\n  ")
	if len(c.Forms) > 0 {
		w.raw("<ul class=\"home-list\">")
		for _, f := range c.Forms {
			w.raw("<li>\n    <a href=\"")
			w.url(p.U(fmt.Sprintf("/forms/%d/completeness", f.FormID), "period", f.Period.Key(), "unit", u.ID))
			w.raw("\">")
			w.text(f.Name(p.L.Lang))
			w.raw(" · ")
			w.text(p.Period(f.Period))
			w.raw("</a>\n    <div class=\"small\">")
			w.text(p.L.T("home.reported", "Done", p.L.Int(f.Counts.Submitted), "Total", p.L.Int(f.Counts.Expected)))
			w.raw("\n      ")
			if f.Counts.Missing != 0 {
				w.raw("· <span class=\"tag ")
				if f.PastDue {
					w.raw("bad")
				} else {
					w.raw("partial")
				}
				w.raw("\">")
				w.text(p.L.T("home.n_missing", "Count", p.L.Int(f.Counts.Missing)))
				w.raw("</span>")
			}
			w.raw("\n      ")
			if f.ToApprove != 0 {
				w.raw("· <span class=\"tag\">")
				w.text(p.L.T("home.n_to_approve", "Count", p.L.Int(f.ToApprove)))
				w.raw("</span>")
			}
			w.raw("\n      ")
			if f.Returned != 0 {
				w.raw("· <span class=\"tag status-returned\">")
				w.text(p.L.T("home.n_returned", "Count", p.L.Int(f.Returned)))
				w.raw("</span>")
			}
			w.raw("\n      <span class=\"muted\">· ")
			w.text(p.L.T("forms.due", "Date", p.L.Date(f.Due)))
			w.raw("</span></div>\n  </li>")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p class=\"muted\">")
		w.text(p.L.T("home.none"))
		w.raw("</p>")
	}
	w.raw("\n  ")
	if len(c.Pending) > 0 {
		w.raw("<h3>")
		w.text(p.L.T("plans.pending", "Count", c.TaskReports))
		w.raw("</h3>\n  <ul class=\"home-list\">")
		for _, r := range c.Pending {
			w.raw("<li><a href=\"")
			w.url(p.U(fmt.Sprintf("/tasks/%d", r.TaskID)))
			w.raw("#report\">")
			w.text(p.L.T("plans.pending_item", "Date", p.L.Date(r.SubmittedOn), "Percent", r.Percent))
			w.raw("</a></li>")
		}
		w.raw("</ul>\n  ")
		if c.TaskReports > len(c.Pending) {
			w.raw("<p><a href=\"")
			w.url(p.U("/tasks"))
			w.raw("\">")
			w.text(p.L.T("home.all", "Count", p.L.Int(c.TaskReports)))
			w.raw("</a></p>")
		}
	}
	w.raw("\n</section>\n<section class=\"card home-section\" id=\"home-late\" aria-labelledby=\"h-late\">\n  <h2 id=\"h-late\"><a href=\"")
	w.url(overdue)
	w.raw("\">")
	w.text(p.L.T("home.overdue_tasks"))
	w.raw(" (")
	w.text(p.L.Int(c.Overdue))
	w.raw(")</a></h2>\n  ")
	writeTaskRows(w, &p.Page, c.Late)
	w.raw("\n  ")
	if c.Overdue > len(c.Late) {
		w.raw("<p><a href=\"")
		w.url(overdue)
		w.raw("\">")
		w.text(p.L.T("home.all", "Count", p.L.Int(c.Overdue)))
		w.raw("</a></p>")
	}
	w.raw("\n</section>\n<section class=\"card home-section\" id=\"home-failing\" aria-labelledby=\"h-failing\">\n  <h2 id=\"h-failing\"><a href=\"")
	w.url(p.U("/compliance", "unit", u.ID))
	w.raw("\">")
	w.text(p.L.T("home.failing"))
	w.raw("</a></h2>\n  ")
	if len(c.Failing) > 0 {
		w.raw("<ul class=\"home-list\">")
		for _, t := range c.Failing {
			w.raw("<li>\n    <a href=\"")
			w.url(p.U("/compliance/failing", "unit", u.ID, "target", t.Code))
			w.raw("\">")
			w.text(t.Title(p.L.Lang))
			w.raw("</a>\n    <div class=\"small\"><span class=\"tag ")
			if t.Overdue {
				w.raw("bad")
			} else {
				w.raw("partial")
			}
			w.raw("\">")
			w.text(p.L.T("compliance.failing", "Count", p.L.Int(t.Failing)))
			w.raw("</span> <span class=\"muted\">")
			w.text(p.L.Int(t.Passing))
			w.raw("/")
			w.text(p.L.Int(t.Total))
			w.raw(" · ")
			w.text(p.L.Pct(t.Rate))
			w.raw("</span></div>\n  </li>")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p class=\"muted\">")
		w.text(p.L.T("home.none"))
		w.raw("</p>")
	}
	w.raw("\n</section>\n")
}

func homeFocal(w *hw, p *homePage, f *home.FocalHome, u home.UnitRef) {
	w.raw("\n<section class=\"card home-section\" id=\"home-todo\" aria-labelledby=\"h-todo\">\n  <h2 id=\"h-todo\">")
	w.text(p.L.T("home.todo"))
	w.raw("</h2>\n  <div class=\"home-tiles\">\n    ")
	homeTile(w, "#home-duties", p.L.Int(f.Overdue), p.L.T("home.forms_overdue"), f.Overdue > 0)
	w.raw("\n    ")
	homeTile(w, "#home-duties", p.L.Int(f.DueSoon), p.L.T("home.forms_due"), false)
	w.raw("\n    ")
	homeTile(w, "#home-duties", p.L.Int(f.Returned), p.L.T("home.forms_returned"), f.Returned > 0)
	w.raw("\n    ")
	homeTile(w, "#home-tasks", p.L.Int(f.TasksLate+f.TasksDue), p.L.T("home.tasks_due"), f.TasksLate > 0)
	w.raw("\n  </div>\n  <p class=\"actions home-shortcuts\">")
	if f.CanLog {
		w.raw("<a class=\"button primary\" href=\"/network/log\">")
		w.text(p.L.T("home.log_activity"))
		w.raw("</a>\n    <a class=\"button\" href=\"/people/new\">")
		w.text(p.L.T("home.add_person"))
		w.raw("</a>")
	}
	w.raw("\n    <a class=\"button\" href=\"/periodic-reports?unit=")
	w.query(fmt.Sprint(u.ID))
	w.raw("\">")
	w.text(p.L.T("report.unit_link"))
	w.raw("</a></p>\n</section>\n<section class=\"card home-section\" id=\"home-duties\" aria-labelledby=\"h-duties\">\n  <h2 id=\"h-duties\"><a href=\"/forms\">")
	w.text(p.L.T("home.duties"))
	w.raw("</a></h2>\n  ")
	if len(f.Duties) > 0 {
		w.raw("<ul class=\"home-list\">")
		for _, du := range f.Duties {
			w.raw("<li>\n    <a href=\"")
			w.url(p.U(fmt.Sprintf("/units/%d/forms/%d", du.Unit.UnitID, du.Form.ID), "period", du.Period.Key()))
			w.raw("\">")
			w.text(du.Form.Name(p.L.Lang))
			w.raw(" · ")
			w.text(p.Period(du.Period))
			w.raw("</a>\n    <div class=\"small\">")
			w.text(p.L.T("forms.due", "Date", p.L.Date(du.Due)))
			w.raw("\n      ")
			switch {
			case fmt.Sprint(du.Status) == "returned":
				w.raw("<span class=\"tag status-returned\">")
				w.text(p.L.T("rstatus.returned"))
			case du.Overdue:
				w.raw("<span class=\"tag bad\">")
				w.text(p.L.T("forms.overdue"))
			default:
				w.raw("<span class=\"tag partial\">")
				w.text(p.L.T("forms.due_soon"))
			}
			w.raw("</span></div>\n  </li>")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p class=\"muted\">")
		w.text(p.L.T("home.nothing_due", "Count", p.L.Int(f.Done)))
		w.raw("</p>")
	}
	w.raw("\n</section>\n<section class=\"card home-section\" id=\"home-tasks\" aria-labelledby=\"h-tasks\">\n  <h2 id=\"h-tasks\"><a href=\"")
	w.url(p.U("/tasks", "unit", u.ID))
	w.raw("\">")
	w.text(p.L.T("home.tasks"))
	w.raw("</a></h2>\n  ")
	writeTaskRows(w, &p.Page, f.Tasks)
	w.raw("\n</section>\n")
}
