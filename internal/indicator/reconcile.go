package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// Reconciliation (issue 9, item 2): a reported indicator whose definition
// names a counterpart — the measured indicator holding the same fact in a
// register — is set beside it. The reviewer of a report sees both and the
// difference before approving, and approving over a difference beyond the
// tolerance (a setting) needs a comment; a province-wide list shows every
// unit and period where they differ.

// toleranceKey is the settings row of the tolerance: the share of the
// measured figure a reported one may differ by without a comment.
const toleranceKey = "reconcile_tolerance"

// Difference is one unit's reported figure beside its measured
// counterpart for a period.
type Difference struct {
	Indicator   *Indicator `json:"indicator"`
	Counterpart *Indicator `json:"counterpart"`
	UnitID      int64      `json:"unit_id"`
	UnitName    string     `json:"unit_name"`
	Period      Period     `json:"period"`
	Reported    float64    `json:"reported"`
	// Measured is absent when the registers give no figure.
	Measured *float64 `json:"measured,omitempty"`
	// Diff is reported − measured; Share its size against the measured
	// figure (1 when the register holds 0 and the report does not).
	Diff  float64 `json:"diff"`
	Share float64 `json:"share"`
	// Beyond: the difference exceeds the tolerance.
	Beyond bool `json:"beyond"`
	// MeasuredChanged: the report was approved showing AtApproval as the
	// measured figure, and the registers no longer give it (a register
	// change dated in the past): "số liệu đo đã thay đổi sau khi duyệt".
	MeasuredChanged bool     `json:"measured_changed"`
	AtApproval      *float64 `json:"measured_at_approval,omitempty"`
	// The report that holds the reported value.
	SubmissionID int64  `json:"submission_id,omitempty"`
	FormID       int64  `json:"form_id,omitempty"`
	Status       Status `json:"status,omitempty"`
}

func (d *Difference) judge(tolerance float64) {
	if d.Measured == nil {
		return
	}
	d.Diff = d.Reported - *d.Measured
	switch {
	case d.Diff == 0:
		d.Share = 0
	case *d.Measured == 0:
		d.Share = 1
	default:
		d.Share = math.Abs(d.Diff) / math.Abs(*d.Measured)
	}
	d.Beyond = d.Diff != 0 && d.Share > tolerance+1e-9
}

// Tolerance is the share by which a reported figure may differ from its
// measured counterpart before approving it needs a comment: 0 (any
// difference) unless an administrator set it.
func (s *Service) Tolerance(ctx context.Context) (float64, error) {
	return readTolerance(ctx, s.db)
}

func readTolerance(ctx context.Context, q db.Querier) (float64, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, toleranceKey).Scan(&v)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reconciliation tolerance: %w", err)
	}
	t, err := strconv.ParseFloat(v, 64)
	if err != nil || t < 0 || t > 1 {
		return 0, nil
	}
	return t, nil
}

