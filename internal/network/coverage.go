package network

import (
	"context"
	"sync"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
)

// IdleDays is how long a team may go without logging an activity before
// the coverage counts it as idle. A team set up less than this long ago is
// not counted as idle yet.
const IdleDays = 60

// Figures are the network's figures for a part of the tree on a date.
type Figures struct {
	Communes        int `json:"communes"`         // communes in force
	CommunesCovered int `json:"communes_covered"` // … with at least one active team
	Villages        int `json:"villages"`         // villages and residential groups in force
	VillagesCovered int `json:"villages_covered"` // … with an active team
	Teams           int `json:"teams"`            // active teams
	Suspended       int `json:"suspended"`        // suspended teams
	Members         int `json:"members"`          // members of the active teams
	Trained         int `json:"trained"`          // … who completed a course this year, by the date
	Idle            int `json:"idle"`             // active teams with no activity in the last IdleDays days
	Activities      int `json:"activities"`       // activities this year, by the date
	Helped          int `json:"people_helped"`    // people helped by them
}

func (f *Figures) add(o Figures) {
	f.Communes += o.Communes
	f.CommunesCovered += o.CommunesCovered
	f.Villages += o.Villages
	f.VillagesCovered += o.VillagesCovered
	f.Teams += o.Teams
	f.Suspended += o.Suspended
	f.Members += o.Members
	f.Trained += o.Trained
	f.Idle += o.Idle
	f.Activities += o.Activities
	f.Helped += o.Helped
}

// CoverageRow is one part of the scope (a province of the nation, a
// commune of a province, a village of a commune) with its figures.
type CoverageRow struct {
	UnitID int64     `json:"unit_id"`
	Name   string    `json:"name"`
	Code   string    `json:"code,omitempty"`
	Level  org.Level `json:"level"`
	Figures
	Drill bool `json:"drill"` // it has parts of its own to drill into
}

// Coverage is the network's coverage of a unit's subtree on a date, rolled
// up the tree as it stood that day.
type Coverage struct {
	UnitID   int64         `json:"unit_id"`
	Name     string        `json:"name"`
	Level    org.Level     `json:"level"`
	AsOf     day.Day       `json:"as_of"`
	InForce  bool          `json:"in_force"` // false: the figures are those of the units it was formed from
	IdleDays int           `json:"idle_days"`
	Total    Figures       `json:"total"`
	Rows     []CoverageRow `json:"rows"`
}

// roots are the units whose subtrees make up a scope on d: the unit if in
// force, else the units it was formed from that were (the new Gia Lai's
// 2024 is old Gia Lai's and old Bình Định's).
func roots(t *org.Snapshot, id int64, d day.Day) []*org.Version {
	if v := t.At(id, d); v != nil {
		return []*org.Version{v}
	}
	var out []*org.Version
	seen := map[int64]bool{}
	var walk func(id int64)
	walk = func(id int64) {
		for _, l := range t.Predecessors(id) {
			if seen[l.PredecessorID] {
				continue
			}
			seen[l.PredecessorID] = true
			if v := t.At(l.PredecessorID, d); v != nil {
				out = append(out, v)
			} else {
				walk(l.PredecessorID)
			}
		}
	}
	walk(id)
	return out
}

// parts are the rows of a coverage: the children of a single root that
// can hold teams, or the roots themselves when there are several.
func parts(t *org.Snapshot, rs []*org.Version, d day.Day) []*org.Version {
	if len(rs) != 1 {
		return rs
	}
	var out []*org.Version
	for _, c := range t.Children(rs[0].UnitID, d) {
		switch c.Level {
		case org.LevelProvince, org.LevelDistrict, org.LevelCommune, org.LevelVillage:
			out = append(out, c)
		}
	}
	return out
}

// tally adds up the figures of the subtree of root on day d.
type tally struct {
	ix                 *index
	snap               *org.Snapshot
	date               day.Day
	d, yearStart, idle int32
}

func (c *tally) subtree(root int64, f *Figures) {
	covered := map[int64]bool{}
	c.snap.Walk(root, c.date, func(v *org.Version) bool {
		if v.Level == org.LevelCommune && v.UnitID != root {
			f.add(c.commune(v.UnitID))
			return false
		}
		switch v.Level {
		case org.LevelCommune:
			f.Communes++
		case org.LevelVillage:
			f.Villages++
		}
		active := false
		for _, p := range c.ix.teamsOf(v.UnitID) {
			if t := c.ix.at(p); c.team(&t, f) {
				active = true
			}
		}
		if active {
			switch v.Level {
			case org.LevelVillage:
				f.VillagesCovered++
				if p := c.snap.At(v.ParentID, c.date); p != nil && p.Level == org.LevelCommune {
					covered[p.UnitID] = true
				}
			case org.LevelCommune:
				covered[v.UnitID] = true
			}
		}
		return true
	})
	// a village's commune is in the subtree unless the root is the village
	if v := c.snap.At(root, c.date); v != nil && v.Level == org.LevelVillage {
		return
	}
	f.CommunesCovered += len(covered)
}

