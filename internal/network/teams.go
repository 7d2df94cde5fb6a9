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

// TeamPrefix begins the name a team gets when none is given.
const TeamPrefix = "Tổ công nghệ số cộng đồng"

// TeamInput sets up a team, or corrects its details.
type TeamInput struct {
	UnitID         int64   `json:"unit_id"`
	Name           string  `json:"name"`
	DecisionNumber string  `json:"decision_number"`
	DecisionDate   day.Day `json:"decision_date"`
	Signer         string  `json:"decision_signer"`
	Established    day.Day `json:"established_on,omitzero"` // the decision's date if absent
	Note           string  `json:"note"`

	fileID int64 // the scanned decision, once stored
}

func (s *Service) validateTeam(in *TeamInput, row int) []*errs.Error {
	in.Name, in.DecisionNumber, in.Signer, in.Note = locale.CleanString(in.Name), locale.CleanString(in.DecisionNumber),
		locale.CleanString(in.Signer), locale.CleanString(in.Note)
	var bad []*errs.Error
	if in.DecisionNumber == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(row, "decision_number"))
	}
	if in.DecisionDate.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(row, "decision_date"))
	}
	if in.Established.IsZero() {
		in.Established = in.DecisionDate
	}
	if !in.Established.IsZero() && !in.DecisionDate.IsZero() && in.Established.Before(in.DecisionDate) {
		bad = append(bad, errs.Invalidf("network.err.before_decision", "Date", in.DecisionDate.VN()).At(row, "established_on"))
	}
	bad = s.notFuture(bad, in.DecisionDate, row, "decision_date")
	bad = s.notFuture(bad, in.Established, row, "established_on")
	bad = tooLong(bad, in.Name, 200, row, "name")
	bad = tooLong(bad, in.DecisionNumber, 60, row, "decision_number")
	bad = tooLong(bad, in.Signer, 120, row, "decision_signer")
	bad = tooLong(bad, in.Note, 2000, row, "note")
	return bad
}

// teamUnit checks that v may hold a team: a village or a commune.
func teamUnit(v *org.Version, row int, field string) *errs.Error {
	if v.Level != org.LevelVillage && v.Level != org.LevelCommune {
		return errs.Invalidf("network.err.team_unit", "Name", v.Name).At(row, field)
	}
	return nil
}

// CreateTeam records a team set up by the commune chair's decision, active
// from its establishment. A unit has one team at a time: a new one may be
// set up only once the previous one is dissolved. decision, if not nil, is
// the scanned decision, kept as evidence.
func (s *Service) CreateTeam(ctx context.Context, actor *auth.Actor, in TeamInput, decision *Upload) (*Team, error) {
	if bad := s.validateTeam(&in, 0); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	_, unit, err := s.writableUnit(ctx, actor, in.UnitID, in.Established, "unit_id")
	if err != nil {
		return nil, err
	}
	if e := teamUnit(unit, 0, "unit_id"); e != nil {
		return nil, e
	}
	data, ctype, err := checkUpload(decision, "decision_file")
	if err != nil {
		return nil, err
	}
	var team *Team
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		var entries []audit.Entry
		var err error
		if data != nil {
			f, err := s.files.SaveTx(ctx, tx, actor, in.UnitID, decision.Name, ctype, data)
			if err != nil {
				return nil, err
			}
			in.fileID = f.ID
		}
		team, entries, err = s.insertTeam(ctx, tx, seq, in, unit, 0)
		return entries, err
	})
	return team, err
}

