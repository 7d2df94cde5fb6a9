// Package notify gives users the notices they must act on, in the one
// list every feature writes to (the bell, the notifications page and the
// daily e-mail digest, read by the plans service that started it). A
// feature writes its notices in the same transaction as the change that
// causes them: a report form's reminder, a submission (to its reviewers),
// a return or an approval (to its author), a task assigned (to its lead
// unit), a task changed, cancelled or carried over (to its lead and
// supporting units). Each notice is made once per user and dedupe key.
package notify

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The kinds a feature other than the plans writes (the plans' own are
// plans.NoticeKind); each has a message "notice.<kind>" in the catalogue.
const (
	Reminder      = "reminder"       // a form is due (or late): report it
	FormSubmitted = "form_submitted" // a unit submitted a form: review it
	FormReturned  = "form_returned"  // your report was sent back: correct it
	FormApproved  = "form_approved"  // your report was approved
	TaskAssigned  = "task_assigned"  // your unit leads a new task

	// A confirmed task of your unit (as lead or supporting unit, before
	// or after the change) was changed: plan the work anew.
	TaskDue       = "task_due"       // its deadline moved
	TaskLead      = "task_lead"      // another unit leads it
	TaskSupport   = "task_support"   // its supporting units changed
	TaskRenamed   = "task_renamed"   // its title changed
	TaskCancelled = "task_cancelled" // it is cancelled: stop the work
	TaskCarried   = "task_carried"   // carried over into a new task (the notice's)
	// Discrepancy: a report submitted to you has figures that differ from
	// the registers beyond the tolerance: look before approving
	Discrepancy = "discrepancy"
	// MeasuredChanged: a report you wrote or reviewed was approved showing
	// measured figures that a register change has since moved
	MeasuredChanged = "measured_changed"
)

// Notice is one thing to tell.
type Notice struct {
	Kind      string
	SubjectVI string // what it is about, in words
	SubjectEN string
	Link      string  // the page where it is acted on
	Due       day.Day // the deadline it speaks of, if any
	TaskID    int64   // the task, for the plans' notices
	Key       string  // unique per event; the user is added to it
}

// To gives each user the notice, once per key.
func To(ctx context.Context, tx *sql.Tx, now time.Time, users []int64, n Notice) error {
	var due any
	if !n.Due.IsZero() {
		due = n.Due
	}
	var task any
	if n.TaskID != 0 {
		task = n.TaskID
	}
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_notifications (user_id, kind, task_id, due_on, dedupe, created_at, subject_vi, subject_en, link)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe) DO NOTHING`,
			u, n.Kind, task, due, fmt.Sprintf("%s:u%d", n.Key, u), now.UTC(), n.SubjectVI, n.SubjectEN, n.Link); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}
	return nil
}

// UsersOf are the active users whose scope is unit, with one of roles.
func UsersOf(ctx context.Context, tx *sql.Tx, unit int64, roles ...auth.Role) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, role FROM users WHERE scope_unit_id = $1 AND NOT disabled ORDER BY id`, unit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		var role auth.Role
		if err := rows.Scan(&id, &role); err != nil {
			return nil, err
		}
		for _, r := range roles {
			if r == role {
				out = append(out, id)
				break
			}
		}
	}
	return out, rows.Err()
}

// Reviewers are the active coordinators who may approve what unit
// submits: those whose scope covers it, but not the unit's own (a unit
// does not approve its own reports).
func Reviewers(ctx context.Context, tx *sql.Tx, snap *org.Snapshot, unit int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, scope_unit_id FROM users WHERE role = $1 AND NOT disabled ORDER BY id`, auth.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id, scope int64
		if err := rows.Scan(&id, &scope); err != nil {
			return nil, err
		}
		if scope != unit && snap.Covers(scope, unit) {
			out = append(out, id)
		}
	}
	return out, rows.Err()
}
