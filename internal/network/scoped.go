package network

import (
	"context"
	"slices"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// A scope's index while the nation's is first read (issue 14, item 7). A
// server starting on the national database listens within 0.3 s, then
// reads the whole network into the index (Warm: ≈ 2.3 s of CPU, 75,000
// teams and two million activities) under the index's write lock; a
// province leader signing in meanwhile asked for their coverage, a
// commune's focal person for their unit page's register figures, and both
// waited on that lock for the whole national read. Instead, while that
// first read runs, a request about a part of the tree reads only the
// teams of that part's units, with the same reader (loadRows, restricted
// by index.scope) into an index of the same shape, and answers with the
// same code (computeCoverage, the measured tables): a narrower input, one
// way to compute. The nation (or any part holding more than
// maxScopedUnits units) waits for the whole as before; so does anything
// national or listing records.
//
// A scoped index holds every team of its units with all their rows, and
// the training of all their members: a unit's figures read nothing else
// (tally.team, rowOf), so for a unit set that holds every unit a request
// reads, the answer is the whole index's. Coverage asks for the units
// the scope ever covered (org.Snapshot.UnitsUnder) and checks that the
// walk of the date stays inside them; MeasureUnits asks for exactly the
// units it is given. TestScopedIndexAnswersAsTheWhole compares, on both
// engines.
//
// Writes during the warm-up are not lost: a scoped index is read in one
// snapshot of the database, as the whole is (loadRows), and holds the
// network sequence it was read at; a request uses it only if that is at
// least the sequence the request read first, and the people generation
// it read is the one the index was read under, else it reads the scope
// again. Scoped indexes never catch up: they are dropped, all of them,
// when the first read ends (loaded or failed), and every request then
// reads the whole index. Their answers are not put in the result cache.

// maxScoped bounds the scoped indexes held during the first read: one per
// unit set asked for (a scope's coverage, a unit page's subtree) and people
// generation. A province's index is ~1/60 of the nation's (≈ 1,200 teams,
// 35,000 activities: under 1 MB), so 32 of them ≈ 32 MB at most, for the
// seconds of the first read; past the bound a request waits for the whole
// index, as before.
const maxScoped = 32

// maxScopedUnits bounds the units of a scope read on its own: a province is
// ≈ 1,000–2,500 units (an old province merged into a new one included);
// past 10,000 the part read is a large share of the nation, which is better
// waited for whole than read twice.
const maxScopedUnits = 10000

// scopeKey is what a scoped index depends on: its units (ascending, as a
// list of ids) and the people generation its training was read under.
type scopeKey struct {
	units  string
	people int64
}

// scopedHook, when set (by a test), runs in the request making a scoped
// read before it reads: a test holds it there to have others join it.
var scopedHook func()

// coverageUnits are the units a scoped index for unit's coverage on d
// holds: every unit it ever covered, ascending; nil when the coverage is
// not one a scoped index can answer (the unit not in force on d, whose
// figures are its predecessors', or a walk leaving the set).
func coverageUnits(snap *org.Snapshot, unit int64, d day.Day) []int64 {
	if snap.At(unit, d) == nil {
		return nil
	}
	units := append(snap.UnitsUnder(unit), unit)
	slices.Sort(units)
	units = slices.Compact(units)
	if len(units) > maxScopedUnits {
		return nil
	}
	inside := true
	snap.Walk(unit, d, func(v *org.Version) bool {
		if _, ok := slices.BinarySearch(units, v.UnitID); !ok {
			inside = false
		}
		return inside
	})
	if !inside {
		return nil
	}
	return units
}

// scopedIndex is, while the first read of the whole index runs, an index
// holding the teams of units (ascending) read on their own, shared by the
// requests asking for the same units; nil (and no error) when the whole
// index is to be read: the first read is not running, the units are too
// many, or maxScoped indexes are held.
func (s *Service) scopedIndex(ctx context.Context, units []int64) (*index, error) {
	sc := &s.parts
	if !sc.Loading() || len(units) == 0 || len(units) > maxScopedUnits {
		return nil, nil
	}
	seq, pgen, err := s.state(ctx)
	if err != nil {
		return nil, err
	}
	// an index read before a write this request saw is read again
	ix, ok, err := sc.Get(ctx, scopeKey{units: db.IDList(units), people: pgen}, maxScoped, func(ix *index) bool { return ix.seq >= seq },
		func(ctx context.Context) (*index, error) {
			if scopedHook != nil {
				scopedHook()
			}
			return s.readScope(ctx, units, pgen)
		})
	if !ok || err != nil {
		return nil, err
	}
	return ix, nil
}

// readScope reads the teams of units into an index of their own, as the
// first read of the whole does (loadRows in one snapshot, then the
// training of their members, linked), under the people generation pgen
// read before it.
func (s *Service) readScope(ctx context.Context, units []int64, pgen int64) (*index, error) {
	ctx = db.Guarded(ctx, networkGeneration, people.Generation)
	ix := &index{scope: db.IDList(units)}
	ix.packed = packed{nameOf: map[string]int32{}}
	ix.dirty = map[int64]bool{}
	at, _, err := loadRows(ctx, s.db, ix, -1, 0)
	if err != nil {
		return nil, err
	}
	persons := make([]int64, 0, len(ix.mems))
	for _, m := range ix.mems {
		persons = append(persons, m.person)
	}
	slices.Sort(persons)
	persons = slices.Compact(persons)
	if len(persons) > 0 { // none: no training to read (nil would read everyone's)
		if ix.trained, err = loadTrained(ctx, s.db, persons); err != nil {
			return nil, err
		}
	}
	for i := range ix.mems {
		ix.mems[i].trained = ix.trained.find(ix.mems[i].person)
	}
	ix.seq, ix.peopleGen, ix.loaded, ix.dirty = at, pgen, true, nil
	return ix, nil
}

// scopeWhere is the condition restricting a first read to the scope's
// teams: on net_teams (column unit_id) or, once they are read, on a table
// of their rows (column team_id, the teams' ids written out); empty for the
// whole index. The ids, not a subquery of net_teams: PostgreSQL planned
// `team_id IN (SELECT id FROM net_teams WHERE unit_id IN (…))` for a
// province as a hash join over a scan of the two million activities
// (1.3 s); a list of ids is read through net_activities_team.
func (ix *index) scopeWhere(teams bool) string {
	switch {
	case ix.scope == "":
		return ""
	case teams:
		return ` AND unit_id IN (` + ix.scope + `)`
	case len(ix.rows) == 0:
		return ` AND 1 = 0` // no team: no row
	}
	ids := make([]int64, len(ix.rows))
	for i, r := range ix.rows {
		ids[i] = r.id
	}
	return ` AND team_id IN (` + db.IDList(ids) + `)`
}
