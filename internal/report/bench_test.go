package report_test

// Benchmarks of issue 10's figures in BENCHMARKS.md: a report of a scope
// (a province by default, or the nation) drafted, laid out and issued with
// every section, its DOCX, PDF and annexes. They run against any database
// (the demo's, or the national datasets) named by MANGLUOI_BENCH_REPORT_DB;
// without it they are skipped. They write their drafts and issued reports
// into that database: run them on a copy. They measure; they never assert
// a time.
//
//	go run ./cmd/mangluoi demo --db /tmp/demo.db   (stop it once loaded)
//	MANGLUOI_BENCH_REPORT_DB=/tmp/demo.db go test ./internal/report -run '^$' -bench . -benchtime 20x
//
// MANGLUOI_BENCH_REPORT_UNIT names the scope: a province's code as of the
// period's end (52, the new Gia Lai, by default) or "nation";
// MANGLUOI_BENCH_REPORT_PERIOD the period (2026-H1 by default).

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/report"
)

// The variables that aim the benchmarks.
const (
	BenchDBEnv     = "MANGLUOI_BENCH_REPORT_DB"
	BenchUnitEnv   = "MANGLUOI_BENCH_REPORT_UNIT"
	BenchPeriodEnv = "MANGLUOI_BENCH_REPORT_PERIOD"
)

type reportBench struct {
	m      *app.Main
	admin  *auth.Actor
	unit   int64
	period string
}

func openReportBench(b *testing.B) *reportBench {
	b.Helper()
	dsn := os.Getenv(BenchDBEnv)
	if dsn == "" {
		b.Skip(BenchDBEnv + " is not set: name a database with a province's data (the demo's, or the national datasets)")
	}
	ctx := context.Background()
	// the demo's clock: 22/11/2026
	now := func() time.Time { return time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC) }
	m, err := app.Open(ctx, app.Config{DSN: dsn, Now: now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	admin, err := m.RootActor(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	x := &reportBench{m: m, admin: admin, period: os.Getenv(BenchPeriodEnv)}
	if x.period == "" {
		x.period = "2026-H1"
	}
	p, err := report.ParsePeriod(x.period, report.Calendar)
	if err != nil {
		b.Fatal(err)
	}
	snap, err := m.Org.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	switch code := os.Getenv(BenchUnitEnv); code {
	case "nation":
		x.unit = snap.RootID
	case "":
		code = "52"
		fallthrough
	default:
		v := snap.FindByCode(org.LevelProvince, code, p.To)
		if v == nil {
			b.Fatalf("no province %s on %s", code, p.To)
		}
		x.unit = v.UnitID
	}
	return x
}

// BenchmarkReportDraft: a draft of every section written from the live
// figures and laid out, as its page shows it (the figures gathered through
// every feature's services, the prose resolved, the document built).
func BenchmarkReportDraft(b *testing.B) {
	x := openReportBench(b)
	ctx := context.Background()
	r, err := x.m.Reports.Create(ctx, x.admin, report.Input{UnitID: x.unit, Period: x.period})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := x.m.Reports.View(ctx, x.admin, r.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportFiles: a draft's DOCX, PDF and annexes, each written from
// the live figures as a download does.
func BenchmarkReportFiles(b *testing.B) {
	x := openReportBench(b)
	ctx := context.Background()
	r, err := x.m.Reports.Create(ctx, x.admin, report.Input{UnitID: x.unit, Period: x.period})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, k := range []string{report.FileDOCX, report.FilePDF, report.FileXLSX} {
			if _, _, _, err := x.m.Reports.File(ctx, x.admin, r.ID, k); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReportIssue: issuing a drafted report — the figures gathered
// and frozen, the document laid out, the DOCX, PDF and annexes written,
// hashed, audited and stored in one transaction. (The draft is made
// outside the timer.)
func BenchmarkReportIssue(b *testing.B) {
	x := openReportBench(b)
	ctx := context.Background()
	p, _ := report.ParsePeriod(x.period, report.Calendar)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r, err := x.m.Reports.Create(ctx, x.admin, report.Input{UnitID: x.unit, Period: x.period})
		if err != nil {
			b.Fatal(err)
		}
		number := 50000 + int(time.Now().Unix()%40000) + i // a number not given yet (the database keeps earlier runs')
		b.StartTimer()
		issued, err := x.m.Reports.Issue(ctx, x.admin, r.ID, report.IssueInput{Number: number, Date: day.Of(p.To.Year(), 11, 20),
			Signer: "Người ký thử"})
		if err != nil {
			b.Fatal(err)
		}
		size := 0
		for _, f := range issued.Files {
			size += f.Size
		}
		b.ReportMetric(float64(size), "bytes-of-files")
	}
}
