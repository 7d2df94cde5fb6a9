package people

import (
	"context"
	"fmt"
	"slices"
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
// day, kept with what it was judged from so that a change of the register
// judges again only the units it touched.
type judgedDay struct {
	d       day.Day
	targets []Target
	// byTarget are the judgements by target code, in the tree's order; a
	// patch replaces the map and the lists it changes (copy on write: a
	// request may be reading them)
	byTarget map[string][]Judgement
	// dedicated are the dedicated positions per unit on the day and on the
	// headcount targets' baseline dates: all that is kept of the facts (a
	// day's whole facts are ≈ 6 MB nationally), since judging a unit again
	// reads only its own facts, but a headcount its subtree's positions
	dedicated map[day.Day]map[int64]int
	pos       map[TargetLevel]map[int64]int // unit → its place in its level's lists
	// baseAt are, for each headcount target (by index), the places of the
	// units whose baseline subtrees start at a unit (their Roots on the
	// baseline date)
	baseAt map[int]map[int64][]int
	// dirty are the units the register changed since, judged again when
	// next asked for
	dirty map[int64]bool
}

// above are a unit and the units above it on d.
func above(snap *org.Snapshot, unit int64, d day.Day) []int64 {
	var out []int64
	for v := snap.At(unit, d); v != nil && len(out) < 64; v = snap.At(v.ParentID, d) {
		out = append(out, v.UnitID)
		if v.ParentID == 0 {
			break
		}
	}
	return out
}

// judged judges the country on d, or returns the judgement held, judged
// again for the units the register changed since (the whole country again
// if the tree or a target changed).
func (m *measurer) judged(ctx context.Context, d day.Day) (map[string][]Judgement, *org.Snapshot, error) {
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.fresh(ctx); err != nil {
		return nil, nil, err
	}
	if m.jtree != snap.Generation || len(m.judgedDays) >= countDays && m.judgedDays[d] == nil {
		m.jtree, m.judgedDays = snap.Generation, map[day.Day]*judgedDay{}
	}
	j := m.judgedDays[d]
	if j == nil {
		targets, err := m.s.Targets(ctx)
		if err != nil {
			return nil, nil, err
		}
		j = m.judge(snap, d, targets)
		m.judgedDays[d] = j
	} else if len(j.dirty) > 0 {
		j.patch(m.reg, snap)
	}
	return j.byTarget, snap, nil
}

// judge judges the whole country on d from the register (m.mu held), as
// judgeTargets does from the database for the compliance page.
func (m *measurer) judge(snap *org.Snapshot, d day.Day, targets []Target) *judgedDay {
	f := m.reg.facts(d)
	at := map[day.Day]*facts{d: f}
	j := &judgedDay{d: d, targets: targets, byTarget: map[string][]Judgement{}, dedicated: map[day.Day]map[int64]int{d: f.dedicated},
		pos: map[TargetLevel]map[int64]int{}, baseAt: map[int]map[int64][]int{}}
	byLevel := map[TargetLevel][]*org.Version{}
	for _, r := range snap.Roots(snap.RootID, d) {
		snap.Walk(r.UnitID, d, func(v *org.Version) bool {
			if l := levelOf(snap, v, d); l != "" {
				if j.pos[l] == nil {
					j.pos[l] = map[int64]int{}
				}
				j.pos[l][v.UnitID] = len(byLevel[l])
				byLevel[l] = append(byLevel[l], v)
			}
			return true
		})
	}
	for i := range targets {
		tg := &targets[i]
		if tg.Rule == RuleNoIncrease && !tg.Baseline.IsZero() {
			if at[tg.Baseline] == nil {
				at[tg.Baseline] = m.reg.facts(tg.Baseline)
				j.dedicated[tg.Baseline] = at[tg.Baseline].dedicated
			}
			roots := map[int64][]int{}
			for p, v := range byLevel[tg.Level] {
				for _, r := range snap.Roots(v.UnitID, tg.Baseline) {
					roots[r.UnitID] = append(roots[r.UnitID], p)
				}
			}
			j.baseAt[i] = roots
		}
		js := make([]Judgement, 0, len(byLevel[tg.Level]))
		for _, v := range byLevel[tg.Level] {
			js = append(js, j.judgeUnit(snap, tg, v, at))
		}
		j.byTarget[tg.Code] = js
	}
	return j
}

// judgeUnit applies a target to one unit, as judgeTargets does.
// The facts are by date: the day's, and the baseline dates'.
func (j *judgedDay) judgeUnit(snap *org.Snapshot, tg *Target, v *org.Version, at map[day.Day]*facts) Judgement {
	var headcount [2]int
	if tg.Rule == RuleNoIncrease && !tg.Baseline.IsZero() {
		headcount = [2]int{dedicatedUnder(snap, at[j.d], []*org.Version{v}, j.d), dedicatedUnder(snap, at[tg.Baseline], snap.Roots(v.UnitID, tg.Baseline), tg.Baseline)}
	}
	ok, why := judge(tg, at[j.d], headcount, v.UnitID)
	return Judgement{Unit: v, OK: ok, Why: why}
}

// patch judges again the units changed: their facts are read again from
// the register, and each target's judgement of them made again — for a
// headcount target, which sums a unit's subtree, the judgement of the
// units above them, on the day and on the baseline date.
func (j *judgedDay) patch(reg *register, snap *org.Snapshot) {
	units := keys(j.dirty)
	j.dirty = nil
	// the changed units' facts, with every unit's dedicated positions
	at := map[day.Day]*facts{}
	for d, ded := range j.dedicated {
		f := newFacts()
		f.dedicated = ded
		reg.patchFacts(f, d, units)
		at[d] = f
	}
	by := make(map[string][]Judgement, len(j.byTarget))
	for i := range j.targets {
		tg := &j.targets[i]
		old := j.byTarget[tg.Code]
		seen := map[int]bool{}
		var changed []int
		mark := func(p int) {
			if !seen[p] {
				seen[p] = true
				changed = append(changed, p)
			}
		}
		for _, u := range units {
			if tg.Rule != RuleNoIncrease {
				if p, ok := j.pos[tg.Level][u]; ok {
					mark(p)
				}
				continue
			}
			for _, a := range above(snap, u, j.d) {
				if p, ok := j.pos[tg.Level][a]; ok {
					mark(p)
				}
			}
			if !tg.Baseline.IsZero() {
				for _, a := range above(snap, u, tg.Baseline) {
					for _, p := range j.baseAt[i][a] {
						mark(p)
					}
				}
			}
		}
		if len(changed) == 0 {
			by[tg.Code] = old
			continue
		}
		n := slices.Clone(old)
		for _, p := range changed {
			n[p] = j.judgeUnit(snap, tg, old[p].Unit, at)
		}
		by[tg.Code] = n
	}
	j.byTarget = by
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
