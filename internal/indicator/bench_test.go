package indicator_test

// Benchmarks behind issue 6's figures in BENCHMARKS.md. They run against a
// national dataset made by `mangluoi gen indicators` (see BENCHMARKS.md),
// named by MANGLUOI_BENCH_INDICATOR_DB (a SQLite file or a postgres://
// URL); without it they are skipped. They measure; they never assert a
// time.
//
//	go run ./cmd/mangluoi gen indicators --db /tmp/nation.db
//	MANGLUOI_BENCH_INDICATOR_DB=/tmp/nation.db go test ./internal/indicator -run '^$' -bench . -benchtime 200x

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// BenchDBEnv names the generated national dataset.
const BenchDBEnv = "MANGLUOI_BENCH_INDICATOR_DB"

type bench struct {
	d      *db.DB
	orgs   *org.Service
	svc    *indicator.Service
	admin  *auth.Actor
	root   int64
	gialai int64
	hsAll  *indicator.Indicator
	rate   *indicator.Indicator
}

var benchClock = func() time.Time { return time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC) }

func openBench(b *testing.B) *bench {
	b.Helper()
	dsn := os.Getenv(BenchDBEnv)
	if dsn == "" {
		b.Skip(BenchDBEnv + " is not set: make the national dataset with `mangluoi gen indicators` first")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	log := &audit.Log{Now: benchClock}
	orgs := org.NewService(d, log, benchClock)
	root, err := orgs.EnsureRoot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	x := &bench{d: d, orgs: orgs, svc: indicator.NewService(d, orgs, log, nil, benchClock), admin: auth.SystemActor("bench", root), root: root}
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if v := snap.FindByCode(org.LevelProvince, "52", orgs.Today()); v != nil {
		x.gialai = v.UnitID
	}
	if x.hsAll, err = x.svc.ByCode(ctx, x.admin, "HS_ALL"); err != nil {
		b.Fatal(err)
	}
	if x.rate, err = x.svc.ByCode(ctx, x.admin, "HS_ONLINE_RATE"); err != nil {
		b.Fatal(err)
	}
	return x
}

// p95 runs fn n times (after a warm-up) and reports the 95th percentile
// and median, as the benchmarks' own metrics.
func p95(b *testing.B, fn func()) {
	b.Helper()
	for i := 0; i < 5; i++ {
		fn()
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		fn()
		times = append(times, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkNational: one indicator for the whole nation for one period,
// with each province's figure, as it was and restated; a month of the new
// tree (4,329 reporting units) and one of the old (11,043, restated into
// today's 34 provinces through the lineage); a count and a rate (two
// cells).
func BenchmarkNational(b *testing.B) {
	x := openBench(b)
	ctx := context.Background()
	for _, c := range []struct {
		ind    *indicator.Indicator
		period string
		mode   indicator.Mode
	}{
		{x.hsAll, "2026-10", indicator.AsItWas}, {x.hsAll, "2026-10", indicator.Restated},
		{x.hsAll, "2025-03", indicator.AsItWas}, {x.hsAll, "2025-03", indicator.Restated},
		{x.rate, "2025-03", indicator.Restated},
	} {
		b.Run(fmt.Sprintf("%s/%s/%s", c.ind.Code, c.period, c.mode), func(b *testing.B) {
			q := indicator.Query{IndicatorID: c.ind.ID, UnitID: x.root, Period: indicator.MustPeriod(c.period), Mode: c.mode}
			var total float64
			p95(b, func() {
				bd, err := x.svc.Breakdown(ctx, x.admin, q)
				if err != nil {
					b.Fatal(err)
				}
				total = bd.Total.V()
			})
			b.ReportMetric(total, "total")
		})
	}
}

// BenchmarkProvinceDashboard: a province's twelve monthly indicators over
// twelve months, every figure with its completeness, on every value
// entered and on approved ones only (a leader's default).
func BenchmarkProvinceDashboard(b *testing.B) {
	x := openBench(b)
	ctx := context.Background()
	for _, mode := range []indicator.Mode{indicator.AsItWas, indicator.Restated} {
		for _, basis := range []indicator.Basis{indicator.BasisAll, indicator.BasisApproved} {
			b.Run(string(mode)+"/"+string(basis), func(b *testing.B) {
				q := indicator.DashboardQuery{UnitID: x.gialai, N: 12, To: indicator.MustPeriod("2026-10").End(), Mode: mode, Basis: basis}
				p95(b, func() {
					d, err := x.svc.Dashboard(ctx, x.admin, q)
					if err != nil {
						b.Fatal(err)
					}
					if len(d.Rows) != 12 {
						b.Fatalf("%d rows", len(d.Rows))
					}
				})
			})
		}
	}
}

// BenchmarkSaveThenNational: a commune's saved value is in the national
// total at the next request — the save (one transaction, audited) and the
// next national roll-up, timed together.
func BenchmarkSaveThenNational(b *testing.B) {
	x := openBench(b)
	ctx := context.Background()
	snap, err := x.orgs.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	commune := snap.Children(x.gialai, x.orgs.Today())[0]
	for _, c := range snap.Children(x.gialai, x.orgs.Today()) {
		if c.Level == org.LevelCommune {
			commune = c
			break
		}
	}
	// November 2026 is open (October's reports are all submitted or
	// approved, so locked): the commune's draft is the month's only value
	q := indicator.Query{IndicatorID: x.hsAll.ID, UnitID: x.root, Period: indicator.MustPeriod("2026-11"), Basis: indicator.BasisAll}
	n := 0
	p95(b, func() {
		n++
		v := 1000 + n%2 // alternate, so every save changes the value
		if _, err := x.svc.Push(ctx, x.admin, indicator.PushInput{Values: []indicator.PushRow{{Indicator: "HS_ALL", UnitID: commune.UnitID, Period: "2026-11",
			Value: indicator.Flex(fmt.Sprint(v)), Comment: "benchmark"}}}, "", "bench"); err != nil {
			b.Fatal(err)
		}
		bd, err := x.svc.Breakdown(ctx, x.admin, q)
		if err != nil {
			b.Fatal(err)
		}
		if bd.Total.V() != float64(v) {
			b.Fatalf("after saving %d the national total is %v", v, bd.Total.V())
		}
	})
}

// BenchmarkMemory warms every cell of the last twelve months of every
// indicator and reports the heap the service holds.
func BenchmarkMemory(b *testing.B) {
	x := openBench(b)
	ctx := context.Background()
	all, err := x.svc.List(ctx, x.admin, false)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for _, i := range all {
		if i.PeriodType == indicator.Monthly && !i.IsText() {
			ids = append(ids, i.ID)
		}
	}
	for i := 0; i < b.N; i++ {
		for j := 0; j < len(ids); j += indicator.MaxDashboard {
			if _, err := x.svc.Dashboard(ctx, x.admin, indicator.DashboardQuery{UnitID: x.root, Indicators: ids[j:min(j+indicator.MaxDashboard, len(ids))], N: 12,
				To: indicator.MustPeriod("2026-10").End()}); err != nil {
				b.Fatal(err)
			}
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := x.svc.Stats()
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	b.ReportMetric(float64(st.Values), "cached-values")
	b.ReportMetric(float64(st.Cells), "cells")
}

// BenchmarkSQLBaseline is the straightforward way, for comparison: the
// same national roll-up (each province's total of one indicator for one
// month, as it was) as one SQL query, a recursive CTE down the tree of
// that date joined to the values and grouped by province.
func BenchmarkSQLBaseline(b *testing.B) {
	x := openBench(b)
	ctx := context.Background()
	for _, period := range []string{"2026-10", "2025-03"} {
		b.Run(period, func(b *testing.B) {
			d := indicator.MustPeriod(period).End()
			var total float64
			p95(b, func() {
				rows, err := x.d.QueryContext(ctx, `WITH RECURSIVE tree(unit_id, top) AS (
					SELECT unit_id, unit_id FROM unit_versions WHERE parent_id = $1 AND valid_from <= $2 AND $2 < valid_to
					UNION ALL
					SELECT v.unit_id, t.top FROM unit_versions v JOIN tree t ON v.parent_id = t.unit_id
					WHERE v.valid_from <= $2 AND $2 < v.valid_to)
				SELECT t.top, SUM(x.value), COUNT(*) FROM tree t JOIN indicator_values x ON x.unit_id = t.unit_id
				WHERE x.indicator_id = $3 AND x.period = $4 GROUP BY t.top`, x.root, d, x.hsAll.ID, period)
				if err != nil {
					b.Fatal(err)
				}
				total = 0
				for rows.Next() {
					var top int64
					var sum float64
					var n int
					if err := rows.Scan(&top, &sum, &n); err != nil {
						b.Fatal(err)
					}
					total += sum
				}
				rows.Close()
			})
			b.ReportMetric(total, "total")
		})
	}
}

// BenchmarkNationalCold is the same national roll-up on a server that has
// nothing in memory but the tree: every iteration a fresh service reads
// the definitions and the cell from the database — what follows a change
// made on another app server, for the one cell it changed.
func BenchmarkNationalCold(b *testing.B) {
	x := openBench(b)
	ctx := context.Background()
	log := &audit.Log{Now: benchClock}
	for _, period := range []string{"2026-10", "2025-03"} {
		b.Run(period, func(b *testing.B) {
			q := indicator.Query{IndicatorID: x.hsAll.ID, UnitID: x.root, Period: indicator.MustPeriod(period)}
			p95(b, func() {
				svc := indicator.NewService(x.d, x.orgs, log, nil, benchClock)
				if _, err := svc.Breakdown(ctx, x.admin, q); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkProvenanceNational: how the nation's figure of one month was
// made — each province's figure and every expected unit it does not
// count (the first page named, all counted) — as it was and restated.
func BenchmarkProvenanceNational(b *testing.B) {
	x := openBench(b)
	ctx := context.Background()
	for _, mode := range []indicator.Mode{indicator.AsItWas, indicator.Restated} {
		for _, basis := range []indicator.Basis{indicator.BasisApproved, indicator.BasisAll} {
			b.Run(fmt.Sprintf("%s/%s", mode, basis), func(b *testing.B) {
				q := indicator.Query{IndicatorID: x.hsAll.ID, UnitID: x.root, Period: indicator.MustPeriod("2026-10"), Mode: mode, Basis: basis}
				var missing, below int
				p95(b, func() {
					pv, err := x.svc.Provenance(ctx, x.admin, q, 1)
					if err != nil {
						b.Fatal(err)
					}
					missing, below = pv.MissingTotal, len(pv.Children)
				})
				b.ReportMetric(float64(missing), "missing")
				b.ReportMetric(float64(below), "below")
			})
		}
	}
}
