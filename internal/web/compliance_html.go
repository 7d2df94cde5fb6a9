package web

import (
	"fmt"
	"html/template"
	"strconv"
)

// writeTargetCards writes the compliance page's cards of the targets that
// apply in Go (see hw) as compliance.html's range over .Applying wrote
// them (its text is kept in testdata/compliance_template.html,
// TestPagesAsTheirTemplates compares the two): each card's fields, words
// and failing units were a few dozen reflective calls.
func writeTargetCards(w *hw, cp *compliancePage) {
	L := cp.L
	applying := cp.Applying()
	for i := range applying {
		r := &applying[i]
		state := "open"
		switch {
		case r.Met:
			state = "met"
		case r.Overdue:
			state = "overdue"
		}
		pct := L.Pct(r.Rate)
		w.raw("\n<section class=\"card target ").raw(state).raw("\" id=\"target-").text(r.Target.Code).raw("\">\n  <h2>").
			text(r.Target.Title(L.Lang)).raw("</h2>\n  <p class=\"rate\"><b>").text(L.Int(r.Passing)).raw("/").text(L.Int(r.Total)).
			raw("</b>\n    <span class=\"pct\">").text(pct).raw("</span>\n    <span class=\"light\" aria-hidden=\"true\"></span>\n    <span class=\"muted\">").
			text(L.T("compliance.goal", "Goal", L.Pct(r.Target.Goal), "Deadline", L.Date(r.Target.Deadline))).raw("</span>\n    ")
		switch {
		case r.Met:
			w.raw("<span class=\"tag full\">").text(L.T("compliance.met")).raw("</span>")
		case r.Overdue:
			w.raw("<span class=\"tag bad\">").text(L.T("compliance.overdue")).raw("</span>")
		default:
			w.raw("<span class=\"tag partial\">").text(L.T("compliance.not_yet")).raw("</span>")
		}
		w.raw("\n  </p>\n  <meter class=\"bar\" min=\"0\" max=\"1\" low=\"0.5\" high=\"0.999\" optimum=\"1\" value=\"").text(fmt.Sprint(r.Rate)).
			raw("\" aria-label=\"").text(pct).raw("\"></meter>\n  ")
		if len(r.Groups) > 0 {
			w.raw("<details><summary>").text(L.T("compliance.by_part", "Count", len(r.Groups))).raw("</summary>\n    <table class=\"list\"><tbody>")
			for j := range r.Groups { // as complianceGroups
				g := &r.Groups[j]
				w.raw("<tr><td><a href=\"").url(cp.U("/compliance", "unit", g.UnitID)).raw("\">").text(g.Name).raw("</a></td><td class=\"num\">").
					text(L.Int(g.Passing)).raw("/").text(L.Int(g.Total)).raw(" · ").text(L.Pct(g.Rate)).raw("</td></tr>")
			}
			w.raw("</tbody></table>\n  </details>")
		}
		w.raw("\n  ")
		if r.FailingCount != 0 {
			count := L.Int(r.FailingCount)
			w.raw("<details ")
			if r.FailingCount <= 12 {
				w.raw("open")
			}
			w.raw("><summary>").text(L.T("compliance.failing", "Count", count)).raw("</summary>\n    <ul class=\"failing\">")
			shown := cp.Shown(r.Failing)
			for j := range shown {
				u := &shown[j]
				w.raw("<li><a href=\"").url(cp.U("/units/" + strconv.FormatInt(u.UnitID, 10) + "/apparatus")).raw("\">").text(u.Name).raw("</a>")
				if u.Parent != "" {
					w.raw(" <span class=\"muted\">· ").text(u.Parent).raw("</span>")
				}
				w.raw(" — ").text(L.TData(u.Reason.Key, u.Reason.Args)).raw("</li>")
			}
			w.raw("</ul>\n    <p class=\"actions\">")
			if r.FailingCount > len(shown) {
				w.raw("<a href=\"").url(cp.U("/compliance/failing", "unit", cp.Unit.UnitID, "target", r.Target.Code)).raw("\">").
					text(L.T("compliance.failing_all", "Count", count)).raw("</a>")
			}
			w.raw("\n      <a class=\"button\" href=\"").url(cp.U("/compliance/failing.xlsx", "unit", cp.Unit.UnitID, "target", r.Target.Code)).raw("\">").
				text(L.T("compliance.failing_export")).raw("</a></p>\n  </details>")
		}
		w.raw("\n</section>\n")
	}
}

