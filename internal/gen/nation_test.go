package gen_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/gen"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestNation builds a small nation (the real tree, a few of everything)
// into one database on each engine: every generator writes into the tree
// the first one loaded, and every province and commune gets an account
// that signs in.
func TestNation(t *testing.T) {
	units := filepath.Join("..", "..", "..", "shared", "data", "units")
	if _, err := os.Stat(units); err != nil {
		t.Skip("the official lists are not here:", units)
	}
	run := func(t *testing.T, dsn string) {
		ctx := context.Background()
		m, err := app.Open(ctx, app.Config{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		actor, err := m.RootActor(ctx, "test")
		if err != nil {
			t.Fatal(err)
		}
		o := gen.DefaultNation(units)
		o.Indicators.Indicators, o.Indicators.Departments = 2, 1
		o.Indicators.From, o.Indicators.To = indicator.MustPeriod("2025-06"), indicator.MustPeriod("2025-07")
		o.People = gen.PeopleOptions{PerDepartment: 1, PerCommune: 1}
		o.Network = gen.NetworkOptions{Villages: 3400, Teams: 400, Members: 1500, Activities: 3000, Seed: 1}
		o.Plans = plans.GenConfig{PlansPerProvince: 1, TasksPerPlan: 2, ReportsPerTask: 1, Seed: 1}
		res, err := gen.Nation(ctx, gen.Services{DB: m.DB, Org: m.Org, Audit: m.Audit, Indicators: m.Indicators}, actor, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Accounts != 34+3321 {
			t.Errorf("%d accounts, want one for each of the 34 provinces and 3,321 communes", res.Accounts)
		}
		if res.Indicators.Values == 0 || res.People < 1000 || res.Network.Teams == 0 || res.Network.Activities == 0 || res.Plans.Tasks != 34*2 {
			t.Errorf("something is missing: %+v", res)
		}
		for table, least := range map[string]int{"indicator_values": 1, "people": 1000, "net_teams": 1, "net_activities": 1, "plan_tasks": 68, "plan_reports": 1} {
			var n int
			if err := m.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n < least {
				t.Errorf("%s: %d rows (%v), want at least %d", table, n, err, least)
			}
		}
		// what each generator says it wrote is what the tables hold (the
		// bulk writers' multi-row statements bind every row)
		for table, want := range map[string]int64{"indicator_values": res.Indicators.Values, "plan_tasks": int64(res.Plans.Tasks),
			"plan_reports": int64(res.Plans.Reports), "plan_documents": int64(res.Plans.Documents), "net_activities": int64(res.Network.Activities)} {
			var n int64
			if err := m.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n != want {
				t.Errorf("%s: %d rows (%v), the generator counted %d", table, n, err, want)
			}
		}
		var sum float64
		var odd int
		if err := m.DB.QueryRowContext(ctx, `SELECT COALESCE(SUM(value), 0), COUNT(*) FILTER (WHERE value IS NULL OR value < 0 OR source <> 'gen') FROM indicator_values`).Scan(&sum, &odd); err != nil || sum <= 0 || odd != 0 {
			t.Errorf("indicator values: sum %v, %d null, negative or not from the generator (%v)", sum, odd, err)
		}
		// a province's and a commune's account sign in with their scope
		for _, login := range []string{"tinh-52", "xa-21583"} {
			u, err := m.Auth.Authenticate(ctx, login, o.Password)
			if err != nil {
				t.Errorf("%s: %v", login, err)
				continue
			}
			if v := m.Org.Today(); u.ScopeUnitID == 0 || u.Role == auth.RoleAdmin {
				t.Errorf("%s on %s: %+v", login, v, u)
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, filepath.Join(t.TempDir(), "nation.db")) })
	t.Run("postgres", func(t *testing.T) { run(t, dbtest.PostgresDSN(t)) })
}
