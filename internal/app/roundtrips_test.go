package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/home"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

// countingServers starts a demo server on each engine with its statements counted.
func countingServers(t *testing.T, fn func(t *testing.T, s *apptest.Server)) {
	on := func(c *app.Config) { c.CountStatements = true }
	settled := func(s *apptest.Server) *apptest.Server { s.Settled(); return s }
	t.Run("sqlite", func(t *testing.T) { fn(t, settled(apptest.StartWith(t, "", on))) })
	t.Run("postgres", func(t *testing.T) { fn(t, settled(apptest.StartWith(t, dbtest.PostgresDSN(t), on))) })
}

// TestRoundTrips: in the steady state (the caches warm, nothing changed
// since) a signed-in page or API call sends at most 3 statements to the
// database: the generations it depends on, read together in one, and its
// own data.
func TestRoundTrips(t *testing.T) {
	countingServers(t, func(t *testing.T, s *apptest.Server) {
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		hs, err := s.Indicators.ByCode(context.Background(), s.Admin, "HS_ALL")
		if err != nil {
			t.Fatal(err)
		}
		ind := hs.ID
		period := apptest.Now.AddDate(0, -2, 0).Format("2006-01")
		// the pages kept by the page cache (internal/web/pagecache.go) send
		// one: the generations, the audit head's among them
		pages := []string{
			"/",
			fmt.Sprintf("/units/%d", gl),
			"/indicators",
			fmt.Sprintf("/indicators/%d?unit=%d&period=%s", ind, gl, period),
			fmt.Sprintf("/indicators/%d?unit=%d&period=%s&mode=restated", ind, gl, period),
			"/network",
			"/people",
			"/compliance",
			"/tasks",
			"/plans/dashboard",
		}
		api := []string{
			"/api/v1/me",
			fmt.Sprintf("/api/v1/units/%d", gl),
			fmt.Sprintf("/api/v1/indicators/%d/figures?unit=%d&period=%s", ind, gl, period),
			"/api/v1/compliance",
			"/api/v1/network/coverage",
			"/api/v1/people?limit=50",
			// the rest of the mixed workload's API reads (scripts/load --mix)
			"/api/v1/tasks",
			fmt.Sprintf("/api/v1/compliance?unit=%d", gl),
			fmt.Sprintf("/api/v1/network/coverage?unit=%d", gl),
			"/api/v1/home", // the coordinator's, built at each request
		}
		browser := s.SessionFor(t, s.User(t, "gialai"))
		script := s.TokenFor(t, s.User(t, "gialai"))
		check := func(c *apptest.Client, path string) {
			t.Helper()
			for range 2 { // warm the caches
				if resp, body := c.Get(path); resp.StatusCode >= 400 {
					t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
				}
			}
			n0, _ := s.DB.Statements()
			c.Get(path)
			n, last := s.DB.Statements()
			if n-n0 > 3 {
				t.Errorf("GET %s sent %d statements, want at most 3:\n%s", path, n-n0, strings.Join(last[len(last)-int(min(n-n0, 16)):], "\n"))
			} else {
				t.Logf("GET %s: %d statements", path, n-n0)
			}
		}
		for _, p := range pages {
			check(browser, p)
		}
		for _, p := range api {
			check(script, p)
		}
		// the leader's and the focal person's homes
		check(s.SessionFor(t, s.User(t, "lanhdao")), "/")
		check(s.SessionFor(t, s.User(t, "pleiku")), "/")
	})
}

// TestHomeRoundTrips: each role's home, the caches warm and nothing
// changed since. The page / is kept whole by the page cache (1 statement
// for every role); GET /api/v1/home builds the home each time, and is what
// the limits below hold. The leader's home reads its generations in one
// statement and nothing else: the last round's ranking is kept under the
// generations of everything it reads (assess.memo), compliance, coverage,
// the plans and the indicators' progress under theirs. The coordinator's
// forms (each form's reports, reminders and kept figures in its scope) and
// a focal person's duties (the unit's reports and reminders) are kept for
// the reports' generation (indicator/reports.go): 18 statements, then 10,
// now 1 for the coordinator.
func TestHomeRoundTrips(t *testing.T) {
	most := map[string]int64{"lanhdao": 3, "gialai": 3, "pleiku": 3, "sokhcn": 3}
	countingServers(t, func(t *testing.T, s *apptest.Server) {
		for _, login := range []string{"lanhdao", "gialai", "pleiku", "sokhcn"} {
			for _, c := range []*apptest.Client{s.SessionFor(t, s.User(t, login)), s.TokenFor(t, s.User(t, login))} {
				path := "/"
				if c.Token != "" {
					path = "/api/v1/home"
				}
				for range 2 { // warm the caches
					if resp, body := c.Get(path); resp.StatusCode >= 400 {
						t.Fatalf("%s GET %s: %d %s", login, path, resp.StatusCode, body)
					}
				}
				n0, _ := s.DB.Statements()
				c.Get(path)
				n, last := s.DB.Statements()
				if n-n0 > most[login] {
					t.Errorf("%s GET %s sent %d statements, want at most %d:\n%s", login, path, n-n0, most[login], strings.Join(last[len(last)-int(min(n-n0, 16)):], "\n"))
				} else {
					t.Logf("%s GET %s: %d statements", login, path, n-n0)
				}
			}
		}
	})
}

