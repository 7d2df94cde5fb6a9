package network

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The network's measured indicators (issue 9): the coverage page's figures
// per unit, read from the same index with the same rules (a team counts
// while active on the day; its members then; training and activities of
// the active teams), so an indicator's figure is the page's.
var measuredCodes = []string{"REG_VILLAGES", "REG_VILLAGES_COVERED", "REG_TEAMS", "REG_MEMBERS", "REG_MEMBERS_TRAINED",
	"REG_ACTIVITIES", "REG_HELPED"}

// Measurer is the network as the indicator service's source of measured
// figures.
func (s *Service) Measurer() indicator.Measurer { return measurer{s} }

type measurer struct{ s *Service }

func (m measurer) Measures() []string { return measuredCodes }

// visit calls fn for each unit on the window's last day with the active
// teams it holds itself (none for a village without one), under the read
// lock of a fresh index.
func (m measurer) visit(ctx context.Context, code string, w indicator.Window, fn func(v *org.Version, teams []*teamRec, ix *index)) error {
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return err
	}
	ix, _, _, err := m.s.fresh(ctx)
	if err != nil {
		return err
	}
	defer ix.mu.RUnlock()
	d := dn(w.To)
	var active []*teamRec
	switch code {
	case "REG_VILLAGES", "REG_VILLAGES_COVERED":
		snap.Walk(snap.RootID, w.To, func(v *org.Version) bool {
			if v.Level == org.LevelVillage {
				active = active[:0]
				for _, t := range ix.byUnit[v.UnitID] {
					if t.statusAt(d) == Active {
						active = append(active, t)
					}
				}
				fn(v, active, ix)
			}
			return true
		})
	default:
		for unit, ts := range ix.byUnit {
			active = active[:0]
			for _, t := range ts {
				if t.statusAt(d) == Active {
					active = append(active, t)
				}
			}
			// as the coverage page: a unit not in force that day holds nothing
			if v := snap.At(unit, w.To); len(active) > 0 && v != nil {
				fn(v, active, ix)
			}
		}
	}
	return nil
}

func (m measurer) Measure(ctx context.Context, code string, w indicator.Window) (map[int64]float64, error) {
	out := map[int64]float64{}
	d, yearStart, from := dn(w.To), dn(day.Of(w.To.Year(), 1, 1)), dn(w.From)
	err := m.visit(ctx, code, w, func(v *org.Version, teams []*teamRec, _ *index) {
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
					if mb.from <= d && d < mb.to && (code == "REG_MEMBERS" || trainedIn(mb.trained, yearStart, d)) {
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
	})
	if err != nil {
		return nil, fmt.Errorf("network measure: %w", err)
	}
	return out, nil
}

func (m measurer) Records(ctx context.Context, code string, w indicator.Window, in func(int64) bool, limit int) ([]indicator.Record, int, error) {
	var all []indicator.Record
	var persons []int64
	d, yearStart, from := dn(w.To), dn(day.Of(w.To.Year(), 1, 1)), dn(w.From)
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	// a province has many a "Thôn 1": a village is named with its commune
	where := func(v *org.Version) string {
		if p := snap.At(v.ParentID, w.To); p != nil && v.Level == org.LevelVillage {
			return v.Name + ", " + p.Name
		}
		return v.Name
	}
	err = m.visit(ctx, code, w, func(v *org.Version, teams []*teamRec, _ *index) {
		if !in(v.UnitID) {
			return
		}
		switch code {
		case "REG_VILLAGES", "REG_VILLAGES_COVERED":
			if code == "REG_VILLAGES" || len(teams) > 0 {
				all = append(all, indicator.Record{Kind: "village", ID: v.UnitID, Label: v.Name, UnitName: where(v),
					URL: fmt.Sprintf("/units/%d", v.UnitID)})
			}
			return
		}
		for _, t := range teams {
			switch code {
			case "REG_TEAMS":
				all = append(all, indicator.Record{Kind: "team", ID: t.id, Label: t.name, UnitName: where(v), URL: fmt.Sprintf("/network/teams/%d", t.id)})
			case "REG_MEMBERS", "REG_MEMBERS_TRAINED":
				for _, mb := range t.members {
					if mb.from <= d && d < mb.to && (code == "REG_MEMBERS" || trainedIn(mb.trained, yearStart, d)) {
						all = append(all, indicator.Record{Kind: "member", ID: mb.person, Label: t.name, UnitName: where(v),
							URL: fmt.Sprintf("/people/%d", mb.person)})
						persons = append(persons, mb.person)
					}
				}
			case "REG_ACTIVITIES", "REG_HELPED":
				for _, a := range t.actsBetween(from, d) {
					if code == "REG_HELPED" && a.helped == 0 {
						continue
					}
					all = append(all, indicator.Record{Kind: "activity", ID: a.id,
						Label: fmt.Sprintf("%s · %s · %d", t.name, fromDN(a.day), a.helped), UnitName: where(v),
						URL: fmt.Sprintf("/network/teams/%d/activities", t.id)})
				}
			}
		}
	})
	if err != nil {
		return nil, 0, fmt.Errorf("network records: %w", err)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].UnitName != all[j].UnitName {
			return all[i].UnitName < all[j].UnitName
		}
		return all[i].ID < all[j].ID
	})
	total := len(all)
	if len(all) > limit {
		all = all[:limit]
	}
	if len(persons) > 0 { // a member is named by the person, in the team
		names, err := m.s.personNames(ctx, all)
		if err != nil {
			return nil, 0, err
		}
		for i := range all {
			if all[i].Kind == "member" {
				all[i].Label = names[all[i].ID] + " — " + all[i].Label
			}
		}
	}
	return all, total, nil
}

// personNames reads the names of the people the member records name.
func (s *Service) personNames(ctx context.Context, recs []indicator.Record) (map[int64]string, error) {
	var ids []string
	var args []any
	for _, r := range recs {
		if r.Kind == "member" {
			args = append(args, r.ID)
			ids = append(ids, fmt.Sprintf("$%d", len(args)))
		}
	}
	out := map[int64]string{}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, full_name FROM people WHERE id IN (`+strings.Join(ids, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
