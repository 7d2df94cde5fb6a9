package plans

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
)

// A scope's to-do list kept across the plans' writes. Every plans write
// (a report, a review: several a second under load) moves the plans'
// generation, and the lists kept under it (summary) were made again from
// nothing: each of a province's 3,000 tasks' states derived, filtered and
// sorted, for each reader and each list (the page's 300 rows, the API's
// 1,000). A listing keeps, for a scope, filter and day, every task of the
// scope with its state, the ones the filter keeps sorted in the list's
// order, and their counts; the next list after a write that moved no task
// to another place or unit (kept.epoch: the index by unit is the same)
// finds the tasks whose kept copy changed (a pointer compare per task) and
// moves only those in the order. TestListingPatched compares a patched
// listing with one made afresh after reports, reviews, returns, changes,
// a carry-over and cancellations, on both engines.

// listKey is what a listing depends on besides the plans: the tree, the
// reader's scope and role, the unit listed, the filter and the day.
type listKey struct {
	org    int64
	scope  int64
	role   auth.Role
	system bool
	unit   int64
	f      Filter
	d      day.Day
}

// listing is one list kept. Used under its lock only: a request patches it
// in place, then makes its rows from it.
type listing struct {
	mu    sync.Mutex
	k     *kept  // the copy it is as of
	items []item // the scope's tasks, in the order of k.tasks
	ents  []listEntry
	c     Counts
	// sums are the dashboard's counts, kept with the list without filter
	// (the dashboard's): nil for the others.
	sums *dashSums
	rows int // entries holding their row (at most maxRowsKept)
}

// item is a task of the scope: k.tasks[i], or its assignment k (-1: the
// task itself), the kept copy it was derived from, and its key in ents
// when the filter keeps it.
type item struct {
	i, k   int32
	listed bool
	r      *taskRec
	key    rowKey
}

// listEntry is a task the list shows, in order.
type listEntry struct {
	key rowKey
	r   *taskRec
	st  TaskState
	// row is the task's row (rowAt, with its plan's number), made the
	// first time a list or the dashboard shows it: after a write only the
	// changed tasks' rows are made again (a new entry), not the 300 or
	// 1,000 a list shows. It depends on nothing but the entry's task and
	// state, the listing's key (the tree's generation, the reader, the
	// day) and the documents' numbers, which a patched listing's copies
	// share (a copy read whole has another epoch: the listing is made
	// again).
	row *TaskRow
}

// rowOf is the entry's row, made once (under the listing's lock), shared:
// the caller copies it.
func (s *Service) rowOf(t *org.Scoped, l *listing, e *listEntry, d day.Day) *TaskRow {
	if e.row != nil {
		return e.row
	}
	r := s.rowAt(t, e.r, e.st, d)
	r.PlanNumber = l.k.numbers[e.r.DocumentID]
	if l.rows < maxRowsKept {
		e.row = &r
		l.rows++
	}
	return &r
}

// maxRowsKept bounds the rows a listing keeps: the most a page or an
// answer shows of a list (the API's 1,000). A list asked whole past it
// makes the rest each time, as before rows were kept. (A variable: a test
// lowers it, so that both ways are compared with a fresh service's.)
var maxRowsKept = 1_000

// rowWeight is a kept row's size in items' (listEntry.row: ≈ 450 bytes,
// an item with its entry ≈ 150): a listing is counted in maxListed with
// the rows it may keep, so that the rows shown stay inside the bound.
const rowWeight = 3

// weight is what the listing counts for in maxListed: its items, and the
// rows it may keep.
func (l *listing) weight() int {
	return len(l.items) + rowWeight*min(len(l.items), maxRowsKept)
}

// at is the task an item names in a copy.
func (k *kept) at(it *item) *taskRec {
	r := k.tasks[it.i]
	if it.k >= 0 {
		return r.kids[it.k]
	}
	return r
}

// maxListed bounds the tasks held by the listings in all, each counted
// with the rows it may keep (weight: about 150 bytes a task, 450 a row:
// 15 MB in all): past it they are all dropped and made again as asked.
// A listing of more than a tenth of it in tasks (the nation's) is not
// kept.
const maxListed = 100_000

type listings struct {
	mu    sync.Mutex
	m     map[listKey]*listing
	held  int // the weight of the listings in m
	stats ListingStats
}

// ListingStats says how the lists were made: from nothing, or patched
// (a list asked again of the same copy is neither).
type ListingStats struct {
	Made, Patched int64
}

// ListingStats reports how this server's lists were made.
func (s *Service) ListingStats() ListingStats {
	s.lists.mu.Lock()
	defer s.lists.mu.Unlock()
	return s.lists.stats
}

// listed is the scope's list (unit's tasks, filtered) as of copy k, locked:
// the caller reads it and unlocks it.
func (s *Service) listed(t *org.Scoped, k *kept, og int64, unit int64, f Filter, d day.Day) *listing {
	a := t.Actor
	key := listKey{org: og, scope: a.ScopeUnitID, role: a.Role, system: a.System, unit: unit, f: f, d: d}
	ls := s.lists
	ls.mu.Lock()
	l := ls.m[key]
	ls.mu.Unlock()
	if l != nil {
		l.mu.Lock()
		if l.k == k {
			return l
		}
		if l.patch(t, k, f, d) {
			ls.mu.Lock()
			ls.stats.Patched++
			ls.mu.Unlock()
			return l
		}
		l.mu.Unlock()
	}
	l = makeListing(t, k, unit, f, d)
	l.mu.Lock()
	ls.mu.Lock()
	ls.stats.Made++
	if n := len(l.items); n <= maxListed/10 {
		n = l.weight()
		if old := ls.m[key]; old != nil {
			ls.held -= old.weight()
		}
		if ls.held+n > maxListed {
			ls.m, ls.held = map[listKey]*listing{}, 0
		}
		ls.m[key] = l
		ls.held += n
	}
	ls.mu.Unlock()
	return l
}

