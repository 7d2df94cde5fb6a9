package org

import (
	"context"
	"database/sql"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// Change is what every restructuring act carries: when it takes effect and
// the document that decided it.
type Change struct {
	Effective  day.Day `json:"effective_date"`
	LegalBasis string  `json:"legal_basis"` // e.g. "1656/NQ-UBTVQH15"
	Note       string  `json:"note"`
}

// UnitSpec describes a unit to create.
type UnitSpec struct {
	ParentID int64  `json:"parent_id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Level    Level  `json:"level"`
	Kind     string `json:"kind"`
}

// EstablishInput creates a unit.
type EstablishInput struct {
	Change
	UnitSpec
}

// RenameInput changes a unit's name, code or kind.
type RenameInput struct {
	Change
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Code   string `json:"code"`
	Kind   string `json:"kind"`
}

// MoveInput hangs a unit (with its subtree) under another parent.
type MoveInput struct {
	Change
	UnitID   int64 `json:"unit_id"`
	ParentID int64 `json:"parent_id"`
}

// MergeInput joins units: into one of them (IntoID) or into a new unit (New).
// Their sub-units move to the result.
type MergeInput struct {
	Change
	UnitIDs []int64   `json:"unit_ids"`
	IntoID  int64     `json:"into_id,omitempty"`
	New     *UnitSpec `json:"new,omitempty"`
}

// SplitPart is one unit a split creates, with the share of the original
// that it takes (0 < fraction ≤ 1; empty if not known).
type SplitPart struct {
	UnitSpec
	Fraction *float64 `json:"fraction,omitempty"`
}

// SplitInput divides a unit into new ones. With Keep the original goes on
// (part of it split off); otherwise it ends and its sub-units move to the
// first part.
type SplitInput struct {
	Change
	UnitID int64       `json:"unit_id"`
	Parts  []SplitPart `json:"parts"`
	Keep   bool        `json:"keep"`
}

// DissolveInput ends a unit. It must have no sub-units left on that date.
type DissolveInput struct {
	Change
	UnitID int64 `json:"unit_id"`
}

// edit runs one restructuring act: checks the actor may edit the tree,
// loads the current snapshot and applies fn in a transaction with audit.
func (s *Service) edit(ctx context.Context, actor *auth.Actor, kind EventKind, c Change,
	fn func(snap *Snapshot, w *writer) error) (*Event, error) {
	if !actor.Can(auth.PermEditTree) && !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	if c.Effective.IsZero() {
		return nil, errs.Invalidf("org.err.date_required").At(0, "effective_date")
	}
	c.LegalBasis = locale.CleanString(c.LegalBasis)
	c.Note = locale.CleanString(c.Note)
	var ev *Event
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Read the tree inside the transaction, which holds the write lock
		// (SQLite) or, through the generation row, serialises tree edits
		// (PostgreSQL), so validation sees what the write will change.
		if _, err := tx.ExecContext(ctx, `UPDATE tree_state SET generation = generation WHERE id = 1`); err != nil {
			return err
		}
		snap, err := load(ctx, tx)
		if err != nil {
			return err
		}
		w, err := newWriter(ctx, tx, s.now(), Event{Kind: kind, Effective: c.Effective, LegalBasis: c.LegalBasis, Note: c.Note}, actor.UserID)
		if err != nil {
			return err
		}
		defer w.close()
		if err := fn(snap, w); err != nil {
			return err
		}
		if len(s.hooks) > 0 {
			after, err := load(ctx, tx)
			if err != nil {
				return err
			}
			for _, h := range s.hooks {
				if err := h(ctx, tx, actor, w.event, after); err != nil {
					return err
				}
			}
		}
		ev = w.event
		return w.finish(s.audit, actor.Who())
	})
	return ev, err
}

// MayEdit reports whether the actor's role may change units of level l:
// restructuring is the coordinators' work, but a commune's focal person
// keeps the commune's villages (thôn, tổ dân phố) up to date.
func MayEdit(actor *auth.Actor, l Level) bool {
	return actor.Can(auth.PermEditTree) || (l == LevelVillage && actor.Can(auth.PermEnterData))
}

// editable returns the version of id in force on d if the actor may change it.
func editable(snap *Snapshot, actor *auth.Actor, id int64, d day.Day, field string) (*Version, error) {
	if !snap.Exists(id) {
		return nil, errs.Invalidf("org.err.unknown_unit", "ID", id).At(0, field)
	}
	if !snap.Covers(actor.ScopeUnitID, id) {
		return nil, errs.ForbiddenErr()
	}
	v := snap.At(id, d)
	if v == nil {
		return nil, errs.Invalidf("org.err.not_in_force", "Name", snap.Latest(id).Name, "Date", d.VN()).At(0, field)
	}
	if !MayEdit(actor, v.Level) {
		return nil, errs.ForbiddenErr()
	}
	if v.Level == LevelNation {
		return nil, errs.Invalidf("org.err.root_fixed").At(0, field)
	}
	if hasLaterVersion(snap, id, d) {
		return nil, errs.Invalidf("org.err.later_change", "Name", v.Name, "Date", d.VN()).At(0, field)
	}
	return v, nil
}

// hasLaterVersion: changes are applied in date order; a change dated before
// a change already recorded for the same unit would have to rewrite what
// follows it, so it is refused with a clear message instead.
func hasLaterVersion(snap *Snapshot, id int64, d day.Day) bool {
	for _, v := range snap.History(id) {
		if v.From.After(d) {
			return true
		}
	}
	return false
}

// laterInSubtree returns a version below unit id that begins after d, if
// any: a change recorded for a date after d inside id's subtree.
func laterInSubtree(snap *Snapshot, id int64, d day.Day) *Version {
	for _, x := range snap.all {
		if x.From.After(d) && x.UnitID != id && containsID(x.Path, id) {
			return x
		}
	}
	return nil
}

// checkSpec validates a unit to create under its parent on d.
func checkSpec(snap *Snapshot, actor *auth.Actor, sp *UnitSpec, d day.Day, exclude map[int64]bool) (*Version, error) {
	sp.Name = locale.CleanString(sp.Name)
	sp.Code = locale.CleanString(sp.Code)
	sp.Kind = locale.CleanString(sp.Kind)
	if sp.Name == "" {
		return nil, errs.Invalidf("org.err.name_required").At(0, "name")
	}
	if !sp.Level.Valid() || sp.Level == LevelNation {
		return nil, errs.Invalidf("org.err.bad_level", "Level", string(sp.Level)).At(0, "level")
	}
	if !MayEdit(actor, sp.Level) {
		return nil, errs.ForbiddenErr()
	}
	if !snap.Exists(sp.ParentID) {
		return nil, errs.Invalidf("org.err.unknown_parent", "ID", sp.ParentID).At(0, "parent_id")
	}
	if !snap.Covers(actor.ScopeUnitID, sp.ParentID) {
		return nil, errs.ForbiddenErr()
	}
	parent := snap.At(sp.ParentID, d)
	if parent == nil {
		return nil, errs.Invalidf("org.err.not_in_force", "Name", snap.Latest(sp.ParentID).Name, "Date", d.VN()).At(0, "parent_id")
	}
	if !sp.Level.CanHangUnder(parent.Level) {
		return nil, errs.Invalidf("org.err.bad_parent_level", "Level", string(sp.Level), "ParentLevel", string(parent.Level)).At(0, "parent_id")
	}
	if pathChangesAfter(snap, sp.ParentID, d, parent.Path) {
		return nil, errs.Invalidf("org.err.later_change", "Name", parent.Name, "Date", d.VN()).At(0, "parent_id")
	}
	if err := checkCodeFree(snap, actor, sp.Level, sp.Code, d, exclude); err != nil {
		return nil, err
	}
	return parent, nil
}

// pathChangesAfter reports whether unit id hangs elsewhere after d, which
// would leave a new child's path stale.
func pathChangesAfter(snap *Snapshot, id int64, d day.Day, path string) bool {
	for _, v := range snap.History(id) {
		if v.From.After(d) && v.Path != path {
			return true
		}
	}
	return false
}

// checkCodeFree refuses a code already carried by another unit of the same
// level on d (codes are reused over time, never at the same time). The
// unit is named only if the actor may see it: a code must not reveal what
// lies outside the actor's scope.
func checkCodeFree(snap *Snapshot, actor *auth.Actor, l Level, code string, d day.Day, exclude map[int64]bool) error {
	if code == "" {
		return nil
	}
	for _, v := range snap.all {
		if v.Code == code && v.Level == l && !exclude[v.UnitID] && v.ValidAt(d) {
			if !snap.Covers(actor.ScopeUnitID, v.UnitID) {
				return errs.New(errs.Conflict, "org.err.code_taken_elsewhere", "Code", code, "Date", d.VN()).At(0, "code")
			}
			return errs.New(errs.Conflict, "org.err.code_taken", "Code", code, "Name", v.Name, "Date", d.VN()).At(0, "code")
		}
	}
	return nil
}

// Establish creates a unit.
func (s *Service) Establish(ctx context.Context, actor *auth.Actor, in EstablishInput) (int64, error) {
	var id int64
	_, err := s.edit(ctx, actor, EventEstablish, in.Change, func(snap *Snapshot, w *writer) error {
		parent, err := checkSpec(snap, actor, &in.UnitSpec, in.Effective, nil)
		if err != nil {
			return err
		}
		v := &Version{From: in.Effective, Code: in.Code, Name: in.Name, Level: in.Level, Kind: in.Kind,
			ParentID: parent.UnitID, Path: parent.Path}
		if err := w.newUnit(v, "unit.establish"); err != nil {
			return err
		}
		id = v.UnitID
		return nil
	})
	return id, err
}

// Rename changes a unit's name, code or kind from a date.
func (s *Service) Rename(ctx context.Context, actor *auth.Actor, in RenameInput) error {
	_, err := s.edit(ctx, actor, EventRename, in.Change, func(snap *Snapshot, w *writer) error {
		v, err := editable(snap, actor, in.UnitID, in.Effective, "unit_id")
		if err != nil {
			return err
		}
		next := *v
		next.Name = locale.CleanString(in.Name)
		next.Code = locale.CleanString(in.Code)
		next.Kind = locale.CleanString(in.Kind)
		if next.Name == "" {
			return errs.Invalidf("org.err.name_required").At(0, "name")
		}
		if next.Name == v.Name && next.Code == v.Code && next.Kind == v.Kind {
			return errs.Invalidf("org.err.nothing_changed")
		}
		if next.Code != v.Code {
			if err := checkCodeFree(snap, actor, v.Level, next.Code, in.Effective, map[int64]bool{v.UnitID: true}); err != nil {
				return err
			}
		}
		_, err = w.replace(v, next, "unit.rename")
		return err
	})
	return err
}

// Move hangs a unit and its subtree under another parent from a date.
func (s *Service) Move(ctx context.Context, actor *auth.Actor, in MoveInput) error {
	_, err := s.edit(ctx, actor, EventMove, in.Change, func(snap *Snapshot, w *writer) error {
		v, err := editable(snap, actor, in.UnitID, in.Effective, "unit_id")
		if err != nil {
			return err
		}
		return moveUnder(snap, actor, w, v, in.ParentID)
	})
	return err
}

// moveUnder re-parents v (in force on the event's date) and re-paths its
// whole subtree from that date.
func moveUnder(snap *Snapshot, actor *auth.Actor, w *writer, v *Version, parentID int64) error {
	d := w.event.Effective
	if !snap.Exists(parentID) {
		return errs.Invalidf("org.err.unknown_parent", "ID", parentID).At(0, "parent_id")
	}
	if !snap.Covers(actor.ScopeUnitID, parentID) {
		return errs.ForbiddenErr()
	}
	parent := snap.At(parentID, d)
	if parent == nil {
		return errs.Invalidf("org.err.not_in_force", "Name", snap.Latest(parentID).Name, "Date", d.VN()).At(0, "parent_id")
	}
	if parent.UnitID == v.ParentID {
		return errs.Invalidf("org.err.nothing_changed").At(0, "parent_id")
	}
	if containsID(parent.Path, v.UnitID) {
		return errs.Invalidf("org.err.cycle", "Name", v.Name, "Parent", parent.Name).At(0, "parent_id")
	}
	if !v.Level.CanHangUnder(parent.Level) {
		return errs.Invalidf("org.err.bad_parent_level", "Level", string(v.Level), "ParentLevel", string(parent.Level)).At(0, "parent_id")
	}
	if pathChangesAfter(snap, parentID, d, parent.Path) {
		return errs.Invalidf("org.err.later_change", "Name", parent.Name, "Date", d.VN()).At(0, "parent_id")
	}
	return repath(snap, w, v, parent.UnitID, parent.Path, "unit.move")
}

func containsID(path string, id int64) bool {
	for _, p := range pathIDs(path) {
		if p == id {
			return true
		}
	}
	return false
}

// repath gives v a new parent and every unit below it its new path, as new
// versions from the event's date.
func repath(snap *Snapshot, w *writer, v *Version, parentID int64, parentPath, action string) error {
	d := w.event.Effective
	var subtree []*Version
	snap.Walk(v.UnitID, d, func(x *Version) bool {
		subtree = append(subtree, x)
		return true
	})
	for _, x := range subtree {
		if x.UnitID != v.UnitID && hasLaterVersion(snap, x.UnitID, d) {
			return errs.Invalidf("org.err.later_change", "Name", x.Name, "Date", d.VN())
		}
	}
	// nor may a unit join the subtree later: its version would keep the
	// subtree's old path
	if x := laterInSubtree(snap, v.UnitID, d); x != nil {
		return errs.Invalidf("org.err.later_change", "Name", x.Name, "Date", d.VN())
	}
	newPath := map[int64]string{}
	for _, x := range subtree { // Walk is depth first: parents before children
		next := *x
		pp := newPath[x.ParentID]
		if x.UnitID == v.UnitID {
			next.ParentID, pp = parentID, parentPath
		}
		next.Path = childPath(pp, x.UnitID)
		newPath[x.UnitID] = next.Path
		act := action
		if x.UnitID != v.UnitID {
			act = "unit.repath"
		}
		if _, err := w.replace(x, next, act); err != nil {
			return err
		}
	}
	return nil
}

// Dissolve ends a unit.
func (s *Service) Dissolve(ctx context.Context, actor *auth.Actor, in DissolveInput) error {
	_, err := s.edit(ctx, actor, EventDissolve, in.Change, func(snap *Snapshot, w *writer) error {
		v, err := editable(snap, actor, in.UnitID, in.Effective, "unit_id")
		if err != nil {
			return err
		}
		if n := len(snap.Children(v.UnitID, in.Effective)); n > 0 {
			return errs.Invalidf("org.err.has_children", "Name", v.Name, "Count", n).At(0, "unit_id")
		}
		return endUnit(snap, w, v)
	})
	return err
}

func endUnit(snap *Snapshot, w *writer, v *Version) error {
	d := w.event.Effective
	if v.From.Equal(d) {
		return errs.Invalidf("org.err.zero_length", "Name", v.Name)
	}
	// ending a unit already ended later, or that gains a sub-unit later,
	// would rewrite (or orphan) what was recorded after d
	if !v.To.IsForever() {
		return errs.Invalidf("org.err.later_change", "Name", v.Name, "Date", d.VN())
	}
	if x := laterInSubtree(snap, v.UnitID, d); x != nil {
		return errs.Invalidf("org.err.later_change", "Name", x.Name, "Date", d.VN())
	}
	return w.dissolve(v, "unit.dissolve")
}

// Merge joins units into one of them or into a new unit.
func (s *Service) Merge(ctx context.Context, actor *auth.Actor, in MergeInput) (int64, error) {
	var into int64
	_, err := s.edit(ctx, actor, EventMerge, in.Change, func(snap *Snapshot, w *writer) error {
		d := in.Effective
		if len(in.UnitIDs) < 1 || (in.IntoID == 0 && in.New == nil) || (in.IntoID != 0 && in.New != nil) {
			return errs.Invalidf("org.err.merge_shape").At(0, "unit_ids")
		}
		seen := map[int64]bool{}
		var sources []*Version
		for _, id := range in.UnitIDs {
			if seen[id] || id == in.IntoID {
				continue
			}
			seen[id] = true
			v, err := editable(snap, actor, id, d, "unit_ids")
			if err != nil {
				return err
			}
			sources = append(sources, v)
		}
		if len(sources) == 0 {
			return errs.Invalidf("org.err.merge_shape").At(0, "unit_ids")
		}
		var target *Version
		if in.IntoID != 0 {
			t, err := editable(snap, actor, in.IntoID, d, "into_id")
			if err != nil {
				return err
			}
			target = t
		} else {
			parent, err := checkSpec(snap, actor, in.New, d, seen)
			if err != nil {
				return err
			}
			target = &Version{From: d, Code: in.New.Code, Name: in.New.Name, Level: in.New.Level, Kind: in.New.Kind,
				ParentID: parent.UnitID, Path: parent.Path}
			if err := w.newUnit(target, "unit.establish"); err != nil {
				return err
			}
		}
		for _, src := range sources {
			if containsID(target.Path, src.UnitID) {
				return errs.Invalidf("org.err.cycle", "Name", src.Name, "Parent", target.Name).At(0, "into_id")
			}
		}
		for _, src := range sources {
			if err := adoptChildren(snap, w, src, target); err != nil {
				return err
			}
			if err := endUnit(snap, w, src); err != nil {
				return err
			}
			if _, err := w.link(src.UnitID, target.UnitID, ShareFull, nil); err != nil {
				return err
			}
		}
		into = target.UnitID
		return nil
	})
	return into, err
}

// adoptChildren moves the sub-units of a unit that ends to the unit that
// takes over from it, so nothing is left hanging under a unit that is gone.
func adoptChildren(snap *Snapshot, w *writer, from, to *Version) error {
	for _, c := range snap.Children(from.UnitID, w.event.Effective) {
		if hasLaterVersion(snap, c.UnitID, w.event.Effective) {
			return errs.Invalidf("org.err.later_change", "Name", c.Name, "Date", w.event.Effective.VN())
		}
		if !c.Level.CanHangUnder(to.Level) {
			return errs.Invalidf("org.err.bad_parent_level", "Level", string(c.Level), "ParentLevel", string(to.Level))
		}
		if err := repath(snap, w, c, to.UnitID, to.Path, "unit.move"); err != nil {
			return err
		}
	}
	return nil
}

// Split divides a unit into new parts.
func (s *Service) Split(ctx context.Context, actor *auth.Actor, in SplitInput) ([]int64, error) {
	var ids []int64
	_, err := s.edit(ctx, actor, EventSplit, in.Change, func(snap *Snapshot, w *writer) error {
		d := in.Effective
		src, err := editable(snap, actor, in.UnitID, d, "unit_id")
		if err != nil {
			return err
		}
		min := 2
		if in.Keep {
			min = 1
		}
		if len(in.Parts) < min {
			return errs.Invalidf("org.err.split_parts", "Min", min).At(0, "parts")
		}
		total := 0.0
		exclude := map[int64]bool{}
		if !in.Keep {
			exclude[src.UnitID] = true // a part may keep the original's code
		}
		var created []*Version
		for i := range in.Parts {
			p := &in.Parts[i]
			if p.Fraction != nil {
				if *p.Fraction <= 0 || *p.Fraction > 1 {
					return errs.Invalidf("org.err.bad_fraction").At(i+1, "fraction")
				}
				total += *p.Fraction
			}
			parent, err := checkSpec(snap, actor, &p.UnitSpec, d, exclude)
			if err != nil {
				if e, ok := errs.As(err); ok && e.Row == 0 {
					e.Row = i + 1
				}
				return err
			}
			if containsID(parent.Path, src.UnitID) && !in.Keep {
				return errs.Invalidf("org.err.cycle", "Name", p.Name, "Parent", parent.Name).At(i+1, "parent_id")
			}
			for _, c := range created {
				if p.Code != "" && c.Code == p.Code && c.Level == p.Level {
					return errs.New(errs.Conflict, "org.err.code_taken", "Code", p.Code, "Name", c.Name, "Date", d.VN()).At(i+1, "code")
				}
			}
			v := &Version{From: d, Code: p.Code, Name: p.Name, Level: p.Level, Kind: p.Kind, ParentID: parent.UnitID, Path: parent.Path}
			if err := w.newUnit(v, "unit.establish"); err != nil {
				return err
			}
			if _, err := w.link(src.UnitID, v.UnitID, SharePartial, p.Fraction); err != nil {
				return err
			}
			created = append(created, v)
			ids = append(ids, v.UnitID)
		}
		if total > 1.000001 {
			return errs.Invalidf("org.err.fractions_over").At(0, "fraction")
		}
		if in.Keep {
			return nil
		}
		if err := adoptChildren(snap, w, src, created[0]); err != nil {
			return err
		}
		return endUnit(snap, w, src)
	})
	return ids, err
}
