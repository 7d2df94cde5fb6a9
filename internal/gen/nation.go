package gen

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// NationOptions says how big a nation to build: every generator's own
// options, one date and one password for the accounts.
type NationOptions struct {
	UnitsDir   string // the official lists
	Indicators indicator.GenConfig
	People     PeopleOptions
	Network    NetworkOptions
	Plans      plans.GenConfig
	Today      day.Day // people, plans and the network as of this day
	Password   string  // of every generated account
	Log        io.Writer
}

// DefaultNation is the whole country of issue 14 in one database: the unit
// tree through 2025 and the indicator values (gen indicators), the people
// with their roles and training (gen people), the DX network (gennet), the
// plans with their tasks and reports (gen plans), and an account for every
// province and commune.
func DefaultNation(unitsDir string) NationOptions {
	ind := indicator.DefaultGen
	ind.UnitsDir = unitsDir
	// the indicator generator's 1,008 departments (16 under each old
	// province, following it into the new one) are the people's too:
	// 3,321 communes × 38 + 1,008 × 20 ≈ 146,000 people
	people := PeopleOptions{DepartmentsPerProvince: 0, PerDepartment: 20, PerCommune: 38}
	return NationOptions{UnitsDir: unitsDir, Indicators: ind, People: people, Network: DefaultNetwork,
		Plans: plans.GenConfig{PlansPerProvince: 50, TasksPerPlan: 59, ReportsPerTask: 10, Seed: 1}, Today: DefaultNetwork.Today,
		Password: "demo-mangluoi"}
}

// Services are what Nation writes through.
type Services struct {
	DB         *db.DB
	Org        *org.Service
	Audit      *audit.Log
	Indicators *indicator.Service
}

// NationResult counts what Nation wrote.
type NationResult struct {
	Indicators *indicator.GenResult
	People     int
	Network    NetworkResult
	Plans      plans.GenResult
	Accounts   int
}

// Nation builds the whole country into a fresh database, one generator
// after the other, each reusing the tree the first one loaded.
func Nation(ctx context.Context, s Services, actor *auth.Actor, o NationOptions) (*NationResult, error) {
	start := time.Now()
	logf := func(format string, a ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "%6.0fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
		}
	}
	res := &NationResult{}
	var err error
	o.Indicators.UnitsDir, o.Indicators.Log = o.UnitsDir, o.Log
	if res.Indicators, err = s.Indicators.Generate(ctx, s.Org, actor, o.Indicators); err != nil {
		return nil, fmt.Errorf("indicators: %w", err)
	}
	logf("tree and indicators: %d units, %d values", res.Indicators.Units, res.Indicators.Values)
	if res.People, err = People(ctx, s.DB, s.Org, s.Audit, actor, o.Today, o.People); err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	logf("%d people", res.People)
	o.Network.Today = o.Today
	if o.Network.Log == nil {
		o.Network.Log = o.Log
	}
	if res.Network, err = Network(ctx, s.DB, s.Org, s.Audit, o.Network); err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	logf("network: %d villages, %d teams, %d members, %d activities", res.Network.Villages, res.Network.Teams, res.Network.Members, res.Network.Activities)
	if res.Plans, err = plans.Generate(ctx, s.DB, s.Org, o.Plans, o.Today); err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	logf("plans: %d plans, %d tasks, %d reports", res.Plans.Documents, res.Plans.Tasks, res.Plans.Reports)
	if res.Accounts, err = Accounts(ctx, s.DB, s.Org, s.Audit, o.Today, o.Password); err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	logf("%d accounts", res.Accounts)
	if err := Analyze(ctx, s.DB); err != nil {
		return nil, err
	}
	logf("done")
	return res, nil
}

// Accounts makes an account for every province (its coordinator,
// "tinh-<code>") and every commune (its focal person, "xa-<code>") in force
// on d, all with password. The password is hashed once and the hash shared:
// hashing 3,355 passwords one by one would take minutes, and these are
// benchmark accounts whose password is printed in BENCHMARKS.md anyway.
func Accounts(ctx context.Context, d *db.DB, orgs *org.Service, log *audit.Log, at day.Day, password string) (int, error) {
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return 0, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, err
	}
	now := time.Now().UTC()
	n := 0
	err = batch(ctx, d, log, "accounts", func(tx *sql.Tx) (int, error) {
		var werr error
		snap.Walk(snap.RootID, at, func(v *org.Version) bool {
			var login string
			var role auth.Role
			switch v.Level {
			case org.LevelProvince:
				login, role = "tinh-"+v.Code, auth.RoleCoordinator
			case org.LevelCommune:
				login, role = "xa-"+v.Code, auth.RoleFocal
			default:
				return werr == nil
			}
			if _, werr = tx.ExecContext(ctx, `INSERT INTO users (login, display_name, email, password_hash, role, scope_unit_id, locale, disabled, created_at, updated_at)
				VALUES ($1, $2, '', $3, $4, $5, 'vi', $6, $7, $7)`, login, v.Name, hash, role, v.UnitID, false, now); werr != nil {
				return false
			}
			n++
			return v.Level != org.LevelCommune
		})
		return n, werr
	})
	return n, err
}
