package indicator_test

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// BenchmarkMeasuredNation: a measured indicator for the nation and one
// month, each time right after a register change (an activity logged, a
// write through the network service, not timed), on the national network
// of scripts/gennet (MANGLUOI_BENCH_NETWORK_DB, as internal/network's
// benchmarks). Reports the 95th percentile besides the mean.
func BenchmarkMeasuredNation(b *testing.B) {
	dsn := os.Getenv("MANGLUOI_BENCH_NETWORK_DB")
	if dsn == "" {
		b.Skip("MANGLUOI_BENCH_NETWORK_DB is not set: fill a database with scripts/gennet first")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	date := day.Of(2026, 11, 22) // gennet's data runs to this day
	now := func() time.Time { return date.Time().Add(9 * time.Hour) }
	log := &audit.Log{Now: now}
	o := org.NewService(d, log, now)
	fs := &files.Store{DB: d, Org: o, Audit: log, Now: now}
	net := network.NewService(d, o, log, fs, now)
	ind := indicator.NewService(d, o, log, fs, now)
	root, err := o.EnsureRoot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := ind.EnsureCatalogue(ctx, root); err != nil {
		b.Fatal(err)
	}
	for _, m := range []indicator.Measurer{net.Measurer(), people.NewService(d, o, log, fs, now).Measurer(), plans.NewService(d, o, log, fs, now).Measurer()} {
		if err := ind.RegisterMeasurer(m); err != nil {
			b.Fatal(err)
		}
	}
	admin := auth.SystemActor("bench", root)
	list, err := net.ListTeams(ctx, admin, network.TeamFilter{AsOf: date, Status: network.Active, Limit: 1})
	if err != nil || len(list.Teams) == 0 {
		b.Fatalf("no team: %v", err)
	}
	team := list.Teams[0].ID
	period := indicator.PeriodOf(indicator.Monthly, date).Key()
	if _, _, err := ind.Measured(ctx, admin, "REG_TEAMS", root, period); err != nil { // the tree and the index loaded
		b.Fatal(err)
	}
	for _, code := range []string{"REG_TEAMS", "REG_MEMBERS", "REG_COVERAGE", "REG_ACTIVITIES", "REG_DX_STAFF", "REG_TASKS"} {
		b.Run(code, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			var v float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if _, err := net.LogActivity(ctx, admin, network.ActivityInput{TeamID: team, Date: date, Kind: network.PublicServices, PeopleHelped: 3}, nil); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				if v, _, err = ind.Measured(ctx, admin, code, root, period); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[(len(took)*95)/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(v, "value")
		})
	}
}
