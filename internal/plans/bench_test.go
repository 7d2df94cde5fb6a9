package plans_test

import (
	"context"
	"os"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// BenchmarkProvince measures, on a province with 50 plans of 100 tasks and
// 10 reports each (5,000 tasks, about 50,000 reports) beside the demo's,
// what its coordinator waits for: the overdue list, one plan's summary, the
// unit's to-do list and the leader's summary. The service call is what the
// server does for the page, less the rendering.
//
//	go test ./internal/plans -run '^$' -bench Province -benchtime 50x
func BenchmarkProvince(b *testing.B) {
	engines := map[string]string{"sqlite": ""}
	if dsn := os.Getenv(dbtest.PostgresEnv); dsn != "" {
		engines["postgres"] = "pg"
	}
	for name := range engines {
		b.Run(name, func(b *testing.B) {
			var s *apptest.Server
			if name == "sqlite" {
				s = apptest.StartSQLite(b)
			} else {
				s = apptest.Start(b, dbtest.PostgresDSN(b))
			}
			ctx := context.Background()
			province := s.UnitNamed(b, "Tỉnh Gia Lai").UnitID
			res, err := plans.Generate(ctx, s.DB, s.Org, plans.GenConfig{PlansPerProvince: 50, TasksPerPlan: 100, ReportsPerTask: 10,
				Provinces: []int64{province}, Seed: 1}, s.Org.Today())
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("generated %+v", res)
			gialai := s.User(b, "gialai").Actor()
			today := s.Org.Today()
			docs, err := s.Plans.ListDocuments(ctx, gialai, today)
			if err != nil {
				b.Fatal(err)
			}
			var plan int64
			for _, d := range docs {
				if d.Number == "1025/KH-UBND" {
					plan = d.ID
				}
			}
			b.Run("overdue", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.Plans.Overdue(ctx, gialai, today, 0, 200); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("plan", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Plans.Plan(ctx, gialai, plan, today, plans.Filter{}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("todo", func(b *testing.B) {
				for b.Loop() {
					if _, _, err := s.Plans.Tasks(ctx, gialai, today, plans.Filter{}, 300); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("dashboard", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Plans.Dashboard(ctx, gialai, today); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
