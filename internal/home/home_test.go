package home_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/home"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
)

var vi = locale.MustLoadCatalog().Printer("vi")

// TestEachRoleHasItsHome: on the demo, each account's GET /api/v1/home is
// the home of its role, and every count on it is the count the feature's
// own API gives for the same scope and date — the leader's compliance,
// coverage and plans, the coordinator's reporting, review queue and
// overdue tasks, the focal person's duties. The page / shows the same.
func TestEachRoleHasItsHome(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		province := s.UnitNamed(t, "Tỉnh Gia Lai")

		// the leader: the province's state
		ld := s.TokenClient(t, "lanhdao")
		var h home.Home
		if st := ld.JSON("GET", "/api/v1/home", nil, &h); st != 200 {
			t.Fatalf("leader's home: %d", st)
		}
		if h.Kind != home.Leader || h.Leader == nil || h.Coordinator != nil || h.Focal != nil || h.Unit.ID != province.UnitID {
			t.Fatalf("leader's home: %+v", h)
		}
		var comp people.Report
		if st := ld.JSON("GET", fmt.Sprintf("/api/v1/compliance?unit=%d", province.UnitID), nil, &comp); st != 200 {
			t.Fatalf("compliance: %d", st)
		}
		applying := 0
		for _, r := range comp.Results {
			if !r.Applies {
				continue
			}
			tile := h.Leader.Compliance[applying]
			applying++
			if tile.Code != r.Target.Code || tile.Passing != r.Passing || tile.Total != r.Total || tile.Failing != r.FailingCount {
				t.Errorf("compliance tile %+v, the compliance page says %d/%d, %d failing", tile, r.Passing, r.Total, r.FailingCount)
			}
		}
		if applying == 0 || len(h.Leader.Compliance) != applying {
			t.Errorf("%d compliance tiles for %d applying targets", len(h.Leader.Compliance), applying)
		}
		var cov network.Coverage
		if st := ld.JSON("GET", fmt.Sprintf("/api/v1/network/coverage?unit=%d", province.UnitID), nil, &cov); st != 200 {
			t.Fatalf("coverage: %d", st)
		}
		if h.Leader.Coverage != cov.Total || cov.Total.Teams == 0 {
			t.Errorf("coverage tile %+v, the network page %+v", h.Leader.Coverage, cov.Total)
		}
		var dash plans.Dashboard
		if st := ld.JSON("GET", "/api/v1/plans-dashboard", nil, &dash); st != 200 {
			t.Fatalf("plans dashboard: %d", st)
		}
		if h.Leader.Plans != dash.Counts || dash.Counts.Total == 0 {
			t.Errorf("plans tile %+v, the dashboard %+v", h.Leader.Plans, dash.Counts)
		}
		if len(h.Leader.Indicators) == 0 {
			t.Error("the demo province has targets: the leader should see its key indicators")
		}
		for _, it := range h.Leader.Indicators {
			if it.Progress == nil || it.Progress.Target == nil || it.Progress.Actual.Expected == 0 {
				t.Errorf("indicator %s without its target or completeness: %+v", it.Indicator.Code, it.Progress)
			}
		}
		if h.Leader.Ranking == nil || len(h.Leader.Ranking.Top) == 0 || h.Leader.Ranking.Top[0].Rank != 1 {
			t.Errorf("the demo has a closed round: the leader should see its ranking, got %+v", h.Leader.Ranking)
		}

		// the coordinator: what needs action
		gl := s.TokenClient(t, "gialai")
		h = home.Home{}
		if st := gl.JSON("GET", "/api/v1/home", nil, &h); st != 200 {
			t.Fatalf("coordinator's home: %d", st)
		}
		c := h.Coordinator
		if h.Kind != home.Coordinator || c == nil {
			t.Fatalf("coordinator's home: %+v", h)
		}
		if len(c.Forms) == 0 || c.NotReported+c.ToApprove == 0 {
			t.Errorf("the demo's last month is partly reported: the coordinator should have reports to chase or approve: %+v", c)
		}
		for _, f := range c.Forms {
			var cj api.CompletenessJSON
			if st := gl.JSON("GET", fmt.Sprintf("/api/v1/forms/%d/completeness?period=%s", f.FormID, f.Period.Key()), nil, &cj); st != 200 {
				t.Fatalf("completeness of form %d: %d", f.FormID, st)
			}
			if cj.Counts != f.Counts {
				t.Errorf("form %d %s: home %+v, completeness page %+v", f.FormID, f.Period.Key(), f.Counts, cj.Counts)
			}
		}
		var od api.OverdueList
		if st := gl.JSON("GET", "/api/v1/tasks/overdue", nil, &od); st != 200 {
			t.Fatalf("overdue: %d", st)
		}
		if c.Overdue != od.Total || od.Total == 0 || len(c.Late) != min(home.ListMax, od.Total) {
			t.Errorf("overdue: home %d (%d listed), the overdue page %d", c.Overdue, len(c.Late), od.Total)
		}
		if len(c.Failing) == 0 {
			t.Error("the demo has units failing Decision 1690's targets")
		}

		// the focal person of Phường Pleiku: its to-do
		pk := s.TokenClient(t, "pleiku")
		h = home.Home{}
		if st := pk.JSON("GET", "/api/v1/home", nil, &h); st != 200 {
			t.Fatalf("focal person's home: %d", st)
		}
		f := h.Focal
		if h.Kind != home.Focal || f == nil || h.Unit.Name != "Phường Pleiku" || !f.CanLog {
			t.Fatalf("focal person's home: %+v", h)
		}
		if len(f.Duties) != f.Overdue+f.DueSoon+f.Returned || len(f.Duties) == 0 {
			t.Errorf("duties: %d listed, %d overdue, %d due soon, %d returned", len(f.Duties), f.Overdue, f.DueSoon, f.Returned)
		}
		for _, d := range f.Duties {
			if d.Unit.UnitID != h.Unit.ID {
				t.Errorf("a duty of another unit: %+v", d.Unit)
			}
		}

		// the pages: each role's home, in Vietnamese, linking to where the
		// figures come from
		for login, want := range map[string][]string{
			"lanhdao": {vi.T("home.title.leader"), vi.T("home.compliance"), `href="/compliance?unit=`, `href="/plans/dashboard"`, `href="/assess/rounds/`},
			"gialai":  {vi.T("home.title.coordinator"), vi.T("home.not_reported"), `/completeness?period=`, `href="/plans/overdue"`},
			"pleiku":  {vi.T("home.title.focal"), vi.T("home.log_activity"), `href="/network/log"`, `href="/people/new"`},
		} {
			resp, body := s.Login(t, login).Get("/")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: / answers %d", login, resp.StatusCode)
			}
			for _, w := range want {
				if !strings.Contains(string(body), w) {
					t.Errorf("%s's home lacks %q", login, w)
				}
			}
		}
	})
}

