package people

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/partread"
)

// The apparatus's measured indicators (issue 9), per unit with the rules of
// Staffing: a person counts once in a unit however many roles they hold
// there; "concurrent" are those with no dedicated role there; a unit counts
// once for its committee and for its focal unit.
var measuredCodes = []string{"REG_DX_STAFF", "REG_DX_STAFF_DEDICATED", "REG_DX_STAFF_CONCURRENT", "REG_DX_STAFF_IT",
	"REG_FOCAL_PERSONS", "REG_VACANCIES", "REG_DX_STAFF_TRAINED", "REG_COMMITTEES", "REG_FOCAL_UNITS"}

// Measurer is the apparatus as the indicator service's source of measured
// figures.
// There is one per service (made with it): Warm reads the register of the
// measurer the indicator service asks.
func (s *Service) Measurer() indicator.Measurer { return s.m }

func newMeasurer(s *Service) *measurer {
	return &measurer{s: s, counts: map[day.Day]map[string]*count{}, judgedDays: map[day.Day]*judgedDay{}}
}

// WarmSoon says Warm will run: from now until the first read of the whole
// register ends, a part of the tree is counted from its own read
// (scoped.go), also before Warm's turn comes (a server's warm-ups run one
// after another).
func (s *Service) WarmSoon() { s.m.parts.FirstRead(true) }

// Warm reads the whole register ahead of the first request: a server calls
// it as it starts, since reading the national register takes about a
// second, which a unit page's register figures waited for (issue 14, item
// 7). Meanwhile those figures are answered from a read of their units alone
// (scoped.go). Should it fail, the first request reads it.
func (s *Service) Warm(ctx context.Context) error {
	defer s.m.endParts() // (WarmSoon's)
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	return s.m.fresh(ctx)
}

type measurer struct {
	s *Service
	// parts are the registers of parts of the tree read while the whole
	// is first read (scoped.go); taken before mu, which the first read
	// holds
	parts partread.Reads[partKey, *register]
	// gone are the units not in force on a day, for the parts' strays
	// (scoped.go)
	gone goneCache
	mu   sync.Mutex
	// reg is the register the counts are made from, one copy for every
	// day asked for: the roles, committees and focal units with their
	// validity and who finished a course when. A write on any server moves
	// the people generation; reg follows it from the change feed
	// (people_changes), reading again only the units and people it names,
	// and reads the whole register when the feed does not reach back.
	reg *register
	// counts are each code's counts per unit on a day, made once and
	// patched for the units the feed names when next asked for: a page
	// asks for the same figures at every request. At most countDays days
	// are kept.
	counts map[day.Day]map[string]*count
	// loads and patches count the whole reads and the catch-ups from the
	// feed (for tests and logs)
	loads, patches int
	// the country judged against the targets, by day (at most countDays
	// of them), on the tree of generation jtree, patched like the counts
	jtree      int64
	judgedDays map[day.Day]*judgedDay
}

// count is code's counts per unit on a day, and the units changed since
// they were made (counted again when next asked for: a write need not
// make every day's counts again, only those read).
type count struct {
	pu    indicator.PerUnit
	dirty map[int64]bool
	// strays are pu's units not in force on the day in the tree straysOf
	// (MeasureUnits), made again when pu or the tree changes
	strays   []int64
	straysOf *org.Snapshot
}

// dirtyMax is the most units a count is patched for: past it, counting
// the country again is as quick.
const dirtyMax = 2000

// countDays bounds the days whose counts are kept: a day is each code's
// counts of the units that have any (≈ 9 × 12,000 × 16 bytes ≈ 2 MB
// nationally), so 12 days — a dashboard's year — are ≈ 25 MB at most. The
// register itself is kept once for all days (≈ 10 MB nationally, see
// BENCHMARKS.md, issue 14 h14people).
const countDays = 12

func (m *measurer) Measures() []string {
	out := append([]string{}, measuredCodes...)
	for c := range rates1690 {
		out = append(out, c)
	}
	sort.Strings(out[len(measuredCodes):])
	return out
}

