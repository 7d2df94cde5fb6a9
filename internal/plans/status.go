package plans

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
)

// RiskDays is how close a deadline must be for an unfinished task to be
// at risk.
const RiskDays = 30

// occurrences are the deadlines of a task over its plan's period
// [from, to]: one for a dated task; each year's 31/12, each quarter's or
// half-year's last day for recurring ones; each half-year for a continuous
// task, which is reported on every six months.
func occurrences(sched Schedule, due, from, to day.Day) []Occurrence {
	if sched == Once {
		return []Occurrence{{DueOn: due, Period: "once"}}
	}
	var out []Occurrence
	for y := from.Year(); y <= to.Year() && len(out) < 400; y++ {
		switch sched {
		case Yearly:
			out = append(out, Occurrence{DueOn: day.Of(y, 12, 31), Period: strconv.Itoa(y)})
		case Quarterly:
			for q := 1; q <= 4; q++ {
				out = append(out, Occurrence{DueOn: endOfMonth(y, q*3), Period: fmt.Sprintf("%d-Q%d", y, q)})
			}
		case HalfYearly, Regular:
			out = append(out, Occurrence{DueOn: day.Of(y, 6, 30), Period: fmt.Sprintf("%d-H1", y)},
				Occurrence{DueOn: day.Of(y, 12, 31), Period: fmt.Sprintf("%d-H2", y)})
		}
	}
	// keep the deadlines that fall in the plan's period (the first one
	// after its end too, so a plan ending mid-year still has a last one)
	var kept []Occurrence
	for _, o := range out {
		if o.DueOn.Before(from) {
			continue
		}
		kept = append(kept, o)
		if !o.DueOn.Before(to) {
			break
		}
	}
	if len(kept) == 0 && len(out) > 0 {
		kept = out[len(out)-1:]
	}
	return kept
}

func endOfMonth(y, m int) day.Day {
	if m == 12 {
		return day.Of(y, 12, 31)
	}
	return day.Of(y, time.Month(m+1), 1).AddDays(-1)
}

// PeriodStart is the first day of an occurrence's period (the plan's start
// for a dated task).
func PeriodStart(period string, planStart day.Day) day.Day {
	d, ok := periodStart(period)
	if !ok || d.Before(planStart) {
		return planStart
	}
	return d
}

// ReportingPeriod is the six-month reporting period a date falls in
// ("2025-H1"): leaders review plans every six months.
func ReportingPeriod(d day.Day) string {
	if d.Time().Month() <= 6 {
		return fmt.Sprintf("%d-H1", d.Year())
	}
	return fmt.Sprintf("%d-H2", d.Year())
}

