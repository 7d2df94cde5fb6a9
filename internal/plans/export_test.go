package plans

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
)

// Memo brings s's copy of every task up to date, as a request would, and
// returns it whole (the tasks with their deadlines, the documents'
// numbers), for a test to compare with Loaded.
func Memo(ctx context.Context, s *Service) (any, error) {
	k, _, err := s.keptAt(ctx)
	if err != nil {
		return nil, err
	}
	return []any{k.tasks, k.numbers, k.docs, k.byUnit}, err
}

// Loaded is every task read from the database as a server starting now
// would hold it.
func Loaded(ctx context.Context, s *Service) (any, error) {
	tasks, err := s.loadTasks(ctx, s.db, "", nil)
	if err != nil {
		return nil, err
	}
	docs, err := s.readDocs(ctx)
	return []any{tasks, numbersOf(docs), docs, indexOf(tasks)}, err
}

// OverdueBoth answers Overdue from memory (as the service does) and by
// the SQL it used to run over plan_tasks.open_due and plan_occurrences,
// neither kept.
func OverdueBoth(ctx context.Context, s *Service, actor *auth.Actor, d day.Day, unit int64, limit int) (mem, sql []TaskRow, memTotal, sqlTotal int, err error) {
	if mem, memTotal, err = s.overdue(ctx, actor, d, unit, limit); err != nil {
		return
	}
	sql, sqlTotal, err = s.overdueSQL(ctx, actor, d, unit, limit)
	return
}

