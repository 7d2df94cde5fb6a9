package plans

import (
	"context"
	"database/sql"
	"sort"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Class is a class of units a task may be given to (issue 11): provinces
// give many tasks to "UBND các xã, phường" or "các sở, ban, ngành".
type Class string

// The classes.
const (
	ClassCommunes    Class = "communes"    // every commune (xã, phường, đặc khu) under the unit
	ClassDepartments Class = "departments" // the agencies (sở, ban, ngành) directly under the unit
	ClassUnits       Class = "units"       // a list of units
	// both, as plans write "các sở, ban, ngành, UBND các xã, phường"
	ClassDepartmentsAndCommunes Class = "departments_and_communes"
)

// Classes lists them.
var Classes = []Class{ClassCommunes, ClassDepartments, ClassDepartmentsAndCommunes, ClassUnits}

// Enum lists the values for the API's document.
func (Class) Enum() []string { return enum.Of(Classes...) }

// MaxClassUnits bounds the units one class task may list.
const MaxClassUnits = 5000

// classMembers are the units of a class on d: the communes anywhere under
// unit (under its districts too, before 2025), or the agencies directly
// under it.
func classMembers(snap *org.Snapshot, class Class, unit int64, d day.Day) []int64 {
	var out []int64
	switch class {
	case ClassDepartmentsAndCommunes:
		return append(classMembers(snap, ClassDepartments, unit, d), classMembers(snap, ClassCommunes, unit, d)...)
	case ClassCommunes:
		snap.Walk(unit, d, func(v *org.Version) bool {
			if v.Level == org.LevelCommune {
				out = append(out, v.UnitID)
				return false
			}
			return v.Level.Administrative() || v.UnitID == unit
		})
	case ClassDepartments:
		for _, v := range snap.Children(unit, d) {
			if v.Level == org.LevelAgency {
				out = append(out, v.UnitID)
			}
		}
	}
	return out
}

// classDate is the day a class is read on when the task is given: today,
// or the plan's start for a plan not yet begun (its units are those in
// force when the work starts).
func classDate(doc *Document, today day.Day) day.Day {
	if today.Before(doc.StartsOn) {
		return doc.StartsOn
	}
	return today
}

// validateClass checks a class task and resolves its units into
// ClassUnitIDs: the class of the lead unit (the plan's owner by default)
// in force on the class date, or the listed units, each checked as a lead.
func (in *TaskInput) validateClass(row int, doc *Document, t *org.Scoped, today day.Day, unit func(int64, string) bool) []*errs.Error {
	switch in.LeadClass {
	case ClassCommunes, ClassDepartments, ClassDepartmentsAndCommunes:
		if in.LeadUnitID == 0 {
			in.LeadUnitID = doc.OwnerUnitID
		}
		if !t.Exists(in.LeadUnitID) || !t.InScope(in.LeadUnitID) || !t.Covers(doc.OwnerUnitID, in.LeadUnitID) {
			return []*errs.Error{errs.Invalidf("org.err.unknown_unit", "ID", in.LeadUnitID).At(row, "lead_unit_id")}
		}
		in.ClassUnitIDs = classMembers(t.Snapshot, in.LeadClass, in.LeadUnitID, classDate(doc, today))
	case ClassUnits:
		in.LeadUnitID = doc.OwnerUnitID
		in.ClassLater = false // a list names its units: none joins it later
		if len(in.ClassUnitIDs) > MaxClassUnits {
			return []*errs.Error{errs.Invalidf("plans.err.too_many_units", "Max", MaxClassUnits).At(row, "class_unit_ids")}
		}
		seen := map[int64]bool{}
		var kept []int64
		failed := false
		for _, u := range in.ClassUnitIDs {
			if seen[u] {
				continue
			}
			seen[u] = true
			if unit(u, "class_unit_ids") {
				kept = append(kept, u)
			} else {
				failed = true
			}
		}
		in.ClassUnitIDs = kept
		if failed {
			return nil // the unit check said why
		}
	default:
		return []*errs.Error{errs.Invalidf("plans.err.bad_value", "Value", string(in.LeadClass)).At(row, "lead_class")}
	}
	if len(in.ClassUnitIDs) == 0 {
		return []*errs.Error{errs.Invalidf("plans.err.class_empty").At(row, "lead_class")}
	}
	return nil
}

// insertClassTask writes a class task and one assignment per unit of its
// class: each an ordinary task (its own deadlines, reports and review)
// pointing to the class task, which has no deadlines of its own. It
// returns the assignments with the audit entries.
func (s *Service) insertClassTask(ctx context.Context, tx *sql.Tx, doc *Document, groupID int64, seq int, in TaskInput) (*Task, []*Task, []audit.Entry, error) {
	parent, e, err := s.insertTask(ctx, tx, doc, groupID, seq, TaskInput{Code: in.Code, Title: in.Title, Description: in.Description,
		LeadUnitID: in.LeadUnitID, SupportIDs: in.SupportIDs, Schedule: in.Schedule, DueOn: in.DueOn, Output: in.Output, TargetID: in.TargetID})
	if err != nil {
		return nil, nil, nil, err
	}
	parent.LeadClass, parent.ClassLater = in.LeadClass, in.ClassLater
	// the class task's status derives from its assignments: it has no
	// deadline of its own to fall overdue
	if _, err := tx.ExecContext(ctx, `DELETE FROM plan_occurrences WHERE task_id = $1`, parent.ID); err != nil {
		return nil, nil, nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET lead_class = $1, class_later = $2, open_due = NULL WHERE id = $3`,
		string(in.LeadClass), in.ClassLater, parent.ID); err != nil {
		return nil, nil, nil, err
	}
	e.After = parent
	entries := []audit.Entry{e}
	kids, ke, err := s.insertAssignments(ctx, tx, doc, parent, in.ClassUnitIDs)
	if err != nil {
		return nil, nil, nil, err
	}
	return parent, kids, append(entries, ke...), nil
}

// insertAssignments gives a class task's work to units: one task each,
// without supporting units (they support the class task).
func (s *Service) insertAssignments(ctx context.Context, tx *sql.Tx, doc *Document, parent *Task, units []int64) ([]*Task, []audit.Entry, error) {
	var kids []*Task
	var entries []audit.Entry
	for _, u := range units {
		kid, e, err := s.insertTask(ctx, tx, doc, parent.GroupID, parent.Seq, TaskInput{Code: parent.Code, Title: parent.Title,
			Description: parent.Description, LeadUnitID: u, Schedule: parent.Schedule, DueOn: parent.DueOn, Output: parent.Output,
			TargetID: parent.TargetID})
		if err != nil {
			return nil, nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET class_task_id = $1 WHERE id = $2`, parent.ID, kid.ID); err != nil {
			return nil, nil, err
		}
		kid.ClassTaskID = parent.ID
		e.Action, e.After = "task.assign", kid
		kids = append(kids, kid)
		entries = append(entries, e)
	}
	return kids, entries, nil
}