// daysBetween is b - a in days.
func daysBetween(a, b day.Day) int {
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

// StatusOn is an occurrence's status on date d: done once a report saying
// so was accepted (on time if the work was done by the deadline); overdue
// after the deadline; at risk in the last RiskDays before it, or when the
// reported progress lags far behind the time gone; on track when progress
// has been reported; not due otherwise.
func (o *Occurrence) StatusOn(d, start day.Day) Status {
	return statusOn(o.DueOn, o.DoneOn, o.AcceptedOn, o.PercentOn, o.Percent, d, start)
}

func statusOn(due, done, accepted, percentOn day.Day, percent int, d, start day.Day) Status {
	if !accepted.IsZero() && !accepted.After(d) {
		if done.After(due) {
			return DoneLate
		}
		return DoneOnTime
	}
	if d.After(due) {
		return Overdue
	}
	left := daysBetween(d, due)
	if left <= RiskDays {
		return AtRisk
	}
	reported := !percentOn.IsZero() && !percentOn.After(d)
	if span := daysBetween(start, due); reported && span > 0 && d.After(start) {
		gone := float64(daysBetween(start, d)) / float64(span)
		if gone-float64(percent)/100 > 0.5 {
			return AtRisk
		}
	}
	if reported {
		return OnTrack
	}
	return NotDue
}

// TaskState is a task's standing on a date, from its occurrences.
type TaskState struct {
	Status Status `json:"status"`
	// Started (đã triển khai) is set once work on the task is on record by
	// the date: a deadline accepted as done, or a progress report above 0 %
	// submitted (the latest report of each deadline is what is kept, so a
	// past date before a deadline's latest report does not see the earlier
	// ones). Reviews count it against the total: "11/21 đã triển khai".
	Started  bool        `json:"started"`
	DaysLate int         `json:"days_late,omitempty"` // for an overdue task, since its oldest missed deadline
	Current  *Occurrence `json:"current,omitempty"`   // the deadline the status speaks of
	Percent  int         `json:"percent"`
}

// State derives a task's status on d: overdue if any deadline passed
// unfinished; otherwise at risk if the next deadline is; otherwise done
// (on time or late) if its latest deadline so far is done; otherwise the
// next deadline's status.
func State(occ []Occurrence, d, planStart day.Day) TaskState {
	var buf [8]deadline
	kept := buf[:0]
	for i := range occ {
		x, err := deadlineOf(&occ[i])
		if err != nil {
			panic(err) // more periods than any plan has
		}
		kept = append(kept, x)
	}
	st, cur := stateOf(kept, d, planStart)
	if cur >= 0 {
		st.Current = &occ[cur]
	}
	return st
}

// Counts are how many tasks stand where: the review's table, "11/21"
// being Started/Total and Done/Total. NotStarted is Total less Started; a
// task overdue may be started or not.
type Counts struct {
	Total      int `json:"total"`
	Started    int `json:"started"`     // đã triển khai (done ones included)
	NotStarted int `json:"not_started"` // chưa triển khai
	Done       int `json:"done"`        // on time or late
	DoneOnTime int `json:"done_on_time"`
	DoneLate   int `json:"done_late"`
	Overdue    int `json:"overdue"`
	AtRisk     int `json:"at_risk"`
	OnTrack    int `json:"on_track"`
	NotDue     int `json:"not_due"`
	// Closed are the tasks cancelled or carried over: listed, not in Total.
	Closed      int `json:"closed"`
	Cancelled   int `json:"cancelled"`
	CarriedOver int `json:"carried_over"`
}

// Add counts one task as it stands.
func (c *Counts) Add(st TaskState) {
	switch st.Status {
	case Cancelled:
		c.Cancelled++
		c.Closed++
		return
	case CarriedOver:
		c.CarriedOver++
		c.Closed++
		return
	}
	c.Total++
	if st.Started || st.Status.Done() {
		c.Started++
	} else {
		c.NotStarted++
	}
	switch st.Status {
	case DoneOnTime:
		c.DoneOnTime++
		c.Done++
	case DoneLate:
		c.DoneLate++
		c.Done++
	case Overdue:
		c.Overdue++
	case AtRisk:
		c.AtRisk++
	case OnTrack:
		c.OnTrack++
	default:
		c.NotDue++
	}
}

// Plus is the sum of two counts.
func (c Counts) Plus(o Counts) Counts {
	return Counts{Total: c.Total + o.Total, Started: c.Started + o.Started, NotStarted: c.NotStarted + o.NotStarted,
		Done: c.Done + o.Done, DoneOnTime: c.DoneOnTime + o.DoneOnTime, DoneLate: c.DoneLate + o.DoneLate,
		Overdue: c.Overdue + o.Overdue, AtRisk: c.AtRisk + o.AtRisk, OnTrack: c.OnTrack + o.OnTrack, NotDue: c.NotDue + o.NotDue,
		Closed: c.Closed + o.Closed, Cancelled: c.Cancelled + o.Cancelled, CarriedOver: c.CarriedOver + o.CarriedOver}
}

// Of is how many tasks had a status.
func (c Counts) Of(s Status) int {
	switch s {
	case DoneOnTime:
		return c.DoneOnTime
	case DoneLate:
		return c.DoneLate
	case Overdue:
		return c.Overdue
	case AtRisk:
		return c.AtRisk
	case OnTrack:
		return c.OnTrack
	}
	return c.NotDue
}

// Rate is the share done, 0 when there is nothing.
func (c Counts) Rate() float64 {
	if c.Total == 0 {
		return 0
	}
	return float64(c.Done) / float64(c.Total)
}

// PeriodParts splits a period for its label: kind is "h1", "h2",
// "quarter" (n 1–4), "year" or "once".
func PeriodParts(period string) (kind string, year, n int) {
	head := period // the year: up to the first "-" (no split: this runs for every deadline of a national count)
	if i := strings.IndexByte(period, '-'); i >= 0 {
		head = period[:i]
	}
	y, err := strconv.Atoi(head)
	if err != nil {
		return "once", 0, 0
	}
	switch rest := strings.TrimPrefix(period, strconv.Itoa(y)); rest {
	case "":
		return "year", y, 0
	case "-H1":
		return "h1", y, 1
	case "-H2":
		return "h2", y, 2
	case "-Q1", "-Q2", "-Q3", "-Q4":
		return "quarter", y, int(rest[2] - '0')
	}
	return "once", 0, 0
}

// ReportPeriod is the period a report speaks of: its deadline's quarter
// for a quarterly task (a report of Q1 is of the first quarter, not of a
// half-year), otherwise the six months it was written for.
func (v *TaskView) ReportPeriod(r Report) string {
	for _, o := range v.Occurrences {
		if o.ID == r.OccurrenceID {
			if k, _, _ := PeriodParts(o.Period); k == "quarter" {
				return o.Period
			}
		}
	}
	return r.Period
}
