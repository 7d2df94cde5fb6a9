package plans

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
)

// MaxEvidence is how many files one report may carry.
const MaxEvidence = 5

// OccView is a deadline of a task with its status on a date.
type OccView struct {
	Occurrence
	Start  day.Day `json:"start"`
	Status Status  `json:"status"`
}

// TaskView is one task with everything about it.
type TaskView struct {
	Row           TaskRow          `json:"task"`
	Document      Document         `json:"document"`
	Group         *Group           `json:"group,omitempty"`
	Target        *Target          `json:"target,omitempty"`
	Occurrences   []OccView        `json:"occurrences"`
	Reports       []Report         `json:"reports"`
	Contributions []Contribution   `json:"contributions"`
	Names         map[int64]string `json:"-"`
	CanReport     bool             `json:"can_report"`
	CanReview     bool             `json:"can_review"`
	// ContributeAs are the supporting units the reader may add
	// contributions for.
	ContributeAs []int64 `json:"contribute_as"`
	// History is what changed since the task was confirmed, oldest first
	// (the first line of a kind keeps the original); CanChange is set for
	// the coordinator over the plan while the task is open.
	History   []Change `json:"history"`
	CanChange bool     `json:"can_change"`
}

// task loads a task with access to its document.
func (s *Service) task(ctx context.Context, actor *auth.Actor, id int64) (*taskRec, *access, error) {
	tasks, err := s.loadTasks(ctx, s.db, "t.id = $1", []any{id})
	if err != nil {
		return nil, nil, err
	}
	if len(tasks) == 0 {
		return nil, nil, errs.NotFoundErr()
	}
	a, err := s.open(ctx, actor, tasks[0].DocumentID)
	if err != nil {
		return nil, nil, err
	}
	if !a.seesRec(tasks[0]) {
		return nil, nil, errs.ForbiddenErr()
	}
	return tasks[0], a, nil
}

// GetTask shows a task on date d: its deadlines with their statuses, the
// reports and the supporting units' contributions.
func (s *Service) GetTask(ctx context.Context, actor *auth.Actor, id int64, d day.Day) (*TaskView, error) {
	tk, a, err := s.task(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	v := &TaskView{Row: s.row(a.tree, tk, d), Document: *a.doc, Names: map[int64]string{}, Reports: []Report{}, Contributions: []Contribution{},
		ContributeAs: []int64{}}
	v.CanReport = actor.Can(auth.PermEnterData) && a.tree.InScope(tk.LeadUnitID) && tk.CancelledOn.IsZero() && tk.LeadClass == ""
	v.CanReview = a.manageable()
	v.CanChange = v.CanReview && tk.CancelledOn.IsZero()
	if v.History, err = s.history(ctx, a, id, d); err != nil {
		return nil, err
	}
	if actor.Can(auth.PermEnterData) {
		for _, u := range tk.SupportIDs {
			if a.tree.InScope(u) {
				v.ContributeAs = append(v.ContributeAs, u)
			}
		}
	}
	for _, o := range tk.occurrences() {
		start := PeriodStart(o.Period, tk.start)
		v.Occurrences = append(v.Occurrences, OccView{Occurrence: o, Start: start, Status: o.StatusOn(d, start)})
	}
	if tk.GroupID != 0 {
		gs, err := s.groups(ctx, s.db, tk.DocumentID)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			if g.ID == tk.GroupID {
				g := g
				v.Group = &g
			}
		}
	}
	if tk.TargetID != 0 {
		ts, err := s.targets(ctx, s.db, tk.DocumentID)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.ID == tk.TargetID {
				t := t
				v.Target = &t
			}
		}
	}
	if v.Reports, err = s.reports(ctx, s.db, `task_id = $1`, id); err != nil {
		return nil, err
	}
	if v.Contributions, err = s.contributions(ctx, id); err != nil {
		return nil, err
	}
	for _, r := range v.Reports {
		v.Names[r.UnitID] = unitName(a.tree, r.UnitID, d)
	}
	for _, c := range v.Contributions {
		v.Names[c.UnitID] = unitName(a.tree, c.UnitID, d)
	}
	for _, u := range tk.SupportIDs {
		v.Names[u] = unitName(a.tree, u, d)
	}
	return v, nil
}

