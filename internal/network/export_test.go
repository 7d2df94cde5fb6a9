package network

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// MeasureByWalk is a measured figure per unit computed as before the
// tables: a walk of every village and of every team's status on the day
// (the reference the tables are tested against).
func MeasureByWalk(ctx context.Context, s *Service, code string, w indicator.Window) (map[int64]float64, error) {
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	ix, _, _, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	defer ix.mu.RUnlock()
	d, yearStart, from := dn(w.To), dn(day.Of(w.To.Year(), 1, 1)), dn(w.From)
	out := map[int64]float64{}
	count := func(v *org.Version, teams []*teamRec) {
		var n float64
		switch code {
		case "REG_VILLAGES":
			n = 1
		case "REG_VILLAGES_COVERED":
			if len(teams) > 0 {
				n = 1
			}
		case "REG_TEAMS":
			n = float64(len(teams))
		}
		for _, t := range teams {
			switch code {
			case "REG_MEMBERS", "REG_MEMBERS_TRAINED":
				for _, mb := range t.members {
					if mb.from <= d && d < mb.to && (code == "REG_MEMBERS" || trainedIn(ix.trained.at(mb.trained), yearStart, d)) {
						n++
					}
				}
			case "REG_ACTIVITIES":
				n += float64(len(t.actsBetween(from, d)))
			case "REG_HELPED":
				for _, a := range t.actsBetween(from, d) {
					n += float64(a.helped)
				}
			}
		}
		if n != 0 {
			out[v.UnitID] += n
		}
	}
	active := func(ps []int32) []*teamRec {
		var a []*teamRec
		for _, p := range ps {
			if t := ix.at(p); t.statusAt(d) == Active {
				a = append(a, &t)
			}
		}
		return a
	}
	switch code {
	case "REG_VILLAGES", "REG_VILLAGES_COVERED":
		snap.Walk(snap.RootID, w.To, func(v *org.Version) bool {
			if v.Level == org.LevelVillage {
				count(v, active(ix.teamsOf(v.UnitID)))
			}
			return true
		})
	default:
		for unit := range ix.units.ids() {
			if a := active(ix.teamsOf(unit)); len(a) > 0 {
				if v := snap.At(unit, w.To); v != nil {
					count(v, a)
				}
			}
		}
	}
	return out, nil
}

// SetOwnMax sets the teams that may hold their own rows before the index
// is packed again (0: the default), so that a test packs it often.
func SetOwnMax(s *Service, n int) {
	s.idx.mu.Lock()
	defer s.idx.mu.Unlock()
	s.idx.ownCap = n
}

// IndexStats are how many teams hold their own rows, how many times the
// index was packed since its load, and how many times it was loaded whole.
func IndexStats(s *Service) (own, packs, loads int) {
	s.idx.mu.RLock()
	defer s.idx.mu.RUnlock()
	return len(s.idx.own), s.idx.packs, s.idx.loads
}

