package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/db"
)

// BulkValue is one value of a bulk load (demo data, the synthetic national
// dataset): written straight to the table, without the form's checks.
type BulkValue struct {
	Indicator int64
	Period    string
	Unit      int64
	Value     float64
	Status    Status
	// At is when it was entered (before its report was submitted, so that
	// its provenance tells the order things happened in); zero: the load.
	At time.Time
}

// BulkSubmission is one report of a bulk load.
type BulkSubmission struct {
	Form        int64
	Unit        int64
	Period      string
	Status      Status
	SubmittedAt time.Time // zero for a draft
}

// Bulk writes values and submissions fast, in large transactions (COPY on
// PostgreSQL), then bumps every touched cell's generation and records one
// audit entry per batch saying what was loaded and by whom. It is for
// loading demo data and generated datasets, not for people's entries.
type Bulk struct {
	s      *Service
	ctx    context.Context
	who    audit.Who
	source string
	now    time.Time

	vals  []BulkValue
	subs  []BulkSubmission
	cells map[cellKey]bool
	Count int64 // values written so far
}

// NewBulk starts a bulk load; source names it in the values ("demo", "gen").
func (s *Service) NewBulk(ctx context.Context, who audit.Who, source string) *Bulk {
	return &Bulk{s: s, ctx: ctx, who: who, source: source, now: s.now().UTC(), cells: map[cellKey]bool{}}
}

// bulkBatch is how many values go to the database at once.
const bulkBatch = 50000

// Value queues a value.
func (b *Bulk) Value(v BulkValue) error {
	b.vals = append(b.vals, v)
	b.cells[cellKey{v.Indicator, v.Period}] = true
	if len(b.vals) >= bulkBatch {
		return b.flush()
	}
	return nil
}

// Submission queues a report.
func (b *Bulk) Submission(s BulkSubmission) error {
	b.subs = append(b.subs, s)
	if len(b.subs) >= bulkBatch {
		return b.flush()
	}
	return nil
}

func (b *Bulk) flush() error {
	if len(b.vals) == 0 && len(b.subs) == 0 {
		return nil
	}
	var err error
	if b.s.db.Dialect == db.Postgres {
		err = b.copyPostgres()
	} else {
		err = b.insertSQLite()
	}
	if err != nil {
		return err
	}
	b.Count += int64(len(b.vals))
	b.vals, b.subs = b.vals[:0], b.subs[:0]
	return nil
}

// entered is when a value was entered: its own time, else the load's.
func (b *Bulk) entered(v BulkValue) time.Time {
	if v.At.IsZero() {
		return b.now
	}
	return v.At.UTC()
}

func (b *Bulk) subRow(s BulkSubmission) []any {
	var first, at any
	if !s.SubmittedAt.IsZero() {
		first, at = s.SubmittedAt, s.SubmittedAt
	}
	var reviewed any
	if s.Status == Approved || s.Status == Returned {
		reviewed = s.SubmittedAt.Add(48 * time.Hour)
	}
	return []any{s.Form, s.Unit, s.Period, string(s.Status), first, at, reviewed, "", b.now}
}

func (b *Bulk) insertSQLite() error {
	return b.s.db.Tx(b.ctx, func(tx *sql.Tx) error {
		const per = 100
		insert := func(prefix string, cols int, rows [][]any) error {
			var stmt *sql.Stmt
			for i := 0; i < len(rows); i += per {
				chunk := rows[i:min(i+per, len(rows))]
				var q strings.Builder
				q.WriteString(prefix)
				args := make([]any, 0, len(chunk)*cols)
				for j, r := range chunk {
					if j > 0 {
						q.WriteByte(',')
					}
					q.WriteByte('(')
					for k := range cols {
						if k > 0 {
							q.WriteByte(',')
						}
						// "?", not "$n": SQLite looks a numbered parameter up by
						// name in a list, when parsing and when binding, which
						// made a 700-parameter statement quadratic (half the
						// load's CPU)
						q.WriteByte('?')
					}
					q.WriteByte(')')
					args = append(args, r...)
				}
				var err error
				if len(chunk) == per {
					if stmt == nil {
						if stmt, err = tx.PrepareContext(b.ctx, q.String()); err != nil {
							return err
						}
						defer stmt.Close()
					}
					_, err = stmt.ExecContext(b.ctx, args...)
				} else {
					_, err = tx.ExecContext(b.ctx, q.String(), args...)
				}
				if err != nil {
					return fmt.Errorf("bulk insert: %w", err)
				}
			}
			return nil
		}
		rows := make([][]any, len(b.vals))
		for i, v := range b.vals {
			rows[i] = []any{v.Indicator, v.Period, v.Unit, v.Value, int(v.Status.valueStatus()), b.source, b.entered(v)}
		}
		if err := insert(`INSERT INTO indicator_values (indicator_id, period, unit_id, value, status, source, updated_at) VALUES `, 7, rows); err != nil {
			return err
		}
		rows = rows[:0]
		for _, s := range b.subs {
			rows = append(rows, b.subRow(s))
		}
		return insert(`INSERT INTO submissions (form_id, unit_id, period, status, first_submitted_at, submitted_at, reviewed_at, review_comment, updated_at) VALUES `, 9, rows)
	})
}

func (b *Bulk) copyPostgres() error {
	conn, err := b.s.db.Conn(b.ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := db.DriverConn(dc).(*stdlib.Conn).Conn()
		tx, err := pc.Begin(b.ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(b.ctx)
		if len(b.vals) > 0 {
			rows := make([][]any, len(b.vals))
			for i, v := range b.vals {
				rows[i] = []any{v.Indicator, v.Period, v.Unit, v.Value, int32(v.Status.valueStatus()), b.source, b.entered(v)}
			}
			if _, err := tx.CopyFrom(b.ctx, pgx.Identifier{"indicator_values"},
				[]string{"indicator_id", "period", "unit_id", "value", "status", "source", "updated_at"}, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("copy values: %w", err)
			}
		}
		if len(b.subs) > 0 {
			rows := make([][]any, len(b.subs))
			for i, s := range b.subs {
				rows[i] = b.subRow(s)
			}
			if _, err := tx.CopyFrom(b.ctx, pgx.Identifier{"submissions"},
				[]string{"form_id", "unit_id", "period", "status", "first_submitted_at", "submitted_at", "reviewed_at", "review_comment", "updated_at"},
				pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("copy submissions: %w", err)
			}
		}
		return tx.Commit(b.ctx)
	})
}

// Close writes what is queued, moves the generation of every touched cell
// (so every server reloads them) and records the load in the audit log.
func (b *Bulk) Close() error {
	if err := b.flush(); err != nil {
		return err
	}
	keys := make([]cellKey, 0, len(b.cells))
	for k := range b.cells {
		keys = append(keys, k)
	}
	err := b.s.db.Tx(b.ctx, func(tx *sql.Tx) error {
		if err := movedReports(b.ctx, tx); err != nil { // the reports loaded
			return err
		}
		if _, err := bump(b.ctx, tx, 0, valuesPeriod); err != nil {
			return err
		}
		for _, k := range keys {
			if _, err := bump(b.ctx, tx, k.ind, k.period); err != nil {
				return err
			}
		}
		return b.s.audit.Write(b.ctx, tx, b.who, audit.Entry{Action: "indicator_value.bulk_load", Entity: "indicator_value", EntityID: b.source,
			After: map[string]any{"source": b.source, "values": b.Count, "cells": len(keys)}})
	})
	if err != nil {
		return err
	}
	b.s.eng.forget(keys)
	return nil
}
