package network

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The network's measured indicators (issue 9): the coverage page's figures
// per unit, read from the same index with the same rules (a team counts
// while active on the day; its members then; training and activities of
// the active teams), so an indicator's figure is the page's.
var measuredCodes = []string{"REG_VILLAGES", "REG_VILLAGES_COVERED", "REG_TEAMS", "REG_MEMBERS", "REG_MEMBERS_TRAINED",
	"REG_ACTIVITIES", "REG_HELPED"}

// Measurer is the network as the indicator service's source of measured
// figures.
func (s *Service) Measurer() indicator.Measurer { return measurer{s} }

type measurer struct{ s *Service }

func (m measurer) Measures() []string { return measuredCodes }

// The columns of a unit's measured row, one per code, in measuredCodes'
// order.
const (
	colVillages = iota
	colCovered
	colTeams
	colMembers
	colTrained
	colActivities
	colHelped
	nCols
)

var colOf = func() map[string]int {
	m := map[string]int{}
	for i, c := range measuredCodes {
		m[c] = i
	}
	return m
}()

// window is a measured span in day numbers.
type window struct{ from, to int32 }

// table is every unit's measured row for one window, on one tree: the
// units holding anything (a village, or active teams), ascending. A
// national figure reads its column; a register change re-counts the rows
// of the units it touched (patch), not the country.
type table struct {
	snap  *org.Snapshot
	units []int64
	rows  [][nCols]int32
	// byName is the rows' reading order (unit name, then id), made at the
	// first listing of records and kept until a unit comes or goes
	mu     sync.Mutex
	byName []int32
}

// order is the table's reading order. Under the index's read lock.
func (t *table) order(to day.Day) []int32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byName != nil {
		return t.byName
	}
	names := make([]string, len(t.units))
	for i, u := range t.units {
		if v := t.snap.At(u, to); v != nil {
			names[i] = v.Name
		}
	}
	order := make([]int32, len(t.units))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if names[x] != names[y] {
			return names[x] < names[y]
		}
		return t.units[x] < t.units[y]
	})
	t.byName = order
	return order
}

// tables are the windows' tables, guarded by their own lock (requests
// under the index's read lock fill it side by side); a catch-up patches
// them under the index's write lock.
type tables struct {
	mu sync.Mutex
	m  map[window]*table
}

// tablesMax bounds the windows kept: a table is ~64,000 rows of 36 bytes
// (≈ 2.5 MB nationally), so at most ≈ 40 MB; pages ask for a few periods.
const tablesMax = 16

// rowOf counts what unit holds itself on the window's last day: v is its
// version then (nil: not in force, it holds nothing), teams all its teams.
func rowOf(v *org.Version, ix *index, teams []int32, w window, tr *trainedSet) (r [nCols]int32) {
	if v == nil {
		return r
	}
	d := w.to
	yearStart := dn(day.Of(fromDN(d).Year(), 1, 1))
	for _, p := range teams {
		t := ix.at(p)
		if t.statusAt(d) != Active {
			continue
		}
		r[colTeams]++
		for _, mb := range t.members {
			if mb.from <= d && d < mb.to {
				r[colMembers]++
				if trainedIn(tr.at(mb.trained), yearStart, d) {
					r[colTrained]++
				}
			}
		}
		acts := t.actsBetween(w.from, d)
		r[colActivities] += int32(len(acts))
		for _, a := range acts {
			r[colHelped] += int32(a.helped)
		}
	}
	if v.Level == org.LevelVillage {
		r[colVillages] = 1
		if r[colTeams] > 0 {
			r[colCovered] = 1
		}
	}
	return r
}

// build counts every unit: the villages in force on the last day and the
// units holding teams. Under the index's read lock.
func (ix *index) build(snap *org.Snapshot, w window) *table {
	to := fromDN(w.to)
	rows := map[int64][nCols]int32{}
	snap.Walk(snap.RootID, to, func(v *org.Version) bool {
		if v.Level == org.LevelVillage {
			rows[v.UnitID] = rowOf(v, ix, ix.teamsOf(v.UnitID), w, &ix.trained)
		}
		return true
	})
	for unit := range ix.units.ids() {
		if _, done := rows[unit]; done {
			continue
		}
		if r := rowOf(snap.At(unit, to), ix, ix.teamsOf(unit), w, &ix.trained); r != ([nCols]int32{}) {
			rows[unit] = r
		}
	}
	t := &table{snap: snap, units: make([]int64, 0, len(rows)), rows: make([][nCols]int32, 0, len(rows))}
	for u := range rows {
		t.units = append(t.units, u)
	}
	slices.Sort(t.units)
	for _, u := range t.units {
		t.rows = append(t.rows, rows[u])
	}
	return t
}

