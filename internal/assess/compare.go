package assess

import (
	"context"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// CompareRow is one main indicator of a comparison, each as an index 0–1.
type CompareRow struct {
	Node     *Node    `json:"node"`
	Official *float64 `json:"official,omitempty"` // published
	Self     *float64 `json:"self,omitempty"`     // the self-assessment's score (figures, judgements, reviews) / maximum
	Figures  *float64 `json:"figures,omitempty"`  // the components scored from figures only / their maximum
	Bound    int      `json:"bound"`              // components scored from figures
	Filled   int      `json:"filled"`             // …whose figure was there
	Gap      *float64 `json:"gap,omitempty"`      // self − official
}

// Comparison is a unit's self-assessment for a year beside its published
// results and its figures, with its goal.
type Comparison struct {
	Unit         *org.Version `json:"unit"`
	Family       string       `json:"family"`
	Year         int          `json:"year"`
	Framework    *Framework   `json:"framework"`
	Round        *Round       `json:"round,omitempty"` // the self-assessment of the year
	SelfIndex    *float64     `json:"self_index,omitempty"`
	Official     *Official    `json:"official,omitempty"`
	OfficialYear int          `json:"official_year,omitempty"` // the year, or the latest before it with a result
	Rows         []CompareRow `json:"rows"`
	Goal         *Goal        `json:"goal,omitempty"`
	Light        Light        `json:"light"`
	History      []Official   `json:"history"` // every year's result, restated to the unit where it was formed since
}

// Compare puts a unit's self-assessment of a year (a round of the family's
// framework that assesses it) beside its published result of that year —
// or of the latest year before it that has one, since results come out a
// year later — and beside the share of its score that comes from figures,
// with the gap per main indicator and its rank goal.
func (s *Service) Compare(ctx context.Context, actor *auth.Actor, family string, unit int64, year int) (*Comparison, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(t, unit, "unit"); err != nil {
		return nil, err
	}
	family = strings.ToUpper(strings.TrimSpace(family))
	if family == "" {
		family = DTIFamily
	}
	f, err := s.frameworkSeen(ctx, t, family, year)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Family: family, Year: year, Framework: f, Unit: t.At(unit, s.org.Today()), Light: GoalNone, History: []Official{}}
	if c.Unit == nil {
		c.Unit = t.Latest(unit)
	}
	// every year with results, the unit's own or restated from its predecessors
	var years []int
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT year FROM official_results WHERE family = $1 ORDER BY year`, family)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			rows.Close()
			return nil, err
		}
		years = append(years, y)
	}
	rows.Close()
	for _, y := range years {
		rk, err := s.OfficialResults(ctx, actor, family, y, Restated)
		if err != nil {
			if errs.KindOf(err) == errs.Invalid {
				continue // a year no framework serves any more
			}
			return nil, err
		}
		for _, o := range rk.Rows {
			if o.UnitID == unit {
				c.History = append(c.History, o)
				if y <= year && (c.Official == nil || y > c.OfficialYear) {
					x := o
					c.Official, c.OfficialYear = &x, y
				}
			}
		}
	}
	if c.Goal, err = s.goalFor(ctx, family, unit, year); err != nil {
		return nil, err
	}
	if c.Goal != nil {
		c.Light = c.Goal.Judge(c.Official)
	}
	// the self-assessment: the latest round of the family for the year
	// that assesses the unit
	var card *Card
	rounds, err := s.Rounds(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, r := range rounds {
		if r.Year != year || !contains(r.Units, unit) {
			continue
		}
		rf, err := s.framework(ctx, s.db, r.FrameworkID)
		if err != nil {
			return nil, err
		}
		if rf.Family != family {
			continue
		}
		if card, err = s.Card(ctx, actor, r.ID, unit); err != nil {
			return nil, err
		}
		c.Round, f, c.Framework = r, rf, rf
		idx := card.Index
		c.SelfIndex = &idx
		break
	}
	var officialCodes map[string]string // a main of f → its code in the official year's version
	if c.Official != nil {
		of, err := s.FrameworkFor(ctx, family, c.OfficialYear)
		if err != nil {
			return nil, err
		}
		officialCodes = map[string]string{}
		has := map[string]bool{}
		for _, m := range of.Mains() {
			has[m.Code] = true
		}
		for _, m := range f.Mains() {
			switch {
			case m.Continues != "" && has[m.Continues] && of.ID != f.ID:
				officialCodes[m.Code] = m.Continues
			case has[m.Code]:
				officialCodes[m.Code] = m.Code
			}
		}
	}
	for _, m := range f.Mains() {
		row := CompareRow{Node: m}
		if c.Official != nil {
			if v, ok := c.Official.Values[officialCodes[m.Code]]; ok {
				v := v
				row.Official = &v
			}
		}
		if card != nil {
			if sc := card.Scores[m.ID]; sc != nil && m.Max > 0 {
				v := sc.Final / m.Max
				row.Self = &v
			}
			var got, max float64
			var leaves func(n *Node)
			leaves = func(n *Node) {
				if n.Leaf() {
					if n.FromIndicator() {
						row.Bound++
						if sc := card.Scores[n.ID]; sc != nil && sc.Auto != nil {
							row.Filled++
							got += *sc.Auto
							max += n.Max
						}
					}
					return
				}
				for _, k := range n.Children {
					leaves(k)
				}
			}
			leaves(m)
			if max > 0 {
				v := got / max
				row.Figures = &v
			}
		}
		if row.Self != nil && row.Official != nil {
			v := *row.Self - *row.Official
			row.Gap = &v
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
