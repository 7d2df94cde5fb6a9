package network

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// MemberInput adds someone to a team from a date: a person already
// recorded (PersonID), or a new one (FullName and the fields after it),
// who is then recorded in the people feature as working in the team's
// village, so that their training counts like anyone's.
type MemberInput struct {
	PersonID    int64       `json:"person_id,omitempty"`
	FullName    string      `json:"full_name,omitempty"`
	Gender      string      `json:"gender,omitempty"`
	BirthYear   int         `json:"birth_year,omitempty"`
	Role        Role        `json:"role"`
	Affiliation Affiliation `json:"affiliation"`
	Phone       string      `json:"phone"`
	From        day.Day     `json:"valid_from,omitzero"` // joined; today if absent
	Note        string      `json:"note"`
}

func (s *Service) validateMember(in *MemberInput, row int) []*errs.Error {
	in.FullName, in.Note = locale.CleanString(in.FullName), locale.CleanString(in.Note)
	in.Phone = cleanPhone(in.Phone)
	if in.Role == "" {
		in.Role = Member
	}
	if in.Affiliation == "" {
		in.Affiliation = OtherAffil
	}
	if in.From.IsZero() {
		in.From = s.today()
	}
	var bad []*errs.Error
	if in.PersonID == 0 && in.FullName == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(row, "full_name"))
	}
	if !oneOf(in.Role, Roles) {
		bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", string(in.Role)).At(row, "role"))
	}
	if !oneOf(in.Affiliation, Affiliations) {
		bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", string(in.Affiliation)).At(row, "affiliation"))
	}
	switch in.Gender {
	case "", "male", "female":
	default:
		bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", in.Gender).At(row, "gender"))
	}
	if in.BirthYear != 0 && (in.BirthYear < 1930 || in.BirthYear > s.today().Year()-14) {
		bad = append(bad, errs.Invalidf("network.err.bad_birth_year").At(row, "birth_year"))
	}
	if in.Phone != "" && !validPhone(in.Phone) {
		bad = append(bad, errs.Invalidf("people.err.bad_phone").At(row, "phone"))
	}
	bad = s.notFuture(bad, in.From, row, "valid_from")
	bad = tooLong(bad, in.FullName, 120, row, "full_name")
	bad = tooLong(bad, in.Note, 2000, row, "note")
	return bad
}

// AddMember puts a person in a team from a date. A person is in one team
// at a time, and a team has one leader at a time.
func (s *Service) AddMember(ctx context.Context, actor *auth.Actor, teamID int64, in MemberInput) (*Membership, error) {
	t, team, err := s.teamFor(ctx, actor, teamID, true)
	if err != nil {
		return nil, err
	}
	if bad := s.validateMember(&in, 0); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if in.PersonID != 0 {
		if err := s.personWritable(ctx, t, in.PersonID, in.From); err != nil {
			return nil, err
		}
	}
	var m *Membership
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		var entries []audit.Entry
		var err error
		m, entries, err = s.insertMember(ctx, tx, seq, t, team, in, 0)
		return entries, err
	})
	return m, err
}

// personWritable checks that a person exists and works, on d (or last), in
// a unit of the actor's scope: only they may be put in the actor's teams.
func (s *Service) personWritable(ctx context.Context, t *org.Scoped, id int64, d day.Day) error {
	unit, err := currentUnit(ctx, s.db, id, d)
	if db.IsNoRows(err) {
		return errs.Invalidf("people.err.unknown_person", "ID", id).At(0, "person_id")
	}
	if err != nil {
		return err
	}
	if !t.InScope(unit) {
		return errs.ForbiddenErr().At(0, "person_id")
	}
	return nil
}

// currentUnit is where a person works on d, or last worked.
func currentUnit(ctx context.Context, q db.Querier, person int64, d day.Day) (int64, error) {
	var unit int64
	err := q.QueryRowContext(ctx, `SELECT unit_id FROM postings WHERE person_id = $1
		ORDER BY CASE WHEN valid_from <= $2 AND $2 < valid_to THEN 0 ELSE 1 END, valid_from DESC, id DESC LIMIT 1`, person, d).Scan(&unit)
	return unit, err
}

