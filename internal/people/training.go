package people

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// CourseInput creates a course.
type CourseInput struct {
	Title       string  `json:"title"`
	Provider    string  `json:"provider"`
	Platform    string  `json:"platform"`
	Format      string  `json:"format"`
	Start       day.Day `json:"start_date"`
	End         day.Day `json:"end_date"`
	Hours       float64 `json:"hours"`
	OrganiserID int64   `json:"organiser_unit_id"`
}

// CreateCourse records a course organised by a unit in the actor's scope.
func (s *Service) CreateCourse(ctx context.Context, actor *auth.Actor, in CourseInput) (*Course, error) {
	in.Title, in.Provider, in.Platform = locale.CleanString(in.Title), locale.CleanString(in.Provider), locale.CleanString(in.Platform)
	var bad []*errs.Error
	if in.Title == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "title"))
	}
	if in.Format == "" {
		in.Format = "online"
	}
	if !oneOf(in.Format, Formats) {
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", in.Format).At(0, "format"))
	}
	if in.Start.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(0, "start_date"))
	}
	if in.End.IsZero() {
		in.End = in.Start
	}
	if !in.Start.IsZero() && in.End.Before(in.Start) {
		bad = append(bad, errs.Invalidf("people.err.end_before_start").At(0, "end_date"))
	}
	if in.Hours < 0 || in.Hours > 2000 {
		bad = append(bad, errs.Invalidf("people.err.bad_hours").At(0, "hours"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if _, _, err := s.writable(ctx, actor, in.OrganiserID, in.Start, "organiser_unit_id"); err != nil {
		return nil, err
	}
	c := &Course{Title: in.Title, Provider: in.Provider, Platform: in.Platform, Format: in.Format, Start: in.Start, End: in.End, Hours: in.Hours, OrganiserID: in.OrganiserID}
	err := s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		if err := tx.QueryRowContext(ctx, `INSERT INTO courses (title, title_folded, provider, platform, format, start_date, end_date, hours, organiser_unit_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, c.Title, locale.Fold(c.Title), c.Provider, c.Platform, c.Format,
			c.Start, c.End, c.Hours, c.OrganiserID, s.now().UTC()).Scan(&c.ID); err != nil {
			return nil, err
		}
		ch.Nothing() // a course without participants counts nowhere
		return []audit.Entry{entry("course.create", "course", c.ID, c.OrganiserID, nil, c)}, nil
	})
	return c, err
}

const courseColumns = `id, title, provider, platform, format, start_date, end_date, hours, organiser_unit_id`

func scanCourse(row interface{ Scan(...any) error }) (Course, error) {
	var c Course
	err := row.Scan(&c.ID, &c.Title, &c.Provider, &c.Platform, &c.Format, &c.Start, &c.End, &c.Hours, &c.OrganiserID)
	return c, err
}

// CourseRow is a course in a list, with how many of the reader's people
// took part and finished.
type CourseRow struct {
	Course
	Enrolled  int `json:"enrolled"`
	Completed int `json:"completed"`
}

// ListCourses lists the courses of a year: those organised in the actor's
// scope, and those someone in scope took part in.
func (s *Service) ListCourses(ctx context.Context, actor *auth.Actor, year int) ([]CourseRow, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(reading(ctx), `SELECT `+courseColumns+` FROM courses WHERE start_date <= $2 AND end_date >= $1 ORDER BY start_date DESC, id`,
		day.Of(year, 1, 1), day.Of(year, 12, 31))
	if err != nil {
		return nil, err
	}
	var all []Course
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []CourseRow{}
	for _, c := range all {
		parts, err := s.participants(ctx, t.InScope, c.ID)
		if err != nil {
			return nil, err
		}
		if !t.InScope(c.OrganiserID) && len(parts) == 0 {
			continue
		}
		row := CourseRow{Course: c}
		for _, p := range parts {
			row.Enrolled++
			if p.Status == Completed {
				row.Completed++
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// Participant is an enrolment with the person and the unit they work in.
type Participant struct {
	Enrolment
	Name   string `json:"name"`
	Title  string `json:"title"`
	UnitID int64  `json:"unit_id"`
}

// participants lists a course's enrolments of people posted (now or last)
// in a unit the filter accepts.
func (s *Service) participants(ctx context.Context, inScope func(int64) bool, courseID int64) ([]Participant, error) {
	rows, err := s.db.QueryContext(reading(ctx), `SELECT e.id, e.course_id, e.person_id, e.status, e.completed_on, COALESCE(e.certificate_file_id, 0),
		p.full_name, p.title,
		(SELECT ps.unit_id FROM postings ps WHERE ps.person_id = p.id ORDER BY ps.valid_from DESC, ps.id DESC LIMIT 1)
		FROM enrolments e JOIN people p ON p.id = e.person_id WHERE e.course_id = $1 ORDER BY p.name_folded`, courseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var p Participant
		var unit sql.NullInt64
		if err := rows.Scan(&p.ID, &p.CourseID, &p.PersonID, &p.Status, &p.CompletedOn, &p.CertificateID, &p.Name, &p.Title, &unit); err != nil {
			return nil, err
		}
		p.UnitID = unit.Int64
		if inScope(p.UnitID) {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// CourseView is a course with the participants the reader may see.
type CourseView struct {
	Course       Course        `json:"course"`
	Participants []Participant `json:"participants"`
	Writable     bool          `json:"writable"`
}

// GetCourse returns a course with its participants in the actor's scope.
func (s *Service) GetCourse(ctx context.Context, actor *auth.Actor, id int64) (*CourseView, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	c, err := scanCourse(s.db.QueryRowContext(reading(ctx), `SELECT `+courseColumns+` FROM courses WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	parts, err := s.participants(ctx, t.InScope, id)
	if err != nil {
		return nil, err
	}
	if !t.InScope(c.OrganiserID) && len(parts) == 0 {
		return nil, errs.ForbiddenErr()
	}
	if parts == nil {
		parts = []Participant{}
	}
	return &CourseView{Course: c, Participants: parts, Writable: actor.Can(auth.PermEnterData)}, nil
}

// Enrol puts people on a course. People already enrolled are left as they
// are. Each person must be in the actor's scope.
func (s *Service) Enrol(ctx context.Context, actor *auth.Actor, courseID int64, personIDs []int64) (int, error) {
	if !actor.Can(auth.PermEnterData) {
		return 0, errs.ForbiddenErr()
	}
	cv, err := s.GetCourse(ctx, actor, courseID)
	if err != nil {
		return 0, err
	}
	for _, pid := range personIDs {
		pv, err := s.GetPerson(ctx, actor, pid, cv.Course.Start)
		if errs.KindOf(err) == errs.NotFound {
			return 0, errs.Invalidf("people.err.unknown_person", "ID", pid).At(0, "person_ids")
		}
		if err != nil {
			return 0, err
		}
		if !pv.Writable {
			return 0, errs.ForbiddenErr()
		}
	}
	added := 0
	err = s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var entries []audit.Entry
		for _, pid := range personIDs {
			res, err := tx.ExecContext(ctx, `INSERT INTO enrolments (course_id, person_id, status) VALUES ($1, $2, 'enrolled')
				ON CONFLICT (course_id, person_id) DO NOTHING`, courseID, pid)
			if err != nil {
				return nil, err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				added++
				ch.Person(pid)
				entries = append(entries, entry("enrolment.create", "course", courseID, cv.Course.OrganiserID, nil,
					map[string]any{"course_id": courseID, "person_id": pid}))
			}
		}
		return entries, nil
	})
	return added, err
}

// Upload is an evidence file sent with a form or an API call.
type Upload struct {
	Name string
	Body io.Reader
}

// Complete records that a participant finished a course on a date, with an
// optional certificate as evidence; or, with status dropped, that they left.
func (s *Service) Complete(ctx context.Context, actor *auth.Actor, enrolmentID int64, status EnrolStatus, on day.Day, cert *Upload) error {
	var e Enrolment
	err := s.db.QueryRowContext(reading(ctx), `SELECT id, course_id, person_id, status, completed_on, COALESCE(certificate_file_id, 0) FROM enrolments WHERE id = $1`, enrolmentID).
		Scan(&e.ID, &e.CourseID, &e.PersonID, &e.Status, &e.CompletedOn, &e.CertificateID)
	if db.IsNoRows(err) {
		return errs.NotFoundErr()
	}
	if err != nil {
		return err
	}
	pv, err := s.GetPerson(ctx, actor, e.PersonID, s.org.Today())
	if err != nil {
		return err
	}
	if !pv.Writable {
		return errs.ForbiddenErr()
	}
	if status != Completed && status != Dropped && status != Enrolled {
		return errs.Invalidf("people.err.bad_value", "Value", string(status)).At(0, "status")
	}
	if status == Completed && on.IsZero() {
		return errs.Invalidf("org.err.date_required").At(0, "completed_on")
	}
	if status != Completed {
		on = day.Day{}
	}
	var data []byte
	var ctype, name string
	if cert != nil && status == Completed {
		if data, ctype, err = files.Check(cert.Name, cert.Body, files.Evidence); err != nil {
			if e, ok := errs.As(err); ok {
				e.Field = "certificate"
			}
			return err
		}
		name = cert.Name
	}
	return s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		var entries []audit.Entry
		after := e
		after.Status, after.CompletedOn = status, on
		if data != nil {
			f, err := s.files.SaveTx(ctx, tx, actor, pv.Current.UnitID, name, ctype, data)
			if err != nil {
				return nil, err
			}
			after.CertificateID = f.ID
		}
		var completed any
		if !on.IsZero() {
			completed = on
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrolments SET status = $1, completed_on = $2, certificate_file_id = $3 WHERE id = $4`,
			after.Status, completed, nullID(after.CertificateID), e.ID); err != nil {
			return nil, fmt.Errorf("update enrolment: %w", err)
		}
		ch.Person(e.PersonID)
		return append(entries, entry("enrolment."+string(status), "enrolment", e.ID, pv.Current.UnitID, e, after)), nil
	})
}

// enrolmentsOf lists a person's courses.
func (s *Service) enrolmentsOf(ctx context.Context, personID int64) ([]EnrolView, error) {
	rows, err := s.db.QueryContext(reading(ctx), `SELECT e.id, e.course_id, e.person_id, e.status, e.completed_on, COALESCE(e.certificate_file_id, 0),
		c.id, c.title, c.provider, c.platform, c.format, c.start_date, c.end_date, c.hours, c.organiser_unit_id
		FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.person_id = $1 ORDER BY c.start_date DESC`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EnrolView
	for rows.Next() {
		var v EnrolView
		c := &v.Course
		if err := rows.Scan(&v.ID, &v.CourseID, &v.PersonID, &v.Status, &v.CompletedOn, &v.CertificateID,
			&c.ID, &c.Title, &c.Provider, &c.Platform, &c.Format, &c.Start, &c.End, &c.Hours, &c.OrganiserID); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
