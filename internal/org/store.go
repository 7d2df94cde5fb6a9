package org

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
	"unique"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// load reads the whole tree from its tables: the truth, which a stored
// snapshot (stored.go) only stands in for. The lineage and the events are
// read in a fixed order, so that every read of one tree gives the same
// snapshot.
func load(ctx context.Context, q db.Querier) (*Snapshot, error) {
	var gen int64
	if err := q.QueryRowContext(ctx, `SELECT generation FROM tree_state WHERE id = 1`).Scan(&gen); err != nil {
		return nil, fmt.Errorf("tree generation: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, unit_id, valid_from, valid_to, code, name, name_folded,
		level, kind, COALESCE(parent_id, 0), path, COALESCE(event_id, 0) FROM unit_versions`)
	if err != nil {
		return nil, fmt.Errorf("load versions: %w", err)
	}
	// every version in one array and every code and path in one string
	// (as a stored snapshot holds them, stored.go): three objects for the
	// collector to mark instead of 240,000 (issue 14, h16gc)
	var slab []Version
	var text []byte
	type window struct{ code, path [2]int32 }
	var at []window
	for rows.Next() {
		var v Version
		var code, path string
		if err := rows.Scan(&v.ID, &v.UnitID, &v.From, &v.To, &code, &v.Name, &v.Folded,
			&v.Level, &v.Kind, &v.ParentID, &path, &v.EventID); err != nil {
			rows.Close()
			return nil, err
		}
		// the national tree's 80,000 versions have 10,536 names, 16 kinds:
		// each is held once, as a stored snapshot holds them (stored.go)
		v.Name, v.Folded, v.Kind = unique.Make(v.Name).Value(), unique.Make(v.Folded).Value(), unique.Make(v.Kind).Value()
		v.Level = Level(unique.Make(string(v.Level)).Value())
		var w window
		w.code[0] = int32(len(text))
		text = append(text, code...)
		w.code[1], w.path[0] = int32(len(text)), int32(len(text))
		text = append(text, path...)
		w.path[1] = int32(len(text))
		slab = append(slab, v)
		at = append(at, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slab = slices.Clone(slab) // at its length
	all := string(text)
	versions := make([]*Version, len(slab))
	for i := range slab {
		v := &slab[i]
		v.Code, v.Path = all[at[i].code[0]:at[i].code[1]], all[at[i].path[0]:at[i].path[1]]
		versions[i] = v
	}
	links, err := loadLinks(ctx, q)
	if err != nil {
		return nil, err
	}
	events, err := loadEvents(ctx, q)
	if err != nil {
		return nil, err
	}
	return newSnapshot(gen, versions, links, events), nil
}

func loadLinks(ctx context.Context, q db.Querier) ([]Link, error) {
	rows, err := q.QueryContext(ctx, `SELECT predecessor_id, successor_id, event_id, share, fraction FROM unit_lineage
		ORDER BY predecessor_id, successor_id`)
	if err != nil {
		return nil, fmt.Errorf("load lineage: %w", err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		var l Link
		var f sql.NullFloat64
		if err := rows.Scan(&l.PredecessorID, &l.SuccessorID, &l.EventID, &l.Share, &f); err != nil {
			return nil, err
		}
		if f.Valid {
			l.Fraction = &f.Float64
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func loadEvents(ctx context.Context, q db.Querier) ([]*Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, effective_date, legal_basis, note, COALESCE(actor_id, 0), created_at FROM unit_events
		ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("load events: %w", err)
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		e := &Event{}
		if err := rows.Scan(&e.ID, &e.Kind, &e.Effective, &e.LegalBasis, &e.Note, &e.ActorID, &e.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// writer applies one change to the tree inside a transaction and collects
// the audit entries that describe it, so they are written in the same
// transaction.
type writer struct {
	ctx     context.Context
	tx      *sql.Tx
	now     time.Time
	event   *Event
	entries []audit.Entry

	insUnit, insVersion, closeVersion, insLink *sql.Stmt
}

func newWriter(ctx context.Context, tx *sql.Tx, now time.Time, ev Event, actorID int64) (*writer, error) {
	w := &writer{ctx: ctx, tx: tx, now: now}
	ev.CreatedAt = now
	ev.ActorID = actorID
	err := tx.QueryRowContext(ctx, `INSERT INTO unit_events (kind, effective_date, legal_basis, note, actor_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		ev.Kind, ev.Effective, ev.LegalBasis, ev.Note, nullInt(actorID), now).Scan(&ev.ID)
	if err != nil {
		return nil, fmt.Errorf("insert event: %w", err)
	}
	w.event = &ev
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	w.insUnit = prep(`INSERT INTO units (created_at) VALUES ($1) RETURNING id`)
	w.insVersion = prep(`INSERT INTO unit_versions (unit_id, valid_from, valid_to, code, name, name_folded, level, kind, parent_id, path, event_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`)
	w.closeVersion = prep(`UPDATE unit_versions SET valid_to = $1 WHERE id = $2`)
	w.insLink = prep(`INSERT INTO unit_lineage (predecessor_id, successor_id, event_id, share, fraction)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (predecessor_id, successor_id) DO NOTHING`)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return w, nil
}

func (w *writer) close() {
	for _, st := range []*sql.Stmt{w.insUnit, w.insVersion, w.closeVersion, w.insLink} {
		if st != nil {
			st.Close()
		}
	}
}

func nullInt(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// newUnit creates a unit with its first version from the event's date.
// v.Path must hold the parent's path; the unit's own id is appended here.
func (w *writer) newUnit(v *Version, action string) error {
	if err := w.insUnit.QueryRowContext(w.ctx, w.now).Scan(&v.UnitID); err != nil {
		return fmt.Errorf("insert unit: %w", err)
	}
	v.Path = childPath(v.Path, v.UnitID)
	if err := w.insertVersion(v); err != nil {
		return err
	}
	w.entries = append(w.entries, audit.Entry{Action: action, Entity: "unit", EntityID: fmt.Sprint(v.UnitID),
		UnitID: v.UnitID, After: v})
	return nil
}

func (w *writer) insertVersion(v *Version) error {
	v.Folded = locale.Fold(v.Name)
	v.EventID = w.event.ID
	if v.To.IsZero() {
		v.To = day.Forever
	}
	err := w.insVersion.QueryRowContext(w.ctx, v.UnitID, v.From, v.To, v.Code, v.Name, v.Folded, v.Level, v.Kind,
		nullInt(v.ParentID), v.Path, v.EventID).Scan(&v.ID)
	if err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	return nil
}

// end closes version old at the event's date: the unit ends there, unless
// a successor version is inserted by the caller.
func (w *writer) end(old *Version) error {
	if _, err := w.closeVersion.ExecContext(w.ctx, w.event.Effective, old.ID); err != nil {
		return fmt.Errorf("close version: %w", err)
	}
	return nil
}

// replace ends old at the event's date and continues the same unit with
// next, recording the change under action. A change on the very day the
// version began replaces it, since a version cannot last zero days.
func (w *writer) replace(old *Version, next Version, action string) (*Version, error) {
	next.ID = 0
	next.UnitID = old.UnitID
	next.From = w.event.Effective
	next.To = old.To
	if old.From.Equal(w.event.Effective) {
		if _, err := w.tx.ExecContext(w.ctx, `DELETE FROM unit_versions WHERE id = $1`, old.ID); err != nil {
			return nil, fmt.Errorf("replace version: %w", err)
		}
	} else if err := w.end(old); err != nil {
		return nil, err
	}
	if err := w.insertVersion(&next); err != nil {
		return nil, err
	}
	before := *old
	before.To = w.event.Effective
	w.entries = append(w.entries, audit.Entry{Action: action, Entity: "unit", EntityID: fmt.Sprint(old.UnitID),
		UnitID: old.UnitID, Before: &before, After: &next})
	return &next, nil
}

// dissolve ends a unit at the event's date.
func (w *writer) dissolve(old *Version, action string) error {
	if err := w.end(old); err != nil {
		return err
	}
	after := *old
	after.To = w.event.Effective
	w.entries = append(w.entries, audit.Entry{Action: action, Entity: "unit", EntityID: fmt.Sprint(old.UnitID),
		UnitID: old.UnitID, Before: old, After: &after})
	return nil
}

// link records lineage from pred to succ, and reports whether it was new.
func (w *writer) link(pred, succ int64, share Share, fraction *float64) (bool, error) {
	var f any
	if fraction != nil {
		f = *fraction
	}
	res, err := w.insLink.ExecContext(w.ctx, pred, succ, w.event.ID, share, f)
	if err != nil {
		return false, fmt.Errorf("insert lineage: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil // recorded by an earlier run of the same import
	}
	l := Link{PredecessorID: pred, SuccessorID: succ, EventID: w.event.ID, Share: share, Fraction: fraction}
	w.entries = append(w.entries, audit.Entry{Action: "unit.lineage", Entity: "unit", EntityID: fmt.Sprint(succ),
		UnitID: succ, After: l})
	return true, nil
}

// finish bumps the tree generation (so every server reloads its tree) and
// writes the audit entries.
func (w *writer) finish(log *audit.Log, who audit.Who) error {
	if _, err := w.tx.ExecContext(w.ctx, `UPDATE tree_state SET generation = generation + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("bump generation: %w", err)
	}
	w.entries = append(w.entries, audit.Entry{Action: "unit_event." + string(w.event.Kind), Entity: "unit_event",
		EntityID: fmt.Sprint(w.event.ID), After: w.event})
	return log.Write(w.ctx, w.tx, who, w.entries...)
}
