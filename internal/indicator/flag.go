package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/day"
)

// Flag after approval (issue 9, "bad input"): a register change dated in
// the past changes the measured figures of past periods, so an approved
// report may have shown figures that are no longer the registers'. When a
// report is approved, the measured figures it showed are kept
// (submission_measures); at each request that shows the report, the kept
// value is set beside the one computed now, and a report whose figure
// moved is flagged "Số liệu đo đã thay đổi sau khi duyệt" with both. The
// comparison costs one measured computation per indicator of the page,
// never a scan of every report.

// MeasuredChange is one measured figure of an approved report that is no
// longer what it was when the report was approved.
type MeasuredChange struct {
	Indicator *Indicator `json:"indicator"`
	// Old is the figure the report showed when approved, New the one the
	// registers give now; either is absent when there was, or is, none.
	Old *float64 `json:"old,omitempty"`
	New *float64 `json:"new,omitempty"`
}

// shownMeasures are the measured indicators a report of f shows: its
// measured items and the counterparts of its reported ones, once each.
func shownMeasures(d *defSet, f *Form) []*Indicator {
	var out []*Indicator
	seen := map[int64]bool{}
	for _, it := range f.Items {
		ind := it
		if !it.IsMeasured() {
			ind = d.code(it.Counterpart)
			if it.Counterpart == "" || ind == nil || !ind.IsMeasured() {
				continue
			}
		}
		if !seen[ind.ID] {
			seen[ind.ID] = true
			out = append(out, ind)
		}
	}
	return out
}

// measuredOf computes a measured indicator for units in a period now, as a
// report's page shows it (each unit's subtree on the period's last day).
func (s *Service) measuredOf(ctx context.Context, ind *Indicator, p Period, units []int64) (map[int64]*float64, error) {
	figs, _, err := s.Values(ctx, ind.Code, p, units, AsItWas, BasisAll, day.Day{})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*float64, len(units))
	for _, u := range units {
		if f, ok := figs[u]; ok && f.Has() {
			v := f.V()
			out[u] = &v
		} else {
			out[u] = nil
		}
	}
	return out, nil
}

// measuresShown computes what a report of f for unit and p shows of the
// registers now, to keep at its approval.
func (s *Service) measuresShown(ctx context.Context, f *Form, unit int64, p Period) (map[int64]*float64, error) {
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]*float64{}
	for _, ind := range shownMeasures(d, f) {
		m, err := s.measuredOf(ctx, ind, p, []int64{unit})
		if err != nil {
			return nil, err
		}
		out[ind.ID] = m[unit]
	}
	return out, nil
}

// keepMeasures replaces what an approved report showed (nil shown: the
// report is no longer approved, nothing is kept).
func keepMeasures(ctx context.Context, tx *sql.Tx, sub int64, shown map[int64]*float64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM submission_measures WHERE submission_id = $1`, sub); err != nil {
		return fmt.Errorf("measured at approval: %w", err)
	}
	for ind, v := range shown {
		if _, err := tx.ExecContext(ctx, `INSERT INTO submission_measures (submission_id, indicator_id, value) VALUES ($1, $2, $3)`,
			sub, ind, nullFloat(v)); err != nil {
			return fmt.Errorf("measured at approval: %w", err)
		}
	}
	return nil
}

// sameMeasure: two figures are the same when both are absent or equal (to
// a rate's rounding noise).
func sameMeasure(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-9*math.Max(1, math.Abs(*a))
}

// measureKey is a figure as text, for remembering which change was told.
func measureKey(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'g', -1, 64)
}

// kept is one row of submission_measures with its report.
type kept struct {
	sub, unit, ind int64
	period         string
	old            *float64
	noticed        string
}

// keptWhere reads the kept figures of approved reports matching where.
func (s *Service) keptWhere(ctx context.Context, where string, args ...any) ([]kept, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.submission_id, s.unit_id, m.indicator_id, s.period, m.value, m.noticed
		FROM submission_measures m JOIN submissions s ON s.id = m.submission_id
		WHERE s.status = 'approved' AND `+where+` ORDER BY m.submission_id, m.indicator_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kept
	for rows.Next() {
		var k kept
		var v sql.NullFloat64
		if err := rows.Scan(&k.sub, &k.unit, &k.ind, &k.period, &v, &k.noticed); err != nil {
			return nil, err
		}
		if v.Valid {
			k.old = &v.Float64
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// changed compares kept figures with the registers now: by report, the
// figures that moved. One measured computation per indicator and period,
// over all the units that need it.
func (s *Service) changed(ctx context.Context, ks []kept) (map[int64][]MeasuredChange, error) {
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	type cell struct {
		ind    int64
		period string
	}
	units := map[cell][]int64{}
	for _, k := range ks {
		c := cell{k.ind, k.period}
		units[c] = append(units[c], k.unit)
	}
	now := map[cell]map[int64]*float64{}
	for c, us := range units {
		ind := d.byID[c.ind]
		p, err := ParsePeriod(c.period)
		if ind == nil || err != nil {
			continue
		}
		if now[c], err = s.measuredOf(ctx, ind, p, us); err != nil {
			return nil, err
		}
	}
	out := map[int64][]MeasuredChange{}
	for _, k := range ks {
		vals, ok := now[cell{k.ind, k.period}]
		if !ok {
			continue
		}
		if nv := vals[k.unit]; !sameMeasure(k.old, nv) {
			out[k.sub] = append(out[k.sub], MeasuredChange{Indicator: d.byID[k.ind], Old: k.old, New: nv})
		}
	}
	for _, cs := range out {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].Indicator.ID < cs[j].Indicator.ID })
	}
	return out, nil
}

// measuredChanges is what moved in one approved report since approval
// (nothing for a report not approved).
func (s *Service) measuredChanges(ctx context.Context, sub *Submission) ([]MeasuredChange, error) {
	if sub == nil || sub.Status != Approved {
		return nil, nil
	}
	ks, err := s.keptWhere(ctx, `m.submission_id = $1`, sub.ID)
	if err != nil || len(ks) == 0 {
		return nil, err
	}
	ch, err := s.changed(ctx, ks)
	if err != nil {
		return nil, err
	}
	return ch[sub.ID], nil
}

// changedReports are the approved reports of a form and period whose
// measured figures moved since approval, by submission id.
func (s *Service) changedReports(ctx context.Context, form int64, p Period) (map[int64][]MeasuredChange, error) {
	ks, err := s.keptWhere(ctx, `s.form_id = $1 AND s.period = $2`, form, p.Key())
	if err != nil || len(ks) == 0 {
		return nil, err
	}
	return s.changed(ctx, ks)
}
