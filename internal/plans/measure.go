package plans

import (
	"context"
	"fmt"
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
	for _, r := range tasks {
		if r.start.After(d) {
			continue
		}
		// a class task counts in each unit it was given to, by its
		// assignment, not in the unit that gave it
		for _, k := range r.kids {
			fn(k, State(k.occ, d, k.start))
		}
		if r.LeadClass == "" {
			fn(r, State(r.occ, d, r.start))
		}
	}
	return nil
}

func (m measurer) Measure(ctx context.Context, code string, w indicator.Window) (indicator.PerUnit, error) {
	// the generation is read before the tasks: a count kept under it is
	// then as new as it or newer, never older
	gen, err := m.s.db.Generation(ctx, plansGeneration)
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
	err = m.each(ctx, w.To, func(r *taskRec, st TaskState) {
		if counts(code, st) {
			out[r.LeadUnitID]++
		}
	})
	if err != nil {
		return indicator.PerUnit{}, fmt.Errorf("plans measure: %w", err)
	}
	got := indicator.PerUnitOf(out)
	c.mu.Lock()
	if c.gen != gen || c.counts == nil || len(c.counts) >= maxCounts {
		c.gen, c.counts = gen, map[measureKey]indicator.PerUnit{}
	}
	c.counts[key] = got
	c.mu.Unlock()
	return got, nil
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