// SetTolerance changes the tolerance (a share, 0 to 0.5). It applies to
// every scope, so only an administrator may change it.
func (s *Service) SetTolerance(ctx context.Context, actor *auth.Actor, t float64) error {
	if !actor.Can(auth.PermConfigure) {
		return errs.ForbiddenErr()
	}
	if t != t || t < 0 || t > MaxTolerance {
		return errs.Invalidf("indicator.err.tolerance", "Max", int(MaxTolerance*100)).At(0, "tolerance")
	}
	old, err := readTolerance(ctx, s.db)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3, updated_by = $4`,
			toleranceKey, strconv.FormatFloat(t, 'f', -1, 64), now, nullID(actor.UserID)); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "setting.update", Entity: "setting", EntityID: toleranceKey,
			UnitID: actor.ScopeUnitID, Before: map[string]any{"value": old}, After: map[string]any{"value": t}})
	})
}

// MaxTolerance bounds the tolerance: beyond half, a report could double
// the register's figure unremarked.
const MaxTolerance = 0.5

// SubmissionDifferences sets each value of a report whose indicator has a
// counterpart beside the measured figure, for its reviewer.
func (s *Service) SubmissionDifferences(ctx context.Context, actor *auth.Actor, sub *Submission) ([]Difference, error) {
	f, err := s.GetForm(ctx, actor, sub.FormID)
	if err != nil {
		return nil, err
	}
	vals, err := unitValues(ctx, s.db, sub.UnitID, sub.Period)
	if err != nil {
		return nil, err
	}
	return s.differences(ctx, actor, f, sub, func(it *Indicator) (float64, bool) {
		if v := vals[it.ID]; v != nil && v.Value != nil {
			return *v.Value, true
		}
		return 0, false
	})
}

// differences sets the reported values of a report (as reported gives
// them) beside their counterparts' measured figures.
func (s *Service) differences(ctx context.Context, actor *auth.Actor, f *Form, sub *Submission, reported func(*Indicator) (float64, bool)) ([]Difference, error) {
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	tol, err := s.Tolerance(ctx)
	if err != nil {
		return nil, err
	}
	var out []Difference
	for _, it := range f.Items {
		cp := d.code(it.Counterpart)
		if it.Counterpart == "" || cp == nil {
			continue
		}
		v, ok := reported(it)
		if !ok {
			continue
		}
		df := Difference{Indicator: it, Counterpart: cp, UnitID: sub.UnitID, Period: sub.Period, Reported: v,
			SubmissionID: sub.ID, FormID: sub.FormID, Status: sub.Status}
		m, ok, err := s.Measured(ctx, actor, cp.Code, sub.UnitID, sub.Period.Key())
		if err != nil {
			return nil, err
		}
		if ok {
			df.Measured = &m
		}
		df.judge(tol)
		out = append(out, df)
	}
	return out, nil
}

// judgeSubmitted finds, in the reports being submitted, the figures that
// differ from their register counterparts beyond the tolerance (their
// reviewers are told): one measured computation per counterpart and
// period over every unit submitting, since an import submits thousands of
// reports at once.
func (s *Service) judgeSubmitted(ctx context.Context, preps []*prepared) error {
	d, err := s.definitions(ctx)
	if err != nil {
		return err
	}
	tol, err := s.Tolerance(ctx)
	if err != nil {
		return err
	}
	type cell struct {
		ind    int64
		period string
	}
	units := map[cell][]int64{}
	periods := map[string]Period{}
	for _, pr := range preps {
		for _, it := range pr.form.Items {
			if _, ok := pr.reported[it.ID]; ok && d.code(it.Counterpart) != nil {
				c := cell{d.code(it.Counterpart).ID, pr.period.Key()}
				units[c] = append(units[c], pr.unit)
				periods[c.period] = pr.period
			}
		}
	}
	now := map[cell]map[int64]*float64{}
	for c, us := range units {
		if now[c], err = s.measuredOf(ctx, d.byID[c.ind], periods[c.period], us); err != nil {
			return err
		}
	}
	for _, pr := range preps {
		pr.beyond = nil
		for _, it := range pr.form.Items {
			v, ok := pr.reported[it.ID]
			cp := d.code(it.Counterpart)
			if !ok || cp == nil {
				continue
			}
			df := Difference{Indicator: it, Counterpart: cp, UnitID: pr.unit, Period: pr.period, Reported: v, FormID: pr.form.ID,
				Measured: now[cell{cp.ID, pr.period.Key()}][pr.unit], Status: Submitted}
			df.judge(tol)
			if df.Beyond {
				pr.beyond = append(pr.beyond, df)
			}
		}
	}
	return nil
}

// checkDifferences refuses to approve a report over a difference beyond
// the tolerance without a comment, naming the first such figure.
func (s *Service) checkDifferences(ctx context.Context, actor *auth.Actor, sub *Submission, comment string) error {
	if comment != "" {
		return nil
	}
	diffs, err := s.SubmissionDifferences(ctx, actor, sub)
	if err != nil {
		return err
	}
	for _, d := range diffs {
		if d.Beyond {
			return errs.Invalidf("indicator.err.difference_comment", "Indicator", d.Indicator.NameVI,
				"Reported", strconv.FormatFloat(d.Reported, 'f', -1, 64), "Measured", strconv.FormatFloat(*d.Measured, 'f', -1, 64)).At(0, "comment")
		}
	}
	return nil
}

// DiscrepancyList is one page of the differences in a scope.
type DiscrepancyList struct {
	UnitID    int64        `json:"unit_id"`
	Year      int          `json:"year"`
	Tolerance float64      `json:"tolerance"`
	Total     int          `json:"total"`
	Items     []Difference `json:"items"`
}

// Discrepancies lists, for a unit's subtree and a year, every unit and
// period whose reported figure differs from its measured counterpart (on
// every value entered: a difference is worth knowing before approval),
// the biggest first; offset and limit page it (limit 0: all).
func (s *Service) Discrepancies(ctx context.Context, actor *auth.Actor, unit int64, year, offset, limit int) (*DiscrepancyList, error) {
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	t, err := s.scoped(ctx, actor, unit)
	if err != nil {
		return nil, err
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	tol, err := s.Tolerance(ctx)
	if err != nil {
		return nil, err
	}
	out := &DiscrepancyList{UnitID: unit, Year: year, Tolerance: tol, Items: []Difference{}}
	// what the approved reports of the year showed of the registers when
	// approved, to flag those whose measured figure moved since
	type at struct {
		ind, unit int64
		period    string
	}
	ks, err := s.keptWhere(ctx, `s.period >= $1 AND s.period < $2`, strconv.Itoa(year), strconv.Itoa(year+1))
	if err != nil {
		return nil, err
	}
	approvedAt := make(map[at]kept, len(ks))
	for _, k := range ks {
		approvedAt[at{k.ind, k.unit, k.period}] = k
	}
	var all []Difference
	for _, ind := range d.list {
		cp := d.code(ind.Counterpart)
		if ind.Counterpart == "" || cp == nil || !ind.Active || !ownerVisible(t, ind.OwnerUnitID) {
			continue
		}
		// the stored values of the year, in the scope, by period
		rows, err := s.db.QueryContext(ctx, `SELECT period, unit_id, value FROM indicator_values
			WHERE indicator_id = $1 AND period >= $2 AND period < $3 AND value IS NOT NULL`, ind.ID, strconv.Itoa(year), strconv.Itoa(year+1))
		if err != nil {
			return nil, err
		}
		type stored struct {
			unit int64
			v    float64
		}
		byPeriod := map[string][]stored{}
		for rows.Next() {
			var p string
			var x stored
			if err := rows.Scan(&p, &x.unit, &x.v); err != nil {
				rows.Close()
				return nil, err
			}
			if t.Covers(unit, x.unit) && t.InScope(x.unit) {
				byPeriod[p] = append(byPeriod[p], x)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for key, vals := range byPeriod {
			p, err := ParsePeriod(key)
			if err != nil || p.Type != ind.PeriodType {
				continue
			}
			units := make([]int64, len(vals))
			for i, x := range vals {
				units[i] = x.unit
			}
			figs, _, err := s.Values(ctx, cp.Code, p, units, AsItWas, BasisAll, s.org.Today())
			if err != nil {
				return nil, err
			}
			for _, x := range vals {
				df := Difference{Indicator: ind, Counterpart: cp, UnitID: x.unit, Period: p, Reported: x.v}
				if f, ok := figs[x.unit]; ok && f.Has() {
					m := f.V()
					df.Measured = &m
				}
				df.judge(tol)
				if k, ok := approvedAt[at{cp.ID, x.unit, key}]; ok {
					df.AtApproval, df.MeasuredChanged = k.old, !sameMeasure(k.old, df.Measured)
				}
				if df.Measured != nil && df.Diff != 0 || df.MeasuredChanged {
					all = append(all, df)
				}
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		switch {
		case a.Beyond != b.Beyond:
			return a.Beyond
		case a.MeasuredChanged != b.MeasuredChanged:
			return a.MeasuredChanged
		case a.Period.Key() != b.Period.Key():
			return a.Period.Key() > b.Period.Key() // the latest first
		case math.Abs(a.Diff) != math.Abs(b.Diff):
			return math.Abs(a.Diff) > math.Abs(b.Diff)
		}
		return a.UnitID < b.UnitID
	})
	out.Total = len(all)
	if offset > len(all) {
		offset = len(all)
	}
	end := len(all)
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	page := all[offset:end]
	snap := t.Snapshot
	for i := range page {
		if v := snap.At(page[i].UnitID, page[i].Period.End()); v != nil {
			page[i].UnitName = v.Name
		} else if v := snap.Latest(page[i].UnitID); v != nil {
			page[i].UnitName = v.Name
		}
		// the report that holds it
		err := s.db.QueryRowContext(ctx, `SELECT s.id, s.form_id, s.status FROM submissions s JOIN report_form_items i ON i.form_id = s.form_id
			WHERE i.indicator_id = $1 AND s.unit_id = $2 AND s.period = $3`, page[i].Indicator.ID, page[i].UnitID, page[i].Period.Key()).
			Scan(&page[i].SubmissionID, &page[i].FormID, &page[i].Status)
		if err != nil && !db.IsNoRows(err) {
			return nil, err
		}
	}
	out.Items = append(out.Items, page...)
	return out, nil
}

// ExportDiscrepancies writes a list of differences as a workbook, headed
// in the reader's language (t gives a catalogue key's words).
func ExportDiscrepancies(l *DiscrepancyList, lang string, t func(key string) string, w io.Writer) error {
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	cols := []sheet.Column{{Header: t("indicator.unit"), Width: 36}, {Header: t("indicator.period"), Width: 12},
		{Header: t("indicator.indicator"), Width: 44}, {Header: t("reconcile.reported"), Width: 14}, {Header: t("reconcile.measured"), Width: 14},
		{Header: t("reconcile.diff"), Width: 12}, {Header: t("reconcile.share"), Width: 12}, {Header: t("reconcile.beyond"), Width: 14},
		{Header: t("reconcile.status"), Width: 20}, {Header: t("reconcile.at_approval"), Width: 16}, {Header: t("reconcile.changed"), Width: 30}}
	sh, err := wb.AddSheet(strconv.Itoa(l.Year), cols, 0)
	if err != nil {
		return err
	}
	for _, d := range l.Items {
		var measured any
		if d.Measured != nil {
			measured = *d.Measured
		}
		var atApproval any
		if d.AtApproval != nil {
			atApproval = *d.AtApproval
		}
		beyond, status, changed := "", "", ""
		if d.MeasuredChanged {
			changed = t("reconcile.changed")
		}
		if d.Beyond {
			beyond = t("reconcile.beyond")
		}
		if d.Status != "" {
			status = t("rstatus." + string(d.Status))
		}
		if err := sh.Append(d.UnitName, d.Period.Label(lang), d.Indicator.Name(lang), d.Reported, measured, d.Diff, math.Round(d.Share*1000)/10,
			beyond, status, atApproval, changed); err != nil {
			return err
		}
	}
	return wb.Write(w)
}
