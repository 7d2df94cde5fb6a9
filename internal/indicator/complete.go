package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/notify"
	"github.com/mangluoi/mangluoi/internal/org"
)

// UnitState is where one expected unit stands for a form and period.
type UnitState string

// The states, as the completeness page counts them.
const (
	StateApproved  UnitState = "approved"
	StateSubmitted UnitState = "submitted"
	StateReturned  UnitState = "returned" // sent back: to be submitted again
	StateDraft     UnitState = "draft"    // started, not submitted
	StateMissing   UnitState = "missing"  // nothing yet
)

// Enum lists the values for the API's document.
func (UnitState) Enum() []string {
	return enum.Of(StateApproved, StateSubmitted, StateReturned, StateDraft, StateMissing)
}

// UnitStatus is one expected unit's report.
type UnitStatus struct {
	UnitID       int64      `json:"unit_id"`
	Name         string     `json:"name"`
	Code         string     `json:"code,omitempty"`
	Parent       string     `json:"parent,omitempty"`
	State        UnitState  `json:"state"`
	SubmissionID int64      `json:"submission_id,omitempty"`
	SubmittedAt  *time.Time `json:"submitted_at,omitempty"`
	OnTime       bool       `json:"on_time"`
	Late         bool       `json:"late"`    // submitted after the due date
	Overdue      bool       `json:"overdue"` // not submitted and past the due date
	Reminded     *time.Time `json:"reminded_at,omitempty"`
	// MeasuredChanged: approved, and a measured figure it showed has
	// changed since (its page shows the old and new values)
	MeasuredChanged bool `json:"measured_changed"`
}

// Submitted reports whether the unit has reported (submitted or approved).
func (u *UnitStatus) Submitted() bool {
	return u.State == StateSubmitted || u.State == StateApproved
}

// Counts are the completeness figures of a set of units.
type Counts struct {
	Expected  int `json:"expected"`
	Submitted int `json:"submitted"` // submitted or approved
	Approved  int `json:"approved"`
	OnTime    int `json:"on_time"`
	Late      int `json:"late"`
	Missing   int `json:"missing"` // not submitted (nothing, a draft, or returned)
}

func (c *Counts) add(u *UnitStatus) {
	c.Expected++
	switch {
	case u.Submitted():
		c.Submitted++
		if u.State == StateApproved {
			c.Approved++
		}
		if u.OnTime {
			c.OnTime++
		} else {
			c.Late++
		}
	default:
		c.Missing++
	}
}

// Rate is the share submitted, 0 when nothing is expected.
func (c Counts) Rate() float64 {
	if c.Expected == 0 {
		return 0
	}
	return float64(c.Submitted) / float64(c.Expected)
}

// GroupCounts is the completeness of one part of the scope.
type GroupCounts struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Counts
}

// Completeness is a form's reporting for one period across a scope.
type Completeness struct {
	Form    *Form         `json:"form"`
	Period  Period        `json:"period"`
	Due     day.Day       `json:"due"`
	PastDue bool          `json:"past_due"`
	Unit    *org.Version  `json:"unit"`
	Counts  Counts        `json:"counts"`
	Groups  []GroupCounts `json:"groups"`
	Units   []UnitStatus  `json:"units"`
}

// NotReported lists the expected units that have not submitted.
func (c *Completeness) NotReported() []UnitStatus {
	var out []UnitStatus
	for _, u := range c.Units {
		if !u.Submitted() {
			out = append(out, u)
		}
	}
	return out
}

// MeasuredChanged lists the approved reports whose measured figures have
// changed since approval, for the reviewer to look at again.
func (c *Completeness) MeasuredChanged() []UnitStatus {
	var out []UnitStatus
	for _, u := range c.Units {
		if u.MeasuredChanged {
			out = append(out, u)
		}
	}
	return out
}

