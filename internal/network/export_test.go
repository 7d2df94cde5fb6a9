package network

import (
	"context"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// MeasureByWalk is a measured figure per unit computed as before the
// tables: a walk of every village and of every team's status on the day
// (the reference the tables are tested against).
func MeasureByWalk(ctx context.Context, s *Service, code string, w indicator.Window) (map[int64]float64, error) {
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	ix, _, _, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	defer ix.mu.RUnlock()
	d, yearStart, from := dn(w.To), dn(day.Of(w.To.Year(), 1, 1)), dn(w.From)
	out := map[int64]float64{}
	count := func(v *org.Version, teams []*teamRec) {
		var n float64
		switch code {
		case "REG_VILLAGES":
			n = 1
		case "REG_VILLAGES_COVERED":
			if len(teams) > 0 {
				n = 1
			}
		case "REG_TEAMS":
			n = float64(len(teams))
		}
		for _, t := range teams {
			switch code {
			case "REG_MEMBERS", "REG_MEMBERS_TRAINED":
				for _, mb := range t.members {
					if mb.from <= d && d < mb.to && (code == "REG_MEMBERS" || trainedIn(ix.trained.at(mb.trained), yearStart, d)) {
						n++
					}
				}
			case "REG_ACTIVITIES":
				n += float64(len(t.actsBetween(from, d)))
			case "REG_HELPED":
				for _, a := range t.actsBetween(from, d) {
					n += float64(a.helped)
				}
			}
		}
		if n != 0 {
			out[v.UnitID] += n
		}
	}
	active := func(ts []*teamRec) []*teamRec {
		var a []*teamRec
		for _, t := range ts {
			if t.statusAt(d) == Active {
				a = append(a, t)
			}
		}
		return a
	}
	switch code {
	case "REG_VILLAGES", "REG_VILLAGES_COVERED":
		snap.Walk(snap.RootID, w.To, func(v *org.Version) bool {
			if v.Level == org.LevelVillage {
				count(v, active(ix.byUnit[v.UnitID]))
			}
			return true
		})
	default:
		for unit, ts := range ix.byUnit {
			if a := active(ts); len(a) > 0 {
				if v := snap.At(unit, w.To); v != nil {
					count(v, a)
				}
			}
		}
	}
	return out, nil
}
