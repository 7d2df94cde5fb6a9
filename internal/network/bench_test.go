package network

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/org"
)

// BenchEnv names the variable holding the DSN of a database filled by
// scripts/gennet (the national network); the benchmarks skip without it.
const BenchEnv = "MANGLUOI_BENCH_NETWORK_DB"

// benchDate is the date gennet's data runs to.
var benchDate = day.Of(2026, 11, 22)

type bench struct {
	s        *Service
	snap     *org.Snapshot
	admin    *auth.Actor
	nation   int64
	province int64 // the province with the most communes
	commune  int64 // its commune with the most villages
}

func openBench(b *testing.B) *bench {
	b.Helper()
	dsn := os.Getenv(BenchEnv)
	if dsn == "" {
		b.Skip(BenchEnv + " is not set: fill a database with scripts/gennet first")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	now := func() time.Time { return benchDate.Time().Add(9 * time.Hour) }
	log := &audit.Log{Now: now}
	o := org.NewService(d, log, now)
	s := NewService(d, o, log, &files.Store{DB: d, Org: o, Audit: log, Now: now}, now)
	snap, err := o.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	bn := &bench{s: s, snap: snap, admin: auth.SystemActor("bench", snap.RootID), nation: snap.RootID}
	// the index loaded (BenchmarkIndexLoad times that), the timer reset
	ix, _, _, err := s.fresh(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ix.mu.RUnlock()
	defer b.ResetTimer()
	most := 0
	for _, p := range snap.Children(snap.RootID, benchDate) {
		if n := len(snap.Children(p.UnitID, benchDate)); n > most {
			most, bn.province = n, p.UnitID
		}
	}
	most = 0
	for _, c := range snap.Children(bn.province, benchDate) {
		if n := len(snap.Children(c.UnitID, benchDate)); n > most {
			most, bn.commune = n, c.UnitID
		}
	}
	return bn
}

// BenchmarkIndexLoad is a server's first coverage request: every team,
// status, membership, activity and member's training read into memory.
func BenchmarkIndexLoad(b *testing.B) {
	bn := openBench(b)
	ctx := context.Background()
	var ms0, ms1 runtime.MemStats
	for i := 0; i < b.N; i++ {
		bn.s.idx = index{}
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		ix, _, _, err := bn.s.fresh(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ix.mu.RUnlock()
		runtime.GC()
		runtime.ReadMemStats(&ms1)
	}
	b.ReportMetric(float64(len(bn.s.idx.rows)), "teams")
	b.ReportMetric(float64(ms1.HeapAlloc-ms0.HeapAlloc)/(1<<20), "MB-heap")
}

// BenchmarkCoverage computes a coverage with the index loaded and no
// cached result: cold, every commune computed (a server's first request
// for a date, or any request after a change of training); memo, every
// commune's figures kept from before (a request after a team's change,
// which forgets that commune's alone, is within a commune of this).
func BenchmarkCoverage(b *testing.B) {
	bn := openBench(b)
	ctx := context.Background()
	ix, _, _, err := bn.s.fresh(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ix.mu.RUnlock()
	for _, c := range []struct {
		name string
		unit int64
	}{{"nation", bn.nation}, {"province", bn.province}, {"commune", bn.commune}} {
		for _, cold := range []bool{true, false} {
			name := c.name + "/memo"
			if cold {
				name = c.name + "/cold"
			}
			b.Run(name, func(b *testing.B) {
				var cov *Coverage
				for i := 0; i < b.N; i++ {
					if cold {
						ix.communes.forget(nil)
					}
					cov = computeCoverage(ix, bn.snap, c.unit, benchDate)
				}
				b.ReportMetric(float64(cov.Total.Teams), "teams")
				b.ReportMetric(float64(cov.Total.Members), "members")
			})
		}
	}
}

// BenchmarkCoverageServed is the service call a page makes: the
// generations read, the scope checked, the result from the cache.
func BenchmarkCoverageServed(b *testing.B) {
	bn := openBench(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		unit int64
	}{{"nation", bn.nation}, {"province", bn.province}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := bn.s.Coverage(ctx, bn.admin, c.unit, benchDate); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCatchUp is the cost of one new activity to the next coverage
// request: one row read into the index, the coverage computed again.
func BenchmarkCatchUp(b *testing.B) {
	bn := openBench(b)
	ctx := context.Background()
	if _, err := bn.s.Coverage(ctx, bn.admin, bn.province, benchDate); err != nil {
		b.Fatal(err)
	}
	var team int64
	if err := bn.s.db.QueryRowContext(ctx, `SELECT team_id FROM net_team_status WHERE status = 'active' AND valid_to > $1 ORDER BY id LIMIT 1`, benchDate).Scan(&team); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a, err := bn.s.LogActivity(ctx, bn.admin, ActivityInput{TeamID: team, Date: benchDate, Kind: Training, PeopleHelped: 1}, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := bn.s.Coverage(ctx, bn.admin, bn.province, benchDate); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := bn.s.VoidActivity(ctx, bn.admin, a.ID, VoidInput{Reason: "benchmark"}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkMonthly sums a province's year month by month.
func BenchmarkMonthly(b *testing.B) {
	bn := openBench(b)
	ctx := context.Background()
	ix, _, _, err := bn.s.fresh(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ix.mu.RUnlock()
	for i := 0; i < b.N; i++ {
		bn.s.cache = resultCache{}
		if _, err := bn.s.MonthlyForUnit(ctx, bn.admin, bn.province, benchDate.Year(), benchDate); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListTeams is the first page of a province's teams.
func BenchmarkListTeams(b *testing.B) {
	bn := openBench(b)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := bn.s.ListTeams(ctx, bn.admin, TeamFilter{UnitID: bn.province, AsOf: benchDate, Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}
