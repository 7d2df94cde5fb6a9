package plans

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// TaskMove moves a task to a group of its plan (0: out of any group), at a
// position among that group's tasks (from 1; 0 or past the end: last).
type TaskMove struct {
	GroupID  int64 `json:"group_id"`
	Position int   `json:"position,omitempty"`
	Why
}

// GroupMove moves a group under another group of its plan (0: it becomes
// a pillar), at a position among that parent's groups (from 1; 0: last).
type GroupMove struct {
	ParentID int64 `json:"parent_id"`
	Position int   `json:"position,omitempty"`
	Why
}

// GroupChange is one line of a group's history.
type GroupChange struct {
	ID        int64     `json:"id"`
	GroupID   int64     `json:"group_id"`
	Kind      string    `json:"kind"` // parent, order or code
	Before    string    `json:"before"`
	After     string    `json:"after"`
	Reason    string    `json:"reason"`
	Decision  string    `json:"decision"`
	ChangedBy int64     `json:"changed_by,omitempty"`
	ChangedAt time.Time `json:"changed_at"`
	ChangedOn day.Day   `json:"changed_on"`
}

// layout is a plan's groups and tasks in order, as a move rearranges them.
type layout struct {
	groups []Group
	tasks  []*taskRec
}

func (s *Service) layout(ctx context.Context, q db.Querier, docID int64) (*layout, error) {
	groups, err := s.groups(ctx, q, docID)
	if err != nil {
		return nil, err
	}
	tasks, err := s.loadTasks(ctx, q, "t.document_id = $1", []any{docID})
	if err != nil {
		return nil, err
	}
	return &layout{groups: groups, tasks: tasks}, nil
}

func (l *layout) group(id int64) *Group {
	for i := range l.groups {
		if l.groups[i].ID == id {
			return &l.groups[i]
		}
	}
	return nil
}

func (l *layout) groupTitle(id int64) string {
	if g := l.group(id); g != nil {
		return g.Title
	}
	return ""
}

// place puts an item at a position (from 1; 0 or past the end: last) of
// a list without it.
func place[T any](list []T, x T, pos int) []T {
	if pos <= 0 || pos > len(list) {
		return append(list, x)
	}
	out := append([]T{}, list[:pos-1]...)
	out = append(out, x)
	return append(out, list[pos-1:]...)
}

// reseq gives the plan's groups and tasks their order again: groups as
// the tree reads (each pillar, then its groups), tasks by group in that
// order then as they were within it.
func (l *layout) reseq() (groupSeq, taskSeq map[int64]int) {
	ordered, _ := GroupTree(l.groups)
	groupSeq, taskSeq = map[int64]int{}, map[int64]int{}
	rank := map[int64]int{0: len(ordered) + 1} // tasks in no group last
	for i, g := range ordered {
		groupSeq[g.ID] = i + 1
		rank[g.ID] = i + 1
	}
	tasks := append([]*taskRec{}, l.tasks...)
	sort.SliceStable(tasks, func(i, j int) bool {
		if a, b := rank[tasks[i].GroupID], rank[tasks[j].GroupID]; a != b {
			return a < b
		}
		return tasks[i].Seq < tasks[j].Seq
	})
	for i, t := range tasks {
		taskSeq[t.ID] = i + 1
	}
	return groupSeq, taskSeq
}

