package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Completeness of figures. Every figure says how many of the units that
// had to report it it counts: the units the active report forms that
// collect the indicator expect for the period within the figure's subtree
// (Form.Expected's rule), and of those, the ones whose value counts on the
// figure's basis. Over a longer period made of several (a year of a
// monthly indicator) each unit's period counts once, so a year with one
// month missing in one commune is 1.619/1.620. A formula takes the
// completeness of its least complete part. An indicator no form collects
// (pushed from another system, or computed from the registers) has no
// expected units, and its figures make no claim either way.
//
// A figure below the threshold — a setting the administrator changes, 90 %
// unless set — is incomplete: pages grey it and say so, charts draw it
// hollow on a dashed line, rankings over it say they are partial.

// DefaultThreshold is the completeness below which a figure is marked
// incomplete until an administrator sets another.
const DefaultThreshold = 0.9

// thresholdKey is the settings row of the threshold.
const thresholdKey = "indicator.completeness_threshold"

// Share is the share of the expected units a figure counts, 1 when none
// were expected (nothing to be missing).
func (f Figure) Share() float64 {
	if f.Expected == 0 {
		return 1
	}
	return float64(f.Reported) / float64(f.Expected)
}

// Known reports whether the figure's completeness is known: some form
// expects units to report it.
func (f Figure) Known() bool { return f.Expected > 0 }

// withCompleteness stamps a figure with its counts, basis and whether it
// falls below the threshold.
func (c *calc) withCompleteness(f Figure, expected, reported int) Figure {
	f.Expected, f.Reported, f.Basis = expected, reported, c.basis
	f.Incomplete = expected > 0 && float64(reported) < c.threshold*float64(expected)-1e-9
	return f
}

// leastComplete is the completeness of a formula at target i: that of its
// part with the smallest share among the parts some form collects.
func leastComplete(parts map[string][]Figure, i int) (expected, reported int) {
	share := 2.0
	for _, fs := range parts {
		if f := fs[i]; f.Expected > 0 && f.Share() < share {
			share, expected, reported = f.Share(), f.Expected, f.Reported
		}
	}
	return expected, reported
}

// counted reports whether unit's value in cl counts on the calc's basis.
func (c *calc) counted(cl *cell, unit int64) bool {
	if cl == nil {
		return false
	}
	i, ok := cl.find(unit)
	return ok && cl.st[i] >= c.min
}

// land calls at for each position of lay where a unit's values count: its
// own, or, for a unit not in that tree, where its values go (carried into
// its successors when restated, its nearest ancestor as it was).
func (c *calc) land(lay *layout, unit int64, at func(pos int32)) {
	if p := lay.at(unit); p >= 0 {
		at(p)
		return
	}
	if c.mode == Restated {
		for _, d := range lay.carryTo(c.snap, unit) {
			at(d.pos)
		}
		return
	}
	if p := lay.liftTo(c.snap, unit); p >= 0 {
		at(p)
	}
}

// completeness counts, at targets (a node, then its children in ascending
// positions), the expected unit-periods of ind within p and those counted.
// A unit carried into several children counts once in each, and once in
// the node.
func (c *calc) completeness(ind *Indicator, p Period, lay *layout, targets []int32) (expected, reported []int) {
	expected, reported = make([]int, len(targets)), make([]int, len(targets))
	if len(targets) == 0 {
		return
	}
	node, kids := targets[0], targets[1:]
	lo, hi := node, lay.end[node]
	var seen []int // the targets the unit at hand already counted in
	var got bool
	count := func(t int) {
		if once(&seen, t) {
			expected[t]++
			if got {
				reported[t]++
			}
		}
	}
	place := func(pos int32) {
		if pos < lo || pos >= hi {
			return
		}
		count(0)
		if pos == node || len(kids) == 0 {
			return
		}
		if j := sort.Search(len(kids), func(i int) bool { return kids[i] > pos }) - 1; j >= 0 && pos < lay.end[kids[j]] {
			count(1 + j)
		}
	}
	for _, q := range p.Within(ind.PeriodType) {
		units, held := c.expectedList(ind, q)
		if len(units) == 0 {
			continue
		}
		cl := c.cells[cellKey{ind.ID, q.Key()}]
		one := func(u int64) {
			// whether the unit reported is looked up (a binary search of
			// the cell) only when it lands under the node: a province's
			// dashboard goes through the whole country's expected units,
			// most of them elsewhere (the lookups were half of a national
			// dashboard's CPU)
			seen = seen[:0]
			looked := false
			c.land(lay, u, func(pos int32) {
				if pos < lo || pos >= hi {
					return
				}
				if !looked {
					got, looked = c.counted(cl, u), true
				}
				place(pos)
			})
		}
		if held {
			// and only those that may land under it (under.go)
			if ix, ok := c.eng.under(lay, units, lo, hi); ok {
				for _, i := range ix {
					one(units[i])
				}
				continue
			}
		}
		for _, u := range units {
			one(u)
		}
	}
	return expected, reported
}

