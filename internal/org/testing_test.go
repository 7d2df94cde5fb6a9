package org_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/org"
)

// unitsDir is the official lists in ../shared/data/units, found from this
// file so tests run from any directory.
func unitsDir(tb testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "units")
	if _, err := os.Stat(dir); err != nil {
		tb.Fatalf("the official unit lists are not at %s: %v", dir, err)
	}
	return dir
}

func open(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open(filepath.Join(unitsDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

var clock = func() time.Time { return time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC) }

func newService(tb testing.TB, d *db.DB) (*org.Service, *auth.Actor) {
	tb.Helper()
	svc := org.NewService(d, &audit.Log{Now: clock}, clock)
	root, err := svc.EnsureRoot(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return svc, auth.SystemActor("test", root)
}

var (
	baseline = day.MustParse("2024-01-01")
	reorg    = day.MustParse("2025-07-01")
)

// importCountry loads the pre-2025 list as of 2024-01-01 and the 2025
// reorganisation.
func importCountry(tb testing.TB, svc *org.Service, admin *auth.Actor) (*org.ImportResult, *org.ImportResult) {
	tb.Helper()
	ctx := context.Background()
	r1, err := svc.ImportList(ctx, admin, open(tb, "vn-units-2025-03-01.csv"), "vn-units-2025-03-01.csv",
		org.Change{Effective: baseline, LegalBasis: "Danh mục ĐVHC 01/03/2025"})
	if err != nil {
		tb.Fatalf("import list: %v", err)
	}
	r2, err := svc.Restructure(ctx, admin, open(tb, "vn-units-2025-07-01.csv"), "vn-units-2025-07-01.csv",
		open(tb, "vn-merges-2025-07-01.csv"), "vn-merges-2025-07-01.csv",
		org.Change{Effective: reorg, LegalBasis: "NQ 1654–1687/NQ-UBTVQH15"})
	if err != nil {
		tb.Fatalf("restructure: %v", err)
	}
	return r1, r2
}

func mustDay(s string) day.Day { return day.MustParse(s) }