// save writes the new order and the groups' parents.
func (l *layout) save(ctx context.Context, tx *sql.Tx) error {
	gs, ts := l.reseq()
	for _, g := range l.groups {
		if _, err := tx.ExecContext(ctx, `UPDATE plan_groups SET seq = $1, parent_id = $2 WHERE id = $3`, gs[g.ID], nullID(g.ParentID), g.ID); err != nil {
			return err
		}
	}
	for _, t := range l.tasks {
		if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET seq = $1, group_id = $2 WHERE id = $3 AND (seq <> $1 OR COALESCE(group_id, 0) <> $4)`,
			ts[t.ID], nullID(t.GroupID), t.ID, t.GroupID); err != nil {
			return err
		}
	}
	return nil
}

// inGroup are a group's tasks in order, leaving out one.
func (l *layout) inGroup(gid, except int64) []*taskRec {
	var out []*taskRec
	for _, t := range l.tasks {
		if t.GroupID == gid && t.ID != except {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// MoveTask moves a task to another group of its plan or to another place
// in its own, with a reason: a line of its history, audited.
func (s *Service) MoveTask(ctx context.Context, actor *auth.Actor, id int64, in TaskMove) (*Task, error) {
	tk, a, err := s.task(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.manageable() {
		return nil, errs.ForbiddenErr()
	}
	bad := in.Why.check()
	if in.Position < 0 || in.Position > 5000 {
		bad = append(bad, errs.Invalidf("plans.err.bad_value", "Value", strconv.Itoa(in.Position)).At(0, "position"))
	}
	l, err := s.layout(ctx, s.db, tk.DocumentID)
	if err != nil {
		return nil, err
	}
	if in.GroupID != 0 && l.group(in.GroupID) == nil { // a group of another plan is not named
		bad = append(bad, errs.Invalidf("plans.err.group_outside_plan", "ID", in.GroupID).At(0, "group_id"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	before := l.inGroup(tk.GroupID, 0)
	oldPos := 0
	for i, t := range before {
		if t.ID == tk.ID {
			oldPos = i + 1
		}
	}
	// the task takes its place among the target group's tasks; their
	// seq values are then 1…n in that order
	list := place(l.inGroup(in.GroupID, tk.ID), recOf(Task{ID: tk.ID}, nil), in.Position)
	newPos := 0
	for i, t := range list {
		if t.ID == tk.ID {
			newPos = i + 1
		}
	}
	if in.GroupID == tk.GroupID && newPos == oldPos {
		return nil, errs.Invalidf("plans.err.no_change")
	}
	for i, t := range list {
		for _, lt := range l.tasks {
			if lt.ID == t.ID {
				lt.Seq = int32(i + 1)
				if lt.ID == tk.ID {
					lt.GroupID = in.GroupID
				}
			}
		}
	}
	var changes []Change
	if in.GroupID != tk.GroupID {
		changes = append(changes, Change{TaskID: tk.ID, Kind: ChangeGroup, Before: l.groupTitle(tk.GroupID), After: l.groupTitle(in.GroupID)})
	} else {
		changes = append(changes, Change{TaskID: tk.ID, Kind: ChangeOrder, Before: strconv.Itoa(oldPos), After: strconv.Itoa(newPos)})
	}
	after := tk.task()
	after.GroupID = in.GroupID
	now, today := s.now().UTC(), s.Today()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := l.save(ctx, tx); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT seq FROM plan_tasks WHERE id = $1`, tk.ID).Scan(&after.Seq); err != nil {
			return err
		}
		if err := s.insertChanges(ctx, tx, actor, in.Why, changes, now, today); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("task.move", "task", tk.ID, tk.LeadUnitID, tk.task(), struct {
			Task
			Why
		}{after, in.Why}))
	})
	if err != nil {
		return nil, err
	}
	return &after, nil
}

