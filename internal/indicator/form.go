package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Kind of unit a form is assigned to.
type Kind string

// The kinds. A department is an agency directly under a province (sở,
// ban, ngành).
const (
	KindProvince   Kind = "province"
	KindDepartment Kind = "department"
	KindDistrict   Kind = "district"
	KindCommune    Kind = "commune"
	KindAgency     Kind = "agency"
	KindVillage    Kind = "village"
)

// Kinds lists them in display order.
var Kinds = []Kind{KindCommune, KindDepartment, KindProvince, KindDistrict, KindAgency, KindVillage}

// matches reports whether a unit (as of a date, with its parent's level)
// is of kind k.
func (k Kind) matches(v *org.Version, parentLevel org.Level) bool {
	switch k {
	case KindDepartment:
		return v.Level == org.LevelAgency && parentLevel == org.LevelProvince
	case KindAgency:
		return v.Level == org.LevelAgency
	}
	return string(v.Level) == string(k)
}

// Form is a report form.
type Form struct {
	ID          int64        `json:"id"`
	Code        string       `json:"code"`
	NameVI      string       `json:"name_vi"`
	NameEN      string       `json:"name_en"`
	PeriodType  PeriodType   `json:"period_type"`
	DueDays     int          `json:"due_days"` // the form is due this many days after each period ends
	OwnerUnitID int64        `json:"owner_unit_id"`
	Active      bool         `json:"active"`
	Items       []*Indicator `json:"items"`
	Kinds       []Kind       `json:"kinds,omitempty"`
	UnitIDs     []int64      `json:"unit_ids,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// Name is the form's name in a language.
func (f *Form) Name(lang string) string {
	if lang == "en" && f.NameEN != "" {
		return f.NameEN
	}
	return f.NameVI
}

// Due is the due date of a period's report.
func (f *Form) Due(p Period) day.Day { return p.End().AddDays(f.DueDays) }

// Entered lists the items a unit types (not computed ones).
func (f *Form) Entered() []*Indicator {
	var out []*Indicator
	for _, i := range f.Items {
		if !i.Computed() && !i.IsMeasured() {
			out = append(out, i)
		}
	}
	return out
}

// has reports whether the form collects indicator id.
func (f *Form) has(id int64) bool {
	for _, i := range f.Items {
		if i.ID == id {
			return true
		}
	}
	return false
}

// FormInput defines or changes a form.
type FormInput struct {
	Code        string     `json:"code"`
	NameVI      string     `json:"name_vi"`
	NameEN      string     `json:"name_en"`
	PeriodType  PeriodType `json:"period_type"`
	DueDays     int        `json:"due_days"`
	OwnerUnitID int64      `json:"owner_unit_id"`
	Indicators  []string   `json:"indicators"` // codes, in order
	Kinds       []Kind     `json:"kinds"`
	UnitIDs     []int64    `json:"unit_ids"`
	Inactive    bool       `json:"inactive"`
}

func (s *Service) checkForm(ctx context.Context, actor *auth.Actor, in *FormInput, id int64) (*org.Scoped, []*Indicator, error) {
	if !mayDesign(actor) {
		return nil, nil, errs.ForbiddenErr()
	}
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.NameVI, in.NameEN = locale.CleanString(in.NameVI), locale.CleanString(in.NameEN)
	if in.OwnerUnitID == 0 {
		in.OwnerUnitID = actor.ScopeUnitID
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if err := checkUnit(t, in.OwnerUnitID, "owner_unit_id"); err != nil {
		return nil, nil, err
	}
	var bad []*errs.Error
	if !validCode(strings.ReplaceAll(in.Code, "-", "_")) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_code", "Value", in.Code).At(0, "code"))
	} else {
		var other int64
		err := s.db.QueryRowContext(ctx, `SELECT id FROM report_forms WHERE code = $1`, in.Code).Scan(&other)
		if err == nil && other != id {
			bad = append(bad, errs.Invalidf("indicator.err.code_taken", "Code", in.Code).At(0, "code"))
		} else if err != nil && !db.IsNoRows(err) {
			return nil, nil, err
		}
	}
	if in.NameVI == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "name_vi"))
	}
	if !in.PeriodType.Valid() {
		bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(in.PeriodType)).At(0, "period_type"))
	}
	if in.DueDays < 0 || in.DueDays > 120 {
		bad = append(bad, errs.Invalidf("indicator.err.due_days").At(0, "due_days"))
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, nil, err
	}
	var items []*Indicator
	seen := map[string]bool{}
	for _, code := range in.Indicators {
		code = strings.ToUpper(strings.TrimSpace(code))
		if code == "" || seen[code] {
			continue
		}
		seen[code] = true
		i := d.code(code)
		switch {
		case i == nil || !ownerVisible(t, i.OwnerUnitID):
			bad = append(bad, errs.Invalidf("indicator.err.unknown_code", "Code", code).At(0, "indicators"))
		case i.PeriodType != in.PeriodType && !i.IsMeasured(): // a measured figure exists for any period
			bad = append(bad, errs.Invalidf("indicator.err.item_period", "Code", code).At(0, "indicators"))
		default:
			items = append(items, i)
		}
	}
	if len(items) == 0 && len(bad) == 0 {
		bad = append(bad, errs.Invalidf("indicator.err.no_items").At(0, "indicators"))
	}
	var kinds []Kind
	for _, k := range in.Kinds {
		if !oneOf(k, Kinds) {
			bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(k)).At(0, "kinds"))
		} else if !oneOf(k, kinds) {
			kinds = append(kinds, k)
		}
	}
	in.Kinds = kinds
	var units []int64
	for _, u := range in.UnitIDs {
		if u == 0 || oneOf(u, units) {
			continue
		}
		if !t.Exists(u) || !t.Covers(in.OwnerUnitID, u) || !t.InScope(u) {
			bad = append(bad, errs.Invalidf("indicator.err.unit_outside_owner").At(0, "unit_ids"))
			continue
		}
		units = append(units, u)
	}
	in.UnitIDs = units
	if len(in.Kinds) == 0 && len(in.UnitIDs) == 0 {
		bad = append(bad, errs.Invalidf("indicator.err.no_assignees").At(0, "kinds"))
	}
	if len(bad) > 0 {
		return nil, nil, oneOrList(bad)
	}
	return t, items, nil
}

// CreateForm defines a report form.
func (s *Service) CreateForm(ctx context.Context, actor *auth.Actor, in FormInput) (*Form, error) {
	_, items, err := s.checkForm(ctx, actor, &in, 0)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	f := &Form{Code: in.Code, NameVI: in.NameVI, NameEN: in.NameEN, PeriodType: in.PeriodType, DueDays: in.DueDays,
		OwnerUnitID: in.OwnerUnitID, Active: !in.Inactive, Items: items, Kinds: in.Kinds, UnitIDs: in.UnitIDs, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO report_forms (code, name_vi, name_en, period_type, due_days, owner_unit_id, active, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, f.Code, f.NameVI, f.NameEN, f.PeriodType, f.DueDays, f.OwnerUnitID,
			f.Active, now, now).Scan(&f.ID)
		if err != nil {
			return err
		}
		if err := writeFormParts(ctx, tx, f); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "report_form.create", Entity: "report_form",
			EntityID: fmt.Sprint(f.ID), UnitID: f.OwnerUnitID, After: formRecord(f)})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// formRecord is what the audit log keeps of a form.
func formRecord(f *Form) map[string]any {
	codes := make([]string, len(f.Items))
	for i, it := range f.Items {
		codes[i] = it.Code
	}
	return map[string]any{"code": f.Code, "name_vi": f.NameVI, "name_en": f.NameEN, "period_type": f.PeriodType, "due_days": f.DueDays,
		"owner_unit_id": f.OwnerUnitID, "active": f.Active, "indicators": codes, "kinds": f.Kinds, "unit_ids": f.UnitIDs}
}

// writeFormParts writes a form's items and assignees, and moves the
// definitions' generation: who is expected to report what is read with
// them (completeness.go).
func writeFormParts(ctx context.Context, tx *sql.Tx, f *Form) error {
	if _, err := bump(ctx, tx, 0, defsPeriod); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM report_form_items WHERE form_id = $1`, `DELETE FROM report_form_assignees WHERE form_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, f.ID); err != nil {
			return err
		}
	}
	for i, it := range f.Items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_form_items (form_id, indicator_id, position) VALUES ($1, $2, $3)`, f.ID, it.ID, i); err != nil {
			return err
		}
	}
	for _, k := range f.Kinds {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_form_assignees (form_id, kind) VALUES ($1, $2)`, f.ID, string(k)); err != nil {
			return err
		}
	}
	for _, u := range f.UnitIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_form_assignees (form_id, kind, unit_id) VALUES ($1, 'unit', $2)`, f.ID, u); err != nil {
			return err
		}
	}
	return nil
}

