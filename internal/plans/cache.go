package plans

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/partread"
)

// plansGeneration names the plans' generation (plans_state), which
// triggers move on any change of a document, group, task, its supporting
// units or its deadlines (migration 00017).
const plansGeneration = "plans"

// memo is every task with its deadlines, every document and the index of
// the tasks by unit, as of a generation. The national lists and summaries
// read every task: held here, a request derives their statuses on its date
// from memory instead of reading 100,000 tasks and 360,000 deadlines again.
// Bound: one copy of the plans' tasks (128 bytes each, their texts shared),
// deadlines (40 bytes each), supporting units, documents and the index —
// 33 MB live for the national dataset of 100,300 tasks (see BENCHMARKS.md,
// h15plans). After a write of this service (on any server) the next
// request reads the tasks it changed again from the change feed and
// patches a copy (feed.go); after any other change it reads them all.
type memo struct {
	mu     sync.Mutex
	gen    int64
	loaded bool
	kept   *kept
	ids    []int64 // the tasks' ids, in order (idsOf)

	caughtUp, reloaded int64 // copies patched from the feed, and read whole

	// scoped are the scopes' copies read while the first read runs
	// (scoped.go)
	scoped partread.Reads[scopeKey, *kept]
}

// kept is one generation's copy: never changed once made (a request may be
// reading it while the next is made).
type kept struct {
	tasks   []*taskRec
	numbers map[int64]string
	// docs are every document, by issue date and id (listDocs)
	docs []*Document
	// byUnit indexes tasks by the units that lead or support them (see
	// spot): a scope's summaries walk their units' lists, not the
	// nation's tasks. Bound: one entry per task or assignment and unit
	// named on it (about 300,000 of 12 bytes for the national dataset).
	byUnit map[int64][]spot
	// epoch names byUnit: copies with the same epoch hold every task and
	// assignment in the same place with the same units (sameUnits), so a
	// listing made from one is patched to another task by task.
	epoch uint64
	// spots are the units' places in byUnit sorted, kept for the copies
	// of the same epoch (of)
	spots *spotsKept
}

// spotsKept are the places of the tasks that sets of units lead or
// support, in the list's order, as of one index by unit: the overdue list
// and the documents list of a province walked its 3,000 places and sorted
// them again after each plans write (a report, a review), though a report
// or a review moves no task in the list (the index is kept: sameUnits).
// Bound: maxSpotSets sets; past it they are all dropped.
type spotsKept struct {
	mu sync.Mutex
	m  map[spotSetKey][]spotSet
}

type spotSetKey struct {
	lead        bool
	first, last int64
	n           int
}

type spotSet struct {
	units []int64
	spots []spot
}

const maxSpotSets = 64

// of are the places that units lead (or support too, unless lead), by
// place, shared: never changed.
func (c *spotsKept) of(byUnit map[int64][]spot, units []int64, lead bool) []spot {
	key := spotSetKey{lead: lead, n: len(units)}
	if len(units) > 0 {
		key.first, key.last = units[0], units[len(units)-1]
	}
	c.mu.Lock()
	for _, s := range c.m[key] {
		if slices.Equal(s.units, units) {
			c.mu.Unlock()
			return s.spots
		}
	}
	c.mu.Unlock()
	var spots []spot
	for _, u := range units {
		for _, p := range byUnit[u] {
			if p.lead || !lead {
				spots = append(spots, p)
			}
		}
	}
	slices.SortFunc(spots, func(a, b spot) int { return cmp.Or(cmp.Compare(a.i, b.i), cmp.Compare(a.k, b.k)) })
	c.mu.Lock()
	if len(c.m) >= maxSpotSets {
		c.m = map[spotSetKey][]spotSet{}
	}
	c.m[key] = append(c.m[key], spotSet{slices.Clone(units), spots})
	c.mu.Unlock()
	return spots
}

func newSpots() *spotsKept { return &spotsKept{m: map[spotSetKey][]spotSet{}} }

// epochs numbers the indexes by unit made.
var epochs atomic.Uint64

// Warm reads every task into memory (as allTasks would), so that the
// first request needing them — a coordinator's home, a to-do list — does
// not pay for it: the server calls it as it starts, beside the network's.
func (s *Service) Warm(ctx context.Context) error {
	defer s.memo.scoped.FirstRead(false) // (WarmSoon's)
	_, _, err := s.allTasks(ctx)
	return err
}

// WarmSoon says Warm will run: from now until the first read of every
// task ends, a scope's views read their own tasks (keptFor), also before
// Warm's turn comes (a server's warm-ups run one after another).
func (s *Service) WarmSoon() { s.memo.scoped.FirstRead(true) }

// allTasks are every task of every plan, shared: callers read them and
// never change them.
func (s *Service) allTasks(ctx context.Context) ([]*taskRec, map[int64]string, error) {
	k, _, err := s.keptAt(ctx)
	if err != nil {
		return nil, nil, err
	}
	return k.tasks, k.numbers, nil
}

