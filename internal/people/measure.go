package people

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// The apparatus's measured indicators (issue 9), per unit with the rules of
// Staffing: a person counts once in a unit however many roles they hold
// there; "concurrent" are those with no dedicated role there; a unit counts
// once for its committee and for its focal unit.
var measuredCodes = []string{"REG_DX_STAFF", "REG_DX_STAFF_DEDICATED", "REG_DX_STAFF_CONCURRENT", "REG_DX_STAFF_IT",
	"REG_FOCAL_PERSONS", "REG_VACANCIES", "REG_DX_STAFF_TRAINED", "REG_COMMITTEES", "REG_FOCAL_UNITS"}

// Measurer is the apparatus as the indicator service's source of measured
// figures.
func (s *Service) Measurer() indicator.Measurer {
	return &measurer{s: s, rosters: map[day.Day]*roster{}, judgedDays: map[day.Day]judgedDay{}, counts: map[countKey]indicator.PerUnit{}}
}

type measurer struct {
	s  *Service
	mu sync.Mutex
	// the rosters read for the people generation they reflect, by day: a
	// page asks for the same few days (a dashboard's periods) for every
	// indicator
	gen     int64
	rosters map[day.Day]*roster
	// the country judged against the targets, for the people and tree
	// generations they reflect, by day (at most rosterDays of them)
	jgen       [2]int64
	judgedDays map[day.Day]judgedDay
	// each code's counts per unit on a roster's day, made once: a page
	// asks for the same figures at every request
	counts map[countKey]indicator.PerUnit
}

type countKey struct {
	d    day.Day
	code string
}

// rosterDays bounds the rosters kept: a national one (131,000 people's
// roles, committees and training) is ≈ 9–11 MB of heap, so 12 days — a
// dashboard's year — are ≈ 130 MB at most; 24 held 264 MB when every
// period of the national dataset was asked for (BENCHMARKS.md, issue 14).
const rosterDays = 12

func (m *measurer) Measures() []string {
	out := append([]string{}, measuredCodes...)
	for c := range rates1690 {
		out = append(out, c)
	}
	sort.Strings(out[len(measuredCodes):])
	return out
}

// holding is one role held (or vacant) in a unit on the day.
type holding struct {
	id, unit, person int64
	role             RoleKind
	mode             Mode
	it               bool
	name             string
}

// roster is the whole country's apparatus on one day.
type roster struct {
	roles      []holding
	committees map[int64]int64 // unit → a committee in force (its id)
	focalUnits map[int64]int64 // unit → a focal unit in force (its id)
	trained    map[int64]bool  // people who completed a course this year by the day
}

