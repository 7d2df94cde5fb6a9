package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// TestEachRoleHomeOnPhone: at 360 px, each demo account lands on its own
// home — the leader on the province's state, the coordinator on today's
// work, Pleiku's focal person on its to-do — which fits the width, and a
// tile of each leads to the page its figure comes from.
func TestEachRoleHomeOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	vi := s.Catalog.Printer("vi")

	signIn := func(login string) {
		b.open("/login")
		b.fill(`input[name=login]`, login)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
	}
	fits := func(who string) {
		t.Helper()
		if w, _ := strconv.Atoi(b.eval(`String(document.querySelector("main").scrollWidth - document.querySelector("main").clientWidth)`)); w > 0 {
			t.Errorf("%s's home is %d px wider than the phone", who, w)
		}
	}
	logout := func() { b.click(`form[action="/logout"] button`) }

	signIn("lanhdao")
	b.wantText("main h1", vi.T("home.title.leader"))
	b.wantAmong("main h2", vi.T("home.compliance"))
	b.wantAmong("main h2", vi.T("home.network"))
	b.wantAmong("main h2", vi.T("home.ranking"))
	if b.text("#home-indicators li .cmp") == "" {
		t.Errorf("the leader's key indicators should say how many units reported:\n%s", b.text("#home-indicators"))
	}
	fits("the leader")
	b.screenshot("home-leader")
	b.clickLink("#home-compliance h2", vi.T("home.compliance"))
	b.wantText("main h1", vi.T("compliance.title"))
	logout()

	signIn("gialai")
	b.wantText("main h1", vi.T("home.title.coordinator"))
	b.wantAmong("#home-today .home-tile span", vi.T("home.not_reported"))
	b.wantAmong("#home-today .home-tile span", vi.T("home.to_approve"))
	fits("the coordinator")
	b.screenshot("home-coordinator")
	b.click(`#home-today a[href="/plans/overdue"]`)
	b.wantText("main h1", vi.T("plans.overdue.title"))
	logout()

	signIn("pleiku")
	b.wantText("main h1", vi.T("home.title.focal"))
	if duty := b.text("#home-duties li a"); !strings.HasPrefix(duty, "Báo cáo tình hình chuyển đổi số hằng tháng · ") {
		t.Errorf("Pleiku's first duty should be its monthly report, not %q", duty)
	}
	fits("the focal person")
	b.screenshot("home-focal")
	b.clickLink("#home-todo", vi.T("home.log_activity"))
	b.wantText("main h1", vi.T("network.log_title"))
}
