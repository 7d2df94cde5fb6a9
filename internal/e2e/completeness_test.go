package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestCompletenessOnPhone is issue 9's "October's partial totals are
// marked incomplete" and "the ward's compliance page shows no failing
// target that does not apply", in a phone-sized browser: the leader's
// dashboard greys the last month that ended (partly reported) with how
// many units it counts, its chart draws that month as a hollow point on a
// dashed line, the indicator page says the total is incomplete and ranks
// nobody alone; the ward's compliance lists the department's and the
// province's targets as not applying.
func TestCompletenessOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	vi := s.Catalog.Printer("vi")
	ctx := context.Background()
	lanhdao := s.User(t, "lanhdao").Actor()
	province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
	last := demo.LastEnded(indicator.Monthly, s.Org.Today())
	hsAll, err := s.Indicators.ByCode(ctx, lanhdao, "HS_ALL")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Indicators.Breakdown(ctx, lanhdao, indicator.Query{IndicatorID: hsAll.ID, UnitID: province, Period: last})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Total.Incomplete || b.Basis != indicator.BasisApproved {
		t.Fatalf("the demo's %s is not an incomplete month on approved figures: %d/%d", last.Key(), b.Total.Reported, b.Total.Expected)
	}
	cmp := vi.Int(b.Total.Reported) + "/" + vi.Int(b.Total.Expected)

	br := startBrowser(t, s.URL)
	login := func(who string) {
		br.open("/login")
		br.fill(`input[name=login]`, who)
		br.fill(`input[name=password]`, demo.Password)
		br.click(`form[action="/login"] button`)
	}

	// The leader's dashboard: approved figures by default; the last
	// month's column greyed, each cell saying how many units it counts.
	login("lanhdao")
	br.clickLink("nav.menu", vi.T("nav.indicators"))
	br.wantText("main h1", vi.T("indicator.dashboard"))
	if got := br.eval(`document.querySelector("select[name=basis]").value`); got != "approved" {
		t.Fatalf("the dashboard's basis is %q, want approved", got)
	}
	cell := fmt.Sprintf(`(function () {
		var tr = Array.from(document.querySelectorAll("table.dash tbody tr")).find(tr => tr.querySelector('a[href^="/indicators/%d?"]'));
		var col = Array.from(document.querySelectorAll("table.dash thead th")).findIndex(th => th.textContent.trim() === %q);
		return tr && col > 0 ? tr.children[col] : null;
	})()`, hsAll.ID, last.Short())
	if got := br.eval(`String(!!` + cell + `)`); got != "true" {
		t.Fatalf("no %s column for the dossiers on the dashboard", last.Short())
	}
	if got := br.eval(cell + `.textContent.replace(/\s+/g, " ")`); !strings.Contains(got, cmp) {
		t.Fatalf("the dashboard's %s dossiers cell is %q, want it to say %s", last.Short(), got, cmp)
	}
	if cls := br.eval(cell + `.className`); !strings.Contains(cls, "partial") {
		t.Fatalf("the %s cell is not marked incomplete: class %q", last.Short(), cls)
	}
	// greyed, not in the colour of a complete figure
	if style := br.eval(`getComputedStyle(` + cell + `).fontStyle`); style != "italic" {
		t.Errorf("the incomplete cell's style is %q", style)
	}
	// the chart: the month is a hollow point on a dashed line (the chart
	// library is fetched once the page has loaded, as it has a chart)
	br.do("wait for the chart", chromedp.Poll[chromedp.Void](`!!(window.echarts && echarts.getInstanceByDom(document.querySelector(".chart[data-chart]")))`))
	dashed := br.eval(`(function () {
		var el = document.querySelector(".chart[data-chart]"); var c = window.echarts && echarts.getInstanceByDom(el);
		if (!c) return "no chart";
		var s = c.getOption().series;
		return s.length + " " + (s[1] && s[1].lineStyle && s[1].lineStyle.type) + " " + JSON.stringify(s[1] && s[1].data.filter(d => d && d.symbol === "emptyCircle").length);
	})()`)
	if !strings.HasPrefix(dashed, "2 dashed ") || strings.HasSuffix(dashed, " 0") {
		t.Errorf("the chart does not draw the incomplete month hollow on a dashed line: %s", dashed)
	}
	br.screenshot("dashboard-incomplete")

	// The indicator's page for that month: the total greyed, x/y units,
	// a warning, and partial ranks marked.
	br.open(fmt.Sprintf("/indicators/%d?period=%s", hsAll.ID, last.Key()))
	br.wantText("#completeness", vi.T("completeness.units", "Reported", vi.Int(b.Total.Reported), "Expected", vi.Int(b.Total.Expected),
		"Basis", vi.T("completeness.basis.approved")))
	br.wantText("#incomplete", vi.Pct(indicator.DefaultThreshold))
	if cls := br.eval(`document.querySelector("#total").className`); !strings.Contains(cls, "partial") {
		t.Errorf("the total is not greyed: %q", cls)
	}
	br.wantText("#rank-note", "*")
	br.screenshot("indicator-incomplete")
	br.click(`form[action="/logout"] button`)

	// The ward: its figure is its own (1/1 or 0/1), never "Xếp hạng 1/1";
	// its compliance shows only the communes' targets as met or failing.
	login("pleiku")
	br.open(fmt.Sprintf("/indicators/%d?period=%s", hsAll.ID, last.Key()))
	if br.pageHas(vi.T("indicator.standing", "Rank", 1, "Of", 1, "Parent", "Tỉnh Gia Lai")) {
		t.Error("the ward's page ranks it 1/1")
	}
	br.wantText("#completeness", "/1")
	br.clickLink("nav.menu", vi.T("nav.compliance"))
	br.wantText("main h1", vi.T("compliance.title"))
	br.wantText("#not-applying", vi.T("compliance.na"))
	rep, err := s.People.Compliance(ctx, s.User(t, "pleiku").Actor(), s.UnitNamed(t, "Phường Pleiku").UnitID, s.Org.Today())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Applies {
			continue
		}
		if br.eval(fmt.Sprintf(`String(!!document.getElementById(%q))`, "target-"+r.Target.Code)) == "true" {
			t.Errorf("%s (for %s) has a card on the ward's page", r.Target.Code, r.Target.Level)
		}
		br.wantAmong("#not-applying li .na-title", r.Target.TitleVI)
	}
	for _, txt := range br.texts(".target.overdue h2") {
		for _, r := range rep.Results {
			if !r.Applies && txt == r.Target.TitleVI {
				t.Errorf("%q is shown overdue in a ward", txt)
			}
		}
	}
	br.screenshot("ward-compliance")
	br.checkConsole("the end")
	t.Logf("screenshots in %s", br.dir)
}
