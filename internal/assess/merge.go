package assess

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Weight is a predecessor's weight in a merged unit's restated results.
type Weight struct {
	PredecessorID int64   `json:"predecessor_id"`
	Weight        float64 `json:"weight"`
}

// weights reads the weights set for a family: successor → predecessor →
// weight.
func (s *Service) weights(ctx context.Context, family string) (map[int64]map[int64]float64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, predecessor_id, weight FROM merge_weights WHERE family = $1`, family)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[int64]float64{}
	for rows.Next() {
		var u, p int64
		var w float64
		if err := rows.Scan(&u, &p, &w); err != nil {
			return nil, err
		}
		if out[u] == nil {
			out[u] = map[int64]float64{}
		}
		out[u][p] = w
	}
	return out, rows.Err()
}

// Predecessors lists the units a unit was formed from, through every step
// of its lineage (the ones whose results it is computed from).
func predecessors(snap *org.Snapshot, u int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	var walk func(u int64, depth int)
	walk = func(u int64, depth int) {
		for _, l := range snap.Predecessors(u) {
			if seen[l.PredecessorID] || depth > 8 {
				continue
			}
			seen[l.PredecessorID] = true
			out = append(out, l.PredecessorID)
			walk(l.PredecessorID, depth+1)
		}
	}
	walk(u, 0)
	return out
}

// SetWeights sets how a merged unit's results before the merger are
// computed from its predecessors': by these weights (any positive
// numbers: population, communes…), or, with none, by their plain average.
func (s *Service) SetWeights(ctx context.Context, actor *auth.Actor, family string, unit int64, ws []Weight, note string) error {
	if !mayRecord(actor) {
		return errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return err
	}
	if err := checkUnit(t, unit, "unit_id"); err != nil {
		return err
	}
	family = strings.ToUpper(strings.TrimSpace(family))
	if family == "" {
		family = DTIFamily
	}
	if !validCode(family) {
		return errs.Invalidf("indicator.err.bad_code", "Value", family).At(0, "family")
	}
	preds := map[int64]bool{}
	for _, p := range predecessors(t.Snapshot, unit) {
		preds[p] = true
	}
	if len(preds) == 0 {
		return errs.Invalidf("assess.err.no_predecessors").At(0, "unit_id")
	}
	var bad []*errs.Error
	seen := map[int64]bool{}
	for _, w := range ws {
		switch {
		case !preds[w.PredecessorID]:
			bad = append(bad, errs.Invalidf("assess.err.not_predecessor", "ID", w.PredecessorID).At(0, "predecessor_id"))
		case seen[w.PredecessorID]:
			bad = append(bad, errs.Invalidf("assess.err.not_predecessor", "ID", w.PredecessorID).At(0, "predecessor_id"))
		case !(w.Weight > 0) || w.Weight > 1e12:
			bad = append(bad, errs.Invalidf("assess.err.weight").At(0, "weight"))
		}
		seen[w.PredecessorID] = true
	}
	if len(bad) > 0 {
		return oneOrList(bad)
	}
	before, err := s.weights(ctx, family)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	note = locale.CleanString(note)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM merge_weights WHERE family = $1 AND unit_id = $2`, family, unit); err != nil {
			return err
		}
		after := map[int64]float64{}
		for _, w := range ws {
			if _, err := tx.ExecContext(ctx, `INSERT INTO merge_weights (family, unit_id, predecessor_id, weight, note, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				family, unit, w.PredecessorID, w.Weight, note, now); err != nil {
				return err
			}
			after[w.PredecessorID] = w.Weight
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "merge_weights.save", Entity: "merge_weights", EntityID: fmt.Sprintf("%s/%d", family, unit),
			UnitID: unit, Before: before[unit], After: map[string]any{"weights": after, "note": note}})
	})
}

// Weights are the weights set for a merged unit (none: plain average).
func (s *Service) Weights(ctx context.Context, actor *auth.Actor, family string, unit int64) ([]Weight, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	all, err := s.weights(ctx, family)
	if err != nil {
		return nil, err
	}
	var out []Weight
	for _, p := range predecessors(t.Snapshot, unit) {
		if w, ok := all[unit][p]; ok {
			out = append(out, Weight{p, w})
		}
	}
	return out, nil
}
