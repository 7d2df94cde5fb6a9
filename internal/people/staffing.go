package people

import (
	"context"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Staffing is the DX apparatus of a unit's subtree counted on a date: how
// many units have a steering committee or a focal unit, and the people who
// hold DX roles — dedicated or concurrent, IT-qualified, trained this year
// — and the positions still vacant. It reads the same facts as the
// compliance report, so the two always agree.
type Staffing struct {
	UnitID       int64   `json:"unit_id"`
	AsOf         day.Day `json:"as_of"`
	Committees   int     `json:"committees"`    // units with a steering committee
	FocalUnits   int     `json:"focal_units"`   // units with a focal (or specialised) unit
	Specialised  int     `json:"specialised"`   // units with a specialised IT/DX unit
	FocalPersons int     `json:"focal_persons"` // focal persons in post
	People       int     `json:"people"`        // people holding a DX role
	Dedicated    int     `json:"dedicated"`     // … of whom in a dedicated role
	Concurrent   int     `json:"concurrent"`    // … only in concurrent roles
	ITQualified  int     `json:"it_qualified"`  // … with an IT/DX qualification
	Trained      int     `json:"trained"`       // … who completed a course this year by the date
	Vacancies    int     `json:"vacancies"`     // DX positions with nobody in them
}

// Staffing counts the apparatus of unit's subtree on d (before a
// reorganisation, of the units it was formed from).
func (s *Service) Staffing(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (*Staffing, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	rs := t.Roots(unit, d)
	st := &Staffing{UnitID: unit, AsOf: d}
	if len(rs) == 0 {
		return st, nil
	}
	f, err := loadFacts(ctx, s.db, rs, d)
	if err != nil {
		return nil, err
	}
	st.Committees, st.FocalUnits, st.Specialised = len(f.committees), len(f.focalUnits), len(f.specialised)
	for _, n := range f.focalPersons {
		st.FocalPersons += n
	}
	dedicated, concurrent, qualified := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for _, r := range rs {
		lo, hi := org.SubtreeRange(r.Path)
		cond := ` JOIN unit_versions v ON v.unit_id = x.unit_id AND v.valid_from <= $1 AND $1 < v.valid_to AND v.path >= $2 AND v.path < $3
			WHERE x.valid_from <= $1 AND $1 < x.valid_to`
		if r.Level == org.LevelNation {
			cond = ` WHERE x.valid_from <= $1 AND $1 < x.valid_to AND $2 <> $3`
		}
		rows, err := s.db.QueryContext(reading(ctx), `SELECT x.mode, COALESCE(x.person_id, 0), CASE WHEN p.qualification_it THEN 1 ELSE 0 END
			FROM dx_roles x LEFT JOIN people p ON p.id = x.person_id`+cond, d, lo, hi)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var mode Mode
			var person int64
			var it int
			if err := rows.Scan(&mode, &person, &it); err != nil {
				rows.Close()
				return nil, err
			}
			switch {
			case person == 0:
				st.Vacancies++
			case mode == Dedicated:
				dedicated[person] = true
			default:
				concurrent[person] = true
			}
			if person != 0 && it == 1 {
				qualified[person] = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	seen := map[int64]bool{}
	for _, people := range f.staff {
		for p := range people {
			if seen[p] {
				continue
			}
			seen[p] = true
			st.People++
			if f.trained[p] {
				st.Trained++
			}
		}
	}
	st.Dedicated, st.ITQualified = len(dedicated), len(qualified)
	for p := range concurrent {
		if !dedicated[p] {
			st.Concurrent++
		}
	}
	return st, nil
}

// LevelOf is which target level a unit is of on d ("" when no target
// applies to its kind): a report lists each unit against the targets of
// its level as the compliance report judges them.
func LevelOf(t *org.Snapshot, v *org.Version, d day.Day) TargetLevel { return levelOf(t, v, d) }
