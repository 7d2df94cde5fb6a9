package plans

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/notify"
)

// ChangeKind is what a change of a confirmed task changed.
type ChangeKind string

// The kinds of change.
const (
	ChangeTitle   ChangeKind = "title"
	ChangeLead    ChangeKind = "lead"
	ChangeSupport ChangeKind = "support"
	ChangeDue     ChangeKind = "due"
	ChangeCancel  ChangeKind = "cancel"
	ChangeCarryTo ChangeKind = "carry_to"   // carried over into another task
	ChangeCarried ChangeKind = "carry_from" // carries on another task
	ChangeGroup   ChangeKind = "group"      // moved to another group (titles)
	ChangeOrder   ChangeKind = "order"      // moved within its group (positions)
	ChangeCode    ChangeKind = "code"       // renumbered
)

// Enum lists the values for the API's document.
func (ChangeKind) Enum() []string {
	return enum.Of(ChangeTitle, ChangeLead, ChangeSupport, ChangeDue, ChangeCancel, ChangeCarryTo, ChangeCarried, ChangeGroup, ChangeOrder, ChangeCode,
		ChangeHandover)
}

// Change is one line of a task's history: what it was, what it became, why
// and by which decision. Before and After are as stored (an ISO date, unit
// ids, a title, a task id); BeforeText and AfterText say them to a reader.
type Change struct {
	ID         int64      `json:"id"`
	TaskID     int64      `json:"task_id"`
	Kind       ChangeKind `json:"kind"`
	Before     string     `json:"before"`
	After      string     `json:"after"`
	BeforeText string     `json:"before_text"`
	AfterText  string     `json:"after_text"`
	Reason     string     `json:"reason"`
	Decision   string     `json:"decision"`
	ChangedBy  int64      `json:"changed_by,omitempty"`
	ChangedAt  time.Time  `json:"changed_at"`
	ChangedOn  day.Day    `json:"changed_on"`
}

// Why is the reason for a change and the decision that made it
// ("Công văn số 15/UBND-KGVX ngày 2/6/2026"), which may be empty.
type Why struct {
	Reason   string `json:"reason"`
	Decision string `json:"decision"`
}

func (w *Why) check() []*errs.Error {
	w.Reason, w.Decision = locale.CleanString(w.Reason), locale.CleanString(w.Decision)
	var bad []*errs.Error
	if w.Reason == "" {
		bad = append(bad, errs.Invalidf("plans.err.reason_required").At(0, "reason"))
	} else if len([]rune(w.Reason)) > 2000 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 2000).At(0, "reason"))
	}
	if len([]rune(w.Decision)) > 500 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 500).At(0, "decision"))
	}
	return bad
}

// TaskChange changes a confirmed task. A field left empty (nil for the
// supporting units) stays as it is.
type TaskChange struct {
	Title      string   `json:"title,omitempty"`
	LeadUnitID int64    `json:"lead_unit_id,omitempty"`
	SupportIDs *[]int64 `json:"support_unit_ids,omitempty"`
	DueOn      day.Day  `json:"due_on"` // a dated task's new deadline
	Why
}

