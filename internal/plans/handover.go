package plans

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/notify"
	"github.com/mangluoi/mangluoi/internal/org"
)

// ChangeHandover is a task passed to its lead's successor when the lead
// ended in a restructuring.
const ChangeHandover ChangeKind = "handover"

// HandOver is the plans' part of a restructuring event (issue 11 item 6),
// run by org in the event's transaction (org.Service.OnEvent), after the
// tree is written: the open tasks and assignments of each unit the event
// ended pass to its successor as of the event's date, each with a line in
// its history (the decision is the event's legal basis), an audit entry and
// a notification to the successor's people; a successor that already has
// an assignment of the same class task keeps one, the other is closed as
// merged. Units the event made get the assignments of class tasks that say
// so (class_later). It is done when the event is applied rather than
// resolved at read time so that the history, the notification and every
// count (measured figures, overdue lists, the to-do of the successor) see
// one stored lead, and an event and its hand-over commit or fail together.
func (s *Service) HandOver(ctx context.Context, tx *sql.Tx, actor *auth.Actor, ev *org.Event, after *org.Snapshot) error {
	now := s.now().UTC()
	// the units the event ended and who they went to
	rows, err := tx.QueryContext(ctx, `SELECT predecessor_id, successor_id, share FROM unit_lineage WHERE event_id = $1
		ORDER BY predecessor_id, successor_id`, ev.ID)
	if err != nil {
		return err
	}
	heir := map[int64]int64{}
	full := map[int64]bool{}
	for rows.Next() {
		var p, sc int64
		var share org.Share
		if err := rows.Scan(&p, &sc, &share); err != nil {
			rows.Close()
			return err
		}
		if after.At(p, ev.Effective) != nil || after.At(sc, ev.Effective) == nil {
			continue // the unit goes on (a part split off), or its successor is not in force
		}
		// a split gives the tasks to the successor that took all of it,
		// else to the first
		if _, ok := heir[p]; !ok || share == org.ShareFull && !full[p] {
			heir[p], full[p] = sc, share == org.ShareFull
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var entries []audit.Entry
	why := Why{Reason: "Bàn giao cho đơn vị kế thừa khi sắp xếp đơn vị ngày " + ev.Effective.VN(), Decision: ev.LegalBasis}
	if len(heir) > 0 {
		ended := make([]int64, 0, len(heir))
		for p := range heir {
			ended = append(ended, p)
		}
		sort.Slice(ended, func(i, j int) bool { return ended[i] < ended[j] })
		list := db.IDList(ended)
		tasks, err := s.loadTasks(ctx, tx, "t.cancelled_on IS NULL AND t.lead_unit_id IN ("+list+")", nil)
		if err != nil {
			return err
		}
		// the class tasks the successors already have a part of
		has, err := classParts(ctx, tx)
		if err != nil {
			return err
		}
		today := s.Today()
		for _, tk := range flatten(tasks) {
			to, ok := heir[tk.LeadUnitID]
			if !ok || !tk.CancelledOn.IsZero() || tk.state(today).Status.Done() {
				continue
			}
			if tk.ClassTaskID != 0 && has[partKey(tk.ClassTaskID, to)] {
				// the successor already carries this class task: one part each
				if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET cancelled_on = $1, cancel_reason = $2, updated_at = $3
					WHERE id = $4 AND cancelled_on IS NULL`, ev.Effective, why.Reason, now, tk.ID); err != nil {
					return err
				}
				if err := s.insertChanges(ctx, tx, actor, why, []Change{{TaskID: tk.ID, Kind: ChangeCancel}}, now, ev.Effective); err != nil {
					return err
				}
				entries = append(entries, entry("task.cancel", "task", tk.ID, tk.LeadUnitID, tk.task(), nil))
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET lead_unit_id = $1, updated_at = $2 WHERE id = $3`, to, now, tk.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM plan_task_units WHERE task_id = $1 AND unit_id = $2`, tk.ID, to); err != nil {
				return err
			}
			if err := s.insertChanges(ctx, tx, actor, why, []Change{{TaskID: tk.ID, Kind: ChangeHandover,
				Before: strconv.FormatInt(tk.LeadUnitID, 10), After: strconv.FormatInt(to, 10)}}, now, ev.Effective); err != nil {
				return err
			}
			moved := tk.task()
			moved.LeadUnitID = to
			entries = append(entries, entry("task.handover", "task", tk.ID, to, tk.task(), moved))
			if tk.ClassTaskID != 0 {
				has[partKey(tk.ClassTaskID, to)] = true
			}
			if err := s.tellHandedOver(ctx, tx, actor, &moved); err != nil {
				return err
			}
		}
		// a supporting unit that ended is replaced by its successor
		for _, p := range ended {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_task_units (task_id, unit_id) SELECT u.task_id, $1 FROM plan_task_units u
				JOIN plan_tasks t ON t.id = u.task_id WHERE u.unit_id = $2 AND t.lead_unit_id <> $1
				AND NOT EXISTS (SELECT 1 FROM plan_task_units v WHERE v.task_id = u.task_id AND v.unit_id = $1)`, heir[p], p); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM plan_task_units WHERE unit_id = $1 AND task_id IN (SELECT id FROM plan_tasks
				WHERE cancelled_on IS NULL)`, p); err != nil {
				return err
			}
		}
	}
	es, err := s.giveLater(ctx, tx, actor, ev, after)
	if err != nil {
		return err
	}
	entries = append(entries, es...)
	if len(entries) == 0 {
		return nil
	}
	return s.audit.Write(ctx, tx, actor.Who(), entries...)
}

// flatten lists tasks with the assignments folded under them.
func flatten(tasks []*taskRec) []*taskRec {
	var out []*taskRec
	for _, t := range tasks {
		out = append(out, t)
		out = append(out, t.kids...)
	}
	return out
}

func partKey(class, unit int64) string { return fmt.Sprint(class, ":", unit) }

// classParts are the open assignments, as class task and unit.
func classParts(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT class_task_id, lead_unit_id FROM plan_tasks WHERE class_task_id IS NOT NULL AND cancelled_on IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c, u int64
		if err := rows.Scan(&c, &u); err != nil {
			return nil, err
		}
		out[partKey(c, u)] = true
	}
	return out, rows.Err()
}

// tellHandedOver tells the successor's people of a task now theirs.
func (s *Service) tellHandedOver(ctx context.Context, tx *sql.Tx, actor *auth.Actor, tk *Task) error {
	users, err := notify.UsersOf(ctx, tx, tk.LeadUnitID, auth.RoleFocal, auth.RoleCoordinator)
	if err != nil {
		return err
	}
	return notify.To(ctx, tx, s.now(), users, notify.Notice{Kind: notify.TaskAssigned, TaskID: tk.ID, Due: tk.DueOn,
		Link: fmt.Sprintf("/tasks/%d", tk.ID), Key: fmt.Sprintf("task_handover:%d:%d", tk.ID, tk.LeadUnitID)})
}

// giveLater gives each unit the event made its assignment of the open
// class tasks that apply to units established later, when it belongs to
// their class on the event's date.
func (s *Service) giveLater(ctx context.Context, tx *sql.Tx, actor *auth.Actor, ev *org.Event, after *org.Snapshot) ([]audit.Entry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT unit_id FROM unit_versions WHERE event_id = $1`, ev.ID)
	if err != nil {
		return nil, err
	}
	made := map[int64]bool{}
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return nil, err
		}
		if h := after.History(u); len(h) > 0 && h[0].EventID == ev.ID {
			made[u] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(made) == 0 {
		return nil, nil
	}
	classes, err := s.loadTasks(ctx, tx, "t.class_later = $1 AND t.cancelled_on IS NULL AND t.lead_class <> ''", []any{true})
	if err != nil {
		return nil, err
	}
	has, err := classParts(ctx, tx)
	if err != nil {
		return nil, err
	}
	var entries []audit.Entry
	for _, c := range classes {
		if c.LeadClass == "" || c.ClassTaskID != 0 {
			continue
		}
		doc, err := s.doc(ctx, tx, c.DocumentID)
		if err != nil {
			return nil, err
		}
		if doc.EndsOn.Before(ev.Effective) {
			continue // the plan is over
		}
		var give []int64
		for _, u := range classMembers(after, c.LeadClass, c.LeadUnitID, ev.Effective) {
			if made[u] && !has[partKey(c.ID, u)] {
				give = append(give, u)
			}
		}
		if len(give) == 0 {
			continue
		}
		ct := c.task()
		kids, es, err := s.insertAssignments(ctx, tx, doc, &ct, give)
		if err != nil {
			return nil, err
		}
		entries = append(entries, es...)
		for _, k := range kids {
			has[partKey(c.ID, k.LeadUnitID)] = true
			if err := s.tellAssigned(ctx, tx, actor, k); err != nil {
				return nil, err
			}
		}
	}
	return entries, nil
}
