package people

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"sync"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// RoleInput gives someone (or, with PersonID 0, nobody: a vacancy) a DX
// role in a unit from a date.
type RoleInput struct {
	UnitID   int64    `json:"unit_id"`
	PersonID int64    `json:"person_id,omitempty"`
	Role     RoleKind `json:"role"`
	Mode     Mode     `json:"mode"`
	From     day.Day  `json:"valid_from"`
	Decision string   `json:"decision"`
	Note     string   `json:"note"`
}

func (in *RoleInput) validate(row int) []*errs.Error {
	in.Decision, in.Note = locale.CleanString(in.Decision), locale.CleanString(in.Note)
	var bad []*errs.Error
	if !oneOf(in.Role, RoleKinds) {
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", string(in.Role)).At(row, "role"))
	}
	if in.Mode != Dedicated && in.Mode != Concurrent {
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", string(in.Mode)).At(row, "mode"))
	}
	if in.From.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(row, "valid_from"))
	}
	return bad
}

// AssignRole records a DX role (or a vacancy) in a unit.
func (s *Service) AssignRole(ctx context.Context, actor *auth.Actor, in RoleInput) (*Role, error) {
	if bad := in.validate(0); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if _, _, err := s.writable(ctx, actor, in.UnitID, in.From, "unit_id"); err != nil {
		return nil, err
	}
	if in.PersonID != 0 {
		if _, err := s.GetPerson(ctx, actor, in.PersonID, in.From); err != nil {
			if errs.KindOf(err) == errs.NotFound {
				return nil, errs.Invalidf("people.err.unknown_person", "ID", in.PersonID).At(0, "person_id")
			}
			return nil, err
		}
	}
	var r *Role
	err := s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		if in.PersonID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dx_roles WHERE person_id = $1 AND unit_id = $2 AND role = $3
				AND valid_from <= $4 AND $4 < valid_to`, in.PersonID, in.UnitID, in.Role, in.From).Scan(&n); err != nil {
				return nil, err
			}
			if n > 0 {
				return nil, errs.New(errs.Conflict, "people.err.role_held").At(0, "person_id")
			}
		}
		var err error
		r, err = insertRole(ctx, tx, in)
		if err != nil {
			return nil, err
		}
		ch.Unit(r.UnitID)
		ch.Person(r.PersonID)
		return []audit.Entry{entry("role.assign", "dx_role", r.ID, r.UnitID, nil, r)}, nil
	})
	return r, err
}

func insertRole(ctx context.Context, tx *sql.Tx, in RoleInput) (*Role, error) {
	r := &Role{UnitID: in.UnitID, PersonID: in.PersonID, Role: in.Role, Mode: in.Mode, From: in.From, To: day.Forever, Decision: in.Decision, Note: in.Note}
	err := tx.QueryRowContext(ctx, `INSERT INTO dx_roles (unit_id, person_id, role, mode, valid_from, valid_to, decision, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, r.UnitID, nullID(r.PersonID), r.Role, r.Mode, r.From, r.To, r.Decision, r.Note).Scan(&r.ID)
	if err != nil {
		return nil, fmt.Errorf("insert role: %w", err)
	}
	return r, nil
}

const roleColumns = `id, unit_id, COALESCE(person_id, 0), role, mode, valid_from, valid_to, decision, note`

func (s *Service) rolesWhere(ctx context.Context, where string, args ...any) ([]Role, error) {
	return queryRoles(ctx, s.db, where, args...)
}

