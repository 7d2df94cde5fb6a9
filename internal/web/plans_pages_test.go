package web_test

import (
	"cmp"
	"html"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/web"
)

// TestPlansPagesHTML: the task list and the plans dashboard written in Go
// (web.tasksHTML, web.planDashHTML) are byte for byte what their templates
// wrote (kept in testdata), for every demo account, in both languages,
// today and in the past (their links then keep the date), with and
// without filters, on both engines (hw's escaping is TestHTMLWriterEscapes').
func TestPlansPagesHTML(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		seen := map[string]bool{}
		for _, l := range s.Logins {
			for _, lang := range []string{"vi", "en"} {
				u := *s.User(t, l.Login)
				u.Locale = lang
				for _, q := range []string{"/tasks", "/tasks?d=2025-06-30", "/tasks?status=overdue", "/tasks?status=at_risk&window=90",
					"/tasks?window=30&d=2026-03-31", "/tasks?status=done_on_time&window=7", "/tasks?window=180",
					"/plans/dashboard", "/plans/dashboard?d=2025-06-30", "/plans/dashboard?d=2026-03-31", "/plans/dashboard?d=2024-01-01"} {
					page := "tasks"
					if strings.HasPrefix(q, "/plans/") {
						page = "plans_dashboard"
					}
					r := httpx.WithUser(httptest.NewRequest("GET", q, nil), &u)
					byGo, byTemplate, err := s.Web.PlansPagesBoth(r, page)
					if err != nil {
						t.Fatalf("%s %s %s: %v", l.Login, lang, q, err)
					}
					if d := htmlDiff(byGo, byTemplate); d != "" {
						t.Errorf("%s %s %s: the page %s", l.Login, lang, q, d)
					}
					for _, k := range []string{`class="st st-overdue"`, `<meter`, `selected`, `days late`, `quá hạn`, `<tr class="depth-0`, `name="d"`, `report"`} {
						if strings.Contains(byGo, k) {
							seen[k] = true
						}
					}
				}
			}
		}
		if len(seen) != 8 {
			t.Errorf("the demo's pages cover only %v", seen)
		}
	})
}

// TestNumIsInt: hw.num writes a number as the printer's Int does, in both
// languages, for numbers of every length and sign.
func TestNumIsInt(t *testing.T) {
	web.CheckNum(t)
}

// TestPlansDashboardWorstUnits: past dashUnitsMax lead units, the plans
// dashboard charts those with the most overdue tasks (then at risk), says
// how many there are in all and links to the chart of every one; written
// in Go as its template writes it, on both engines.
func TestPlansDashboardWorstUnits(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		defer web.SetDashUnitsMax(2)()
		u := s.User(t, "gialai")
		dash, err := s.Plans.Dashboard(t.Context(), u.Actor(), s.Org.Today())
		if err != nil {
			t.Fatal(err)
		}
		if len(dash.Units) <= 2 {
			t.Fatalf("the demo's province leads with %d units; want more than 2", len(dash.Units))
		}
		worst := slices.Clone(dash.Units)
		slices.SortStableFunc(worst, func(a, b plans.UnitCount) int {
			return cmp.Or(b.Counts.Overdue-a.Counts.Overdue, b.Counts.AtRisk-a.Counts.AtRisk)
		})
		byUnit := func(q string) string {
			byGo, byTemplate, err := s.Web.PlansPagesBoth(httpx.WithUser(httptest.NewRequest("GET", q, nil), u), "plans_dashboard")
			if err != nil {
				t.Fatal(err)
			}
			if d := htmlDiff(byGo, byTemplate); d != "" {
				t.Errorf("%s: the page %s", q, d)
			}
			_, sec, _ := strings.Cut(byGo, `id="by-unit"`)
			sec, _, _ = strings.Cut(sec, "</section>")
			return sec
		}
		sec := byUnit("/plans/dashboard")
		if n := strings.Count(sec, `<svg class="stack"`); n != 2 {
			t.Errorf("%d lead units charted; want the 2 with the most overdue tasks", n)
		}
		for _, w := range worst[:2] {
			if !strings.Contains(sec, html.EscapeString(w.Name)) {
				t.Errorf("%s (%d overdue) is not charted", w.Name, w.Counts.Overdue)
			}
		}
		all := strconv.Itoa(len(dash.Units))
		for _, want := range []string{"2 đơn vị chủ trì có nhiều nhiệm vụ quá hạn nhất, trong " + all + " đơn vị.", `href="/plans/dashboard?units=all#by-unit"`, "Xem cả " + all + " đơn vị"} {
			if !strings.Contains(sec, want) {
				t.Errorf("the capped chart does not say %q", want)
			}
		}
		sec = byUnit("/plans/dashboard?units=all")
		if n := strings.Count(sec, `<svg class="stack"`); n != len(dash.Units) {
			t.Errorf("?units=all charts %d lead units; want all %d", n, len(dash.Units))
		}
		if strings.Contains(sec, "units=all") {
			t.Error("?units=all still links to itself")
		}
	})
}