// foldClasses hangs the assignments under their class tasks: an
// assignment whose class task is in the list is left out of it (the class
// task stands for them, once); the others stay, so a commune lists its own
// part. The assignments of a class task not all loaded are read (all
// says everything was loaded already).
func (s *Service) foldClasses(ctx context.Context, q db.Querier, out []*taskRec, byID map[int64]*taskRec, classes []int64, all bool) ([]*taskRec, error) {
	kids := out
	if !all {
		var err error
		if kids, err = s.loadTasks(ctx, q, "t.class_task_id IN ("+db.IDList(classes)+")", nil); err != nil {
			return nil, err
		}
	}
	folded := map[int64]bool{}
	for _, k := range kids {
		if p := byID[k.ClassTaskID]; k.ClassTaskID != 0 && p != nil {
			if have := byID[k.ID]; have != nil {
				k = have
			}
			p.kids = append(p.kids, k)
			folded[k.ID] = true
		}
	}
	kept := out[:0]
	for _, r := range out {
		if !folded[r.ID] {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// classState derives a class task's standing on d from its assignments
// (those not closed): done when every one is done (late if any was);
// overdue when any is overdue, as late as the latest; else at risk when
// any is; on track when any has reported progress or is done; not due
// otherwise; started once any unit's work is on record. Its percent is the share of assignments done, and its
// deadline the one the worst assignment's status speaks of. A class task
// with every assignment closed is cancelled.
func classState(kids []*taskRec, d day.Day) TaskState {
	var open, done, late int
	var worst *TaskState
	progress := false
	for _, k := range kids {
		st := k.state(d)
		if st.Status == Cancelled || st.Status == CarriedOver {
			continue
		}
		open++
		if st.Status.Done() {
			done++
			if st.Status == DoneLate {
				late++
			}
			progress = true
			continue
		}
		if st.Started || st.Status == OnTrack || st.Percent > 0 {
			progress = true
		}
		if worst == nil || severity[st.Status] < severity[worst.Status] ||
			st.Status == worst.Status && st.DaysLate > worst.DaysLate {
			st := st
			worst = &st
		}
	}
	switch {
	case open == 0 && len(kids) > 0:
		return TaskState{Status: Cancelled}
	case open == 0:
		return TaskState{Status: NotDue}
	case done == open && late > 0:
		return TaskState{Status: DoneLate, Percent: 100}
	case done == open:
		return TaskState{Status: DoneOnTime, Percent: 100}
	}
	// started (đã triển khai) once any unit's work is on record
	st := TaskState{Status: worst.Status, DaysLate: worst.DaysLate, Current: worst.Current, Percent: done * 100 / open, Started: progress}
	if st.Status == NotDue && progress {
		st.Status = OnTrack
	}
	return st
}

// ClassProgress is how far a class task's assignments are on a date:
// "Done/Total đã hoàn thành", Total counting the assignments not closed.
type ClassProgress struct {
	Done    int `json:"done"`
	Total   int `json:"total"`
	Overdue int `json:"overdue"`
}

func classProgress(kids []*taskRec, d day.Day) *ClassProgress {
	p := &ClassProgress{}
	for _, k := range kids {
		switch st := k.state(d); {
		case st.Status == Cancelled || st.Status == CarriedOver:
			continue
		case st.Status.Done():
			p.Done++
		case st.Status == Overdue:
			p.Overdue++
		}
		p.Total++
	}
	return p
}

// AssignmentPage is a page of a class task's assignments.
type AssignmentPage struct {
	Progress ClassProgress `json:"progress"`
	Rows     []TaskRow     `json:"rows"`
	Total    int           `json:"total"` // the rows matching, over every page
}

// Assignments lists a class task's assignments on d (none for a task
// given to one unit), the units not done
// first when notDone is set only those, the worst first, a page of limit
// rows from offset.
func (s *Service) Assignments(ctx context.Context, actor *auth.Actor, id int64, d day.Day, notDone bool, offset, limit int) (*AssignmentPage, error) {
	tk, a, err := s.task(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	offset = max(offset, 0)
	page := &AssignmentPage{Progress: *classProgress(tk.kids, d), Rows: []TaskRow{}}
	var rows []TaskRow
	for _, k := range tk.kids {
		if !a.full && !a.seesRec(k) {
			continue
		}
		r := s.row(a.tree, k, d)
		if notDone && (r.State.Status.Done() || r.State.Status == Cancelled || r.State.Status == CarriedOver) {
			continue
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if si, sj := severity[rows[i].State.Status], severity[rows[j].State.Status]; si != sj {
			return si < sj
		}
		return rows[i].LeadName < rows[j].LeadName
	})
	page.Total = len(rows)
	if offset < len(rows) {
		page.Rows = rows[offset:min(offset+limit, len(rows))]
	}
	return page, nil
}

// classError refuses a report on a class task itself: each unit reports
// its own assignment.
func classError(tk *taskRec) error {
	if tk.LeadClass != "" {
		return errs.New(errs.Conflict, "plans.err.class_task_report")
	}
	return nil
}
