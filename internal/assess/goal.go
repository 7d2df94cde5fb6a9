package assess

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// Goal is a unit's goal for its rank in a national index.
type Goal struct {
	ID       int64  `json:"id"`
	Family   string `json:"family"`
	UnitID   int64  `json:"unit_id"`
	YearFrom int    `json:"year_from"`
	YearTo   int    `json:"year_to"`
	MaxRank  int    `json:"max_rank"` // within the first MaxRank
	Basis    string `json:"basis"`
}

// Light is how a result stands against a goal.
type Light string

// The lights: met, missed, or no result to judge by.
const (
	GoalMet    Light = "met"
	GoalMissed Light = "missed"
	GoalNone   Light = "none"
)

// Judge says how a result stands against the goal.
func (g *Goal) Judge(o *Official) Light {
	if o == nil {
		return GoalNone
	}
	rank, _ := o.Standing()
	if rank == 0 {
		return GoalNone
	}
	if rank <= g.MaxRank {
		return GoalMet
	}
	return GoalMissed
}

// SetGoal sets a unit's goal for its rank (replacing the one with the same
// first year).
func (s *Service) SetGoal(ctx context.Context, actor *auth.Actor, g Goal) (*Goal, error) {
	if !mayRecord(actor) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(t, g.UnitID, "unit_id"); err != nil {
		return nil, err
	}
	g.Family = strings.ToUpper(strings.TrimSpace(g.Family))
	if g.Family == "" {
		g.Family = DTIFamily
	}
	g.Basis = locale.CleanString(g.Basis)
	var bad []*errs.Error
	if !validCode(g.Family) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_code", "Value", g.Family).At(0, "family"))
	}
	if g.YearFrom < 2000 || g.YearFrom > 2100 || g.YearTo < g.YearFrom || g.YearTo > 2100 {
		bad = append(bad, errs.Invalidf("assess.err.years", "From", g.YearFrom, "To", g.YearTo).At(0, "year_from"))
	}
	if g.MaxRank < 1 || g.MaxRank > 10000 {
		bad = append(bad, errs.Invalidf("assess.err.goal_rank").At(0, "max_rank"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var old Goal
		err := tx.QueryRowContext(ctx, `SELECT id, year_to, max_rank, basis FROM rank_goals WHERE family = $1 AND unit_id = $2 AND year_from = $3`,
			g.Family, g.UnitID, g.YearFrom).Scan(&old.ID, &old.YearTo, &old.MaxRank, &old.Basis)
		if err != nil && !db.IsNoRows(err) {
			return err
		}
		var before any
		if old.ID != 0 {
			before = old
			if _, err := tx.ExecContext(ctx, `DELETE FROM rank_goals WHERE id = $1`, old.ID); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO rank_goals (family, unit_id, year_from, year_to, max_rank, basis, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, g.Family, g.UnitID, g.YearFrom, g.YearTo, g.MaxRank, g.Basis, s.now().UTC()).Scan(&g.ID); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "rank_goal.save", Entity: "rank_goal", EntityID: fmt.Sprint(g.ID),
			UnitID: g.UnitID, Before: before, After: g})
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// goalFor is the unit's goal that covers a year, or nil.
func (s *Service) goalFor(ctx context.Context, family string, unit int64, year int) (*Goal, error) {
	g := &Goal{}
	err := s.db.QueryRowContext(ctx, `SELECT id, family, unit_id, year_from, year_to, max_rank, basis FROM rank_goals
		WHERE family = $1 AND unit_id = $2 AND year_from <= $3 AND year_to >= $3 ORDER BY year_from DESC LIMIT 1`, family, unit, year).Scan(
		&g.ID, &g.Family, &g.UnitID, &g.YearFrom, &g.YearTo, &g.MaxRank, &g.Basis)
	if db.IsNoRows(err) {
		return nil, nil
	}
	return g, err
}
