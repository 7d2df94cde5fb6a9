package network

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// MaxHelped bounds the people one activity may claim to have helped: a
// typo of three zeros would otherwise inflate every total above it.
const MaxHelped = 5000

// ActivityInput is what a team leader logs.
type ActivityInput struct {
	TeamID       int64   `json:"team_id"`
	Date         day.Day `json:"date"`
	Kind         Kind    `json:"kind"`
	Place        string  `json:"place"`
	PeopleHelped int     `json:"people_helped"`
	Note         string  `json:"note"`
}

func (s *Service) validateActivity(in *ActivityInput, row int) []*errs.Error {
	in.Place, in.Note = locale.CleanString(in.Place), locale.CleanString(in.Note)
	var bad []*errs.Error
	if in.Date.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(row, "date"))
	}
	if !oneOf(in.Kind, Kinds) {
		bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", string(in.Kind)).At(row, "kind"))
	}
	if in.PeopleHelped < 0 || in.PeopleHelped > MaxHelped {
		bad = append(bad, errs.Invalidf("network.err.bad_helped", "Max", MaxHelped).At(row, "people_helped"))
	}
	bad = s.notFuture(bad, in.Date, row, "date")
	bad = tooLong(bad, in.Place, 200, row, "place")
	bad = tooLong(bad, in.Note, 2000, row, "note")
	return bad
}

// LogActivity records what a team did on a day, with an optional photo as
// evidence. The team must be active that day.
func (s *Service) LogActivity(ctx context.Context, actor *auth.Actor, in ActivityInput, photo *Upload) (*Activity, error) {
	if in.TeamID == 0 {
		return nil, errs.Invalidf("import.err.required").At(0, "team_id")
	}
	_, team, err := s.teamFor(ctx, actor, in.TeamID, true)
	if err != nil {
		return nil, err
	}
	if bad := s.validateActivity(&in, 0); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	data, ctype, err := checkUpload(photo, "photo")
	if err != nil {
		return nil, err
	}
	ps, err := statusesOf(ctx, s.db, team.ID)
	if err != nil {
		return nil, err
	}
	if st := statusOn(ps, in.Date); st != Active {
		return nil, errs.Invalidf("network.err.not_active", "Date", in.Date.VN()).At(0, "date")
	}
	a := &Activity{TeamID: team.ID, Date: in.Date, Kind: in.Kind, Place: in.Place, PeopleHelped: in.PeopleHelped, Note: in.Note,
		LoggedBy: actor.UserID, LoggedAt: s.now().UTC()}
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		if data != nil {
			f, err := s.files.SaveTx(ctx, tx, actor, team.UnitID, photo.Name, ctype, data)
			if err != nil {
				return nil, err
			}
			a.PhotoID = f.ID
		}
		if err := insertActivity(ctx, tx, seq, a); err != nil {
			return nil, err
		}
		return []audit.Entry{entry("activity.log", "activity", a.ID, team.UnitID, nil, a)}, nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func insertActivity(ctx context.Context, tx *sql.Tx, seq int64, a *Activity) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO net_activities (team_id, on_date, kind, place, people_helped, note, photo_file_id, logged_by, logged_at, seq)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, a.TeamID, a.Date, a.Kind, a.Place, a.PeopleHelped, a.Note,
		nullID(a.PhotoID), nullID(a.LoggedBy), a.LoggedAt, seq).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("insert activity: %w", err)
	}
	return nil
}

const activityColumns = `id, team_id, on_date, kind, place, people_helped, note, COALESCE(photo_file_id, 0), COALESCE(logged_by, 0), logged_at, voided_at, void_reason`

func (s *Service) activitiesWhere(ctx context.Context, where string, limit, offset int, args ...any) ([]Activity, error) {
	return queryActivities(ctx, s.db, where, limit, offset, args...)
}

