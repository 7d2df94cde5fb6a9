package api

import (
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Unit is a unit as of a date.
type Unit struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Level     org.Level `json:"level"`
	Kind      string    `json:"kind"`
	ParentID  int64     `json:"parent_id,omitempty"`
	ValidFrom day.Day   `json:"valid_from"`
	ValidTo   day.Day   `json:"valid_to"` // exclusive; 9999-12-31 while in force
}

func unitOf(v *org.Version) Unit {
	return Unit{ID: v.UnitID, Code: v.Code, Name: v.Name, Level: v.Level, Kind: v.Kind, ParentID: v.ParentID, ValidFrom: v.From, ValidTo: v.To}
}

// UnitDetail is a unit with where it stands and what is under it.
type UnitDetail struct {
	Unit
	AsOf      day.Day           `json:"as_of"`
	InForce   bool              `json:"in_force"`
	Ancestors []Unit            `json:"ancestors"`
	Counts    map[org.Level]int `json:"counts"`
}

// UnitList is a page of units.
type UnitList struct {
	AsOf  day.Day `json:"as_of"`
	Total int     `json:"total"`
	Units []Unit  `json:"units"`
}

// Lineage is one predecessor or successor.
type Lineage struct {
	Unit          Unit      `json:"unit"`
	Share         org.Share `json:"share"`
	Fraction      *float64  `json:"fraction,omitempty"`
	EffectiveDate day.Day   `json:"effective_date"`
	LegalBasis    string    `json:"legal_basis"`
}

// HistoryEntry is one version with the event that made it.
type HistoryEntry struct {
	Unit
	Event *org.Event `json:"event,omitempty"`
}

// History is everything a unit has been.
type History struct {
	ID           int64          `json:"id"`
	Versions     []HistoryEntry `json:"versions"`
	Predecessors []Lineage      `json:"predecessors"`
	Successors   []Lineage      `json:"successors"`
}

func (a *API) registerUnits() {
	d := httpx.Param{Name: "d", Type: "string", Format: "date", Description: "as of this date (yyyy-mm-dd); today if absent"}
	route(a, "GET", "/units", httpx.Doc{Summary: "List units of a level in your scope", Tag: "units",
		Query: []httpx.Param{d, {Name: "level", Type: "string", Enum: org.Level("").Enum()},
			{Name: "parent", Type: "integer", Description: "only the children of this unit"},
			{Name: "q", Type: "string", Description: "name without diacritics, or code"},
			{Name: "limit", Type: "integer"}, {Name: "offset", Type: "integer"}}}, a.listUnits)
	route(a, "GET", "/units/{id}", httpx.Doc{Summary: "A unit as of a date", Tag: "units", Query: []httpx.Param{d}},
		func(c *Call, _ None) (*UnitDetail, error) {
			t, d, err := a.scoped(c)
			if err != nil {
				return nil, err
			}
			return a.detail(t, c.ID(), d)
		})
	route(a, "GET", "/units/{id}/children", httpx.Doc{Summary: "The units directly under a unit", Tag: "units", Query: []httpx.Param{d}},
		func(c *Call, _ None) (UnitList, error) {
			t, d, err := a.scoped(c)
			if err == nil {
				err = t.Check(c.ID())
			}
			if err != nil {
				return UnitList{}, err
			}
			kids := t.Children(c.ID(), d)
			return page(kids, d, 0, len(kids)), nil
		})
	route(a, "GET", "/units/{id}/history", httpx.Doc{Summary: "Every version of a unit, and its lineage", Tag: "units"}, a.history)
	route(a, "GET", "/search", httpx.Doc{ID: "searchUnits", Summary: "Find units by name (with or without diacritics) or code", Tag: "units",
		Query: []httpx.Param{d, {Name: "q", Type: "string", Required: true}}},
		func(c *Call, _ None) (UnitList, error) {
			t, d, err := a.scoped(c)
			if err != nil {
				return UnitList{}, err
			}
			found := t.Search(c.Query("q"), d, 50)
			return page(found, d, 0, len(found)), nil
		})
	// establish answers the unit with where it stands (a UnitDetail), as it always has
	route(a, "POST", "/units", httpx.Doc{Summary: "Establish a unit", Tag: "restructuring", Status: 201},
		func(c *Call, in org.EstablishInput) (*UnitDetail, error) {
			id, err := a.Org.Establish(c.Ctx, c.Actor, in)
			if err != nil {
				return nil, err
			}
			return a.changed(c, id, in.Effective)
		})
	route(a, "POST", "/units/{id}/rename", httpx.Doc{Summary: "Rename a unit (or change its code or kind) from a date", Tag: "restructuring"},
		func(c *Call, in ChangeRename) (*UnitDetail, error) {
			err := a.Org.Rename(c.Ctx, c.Actor, org.RenameInput{Change: in.Change, UnitID: c.ID(), Name: in.Name, Code: in.Code, Kind: in.Kind})
			if err != nil {
				return nil, err
			}
			return a.changed(c, c.ID(), in.Effective)
		})
	route(a, "POST", "/units/{id}/move", httpx.Doc{Summary: "Move a unit and its subtree under another parent from a date", Tag: "restructuring"},
		func(c *Call, in ChangeMove) (*UnitDetail, error) {
			if err := a.Org.Move(c.Ctx, c.Actor, org.MoveInput{Change: in.Change, UnitID: c.ID(), ParentID: in.ParentID}); err != nil {
				return nil, err
			}
			return a.changed(c, c.ID(), in.Effective)
		})
	route(a, "POST", "/units/{id}/dissolve", httpx.Doc{Summary: "Dissolve a unit from a date", Tag: "restructuring"},
		func(c *Call, in org.Change) (*UnitDetail, error) {
			if err := a.Org.Dissolve(c.Ctx, c.Actor, org.DissolveInput{Change: in, UnitID: c.ID()}); err != nil {
				return nil, err
			}
			// the unit as it was on its last day
			return a.changed(c, c.ID(), in.Effective.AddDays(-1))
		})
	route(a, "POST", "/units/{id}/split", httpx.Doc{Summary: "Split a unit into new units with shares", Tag: "restructuring", Status: 201}, a.split)
	route(a, "POST", "/merges", httpx.Doc{Summary: "Merge units into one of them or into a new unit", Tag: "restructuring", Status: 201},
		func(c *Call, in org.MergeInput) (*UnitDetail, error) {
			id, err := a.Org.Merge(c.Ctx, c.Actor, in)
			if err != nil {
				return nil, err
			}
			return a.changed(c, id, in.Effective)
		})
	// uploads: plain handlers
	a.handle("POST", "/imports/units", &httpx.Doc{Summary: "Import a list of units in force on a date (CSV or XLSX)", Tag: "imports",
		Multipart: []string{"units"}, Query: []httpx.Param{{Name: "effective_date", Type: "string", Format: "date", Required: true}, {Name: "legal_basis", Type: "string"}},
		Response: ImportResult{}}, a.importUnits)
	a.handle("POST", "/imports/restructure", &httpx.Doc{Summary: "Import a restructuring: the new list and the old→new mapping", Tag: "imports",
		Multipart: []string{"units", "mapping"}, Perm: auth.PermImportLists, Query: []httpx.Param{{Name: "effective_date", Type: "string", Format: "date", Required: true}, {Name: "legal_basis", Type: "string"}},
		Response: ImportResult{}}, a.importRestructure)
}

