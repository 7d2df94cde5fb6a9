package plans

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
)

// The plans' change feed (plans_feed, migration 00023). Every server keeps
// every task in memory (memo) under the plans' generation; without the
// feed, any write anywhere made the next reader on every server read the
// country's 100,000 tasks and 360,000 deadlines again (18.8 s on the loaded
// machine). A write of this service records, in its transaction, the
// tasks it changed; a server behind reads the rows above its copy's
// generation, reads those tasks again and patches a copy of its list.

// feedKeep is how many generations of the feed are kept: a write that
// crosses a multiple of it deletes the rows older than that. A write moves
// the generation by a few (one per statement on PostgreSQL, one per row on
// SQLite), so this is the last several hundred writes at least; a server
// further behind reads everything again.
const feedKeep = 4096

// maxFeedTasks bounds the tasks one catch-up reads again: past it reading
// everything again is about as fast, and the patch's copy no cheaper.
const maxFeedTasks = 2000

// writeTasks runs fn in one transaction and records in the feed the tasks
// fn names with touch — every task whose row, supporting units or
// deadlines it changed (a class task stands for its assignments; a new
// task is named once it is written). A write that changes nothing kept in
// memory (a group added) names none. A write made otherwise (s.db.Tx)
// records nothing, and every server then reads every task again: correct,
// only slow.
func (s *Service) writeTasks(ctx context.Context, fn func(tx *sql.Tx, touch func(ids ...int64)) error) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// the generation this write starts from; the update (of nothing)
		// locks the row on PostgreSQL, so no other write moves it before
		// this one commits (the triggers' first update would lock it too,
		// but only after another write might have moved it). SQLite's
		// write transactions are one at a time already.
		var since int64
		if err := tx.QueryRowContext(ctx, `UPDATE plans_state SET generation = generation WHERE id = 1 RETURNING generation`).Scan(&since); err != nil {
			return fmt.Errorf("plans feed: %w", err)
		}
		var ids []int64
		if err := fn(tx, func(id ...int64) { ids = append(ids, id...) }); err != nil {
			return err
		}
		var gen int64
		if err := tx.QueryRowContext(ctx, `SELECT generation FROM plans_state WHERE id = 1`).Scan(&gen); err != nil {
			return fmt.Errorf("plans feed: %w", err)
		}
		if gen == since {
			if len(ids) == 0 {
				return nil // nothing kept in memory moved
			}
			// A task was touched through a table no trigger follows: a
			// report returned changes only plan_reports, which the review
			// queue kept under this generation (PendingReports) shows.
			// Moved here, so that every server drops that queue.
			if err := tx.QueryRowContext(ctx, `UPDATE plans_state SET generation = generation + 1 WHERE id = 1 RETURNING generation`).Scan(&gen); err != nil {
				return fmt.Errorf("plans feed: %w", err)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) == 0 {
			ids = []int64{0}
		}
		for len(ids) > 0 {
			n := min(len(ids), 300)
			var q strings.Builder
			q.WriteString(`INSERT INTO plans_feed (generation, since, task_id) VALUES `)
			for i, id := range ids[:n] {
				if i > 0 {
					q.WriteByte(',')
				}
				fmt.Fprintf(&q, "($1, $2, %d)", id)
			}
			if _, err := tx.ExecContext(ctx, q.String(), gen, since); err != nil {
				return fmt.Errorf("plans feed: %w", err)
			}
			ids = ids[n:]
		}
		if since/feedKeep != gen/feedKeep {
			if _, err := tx.ExecContext(ctx, `DELETE FROM plans_feed WHERE generation <= $1`, gen-feedKeep); err != nil {
				return fmt.Errorf("trim plans feed: %w", err)
			}
		}
		return nil
	})
}

