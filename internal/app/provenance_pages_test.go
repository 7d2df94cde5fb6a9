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
// teams; the ward's page links the same; the compliance page's DX staff
// lead to those people.
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

		// the ward's page: the same teams' figure and link, and its staff
		_, body = web.Get(fmt.Sprintf("/units/%d", ward))
		unitPage := string(body)
		if !strings.Contains(unitPage, `<ul class="registers"`) || !strings.Contains(unitPage, html.EscapeString(href)) {
			t.Fatalf("the unit page does not link its teams to %s", href)
		}
		// the compliance page: the DX staff counted, each a person's page
		_, body = web.Get(fmt.Sprintf("/compliance?unit=%d", ward))
		staff, err := s.Indicators.ByCode(ctx, s.Admin, "REG_DX_STAFF")
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`<a class="prov" href="(/indicators/` + fmt.Sprint(staff.ID) + `/provenance[^"]+)"[^>]*><b>(\d+)</b></a>`).FindStringSubmatch(string(body))
		if m == nil {
			t.Fatal("the compliance page does not link the DX staff to their records")
		}
		_, body = web.Get(html.UnescapeString(m[1]))
		if n := strings.Count(string(body), `href="/people/`); fmt.Sprint(n) != m[2] || n == 0 {
			t.Errorf("the compliance page says %s DX staff, their provenance lists %d people", m[2], n)
		}
	})
}