func queryActivities(ctx context.Context, q db.Querier, where string, limit, offset int, args ...any) ([]Activity, error) {
	query := `SELECT ` + activityColumns + ` FROM net_activities WHERE ` + where + ` ORDER BY on_date DESC, id DESC`
	if limit > 0 {
		query += fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, offset)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Activity{}
	for rows.Next() {
		var a Activity
		var voided sql.NullTime
		if err := rows.Scan(&a.ID, &a.TeamID, &a.Date, &a.Kind, &a.Place, &a.PeopleHelped, &a.Note, &a.PhotoID, &a.LoggedBy, &a.LoggedAt,
			&voided, &a.VoidReason); err != nil {
			return nil, err
		}
		if voided.Valid {
			t := voided.Time
			a.VoidedAt = &t
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ActivityPage is a page of a team's activities.
type ActivityPage struct {
	Total      int        `json:"total"`
	Activities []Activity `json:"activities"`
}

// ListActivities lists a team's activities between two dates (either may be
// zero), newest first, voided ones included and marked.
func (s *Service) ListActivities(ctx context.Context, actor *auth.Actor, teamID int64, from, to day.Day, limit, offset int) (*ActivityPage, error) {
	if _, _, err := s.teamFor(ctx, actor, teamID, false); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	if from.IsZero() {
		from = day.Of(1900, 1, 1)
	}
	if to.IsZero() {
		to = day.Forever
	}
	res := &ActivityPage{}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM net_activities WHERE team_id = $1 AND on_date >= $2 AND on_date <= $3`,
		teamID, from, to).Scan(&res.Total); err != nil {
		return nil, err
	}
	var err error
	res.Activities, err = s.activitiesWhere(ctx, `team_id = $1 AND on_date >= $2 AND on_date <= $3`, limit, offset, teamID, from, to)
	return res, err
}

// VoidInput voids a mistaken activity.
type VoidInput struct {
	Reason string `json:"reason"`
}

// VoidActivity marks an activity logged by mistake as void, with the
// reason: it stays in the record but counts nowhere.
func (s *Service) VoidActivity(ctx context.Context, actor *auth.Actor, id int64, in VoidInput) error {
	as, err := s.activitiesWhere(ctx, `id = $1`, 0, 0, id)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		return errs.NotFoundErr()
	}
	a := as[0]
	_, team, err := s.teamFor(ctx, actor, a.TeamID, true)
	if err != nil {
		return err
	}
	in.Reason = locale.CleanString(in.Reason)
	if in.Reason == "" {
		return errs.Invalidf("import.err.required").At(0, "reason")
	}
	if bad := tooLong(nil, in.Reason, 500, 0, "reason"); len(bad) > 0 {
		return bad[0]
	}
	if a.VoidedAt != nil {
		return errs.Invalidf("network.err.already_void").At(0, "reason")
	}
	return s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		now := s.now().UTC().Truncate(time.Microsecond)
		// only a row not voided: two voids racing past the check above
		// would otherwise both be written, and the coverage index takes
		// an activity away at each void it reads (patchAct)
		res, err := tx.ExecContext(ctx, `UPDATE net_activities SET voided_at = $1, void_reason = $2, seq = $3 WHERE id = $4 AND voided_at IS NULL`, now, in.Reason, seq, id)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, errs.Invalidf("network.err.already_void").At(0, "reason")
		}
		after := a
		after.VoidedAt, after.VoidReason = &now, in.Reason
		return []audit.Entry{entry("activity.void", "activity", id, team.UnitID, a, after)}, nil
	})
}

// AttachPhoto adds a photo to an activity logged without one (an API
// client sends the record first and the picture when it can).
func (s *Service) AttachPhoto(ctx context.Context, actor *auth.Actor, id int64, photo *Upload) (*Activity, error) {
	as, err := s.activitiesWhere(ctx, `id = $1`, 0, 0, id)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, errs.NotFoundErr()
	}
	a := as[0]
	_, team, err := s.teamFor(ctx, actor, a.TeamID, true)
	if err != nil {
		return nil, err
	}
	if photo == nil {
		return nil, errs.Invalidf("import.err.no_file").At(0, "photo")
	}
	if a.VoidedAt != nil {
		return nil, errs.Invalidf("network.err.already_void").At(0, "photo")
	}
	if a.PhotoID != 0 {
		return nil, errs.New(errs.Conflict, "network.err.has_photo").At(0, "photo")
	}
	data, ctype, err := checkUpload(photo, "photo")
	if err != nil {
		return nil, err
	}
	after := a
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		f, err := s.files.SaveTx(ctx, tx, actor, team.UnitID, photo.Name, ctype, data)
		if err != nil {
			return nil, err
		}
		after.PhotoID = f.ID
		// a void is final (the coverage index reads a voided row stamped
		// since it looked as a void: patchAct), so never a voided row
		res, err := tx.ExecContext(ctx, `UPDATE net_activities SET photo_file_id = $1, seq = $2 WHERE id = $3 AND voided_at IS NULL AND photo_file_id IS NULL`, f.ID, seq, id)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, errs.New(errs.Conflict, "network.err.has_photo").At(0, "photo")
		}
		return []audit.Entry{entry("activity.photo", "activity", id, team.UnitID, a, after)}, nil
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// LogActivities records many activities at once, all or none: those a
// team kept on paper and types in later, or a demo's history. Each is
// checked as LogActivity checks one, and audited as one.
func (s *Service) LogActivities(ctx context.Context, actor *auth.Actor, ins []ActivityInput) (int, error) {
	if !actor.Can(auth.PermEnterData) {
		return 0, errs.ForbiddenErr()
	}
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return 0, err
	}
	teams := map[int64]*Team{}
	statuses := map[int64][]StatusPeriod{}
	var bad []*errs.Error
	for i := range ins {
		in := &ins[i]
		row := i + 1
		team := teams[in.TeamID]
		if team == nil {
			if team, err = loadTeam(ctx, s.db, in.TeamID); err != nil {
				if errs.KindOf(err) == errs.NotFound {
					bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", in.TeamID).At(row, "team_id"))
					continue
				}
				return 0, err
			}
			if err := t.Check(team.UnitID); err != nil {
				return 0, err
			}
			if statuses[team.ID], err = statusesOf(ctx, s.db, team.ID); err != nil {
				return 0, err
			}
			teams[in.TeamID] = team
		}
		bad = append(bad, s.validateActivity(in, row)...)
		if !in.Date.IsZero() && statusOn(statuses[team.ID], in.Date) != Active {
			bad = append(bad, errs.Invalidf("network.err.not_active", "Date", in.Date.VN()).At(row, "date"))
		}
	}
	if len(bad) > 0 {
		return 0, errs.List("import.err.rows", bad)
	}
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		entries := make([]audit.Entry, 0, len(ins))
		now := s.now().UTC()
		for _, in := range ins {
			a := &Activity{TeamID: in.TeamID, Date: in.Date, Kind: in.Kind, Place: in.Place, PeopleHelped: in.PeopleHelped, Note: in.Note,
				LoggedBy: actor.UserID, LoggedAt: now}
			if err := insertActivity(ctx, tx, seq, a); err != nil {
				return nil, err
			}
			entries = append(entries, entry("activity.log", "activity", a.ID, teams[in.TeamID].UnitID, nil, a))
		}
		return entries, nil
	})
	if err != nil {
		return 0, err
	}
	return len(ins), nil
}