// changedSince reads the feed above generation from: the tasks changed
// (0 marks a write that changed none kept in memory) and the generation
// the last of them left the plans at. ok is false when the rows do not
// chain from `from` up to at least `to` — a generation moved by a write
// that records nothing, or trimmed away — or name too many tasks: the
// caller then reads everything again.
func (s *Service) changedSince(ctx context.Context, from, to int64) (ids []int64, last int64, ok bool, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT generation, since, task_id FROM plans_feed WHERE generation > $1 ORDER BY generation`, from)
	if err != nil {
		return nil, 0, false, fmt.Errorf("plans feed: %w", err)
	}
	defer rows.Close()
	last = from
	chained := true
	for rows.Next() {
		var gen, since, id int64
		if err := rows.Scan(&gen, &since, &id); err != nil {
			return nil, 0, false, err
		}
		if gen != last { // the next write's rows: it must start where the last one ended
			if since != last {
				chained = false
				break
			}
			last = gen
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return ids, last, chained && last >= to && len(ids) <= maxFeedTasks, nil
}

// catchUp brings tasks (the memo's list, whose ids are ids) up to the
// tasks changed as they are now: it reads them again (a class task with
// all its assignments) and returns a patched copy with its ids, and the
// list's old entries it replaced and their new ones, for the counts (see
// measured.advance). ok is false when the patch cannot be made (a task
// gone, an assignment new to its class task): the caller then reads
// everything again.
func (s *Service) catchUp(ctx context.Context, tasks []*taskRec, ids, changed []int64) (out []*taskRec, outIDs []int64, d delta, ok bool, err error) {
	if len(changed) == 0 {
		return tasks, ids, delta{}, true, nil
	}
	var b strings.Builder
	for i, id := range changed {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	fresh, err := s.loadTasks(ctx, s.db, "t.id IN ("+b.String()+")", nil)
	if err != nil {
		return nil, nil, delta{}, false, err
	}
	if out, d, ok = replace(tasks, ids, fresh, changed); ok {
		return out, ids, d, true, nil
	}
	if out, d, ok = patch(tasks, fresh, changed); !ok {
		return nil, nil, delta{}, false, nil
	}
	return out, idsOf(out), d, true, nil
}

// idsOf are the ids of the list, in its order: catchUp finds a task's
// place by them (a scan of 100,000 ids in a row is some microseconds; of
// the tasks themselves, scattered in memory, milliseconds).
func idsOf(tasks []*taskRec) []int64 {
	ids := make([]int64, len(tasks))
	for i, r := range tasks {
		ids[i] = r.ID
	}
	return ids
}

// replace is patch when every task read again keeps its place in the list
// (a report, a review, a change of title or units: the common writes): a
// copy of the list with the new entries in the old ones' places, found by
// ids, which stay the same. ok is false when one does not (a task new to
// the list, moved, gone): patch then makes the list anew.
func replace(old []*taskRec, ids []int64, fresh []*taskRec, changed []int64) ([]*taskRec, delta, bool) {
	out := slices.Clone(old)
	var d delta
	in := func(id int64) bool { return slices.Contains(changed, id) }
	seen := 0 // changed tasks accounted for
	for _, r := range fresh {
		if r.ClassTaskID != 0 { // an assignment read without its class task
			i := slices.Index(ids, r.ClassTaskID)
			if i < 0 {
				return nil, delta{}, false
			}
			p := out[i]
			if p == old[i] { // not copied yet: the old one may be being read
				n := *p
				n.kids = slices.Clone(p.kids)
				p = &n
				out[i] = p
			}
			k := slices.IndexFunc(p.kids, func(x *taskRec) bool { return x.ID == r.ID })
			if k < 0 || before(p.kids[k], r) != 0 {
				return nil, delta{}, false
			}
			d.gone = append(d.gone, counted{p.start, p.kids[k]})
			d.came = append(d.came, counted{p.start, r})
			p.kids[k] = r
			seen++
			continue
		}
		i := slices.Index(ids, r.ID)
		if i < 0 || before(old[i], r) != 0 {
			return nil, delta{}, false
		}
		d.gone, d.came = leaves(d.gone, old[i]), leaves(d.came, r)
		out[i] = r
		if in(r.ID) {
			seen++
		}
		for _, k := range r.kids {
			if in(k.ID) {
				seen++
			}
		}
	}
	return out, d, seen == len(changed)
}

// delta is what a patch changed, in the units the measured counts count:
// a task of its own, or one assignment of a class task (the class task
// itself is not counted). gone are the old ones, came the new ones, each
// with the start of the plan it counts from.
type delta struct {
	gone, came []counted
}

type counted struct {
	start day.Day
	r     *taskRec
}

// leaves adds the counted units of a task of the list (as measurer.each
// counts them).
func leaves(to []counted, r *taskRec) []counted {
	for _, k := range r.kids {
		to = append(to, counted{r.start, k})
	}
	if r.LeadClass == "" {
		to = append(to, counted{r.start, r})
	}
	return to
}

// before orders the list as loadTasks reads it: by plan, place, id.
func before(a, b *taskRec) int {
	return cmp.Or(cmp.Compare(a.DocumentID, b.DocumentID), cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ID, b.ID))
}

// patch returns a copy of old, the list of every task (assignments folded
// under their class tasks), with the tasks ids as fresh read them (what
// loadTasks gives for those ids: a class task with its assignments; an
// assignment whose class task is not among them on its own). The old
// list and its entries are never changed: requests may be reading them.
func patch(old, fresh []*taskRec, ids []int64) ([]*taskRec, delta, bool) {
	changed := make(map[int64]bool, len(ids))
	for _, id := range ids {
		changed[id] = true
	}
	// an assignment read without its class task goes into the class task's
	// copy, in its place
	into := map[int64][]*taskRec{}
	var top []*taskRec
	seen := map[int64]bool{} // the changed tasks accounted for
	for _, r := range fresh {
		seen[r.ID] = true
		for _, k := range r.kids {
			seen[k.ID] = true
		}
		if r.ClassTaskID != 0 {
			into[r.ClassTaskID] = append(into[r.ClassTaskID], r)
			continue
		}
		top = append(top, r)
	}
	for id := range changed {
		if !seen[id] {
			return nil, delta{}, false // gone: which class task held it is not known here
		}
	}
	var d delta
	out := make([]*taskRec, 0, len(old)+len(top))
	for _, r := range old {
		if changed[r.ID] {
			d.gone = leaves(d.gone, r)
			continue
		}
		kids := into[r.ID]
		if kids == nil {
			out = append(out, r)
			continue
		}
		n := *r
		n.kids = slices.Clone(r.kids)
		for _, k := range kids {
			i := slices.IndexFunc(n.kids, func(x *taskRec) bool { return x.ID == k.ID })
			if i < 0 || n.kids[i].Seq != k.Seq || n.kids[i].DocumentID != k.DocumentID {
				return nil, delta{}, false // new to it, or moved: read everything again
			}
			d.gone = append(d.gone, counted{r.start, n.kids[i]})
			d.came = append(d.came, counted{n.start, k})
			n.kids[i] = k
		}
		delete(into, r.ID)
		out = append(out, &n)
	}
	if len(into) > 0 {
		return nil, delta{}, false // an assignment of a class task not in the list
	}
	for _, r := range top {
		i, _ := slices.BinarySearchFunc(out, r, before)
		out = slices.Insert(out, i, r)
		d.came = leaves(d.came, r)
	}
	return out, d, true
}
