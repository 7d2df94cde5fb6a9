package web_test

import (
	"html"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/people"
)

// TestFiltersSayWhatTheyDo is issue 12's item 6: "Cán bộ làm CĐS (mọi
// vai trò)" with "Chưa bồi dưỡng" finds the untrained focal persons; a unit
// typed in the picker without choosing a suggestion is resolved, or refused
// with a message (none, several, or only outside the user's scope), never
// ignored; a search that finds nothing in scope says a match exists outside
// it; a name matching every typed word as a whole word comes first.
func TestFiltersSayWhatTheyDo(t *testing.T) {
	s := apptest.StartSQLite(t)
	vi := s.Catalog.Printer("vi")
	gl, pk := s.Login(t, "gialai"), s.Login(t, "pleiku")
	count := func(c *apptest.Client, query string) int {
		t.Helper()
		var res people.SearchResult
		if st := c.JSON("GET", "/api/v1/people?"+query, nil, &res); st != 200 {
			t.Fatalf("people %s: %d", query, st)
		}
		return res.Total
	}
	focal := count(gl, "role=focal&training=untrained")
	anyRole := count(gl, "role=any&training=untrained")
	if focal == 0 || anyRole < focal {
		t.Errorf("untrained: %d focal persons, %d with any DX role", focal, anyRole)
	}
	page := func(c *apptest.Client, path string) string {
		t.Helper()
		resp, body := c.Get(path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return html.UnescapeString(string(body))
	}
	if b := page(gl, "/people?role=any&training=untrained"); !strings.Contains(b, vi.N("people.total", anyRole)) {
		t.Errorf("the people page does not count %d untrained DX staff", anyRole)
	}

	// typed, not chosen: resolved in scope
	chuPah := s.UnitNamed(t, "Xã Chư Păh")
	inChuPah := count(gl, "unit="+itoa(chuPah.UnitID))
	if b := page(gl, "/people?unit_q="+url.QueryEscape("xa chu pah")); !strings.Contains(b, vi.N("people.total", inChuPah)) {
		t.Errorf("a typed commune is not taken as the filter (want %d people)", inChuPah)
	}
	// outside the ward's scope: said so
	if b := page(pk, "/people?unit_q="+url.QueryEscape("Xã Chư Păh")); !strings.Contains(b, vi.T("pick.outside", "Q", "Xã Chư Păh")) {
		t.Error("a unit outside the ward's scope is not said to be outside")
	}
	// nothing of that name
	if b := page(gl, "/people?unit_q=khongcoxanay"); !strings.Contains(b, vi.T("search.none", "Q", "khongcoxanay")) {
		t.Error("a unit that does not exist is not refused")
	}
	// the search: nothing in the ward's scope, a match outside
	if b := page(pk, "/search?q="+url.QueryEscape("chu pah")); !strings.Contains(b, "ngoài phạm vi") {
		t.Error("the ward's search does not say that Chư Păh exists outside its scope")
	}
	// whole words first
	tree, err := s.Org.For(t.Context(), s.User(t, "gialai").Actor())
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.Search("ia ly", s.Org.Today(), 5); len(got) == 0 || got[0].Name != "Xã Ia Ly" {
		t.Errorf("ia ly: %v", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
