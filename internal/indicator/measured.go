package indicator

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// Source is where an indicator's figures come from.
type Source string

// The sources.
const (
	// Reported figures are typed by units in their report forms.
	Reported Source = "reported"
	// Measured figures are computed by mangluoi from its own registers
	// (teams, people, committees, tasks) at request time; nobody types them.
	Measured Source = "measured"
	// Pushed figures are sent by another system through the API; the
	// definition names the system.
	Pushed Source = "pushed"
)

// Sources lists them.
var Sources = []Source{Reported, Measured, Pushed}

// Enum lists the values for the API's document.
func (Source) Enum() []string { return enum.Of(Sources...) }

// IsMeasured reports whether the indicator is computed from the registers.
func (i *Indicator) IsMeasured() bool { return i.Source == Measured }

// Record is one register record a measured figure counts ("8 tổ" → those
// 8 teams), with a link to its page.
type Record struct {
	Kind     string `json:"kind"` // team, member, village, committee, role, task…
	Label    string `json:"label"`
	UnitName string `json:"unit_name"`
	URL      string `json:"url"`
	ID       int64  `json:"id"`
}

// Window is the days a measured figure is asked for: a period's first and
// last day. A stock (teams, staff) is counted as at To, a flow (activities)
// between From and To.
type Window struct{ From, To day.Day }

// Measurer computes measured indicators from a feature's register. The
// features implement it (network, people, plans) and are registered at
// startup (internal/app), so indicator imports none of them. A measurer is
// called after the indicator service has checked the actor's scope.
type Measurer interface {
	// Measures lists the codes of the measured indicators it computes
	// (formula indicators over them, like rates, need no measurer).
	Measures() []string
	// Measure gives code's value held by each unit itself — its own
	// records, not its subtree's — over the span. Units with none may be
	// left out: they count as 0. The indicator service rolls the values up
	// the tree of the span's last day, or restates them, like any figure.
	// The counts are only read: a measurer may hand out what it keeps.
	Measure(ctx context.Context, code string, s Window) (PerUnit, error)
	// Records lists the records Measure counts for the units in says yes
	// to, in reading order, at most limit of them, and how many in all.
	Records(ctx context.Context, code string, s Window, in func(unit int64) bool, limit int) ([]Record, int, error)
}

// UnitsMeasurer is a Measurer that also measures a few units without the
// country: a unit page's register figures (Measured of one commune) read
// the units of its subtree, not every unit's value (issue 14: the network's
// whole-country column was most of a rebuilt commune page's CPU and bytes).
type UnitsMeasurer interface {
	Measurer
	// MeasureUnits is Measure restricted to units (ascending) and to the
	// units not in force on s.To that hold a value (a figure as it was
	// lifts those to their nearest ancestor in force, which may be one of
	// units): the values Measure gives each of them, units ascending.
	// units is shared (the layout keeps it): never changed.
	MeasureUnits(ctx context.Context, code string, s Window, units []int64) (PerUnit, error)
}

// PerUnit are a measured indicator's values per unit, units ascending (the
// order the roll-up reads them in, so that a national figure of 60,000
// villages is not sorted again at each request).
type PerUnit struct {
	Units []int64
	Vals  []float64
}

// PerUnitOf lays out a map of values per unit as PerUnit.
func PerUnitOf(m map[int64]float64) PerUnit {
	c := PerUnit{Units: make([]int64, 0, len(m)), Vals: make([]float64, 0, len(m))}
	for u := range m {
		c.Units = append(c.Units, u)
	}
	slices.Sort(c.Units)
	for _, u := range c.Units {
		c.Vals = append(c.Vals, m[u])
	}
	return c
}

// measurers are the registered measurers by code.
type measurers struct {
	mu     sync.RWMutex
	byCode map[string]Measurer
}

// RegisterMeasurer makes a feature's measured indicators computable. Each
// code it measures must be a shipped measured indicator (see Catalogue).
func (s *Service) RegisterMeasurer(m Measurer) error {
	s.meas.mu.Lock()
	defer s.meas.mu.Unlock()
	if s.meas.byCode == nil {
		s.meas.byCode = map[string]Measurer{}
	}
	for _, c := range m.Measures() {
		in := shipped(c)
		if in == nil || in.Source != Measured {
			return fmt.Errorf("measurer: %s is not a shipped measured indicator", c)
		}
		if _, dup := s.meas.byCode[c]; dup {
			return fmt.Errorf("measurer: %s measured twice", c)
		}
		s.meas.byCode[c] = m
	}
	return nil
}

