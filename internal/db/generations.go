package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Generations. A feature that keeps what it read from the database in
// memory (the tree, the indicator definitions, who a session belongs to)
// also keeps a generation row that every change moves, and checks it
// before trusting its copy: that is how a change made through one server is
// seen by all of them. Checked one by one, those single-row reads were most
// of a request's round trips. So a feature names its generation here once
// (Follow), and within a request (see Request) the first Generation call
// reads every followed generation in one query and the others are answered
// from that read.

// Follow names the single-value query that reads a generation. Features
// call it when their service is built; following a name again replaces its
// query.
func (d *DB) Follow(name, query string) {
	d.gens.mu.Lock()
	defer d.gens.mu.Unlock()
	if d.gens.index == nil {
		d.gens.index = map[string]int{}
	}
	if i, ok := d.gens.index[name]; ok && d.gens.queries[i] == query {
		return
	}
	if d.gens.stmt != nil {
		d.gens.stmt.Close()
		d.gens.stmt = nil
	}
	if i, ok := d.gens.index[name]; ok {
		d.gens.queries[i] = query
		return
	}
	d.gens.index[name] = len(d.gens.queries)
	d.gens.queries = append(d.gens.queries, query)
}

type followed struct {
	mu      sync.Mutex
	index   map[string]int
	queries []string
	// stmt is the query of them all, prepared once (parsing it was a third
	// of a cached page's CPU on SQLite), for the queries it was made of.
	stmt  allQuery
	names []string
}

// allQuery is the query of every generation: a prepared statement on
// SQLite; on PostgreSQL the query's text, which pgx prepares once on each
// of its connections (a database/sql statement would be prepared again on
// each connection database/sql takes from pgxpool, every time: see
// configure).
type allQuery interface {
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
	Close() error
}

type textQuery struct {
	d *sql.DB
	q string
}

func (t textQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return t.d.QueryRowContext(ctx, t.q, args...)
}

func (textQuery) Close() error { return nil }

// Generation reads a followed generation (0 when its row is missing): from
// the request's read of them all when ctx is a request's (see Request),
// else on its own.
func (d *DB) Generation(ctx context.Context, name string) (int64, error) {
	d.gens.mu.Lock()
	i, ok := d.gens.index[name]
	var query string
	if ok {
		query = d.gens.queries[i]
	}
	d.gens.mu.Unlock()
	if !ok {
		return 0, fmt.Errorf("generation %q is not followed", name)
	}
	if rd := readsOf(ctx); rd != nil {
		rd.add(name)
	}
	if r, _ := ctx.Value(requestKey{}).(*request); r != nil {
		return r.generation(ctx, d, name)
	}
	var g sql.NullInt64
	if err := d.QueryRowContext(quiet{ctx}, query).Scan(&g); err != nil && !IsNoRows(err) {
		return 0, fmt.Errorf("generation %s: %w", name, err)
	}
	return g.Int64, nil
}

// readAll reads every followed generation in one query.
func (d *DB) readAll(ctx context.Context) (map[string]int64, error) {
	ctx = quiet{ctx} // reading generations is not reading what they guard (see Watch)
	stmt, names, err := d.allStmt(ctx)
	if err != nil {
		return nil, err
	}
	vals := make([]sql.NullInt64, len(names))
	dest := make([]any, len(names))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := stmt.QueryRowContext(ctx).Scan(dest...); err != nil {
		return nil, fmt.Errorf("generations: %w", err)
	}
	out := make(map[string]int64, len(names))
	for i, n := range names {
		out[n] = vals[i].Int64
	}
	return out, nil
}

// allStmt is the prepared query of every followed generation and their
// names in its order; prepared again when a generation is followed or its
// query replaced (Follow resets it).
func (d *DB) allStmt(ctx context.Context) (allQuery, []string, error) {
	g := &d.gens
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stmt != nil {
		return g.stmt, g.names, nil
	}
	names := make([]string, len(g.queries))
	for n, i := range g.index {
		names[i] = n
	}
	cols := make([]string, len(g.queries))
	for i, q := range g.queries {
		cols[i] = "(" + q + ")"
	}
	query := "SELECT " + strings.Join(cols, ", ")
	if d.pool != nil {
		g.stmt, g.names = textQuery{d.DB, query}, names
		return g.stmt, names, nil
	}
	stmt, err := d.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, nil, fmt.Errorf("generations: %w", err)
	}
	g.stmt, g.names = stmt, names
	return stmt, names, nil
}

type requestKey struct{}

// request holds the generations one request has read, per database.
type request struct {
	mu   sync.Mutex
	read map[*DB]map[string]int64
}

func (r *request) generation(ctx context.Context, d *DB, name string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got, ok := r.read[d]
	if !ok {
		var err error
		if got, err = d.readAll(ctx); err != nil {
			return 0, err
		}
		r.read[d] = got
	}
	if g, ok := got[name]; ok {
		return g, nil
	}
	// followed after this request read the others
	g, err := d.Generation(stripRequest{ctx}, name)
	if err == nil {
		got[name] = g
	}
	return g, err
}

// stripRequest hides the request scope, to read one generation on its own.
type stripRequest struct{ context.Context }

func (s stripRequest) Value(k any) any {
	if _, ok := k.(requestKey); ok {
		return nil
	}
	return s.Context.Value(k)
}

// Request marks ctx as one request's that only reads: the generations it
// asks for are read together, once, and then stand for the whole request.
// A request that writes must not use it — it would not see its own changes
// through the caches those generations guard.
func Request(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestKey{}, &request{read: map[*DB]map[string]int64{}})
}

// Stamp is every followed generation (Generations) written as one string:
// two equal stamps mean that nothing any feature guards by a generation
// changed between them. The page cache (internal/web) keys what it keeps
// by it.
func (d *DB) Stamp(ctx context.Context) (string, error) {
	gens, err := d.Generations(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 0, 8*len(gens))
	for i, g := range gens {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, g, 10)
	}
	return string(b), nil
}

// Generations reads every followed generation, in the order they were
// followed: from the request's read of them all when ctx is a request's,
// else in one query. A cache of something computed from several
// features' data (a ranking over indicator figures, registers and the
// tree) keeps it for as long as these are all unchanged.
func (d *DB) Generations(ctx context.Context) ([]int64, error) {
	d.gens.mu.Lock()
	names := make([]string, len(d.gens.queries))
	for n, i := range d.gens.index {
		names[i] = n
	}
	d.gens.mu.Unlock()
	if rd := readsOf(ctx); rd != nil {
		rd.readAll()
	}
	out := make([]int64, len(names))
	if r, _ := ctx.Value(requestKey{}).(*request); r != nil {
		for i, n := range names {
			g, err := r.generation(ctx, d, n)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	}
	all, err := d.readAll(ctx)
	if err != nil {
		return nil, err
	}
	for i, n := range names {
		out[i] = all[n]
	}
	return out, nil
}
