package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/notify"
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

// changedReports are the approved reports among the kept figures ks (a
// form and period's in a scope) whose measured figures moved since
// approval, by submission id.
func (s *Service) changedReports(ctx context.Context, ks []kept) (map[int64][]MeasuredChange, error) {
	if len(ks) == 0 {
		return nil, nil
	}
	return s.changed(ctx, ks)
}

// CheckMeasuredChanges tells the author and the reviewers of each approved
// report whose measured figures moved since approval, once per change (a
// notice "measured_changed"), and returns how many reports it told of.
//
// Why a periodic check and not the register's write: the registers
// (teams, people, committees, tasks) are written by their own features in
// their own transactions, knowing nothing of the reports that showed their
// figures, and a past period's figure also moves with a reorganisation of
// the tree or a register import; finding the reports at every such write
// would make each write compute the measured figures of every report. A
// check run with the reminders (hourly by default, and by `mangluoi
// remind`) compares every kept figure in one pass, one measured
// computation per indicator and period, and remembers in
// submission_measures.noticed what it told, so a change is told once and a
// figure that moves again is told again. The pages never wait for it: they
// compare at each request.
func (s *Service) CheckMeasuredChanges(ctx context.Context) (int, error) {
	ks, err := s.keptWhere(ctx, `1 = 1`)
	if err != nil || len(ks) == 0 {
		return 0, err
	}
	changes, err := s.changed(ctx, ks)
	if err != nil {
		return 0, err
	}
	// by report: the rows whose told value is no longer right
	type row struct {
		ind  int64
		told string
	}
	stale := map[int64][]row{}
	fresh := map[int64]bool{} // reports with a change not yet told
	for _, k := range ks {
		told := ""
		for _, c := range changes[k.sub] {
			if c.Indicator.ID == k.ind {
				told = measureKey(c.New)
			}
		}
		if told != k.noticed {
			stale[k.sub] = append(stale[k.sub], row{k.ind, told})
			if told != "" {
				fresh[k.sub] = true
			}
		}
	}
	if len(stale) == 0 {
		return 0, nil
	}
	forms, err := s.forms(ctx, s.db)
	if err != nil {
		return 0, err
	}
	byID := map[int64]*Form{}
	for _, f := range forms {
		byID[f.ID] = f
	}
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now().UTC()
	told := 0
	for id, rows := range stale {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			if err := movedReports(ctx, tx); err != nil {
				return err
			}
			for _, r := range rows {
				if _, err := tx.ExecContext(ctx, `UPDATE submission_measures SET noticed = $1 WHERE submission_id = $2 AND indicator_id = $3`,
					r.told, id, r.ind); err != nil {
					return err
				}
			}
			if !fresh[id] {
				return nil
			}
			sub, err := scanSubmission(tx.QueryRowContext(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1`, id))
			if err != nil {
				return err
			}
			f := byID[sub.FormID]
			if f == nil {
				return nil
			}
			n := reportNotice(snap, f, sub)
			n.Kind = notify.MeasuredChanged
			var vi, en, key []string
			for _, c := range changes[id] {
				vi, en = append(vi, c.Indicator.Name("vi")), append(en, c.Indicator.Name("en"))
				key = append(key, fmt.Sprintf("%d=%s", c.Indicator.ID, measureKey(c.New)))
			}
			n.SubjectVI += " · " + strings.Join(vi, ", ")
			n.SubjectEN += " · " + strings.Join(en, ", ")
			n.Key = fmt.Sprintf("measured-changed:%d:%s", id, strings.Join(key, ","))
			// the author (the unit's focal persons when nobody submitted it
			// by name) and the reviewers who may approve it
			var users []int64
			if sub.SubmittedBy != 0 {
				users = []int64{sub.SubmittedBy}
			} else if users, err = notify.UsersOf(ctx, tx, sub.UnitID, auth.RoleFocal); err != nil {
				return err
			}
			reviewers, err := notify.Reviewers(ctx, tx, snap, sub.UnitID)
			if err != nil {
				return err
			}
			users = append(users, reviewers...)
			if sub.ReviewedBy != 0 && !slices.Contains(users, sub.ReviewedBy) {
				users = append(users, sub.ReviewedBy)
			}
			told++
			return notify.To(ctx, tx, now, users, n)
		})
		if err != nil {
			return told, fmt.Errorf("measured changes: %w", err)
		}
	}
	return told, nil
}

// WatchMeasured runs CheckMeasuredChanges every so often until ctx ends.
func (s *Service) WatchMeasured(ctx context.Context, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.CheckMeasuredChanges(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Error("measured changes", "err", err)
		} else if n > 0 {
			log.Debug("measured changes", "reports", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
