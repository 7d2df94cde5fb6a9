package people

import (
	"cmp"
	"container/heap"
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
)

// listing is the people list's order kept in memory: every posting (a
// person in a unit over a validity range), grouped by unit, each unit's in
// the order the list shows — the database's own order of (name_folded,
// person id), so that a page of it is the page the SQL search gives on
// either engine. The unfiltered list (the /people page as it opens,
// /api/v1/people) is then a walk of the scope's units and a merge of their
// lists: at province scope SQLite sorted 5,575 people with a window count
// for each request (11–17 ms of CPU, the mix's costliest API read).
//
// It is kept for the people generation it was read at (every people write
// moves it; the next list reads it again, once). Packed, since the
// national register is 426,000 postings: one array of postings grouped by
// unit (12 bytes each: the rank and the range), the units' ids and where
// their postings start (12 bytes a unit), and the people by rank (8 bytes
// each). Bound: one listing, ≈ 9 MB nationally (426,000 people, 65,000
// units; 19 MB as a map of structs, issue 14, h15mem).
type listing struct {
	gen     int64
	units   []int64  // the units with postings, ascending
	start   []int32  // units[i]'s postings are posts[start[i]:start[i+1]]
	posts   []listed // by unit, each unit's by rank
	persons []int64  // by rank

	// scopes are the scopes' lists as pages read them, whole and in order
	// (a page of a scope was a walk of its units, each unit's postings
	// counted, and a merge: a province's 2,400 units for each page, most
	// of a rebuilt /people's CPU), kept for the tree they were walked on.
	// Bound: scopesMax rows in all (16 bytes each: ≈ 4 MB), a scope of
	// more than scopeMax rows (the nation's 426,000) not kept; past the
	// bound the map starts again empty.
	mu     sync.Mutex
	tree   *org.Snapshot
	scopes map[scopeKey][]listedRow
	kept   int

	// people are the people the pages showed, as readListed read them for
	// the day peopleDay (whether trained counts that day's year): a person
	// is shown alike to every user and by every address listing them (the
	// HTML list and the API's, the users of one scope, a page read again).
	// Kept with the listing, so for its people generation, which every
	// write of a person, a posting, a role or a course's result moves.
	// Bound: peopleMax people (≈ 0.5 KB each with their roles: ≈ 2 MB);
	// past it the map starts again empty.
	peopleDay day.Day
	people    map[int64]*listedPerson
}

const peopleMax = 1 << 12

// scopeKey names a scope's list: its roots and the day.
type scopeKey struct {
	roots string
	day   int32
}

const scopesMax = 1 << 18

// scopeMax is the most people a kept scope has (a variable for the tests,
// which keep none and compare).
var scopeMax = 1 << 16

type listed struct {
	rank     int32 // the person's place in the list's order
	from, to int32 // the posting's [from, to), in days since 1970
}

// of is the postings of unit, in the list's order.
func (l *listing) of(unit int64) []listed {
	i, ok := slices.BinarySearch(l.units, unit)
	if !ok {
		return nil
	}
	return l.posts[l.start[i]:l.start[i+1]]
}

type listingCache struct {
	mu  sync.Mutex
	cur *listing
}