// managedTask loads a task its reader may change: a coordinator over its
// plan; a task closed (cancelled or carried over) is not changed.
func (s *Service) managedTask(ctx context.Context, actor *auth.Actor, id int64) (*taskRec, *access, error) {
	tk, a, err := s.task(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	if !a.manageable() {
		return nil, nil, errs.ForbiddenErr()
	}
	if !tk.CancelledOn.IsZero() {
		return nil, nil, errs.New(errs.Conflict, "plans.err.task_closed", "Date", tk.CancelledOn.VN())
	}
	return tk, a, nil
}

// done reports whether a task's work is done: its only deadline (or its
// latest one so far) accepted as done.
func (r *taskRec) done(d day.Day) bool {
	return r.bare(d).Status.Done() && r.Schedule == Once
}

// ChangeTask changes a confirmed task's title, lead, supporting units or
// deadline, with a reason and optionally the decision: each change is a
// line of the task's history, audited, in one transaction.
func (s *Service) ChangeTask(ctx context.Context, actor *auth.Actor, id int64, in TaskChange) (*Task, error) {
	tk, a, err := s.managedTask(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	bad := in.Why.check()
	next := TaskInput{Title: tk.Title, Description: tk.Description, Code: tk.Code, LeadUnitID: tk.LeadUnitID, SupportIDs: tk.SupportIDs,
		Schedule: tk.Schedule, DueOn: tk.DueOn, Output: tk.Output}
	if t := locale.CleanString(in.Title); t != "" {
		next.Title = t
	}
	if in.LeadUnitID != 0 && tk.LeadClass != "" && in.LeadUnitID != tk.LeadUnitID {
		// a class task's units are its assignments: each is changed on its own
		bad = append(bad, errs.Invalidf("plans.err.class_lead").At(0, "lead_unit_id"))
	} else if in.LeadUnitID != 0 {
		next.LeadUnitID = in.LeadUnitID
	}
	if in.SupportIDs != nil {
		next.SupportIDs = *in.SupportIDs
	}
	if !in.DueOn.IsZero() {
		switch {
		case tk.Schedule != Once:
			bad = append(bad, errs.Invalidf("plans.err.due_recurring").At(0, "due_on"))
		case in.DueOn.Before(a.doc.StartsOn):
			bad = append(bad, errs.Invalidf("plans.err.due_before_start", "Due", in.DueOn.VN(), "Start", a.doc.StartsOn.VN()).At(0, "due_on"))
		case tk.done(today):
			bad = append(bad, errs.Invalidf("plans.err.change_done").At(0, "due_on"))
		default:
			next.DueOn = in.DueOn
		}
	}
	bad = append(bad, next.validate(0, a.doc, a.tree, today)...)
	var changes []Change
	add := func(k ChangeKind, before, after string) {
		if before != after {
			changes = append(changes, Change{TaskID: tk.ID, Kind: k, Before: before, After: after})
		}
	}
	add(ChangeTitle, tk.Title, next.Title)
	add(ChangeLead, strconv.FormatInt(tk.LeadUnitID, 10), strconv.FormatInt(next.LeadUnitID, 10))
	add(ChangeSupport, db.IDList(tk.SupportIDs), db.IDList(next.SupportIDs))
	if tk.Schedule == Once {
		add(ChangeDue, tk.DueOn.String(), next.DueOn.String())
	}
	if len(bad) == 0 && len(changes) == 0 {
		bad = append(bad, errs.Invalidf("plans.err.no_change"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	after := tk.task()
	after.Title, after.LeadUnitID, after.SupportIDs, after.DueOn = next.Title, next.LeadUnitID, next.SupportIDs, next.DueOn
	if after.SupportIDs == nil {
		after.SupportIDs = []int64{}
	}
	now := s.now().UTC()
	after.UpdatedAt = now
	err = s.writeTasks(ctx, func(tx *sql.Tx, touch func(...int64)) error {
		touch(tk.ID)
		if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET title = $1, lead_unit_id = $2, due_on = $3, updated_at = $4 WHERE id = $5`,
			after.Title, after.LeadUnitID, nullDay(after.DueOn), now, tk.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM plan_task_units WHERE task_id = $1`, tk.ID); err != nil {
			return err
		}
		for _, u := range after.SupportIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_task_units (task_id, unit_id) VALUES ($1, $2)`, tk.ID, u); err != nil {
				return err
			}
		}
		if tk.Schedule == Once && !after.DueOn.Equal(tk.DueOn) {
			// the deadline not yet done moves; one accepted stays as it was
			if _, err := tx.ExecContext(ctx, `UPDATE plan_occurrences SET due_on = $1 WHERE task_id = $2 AND accepted_on IS NULL`,
				after.DueOn, tk.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET open_due = (SELECT MIN(due_on) FROM plan_occurrences
				WHERE task_id = $1 AND accepted_on IS NULL) WHERE id = $1`, tk.ID); err != nil {
				return err
			}
		}
		if tk.LeadClass != "" {
			// a class task's title and deadline are its open assignments' too
			if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET title = $1, updated_at = $2 WHERE class_task_id = $3
				AND cancelled_on IS NULL`, after.Title, now, tk.ID); err != nil {
				return err
			}
			if tk.Schedule == Once && !after.DueOn.Equal(tk.DueOn) {
				// a part already done keeps the deadline it was done by
				if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET due_on = $1 WHERE class_task_id = $2 AND cancelled_on IS NULL
					AND EXISTS (SELECT 1 FROM plan_occurrences o WHERE o.task_id = plan_tasks.id AND o.accepted_on IS NULL)`,
					after.DueOn, tk.ID); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE plan_occurrences SET due_on = $1 WHERE accepted_on IS NULL AND task_id IN
					(SELECT id FROM plan_tasks WHERE class_task_id = $2 AND cancelled_on IS NULL)`, after.DueOn, tk.ID); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET open_due = (SELECT MIN(o.due_on) FROM plan_occurrences o
					WHERE o.task_id = plan_tasks.id AND o.accepted_on IS NULL) WHERE class_task_id = $1 AND cancelled_on IS NULL`, tk.ID); err != nil {
					return err
				}
			}
		}
		if err := s.insertChanges(ctx, tx, actor, in.Why, changes, now, s.Today()); err != nil {
			return err
		}
		units := append(append([]int64{tk.LeadUnitID, after.LeadUnitID}, tk.SupportIDs...), after.SupportIDs...)
		if err := s.tellChanges(ctx, tx, actor, units, changes, tk.ID, after.DueOn); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("task.change", "task", tk.ID, after.LeadUnitID, tk.task(),
			struct {
				Task
				Why
			}{after, in.Why}))
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

func (s *Service) insertChanges(ctx context.Context, tx *sql.Tx, actor *auth.Actor, why Why, changes []Change, now time.Time, today day.Day) error {
	for i, c := range changes {
		if err := tx.QueryRowContext(ctx, `INSERT INTO plan_task_changes (task_id, kind, before_val, after_val, reason, decision, changed_by,
			changed_at, changed_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, c.TaskID, c.Kind, c.Before, c.After, why.Reason, why.Decision,
			nullID(actor.UserID), now, today).Scan(&changes[i].ID); err != nil {
			return fmt.Errorf("insert change: %w", err)
		}
	}
	return nil
}

// changeNotices are the notices of the changes a task's units must hear of.
var changeNotices = map[ChangeKind]string{ChangeDue: notify.TaskDue, ChangeLead: notify.TaskLead, ChangeSupport: notify.TaskSupport,
	ChangeTitle: notify.TaskRenamed, ChangeCancel: notify.TaskCancelled, ChangeCarryTo: notify.TaskCarried}

// tellChanges gives the focal persons and coordinators of the units a task
// concerns, before and after the changes (a unit that no longer leads or
// supports it must stop planning for it as much as the new one must
// start), a notice of each change (stored, so with its id), in the change's
// transaction; not the one who made it. The notice opens task (the new one
// for a task carried over) and names due, its deadline, when it moved.
func (s *Service) tellChanges(ctx context.Context, tx *sql.Tx, actor *auth.Actor, units []int64, changes []Change, task int64, due day.Day) error {
	var users []int64
	seen := map[int64]bool{}
	for _, u := range units {
		if seen[u] {
			continue
		}
		seen[u] = true
		us, err := notify.UsersOf(ctx, tx, u, auth.RoleFocal, auth.RoleCoordinator)
		if err != nil {
			return err
		}
		users = append(users, us...)
	}
	users = slices.DeleteFunc(users, func(u int64) bool { return u == actor.UserID })
	for _, c := range changes {
		kind, ok := changeNotices[c.Kind]
		if !ok {
			continue
		}
		n := notify.Notice{Kind: kind, TaskID: task, Link: fmt.Sprintf("/tasks/%d", task), Key: fmt.Sprintf("task_change:%d", c.ID)}
		if c.Kind == ChangeDue {
			n.Due = due
		}
		if err := notify.To(ctx, tx, s.now(), users, n); err != nil {
			return err
		}
	}
	return nil
}

// CancelTask cancels a task that is not done, with a reason: from today
// it is listed, not counted.
func (s *Service) CancelTask(ctx context.Context, actor *auth.Actor, id int64, why Why) (*Task, error) {
	tk, _, err := s.managedTask(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	bad := why.check()
	if tk.done(today) {
		bad = append(bad, errs.Invalidf("plans.err.cancel_done"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	return s.close(ctx, actor, tk, why, today, 0)
}

// close cancels a task, or (to set) marks it carried over into task to.
func (s *Service) close(ctx context.Context, actor *auth.Actor, tk *taskRec, why Why, today day.Day, to int64) (*Task, error) {
	after := tk.task()
	after.CancelledOn, after.CancelReason, after.CarriedTo = today, why.Reason, to
	now := s.now().UTC()
	kind, val := ChangeCancel, ""
	if to != 0 {
		kind, val = ChangeCarryTo, strconv.FormatInt(to, 10)
	}
	err := s.writeTasks(ctx, func(tx *sql.Tx, touch func(...int64)) error {
		touch(tk.ID) // a class task stands for the assignments it cancels
		return s.closeTx(ctx, tx, actor, tk, &after, why, kind, val, now, today)
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

func (s *Service) closeTx(ctx context.Context, tx *sql.Tx, actor *auth.Actor, tk *taskRec, after *Task, why Why, kind ChangeKind, val string,
	now time.Time, today day.Day) error {
	// the guard in the WHERE keeps two cancellations from both passing
	res, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET cancelled_on = $1, cancel_reason = $2, carried_to = $3, updated_at = $4
		WHERE id = $5 AND cancelled_on IS NULL`, today, why.Reason, nullID(after.CarriedTo), now, tk.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.New(errs.Conflict, "plans.err.task_closed", "Date", today.VN())
	}
	if tk.LeadClass != "" && kind == ChangeCancel {
		// cancelling a class task cancels its open assignments
		if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET cancelled_on = $1, cancel_reason = $2, updated_at = $3
			WHERE class_task_id = $4 AND cancelled_on IS NULL`, today, why.Reason, now, tk.ID); err != nil {
			return err
		}
	}
	change := []Change{{TaskID: tk.ID, Kind: kind, After: val}}
	if err := s.insertChanges(ctx, tx, actor, why, change, now, today); err != nil {
		return err
	}
	// a task carried over is told with the new task, where the work goes on
	open := tk.ID
	if after.CarriedTo != 0 {
		open = after.CarriedTo
	}
	if err := s.tellChanges(ctx, tx, actor, append([]int64{tk.LeadUnitID}, tk.SupportIDs...), change, open, day.Day{}); err != nil {
		return err
	}
	action := "task.cancel"
	if kind == ChangeCarryTo {
		action = "task.carry"
	}
	return s.audit.Write(ctx, tx, actor.Who(), entry(action, "task", tk.ID, tk.LeadUnitID, tk.task(), struct {
		Task
		Why
	}{*after, why}))
}

// CarryInput carries an unfinished task over into a plan (the same one
// for another period, or another), with the new deadline of a dated task.
type CarryInput struct {
	DocumentID int64   `json:"document_id"`
	DueOn      day.Day `json:"due_on,omitzero"`
	Why
}

// CarryTask carries an unfinished task over: a new task in the chosen
// plan, linked both ways with the old one, which is closed from today;
// the work is counted once, in the new task.
func (s *Service) CarryTask(ctx context.Context, actor *auth.Actor, id int64, in CarryInput) (*Task, error) {
	tk, _, err := s.managedTask(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	bad := in.Why.check()
	if tk.done(today) {
		bad = append(bad, errs.Invalidf("plans.err.carry_done"))
	}
	if tk.LeadClass != "" {
		bad = append(bad, errs.Invalidf("plans.err.class_carry").At(0, "document_id"))
	}
	if in.DocumentID == 0 {
		in.DocumentID = tk.DocumentID
	}
	to, err := s.manage(ctx, actor, in.DocumentID)
	if err != nil {
		if errs.KindOf(err) == errs.NotFound || errs.KindOf(err) == errs.Forbidden {
			return nil, errs.Invalidf("plans.err.unknown_document", "ID", in.DocumentID).At(0, "document_id")
		}
		return nil, err
	}
	if to.doc.EndsOn.Before(today) {
		bad = append(bad, errs.Invalidf("plans.err.plan_closed", "Number", to.doc.Number, "Date", to.doc.EndsOn.VN()).At(0, "document_id"))
	}
	next := TaskInput{Code: tk.Code, Title: tk.Title, Description: tk.Description, LeadUnitID: tk.LeadUnitID, SupportIDs: tk.SupportIDs,
		Schedule: tk.Schedule, DueOn: in.DueOn, Output: tk.Output}
	if tk.Schedule == Once && !in.DueOn.IsZero() && in.DueOn.Before(to.doc.StartsOn) {
		bad = append(bad, errs.Invalidf("plans.err.due_before_start", "Due", in.DueOn.VN(), "Start", to.doc.StartsOn.VN()).At(0, "due_on"))
	}
	if len(bad) == 0 {
		bad = append(bad, next.validate(0, to.doc, to.tree, today)...)
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	var carried *Task
	now := s.now().UTC()
	err = s.writeTasks(ctx, func(tx *sql.Tx, touch func(...int64)) error {
		var gid int64
		if tk.GroupID != 0 && to.doc.ID == tk.DocumentID {
			gid = tk.GroupID
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM plan_tasks WHERE document_id = $1`, to.doc.ID).Scan(&seq); err != nil {
			return err
		}
		nt, e, err := s.insertTask(ctx, tx, to.doc, gid, seq, next)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET carried_from = $1 WHERE id = $2`, tk.ID, nt.ID); err != nil {
			return err
		}
		nt.CarriedFrom = tk.ID
		carried = nt
		touch(tk.ID, nt.ID)
		if err := s.insertChanges(ctx, tx, actor, in.Why, []Change{{TaskID: nt.ID, Kind: ChangeCarried, Before: strconv.FormatInt(tk.ID, 10)}},
			now, today); err != nil {
			return err
		}
		if err := s.audit.Write(ctx, tx, actor.Who(), e); err != nil {
			return err
		}
		after := tk.task()
		after.CancelledOn, after.CancelReason, after.CarriedTo = today, in.Reason, nt.ID
		return s.closeTx(ctx, tx, actor, tk, &after, in.Why, ChangeCarryTo, strconv.FormatInt(nt.ID, 10), now, today)
	})
	if err != nil {
		return nil, err
	}
	return carried, nil
}

// history is a task's changes, oldest first, said for a reader.
func (s *Service) history(ctx context.Context, a *access, id int64, d day.Day) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, task_id, kind, before_val, after_val, reason, decision, COALESCE(changed_by, 0), changed_at,
		changed_on FROM plan_task_changes WHERE task_id = $1 ORDER BY changed_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.ID, &c.TaskID, &c.Kind, &c.Before, &c.After, &c.Reason, &c.Decision, &c.ChangedBy, &c.ChangedAt, &c.ChangedOn); err != nil {
			return nil, err
		}
		c.BeforeText, c.AfterText = s.say(a, c.Kind, c.Before, d), s.say(a, c.Kind, c.After, d)
		out = append(out, c)
	}
	return out, rows.Err()
}

// say writes a stored value for a reader: a date as dd/mm/yyyy, units by
// name.
func (s *Service) say(a *access, k ChangeKind, v string, d day.Day) string {
	switch k {
	case ChangeDue:
		if dd, err := day.Parse(v); err == nil {
			return dd.VN()
		}
	case ChangeLead, ChangeSupport, ChangeHandover:
		var names []string
		for _, f := range strings.Split(v, ",") {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				names = append(names, unitName(a.tree, id, d))
			}
		}
		return strings.Join(names, "; ")
	}
	return v
}

// Changes lists a task's history for a reader of the task.
func (s *Service) Changes(ctx context.Context, actor *auth.Actor, id int64) ([]Change, error) {
	_, a, err := s.task(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.history(ctx, a, id, s.Today())
}

// DocumentChange changes a registered document's metadata, with a reason
// and the decision.
type DocumentChange struct {
	DocumentInput
	Why
}

// ChangeDocument changes a document's number, type, title, issuer, signer,
// dates, fields, the document it implements or its period. The chain of
// documents may not loop; the period must still hold every dated task.
func (s *Service) ChangeDocument(ctx context.Context, actor *auth.Actor, id int64, in DocumentChange) (*Document, error) {
	a, err := s.manage(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	in.OwnerUnitID = a.doc.OwnerUnitID // the owner decides who may change it: it does not move here
	// dates left out stay as they were (not the defaults of a new document)
	for _, f := range []struct{ in, was *day.Day }{{&in.EffectiveOn, &a.doc.EffectiveOn}, {&in.StartsOn, &a.doc.StartsOn}, {&in.EndsOn, &a.doc.EndsOn}} {
		if f.in.IsZero() {
			*f.in = *f.was
		}
	}
	bad := in.Why.check()
	bad = append(bad, in.DocumentInput.validate()...)
	if p := in.ParentID; p != 0 {
		if _, err := s.open(ctx, actor, p); err != nil {
			bad = append(bad, errs.Invalidf("plans.err.unknown_document", "ID", p).At(0, "implements_id"))
		} else if loops, err := s.chainLoops(ctx, id, p); err != nil {
			return nil, err
		} else if loops {
			bad = append(bad, errs.Invalidf("plans.err.chain_loop").At(0, "implements_id"))
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	after := *a.doc
	after.Number, after.Type, after.Title, after.Issuer, after.Signer = in.Number, in.Type, in.Title, in.Issuer, in.Signer
	after.IssuedOn, after.EffectiveOn, after.Fields, after.ParentID = in.IssuedOn, in.EffectiveOn, in.Fields, in.ParentID
	after.StartsOn, after.EndsOn = in.StartsOn, in.EndsOn
	after.UpdatedAt = s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_documents WHERE number_folded = $1 AND issued_on = $2 AND id <> $3`,
			locale.Fold(after.Number), after.IssuedOn, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, "plans.err.duplicate_document", "Number", after.Number, "Date", after.IssuedOn.VN()).At(0, "number")
		}
		var early int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_tasks WHERE document_id = $1 AND due_on < $2 AND cancelled_on IS NULL`,
			id, after.IssuedOn).Scan(&early); err != nil {
			return err
		}
		if early > 0 {
			return errs.Invalidf("plans.err.tasks_before_issue", "Count", early, "Date", after.IssuedOn.VN()).At(0, "issued_on")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan_documents SET number = $1, number_folded = $2, doc_type = $3, title = $4, title_folded = $5,
			issuer = $6, signer = $7, issued_on = $8, effective_on = $9, fields = $10, parent_id = $11, starts_on = $12, ends_on = $13,
			updated_at = $14 WHERE id = $15`, after.Number, locale.Fold(after.Number), after.Type, after.Title, locale.Fold(after.Title),
			after.Issuer, after.Signer, after.IssuedOn, after.EffectiveOn, after.Fields, nullID(after.ParentID), after.StartsOn, after.EndsOn,
			after.UpdatedAt, id); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("document.change", "document", id, after.OwnerUnitID, a.doc, struct {
			Document
			Why
		}{after, in.Why}))
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// chainLoops reports whether making document id implement parent would
// close a loop: parent is id, or implements it, however far up.
func (s *Service) chainLoops(ctx context.Context, id, parent int64) (bool, error) {
	seen := map[int64]bool{}
	for p := parent; p != 0; {
		if p == id || seen[p] {
			return true, nil
		}
		seen[p] = true
		var next sql.NullInt64
		if err := s.db.QueryRowContext(ctx, `SELECT parent_id FROM plan_documents WHERE id = $1`, p).Scan(&next); err != nil {
			return false, err
		}
		p = next.Int64
	}
	return false, nil
}
