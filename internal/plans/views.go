package plans

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// TaskRow is a task as a list shows it on a date.
type TaskRow struct {
	Task
	State        TaskState `json:"state"`
	LeadName     string    `json:"lead_name"`
	SupportNames []string  `json:"support_names"`
	PlanNumber   string    `json:"plan_number,omitempty"`
	// Class is, for a class task, how many of its assignments are done
	// ("x/135 đã hoàn thành").
	Class *ClassProgress `json:"class,omitempty"`
	// Mine is 0 when the reader's own unit leads the task, 1 when it
	// supports it, 2 otherwise: each unit sees its own tasks first.
	Mine int `json:"mine"`
}

// NextDue is the deadline the task's status speaks of.
func (r *TaskRow) NextDue() day.Day {
	if r.State.Current != nil {
		return r.State.Current.DueOn
	}
	return r.DueOn
}

func unitName(t *org.Scoped, id int64, d day.Day) string {
	if v := t.At(id, d); v != nil {
		return v.Name
	}
	if v := t.Latest(id); v != nil {
		return v.Name
	}
	return ""
}

func (s *Service) row(t *org.Scoped, r *taskRec, d day.Day) TaskRow {
	return s.rowAt(t, r, r.state(d), d)
}

// rowAt is row with the task's state on d already derived.
func (s *Service) rowAt(t *org.Scoped, r *taskRec, st TaskState, d day.Day) TaskRow {
	row := TaskRow{Task: r.task(), State: st, LeadName: unitName(t, r.LeadUnitID, d), Mine: mine(t, r),
		SupportNames: make([]string, 0, len(r.SupportIDs))} // an empty list, not null, as the API documents
	for _, u := range r.SupportIDs {
		row.SupportNames = append(row.SupportNames, unitName(t, u, d))
	}
	if r.LeadClass != "" {
		row.Class = classProgress(r.kids, d)
	}
	return row
}

// mine is TaskRow.Mine: 0 when the reader's unit leads the task, 1 when
// it supports it, 2 otherwise.
func mine(t *org.Scoped, r *taskRec) int {
	if r.LeadUnitID == t.Actor.ScopeUnitID {
		return 0
	}
	if slices.Contains(r.SupportIDs, t.Actor.ScopeUnitID) {
		return 1
	}
	return 2
}

// listed is a task a list may show, with its state and its place in the
// list's order (sortRows'), before its row is made: a list sorts and cuts
// these, then makes the rows it keeps (the units' names, a class task's
// progress) — a province's to-do list shows 300 of its 3,000 tasks.
type listed struct {
	r   *taskRec
	st  TaskState
	key rowKey
}

// rowKey orders rows as sortRows does: the reader's own first, then the
// worst status, the latest, the deadline soonest (none last), the id.
type rowKey struct {
	mine, severity int8
	late           int32
	due            int32 // the deadline's day, none as the latest
	id             int64
}

func keyOf(r *TaskRow) rowKey { return keyFor(r.Mine, r.State, r.NextDue(), r.ID) }

func (a rowKey) compare(b rowKey) int {
	return cmp.Or(cmp.Compare(a.mine, b.mine), cmp.Compare(a.severity, b.severity), cmp.Compare(b.late, a.late),
		cmp.Compare(a.due, b.due), cmp.Compare(a.id, b.id))
}

// listOf is a task as listed: its state on d and its key.
func listOf(t *org.Scoped, r *taskRec, st TaskState) listed {
	lite := TaskRow{Task: r.task(), State: st, Mine: mine(t, r)}
	return listed{r, st, keyOf(&lite)}
}

// rowsOf sorts the listed tasks, keeps the first limit (all if 0) and
// makes their rows, each with its plan's number.
func (s *Service) rowsOf(t *org.Scoped, l []listed, d day.Day, limit int, numbers map[int64]string) []TaskRow {
	slices.SortFunc(l, func(a, b listed) int { return a.key.compare(b.key) })
	if limit > 0 && len(l) > limit {
		l = l[:limit]
	}
	var out []TaskRow
	for _, x := range l {
		r := s.rowAt(t, x.r, x.st, d)
		r.PlanNumber = numbers[x.r.DocumentID]
		out = append(out, r)
	}
	return out
}

// Filter narrows a list of tasks.
type Filter struct {
	UnitID int64  `json:"unit,omitempty"`   // tasks this unit (and the units under it) leads or supports
	Status Status `json:"status,omitempty"` // only this status
	Window int    `json:"window,omitempty"` // only tasks whose deadline falls within this many days of the date
}

