package org

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// Service reads and changes the tree. Reads come from an in-memory snapshot
// that is reloaded when another transaction (on any app server) has changed
// the tree; writes go to the database in one transaction each, with their
// audit entries.
type Service struct {
	db    *db.DB
	audit *audit.Log
	now   func() time.Time

	mu   sync.Mutex // one reload at a time
	snap atomic.Pointer[Snapshot]

	hooks []EventHook
}

// EventHook is what another feature does when the tree changes, in the
// event's own transaction: after is the tree with the event applied. The
// plans hand a unit's open tasks to its successor this way, so the
// restructuring and the hand-over are one act, audited together.
type EventHook func(ctx context.Context, tx *sql.Tx, actor *auth.Actor, ev *Event, after *Snapshot) error

// OnEvent adds a hook run by every restructuring event; hooks are added at
// start-up, before the service is used.
func (s *Service) OnEvent(h EventHook) { s.hooks = append(s.hooks, h) }

// NewService makes the tree service. now is the clock.
func NewService(d *db.DB, log *audit.Log, now func() time.Time) *Service {
	d.Follow(treeGeneration, `SELECT generation FROM tree_state WHERE id = 1`)
	return &Service{db: d, audit: log, now: now}
}

// treeGeneration names the tree's generation among those db.Generation reads.
const treeGeneration = "tree"

// Generation is the tree's generation's name, for a feature whose reads
// join the tree's tables (db.Guarded): every write of the tree moves it.
const Generation = treeGeneration

// Today is the current date in Vietnam.
func (s *Service) Today() day.Day { return day.FromTime(s.now().In(locale.Zone)) }

// Snapshot returns the current tree, reloading it if its generation moved.
// The generation check is one indexed single-row read (shared with the
// request's other generation checks, see db.Generation), so every request
// sees changes committed by any server.
func (s *Service) Snapshot(ctx context.Context) (*Snapshot, error) {
	gen, err := s.db.Generation(ctx, treeGeneration)
	if err != nil {
		return nil, err
	}
	if cur := s.snap.Load(); cur != nil && cur.Generation == gen {
		return cur, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.snap.Load(); cur != nil && cur.Generation >= gen {
		return cur, nil
	}
	// the stored snapshot of this generation, if one was kept (a start's
	// read, see StoreSnapshot), else the tables
	fresh, err := loadStored(ctx, s.db, gen)
	if err == nil && fresh == nil {
		fresh, err = load(ctx, s.db)
	}
	if err != nil {
		return nil, err
	}
	s.snap.Store(fresh)
	return fresh, nil
}

// RootEstablished is the date from which the nation root is valid: early
// enough for any history anyone will enter.
var RootEstablished = day.Of(1945, 9, 2)

// EnsureRoot creates the nation (the root every scope hangs from) if the
// database has none, and returns its id.
func (s *Service) EnsureRoot(ctx context.Context) (int64, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return 0, err
	}
	if snap.RootID != 0 {
		return snap.RootID, nil
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := newWriter(ctx, tx, s.now(), Event{Kind: EventEstablish, Effective: RootEstablished,
			Note: "Quốc gia — gốc của cây đơn vị"}, 0)
		if err != nil {
			return err
		}
		defer w.close()
		v := &Version{From: RootEstablished, Code: "VN", Name: "Việt Nam", Level: LevelNation, Kind: "Quốc gia", Path: "/"}
		if err := w.newUnit(v, "unit.establish"); err != nil {
			return err
		}
		id = v.UnitID
		return w.finish(s.audit, audit.System("init"))
	})
	return id, err
}

// Scoped is the tree as one user may see it: every accessor refuses units
// outside the user's scope, so a page or API call built on it cannot leak.
type Scoped struct {
	*Snapshot
	Actor *auth.Actor
}

// For returns the tree scoped to actor.
func (s *Service) For(ctx context.Context, actor *auth.Actor) (*Scoped, error) {
	if !actor.Can(auth.PermRead) {
		return nil, errs.ForbiddenErr()
	}
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return &Scoped{snap, actor}, nil
}

// Check refuses a unit outside the actor's scope (or that never existed).
func (t *Scoped) Check(id int64) error {
	if !t.Exists(id) {
		return errs.NotFoundErr()
	}
	if !t.Covers(t.Actor.ScopeUnitID, id) {
		return errs.ForbiddenErr()
	}
	return nil
}