// insertTeam writes a team and its first status period; it is shared by
// the form and the spreadsheet import. The unit must have no team that is
// not dissolved by the new one's establishment.
func (s *Service) insertTeam(ctx context.Context, tx *sql.Tx, seq int64, in TeamInput, unit *org.Version, row int) (*Team, []audit.Entry, error) {
	if other, err := openTeamAt(ctx, tx, in.UnitID, in.Established); err != nil {
		return nil, nil, err
	} else if other != "" {
		return nil, nil, errs.New(errs.Conflict, "network.err.unit_has_team", "Name", other, "Unit", unit.Name).At(row, "unit_id")
	}
	t := &Team{UnitID: in.UnitID, Name: in.Name, DecisionNumber: in.DecisionNumber, DecisionDate: in.DecisionDate, Signer: in.Signer,
		DecisionFileID: in.fileID, Established: in.Established, Note: in.Note, CreatedAt: s.now().UTC()}
	if t.Name == "" {
		t.Name = TeamPrefix + " " + unit.Name
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO net_teams (unit_id, name, name_folded, decision_number, decision_date, signer, decision_file_id,
		established, note, created_at, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		t.UnitID, t.Name, locale.Fold(t.Name), t.DecisionNumber, t.DecisionDate, t.Signer, nullID(t.DecisionFileID), t.Established, t.Note,
		t.CreatedAt, seq).Scan(&t.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("insert team: %w", err)
	}
	st := &StatusPeriod{TeamID: t.ID, Status: Active, From: t.Established, To: day.Forever, Decision: t.DecisionNumber}
	if err := insertStatus(ctx, tx, seq, st); err != nil {
		return nil, nil, err
	}
	return t, []audit.Entry{entry("team.create", "team", t.ID, t.UnitID, nil, t), entry("team.status", "team", t.ID, t.UnitID, nil, st)}, nil
}

// openTeamAt names a team of the unit that is not dissolved on or before d
// (so would overlap a team set up on d), or "".
func openTeamAt(ctx context.Context, q db.Querier, unit int64, d day.Day) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT t.name FROM net_teams t WHERE t.unit_id = $1 AND NOT EXISTS (
		SELECT 1 FROM net_team_status s WHERE s.team_id = t.id AND s.status = 'dissolved' AND s.valid_from <= $2) ORDER BY t.id LIMIT 1`, unit, d).Scan(&name)
	if db.IsNoRows(err) {
		return "", nil
	}
	return name, err
}

func insertStatus(ctx context.Context, tx *sql.Tx, seq int64, st *StatusPeriod) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO net_team_status (team_id, status, valid_from, valid_to, decision, note, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, st.TeamID, st.Status, st.From, st.To, st.Decision, st.Note, seq).Scan(&st.ID)
	if err != nil {
		return fmt.Errorf("insert team status: %w", err)
	}
	return nil
}

const teamColumns = `id, unit_id, name, decision_number, decision_date, signer, COALESCE(decision_file_id, 0), established, note, created_at`

func scanTeam(row interface{ Scan(...any) error }) (*Team, error) {
	t := &Team{}
	err := row.Scan(&t.ID, &t.UnitID, &t.Name, &t.DecisionNumber, &t.DecisionDate, &t.Signer, &t.DecisionFileID, &t.Established, &t.Note, &t.CreatedAt)
	return t, err
}

func loadTeam(ctx context.Context, q db.Querier, id int64) (*Team, error) {
	t, err := scanTeam(q.QueryRowContext(ctx, `SELECT `+teamColumns+` FROM net_teams WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	return t, err
}

