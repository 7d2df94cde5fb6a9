// Package dbtest opens real, migrated test databases: SQLite always, and
// PostgreSQL when MANGLUOI_TEST_POSTGRES holds a DSN.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/mangluoi/mangluoi/internal/db"
)

// PostgresEnv names the variable that holds a PostgreSQL DSN for tests.
// CI always sets it; without it the PostgreSQL half of the suite is skipped.
const PostgresEnv = "MANGLUOI_TEST_POSTGRES"

// ForEach runs fn as a subtest against a fresh, migrated SQLite
// database and, when MANGLUOI_TEST_POSTGRES is set, a fresh PostgreSQL schema.
func ForEach(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}

// RequireAllEnv, when set (CI sets it), turns a skipped PostgreSQL or
// browser test into a failure, so a CI run cannot pass by skipping them.
const RequireAllEnv = "MANGLUOI_TEST_REQUIRE_ALL"

// SkipUnlessPostgres skips (or, under RequireAllEnv, fails) a test that
// needs PostgreSQL when none is configured.
func SkipUnlessPostgres(tb testing.TB) {
	tb.Helper()
	if os.Getenv(PostgresEnv) != "" {
		return
	}
	if os.Getenv(RequireAllEnv) != "" {
		tb.Fatal(PostgresEnv + " is not set but " + RequireAllEnv + " is: the PostgreSQL tests must run")
	}
	tb.Skip(PostgresEnv + " is not set")
}

// OpenSQLite opens a migrated SQLite database in a temporary directory.
func OpenSQLite(tb testing.TB) *db.DB {
	tb.Helper()
	return openTest(tb, filepath.Join(tb.TempDir(), "test.db"))
}

// OpenPostgres creates a schema of its own in the MANGLUOI_TEST_POSTGRES
// database (so parallel test binaries never meet), migrates it, and drops it
// when the test ends.
func OpenPostgres(tb testing.TB) *db.DB {
	tb.Helper()
	dsn := PostgresDSN(tb)
	return openTest(tb, dsn)
}

// PostgresDSN creates a fresh schema and returns a DSN that uses it.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	SkipUnlessPostgres(tb)
	base := os.Getenv(PostgresEnv)
	ctx := context.Background()
	admin, err := db.Open(ctx, base)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("bad %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openTest(tb testing.TB, dsn string) *db.DB {
	tb.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		tb.Fatal(fmt.Errorf("%s: %w", d.Dialect, err))
	}
	return d
}