// Unit is unit id as of d. A unit that existed, but not on d, gives its
// nearest version and ok=false, so the page can say "not in force on d".
func (t *Scoped) Unit(id int64, d day.Day) (v *Version, inForce bool, err error) {
	if err := t.Check(id); err != nil {
		return nil, false, err
	}
	if v := t.At(id, d); v != nil {
		return v, true, nil
	}
	hist := t.History(id)
	for _, h := range hist {
		if d.Before(h.From) {
			return h, false, nil
		}
	}
	return hist[len(hist)-1], false, nil
}

// InScope reports whether v may be shown to the actor.
func (t *Scoped) InScope(id int64) bool { return t.Covers(t.Actor.ScopeUnitID, id) }

// InScopeFunc is InScope for many units (the scope's paths made once).
func (t *Scoped) InScopeFunc() func(id int64) bool { return t.CoversFunc(t.Actor.ScopeUnitID) }

// Search is Snapshot.Search limited to the actor's scope.
func (t *Scoped) Search(q string, d day.Day, limit int) []*Version {
	return t.Snapshot.Search(q, d, t.Actor.ScopeUnitID, limit)
}

// Outside counts the units matching q on d that lie outside the actor's
// scope: a search that finds nothing of theirs can say that a match exists
// elsewhere (not which: that is not theirs to see).
func (t *Scoped) Outside(q string, d day.Day) int {
	n := 0
	for _, v := range t.Snapshot.Search(q, d, t.Snapshot.RootID, 0) {
		if !t.InScope(v.UnitID) {
			n++
		}
	}
	return n
}

// VisibleAncestors splits a unit's ancestors into those the actor may open
// and those shown as plain names only (above the actor's scope).
func (t *Scoped) VisibleAncestors(id int64, d day.Day) (all []*Version, openable []bool) {
	all = t.Ancestors(id, d)
	openable = make([]bool, len(all))
	for i, a := range all {
		openable[i] = t.InScope(a.UnitID)
	}
	return all, openable
}

// Lineage is a link with the unit on its far side, for display.
type Lineage struct {
	Link
	Other   *Version // the other unit's version nearest the event
	Event   *Event
	Visible bool // the other unit is inside the actor's scope
}

// LineageOf returns where unit id came from and what it became.
func (t *Scoped) LineageOf(id int64) (preds, succs []Lineage) {
	for _, l := range t.Predecessors(id) {
		preds = append(preds, t.lineage(l, l.PredecessorID))
	}
	for _, l := range t.Successors(id) {
		succs = append(succs, t.lineage(l, l.SuccessorID))
	}
	return preds, succs
}

func (t *Scoped) lineage(l Link, other int64) Lineage {
	ev := t.Event(l.EventID)
	lin := Lineage{Link: l, Event: ev, Visible: t.InScope(other)}
	if ev != nil {
		// the predecessor as it was the day before, the successor as it began
		if lin.Other = t.At(other, ev.Effective.AddDays(-1)); other == l.SuccessorID || lin.Other == nil {
			lin.Other = t.At(other, ev.Effective)
		}
	}
	if lin.Other == nil {
		lin.Other = t.Latest(other)
	}
	return lin
}

// Covers reports whether target lies in scope's subtree at any time; it
// lets the account service check scopes without importing this package.
func (s *Service) Covers(ctx context.Context, scope, target int64) (bool, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return false, err
	}
	return snap.Exists(target) && snap.Covers(scope, target), nil
}

// UnitExists reports whether a unit exists at any time.
func (s *Service) UnitExists(ctx context.Context, id int64) (bool, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return false, err
	}
	return snap.Exists(id), nil
}

// AuditQuery is the change-log query the actor may run: about one unit in
// scope, or about every unit ever in their subtree (everything for a
// national scope).
func (t *Scoped) AuditQuery(unit int64) (audit.Query, error) {
	q := audit.Query{Limit: 50}
	if !t.Actor.Can(auth.PermReadAudit) {
		return q, errs.ForbiddenErr()
	}
	if unit != 0 {
		if err := t.Check(unit); err != nil {
			return q, err
		}
		q.UnitIDs = []int64{unit}
		return q, nil
	}
	if t.Actor.ScopeUnitID != t.RootID {
		q.UnitIDs = t.UnitsUnder(t.Actor.ScopeUnitID)
		if len(q.UnitIDs) == 0 {
			q.UnitIDs = []int64{t.Actor.ScopeUnitID}
		}
	}
	return q, nil
}
