package plans

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/notify"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/partread"
)

// taskRec is a task with its deadlines and its plan's start, as kept in
// memory (every task of the country: 100,300 for the national dataset):
// what the lists and counts read at each task is its own (128 bytes), the
// rest (its texts and times, *taskText) is kept once for the tasks whose
// rest is the same (2,950 titles for those 100,300 tasks). task() is the
// whole Task. Nothing changes a taskRec or its taskText once read.
type taskRec struct {
	ID, DocumentID, GroupID, LeadUnitID int64
	Seq                                 int32
	DueOn, CancelledOn                  day.Day
	start                               day.Day
	SupportIDs                          []int64
	*taskText
	occ []deadline
	// kids are a class task's assignments, in unit order
	kids []*taskRec
}

// taskText is the rest of a task: the Task's fields that taskRec does not
// hold itself.
type taskText struct {
	Code, Title, Description, Output, CancelReason string
	Schedule                                       Schedule
	LeadClass                                      Class
	ClassLater                                     bool
	TargetID, CarriedFrom, CarriedTo, ClassTaskID  int64
	CreatedAt, UpdatedAt                           time.Time
}

// recOf is the kept form of t, its rest shared with an equal one in texts
// when there is one (and added to it); texts may be nil.
func recOf(t Task, texts map[taskText]*taskText) *taskRec {
	x := taskText{Code: t.Code, Title: t.Title, Description: t.Description, Output: t.Output, CancelReason: t.CancelReason,
		Schedule: t.Schedule, LeadClass: t.LeadClass, ClassLater: t.ClassLater, TargetID: t.TargetID, CarriedFrom: t.CarriedFrom,
		CarriedTo: t.CarriedTo, ClassTaskID: t.ClassTaskID, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
	p := texts[x]
	if p == nil {
		p = &x
		if texts != nil {
			texts[x] = p
		}
	}
	return &taskRec{ID: t.ID, DocumentID: t.DocumentID, GroupID: t.GroupID, LeadUnitID: t.LeadUnitID, Seq: int32(t.Seq), DueOn: t.DueOn,
		CancelledOn: t.CancelledOn, SupportIDs: t.SupportIDs, taskText: p}
}

// task is the whole task (its SupportIDs shared: never change them).
func (r *taskRec) task() Task {
	x := r.taskText
	return Task{ID: r.ID, DocumentID: r.DocumentID, GroupID: r.GroupID, Seq: int(r.Seq), Code: x.Code, Title: x.Title,
		Description: x.Description, LeadUnitID: r.LeadUnitID, SupportIDs: r.SupportIDs, Schedule: x.Schedule, DueOn: r.DueOn,
		Output: x.Output, TargetID: x.TargetID, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt, CancelledOn: r.CancelledOn,
		CancelReason: x.CancelReason, CarriedFrom: x.CarriedFrom, CarriedTo: x.CarriedTo, LeadClass: x.LeadClass,
		ClassLater: x.ClassLater, ClassTaskID: x.ClassTaskID}
}

// state is the task's standing on d: closed from the day it was
// cancelled or carried over, else derived from its deadlines.
func (r *taskRec) state(d day.Day) TaskState {
	if !r.CancelledOn.IsZero() && !r.CancelledOn.After(d) {
		if r.CarriedTo != 0 {
			return TaskState{Status: CarriedOver}
		}
		return TaskState{Status: Cancelled}
	}
	if r.LeadClass != "" {
		return classState(r.kids, d)
	}
	return r.occState(d)
}

// stateBare is state without the Current of a task's own deadlines (what
// a count needs).
func (r *taskRec) stateBare(d day.Day) TaskState {
	if r.LeadClass != "" || !r.CancelledOn.IsZero() && !r.CancelledOn.After(d) {
		return r.state(d)
	}
	return r.bare(d)
}

const taskColumns = `t.id, t.document_id, COALESCE(t.group_id, 0), t.seq, t.code, t.title, t.description, t.lead_unit_id, t.schedule,
	t.due_on, t.output, COALESCE(t.target_id, 0), t.created_at, t.updated_at, d.starts_on, t.cancelled_on, t.cancel_reason,
	COALESCE(t.carried_from, 0), COALESCE(t.carried_to, 0), t.lead_class, t.class_later, COALESCE(t.class_task_id, 0)`

// loadTasks reads the tasks matching where (a condition on plan_tasks t and
// plan_documents d), with their supporting units and deadlines, in plan
// order.
func (s *Service) loadTasks(ctx context.Context, q db.Querier, where string, args []any) ([]*taskRec, error) {
	cond := ""
	if where != "" {
		cond = " WHERE " + where
	}
	rows, err := q.QueryContext(ctx, `SELECT `+taskColumns+` FROM plan_tasks t JOIN plan_documents d ON d.id = t.document_id`+cond+
		` ORDER BY t.document_id, t.seq, t.id`, args...)
	if err != nil {
		return nil, err
	}
	var out []*taskRec
	byID := map[int64]*taskRec{}
	// the texts are read as bytes and kept once each (the national tasks'
	// 100,300 titles are 2,950 different ones, their periods 29)
	in, texts := interner{}, map[taskText]*taskText{}
	var code, title, desc, sched, output, reason, class sql.RawBytes
	for rows.Next() {
		partread.Yield(ctx) // a first read of the whole gives way to a scope's
		var t Task
		var start day.Day
		if err := rows.Scan(&t.ID, &t.DocumentID, &t.GroupID, &t.Seq, &code, &title, &desc, &t.LeadUnitID, &sched,
			&t.DueOn, &output, &t.TargetID, &t.CreatedAt, &t.UpdatedAt, &start, &t.CancelledOn, &reason, &t.CarriedFrom,
			&t.CarriedTo, &class, &t.ClassLater, &t.ClassTaskID); err != nil {
			rows.Close()
			return nil, err
		}
		t.Code, t.Title, t.Description, t.Output, t.CancelReason = in.of(code), in.of(title), in.of(desc), in.of(output), in.of(reason)
		t.Schedule, t.LeadClass = Schedule(in.of(sched)), Class(in.of(class))
		r := recOf(t, texts)
		r.start = start
		r.SupportIDs = []int64{}
		out = append(out, r)
		byID[r.ID] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// the supporting units and deadlines of those tasks: all of them, or
	// by id lists (one indexed lookup each, whatever the condition was)
	var chunks []string
	if where == "" {
		chunks = []string{""}
	} else {
		for i := 0; i < len(out); i += 2000 {
			var b strings.Builder
			for j, r := range out[i:min(i+2000, len(out))] {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatInt(r.ID, 10))
			}
			chunks = append(chunks, " WHERE task_id IN ("+b.String()+")")
		}
	}
	var classes []int64
	for _, c := range chunks {
		rows, err := q.QueryContext(ctx, `SELECT task_id, unit_id FROM plan_task_units`+c+` ORDER BY task_id, unit_id`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			partread.Yield(ctx)
			var tid, uid int64
			if err := rows.Scan(&tid, &uid); err != nil {
				rows.Close()
				return nil, err
			}
			if r := byID[tid]; r != nil {
				r.SupportIDs = append(r.SupportIDs, uid)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = q.QueryContext(ctx, `SELECT id, task_id, due_on, period, done_on, accepted_on, percent, percent_on, COALESCE(report_id, 0)
			FROM plan_occurrences`+c+` ORDER BY task_id, due_on`)
		if err != nil {
			return nil, err
		}
		// one array for the chunk's deadlines, each task given its run of
		// it (they come by task): a national read is 360,000 of them, and
		// a slice of its own per task, grown by appending, held a fifth
		// more than they need in 100,000 allocations
		var all []deadline
		var tasks []int64 // each deadline's task
		var period sql.RawBytes
		for rows.Next() {
			partread.Yield(ctx)
			var o deadline
			var task int64
			if err := rows.Scan(&o.id, &task, &o.due, &period, &o.done, &o.accepted, &o.percent, &o.pcOn, &o.report); err != nil {
				rows.Close()
				return nil, err
			}
			if o.period, err = periodOf(period); err != nil {
				rows.Close()
				return nil, err
			}
			all, tasks = append(all, o), append(tasks, task)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		all = append(make([]deadline, 0, len(all)), all...) // exactly as long: the grown one goes
		for i := 0; i < len(all); {
			j := i + 1
			for j < len(all) && tasks[j] == tasks[i] {
				j++
			}
			if r := byID[tasks[i]]; r != nil {
				r.occ = all[i:j:j] // full: an append by a reader copies, never runs into the next task's
			}
			i = j
		}
	}
	for _, r := range out {
		if r.LeadClass != "" {
			classes = append(classes, r.ID)
		}
	}
	if len(classes) == 0 {
		return out, nil
	}
	return s.foldClasses(ctx, q, out, byID, classes, where == "")
}

// interner keeps one copy of each text a read meets. Bound: the read's
// different texts (dropped with it).
type interner map[string]string

func (in interner) of(b []byte) string {
	if s, ok := in[string(b)]; ok { // no copy made to look up
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// TaskInput adds a task to a plan. GroupID names an existing group; or
// Group is the title of a group to find or make, under the pillar titled
// Pillar (found or made) when there is one.
type TaskInput struct {
	GroupID     int64    `json:"group_id,omitempty"`
	Group       string   `json:"group,omitempty"`
	Pillar      string   `json:"pillar,omitempty"`
	Code        string   `json:"code"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	LeadUnitID  int64    `json:"lead_unit_id"`
	SupportIDs  []int64  `json:"support_unit_ids"`
	Schedule    Schedule `json:"schedule"`
	DueOn       day.Day  `json:"due_on,omitzero"`
	Output      string   `json:"output"`
	TargetID    int64    `json:"target_id,omitempty"`
	// LeadClass gives the task to a class of units: every commune
	// ("communes") or department ("departments") of LeadUnitID (the plan's
	// owner when empty), or the units of ClassUnitIDs ("units"); each unit
	// in force gets its own assignment.
	LeadClass    Class   `json:"lead_class,omitempty"`
	ClassUnitIDs []int64 `json:"class_unit_ids,omitempty"`
	ClassLater   bool    `json:"class_later,omitempty"`
}

// validate checks a task against its plan: units in force and inside the
// plan owner's scope, a deadline not before the plan was issued.
func (in *TaskInput) validate(row int, doc *Document, t *org.Scoped, today day.Day) []*errs.Error {
	in.Title = locale.CleanString(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Code = locale.CleanString(in.Code)
	in.Output = locale.CleanString(in.Output)
	in.Group = locale.CleanString(in.Group)
	in.Pillar = locale.CleanString(in.Pillar)
	var bad []*errs.Error
	for _, f := range []struct{ v, name string }{{in.Group, "group"}, {in.Pillar, "pillar"}} {
		if len([]rune(f.v)) > 1000 {
			bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 1000).At(row, f.name))
		}
	}
	if in.Title == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(row, "title"))
	} else if len([]rune(in.Title)) > 1000 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 1000).At(row, "title"))
	}
	if len(in.Description) > 20000 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 20000).At(row, "description"))
	}
	unit := func(id int64, field string) bool {
		if id == 0 {
			bad = append(bad, errs.Invalidf("plans.err.lead_required").At(row, field))
			return false
		}
		if !t.Exists(id) || !t.InScope(id) { // a unit outside the reader's scope is not named
			bad = append(bad, errs.Invalidf("org.err.unknown_unit", "ID", id).At(row, field))
			return false
		}
		v := t.Latest(id)
		if !t.Covers(doc.OwnerUnitID, id) {
			bad = append(bad, errs.Invalidf("plans.err.unit_outside_plan", "Name", v.Name).At(row, field))
			return false
		}
		if t.At(id, today) == nil && t.At(id, doc.IssuedOn) == nil {
			bad = append(bad, errs.Invalidf("org.err.not_in_force", "Name", v.Name, "Date", today.VN()).At(row, field))
			return false
		}
		return true
	}
	if in.LeadClass != "" {
		bad = append(bad, in.validateClass(row, doc, t, today, unit)...)
	} else {
		unit(in.LeadUnitID, "lead_unit_id")
	}
	seen := map[int64]bool{in.LeadUnitID: true}
	var support []int64
	for _, u := range in.SupportIDs {
		if seen[u] {
			continue
		}
		seen[u] = true
		unit(u, "support_unit_ids")
		support = append(support, u)
	}
	in.SupportIDs = support
	if in.Schedule == "" {
		in.Schedule = Once
	}
	if !oneOf(in.Schedule, Schedules) {
		bad = append(bad, errs.Invalidf("plans.err.bad_value", "Value", string(in.Schedule)).At(row, "schedule"))
	}
	if in.Schedule == Once {
		switch {
		case in.DueOn.IsZero():
			bad = append(bad, errs.Invalidf("plans.err.due_required").At(row, "due_on"))
		case in.DueOn.Before(doc.IssuedOn):
			bad = append(bad, errs.Invalidf("plans.err.due_before_issue", "Due", in.DueOn.VN(), "Issued", doc.IssuedOn.VN()).At(row, "due_on"))
		case in.DueOn.Year() > doc.EndsOn.Year()+20:
			bad = append(bad, errs.Invalidf("plans.err.due_too_far", "Due", in.DueOn.VN()).At(row, "due_on"))
		}
	} else {
		in.DueOn = day.Day{}
	}
	return bad
}

// AddTask adds one task to a plan.
func (s *Service) AddTask(ctx context.Context, actor *auth.Actor, docID int64, in TaskInput) (*Task, error) {
	tasks, err := s.AddTasks(ctx, actor, docID, []TaskInput{in})
	if err != nil {
		return nil, err
	}
	return tasks[0], nil
}

// AddTasks adds tasks to a plan, all or none: a confirmed draft, a
// spreadsheet, or one task typed in. Groups named by title are found or
// made.
func (s *Service) AddTasks(ctx context.Context, actor *auth.Actor, docID int64, ins []TaskInput) ([]*Task, error) {
	a, err := s.manage(ctx, actor, docID)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, errs.Invalidf("plans.err.no_tasks")
	}
	if len(ins) > 5000 {
		return nil, errs.Invalidf("plans.err.too_many_tasks", "Max", 5000)
	}
	groups, err := s.groups(ctx, s.db, docID)
	if err != nil {
		return nil, err
	}
	targets, err := s.targets(ctx, s.db, docID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	var bad []*errs.Error
	for i := range ins {
		row := 0
		if len(ins) > 1 {
			row = i + 1
		}
		bad = append(bad, ins[i].validate(row, a.doc, a.tree, today)...)
		if g := ins[i].GroupID; g != 0 && !hasGroup(groups, g) {
			bad = append(bad, errs.Invalidf("plans.err.unknown_group", "ID", g).At(row, "group_id"))
		}
		if tg := ins[i].TargetID; tg != 0 && !hasTarget(targets, tg) {
			bad = append(bad, errs.Invalidf("plans.err.unknown_target", "ID", tg).At(row, "target_id"))
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	var out []*Task
	err = s.writeTasks(ctx, func(tx *sql.Tx, touch func(...int64)) error {
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM plan_tasks WHERE document_id = $1`, docID).Scan(&seq); err != nil {
			return err
		}
		// a group is found by its title under its pillar (a pillar: under
		// nothing), else made there
		var entries []audit.Entry
		byTitle := map[string]int64{}
		key := func(parent int64, title string) string {
			return strconv.FormatInt(parent, 10) + "\x00" + locale.Fold(title)
		}
		for _, g := range groups {
			byTitle[key(g.ParentID, g.Title)] = g.ID
		}
		find := func(parent int64, title string) (int64, error) {
			if id, ok := byTitle[key(parent, title)]; ok {
				return id, nil
			}
			g, e, err := s.insertGroup(ctx, tx, a.doc, parent, "", title)
			if err != nil {
				return 0, err
			}
			byTitle[key(parent, title)] = g.ID
			entries = append(entries, e)
			return g.ID, nil
		}
		for _, in := range ins {
			gid := in.GroupID
			if gid == 0 && (in.Group != "" || in.Pillar != "") {
				var pillar int64
				if in.Pillar != "" {
					if pillar, err = find(0, in.Pillar); err != nil {
						return err
					}
				}
				if gid = pillar; in.Group != "" {
					if gid, err = find(pillar, in.Group); err != nil {
						return err
					}
				}
			}
			seq++
			var tk *Task
			leads := []*Task{}
			if in.LeadClass != "" {
				var es []audit.Entry
				if tk, leads, es, err = s.insertClassTask(ctx, tx, a.doc, gid, seq, in); err != nil {
					return err
				}
				entries = append(entries, es...)
			} else {
				var e audit.Entry
				if tk, e, err = s.insertTask(ctx, tx, a.doc, gid, seq, in); err != nil {
					return err
				}
				entries = append(entries, e)
				leads = append(leads, tk)
			}
			out = append(out, tk)
			touch(tk.ID) // a class task stands for its assignments
			for _, l := range leads {
				if err := s.tellAssigned(ctx, tx, actor, l); err != nil {
					return err
				}
			}
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
	return out, err
}

// tellAssigned tells the lead unit's people of a task in their
// notifications and digest (not the one who assigned it).
func (s *Service) tellAssigned(ctx context.Context, tx *sql.Tx, actor *auth.Actor, tk *Task) error {
	users, err := notify.UsersOf(ctx, tx, tk.LeadUnitID, auth.RoleFocal, auth.RoleCoordinator)
	if err != nil {
		return err
	}
	users = slices.DeleteFunc(users, func(u int64) bool { return u == actor.UserID })
	return notify.To(ctx, tx, s.now(), users, notify.Notice{Kind: notify.TaskAssigned, TaskID: tk.ID, Due: tk.DueOn,
		Link: fmt.Sprintf("/tasks/%d", tk.ID), Key: fmt.Sprintf("task_assigned:%d", tk.ID)})
}

func hasGroup(gs []Group, id int64) bool {
	for _, g := range gs {
		if g.ID == id {
			return true
		}
	}
	return false
}

func hasTarget(ts []Target, id int64) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

func (s *Service) insertTask(ctx context.Context, tx *sql.Tx, doc *Document, groupID int64, seq int, in TaskInput) (*Task, audit.Entry, error) {
	now := s.now().UTC()
	tk := &Task{DocumentID: doc.ID, GroupID: groupID, Seq: seq, Code: in.Code, Title: in.Title, Description: in.Description,
		LeadUnitID: in.LeadUnitID, SupportIDs: in.SupportIDs, Schedule: in.Schedule, DueOn: in.DueOn, Output: in.Output,
		TargetID: in.TargetID, CreatedAt: now, UpdatedAt: now}
	if tk.SupportIDs == nil {
		tk.SupportIDs = []int64{}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO plan_tasks (document_id, group_id, seq, code, title, description, lead_unit_id, schedule,
		due_on, output, target_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		doc.ID, nullID(groupID), seq, tk.Code, tk.Title, tk.Description, tk.LeadUnitID, tk.Schedule, nullDay(tk.DueOn), tk.Output,
		nullID(tk.TargetID), now, now).Scan(&tk.ID)
	if err != nil {
		return nil, audit.Entry{}, fmt.Errorf("insert task: %w", err)
	}
	for _, u := range tk.SupportIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_task_units (task_id, unit_id) VALUES ($1, $2)`, tk.ID, u); err != nil {
			return nil, audit.Entry{}, err
		}
	}
	occ := occurrences(tk.Schedule, tk.DueOn, doc.StartsOn, doc.EndsOn)
	for _, o := range occ {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_occurrences (task_id, due_on, period, percent) VALUES ($1, $2, $3, 0)`,
			tk.ID, o.DueOn, o.Period); err != nil {
			return nil, audit.Entry{}, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET open_due = $1 WHERE id = $2`, occ[0].DueOn, tk.ID); err != nil {
		return nil, audit.Entry{}, err
	}
	return tk, entry("task.create", "task", tk.ID, tk.LeadUnitID, nil, tk), nil
}

// insertGroup adds a group last under its parent (0: a pillar).
func (s *Service) insertGroup(ctx context.Context, tx *sql.Tx, doc *Document, parent int64, code, title string) (*Group, audit.Entry, error) {
	g := &Group{DocumentID: doc.ID, ParentID: parent, Code: code, Title: title}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM plan_groups WHERE document_id = $1`, doc.ID).Scan(&g.Seq); err != nil {
		return nil, audit.Entry{}, err
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO plan_groups (document_id, parent_id, seq, code, title) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		doc.ID, nullID(parent), g.Seq, g.Code, g.Title).Scan(&g.ID)
	if err != nil {
		return nil, audit.Entry{}, fmt.Errorf("insert group: %w", err)
	}
	return g, entry("task_group.create", "task_group", g.ID, doc.OwnerUnitID, nil, g), nil
}

// GroupInput adds a group of tasks, under a pillar (ParentID) or as one.
type GroupInput struct {
	ParentID int64  `json:"parent_id,omitempty"`
	Code     string `json:"code"`
	Title    string `json:"title"`
}

// AddGroup adds a group of tasks to a plan.
func (s *Service) AddGroup(ctx context.Context, actor *auth.Actor, docID int64, in GroupInput) (*Group, error) {
	a, err := s.manage(ctx, actor, docID)
	if err != nil {
		return nil, err
	}
	in.Code, in.Title = locale.CleanString(in.Code), locale.CleanString(in.Title)
	var bad []*errs.Error
	if in.Title == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "title"))
	} else if len([]rune(in.Title)) > 1000 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 1000).At(0, "title"))
	}
	if len([]rune(in.Code)) > 40 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 40).At(0, "code"))
	}
	if in.ParentID != 0 {
		groups, err := s.groups(ctx, s.db, docID)
		if err != nil {
			return nil, err
		}
		if !hasGroup(groups, in.ParentID) {
			bad = append(bad, errs.Invalidf("plans.err.unknown_group", "ID", in.ParentID).At(0, "parent_id"))
		} else if _, depth := GroupTree(groups); depth[in.ParentID]+1 >= maxGroupDepth {
			bad = append(bad, errs.Invalidf("plans.err.group_too_deep", "Max", maxGroupDepth).At(0, "parent_id"))
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	var g *Group
	err = s.writeTasks(ctx, func(tx *sql.Tx, touch func(...int64)) error {
		var e audit.Entry
		var err error
		if g, e, err = s.insertGroup(ctx, tx, a.doc, in.ParentID, in.Code, in.Title); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), e)
	})
	return g, err
}

