package indicator

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Provenance: how a figure was made, so that every number a page shows can
// be followed to where it came from (issue 9, "số liệu phải thật"). A
// figure is one or more of: a value the unit itself reported (who typed
// it, when, the evidence, who approved it, every change since), a roll-up
// of the units below (each with its figure, and the expected units it
// does not count named), a formula over other indicators (each part's
// figure), and over a period longer than the indicator's, its periods.
// Nothing here is stored: it is read from the same cells, submissions and
// audit log the figure itself comes from.

// ProvenanceKind says what a figure mainly is.
type ProvenanceKind string

// The kinds.
const (
	FromReport  ProvenanceKind = "reported" // one unit's own value
	FromRollup  ProvenanceKind = "rollup"   // the units below added up
	FromFormula ProvenanceKind = "formula"  // computed from other indicators
	FromPeriods ProvenanceKind = "periods"  // a longer period made of the indicator's periods
	FromNothing ProvenanceKind = "none"     // no value at all
)

// ProvenancePageSize is how many missing units one page of a provenance
// names (a national figure may miss thousands).
const ProvenancePageSize = 50

// Provenance is how one figure of one indicator for one unit and period
// was made.
type Provenance struct {
	Indicator *Indicator     `json:"indicator"`
	Period    Period         `json:"period"`
	Mode      Mode           `json:"mode"`
	Basis     Basis          `json:"basis"`
	Date      day.Day        `json:"tree_date"`
	Unit      *org.Version   `json:"unit"`
	InForce   bool           `json:"in_force"`
	Figure    Figure         `json:"figure"`
	Kind      ProvenanceKind `json:"kind"`
	// Own is the unit's own reported value for the period, if it has one.
	Own *ReportedValue `json:"own,omitempty"`
	// Children are the units directly below with their figures.
	Children     []Row   `json:"children,omitempty"`
	Predecessors []Row   `json:"predecessors,omitempty"`
	Carried      []Carry `json:"carried,omitempty"`
	// Missing names the expected units of the subtree whose value the
	// figure does not count on its basis, one page of them; MissingTotal
	// counts them all.
	Missing      []MissingUnit `json:"missing,omitempty"`
	MissingTotal int           `json:"missing_total"`
	Page         int           `json:"page"`
	PageSize     int           `json:"page_size"`
	// Parts: a formula's parts, each with its figure for the unit.
	Parts []ProvenancePart `json:"parts,omitempty"`
	// Periods: over a period longer than the indicator's, its periods.
	Periods []Point `json:"periods,omitempty"`
}

// MissingUnit is an expected unit whose value is not counted: never
// entered, or entered but not yet submitted or approved (Status says
// which, "" when nothing was entered).
type MissingUnit struct {
	UnitID int64     `json:"unit_id"`
	Name   string    `json:"name"`
	Level  org.Level `json:"level"`
	Period Period    `json:"period"`
	Status Status    `json:"status,omitempty"`
}

// ProvenancePart is one part of a formula.
type ProvenancePart struct {
	Indicator *Indicator `json:"indicator"`
	Figure    Figure     `json:"figure"`
}

// ReportedValue is a unit's own value with everything about how it came
// to be: the report that holds it, who submitted and who reviewed it, the
// evidence, and every change in the audit log.
type ReportedValue struct {
	Value     *float64  `json:"value,omitempty"`
	Text      string    `json:"text,omitempty"`
	Comment   string    `json:"comment,omitempty"`
	Source    string    `json:"source"` // form, import or api
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	// Counted: the value counts on the figure's basis (approved when the
	// basis is approved).
	Counted     bool          `json:"counted"`
	Submission  *Submission   `json:"submission,omitempty"`
	FormName    string        `json:"form_name,omitempty"`
	SubmittedBy string        `json:"submitted_by,omitempty"`
	ReviewedBy  string        `json:"reviewed_by,omitempty"`
	Files       []files.File  `json:"files,omitempty"`
	History     []ValueChange `json:"history"`
}

// ValueChange is one entry of a value's history: a value set or cleared,
// or its report submitted, approved, returned or reopened.
type ValueChange struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // indicator_value.set, indicator_value.clear, submission.approved…
	Before *float64  `json:"before,omitempty"`
	After  *float64  `json:"after,omitempty"`
	// Text values and comments, for a text indicator or a note.
	BeforeText string `json:"before_text,omitempty"`
	AfterText  string `json:"after_text,omitempty"`
	Comment    string `json:"comment,omitempty"`
}