func (f Filter) keep(r *TaskRow, d day.Day, t *org.Scoped) bool {
	return f.keeps(r.State.Status, r.NextDue(), r.LeadUnitID, r.SupportIDs, d, t)
}

// keeps is keep for a task of this status, next deadline and units.
func (f Filter) keeps(st Status, next day.Day, lead int64, support []int64, d day.Day, t *org.Scoped) bool {
	if f.Status != "" && st != f.Status {
		return false
	}
	if f.Window > 0 {
		if next.IsZero() || next.Before(d) || next.After(d.AddDays(f.Window)) || st.Done() {
			return false
		}
	}
	if f.UnitID != 0 {
		ok := t.Covers(f.UnitID, lead)
		for _, u := range support {
			ok = ok || t.Covers(f.UnitID, u)
		}
		if !ok {
			return false
		}
	}
	return true
}

// GroupView is a group of a plan with its tasks and counts: those of its
// tasks and of the groups under it (a pillar's line is its groups' sum).
type GroupView struct {
	Group
	Depth  int       `json:"depth"` // 0 for a pillar, 1 for its groups…
	Counts Counts    `json:"counts"`
	Tasks  []TaskRow `json:"tasks"`
}

// PlanView is a plan as one reader sees it on a date.
type PlanView struct {
	Document    Document   `json:"document"`
	OwnerName   string     `json:"owner_name"`
	Implements  *Document  `json:"implements,omitempty"`
	Implemented []Document `json:"implemented_by"`
	Targets     []Target   `json:"targets"`
	// Groups are in the plan's order, each pillar followed by its groups;
	// with Counts and Units they are the review's table.
	Groups []GroupView `json:"groups"`
	Counts Counts      `json:"counts"`
	Units  []UnitCount `json:"units"` // per lead unit, the most overdue first
	// Full is set when the reader sees every task; otherwise only their
	// units' tasks are listed and counted.
	Full       bool `json:"full"`
	Manageable bool `json:"manageable"`
}

