package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Service keeps definitions, forms, values and targets, and computes
// roll-ups. Every method takes the acting user and checks their scope.
type Service struct {
	db    *db.DB
	org   *org.Service
	audit *audit.Log
	files *files.Store
	now   func() time.Time

	defsMu sync.Mutex
	defs   *defSet // cached definitions, with the generation they reflect

	formCache   formSet     // the forms, with the definitions' generation
	targetCache targetCache // units' targets, with the targets' generation

	eng  *engine
	meas measurers // the features that compute measured indicators

	reports reportCache // reports, reminders and kept figures per scope (reports.go)
}

// NewService makes the service.
func NewService(d *db.DB, o *org.Service, log *audit.Log, f *files.Store, now func() time.Time) *Service {
	s := &Service{db: d, org: o, audit: log, files: f, now: now}
	s.eng = newEngine(d)
	for name, period := range map[string]string{defsGeneration: defsPeriod, valuesGeneration: valuesPeriod, targetsGeneration: targetsPeriod, reportsGeneration: reportsPeriod} {
		d.Follow(name, `SELECT generation FROM indicator_cells WHERE indicator_id = 0 AND period = '`+period+`'`)
	}
	return s
}

// The generations of indicator 0 (never a real indicator), as
// db.Generation names them: the definitions'; any value's (every save
// moves it with its cells', so a request that finds it unchanged need not
// check its cells); the targets'; the reports' (reports.go).
const (
	defsGeneration    = "indicator.definitions"
	valuesGeneration  = "indicator.values"
	valuesPeriod      = "values"
	targetsGeneration = "indicator.targets"
	targetsPeriod     = "targets"
)

// defsKey is the row of indicator_cells that counts changes to the
// definitions (indicator 0 is never a real indicator).
const defsPeriod = ""

// defSet is every definition, by id and code.
type defSet struct {
	gen    int64
	byID   map[int64]*Indicator
	byCode map[string]*Indicator
	list   []*Indicator // by category, then code
	// threshold is the completeness threshold (a setting that moves the
	// definitions' generation when changed)
	threshold float64
}

func (d *defSet) code(c string) *Indicator { return d.byCode[strings.ToUpper(c)] }

const indicatorColumns = `id, code, name_vi, name_en, measure_vi, measure_en, value_type, aggregation, over_time, period_type,
	formula, decimals, min_value, max_value, not_above, jump, higher_better, category, description, basis, owner_unit_id, active,
	created_at, updated_at, source, source_system, counterpart`

func scanIndicator(row interface{ Scan(...any) error }) (*Indicator, error) {
	i := &Indicator{}
	var lo, hi sql.NullFloat64
	err := row.Scan(&i.ID, &i.Code, &i.NameVI, &i.NameEN, &i.MeasureVI, &i.MeasureEN, &i.Type, &i.Aggregation, &i.OverTime,
		&i.PeriodType, &i.Formula, &i.Decimals, &lo, &hi, &i.NotAbove, &i.Jump, &i.HigherBetter, &i.Category, &i.Description,
		&i.Basis, &i.OwnerUnitID, &i.Active, &i.CreatedAt, &i.UpdatedAt, &i.Source, &i.SourceSystem, &i.Counterpart)
	if lo.Valid {
		i.Min = &lo.Float64
	}
	if hi.Valid {
		i.Max = &hi.Float64
	}
	if err == nil && i.Formula != "" {
		i.formula, _ = ParseFormula(i.Formula)
	}
	return i, err
}

