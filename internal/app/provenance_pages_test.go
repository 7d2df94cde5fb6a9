package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/network"
)

// TestProvenanceFromRegisterPages: on the coverage page, each total of
// the registers links to its measured indicator's provenance, and the
// teams' link ("8 tổ") leads to a page listing exactly the ward's active
// teams; the members' link to its members.
func TestProvenanceFromRegisterPages(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		today := s.Org.Today()
		teams, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: ward, AsOf: today, Status: network.Active, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(teams.Teams) == 0 {
			t.Fatal("the demo's ward has no team")
		}
		web := s.Login(t, "pleiku")
		resp, body := web.Get(fmt.Sprintf("/network?unit=%d", ward))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("coverage page: %d", resp.StatusCode)
		}
		link := func(stat string) (string, string) {
			t.Helper()
			m := regexp.MustCompile(`id="stat-` + stat + `"><b>(?:<a[^>]*>[^<]*</a>/)?<a class="prov" href="([^"]+)"[^>]*>([^<]+)</a>`).FindStringSubmatch(string(body))
			if m == nil {
				t.Fatalf("the %s total links to no provenance", stat)
			}
			return html.UnescapeString(m[1]), m[2]
		}
		for _, stat := range []string{"villages", "members", "trained", "activities"} {
			href, _ := link(stat)
			if r, _ := web.Get(href); r.StatusCode != http.StatusOK {
				t.Errorf("%s: %s gives %d", stat, href, r.StatusCode)
			}
		}
		href, shown := link("teams")
		if !strings.Contains(href, "/provenance?") || !strings.Contains(href, fmt.Sprintf("unit=%d", ward)) {
			t.Fatalf("teams link %s", href)
		}
		if shown != fmt.Sprint(len(teams.Teams)) {
			t.Fatalf("the page says %s teams, the register holds %d", shown, len(teams.Teams))
		}
		resp, body = web.Get(href)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("provenance page: %d", resp.StatusCode)
		}
		page := string(body)
		for _, tm := range teams.Teams {
			if !strings.Contains(page, fmt.Sprintf(`href="/network/teams/%d"`, tm.ID)) || !strings.Contains(page, html.EscapeString(tm.Name)) {
				t.Errorf("the provenance page does not list team %d %q", tm.ID, tm.Name)
			}
		}
		if n := strings.Count(page, `href="/network/teams/`); n != len(teams.Teams) {
			t.Errorf("the provenance page links %d teams, want %d", n, len(teams.Teams))
		}
	})
}