// complianceShowPage is the compliance page written in Go: its content
// (complianceHTML) handed to the page cache as it is (writtenPage);
// compliance.html's "content" is {{.Body}} alone. (A type of its own: the
// trend and the failing pages render compliancePage with their templates.)
type complianceShowPage struct {
	*compliancePage
	Body template.HTML
	pooledContent
}

func (cp *complianceShowPage) written() template.HTML { return cp.Body }

// complianceHTML writes the compliance page's content as compliance.html
// wrote it (kept in testdata/compliance_template.html,
// TestPagesAsTheirTemplates), with the partials it called (print_button,
// registers) and the target cards, into a buffer of pageBufs (as
// dashboardHTML).
func complianceHTML(cp *complianceShowPage) template.HTML {
	L := cp.L
	w := pooledHW()
	w.raw("\n<h1>").text(cp.Title).raw("</h1>\n<p class=\"facts\"><span><a href=\"").url(cp.U("/units/" + strconv.FormatInt(cp.Unit.UnitID, 10))).raw("\">").
		text(cp.Unit.Name).raw("</a></span><span class=\"muted\">").text(L.T("compliance.as_of", "Date", L.Date(cp.AsOf))).
		raw("</span>\n  <a href=\"/admin/targets\">").text(L.T("targets.title")).raw("</a> <button type=\"button\" class=\"button no-print\" data-print>").
		text(L.T("shell.print")).raw("</button></p>\n")
	if len(cp.Registers) > 0 {
		show := L.T("provenance.show")
		w.raw("<ul class=\"registers\" aria-label=\"").text(L.T("provenance.registers")).raw("\">")
		for _, r := range cp.Registers {
			w.raw("<li><a class=\"prov\" href=\"").url(r.URL).raw("\" title=\"").text(show).raw("\"><b>").text(L.Dec(r.N, 0)).raw("</b></a> ").text(r.Name).raw("</li>")
		}
		w.raw("</ul>")
	}
	w.raw("\n")
	writeTargetCards(w, cp.compliancePage)
	w.raw("\n")
	if na := cp.NotApplying(); len(na) > 0 {
		w.raw("<section class=\"card target na\" id=\"not-applying\">\n  <h2>").text(L.T("compliance.not_applying", "Unit", cp.Unit.Name)).
			raw("</h2>\n  <p class=\"muted small\">").text(L.T("compliance.not_applying_help")).raw("</p>\n  <ul class=\"na-list\">")
		for i := range na {
			t := &na[i].Target
			w.raw("<li><span class=\"na-title\">").text(t.Title(L.Lang)).raw("</span> <span class=\"tag\">").
				text(L.T("compliance.applies_to", "Level", L.T("tlevel."+string(t.Level)))).raw("</span> <span class=\"tag na\">").
				text(L.T("compliance.na")).raw("</span></li>")
		}
		w.raw("</ul>\n</section>")
	}
	w.raw("\n<section class=\"card\" id=\"trend\" hx-get=\"").text(cp.U("/compliance/trend", "unit", cp.Unit.UnitID)).
		raw("\" hx-trigger=\"load\" hx-swap=\"innerHTML\">\n  <h2>").text(L.T("compliance.trend")).raw("</h2>\n  <p class=\"muted\">").
		text(L.T("compliance.trend_loading")).raw("</p>\n</section>\n")
	return cp.set(w)
}
