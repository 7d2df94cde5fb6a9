package indicator

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"
)

// The reports' generation. What a form's completeness and a unit's duties
// read besides the tree and the definitions — the reports (submissions),
// the reminders sent and the figures kept at approval (submission_measures)
// — is kept here per scope, for the generation of indicator 0's row
// "reports": every write of those three tables moves it in its own
// transaction (a report's save, push or review — setStatus and
// keepMeasures —, Remind, CheckMeasuredChanges' notes of what it told, a
// bulk load's Close), on any server. A coordinator's
// home then reads them from memory in the steady state (three statements a
// form before).
//
// Whether an approved report's measured figures moved since (the flag) is
// still compared at each request, from the kept figures held here and the
// measured figures now, which follow their registers' generations.
const (
	reportsGeneration = "indicator.reports"
	reportsPeriod     = "reports"
)

// reportsMax bounds the scopes kept (each a form and period in one scope,
// or one unit's duties). Entries hold one scope's rows only (a province's
// few hundred reports: tens of KB); a wider scope's (the nation's, read
// whole) is one entry of a few MB. Everything is dropped when the
// generation moves, and when the bound is reached.
const reportsMax = 512

// reportCache holds what was read for one generation of the reports.
type reportCache struct {
	mu     sync.Mutex
	gen    int64
	scopes map[scopeKey]*scopeReports
	duties map[dutiesKey]*unitDuties
}

type scopeKey struct {
	form   int64
	period string
	units  string // the query's unit condition (" AND unit_id IN (…)" or "")
}

// scopeReports is a form's reports, last reminders and kept figures for a
// period in one scope. Read-only once kept.
type scopeReports struct {
	subs     map[int64]*Submission
	reminded map[int64]time.Time
	kept     []kept
}

type dutiesKey struct {
	unit    int64
	periods string // the periods asked, joined
}

// unitDuties is a unit's reports and reminder counts for some periods.
type unitDuties struct {
	subs     map[dutyKey]*Submission
	reminded map[dutyKey]int
}

// movedReports moves the reports' generation inside a writing transaction,
// first of all (Save, Push, Act, Remind, CheckMeasuredChanges, a bulk
// load's Close): its row is then always locked before the values' and the
// cells' generations, the reports and the audit head, in one order on
// PostgreSQL (two writes taking them in opposite orders would deadlock).
func movedReports(ctx context.Context, tx *sql.Tx) error {
	_, err := bump(ctx, tx, 0, reportsPeriod)
	return err
}

// reportsGen reads the reports' generation (from the request's one read
// of them all).
func (s *Service) reportsGen(ctx context.Context) (int64, error) {
	return s.db.Generation(ctx, reportsGeneration)
}

// lookup returns what is kept for gen, nil when nothing or an older
// generation is.
func (c *reportCache) lookupScope(gen int64, k scopeKey) *scopeReports {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil
	}
	return c.scopes[k]
}

func (c *reportCache) lookupDuties(gen int64, k dutiesKey) *unitDuties {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil
	}
	return c.duties[k]
}

// room makes the cache hold gen and room for one more entry; false when
// what was read is older than what is kept (a request that read the
// generation before another one moved it keeps nothing).
func (c *reportCache) room(gen int64) bool {
	switch {
	case gen < c.gen:
		return false
	case gen > c.gen || c.scopes == nil || len(c.scopes)+len(c.duties) >= reportsMax:
		c.gen = gen
		c.scopes = map[scopeKey]*scopeReports{}
		c.duties = map[dutiesKey]*unitDuties{}
	}
	return true
}

func (c *reportCache) keepScope(gen int64, k scopeKey, r *scopeReports) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.room(gen) {
		c.scopes[k] = r
	}
}

func (c *reportCache) keepDuties(gen int64, k dutiesKey, r *unitDuties) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.room(gen) {
		c.duties[k] = r
	}
}

// scopeReports returns a form's reports, last reminders and kept figures
// for p among the units named by units (" AND unit_id IN (…)", or "" for
// all): from memory when the reports' generation has not moved since they
// were read, else in three statements.
func (s *Service) scopeReports(ctx context.Context, form int64, p Period, units string) (*scopeReports, error) {
	gen, err := s.reportsGen(ctx)
	if err != nil {
		return nil, err
	}
	k := scopeKey{form, p.Key(), units}
	if r := s.reports.lookupScope(gen, k); r != nil {
		return r, nil
	}
	r := &scopeReports{}
	if r.subs, err = s.submissionsOf(ctx, form, p, units); err != nil {
		return nil, err
	}
	if r.reminded, err = s.lastReminders(ctx, form, p, units); err != nil {
		return nil, err
	}
	if r.kept, err = s.keptWhere(ctx, `s.form_id = $1 AND s.period = $2`+strings.Replace(units, "unit_id", "s.unit_id", 1), form, p.Key()); err != nil {
		return nil, err
	}
	s.reports.keepScope(gen, k, r)
	return r, nil
}