// scoped is the caller's part of the tree and the ?d= date.
func (a *API) scoped(c *Call) (*org.Scoped, day.Day, error) {
	d := c.AsOf()
	if err := c.Err(); err != nil {
		return nil, d, err
	}
	t, err := a.Org.For(c.Ctx, c.Actor)
	return t, d, err
}

func (a *API) detail(t *org.Scoped, id int64, d day.Day) (*UnitDetail, error) {
	v, inForce, err := t.Unit(id, d)
	if err != nil {
		return nil, err
	}
	out := &UnitDetail{Unit: unitOf(v), AsOf: d, InForce: inForce, Ancestors: []Unit{}, Counts: map[org.Level]int{}}
	if inForce {
		all, _ := t.VisibleAncestors(id, d)
		for _, anc := range all {
			out.Ancestors = append(out.Ancestors, unitOf(anc))
		}
		out.Counts = t.CountByLevel(id, d)
	}
	return out, nil
}

func (a *API) listUnits(c *Call, _ None) (UnitList, error) {
	t, d, err := a.scoped(c)
	if err != nil {
		return UnitList{}, err
	}
	level := org.Level(c.Query("level"))
	if level != "" && !level.Valid() {
		return UnitList{}, errs.Invalidf("org.err.bad_level", "Level", string(level)).At(0, "level")
	}
	limit, offset := c.Int("limit", 1000), c.Int("offset", 0)
	if err := c.Err(); err != nil {
		return UnitList{}, err
	}
	limit = min(max(limit, 1), 10000)
	root := t.Actor.ScopeUnitID
	if p := c.Query("parent"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return UnitList{}, errs.Invalidf("err.bad_id", "Value", p).At(0, "parent")
		}
		if err := t.Check(id); err != nil {
			return UnitList{}, err
		}
		root = id
	}
	var found []*org.Version
	if s := strings.TrimSpace(c.Query("q")); s != "" {
		for _, v := range t.Search(s, d, 0) {
			if (level == "" || v.Level == level) && t.Covers(root, v.UnitID) {
				found = append(found, v)
			}
		}
	} else {
		t.Walk(root, d, func(v *org.Version) bool {
			if v.UnitID != root && (level == "" || v.Level == level) {
				found = append(found, v)
			}
			return true
		})
		org.SortByName(found)
	}
	return page(found, d, offset, limit), nil
}

func page(vs []*org.Version, d day.Day, offset, limit int) UnitList {
	out := UnitList{AsOf: d, Total: len(vs), Units: []Unit{}}
	for i := offset; i < len(vs) && i < offset+limit; i++ {
		out.Units = append(out.Units, unitOf(vs[i]))
	}
	return out
}

func (a *API) history(c *Call, _ None) (History, error) {
	t, _, err := a.scoped(c)
	id := c.ID()
	if err == nil {
		err = t.Check(id)
	}
	if err != nil {
		return History{}, err
	}
	h := History{ID: id, Versions: []HistoryEntry{}, Predecessors: []Lineage{}, Successors: []Lineage{}}
	for _, v := range t.History(id) {
		h.Versions = append(h.Versions, HistoryEntry{Unit: unitOf(v), Event: t.Event(v.EventID)})
	}
	preds, succs := t.LineageOf(id)
	conv := func(ls []org.Lineage) []Lineage {
		out := []Lineage{}
		for _, l := range ls {
			if !l.Visible { // a unit outside the caller's scope is not shown
				continue
			}
			x := Lineage{Unit: unitOf(l.Other), Share: l.Share, Fraction: l.Fraction}
			if l.Event != nil {
				x.EffectiveDate, x.LegalBasis = l.Event.Effective, l.Event.LegalBasis
			}
			out = append(out, x)
		}
		return out
	}
	h.Predecessors, h.Successors = conv(preds), conv(succs)
	return h, nil
}