// Provenance explains the figure of q's indicator for q's unit and period.
// page (from 1) pages the missing units.
func (s *Service) Provenance(ctx context.Context, actor *auth.Actor, q Query, page int) (*Provenance, error) {
	q.norm(s, actor)
	if _, err := s.scoped(ctx, actor, q.UnitID); err != nil {
		return nil, err
	}
	ind, err := s.Get(ctx, actor, q.IndicatorID)
	if err != nil {
		return nil, err
	}
	if q.Period.IsZero() {
		return nil, errs.Invalidf("indicator.err.bad_period", "Value", "").At(0, "period")
	}
	if q.Period.Type != ind.PeriodType && !q.Period.Type.coarserThan(ind.PeriodType) {
		return nil, errs.Invalidf("indicator.err.period_type", "Value", q.Period.Key(), "Type", string(ind.PeriodType)).At(0, "period")
	}
	if page < 1 {
		page = 1
	}
	defs, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	sub := q.Period.Within(ind.PeriodType)
	c, err := s.newCalc(ctx, q.Mode, q.Basis, q.AsOf, func(need func(*Indicator, Period)) {
		need(ind, q.Period)
		for _, p := range sub {
			need(ind, p)
		}
		if f := ind.formula; ind.Computed() && f != nil {
			for _, code := range f.Codes() {
				if part := defs.code(code); part != nil {
					need(part, q.Period)
				}
			}
		}
	})
	if err != nil {
		return nil, err
	}
	b, err := c.breakdown(ind, q)
	if err != nil {
		return nil, err
	}
	pv := &Provenance{Indicator: ind, Period: q.Period, Mode: q.Mode, Basis: q.Basis, Date: b.Date, Unit: b.Unit, InForce: b.InForce,
		Figure: b.Total, Children: b.Children, Predecessors: b.Predecessors, Carried: b.Carried, Page: page, PageSize: ProvenancePageSize}
	lay := c.treeFor(q.Period)
	switch {
	case ind.Computed():
		pv.Kind = FromFormula
		if f := ind.formula; f != nil && b.InForce {
			pos := lay.at(q.UnitID)
			for _, code := range f.Codes() {
				part := c.defs.code(code)
				if part == nil {
					continue
				}
				figs := c.figures(part, q.Period, lay, []int32{pos}, map[memoKey][]Figure{}, 0)
				pv.Parts = append(pv.Parts, ProvenancePart{Indicator: part, Figure: figs[0]})
			}
		}
	case len(sub) > 1:
		pv.Kind = FromPeriods
		pv.Periods = c.series(ind, q.UnitID, sub)
	}
	if !ind.Computed() && b.InForce {
		if len(sub) == 1 {
			if pv.Own, err = s.ownValue(ctx, c, ind, q.UnitID, q.Period); err != nil {
				return nil, err
			}
		}
		pv.Missing, pv.MissingTotal = c.missing(ind, q.Period, lay, lay.at(q.UnitID), page)
	}
	if pv.Kind == "" {
		switch {
		case !b.Total.Has() && pv.Own == nil:
			pv.Kind = FromNothing
		case pv.Own != nil && b.Total.Units <= 1:
			pv.Kind = FromReport
		default:
			pv.Kind = FromRollup
		}
	}
	return pv, nil
}

// coarserThan reports whether a period of type t is made of periods of
// type fine (a year of months).
func (t PeriodType) coarserThan(fine PeriodType) bool {
	return t.months() > fine.months() && t.months()%fine.months() == 0
}

// missing lists the expected units of the subtree at node whose value the
// figure does not count, over p's periods of the indicator's type: one
// page, and how many in all.
func (c *calc) missing(ind *Indicator, p Period, lay *layout, node int32, page int) ([]MissingUnit, int) {
	if node < 0 {
		return nil, 0
	}
	lo, hi := node, lay.end[node]
	type miss struct {
		unit   int64
		period Period
		st     Status
	}
	var all []miss
	for _, q := range p.Within(ind.PeriodType) {
		cl := c.cells[cellKey{ind.ID, q.Key()}]
		for _, u := range c.expectedUnits(ind, q) {
			if c.counted(cl, u) {
				continue
			}
			inside := false
			c.land(lay, u, func(pos int32) { inside = inside || pos >= lo && pos < hi })
			if !inside {
				continue
			}
			m := miss{unit: u, period: q}
			if cl != nil {
				if i, ok := cl.find(u); ok {
					m.st = map[uint8]Status{stDraft: Draft, stSubmitted: Submitted}[cl.st[i]]
				}
			}
			all = append(all, m)
		}
	}
	from := (page - 1) * ProvenancePageSize
	if from >= len(all) {
		return nil, len(all)
	}
	to := min(from+ProvenancePageSize, len(all))
	out := make([]MissingUnit, 0, to-from)
	for _, m := range all[from:to] {
		mu := MissingUnit{UnitID: m.unit, Period: m.period, Status: m.st}
		v := c.snap.At(m.unit, m.period.End())
		if v == nil {
			v = c.snap.Latest(m.unit)
		}
		if v != nil {
			mu.Name, mu.Level = v.Name, v.Level
		}
		out = append(out, mu)
	}
	return out, len(all)
}