// days are dates as day numbers since 1970-01-01 (the register holds
// hundreds of thousands of them).
type days = int32

func dayNum(d day.Day) days { return d.Unix() }

// roleRec is one DX role (or vacancy) of a unit, with the little the
// counts need of the person holding it.
type roleRec struct {
	id, person int64
	from, to   days
	focal      bool // the role is the focal person's
	dedicated  bool
	it         bool // the person has an IT qualification
}

func (r *roleRec) on(d days) bool { return r.from <= d && d < r.to }

// span is a committee or a focal unit with its validity.
type span struct {
	id          int64
	from, to    days
	specialised bool // a focal unit of kind specialised
}

// register is the whole country's apparatus over time.
type register struct {
	gen        int64
	roles      grouped[roleRec] // unit → its roles, all of them
	committees grouped[span]    // unit → its committees
	focalUnits grouped[span]    // unit → its focal units
	// completed are the days people completed a course, by person then
	// day: one slice rather than a map of small ones (160,000 people
	// nationally: 2.5 MB instead of 14)
	completed []completion
}

type completion struct {
	person int64
	on     days
}

func byPersonDay(a, b completion) int {
	if a.person != b.person {
		return cmp.Compare(a.person, b.person)
	}
	return cmp.Compare(a.on, b.on)
}

// trained says whether a person completed a course in d's year by d.
func (r *register) trained(person int64, d, jan1 days) bool {
	i, _ := slices.BinarySearchFunc(r.completed, completion{person, jan1}, byPersonDay)
	return i < len(r.completed) && r.completed[i].person == person && r.completed[i].on <= d
}

// endParts ends the reading of parts (the whole register is read, or its
// read failed) and drops them, and the units they looked up for strays.
func (m *measurer) endParts() {
	m.parts.FirstRead(false)
	m.gone.drop()
}

// fresh brings m.reg up to the people generation (m.mu held).
func (m *measurer) fresh(ctx context.Context) error {
	if m.reg == nil {
		// the first read of the whole (by Warm, or by a request that came
		// first): meanwhile a part is read on its own (scoped.go)
		m.parts.FirstRead(true)
		defer m.endParts()
		ctx = partread.Whole(ctx) // and gives way to those reads
	}
	gen, err := m.s.db.Generation(ctx, Generation) // with the request's other generations, not a query of its own
	if err != nil {
		return err
	}
	if m.reg != nil && m.reg.gen >= gen {
		return nil
	}
	if m.reg != nil {
		ok, err := m.catchUp(ctx, gen)
		if err != nil || ok {
			return err
		}
	}
	reg := &register{gen: gen}
	if err := reg.read(ctx, m.s.db, nil, nil); err != nil {
		return err
	}
	m.reg, m.counts, m.judgedDays = reg, map[day.Day]map[string]*count{}, map[day.Day]*judgedDay{}
	m.loads++
	return nil
}