// definitions returns every definition, reloading when any changed (on
// any app server).
func (s *Service) definitions(ctx context.Context) (*defSet, error) {
	gen, err := s.db.Generation(ctx, defsGeneration)
	if err != nil {
		return nil, err
	}
	s.defsMu.Lock()
	defer s.defsMu.Unlock()
	if s.defs != nil && s.defs.gen == gen {
		return s.defs, nil
	}
	threshold, err := readThreshold(ctx, s.db)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+indicatorColumns+` FROM indicators`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	d := &defSet{gen: gen, byID: map[int64]*Indicator{}, byCode: map[string]*Indicator{}, threshold: threshold}
	for rows.Next() {
		i, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		d.byID[i.ID], d.byCode[i.Code] = i, i
		d.list = append(d.list, i)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(d.list, func(a, b int) bool {
		if d.list[a].Category != d.list[b].Category {
			return categoryRank(d.list[a].Category) < categoryRank(d.list[b].Category)
		}
		return d.list[a].ID < d.list[b].ID
	})
	s.defs = d
	return d, nil
}

// bump moves a cell's generation (or, for indicator 0, the definitions')
// inside tx and returns the new generation.
func bump(ctx context.Context, tx *sql.Tx, indicator int64, period string) (int64, error) {
	var gen int64
	err := tx.QueryRowContext(ctx, `INSERT INTO indicator_cells (indicator_id, period, generation) VALUES ($1, $2, 1)
		ON CONFLICT (indicator_id, period) DO UPDATE SET generation = indicator_cells.generation + 1
		RETURNING generation`, indicator, period).Scan(&gen)
	if err != nil {
		return 0, fmt.Errorf("bump generation: %w", err)
	}
	return gen, nil
}

// checkUnit refuses a unit id given in a request: one that names no unit
// is the caller's mistake (a field error), one outside the scope is
// forbidden.
func checkUnit(t *org.Scoped, id int64, field string) error {
	if !t.Exists(id) {
		return errs.Invalidf("org.err.unknown_unit", "ID", id).At(0, field)
	}
	return t.Check(id)
}

// mayDesign: defining indicators, forms, frameworks and rounds, and
// reviewing what units submit, is the secretariat's (coordinators) and the
// administrator's work.
func mayDesign(a *auth.Actor) bool {
	return a != nil && (a.Role == auth.RoleAdmin || a.Role == auth.RoleCoordinator)
}

// ownerVisible reports whether something defined by owner concerns the
// actor: owned inside their scope, or by a unit above it (the nation's
// catalogue, their province's forms).
func ownerVisible(t *org.Scoped, owner int64) bool {
	return t.InScope(owner) || t.Covers(owner, t.Actor.ScopeUnitID)
}

// List returns the definitions the actor may see, active ones unless all.
func (s *Service) List(ctx context.Context, actor *auth.Actor, all bool) ([]*Indicator, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Indicator
	for _, i := range d.list {
		if (all || i.Active) && ownerVisible(t, i.OwnerUnitID) {
			out = append(out, i)
		}
	}
	return out, nil
}

// Get returns one definition the actor may see.
func (s *Service) Get(ctx context.Context, actor *auth.Actor, id int64) (*Indicator, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	i := d.byID[id]
	if i == nil || !ownerVisible(t, i.OwnerUnitID) {
		return nil, errs.NotFoundErr()
	}
	return i, nil
}

// ByCode returns the definition with a code, if the actor may see it: the
// plans feature points its targets at indicators this way.
func (s *Service) ByCode(ctx context.Context, actor *auth.Actor, code string) (*Indicator, error) {
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	i := d.code(code)
	if i == nil {
		return nil, errs.Invalidf("indicator.err.unknown_code", "Code", code).At(0, "indicator")
	}
	return s.Get(ctx, actor, i.ID)
}

// checkDefinition validates an input against the other definitions: the
// formula's parts exist and are numeric, no cycle, the "not above"
// indicator exists. id is the indicator being changed (0 for a new one).
func checkDefinition(d *defSet, in *Input, f *Formula, id int64) []*errs.Error {
	var bad []*errs.Error
	if other := d.code(in.Code); other != nil && other.ID != id {
		bad = append(bad, errs.Invalidf("indicator.err.code_taken", "Code", in.Code).At(0, "code"))
	}
	if f != nil {
		parts := map[string][]string{}
		for _, i := range d.list {
			if i.formula != nil && i.ID != id {
				parts[i.Code] = i.formula.Codes()
			}
		}
		parts[in.Code] = f.Codes()
		for _, c := range f.Codes() {
			p := d.code(c)
			if p == nil && c != in.Code {
				bad = append(bad, errs.Invalidf("indicator.err.unknown_code", "Code", c).At(0, "formula"))
			} else if p != nil && p.Type == Text {
				bad = append(bad, errs.Invalidf("indicator.err.formula_part_type", "Code", c).At(0, "formula"))
			} else if p != nil && p.PeriodType != in.PeriodType {
				bad = append(bad, errs.Invalidf("indicator.err.formula_part_period", "Code", c).At(0, "formula"))
			}
		}
		if cyc := findCycle(in.Code, parts); cyc != nil {
			bad = append(bad, errs.Invalidf("indicator.err.cycle", "Chain", strings.Join(cyc, " → ")).At(0, "formula"))
		}
	}
	if in.Counterpart != "" {
		if p := d.code(in.Counterpart); p == nil {
			bad = append(bad, errs.Invalidf("indicator.err.unknown_code", "Code", in.Counterpart).At(0, "counterpart"))
		} else if p.Source != Measured {
			bad = append(bad, errs.Invalidf("indicator.err.counterpart_not_measured", "Code", in.Counterpart).At(0, "counterpart"))
		}
	}
	if in.NotAbove != "" {
		if p := d.code(in.NotAbove); p == nil {
			bad = append(bad, errs.Invalidf("indicator.err.unknown_code", "Code", in.NotAbove).At(0, "not_above"))
		} else if p.PeriodType != in.PeriodType {
			bad = append(bad, errs.Invalidf("indicator.err.formula_part_period", "Code", in.NotAbove).At(0, "not_above"))
		}
	}
	return bad
}

func oneOrList(bad []*errs.Error) error {
	if len(bad) == 1 {
		return bad[0]
	}
	return errs.List("err.form", bad)
}

// Define creates an indicator.
func (s *Service) Define(ctx context.Context, actor *auth.Actor, in Input) (*Indicator, error) {
	if !mayDesign(actor) {
		return nil, errs.ForbiddenErr()
	}
	bad, f := in.validate()
	if in.Source == Measured { // measured indicators ship with the registers that compute them
		bad = append(bad, errs.Invalidf("indicator.err.measured_shipped").At(0, "source"))
	}
	if in.OwnerUnitID == 0 {
		in.OwnerUnitID = actor.ScopeUnitID
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(t, in.OwnerUnitID, "owner_unit_id"); err != nil {
		return nil, err
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	bad = append(bad, checkDefinition(d, &in, f, 0)...)
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	now := s.now().UTC()
	i := fromInput(in)
	i.Active, i.CreatedAt, i.UpdatedAt = true, now, now
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertIndicator(ctx, tx, i); err != nil {
			return err
		}
		if _, err := bump(ctx, tx, 0, defsPeriod); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "indicator.create", Entity: "indicator",
			EntityID: fmt.Sprint(i.ID), UnitID: i.OwnerUnitID, After: i})
	})
	if err != nil {
		return nil, err
	}
	i.formula = f
	return i, nil
}

