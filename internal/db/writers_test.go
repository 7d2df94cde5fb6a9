package db_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/db"
)

// TestWritersQueueInOrder: more SQLite write transactions waiting at once
// than busy_timeout (10 s) can hold. SQLite's own busy handler let some of
// them fail with SQLITE_BUSY (seen under the load tool at 200 connections);
// queued in the server, every one goes through, one after the other.
func TestWritersQueueInOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 11 s")
	}
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, `CREATE TABLE w (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	// 24 writers × 0.45 s held = 10.8 s for the last one to wait
	const writers, held = 24, 450 * time.Millisecond
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- d.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO w (n) VALUES ($1)`, i); err != nil {
					return err
				}
				time.Sleep(held)
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a writer failed: %v", err)
		}
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM w`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != writers {
		t.Errorf("%d rows written, want %d", n, writers)
	}

	// a writer whose request has gone stops waiting at once
	release := make(chan struct{})
	go d.Tx(ctx, func(*sql.Tx) error { <-release; return nil })
	time.Sleep(100 * time.Millisecond)
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.Tx(gone, func(*sql.Tx) error { return nil }); err == nil {
		t.Error("a cancelled writer was let in while another held the lock")
	}
	close(release)
}