// table is the window's table on snap, built if not held. Under the
// index's read lock.
func (ix *index) table(snap *org.Snapshot, w window) *table {
	ix.tables.mu.Lock()
	t := ix.tables.m[w]
	ix.tables.mu.Unlock()
	if t != nil && t.snap == snap {
		return t
	}
	t = ix.build(snap, w)
	ix.tables.mu.Lock()
	defer ix.tables.mu.Unlock()
	if ix.tables.m == nil || len(ix.tables.m) >= tablesMax {
		ix.tables.m = map[window]*table{}
	}
	ix.tables.m[w] = t
	return t
}

// patch re-counts the given units in every table on snap and drops the
// others (a tree changed since). Under the index's write lock, so no
// reader holds a table meanwhile.
func (ix *index) patch(snap *org.Snapshot, units map[int64]bool) {
	ix.tables.mu.Lock()
	defer ix.tables.mu.Unlock()
	for w, t := range ix.tables.m {
		if snap == nil || t.snap != snap {
			delete(ix.tables.m, w)
			continue
		}
		to := fromDN(w.to)
		for u := range units {
			r := rowOf(snap.At(u, to), ix, ix.teamsOf(u), w, &ix.trained)
			i, found := slices.BinarySearch(t.units, u)
			switch {
			case found && r == ([nCols]int32{}):
				t.units = slices.Delete(t.units, i, i+1)
				t.rows = slices.Delete(t.rows, i, i+1)
				t.byName = nil
			case found:
				t.rows[i] = r
			case r != ([nCols]int32{}):
				t.units = slices.Insert(t.units, i, u)
				t.rows = slices.Insert(t.rows, i, r)
				t.byName = nil
			}
		}
	}
}

// forgetTables drops every table (a full reload).
func (ix *index) forgetTables() {
	ix.tables.mu.Lock()
	ix.tables.m = nil
	ix.tables.mu.Unlock()
}

// Measure reads code's column of the window's table: a national figure
// right after a change costs the change's units, not a walk of 75,000
// teams.
func (m measurer) Measure(ctx context.Context, code string, w indicator.Window) (indicator.PerUnit, error) {
	return m.measure(ctx, code, w, nil)
}

// MeasureUnits is Measure restricted to units (indicator.UnitsMeasurer):
// their rows looked up in the window's table, not its column copied whole
// (a commune page's register figures read 64,000 units' values and
// allocated 1 MB a code). The table holds only units in force on the
// window's last day, so there are no others to add.
func (m measurer) MeasureUnits(ctx context.Context, code string, w indicator.Window, units []int64) (indicator.PerUnit, error) {
	if units == nil {
		units = []int64{}
	}
	return m.measure(ctx, code, w, units)
}

// measure is the window's column of code for units (ascending), or for
// every unit of the table when units is nil.
func (m measurer) measure(ctx context.Context, code string, w indicator.Window, units []int64) (indicator.PerUnit, error) {
	col, ok := colOf[code]
	if !ok {
		return indicator.PerUnit{}, fmt.Errorf("network measure: %s is not measured here", code)
	}
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return indicator.PerUnit{}, fmt.Errorf("network measure: %w", err)
	}
	var ix *index
	if units != nil && m.s.parts.Loading() {
		// the whole index is being read: these units' teams are read on
		// their own, and their rows counted by the same table
		if ix, err = m.s.scopedIndex(ctx, units); err != nil {
			return indicator.PerUnit{}, fmt.Errorf("network measure: %w", err)
		}
	}
	if ix == nil {
		if ix, _, _, err = m.s.fresh(ctx); err != nil {
			return indicator.PerUnit{}, fmt.Errorf("network measure: %w", err)
		}
		defer ix.mu.RUnlock()
	}
	t := ix.table(snap, window{dn(w.From), dn(w.To)})
	var out indicator.PerUnit
	add := func(i int) {
		if n := t.rows[i][col]; n != 0 {
			out.Units = append(out.Units, t.units[i])
			out.Vals = append(out.Vals, float64(n))
		}
	}
	if units == nil {
		out = indicator.PerUnit{Units: make([]int64, 0, len(t.units)), Vals: make([]float64, 0, len(t.units))}
		for i := range t.units {
			add(i)
		}
		return out, nil
	}
	for _, u := range units {
		if i, found := slices.BinarySearch(t.units, u); found {
			add(i)
		}
	}
	return out, nil
}

