package people_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/gen"
	"github.com/mangluoi/mangluoi/internal/org"
)

// BenchmarkImportSheet10k imports a 10,000-row people sheet (issue 3: under
// 10 s). Each iteration imports into a fresh server, so every row creates a
// person, a posting and a role.
func BenchmarkImportSheet10k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s := apptest.StartSQLite(b)
		coord := actorOf(b, s, "gialai")
		snap, _ := s.Org.Snapshot(context.Background())
		var codes []string
		snap.Walk(snap.FindByCode(org.LevelProvince, "52", s.Org.Today()).UnitID, s.Org.Today(), func(v *org.Version) bool {
			if v.Level == org.LevelCommune {
				codes = append(codes, v.Code)
			}
			return true
		})
		rows := make([][]any, 10000)
		for i := range rows {
			rows[i] = []any{fmt.Sprintf("Người Thử %05d", i), "Nữ", 1980 + i%20, "Công chức", "", "", "Công chức", "Đại học", "", "Không",
				codes[i%len(codes)], "", "", "Cán bộ làm CĐS", "Kiêm nhiệm"}
		}
		file := fillTemplateTB(b, s, coord, rows)
		b.StartTimer()
		res, err := s.People.ImportSheet(context.Background(), coord, file, "people.xlsx", s.Org.Today(), false)
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != 10000 {
			b.Fatalf("created %d", res.Created)
		}
	}
}

func fillTemplateTB(tb testing.TB, s *apptest.Server, a *auth.Actor, rows [][]any) *bytes.Buffer {
	var tpl bytes.Buffer
	if err := s.People.Template(context.Background(), a, s.Org.Today(), "vi", &tpl); err != nil {
		tb.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		tb.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		tb.Fatal(err)
	}
	header, _ := f.GetRows(sheet)
	hdr := make([]any, len(header[0]))
	for i, h := range header[0] {
		hdr[i] = h
	}
	sw.SetRow("A1", hdr)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	sw.Flush()
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		tb.Fatal(err)
	}
	return &out
}

// national opens (once per benchmark) a database with the whole country and
// about 146,000 generated people, on SQLite or PostgreSQL.
func national(b *testing.B, postgres bool) *app.Main {
	b.Helper()
	ctx := context.Background()
	dsn := filepath.Join(b.TempDir(), "national.db")
	if postgres {
		dsn = dbtest.PostgresDSN(b)
	}
	m, err := app.Open(ctx, app.Config{DSN: dsn})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	admin, _ := m.RootActor(ctx, "bench")
	_, file, _, _ := runtime.Caller(0)
	units := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "units")
	if _, err := os.Stat(units); err != nil {
		b.Skip("the official unit lists are not at ../shared/data/units")
	}
	if err := gen.Country(ctx, m.Org, admin, units); err != nil {
		b.Fatal(err)
	}
	if _, err := gen.People(ctx, m.DB, m.Org, m.Audit, admin, m.Org.Today(), gen.DefaultPeople); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkComplianceNational computes the compliance report from the
// database (no cache: each iteration bumps the data generation first) for
// the nation and for the province with the most communes, at national
// scale. Set MANGLUOI_TEST_POSTGRES for the PostgreSQL half.
func BenchmarkComplianceNational(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			if engine == "postgres" && os.Getenv(dbtest.PostgresEnv) == "" {
				b.Skip(dbtest.PostgresEnv + " is not set")
			}
			m := national(b, engine == "postgres")
			ctx := context.Background()
			admin, _ := m.RootActor(ctx, "bench")
			snap, _ := m.Org.Snapshot(ctx)
			today := m.Org.Today()
			var province *org.Version
			most := 0
			for _, p := range snap.Children(snap.RootID, today) {
				if n := snap.CountByLevel(p.UnitID, today)[org.LevelCommune]; n > most {
					province, most = p, n
				}
			}
			for _, c := range []struct {
				name string
				unit int64
			}{{"nation", snap.RootID}, {"province", province.UnitID}} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						b.StopTimer()
						m.DB.ExecContext(ctx, `UPDATE people_state SET generation = generation + 1 WHERE id = 1`)
						b.StartTimer()
						if _, err := m.People.Compliance(ctx, admin, c.unit, today); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run(c.name+"-cached", func(b *testing.B) {
					for b.Loop() {
						if _, err := m.People.Compliance(ctx, admin, c.unit, today); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkFailingCountry: the whole list of communes failing a target,
// nationally (the official lists, nobody recorded: all 3,321 fail), from
// the database each time (the data generation is bumped first), and a page
// of it from the cache. SQLite.
func BenchmarkFailingCountry(b *testing.B) {
	ctx := context.Background()
	m, err := app.Open(ctx, app.Config{DSN: filepath.Join(b.TempDir(), "country.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	admin, _ := m.RootActor(ctx, "bench")
	_, file, _, _ := runtime.Caller(0)
	units := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "units")
	if _, err := os.Stat(units); err != nil {
		b.Skip("the official unit lists are not at ../shared/data/units")
	}
	if err := gen.Country(ctx, m.Org, admin, units); err != nil {
		b.Fatal(err)
	}
	snap, _ := m.Org.Snapshot(ctx)
	today := m.Org.Today()
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			m.DB.ExecContext(ctx, `UPDATE people_state SET generation = generation + 1 WHERE id = 1`)
			b.StartTimer()
			fp, err := m.People.Failing(ctx, admin, snap.RootID, today, "1690-FOCAL-COMMUNE", 0, 50)
			if err != nil || fp.Total < 3000 {
				b.Fatalf("%v %v", fp, err)
			}
		}
	})
	b.Run("page-cached", func(b *testing.B) {
		for b.Loop() {
			if _, err := m.People.Failing(ctx, admin, snap.RootID, today, "1690-FOCAL-COMMUNE", 3000, 50); err != nil {
				b.Fatal(err)
			}
		}
	})
}
