package org_test

import (
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/org"
)

// BenchmarkNationTree reads the tree of an existing database, the national
// one of issue 14 (a copy: the benchmark only reads), as a server's start
// does, and reports the heap one snapshot holds. Skipped unless
// MANGLUOI_BENCH_DB names the database (a SQLite file or a postgres:// URL):
//
//	MANGLUOI_BENCH_DB=/tmp/nation.db go test ./internal/org -run '^$' -bench NationTree -benchtime 5x -cpuprofile /tmp/tree.pprof
func BenchmarkNationTree(b *testing.B) {
	dsn := os.Getenv("MANGLUOI_BENCH_DB")
	if dsn == "" {
		b.Skip("MANGLUOI_BENCH_DB not set")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var heap int64
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		svc := org.NewService(d, &audit.Log{Now: clock}, clock)
		var before, after runtime.MemStats
		if i == 0 {
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.StartTimer()
		}
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.StopTimer()
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap = int64(after.HeapAlloc) - int64(before.HeapAlloc)
			runtime.KeepAlive(snap)
			b.StartTimer()
		}
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
}
