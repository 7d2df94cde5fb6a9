package web_test

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// TestPeopleHTML: the people list written in Go (web.peopleHTML) is byte
// for byte what its template wrote (kept in testdata/people_template.html),
// for every demo account, in both languages, today and in the past, on
// several pages, with each filter (a name with markup and signs, a role,
// any role, none, training, a unit chosen, a unit typed and not found), on
// both engines.
func TestPeopleHTML(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		pleiku := strconv.FormatInt(s.UnitNamed(t, "Phường Pleiku").UnitID, 10)
		queries := []string{"", "page=2", "page=3", "page=999", "role=any", "role=none", "role=focal_person", "training=trained", "training=untrained",
			"q=" + url.QueryEscape(`<b>"Nguyễn" & 'x' +1</b>`), "q=an", "unit=" + pleiku, "unit=" + pleiku + "&role=any&training=trained&page=2",
			"unit_q=" + url.QueryEscape("không có <đơn vị>"), "unit_q=Pleiku"}
		n, pagers := 0, 0
		for _, l := range s.Logins {
			user := s.User(t, l.Login)
			for _, lang := range []string{"vi", "en"} {
				for _, d := range []string{"", "d=2025-06-30"} {
					for _, q := range queries {
						query := strings.Trim(q+"&"+d, "&")
						u := *user
						u.Locale = lang
						r := httpx.WithUser(httptest.NewRequest("GET", "/people?"+query, nil), &u)
						byGo, byTemplate, err := s.Web.PeopleBoth(r)
						if err != nil {
							continue // outside the scope: the page is the error page
						}
						n++
						if strings.Contains(byGo, `class="pager"`) {
							pagers++
						}
						if d := htmlDiff(byGo, byTemplate); d != "" {
							t.Fatalf("%s %s %q: the list %s", l.Login, lang, query, d)
						}
					}
				}
			}
		}
		if n < 200 || pagers == 0 {
			t.Errorf("%d lists compared, %d with pages", n, pagers)
		}
	})
}
