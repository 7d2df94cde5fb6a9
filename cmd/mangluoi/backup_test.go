package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// freshPostgres makes a database of its own (pg_dump copies a whole
// database) and drops it when the test ends.
func freshPostgres(t *testing.T) string {
	t.Helper()
	dbtest.SkipUnlessPostgres(t)
	base := os.Getenv(dbtest.PostgresEnv)
	admin, err := db.Open(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "mlbk_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	u, _ := url.Parse(base)
	u.Path = "/" + name
	return u.String()
}

// tables is every table of a database with a digest of its rows (in any
// order): two databases with the same tables are the same.
func tables(t *testing.T, dsn string) map[string]string {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if d.Dialect == db.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	var names []string
	rows, err := d.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, n := range names {
		out[n] = digest(t, d, n)
	}
	return out
}

func digest(t *testing.T, d *db.DB, table string) string {
	rows, err := d.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, v := range vals {
			if x, ok := v.([]byte); ok {
				v = string(x)
			}
			if x, ok := v.(time.Time); ok {
				v = x.UTC().Format(time.RFC3339Nano)
			}
			fmt.Fprintf(&b, "%v\x1f", v)
		}
		lines = append(lines, b.String())
	}
	slices.Sort(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return fmt.Sprintf("%d rows %x", len(lines), h[:8])
}

// TestBackupRestore: `mangluoi backup` copies a database while the server
// writes to it (a plain copy of a live SQLite file can be torn), and
// `mangluoi restore` brings it back into a new database whose every table
// equals the original's and whose audit chain verifies, with its
// checkpoints, on both engines.
func TestBackupRestore(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn, restored := filepath.Join(dir, "live.db"), filepath.Join(dir, "restored.db")
			if engine == "postgres" {
				dsn, restored = freshPostgres(t), freshPostgres(t)
			}
			key, cps := filepath.Join(dir, "audit.key"), filepath.Join(dir, "audit.checkpoints")
			s := apptest.Start(t, dsn)
			ctx := context.Background()
			// the server keeps writing: sessions open, each audited
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				u := s.User(t, "pleiku")
				for {
					select {
					case <-stop:
						return
					default:
						s.Auth.StartSession(ctx, u)
					}
				}
			}()
			var out bytes.Buffer
			during := filepath.Join(dir, "during.backup")
			if err := run(ctx, []string{"backup", "--db", dsn, "--out", during}, nil, &out); err != nil {
				t.Fatal(err)
			}
			close(stop)
			wg.Wait()
			// a checkpoint of the live log, as the server signs them
			if err := run(ctx, []string{"audit", "checkpoint", "--db", dsn, "--audit-key", key, "--audit-checkpoints", cps}, nil, &out); err != nil {
				t.Fatal(err)
			}
			// the backup taken mid-write restores to a sound database
			mid := filepath.Join(dir, "mid.db")
			if engine == "postgres" {
				mid = freshPostgres(t)
			}
			if err := run(ctx, []string{"restore", "--db", mid, "--from", during}, nil, &out); err != nil {
				t.Fatalf("the backup taken while writing: %v\n%s", err, out.String())
			}
			// quiet now: a backup equals the original, table for table
			after := filepath.Join(dir, "after.backup")
			if err := run(ctx, []string{"backup", "--db", dsn, "--out", after}, nil, &out); err != nil {
				t.Fatal(err)
			}
			if err := run(ctx, []string{"backup", "--db", dsn, "--out", after}, nil, &out); err == nil {
				t.Error("a backup overwrote a file")
			}
			out.Reset()
			if err := run(ctx, []string{"restore", "--db", restored, "--from", after, "--audit-key", key, "--audit-checkpoints", cps}, nil, &out); err != nil {
				t.Fatalf("restore: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "audit log intact") || !strings.Contains(out.String(), "anchored up to entry") {
				t.Errorf("restore says: %s", out.String())
			}
			if err := run(ctx, []string{"restore", "--db", restored, "--from", after}, nil, &out); err == nil {
				t.Error("a restore wrote over a database")
			}
			want, got := tables(t, dsn), tables(t, restored)
			if len(want) < 40 {
				t.Fatalf("only %d tables", len(want))
			}
			for name, w := range want {
				if got[name] != w {
					t.Errorf("table %s: restored %s, original %s", name, got[name], w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d tables restored of %d", len(got), len(want))
			}
			// the restored database serves: its accounts sign in
			m, err := app.Open(ctx, app.Config{DSN: restored, Log: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if _, err := m.Auth.Authenticate(ctx, "gialai", demo.Password); err != nil {
				t.Errorf("sign in on the restored database: %v", err)
			}
		})
	}
}