func queryRoles(ctx context.Context, q db.Querier, where string, args ...any) ([]Role, error) {
	rows, err := q.QueryContext(reading(ctx), `SELECT `+roleColumns+` FROM dx_roles WHERE `+where+` ORDER BY valid_from, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Role
	for rows.Next() {
		var r Role
		if err := rows.Scan(&r.ID, &r.UnitID, &r.PersonID, &r.Role, &r.Mode, &r.From, &r.To, &r.Decision, &r.Note); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// roleInScope loads a role the actor may change.
func (s *Service) roleInScope(ctx context.Context, actor *auth.Actor, id int64, d day.Day) (*Role, error) {
	rs, err := s.rolesWhere(ctx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, errs.NotFoundErr()
	}
	if _, _, err := s.writable(ctx, actor, rs[0].UnitID, rs[0].From, "unit_id"); err != nil {
		return nil, err
	}
	return &rs[0], nil
}

// EndRole ends a role (or closes a vacancy) on a date.
func (s *Service) EndRole(ctx context.Context, actor *auth.Actor, id int64, d day.Day, note string) error {
	r, err := s.roleInScope(ctx, actor, id, d)
	if err != nil {
		return err
	}
	if d.IsZero() {
		return errs.Invalidf("org.err.date_required").At(0, "date")
	}
	if !d.After(r.From) || !d.Before(r.To) {
		return errs.Invalidf("people.err.end_outside", "From", r.From.VN()).At(0, "date")
	}
	return s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		ended := *r
		ended.To = d
		if note = locale.CleanString(note); note != "" {
			ended.Note = note
		}
		if _, err := tx.ExecContext(ctx, `UPDATE dx_roles SET valid_to = $1, note = $2 WHERE id = $3`, d, ended.Note, id); err != nil {
			return nil, err
		}
		ch.Unit(r.UnitID)
		ch.Person(r.PersonID)
		return []audit.Entry{entry("role.end", "dx_role", id, r.UnitID, r, &ended)}, nil
	})
}

// FillVacancy gives a vacant role to a person from a date: the vacancy ends
// and the same role begins with the person, so both stay in the history.
func (s *Service) FillVacancy(ctx context.Context, actor *auth.Actor, id, personID int64, d day.Day, decision string) (*Role, error) {
	r, err := s.roleInScope(ctx, actor, id, d)
	if err != nil {
		return nil, err
	}
	if !r.Vacant() {
		return nil, errs.Invalidf("people.err.not_vacant").At(0, "role_id")
	}
	if d.IsZero() || d.Before(r.From) || !d.Before(r.To) {
		return nil, errs.Invalidf("people.err.end_outside", "From", r.From.VN()).At(0, "date")
	}
	if _, err := s.GetPerson(ctx, actor, personID, d); err != nil {
		if errs.KindOf(err) == errs.NotFound {
			return nil, errs.Invalidf("people.err.unknown_person", "ID", personID).At(0, "person_id")
		}
		return nil, err
	}
	var filled *Role
	err = s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var entries []audit.Entry
		if d.Equal(r.From) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM dx_roles WHERE id = $1`, id); err != nil {
				return nil, err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE dx_roles SET valid_to = $1 WHERE id = $2`, d, id); err != nil {
			return nil, err
		}
		entries = append(entries, entry("role.vacancy_filled", "dx_role", id, r.UnitID, r, nil))
		var err error
		filled, err = insertRole(ctx, tx, RoleInput{UnitID: r.UnitID, PersonID: personID, Role: r.Role, Mode: r.Mode, From: d,
			Decision: locale.CleanString(decision), Note: r.Note})
		if err != nil {
			return nil, err
		}
		ch.Unit(r.UnitID)
		ch.Person(personID)
		return append(entries, entry("role.assign", "dx_role", filled.ID, r.UnitID, nil, filled)), nil
	})
	return filled, err
}

// CommitteeInput sets up a steering committee.
type CommitteeInput struct {
	UnitID         int64   `json:"unit_id"`
	Name           string  `json:"name"`
	DecisionNumber string  `json:"decision_number"`
	DecisionDate   day.Day `json:"decision_date"`
	Signer         string  `json:"signer"`
	From           day.Day `json:"valid_from"` // the decision date if empty
}

// CreateCommittee records a unit's steering committee. A committee set up
// while another is in force replaces it from that date (kiện toàn).
func (s *Service) CreateCommittee(ctx context.Context, actor *auth.Actor, in CommitteeInput) (*Committee, error) {
	in.Name, in.DecisionNumber, in.Signer = locale.CleanString(in.Name), locale.CleanString(in.DecisionNumber), locale.CleanString(in.Signer)
	var bad []*errs.Error
	if in.Name == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "name"))
	}
	if in.DecisionNumber == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "decision_number"))
	}
	if in.DecisionDate.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(0, "decision_date"))
	}
	if in.From.IsZero() {
		in.From = in.DecisionDate
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if in.From.Before(in.DecisionDate) {
		return nil, errs.Invalidf("people.err.before_decision").At(0, "valid_from")
	}
	if _, _, err := s.writable(ctx, actor, in.UnitID, in.From, "unit_id"); err != nil {
		return nil, err
	}
	c := &Committee{UnitID: in.UnitID, Name: in.Name, DecisionNumber: in.DecisionNumber, DecisionDate: in.DecisionDate, Signer: in.Signer, From: in.From, To: day.Forever}
	err := s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var entries []audit.Entry
		prev, err := committeesWhere(ctx, tx, `unit_id = $1 AND valid_from <= $2 AND $2 < valid_to`, in.UnitID, in.From)
		if err != nil {
			return nil, err
		}
		for _, p := range prev {
			if !in.From.After(p.From) {
				return nil, errs.Invalidf("people.err.committee_same_day").At(0, "valid_from")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE committees SET valid_to = $1 WHERE id = $2`, in.From, p.ID); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE committee_members SET valid_to = $1 WHERE committee_id = $2 AND valid_to > $1 AND valid_from < $1`, in.From, p.ID); err != nil {
				return nil, err
			}
			ended := p
			ended.To = in.From
			entries = append(entries, entry("committee.replace", "committee", p.ID, p.UnitID, p, ended))
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO committees (unit_id, name, decision_number, decision_date, signer, valid_from, valid_to)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.UnitID, c.Name, c.DecisionNumber, c.DecisionDate, c.Signer, c.From, c.To).Scan(&c.ID); err != nil {
			return nil, err
		}
		ch.Unit(c.UnitID)
		return append(entries, entry("committee.create", "committee", c.ID, c.UnitID, nil, c)), nil
	})
	return c, err
}

func committeesWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]Committee, error) {
	rows, err := q.QueryContext(reading(ctx), `SELECT id, unit_id, name, decision_number, decision_date, signer, valid_from, valid_to
		FROM committees WHERE `+where+` ORDER BY valid_from, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Committee
	for rows.Next() {
		var c Committee
		if err := rows.Scan(&c.ID, &c.UnitID, &c.Name, &c.DecisionNumber, &c.DecisionDate, &c.Signer, &c.From, &c.To); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MemberInput seats a person on a committee.
type MemberInput struct {
	PersonID int64      `json:"person_id"`
	Role     MemberRole `json:"role"`
	From     day.Day    `json:"valid_from"`
}

// AddMember seats a person on a committee from a date.
func (s *Service) AddMember(ctx context.Context, actor *auth.Actor, committeeID int64, in MemberInput) (*Member, error) {
	cs, err := committeesWhere(ctx, s.db, `id = $1`, committeeID)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errs.NotFoundErr()
	}
	c := cs[0]
	if in.From.IsZero() {
		in.From = c.From
	}
	if _, _, err := s.writable(ctx, actor, c.UnitID, in.From, "unit_id"); err != nil {
		return nil, err
	}
	if !oneOf(in.Role, MemberRoles) {
		return nil, errs.Invalidf("people.err.bad_value", "Value", string(in.Role)).At(0, "role")
	}
	if in.From.Before(c.From) || !in.From.Before(c.To) {
		return nil, errs.Invalidf("people.err.end_outside", "From", c.From.VN()).At(0, "valid_from")
	}
	if _, err := s.GetPerson(ctx, actor, in.PersonID, in.From); err != nil {
		if errs.KindOf(err) == errs.NotFound {
			return nil, errs.Invalidf("people.err.unknown_person", "ID", in.PersonID).At(0, "person_id")
		}
		return nil, err
	}
	m := &Member{CommitteeID: committeeID, PersonID: in.PersonID, Role: in.Role, From: in.From, To: c.To}
	err = s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM committee_members WHERE committee_id = $1 AND person_id = $2 AND valid_from <= $3 AND $3 < valid_to`,
			committeeID, in.PersonID, in.From).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, errs.New(errs.Conflict, "people.err.already_member").At(0, "person_id")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO committee_members (committee_id, person_id, role, valid_from, valid_to)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, m.CommitteeID, m.PersonID, m.Role, m.From, m.To).Scan(&m.ID); err != nil {
			return nil, err
		}
		ch.Unit(c.UnitID)
		ch.Person(m.PersonID)
		return []audit.Entry{entry("committee.member_add", "committee_member", m.ID, c.UnitID, nil, m)}, nil
	})
	return m, err
}

// EndMember ends a person's seat on a committee on a date.
func (s *Service) EndMember(ctx context.Context, actor *auth.Actor, memberID int64, d day.Day) error {
	var m Member
	var unit int64
	err := s.db.QueryRowContext(reading(ctx), `SELECT m.id, m.committee_id, m.person_id, m.role, m.valid_from, m.valid_to, c.unit_id
		FROM committee_members m JOIN committees c ON c.id = m.committee_id WHERE m.id = $1`, memberID).
		Scan(&m.ID, &m.CommitteeID, &m.PersonID, &m.Role, &m.From, &m.To, &unit)
	if db.IsNoRows(err) {
		return errs.NotFoundErr()
	}
	if err != nil {
		return err
	}
	if _, _, err := s.writable(ctx, actor, unit, m.From, "unit_id"); err != nil {
		return err
	}
	if d.IsZero() || !d.After(m.From) || !d.Before(m.To) {
		return errs.Invalidf("people.err.end_outside", "From", m.From.VN()).At(0, "date")
	}
	return s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE committee_members SET valid_to = $1 WHERE id = $2`, d, memberID); err != nil {
			return nil, err
		}
		ended := m
		ended.To = d
		ch.Unit(unit)
		ch.Person(m.PersonID)
		return []audit.Entry{entry("committee.member_end", "committee_member", memberID, unit, m, ended)}, nil
	})
}

