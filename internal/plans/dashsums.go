package plans

import (
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
)

// dashSums are the plans dashboard's counts kept with the scope's listing
// without filter and patched with it, task by task: every plans write (a
// report, a review: several a second under load) made the dashboard again
// from the whole listing — a province's 3,000 tasks counted by plan (all
// of them and the reader's own) and by lead unit, and the nation's
// documents walked for the ones the reader sees — about a third of the
// summaries' CPU in the mixed workload. Each count is what listDocs'
// countsByDocument and dashboardOf's tally give over the listing's
// entries (TestListingPatched and TestSummariesAfterRandomWrites compare
// them with those made afresh); a key whose counts come back to nothing
// is deleted, as if never counted.
type dashSums struct {
	t      *org.Scoped
	d      day.Day
	all    map[int64]*Counts // by plan, every task counted
	mine   map[int64]*Counts // by plan, the reader's units' tasks
	byLead map[int64]*Counts // by lead unit
	scope  map[int64]bool    // t.InScope of each unit met
	// the documents the reader sees, in chain order, their counts not
	// filled: made again when the documents (docs) or the plans the tasks
	// come from (the keys of all: giving changed) change
	docs   []*Document
	giving bool           // a plan came into all since vis was made
	gone   map[int64]bool // plans that left all since (a patch takes a task away, then counts it again)
	vis    []DocRow
}

func newDashSums(t *org.Scoped, d day.Day) *dashSums {
	return &dashSums{t: t, d: d, all: map[int64]*Counts{}, mine: map[int64]*Counts{}, byLead: map[int64]*Counts{}, scope: map[int64]bool{}, gone: map[int64]bool{}}
}

func (s *dashSums) inScope(u int64) bool {
	in, ok := s.scope[u]
	if !ok {
		in = s.t.InScope(u)
		s.scope[u] = in
	}
	return in
}

// count adds (sign 1) or takes away (-1) a listed task with its state, as
// countsByDocument and the dashboard's tally count it. Nothing on nil.
func (s *dashSums) count(r *taskRec, st TaskState, sign int) {
	if s == nil {
		return
	}
	if s.move(s.all, r.DocumentID, st, sign) {
		switch {
		case sign < 0:
			s.gone[r.DocumentID] = true
		case s.gone[r.DocumentID]:
			delete(s.gone, r.DocumentID) // back: the set of plans is as it was
		default:
			s.giving = true
		}
	}
	s.move(s.byLead, r.LeadUnitID, st, sign)
	in := s.inScope(r.LeadUnitID)
	for _, u := range r.SupportIDs {
		in = in || s.inScope(u)
	}
	if in {
		s.move(s.mine, r.DocumentID, st, sign)
		return
	}
	for _, k := range r.kids { // the reader's parts of a class task from above
		if s.inScope(k.LeadUnitID) {
			s.move(s.mine, k.DocumentID, k.stateBare(s.d), sign)
		}
	}
}

// move counts st in m[id] (or takes it away), and reports whether id came
// into m or left it. Every task counted moves Total or Closed: counts of
// nothing are none counted.
func (s *dashSums) move(m map[int64]*Counts, id int64, st TaskState, sign int) bool {
	c := m[id]
	if sign > 0 {
		if c == nil {
			c = &Counts{}
			m[id] = c
			c.Add(st)
			return true
		}
		c.Add(st)
		return false
	}
	var one Counts
	one.Add(st)
	*c = c.minus(one)
	if *c == (Counts{}) {
		delete(m, id)
		return true
	}
	return false
}

// dashDocs is listDocs for the listing's reader from its kept counts:
// the documents they see, in chain order, with their counts on l's day.
func (s *Service) dashDocs(l *listing) []DocRow {
	ds := l.sums
	docs := l.k.docs
	if ds.vis == nil || ds.giving || len(ds.gone) > 0 || len(docs) != len(ds.docs) || len(docs) > 0 && &docs[0] != &ds.docs[0] {
		ds.vis = chain(visibleDocs(ds.t, docs, func(id int64) bool { return ds.all[id] != nil }))
		if ds.vis == nil {
			ds.vis = []DocRow{}
		}
		ds.docs, ds.giving = docs, false
		clear(ds.gone)
	}
	out := make([]DocRow, len(ds.vis))
	copy(out, ds.vis)
	for i := range out {
		m := ds.all
		if !out[i].Full {
			m = ds.mine
		}
		if c := m[out[i].ID]; c != nil {
			out[i].Counts = *c
		}
	}
	return out
}