// IndexAgrees compares the index as caught up with the tables: with an
// index loaded afresh from them, team by team (its unit, names, day set
// up, statuses, memberships with their training, activities), and with
// each team's counts and sums read by SQL (statuses, memberships,
// activities not voided and the people they helped); then packs the
// index and compares it again. It returns the differences found.
func IndexAgrees(ctx context.Context, s *Service) ([]string, error) {
	ix, _, _, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	ix.mu.RUnlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	fresh := &index{packed: packed{nameOf: map[string]int32{}}, dirty: map[int64]bool{}}
	if _, _, err := loadRows(ctx, s.db, fresh, -1, ix.seq); err != nil {
		return nil, err
	}
	if fresh.trained, err = loadTrained(ctx, s.db, nil); err != nil {
		return nil, err
	}
	for i := range fresh.mems {
		fresh.mems[i].trained = fresh.trained.find(fresh.mems[i].person)
	}
	type counts struct {
		statuses, members, acts int
		helped                  int64
	}
	sql := map[int64]*counts{}
	of := func(id int64) *counts {
		if sql[id] == nil {
			sql[id] = &counts{}
		}
		return sql[id]
	}
	for _, q := range []struct {
		query string
		put   func(c *counts, n, sum int64)
	}{
		{`SELECT team_id, COUNT(*), 0 FROM net_team_status GROUP BY team_id`, func(c *counts, n, _ int64) { c.statuses = int(n) }},
		{`SELECT team_id, COUNT(*), 0 FROM net_members GROUP BY team_id`, func(c *counts, n, _ int64) { c.members = int(n) }},
		{`SELECT team_id, COUNT(*), COALESCE(SUM(people_helped), 0) FROM net_activities WHERE voided_at IS NULL GROUP BY team_id`,
			func(c *counts, n, sum int64) { c.acts, c.helped = int(n), sum }},
	} {
		rows, err := s.db.QueryContext(ctx, q.query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n, sum int64
			if err := rows.Scan(&id, &n, &sum); err != nil {
				rows.Close()
				return nil, err
			}
			q.put(of(id), n, sum)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var diffs []string
	compare := func(when string) {
		if len(ix.rows) != len(fresh.rows) {
			diffs = append(diffs, fmt.Sprintf("%s: %d teams held, %d in the tables", when, len(ix.rows), len(fresh.rows)))
		}
		for id := range fresh.teams.ids() {
			fp, _ := fresh.teams.get(id)
			p, ok := ix.teams.get(id)
			p, fp = p-1, fp-1
			if !ok {
				diffs = append(diffs, fmt.Sprintf("%s: team %d not held", when, id))
				continue
			}
			a, b := ix.at(p), fresh.at(fp)
			c := of(id)
			var helped int64
			for _, x := range a.acts {
				helped += int64(x.helped)
			}
			tr := func(x *index, ms []memberRec) (out [][]int32) {
				for _, m := range ms {
					out = append(out, x.trained.at(m.trained))
				}
				return out
			}
			// memberships in any order (each read is in the table's)
			byPerson := func(ms []memberRec) []memberRec {
				return slices.SortedFunc(slices.Values(ms), func(m, n memberRec) int {
					return cmp.Or(cmp.Compare(m.person, n.person), cmp.Compare(m.from, n.from), cmp.Compare(m.to, n.to))
				})
			}
			eqm := func(x, y []memberRec) bool {
				return slices.EqualFunc(byPerson(x), byPerson(y), func(m, n memberRec) bool { return m.person == n.person && m.from == n.from && m.to == n.to })
			}
			switch {
			case a.id != b.id || a.unit != b.unit || a.name != b.name || a.folded != b.folded || a.established != b.established:
				diffs = append(diffs, fmt.Sprintf("%s: team %d held as %+v, in the tables %+v", when, id, a, b))
			case !slices.Equal(a.statuses, b.statuses) || !eqm(a.members, b.members) || !slices.Equal(a.acts, b.acts):
				diffs = append(diffs, fmt.Sprintf("%s: team %d's rows held %v %v %v, in the tables %v %v %v", when, id, a.statuses, a.members, a.acts, b.statuses, b.members, b.acts))
			case !slices.EqualFunc(tr(ix, byPerson(a.members)), tr(fresh, byPerson(b.members)), slices.Equal):
				diffs = append(diffs, fmt.Sprintf("%s: team %d's members' training differs", when, id))
			case len(a.statuses) != c.statuses || len(a.members) != c.members || len(a.acts) != c.acts || helped != c.helped:
				diffs = append(diffs, fmt.Sprintf("%s: team %d holds %d statuses, %d members, %d activities helping %d; SQL counts %+v",
					when, id, len(a.statuses), len(a.members), len(a.acts), helped, *c))
			}
		}
		for u := range fresh.units.ids() {
			var x, y []int64
			for _, p := range ix.teamsOf(u) {
				x = append(x, ix.rows[p].id)
			}
			for _, p := range fresh.teamsOf(u) {
				y = append(y, fresh.rows[p].id)
			}
			if !slices.Equal(x, y) {
				diffs = append(diffs, fmt.Sprintf("%s: unit %d's teams held %v, in the tables %v", when, u, x, y))
			}
		}
	}
	compare("as caught up")
	ix.pack()
	ix.packs++
	compare("packed again")
	return diffs, nil
}

// Fresh is another service on s's database and tree, whose index is not
// read yet (a server just started).
func Fresh(s *Service) *Service {
	return &Service{db: s.db, org: s.org, audit: s.audit, files: s.files, now: s.now}
}

// HoldWhole makes s as a server is while the first read of its index runs
// and has not ended: that read marked begun and the index write-locked, so
// that a request reaching for the whole index would wait. release ends it
// without loading anything (the next request reads the whole index).
func HoldWhole(s *Service) (release func()) {
	s.idx.mu.Lock()
	s.parts.FirstRead(true)
	return func() {
		s.parts.FirstRead(false)
		s.idx.mu.Unlock()
	}
}

// ScopedReads are the scoped reads s made while its first read ran, and
// the requests that joined another's.
func ScopedReads(s *Service) (reads, joined int64) {
	return s.parts.Counts()
}

// ScopedIndexes are how many scoped indexes s holds.
func ScopedIndexes(s *Service) int {
	return s.parts.Held()
}

// HookScoped runs f in each request making a scoped read, before it reads;
// restore removes it.
func HookScoped(f func()) (restore func()) {
	scopedHook = f
	return func() { scopedHook = nil }
}
