package plans

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mangluoi/mangluoi/internal/day"
)

// deadline is an Occurrence as the kept tasks hold it: 40 bytes instead of
// 72 (the national 360,000 deadlines: 14 MB instead of 26). Its task is
// the one holding it; its period is a number in the table of periods
// (periodOf), whose start is worked out once.
type deadline struct {
	id, report                int64
	due, done, accepted, pcOn day.Day
	percent                   int32
	period                    uint16
}

// periodInfo is a period's name and the first day it starts (ok false: a
// period that is not a year, half or quarter — a dated task's "once").
type periodInfo struct {
	name  string
	start day.Day
	ok    bool
}

// periods is every period name a deadline read so far has had, numbered
// in the order met: the table grows by copying (read without a lock by
// the lists). Bound: the different periods of the deadlines (seven a
// year: the year, its halves and quarters, and "once"), at most 65,536 —
// a read meeting more fails.
var periods struct {
	mu  sync.Mutex
	ids map[string]uint16
	all atomic.Pointer[[]periodInfo]
}

// periodOf is the period's number in the table, added if new.
func periodOf(name []byte) (uint16, error) {
	periods.mu.Lock()
	defer periods.mu.Unlock()
	if id, ok := periods.ids[string(name)]; ok {
		return id, nil
	}
	var all []periodInfo
	if p := periods.all.Load(); p != nil {
		all = *p
	}
	if len(all) > 0xFFFF {
		return 0, fmt.Errorf("plans: more than %d different periods", 0x10000)
	}
	n := string(name)
	start, ok := periodStart(n)
	next := append(all[:len(all):len(all)], periodInfo{n, start, ok})
	if periods.ids == nil {
		periods.ids = map[string]uint16{}
	}
	id := uint16(len(all))
	periods.ids[n] = id
	periods.all.Store(&next)
	return id, nil
}

func periodAt(id uint16) *periodInfo { return &(*periods.all.Load())[id] }

// deadlineOf is o as kept.
func deadlineOf(o *Occurrence) (deadline, error) {
	p, err := periodOf([]byte(o.Period))
	return deadline{id: o.ID, report: o.ReportID, due: o.DueOn, done: o.DoneOn, accepted: o.AcceptedOn, pcOn: o.PercentOn,
		percent: int32(o.Percent), period: p}, err
}

// occurrence is the deadline as an Occurrence of task.
func (x *deadline) occurrence(task int64) Occurrence {
	return Occurrence{ID: x.id, TaskID: task, DueOn: x.due, Period: periodAt(x.period).name, DoneOn: x.done, AcceptedOn: x.accepted,
		Percent: int(x.percent), PercentOn: x.pcOn, ReportID: x.report}
}

// occurrences are the task's deadlines as Occurrences (a copy).
func (r *taskRec) occurrences() []Occurrence {
	out := make([]Occurrence, len(r.occ))
	for i := range r.occ {
		out[i] = r.occ[i].occurrence(r.ID)
	}
	return out
}

// start is the first day of the deadline's period for a plan starting on
// planStart (PeriodStart).
func (x *deadline) start(planStart day.Day) day.Day {
	p := periodAt(x.period)
	if !p.ok || p.start.Before(planStart) {
		return planStart
	}
	return p.start
}

// periodStart is the first day of a year, half or quarter ("2025",
// "2025-H2", "2025-Q3"); ok is false for any other period.
func periodStart(period string) (d day.Day, ok bool) {
	head := period // the year: up to the first "-"
	if i := strings.IndexByte(period, '-'); i >= 0 {
		head = period[:i]
	}
	y, err := strconv.Atoi(head)
	if err != nil {
		return day.Day{}, false
	}
	switch {
	case strings.HasSuffix(period, "-Q1"), strings.HasSuffix(period, "-H1"), !strings.Contains(period, "-"):
		return day.Of(y, 1, 1), true
	case strings.HasSuffix(period, "-Q2"):
		return day.Of(y, 4, 1), true
	case strings.HasSuffix(period, "-Q3"), strings.HasSuffix(period, "-H2"):
		return day.Of(y, 7, 1), true
	case strings.HasSuffix(period, "-Q4"):
		return day.Of(y, 10, 1), true
	}
	return day.Day{}, false
}

// statusOn is Occurrence.StatusOn for a kept deadline.
func (x *deadline) statusOn(d, start day.Day) Status {
	return statusOn(x.due, x.done, x.accepted, x.pcOn, int(x.percent), d, start)
}

// stateOf is State over kept deadlines, with Current left out: cur is the
// index of the deadline it would be (-1 for none).
func stateOf(occ []deadline, d, planStart day.Day) (st TaskState, cur int) {
	st, cur = stateOfDeadlines(occ, d, planStart)
	for i := range occ {
		o := &occ[i]
		if (!o.accepted.IsZero() && !o.accepted.After(d)) || (o.percent > 0 && !o.pcOn.IsZero() && !o.pcOn.After(d)) {
			st.Started = true
			break
		}
	}
	return st, cur
}

func stateOfDeadlines(occ []deadline, d, planStart day.Day) (TaskState, int) {
	last, next := -1, -1
	var lastStatus Status
	st, cur := TaskState{Status: NotDue}, -1
	for i := range occ {
		o := &occ[i]
		if !o.due.Before(d) { // due today or later
			if next < 0 {
				next = i
			}
			continue
		}
		s := o.statusOn(d, o.start(planStart))
		if s == Overdue {
			if st.Status != Overdue {
				st, cur = TaskState{Status: Overdue, DaysLate: daysBetween(o.due, d), Percent: int(o.percent)}, i
			}
			continue
		}
		last, lastStatus = i, s
	}
	if st.Status == Overdue {
		return st, cur
	}
	if next >= 0 {
		n := &occ[next]
		ns := n.statusOn(d, n.start(planStart))
		if ns.Done() || ns == AtRisk || last < 0 {
			return TaskState{Status: ns, Percent: int(n.percent)}, next
		}
	}
	if last >= 0 {
		return TaskState{Status: lastStatus, Percent: 100}, last
	}
	return st, -1
}

// occState is the state of the task's deadlines on d (State), its
// closing left aside.
func (r *taskRec) occState(d day.Day) TaskState {
	st, cur := stateOf(r.occ, d, r.start)
	if cur >= 0 {
		o := r.occ[cur].occurrence(r.ID)
		st.Current = &o
	}
	return st
}

// bare is occState without its Current (counts need only the status).
func (r *taskRec) bare(d day.Day) TaskState {
	st, _ := stateOf(r.occ, d, r.start)
	return st
}