// read reads the roster on d, or the one held if nothing changed since.
func (m *measurer) read(ctx context.Context, d day.Day) (*roster, error) {
	gen, err := m.s.db.Generation(ctx, Generation) // with the request's other generations, not a query of its own
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen != gen || len(m.rosters) >= rosterDays {
		m.gen, m.rosters, m.counts = gen, map[day.Day]*roster{}, map[countKey]indicator.PerUnit{}
	}
	if r := m.rosters[d]; r != nil {
		return r, nil
	}
	r := &roster{committees: map[int64]int64{}, focalUnits: map[int64]int64{}, trained: map[int64]bool{}}
	rows, err := m.s.db.QueryContext(reading(ctx), `SELECT x.id, x.unit_id, COALESCE(x.person_id, 0), x.role, x.mode,
		CASE WHEN p.qualification_it THEN 1 ELSE 0 END, COALESCE(p.full_name, '')
		FROM dx_roles x LEFT JOIN people p ON p.id = x.person_id WHERE x.valid_from <= $1 AND $1 < x.valid_to`, d)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var h holding
		var it int
		if err := rows.Scan(&h.id, &h.unit, &h.person, &h.role, &h.mode, &it, &h.name); err != nil {
			rows.Close()
			return nil, err
		}
		h.it = it == 1
		r.roles = append(r.roles, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, q := range []struct {
		sql  string
		into map[int64]int64
	}{{`SELECT unit_id, id FROM committees WHERE valid_from <= $1 AND $1 < valid_to`, r.committees},
		{`SELECT unit_id, id FROM focal_units WHERE valid_from <= $1 AND $1 < valid_to`, r.focalUnits}} {
		rows, err := m.s.db.QueryContext(reading(ctx), q.sql, d)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var unit, id int64
			if err := rows.Scan(&unit, &id); err != nil {
				rows.Close()
				return nil, err
			}
			if old, ok := q.into[unit]; !ok || id < old {
				q.into[unit] = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if err := scanSet(ctx, m.s.db, `SELECT DISTINCT person_id FROM enrolments WHERE status = 'completed' AND completed_on >= $2 AND completed_on <= $1`,
		r.trained, d, day.Of(d.Year(), 1, 1)); err != nil {
		return nil, err
	}
	m.rosters[d] = r
	return r, nil
}

// counted is, for code, each unit's records: the people (by person id,
// the first role naming them), roles, committees or focal units it counts.
func (r *roster) counted(code string) map[int64]map[int64]holding {
	out := map[int64]map[int64]holding{}
	put := func(unit, key int64, h holding) {
		if out[unit] == nil {
			out[unit] = map[int64]holding{}
		}
		if _, ok := out[unit][key]; !ok {
			out[unit][key] = h
		}
	}
	switch code {
	case "REG_COMMITTEES", "REG_FOCAL_UNITS":
		src := r.committees
		if code == "REG_FOCAL_UNITS" {
			src = r.focalUnits
		}
		for unit, id := range src {
			put(unit, id, holding{id: id, unit: unit})
		}
		return out
	case "REG_VACANCIES":
		for _, h := range r.roles {
			if h.person == 0 {
				put(h.unit, h.id, h)
			}
		}
		return out
	}
	dedicated := map[[2]int64]bool{}
	for _, h := range r.roles {
		if h.person != 0 && h.mode == Dedicated {
			dedicated[[2]int64{h.unit, h.person}] = true
		}
	}
	for _, h := range r.roles {
		if h.person == 0 {
			continue
		}
		var ok bool
		switch code {
		case "REG_DX_STAFF":
			ok = true
		case "REG_DX_STAFF_DEDICATED":
			ok = h.mode == Dedicated
		case "REG_DX_STAFF_CONCURRENT":
			ok = !dedicated[[2]int64{h.unit, h.person}]
		case "REG_DX_STAFF_IT":
			ok = h.it
		case "REG_FOCAL_PERSONS":
			ok = h.role == RoleFocal
		case "REG_DX_STAFF_TRAINED":
			ok = r.trained[h.person]
		}
		if ok {
			put(h.unit, h.person, h)
		}
	}
	return out
}

func (m *measurer) Measure(ctx context.Context, code string, w indicator.Window) (indicator.PerUnit, error) {
	if r, ok := rates1690[code]; ok {
		vals, err := m.measure1690(ctx, r, w)
		return indicator.PerUnitOf(vals), err
	}
	r, err := m.read(ctx, w.To)
	if err != nil {
		return indicator.PerUnit{}, fmt.Errorf("people measure: %w", err)
	}
	k := countKey{w.To, code}
	m.mu.Lock()
	c, ok := m.counts[k]
	m.mu.Unlock()
	if ok {
		return c, nil
	}
	out := map[int64]float64{}
	for unit, recs := range r.counted(code) {
		out[unit] = float64(len(recs))
	}
	c = indicator.PerUnitOf(out)
	m.mu.Lock()
	if m.rosters[w.To] == r { // not replaced meanwhile by a newer generation
		m.counts[k] = c
	}
	m.mu.Unlock()
	return c, nil
}

func (m *measurer) Records(ctx context.Context, code string, w indicator.Window, in func(int64) bool, limit int) ([]indicator.Record, int, error) {
	if r, ok := rates1690[code]; ok {
		return m.records1690(ctx, r, w, in, limit)
	}
	r, err := m.read(ctx, w.To)
	if err != nil {
		return nil, 0, fmt.Errorf("people records: %w", err)
	}
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	var all []indicator.Record
	for unit, recs := range r.counted(code) {
		if !in(unit) {
			continue
		}
		uname := ""
		if v := snap.At(unit, w.To); v != nil {
			uname = v.Name
		} else if v := snap.Latest(unit); v != nil {
			uname = v.Name
		}
		for key, h := range recs {
			rec := indicator.Record{UnitName: uname, ID: key}
			switch code {
			case "REG_COMMITTEES":
				rec.Kind, rec.URL = "committee", fmt.Sprintf("/units/%d/apparatus", unit)
			case "REG_FOCAL_UNITS":
				rec.Kind, rec.URL = "focal_unit", fmt.Sprintf("/units/%d/apparatus", unit)
			case "REG_VACANCIES":
				rec.Kind, rec.URL = "role", fmt.Sprintf("/units/%d/apparatus", unit)
			default:
				rec.Kind, rec.Label, rec.URL = "person", h.name, fmt.Sprintf("/people/%d", h.person)
			}
			all = append(all, rec)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].UnitName != all[j].UnitName {
			return all[i].UnitName < all[j].UnitName
		}
		return all[i].ID < all[j].ID
	})
	total := len(all)
	if len(all) > limit {
		all = all[:limit]
	}
	if err := m.s.labelRecords(ctx, code, all); err != nil {
		return nil, 0, err
	}
	return all, total, nil
}

// vacancyNames are the roles' names in the register's language (as
// role.kind.* in the catalogue).
var vacancyNames = map[RoleKind]string{RoleLeader: "Lãnh đạo phụ trách CĐS", RoleFocal: "Cán bộ đầu mối CĐS", RoleStaff: "Cán bộ làm CĐS"}

// labelRecords names the committees, focal units and vacant roles listed.
func (s *Service) labelRecords(ctx context.Context, code string, recs []indicator.Record) error {
	var q string
	switch code {
	case "REG_COMMITTEES":
		q = `SELECT name FROM committees WHERE id = $1`
	case "REG_FOCAL_UNITS":
		q = `SELECT holder_name FROM focal_units WHERE id = $1`
	case "REG_VACANCIES":
		q = `SELECT role FROM dx_roles WHERE id = $1`
	default:
		return nil
	}
	for i := range recs {
		if err := s.db.QueryRowContext(reading(ctx), q, recs[i].ID).Scan(&recs[i].Label); err != nil {
			return err
		}
		if code == "REG_VACANCIES" { // the role's name, not its code (records are shown as they are)
			recs[i].Label = "Vị trí trống: " + vacancyNames[RoleKind(recs[i].Label)]
		}
	}
	return nil
}