// Records lists the records of the units the table counts anything for,
// by unit name, unit and record: only the first limit are made, the total
// is the table's.
func (m measurer) Records(ctx context.Context, code string, w indicator.Window, in func(int64) bool, limit int) ([]indicator.Record, int, error) {
	col, ok := colOf[code]
	if !ok {
		return nil, 0, fmt.Errorf("network records: %s is not measured here", code)
	}
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("network records: %w", err)
	}
	ix, _, _, err := m.s.fresh(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("network records: %w", err)
	}
	win := window{dn(w.From), dn(w.To)}
	all, acts, total := ix.records(snap, code, col, win, in, limit)
	ix.mu.RUnlock()
	if acts != nil {
		if all, err = m.s.activityRecords(ctx, acts, win, code == "REG_HELPED", limit); err != nil {
			return nil, 0, fmt.Errorf("network records: %w", err)
		}
	}
	names, err := m.s.personNames(ctx, all) // a member is named by the person, in the team
	if err != nil {
		return nil, 0, err
	}
	for i := range all {
		if all[i].Kind == "member" {
			all[i].Label = names[all[i].ID] + " — " + all[i].Label
		}
	}
	return all, total, nil
}

// records makes the records of Records. Under the index's read lock.
// The teams whose activities it lists come apart, to be named by
// activityRecords once the lock is released.
func (ix *index) records(snap *org.Snapshot, code string, col int, w window, in func(int64) bool, limit int) ([]indicator.Record, []actTeam, int) {
	t := ix.table(snap, w)
	to := fromDN(w.to)
	d, yearStart := w.to, dn(day.Of(to.Year(), 1, 1))
	var units []*org.Version
	total := 0
	for _, i := range t.order(to) {
		u := t.units[i]
		n := int(t.rows[i][col])
		if n == 0 || !in(u) {
			continue
		}
		if code == "REG_HELPED" { // its records are the activities that helped someone, not the people
			n = 0
			for _, p := range ix.teamsOf(u) {
				if tm := ix.at(p); tm.statusAt(d) == Active {
					for _, a := range tm.actsBetween(w.from, d) {
						if a.helped > 0 {
							n++
						}
					}
				}
			}
		}
		if len(units) < limit { // a unit has a record at least: the first limit units are enough
			units = append(units, snap.At(u, to))
		}
		total += n
	}
	// a province has many a "Thôn 1": a village is named with its commune
	where := func(v *org.Version) string {
		if p := snap.At(v.ParentID, to); p != nil && v.Level == org.LevelVillage {
			return v.Name + ", " + p.Name
		}
		return v.Name
	}
	all := []indicator.Record{}
	var acts []actTeam
	listed := 0 // records listed or, for activities, to be
	for _, v := range units {
		if listed >= limit {
			break
		}
		if code == "REG_VILLAGES" || code == "REG_VILLAGES_COVERED" {
			all = append(all, indicator.Record{Kind: "village", ID: v.UnitID, Label: v.Name, UnitName: where(v),
				URL: fmt.Sprintf("/units/%d", v.UnitID)})
			listed++
			continue
		}
		var recs []indicator.Record
		for _, p := range ix.teamsOf(v.UnitID) {
			tm := ix.at(p)
			if tm.statusAt(d) != Active {
				continue
			}
			switch code {
			case "REG_TEAMS":
				recs = append(recs, indicator.Record{Kind: "team", ID: tm.id, Label: tm.name, UnitName: where(v), URL: fmt.Sprintf("/network/teams/%d", tm.id)})
			case "REG_MEMBERS", "REG_MEMBERS_TRAINED":
				for _, mb := range tm.members {
					if mb.from <= d && d < mb.to && (code == "REG_MEMBERS" || trainedIn(ix.trained.at(mb.trained), yearStart, d)) {
						recs = append(recs, indicator.Record{Kind: "member", ID: mb.person, Label: tm.name, UnitName: where(v),
							URL: fmt.Sprintf("/people/%d", mb.person)})
					}
				}
			case "REG_ACTIVITIES", "REG_HELPED":
				// the index keeps no activity's id: activityRecords reads them
				n := 0
				for _, a := range tm.actsBetween(w.from, d) {
					if code == "REG_ACTIVITIES" || a.helped > 0 {
						n++
					}
				}
				if n > 0 {
					acts = append(acts, actTeam{id: tm.id, name: tm.name, unit: v.UnitID, where: where(v)})
					listed += n
				}
			}
		}
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].ID < recs[j].ID })
		all = append(all, recs...)
		listed += len(recs)
	}
	if len(all) > limit {
		all = all[:limit]
	}
	return all, acts, total
}

