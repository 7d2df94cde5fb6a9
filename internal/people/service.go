package people

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Service keeps the apparatus, people and training. Every method takes the
// acting user and checks their scope against the unit tree.
type Service struct {
	db    *db.DB
	org   *org.Service
	audit *audit.Log
	files *files.Store
	now   func() time.Time

	reports   reportCache
	apparatus apparatusCache
	list      listingCache
	pages     pageQueries // the list's page read by id (searchListed)
	// m is the register's measurer, one for the service (Measurer, Warm)
	m *measurer
}

// NewService makes the service.
func NewService(d *db.DB, o *org.Service, log *audit.Log, f *files.Store, now func() time.Time) *Service {
	d.Follow(Generation, `SELECT generation FROM people_state WHERE id = 1`)
	s := &Service{db: d, org: o, audit: log, files: f, now: now}
	s.m = newMeasurer(s)
	return s
}

// Generation names the people data's generation (moved by every write of
// this feature, see write) among those db.Generation reads.
const Generation = "people"

// writable returns the scoped tree if the actor may enter data for unit id
// on date d (the unit must be in force then).
func (s *Service) writable(ctx context.Context, actor *auth.Actor, id int64, d day.Day, field string) (*org.Scoped, *org.Version, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if !t.Exists(id) {
		return nil, nil, errs.Invalidf("org.err.unknown_unit", "ID", id).At(0, field)
	}
	if err := t.Check(id); err != nil {
		return nil, nil, err
	}
	v := t.At(id, d)
	if v == nil {
		return nil, nil, errs.Invalidf("org.err.not_in_force", "Name", t.Latest(id).Name, "Date", d.VN()).At(0, field)
	}
	return t, v, nil
}

// reading marks ctx for a read of the people feature's tables (and the
// tree's, which they join): every write of them moves Generation (write,
// and the network's members, both through Changes.Log) or the tree's,
// so a page kept by what it read (db.Watch) depends on those generations
// and not on the audit log's head.
func reading(ctx context.Context) context.Context {
	return db.Guarded(ctx, Generation, org.Generation)
}

// write runs fn in a transaction, bumps the data generation (which
// invalidates cached reports on every server), writes what fn says it
// changed to the change feed and fn's audit entries with it.
func (s *Service) write(ctx context.Context, actor *auth.Actor, fn func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error)) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		ch := &Changes{}
		entries, err := fn(tx, ch)
		if err != nil {
			return err
		}
		if err := ch.Log(ctx, tx); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
}

func entry(action, entity string, id, unit int64, before, after any) audit.Entry {
	return audit.Entry{Action: action, Entity: entity, EntityID: fmt.Sprint(id), UnitID: unit, Before: before, After: after}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// PersonInput creates or changes a person. UnitID and Since are where and
// from when they work, used only when creating (later moves are rotations).
type PersonInput struct {
	FullName   string     `json:"full_name"`
	Gender     string     `json:"gender"`
	BirthYear  int        `json:"birth_year,omitempty"`
	Title      string     `json:"title"`
	Phone      string     `json:"phone"`
	Email      string     `json:"email"`
	Employment Employment `json:"employment"`
	QualLevel  QualLevel  `json:"qualification_level"`
	QualField  string     `json:"qualification_field"`
	QualIT     bool       `json:"qualification_it"`
	UnitID     int64      `json:"unit_id,omitempty"`
	Since      day.Day    `json:"since,omitzero"`
	Decision   string     `json:"decision,omitempty"`
}

// Validate cleans the input and lists every problem; row is the input's
// row in a spreadsheet (0 for a form).
func (in *PersonInput) Validate(row int) []*errs.Error {
	in.FullName = locale.CleanString(in.FullName)
	in.Title = locale.CleanString(in.Title)
	in.Phone = strings.Join(strings.Fields(in.Phone), "")
	in.Email = strings.TrimSpace(in.Email)
	in.QualField = locale.CleanString(in.QualField)
	in.Decision = locale.CleanString(in.Decision)
	var bad []*errs.Error
	if in.FullName == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(row, "full_name"))
	}
	switch in.Gender {
	case "", "male", "female":
	default:
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", in.Gender).At(row, "gender"))
	}
	if in.BirthYear != 0 && (in.BirthYear < 1930 || in.BirthYear > 2015) {
		bad = append(bad, errs.Invalidf("people.err.bad_birth_year").At(row, "birth_year"))
	}
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil {
			bad = append(bad, errs.Invalidf("auth.err.bad_email").At(row, "email"))
		}
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		bad = append(bad, errs.Invalidf("people.err.bad_phone").At(row, "phone"))
	}
	if in.Employment == "" {
		in.Employment = CivilServant
	}
	if !oneOf(in.Employment, Employments) {
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", string(in.Employment)).At(row, "employment"))
	}
	if in.QualLevel == "" {
		in.QualLevel = QualBachelor
	}
	if !oneOf(in.QualLevel, QualLevels) {
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", string(in.QualLevel)).At(row, "qualification_level"))
	}
	return bad
}

