// Package gen makes synthetic national-scale data for benchmarks and load
// tests: the real country from the official lists, then made-up but
// plausible records for every province. It writes in large batches, inside
// transactions, with one audit entry per batch naming the generator — the
// data is synthetic and no person entered it.
package gen

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Baseline and Reorg are the dates the official lists are loaded at.
var (
	Baseline = day.Of(2024, 1, 1)
	Reorg    = day.Of(2025, 7, 1)
)

// Country loads the official lists from dir: the pre-2025 list as of
// Baseline, then the 2025 reorganisation. It is a no-op on a database that
// already has them (the importers are idempotent).
func Country(ctx context.Context, orgs *org.Service, actor *auth.Actor, dir string) error {
	open := func(name string) (*os.File, error) { return os.Open(filepath.Join(dir, name)) }
	old, err := open("vn-units-2025-03-01.csv")
	if err != nil {
		return err
	}
	defer old.Close()
	if _, err := orgs.ImportList(ctx, actor, old, old.Name(), org.Change{Effective: Baseline, LegalBasis: "Danh mục ĐVHC 01/03/2025"}); err != nil {
		return fmt.Errorf("baseline list: %w", err)
	}
	units, err := open("vn-units-2025-07-01.csv")
	if err != nil {
		return err
	}
	defer units.Close()
	merges, err := open("vn-merges-2025-07-01.csv")
	if err != nil {
		return err
	}
	defer merges.Close()
	if _, err := orgs.Restructure(ctx, actor, units, units.Name(), merges, merges.Name(),
		org.Change{Effective: Reorg, LegalBasis: "NQ 1654–1687/NQ-UBTVQH15"}); err != nil {
		return fmt.Errorf("reorganisation: %w", err)
	}
	return nil
}

// batch runs fn in a transaction and records one audit entry for it.
func batch(ctx context.Context, d *db.DB, log *audit.Log, what string, fn func(tx *sql.Tx) (int, error)) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		n, err := fn(tx)
		if err != nil {
			return err
		}
		return log.Write(ctx, tx, audit.System("gen"), audit.Entry{Action: "gen." + what, Entity: "gen", EntityID: what,
			After: map[string]any{"rows": n, "note": "synthetic data for benchmarks"}})
	})
}

// Analyze refreshes the query planner's statistics after a bulk load, as
// autovacuum would soon do on a live PostgreSQL (SQLite plans without them).
func Analyze(ctx context.Context, d *db.DB) error {
	if d.Dialect != db.Postgres {
		return nil
	}
	_, err := d.ExecContext(ctx, `ANALYZE`)
	return err
}

// rng is the generators' random source: seeded, so every run makes the
// same data.
func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 2025)) }