func statusesOf(ctx context.Context, q db.Querier, team int64) ([]StatusPeriod, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, team_id, status, valid_from, valid_to, decision, note FROM net_team_status
		WHERE team_id = $1 ORDER BY valid_from, id`, team)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatusPeriod
	for rows.Next() {
		var p StatusPeriod
		if err := rows.Scan(&p.ID, &p.TeamID, &p.Status, &p.From, &p.To, &p.Decision, &p.Note); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// statusOn is the status in force on d, or "" before the team existed.
func statusOn(ps []StatusPeriod, d day.Day) Status {
	for _, p := range ps {
		if !d.Before(p.From) && d.Before(p.To) {
			return p.Status
		}
	}
	return ""
}

// teamFor loads a team the actor may read; write also asks for the right
// to enter data.
func (s *Service) teamFor(ctx context.Context, actor *auth.Actor, id int64, write bool) (*org.Scoped, *Team, error) {
	if write && !actor.Can(auth.PermEnterData) {
		return nil, nil, errs.ForbiddenErr()
	}
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	team, err := loadTeam(ctx, s.db, id)
	if err != nil {
		return nil, nil, err
	}
	if err := t.Check(team.UnitID); err != nil {
		return nil, nil, err
	}
	return t, team, nil
}

// UpdateTeam corrects a team's name and the details of its decision; its
// unit and establishment date stay (a team moving elsewhere is a new team).
func (s *Service) UpdateTeam(ctx context.Context, actor *auth.Actor, id int64, in TeamInput) (*Team, error) {
	t, old, err := s.teamFor(ctx, actor, id, true)
	if err != nil {
		return nil, err
	}
	in.UnitID, in.Established = old.UnitID, old.Established
	if bad := s.validateTeam(&in, 0); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if in.Established.Before(in.DecisionDate) {
		return nil, errs.Invalidf("network.err.before_decision", "Date", in.DecisionDate.VN()).At(0, "decision_date")
	}
	next := *old
	next.Name, next.DecisionNumber, next.DecisionDate, next.Signer, next.Note = in.Name, in.DecisionNumber, in.DecisionDate, in.Signer, in.Note
	if next.Name == "" {
		next.Name = TeamPrefix + " " + t.Latest(old.UnitID).Name
	}
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE net_teams SET name = $1, name_folded = $2, decision_number = $3, decision_date = $4, signer = $5,
			note = $6, seq = $7 WHERE id = $8`, next.Name, locale.Fold(next.Name), next.DecisionNumber, next.DecisionDate, next.Signer, next.Note, seq, id); err != nil {
			return nil, err
		}
		return []audit.Entry{entry("team.update", "team", id, old.UnitID, old, &next)}, nil
	})
	if err != nil {
		return nil, err
	}
	return &next, nil
}

// StatusInput changes a team's status from a date.
type StatusInput struct {
	Status   Status  `json:"status"`
	Date     day.Day `json:"date"`
	Decision string  `json:"decision"`
	Note     string  `json:"note"`
}