// ownValue reads a unit's own stored value of ind for p with its report,
// evidence and history; nil when it has none.
func (s *Service) ownValue(ctx context.Context, c *calc, ind *Indicator, unit int64, p Period) (*ReportedValue, error) {
	var rv ReportedValue
	var n sql.NullFloat64
	var by sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT v.value, v.text_value, v.comment, v.source, v.updated_at, v.updated_by
		FROM indicator_values v WHERE v.indicator_id = $1 AND v.period = $2 AND v.unit_id = $3`, ind.ID, p.Key(), unit).
		Scan(&n, &rv.Text, &rv.Comment, &rv.Source, &rv.UpdatedAt, &by)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("own value: %w", err)
	}
	if n.Valid {
		rv.Value = &n.Float64
	}
	rv.Counted = c.counted(c.cells[cellKey{ind.ID, p.Key()}], unit)
	users := map[int64]string{}
	if by.Valid {
		users[by.Int64] = ""
	}
	// the report that holds it: the form collecting the indicator that
	// the unit has a submission of for the period
	for _, f := range c.forms {
		if !f.has(ind.ID) || f.PeriodType != ind.PeriodType {
			continue
		}
		sub, err := s.submission(ctx, s.db, f.ID, unit, p)
		if err != nil {
			return nil, err
		}
		if sub == nil {
			continue
		}
		rv.Submission, rv.FormName = sub, f.NameVI
		users[sub.SubmittedBy], users[sub.ReviewedBy] = "", ""
		all, err := s.submissionFiles(ctx, sub.ID)
		if err != nil {
			return nil, err
		}
		rv.Files = all
		break
	}
	if err := s.userNames(ctx, users); err != nil {
		return nil, err
	}
	if by.Valid {
		rv.UpdatedBy = users[by.Int64]
	}
	if rv.Submission != nil {
		rv.SubmittedBy, rv.ReviewedBy = users[rv.Submission.SubmittedBy], users[rv.Submission.ReviewedBy]
	}
	if rv.History, err = s.valueHistory(ctx, ind, unit, p, rv.Submission); err != nil {
		return nil, err
	}
	return &rv, nil
}

// userNames fills in the display names of the ids in m.
func (s *Service) userNames(ctx context.Context, m map[int64]string) error {
	for id := range m {
		if id == 0 {
			continue
		}
		var name string
		err := s.db.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1`, id).Scan(&name)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		m[id] = name
	}
	return nil
}

// historyLimit bounds the entries of a value's history shown at once.
const historyLimit = 100

// valueHistory reads, newest first, the audit log's entries for the value
// and for the report that holds it.
func (s *Service) valueHistory(ctx context.Context, ind *Indicator, unit int64, p Period, sub *Submission) ([]ValueChange, error) {
	recs, err := audit.List(ctx, s.db, audit.Query{Entity: "indicator_value", EntityID: fmt.Sprintf("%d/%s/%d", ind.ID, p.Key(), unit), Limit: historyLimit})
	if err != nil {
		return nil, err
	}
	if sub != nil {
		more, err := audit.List(ctx, s.db, audit.Query{Entity: "submission", EntityID: fmt.Sprint(sub.ID), Limit: historyLimit})
		if err != nil {
			return nil, err
		}
		recs = append(recs, more...)
		sort.Slice(recs, func(i, j int) bool { return recs[i].Seq > recs[j].Seq })
	}
	out := []ValueChange{}
	for _, r := range recs {
		ch := ValueChange{Actor: r.Actor, Action: r.Action}
		ch.At, _ = time.Parse(audit.TimeLayout, r.At)
		if r.Entity == "indicator_value" {
			var before, after valueRecord
			if len(r.Before) > 0 && json.Unmarshal(r.Before, &before) == nil {
				ch.Before, ch.BeforeText = before.Value, before.Text
			}
			if len(r.After) > 0 && json.Unmarshal(r.After, &after) == nil {
				ch.After, ch.AfterText, ch.Comment = after.Value, after.Text, after.Comment
			}
		} else {
			var after Submission
			if len(r.After) > 0 && json.Unmarshal(r.After, &after) == nil {
				ch.Comment = after.ReviewComment
			}
		}
		out = append(out, ch)
	}
	return out, nil
}
