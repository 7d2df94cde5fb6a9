package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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
	d.gens.set = nil
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
	// of a cached page's CPU on SQLite), for the queries it was made of
	// (set: their names in its order).
	stmt allQuery
	set  *genSet
}

// genSet is the names of the generations one query of them all reads, in
// its order, with each one's place: made once for each list of followed
// generations and shared by every read of it (never changed).
type genSet struct {
	names []string
	index map[string]int
}

// Gens is one read of every followed generation: a request reads them all
// in one query, once, and every generation the request asks for is taken
// from that read. Reading one costs no allocation (the names are shared
// by every read of the same list, the values are a slice).
type Gens struct {
	set  *genSet
	vals []int64
}

// Get is the generation name had in this read; false when it was followed
// after the read.
func (g Gens) Get(name string) (int64, bool) {
	if g.set == nil {
		return 0, false
	}
	i, ok := g.set.index[name]
	if !ok {
		return 0, false
	}
	return g.vals[i], true
}

// Len is the number of generations read.
func (g Gens) Len() int { return len(g.vals) }

// Each calls fn with each generation read and its value, in the order
// they were followed.
func (g Gens) Each(fn func(name string, gen int64)) {
	for i, v := range g.vals {
		fn(g.set.names[i], v)
	}
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
func (d *DB) readAll(ctx context.Context) (Gens, error) {
	ctx = quiet{ctx} // reading generations is not reading what they guard (see Watch)
	stmt, set, err := d.allStmt(ctx)
	if err != nil {
		return Gens{}, err
	}
	// a missing row is 0 (COALESCE in the query): scanned into the values
	// themselves, through pointers kept in a pooled slice
	vals := make([]int64, len(set.names))
	dp := scanDests.Get().(*[]any)
	dest := (*dp)[:0]
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	err = stmt.QueryRowContext(ctx).Scan(dest...)
	clear(dest)
	*dp = dest
	scanDests.Put(dp)
	if err != nil {
		return Gens{}, fmt.Errorf("generations: %w", err)
	}
	return Gens{set: set, vals: vals}, nil
}

var scanDests = sync.Pool{New: func() any { return new([]any) }}

// allStmt is the prepared query of every followed generation and their
// names in its order; prepared again when a generation is followed or its
// query replaced (Follow resets it).
func (d *DB) allStmt(ctx context.Context) (allQuery, *genSet, error) {
	g := &d.gens
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stmt != nil {
		return g.stmt, g.set, nil
	}
	set := &genSet{names: make([]string, len(g.queries)), index: make(map[string]int, len(g.queries))}
	for n, i := range g.index {
		set.names[i], set.index[n] = n, i
	}
	cols := make([]string, len(g.queries))
	for i, q := range g.queries {
		// a short column name: SQLite's driver copies each column's name
		// at every query, and without one the name is the query's text
		cols[i] = "COALESCE((" + q + "), 0) AS g" + strconv.Itoa(i)
	}
	query := "SELECT " + strings.Join(cols, ", ")
	if d.pool != nil {
		g.stmt, g.set = textQuery{d.DB, query}, set
		return g.stmt, set, nil
	}
	stmt, err := d.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, nil, fmt.Errorf("generations: %w", err)
	}
	g.stmt, g.set = stmt, set
	return stmt, set, nil
}

type requestKey struct{}

// request holds the generations one request has read, per database (one
// in the server: kept apart from the others' map, which is then not made).
type request struct {
	mu    sync.Mutex
	db    *DB
	gens  Gens
	other map[*DB]Gens
	later map[string]int64 // followed after the request read the others (db's)
}

// all is the request's read of every generation of d, made at the first ask.
func (r *request) all(ctx context.Context, d *DB) (Gens, error) {
	if r.db == d {
		return r.gens, nil
	}
	if g, ok := r.other[d]; ok {
		return g, nil
	}
	g, err := d.readAll(ctx)
	if err != nil {
		return Gens{}, err
	}
	switch {
	case r.db == nil:
		r.db, r.gens = d, g
	case r.other == nil:
		r.other = map[*DB]Gens{d: g}
	default:
		r.other[d] = g
	}
	return g, nil
}

func (r *request) generation(ctx context.Context, d *DB, name string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got, err := r.all(ctx, d)
	if err != nil {
		return 0, err
	}
	if g, ok := got.Get(name); ok {
		return g, nil
	}
	if g, ok := r.later[name]; ok && r.db == d {
		return g, nil
	}
	// followed after this request read the others
	g, err := d.Generation(stripRequest{ctx}, name)
	if err == nil && r.db == d {
		if r.later == nil {
			r.later = map[string]int64{}
		}
		r.later[name] = g
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
	return context.WithValue(ctx, requestKey{}, &request{})
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
	if rd := readsOf(ctx); rd != nil {
		rd.readAll()
	}
	all, err := d.gensOf(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(all.vals), nil
}

// gensOf is every followed generation as now followed: the request's read
// when ctx is a request's and nothing was followed since, else one query.
func (d *DB) gensOf(ctx context.Context) (Gens, error) {
	r, _ := ctx.Value(requestKey{}).(*request)
	if r == nil {
		return d.readAll(ctx)
	}
	r.mu.Lock()
	got, err := r.all(ctx, d)
	r.mu.Unlock()
	if err != nil {
		return Gens{}, err
	}
	d.gens.mu.Lock()
	n := len(d.gens.queries)
	d.gens.mu.Unlock()
	if got.Len() == n {
		return got, nil
	}
	// followed after the request's read: each one through the request
	d.gens.mu.Lock()
	names := make([]string, n)
	for name, i := range d.gens.index {
		names[i] = name
	}
	d.gens.mu.Unlock()
	set := &genSet{names: names, index: make(map[string]int, n)}
	vals := make([]int64, n)
	for i, name := range names {
		set.index[name] = i
		if vals[i], err = r.generation(ctx, d, name); err != nil {
			return Gens{}, err
		}
	}
	return Gens{set: set, vals: vals}, nil
}
