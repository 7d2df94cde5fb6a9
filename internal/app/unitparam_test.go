package app_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// varying is what differs between two answers to the same request: the
// time it took.
var varying = regexp.MustCompile(`app;dur=[0-9.]+`)

// TestUnitParamInScope: every page and API call that takes a unit in its
// query refuses a unit outside the caller's scope the same way — 403 —
// and an unknown one (404, or 422 where the unit is a field of a form)
// (issue 15: /compliance/trend answered 200 with no data). A route that does not read the parameter answers as if
// it were not there: the test calls every GET route and tells the two
// apart, so a new route is held to it without being listed.
func TestUnitParamInScope(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		c := callerFor(t, s, "pleiku")
		mine := ownTarget(t, s, "pleiku")
		other := itoa(s.UnitNamed(t, "Phường Quy Nhơn").UnitID)
		for _, r := range s.Router.Routes() {
			if r.Method != http.MethodGet || r.Access == httpx.Public {
				continue
			}
			path, err := mine.fill(r.Pattern)
			if err != nil {
				t.Fatal(err)
			}
			for _, cl := range c.clients(r)[:1] {
				plainResp, plain := cl.Get(path)
				if plainResp.StatusCode != http.StatusOK {
					continue // the route needs more than a path (tested elsewhere)
				}
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				for _, name := range []string{"unit", "unit_id"} {
					for value, want := range map[string]int{other: http.StatusForbidden, "999999": http.StatusNotFound} {
						resp, body := cl.Get(path + sep + name + "=" + value)
						// a page echoes its own address (the language switch, the
						// print link): take the parameter out of the echo
						for _, echo := range []string{sep + name + "=" + value, "&amp;" + name + "=" + value, url.QueryEscape(sep + name + "=" + value)} {
							body = bytes.ReplaceAll(body, []byte(echo), nil)
						}
						// and the date form carries it over
						body = bytes.ReplaceAll(body, []byte(`<input type="hidden" name="`+name+`" value="`+value+`">`), nil)
						same := resp.StatusCode == plainResp.StatusCode && bytes.Equal(varying.ReplaceAll(body, nil), varying.ReplaceAll(plain, nil))
						refused := resp.StatusCode == want || (want == http.StatusNotFound && resp.StatusCode == http.StatusUnprocessableEntity)
						if !refused && !same {
							t.Errorf("GET %s%s%s=%s: status %d, want %d (or the answer without it)", path, sep, name, value, resp.StatusCode, want)
						}
					}
				}
			}
		}
	})
}
