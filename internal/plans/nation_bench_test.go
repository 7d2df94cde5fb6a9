package plans_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// BenchmarkNation measures each summary a page asks of the plans service,
// made afresh (as after any plans write that moved a task's place or unit)
// or patched (after a report or review), on a national database named by
// MANGLUOI_BENCH_NATION (a copy: the server's start may write to it), for
// a province coordinator and a commune's focal person:
//
//	MANGLUOI_BENCH_NATION=/tmp/n.db go test ./internal/plans -run '^$' -bench Nation -benchtime 100x
func BenchmarkNation(b *testing.B) {
	path := os.Getenv("MANGLUOI_BENCH_NATION")
	if path == "" {
		b.Skip("MANGLUOI_BENCH_NATION names no national database")
	}
	ctx := context.Background()
	m, err := app.Open(ctx, app.Config{DSN: path})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	today := m.Org.Today()
	for _, login := range []string{"tinh-52", "xa-23614"} {
		u, err := m.Auth.Authenticate(ctx, login, demo.Password)
		if err != nil {
			b.Fatal(err)
		}
		a := u.Actor()
		for _, kind := range []string{"overdue", "tasks", "tasks patched", "dashboard", "dashboard patched", "documents"} {
			if err := plans.Afresh(ctx, m.Plans, a, today, kind); err != nil { // the tasks read once
				b.Fatal(err)
			}
			b.Run(login+"/"+kind, func(b *testing.B) {
				for b.Loop() {
					if strings.HasSuffix(kind, "patched") {
						b.StopTimer()
						plans.Touch(m.Plans, a) // a report's catch-up, outside the timing
						b.StartTimer()
					}
					if err := plans.Afresh(ctx, m.Plans, a, today, kind); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
