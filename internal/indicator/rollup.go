package indicator

import (
	"context"
	"sort"
	"sync/atomic"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Mode is how history across a restructuring is shown.
type Mode string

// The modes.
const (
	// AsItWas computes each period over the tree of that period.
	AsItWas Mode = "asis"
	// Restated carries old units' figures into today's units (the tree of
	// the as-of date) through the lineage, with the shares of Weights.
	Restated Mode = "restated"
)

// ParseMode reads a mode, as it was by default.
func ParseMode(s string) Mode {
	if Mode(s) == Restated {
		return Restated
	}
	return AsItWas
}

// agg accumulates weighted values. n counts source units: a unit whose
// value reaches the same target by several paths (a split commune whose
// successors are both inside it, restated) is one unit there.
type agg struct {
	n        int
	w, sum   float64
	yes      float64
	min, max float64
	at       int64
	last     float64
}

// add adds one unit's value with weight w; again is true when that unit
// already reached this target by another path.
func (a *agg) add(v, w float64, at int64, again bool) {
	if a.n == 0 || v < a.min {
		a.min = v
	}
	if a.n == 0 || v > a.max {
		a.max = v
	}
	if a.n == 0 || at >= a.at {
		a.at, a.last = at, v
	}
	if !again {
		a.n++
	}
	a.w += w
	a.sum += v * w
	if v == 1 {
		a.yes += w
	}
}

func (a *agg) result(k Aggregation) (float64, bool) {
	if a.n == 0 {
		return 0, false
	}
	switch k {
	case Sum:
		return a.sum, true
	case Average:
		if a.w == 0 {
			return 0, false
		}
		return a.sum / a.w, true
	case Min:
		return a.min, true
	case Max:
		return a.max, true
	case Latest:
		return a.last, true
	case CountYes:
		return a.yes, true
	case Count:
		return a.w, true
	}
	return 0, false
}

// Figure is a computed value: nil when there is none (no values, or a
// division by zero in a formula), with its completeness (see
// completeness.go).
type Figure struct {
	Value *float64 `json:"value,omitempty"` // absent when there is none
	Units int      `json:"units"`           // how many units' values it is made of
	// Expected is how many units the report forms expected to report it
	// (unit-periods over a longer period), 0 when no form collects it;
	// Reported how many of those it counts, on Basis.
	Expected int   `json:"expected"`
	Reported int   `json:"reported"`
	Basis    Basis `json:"basis,omitempty"`
	// Incomplete: Reported is below the completeness threshold of Expected.
	Incomplete bool `json:"incomplete"`
}

// Has reports whether the figure has a value.
func (f Figure) Has() bool { return f.Value != nil }

// V is the value, 0 when there is none.
func (f Figure) V() float64 {
	if f.Value == nil {
		return 0
	}
	return *f.Value
}

func figure(v float64, ok bool, n int) Figure {
	if !ok {
		return Figure{Units: n}
	}
	return Figure{Value: &v, Units: n}
}

// calc computes figures for one request: the definitions, the tree, the
// cells it needs (read once, up front).
type calc struct {
	snap  *org.Snapshot
	defs  *defSet
	cells map[cellKey]*cell
	min   uint8
	mode  Mode
	asOf  day.Day // the tree restated figures are carried into
	eng   *engine
	// completeness: the basis, the threshold, the forms that say who is
	// expected, and who is, per (indicator, period), for this request
	basis     Basis
	threshold float64
	forms     []*Form
	expected  map[cellKey][]int64
	expHeld   map[cellKey]bool // expected lists that are the engine's own (expectedList)
	// measured indicators: the (indicator, period) pairs asked for, and
	// their per-unit values read from the registers
	mwant    map[cellKey]Period
	measured map[cellKey]view
}

// need lists the cells a figure of ind for p needs: its own values, or
// its formula's parts', for p or the periods of its type inside p.
func (c *calc) need(ind *Indicator, p Period, keys map[cellKey]bool, latest map[int64]bool, depth int) {
	if depth > 16 {
		return
	}
	if f := ind.formula; ind.Computed() && f != nil {
		for _, code := range f.Codes() {
			if part := c.defs.code(code); part != nil {
				c.need(part, p, keys, latest, depth+1)
			}
		}
		return
	}
	if ind.IsMeasured() { // read from the registers for p itself, as at its end
		c.mwant[cellKey{ind.ID, p.Key()}] = p
		return
	}
	if ind.Aggregation == Latest {
		latest[ind.ID] = true
	}
	for _, q := range p.Within(ind.PeriodType) {
		keys[cellKey{ind.ID, q.Key()}] = true
	}
}

func (s *Service) newCalc(ctx context.Context, mode Mode, basis Basis, asOf day.Day, wants func(need func(*Indicator, Period))) (*calc, error) {
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defs, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	forms, err := s.allForms(ctx, defs)
	if err != nil {
		return nil, err
	}
	c := &calc{snap: snap, defs: defs, min: basis.min(), mode: mode, asOf: asOf, eng: s.eng,
		basis: basis, threshold: defs.threshold, forms: forms, expected: map[cellKey][]int64{}, expHeld: map[cellKey]bool{},
		mwant: map[cellKey]Period{}, measured: map[cellKey]view{}}
	keys, latest := map[cellKey]bool{}, map[int64]bool{}
	wants(func(ind *Indicator, p Period) { c.need(ind, p, keys, latest, 0) })
	list := make([]cellKey, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	if c.cells, err = s.eng.load(ctx, list, latest); err != nil {
		return nil, err
	}
	if err := s.loadMeasured(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// treeFor is the tree figures of period p are computed over.
func (c *calc) treeFor(p Period) *layout { return c.eng.layoutAt(c.snap, c.dateFor(p)) }

// dateFor is the date of that tree: the period's last day as it was, the
// as-of date restated. (A layout is shared by every date with the same
// tree, so its own date is only one of them.)
func (c *calc) dateFor(p Period) day.Day {
	if c.mode == Restated {
		return c.asOf
	}
	return p.End()
}

// view is one indicator's per-unit values for one period, under the basis.
type view struct {
	units []int64
	vals  []float64
	at    []int64
	// st and min, when st is set: only the units whose status is at
	// least min count (a cell read on a basis, without copying the
	// country's values for each figure)
	st  []uint8
	min uint8
	// held: units is a cell's own list (never changed), which the engine
	// may index (under)
	held bool
}

// skip says whether the i-th unit of the view does not count.
func (v *view) skip(i int) bool { return v.st != nil && v.st[i] < v.min }

// values gives ind's per-unit values for p: the stored cell, or for a
// longer period its periods combined per unit as the indicator says (a
// flow summed, a stock's last value).
func (c *calc) values(ind *Indicator, p Period) view {
	if ind.IsMeasured() {
		return c.measured[cellKey{ind.ID, p.Key()}]
	}
	parts := p.Within(ind.PeriodType)
	if len(parts) == 1 {
		cl := c.cells[cellKey{ind.ID, parts[0].Key()}]
		if cl == nil {
			return view{}
		}
		v := view{units: cl.units, vals: cl.vals, at: cl.at, held: true}
		if c.min > 0 {
			v.st, v.min = cl.st, c.min
		}
		return v
	}
	type acc struct {
		sum  float64
		n    int
		last float64
		at   int64
	}
	byUnit := map[int64]*acc{}
	var order []int64
	for _, q := range parts { // oldest first, so "last" is the latest period with a value
		cl := c.cells[cellKey{ind.ID, q.Key()}]
		if cl == nil {
			continue
		}
		for i, u := range cl.units {
			if cl.st[i] < c.min {
				continue
			}
			a := byUnit[u]
			if a == nil {
				a = &acc{}
				byUnit[u] = a
				order = append(order, u)
			}
			a.sum += cl.vals[i]
			a.n++
			a.last = cl.vals[i]
			if cl.at != nil && cl.at[i] > a.at {
				a.at = cl.at[i]
			}
		}
	}
	v := view{units: order, vals: make([]float64, len(order)), at: make([]int64, len(order))}
	for i, u := range order {
		a := byUnit[u]
		switch ind.OverTime {
		case TimeLast:
			v.vals[i] = a.last
		case TimeAverage:
			v.vals[i] = a.sum / float64(a.n)
		default:
			v.vals[i] = a.sum
		}
		v.at[i] = a.at
	}
	return v
}

// accumulate adds a view's values into the subtrees of targets: targets[0]
// is a node, targets[1:] its children (ascending positions).
func (c *calc) accumulate(v view, lay *layout, targets []int32) []agg {
	out := make([]agg, len(targets))
	if len(targets) == 0 {
		return out
	}
	node := targets[0]
	lo, hi := node, lay.end[node]
	kids := targets[1:]
	var seen []int // the targets the unit at hand already reached
	add := func(p int32, w, val float64, at int64) {
		if p < lo || p >= hi {
			return
		}
		out[0].add(val, w, at, !once(&seen, 0))
		if p == node || len(kids) == 0 {
			return
		}
		k := sort.Search(len(kids), func(i int) bool { return kids[i] > p }) - 1
		if k >= 0 && p < lay.end[kids[k]] {
			out[1+k].add(val, w, at, !once(&seen, 1+k))
		}
	}
	one := func(i int) {
		if v.skip(i) {
			return
		}
		u := v.units[i]
		var at int64
		if v.at != nil && i < len(v.at) {
			at = v.at[i]
		}
		seen = seen[:0]
		if p := lay.at(u); p >= 0 {
			add(p, 1, v.vals[i], at)
			return
		}
		if c.mode == Restated {
			for _, d := range lay.carryTo(c.snap, u) {
				add(d.pos, d.w, v.vals[i], at)
			}
		} else if p := lay.liftTo(c.snap, u); p >= 0 {
			add(p, 1, v.vals[i], at)
		}
	}
	if v.held {
		if ix, ok := c.eng.under(lay, v.units, lo, hi); ok {
			for _, i := range ix {
				one(int(i))
			}
			return out
		}
	}
	for i := range v.units {
		one(i)
	}
	return out
}

type memoKey struct {
	ind    int64
	period string
}

// figures computes ind for p at targets (a node and its children).
func (c *calc) figures(ind *Indicator, p Period, lay *layout, targets []int32, memo map[memoKey][]Figure, depth int) []Figure {
	k := memoKey{ind.ID, p.Key()}
	if got, ok := memo[k]; ok {
		return got
	}
	out := make([]Figure, len(targets))
	if f := ind.formula; ind.Computed() {
		if f == nil || depth > 16 {
			return out
		}
		parts := map[string][]Figure{}
		for _, code := range f.Codes() {
			if part := c.defs.code(code); part != nil {
				parts[code] = c.figures(part, p, lay, targets, memo, depth+1)
			}
		}
		for i := range targets {
			n := 0
			v, ok := f.Eval(func(code string) (float64, bool) {
				fs, ok := parts[code]
				if !ok || !fs[i].Has() {
					return 0, false
				}
				n = max(n, fs[i].Units)
				return *fs[i].Value, true
			})
			e, r := leastComplete(parts, i)
			out[i] = c.withCompleteness(figure(v, ok, n), e, r)
		}
	} else {
		fk, keep := c.figKey(ind, p, lay, targets)
		if keep {
			if got := c.eng.figs.get(fk, len(targets)); got != nil {
				memo[k] = got
				return got
			}
		}
		aggs := c.accumulate(c.values(ind, p), lay, targets)
		e, r := c.completeness(ind, p, lay, targets)
		zero := c.measuredZero(ind, p)
		for i := range aggs {
			v, ok := aggs[i].result(ind.Aggregation)
			ok = ok || zero
			out[i] = c.withCompleteness(figure(v, ok, aggs[i].n), e[i], r[i])
		}
		if keep {
			c.eng.figs.put(fk, out)
		}
	}
	memo[k] = out
	return out
}

// Row is one unit's figure in a breakdown.
type Row struct {
	UnitID int64     `json:"unit_id"`
	Code   string    `json:"code,omitempty"`
	Name   string    `json:"name"`
	Level  org.Level `json:"level"`
	Figure
	// Rank among the rows of the same level with a value, best first; none
	// when fewer than two have one (a ranking of one is no ranking).
	Rank int `json:"rank,omitempty"`
	Of   int `json:"of,omitempty"`
	// RankPartial: the rank stands on too little — the row's own figure is
	// incomplete, or fewer of the level's units than the threshold have a
	// figure to rank.
	RankPartial bool `json:"rank_partial,omitempty"`
}

// Carry is one old unit whose figures are carried into a unit when
// restated, with the share it carries and why.
type Carry struct {
	FromID   int64     `json:"from_id"`
	FromName string    `json:"from_name"`
	Share    org.Share `json:"share"`
	Weight   float64   `json:"weight"`
	// Rule: "full", "fraction" (recorded in the mapping), "equal" (no
	// fraction recorded: split equally among the units that received it)
	// or "rest" (no fraction recorded for this link: what the recorded
	// fractions of the others leave, split equally among Among links).
	Rule  string  `json:"rule"`
	Among int     `json:"among"` // how many units it was split among
	Date  day.Day `json:"date"`
}

// Breakdown is an indicator for one unit and period, with the figures of
// the units directly under it.
type Breakdown struct {
	Indicator *Indicator   `json:"indicator"`
	Period    Period       `json:"period"`
	Mode      Mode         `json:"mode"`
	Basis     Basis        `json:"basis"`
	Date      day.Day      `json:"tree_date"` // the date of the tree used
	Unit      *org.Version `json:"unit"`
	InForce   bool         `json:"in_force"` // the unit is in that tree
	Total     Figure       `json:"total"`
	Children  []Row        `json:"children"`
	// Predecessors: as it was, for a unit not yet in force in the period,
	// the figures of the units it was formed from.
	Predecessors []Row   `json:"predecessors,omitempty"`
	Carried      []Carry `json:"carried,omitempty"`
}

// Query asks for figures.
type Query struct {
	IndicatorID int64
	UnitID      int64
	Period      Period
	Mode        Mode
	Basis       Basis
	AsOf        day.Day // today's units, for Restated; today if zero
}

func (s *Service) scoped(ctx context.Context, actor *auth.Actor, unit int64) (*org.Scoped, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	return t, checkUnit(t, unit, "unit")
}

func (q *Query) norm(s *Service, actor *auth.Actor) {
	if q.UnitID == 0 {
		q.UnitID = actor.ScopeUnitID
	}
	if q.AsOf.IsZero() {
		q.AsOf = s.org.Today()
	}
	if q.Mode == "" {
		q.Mode = AsItWas
	}
	if q.Basis == "" {
		q.Basis = BasisApproved
	}
}

// Breakdown computes one indicator for a unit and period and for each unit
// directly under it, live from the stored values.
func (s *Service) Breakdown(ctx context.Context, actor *auth.Actor, q Query) (*Breakdown, error) {
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
	c, err := s.newCalc(ctx, q.Mode, q.Basis, q.AsOf, func(need func(*Indicator, Period)) { need(ind, q.Period) })
	if err != nil {
		return nil, err
	}
	return c.breakdown(ind, q)
}

func (c *calc) breakdown(ind *Indicator, q Query) (*Breakdown, error) {
	lay, date := c.treeFor(q.Period), c.dateFor(q.Period)
	b := &Breakdown{Indicator: ind, Period: q.Period, Mode: q.Mode, Basis: q.Basis, Date: date}
	b.Unit = c.snap.At(q.UnitID, date)
	memo := map[memoKey][]Figure{}
	pos := lay.at(q.UnitID)
	if pos < 0 {
		b.Unit = c.snap.Latest(q.UnitID)
		// as it was, a unit formed later: show what it was formed from
		var targets []int32
		var ids []int64
		for _, l := range c.snap.Predecessors(q.UnitID) {
			if p := lay.at(l.PredecessorID); p >= 0 {
				targets = append(targets, p)
				ids = append(ids, l.PredecessorID)
			}
		}
		for i, p := range targets {
			f := c.figures(ind, q.Period, lay, []int32{p}, map[memoKey][]Figure{}, 0)
			b.Predecessors = append(b.Predecessors, c.row(date, ids[i], f[0]))
		}
		return b, nil
	}
	b.InForce = true
	targets := append([]int32{pos}, lay.children(pos)...)
	figs := c.figures(ind, q.Period, lay, targets, memo, 0)
	b.Total = figs[0]
	if len(targets) > 1 {
		b.Children = make([]Row, 0, len(targets)-1)
	}
	for i, p := range targets[1:] {
		b.Children = append(b.Children, c.row(date, lay.ids[p], figs[i+1]))
	}
	rank(b.Children, ind.HigherBetter, c.threshold)
	if q.Mode == Restated {
		b.Carried = c.carried(q.UnitID)
	}
	return b, nil
}

func (c *calc) row(date day.Day, id int64, f Figure) Row {
	r := Row{UnitID: id, Figure: f}
	if v := c.snap.At(id, date); v != nil {
		r.Name, r.Code, r.Level = v.Name, v.Code, v.Level
	} else if v := c.snap.Latest(id); v != nil {
		r.Name, r.Code, r.Level = v.Name, v.Code, v.Level
	}
	return r
}

// rank numbers rows with a value within their level, best first (ties
// share a rank). A level with fewer than two figures is not ranked; a rank
// is partial when its row's figure is incomplete or when fewer than the
// threshold of the level's rows that should have a figure (one, or a form
// expecting it) have one.
func rank(rows []Row, higherBetter bool, threshold float64) {
	byLevel := map[org.Level][]int{}
	inLevel := map[org.Level]int{}
	for i, r := range rows {
		if r.Has() || r.Known() {
			inLevel[r.Level]++
		}
		if r.Has() {
			byLevel[r.Level] = append(byLevel[r.Level], i)
		}
	}
	for level, idx := range byLevel {
		if len(idx) < 2 {
			continue
		}
		few := float64(len(idx)) < threshold*float64(inLevel[level])-1e-9
		sort.SliceStable(idx, func(a, b int) bool {
			va, vb := rows[idx[a]].V(), rows[idx[b]].V()
			if higherBetter {
				return va > vb
			}
			return va < vb
		})
		for k, i := range idx {
			rows[i].Rank, rows[i].Of = k+1, len(idx)
			rows[i].RankPartial = few || rows[i].Incomplete
			if k > 0 && rows[idx[k-1]].V() == rows[i].V() {
				rows[i].Rank = rows[idx[k-1]].Rank
			}
		}
	}
}

// carried lists the old units whose figures are carried into unit when
// restated, transitively through several restructurings.
func (c *calc) carried(unit int64) []Carry {
	var out []Carry
	seen := map[int64]bool{}
	var walk func(id int64, w float64, depth int)
	walk = func(id int64, w float64, depth int) {
		if depth > 8 {
			return
		}
		for _, l := range c.snap.Predecessors(id) {
			if seen[l.PredecessorID] {
				continue
			}
			seen[l.PredecessorID] = true
			succs := c.snap.Successors(l.PredecessorID)
			ws := Weights(succs)
			var share float64
			for i, sl := range succs {
				if sl.SuccessorID == id {
					share = ws[i]
				}
			}
			cr := Carry{FromID: l.PredecessorID, Share: l.Share, Weight: share * w, Rule: "full", Among: len(succs)}
			recorded := 0
			for _, sl := range succs {
				if fractioned(sl) {
					recorded++
				}
			}
			switch {
			case fractioned(l):
				cr.Rule = "fraction"
			case l.Share == org.ShareFull && len(succs) == 1:
			case recorded > 0: // see Weights
				cr.Rule, cr.Among = "rest", len(succs)-recorded
			default:
				cr.Rule = "equal"
			}
			if ev := c.snap.Event(l.EventID); ev != nil {
				cr.Date = ev.Effective
				if v := c.snap.At(l.PredecessorID, ev.Effective.AddDays(-1)); v != nil {
					cr.FromName = v.Name
				}
			}
			if cr.FromName == "" {
				if v := c.snap.Latest(l.PredecessorID); v != nil {
					cr.FromName = v.Name
				}
			}
			out = append(out, cr)
			walk(l.PredecessorID, share*w, depth+1)
		}
	}
	walk(unit, 1, 0)
	return out
}

// Point is one period of a series.
type Point struct {
	Period  Period `json:"period"`
	InForce bool   `json:"in_force"`
	Figure
}

// Series computes one indicator for one unit over periods.
func (s *Service) Series(ctx context.Context, actor *auth.Actor, q Query, periods []Period) ([]Point, error) {
	q.norm(s, actor)
	if _, err := s.scoped(ctx, actor, q.UnitID); err != nil {
		return nil, err
	}
	ind, err := s.Get(ctx, actor, q.IndicatorID)
	if err != nil {
		return nil, err
	}
	c, err := s.newCalc(ctx, q.Mode, q.Basis, q.AsOf, func(need func(*Indicator, Period)) {
		for _, p := range periods {
			need(ind, p)
		}
	})
	if err != nil {
		return nil, err
	}
	return c.series(ind, q.UnitID, periods), nil
}

func (c *calc) series(ind *Indicator, unit int64, periods []Period) []Point {
	out := make([]Point, len(periods))
	for i, p := range periods {
		out[i].Period = p
		lay := c.treeFor(p)
		pos := lay.at(unit)
		if pos < 0 {
			continue
		}
		out[i].InForce = true
		out[i].Figure = c.figures(ind, p, lay, []int32{pos}, map[memoKey][]Figure{}, 0)[0]
	}
	return out
}

// Dashboard is several indicators, each over its own recent periods.
type Dashboard struct {
	Unit  *org.Version   `json:"unit"`
	Mode  Mode           `json:"mode"`
	Basis Basis          `json:"basis"`
	Rows  []DashboardRow `json:"rows"`
}

// DashboardRow is one indicator's series.
type DashboardRow struct {
	Indicator *Indicator `json:"indicator"`
	Points    []Point    `json:"points"`
	Target    *Progress  `json:"target,omitempty"`
}

// DashboardQuery asks for a dashboard: n periods of each indicator's type
// ending with the one that contains To.
type DashboardQuery struct {
	UnitID     int64
	Indicators []int64 // the actor's visible catalogue if empty (first 12 with values)
	To         day.Day
	N          int
	Mode       Mode
	Basis      Basis
	AsOf       day.Day
}

// MaxDashboard bounds a dashboard's size.
const MaxDashboard = 40

// Dashboard computes a unit's indicators over recent periods, in one pass
// over the cells they need.
func (s *Service) Dashboard(ctx context.Context, actor *auth.Actor, q DashboardQuery) (*Dashboard, error) {
	qq := Query{UnitID: q.UnitID, Mode: q.Mode, Basis: q.Basis, AsOf: q.AsOf}
	qq.norm(s, actor)
	if _, err := s.scoped(ctx, actor, qq.UnitID); err != nil {
		return nil, err
	}
	if q.N <= 0 || q.N > 36 {
		q.N = 12
	}
	if q.To.IsZero() {
		q.To = s.org.Today()
	}
	var inds []*Indicator
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	defs, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	if len(q.Indicators) == 0 {
		for _, i := range defs.list {
			if i.Active && i.PeriodType == Monthly && len(inds) < 12 && i.Type != Text && ownerVisible(t, i.OwnerUnitID) {
				inds = append(inds, i)
			}
		}
	} else {
		if len(q.Indicators) > MaxDashboard {
			q.Indicators = q.Indicators[:MaxDashboard]
		}
		for _, id := range q.Indicators {
			i := defs.byID[id]
			if i == nil || !ownerVisible(t, i.OwnerUnitID) {
				return nil, errs.NotFoundErr()
			}
			inds = append(inds, i)
		}
	}
	periods := make([][]Period, len(inds))
	for i, ind := range inds {
		periods[i] = Last(ind.PeriodType, q.To, q.N)
	}
	c, err := s.newCalc(ctx, qq.Mode, qq.Basis, qq.AsOf, func(need func(*Indicator, Period)) {
		for i, ind := range inds {
			for _, p := range periods[i] {
				need(ind, p)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Mode: qq.Mode, Basis: qq.Basis, Unit: c.snap.At(qq.UnitID, qq.AsOf)}
	if d.Unit == nil {
		d.Unit = c.snap.Latest(qq.UnitID)
	}
	for i, ind := range inds {
		d.Rows = append(d.Rows, DashboardRow{Indicator: ind, Points: c.series(ind, qq.UnitID, periods[i])})
	}
	return d, nil
}

// Standing is a unit's rank among the units of its level under the same
// parent, without naming them (a commune may see where it stands in its
// province without seeing the other communes).
type Standing struct {
	Rank       int    `json:"rank"` // 0: no ranking (fewer than two units have a figure)
	Of         int    `json:"of"`
	ParentName string `json:"parent_name"`
	Partial    bool   `json:"partial"` // see Row.RankPartial
	Figure
}

// StandingOf ranks a unit among its siblings of the same level for an
// indicator and period.
func (s *Service) StandingOf(ctx context.Context, actor *auth.Actor, q Query) (*Standing, error) {
	q.norm(s, actor)
	if _, err := s.scoped(ctx, actor, q.UnitID); err != nil {
		return nil, err
	}
	ind, err := s.Get(ctx, actor, q.IndicatorID)
	if err != nil {
		return nil, err
	}
	c, err := s.newCalc(ctx, q.Mode, q.Basis, q.AsOf, func(need func(*Indicator, Period)) { need(ind, q.Period) })
	if err != nil {
		return nil, err
	}
	lay := c.treeFor(q.Period)
	pos := lay.at(q.UnitID)
	if pos < 0 || lay.parent[pos] < 0 {
		return &Standing{}, nil
	}
	parent := lay.parent[pos]
	targets := append([]int32{parent}, lay.children(parent)...)
	figs := c.figures(ind, q.Period, lay, targets, map[memoKey][]Figure{}, 0)
	rows := make([]Row, len(targets)-1)
	for i, p := range targets[1:] {
		rows[i] = c.row(c.dateFor(q.Period), lay.ids[p], figs[i+1])
	}
	rank(rows, ind.HigherBetter, c.threshold)
	st := &Standing{}
	if v := c.snap.At(lay.ids[parent], c.dateFor(q.Period)); v != nil {
		st.ParentName = v.Name
	}
	for _, r := range rows {
		if r.UnitID == q.UnitID {
			st.Rank, st.Of, st.Partial, st.Figure = r.Rank, r.Of, r.RankPartial, r.Figure
		}
	}
	return st, nil
}

// Values computes an indicator for several units and one period, each over
// its own subtree, for other services (assessment rounds) that have
// already checked what the actor may see. Restated carries older units'
// figures into the units of asOf.
func (s *Service) Values(ctx context.Context, code string, p Period, units []int64, mode Mode, basis Basis, asOf day.Day) (map[int64]Figure, *Indicator, error) {
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, nil, err
	}
	ind := d.code(code)
	if ind == nil {
		return nil, nil, errs.Invalidf("indicator.err.unknown_code", "Code", code).At(0, "indicator")
	}
	if asOf.IsZero() {
		asOf = s.org.Today()
	}
	c, err := s.newCalc(ctx, mode, basis, asOf, func(need func(*Indicator, Period)) { need(ind, p) })
	if err != nil {
		return nil, nil, err
	}
	lay := c.treeFor(p)
	at := map[int32]int{}
	var pos []int32
	var ids []int64
	for _, u := range units {
		if q := lay.at(u); q >= 0 {
			if _, dup := at[q]; !dup {
				at[q] = len(pos)
				pos = append(pos, q)
				ids = append(ids, u)
			}
		}
	}
	figs := c.figuresAt(ind, p, lay, pos, at, map[memoKey][]Figure{}, 0)
	out := make(map[int64]Figure, len(ids))
	for i, u := range ids {
		out[u] = figs[i]
	}
	return out, ind, nil
}

// figuresAt computes ind for p at many positions at once: each value is
// added to every requested position on its way up to the root.
// fewPositions is how many positions figuresAt looks up one by one rather
// than through an array over the layout (a variable for the tests).
var fewPositions atomic.Int64

func init() { fewPositions.Store(16) }

func (c *calc) figuresAt(ind *Indicator, p Period, lay *layout, pos []int32, at map[int32]int, memo map[memoKey][]Figure, depth int) []Figure {
	k := memoKey{ind.ID, p.Key()}
	if got, ok := memo[k]; ok {
		return got
	}
	out := make([]Figure, len(pos))
	if f := ind.formula; ind.Computed() {
		if f == nil || depth > 16 {
			return out
		}
		parts := map[string][]Figure{}
		for _, code := range f.Codes() {
			if part := c.defs.code(code); part != nil {
				parts[code] = c.figuresAt(part, p, lay, pos, at, memo, depth+1)
			}
		}
		for i := range pos {
			n := 0
			v, ok := f.Eval(func(code string) (float64, bool) {
				fs, ok := parts[code]
				if !ok || !fs[i].Has() {
					return 0, false
				}
				n = max(n, fs[i].Units)
				return *fs[i].Value, true
			})
			e, r := leastComplete(parts, i)
			out[i] = c.withCompleteness(figure(v, ok, n), e, r)
		}
		memo[k] = out
		return out
	}
	aggs := make([]agg, len(pos))
	var seen []int // the positions the unit at hand already reached
	var up func(q int32, w, val float64, t int64)
	if int64(len(pos)) <= fewPositions.Load() {
		// a few positions (a unit page's figures, a dashboard's unit):
		// those whose subtree holds q (the ones the walk up would meet;
		// each has its own sum), without an array over the country's units
		up = func(q int32, w, val float64, t int64) {
			for i, r := range pos {
				if r <= q && q < lay.end[r] {
					aggs[i].add(val, w, t, !once(&seen, i))
				}
			}
		}
	} else {
		// the requested positions by layout position, a slice rather than the
		// map: a national measured figure walks 60,000 villages' ancestors
		slot := make([]int32, len(lay.parent))
		for i := range slot {
			slot[i] = -1
		}
		for q, i := range at {
			slot[q] = int32(i)
		}
		up = func(q int32, w, val float64, t int64) {
			for ; q >= 0; q = lay.parent[q] {
				if i := slot[q]; i >= 0 {
					aggs[i].add(val, w, t, !once(&seen, int(i)))
				}
			}
		}
	}
	v := c.values(ind, p)
	for i, u := range v.units {
		if v.skip(i) {
			continue
		}
		var t int64
		if v.at != nil && i < len(v.at) {
			t = v.at[i]
		}
		seen = seen[:0]
		if q := lay.at(u); q >= 0 {
			up(q, 1, v.vals[i], t)
		} else if c.mode == Restated {
			for _, d := range lay.carryTo(c.snap, u) {
				up(d.pos, d.w, v.vals[i], t)
			}
		} else if q := lay.liftTo(c.snap, u); q >= 0 {
			up(q, 1, v.vals[i], t)
		}
	}
	e, r := c.completenessAt(ind, p, lay, at, len(pos))
	zero := c.measuredZero(ind, p)
	for i := range aggs {
		val, ok := aggs[i].result(ind.Aggregation)
		ok = ok || zero
		out[i] = c.withCompleteness(figure(val, ok, aggs[i].n), e[i], r[i])
	}
	memo[k] = out
	return out
}
