package people

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The measured rates of Decision 1690's targets (issue 9): for each shipped
// target (1690-FOCAL-DEPT), REG_1690_FOCAL_DEPT_UNITS counts the units it
// applies to and REG_1690_FOCAL_DEPT_FAILING those failing it, each unit
// judged by judgeTargets — the compliance page's own judgement, with the
// target as the administrator set it — so that the rate the indicator
// service makes of them for a scope (its subtree's sums) is the rate the
// compliance page shows there. A target no longer active counts nothing.

// rate1690 is one measured part of a target's rate.
type rate1690 struct {
	target  string // the target's code, 1690-FOCAL-DEPT
	failing bool   // the failing units, else every unit it applies to
}

// rates1690 are the measured parts by indicator code.
var rates1690 = func() map[string]rate1690 {
	out := map[string]rate1690{}
	for _, t := range Decision1690 {
		c := "REG_" + strings.ReplaceAll(t.Code, "-", "_")
		out[c+"_UNITS"] = rate1690{target: t.Code}
		out[c+"_FAILING"] = rate1690{target: t.Code, failing: true}
	}
	return out
}()

// judgedDay is the whole country judged against every active target on a
// day, by target code.
type judgedDay map[string][]Judgement

// judged judges the country on d, or returns the judgement held if
// neither the people data nor the tree changed since.
func (m *measurer) judged(ctx context.Context, d day.Day) (judgedDay, *org.Snapshot, error) {
	gen, err := m.s.db.Generation(ctx, Generation)
	if err != nil {
		return nil, nil, err
	}
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	m.mu.Lock()
	if m.jgen != [2]int64{gen, snap.Generation} || len(m.judgedDays) >= countDays {
		m.jgen, m.judgedDays = [2]int64{gen, snap.Generation}, map[day.Day]judgedDay{}
	}
	j := m.judgedDays[d]
	m.mu.Unlock()
	if j != nil {
		return j, snap, nil
	}
	targets, err := m.s.Targets(ctx)
	if err != nil {
		return nil, nil, err
	}
	all, err := m.s.judgeTargets(ctx, snap, snap.RootID, d, targets, m.facts)
	if err != nil {
		return nil, nil, err
	}
	j = judgedDay{}
	for i, t := range targets {
		j[t.Code] = all[i]
	}
	m.mu.Lock()
	if m.jgen == [2]int64{gen, snap.Generation} {
		m.judgedDays[d] = j
	}
	m.mu.Unlock()
	return j, snap, nil
}

// facts are the nation's facts on d from the register kept (brought up to
// the people generation from the change feed), as loadFacts reads them
// from the database; a part of the country's are read from the database.
func (m *measurer) facts(ctx context.Context, rs []*org.Version, d day.Day) (*facts, error) {
	if len(rs) != 1 || rs[0].Level != org.LevelNation {
		return m.s.loadFacts(ctx, rs, d)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fresh(ctx); err != nil {
		return nil, err
	}
	return m.reg.facts(d), nil
}

func (m *measurer) measure1690(ctx context.Context, r rate1690, w indicator.Window) (map[int64]float64, error) {
	j, _, err := m.judged(ctx, w.To)
	if err != nil {
		return nil, fmt.Errorf("1690 measure: %w", err)
	}
	out := map[int64]float64{}
	for _, u := range j[r.target] {
		if !r.failing || !u.OK {
			out[u.Unit.UnitID]++
		}
	}
	return out, nil
}

func (m *measurer) records1690(ctx context.Context, r rate1690, w indicator.Window, in func(int64) bool, limit int) ([]indicator.Record, int, error) {
	j, snap, err := m.judged(ctx, w.To)
	if err != nil {
		return nil, 0, fmt.Errorf("1690 records: %w", err)
	}
	var all []indicator.Record
	for _, u := range j[r.target] {
		if r.failing && u.OK || !in(u.Unit.UnitID) {
			continue
		}
		// the unit, whether it meets the target (records are shown as
		// they are, in the register's language)
		label := u.Unit.Name + " — đạt"
		if !u.OK {
			label = u.Unit.Name + " — chưa đạt"
		}
		parent := ""
		if p := snap.At(u.Unit.ParentID, w.To); p != nil {
			parent = p.Name
		}
		all = append(all, indicator.Record{Kind: "unit", ID: u.Unit.UnitID, Label: label, UnitName: parent,
			URL: fmt.Sprintf("/units/%d/apparatus", u.Unit.UnitID)})
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].UnitName < all[b].UnitName })
	total := len(all)
	if len(all) > limit {
		all = all[:limit]
	}
	return all, total, nil
}