// catchUp brings m.reg to generation gen or later from the change feed:
// the units and people changed at each generation after reg's are read
// again, and the counts kept are made again for the units that touches.
// It returns false when the feed does not hold every generation from reg's
// to gen (a bulk load writes none; writes trim the old ones): the caller
// then reads the whole register. Data read here may be newer than the last
// generation read from the feed; the next catch-up reads those units again,
// which changes nothing twice.
func (m *measurer) catchUp(ctx context.Context, gen int64) (bool, error) {
	rows, err := m.s.db.QueryContext(reading(ctx), `SELECT generation, kind, id FROM people_changes WHERE generation > $1 ORDER BY generation`, m.reg.gen)
	if err != nil {
		return false, fmt.Errorf("people feed: %w", err)
	}
	last := m.reg.gen
	units, persons := map[int64]bool{}, map[int64]bool{}
	targets := false
	for rows.Next() {
		var g, id int64
		var kind string
		if err := rows.Scan(&g, &kind, &id); err != nil {
			rows.Close()
			return false, err
		}
		if g > last+1 { // a generation without rows
			return false, rows.Close()
		}
		last = g
		switch kind {
		case "unit":
			units[id] = true
		case "person":
			persons[id] = true
		case "target":
			targets = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	if last < gen {
		return false, nil
	}
	// the units where the people named hold or held a role, as the
	// database has them now: a role never changes its unit or person, and
	// the one removed (a vacancy filled on its first day) has no person
	// and names its unit
	if len(persons) > 0 {
		if err := inBatches(keys(persons), func(in string, args []any) error {
			return scanSet(ctx, m.s.db, `SELECT DISTINCT unit_id FROM dx_roles WHERE person_id IN (`+in+`)`, units, args...)
		}); err != nil {
			return false, err
		}
	}
	part := &register{}
	if err := part.read(ctx, m.s.db, keys(units), keys(persons)); err != nil {
		return false, err
	}
	for u := range units {
		m.reg.put(u, part)
	}
	if len(persons) > 0 {
		m.reg.completed = slices.DeleteFunc(m.reg.completed, func(c completion) bool { return persons[c.person] })
		for _, c := range part.completed { // a few: each put in its place
			i, _ := slices.BinarySearchFunc(m.reg.completed, c, byPersonDay)
			m.reg.completed = slices.Insert(m.reg.completed, i, c)
		}
	}
	m.reg.gen = last
	m.patches++
	// the counts kept are made again for the units whose roles or whose
	// people changed when next asked for
	for _, byCode := range m.counts {
		for code, c := range byCode {
			if len(c.dirty)+len(units) > dirtyMax {
				delete(byCode, code)
				continue
			}
			if c.dirty == nil {
				c.dirty = map[int64]bool{}
			}
			for u := range units {
				c.dirty[u] = true
			}
		}
	}
	// and so are the judgements; a target changed judges the country again
	for d, j := range m.judgedDays {
		if targets || len(j.dirty)+len(units) > dirtyMax {
			delete(m.judgedDays, d)
			continue
		}
		if j.dirty == nil {
			j.dirty = map[int64]bool{}
		}
		for u := range units {
			j.dirty[u] = true
		}
	}
	return true, nil
}

// put takes unit's roles, committees and focal units from part.
func (r *register) put(unit int64, part *register) {
	r.committees.set(unit, part.committees.of(unit))
	r.focalUnits.set(unit, part.focalUnits.of(unit))
	r.roles.set(unit, part.roles.of(unit))
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// inBatches calls fn with "$1, $2…" and the arguments for ids, a few
// hundred at a time.
func inBatches(ids []int64, fn func(in string, args []any) error) error {
	const per = 500
	for len(ids) > 0 {
		n := min(len(ids), per)
		var in strings.Builder
		args := make([]any, n)
		for i, id := range ids[:n] {
			if i > 0 {
				in.WriteString(", ")
			}
			fmt.Fprintf(&in, "$%d", i+1)
			args[i] = id
		}
		if err := fn(in.String(), args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// read reads the register: all of it when units is nil, else the roles,
// committees and focal units of units and the training of persons.
func (r *register) read(ctx context.Context, q db.Querier, units, persons []int64) error {
	each := func(ids []int64, where string, fn func(where string, args []any) error) error {
		if units == nil {
			return fn("", nil)
		}
		return inBatches(ids, func(in string, args []any) error { return fn(" AND "+where+" IN ("+in+")", args) })
	}
	type unitRole struct {
		unit int64
		roleRec
	}
	var all []unitRole
	err := each(units, "x.unit_id", func(where string, args []any) error {
		rows, err := q.QueryContext(reading(ctx), `SELECT x.id, x.unit_id, COALESCE(x.person_id, 0), x.role, x.mode, x.valid_from, x.valid_to,
			CASE WHEN p.qualification_it THEN 1 ELSE 0 END
			FROM dx_roles x LEFT JOIN people p ON p.id = x.person_id WHERE x.valid_from < x.valid_to`+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			partread.Yield(ctx) // a first read of the whole gives way to a part's
			var h roleRec
			var unit int64
			var role RoleKind
			var mode Mode
			var from, to day.Day
			var it int
			if err := rows.Scan(&h.id, &unit, &h.person, &role, &mode, &from, &to, &it); err != nil {
				return err
			}
			h.from, h.to, h.focal, h.dedicated, h.it = dayNum(from), dayNum(to), role == RoleFocal, mode == Dedicated, it == 1
			all = append(all, unitRole{unit, h})
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("read roles: %w", err)
	}
	// one array of them all, each unit's a range of it (grouped)
	roleUnits, recs := make([]int64, len(all)), make([]roleRec, len(all))
	for i := range all {
		roleUnits[i], recs[i] = all[i].unit, all[i].roleRec
	}
	all = nil
	r.roles = groupOf(roleUnits, recs)
	for _, x := range []struct {
		table string
		into  *grouped[span]
	}{{"committees", &r.committees}, {"focal_units", &r.focalUnits}} {
		var of []int64 // each span's unit
		var spans []span
		err := each(units, "unit_id", func(where string, args []any) error {
			kind := `''`
			if x.table == "focal_units" {
				kind = "kind"
			}
			rows, err := q.QueryContext(reading(ctx), `SELECT id, unit_id, valid_from, valid_to, `+kind+` FROM `+x.table+` WHERE valid_from < valid_to`+where, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var s span
				var unit int64
				var from, to day.Day
				var kind string
				if err := rows.Scan(&s.id, &unit, &from, &to, &kind); err != nil {
					return err
				}
				s.from, s.to, s.specialised = dayNum(from), dayNum(to), kind == string(Specialised)
				of, spans = append(of, unit), append(spans, s)
			}
			return rows.Err()
		})
		if err != nil {
			return fmt.Errorf("read %s: %w", x.table, err)
		}
		*x.into = groupOf(of, spans)
	}
	return r.readTraining(ctx, q, persons, units == nil)
}

// readTraining reads who completed a course when: everyone's when all is
// set, else persons' (none when persons is empty).
func (r *register) readTraining(ctx context.Context, q db.Querier, persons []int64, all bool) error {
	r.completed = nil
	each := func(fn func(where string, args []any) error) error {
		if all {
			return fn("", nil)
		}
		return inBatches(persons, func(in string, args []any) error { return fn(" AND person_id IN ("+in+")", args) })
	}
	err := each(func(where string, args []any) error {
		rows, err := q.QueryContext(reading(ctx), `SELECT person_id, completed_on FROM enrolments WHERE status = 'completed' AND completed_on IS NOT NULL`+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			partread.Yield(ctx)
			var p int64
			var on day.Day
			if err := rows.Scan(&p, &on); err != nil {
				return err
			}
			r.completed = append(r.completed, completion{p, dayNum(on)})
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("read training: %w", err)
	}
	slices.SortFunc(r.completed, byPersonDay)
	return nil
}

// facts are the whole country's facts on d, as loadFacts reads them from
// the database for the nation.
func (r *register) facts(d day.Day) *facts {
	f := newFacts()
	for unit := range r.roles.at {
		r.unitFacts(f, d, unit)
	}
	for _, m := range []map[int64]rng{r.committees.at, r.focalUnits.at} {
		for unit := range m {
			if _, done := r.roles.at[unit]; !done { // else made above
				r.unitFacts(f, d, unit)
			}
		}
	}
	return f
}

func newFacts() *facts {
	return &facts{focalPersons: map[int64]int{}, dedicated: map[int64]int{}, staff: map[int64]map[int64]bool{}, committees: map[int64]bool{},
		focalUnits: map[int64]bool{}, specialised: map[int64]bool{}, trained: map[int64]bool{}}
}

// patchFacts makes the facts of units on d again.
func (r *register) patchFacts(f *facts, d day.Day, units []int64) {
	for _, u := range units {
		r.unitFacts(f, d, u)
	}
}

// unitFacts makes one unit's facts on d (and its people's training).
func (r *register) unitFacts(f *facts, d day.Day, unit int64) {
	n, jan1 := dayNum(d), dayNum(day.Of(d.Year(), 1, 1))
	delete(f.dedicated, unit)
	delete(f.focalPersons, unit)
	delete(f.staff, unit)
	delete(f.committees, unit)
	delete(f.focalUnits, unit)
	delete(f.specialised, unit)
	rs := r.roles.of(unit)
	for i := range rs {
		h := &rs[i]
		if !h.on(n) {
			continue
		}
		if h.dedicated {
			f.dedicated[unit]++
		}
		if h.person == 0 {
			continue
		}
		if h.focal {
			f.focalPersons[unit]++
		}
		if f.staff[unit] == nil {
			f.staff[unit] = map[int64]bool{}
		}
		f.staff[unit][h.person] = true
		// a person's training is asked about only for the units they work
		// in, so it is made with them
		if r.trained(h.person, n, jan1) {
			f.trained[h.person] = true
		} else {
			delete(f.trained, h.person)
		}
	}
	for _, s := range r.committees.of(unit) {
		if s.from <= n && n < s.to {
			f.committees[unit] = true
		}
	}
	for _, s := range r.focalUnits.of(unit) {
		if s.from <= n && n < s.to {
			f.focalUnits[unit] = true
			if s.specialised {
				f.specialised[unit] = true
			}
		}
	}
}

// counted lists, for code on day d, a unit's records: the people (by
// person id, the first role naming them), roles, committees or focal
// units it counts, each once. A person counts once in a unit however many
// roles they hold there; "concurrent" are those with no dedicated role
// there; a unit counts once for its committee and for its focal unit (the
// first in force).
func (r *register) counted(code string, unit int64, d day.Day, fn func(id, person int64)) {
	n, jan1 := dayNum(d), dayNum(day.Of(d.Year(), 1, 1))
	switch code {
	case "REG_COMMITTEES", "REG_FOCAL_UNITS":
		src := r.committees.of(unit)
		if code == "REG_FOCAL_UNITS" {
			src = r.focalUnits.of(unit)
		}
		var first int64
		for _, s := range src {
			if s.from <= n && n < s.to && (first == 0 || s.id < first) {
				first = s.id
			}
		}
		if first != 0 {
			fn(first, 0)
		}
		return
	}
	rs := r.roles.of(unit)
	if code == "REG_VACANCIES" {
		for i := range rs {
			if rs[i].person == 0 && rs[i].on(n) {
				fn(rs[i].id, 0)
			}
		}
		return
	}
	var seen []int64 // a unit has a few roles: a list is quicker than a map
	for i := range rs {
		h := &rs[i]
		if h.person == 0 || !h.on(n) || slices.Contains(seen, h.person) {
			continue
		}
		var ok bool
		switch code {
		case "REG_DX_STAFF":
			ok = true
		case "REG_DX_STAFF_DEDICATED", "REG_DX_STAFF_CONCURRENT":
			dedicated := false
			for j := range rs {
				if rs[j].person == h.person && rs[j].dedicated && rs[j].on(n) {
					dedicated = true
				}
			}
			ok = dedicated == (code == "REG_DX_STAFF_DEDICATED")
		case "REG_DX_STAFF_IT":
			ok = h.it
		case "REG_FOCAL_PERSONS":
			for j := range rs {
				if rs[j].person == h.person && rs[j].focal && rs[j].on(n) {
					ok = true
				}
			}
		case "REG_DX_STAFF_TRAINED":
			ok = r.trained(h.person, n, jan1)
		}
		if ok {
			seen = append(seen, h.person)
			fn(h.id, h.person)
		}
	}
}

// value is code's count of unit on d.
func (r *register) value(code string, unit int64, d day.Day) float64 {
	var n float64
	r.counted(code, unit, d, func(int64, int64) { n++ })
	return n
}

// units are the units that may have records of code.
func (r *register) units(code string) []int64 {
	var out []int64
	switch code {
	case "REG_COMMITTEES":
		for u := range r.committees.at {
			out = append(out, u)
		}
	case "REG_FOCAL_UNITS":
		for u := range r.focalUnits.at {
			out = append(out, u)
		}
	default:
		for u := range r.roles.at {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// count is code's counts per unit on d, the units with none left out.
func (r *register) count(code string, d day.Day) indicator.PerUnit {
	var c indicator.PerUnit
	for _, u := range r.units(code) {
		if v := r.value(code, u, d); v != 0 {
			c.Units, c.Vals = append(c.Units, u), append(c.Vals, v)
		}
	}
	return c
}

// patch returns c with the counts of the units in dirty (ascending) made
// again: a new PerUnit, since a request may be reading c.
func (r *register) patch(c indicator.PerUnit, code string, d day.Day, dirty []int64) indicator.PerUnit {
	n := indicator.PerUnit{Units: make([]int64, 0, len(c.Units)+len(dirty)), Vals: make([]float64, 0, len(c.Units)+len(dirty))}
	i := 0
	for _, u := range dirty {
		for ; i < len(c.Units) && c.Units[i] < u; i++ {
			n.Units, n.Vals = append(n.Units, c.Units[i]), append(n.Vals, c.Vals[i])
		}
		if i < len(c.Units) && c.Units[i] == u {
			i++
		}
		if v := r.value(code, u, d); v != 0 {
			n.Units, n.Vals = append(n.Units, u), append(n.Vals, v)
		}
	}
	n.Units, n.Vals = append(n.Units, c.Units[i:]...), append(n.Vals, c.Vals[i:]...)
	return n
}

func (m *measurer) Measure(ctx context.Context, code string, w indicator.Window) (indicator.PerUnit, error) {
	if r, ok := rates1690[code]; ok {
		vals, err := m.measure1690(ctx, r, w)
		return indicator.PerUnitOf(vals), err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.countOf(ctx, code, w.To)
	if err != nil {
		return indicator.PerUnit{}, err
	}
	return c.pu, nil
}

// countOf is code's kept counts on d, made or patched if need be (m.mu
// held).
func (m *measurer) countOf(ctx context.Context, code string, d day.Day) (*count, error) {
	if err := m.fresh(ctx); err != nil {
		return nil, fmt.Errorf("people measure: %w", err)
	}
	byCode := m.counts[d]
	if byCode == nil {
		if len(m.counts) >= countDays {
			m.counts = map[day.Day]map[string]*count{}
		}
		byCode = map[string]*count{}
		m.counts[d] = byCode
	}
	c := byCode[code]
	if c == nil {
		c = &count{pu: m.reg.count(code, d)}
		byCode[code] = c
	}
	if len(c.dirty) > 0 {
		c.pu, c.dirty = m.reg.patch(c.pu, code, d, keys(c.dirty)), nil
		c.strays, c.straysOf = nil, nil
	}
	return c, nil
}

// MeasureUnits is Measure restricted to units and to the units not in
// force on w.To (indicator.UnitsMeasurer): the kept counts looked up for
// them, not handed to the roll-up whole (a unit page's register figures).
func (m *measurer) MeasureUnits(ctx context.Context, code string, w indicator.Window, units []int64) (indicator.PerUnit, error) {
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return indicator.PerUnit{}, fmt.Errorf("people measure: %w", err)
	}
	if _, ok := rates1690[code]; ok {
		pu, err := m.Measure(ctx, code, w)
		if err != nil {
			return indicator.PerUnit{}, err
		}
		return pickUnits(pu, units, straysOf(pu, snap, w.To)), nil
	}
	if m.parts.Loading() {
		// the whole register is being read (under m.mu): these units, and
		// the units not in force whose values may land among them, are
		// read on their own and counted by the same code
		pu, ok, err := m.scoped(ctx, code, w, units, snap)
		if err != nil {
			return indicator.PerUnit{}, fmt.Errorf("people measure: %w", err)
		}
		if ok {
			return pu, nil
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.countOf(ctx, code, w.To)
	if err != nil {
		return indicator.PerUnit{}, err
	}
	if c.straysOf != snap {
		c.strays, c.straysOf = straysOf(c.pu, snap, w.To), snap
	}
	return pickUnits(c.pu, units, c.strays), nil
}

// straysOf are the units of pu not in force on d: a figure as it was
// lifts their values to an ancestor.
func straysOf(pu indicator.PerUnit, snap *org.Snapshot, d day.Day) []int64 {
	var out []int64
	for _, u := range pu.Units {
		if snap.At(u, d) == nil {
			out = append(out, u)
		}
	}
	return out
}

// pickUnits are pu's values of units and of strays (both ascending), units
// ascending. They are looked up in ascending order, each from where the
// last was found, by steps doubling until past it (then a binary search
// of that last step): a subtree's ids are close together among the
// country's, and a binary search of the whole country for each of a
// province's 3,000-odd units was a third of a register figure's cost.
func pickUnits(pu indicator.PerUnit, units, strays []int64) indicator.PerUnit {
	var out indicator.PerUnit
	from := 0 // pu.Units[:from] are below every unit still to come
	add := func(u int64) {
		lo, hi := from, from
		for step := 1; hi < len(pu.Units) && pu.Units[hi] < u; step *= 2 {
			lo, hi = hi+1, hi+1+step
		}
		i, ok := slices.BinarySearch(pu.Units[lo:min(hi+1, len(pu.Units))], u) // u is at most pu.Units[hi]
		from = lo + i
		if ok {
			out.Units, out.Vals = append(out.Units, u), append(out.Vals, pu.Vals[from])
		}
	}
	i, j := 0, 0
	for i < len(units) || j < len(strays) {
		if j == len(strays) || i < len(units) && units[i] < strays[j] {
			add(units[i])
			i++
		} else {
			if i < len(units) && units[i] == strays[j] {
				i++
			}
			add(strays[j])
			j++
		}
	}
	return out
}

func (m *measurer) Records(ctx context.Context, code string, w indicator.Window, in func(int64) bool, limit int) ([]indicator.Record, int, error) {
	if r, ok := rates1690[code]; ok {
		return m.records1690(ctx, r, w, in, limit)
	}
	snap, err := m.s.org.Snapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	var all []indicator.Record
	m.mu.Lock()
	if err := m.fresh(ctx); err != nil {
		m.mu.Unlock()
		return nil, 0, fmt.Errorf("people records: %w", err)
	}
	for _, unit := range m.reg.units(code) {
		if !in(unit) {
			continue
		}
		uname := ""
		if v := snap.At(unit, w.To); v != nil {
			uname = v.Name
		} else if v := snap.Latest(unit); v != nil {
			uname = v.Name
		}
		m.reg.counted(code, unit, w.To, func(id, person int64) {
			rec := indicator.Record{UnitName: uname, ID: id}
			switch code {
			case "REG_COMMITTEES":
				rec.Kind, rec.URL = "committee", fmt.Sprintf("/units/%d/apparatus", unit)
			case "REG_FOCAL_UNITS":
				rec.Kind, rec.URL = "focal_unit", fmt.Sprintf("/units/%d/apparatus", unit)
			case "REG_VACANCIES":
				rec.Kind, rec.URL = "role", fmt.Sprintf("/units/%d/apparatus", unit)
			default:
				rec.Kind, rec.ID, rec.URL = "person", person, fmt.Sprintf("/people/%d", person)
			}
			all = append(all, rec)
		})
	}
	m.mu.Unlock()
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

// labelRecords names the people, committees, focal units and vacant roles
// listed.
func (s *Service) labelRecords(ctx context.Context, code string, recs []indicator.Record) error {
	var q string
	switch code {
	case "REG_COMMITTEES":
		q = `SELECT name FROM committees WHERE id = $1`
	case "REG_FOCAL_UNITS":
		q = `SELECT holder_name FROM focal_units WHERE id = $1`
	case "REG_VACANCIES":
		q = `SELECT role FROM dx_roles WHERE id = $1`
	default: // the people, by name (the register keeps no names: the counts need none)
		q = `SELECT full_name FROM people WHERE id = $1`
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