func validPhone(p string) bool {
	p = strings.TrimPrefix(p, "+")
	if len(p) < 8 || len(p) > 15 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			if r != '.' && r != '-' {
				return false
			}
		}
	}
	return true
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// CreatePerson records a person and where they work from a date.
func (s *Service) CreatePerson(ctx context.Context, actor *auth.Actor, in PersonInput) (*Person, error) {
	if bad := in.Validate(0); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if in.Since.IsZero() {
		in.Since = s.org.Today()
	}
	if _, _, err := s.writable(ctx, actor, in.UnitID, in.Since, "unit_id"); err != nil {
		return nil, err
	}
	var p *Person
	err := s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var err error
		var entries []audit.Entry
		p, entries, err = s.insertPerson(ctx, tx, in)
		if err == nil {
			ch.Person(p.ID)
		}
		return entries, err
	})
	return p, err
}

// insertPerson writes a person and their first posting; it is shared by the
// form and the spreadsheet import.
func (s *Service) insertPerson(ctx context.Context, tx *sql.Tx, in PersonInput) (*Person, []audit.Entry, error) {
	now := s.now().UTC()
	p := &Person{FullName: in.FullName, Gender: in.Gender, BirthYear: in.BirthYear, Title: in.Title, Phone: in.Phone, Email: in.Email,
		Employment: in.Employment, QualLevel: in.QualLevel, QualField: in.QualField, QualIT: in.QualIT, CreatedAt: now, UpdatedAt: now}
	var by any
	if p.BirthYear != 0 {
		by = p.BirthYear
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO people (full_name, name_folded, gender, birth_year, title, phone, email, employment,
		qualification_level, qualification_field, qualification_it, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		p.FullName, locale.Fold(p.FullName), p.Gender, by, p.Title, p.Phone, p.Email, p.Employment, p.QualLevel, p.QualField, p.QualIT, now, now).Scan(&p.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("insert person: %w", err)
	}
	post := &Posting{PersonID: p.ID, UnitID: in.UnitID, From: in.Since, To: day.Forever, Kind: PostingInitial, Decision: in.Decision}
	if err := insertPosting(ctx, tx, post); err != nil {
		return nil, nil, err
	}
	return p, []audit.Entry{entry("person.create", "person", p.ID, in.UnitID, nil, p), entry("posting.create", "posting", post.ID, in.UnitID, nil, post)}, nil
}

func insertPosting(ctx context.Context, tx *sql.Tx, p *Posting) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO postings (person_id, unit_id, valid_from, valid_to, kind, decision, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.PersonID, p.UnitID, p.From, p.To, p.Kind, p.Decision, p.Reason).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("insert posting: %w", err)
	}
	return nil
}

func oneOrList(bad []*errs.Error) error {
	if len(bad) == 1 {
		return bad[0]
	}
	return errs.List("err.form", bad)
}

const personColumns = `id, full_name, gender, COALESCE(birth_year, 0), title, phone, email, employment, qualification_level,
	qualification_field, qualification_it, created_at, updated_at`

