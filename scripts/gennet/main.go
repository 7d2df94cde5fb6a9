// Command gennet builds a synthetic national DX network for benchmarks
// (gen.Network; `mangluoi gen nation` builds it with everything else):
// the official list of 34 provinces and 3,321 communes (from 1 July 2025),
// about 64,000 villages under them, 75,000 community teams (some of them
// dissolved and set up again, some suspended), 340,000 memberships of
// about 300,000 people (with the training of about half of them this
// year), and 2 million activities over the 16 months to the date. It
// writes with multi-row inserts in a few large transactions — minutes, not
// hours — into a fresh database of either engine:
//
//	go run ./scripts/gennet --db /tmp/nation.db
//	go run ./scripts/gennet --db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable&search_path=netbench'
//
// then serve it (`go run ./cmd/mangluoi serve --db … --insecure-cookies`)
// and measure it with scripts/load, or run the Go benchmarks with
// MANGLUOI_BENCH_NETWORK_DB set to the same DSN (see BENCHMARKS.md).
//
// The data is made up (names are "Thôn 12", people "Thành viên 123456"),
// deterministic for a seed, and recorded in the audit log as one entry.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/gen"
	"github.com/mangluoi/mangluoi/internal/org"
)

func main() {
	o := gen.DefaultNetwork
	dsn := flag.String("db", "", "a fresh database: a SQLite file or a postgres:// URL (required)")
	units := flag.String("units", filepath.Join("..", "shared", "data", "units", "vn-units-2025-07-01.csv"), "the official list in force from 1 July 2025")
	flag.IntVar(&o.Villages, "villages", o.Villages, "villages and residential groups")
	flag.IntVar(&o.Teams, "teams", o.Teams, "teams, dissolved ones included")
	flag.IntVar(&o.Members, "members", o.Members, "memberships, former ones included")
	flag.IntVar(&o.Activities, "activities", o.Activities, "activities")
	seed := flag.Int64("seed", 1, "random seed")
	today := flag.String("today", o.Today.String(), "the last day of activity (the benchmarks' date)")
	profile := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *dsn == "" {
		flag.Usage()
		os.Exit(2)
	}
	o.Seed, o.Log = uint64(*seed), os.Stderr
	var err error
	if o.Today, err = day.Parse(*today); err != nil {
		log.Fatal(err)
	}
	if err := run(context.Background(), *dsn, *units, o); err != nil {
		pprof.StopCPUProfile()
		log.Fatal(err)
	}
}

func run(ctx context.Context, dsn, units string, o gen.NetworkOptions) error {
	m, err := app.Open(ctx, app.Config{DSN: dsn, Now: func() time.Time { return o.Today.Time().Add(9 * time.Hour) }})
	if err != nil {
		return err
	}
	defer m.Close()
	admin, err := m.RootActor(ctx, "gennet")
	if err != nil {
		return err
	}
	snap, err := m.Org.Snapshot(ctx)
	if err != nil {
		return err
	}
	if len(snap.Children(snap.RootID, gen.Reorg)) == 0 { // a fresh database: the official tree, in force from 1 July 2025
		list, err := os.Open(units)
		if err != nil {
			return fmt.Errorf("the official list (--units): %w", err)
		}
		defer list.Close()
		if _, err := m.Org.ImportList(ctx, admin, list, filepath.Base(units), org.Change{Effective: gen.Reorg, LegalBasis: "Danh mục đơn vị hành chính (01/07/2025)"}); err != nil {
			return fmt.Errorf("import the official list: %w", err)
		}
		if snap, err = m.Org.Snapshot(ctx); err != nil {
			return err
		}
	}
	if _, err := gen.Network(ctx, m.DB, m.Org, m.Audit, o); err != nil {
		return err
	}
	// an operator account for the load script
	if _, err := m.Auth.CreateUser(ctx, admin, auth.UserInput{Login: "admin", DisplayName: "Quản trị", Password: "demo-mangluoi", Role: auth.RoleAdmin,
		ScopeUnitID: snap.RootID, Locale: "vi"}); err != nil {
		return err
	}
	log.Print("done (admin / demo-mangluoi)")
	return nil
}