// UpdateForm changes a form. Its period type stays (submissions exist for
// its periods).
func (s *Service) UpdateForm(ctx context.Context, actor *auth.Actor, id int64, in FormInput) (*Form, error) {
	old, err := s.GetForm(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !t.InScope(old.OwnerUnitID) {
		return nil, errs.ForbiddenErr()
	}
	in.PeriodType, in.OwnerUnitID = old.PeriodType, old.OwnerUnitID
	if in.Code == "" {
		in.Code = old.Code
	}
	_, items, err := s.checkForm(ctx, actor, &in, id)
	if err != nil {
		return nil, err
	}
	f := *old
	f.Code, f.NameVI, f.NameEN, f.DueDays, f.Active, f.Items, f.Kinds, f.UnitIDs = in.Code, in.NameVI, in.NameEN, in.DueDays, !in.Inactive, items, in.Kinds, in.UnitIDs
	f.UpdatedAt = s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE report_forms SET code = $1, name_vi = $2, name_en = $3, due_days = $4, active = $5, updated_at = $6 WHERE id = $7`,
			f.Code, f.NameVI, f.NameEN, f.DueDays, f.Active, f.UpdatedAt, id); err != nil {
			return err
		}
		if err := writeFormParts(ctx, tx, &f); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "report_form.update", Entity: "report_form",
			EntityID: fmt.Sprint(id), UnitID: f.OwnerUnitID, Before: formRecord(old), After: formRecord(&f)})
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// forms loads every form (a province has a handful), with items and
// assignees.
func (s *Service) forms(ctx context.Context, q db.Querier) ([]*Form, error) {
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT id, code, name_vi, name_en, period_type, due_days, owner_unit_id, active, created_at, updated_at
		FROM report_forms ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var out []*Form
	byID := map[int64]*Form{}
	for rows.Next() {
		f := &Form{}
		if err := rows.Scan(&f.ID, &f.Code, &f.NameVI, &f.NameEN, &f.PeriodType, &f.DueDays, &f.OwnerUnitID, &f.Active, &f.CreatedAt, &f.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, f)
		byID[f.ID] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT form_id, indicator_id FROM report_form_items ORDER BY form_id, position`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var fid, iid int64
		if err := rows.Scan(&fid, &iid); err != nil {
			rows.Close()
			return nil, err
		}
		if f, i := byID[fid], d.byID[iid]; f != nil && i != nil {
			f.Items = append(f.Items, i)
		}
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT form_id, kind, COALESCE(unit_id, 0) FROM report_form_assignees ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var fid, uid int64
		var kind string
		if err := rows.Scan(&fid, &kind, &uid); err != nil {
			return nil, err
		}
		f := byID[fid]
		switch {
		case f == nil:
		case kind == "unit":
			f.UnitIDs = append(f.UnitIDs, uid)
		default:
			f.Kinds = append(f.Kinds, Kind(kind))
		}
	}
	return out, rows.Err()
}

