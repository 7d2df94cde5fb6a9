package plans

import (
	"context"
	"sync"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
)

// plansGeneration names the plans' generation (plans_state), which
// triggers move on any change of a document, group, task, its supporting
// units or its deadlines (migration 00017).
const plansGeneration = "plans"

// memo is every task with its deadlines and every document's number, as
// of a generation. The national lists and summaries read every task: held
// here, a request derives their statuses on its date from memory instead
// of reading 100,000 tasks and 360,000 deadlines again. Bound: one copy of
// the plans' tasks, deadlines and supporting units (with it the server
// held 416 MB for the national dataset of 100,300 tasks, see
// BENCHMARKS.md). After a write of this service (on any server) the next
// request reads the tasks it changed again from the change feed and
// patches a copy (feed.go); after any other change it reads them all.
type memo struct {
	mu      sync.Mutex
	gen     int64
	loaded  bool
	tasks   []*taskRec
	ids     []int64 // the tasks' ids, in order (idsOf)
	numbers map[int64]string

	caughtUp, reloaded int64 // copies patched from the feed, and read whole
}

// Warm reads every task into memory (as allTasks would), so that the
// first request needing them — a coordinator's home, a to-do list — does
// not pay for it: the server calls it as it starts, beside the network's.
func (s *Service) Warm(ctx context.Context) error {
	_, _, err := s.allTasks(ctx)
	return err
}

// allTasks are every task of every plan, shared: callers read them and
// never change them.
func (s *Service) allTasks(ctx context.Context) ([]*taskRec, map[int64]string, error) {
	tasks, numbers, _, err := s.tasksAt(ctx)
	return tasks, numbers, err
}

// tasksAt is allTasks with the generation they are as of (the one the
// request read, or a newer one when the feed read a write made since).
func (s *Service) tasksAt(ctx context.Context) ([]*taskRec, map[int64]string, int64, error) {
	// the generation is read before the tasks: a change made meanwhile is
	// then either in what is read or seen as a newer generation next time
	gen, err := s.db.Generation(ctx, plansGeneration)
	if err != nil {
		return nil, nil, 0, err
	}
	m := s.memo
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded && m.gen >= gen {
		return m.tasks, m.numbers, m.gen, nil
	}
	if m.loaded {
		changed, last, ok, err := s.changedSince(ctx, m.gen, gen)
		if err != nil {
			return nil, nil, 0, err
		}
		if ok {
			tasks, ids, d, ok, err := s.catchUp(ctx, m.tasks, m.ids, changed)
			if err != nil {
				return nil, nil, 0, err
			}
			if ok {
				s.measured.advance(m.gen, last, d)
				m.gen, m.tasks, m.ids = last, tasks, ids
				m.caughtUp++
				return m.tasks, m.numbers, m.gen, nil
			}
		}
	}
	tasks, err := s.loadTasks(ctx, s.db, "", nil)
	if err != nil {
		return nil, nil, 0, err
	}
	numbers, err := s.readNumbers(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	m.gen, m.loaded, m.tasks, m.ids, m.numbers = gen, true, tasks, idsOf(tasks), numbers
	m.reloaded++
	return tasks, numbers, gen, nil
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
