package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

func code(t *testing.T, s *apptest.Server, c string) int64 {
	t.Helper()
	i, err := s.Indicators.ByCode(context.Background(), s.Admin, c)
	if err != nil {
		t.Fatal(err)
	}
	return i.ID
}

// TestPagesAsTheirTemplates: the pages whose parts are written in Go
// (compliance's target cards, the indicator pages' rows) are byte for byte
// what the templates they replaced wrote (kept in testdata), for every
// demo account, in both languages, today and in the past, for the
// account's scope, the province and a commune, with the views' choices, on
// both engines.
func TestPagesAsTheirTemplates(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		commune := s.Indicators // a commune of the province with figures
		var xa int64
		if b, err := commune.Breakdown(context.Background(), s.Admin, indicator.Query{IndicatorID: code(t, s, "HS_ALL"), UnitID: gl,
			Period: indicator.PeriodOf(indicator.Monthly, s.Org.Today()).Prev()}); err == nil && len(b.Children) > 0 {
			xa = b.Children[0].UnitID
		}
		hs, rate := code(t, s, "HS_ALL"), code(t, s, "HS_ONLINE_RATE")
		last := indicator.PeriodOf(indicator.Monthly, s.Org.Today()).Prev().Key()
		queries := map[string][]string{
			"compliance": {"/compliance", "/compliance?d=2025-06-30", fmt.Sprintf("/compliance?unit=%d", gl), fmt.Sprintf("/compliance?unit=%d&d=2025-06-30", gl)},
			"network": {"/network", "/network?d=2025-06-30", fmt.Sprintf("/network?unit=%d", gl), fmt.Sprintf("/network?unit=%d&d=2024-06-30", gl),
				fmt.Sprintf("/network?unit=%d", xa)},
			"indicators": {"/indicators", "/indicators?d=2025-06-30", fmt.Sprintf("/indicators?unit=%d&mode=restated&basis=all", gl),
				fmt.Sprintf("/indicators?unit=%d&d=2025-06-30&basis=submitted", gl), fmt.Sprintf("/indicators?unit=%d", xa)},
			"indicator": {fmt.Sprintf("/indicators/%d", hs), fmt.Sprintf("/indicators/%d?unit=%d&period=%s", hs, gl, last),
				fmt.Sprintf("/indicators/%d?unit=%d&period=%s&mode=restated&basis=all", hs, gl, last), fmt.Sprintf("/indicators/%d?unit=%d", rate, gl),
				fmt.Sprintf("/indicators/%d?unit=%d&d=2025-06-30", hs, gl), fmt.Sprintf("/indicators/%d?unit=%d&period=2025", rate, gl),
				fmt.Sprintf("/indicators/%d?unit=%d&period=%s", hs, xa, last), fmt.Sprintf("/indicators/%d?unit=%d&period=2025-05&mode=asis", hs, gl)},
		}
		compared := map[string]int{}
		for page, qs := range queries {
			for _, l := range s.Logins {
				for _, lang := range []string{"vi", "en"} {
					for _, q := range qs {
						u := *s.User(t, l.Login)
						u.Locale = lang
						r := httpx.WithUser(httptest.NewRequest("GET", q, nil), &u)
						if page == "indicator" {
							id := strings.TrimPrefix(strings.SplitN(q, "?", 2)[0], "/indicators/")
							r.SetPathValue("id", id)
						}
						now, was, err := s.Web.ContentBoth(page, r)
						if err != nil {
							continue // not this account's to see
						}
						compared[page]++
						if d := htmlDiff(now, was); d != "" {
							t.Errorf("%s %s %s: %s", l.Login, lang, q, d)
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