// Complete computes, for a form and period, who was expected to report
// within unit's subtree, who submitted (on time or late) and who has not,
// per unit and rolled up by the units directly under it.
func (s *Service) Complete(ctx context.Context, actor *auth.Actor, formID int64, p Period, unit int64) (*Completeness, error) {
	return s.complete(ctx, actor, formID, p, unit, nil)
}

// CompleteSummary is Complete's counts alone, with how many reports wait
// for review and how many were returned: what a coordinator's home shows
// of each form, made without a row per unit or the groups (a province's
// few hundred rows were most of a rebuilt home's allocation).
type CompleteSummary struct {
	Due       day.Day
	PastDue   bool
	Counts    Counts
	ToApprove int // submitted, waiting for review
	Returned  int
}

// Summary is Complete(…)'s summary, the same figures (TestCompleteSummary).
func (s *Service) Summary(ctx context.Context, actor *auth.Actor, formID int64, p Period, unit int64) (CompleteSummary, error) {
	var sum CompleteSummary
	c, err := s.complete(ctx, actor, formID, p, unit, &sum)
	if err != nil {
		return CompleteSummary{}, err
	}
	sum.Due, sum.PastDue, sum.Counts = c.Due, c.PastDue, c.Counts
	return sum, nil
}

// stateOf is a report's state as a unit's.
func stateOf(st Status) UnitState {
	switch st {
	case Draft:
		return StateDraft
	case Submitted:
		return StateSubmitted
	case Approved:
		return StateApproved
	case Returned:
		return StateReturned
	}
	return ""
}