func (s *Service) measurer(code string) Measurer {
	s.meas.mu.RLock()
	defer s.meas.mu.RUnlock()
	return s.meas.byCode[code]
}

// shipped is the catalogue's definition of a code, or nil.
func shipped(code string) *Input {
	for i := range Catalogue {
		if Catalogue[i].Code == code {
			return &Catalogue[i]
		}
	}
	return nil
}

// spanOf is the days of a period.
func spanOf(p Period) Window { return Window{From: p.Start(), To: p.End()} }

// loadMeasured computes the measured values a calc needs, fresh: the
// registers are read at every request (a register change shows at the
// next one), each from its feature's own index or query.
func (s *Service) loadMeasured(ctx context.Context, c *calc) error {
	for k, p := range c.mwant {
		ind := c.defs.byID[k.ind]
		m := s.measurer(ind.Code)
		if m == nil { // no feature measures it here: no figure rather than a false zero
			continue
		}
		got, err := m.Measure(ctx, ind.Code, spanOf(p))
		if err != nil {
			return fmt.Errorf("measure %s %s: %w", ind.Code, p.Key(), err)
		}
		if len(got.Units) != len(got.Vals) || !slices.IsSorted(got.Units) {
			return fmt.Errorf("measure %s %s: the units are not in ascending order", ind.Code, p.Key())
		}
		c.measured[k] = view{units: got.Units, vals: got.Vals}
	}
	return nil
}

// measuredZero: a measured count with no record below a unit is 0 there
// (no team is a fact), when the register was read.
func (c *calc) measuredZero(ind *Indicator, p Period) bool {
	if !ind.IsMeasured() || ind.Aggregation != Sum {
		return false
	}
	_, ok := c.measured[cellKey{ind.ID, p.Key()}]
	return ok
}

// notMeasured is the error for a code that is not a measured indicator.
func notMeasured(code string) error {
	return errs.Invalidf("indicator.err.not_measured", "Code", code).At(0, "indicator")
}

// measuredFor prepares a measured figure of one unit: the definition, the
// period, and how the unit is read — as it was on the period's last day
// when the unit was in force then, else restated to today's tree (a
// today's unit whose period lies before a merge: its predecessors).
func (s *Service) measuredFor(ctx context.Context, actor *auth.Actor, code string, unit int64, period string) (*Indicator, Period, Mode, error) {
	t, err := s.scoped(ctx, actor, unit)
	if err != nil {
		return nil, Period{}, "", err
	}
	if unit == 0 {
		return nil, Period{}, "", errs.Invalidf("org.err.unknown_unit", "ID", unit).At(0, "unit")
	}
	p, err := ParsePeriod(period)
	if err != nil {
		return nil, Period{}, "", err
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, Period{}, "", err
	}
	ind := d.code(code)
	if ind == nil || !ownerVisible(t, ind.OwnerUnitID) {
		return nil, Period{}, "", errs.Invalidf("indicator.err.unknown_code", "Code", code).At(0, "indicator")
	}
	if !ind.IsMeasured() {
		return nil, Period{}, "", notMeasured(ind.Code)
	}
	mode := AsItWas
	if t.Snapshot.At(unit, p.End()) == nil {
		mode = Restated
	}
	return ind, p, mode, nil
}

// Measured is the measured figure of code for a unit's subtree and a
// period, as at the period's end on that date's tree (restated through
// the lineage for a unit formed after it). ok is false when there is no
// figure (a rate over nothing).
func (s *Service) Measured(ctx context.Context, actor *auth.Actor, code string, unit int64, period string) (float64, bool, error) {
	ind, p, mode, err := s.measuredFor(ctx, actor, code, unit, period)
	if err != nil {
		return 0, false, err
	}
	if f, done, err := s.measuredUnder(ctx, ind, p, mode, unit); done || err != nil {
		return f.V(), f.Has(), err
	}
	figs, _, err := s.Values(ctx, ind.Code, p, []int64{unit}, mode, BasisAll, day.Day{})
	if err != nil {
		return 0, false, err
	}
	f := figs[unit]
	return f.V(), f.Has(), nil
}

