package people

import (
	"container/heap"
	"context"
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
// moves it; the next list reads it again, once). Bound: one listing, 24
// bytes a posting (≈ 3.5 MB for the national 131,000 people).
type listing struct {
	gen    int64
	byUnit map[int64][]listed
}

type listed struct {
	rank     int32 // the person's place in the list's order
	from, to int32 // the posting's [from, to), in days since 1970
	person   int64
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
	rows, err := s.db.QueryContext(reading(ctx), `SELECT ps.person_id, ps.unit_id, ps.valid_from, ps.valid_to
		FROM postings ps JOIN people p ON p.id = ps.person_id ORDER BY p.name_folded, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l := &listing{gen: gen, byUnit: map[int64][]listed{}}
	var rank int32 = -1
	var last int64
	for rows.Next() {
		var e listed
		var unit int64
		var from, to day.Day
		if err := rows.Scan(&e.person, &unit, &from, &to); err != nil {
			return nil, err
		}
		if e.person != last || rank < 0 {
			rank++
			last = e.person
		}
		e.rank, e.from, e.to = rank, dayNum(from), dayNum(to)
		l.byUnit[unit] = append(l.byUnit[unit], e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
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
	n := dayNum(d)
	inForce := func(e listed) bool { return e.from <= n && n < e.to }
	var h cursors
	total := 0
	seen := map[int64]bool{}
	for _, r := range roots {
		t.Walk(r.UnitID, d, func(v *org.Version) bool {
			if seen[v.UnitID] { // roots formed from overlapping areas
				return false
			}
			seen[v.UnitID] = true
			list := l.byUnit[v.UnitID]
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
	heap.Init(&h)
	var out []listedRow
	for i := 0; len(h) > 0 && i < offset+limit; i++ {
		c := &h[0]
		if i >= offset {
			out = append(out, listedRow{person: c.list[c.at].person, unit: c.unit})
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
	return out, total
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