// complete is Complete; with sum, only the counts (c.Counts) and sum's
// own, no units or groups.
func (s *Service) complete(ctx context.Context, actor *auth.Actor, formID int64, p Period, unit int64, sum *CompleteSummary) (*Completeness, error) {
	t, err := s.scoped(ctx, actor, unit)
	if err != nil {
		return nil, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	f, err := s.GetForm(ctx, actor, formID)
	if err != nil {
		return nil, err
	}
	if p.IsZero() || p.Type != f.PeriodType {
		return nil, errs.Invalidf("indicator.err.period_type", "Value", p.Key(), "Type", string(f.PeriodType)).At(0, "period")
	}
	snap := t.Snapshot
	d := p.End()
	lay := s.eng.layoutAt(snap, d)
	c := &Completeness{Form: f, Period: p, Due: f.Due(p), Unit: snap.At(unit, d)}
	c.PastDue = s.org.Today().After(c.Due)
	if c.Unit == nil {
		c.Unit = snap.Latest(unit)
	}
	roots := ownerRoots(snap, lay, unit)
	var groups []int32
	for _, r := range roots {
		if sum != nil { // no groups
			break
		}
		if len(roots) == 1 {
			groups = append(groups, lay.children(r)...)
		} else {
			groups = append(groups, r)
		}
	}
	inRoots := func(pos int32) bool {
		for _, r := range roots {
			if pos >= r && pos < lay.end[r] {
				return true
			}
		}
		return false
	}
	var mine []*org.Version // the expected units counted here
	defs, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	inScope := t.InScopeFunc()
	for _, v := range s.eng.expectedBy(snap, defs.gen, f, p).vs {
		if pos := lay.at(v.UnitID); pos >= 0 && inRoots(pos) && inScope(v.UnitID) {
			mine = append(mine, v)
		}
	}
	// the reports, reminders and kept figures of those units only when
	// they are a province's few hundred (the whole country's thousands
	// were read for each form at each coordinator's home); the ids are our
	// own integers, inlined
	units := ""
	if len(mine) <= maxInlined {
		ids := make([]string, len(mine))
		for i, v := range mine {
			ids[i] = strconv.FormatInt(v.UnitID, 10)
		}
		units = " AND unit_id IN (" + strings.Join(append(ids, "0"), ",") + ")"
	}
	// kept per scope for the reports' generation (reports.go)
	rep, err := s.scopeReports(ctx, f.ID, p, units)
	if err != nil {
		return nil, err
	}
	subs, reminded := rep.subs, rep.reminded
	changed, err := s.changedReports(ctx, rep.kept)
	if err != nil {
		return nil, err
	}
	gc := make([]GroupCounts, len(groups))
	for i, g := range groups {
		gc[i].UnitID = lay.ids[g]
		if v := snap.At(lay.ids[g], d); v != nil {
			gc[i].Name = v.Name
		}
	}
	if sum != nil {
		for _, v := range mine {
			u := UnitStatus{State: StateMissing}
			if sub := subs[v.UnitID]; sub != nil {
				u.State = stateOf(sub.Status)
				u.OnTime = u.Submitted() && sub.OnTime(c.Due)
			}
			c.Counts.add(&u)
			switch u.State {
			case StateSubmitted:
				sum.ToApprove++
			case StateReturned:
				sum.Returned++
			}
		}
		return c, nil
	}
	if len(mine) > 0 {
		c.Units = make([]UnitStatus, 0, len(mine))
	}
	for _, v := range mine {
		pos := lay.at(v.UnitID)
		u := UnitStatus{UnitID: v.UnitID, Name: v.Name, Code: v.Code, State: StateMissing}
		if pp := lay.parent[pos]; pp >= 0 {
			if pv := snap.At(lay.ids[pp], d); pv != nil {
				u.Parent = pv.Name
			}
		}
		if sub := subs[v.UnitID]; sub != nil {
			u.SubmissionID = sub.ID
			u.State = stateOf(sub.Status)
			if sub.SubmittedAt != nil {
				at := *sub.SubmittedAt // the kept report's is shared
				u.SubmittedAt = &at
			}
			u.MeasuredChanged = len(changed[sub.ID]) > 0
			if u.Submitted() {
				u.OnTime = sub.OnTime(c.Due)
				u.Late = !u.OnTime
			}
		}
		u.Overdue = !u.Submitted() && c.PastDue
		if r, ok := reminded[v.UnitID]; ok {
			u.Reminded = &r
		}
		c.Counts.add(&u)
		k := sort.Search(len(groups), func(i int) bool { return groups[i] > pos }) - 1
		if k >= 0 && pos < lay.end[groups[k]] {
			gc[k].Counts.add(&u)
		}
		c.Units = append(c.Units, u)
	}
	for _, g := range gc {
		if g.Expected > 0 {
			c.Groups = append(c.Groups, g)
		}
	}
	return c, nil
}

// maxInlined bounds the unit ids a query of Complete names (a province's
// communes and departments); a wider scope reads every unit's rows.
const maxInlined = 2000

// submissionsOf reads a form's reports for p, of the units named by units
// (" AND unit_id IN (…)", or "" for all).
func (s *Service) submissionsOf(ctx context.Context, form int64, p Period, units string) (map[int64]*Submission, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE form_id = $1 AND period = $2`+units, form, p.Key())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*Submission{}
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			return nil, err
		}
		out[sub.UnitID] = sub
	}
	return out, rows.Err()
}

// Reminder is a reminder sent to a unit about a report.
type Reminder struct {
	Kind   string    `json:"kind"` // before or after the due date
	SentAt time.Time `json:"sent_at"`
	SentBy int64     `json:"sent_by,omitempty"`
}

func (s *Service) reminders(ctx context.Context, form, unit int64, p Period) ([]Reminder, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, sent_at, COALESCE(sent_by, 0) FROM report_reminders
		WHERE unit_id = $1 AND form_id = $2 AND period = $3 ORDER BY sent_at DESC`, unit, form, p.Key())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reminder
	for rows.Next() {
		var r Reminder
		if err := rows.Scan(&r.Kind, &r.SentAt, &r.SentBy); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Service) lastReminders(ctx context.Context, form int64, p Period, units string) (map[int64]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, MAX(sent_at) FROM report_reminders WHERE form_id = $1 AND period = $2`+units+` GROUP BY unit_id`, form, p.Key())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var u int64
		var at any
		if err := rows.Scan(&u, &at); err != nil {
			return nil, err
		}
		if t, ok := asTime(at); ok {
			out[u] = t
		}
	}
	return out, rows.Err()
}

// asTime reads an aggregate of a timestamp column, which SQLite returns as
// text and PostgreSQL as a time.
func asTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		return parseStoredTime(x)
	case []byte:
		return parseStoredTime(string(x))
	}
	return time.Time{}, false
}

func parseStoredTime(s string) (time.Time, bool) {
	// the last is how the SQLite driver writes a time.Time (its String):
	// MAX(sent_at) comes back as that text, and no reminder showed
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999 -0700 MST"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Remind records a reminder for every unit of the scope that has not
// submitted a form for a period: before the due date it asks them to
// report by then, after it says they are late. Each unit's focal person
// sees it on the report page and in their list of reports.
func (s *Service) Remind(ctx context.Context, actor *auth.Actor, formID int64, p Period, unit int64) (int, error) {
	if !mayDesign(actor) {
		return 0, errs.ForbiddenErr()
	}
	c, err := s.Complete(ctx, actor, formID, p, unit)
	if err != nil {
		return 0, err
	}
	kind := "before"
	if c.PastDue {
		kind = "after"
	}
	missing := c.NotReported()
	if len(missing) == 0 {
		return 0, errs.Invalidf("indicator.err.nobody_to_remind").At(0, "period")
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := movedReports(ctx, tx); err != nil {
			return err
		}
		var entries []audit.Entry
		for _, u := range missing {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO report_reminders (form_id, period, unit_id, kind, sent_at, sent_by)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, formID, p.Key(), u.UnitID, kind, now, nullID(actor.UserID)).Scan(&id); err != nil {
				return err
			}
			entries = append(entries, audit.Entry{Action: "reminder.send", Entity: "report_reminder", EntityID: fmt.Sprint(id), UnitID: u.UnitID,
				After: map[string]any{"form_id": formID, "period": p.Key(), "kind": kind}})
			// the reminder reaches the unit's focal persons (and its own
			// coordinators) in their notifications and e-mail digest
			users, err := notify.UsersOf(ctx, tx, u.UnitID, auth.RoleFocal, auth.RoleCoordinator)
			if err != nil {
				return err
			}
			if err := notify.To(ctx, tx, now, users, notify.Notice{Kind: notify.Reminder,
				SubjectVI: c.Form.Name("vi") + " · " + p.Label("vi"), SubjectEN: c.Form.Name("en") + " · " + p.Label("en"),
				Link: fmt.Sprintf("/units/%d/forms/%d?period=%s", u.UnitID, formID, p.Key()), Due: c.Due,
				Key: fmt.Sprintf("reminder:%d", id)}); err != nil {
				return err
			}
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
	if err != nil {
		return 0, err
	}
	return len(missing), nil
}

// Duty is one report a unit owes: a form for a period, with where it
// stands. Reports due within a week, or overdue, are flagged: the reminder
// before and after the due date that every focal person sees.
type Duty struct {
	Form       *Form        `json:"form"`
	Unit       *org.Version `json:"unit"`
	Period     Period       `json:"period"`
	Due        day.Day      `json:"due"`
	Status     Status       `json:"status"`
	Submission *Submission  `json:"submission,omitempty"`
	DueSoon    bool         `json:"due_soon"`
	Overdue    bool         `json:"overdue"`
	Reminders  int          `json:"reminders"`
}

// Duties lists what the actor's own unit owes: for each form assigned to
// it, the current period and the two before it.
func (s *Service) Duties(ctx context.Context, actor *auth.Actor) ([]Duty, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	forms, err := s.Forms(ctx, actor)
	if err != nil {
		return nil, err
	}
	today := s.org.Today()
	unit := actor.ScopeUnitID
	var out []Duty
	for _, f := range forms {
		if !f.Active {
			continue
		}
		p := PeriodOf(f.PeriodType, today)
		for i := 0; i < 3; i, p = i+1, p.Prev() {
			if !s.expects(t.Snapshot, f, p, unit) {
				continue
			}
			du := Duty{Form: f, Unit: t.At(unit, p.End()), Period: p, Due: f.Due(p), Status: Draft}
			out = append(out, du)
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	// the unit's reports and reminders for all of them, in two reads
	subs, reminded, err := s.unitReports(ctx, unit, out)
	if err != nil {
		return nil, err
	}
	for i := range out {
		du := &out[i]
		k := dutyKey{du.Form.ID, du.Period.Key()}
		if sub := subs[k]; sub != nil {
			own := *sub // the kept one is shared
			du.Submission, du.Status = &own, sub.Status
		}
		done := du.Status == Submitted || du.Status == Approved
		du.Overdue = !done && today.After(du.Due)
		du.DueSoon = !done && !du.Overdue && !du.Due.After(today.AddDays(7))
		du.Reminders = reminded[k]
	}
	return out, nil
}

type dutyKey struct {
	form   int64
	period string
}

// unitReports reads a unit's submissions and the number of reminders it
// was sent for the duties' periods (every form's: the duties look theirs
// up): kept for the reports' generation (reports.go), else one statement
// each.
func (s *Service) unitReports(ctx context.Context, unit int64, duties []Duty) (map[dutyKey]*Submission, map[dutyKey]int, error) {
	gen, err := s.reportsGen(ctx)
	if err != nil {
		return nil, nil, err
	}
	args := []any{unit}
	var periods, keys []string
	seen := map[string]bool{}
	for _, du := range duties {
		if k := du.Period.Key(); !seen[k] {
			seen[k] = true
			args = append(args, k)
			periods = append(periods, fmt.Sprintf("$%d", len(args)))
			keys = append(keys, k)
		}
	}
	ck := dutiesKey{unit, strings.Join(keys, ",")}
	if r := s.reports.lookupDuties(gen, ck); r != nil {
		return r.subs, r.reminded, nil
	}
	in := strings.Join(periods, ", ")
	subs := map[dutyKey]*Submission{}
	rows, err := s.db.QueryContext(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE unit_id = $1 AND period IN (`+in+`)`, args...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		subs[dutyKey{sub.FormID, sub.Period.Key()}] = sub
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	reminded := map[dutyKey]int{}
	rows, err = s.db.QueryContext(ctx, `SELECT form_id, period, COUNT(*) FROM report_reminders WHERE unit_id = $1 AND period IN (`+in+`) GROUP BY form_id, period`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k dutyKey
		var n int
		if err := rows.Scan(&k.form, &k.period, &n); err != nil {
			return nil, nil, err
		}
		reminded[k] = n
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	s.reports.keepDuties(gen, ck, &unitDuties{subs: subs, reminded: reminded})
	return subs, reminded, nil
}

// Target is what a unit should reach on an indicator in a year.
type Target struct {
	ID          int64     `json:"id"`
	IndicatorID int64     `json:"indicator_id"`
	UnitID      int64     `json:"unit_id"`
	Year        int       `json:"year"`
	Value       float64   `json:"value"`
	Note        string    `json:"note"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TargetInput sets a target.
type TargetInput struct {
	Indicator string  `json:"indicator"` // code
	UnitID    int64   `json:"unit_id"`
	Year      int     `json:"year"`
	Value     float64 `json:"value"`
	Note      string  `json:"note"`
}

// SetTarget sets (or changes) a unit's target for an indicator and year.
func (s *Service) SetTarget(ctx context.Context, actor *auth.Actor, in TargetInput) (*Target, error) {
	if !mayDesign(actor) {
		return nil, errs.ForbiddenErr()
	}
	ind, err := s.ByCode(ctx, actor, in.Indicator)
	if err != nil {
		return nil, err
	}
	if in.UnitID == 0 {
		in.UnitID = actor.ScopeUnitID
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(t, in.UnitID, "unit_id"); err != nil {
		return nil, err
	}
	var bad []*errs.Error
	if in.Value < 0 || in.Value > 1e15 {
		bad = append(bad, errs.Invalidf("indicator.err.too_big", "Value", in.Value).At(0, "value"))
	}
	if in.Year < 2000 || in.Year > 2100 {
		bad = append(bad, errs.Invalidf("indicator.err.bad_year", "Value", in.Year).At(0, "year"))
	}
	if ind.Type == Text {
		bad = append(bad, errs.Invalidf("indicator.err.text_target").At(0, "indicator"))
	}
	if ind.Type == Percent && (in.Value < 0 || in.Value > 100) {
		bad = append(bad, errs.Invalidf("indicator.err.above_max", "Value", in.Value, "Max", 100).At(0, "value"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	old, err := s.target(ctx, ind.ID, in.UnitID, in.Year)
	if err != nil {
		return nil, err
	}
	tg := &Target{IndicatorID: ind.ID, UnitID: in.UnitID, Year: in.Year, Value: in.Value, Note: strings.TrimSpace(in.Note), UpdatedAt: s.now().UTC()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if old == nil {
			err = tx.QueryRowContext(ctx, `INSERT INTO indicator_targets (indicator_id, unit_id, year, value, note, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, tg.IndicatorID, tg.UnitID, tg.Year, tg.Value, tg.Note, tg.UpdatedAt).Scan(&tg.ID)
		} else {
			tg.ID = old.ID
			_, err = tx.ExecContext(ctx, `UPDATE indicator_targets SET value = $1, note = $2, updated_at = $3 WHERE id = $4`, tg.Value, tg.Note, tg.UpdatedAt, tg.ID)
		}
		if err != nil {
			return err
		}
		if _, err := bump(ctx, tx, 0, targetsPeriod); err != nil {
			return err
		}
		e := audit.Entry{Action: "indicator_target.set", Entity: "indicator_target", EntityID: fmt.Sprint(tg.ID), UnitID: tg.UnitID, After: tg}
		if old != nil {
			e.Before = old
		}
		return s.audit.Write(ctx, tx, actor.Who(), e)
	})
	if err != nil {
		return nil, err
	}
	return tg, nil
}

