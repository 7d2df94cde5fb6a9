package network

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// OrgInput records an organisation joining a unit's network, or corrects it.
type OrgInput struct {
	UnitID       int64   `json:"unit_id"`
	Name         string  `json:"name"`
	Kind         OrgKind `json:"kind"`
	Contribution string  `json:"contribution"`
	Contact      string  `json:"contact"`
	Phone        string  `json:"phone"`
	From         day.Day `json:"valid_from,omitzero"` // joined; today if absent
	AreaIDs      []int64 `json:"area_unit_ids"`       // where it contributes: units of the network's unit
}

func (s *Service) validateOrg(in *OrgInput) []*errs.Error {
	in.Name, in.Contribution, in.Contact = locale.CleanString(in.Name), locale.CleanString(in.Contribution), locale.CleanString(in.Contact)
	in.Phone = cleanPhone(in.Phone)
	if in.From.IsZero() {
		in.From = s.today()
	}
	var bad []*errs.Error
	if in.Name == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "name"))
	}
	if !oneOf(in.Kind, OrgKinds) {
		bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", string(in.Kind)).At(0, "kind"))
	}
	if in.Contribution == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "contribution"))
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		bad = append(bad, errs.Invalidf("people.err.bad_phone").At(0, "phone"))
	}
	bad = s.notFuture(bad, in.From, 0, "valid_from")
	bad = tooLong(bad, in.Name, 200, 0, "name")
	bad = tooLong(bad, in.Contribution, 2000, 0, "contribution")
	bad = tooLong(bad, in.Contact, 200, 0, "contact")
	if len(in.AreaIDs) > 500 {
		bad = append(bad, errs.Invalidf("network.err.too_many_areas", "Max", 500).At(0, "area_unit_ids"))
	}
	return bad
}

// checkAreas keeps the distinct areas, each of which must be the network's
// unit or lie under it.
func checkAreas(t *org.Scoped, unit int64, ids []int64) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		if !t.Exists(id) {
			return nil, errs.Invalidf("org.err.unknown_unit", "ID", id).At(0, "area_unit_ids")
		}
		if !t.Covers(unit, id) {
			return nil, errs.Invalidf("network.err.area_outside", "Name", t.Latest(id).Name).At(0, "area_unit_ids")
		}
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	if out == nil {
		out = []int64{}
	}
	return out, nil
}

// CreateOrg records an organisation taking part in a unit's network.
func (s *Service) CreateOrg(ctx context.Context, actor *auth.Actor, in OrgInput) (*Org, error) {
	if bad := s.validateOrg(&in); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	t, _, err := s.writableUnit(ctx, actor, in.UnitID, in.From, "unit_id")
	if err != nil {
		return nil, err
	}
	if in.AreaIDs, err = checkAreas(t, in.UnitID, in.AreaIDs); err != nil {
		return nil, err
	}
	o := &Org{UnitID: in.UnitID, Name: in.Name, Kind: in.Kind, Contribution: in.Contribution, Contact: in.Contact, Phone: in.Phone,
		From: in.From, To: day.Forever, AreaIDs: in.AreaIDs, CreatedAt: s.now().UTC()}
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		if err := tx.QueryRowContext(ctx, `INSERT INTO net_orgs (unit_id, name, name_folded, kind, contribution, contact, phone, valid_from, valid_to, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, o.UnitID, o.Name, locale.Fold(o.Name), o.Kind, o.Contribution,
			o.Contact, o.Phone, o.From, o.To, o.CreatedAt).Scan(&o.ID); err != nil {
			return nil, fmt.Errorf("insert org: %w", err)
		}
		if err := setAreas(ctx, tx, o.ID, o.AreaIDs); err != nil {
			return nil, err
		}
		return []audit.Entry{entry("net_org.create", "net_org", o.ID, o.UnitID, nil, o)}, nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func setAreas(ctx context.Context, tx *sql.Tx, id int64, areas []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM net_org_areas WHERE org_id = $1`, id); err != nil {
		return err
	}
	for _, a := range areas {
		if _, err := tx.ExecContext(ctx, `INSERT INTO net_org_areas (org_id, unit_id) VALUES ($1, $2)`, id, a); err != nil {
			return fmt.Errorf("insert org area: %w", err)
		}
	}
	return nil
}

const orgColumns = `id, unit_id, name, kind, contribution, contact, phone, valid_from, valid_to, created_at`

func orgsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]Org, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+orgColumns+` FROM net_orgs WHERE `+where+` ORDER BY name_folded, id`, args...)
	if err != nil {
		return nil, err
	}
	var out []Org
	for rows.Next() {
		var o Org
		if err := rows.Scan(&o.ID, &o.UnitID, &o.Name, &o.Kind, &o.Contribution, &o.Contact, &o.Phone, &o.From, &o.To, &o.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		o.AreaIDs = []int64{}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		ar, err := q.QueryContext(ctx, `SELECT unit_id FROM net_org_areas WHERE org_id = $1 ORDER BY unit_id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for ar.Next() {
			var u int64
			if err := ar.Scan(&u); err != nil {
				ar.Close()
				return nil, err
			}
			out[i].AreaIDs = append(out[i].AreaIDs, u)
		}
		ar.Close()
		if err := ar.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// orgFor loads an organisation the actor may see (write: and change).
func (s *Service) orgFor(ctx context.Context, actor *auth.Actor, id int64, write bool) (*org.Scoped, *Org, error) {
	if write && !actor.Can(auth.PermEnterData) {
		return nil, nil, errs.ForbiddenErr()
	}
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	os, err := orgsWhere(ctx, s.db, `id = $1`, id)
	if err != nil {
		return nil, nil, err
	}
	if len(os) == 0 {
		return nil, nil, errs.NotFoundErr()
	}
	if err := t.Check(os[0].UnitID); err != nil {
		return nil, nil, err
	}
	return t, &os[0], nil
}

// GetOrg returns a network organisation.
func (s *Service) GetOrg(ctx context.Context, actor *auth.Actor, id int64) (*Org, error) {
	_, o, err := s.orgFor(ctx, actor, id, false)
	return o, err
}

// UpdateOrg corrects what is recorded of an organisation.
func (s *Service) UpdateOrg(ctx context.Context, actor *auth.Actor, id int64, in OrgInput) (*Org, error) {
	t, old, err := s.orgFor(ctx, actor, id, true)
	if err != nil {
		return nil, err
	}
	in.UnitID = old.UnitID
	if in.From.IsZero() {
		in.From = old.From
	}
	if bad := s.validateOrg(&in); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if !old.To.IsForever() && !in.From.Before(old.To) {
		return nil, errs.Invalidf("network.err.end_before_start", "Date", in.From.VN()).At(0, "valid_from")
	}
	if in.AreaIDs, err = checkAreas(t, old.UnitID, in.AreaIDs); err != nil {
		return nil, err
	}
	next := *old
	next.Name, next.Kind, next.Contribution, next.Contact, next.Phone, next.From, next.AreaIDs = in.Name, in.Kind, in.Contribution, in.Contact, in.Phone, in.From, in.AreaIDs
	if next.AreaIDs == nil {
		next.AreaIDs = []int64{}
	}
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE net_orgs SET name = $1, name_folded = $2, kind = $3, contribution = $4, contact = $5, phone = $6,
			valid_from = $7 WHERE id = $8`, next.Name, locale.Fold(next.Name), next.Kind, next.Contribution, next.Contact, next.Phone, next.From, id); err != nil {
			return nil, err
		}
		if err := setAreas(ctx, tx, id, next.AreaIDs); err != nil {
			return nil, err
		}
		return []audit.Entry{entry("net_org.update", "net_org", id, old.UnitID, old, &next)}, nil
	})
	if err != nil {
		return nil, err
	}
	return &next, nil
}

// EndOrg records that an organisation left the network on a date.
func (s *Service) EndOrg(ctx context.Context, actor *auth.Actor, id int64, in EndInput) error {
	_, o, err := s.orgFor(ctx, actor, id, true)
	if err != nil {
		return err
	}
	if err := s.validateEnd(&in, o.From, o.To); err != nil {
		return err
	}
	return s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE net_orgs SET valid_to = $1 WHERE id = $2`, in.Date, id); err != nil {
			return nil, err
		}
		after := *o
		after.To = in.Date
		return []audit.Entry{entry("net_org.end", "net_org", id, o.UnitID, o, &after)}, nil
	})
}

// OrgRow is an organisation in a list, with the names of its areas.
type OrgRow struct {
	Org
	Unit     string   `json:"unit"`
	Areas    []string `json:"areas"`    // the names of its areas in the reader's scope
	Openable bool     `json:"openable"` // the reader's scope covers its unit
}

// ListOrgs lists the organisations in the network of unit or of any unit
// under it (or above it, in the actor's scope: a commune sees the
// province's telecom companies that work in it), as of d; with past ones,
// those that have left too.
func (s *Service) ListOrgs(ctx context.Context, actor *auth.Actor, unit int64, d day.Day, past bool) ([]OrgRow, error) {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	all, err := orgsWhere(ctx, s.db, `1 = 1`)
	if err != nil {
		return nil, err
	}
	out := []OrgRow{}
	for _, o := range all {
		current := !d.Before(o.From) && d.Before(o.To)
		if !current && !(past && !d.Before(o.From)) {
			continue
		}
		// an organisation of the unit's subtree, or one of a unit above
		// that works somewhere in it
		relevant := t.InScope(o.UnitID) && t.Covers(unit, o.UnitID)
		if !relevant && t.Covers(o.UnitID, unit) {
			for _, a := range o.AreaIDs {
				if t.Covers(unit, a) || t.Covers(a, unit) {
					relevant = true
					break
				}
			}
		}
		if !relevant {
			continue
		}
		row := OrgRow{Org: o, Areas: []string{}, Openable: t.InScope(o.UnitID)}
		if v := t.Latest(o.UnitID); v != nil {
			row.Unit = v.Name
		}
		shown := []int64{}
		for _, a := range o.AreaIDs {
			if !t.InScope(a) {
				continue
			}
			shown = append(shown, a)
			if v := t.At(a, d); v != nil {
				row.Areas = append(row.Areas, v.Name)
			} else if v := t.Latest(a); v != nil {
				row.Areas = append(row.Areas, v.Name)
			}
		}
		if !row.Openable {
			row.AreaIDs = shown
		}
		out = append(out, row)
	}
	return out, nil
}