// commune is the figures of a commune's subtree, from the memo if there.
func (c *tally) commune(id int64) Figures {
	k := memoKey{commune: id, d: c.d, tree: c.snap.Generation}
	if f, ok := c.ix.communes.get(k); ok {
		return f
	}
	var f Figures
	c.subtree(id, &f)
	c.ix.communes.put(k, f)
	return f
}

// team adds one team's figures and reports whether it is active.
func (c *tally) team(t *teamRec, f *Figures) bool {
	switch t.statusAt(c.d) {
	case Suspended:
		f.Suspended++
		return false
	case Active:
	default:
		return false
	}
	f.Teams++
	for _, m := range t.members {
		if m.from <= c.d && c.d < m.to {
			f.Members++
			if trainedIn(c.ix.trained.at(m.trained), c.yearStart, c.d) {
				f.Trained++
			}
		}
	}
	if t.established <= c.d-IdleDays && t.lastActBy(c.d) <= c.d-IdleDays {
		f.Idle++
	}
	for _, a := range t.actsBetween(c.yearStart, c.d) {
		f.Activities++
		f.Helped += int(a.helped)
	}
	return true
}

// Coverage computes the network's coverage of unit's subtree on d, with a
// row per part to drill into. Results are cached per network, people and
// tree generation, so a figure is never stale and a page seen again is
// not computed again.
func (s *Service) Coverage(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (*Coverage, error) {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	if s.parts.Loading() {
		// the whole index is being read: a part of the tree reads its own
		six, err := s.scopedIndex(ctx, coverageUnits(t.Snapshot, unit, d))
		if err != nil {
			return nil, err
		}
		if six != nil {
			return computeCoverage(six, t.Snapshot, unit, d), nil
		}
	}
	ix, seq, pgen, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	defer ix.mu.RUnlock()
	key := cacheKey{kind: "coverage", seq: seq, people: pgen, tree: t.Generation, unit: unit, date: d.String()}
	if c, ok := s.cache.get(key).(*Coverage); ok {
		return c, nil
	}
	c := computeCoverage(ix, t.Snapshot, unit, d)
	s.cache.put(key, c)
	return c, nil
}

func computeCoverage(ix *index, snap *org.Snapshot, unit int64, d day.Day) *Coverage {
	latest := snap.Latest(unit)
	c := &Coverage{UnitID: unit, Name: latest.Name, Level: latest.Level, AsOf: d, IdleDays: IdleDays, Rows: []CoverageRow{}}
	if v := snap.At(unit, d); v != nil {
		c.Name, c.Level, c.InForce = v.Name, v.Level, true
	}
	rs := roots(snap, unit, d)
	tl := &tally{ix: ix, snap: snap, date: d, d: dn(d), yearStart: dn(day.Of(d.Year(), 1, 1))}
	inParts := map[int64]bool{}
	for _, p := range parts(snap, rs, d) {
		row := CoverageRow{UnitID: p.UnitID, Name: p.Name, Code: p.Code, Level: p.Level, Drill: p.Level != org.LevelVillage}
		if p.Level == org.LevelCommune {
			row.Figures = tl.commune(p.UnitID)
		} else {
			tl.subtree(p.UnitID, &row.Figures)
		}
		inParts[p.UnitID] = true
		c.Total.add(row.Figures)
		c.Rows = append(c.Rows, row)
	}
	// what the parts leave out: the root itself (a commune's own team, the
	// commune in the count) and its children that hold no teams
	for _, r := range rs {
		if inParts[r.UnitID] {
			continue
		}
		var own Figures
		switch r.Level {
		case org.LevelCommune:
			own.Communes = 1
		case org.LevelVillage:
			own.Villages = 1
		}
		active := false
		for _, p := range ix.teamsOf(r.UnitID) {
			if t := ix.at(p); tl.team(&t, &own) {
				active = true
			}
		}
		if r.Level == org.LevelCommune && (active || c.Total.Teams > 0) {
			own.CommunesCovered = 1
		}
		if r.Level == org.LevelVillage && active {
			own.VillagesCovered = 1
		}
		c.Total.add(own)
	}
	return c
}

// cacheKey names a computed result: it carries every generation the
// result depends on, so an entry is never stale, only unused.
type cacheKey struct {
	kind              string
	seq, people, tree int64
	unit, team        int64
	date              string
	year              int
}

// resultCache keeps the last results computed.
type resultCache struct {
	mu    sync.Mutex
	m     map[cacheKey]any
	order []cacheKey
}

const cacheSize = 256

func (c *resultCache) get(k cacheKey) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *resultCache) put(k cacheKey, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[cacheKey]any{}
	}
	if _, ok := c.m[k]; ok {
		return
	}
	c.m[k] = v
	c.order = append(c.order, k)
	if len(c.order) > cacheSize {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}