func scanPerson(row interface{ Scan(...any) error }) (*Person, error) {
	p := &Person{}
	err := row.Scan(&p.ID, &p.FullName, &p.Gender, &p.BirthYear, &p.Title, &p.Phone, &p.Email, &p.Employment, &p.QualLevel,
		&p.QualField, &p.QualIT, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// personUnits lists every unit a person is or was posted to or held a role in.
func personUnits(ctx context.Context, q db.Querier, id int64) ([]int64, error) {
	rows, err := q.QueryContext(reading(ctx), `SELECT unit_id FROM postings WHERE person_id = $1 UNION SELECT unit_id FROM dx_roles WHERE person_id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// postings lists a person's postings, oldest first.
func postings(ctx context.Context, q db.Querier, person int64) ([]Posting, error) {
	rows, err := q.QueryContext(reading(ctx), `SELECT id, person_id, unit_id, valid_from, valid_to, kind, decision, reason
		FROM postings WHERE person_id = $1 ORDER BY valid_from, id`, person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Posting
	for rows.Next() {
		var p Posting
		if err := rows.Scan(&p.ID, &p.PersonID, &p.UnitID, &p.From, &p.To, &p.Kind, &p.Decision, &p.Reason); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// currentPosting is the posting in force on d, or the last one.
func currentPosting(ps []Posting, d day.Day) *Posting {
	for i := range ps {
		if !d.Before(ps[i].From) && d.Before(ps[i].To) {
			return &ps[i]
		}
	}
	if len(ps) > 0 {
		return &ps[len(ps)-1]
	}
	return nil
}

// PersonView is a person with their history, as one reader may see it.
type PersonView struct {
	Person     *Person     `json:"person"`
	Postings   []Posting   `json:"postings"`
	Roles      []Role      `json:"roles"`
	Enrolments []EnrolView `json:"enrolments"`
	Current    *Posting    `json:"current_posting"`
	Writable   bool        `json:"writable"`
}

// EnrolView is an enrolment with its course.
type EnrolView struct {
	Enrolment
	Course Course `json:"course"`
}

// GetPerson returns a person if the actor's scope covers any unit they are
// or were in. Contact details are left out unless the scope covers the unit
// they work in now.
func (s *Service) GetPerson(ctx context.Context, actor *auth.Actor, id int64, d day.Day) (*PersonView, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	p, err := scanPerson(s.db.QueryRowContext(reading(ctx), `SELECT `+personColumns+` FROM people WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	units, err := personUnits(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	visible := false
	for _, u := range units {
		if t.InScope(u) {
			visible = true
		}
	}
	if !visible {
		return nil, errs.ForbiddenErr()
	}
	v := &PersonView{Person: p}
	if v.Postings, err = postings(ctx, s.db, id); err != nil {
		return nil, err
	}
	v.Current = currentPosting(v.Postings, d)
	if v.Current == nil || !t.InScope(v.Current.UnitID) {
		p.Phone, p.Email, p.ContactHidden = "", "", true
	} else {
		v.Writable = actor.Can(auth.PermEnterData)
	}
	if v.Roles, err = s.rolesWhere(ctx, `person_id = $1`, id); err != nil {
		return nil, err
	}
	if v.Enrolments, err = s.enrolmentsOf(ctx, id); err != nil {
		return nil, err
	}
	// empty lists, not null, as the API documents
	if v.Postings == nil {
		v.Postings = []Posting{}
	}
	if v.Roles == nil {
		v.Roles = []Role{}
	}
	if v.Enrolments == nil {
		v.Enrolments = []EnrolView{}
	}
	return v, nil
}

// UpdatePerson changes a person's details (not where they work: that is a
// rotation).
func (s *Service) UpdatePerson(ctx context.Context, actor *auth.Actor, id int64, in PersonInput) (*Person, error) {
	old, err := s.GetPerson(ctx, actor, id, s.org.Today())
	if err != nil {
		return nil, err
	}
	if !old.Writable {
		return nil, errs.ForbiddenErr()
	}
	if bad := in.Validate(0); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	p := *old.Person
	p.FullName, p.Gender, p.BirthYear, p.Title, p.Phone, p.Email = in.FullName, in.Gender, in.BirthYear, in.Title, in.Phone, in.Email
	p.Employment, p.QualLevel, p.QualField, p.QualIT = in.Employment, in.QualLevel, in.QualField, in.QualIT
	p.UpdatedAt = s.now().UTC()
	var by any
	if p.BirthYear != 0 {
		by = p.BirthYear
	}
	err = s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		_, err := tx.ExecContext(ctx, `UPDATE people SET full_name = $1, name_folded = $2, gender = $3, birth_year = $4, title = $5,
			phone = $6, email = $7, employment = $8, qualification_level = $9, qualification_field = $10, qualification_it = $11,
			updated_at = $12 WHERE id = $13`, p.FullName, locale.Fold(p.FullName), p.Gender, by, p.Title, p.Phone, p.Email,
			p.Employment, p.QualLevel, p.QualField, p.QualIT, p.UpdatedAt, id)
		if err != nil {
			return nil, err
		}
		ch.Person(id)
		return []audit.Entry{entry("person.update", "person", id, old.Current.UnitID, old.Person, &p)}, nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// RotateInput moves a person to another unit from a date.
type RotateInput struct {
	ToUnitID int64       `json:"to_unit_id"`
	Date     day.Day     `json:"date"`
	Kind     PostingKind `json:"kind"` // rotation or transfer
	Decision string      `json:"decision"`
	Reason   string      `json:"reason"`
	// EndRoles ends the person's DX roles in units other than the new one
	// on the same date (they no longer work there).
	EndRoles bool `json:"end_roles"`
}

// Rotate ends a person's current posting and begins one in another unit,
// keeping the history. The actor's scope must cover both units.
func (s *Service) Rotate(ctx context.Context, actor *auth.Actor, id int64, in RotateInput) error {
	if in.Date.IsZero() {
		return errs.Invalidf("org.err.date_required").At(0, "date")
	}
	if in.Kind == "" {
		in.Kind = PostingRotation
	}
	if in.Kind != PostingRotation && in.Kind != PostingTransfer {
		return errs.Invalidf("people.err.bad_value", "Value", string(in.Kind)).At(0, "kind")
	}
	in.Decision, in.Reason = locale.CleanString(in.Decision), locale.CleanString(in.Reason)
	view, err := s.GetPerson(ctx, actor, id, in.Date)
	if err != nil {
		return err
	}
	if !view.Writable {
		return errs.ForbiddenErr()
	}
	if _, _, err := s.writable(ctx, actor, in.ToUnitID, in.Date, "to_unit_id"); err != nil {
		return err
	}
	cur := view.Current
	if cur.UnitID == in.ToUnitID && cur.To.IsForever() {
		return errs.Invalidf("org.err.nothing_changed").At(0, "to_unit_id")
	}
	if !in.Date.After(cur.From) {
		return errs.Invalidf("people.err.before_start", "Date", cur.From.VN()).At(0, "date")
	}
	for _, p := range view.Postings {
		if p.From.After(in.Date) {
			return errs.Invalidf("people.err.later_posting", "Date", p.From.VN()).At(0, "date")
		}
	}
	return s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var entries []audit.Entry
		ch.Person(id)
		if cur.To.After(in.Date) {
			if _, err := tx.ExecContext(ctx, `UPDATE postings SET valid_to = $1 WHERE id = $2`, in.Date, cur.ID); err != nil {
				return nil, err
			}
			ended := *cur
			ended.To = in.Date
			entries = append(entries, entry("posting.end", "posting", cur.ID, cur.UnitID, cur, &ended))
		}
		next := &Posting{PersonID: id, UnitID: in.ToUnitID, From: in.Date, To: day.Forever, Kind: in.Kind, Decision: in.Decision, Reason: in.Reason}
		if err := insertPosting(ctx, tx, next); err != nil {
			return nil, err
		}
		entries = append(entries, entry("posting."+string(in.Kind), "posting", next.ID, in.ToUnitID, cur, next))
		if in.EndRoles {
			for _, r := range view.Roles {
				if r.UnitID != in.ToUnitID && r.To.After(in.Date) && in.Date.After(r.From) {
					if _, err := tx.ExecContext(ctx, `UPDATE dx_roles SET valid_to = $1 WHERE id = $2`, in.Date, r.ID); err != nil {
						return nil, err
					}
					ended := r
					ended.To = in.Date
					ch.Unit(r.UnitID)
					entries = append(entries, entry("role.end", "dx_role", r.ID, r.UnitID, r, ended))
				}
			}
		}
		return entries, nil
	})
}
