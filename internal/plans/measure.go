package plans

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// The plans' measured indicators (issue 9): the tasks each unit leads, by
// their status on the period's last day as the task lists derive it
// (State), so a figure is what /tasks counts. A task counts once its plan
// has begun.
var measuredCodes = []string{"REG_TASKS", "REG_TASKS_STARTED", "REG_TASKS_DONE", "REG_TASKS_DONE_LATE", "REG_TASKS_OVERDUE"}

// Measurer is the plans as the indicator service's source of measured
// figures.
func (s *Service) Measurer() indicator.Measurer { return measurer{s} }

type measurer struct{ s *Service }

// measureKey is one measured count: a code on a day, as of the plans'
// generation.
type measureKey struct {
	code string
	d    day.Day
}

// maxCounts bounds the counts kept for one generation (a code and a day
// each: the five codes over a few dozen periods); past it they are dropped
// and counted again as asked.
const maxCounts = 256

// measured keeps the counts per unit of the current generation: a form
// read asks each code once per period shown, and a page of reports asks
// the same again; a change of any task (a new generation) drops them.
type measured struct {
	mu     sync.Mutex
	gen    int64
	counts map[measureKey]indicator.PerUnit
}

func (m measurer) Measures() []string { return measuredCodes }

// counts reports whether a task with state st counts in code.
func counts(code string, st TaskState) bool {
	switch code {
	case "REG_TASKS":
		return true
	case "REG_TASKS_STARTED": // work under way or finished: progress reported, or done
		return st.Status.Done() || st.Percent > 0 || st.Status == OnTrack
	case "REG_TASKS_DONE":
		return st.Status.Done()
	case "REG_TASKS_DONE_LATE":
		return st.Status == DoneLate
	case "REG_TASKS_OVERDUE":
		return st.Status == Overdue
	}
	return false
}

// each calls fn with every task begun by d and its state on d.
func (m measurer) each(ctx context.Context, d day.Day, fn func(r *taskRec, st TaskState)) error {
	// the plans' memo of every task (as of the generation), not a read of
	// its own: a form's five counterparts read the tasks once, not five times
	tasks, _, err := m.s.allTasks(ctx)
	if err != nil {
		return err
	}
	eachOf(tasks, d, fn)
	return nil
}

// eachOf calls fn with every task of the list begun by d and its state on d.
func eachOf(tasks []*taskRec, d day.Day, fn func(r *taskRec, st TaskState)) {
	for _, r := range tasks {
		if r.start.After(d) {
			continue
		}
		// a class task counts in each unit it was given to, by its
		// assignment, not in the unit that gave it
		for _, k := range r.kids {
			fn(k, k.bare(d))
		}
		if r.LeadClass == "" {
			fn(r, r.bare(d))
		}
	}
}

func (m measurer) Measure(ctx context.Context, code string, w indicator.Window) (indicator.PerUnit, error) {
	// the counts are kept under the generation of the tasks they are
	// counted from
	tasks, _, gen, err := m.s.tasksAt(ctx)
	if err != nil {
		return indicator.PerUnit{}, fmt.Errorf("plans measure: %w", err)
	}
	key := measureKey{code: code, d: w.To}
	c := m.s.measured
	c.mu.Lock()
	if c.gen == gen && c.counts != nil {
		if got, ok := c.counts[key]; ok {
			c.mu.Unlock()
			return got, nil
		}
	}
	c.mu.Unlock()
	out := map[int64]float64{}
	eachOf(tasks, w.To, func(r *taskRec, st TaskState) {
		if counts(code, st) {
			out[r.LeadUnitID]++
		}
	})
	got := indicator.PerUnitOf(out)
	c.mu.Lock()
	switch {
	case c.gen > gen: // the tasks were patched meanwhile: these counts are older
	case c.gen != gen || c.counts == nil || len(c.counts) >= maxCounts:
		c.gen, c.counts = gen, map[measureKey]indicator.PerUnit{key: got}
	default:
		c.counts[key] = got
	}
	c.mu.Unlock()
	return got, nil
}

// maxAdvance bounds the tasks advance counts again, per kept count: past
// it (a class task of every commune changed) the counts are dropped and
// counted again as asked, once each.
const maxAdvance = 500

// advance brings the counts kept at generation from to generation to,
// where a patch of the tasks (d) took them: each count less the old tasks'
// part, plus the new ones' — a few tasks' states instead of every task's.
// Counts kept at another generation are left to be counted again.
func (c *measured) advance(from, to int64, d delta) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != from || c.counts == nil {
		return
	}
	if len(d.gone)+len(d.came) > maxAdvance {
		c.counts = nil // counted again as asked
		return
	}
	next := make(map[measureKey]indicator.PerUnit, len(c.counts))
	for k, pu := range c.counts {
		diff := map[int64]float64{}
		for _, side := range []struct {
			list []counted
			sign float64
		}{{d.gone, -1}, {d.came, 1}} {
			for _, x := range side.list {
				if x.start.After(k.d) {
					continue
				}
				if counts(k.code, x.r.bare(k.d)) {
					diff[x.r.LeadUnitID] += side.sign
				}
			}
		}
		next[k] = plus(pu, diff)
	}
	c.gen, c.counts = to, next
}

// plus is pu with diff added, laid out as PerUnitOf would (units
// ascending; a unit whose count falls to 0 left out, as a fresh count
// would not have it).
func plus(pu indicator.PerUnit, diff map[int64]float64) indicator.PerUnit {
	out := pu // shared, like every kept count: only read, so copied before a change
	copied := false
	for u, v := range diff {
		if v == 0 {
			continue
		}
		if !copied {
			out = indicator.PerUnit{Units: slices.Clone(pu.Units), Vals: slices.Clone(pu.Vals)}
			copied = true
		}
		i, ok := slices.BinarySearch(out.Units, u)
		switch {
		case !ok:
			out.Units, out.Vals = slices.Insert(out.Units, i, u), slices.Insert(out.Vals, i, v)
		case out.Vals[i]+v == 0:
			out.Units, out.Vals = slices.Delete(out.Units, i, i+1), slices.Delete(out.Vals, i, i+1)
		default:
			out.Vals[i] += v
		}
	}
	return out
}

func (m measurer) Records(ctx context.Context, code string, w indicator.Window, in func(int64) bool, limit int) ([]indicator.Record, int, error) {
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	var all []indicator.Record
	err = m.each(ctx, w.To, func(r *taskRec, st TaskState) {
		if !counts(code, st) || !in(r.LeadUnitID) {
			return
		}
		name := ""
		if v := snap.At(r.LeadUnitID, w.To); v != nil {
			name = v.Name
		} else if v := snap.Latest(r.LeadUnitID); v != nil {
			name = v.Name
		}
		all = append(all, indicator.Record{Kind: "task", ID: r.ID, Label: r.Title, UnitName: name, URL: fmt.Sprintf("/tasks/%d", r.ID)})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("plans records: %w", err)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].UnitName < all[j].UnitName })
	total := len(all)
	if len(all) > limit {
		all = all[:limit]
	}
	return all, total, nil
}
