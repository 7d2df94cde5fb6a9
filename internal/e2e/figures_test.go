package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
)

// TestFiguresTrueOnPhone is issue 9's "done when" in a phone-sized
// browser, from a fresh demo, as the demo's users: Phường Pleiku's focal
// person sets up a team in a village that has none and adds its members
// through the pages; at the next request the ward's and the province's
// measured teams, members and coverage, and the ward's score of the
// criterion bound to the coverage, have changed, nobody having typed a
// figure. The coordinator opens the ward's report that types ten teams
// more than the register and sees the register, the report and the
// difference; the dashboard greys the last ended month with how many
// units it counts; the ward's compliance shows no failing target that
// does not apply; a figure of the province's dashboard explains itself
// down to the reports, and the team count down to the new team.
func TestFiguresTrueOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	ctx := context.Background()
	vi := s.Catalog.Printer("vi")
	today := s.Org.Today()
	last := demo.LastEnded(indicator.Monthly, today)
	quarter := demo.LastEnded(indicator.Quarterly, today)
	ward, province := s.UnitNamed(t, "Phường Pleiku"), s.UnitNamed(t, "Tỉnh Gia Lai")
	ind := func(code string) *indicator.Indicator {
		t.Helper()
		i, err := s.Indicators.ByCode(ctx, s.Admin, code)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	// measured is what the register holds, as the service computes it:
	// the page must say the same.
	measured := func(code string, unit int64) float64 {
		t.Helper()
		v, ok, err := s.Indicators.Measured(ctx, s.Admin, code, unit, last.Key())
		if err != nil || !ok {
			t.Fatalf("%s of %d in %s: %v %v", code, unit, last.Key(), ok, err)
		}
		return v
	}
	village := villageWithoutTeam(t, s, ward.UnitID)
	rounds, err := s.Assess.Rounds(ctx, s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	var round *assess.Round
	for _, r := range rounds {
		if r.Year == today.Year() && strings.Contains(r.Name, "cấp xã") {
			round = r
		}
	}
	if round == nil {
		t.Fatalf("no commune round of %d", today.Year())
	}

	b := startBrowser(t, s.URL)
	login := func(who string) {
		b.open("/login")
		b.fill(`input[name=login]`, who)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
	}
	logout := func() { b.click(`form[action="/logout"] button`) }
	// figure is the total an indicator's page shows for a unit and the
	// last ended month.
	figure := func(code string, unit int64) string {
		t.Helper()
		b.open(fmt.Sprintf("/indicators/%d?unit=%d&period=%s", ind(code).ID, unit, last.Key()))
		return b.text("#total a")
	}
	counts := []string{"REG_TEAMS", "REG_MEMBERS", "REG_VILLAGES_COVERED"}
	before := map[string]string{}
	read := func(unit int64, name string) map[string]string {
		got := map[string]string{}
		for _, code := range append(counts, "REG_COVERAGE") {
			got[code] = figure(code, unit)
			if code != "REG_COVERAGE" {
				if want := vi.Int(int(measured(code, unit))); got[code] != want {
					t.Errorf("the %s's page says %s is %q, the register %s", name, code, got[code], want)
				}
			}
		}
		return got
	}
	coverage := func(unit int64) string {
		return vi.Dec(measured("REG_VILLAGES_COVERED", unit)/measured("REG_VILLAGES", unit)*100, 1)
	}

	// The province's figures before, as the coordinator reads them.
	login("gialai")
	provBefore := read(province.UnitID, "province")
	logout()

	// The ward's, and its score of the criterion bound to the coverage.
	login("pleiku")
	wardBefore := read(ward.UnitID, "ward")
	for k, v := range wardBefore {
		before[k] = v
	}
	cardURL := fmt.Sprintf("/assess/rounds/%d/units/%d", round.ID, ward.UnitID)
	var crit *assess.Node
	c, err := s.Assess.Card(ctx, s.Admin, round.ID, ward.UnitID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range c.Framework.Criteria() {
		if n.Indicator == "REG_COVERAGE" {
			crit = n
		}
	}
	if crit == nil {
		t.Fatal("no criterion bound to the coverage")
	}
	row := fmt.Sprintf(`tr[data-node=%q]`, crit.Code)
	b.open(cardURL)
	b.wantAmong(row+` [data-source]`, vi.T("assess.source.measured"))
	scoreBefore := b.text(row + ` b.auto`)
	b.screenshot("card-before")

	// A team in the village without one, by the chair's decision of the
	// last ended month, and its members from that day.
	decided := last.Start().AddDays(9)
	b.clickLink("nav.menu", vi.T("nav.network"))
	b.clickLink("main .actions", vi.T("network.new_team"))
	b.choose(`select[name=unit_id]`, strconv.FormatInt(village.UnitID, 10))
	b.fill(`input[name=decision_number]`, "45/QĐ-UBND")
	b.fillDate(`input[name=decision_date]`, decided.VN())
	b.fill(`input[name=decision_signer]`, "Nguyễn Văn Bình")
	b.click(`form[action="/network/teams"] button.primary`)
	b.wantText(".flash", vi.T("network.team_created"))
	b.wantText("main h1", network.TeamPrefix+" "+village.Name)
	members := []struct{ name, role, affil string }{
		{"Rơ Châm Hyang", "leader", "village_head"},
		{"Ksor Y Nhí", "deputy", "police"},
		{"Nguyễn Thị Thu", "member", "youth_union"},
		{"Trần Văn Bưu", "member", "post_office"},
	}
	for i, m := range members {
		if i > 0 {
			b.eval(`(document.getElementById("add-member").open = true, "")`)
		}
		b.fill(`#add-member input[name=full_name]`, m.name)
		b.choose(`#add-member select[name=role]`, m.role)
		b.choose(`#add-member select[name=affiliation]`, m.affil)
		b.fillDate(`#add-member input[name=valid_from]`, decided.VN())
		b.click(`#add-member button.primary`)
		b.wantText(".flash", vi.T("network.member_added"))
	}
	b.wantText("#member-count", "4")
	b.screenshot("team-set-up")

	// At the next request the ward's figures are the register's, one
	// team, one village and four members more; the coverage recomputed.
	wardAfter := read(ward.UnitID, "ward")
	for code, d := range map[string]int{"REG_TEAMS": 1, "REG_MEMBERS": 4, "REG_VILLAGES_COVERED": 1} {
		n, _ := strconv.Atoi(strings.ReplaceAll(before[code], ".", ""))
		if wardAfter[code] != vi.Int(int(n+d)) {
			t.Errorf("the ward's %s: %s → %s, want %d more", code, before[code], wardAfter[code], d)
		}
	}
	if !strings.Contains(wardAfter["REG_COVERAGE"], coverage(ward.UnitID)) || wardAfter["REG_COVERAGE"] == before["REG_COVERAGE"] {
		t.Errorf("the ward's coverage: %s → %s, want %s", before["REG_COVERAGE"], wardAfter["REG_COVERAGE"], coverage(ward.UnitID))
	}
	b.screenshot("ward-coverage-after")
	// and the criterion's score follows
	c, err = s.Assess.Card(ctx, s.Admin, round.ID, ward.UnitID)
	if err != nil {
		t.Fatal(err)
	}
	sc := c.Scores[crit.ID]
	if sc.Auto == nil || sc.Value == nil || *sc.Auto != crit.Score(*sc.Value) {
		t.Fatalf("%s: %+v", crit.Code, sc)
	}
	b.open(cardURL)
	scoreAfter := b.text(row + ` b.auto`)
	if scoreAfter == scoreBefore || scoreAfter == "" || scoreAfter == "—" {
		t.Errorf("the ward's %s score: %q → %q", crit.Code, scoreBefore, scoreAfter)
	}
	if want := vi.Dec(*sc.Value, 1); !strings.Contains(b.text(row), want) {
		t.Errorf("the card does not show the coverage %s it scores: %q", want, b.text(row))
	}
	b.screenshot("card-after")

	// The ward's compliance: the department's and the province's targets
	// do not apply, and none of them is shown failing.
	b.clickLink("nav.menu", vi.T("nav.compliance"))
	b.wantText("main h1", vi.T("compliance.title"))
	b.wantText("#not-applying", vi.T("compliance.na"))
	rep, err := s.People.Compliance(ctx, s.User(t, "pleiku").Actor(), ward.UnitID, today)
	if err != nil {
		t.Fatal(err)
	}
	na := 0
	for _, r := range rep.Results {
		if r.Applies {
			continue
		}
		na++
		if b.eval(fmt.Sprintf(`String(!!document.getElementById(%q))`, "target-"+r.Target.Code)) == "true" {
			t.Errorf("%s (for %s) has a card on the ward's page", r.Target.Code, r.Target.Level)
		}
		b.wantAmong("#not-applying li .na-title", r.Target.TitleVI)
		for _, txt := range b.texts(".target.overdue h2") {
			if txt == r.Target.TitleVI {
				t.Errorf("%q is shown overdue in a ward", txt)
			}
		}
	}
	if na == 0 {
		t.Fatal("every target applies to a ward")
	}
	b.screenshot("ward-compliance")
	logout()

	// The province's figures at the next request.
	login("gialai")
	provAfter := read(province.UnitID, "province")
	for code, d := range map[string]int{"REG_TEAMS": 1, "REG_MEMBERS": 4, "REG_VILLAGES_COVERED": 1} {
		n, _ := strconv.Atoi(strings.ReplaceAll(provBefore[code], ".", ""))
		if provAfter[code] != vi.Int(int(n+d)) {
			t.Errorf("the province's %s: %s → %s, want %d more", code, provBefore[code], provAfter[code], d)
		}
	}
	if !strings.Contains(provAfter["REG_COVERAGE"], coverage(province.UnitID)) || provAfter["REG_COVERAGE"] == provBefore["REG_COVERAGE"] {
		t.Errorf("the province's coverage: %s → %s, want %s", provBefore["REG_COVERAGE"], provAfter["REG_COVERAGE"], coverage(province.UnitID))
	}

	// The ward's report typing ten teams more than the register, awaiting
	// review: from the reconciliation list, its page shows the register,
	// the report and the difference, and asks for a comment.
	b.open(fmt.Sprintf("/reconciliation?unit=%d&year=%d", province.UnitID, quarter.Year))
	teams := ind("CT_TEAMS")
	b.clickJS("open the ward's report", fmt.Sprintf(`Array.from(document.querySelectorAll("#discrepancies tbody tr")).find(tr =>
		tr.children[0].textContent.trim() === %s && tr.children[2].textContent.trim() === %s).querySelector("td:last-child a")`,
		jsString(ward.Name), jsString(teams.NameVI)))
	if !strings.Contains(b.location(), fmt.Sprintf("/units/%d/forms/", ward.UnitID)) {
		t.Fatalf("the reconciliation led to %s", b.location())
	}
	regQ, ok, err := s.Indicators.Measured(ctx, s.Admin, "REG_TEAMS", ward.UnitID, quarter.Key())
	if err != nil || !ok {
		t.Fatal(err)
	}
	diffRow := `#reconcile tr[data-code="CT_TEAMS"]`
	cells := strings.Join(b.texts(diffRow+" td"), "|")
	if want := fmt.Sprintf("%s|%s|%s|+10", teams.NameVI, vi.Int(int(regQ)+10), vi.Int(int(regQ))); !strings.HasPrefix(cells, want) {
		t.Fatalf("the reviewer's view of the team count: %q, want %q", cells, want)
	}
	b.wantText("#reconcile-warn", vi.T("reconcile.comment_needed"))
	b.screenshot("review-difference")

	// The dashboard: the last ended month greyed with how many units it
	// counts, on approved figures.
	hs := ind("HS_ALL")
	bd, err := s.Indicators.Breakdown(ctx, s.Admin, indicator.Query{IndicatorID: hs.ID, UnitID: province.UnitID, Period: last})
	if err != nil {
		t.Fatal(err)
	}
	if !bd.Total.Incomplete {
		t.Fatalf("the demo's %s is complete", last.Key())
	}
	b.clickLink("nav.menu", vi.T("nav.indicators"))
	b.wantText("main h1", vi.T("indicator.dashboard"))
	cell := fmt.Sprintf(`(function () {
		var tr = Array.from(document.querySelectorAll("table.dash tbody tr")).find(tr => tr.querySelector('a[href^="/indicators/%d?"]'));
		var col = Array.from(document.querySelectorAll("table.dash thead th")).findIndex(th => th.textContent.trim() === %q);
		return tr && col > 0 ? tr.children[col] : null;
	})()`, hs.ID, last.Short())
	if got := b.eval(cell + `.textContent.replace(/\s+/g, " ")`); !strings.Contains(got, vi.Int(int(bd.Total.Reported))+"/"+vi.Int(int(bd.Total.Expected))) {
		t.Fatalf("the dashboard's %s dossiers: %q, want %d/%d", last.Short(), got, bd.Total.Reported, bd.Total.Expected)
	}
	if cls := b.eval(cell + `.className`); !strings.Contains(cls, "partial") {
		t.Fatalf("the %s cell is not marked incomplete: %q", last.Short(), cls)
	}
	b.screenshot("dashboard")

	// Click that figure: the units below with their figures and the
	// missing ones named; a ward's figure is its report, who entered it
	// and who approved it; the report itself.
	b.clickJS("click the figure", cell+`.querySelector("a.fig")`)
	b.wantText("#prov-missing h2", vi.T("provenance.missing", "Count", vi.Int(int(bd.Total.Expected-bd.Total.Reported))))
	b.screenshot("provenance-dossiers")
	b.clickJS("click a commune's figure", `document.querySelector("#prov-children tbody tr:not(.partial) td.num a")`)
	b.wantText("#prov-own h2", vi.T("provenance.own"))
	b.wantText("#prov-own", vi.T("rstatus.approved"))
	b.screenshot("provenance-own")
	b.clickJS("open its report", `document.querySelector("#prov-own dd a[href^='/units/']")`)
	if !strings.Contains(b.location(), "/forms/") {
		t.Fatalf("the report link led to %s", b.location())
	}

	// The province's team count: counted from the register, the wards'
	// counts below it, and the ward's teams, the new one among them.
	b.open(fmt.Sprintf("/indicators/%d?unit=%d&period=%s", ind("REG_TEAMS").ID, province.UnitID, last.Key()))
	b.click("#total a")
	b.wantText("#prov-records h2", vi.T("provenance.records", "Count", provAfter["REG_TEAMS"], "Date", vi.Date(last.End())))
	b.screenshot("provenance-teams")
	b.clickJS("click the ward's count", fmt.Sprintf(`Array.from(document.querySelectorAll("#prov-children tbody tr")).find(tr =>
		tr.children[0].textContent.trim() === %s).querySelector("a")`, jsString(ward.Name)))
	b.wantText("#prov-records h2", vi.T("provenance.records", "Count", wardAfter["REG_TEAMS"], "Date", vi.Date(last.End())))
	// counted from the register: no report, so nothing to wait for
	b.wantText(".prov-figure .cmp-line", vi.T("completeness.measured"))
	b.wantText("p.facts .tag", vi.T("indicator.source.measured"))
	b.wantAmong("#prov-records li a", network.TeamPrefix+" "+village.Name)
	b.screenshot("provenance-ward-teams")
	b.clickLink("#prov-records", network.TeamPrefix+" "+village.Name)
	b.wantText("main h1", network.TeamPrefix+" "+village.Name)
	b.wantText("#member-count", "4")
	b.checkConsole("the end")
	t.Logf("screenshots in %s", b.dir)
}

// clickJS clicks the element a JavaScript expression gives and waits for
// the page it leads to.
func (b *browser) clickJS(what, js string) {
	b.t.Helper()
	b.load(what, chromedp.Click(chromedp.JSPath(js)))
}