// MoveGroup moves a group under another group of its plan (or makes it a
// pillar) at a position, with a reason: a line of its history, audited. A
// group never goes under itself or one of its own groups, nor deeper than
// groups nest.
func (s *Service) MoveGroup(ctx context.Context, actor *auth.Actor, id int64, in GroupMove) (*Group, error) {
	var docID int64
	if err := s.db.QueryRowContext(ctx, `SELECT document_id FROM plan_groups WHERE id = $1`, id).Scan(&docID); err != nil {
		if err == sql.ErrNoRows {
			return nil, errs.NotFoundErr()
		}
		return nil, err
	}
	a, err := s.manage(ctx, actor, docID)
	if err != nil {
		return nil, err
	}
	bad := in.Why.check()
	if in.Position < 0 || in.Position > 5000 {
		bad = append(bad, errs.Invalidf("plans.err.bad_value", "Value", strconv.Itoa(in.Position)).At(0, "position"))
	}
	l, err := s.layout(ctx, s.db, docID)
	if err != nil {
		return nil, err
	}
	g := l.group(id)
	if in.ParentID != 0 {
		switch p := l.group(in.ParentID); {
		case p == nil:
			bad = append(bad, errs.Invalidf("plans.err.group_outside_plan", "ID", in.ParentID).At(0, "parent_id"))
		case l.under(in.ParentID, id):
			bad = append(bad, errs.Invalidf("plans.err.group_loop").At(0, "parent_id"))
		default:
			_, depth := GroupTree(l.groups)
			if depth[in.ParentID]+1+l.height(id) >= maxGroupDepth {
				bad = append(bad, errs.Invalidf("plans.err.group_too_deep", "Max", maxGroupDepth).At(0, "parent_id"))
			}
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	before := *g
	oldPos := l.position(before)
	ordered, _ := GroupTree(l.groups)
	var siblings []*Group
	for _, o := range ordered {
		if o.ParentID == in.ParentID && o.ID != id {
			siblings = append(siblings, l.group(o.ID))
		}
	}
	// the group takes its place among its new siblings, numbered 1…n
	siblings = place(siblings, g, in.Position)
	newPos := 0
	for i, x := range siblings {
		x.Seq = i + 1
		if x.ID == id {
			newPos = i + 1
		}
	}
	g.ParentID = in.ParentID
	if before.ParentID == in.ParentID && oldPos == newPos {
		return nil, errs.Invalidf("plans.err.no_change")
	}
	var changes []GroupChange
	if before.ParentID != in.ParentID {
		changes = append(changes, GroupChange{GroupID: id, Kind: "parent", Before: l.groupTitle(before.ParentID), After: l.groupTitle(in.ParentID)})
	} else {
		changes = append(changes, GroupChange{GroupID: id, Kind: "order", Before: strconv.Itoa(oldPos), After: strconv.Itoa(newPos)})
	}
	now, today := s.now().UTC(), s.Today()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := l.save(ctx, tx); err != nil {
			return err
		}
		if err := s.insertGroupChanges(ctx, tx, actor, in.Why, changes, now, today); err != nil {
			return err
		}
		after := *g
		return s.audit.Write(ctx, tx, actor.Who(), entry("task_group.move", "task_group", id, a.doc.OwnerUnitID, before, struct {
			Group
			Why
		}{after, in.Why}))
	})
	if err != nil {
		return nil, err
	}
	out := *g
	gs, _ := l.reseq()
	out.Seq = gs[id]
	return &out, nil
}

// position is a group's place among its siblings, from 1.
func (l *layout) position(g Group) int {
	ordered, _ := GroupTree(l.groups)
	n := 0
	for _, o := range ordered {
		if o.ParentID == g.ParentID {
			n++
			if o.ID == g.ID {
				return n
			}
		}
	}
	return 0
}

// under reports whether group x is group g or lies under it.
func (l *layout) under(x, g int64) bool {
	for i := 0; x != 0 && i <= len(l.groups); i++ {
		if x == g {
			return true
		}
		p := l.group(x)
		if p == nil {
			return false
		}
		x = p.ParentID
	}
	return false
}

// height is how many levels of groups lie under a group.
func (l *layout) height(g int64) int {
	h := 0
	for _, o := range l.groups {
		if o.ID != g && l.under(o.ID, g) {
			d := 0
			for x := o.ID; x != g && d <= len(l.groups); d++ {
				x = l.group(x).ParentID
			}
			h = max(h, d)
		}
	}
	return h
}

