package people

import "slices"

// grouped holds records by unit without a pointer for the collector to
// follow: every unit's records are a range of one array, the ranges in a
// map of plain values (issue 14, h16gc: the register's maps of slices were
// 65,000 small slices and their headers to mark at every collection). A
// unit whose records are replaced (a catch-up) gets a range at the end;
// what it held is dropped when the ranges no longer in use pass half the
// array (packed again). Bound: the records held, at most twice.
type grouped[T any] struct {
	at   map[int64]rng
	recs []T
	dead int // records no range names
}

// rng is the range [lo, hi) of grouped.recs.
type rng struct{ lo, hi int32 }

// of is unit's records (nil if none).
func (g *grouped[T]) of(unit int64) []T {
	r, ok := g.at[unit]
	if !ok {
		return nil
	}
	return g.recs[r.lo:r.hi:r.hi]
}

// set replaces unit's records with recs (none: the unit is dropped).
func (g *grouped[T]) set(unit int64, recs []T) {
	if r, ok := g.at[unit]; ok {
		g.dead += int(r.hi - r.lo)
		delete(g.at, unit)
	}
	if len(recs) > 0 {
		lo := int32(len(g.recs))
		g.recs = append(g.recs, recs...)
		g.at[unit] = rng{lo, int32(len(g.recs))}
	}
	if g.dead > len(g.recs)/2 {
		g.pack()
	}
}

// pack lays the units' records out again in one array at its length.
func (g *grouped[T]) pack() {
	n := 0
	for _, r := range g.at {
		n += int(r.hi - r.lo)
	}
	recs := make([]T, 0, n)
	for u, r := range g.at {
		lo := int32(len(recs))
		recs = append(recs, g.recs[r.lo:r.hi]...)
		g.at[u] = rng{lo, int32(len(recs))}
	}
	g.recs, g.dead = recs, 0
}

// groupOf makes a grouped of records read in any order with their units,
// each unit's kept in the order read.
func groupOf[T any](units []int64, recs []T) grouped[T] {
	idx := make([]int, len(recs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case units[a] < units[b]:
			return -1
		case units[a] > units[b]:
			return 1
		}
		return 0
	})
	g := grouped[T]{at: map[int64]rng{}, recs: make([]T, len(recs))}
	for i, j := range idx {
		g.recs[i] = recs[j]
		u := units[j]
		if r, ok := g.at[u]; ok {
			r.hi++
			g.at[u] = r
		} else {
			g.at[u] = rng{int32(i), int32(i + 1)}
		}
	}
	return g
}
