package assess

import (
	"context"
	"slices"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
)

// assessGeneration names the assessment data's generation (assess_state,
// moved by triggers on every framework, round and score change).
const assessGeneration = "assess"

// memo keeps the rounds, the frameworks they use and each closed or open
// round's computed ranking for as long as every generation the database
// follows is unchanged and the day is the same: a ranking reads the
// rounds and scores (assess_state), the indicator figures and definitions,
// the registers its measured criteria count (people, network, plans) and
// the tree, and names the units as of today. Bounded by the rounds there
// are (one ranking each) and the frameworks they use.
type memo struct {
	mu         sync.Mutex
	gens       []int64
	today      day.Day
	rounds     []*Round // every round, the latest year first; nil until read
	frameworks map[int64]*Framework
	results    map[int64][]Result // a round's every unit, ranked, with last year's standing
}

// fresh returns the memo's contents for now, emptied first when anything
// it depends on changed. The caller holds m.mu.
func (s *Service) fresh(ctx context.Context) error {
	gens, err := s.db.Generations(ctx)
	if err != nil {
		return err
	}
	today := s.org.Today()
	m := s.memo
	if !slices.Equal(gens, m.gens) || today != m.today {
		m.gens, m.today = gens, today
		m.rounds, m.frameworks, m.results = nil, map[int64]*Framework{}, map[int64][]Result{}
	}
	return nil
}

// allRounds is every round, the latest year first, kept.
func (s *Service) allRounds(ctx context.Context) ([]*Round, error) {
	s.memo.mu.Lock()
	defer s.memo.mu.Unlock()
	if err := s.fresh(ctx); err != nil {
		return nil, err
	}
	if s.memo.rounds != nil {
		return s.memo.rounds, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM assessment_rounds ORDER BY year DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*Round, 0, len(ids))
	for _, id := range ids {
		r, err := s.round(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	s.memo.rounds = out
	return out, nil
}

// keptRound is a copy of a round from the kept list.
func (s *Service) keptRound(ctx context.Context, id int64) (*Round, bool, error) {
	all, err := s.allRounds(ctx)
	if err != nil {
		return nil, false, err
	}
	for _, r := range all {
		if r.ID == id {
			c := *r
			c.Units = slices.Clone(r.Units)
			return &c, true, nil
		}
	}
	return nil, false, nil
}

// ranked is a round's framework and its every unit's result, ranked,
// with last year's standing: computed once for the memo's generations.
// The results are shared: a caller copies a Result before changing it.
func (s *Service) ranked(ctx context.Context, r *Round) (*Framework, []Result, error) {
	s.memo.mu.Lock()
	defer s.memo.mu.Unlock()
	if err := s.fresh(ctx); err != nil {
		return nil, nil, err
	}
	f := s.memo.frameworks[r.FrameworkID]
	if f == nil {
		var err error
		if f, err = s.framework(ctx, s.db, r.FrameworkID); err != nil {
			return nil, nil, err
		}
		s.memo.frameworks[r.FrameworkID] = f
	}
	all, ok := s.memo.results[r.ID]
	if !ok {
		var err error
		if all, err = s.compute(ctx, r, f, true); err != nil {
			return nil, nil, err
		}
		s.memo.results[r.ID] = all
	}
	return f, all, nil
}
