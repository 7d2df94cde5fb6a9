package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Backup writes a consistent copy of the database at dsn to file while the
// database is in use. SQLite: VACUUM INTO, which reads one snapshot in one
// transaction (a plain copy of a live database file can be torn, and
// misses what is still in the WAL). PostgreSQL: pg_dump in its custom
// format, which also reads one snapshot; the pg_dump of the server's
// version (or newer) must be on the PATH — it is run, not reimplemented.
func Backup(ctx context.Context, dsn, file string) error {
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s exists: a backup never overwrites a file", file)
	}
	if IsPostgres(dsn) {
		return run(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file="+file, dsn)
	}
	d, err := Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, `VACUUM INTO '`+strings.ReplaceAll(file, "'", "''")+`'`); err != nil {
		os.Remove(file)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Restore brings a backup made by Backup into dsn, which must be empty: a
// SQLite file that does not exist yet, or a PostgreSQL database (or
// schema) without tables. It never overwrites data; to replace a
// database, restore into a new one and point the servers at it.
func Restore(ctx context.Context, dsn, file string) error {
	if _, err := os.Stat(file); err != nil {
		return err
	}
	if IsPostgres(dsn) {
		d, err := Open(ctx, dsn)
		if err != nil {
			return err
		}
		var n int
		err = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n)
		d.Close()
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("the database already has %d tables: restore into an empty one", n)
		}
		return run(ctx, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname="+dsn, file)
	}
	if _, err := os.Stat(dsn); err == nil {
		return fmt.Errorf("%s exists: restore into a new file", dsn)
	}
	// the backup must be a sound database before it becomes the live one
	b, err := Open(ctx, file)
	if err != nil {
		return err
	}
	var check string
	err = b.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check)
	b.Close()
	if err != nil {
		return err
	}
	if check != "ok" {
		return fmt.Errorf("the backup is damaged: %s", check)
	}
	return copyFile(file, dsn)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(to)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// run runs a PostgreSQL client program, its messages kept for the error.
func run(ctx context.Context, name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s is not installed (Debian: apt-get install postgresql-client): %w", name, err)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%s: %s", name, strings.TrimSpace(out.String()))
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