// measureSubtrees switches measuredUnder on (a variable for the tests,
// which compare it with the whole country's values: export_test.go).
var measureSubtrees atomic.Bool

func init() { measureSubtrees.Store(true) }

// measuredUnder is Measured of one unit as it was from the values of its
// subtree alone, when the indicator's measurer can give them
// (UnitsMeasurer): the same roll-up (figuresAt) over the subtree's units
// and the units not in force that the measurer holds values for, which are
// every value that can land in the subtree, in the same ascending order,
// so the figure is the whole country's to the last bit. done is false when
// it does not apply (restated, a formula, no such measurer, a unit not in
// the period's tree): the caller reads the country.
func (s *Service) measuredUnder(ctx context.Context, ind *Indicator, p Period, mode Mode, unit int64) (Figure, bool, error) {
	if !measureSubtrees.Load() || mode != AsItWas || ind.Computed() {
		return Figure{}, false, nil
	}
	m, _ := s.measurer(ind.Code).(UnitsMeasurer)
	if m == nil {
		return Figure{}, false, nil
	}
	c, err := s.newCalc(ctx, mode, BasisAll, s.org.Today(), func(func(*Indicator, Period)) {})
	if err != nil {
		return Figure{}, false, err
	}
	lay := c.treeFor(p)
	node := lay.at(unit)
	// a subtree holding much of the country (the nation, a large old
	// province) reads the country's kept result instead: sorting and
	// measuring its units again at every call cost 19–21 ms for the
	// nation's compliance page (h16ind), the whole-country read ≈ 3 ms
	if node < 0 || int(lay.end[node])-int(node) > len(lay.ids)/4 {
		return Figure{}, false, nil
	}
	got, err := m.MeasureUnits(ctx, ind.Code, spanOf(p), lay.sortedUnder(node))
	if err != nil {
		return Figure{}, false, fmt.Errorf("measure %s %s: %w", ind.Code, p.Key(), err)
	}
	if len(got.Units) != len(got.Vals) || !slices.IsSorted(got.Units) {
		return Figure{}, false, fmt.Errorf("measure %s %s: the units are not in ascending order", ind.Code, p.Key())
	}
	c.measured[cellKey{ind.ID, p.Key()}] = view{units: got.Units, vals: got.Vals}
	figs := c.figuresAt(ind, p, lay, []int32{node}, map[int32]int{node: 0}, map[memoKey][]Figure{}, 0)
	return figs[0], true, nil
}

// MeasuredRecords lists the register records a measured figure counts for
// a unit and a period (at most limit, and how many in all). For a rate,
// the records of its numerator. Restated, a predecessor's records are
// listed whole even when only part of it went to the unit.
func (s *Service) MeasuredRecords(ctx context.Context, actor *auth.Actor, code string, unit int64, period string, limit int) ([]Record, int, error) {
	ind, p, mode, err := s.measuredFor(ctx, actor, code, unit, period)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	for depth := 0; ind.Computed() && ind.formula != nil && depth < 8; depth++ {
		d, err := s.definitions(ctx)
		if err != nil {
			return nil, 0, err
		}
		codes := ind.formula.Codes()
		if len(codes) == 0 || d.code(codes[0]) == nil {
			return nil, 0, nil
		}
		ind = d.code(codes[0]) // a rate's records are its numerator's
	}
	m := s.measurer(ind.Code)
	if m == nil {
		return nil, 0, nil
	}
	c, err := s.newCalc(ctx, mode, BasisAll, s.org.Today(), func(func(*Indicator, Period)) {})
	if err != nil {
		return nil, 0, err
	}
	lay := c.treeFor(p)
	node := lay.at(unit)
	if node < 0 {
		return []Record{}, 0, nil
	}
	lo, hi := node, lay.end[node]
	inside := func(q int32) bool { return q >= lo && q < hi }
	in := func(u int64) bool {
		if q := lay.at(u); q >= 0 {
			return inside(q)
		}
		if mode == Restated {
			for _, d := range lay.carryTo(c.snap, u) {
				if inside(d.pos) {
					return true
				}
			}
			return false
		}
		return inside(lay.liftTo(c.snap, u))
	}
	recs, total, err := m.Records(ctx, ind.Code, spanOf(p), in, limit)
	if recs == nil && err == nil {
		recs = []Record{}
	}
	return recs, total, err
}