// Plan shows a document with its targets, groups and tasks on date d.
func (s *Service) Plan(ctx context.Context, actor *auth.Actor, id int64, d day.Day, f Filter) (*PlanView, error) {
	a, err := s.open(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if f.UnitID != 0 {
		if err := a.tree.Check(f.UnitID); err != nil {
			return nil, err
		}
	}
	v := &PlanView{Document: *a.doc, OwnerName: unitName(a.tree, a.doc.OwnerUnitID, d), Full: a.full, Manageable: a.manageable(),
		Implemented: []Document{}, Targets: []Target{}}
	if a.doc.ParentID != 0 {
		if pa, err := s.open(ctx, actor, a.doc.ParentID); err == nil {
			v.Implements = pa.doc
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM plan_documents WHERE parent_id = $1 ORDER BY issued_on, id`, id)
	if err != nil {
		return nil, err
	}
	var kids []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		kids = append(kids, k)
	}
	rows.Close()
	for _, k := range kids {
		if ka, err := s.open(ctx, actor, k); err == nil {
			v.Implemented = append(v.Implemented, *ka.doc)
		}
	}
	if v.Targets, err = s.targets(ctx, s.db, id); err != nil {
		return nil, err
	}
	if v.Targets == nil {
		v.Targets = []Target{}
	}
	groups, err := s.groups(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	tasks, err := s.loadTasks(ctx, s.db, "t.document_id = $1", []any{id})
	if err != nil {
		return nil, err
	}
	ordered, depth := GroupTree(groups)
	byGroup := map[int64]*GroupView{}
	for _, g := range ordered {
		v.Groups = append(v.Groups, GroupView{Group: g, Depth: depth[g.ID], Tasks: []TaskRow{}})
	}
	for i := range v.Groups {
		byGroup[v.Groups[i].ID] = &v.Groups[i]
	}
	tally := NewTally(groups)
	var loose *GroupView
	var shown []*taskRec
	for _, tk := range tasks {
		if a.full || a.seesRec(tk) {
			shown = append(shown, tk)
			continue
		}
		// a reader below a class task's unit sees their own assignments
		for _, k := range tk.kids {
			if a.seesRec(k) {
				shown = append(shown, k)
			}
		}
	}
	for _, tk := range shown {
		r := s.row(a.tree, tk, d)
		if !f.keep(&r, d, a.tree) {
			continue
		}
		g := byGroup[tk.GroupID]
		if g == nil {
			if loose == nil {
				loose = &GroupView{Group: Group{DocumentID: id}, Tasks: []TaskRow{}}
			}
			g = loose
			r.GroupID = 0
		}
		g.Tasks = append(g.Tasks, r)
		tally.Add(&r.Task, r.State)
	}
	if loose != nil {
		v.Groups = append(v.Groups, *loose)
	}
	// a group's line counts its tasks and those of the groups under it
	for i := range v.Groups {
		v.Groups[i].Counts = tally.Group(v.Groups[i].ID)
	}
	v.Counts = tally.Counts
	v.Units = tally.Units(func(u int64) string { return unitName(a.tree, u, d) })
	if !a.full || f != (Filter{}) { // groups with nothing of the reader's are left out
		var kept []GroupView
		for _, g := range v.Groups {
			if g.Counts.Total+g.Counts.Closed > 0 {
				kept = append(kept, g)
			}
		}
		v.Groups = kept
	}
	if v.Groups == nil {
		v.Groups = []GroupView{}
	}
	return v, nil
}

// scopeUnits is a SQL list of the units a scope covers, or "" for the
// whole country (no filter needed).
func scopeUnits(t *org.Scoped, unit int64) string {
	if unit == t.RootID {
		return ""
	}
	ids := t.UnitsUnder(unit)
	if len(ids) == 0 {
		ids = []int64{unit}
	}
	return db.IDList(ids)
}

// tasksOf are the tasks that a unit of the subtree of unit leads or
// supports, from the tasks held in memory: the units' lists of the index
// (kept.byUnit), not a walk of every task.
func (s *Service) tasksOf(ctx context.Context, t *org.Scoped, unit int64) ([]*taskRec, error) {
	k, err := s.keptFor(ctx, t, unit)
	if err != nil {
		return nil, err
	}
	if unit == t.RootID {
		return k.tasks, nil
	}
	return k.of(append(t.UnitsUnder(unit), unit), false), nil
}

// of are the tasks that units lead (or support, unless lead), in the
// list's order: a task of its own or a class task named by one of the
// units; otherwise, of a class task, its assignments that are (a class
// task given from above: the scope's own parts of it).
func (k *kept) of(units []int64, lead bool) []*taskRec {
	spots := k.spots.of(k.byUnit, units, lead)
	out := make([]*taskRec, 0, len(spots))
	whole, last := int32(-1), spot{-1, -2, false}
	for _, p := range spots {
		if p.i == last.i && p.k == last.k {
			continue // another of the units
		}
		last = p
		switch {
		case p.k < 0:
			whole = p.i
			out = append(out, k.tasks[p.i])
		case lead:
			out = append(out, k.tasks[p.i].kids[p.k]) // each row led, a class task's parts too
		case whole != p.i:
			out = append(out, k.tasks[p.i].kids[p.k])
		}
	}
	return out
}

// Tasks lists the tasks of the reader's units on date d, theirs first:
// those their own unit leads, then supports, then those of the units below
// them; within each, the late and at-risk first. limit bounds the rows
// (the counts are of all).
func (s *Service) Tasks(ctx context.Context, actor *auth.Actor, d day.Day, f Filter, limit int) ([]TaskRow, Counts, error) {
	rows, c, err := s.TasksShared(ctx, actor, d, f, limit)
	return append([]TaskRow{}, rows...), c, err // the caller's own slice
}

// TasksShared is Tasks without its copy: the rows are the kept list's,
// shared with every reader of it; never change them or their order (a
// page or an answer that only writes them out: the province's 1,000 rows
// are 330 KB).
func (s *Service) TasksShared(ctx context.Context, actor *auth.Actor, d day.Day, f Filter, limit int) ([]TaskRow, Counts, error) {
	type list struct {
		rows []TaskRow
		c    Counts
	}
	kind := fmt.Sprintf("tasks %d %s %d %d", f.UnitID, f.Status, f.Window, limit)
	v, err := s.summary(ctx, actor, kind, d, func() (any, error) {
		rows, c, err := s.tasks(ctx, actor, d, f, limit)
		return list{rows, c}, err
	})
	if err != nil {
		return nil, Counts{}, err
	}
	l := v.(list)
	return l.rows, l.c, nil
}

func (s *Service) tasks(ctx context.Context, actor *auth.Actor, d day.Day, f Filter, limit int) ([]TaskRow, Counts, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, Counts{}, err
	}
	unit := actor.ScopeUnitID
	if f.UnitID != 0 {
		if err := t.Check(f.UnitID); err != nil {
			return nil, Counts{}, err
		}
		unit = f.UnitID
	}
	if f.Status != "" && !oneOf(f.Status, Statuses) {
		return nil, Counts{}, errs.Invalidf("plans.err.bad_value", "Value", string(f.Status)).At(0, "status")
	}
	k, err := s.keptFor(ctx, t, unit)
	if err != nil {
		return nil, Counts{}, err
	}
	og, err := s.db.Generation(ctx, "tree")
	if err != nil {
		return nil, Counts{}, err
	}
	l := s.listed(t, k, og, unit, f, d)
	defer l.mu.Unlock()
	return s.rowsOfListing(t, l, d, limit), l.c, nil
}

// rowsOfListing makes the rows of the first limit (all if 0) tasks of a
// listing, each with its plan's number.
func (s *Service) rowsOfListing(t *org.Scoped, l *listing, d day.Day, limit int) []TaskRow {
	ents := l.ents
	if limit > 0 && len(ents) > limit {
		ents = ents[:limit]
	}
	out := make([]TaskRow, 0, len(ents))
	for i := range ents {
		out = append(out, *s.rowOf(t, l, &ents[i], d))
	}
	return out
}

var severity = map[Status]int{Overdue: 0, AtRisk: 1, OnTrack: 2, NotDue: 3, DoneLate: 4, DoneOnTime: 5}

// numbers are every document's number by id.
func (s *Service) numbers(ctx context.Context) (map[int64]string, error) {
	_, n, err := s.allTasks(ctx)
	return n, err
}

// readDocs reads every document, by issue date and id.
func (s *Service) readDocs(ctx context.Context) ([]*Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+docColumns+` FROM plan_documents ORDER BY issued_on, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []*Document
	for rows.Next() {
		doc, err := scanDoc(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, doc)
	}
	return all, rows.Err()
}

// numbersOf are the documents' numbers by id.
func numbersOf(docs []*Document) map[int64]string {
	out := make(map[int64]string, len(docs))
	for _, d := range docs {
		out[d.ID] = d.Number
	}
	return out
}

// notClosed keeps the tasks not cancelled or carried over by the date ($1).
const notClosed = " AND (cancelled_on IS NULL OR cancelled_on > $1)"

// Overdue lists the overdue tasks led by units of the reader's scope (or of
// unit) on date d, the latest first, with how late; total counts them all.
// Today's list is a range of the index of each task's earliest open
// deadline; for a past date, the deadlines accepted only after it are
// added (few, for a recent date). It never reads the reports.
func (s *Service) Overdue(ctx context.Context, actor *auth.Actor, d day.Day, unit int64, limit int) ([]TaskRow, int, error) {
	type list struct {
		rows  []TaskRow
		total int
	}
	// kept as Tasks is: the coordinator's home asks it at each request
	// (six statements, a fifth of its CPU)
	v, err := s.summary(ctx, actor, fmt.Sprintf("overdue %d %d", unit, limit), d, func() (any, error) {
		rows, total, err := s.overdue(ctx, actor, d, unit, limit)
		return list{rows, total}, err
	})
	if err != nil {
		return nil, 0, err
	}
	l := v.(list)
	return append([]TaskRow{}, l.rows...), l.total, nil // the caller's own slice
}

// overdue is answered from the tasks held in memory: a task (or a class
// task's assignment) led by a unit of the scope, not closed by d, with a
// deadline before d not accepted by d (as plan_tasks.open_due and the
// deadlines accepted after d would say: overdue_test.go compares the two).
func (s *Service) overdue(ctx context.Context, actor *auth.Actor, d day.Day, unit int64, limit int) (rows []TaskRow, total int, err error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, 0, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	} else if err := t.Check(unit); err != nil {
		return nil, 0, err
	}
	k, err := s.keptFor(ctx, t, unit)
	if err != nil {
		return nil, 0, err
	}
	var led []*taskRec
	if unit == t.RootID {
		for _, r := range k.tasks {
			led = append(led, r)
			led = append(led, r.kids...)
		}
	} else {
		ids := t.UnitsUnder(unit)
		if len(ids) == 0 {
			ids = []int64{unit}
		}
		led = k.of(ids, true)
	}
	type late struct {
		r   *taskRec
		due day.Day
	}
	var all []late
	for _, r := range led {
		if !r.CancelledOn.IsZero() && !r.CancelledOn.After(d) {
			continue
		}
		var first day.Day
		for i := range r.occ {
			o := &r.occ[i]
			if o.due.Before(d) && (o.accepted.IsZero() || o.accepted.After(d)) && (first.IsZero() || o.due.Before(first)) {
				first = o.due
			}
		}
		if !first.IsZero() {
			all = append(all, late{r, first})
		}
	}
	total = len(all)
	slices.SortFunc(all, func(a, b late) int {
		return cmp.Or(cmp.Compare(a.due.Unix(), b.due.Unix()), cmp.Compare(a.r.ID, b.r.ID))
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	rows = []TaskRow{}
	for _, l := range all {
		row := s.row(t, l.r, d)
		row.PlanNumber = k.numbers[l.r.DocumentID]
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].State.DaysLate != rows[j].State.DaysLate {
			return rows[i].State.DaysLate > rows[j].State.DaysLate
		}
		return rows[i].ID < rows[j].ID
	})
	return rows, total, nil
}

// UnitCount is a lead unit's tasks by status.
type UnitCount struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Counts Counts `json:"counts"`
}

// Dashboard is the leader's summary on a date.
type Dashboard struct {
	Counts  Counts      `json:"counts"`
	Plans   []DocRow    `json:"plans"`
	Units   []UnitCount `json:"units"` // lead units, the most overdue first
	Overdue []TaskRow   `json:"overdue"`
	DueSoon []TaskRow   `json:"due_soon"` // due within 30 days
}

// Dashboard sums up the tasks of the reader's scope on date d.
func (s *Service) Dashboard(ctx context.Context, actor *auth.Actor, d day.Day) (*Dashboard, error) {
	v, err := s.summary(ctx, actor, "dashboard", d, func() (any, error) { return s.dashboard(ctx, actor, d) })
	if err != nil {
		return nil, err
	}
	db := *v.(*Dashboard) // the caller's own lists
	db.Plans = append([]DocRow{}, db.Plans...)
	db.Units = append([]UnitCount{}, db.Units...)
	db.Overdue = append([]TaskRow{}, db.Overdue...)
	db.DueSoon = append([]TaskRow{}, db.DueSoon...)
	return &db, nil
}

// dashboard is made from the scope's listing (every task, its state, in
// the lists' order: see listing), kept and patched across writes.
func (s *Service) dashboard(ctx context.Context, actor *auth.Actor, d day.Day) (*Dashboard, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	k, err := s.keptFor(ctx, t, actor.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	og, err := s.db.Generation(ctx, "tree")
	if err != nil {
		return nil, err
	}
	l := s.listed(t, k, og, actor.ScopeUnitID, Filter{}, d)
	defer l.mu.Unlock()
	return s.dashboardOf(ctx, t, l, d)
}

// dashboardOf is the dashboard of a listing of the reader's scope
// without filter (every task of the scope, in the lists' order).
// With the listing's kept counts (l.sums) nothing is walked but the first
// overdue and due soon; without (a listing made for a comparison), every
// task is counted again.
func (s *Service) dashboardOf(ctx context.Context, t *org.Scoped, l *listing, d day.Day) (*Dashboard, error) {
	var docs []DocRow
	tally := &Tally{ByUnit: map[int64]*Counts{}} // by lead unit only
	if l.sums != nil {
		docs = s.dashDocs(l)
		tally.Counts, tally.ByUnit = l.c, l.sums.byLead
	} else {
		tasks := make([]*taskRec, len(l.ents))
		sts := make([]TaskState, len(l.ents))
		for i := range l.ents {
			tasks[i], sts[i] = l.ents[i].r, l.ents[i].st
		}
		var err error
		if docs, err = s.listDocs(ctx, t, d, tasks, sts); err != nil {
			return nil, err
		}
		for i := range l.ents {
			tally.Counts.Add(l.ents[i].st)
			bump(tally.ByUnit, l.ents[i].r.LeadUnitID, l.ents[i].st)
		}
	}
	numbers := map[int64]string{}
	for _, doc := range docs {
		numbers[doc.ID] = doc.Number
	}
	db := &Dashboard{Plans: []DocRow{}, Units: []UnitCount{}, Overdue: []TaskRow{}, DueSoon: []TaskRow{}}
	for _, doc := range docs {
		if doc.Counts.Total > 0 {
			db.Plans = append(db.Plans, doc)
		}
	}
	db.Counts = tally.Counts
	db.Units = tally.Units(func(u int64) string { return unitName(t, u, d) })
	// the first ten overdue and due soon, in the lists' order (l.ents')
	for i := range l.ents {
		if len(db.Overdue) == 10 && len(db.DueSoon) == 10 {
			break
		}
		e := &l.ents[i]
		st := e.st
		next := e.r.DueOn
		if st.Current != nil {
			next = st.Current.DueOn
		}
		var to *[]TaskRow
		switch {
		case st.Status == Overdue:
			to = &db.Overdue
		case !st.Status.Done() && !next.IsZero() && !next.After(d.AddDays(RiskDays)):
			to = &db.DueSoon
		default:
			continue
		}
		if len(*to) < 10 {
			row := *s.rowOf(t, l, e, d)
			row.PlanNumber = numbers[e.r.DocumentID]
			*to = append(*to, row)
		}
	}
	return db, nil
}