// once records t in seen and reports whether it was not there yet.
func once(seen *[]int, t int) bool {
	for _, s := range *seen {
		if s == t {
			return false
		}
	}
	*seen = append(*seen, t)
	return true
}

// completenessAt is completeness for figuresAt: each expected unit counts
// at every requested position on its way up to the root, once.
func (c *calc) completenessAt(ind *Indicator, p Period, lay *layout, at map[int32]int, n int) (expected, reported []int) {
	expected, reported = make([]int, n), make([]int, n)
	var seen []int
	var got bool
	count := func(i int) {
		if once(&seen, i) {
			expected[i]++
			if got {
				reported[i]++
			}
		}
	}
	var place func(pos int32)
	if len(at) > 16 {
		// many positions (a round's units): index them by position and
		// walk each placement up to the root
		index := make([]int32, len(lay.ids))
		for i := range index {
			index[i] = -1
		}
		for p, i := range at {
			index[p] = int32(i)
		}
		place = func(pos int32) {
			for ; pos >= 0; pos = lay.parent[pos] {
				if i := index[pos]; i >= 0 {
					count(int(i))
				}
			}
		}
	} else {
		// a few positions (an assessment's unit): test each one's subtree
		// range rather than look every ancestor up
		type span struct {
			lo, hi int32
			i      int
		}
		spans := make([]span, 0, len(at))
		for p, i := range at {
			spans = append(spans, span{p, lay.end[p], i})
		}
		place = func(pos int32) {
			for _, s := range spans {
				if pos >= s.lo && pos < s.hi {
					count(s.i)
				}
			}
		}
	}
	for _, q := range p.Within(ind.PeriodType) {
		units := c.expectedUnits(ind, q)
		if len(units) == 0 {
			continue
		}
		cl := c.cells[cellKey{ind.ID, q.Key()}]
		for _, u := range units {
			got, seen = c.counted(cl, u), seen[:0]
			c.land(lay, u, place)
		}
	}
	return expected, reported
}

// expectedUnits are the units, sorted by id, that the active forms
// collecting ind expect to report it for q.
func (c *calc) expectedUnits(ind *Indicator, q Period) []int64 {
	units, _ := c.expectedList(ind, q)
	return units
}