// overdueSQL is how Overdue was answered before it read the tasks held in
// memory: the reference the memory's answer is compared with.
func (s *Service) overdueSQL(ctx context.Context, actor *auth.Actor, d day.Day, unit int64, limit int) (rows []TaskRow, total int, err error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, 0, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	} else if err := t.Check(unit); err != nil {
		return nil, 0, err
	}
	cond := ""
	if list := scopeUnits(t, unit); list != "" {
		cond = " AND lead_unit_id IN (" + list + ")"
	}
	type late struct {
		id  int64
		due day.Day
	}
	first := map[int64]day.Day{}
	// deadlines missed by d but accepted after it (none when d is today)
	// (no GROUP BY: it would lead the planner to scan every deadline in
	// task order instead of the few accepted after d)
	inScope := ""
	if cond != "" {
		inScope = " AND task_id IN (SELECT id FROM plan_tasks WHERE" + strings.TrimPrefix(cond, " AND") + ")"
	}
	r, err := s.db.QueryContext(ctx, `SELECT task_id, due_on FROM plan_occurrences WHERE accepted_on > $1 AND due_on < $1`+inScope+
		` AND task_id NOT IN (SELECT id FROM plan_tasks WHERE cancelled_on <= $1)`, d)
	if err != nil {
		return nil, 0, err
	}
	for r.Next() {
		var id int64
		var due day.Day
		if err := r.Scan(&id, &due); err != nil {
			r.Close()
			return nil, 0, err
		}
		if cur, ok := first[id]; !ok || due.Before(cur) {
			first[id] = due
		}
	}
	r.Close()
	if err := r.Err(); err != nil {
		return nil, 0, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_tasks WHERE open_due < $1`+notClosed+cond, d).Scan(&total); err != nil {
		return nil, 0, err
	}
	if len(first) > 0 { // those already counted by their open deadline
		var ids strings.Builder
		for id := range first {
			if ids.Len() > 0 {
				ids.WriteByte(',')
			}
			ids.WriteString(strconv.FormatInt(id, 10))
		}
		var both int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_tasks WHERE open_due < $1`+notClosed+` AND id IN (`+ids.String()+`)`, d).Scan(&both); err != nil {
			return nil, 0, err
		}
		total += len(first) - both
	}
	q := `SELECT id, open_due FROM plan_tasks WHERE open_due < $1` + notClosed + cond + ` ORDER BY open_due, id`
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	r, err = s.db.QueryContext(ctx, q, d)
	if err != nil {
		return nil, 0, err
	}
	for r.Next() {
		var id int64
		var due day.Day
		if err := r.Scan(&id, &due); err != nil {
			r.Close()
			return nil, 0, err
		}
		if cur, ok := first[id]; !ok || due.Before(cur) {
			first[id] = due
		}
	}
	r.Close()
	if err := r.Err(); err != nil {
		return nil, 0, err
	}
	var all []late
	for id, due := range first {
		all = append(all, late{id, due})
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].due.Equal(all[j].due) {
			return all[i].due.Before(all[j].due)
		}
		return all[i].id < all[j].id
	})
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	if len(all) == 0 {
		return []TaskRow{}, total, nil
	}
	var ids strings.Builder
	for i, l := range all {
		if i > 0 {
			ids.WriteByte(',')
		}
		ids.WriteString(strconv.FormatInt(l.id, 10))
	}
	tasks, err := s.loadTasks(ctx, s.db, "t.id IN ("+ids.String()+")", nil)
	if err != nil {
		return nil, 0, err
	}
	numbers, err := s.numbers(ctx)
	if err != nil {
		return nil, 0, err
	}
	for _, tk := range tasks {
		row := s.row(t, tk, d)
		row.PlanNumber = numbers[tk.DocumentID]
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

// Afresh makes a summary as the service would when the plans' generation
// has just moved (not kept): "overdue", "tasks", "dashboard", "documents";
// the lists and the dashboard from nothing (no listing kept), or, as
// "tasks patched" and "dashboard patched", from the listing kept before
// the last Touch.
func Afresh(ctx context.Context, s *Service, actor *auth.Actor, d day.Day, kind string) error {
	var err error
	switch kind {
	case "tasks", "dashboard":
		s.lists.mu.Lock()
		s.lists.m, s.lists.held = map[listKey]*listing{}, 0
		s.lists.mu.Unlock()
	case "tasks patched":
		kind = "tasks"
	case "dashboard patched":
		kind = "dashboard"
	}
	switch kind {
	case "overdue":
		_, _, err = s.overdue(ctx, actor, d, 0, 200)
	case "tasks":
		_, _, err = s.tasks(ctx, actor, d, Filter{}, 300)
	case "dashboard":
		_, err = s.dashboard(ctx, actor, d)
	case "documents":
		_, err = s.listDocuments(ctx, actor, d)
	}
	return err
}

// ListBoth is a to-do list (Tasks, without the summaries kept above it)
// twice: through the listing kept for its scope, filter and day (patched
// across writes), and made afresh from the tasks, for TestListingPatched.
func ListBoth(ctx context.Context, s *Service, actor *auth.Actor, d day.Day, f Filter, limit int) (kept, fresh []TaskRow, kc, fc Counts, err error) {
	if kept, kc, err = s.tasks(ctx, actor, d, f, limit); err != nil {
		return nil, nil, Counts{}, Counts{}, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, Counts{}, Counts{}, err
	}
	unit := actor.ScopeUnitID
	if f.UnitID != 0 {
		unit = f.UnitID
	}
	k, _, err := s.keptAt(ctx)
	if err != nil {
		return nil, nil, Counts{}, Counts{}, err
	}
	l := makeListing(t, k, unit, f, d)
	return kept, s.rowsOfListing(t, l, d, limit), kc, l.c, nil
}

// DashBoth is the plans dashboard (without the summaries kept above it)
// twice: from the listing kept for the reader's scope and day (patched
// across writes), and from one made afresh, for TestListingPatched.
func DashBoth(ctx context.Context, s *Service, actor *auth.Actor, d day.Day) (kept, fresh *Dashboard, err error) {
	if kept, err = s.dashboard(ctx, actor, d); err != nil {
		return nil, nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	k, _, err := s.keptAt(ctx)
	if err != nil {
		return nil, nil, err
	}
	l := makeListing(t, k, actor.ScopeUnitID, Filter{}, d)
	l.sums = nil // counted again from every task, not from the kept counts
	fresh, err = s.dashboardOf(ctx, t, l, d)
	return kept, fresh, err
}

// Touch makes the kept copy's first task led by the actor's unit another
// copy of itself, as a report's catch-up does (the copy of the list is
// made here, not by the lists that follow).
func Touch(s *Service, actor *auth.Actor) {
	m := s.memo
	m.mu.Lock()
	defer m.mu.Unlock()
	k := *m.kept
	k.tasks = slices.Clone(k.tasks)
	for _, p := range k.byUnit[actor.ScopeUnitID] {
		if p.k < 0 {
			r := *k.tasks[p.i]
			k.tasks[p.i] = &r
			break
		}
	}
	m.kept = &k
}

// Fresh is a service on the same database and tree with nothing kept: no
// copy of the tasks, no listing, no summary. Its answers are what a server
// starting now would give, for comparing the kept ones with.
func Fresh(s *Service) *Service {
	c := *s
	c.memo, c.measured = &memo{}, &measured{}
	c.sums = &summaries{m: map[summaryKey]any{}}
	c.lists = &listings{m: map[listKey]*listing{}}
	return &c
}

// KeepRows sets how many rows a listing keeps (maxRowsKept) and answers
// the function that puts it back.
func KeepRows(n int) (restore func()) {
	was := maxRowsKept
	maxRowsKept = n
	return func() { maxRowsKept = was }
}

// RowsKept checks the listings' accounts of their kept rows: each one's
// count is its entries holding a row, at most maxRowsKept, and the
// listings' weight in all is what they hold, within maxListed.
func RowsKept(s *Service) error {
	ls := s.lists
	ls.mu.Lock()
	defer ls.mu.Unlock()
	held := 0
	for key, l := range ls.m {
		l.mu.Lock()
		n := 0
		for i := range l.ents {
			if l.ents[i].row != nil {
				n++
			}
		}
		rows, w := l.rows, l.weight()
		l.mu.Unlock()
		if rows != n || rows > maxRowsKept {
			return fmt.Errorf("listing %+v: %d rows counted, %d held, at most %d", key, rows, n, maxRowsKept)
		}
		held += w
	}
	if held != ls.held || held > maxListed {
		return fmt.Errorf("listings weigh %d, counted %d, at most %d", held, ls.held, maxListed)
	}
	return nil
}

// HoldWhole makes s as a server is while its first read of every task runs
// and has not ended: that read marked begun and the memo locked, so that
// a request reaching for the whole copy would wait. release ends it
// without loading anything (the next request reads the whole copy).
func HoldWhole(s *Service) (release func()) {
	m := s.memo
	m.mu.Lock()
	m.scoped.FirstRead(true)
	return func() {
		m.scoped.FirstRead(false)
		m.mu.Unlock()
	}
}

// ScopedReads are the scoped reads s made while its first read ran, and
// the requests that joined another's read instead of reading.
func ScopedReads(s *Service) (reads, joined int64) {
	return s.memo.scoped.Counts()
}

// ScopedCopies are how many scoped copies s holds.
func ScopedCopies(s *Service) int {
	return s.memo.scoped.Held()
}

// HookScoped runs f in each request making a scoped read, before it reads;
// the function answered takes it away.
func HookScoped(f func()) (restore func()) {
	scopedHook = f
	return func() { scopedHook = nil }
}
