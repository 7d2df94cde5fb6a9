package org_test

// Benchmarks behind the speed and memory figures in BENCHMARKS.md (issue 2).
// They measure; they never assert a time. Typical runs:
//
//	go test ./internal/org -run '^$' -bench 'ImportCountry' -benchmem -benchtime 3x
//	go test ./internal/org -run '^$' -bench 'Snapshot' -benchmem
//	MANGLUOI_TEST_POSTGRES='postgres://…' go test ./internal/org -run '^$' -bench . -benchmem
//
// The PostgreSQL sub-benchmarks are skipped unless MANGLUOI_TEST_POSTGRES is
// set; each uses a schema of its own, dropped at the end.

import (
	"context"
	"runtime"
	"testing"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/org"
)

// engines are the databases a benchmark runs on.
var engines = []struct {
	name string
	open func(testing.TB) *db.DB
}{
	{"sqlite", dbtest.OpenSQLite},
	{"postgres", dbtest.OpenPostgres},
}

// BenchmarkImportCountry is issue 2's import target: the pre-2025 list as of
// 2024-01-01 and then the 2025 restructuring, into an empty (migrated,
// rooted) database. Opening and migrating the database is not timed.
func BenchmarkImportCountry(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				svc, admin := newService(b, e.open(b))
				b.StartTimer()
				importCountry(b, svc, admin)
			}
		})
	}
}

// BenchmarkSnapshotLoad is the time to rebuild the in-memory tree after any
// change (a generation bump) with the full country loaded, and the heap that
// one snapshot holds.
func BenchmarkSnapshotLoad(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			ctx := context.Background()
			d := e.open(b)
			svc, admin := newService(b, d)
			importCountry(b, svc, admin)

			// A fresh service holds no snapshot until its first read, so the
			// heap difference across that read is one snapshot (versions,
			// indexes, lineage, events, sort keys).
			fresh := org.NewService(d, &audit.Log{Now: clock}, clock)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			snap, err := fresh.Snapshot(ctx)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			runtime.KeepAlive(snap)

			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if _, err := d.ExecContext(ctx, `UPDATE tree_state SET generation = generation + 1 WHERE id = 1`); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := svc.Snapshot(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
		})
	}
}

// BenchmarkSnapshot times the in-memory tree operations the pages and the
// API are built from, on the full country (SQLite-loaded; the snapshot is
// the same whichever engine it came from).
func BenchmarkSnapshot(b *testing.B) {
	ctx := context.Background()
	svc, admin := newService(b, dbtest.OpenSQLite(b))
	importCountry(b, svc, admin)
	snap, err := svc.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	today := svc.Today()
	before := mustDay("2025-06-30")
	// The new Hồ Chí Minh City (79) has the most communes after 1 July
	// 2025 (168); Thanh Hóa (38, 166) is the largest that went on as the
	// same unit, so it also has its districts as of 2025-06-30.
	hcm := snap.FindByCode(org.LevelProvince, "79", today)
	th := snap.FindByCode(org.LevelProvince, "38", today)
	if hcm == nil || th == nil {
		b.Fatal("provinces 79 and 38 not found")
	}
	communes := snap.Children(hcm.UnitID, today)
	if len(communes) == 0 {
		b.Fatal("Hồ Chí Minh City has no communes")
	}
	commune := communes[len(communes)/2]
	// A commune of another province: the denied case of a scope check,
	// which is the slow one (no early match).
	other := snap.Children(th.UnitID, today)[0]

	b.Run("Children/province-168", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink(len(snap.Children(hcm.UnitID, today)))
		}
	})
	b.Run("Children/province-2025-06-30", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink(len(snap.Children(th.UnitID, before)))
		}
	})
	b.Run("CountByLevel/nation", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink(len(snap.CountByLevel(snap.RootID, today)))
		}
	})
	b.Run("CountByLevel/nation-2025-06-30", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink(len(snap.CountByLevel(snap.RootID, before)))
		}
	})
	b.Run("Search/dak-lak", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink(len(snap.Search("dak lak", today, snap.RootID, 50)))
		}
	})
	b.Run("Search/dak-lak-province-scope", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sink(len(snap.Search("dak lak", today, hcm.UnitID, 50)))
		}
	})
	b.Run("Covers/nation-commune", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sinkBool(snap.Covers(snap.RootID, commune.UnitID))
		}
	})
	b.Run("Covers/province-own-commune", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sinkBool(snap.Covers(hcm.UnitID, commune.UnitID))
		}
	})
	b.Run("Covers/province-other-commune", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			sinkBool(snap.Covers(hcm.UnitID, other.UnitID))
		}
	})
	// What the unit page asks of the tree (internal/web unitData, without
	// the audit query and the template): crumbs, counts, every child with
	// its own counts, history, lineage.
	b.Run("UnitPageTree/province-168", func(b *testing.B) {
		b.ReportAllocs()
		t := &org.Scoped{Snapshot: snap, Actor: admin}
		for i := 0; i < b.N; i++ {
			unitPageTree(b, t, hcm.UnitID, today)
		}
	})
	b.Run("UnitPageTree/nation", func(b *testing.B) {
		b.ReportAllocs()
		t := &org.Scoped{Snapshot: snap, Actor: admin}
		for i := 0; i < b.N; i++ {
			unitPageTree(b, t, snap.RootID, today)
		}
	})
}

// unitPageTree does what internal/web's unit page asks of the tree.
func unitPageTree(b *testing.B, t *org.Scoped, id int64, d day.Day) {
	v, inForce, err := t.Unit(id, d)
	if err != nil || !inForce {
		b.Fatalf("unit %d: %v in force %v", id, err, inForce)
	}
	anc, _ := t.VisibleAncestors(id, d)
	n := len(anc) + len(t.CountByLevel(id, d))
	for _, c := range t.Children(id, d) {
		n += len(t.CountByLevel(c.UnitID, d))
	}
	for _, h := range t.History(v.UnitID) {
		if t.Event(h.EventID) != nil && t.At(h.ParentID, h.From) != nil {
			n++
		}
	}
	p, s := t.LineageOf(id)
	sink(n + len(p) + len(s))
}

var (
	sinkInt  int
	sinkFlag bool
)

func sink(n int)       { sinkInt += n }
func sinkBool(ok bool) { sinkFlag = sinkFlag != ok }
