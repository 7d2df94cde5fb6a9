package app_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/mangluoi/mangluoi/internal/app"
)

// BenchmarkStart is the server's start without data: opening and migrating
// a database, then building the handler (pages, API, OpenAPI document).
// With -cpuprofile it says where a cold start goes (BENCHMARKS.md, issue 14).
func BenchmarkStart(b *testing.B) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dsn := filepath.Join(b.TempDir(), "start.db")
	for b.Loop() {
		m, err := app.Open(ctx, app.Config{DSN: dsn, Log: log})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Handler(); err != nil {
			b.Fatal(err)
		}
		m.Close()
	}
}
