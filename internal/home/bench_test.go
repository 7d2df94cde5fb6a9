package home_test

// The benchmarks run against a database with the demo's data (the whole
// country's tree when the official lists were beside the project) named
// by MANGLUOI_BENCH_HOME_DB; without it they are skipped. They only read.
// They measure; they never assert a time.
//
//	go run ./cmd/mangluoi demo --db /tmp/demo.db   (stop it once loaded)
//	MANGLUOI_BENCH_HOME_DB=/tmp/demo.db go test ./internal/home -run '^$' -bench . -benchtime 20x

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// BenchDBEnv names the database the benchmarks read.
const BenchDBEnv = "MANGLUOI_BENCH_HOME_DB"

// BenchmarkHome builds each demo account's home: the province's leader and
// coordinator (the province scope) and a ward's focal person.
func BenchmarkHome(b *testing.B) {
	dsn := os.Getenv(BenchDBEnv)
	if dsn == "" {
		b.Skip(BenchDBEnv + " is not set: name a database with the demo's data")
	}
	ctx := context.Background()
	m, err := app.Open(ctx, app.Config{DSN: dsn, Now: time.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	for _, login := range []string{"lanhdao", "gialai", "pleiku"} {
		u, err := m.Auth.Authenticate(ctx, login, demo.Password)
		if err != nil {
			b.Fatal(err)
		}
		actor := u.Actor()
		b.Run(login, func(b *testing.B) {
			d := m.Org.Today()
			for b.Loop() {
				if _, err := m.Home.Get(ctx, actor, d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