// tasksAt is allTasks with the generation they are as of (the one the
// request read, or a newer one when the feed read a write made since).
func (s *Service) tasksAt(ctx context.Context) ([]*taskRec, map[int64]string, int64, error) {
	k, gen, err := s.keptAt(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	return k.tasks, k.numbers, gen, nil
}

// keptAt is the copy of the plans as of the request's generation (or a
// newer one), and that generation.
func (s *Service) keptAt(ctx context.Context) (*kept, int64, error) {
	// the generation is read before the tasks: a change made meanwhile is
	// then either in what is read or seen as a newer generation next time
	gen, err := s.db.Generation(ctx, plansGeneration)
	if err != nil {
		return nil, 0, err
	}
	m := s.memo
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded && m.gen >= gen {
		return m.kept, m.gen, nil
	}
	if m.loaded {
		changed, last, ok, err := s.changedSince(ctx, m.gen, gen)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			old := m.kept
			tasks, ids, d, ok, err := s.catchUp(ctx, old.tasks, m.ids, changed)
			if err != nil {
				return nil, 0, err
			}
			if ok {
				s.measured.advance(m.gen, last, d)
				k := &kept{tasks: tasks, numbers: old.numbers, docs: old.docs, byUnit: old.byUnit, epoch: old.epoch, spots: old.spots}
				if !sameUnits(old.tasks, tasks) {
					k.byUnit, k.epoch, k.spots = indexOf(tasks), epochs.Add(1), newSpots()
				}
				m.gen, m.kept, m.ids = last, k, ids
				m.caughtUp++
				return m.kept, m.gen, nil
			}
		}
	}
	if !m.loaded {
		// the first read: meanwhile a scope's view reads its own tasks
		// (keptFor) instead of waiting on m.mu
		m.scoped.FirstRead(true)
		defer m.scoped.FirstRead(false)
		ctx = partread.Whole(ctx) // and gives way to those reads
	}
	tasks, err := s.loadTasks(ctx, s.db, "", nil)
	if err != nil {
		return nil, 0, err
	}
	docs, err := s.readDocs(ctx)
	if err != nil {
		return nil, 0, err
	}
	k := &kept{tasks: tasks, numbers: numbersOf(docs), docs: docs, byUnit: indexOf(tasks), epoch: epochs.Add(1), spots: newSpots()}
	m.gen, m.loaded, m.kept, m.ids = gen, true, k, idsOf(tasks)
	m.reloaded++
	return k, gen, nil
}

// spot is a task of the kept list as byUnit names it: the list's task i,
// or its assignment k (-1 for the task itself); lead when the unit leads
// it (else it supports it).
type spot struct {
	i, k int32
	lead bool
}

// indexOf indexes a list of tasks by the units leading or supporting each
// task and each class task's assignment, each unit's places in list order.
func indexOf(tasks []*taskRec) map[int64][]spot {
	idx := map[int64][]spot{}
	add := func(r *taskRec, i, k int32) {
		idx[r.LeadUnitID] = append(idx[r.LeadUnitID], spot{i, k, true})
		for _, u := range r.SupportIDs {
			if u != r.LeadUnitID {
				idx[u] = append(idx[u], spot{i, k, false})
			}
		}
	}
	for i, r := range tasks {
		add(r, int32(i), -1)
		for k, kid := range r.kids {
			add(kid, int32(i), int32(k))
		}
	}
	return idx
}

// sameUnits reports whether two lists index alike: the same length and,
// where an entry differs, the same units leading and supporting it and
// its assignments (a report or a review changes none: the index is kept).
func sameUnits(old, tasks []*taskRec) bool {
	if len(old) != len(tasks) {
		return false
	}
	same := func(a, b *taskRec) bool {
		return a.LeadUnitID == b.LeadUnitID && slices.Equal(a.SupportIDs, b.SupportIDs)
	}
	for i, r := range tasks {
		o := old[i]
		if o == r {
			continue
		}
		if !same(o, r) || len(o.kids) != len(r.kids) {
			return false
		}
		for k := range r.kids {
			if !same(o.kids[k], r.kids[k]) {
				return false
			}
		}
	}
	return true
}

// FeedStats says how this server's copy of the tasks followed the writes:
// patched from the change feed, or read whole (the first time included).
type FeedStats struct {
	CaughtUp, Reloaded int64
}

// FeedStats reports how the copy of the tasks was kept.
func (s *Service) FeedStats() FeedStats {
	m := s.memo
	m.mu.Lock()
	defer m.mu.Unlock()
	return FeedStats{CaughtUp: m.caughtUp, Reloaded: m.reloaded}
}

// summaryKey is what a summary depends on: the plans and the tree as of
// their generations, the reader's scope and role, and the date.
type summaryKey struct {
	kind       string
	plans, org int64
	scope      int64
	role       auth.Role
	system     bool
	d          day.Day
}

// maxSummaries bounds the summaries kept (a documents list of the nation
// is about 1,700 rows; a leader's summary a few hundred): past it they are
// all dropped and made again as asked.
const maxSummaries = 64

type summaries struct {
	mu sync.Mutex
	m  map[summaryKey]any
}

// summary is the kept value of key, or make's, kept. Two requests for the
// same missing summary may both make it; either result is the same.
func (s *Service) summary(ctx context.Context, actor *auth.Actor, kind string, d day.Day, make func() (any, error)) (any, error) {
	pg, err := s.db.Generation(ctx, plansGeneration)
	if err != nil {
		return nil, err
	}
	og, err := s.db.Generation(ctx, "tree")
	if err != nil {
		return nil, err
	}
	key := summaryKey{kind: kind, plans: pg, org: og, scope: actor.ScopeUnitID, role: actor.Role, system: actor.System, d: d}
	c := s.sums
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err = make()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxSummaries {
		c.m = map[summaryKey]any{}
	}
	c.m[key] = v
	c.mu.Unlock()
	return v, nil
}
