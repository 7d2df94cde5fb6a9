package web

import (
	"fmt"
	"html/template"
)

// Stats are the coverage page's figures, written in Go (see hw) as
// network.html's {{with $c.Total}} section wrote them, with the "prov"
// links (kept in testdata/network_template.html, TestPagesAsTheirTemplates):
// a dozen template calls, each with its dict, on a page made again at each
// of the network's writes.
func (p *coveragePage) Stats() template.HTML {
	L, t := p.L, &p.C.Total
	w := newHW(2400)
	prov := func(code string, n int) {
		if u := p.Prov[code]; u != "" {
			w.raw("<a class=\"prov\" href=\"").url(u).raw("\" title=\"").text(L.T("provenance.show")).raw("\">").text(L.Int(n)).raw("</a>")
			return
		}
		w.text(L.Int(n))
	}
	w.raw("\n<section class=\"stats\" aria-label=\"").text(L.T("network.figures")).raw("\">\n  ")
	if t.Communes != 0 {
		w.raw("<div class=\"stat\" id=\"stat-communes\"><b>").text(L.Int(t.CommunesCovered)).raw("/").text(L.Int(t.Communes)).raw("</b><span>").
			text(L.T("network.communes_covered")).raw("</span>\n    <meter min=\"0\" max=\"1\" low=\"0.5\" high=\"0.95\" optimum=\"1\" value=\"").
			text(fmt.Sprint(p.Ratio(t.CommunesCovered, t.Communes))).raw("\"></meter></div>")
	}
	w.raw("\n  <div class=\"stat\" id=\"stat-villages\"><b>")
	prov("REG_VILLAGES_COVERED", t.VillagesCovered)
	w.raw("/")
	prov("REG_VILLAGES", t.Villages)
	w.raw("</b><span>").text(L.T("network.villages_covered")).raw("</span>\n    ")
	if t.Villages != 0 {
		w.raw("<meter min=\"0\" max=\"1\" low=\"0.5\" high=\"0.95\" optimum=\"1\" value=\"").text(fmt.Sprint(p.Ratio(t.VillagesCovered, t.Villages))).raw("\"></meter>")
	}
	w.raw("</div>\n  <div class=\"stat\" id=\"stat-teams\"><b>")
	prov("REG_TEAMS", t.Teams)
	w.raw("</b><span>").text(L.T("network.active_teams")).raw("</span>")
	if t.Suspended != 0 {
		w.raw("<small>").text(L.T("network.suspended_count", "Count", L.Int(t.Suspended))).raw("</small>")
	}
	w.raw("</div>\n  <div class=\"stat\" id=\"stat-members\"><b>")
	prov("REG_MEMBERS", t.Members)
	w.raw("</b><span>").text(L.T("network.members")).raw("</span>")
	if t.Teams != 0 {
		w.raw("<small>").text(L.T("network.per_team", "Avg", L.Dec(p.Avg(t.Members, t.Teams), 1))).raw("</small>")
	}
	w.raw("</div>\n  <div class=\"stat\" id=\"stat-trained\"><b>")
	prov("REG_MEMBERS_TRAINED", t.Trained)
	w.raw("</b><span>").text(L.T("network.trained", "Year", p.AsOf.Year())).raw("</span>")
	if t.Members != 0 {
		w.raw("<small>").text(L.Pct(p.Ratio(t.Trained, t.Members))).raw("</small>")
	}
	w.raw("</div>\n  <div class=\"stat ")
	if t.Idle != 0 {
		w.raw("alert")
	}
	w.raw("\" id=\"stat-idle\"><b>")
	if t.Idle != 0 {
		w.raw("<a href=\"").url(p.U("/network/teams", "unit", p.Unit.UnitID, "idle", 1)).raw("\">").text(L.Int(t.Idle)).raw("</a>")
	} else {
		w.raw("0")
	}
	w.raw("</b><span>").text(L.T("network.idle", "Days", p.C.IdleDays)).raw("</span></div>\n  <div class=\"stat\" id=\"stat-activities\"><b>")
	prov("REG_ACTIVITIES", t.Activities)
	w.raw("</b><span>").text(L.T("network.activities_year", "Year", p.AsOf.Year())).raw("</span><small>").
		text(L.T("network.helped_count", "Count", L.Int(t.Helped))).raw("</small></div>\n</section>\n")
	return w.owned()
}