// TestRevokedEverywhere: a second server on the same database has every
// credential cached; a session ended, a token revoked, an account disabled
// on the first is refused by the second at its next request.
func TestRevokedEverywhere(t *testing.T) {
	countingServers(t, func(t *testing.T, s *apptest.Server) {
		other, err := app.Open(context.Background(), app.Config{DSN: s.DSN, Addr: "127.0.0.1:0", Now: s.Now, Log: s.Log})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		if err := other.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		on := func(c *apptest.Client) *apptest.Client { d := *c; d.Base = other.URL(); return &d }
		status := func(c *apptest.Client, path string) int {
			resp, _ := c.Get(path)
			return resp.StatusCode
		}
		pleiku, gialai := s.User(t, "pleiku"), s.User(t, "gialai")
		browser, script := s.SessionFor(t, pleiku), s.TokenFor(t, gialai)
		for range 2 { // both servers have both cached
			for _, c := range []*apptest.Client{browser, on(browser)} {
				if st := status(c, "/api/v1/me"); st != http.StatusOK {
					t.Fatalf("session on %s: %d", c.Base, st)
				}
			}
			for _, c := range []*apptest.Client{script, on(script)} {
				if st := status(c, "/api/v1/me"); st != http.StatusOK {
					t.Fatalf("token on %s: %d", c.Base, st)
				}
			}
		}
		// signing out on the first server ends the session on the second
		if resp := browser.PostForm("/logout", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		if st := status(on(browser), "/api/v1/me"); st != http.StatusUnauthorized {
			t.Fatalf("the ended session still works on the other server: %d", st)
		}
		// revoking the token
		toks, err := s.Auth.ListTokens(context.Background(), gialai.Actor())
		if err != nil || len(toks) == 0 {
			t.Fatal(toks, err)
		}
		for _, tk := range toks {
			if err := s.Auth.RevokeToken(context.Background(), gialai.Actor(), tk.ID); err != nil {
				t.Fatal(err)
			}
		}
		if st := status(on(script), "/api/v1/me"); st != http.StatusUnauthorized {
			t.Fatalf("the revoked token still works on the other server: %d", st)
		}
		// disabling an account with a live session on the second server,
		// in the database directly as any other program might
		mine := on(s.SessionFor(t, gialai))
		if st := status(mine, "/api/v1/me"); st != http.StatusOK {
			t.Fatalf("new session: %d", st)
		}
		if _, err := s.DB.ExecContext(context.Background(), `UPDATE users SET disabled = $1 WHERE id = $2`, true, gialai.ID); err != nil {
			t.Fatal(err)
		}
		if st := status(mine, "/api/v1/me"); st != http.StatusUnauthorized {
			t.Fatalf("the disabled account still works on the other server: %d", st)
		}
		// a session cut short in the database
		short := on(s.SessionFor(t, pleiku))
		if st := status(short, "/api/v1/me"); st != http.StatusOK {
			t.Fatalf("new session: %d", st)
		}
		if _, err := s.DB.ExecContext(context.Background(), `UPDATE sessions SET expires_at = $1 WHERE user_id = $2`,
			apptest.Now.Add(-time.Minute), pleiku.ID); err != nil {
			t.Fatal(err)
		}
		if st := status(short, "/api/v1/me"); st != http.StatusUnauthorized {
			t.Fatalf("the session cut short still works on the other server: %d", st)
		}
	})
}

// TestReportsEverywhere: a second server on the same database keeps a
// form's reports, reminders and kept figures per scope (the coordinator's
// home and the form's completeness read them from memory, see
// indicator/reports.go); a reminder sent, a report approved (its measured
// figures kept) and a register change that flags it, each made through
// the first server, show on the second at its next request.
func TestReportsEverywhere(t *testing.T) {
	countingServers(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		other, err := app.Open(ctx, app.Config{DSN: s.DSN, Addr: "127.0.0.1:0", Now: s.Now, Log: s.Log})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		if err := other.Run(ctx); err != nil {
			t.Fatal(err)
		}
		gialai := s.User(t, "gialai").Actor()
		coord := *s.TokenFor(t, s.User(t, "gialai"))
		coord.Base = other.URL()
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		q := demo.LastEnded(indicator.Quarterly, s.Org.Today())

		// the quarterly form with Pleiku's report awaiting review
		forms, err := s.Indicators.Forms(ctx, gialai)
		if err != nil {
			t.Fatal(err)
		}
		completenessIn := func(form int64, p indicator.Period) api.CompletenessJSON {
			t.Helper()
			var c api.CompletenessJSON
			if st := coord.JSON("GET", fmt.Sprintf("/api/v1/forms/%d/completeness?period=%s", form, p.Key()), nil, &c); st != http.StatusOK {
				t.Fatalf("completeness on the second server: %d", st)
			}
			return c
		}
		completeness := func(form int64) api.CompletenessJSON { t.Helper(); return completenessIn(form, q) }
		unitOf := func(c api.CompletenessJSON, unit int64) *indicator.UnitStatus {
			for i := range c.Units {
				if c.Units[i].UnitID == unit {
					return &c.Units[i]
				}
			}
			return nil
		}
		var form int64
		var sub int64
		for _, f := range forms {
			if f.Active && f.PeriodType == indicator.Quarterly {
				if u := unitOf(completeness(f.ID), ward); u != nil && u.State == indicator.StateSubmitted {
					form, sub = f.ID, u.SubmissionID
				}
			}
		}
		if form == 0 {
			t.Fatalf("no quarterly form with Pleiku's %s report awaiting review", q.Key())
		}
		coordHome := func() *home.CoordinatorHome {
			t.Helper()
			var h home.Home
			if st := coord.JSON("GET", "/api/v1/home", nil, &h); st != http.StatusOK || h.Coordinator == nil {
				t.Fatalf("the coordinator's home on the second server: %d", st)
			}
			return h.Coordinator
		}
		toApprove := func() int {
			t.Helper()
			for _, f := range coordHome().Forms {
				if f.FormID == form && f.Period == q {
					return f.ToApprove
				}
			}
			t.Fatalf("the coordinator's home has no tile for form %d, %s", form, q.Key())
			return 0
		}
		for range 2 { // the second server keeps them
			completeness(form)
			toApprove()
		}
		waiting := toApprove()
		// a form with units that have not reported, none reminded yet
		var late *home.FormTile
		for _, f := range coordHome().Forms {
			if f.Counts.Missing > 0 && late == nil {
				late = &f
			}
		}
		if late == nil || waiting == 0 {
			t.Fatalf("nothing to remind (%v) or to approve (%d)", late, waiting)
		}
		for range 2 {
			completenessIn(late.FormID, late.Period)
		}
		for _, u := range completenessIn(late.FormID, late.Period).Units {
			if !u.Submitted() && u.Reminded != nil {
				t.Fatalf("%s was reminded already", u.Name)
			}
		}

		// a reminder sent through the first server
		if _, err := s.Indicators.Remind(ctx, gialai, late.FormID, late.Period, 0); err != nil {
			t.Fatal(err)
		}
		for _, u := range completenessIn(late.FormID, late.Period).Units {
			if !u.Submitted() && (u.Reminded == nil || !u.Reminded.Equal(apptest.Now)) {
				t.Errorf("the second server does not show the reminder to %s: %v", u.Name, u.Reminded)
			}
		}

		// Pleiku's report approved through the first server
		if _, err := s.Indicators.Act(ctx, gialai, sub, indicator.ActApprove, "Đã đối chiếu"); err != nil {
			t.Fatal(err)
		}
		if u := unitOf(completeness(form), ward); u == nil || u.State != indicator.StateApproved || u.MeasuredChanged {
			t.Errorf("the second server shows Pleiku's approved report as %+v", u)
		}
		if n := toApprove(); n != waiting-1 {
			t.Errorf("the second server's home has %d reports to approve, want %d", n, waiting-1)
		}

		// a team registered in the approved quarter: the report is flagged
		village := int64(0)
		teams, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: ward, AsOf: q.End(), Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		has := map[int64]bool{}
		for _, tm := range teams.Teams {
			has[tm.UnitID] = true
		}
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range snap.Children(ward, q.End()) {
			if v.Level == org.LevelVillage && !has[v.UnitID] && village == 0 {
				village = v.UnitID
			}
		}
		if village == 0 {
			t.Fatal("every village of Pleiku has a team")
		}
		if _, err := s.Network.CreateTeam(ctx, s.User(t, "pleiku").Actor(), network.TeamInput{UnitID: village, DecisionNumber: "78/QĐ-UBND",
			DecisionDate: q.End().AddDays(-10)}, nil); err != nil {
			t.Fatal(err)
		}
		if u := unitOf(completeness(form), ward); u == nil || !u.MeasuredChanged {
			t.Errorf("the second server does not flag Pleiku's approved report: %+v", u)
		}
	})
}
