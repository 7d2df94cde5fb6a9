package assess_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/org"
)

// benchUnits is where the official unit lists are, beside the project: with
// them the benchmarks run on the whole country (the demo's full Gia Lai,
// 63 provinces before the reorganisation and 34 after).
var benchUnits = filepath.Join("..", "..", "..", "shared", "data", "units")

// benchServer is the demo, on the whole country when the lists are there,
// with every old province's DTI 2023 result (the test's own figures), so
// that restating them to today's 34 provinces is the ministry's case.
func benchServer(b *testing.B) (*app.Main, *auth.Actor) {
	b.Helper()
	ctx := context.Background()
	m, err := app.Open(ctx, app.Config{DSN: filepath.Join(b.TempDir(), "bench.db"), Addr: "127.0.0.1:0", Now: func() time.Time { return apptest.Now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	admin, err := m.RootActor(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	units := benchUnits
	if _, err := os.Stat(filepath.Join(units, "vn-units-2025-03-01.csv")); err != nil {
		units = ""
	}
	if _, err := demo.Seed(ctx, m.Org, m.Auth, m.People, admin, units); err != nil {
		b.Fatal(err)
	}
	if err := demo.SeedNetwork(ctx, m.Org, m.People, m.Network, admin); err != nil {
		b.Fatal(err)
	}
	if err := demo.SeedIndicators(ctx, m.Org, admin, m.Indicators, m.Assess, m.People, m.Network); err != nil {
		b.Fatal(err)
	}
	snap, err := m.Org.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var rows []string
	for i, v := range snap.Children(snap.RootID, demo.Baseline) {
		if v.Level != org.LevelProvince {
			continue
		}
		x := 0.4 + float64(i%50)/100
		rows = append(rows, fmt.Sprintf("%s,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.4f", v.Code, x, x, x, x, x, x, x, x, x))
	}
	sheet := "Mã,NT1,NT2,NT3,NT4,NT5,HD1,HD2,HD3,DTI\n" + strings.Join(rows, "\n") + "\n"
	if _, err := m.Assess.ImportResults(ctx, admin, strings.NewReader(sheet), "dti-2023.csv", assess.ResultImport{Year: 2023}); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d provinces' 2023 results", len(rows))
	return m, admin
}

func benchRound(b *testing.B, m *app.Main, family string, year int) *assess.Round {
	b.Helper()
	rounds, err := m.Assess.Rounds(context.Background(), auth.SystemActor("bench", 1))
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rounds {
		f, err := m.Assess.Framework(context.Background(), auth.SystemActor("bench", 1), r.FrameworkID)
		if err != nil {
			b.Fatal(err)
		}
		if f.Family == family && r.Year == year {
			return r
		}
	}
	b.Fatalf("no %s round of %d", family, year)
	return nil
}

// BenchmarkAssess measures what a page of the assessment computes at each
// request: a commune's scorecard (the whole round scored, last year's
// round too, each bound criterion from the indicator engine), the
// communes' ranking, the province's DTI scorecard, a year's official
// results restated from the 63 old provinces to today's, and the
// province's comparison (every year's results restated, its
// self-assessment, its goal).
func BenchmarkAssess(b *testing.B) {
	m, admin := benchServer(b)
	ctx := context.Background()
	snap, err := m.Org.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	province := snap.FindByCode(org.LevelProvince, "52", demo.Reorg).UnitID
	communes := benchRound(b, m, demo.CommuneFrame, 2026)
	dti := benchRound(b, m, assess.DTIFamily, 2025)
	b.Logf("the communes' round: %d units", len(communes.Units))
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"CommuneCard", func() error { _, err := m.Assess.Card(ctx, admin, communes.ID, communes.Units[0]); return err }},
		{"CommuneRanking", func() error { _, err := m.Assess.Ranking(ctx, admin, communes.ID); return err }},
		{"ProvinceCard", func() error { _, err := m.Assess.Card(ctx, admin, dti.ID, province); return err }},
		{"OfficialRestated", func() error {
			_, err := m.Assess.OfficialResults(ctx, admin, assess.DTIFamily, 2023, assess.Restated)
			return err
		}},
		{"Compare", func() error { _, err := m.Assess.Compare(ctx, admin, assess.DTIFamily, province, 2025); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