// TestLeaderRankingFollowsChanges: the leader's home keeps the last
// round's ranking between requests, and a change of the round's scores —
// made here in the database, as another server or program would — shows
// at the next request: the first unit's scores set to nothing drop it from
// the top.
func TestLeaderRankingFollowsChanges(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ld := s.TokenClient(t, "lanhdao")
		get := func() *home.RankingTile {
			t.Helper()
			var h home.Home
			if st := ld.JSON("GET", "/api/v1/home", nil, &h); st != 200 || h.Leader == nil {
				t.Fatalf("leader's home: %d %+v", st, h)
			}
			if h.Leader.Ranking == nil || len(h.Leader.Ranking.Top) < 2 {
				t.Fatalf("no ranking on the leader's home: %+v", h.Leader.Ranking)
			}
			return h.Leader.Ranking
		}
		before := get()
		if again := get(); again.Top[0].UnitID != before.Top[0].UnitID || again.Top[0].Total != before.Top[0].Total {
			t.Fatalf("the kept ranking differs: %+v then %+v", before.Top[0], again.Top[0])
		}
		top := before.Top[0]
		if top.Total <= 0 {
			t.Fatalf("the first unit has no score: %+v", top)
		}
		if _, err := s.DB.Exec(`UPDATE assessment_scores SET self_score = 0, review_score = 0 WHERE round_id = $1 AND unit_id = $2`, before.RoundID, top.UnitID); err != nil {
			t.Fatal(err)
		}
		after := get()
		for _, r := range after.Top {
			if r.UnitID == top.UnitID && r.Total >= top.Total {
				t.Fatalf("the kept ranking did not follow the change: %s still %.2f", r.Name, r.Total)
			}
		}
		if after.Top[0].UnitID == top.UnitID {
			t.Errorf("%s still first after its scores were cleared: %+v", top.Name, after.Top[0])
		}
	})
}
