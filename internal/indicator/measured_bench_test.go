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
	// each timed call right after a change, the median and 95th percentile
	afterChange := func(b *testing.B, call func() float64) {
		took := make([]time.Duration, 0, b.N)
		var v float64
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			if _, err := net.LogActivity(ctx, admin, network.ActivityInput{TeamID: team, Date: date, Kind: network.PublicServices, PeopleHelped: 3}, nil); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			v = call()
			took = append(took, time.Since(start))
		}
		sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
		b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(took[(len(took)*95)/100].Microseconds())/1000, "p95-ms")
		b.ReportMetric(v, "value")
	}
	for _, code := range []string{"REG_TEAMS", "REG_MEMBERS", "REG_COVERAGE", "REG_ACTIVITIES", "REG_DX_STAFF", "REG_TASKS"} {
		b.Run(code, func(b *testing.B) {
			afterChange(b, func() float64 {
				v, _, err := ind.Measured(ctx, admin, code, root, period)
				if err != nil {
					b.Fatal(err)
				}
				return v
			})
		})
	}
	// the provenance of the national figure: the provinces' figures and
	// the first page of the teams counted
	teams, err := ind.ByCode(ctx, admin, "REG_TEAMS")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("provenance/REG_TEAMS", func(b *testing.B) {
		q := indicator.Query{IndicatorID: teams.ID, UnitID: root, Period: indicator.PeriodOf(indicator.Monthly, date), Mode: indicator.AsItWas, Basis: indicator.BasisAll}
		afterChange(b, func() float64 {
			pv, err := ind.Provenance(ctx, admin, q, 1)
			if err != nil {
				b.Fatal(err)
			}
			return float64(pv.RecordsTotal)
		})
	})
	// a province's reconciliation list: the teams, members and villages
	// its communes reported each quarter of the year (written once, one
	// commune in ten off by a few), against the registers
	snap, err := o.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var province int64
	most := 0
	for _, v := range snap.Children(root, date) {
		if n := len(snap.Children(v.UnitID, date)); n > most {
			province, most = v.UnitID, n
		}
	}
	var have int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id WHERE i.code = 'CT_TEAMS'`).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have == 0 {
		bulk := ind.NewBulk(ctx, admin.Who(), "bench")
		for qn, q := range []string{"2026-Q1", "2026-Q2", "2026-Q3"} {
			p := indicator.MustPeriod(q)
			for _, code := range []string{"CT_TEAMS", "CT_MEMBERS", "CT_VILLAGES"} {
				reported, err := ind.ByCode(ctx, admin, code)
				if err != nil {
					b.Fatal(err)
				}
				for i, c := range snap.Children(province, p.End()) {
					v, _, err := ind.Measured(ctx, admin, reported.Counterpart, c.UnitID, q)
					if err != nil {
						b.Fatal(err)
					}
					if i%10 == qn {
						v += 3
					}
					if err := bulk.Value(indicator.BulkValue{Indicator: reported.ID, Period: q, Unit: c.UnitID, Value: v, Status: indicator.Approved}); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		if err := bulk.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("reconciliation/province", func(b *testing.B) {
		afterChange(b, func() float64 {
			l, err := ind.Discrepancies(ctx, admin, province, date.Year(), 0, 50)
			if err != nil {
				b.Fatal(err)
			}
			return float64(l.Total)
		})
	})
}