// TargetInput adds a target.
type TargetInput struct {
	Title         string   `json:"title"`
	IndicatorCode string   `json:"indicator_code"`
	Goal          *float64 `json:"goal,omitempty"`
	Measure       string   `json:"measure"`
	DueOn         day.Day  `json:"due_on,omitzero"`
}

// AddTarget adds a target to a plan.
func (s *Service) AddTarget(ctx context.Context, actor *auth.Actor, docID int64, in TargetInput) (*Target, error) {
	a, err := s.manage(ctx, actor, docID)
	if err != nil {
		return nil, err
	}
	in.Title, in.IndicatorCode, in.Measure = locale.CleanString(in.Title), strings.TrimSpace(in.IndicatorCode), locale.CleanString(in.Measure)
	var bad []*errs.Error
	if in.Title == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "title"))
	}
	if !in.DueOn.IsZero() && in.DueOn.Before(a.doc.IssuedOn) {
		bad = append(bad, errs.Invalidf("plans.err.due_before_issue", "Due", in.DueOn.VN(), "Issued", a.doc.IssuedOn.VN()).At(0, "due_on"))
	}
	if len(in.IndicatorCode) > 60 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 60).At(0, "indicator_code"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	tg := &Target{DocumentID: docID, Title: in.Title, IndicatorCode: in.IndicatorCode, Goal: in.Goal, Measure: in.Measure, DueOn: in.DueOn}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM plan_targets WHERE document_id = $1`, docID).Scan(&tg.Seq); err != nil {
			return err
		}
		var goal any
		if tg.Goal != nil {
			goal = *tg.Goal
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO plan_targets (document_id, seq, title, indicator_code, goal, measure, due_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, docID, tg.Seq, tg.Title, tg.IndicatorCode, goal, tg.Measure, nullDay(tg.DueOn)).Scan(&tg.ID); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("plan_target.create", "plan_target", tg.ID, a.doc.OwnerUnitID, nil, tg))
	})
	return tg, err
}

func (s *Service) groups(ctx context.Context, q db.Querier, docID int64) ([]Group, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, document_id, COALESCE(parent_id, 0), seq, code, title FROM plan_groups WHERE document_id = $1
		ORDER BY seq, id`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Group
	for rows.Next() {
		var g Group
		if err := rows.Scan(&g.ID, &g.DocumentID, &g.ParentID, &g.Seq, &g.Code, &g.Title); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *Service) targets(ctx context.Context, q db.Querier, docID int64) ([]Target, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, document_id, seq, title, indicator_code, goal, measure, due_on FROM plan_targets
		WHERE document_id = $1 ORDER BY seq, id`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		var goal sql.NullFloat64
		if err := rows.Scan(&t.ID, &t.DocumentID, &t.Seq, &t.Title, &t.IndicatorCode, &goal, &t.Measure, &t.DueOn); err != nil {
			return nil, err
		}
		if goal.Valid {
			g := goal.Float64
			t.Goal = &g
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
