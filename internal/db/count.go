package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
)

// OpenCounting is Open with every statement counted (see Statements): the
// tests that hold a request to its number of database round trips use it.
func OpenCounting(ctx context.Context, dsn string) (*DB, error) {
	return open(ctx, dsn, &counter{})
}

// open opens dsn through the connection wrapper, which notes each
// statement in a watched context (see Watch) and counts it when n is not
// nil.
func open(ctx context.Context, dsn string, n *counter) (*DB, error) {
	var base driver.Connector
	var dialect Dialect
	var pool *pgxpool.Pool
	if IsPostgres(dsn) {
		// database/sql hands a freed connection to a waiter chosen at
		// random: under load some waited a minute while later ones went
		// through. pgxpool serves its waiters first come, first served;
		// database/sql then keeps no connection of its own (configure).
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		if !strings.Contains(dsn, "pool_max_conns") {
			cfg.MaxConns = postgresConns
		}
		if pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		base, dialect = stdlib.GetPoolConnector(pool), Postgres
	} else {
		base, dialect = dsnConnector{&sqlite.Driver{}, sqliteDSN(dsn)}, SQLite
	}
	d := &DB{DB: sql.OpenDB(countingConnector{base, n}), Dialect: dialect, count: n, pool: pool}
	configure(d)
	if err := d.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect %s: %w", d.Dialect, err)
	}
	return d, nil
}

// Statements is how many statements (queries, executions, preparations,
// begins and ends of transactions) the database was sent since it was
// opened with OpenCounting, and the text of the last few (for a test's
// message); -1 for a database opened with Open.
func (d *DB) Statements() (int64, []string) {
	if d.count == nil {
		return -1, nil
	}
	d.count.mu.Lock()
	defer d.count.mu.Unlock()
	return d.count.n, append([]string(nil), d.count.last...)
}

// counter counts statements and keeps the last few.
type counter struct {
	mu   sync.Mutex
	n    int64
	last []string
}

func (c *counter) Add(q string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if len(c.last) == 16 {
		c.last = c.last[1:]
	}
	c.last = append(c.last, strings.Join(strings.Fields(q), " "))
}

type dsnConnector struct {
	d   driver.Driver
	dsn string
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.d }

type countingConnector struct {
	base driver.Connector
	n    *counter
}

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{conn, c.n}, nil
}

func (c countingConnector) Driver() driver.Driver { return c.base.Driver() }

// countingConn passes everything to the driver's connection, noting (and
// counting, when asked) what reaches the database. A method the driver lacks answers as
// database/sql expects of a driver without it (ErrSkip, or the default).
type countingConn struct {
	driver.Conn
	n *counter // nil: not counted
}

// sent notes a statement: counted, and marked in a watched context.
func (c *countingConn) sent(ctx context.Context, q string) {
	statement(ctx)
	if c.n != nil {
		c.n.Add(q)
	}
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if c.n != nil {
		c.n.Add("PREPARE " + q)
	}
	var st driver.Stmt
	var err error
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		st, err = p.PrepareContext(ctx, q)
	} else {
		st, err = c.Conn.Prepare(q)
	}
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, conn: c, q: q}, nil
}

// countingStmt counts each execution of a prepared statement (its
// preparation is counted by the connection).
type countingStmt struct {
	driver.Stmt
	conn *countingConn
	q    string
}

func values(args []driver.NamedValue) []driver.Value {
	v := make([]driver.Value, len(args))
	for i, a := range args {
		v[i] = a.Value
	}
	return v
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.conn.sent(ctx, s.q)
	if qc, ok := s.Stmt.(driver.StmtQueryContext); ok {
		return qc.QueryContext(ctx, args)
	}
	return s.Stmt.Query(values(args)) //nolint:staticcheck // the driver offers nothing else
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.conn.sent(ctx, s.q)
	if ec, ok := s.Stmt.(driver.StmtExecContext); ok {
		return ec.ExecContext(ctx, args)
	}
	return s.Stmt.Exec(values(args)) //nolint:staticcheck // the driver offers nothing else
}

// CheckNamedValue asks the statement's driver, else the connection's (as
// database/sql would without the wrapper).
func (s *countingStmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return s.conn.CheckNamedValue(nv)
}

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.sent(ctx, q)
	return qc.QueryContext(ctx, q, args)
}

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	c.sent(ctx, q)
	return ec.ExecContext(ctx, q, args)
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.sent(ctx, "BEGIN")
	var tx driver.Tx
	var err error
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		tx, err = c.Conn.Begin() //nolint:staticcheck // the driver offers nothing else
	}
	if err != nil {
		return nil, err
	}
	return countingTx{tx, c.n}, nil
}

func (c *countingConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *countingConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *countingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// DriverConn is the driver's own connection behind what sql.Conn.Raw
// hands over (which is the counting wrapper's on a counted database).
func DriverConn(dc any) any {
	if c, ok := dc.(*countingConn); ok {
		return c.Conn
	}
	return dc
}

type countingTx struct {
	driver.Tx
	n *counter
}

func (t countingTx) Commit() error {
	if t.n != nil {
		t.n.Add("COMMIT")
	}
	return t.Tx.Commit()
}

func (t countingTx) Rollback() error {
	if t.n != nil {
		t.n.Add("ROLLBACK")
	}
	return t.Tx.Rollback()
}