// FocalUnitInput names the sub-unit that holds a unit's DX function.
type FocalUnitInput struct {
	UnitID       int64     `json:"unit_id"`
	HolderUnitID int64     `json:"holder_unit_id,omitempty"`
	HolderName   string    `json:"holder_name"`
	Kind         FocalKind `json:"kind"`
	From         day.Day   `json:"valid_from"`
	Decision     string    `json:"decision"`
}

// SetFocalUnit records which sub-unit holds a unit's DX function from a
// date; the one of the same kind in force before ends then.
func (s *Service) SetFocalUnit(ctx context.Context, actor *auth.Actor, in FocalUnitInput) (*FocalUnit, error) {
	in.HolderName, in.Decision = locale.CleanString(in.HolderName), locale.CleanString(in.Decision)
	if in.Kind != Specialised && in.Kind != FocalPart {
		return nil, errs.Invalidf("people.err.bad_value", "Value", string(in.Kind)).At(0, "kind")
	}
	if in.From.IsZero() {
		return nil, errs.Invalidf("org.err.date_required").At(0, "valid_from")
	}
	t, _, err := s.writable(ctx, actor, in.UnitID, in.From, "unit_id")
	if err != nil {
		return nil, err
	}
	if in.HolderUnitID != 0 {
		h := t.At(in.HolderUnitID, in.From)
		if h == nil || !t.InScope(in.HolderUnitID) {
			return nil, errs.Invalidf("org.err.unknown_unit", "ID", in.HolderUnitID).At(0, "holder_unit_id")
		}
		if in.HolderName == "" {
			in.HolderName = h.Name
		}
	}
	if in.HolderName == "" {
		return nil, errs.Invalidf("import.err.required").At(0, "holder_name")
	}
	f := &FocalUnit{UnitID: in.UnitID, HolderUnitID: in.HolderUnitID, HolderName: in.HolderName, Kind: in.Kind, From: in.From, To: day.Forever, Decision: in.Decision}
	err = s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var entries []audit.Entry
		prev, err := focalUnitsWhere(ctx, tx, `unit_id = $1 AND kind = $2 AND valid_from <= $3 AND $3 < valid_to`, in.UnitID, in.Kind, in.From)
		if err != nil {
			return nil, err
		}
		for _, p := range prev {
			if !in.From.After(p.From) {
				return nil, errs.Invalidf("people.err.committee_same_day").At(0, "valid_from")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE focal_units SET valid_to = $1 WHERE id = $2`, in.From, p.ID); err != nil {
				return nil, err
			}
			ended := p
			ended.To = in.From
			entries = append(entries, entry("focal_unit.replace", "focal_unit", p.ID, p.UnitID, p, ended))
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO focal_units (unit_id, holder_unit_id, holder_name, kind, valid_from, valid_to, decision)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, f.UnitID, nullID(f.HolderUnitID), f.HolderName, f.Kind, f.From, f.To, f.Decision).Scan(&f.ID); err != nil {
			return nil, err
		}
		ch.Unit(f.UnitID)
		return append(entries, entry("focal_unit.set", "focal_unit", f.ID, f.UnitID, nil, f)), nil
	})
	return f, err
}

func focalUnitsWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]FocalUnit, error) {
	rows, err := q.QueryContext(reading(ctx), `SELECT id, unit_id, COALESCE(holder_unit_id, 0), holder_name, kind, valid_from, valid_to, decision
		FROM focal_units WHERE `+where+` ORDER BY valid_from, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FocalUnit
	for rows.Next() {
		var f FocalUnit
		if err := rows.Scan(&f.ID, &f.UnitID, &f.HolderUnitID, &f.HolderName, &f.Kind, &f.From, &f.To, &f.Decision); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Apparatus is a unit's DX apparatus as of a date.
type Apparatus struct {
	UnitID     int64           `json:"unit_id"`
	AsOf       day.Day         `json:"as_of"`
	Committees []CommitteeView `json:"committees"`
	FocalUnits []FocalUnit     `json:"focal_units"`
	Roles      []RoleView      `json:"roles"`
	Writable   bool            `json:"writable"`
}

// CommitteeView is a committee with its members on the date.
type CommitteeView struct {
	Committee
	Members []MemberView `json:"members"`
}

// MemberView is a seat with the person in it.
type MemberView struct {
	Member
	Name  string `json:"name"`
	Title string `json:"title"`
}

// RoleView is a role with the person holding it (none for a vacancy).
type RoleView struct {
	Role
	Name    string `json:"name,omitempty"`
	Title   string `json:"title,omitempty"`
	Trained bool   `json:"trained_this_year"`
}

// GetApparatus returns a unit's committee, focal units and DX roles in force
// on d.
func (s *Service) GetApparatus(ctx context.Context, actor *auth.Actor, unitID int64, d day.Day) (*Apparatus, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unitID); err != nil {
		return nil, err
	}
	gen, err := s.db.Generation(ctx, Generation)
	if err != nil {
		return nil, err
	}
	k := apparatusKey{unitID, d}
	a, ok := s.apparatus.get(gen, k)
	if !ok {
		if a, err = s.readApparatus(ctx, unitID, d); err != nil {
			return nil, err
		}
		s.apparatus.put(gen, k, a)
	}
	c := *a
	c.Writable = actor.Can(auth.PermEnterData) && t.At(unitID, d) != nil
	return &c, nil
}

// A unit's apparatus is shown on its page, read far more often than it
// changes: it is kept in memory while the people data's generation stands
// (every write of this feature moves it), at most MaxCachedApparatus units
// and dates (past it the cache starts again empty).
type apparatusKey struct {
	unit int64
	d    day.Day
}

// MaxCachedApparatus bounds the apparatus cache (a few kilobytes each).
const MaxCachedApparatus = 10_000

type apparatusCache struct {
	mu  sync.Mutex
	gen int64
	m   map[apparatusKey]*Apparatus
}

func (c *apparatusCache) get(gen int64, k apparatusKey) (*Apparatus, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.m[k]
	return a, ok && c.gen == gen
}

func (c *apparatusCache) put(gen int64, k apparatusKey, a *Apparatus) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.m == nil || len(c.m) >= MaxCachedApparatus {
		c.gen, c.m = gen, map[apparatusKey]*Apparatus{}
	}
	c.m[k] = a
}

// readApparatus reads a unit's apparatus on d (for every reader: Writable
// is the caller's).
func (s *Service) readApparatus(ctx context.Context, unitID int64, d day.Day) (*Apparatus, error) {
	a := &Apparatus{UnitID: unitID, AsOf: d, Committees: []CommitteeView{}, Roles: []RoleView{}}
	cs, err := committeesWhere(ctx, s.db, `unit_id = $1 AND valid_from <= $2 AND $2 < valid_to`, unitID, d)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		cv := CommitteeView{Committee: c, Members: []MemberView{}}
		rows, err := s.db.QueryContext(reading(ctx), `SELECT m.id, m.committee_id, m.person_id, m.role, m.valid_from, m.valid_to, p.full_name, p.title
			FROM committee_members m JOIN people p ON p.id = m.person_id
			WHERE m.committee_id = $1 AND m.valid_from <= $2 AND $2 < m.valid_to`, c.ID, d)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m MemberView
			if err := rows.Scan(&m.ID, &m.CommitteeID, &m.PersonID, &m.Role, &m.From, &m.To, &m.Name, &m.Title); err != nil {
				rows.Close()
				return nil, err
			}
			cv.Members = append(cv.Members, m)
		}
		rows.Close()
		sortMembers(cv.Members)
		a.Committees = append(a.Committees, cv)
	}
	if a.FocalUnits, err = focalUnitsWhere(ctx, s.db, `unit_id = $1 AND valid_from <= $2 AND $2 < valid_to`, unitID, d); err != nil {
		return nil, err
	}
	if a.FocalUnits == nil { // an empty list, not null, as the API documents
		a.FocalUnits = []FocalUnit{}
	}
	rows, err := s.db.QueryContext(reading(ctx), `SELECT r.id, r.unit_id, COALESCE(r.person_id, 0), r.role, r.mode, r.valid_from, r.valid_to, r.decision, r.note,
		COALESCE(p.full_name, ''), COALESCE(p.title, ''),
		CASE WHEN EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = r.person_id AND e.status = 'completed'
			AND e.completed_on >= $3 AND e.completed_on <= $2) THEN 1 ELSE 0 END
		FROM dx_roles r LEFT JOIN people p ON p.id = r.person_id
		WHERE r.unit_id = $1 AND r.valid_from <= $2 AND $2 < r.valid_to ORDER BY r.role, p.full_name`, unitID, d, day.Of(d.Year(), 1, 1))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r RoleView
		var trained int
		if err := rows.Scan(&r.ID, &r.UnitID, &r.PersonID, &r.Role.Role, &r.Mode, &r.From, &r.To, &r.Decision, &r.Note, &r.Name, &r.Title, &trained); err != nil {
			return nil, err
		}
		r.Trained = trained == 1
		a.Roles = append(a.Roles, r)
	}
	return a, rows.Err()
}

func sortMembers(ms []MemberView) {
	rank := map[MemberRole]int{}
	for i, r := range MemberRoles {
		rank[r] = i
	}
	col := locale.NewCollator()
	sort.SliceStable(ms, func(i, j int) bool {
		if rank[ms[i].Role] != rank[ms[j].Role] {
			return rank[ms[i].Role] < rank[ms[j].Role]
		}
		return col.Compare(ms[i].Name, ms[j].Name) < 0
	})
}
