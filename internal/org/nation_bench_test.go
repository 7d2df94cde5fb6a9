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
// does (from a stored snapshot, and from the tables), and reports the heap one snapshot holds. Skipped unless
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
	// "stored" is what a start reads when a snapshot of the tree's
	// generation was kept (stored.go), "tables" the read it replaces
	for _, c := range []struct {
		name string
		read func() (*org.Snapshot, error)
	}{
		{"stored", func() (*org.Snapshot, error) {
			s, err := org.NewService(d, &audit.Log{Now: clock}, clock).Snapshot(ctx)
			if err == nil && !s.Stored() {
				b.Skip("no stored snapshot of the current generation: serve once first")
			}
			return s, err
		}},
		{"tables", func() (*org.Snapshot, error) { return org.LoadTables(ctx, d) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var heap int64
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var before, after runtime.MemStats
				if i == 0 {
					b.StopTimer()
					runtime.GC()
					runtime.ReadMemStats(&before)
					b.StartTimer()
				}
				snap, err := c.read()
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
		})
	}
}