const reportColumns = `id, task_id, occurrence_id, period, unit_id, status, percent, done_text, obstacles, proposals, completed_on, state,
	COALESCE(submitted_by, 0), submitted_at, submitted_on, COALESCE(reviewed_by, 0), reviewed_at, reviewed_on, review_comment`

func (s *Service) reports(ctx context.Context, q db.Querier, where string, args ...any) ([]Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reportColumns+` FROM plan_reports WHERE `+where+` ORDER BY submitted_at DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []Report
	for rows.Next() {
		var r Report
		var reviewed sql.NullTime
		if err := rows.Scan(&r.ID, &r.TaskID, &r.OccurrenceID, &r.Period, &r.UnitID, &r.Status, &r.Percent, &r.DoneText, &r.Obstacles,
			&r.Proposals, &r.CompletedOn, &r.State, &r.SubmittedBy, &r.SubmittedAt, &r.SubmittedOn, &r.ReviewedBy, &reviewed,
			&r.ReviewedOn, &r.ReviewComment); err != nil {
			rows.Close()
			return nil, err
		}
		if reviewed.Valid {
			t := reviewed.Time
			r.ReviewedAt = &t
		}
		r.FileIDs = []int64{}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// the files of all of them in one query (a query a report made the
	// review queue's N+1 round trips, one per report waiting); the ids are
	// our own integers, so inlining them is safe
	for start := 0; start < len(out); start += 1000 {
		part := out[start:min(start+1000, len(out))]
		at := map[int64]int{}
		ids := make([]string, len(part))
		for i, r := range part {
			at[r.ID] = start + i
			ids[i] = strconv.FormatInt(r.ID, 10)
		}
		fr, err := q.QueryContext(ctx, `SELECT report_id, file_id FROM plan_report_files WHERE report_id IN (`+strings.Join(ids, ",")+`) ORDER BY report_id, file_id`)
		if err != nil {
			return nil, err
		}
		for fr.Next() {
			var r, f int64
			if err := fr.Scan(&r, &f); err != nil {
				fr.Close()
				return nil, err
			}
			out[at[r]].FileIDs = append(out[at[r]].FileIDs, f)
		}
		fr.Close()
		if err := fr.Err(); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []Report{}
	}
	return out, nil
}

func (s *Service) contributions(ctx context.Context, task int64) ([]Contribution, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, task_id, period, unit_id, body, COALESCE(file_id, 0), COALESCE(created_by, 0), created_at
		FROM plan_contributions WHERE task_id = $1 ORDER BY created_at DESC, id DESC`, task)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Contribution{}
	for rows.Next() {
		var c Contribution
		if err := rows.Scan(&c.ID, &c.TaskID, &c.Period, &c.UnitID, &c.Body, &c.FileID, &c.CreatedBy, &c.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReportInput is a progress report.
type ReportInput struct {
	// OccurrenceID is the deadline reported on; the earliest unfinished
	// one when 0.
	OccurrenceID int64        `json:"occurrence_id,omitempty"`
	Period       string       `json:"period"` // the reporting period, 2025-H1; the current one when empty
	Status       ReportStatus `json:"status"`
	Percent      int          `json:"percent"`
	Done         string       `json:"done"`
	Obstacles    string       `json:"obstacles"`
	Proposals    string       `json:"proposals"`
	CompletedOn  day.Day      `json:"completed_on,omitzero"`
	Files        []Upload     `json:"-"`
}

func validPeriod(p string) bool {
	if len(p) != 7 || p[4] != '-' || p[5] != 'H' || (p[6] != '1' && p[6] != '2') {
		return false
	}
	for _, c := range p[:4] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// SubmitReport records the lead unit's report on its task. Only a user of
// the lead unit (or above it) who enters data may report.
func (s *Service) SubmitReport(ctx context.Context, actor *auth.Actor, taskID int64, in ReportInput) (*Report, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	tk, a, err := s.task(ctx, actor, taskID)
	if err != nil {
		return nil, err
	}
	if !a.tree.InScope(tk.LeadUnitID) {
		return nil, errs.New(errs.Forbidden, "plans.err.not_your_task")
	}
	if err := classError(tk); err != nil {
		return nil, err
	}
	if !tk.CancelledOn.IsZero() {
		return nil, errs.New(errs.Conflict, "plans.err.task_closed", "Date", tk.CancelledOn.VN())
	}
	today := s.Today()
	var occ *Occurrence
	occs := tk.occurrences()
	for i := range occs {
		o := &occs[i]
		if in.OccurrenceID == o.ID || in.OccurrenceID == 0 && occ == nil && o.AcceptedOn.IsZero() {
			occ = o
		}
	}
	in.Done, in.Obstacles, in.Proposals = strings.TrimSpace(in.Done), strings.TrimSpace(in.Obstacles), strings.TrimSpace(in.Proposals)
	if in.Period == "" {
		in.Period = ReportingPeriod(today)
	}
	var bad []*errs.Error
	switch {
	case occ == nil && in.OccurrenceID != 0:
		bad = append(bad, errs.Invalidf("plans.err.unknown_occurrence").At(0, "occurrence_id"))
	case occ == nil:
		bad = append(bad, errs.Invalidf("plans.err.all_done").At(0, "occurrence_id"))
	case !occ.AcceptedOn.IsZero():
		bad = append(bad, errs.Invalidf("plans.err.already_done", "Date", occ.AcceptedOn.VN()).At(0, "occurrence_id"))
	}
	if !validPeriod(in.Period) {
		bad = append(bad, errs.Invalidf("plans.err.bad_value", "Value", in.Period).At(0, "period"))
	}
	if in.Status == "" {
		in.Status = InProgress
	}
	if !oneOf(in.Status, ReportStatuses) {
		bad = append(bad, errs.Invalidf("plans.err.bad_value", "Value", string(in.Status)).At(0, "status"))
	}
	if in.Percent < 0 || in.Percent > 100 {
		bad = append(bad, errs.Invalidf("plans.err.bad_percent").At(0, "percent"))
	}
	if in.Status == Completed {
		in.Percent = 100
		switch {
		case in.CompletedOn.IsZero():
			bad = append(bad, errs.Invalidf("plans.err.completed_on_required").At(0, "completed_on"))
		case in.CompletedOn.After(today):
			bad = append(bad, errs.Invalidf("plans.err.in_future", "Date", in.CompletedOn.VN()).At(0, "completed_on"))
		case in.CompletedOn.Before(a.doc.IssuedOn):
			bad = append(bad, errs.Invalidf("plans.err.done_before_issue", "Issued", a.doc.IssuedOn.VN()).At(0, "completed_on"))
		}
	} else {
		in.CompletedOn = day.Day{}
		if in.Status == NotStarted {
			in.Percent = 0
		}
	}
	if in.Done == "" && in.Status != NotStarted {
		bad = append(bad, errs.Invalidf("plans.err.done_required").At(0, "done"))
	}
	for _, f := range []struct {
		v, name string
	}{{in.Done, "done"}, {in.Obstacles, "obstacles"}, {in.Proposals, "proposals"}} {
		if len(f.v) > 20000 {
			bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 20000).At(0, f.name))
		}
	}
	if len(in.Files) > MaxEvidence {
		bad = append(bad, errs.Invalidf("plans.err.too_many_files", "Max", MaxEvidence).At(0, "evidence"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	type checked struct {
		name, ctype string
		data        []byte
	}
	var evidence []checked
	for _, f := range in.Files {
		data, ctype, err := files.Check(f.Name, f.Body, files.Evidence)
		if err != nil {
			if e, ok := errs.As(err); ok {
				e.Field = "evidence"
			}
			return nil, err
		}
		evidence = append(evidence, checked{f.Name, ctype, data})
	}
	now := s.now().UTC()
	r := &Report{TaskID: tk.ID, OccurrenceID: occ.ID, Period: in.Period, UnitID: tk.LeadUnitID, Status: in.Status, Percent: in.Percent,
		DoneText: in.Done, Obstacles: in.Obstacles, Proposals: in.Proposals, CompletedOn: in.CompletedOn, State: Submitted,
		SubmittedBy: actor.UserID, SubmittedAt: now, SubmittedOn: today, FileIDs: []int64{}}
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	err = s.writeTasks(ctx, func(tx *sql.Tx, touch func(...int64)) error {
		touch(tk.ID)
		var pending int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_reports WHERE occurrence_id = $1 AND period = $2 AND state = $3`,
			occ.ID, r.Period, Submitted).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return errs.New(errs.Conflict, "plans.err.pending_report").At(0, "period")
		}
		var entries []audit.Entry
		for _, f := range evidence {
			saved, err := s.files.SaveTx(ctx, tx, actor, tk.LeadUnitID, f.name, f.ctype, f.data)
			if err != nil {
				return err
			}
			r.FileIDs = append(r.FileIDs, saved.ID)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO plan_reports (task_id, occurrence_id, period, unit_id, status, percent, done_text, obstacles,
			proposals, completed_on, state, submitted_by, submitted_at, submitted_on, review_comment)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '') RETURNING id`,
			r.TaskID, r.OccurrenceID, r.Period, r.UnitID, r.Status, r.Percent, r.DoneText, r.Obstacles, r.Proposals, nullDay(r.CompletedOn),
			r.State, nullID(r.SubmittedBy), r.SubmittedAt, r.SubmittedOn).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
		for _, f := range r.FileIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_report_files (report_id, file_id) VALUES ($1, $2)`, r.ID, f); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan_occurrences SET percent = $1, percent_on = $2 WHERE id = $3`, r.Percent, today, occ.ID); err != nil {
			return err
		}
		entries = append(entries, entry("report.submit", "task_report", r.ID, tk.LeadUnitID, nil, r))
		// the coordinators of the plan's owner have a report to review
		for _, u := range s.coordinatorUnits(snap, a.doc.OwnerUnitID) {
			if err := s.notifyUnit(ctx, tx, u, []auth.Role{auth.RoleCoordinator}, NoticeReport, tk.ID, occ.ID, r.ID, occ.DueOn,
				fmt.Sprintf("report:%d", r.ID)); err != nil {
				return err
			}
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ReviewInput accepts or returns a report.
type ReviewInput struct {
	Accept  bool   `json:"accept"`
	Comment string `json:"comment"`
}

// Review accepts a report (a completed task is then done, on time or late
// by the date the work was done) or returns it with a comment, which the
// reporter is notified of. Only a coordinator over the plan may review.
func (s *Service) Review(ctx context.Context, actor *auth.Actor, reportID int64, in ReviewInput) (*Report, error) {
	reps, err := s.reports(ctx, s.db, `id = $1`, reportID)
	if err != nil {
		return nil, err
	}
	if len(reps) == 0 {
		return nil, errs.NotFoundErr()
	}
	r := reps[0]
	tk, a, err := s.task(ctx, actor, r.TaskID)
	if err != nil {
		return nil, err
	}
	if !a.manageable() {
		return nil, errs.ForbiddenErr()
	}
	in.Comment = strings.TrimSpace(in.Comment)
	if r.State != Submitted {
		return nil, errs.New(errs.Conflict, "plans.err.already_reviewed")
	}
	if !in.Accept && in.Comment == "" {
		return nil, errs.Invalidf("plans.err.comment_required").At(0, "comment")
	}
	if len(in.Comment) > 5000 {
		return nil, errs.Invalidf("plans.err.too_long", "Max", 5000).At(0, "comment")
	}
	before := r
	now := s.now().UTC()
	today := s.Today()
	r.State, r.ReviewedBy, r.ReviewedAt, r.ReviewedOn, r.ReviewComment = Returned, actor.UserID, &now, today, in.Comment
	if in.Accept {
		r.State = Accepted
	}
	err = s.writeTasks(ctx, func(tx *sql.Tx, touch func(...int64)) error {
		touch(tk.ID)
		res, err := tx.ExecContext(ctx, `UPDATE plan_reports SET state = $1, reviewed_by = $2, reviewed_at = $3, reviewed_on = $4, review_comment = $5
			WHERE id = $6 AND state = $7`, r.State, nullID(actor.UserID), now, today, r.ReviewComment, r.ID, Submitted)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "plans.err.already_reviewed")
		}
		if in.Accept {
			done := r.Status == Completed || tk.Schedule == Regular
			doneOn := r.CompletedOn
			if tk.Schedule == Regular && r.Status != Completed {
				doneOn = r.SubmittedOn
			}
			if done {
				if _, err := tx.ExecContext(ctx, `UPDATE plan_occurrences SET done_on = $1, accepted_on = $2, report_id = $3, percent = $4, percent_on = $5
					WHERE id = $6`, doneOn, today, r.ID, r.Percent, r.SubmittedOn, r.OccurrenceID); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET open_due = (SELECT MIN(due_on) FROM plan_occurrences
					WHERE task_id = $1 AND accepted_on IS NULL) WHERE id = $1`, tk.ID); err != nil {
					return err
				}
			}
		}
		kind := NoticeReturned
		if in.Accept {
			kind = NoticeAccepted
		}
		if r.SubmittedBy != 0 {
			if err := s.notify(ctx, tx, r.SubmittedBy, kind, tk.ID, r.OccurrenceID, r.ID, day.Day{}, fmt.Sprintf("%s:%d", kind, r.ID)); err != nil {
				return err
			}
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("report."+map[bool]string{true: "accept", false: "return"}[in.Accept], "task_report", r.ID, tk.LeadUnitID, before, r))
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ContributionInput is a supporting unit's contribution.
type ContributionInput struct {
	UnitID int64   `json:"unit_id,omitempty"` // which supporting unit; the reader's own when 0
	Period string  `json:"period"`
	Body   string  `json:"body"`
	File   *Upload `json:"-"`
}

// AddContribution records what a supporting unit did for a task.
func (s *Service) AddContribution(ctx context.Context, actor *auth.Actor, taskID int64, in ContributionInput) (*Contribution, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	tk, a, err := s.task(ctx, actor, taskID)
	if err != nil {
		return nil, err
	}
	var mine []int64
	for _, u := range tk.SupportIDs {
		if a.tree.InScope(u) {
			mine = append(mine, u)
		}
	}
	if len(mine) == 0 {
		return nil, errs.New(errs.Forbidden, "plans.err.not_supporting")
	}
	if in.UnitID == 0 {
		in.UnitID = mine[0]
	}
	if !oneOf(in.UnitID, mine) {
		return nil, errs.Invalidf("plans.err.not_supporting").At(0, "unit_id")
	}
	in.Body = strings.TrimSpace(in.Body)
	if in.Period == "" {
		in.Period = ReportingPeriod(s.Today())
	}
	var bad []*errs.Error
	if in.Body == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "body"))
	} else if len(in.Body) > 20000 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 20000).At(0, "body"))
	}
	if !validPeriod(in.Period) {
		bad = append(bad, errs.Invalidf("plans.err.bad_value", "Value", in.Period).At(0, "period"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	var data []byte
	var ctype string
	if in.File != nil {
		if data, ctype, err = files.Check(in.File.Name, in.File.Body, files.Evidence); err != nil {
			if e, ok := errs.As(err); ok {
				e.Field = "evidence"
			}
			return nil, err
		}
	}
	c := &Contribution{TaskID: tk.ID, Period: in.Period, UnitID: in.UnitID, Body: in.Body, CreatedBy: actor.UserID, CreatedAt: s.now().UTC()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if data != nil {
			f, err := s.files.SaveTx(ctx, tx, actor, in.UnitID, in.File.Name, ctype, data)
			if err != nil {
				return err
			}
			c.FileID = f.ID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO plan_contributions (task_id, period, unit_id, body, file_id, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.TaskID, c.Period, c.UnitID, c.Body, nullID(c.FileID), nullID(c.CreatedBy), c.CreatedAt).Scan(&c.ID); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("contribution.create", "task_contribution", c.ID, c.UnitID, nil, c))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// PendingReports are the reports waiting for the reader's review.
func (s *Service) PendingReports(ctx context.Context, actor *auth.Actor, limit int) ([]Report, error) {
	if !mayManage(actor) {
		return []Report{}, nil
	}
	// kept for the plans and tree generations (a review or a report moves
	// the first): the coordinator's home and /tasks ask it at each request
	v, err := s.summary(ctx, actor, "pending "+strconv.Itoa(limit), s.org.Today(), func() (any, error) {
		return s.pendingReports(ctx, actor, limit)
	})
	if err != nil {
		return nil, err
	}
	return append([]Report{}, v.([]Report)...), nil // the caller's own slice
}

func (s *Service) pendingReports(ctx context.Context, actor *auth.Actor, limit int) ([]Report, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	reps, err := s.reports(ctx, s.db, `state = $1`, Submitted)
	if err != nil {
		return nil, err
	}
	out := []Report{}
	for _, r := range reps {
		if t.InScope(r.UnitID) {
			out = append(out, r)
		}
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return out, nil
}
