// Package db opens the database (embedded SQLite or PostgreSQL), runs the
// migrations of its dialect and runs transactions. Everything above it writes
// portable SQL with $1, $2… placeholders: only the DDL differs by dialect.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// Dialect names the database engine.
type Dialect string

// The two supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// DB is a database handle that knows its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect
	count   *counter // statements sent, when opened with OpenCounting (count.go)
	gens    followed // the generations features follow (generations.go)
	// writers is the queue of write transactions (see Tx): one at a time
	// on SQLite, a quarter of the pool on PostgreSQL.
	writers chan struct{}
	// pool holds PostgreSQL's connections (nil on SQLite): its waiters
	// are served in the order they came, database/sql's are not.
	pool *pgxpool.Pool
}

// Close closes the database and its connections.
func (d *DB) Close() error {
	err := d.DB.Close()
	if d.pool != nil {
		d.pool.Close()
	}
	return err
}

// IsPostgres tells whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens a database: a postgres:// URL, or else the path of a SQLite file.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return open(ctx, dsn, nil)
}

// postgresConns is the size of PostgreSQL's pool unless the URL says
// otherwise (pool_max_conns=N).
const postgresConns = 16

// postgresWriters is how many of the pool's connections write
// transactions may hold at once on PostgreSQL (at least one): see Tx.
func postgresWriters(conns int32) int { return max(1, int(conns)/4) }

// configure sizes the connection pool. For SQLite, WAL lets readers run
// beside the one writer; more connections than cores buys nothing for an
// in-process engine. PostgreSQL's connections are pgxpool's (open): each
// statement or transaction takes one from it and gives it back, and
// database/sql keeps none idle and sets no limit of its own, so that a
// request waits only in pgxpool's queue, which is first in, first out.
func configure(d *DB) {
	if d.pool != nil {
		d.SetMaxOpenConns(0)
		d.SetMaxIdleConns(0)
		d.writers = make(chan struct{}, postgresWriters(d.pool.Config().MaxConns))
		return
	}
	n := 8
	d.SetMaxOpenConns(n)
	d.SetMaxIdleConns(n)
	d.writers = make(chan struct{}, 1)
}

// writerWait bounds how long a transaction waits for its turn in the
// writers' queue before it is refused.
const writerWait = 60 * time.Second

// ErrWritersBusy is a write refused after waiting writerWait for its turn.
var ErrWritersBusy = errors.New("database busy: too many writes waiting")

// sqliteDSN adds the pragmas every connection needs. _txlock=immediate makes
// a write transaction take the write lock at BEGIN, so two writers queue on
// busy_timeout instead of failing with SQLITE_BUSY halfway through.
func sqliteDSN(path string) string {
	path = strings.TrimPrefix(path, "sqlite://")
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	return path + sep + q.Encode()
}

func (d *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(d.Dialect))
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	if d.Dialect == Postgres {
		gd = goose.DialectPostgres
	}
	// Features are built on branches side by side and each takes the next
	// free number, so a database migrated by one may lack a lower number
	// that lands later (00018 after 00022): apply it rather than refuse to
	// start. The migrations touch each their own tables, so order between
	// features does not matter.
	return goose.NewProvider(gd, d.DB, sub, goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
}

// Migrate brings the schema up to the newest version and returns the
// versions it applied.
func (d *DB) Migrate(ctx context.Context) ([]int64, error) {
	p, err := d.provider()
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []int64
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// SchemaVersion is the newest migration applied.
func (d *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := d.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Tx runs fn in a transaction, committing if it returns nil and rolling back
// otherwise, so no caller can leave half a write behind.
//
// Write transactions queue here first, in the order they came (a channel's
// waiting senders are served first in, first out), and only a wait of
// writerWait fails.
//
// On SQLite every transaction takes the one write lock at BEGIN, and
// SQLite's busy handler retries waiting writers by sleeping, in no order:
// under load some waited past busy_timeout and failed while later ones went
// through. So they reach BEGIN one at a time.
//
// On PostgreSQL every audited write takes the audit head's row lock, and a
// transaction may read through the pool while it holds its connection (a
// generation, the tree: the plans' task report does). At 500 connections of
// the mixed workload all 16 of the pool's connections were held by writers
// waiting in PostgreSQL for the lock of one that waited for a connection:
// none moved until their clients gave up, a minute later. So writers hold
// at most a quarter of the pool (postgresWriters), and the rest serve the
// reads, theirs included.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	if d.writers != nil {
		t := time.NewTimer(writerWait)
		select {
		case d.writers <- struct{}{}:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("begin: %w", ctx.Err())
		case <-t.C:
			return fmt.Errorf("begin: %w", ErrWritersBusy)
		}
		defer func() { <-d.writers }()
	}
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Querier is what both *sql.DB and *sql.Tx offer, for reads that may run
// inside or outside a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// IsNoRows reports sql.ErrNoRows.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// PoolStats is the connection pool's state in one line, for measuring
// (serve --pprof's /debug/dbstats): connections open, in use and idle, the
// waits for one (how many, their total time) and the write transactions
// under way (see Tx).
func (d *DB) PoolStats() string {
	if d.pool != nil {
		st := d.pool.Stat()
		return fmt.Sprintf("postgres pool: open %d (max %d) in-use %d idle %d acquired %d waits %d wait-total %s cancelled %d writers %d (max %d)",
			st.TotalConns(), st.MaxConns(), st.AcquiredConns(), st.IdleConns(), st.AcquireCount(), st.EmptyAcquireCount(),
			st.EmptyAcquireWaitTime().Round(time.Millisecond), st.CanceledAcquireCount(), len(d.writers), cap(d.writers))
	}
	st := d.Stats()
	return fmt.Sprintf("sqlite pool: open %d (max %d) in-use %d idle %d waits %d wait-total %s writers %d",
		st.OpenConnections, st.MaxOpenConnections, st.InUse, st.Idle, st.WaitCount, st.WaitDuration.Round(time.Millisecond), len(d.writers))
}
