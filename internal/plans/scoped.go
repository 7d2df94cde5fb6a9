package plans

import (
	"context"

	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/org"
)

// A scope's copy of the plans while the nation's is first read (issue 14,
// item 7). A server starting on the national database listens within
// 0.3 s, then reads every task into the memo (Warm: 1.2–2 s of CPU); a
// province coordinator signing in meanwhile asked for their overdue list,
// which waited on the memo's lock for the whole national read. Instead,
// while that first read is under way, a request for a scope below the
// nation reads only the scope's tasks with the same reader (loadTasks
// with a condition, foldClasses bringing a class task's assignments) into
// a kept of the same shape, and the views answer from it with the same
// code: a narrower input, one way to compute. A national reader (the
// tree's root) waits for the whole as before; so does anything national
// (the measured indicators, the documents' numbers), which keeps calling
// keptAt.
//
// The scope's tasks are those kept.of and kept.items would find for it in
// the whole copy: tasks one of its units leads or supports, and class
// tasks one of whose assignments such a unit leads or supports, with all
// their assignments (a class task's state derives from every one). Every
// document is read too (1,700 for the nation): the lists show documents
// from above and the plans' numbers. TestScopedCopyAnswersAsTheWhole
// compares every scoped view with the whole copy's on both engines.
//
// The answers are cached as the whole copy's are: a summary is kept under
// the plans' and the tree's generations read by the request, and a scoped
// copy is read after that generation was read, exactly as the whole copy
// is (keptAt): for the same data its answer is the whole's (the same
// function over the same tasks of the scope), so a summary made from it
// is the one the whole would have made. A listing holds the copy it was
// made from (listing.k) and its epoch: the first request after the whole
// copy is loaded finds another copy of another epoch and makes the listing
// again, so nothing patched from a scoped copy outlives the warm-up.

// maxScoped bounds the scoped copies held during the first read: one per
// unit asked (a scope, or a unit under it a list is filtered by), tree
// and plans generation. A province's copy is its 3,000 tasks of the
// nation's 100,300 (about 1 MB with the documents); past the bound a
// request waits for the whole copy, as before. All are dropped when the
// first read ends, loaded or failed.
const maxScoped = 32

// scopeKey is what a scope's copy depends on: the unit whose subtree it
// holds, the tree the subtree was taken from and the plans' generation.
type scopeKey struct {
	unit int64
	snap *org.Snapshot
	gen  int64
}

// scopedHook, when set (by a test), runs in the request making a scoped
// read before it reads: a test holds it there to have others join it.
var scopedHook func()

// keptFor is the copy a view of unit's subtree (unit in t's scope, already
// checked) reads: while the memo's first read runs, the subtree's own
// copy (shared, see partread); else, for the nation, or past maxScoped
// copies, the whole copy (keptAt).
func (s *Service) keptFor(ctx context.Context, t *org.Scoped, unit int64) (*kept, error) {
	sc := &s.memo.scoped
	if unit != t.RootID && sc.Loading() {
		gen, err := s.db.Generation(ctx, plansGeneration)
		if err != nil {
			return nil, err
		}
		k, ok, err := sc.Get(ctx, scopeKey{unit: unit, snap: t.Snapshot, gen: gen}, maxScoped, nil, func(ctx context.Context) (*kept, error) {
			if scopedHook != nil {
				scopedHook()
			}
			return s.readScope(ctx, t, unit)
		})
		if ok || err != nil {
			return k, err
		}
	}
	k, _, err := s.keptAt(ctx)
	return k, err
}

// readScope reads the tasks of unit's subtree (see above) and every
// document into a copy of its own, indexed as the whole is.
func (s *Service) readScope(ctx context.Context, t *org.Scoped, unit int64) (*kept, error) {
	units := db.IDList(append(t.UnitsUnder(unit), unit))
	named := "t.lead_unit_id IN (" + units + ") OR t.id IN (SELECT task_id FROM plan_task_units WHERE unit_id IN (" + units + "))"
	// a class task any of whose assignments the scope leads or supports;
	// foldClasses then reads all its assignments
	classes := "t.id IN (SELECT a.class_task_id FROM plan_tasks a WHERE a.class_task_id IS NOT NULL AND (a.lead_unit_id IN (" + units +
		") OR a.id IN (SELECT task_id FROM plan_task_units WHERE unit_id IN (" + units + "))))"
	tasks, err := s.loadTasks(ctx, s.db, named+" OR "+classes, nil)
	if err != nil {
		return nil, err
	}
	docs, err := s.readDocs(ctx)
	if err != nil {
		return nil, err
	}
	return &kept{tasks: tasks, numbers: numbersOf(docs), docs: docs, byUnit: indexOf(tasks), epoch: epochs.Add(1), spots: newSpots()}, nil
}