func (s *Service) target(ctx context.Context, ind, unit int64, year int) (*Target, error) {
	tg := &Target{}
	err := s.db.QueryRowContext(ctx, `SELECT id, indicator_id, unit_id, year, value, note, updated_at FROM indicator_targets
		WHERE indicator_id = $1 AND unit_id = $2 AND year = $3`, ind, unit, year).Scan(&tg.ID, &tg.IndicatorID, &tg.UnitID, &tg.Year, &tg.Value, &tg.Note, &tg.UpdatedAt)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return tg, err
}

// Targets lists a unit's targets for a year, by indicator.
func (s *Service) Targets(ctx context.Context, actor *auth.Actor, unit int64, year int) (map[int64]*Target, error) {
	if _, err := s.scoped(ctx, actor, unit); err != nil {
		return nil, err
	}
	gen, err := s.db.Generation(ctx, targetsGeneration)
	if err != nil {
		return nil, err
	}
	k := targetKey{unit, year}
	if got, ok := s.targetCache.get(gen, k); ok {
		return got, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, indicator_id, unit_id, year, value, note, updated_at FROM indicator_targets
		WHERE unit_id = $1 AND year = $2`, unit, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*Target{}
	for rows.Next() {
		tg := &Target{}
		if err := rows.Scan(&tg.ID, &tg.IndicatorID, &tg.UnitID, &tg.Year, &tg.Value, &tg.Note, &tg.UpdatedAt); err != nil {
			return nil, err
		}
		out[tg.IndicatorID] = tg
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.targetCache.put(gen, k, out)
	return copyTargets(out), nil
}

// Targets are looked up on every figures request (a unit's progress), and
// set a few times a year: a unit's targets for a year are kept in memory
// while the targets' generation (moved by SetTarget) stands, at most
// MaxCachedTargetSets of them (past it the cache starts again empty).
type targetKey struct {
	unit int64
	year int
}

// MaxCachedTargetSets bounds the targets cache: one set per unit and year
// asked for (a few hundred bytes each).
const MaxCachedTargetSets = 20_000

type targetCache struct {
	mu   sync.Mutex
	gen  int64
	sets map[targetKey]map[int64]*Target
}

func (c *targetCache) get(gen int64, k targetKey) (map[int64]*Target, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	got, ok := c.sets[k]
	if !ok || c.gen != gen {
		return nil, false
	}
	return copyTargets(got), true
}

func (c *targetCache) put(gen int64, k targetKey, set map[int64]*Target) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.sets == nil || len(c.sets) >= MaxCachedTargetSets {
		c.gen, c.sets = gen, map[targetKey]map[int64]*Target{}
	}
	c.sets[k] = set
}

// copyTargets gives the caller its own targets to change.
func copyTargets(set map[int64]*Target) map[int64]*Target {
	out := make(map[int64]*Target, len(set))
	for id, tg := range set {
		c := *tg
		out[id] = &c
	}
	return out
}

// Light is a traffic light.
type Light string

// The lights.
const (
	Green Light = "green"
	Amber Light = "amber"
	Red   Light = "red"
	None  Light = "none" // no figure yet
)

// Progress is a unit's figure for a year against its target. For a flow
// (summed over the year) the target is prorated to the part of the year
// gone by; a stock or a rate is compared as it stands. Green: on target;
// amber: at least 80 % of the way; red: below.
type Progress struct {
	Target   *Target `json:"target"`
	Actual   Figure  `json:"actual"`
	Expected float64 `json:"expected"` // what should be reached by now
	Ratio    float64 `json:"ratio"`    // actual ÷ expected (expected ÷ actual when lower is better)
	Light    Light   `json:"light"`
}

// Progress computes the progress of unit on an indicator (by code, so
// that plans can point their targets at indicators) for a year.
func (s *Service) Progress(ctx context.Context, actor *auth.Actor, code string, unit int64, year int, basis Basis) (*Progress, error) {
	ind, err := s.ByCode(ctx, actor, code)
	if err != nil {
		return nil, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	ts, err := s.Targets(ctx, actor, unit, year)
	if err != nil {
		return nil, err
	}
	tg := ts[ind.ID]
	if tg == nil {
		return nil, errs.Invalidf("indicator.err.no_target", "Code", ind.Code, "Year", year).At(0, "year")
	}
	pts, err := s.Series(ctx, actor, Query{IndicatorID: ind.ID, UnitID: unit, Mode: Restated, Basis: basis}, []Period{{Yearly, year, 1}})
	if err != nil {
		return nil, err
	}
	return progress(ind, tg, pts[0].Figure, s.org.Today()), nil
}

func progress(ind *Indicator, tg *Target, actual Figure, today day.Day) *Progress {
	pr := &Progress{Target: tg, Actual: actual, Expected: tg.Value, Light: None}
	if ind.OverTime == TimeSum && !ind.Computed() {
		start, end := day.Of(tg.Year, 1, 1), day.Of(tg.Year, 12, 31)
		switch {
		case today.Before(start):
			pr.Expected = 0
		case today.Before(end):
			elapsed := today.Time().Sub(start.Time()).Hours() / end.Time().Sub(start.Time()).Hours()
			pr.Expected = tg.Value * elapsed
		}
	}
	if !actual.Has() {
		return pr
	}
	a := actual.V()
	switch {
	case ind.HigherBetter && pr.Expected <= 0:
		pr.Ratio = 1
	case ind.HigherBetter:
		pr.Ratio = a / pr.Expected
	case a <= 0:
		pr.Ratio = 1
	default:
		pr.Ratio = pr.Expected / a
	}
	switch {
	case pr.Ratio >= 0.999:
		pr.Light = Green
	case pr.Ratio >= 0.8:
		pr.Light = Amber
	default:
		pr.Light = Red
	}
	return pr
}

// itoa is strconv.Itoa for templates of keys.
func itoa(n int) string { return strconv.Itoa(n) }
