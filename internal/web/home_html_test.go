package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// TestHomeHTML: the home written in Go (web.homeHTML) is byte for byte
// what its template wrote (kept in testdata/home_template.html), for every
// demo account, in both languages, today and in the past (its links then
// keep the date), on both engines.
func TestHomeHTML(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		kinds := map[string]bool{}
		for _, l := range s.Logins {
			for _, lang := range []string{"vi", "en"} {
				for _, q := range []string{"/", "/?d=2025-06-30", "/?d=2026-03-31"} {
					u := *s.User(t, l.Login)
					u.Locale = lang
					r := httpx.WithUser(httptest.NewRequest("GET", q, nil), &u)
					byGo, byTemplate, err := s.Web.HomeBoth(r)
					if err != nil {
						t.Fatalf("%s %s %s: %v", l.Login, lang, q, err)
					}
					if d := htmlDiff(byGo, byTemplate); d != "" {
						t.Errorf("%s %s %s: the home %s", l.Login, lang, q, d)
					}
					for _, k := range []string{"home-compliance", "home-today", "home-todo"} {
						if strings.Contains(byGo, `id="`+k+`"`) {
							kinds[k] = true
						}
					}
				}
			}
		}
		if len(kinds) != 3 {
			t.Errorf("the demo accounts' homes cover %v, want every role's", kinds)
		}
	})
}