// SetStatus suspends, reactivates or dissolves a team from a date. The
// periods before stay; dissolving is final and ends every membership that
// day.
func (s *Service) SetStatus(ctx context.Context, actor *auth.Actor, id int64, in StatusInput) error {
	_, team, err := s.teamFor(ctx, actor, id, true)
	if err != nil {
		return err
	}
	in.Decision, in.Note = locale.CleanString(in.Decision), locale.CleanString(in.Note)
	var bad []*errs.Error
	if !oneOf(in.Status, Statuses) {
		bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", string(in.Status)).At(0, "status"))
	}
	if in.Date.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(0, "date"))
	}
	bad = s.notFuture(bad, in.Date, 0, "date")
	bad = tooLong(bad, in.Decision, 120, 0, "decision")
	bad = tooLong(bad, in.Note, 2000, 0, "note")
	if len(bad) > 0 {
		return oneOrList(bad)
	}
	return s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		ps, err := statusesOf(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		last := ps[len(ps)-1]
		switch {
		case last.Status == Dissolved:
			return nil, errs.Invalidf("network.err.dissolved", "Date", last.From.VN()).At(0, "status")
		case last.Status == in.Status:
			return nil, errs.Invalidf("org.err.nothing_changed").At(0, "status")
		case !in.Date.After(last.From):
			return nil, errs.Invalidf("network.err.status_order", "Date", last.From.VN()).At(0, "date")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE net_team_status SET valid_to = $1, seq = $2 WHERE id = $3`, in.Date, seq, last.ID); err != nil {
			return nil, err
		}
		ended := last
		ended.To = in.Date
		next := &StatusPeriod{TeamID: id, Status: in.Status, From: in.Date, To: day.Forever, Decision: in.Decision, Note: in.Note}
		if err := insertStatus(ctx, tx, seq, next); err != nil {
			return nil, err
		}
		entries := []audit.Entry{entry("team.status", "team", id, team.UnitID, last, next)}
		if in.Status == Dissolved {
			ms, err := membersWhere(ctx, tx, `m.team_id = $1 AND m.valid_to > $2`, id, in.Date)
			if err != nil {
				return nil, err
			}
			for _, m := range ms {
				if !m.From.Before(in.Date) {
					return nil, errs.Invalidf("network.err.member_after", "Name", m.Name, "Date", m.From.VN()).At(0, "date")
				}
				if _, err := tx.ExecContext(ctx, `UPDATE net_members SET valid_to = $1, seq = $2 WHERE id = $3`, in.Date, seq, m.ID); err != nil {
					return nil, err
				}
				after := m.Membership
				after.To = in.Date
				entries = append(entries, entry("team_member.end", "team_member", m.ID, team.UnitID, m.Membership, after))
			}
		}
		return entries, nil
	})
}

// MemberView is a membership with the person's name.
type MemberView struct {
	Membership
	Name      string `json:"name"`
	BirthYear int    `json:"birth_year,omitempty"`
	Gender    string `json:"gender"`
	Current   bool   `json:"current"` // a member on the date asked for
}

func membersWhere(ctx context.Context, q db.Querier, where string, args ...any) ([]MemberView, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.team_id, m.person_id, m.role, m.affiliation, m.phone, m.valid_from, m.valid_to, m.note,
		p.full_name, COALESCE(p.birth_year, 0), p.gender FROM net_members m JOIN people p ON p.id = m.person_id WHERE `+where+`
		ORDER BY m.valid_from, m.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MemberView
	for rows.Next() {
		var m MemberView
		if err := rows.Scan(&m.ID, &m.TeamID, &m.PersonID, &m.Role, &m.Affiliation, &m.Phone, &m.From, &m.To, &m.Note,
			&m.Name, &m.BirthYear, &m.Gender); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// TeamView is a team with its history, as one reader may see it on a date.
type TeamView struct {
	Team       *Team          `json:"team"`
	Unit       string         `json:"unit"`    // the unit's name on the date (or last)
	Commune    string         `json:"commune"` // the commune it is in, if a village
	CommuneID  int64          `json:"commune_id,omitempty"`
	Status     Status         `json:"status"` // on the date; "" before it was set up
	Statuses   []StatusPeriod `json:"statuses"`
	Members    []MemberView   `json:"members"` // current first (leader, deputies, members), then former
	Activities []Activity     `json:"recent_activities"`
	Writable   bool           `json:"writable"`
}

// GetTeam returns a team with its statuses, members and latest activities.
func (s *Service) GetTeam(ctx context.Context, actor *auth.Actor, id int64, d day.Day) (*TeamView, error) {
	t, team, err := s.teamFor(ctx, actor, id, false)
	if err != nil {
		return nil, err
	}
	v := &TeamView{Team: team, Writable: actor.Can(auth.PermEnterData)}
	u := t.At(team.UnitID, d)
	if u == nil {
		u = t.Latest(team.UnitID)
	}
	v.Unit = u.Name
	if p := t.At(u.ParentID, d); p != nil && u.Level == org.LevelVillage {
		v.Commune, v.CommuneID = p.Name, p.UnitID
	}
	if v.Statuses, err = statusesOf(ctx, s.db, id); err != nil {
		return nil, err
	}
	v.Status = statusOn(v.Statuses, d)
	ms, err := membersWhere(ctx, s.db, `m.team_id = $1`, id)
	if err != nil {
		return nil, err
	}
	v.Members = orderMembers(ms, d)
	if v.Activities, err = s.activitiesWhere(ctx, `team_id = $1 AND voided_at IS NULL`, 10, 0, id); err != nil {
		return nil, err
	}
	return v, nil
}

// orderMembers puts the members on d first (leader, deputies, members, each
// by name), then the former ones, latest to leave first.
func orderMembers(ms []MemberView, d day.Day) []MemberView {
	rank := map[Role]int{Leader: 0, Deputy: 1, Member: 2}
	col := locale.NewCollator()
	for i := range ms {
		ms[i].Current = !d.Before(ms[i].From) && d.Before(ms[i].To)
	}
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := &ms[i], &ms[j]
		if a.Current != b.Current {
			return a.Current
		}
		if a.Current {
			if rank[a.Role] != rank[b.Role] {
				return rank[a.Role] < rank[b.Role]
			}
			return col.Compare(a.Name, b.Name) < 0
		}
		return a.To.After(b.To)
	})
	if ms == nil {
		ms = []MemberView{}
	}
	return ms
}