// Renumber gives a plan's groups and tasks numbers that follow their
// order: pillars I, II…; the groups under a pillar 1, 2…; the tasks of a
// group 1, 2… after their group's number ("1.2"). Each number changed is
// a line of its task's or group's history, with the reason; audited.
func (s *Service) Renumber(ctx context.Context, actor *auth.Actor, docID int64, why Why) (int, error) {
	a, err := s.manage(ctx, actor, docID)
	if err != nil {
		return 0, err
	}
	if bad := why.check(); len(bad) > 0 {
		return 0, oneOrList(bad)
	}
	l, err := s.layout(ctx, s.db, docID)
	if err != nil {
		return 0, err
	}
	ordered, depth := GroupTree(l.groups)
	codes := map[int64]string{}
	counter := map[int64]int{} // per parent
	for _, g := range ordered {
		p := g.ParentID
		if _, ok := codes[p]; !ok && p != 0 {
			p = 0
		}
		counter[p]++
		n := counter[p]
		switch {
		case depth[g.ID] == 0:
			codes[g.ID] = roman(n)
		case depth[g.ID] == 1:
			codes[g.ID] = strconv.Itoa(n)
		default:
			codes[g.ID] = codes[p] + "." + strconv.Itoa(n)
		}
	}
	var gchanges []GroupChange
	for _, g := range ordered {
		if g.Code != codes[g.ID] {
			gchanges = append(gchanges, GroupChange{GroupID: g.ID, Kind: "code", Before: g.Code, After: codes[g.ID]})
		}
	}
	_, ts := l.reseq()
	tasks := append([]*taskRec{}, l.tasks...)
	sort.SliceStable(tasks, func(i, j int) bool { return ts[tasks[i].ID] < ts[tasks[j].ID] })
	per := map[int64]int{}
	var tchanges []Change
	tcodes := map[int64]string{}
	for _, t := range tasks {
		per[t.GroupID]++
		code := strconv.Itoa(per[t.GroupID])
		if g := l.group(t.GroupID); g != nil && depth[g.ID] > 0 {
			code = codes[g.ID] + "." + code
		}
		tcodes[t.ID] = code
		if t.Code != code {
			tchanges = append(tchanges, Change{TaskID: t.ID, Kind: ChangeCode, Before: t.Code, After: code})
		}
	}
	if len(gchanges)+len(tchanges) == 0 {
		return 0, errs.Invalidf("plans.err.no_change")
	}
	now, today := s.now().UTC(), s.Today()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := l.save(ctx, tx); err != nil {
			return err
		}
		var entries []audit.Entry
		for _, c := range gchanges {
			if _, err := tx.ExecContext(ctx, `UPDATE plan_groups SET code = $1 WHERE id = $2`, c.After, c.GroupID); err != nil {
				return err
			}
		}
		for _, c := range tchanges {
			if _, err := tx.ExecContext(ctx, `UPDATE plan_tasks SET code = $1, updated_at = $2 WHERE id = $3`, c.After, now, c.TaskID); err != nil {
				return err
			}
		}
		if err := s.insertGroupChanges(ctx, tx, actor, why, gchanges, now, today); err != nil {
			return err
		}
		if err := s.insertChanges(ctx, tx, actor, why, tchanges, now, today); err != nil {
			return err
		}
		entries = append(entries, entry("plan.renumber", "document", docID, a.doc.OwnerUnitID, nil, struct {
			Groups map[int64]string `json:"groups"`
			Tasks  map[int64]string `json:"tasks"`
			Why
		}{codes, tcodes, why}))
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
	if err != nil {
		return 0, err
	}
	return len(gchanges) + len(tchanges), nil
}

func (s *Service) insertGroupChanges(ctx context.Context, tx *sql.Tx, actor *auth.Actor, why Why, changes []GroupChange, now time.Time, today day.Day) error {
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_group_changes (group_id, kind, before_val, after_val, reason, decision, changed_by,
			changed_at, changed_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.GroupID, c.Kind, c.Before, c.After, why.Reason, why.Decision,
			nullID(actor.UserID), now, today); err != nil {
			return fmt.Errorf("insert group change: %w", err)
		}
	}
	return nil
}

// GroupChanges lists the history of a plan's groups, oldest first, for a
// reader of the plan.
func (s *Service) GroupChanges(ctx context.Context, actor *auth.Actor, docID int64) ([]GroupChange, error) {
	if _, err := s.open(ctx, actor, docID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.group_id, c.kind, c.before_val, c.after_val, c.reason, c.decision, COALESCE(c.changed_by, 0),
		c.changed_at, c.changed_on FROM plan_group_changes c JOIN plan_groups g ON g.id = c.group_id WHERE g.document_id = $1
		ORDER BY c.changed_at, c.id`, docID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []GroupChange{}
	for rows.Next() {
		var c GroupChange
		if err := rows.Scan(&c.ID, &c.GroupID, &c.Kind, &c.Before, &c.After, &c.Reason, &c.Decision, &c.ChangedBy, &c.ChangedAt, &c.ChangedOn); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// GroupsOf lists a plan's groups in the plan's order with their depth
// (no tasks), for a reader of the plan: the choices of the move forms.
func (s *Service) GroupsOf(ctx context.Context, actor *auth.Actor, docID int64) ([]GroupView, error) {
	if _, err := s.open(ctx, actor, docID); err != nil {
		return nil, err
	}
	groups, err := s.groups(ctx, s.db, docID)
	if err != nil {
		return nil, err
	}
	ordered, depth := GroupTree(groups)
	out := []GroupView{}
	for _, g := range ordered {
		out = append(out, GroupView{Group: g, Depth: depth[g.ID]})
	}
	return out, nil
}