// actTeam is a team whose activities a listing names, with the unit it
// is listed under (in the listing's order).
type actTeam struct {
	id, unit    int64
	name, where string
}

// activityRecords lists the activities of the teams on the window's days
// (only those that helped someone if helpedOnly), by unit in the teams'
// order, then by id; the first limit. Their ids are read from the table: the index
// does not keep them (two million ids are 16 MB).
func (s *Service) activityRecords(ctx context.Context, teams []actTeam, w window, helpedOnly bool, limit int) ([]indicator.Record, error) {
	type act struct {
		id     int64
		day    int32
		helped int64
	}
	byTeam := map[int64][]act{}
	// a write of an activity moves the network's sequence: a page kept by
	// what it read depends on it, as on the index (db.Watch)
	ctx = db.Guarded(ctx, networkGeneration)
	for rest := teams; len(rest) > 0; {
		n := min(len(rest), 500)
		ids := make([]string, n)
		for i, t := range rest[:n] {
			ids[i] = strconv.FormatInt(t.id, 10)
		}
		rest = rest[n:]
		rows, err := s.db.QueryContext(ctx, `SELECT id, team_id, on_date, people_helped FROM net_activities
			WHERE team_id IN (`+strings.Join(ids, ",")+`) AND on_date >= $1 AND on_date <= $2 AND voided_at IS NULL`, fromDN(w.from), fromDN(w.to))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var a act
			var tid int64
			var d scanDay
			if err := rows.Scan(&a.id, &tid, &d, &a.helped); err != nil {
				rows.Close()
				return nil, err
			}
			if a.day = d.n; !helpedOnly || a.helped > 0 {
				byTeam[tid] = append(byTeam[tid], a)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	all := []indicator.Record{}
	for i := 0; i < len(teams) && len(all) < limit; {
		var recs []indicator.Record
		j := i
		for ; j < len(teams) && teams[j].unit == teams[i].unit; j++ {
			t := teams[j]
			for _, a := range byTeam[t.id] {
				recs = append(recs, indicator.Record{Kind: "activity", ID: a.id,
					Label: fmt.Sprintf("%s · %s · %d", t.name, fromDN(a.day), a.helped), UnitName: t.where,
					URL: fmt.Sprintf("/network/teams/%d/activities", t.id)})
			}
		}
		sort.Slice(recs, func(i, j int) bool { return recs[i].ID < recs[j].ID })
		all = append(all, recs...)
		i = j
	}
	if len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// personNames reads the names of the people the member records name.
func (s *Service) personNames(ctx context.Context, recs []indicator.Record) (map[int64]string, error) {
	var ids []string
	var args []any
	for _, r := range recs {
		if r.Kind == "member" {
			args = append(args, r.ID)
			ids = append(ids, fmt.Sprintf("$%d", len(args)))
		}
	}
	out := map[int64]string{}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, full_name FROM people WHERE id IN (`+strings.Join(ids, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