// expectedList is expectedUnits, and whether the list is the engine's own
// (one form's, kept in its expectations: never changed), which it may
// index (under.go). Read only.
func (c *calc) expectedList(ind *Indicator, q Period) ([]int64, bool) {
	if ind.IsMeasured() { // nobody is expected to report what the registers hold
		return nil, false
	}
	k := cellKey{ind.ID, q.Key()}
	if got, ok := c.expected[k]; ok {
		return got, c.expHeld[k]
	}
	var lists [][]int64
	for _, f := range c.forms {
		if f.Active && f.PeriodType == ind.PeriodType && f.has(ind.ID) {
			lists = append(lists, c.eng.expectedIDs(c.snap, c.defs.gen, f, q))
		}
	}
	var out []int64
	switch len(lists) {
	case 0:
	case 1:
		out = lists[0]
		c.expHeld[k] = true
	default: // two forms may expect the same unit
		for _, l := range lists {
			out = append(out, l...)
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		w := 0
		for i, u := range out {
			if i == 0 || u != out[w-1] {
				out[w] = u
				w++
			}
		}
		out = out[:w]
	}
	c.expected[k] = out
	return out, c.expHeld[k]
}

// expectations caches, per tree and form set, the units each form expects
// for each period: walking a province's subtree for every figure of a
// dashboard would cost more than the figures.
type expectations struct {
	mu   sync.Mutex
	snap *org.Snapshot
	gen  int64
	m    map[expKey]expected
}

// expected is who a form expects for a period: in tree order (Complete's
// list) and their ids sorted (the figures' completeness).
type expected struct {
	vs  []*org.Version
	ids []int64
}

type expKey struct {
	form   int64
	period string
}

// maxExpectations bounds the cache (forms × periods; a province has a
// handful of forms, so this is decades of them; a national form's entry
// is ≈ 16 bytes a unit expected, 60 KB for every commune).
const maxExpectations = 20_000

// expectedIDs are the units form f expects for q, sorted by id.
func (e *engine) expectedIDs(snap *org.Snapshot, gen int64, f *Form, q Period) []int64 {
	return e.expectedBy(snap, gen, f, q).ids
}

// expectedBy is who form f expects for q, kept for the tree and the
// definitions' generation gen (a national form walks the country's
// 79,000 units: most of a coordinator's home, made for each form at each
// request before it was kept here).
func (e *engine) expectedBy(snap *org.Snapshot, gen int64, f *Form, q Period) expected {
	x := &e.exp
	x.mu.Lock()
	if x.snap != snap || x.gen != gen || len(x.m) > maxExpectations {
		x.snap, x.gen, x.m = snap, gen, map[expKey]expected{}
	}
	k := expKey{f.ID, q.Key()}
	if got, ok := x.m[k]; ok {
		x.mu.Unlock()
		return got
	}
	x.mu.Unlock()
	vs := expectedOf(snap, e.layoutAt(snap, q.End()), f, q)
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.UnitID
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	x.mu.Lock()
	if x.snap == snap && x.gen == gen {
		x.m[k] = expected{vs, ids}
	}
	x.mu.Unlock()
	return expected{vs, ids}
}

// formSet caches the forms with the definitions' generation (every change
// to a form moves it).
type formSet struct {
	mu    sync.Mutex
	gen   int64
	forms []*Form
}

// activeForms returns every form, reloaded when the definitions moved.
func (s *Service) allForms(ctx context.Context, d *defSet) ([]*Form, error) {
	s.formCache.mu.Lock()
	defer s.formCache.mu.Unlock()
	if s.formCache.forms != nil && s.formCache.gen == d.gen {
		return s.formCache.forms, nil
	}
	fs, err := s.forms(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []*Form{}
	}
	s.formCache.gen, s.formCache.forms = d.gen, fs
	return fs, nil
}

// readThreshold reads the threshold setting, the default when unset.
func readThreshold(ctx context.Context, q db.Querier) (float64, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, thresholdKey).Scan(&v)
	if db.IsNoRows(err) {
		return DefaultThreshold, nil
	}
	if err != nil {
		return 0, fmt.Errorf("completeness threshold: %w", err)
	}
	t, err := strconv.ParseFloat(v, 64)
	if err != nil || t < 0 || t > 1 {
		return DefaultThreshold, nil
	}
	return t, nil
}

// Threshold is the share of expected units below which a figure is
// incomplete.
func (s *Service) Threshold(ctx context.Context) (float64, error) {
	d, err := s.definitions(ctx)
	if err != nil {
		return 0, err
	}
	return d.threshold, nil
}

// SetThreshold changes the completeness threshold (a share, 0.5 to 1).
// It applies to every scope, so only an administrator may change it.
func (s *Service) SetThreshold(ctx context.Context, actor *auth.Actor, t float64) error {
	if !actor.Can(auth.PermConfigure) {
		return errs.ForbiddenErr()
	}
	if t != t || t < MinThreshold || t > 1 {
		return errs.Invalidf("indicator.err.threshold", "Min", int(MinThreshold*100)).At(0, "threshold")
	}
	old, err := readThreshold(ctx, s.db)
	if err != nil {
		return err
	}
	value := strconv.FormatFloat(t, 'f', -1, 64)
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = $3, updated_by = $4`, thresholdKey, value, now, nullID(actor.UserID)); err != nil {
			return err
		}
		if _, err := bump(ctx, tx, 0, defsPeriod); err != nil { // figures are judged against it: reload with the definitions
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "setting.update", Entity: "setting", EntityID: thresholdKey,
			UnitID: actor.ScopeUnitID, Before: map[string]any{"value": old}, After: map[string]any{"value": t}})
	})
}

// MinThreshold is the lowest threshold an administrator may set: below
// half, a figure missing most of its units would pass as complete.
const MinThreshold = 0.5