// insertMember checks a membership against the team's dates and every
// other membership of the person and the team, and writes it (with the
// person, if new). It is shared by the form and the spreadsheet import.
func (s *Service) insertMember(ctx context.Context, tx *sql.Tx, seq int64, t *org.Scoped, team *Team, in MemberInput, row int) (*Membership, []audit.Entry, error) {
	if in.From.Before(team.Established) {
		return nil, nil, errs.Invalidf("network.err.before_team", "Date", team.Established.VN()).At(row, "valid_from")
	}
	ps, err := statusesOf(ctx, tx, team.ID)
	if err != nil {
		return nil, nil, err
	}
	if st := statusOn(ps, in.From); st == Dissolved {
		return nil, nil, errs.Invalidf("network.err.dissolved", "Date", ps[len(ps)-1].From.VN()).At(row, "valid_from")
	}
	if in.Role == Leader {
		leaders, err := membersWhere(ctx, tx, `m.team_id = $1 AND m.role = 'leader' AND m.valid_to > $2`, team.ID, in.From)
		if err != nil {
			return nil, nil, err
		}
		if len(leaders) > 0 {
			return nil, nil, errs.New(errs.Conflict, "network.err.has_leader", "Name", leaders[0].Name).At(row, "role")
		}
	}
	var entries []audit.Entry
	if in.PersonID != 0 {
		others, err := membersWhere(ctx, tx, `m.person_id = $1 AND m.valid_to > $2`, in.PersonID, in.From)
		if err != nil {
			return nil, nil, err
		}
		for _, o := range others {
			if o.TeamID == team.ID {
				return nil, nil, errs.New(errs.Conflict, "network.err.already_member", "Name", o.Name).At(row, "person_id")
			}
			other, err := loadTeam(ctx, tx, o.TeamID)
			if err != nil {
				return nil, nil, err
			}
			return nil, nil, errs.New(errs.Conflict, "network.err.in_other_team", "Name", o.Name, "Team", other.Name, "Date", o.From.VN()).At(row, "person_id")
		}
	} else {
		title := AffiliationLabel(in.Affiliation)
		pid, e, err := s.insertPerson(ctx, tx, in, team.UnitID, title)
		if err != nil {
			return nil, nil, err
		}
		in.PersonID = pid
		entries = append(entries, e...)
	}
	m := &Membership{TeamID: team.ID, PersonID: in.PersonID, Role: in.Role, Affiliation: in.Affiliation, Phone: in.Phone,
		From: in.From, To: day.Forever, Note: in.Note}
	if err := insertMembership(ctx, tx, seq, m); err != nil {
		return nil, nil, err
	}
	return m, append(entries, entry("team_member.add", "team_member", m.ID, team.UnitID, nil, m)), nil
}

func insertMembership(ctx context.Context, tx *sql.Tx, seq int64, m *Membership) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO net_members (team_id, person_id, role, affiliation, phone, valid_from, valid_to, note, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, m.TeamID, m.PersonID, m.Role, m.Affiliation, m.Phone, m.From, m.To, m.Note, seq).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	return nil
}

