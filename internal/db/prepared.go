package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Prepared is a query whose text never changes, parsed once. SQLite's
// driver parses a query's text again at every QueryContext (it prepares
// and finalizes a statement each time): for a common page's own query that
// parse was a third of its database time (issue 14, h17people). On SQLite
// it is a statement prepared at its first use (database/sql prepares it
// again on each connection it runs on, once); on PostgreSQL the text,
// which pgx prepares once on each of its connections (a database/sql
// statement would be prepared again on each connection database/sql takes
// from pgxpool, every time: see configure, and allQuery).
//
// A feature keeps its Prepared for as long as its service lives: one
// statement on each connection (8 on SQLite) for each, so the text must
// be fixed — parameters, never values written into it.
type Prepared struct {
	d    *DB
	text string
	mu   sync.Mutex
	stmt *sql.Stmt // SQLite's, once prepared
}

// Prepare names a query to be prepared at its first use.
func (d *DB) Prepare(query string) *Prepared {
	return &Prepared{d: d, text: query}
}

// QueryContext runs the query with args.
func (p *Prepared) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	if p.d.pool != nil {
		return p.d.QueryContext(ctx, p.text, args...)
	}
	p.mu.Lock()
	if p.stmt == nil {
		// prepared outside the request's cancellation: the statement
		// outlives it
		st, err := p.d.PrepareContext(context.WithoutCancel(ctx), p.text)
		if err != nil {
			p.mu.Unlock()
			return nil, fmt.Errorf("prepare: %w", err)
		}
		p.stmt = st
	}
	st := p.stmt
	p.mu.Unlock()
	return st.QueryContext(ctx, args...)
}
