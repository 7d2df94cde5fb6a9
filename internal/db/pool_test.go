package db_test

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
)

// TestPostgresPoolFirstComeFirstServed: more statements waiting for a
// PostgreSQL connection than the pool holds are served in the order they
// came. database/sql gave a freed connection to a waiter chosen at random,
// so under load (500 connections of the mixed workload) some waited until
// their client gave up, a minute, while later ones went through.
func TestPostgresPoolFirstComeFirstServed(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.PostgresDSN(t)+"&pool_max_conns=1")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// the one connection held by a transaction while the waiters queue
	held, release := make(chan struct{}), make(chan struct{})
	txDone := make(chan error, 1)
	go func() {
		txDone <- d.Tx(ctx, func(tx *sql.Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	const waiters = 24
	var mu sync.Mutex
	type turn struct {
		i  int
		at time.Time
	}
	var served []turn
	var wg sync.WaitGroup
	for i := range waiters {
		started := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			close(started)
			// when the one connection ran it, by the database's clock
			var tr turn
			if err := d.QueryRowContext(ctx, `SELECT $1::int, clock_timestamp()`, i).Scan(&tr.i, &tr.at); err != nil {
				t.Errorf("waiter %d: %v", i, err)
				return
			}
			mu.Lock()
			served = append(served, tr)
			mu.Unlock()
		}()
		<-started
		time.Sleep(20 * time.Millisecond) // let it reach the queue before the next comes
	}
	close(release)
	if err := <-txDone; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	slices.SortFunc(served, func(a, b turn) int { return a.at.Compare(b.at) })
	var order, want []int
	for i, tr := range served {
		order, want = append(order, tr.i), append(want, i)
	}
	if !slices.Equal(order, want) {
		t.Errorf("served in the order %v, want the order they came %v", order, want)
	}
	if s := d.PoolStats(); s == "" {
		t.Error("no pool stats")
	}
}

// TestPostgresWritersLeaveConnectionsToRead: write transactions that wait
// for one row's lock, each reading through the pool while it holds its
// connection (as the plans' task report reads a generation). With every
// connection held by a writer waiting for the lock of one that waits for a
// connection, none moved until the requests gave up (PostgreSQL at 500
// connections of the mixed workload, a minute); writers now hold at most a
// quarter of the pool, and all go through.
func TestPostgresWritersLeaveConnectionsToRead(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.PostgresDSN(t)+"&pool_max_conns=4")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, `CREATE TABLE w (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO w (id, n) VALUES (1, 0)`); err != nil {
		t.Fatal(err)
	}
	// a deadlock shows as writers still waiting when this ends
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	const writers = 12
	errs := make(chan error, writers)
	for range writers {
		go func() {
			errs <- d.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `UPDATE w SET n = n + 1 WHERE id = 1`); err != nil {
					return err
				}
				time.Sleep(10 * time.Millisecond) // the others reach the lock meanwhile
				var one int
				return d.QueryRowContext(ctx, `SELECT 1`).Scan(&one) // through the pool, not tx
			})
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Errorf("a writer failed: %v", err)
		}
	}
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT n FROM w WHERE id = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != writers {
		t.Errorf("n = %d, want %d", n, writers)
	}
}