// insertPerson records a new member in the people feature: a person
// working in the team's unit from the day they joined. The people
// feature's generation moves with it, so its cached reports notice.
func (s *Service) insertPerson(ctx context.Context, tx *sql.Tx, in MemberInput, unit int64, title string) (int64, []audit.Entry, error) {
	now := s.now().UTC()
	p := &people.Person{FullName: in.FullName, Gender: in.Gender, BirthYear: in.BirthYear, Title: title, Phone: in.Phone,
		Employment: people.OtherEmploy, QualLevel: people.QualNone, CreatedAt: now, UpdatedAt: now}
	var by any
	if p.BirthYear != 0 {
		by = p.BirthYear
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO people (full_name, name_folded, gender, birth_year, title, phone, email, employment,
		qualification_level, qualification_field, qualification_it, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, '', $9, $10, $11) RETURNING id`,
		p.FullName, locale.Fold(p.FullName), p.Gender, by, p.Title, p.Phone, p.Employment, p.QualLevel, false, now, now).Scan(&p.ID)
	if err != nil {
		return 0, nil, fmt.Errorf("insert person: %w", err)
	}
	post := &people.Posting{PersonID: p.ID, UnitID: unit, From: in.From, To: day.Forever, Kind: people.PostingInitial}
	if err := tx.QueryRowContext(ctx, `INSERT INTO postings (person_id, unit_id, valid_from, valid_to, kind, decision, reason)
		VALUES ($1, $2, $3, $4, $5, '', '') RETURNING id`, post.PersonID, post.UnitID, post.From, post.To, post.Kind).Scan(&post.ID); err != nil {
		return 0, nil, fmt.Errorf("insert posting: %w", err)
	}
	ch := &people.Changes{}
	ch.Person(p.ID)
	if err := ch.Log(ctx, tx); err != nil {
		return 0, nil, err
	}
	return p.ID, []audit.Entry{entry("person.create", "person", p.ID, unit, nil, p), entry("posting.create", "posting", post.ID, unit, nil, post)}, nil
}

// memberFor loads a membership the actor may change, with its team.
func (s *Service) memberFor(ctx context.Context, actor *auth.Actor, id int64) (*org.Scoped, *Team, *MemberView, error) {
	ms, err := membersWhere(ctx, s.db, `m.id = $1`, id)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(ms) == 0 {
		return nil, nil, nil, errs.NotFoundErr()
	}
	t, team, err := s.teamFor(ctx, actor, ms[0].TeamID, true)
	if err != nil {
		return nil, nil, nil, err
	}
	return t, team, &ms[0], nil
}

// EndInput ends a membership (or an organisation's part in the network).
type EndInput struct {
	Date day.Day `json:"date"`
	Note string  `json:"note"`
}

func (s *Service) validateEnd(in *EndInput, from, to day.Day) error {
	in.Note = locale.CleanString(in.Note)
	if in.Date.IsZero() {
		return errs.Invalidf("org.err.date_required").At(0, "date")
	}
	if bad := s.notFuture(nil, in.Date, 0, "date"); len(bad) > 0 {
		return bad[0]
	}
	if !to.IsForever() {
		return errs.Invalidf("network.err.already_ended", "Date", to.VN()).At(0, "date")
	}
	if !in.Date.After(from) {
		return errs.Invalidf("network.err.end_before_start", "Date", from.VN()).At(0, "date")
	}
	if bad := tooLong(nil, in.Note, 2000, 0, "note"); len(bad) > 0 {
		return bad[0]
	}
	return nil
}

// EndMember records that a member left the team on a date.
func (s *Service) EndMember(ctx context.Context, actor *auth.Actor, id int64, in EndInput) error {
	_, team, m, err := s.memberFor(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := s.validateEnd(&in, m.From, m.To); err != nil {
		return err
	}
	return s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		note := m.Note
		if in.Note != "" {
			note = in.Note
		}
		if _, err := tx.ExecContext(ctx, `UPDATE net_members SET valid_to = $1, note = $2, seq = $3 WHERE id = $4`, in.Date, note, seq, id); err != nil {
			return nil, err
		}
		after := m.Membership
		after.To, after.Note = in.Date, note
		return []audit.Entry{entry("team_member.end", "team_member", id, team.UnitID, m.Membership, after)}, nil
	})
}

// RoleChange gives a member another role in the team from a date.
type RoleChange struct {
	Role Role    `json:"role"`
	Date day.Day `json:"date"`
}

// ChangeRole ends a membership on a date and continues it with another
// role, so the history shows who led the team when.
func (s *Service) ChangeRole(ctx context.Context, actor *auth.Actor, id int64, in RoleChange) (*Membership, error) {
	t, team, m, err := s.memberFor(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !oneOf(in.Role, Roles) {
		return nil, errs.Invalidf("network.err.bad_value", "Value", string(in.Role)).At(0, "role")
	}
	if in.Role == m.Role {
		return nil, errs.Invalidf("org.err.nothing_changed").At(0, "role")
	}
	end := EndInput{Date: in.Date}
	if err := s.validateEnd(&end, m.From, m.To); err != nil {
		return nil, err
	}
	var next *Membership
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE net_members SET valid_to = $1, seq = $2 WHERE id = $3`, in.Date, seq, id); err != nil {
			return nil, err
		}
		ended := m.Membership
		ended.To = in.Date
		var entries []audit.Entry
		var err error
		next, entries, err = s.insertMember(ctx, tx, seq, t, team, MemberInput{PersonID: m.PersonID, Role: in.Role, Affiliation: m.Affiliation,
			Phone: m.Phone, From: in.Date, Note: m.Note}, 0)
		if err != nil {
			return nil, err
		}
		return append([]audit.Entry{entry("team_member.end", "team_member", id, team.UnitID, m.Membership, ended)}, entries...), nil
	})
	return next, err
}

// TeamOfMember is the team of a membership the actor may see.
func (s *Service) TeamOfMember(ctx context.Context, actor *auth.Actor, id int64) (int64, error) {
	var team int64
	err := s.db.QueryRowContext(ctx, `SELECT team_id FROM net_members WHERE id = $1`, id).Scan(&team)
	if db.IsNoRows(err) {
		return 0, errs.NotFoundErr()
	}
	if err != nil {
		return 0, err
	}
	_, _, err = s.teamFor(ctx, actor, team, false)
	return team, err
}

// TeamOfActivity is the team of an activity the actor may see.
func (s *Service) TeamOfActivity(ctx context.Context, actor *auth.Actor, id int64) (int64, error) {
	var team int64
	err := s.db.QueryRowContext(ctx, `SELECT team_id FROM net_activities WHERE id = $1`, id).Scan(&team)
	if db.IsNoRows(err) {
		return 0, errs.NotFoundErr()
	}
	if err != nil {
		return 0, err
	}
	_, _, err = s.teamFor(ctx, actor, team, false)
	return team, err
}