// listing returns the order at the current people generation, reading it
// if that moved. The generation comes from the request's one read of them
// all; the postings are read after it, so they are at least that new.
func (s *Service) listing(ctx context.Context) (*listing, error) {
	gen, err := s.db.Generation(ctx, Generation)
	if err != nil {
		return nil, err
	}
	s.list.mu.Lock()
	defer s.list.mu.Unlock()
	if l := s.list.cur; l != nil && l.gen == gen {
		return l, nil
	}
	s.list.cur = nil // the old one goes while the new one is read
	rows, err := s.db.QueryContext(reading(ctx), `SELECT ps.person_id, ps.unit_id, ps.valid_from, ps.valid_to
		FROM postings ps JOIN people p ON p.id = ps.person_id ORDER BY p.name_folded, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type unitPosting struct {
		unit int64
		e    listed
	}
	var read []unitPosting
	l := &listing{gen: gen}
	var rank int32 = -1
	var last int64
	for rows.Next() {
		var p unitPosting
		var person int64
		var from, to day.Day
		if err := rows.Scan(&person, &p.unit, &from, &to); err != nil {
			return nil, err
		}
		if person != last || rank < 0 {
			rank++
			last = person
			l.persons = append(l.persons, person)
		}
		p.e = listed{rank: rank, from: dayNum(from), to: dayNum(to)}
		read = append(read, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// grouped by unit, each unit's kept in the order read (by rank)
	slices.SortStableFunc(read, func(a, b unitPosting) int { return cmp.Compare(a.unit, b.unit) })
	l.posts = make([]listed, len(read))
	for i, p := range read {
		if i == 0 || p.unit != read[i-1].unit {
			l.units = append(l.units, p.unit)
			l.start = append(l.start, int32(i))
		}
		l.posts[i] = p.e
	}
	l.start = append(l.start, int32(len(read)))
	l.units, l.start, l.persons = slices.Clone(l.units), slices.Clone(l.start), slices.Clone(l.persons) // at their length
	s.list.cur = l
	return l, nil
}

// listedRow is a row of a page of the list: a person posted in a unit.
type listedRow struct {
	person int64
	unit   *org.Version
}

// page gives the people posted on d in the subtrees of roots, in the
// list's order, from offset, at most limit of them, and how many in all.
func (l *listing) page(t *org.Scoped, roots []*org.Version, d day.Day, limit, offset int) ([]listedRow, int) {
	k := scopeKey{day: dayNum(d)}
	for _, r := range roots {
		k.roots += strconv.FormatInt(r.UnitID, 10) + ","
	}
	l.mu.Lock()
	rows, ok := l.scopes[k]
	if l.tree != t.Snapshot {
		ok = false
	}
	l.mu.Unlock()
	if !ok {
		var total int
		var whole bool
		if rows, total, whole = l.merge(t, roots, d, limit, offset); !whole {
			return rows, total
		}
		l.mu.Lock()
		if l.tree != t.Snapshot || l.scopes == nil || l.kept+len(rows) > scopesMax {
			l.tree, l.scopes, l.kept = t.Snapshot, map[scopeKey][]listedRow{}, 0
		}
		l.scopes[k] = rows
		l.kept += len(rows)
		l.mu.Unlock()
	}
	if offset >= len(rows) {
		return nil, len(rows)
	}
	return rows[offset:min(len(rows), offset+limit)], len(rows)
}

// known gives those of page's people the listing holds for day d and the
// ids of the others.
func (l *listing) known(page []listedRow, d day.Day) (map[int64]*listedPerson, []int64) {
	got := make(map[int64]*listedPerson, len(page))
	var missing []int64
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range page {
		if x := l.people[r.person]; x != nil && l.peopleDay == d {
			got[r.person] = x
		} else if _, dup := got[r.person]; !dup {
			got[r.person] = nil
			missing = append(missing, r.person)
		}
	}
	return got, missing
}

// keep keeps people read for day d.
func (l *listing) keep(read map[int64]*listedPerson, d day.Day) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.people == nil || l.peopleDay != d || len(l.people)+len(read) > peopleMax {
		l.people, l.peopleDay = make(map[int64]*listedPerson, len(read)), d
	}
	for id, x := range read {
		l.people[id] = x
	}
}

// merge is page made from the units: the walk of the scope and the merge
// of its units' lists — the whole list (whole) for a scope of at most
// scopeMax people, else the page alone.
func (l *listing) merge(t *org.Scoped, roots []*org.Version, d day.Day, limit, offset int) (rows []listedRow, total int, whole bool) {
	n := dayNum(d)
	inForce := func(e listed) bool { return e.from <= n && n < e.to }
	var h cursors
	var seen map[int64]bool
	if len(roots) > 1 {
		seen = map[int64]bool{}
	}
	for _, r := range roots {
		t.Walk(r.UnitID, d, func(v *org.Version) bool {
			if seen != nil {
				if seen[v.UnitID] { // roots formed from overlapping areas
					return false
				}
				seen[v.UnitID] = true
			}
			list := l.of(v.UnitID)
			first := -1
			for i, e := range list {
				if inForce(e) {
					total++
					if first < 0 {
						first = i
					}
				}
			}
			if first >= 0 {
				h = append(h, cursor{list: list, at: first, unit: v})
			}
			return true
		})
	}
	if total <= scopeMax {
		offset, limit, whole = 0, total, true
	}
	heap.Init(&h)
	out := make([]listedRow, 0, min(limit, total))
	for i := 0; len(h) > 0 && i < offset+limit; i++ {
		c := &h[0]
		if i >= offset {
			out = append(out, listedRow{person: l.persons[c.list[c.at].rank], unit: c.unit})
		}
		c.at++
		for c.at < len(c.list) && !inForce(c.list[c.at]) {
			c.at++
		}
		if c.at == len(c.list) {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
	}
	return out, total, whole
}

// cursors merge the units' lists by rank (a min-heap on each list's head).
type cursor struct {
	list []listed
	at   int
	unit *org.Version
}

type cursors []cursor

func (h cursors) Len() int { return len(h) }
func (h cursors) Less(i, j int) bool {
	a, b := h[i].list[h[i].at], h[j].list[h[j].at]
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return h[i].unit.UnitID < h[j].unit.UnitID
}
func (h cursors) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursors) Push(x any)   { *h = append(*h, x.(cursor)) }
func (h *cursors) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