// makeListing derives, filters, counts and sorts the scope's tasks.
func makeListing(t *org.Scoped, k *kept, unit int64, f Filter, d day.Day) *listing {
	var items []item
	if unit == t.RootID {
		items = make([]item, len(k.tasks))
		for i := range k.tasks {
			items[i] = item{i: int32(i), k: -1}
		}
	} else {
		items = k.items(append(t.UnitsUnder(unit), unit))
	}
	l := &listing{k: k, items: items, ents: make([]listEntry, 0, len(items))}
	if f == (Filter{}) {
		l.sums = newDashSums(t, d)
	}
	for j := range l.items {
		it := &l.items[j]
		it.r = k.at(it)
		if st, key, ok := listedAs(t, it.r, f, d); ok {
			it.listed, it.key = true, key
			l.c.Add(st)
			l.ents = append(l.ents, listEntry{key: key, r: it.r, st: st})
			l.sums.count(it.r, st, 1)
		}
	}
	slices.SortFunc(l.ents, func(a, b listEntry) int { return a.key.compare(b.key) })
	return l
}

// maxPatched bounds the tasks a patch moves: past it the list is made
// afresh (about as fast).
const maxPatched = 256

// patch brings the listing up to copy k: the items whose task is another
// copy (changed) leave the order and come back in their new place. false
// when it cannot (k indexes the units otherwise: a task added, moved, given
// to another unit): the caller makes the list afresh and keeps that.
func (l *listing) patch(t *org.Scoped, k *kept, f Filter, d day.Day) bool {
	if l.k == nil || k.epoch != l.k.epoch {
		return false
	}
	var changed []int32
	for j := range l.items {
		it := &l.items[j]
		if k.at(it) != it.r {
			if changed = append(changed, int32(j)); len(changed) > maxPatched {
				return false
			}
		}
	}
	for _, j := range changed {
		it := &l.items[j]
		if it.listed {
			i, ok := slices.BinarySearchFunc(l.ents, it.key, func(e listEntry, key rowKey) int { return e.key.compare(key) })
			if !ok { // never: every listed item is in the order
				l.k = nil // not to be patched again
				return false
			}
			var one Counts
			one.Add(l.ents[i].st)
			l.c = l.c.minus(one)
			l.sums.count(l.ents[i].r, l.ents[i].st, -1)
			if l.ents[i].row != nil {
				l.rows--
			}
			l.ents = slices.Delete(l.ents, i, i+1)
		}
		it.r, it.listed = k.at(it), false
		if st, key, ok := listedAs(t, it.r, f, d); ok {
			it.listed, it.key = true, key
			l.c.Add(st)
			l.sums.count(it.r, st, 1)
			i, _ := slices.BinarySearchFunc(l.ents, key, func(e listEntry, key rowKey) int { return e.key.compare(key) })
			l.ents = slices.Insert(l.ents, i, listEntry{key: key, r: it.r, st: st})
		}
	}
	l.k = k
	return true
}

// listedAs is a task's state on d, its key in the list, and whether the
// filter keeps it.
func listedAs(t *org.Scoped, r *taskRec, f Filter, d day.Day) (TaskState, rowKey, bool) {
	st := r.state(d)
	next := r.DueOn
	if st.Current != nil {
		next = st.Current.DueOn
	}
	if !f.keeps(st.Status, next, r.LeadUnitID, r.SupportIDs, d, t) {
		return st, rowKey{}, false
	}
	return st, keyFor(mine(t, r), st, next, r.ID), true
}

// keyFor is a row's key: see rowKey.
func keyFor(mine int, st TaskState, next day.Day, id int64) rowKey {
	due := int32(math.MaxInt32)
	if !next.IsZero() {
		due = next.Unix()
	}
	return rowKey{mine: int8(mine), severity: int8(severity[st.Status]), late: int32(st.DaysLate), due: due, id: id}
}

// items are the places in the list of the tasks that units lead or
// support, as of returns them (see of).
func (k *kept) items(units []int64) []item {
	var spots []spot
	for _, u := range units {
		spots = append(spots, k.byUnit[u]...)
	}
	slices.SortFunc(spots, func(a, b spot) int { return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.k, b.k)) })
	out := make([]item, 0, len(spots))
	whole, last := int32(-1), spot{-1, -2, false}
	for _, p := range spots {
		if p.i == last.i && p.k == last.k {
			continue // another of the units
		}
		last = p
		switch {
		case p.k < 0:
			whole = p.i
			out = append(out, item{i: p.i, k: -1})
		case whole != p.i:
			out = append(out, item{i: p.i, k: p.k})
		}
	}
	return out
}

// minus is c less o, field by field.
func (c Counts) minus(o Counts) Counts {
	return Counts{Total: c.Total - o.Total, Started: c.Started - o.Started, NotStarted: c.NotStarted - o.NotStarted, Done: c.Done - o.Done,
		DoneOnTime: c.DoneOnTime - o.DoneOnTime, DoneLate: c.DoneLate - o.DoneLate, Overdue: c.Overdue - o.Overdue, AtRisk: c.AtRisk - o.AtRisk,
		OnTrack: c.OnTrack - o.OnTrack, NotDue: c.NotDue - o.NotDue, Closed: c.Closed - o.Closed, Cancelled: c.Cancelled - o.Cancelled,
		CarriedOver: c.CarriedOver - o.CarriedOver}
}
