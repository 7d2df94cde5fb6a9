package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

// TestUnitHTML: the unit page written in Go (web.unitHTML) is byte for
// byte what its template wrote (kept in testdata/unit_template.html), for
// every demo account, on every unit of its scope and the units they were
// formed from, in both languages, today and in the past (before the 2025
// merger: units not yet or no longer in force, lineage, history), and with
// each change form reopened after a failed change with what was typed
// (markup, quotes, signs), on both engines.
func TestUnitHTML(t *testing.T) {
	ctx := context.Background()
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		today := s.Org.Today()
		past := day.MustParse("2025-06-30")
		awkward := `<b>"x" & 'y' + 1 %41 javascript:alert(1)</b>`
		forms := map[string]map[string]string{"": nil}
		for _, op := range []string{"establish", "rename", "move", "merge", "split", "dissolve"} {
			f := map[string]string{}
			for _, k := range []string{"name", "level", "code", "kind", "effective_date", "legal_basis", "note", "parent_id", "other_id",
				"into", "new_name", "new_code", "new_kind", "part1_name", "part2_code", "part3_percent", "part4_name", "keep"} {
				f[k] = awkward + k
			}
			forms[op] = f
		}
		forms["merge-this"] = map[string]string{"into": "this", "level": "commune", "keep": "on"}
		n, sections := 0, map[string]bool{}
		for _, l := range s.Logins {
			user := s.User(t, l.Login)
			tree, err := s.Org.For(ctx, user.Actor())
			if err != nil {
				t.Fatal(err)
			}
			// the units of the scope today and before the merger, and those
			// they came from and became
			seen := map[int64]bool{}
			var units []int64
			for _, d := range []day.Day{today, past} {
				for _, r := range tree.Roots(user.ScopeUnitID, d) {
					snap.Walk(r.UnitID, d, func(v *org.Version) bool {
						if !seen[v.UnitID] && len(units) < 120 {
							seen[v.UnitID] = true
							units = append(units, v.UnitID)
						}
						return true
					})
				}
			}
			for i, id := range units {
				for _, lang := range []string{"vi", "en"} {
					for _, d := range []string{"", "?d=2025-06-30", "?d=2024-03-31"} {
						u := *user
						u.Locale = lang
						r := httpx.WithUser(httptest.NewRequest("GET", "/units/"+strconv.FormatInt(id, 10)+d, nil), &u)
						ops := []string{""}
						if i < 3 && d == "" {
							ops = []string{"", "establish", "rename", "move", "merge", "split", "dissolve", "merge-this"}
						}
						for _, op := range ops {
							byGo, byTemplate, err := s.Web.UnitBoth(r, id, op, forms[op])
							if err != nil {
								continue // outside the scope: the page is the error page
							}
							n++
							if diff := htmlDiff(byGo, byTemplate); diff != "" {
								t.Fatalf("%s unit %d %s %s op %q: the page %s", l.Login, id, lang, d, op, diff)
							}
							for _, c := range []string{`class="registers"`, `class="checks"`, `class="lineage"`, `class="warn"`, `name="effective_date"`, `class="audit"`, `<table class="list">`} {
								if strings.Contains(byGo, c) {
									sections[c] = true
								}
							}
						}
					}
				}
			}
		}
		t.Logf("%d pages, %v", n, sections)
		if len(sections) != 7 || n < 500 {
			t.Errorf("%d pages compared, with sections %v: want every section", n, sections)
		}
	})
}