// Forms lists the forms that concern the actor: defined in or above their
// scope.
func (s *Service) Forms(ctx context.Context, actor *auth.Actor) ([]*Form, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.allForms(ctx, d) // kept with the definitions' generation; shared, never changed
	if err != nil {
		return nil, err
	}
	var out []*Form
	for _, f := range all {
		if ownerVisible(t, f.OwnerUnitID) {
			out = append(out, f)
		}
	}
	return out, nil
}

// GetForm returns a form the actor may see.
func (s *Service) GetForm(ctx context.Context, actor *auth.Actor, id int64) (*Form, error) {
	forms, err := s.Forms(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, f := range forms {
		if f.ID == id {
			return f, nil
		}
	}
	return nil, errs.NotFoundErr()
}

// expected lists the units that must fill form f in for period p, in
// tree order: units of the form's kinds in the owner's subtree as it was
// at the end of the period (for a period before a reorganisation, the
// subtrees of the units the owner was formed from), and the listed units
// in force then.
func (s *Service) expected(snap *org.Snapshot, f *Form, p Period) []*org.Version {
	return expectedOf(snap, s.eng.layoutAt(snap, p.End()), f, p)
}

// expectedOf is expected over lay, the tree as of p's last day.
func expectedOf(snap *org.Snapshot, lay *layout, f *Form, p Period) []*org.Version {
	d := p.End()
	roots := ownerRoots(snap, lay, f.OwnerUnitID)
	var out []*org.Version
	picked := map[int64]bool{}
	if len(f.Kinds) > 0 {
		last := int32(-1)
		for _, r := range roots {
			if r < last {
				continue // inside a subtree already walked
			}
			last = lay.end[r]
			for i := r; i < lay.end[r]; i++ {
				v := snap.At(lay.ids[i], d)
				if v == nil {
					continue
				}
				var pl org.Level
				if pp := lay.parent[i]; pp >= 0 {
					if pv := snap.At(lay.ids[pp], d); pv != nil {
						pl = pv.Level
					}
				}
				for _, k := range f.Kinds {
					if k.matches(v, pl) && !picked[v.UnitID] {
						picked[v.UnitID] = true
						out = append(out, v)
					}
				}
			}
		}
	}
	for _, u := range f.UnitIDs {
		if v := snap.At(u, d); v != nil && !picked[u] {
			picked[u] = true
			out = append(out, v)
		}
	}
	return out
}

// ownerRoots are the positions in lay of the subtrees an owner covers: its
// own, or, before it was formed, those of the units it was formed from.
func ownerRoots(snap *org.Snapshot, lay *layout, owner int64) []int32 {
	var roots []int32
	seen := map[int64]bool{}
	var add func(id int64, depth int)
	add = func(id int64, depth int) {
		if seen[id] || depth > 8 {
			return
		}
		seen[id] = true
		if pos := lay.at(id); pos >= 0 {
			roots = append(roots, pos)
			return
		}
		for _, l := range snap.Predecessors(id) {
			add(l.PredecessorID, depth+1)
		}
	}
	add(owner, 0)
	sort.Slice(roots, func(i, j int) bool { return roots[i] < roots[j] })
	return roots
}

// expects reports whether unit must fill form f in for period p.
func (s *Service) expects(snap *org.Snapshot, f *Form, p Period, unit int64) bool {
	d := p.End()
	v := snap.At(unit, d)
	if v == nil {
		return false
	}
	if oneOf(unit, f.UnitIDs) {
		return true
	}
	lay := s.eng.layoutAt(snap, d)
	pos := lay.at(unit)
	if pos < 0 {
		return false
	}
	var pl org.Level
	if pp := lay.parent[pos]; pp >= 0 {
		if pv := snap.At(lay.ids[pp], d); pv != nil {
			pl = pv.Level
		}
	}
	match := false
	for _, k := range f.Kinds {
		match = match || k.matches(v, pl)
	}
	if !match {
		return false
	}
	for _, r := range ownerRoots(snap, lay, f.OwnerUnitID) {
		if pos >= r && pos < lay.end[r] {
			return true
		}
	}
	return false
}
