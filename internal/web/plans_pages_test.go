package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
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