func fromInput(in Input) *Indicator {
	return &Indicator{Code: in.Code, NameVI: in.NameVI, NameEN: in.NameEN, MeasureVI: in.MeasureVI, MeasureEN: in.MeasureEN,
		Type: in.Type, Aggregation: in.Aggregation, OverTime: in.OverTime, PeriodType: in.PeriodType, Formula: in.Formula,
		Decimals: in.Decimals, Min: in.Min, Max: in.Max, NotAbove: in.NotAbove, Jump: in.Jump, HigherBetter: !in.LowerBetter,
		Category: in.Category, Description: in.Description, Basis: in.Basis, OwnerUnitID: in.OwnerUnitID,
		Source: in.Source, SourceSystem: in.SourceSystem, Counterpart: in.Counterpart}
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func insertIndicator(ctx context.Context, tx *sql.Tx, i *Indicator) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO indicators (code, name_vi, name_en, measure_vi, measure_en, value_type, aggregation,
		over_time, period_type, formula, decimals, min_value, max_value, not_above, jump, higher_better, category, description, basis,
		owner_unit_id, active, created_at, updated_at, source, source_system, counterpart)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26) RETURNING id`,
		i.Code, i.NameVI, i.NameEN, i.MeasureVI, i.MeasureEN, i.Type, i.Aggregation, i.OverTime, i.PeriodType, i.Formula, i.Decimals,
		nullFloat(i.Min), nullFloat(i.Max), i.NotAbove, i.Jump, i.HigherBetter, i.Category, i.Description, i.Basis, i.OwnerUnitID,
		i.Active, i.CreatedAt, i.UpdatedAt, i.Source, i.SourceSystem, i.Counterpart).Scan(&i.ID)
	if err != nil {
		return fmt.Errorf("insert indicator: %w", err)
	}
	return nil
}

// Update changes a definition. The code and the period type stay (values
// are stored under them); an indicator with values keeps its value type.
func (s *Service) Update(ctx context.Context, actor *auth.Actor, id int64, in Input, active bool) (*Indicator, error) {
	old, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !mayDesign(actor) || !t.InScope(old.OwnerUnitID) {
		return nil, errs.ForbiddenErr()
	}
	in.Code, in.PeriodType, in.OwnerUnitID = old.Code, old.PeriodType, old.OwnerUnitID
	if old.Source == Measured { // what a register computes stays as shipped; only its words change
		in.Source, in.Type, in.Aggregation, in.OverTime, in.Formula = Measured, old.Type, old.Aggregation, old.OverTime, old.Formula
	}
	bad, f := in.validate()
	if in.Source == Measured && old.Source != Measured {
		bad = append(bad, errs.Invalidf("indicator.err.measured_shipped").At(0, "source"))
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	bad = append(bad, checkDefinition(d, &in, f, id)...)
	if in.Type != old.Type {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM indicator_values WHERE indicator_id = $1`, id).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			bad = append(bad, errs.Invalidf("indicator.err.type_has_values", "Count", n).At(0, "value_type"))
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	i := fromInput(in)
	i.ID, i.Active, i.CreatedAt, i.UpdatedAt = id, active, old.CreatedAt, s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE indicators SET name_vi = $1, name_en = $2, measure_vi = $3, measure_en = $4, value_type = $5,
			aggregation = $6, over_time = $7, formula = $8, decimals = $9, min_value = $10, max_value = $11, not_above = $12, jump = $13,
			higher_better = $14, category = $15, description = $16, basis = $17, active = $18, updated_at = $19,
			source = $20, source_system = $21, counterpart = $22 WHERE id = $23`,
			i.NameVI, i.NameEN, i.MeasureVI, i.MeasureEN, i.Type, i.Aggregation, i.OverTime, i.Formula, i.Decimals, nullFloat(i.Min),
			nullFloat(i.Max), i.NotAbove, i.Jump, i.HigherBetter, i.Category, i.Description, i.Basis, i.Active, i.UpdatedAt,
			i.Source, i.SourceSystem, i.Counterpart, id)
		if err != nil {
			return err
		}
		if _, err := bump(ctx, tx, 0, defsPeriod); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "indicator.update", Entity: "indicator",
			EntityID: fmt.Sprint(id), UnitID: i.OwnerUnitID, Before: old, After: i})
	})
	if err != nil {
		return nil, err
	}
	i.formula = f
	return i, nil
}
