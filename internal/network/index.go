package network

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/partread"
	"github.com/mangluoi/mangluoi/internal/people"
)

// The coverage index: every team with its status periods, memberships and
// activity dates, held in memory so that a coverage page for the nation
// (75,000 teams, 340,000 members, 2 million activities) is a walk of the
// tree in memory, not a scan of the tables. It follows the database by
// sequence number: each request reads network_state.seq, and reads the
// rows stamped after what it holds, patching each into its team (a new
// activity is one row read, not its team's history nor two million).
// Training comes from the people feature and is reloaded when its
// generation moves.

// dn is a date as a day number (days since 1970-01-01), the index's unit.
func dn(d day.Day) int32 { return d.Unix() }

// fromDN is the date of a day number.
func fromDN(n int32) day.Day { return day.FromTime(time.Unix(int64(n)*86400, 0).UTC()) }

var foreverDN = dn(day.Forever)

// The records below are what the coverage, the monthly sums and the
// measured tables need and no more, packed: two million activities and
// 340,000 memberships are most of a national server's memory. A record
// has no id of its own: a catch-up knows a changed row held by its key (a
// status period by its first day, a membership by its person and first
// day, an activity by what it holds: alike ones are one as good as
// another), and a listing that names activities reads their ids from the
// table (activityRecords).

type statusRec struct {
	from, to int32
	status   uint8 // index in Statuses
}

type memberRec struct {
	person   int64
	from, to int32
	trained  int32 // the person's place in ix.trained (-1: no course), linked after each catch-up
}

// actRec is 8 bytes: the 2 million national activities are 16 MB (12
// bytes with helped as an int32, 24 MB: issue 14, h15mem).
type actRec struct {
	day    int32
	helped uint16 // at most MaxHelped (5,000), which fits; see helpedOf
	kind   uint8  // index in Kinds
}

// helpedOf is a stored people_helped as held: the service refuses more
// than MaxHelped, so a larger number is not one it wrote; it is held at
// the largest that fits rather than wrapped.
func helpedOf(n int32) uint16 {
	return uint16(min(max(n, 0), math.MaxUint16))
}

// teamRec is a team as the coverage, the monthly sums and the measured
// tables read it: a view made by index.at from what is held (teamRow and
// the packed arrays), on the stack; its slices alias the index's arrays
// (linking a membership to its training writes through).
type teamRec struct {
	id, unit    int64
	name        string
	folded      string
	established int32
	statuses    []statusRec // by from
	members     []memberRec
	acts        []actRec // by actOrder (day first); voided ones left out
}

// teamRow is a team as held: no pointer, so the collector neither scans
// the 75,000 national teams nor their 2.4 million rows (issue 14, h16gc:
// a *teamRec with its three slices and two strings was 75,000 objects of
// 144 bytes to mark at every collection, and a map of pointers to them).
// Its rows are ranges of the index's packed arrays (sts, mems, acts), or,
// once a catch-up has patched them, its own slices (own).
type teamRow struct {
	id, unit     int64
	name, folded int32 // in ix.names
	established  int32
	own          int32 // 1 + its place in ix.own, or 0: its rows are the spans below
	st, mem, act span  // in ix.sts, ix.mems, ix.acts
}

// span is the range [lo, hi) of a packed array.
type span struct{ lo, hi int32 }

// ownRows are the rows of a team patched by a catch-up since the last
// packing (index.ownOf).
type ownRows struct {
	statuses []statusRec
	members  []memberRec
	acts     []actRec
}

// statusAt is the team's status on day d, "" before it was set up.
func (t *teamRec) statusAt(d int32) Status {
	for i := len(t.statuses) - 1; i >= 0; i-- {
		s := t.statuses[i]
		if s.from <= d {
			if d < s.to {
				return Statuses[s.status]
			}
			return ""
		}
	}
	return ""
}

// actsBetween are the activities with lo <= day <= hi.
func (t *teamRec) actsBetween(lo, hi int32) []actRec {
	i := sort.Search(len(t.acts), func(i int) bool { return t.acts[i].day >= lo })
	j := sort.Search(len(t.acts), func(j int) bool { return t.acts[j].day > hi })
	if i >= j {
		return nil
	}
	return t.acts[i:j]
}

// lastActBy is the day of the last activity on or before d, or -1<<31.
func (t *teamRec) lastActBy(d int32) int32 {
	j := sort.Search(len(t.acts), func(j int) bool { return t.acts[j].day > d })
	if j == 0 {
		return -1 << 31
	}
	return t.acts[j-1].day
}

// index is the in-memory state; mu guards it (readers share, a refresh
// excludes them).
type index struct {
	mu        sync.RWMutex
	loaded    bool
	seq       int64 // network_state.seq of the rows held
	peopleGen int64 // people_state.generation of trained
	packed          // the teams and their rows
	// trained holds, for every person who is or was a team member, the
	// days they completed a course, sorted.
	trained trainedSet
	loads   int // full loads done, for tests and logs
	// dirty are the units whose teams changed in the last catch-up
	dirty map[int64]bool
	// communes holds each commune's figures per date and tree, so that a
	// national coverage after one change computes one commune again and
	// adds up the other 3,320
	communes memo
	// tables hold each unit's measured counts per window (measure.go),
	// patched for the dirty units at each catch-up
	tables tables
	// scope, if set, is the units (a list of ids) whose teams alone a
	// scoped index holds (scoped.go): its first read reads only them
	scope string
}

// packed is the network as held (issue 14, h16gc): the teams in one array
// of pointer-free records, their statuses, memberships and activities in
// three pointer-free arrays, each team's rows one range of them, the ids
// and units mapped to places (int32) in maps without pointers. The
// collector has nothing to follow in any of it but the few thousand
// distinct team names and the own rows of teams read again since the
// last packing (at most ownMax teams: past it, everything is packed again).
type packed struct {
	teams     denseMap[int32] // team id → 1 + its place in rows
	rows      []teamRow
	names     []string         // the distinct team names (1,546 nationally)
	nameOf    map[string]int32 // name → its place in names
	sts       []statusRec
	mems      []memberRec
	acts      []actRec
	own       []ownRows
	units     denseMap[span] // unit → its teams' places, unitTeams[lo:hi]
	unitTeams []int32
	ownCap    int // ownMax if set (tests)
	packs     int // packings since the load (tests)
	// maxID is the largest id read of each of the teams' tables (tabStatus…):
	// a changed row with a larger one is new since (read)
	maxID [3]int64
}

// ownMax bounds the teams holding their own rows before the arrays are
// packed again (a catch-up patches the rows of the few teams it touches;
// a national import may touch thousands): max(256, teams/16).
func (p *packed) ownMax() int {
	if p.ownCap > 0 {
		return p.ownCap
	}
	return max(256, len(p.rows)/16)
}

// at is the team at place i, as a view.
func (p *packed) at(i int32) teamRec {
	r := &p.rows[i]
	t := teamRec{id: r.id, unit: r.unit, name: p.names[r.name], folded: p.names[r.folded], established: r.established}
	if r.own > 0 {
		o := &p.own[r.own-1]
		t.statuses, t.members, t.acts = o.statuses, o.members, o.acts
		return t
	}
	t.statuses = p.sts[r.st.lo:r.st.hi:r.st.hi]
	t.members = p.mems[r.mem.lo:r.mem.hi:r.mem.hi]
	t.acts = p.acts[r.act.lo:r.act.hi:r.act.hi]
	return t
}

// teamsOf is the places of the unit's teams.
func (p *packed) teamsOf(unit int64) []int32 {
	sp, ok := p.units.get(unit)
	if !ok {
		return nil
	}
	return p.unitTeams[sp.lo:sp.hi:sp.hi]
}

// name is the place of a team name in names, added if new.
func (p *packed) name(s string) int32 {
	if i, ok := p.nameOf[s]; ok {
		return i
	}
	i := int32(len(p.names))
	p.names = append(p.names, s)
	p.nameOf[s] = i
	return i
}

// pack lays every team's rows out again in three arrays at their length,
// and drops the own rows.
func (p *packed) pack() {
	var ns, nm, na int
	for i := range p.rows {
		t := p.at(int32(i))
		ns, nm, na = ns+len(t.statuses), nm+len(t.members), na+len(t.acts)
	}
	sts, mems, acts := make([]statusRec, 0, ns), make([]memberRec, 0, nm), make([]actRec, 0, na)
	for i := range p.rows {
		t := p.at(int32(i))
		r := &p.rows[i]
		r.st = span{int32(len(sts)), int32(len(sts) + len(t.statuses))}
		r.mem = span{int32(len(mems)), int32(len(mems) + len(t.members))}
		r.act = span{int32(len(acts)), int32(len(acts) + len(t.acts))}
		r.own = 0
		sts, mems, acts = append(sts, t.statuses...), append(mems, t.members...), append(acts, t.acts...)
	}
	p.sts, p.mems, p.acts, p.own = sts, mems, acts, nil
}

type memoKey struct {
	commune int64
	d       int32
	tree    int64
}

// memo is guarded by its own lock: coverages computed side by side (each
// under the index's read lock) fill it together.
type memo struct {
	mu sync.Mutex
	m  map[memoKey]Figures
}

// memoMax bounds the memo (3,321 communes × a few dates).
const memoMax = 50000

func (m *memo) get(k memoKey) (Figures, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.m[k]
	return f, ok
}

func (m *memo) put(k memoKey, f Figures) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= memoMax {
		m.m = map[memoKey]Figures{}
	}
	m.m[k] = f
}

// forget drops the entries of the given communes, or every entry if nil.
func (m *memo) forget(communes map[int64]bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if communes == nil {
		m.m = nil
		return
	}
	for k := range m.m {
		if communes[k.commune] {
			delete(m.m, k)
		}
	}
}

var kindIndex, statusIndex = indexOf(Kinds), indexOf(Statuses)

func indexOf[T comparable](list []T) map[T]uint8 {
	m := map[T]uint8{}
	for i, k := range list {
		m[k] = uint8(i)
	}
	return m
}

// scanDay reads a DATE (PostgreSQL) or ISO text (SQLite) as a day number,
// without the allocations of day.Day's Scan: the index reads millions.
type scanDay struct{ n int32 }

func (s *scanDay) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		s.n = day.FromTime(v).Unix()
		return nil
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	}
	return fmt.Errorf("network: cannot read %T as a date", src)
}

func (s *scanDay) parse(v string) error {
	if len(v) < 10 || v[4] != '-' || v[7] != '-' {
		return fmt.Errorf("network: %q is not a stored date", v)
	}
	y, err1 := strconv.Atoi(v[:4])
	m, err2 := strconv.Atoi(v[5:7])
	d, err3 := strconv.Atoi(v[8:10])
	if err1 != nil || err2 != nil || err3 != nil {
		return fmt.Errorf("network: %q is not a stored date", v)
	}
	s.n = day.Of(y, time.Month(m), d).Unix()
	return nil
}

// state reads the two generations the index follows.
func (s *Service) state(ctx context.Context) (seq, peopleGen int64, err error) {
	if seq, err = s.db.Generation(ctx, networkGeneration); err != nil {
		return 0, 0, err
	}
	peopleGen, err = s.db.Generation(ctx, people.Generation)
	return seq, peopleGen, err
}

// fresh brings the index up to the database and returns it read-locked
// (the caller must RUnlock), with the generations it reflects.
func (s *Service) fresh(ctx context.Context) (*index, int64, int64, error) {
	seq, pgen, err := s.state(ctx)
	if err != nil {
		return nil, 0, 0, err
	}
	ix := &s.idx
	ix.mu.RLock()
	if ix.loaded && ix.seq >= seq && ix.peopleGen == pgen {
		return ix, ix.seq, ix.peopleGen, nil
	}
	ix.mu.RUnlock()
	ix.mu.Lock()
	err = s.catchUp(ctx, ix, seq, pgen)
	ix.mu.Unlock()
	if err != nil {
		return nil, 0, 0, err
	}
	ix.mu.RLock()
	return ix, ix.seq, ix.peopleGen, nil
}

// catchUp patches in the rows stamped since ix.seq, at least up to seq
// (loads all of them the first time, or should a patch not fit) and, if
// the people feature moved, the training of team members.
func (s *Service) catchUp(ctx context.Context, ix *index, seq, pgen int64) error {
	if ix.loaded && ix.seq >= seq && ix.peopleGen == pgen {
		return nil // another request caught up meanwhile
	}
	var newPersons []int64
	// what the index loads is what these two generations guard (a page
	// kept by what it read depends on them, not on the tables: db.Watch)
	lctx := db.Guarded(ctx, networkGeneration, people.Generation)
	ix.dirty = map[int64]bool{}
	if ix.loaded && ix.seq < seq {
		at, persons, err := loadRows(lctx, s.db, ix, ix.seq, seq)
		switch {
		case errors.Is(err, errDrift):
			// what is held is not what was written: everything again
			slog.Error("network index: loading it again", "err", err)
			ix.loaded = false
		case err != nil:
			ix.loaded = false
			return err
		default:
			ix.seq, newPersons = at, persons
		}
	}
	if !ix.loaded {
		// meanwhile a part of the tree is answered from its own read
		s.parts.FirstRead(true)
		defer s.parts.FirstRead(false)
		lctx = partread.Whole(lctx) // and gives way to those reads
		ix.packed = packed{nameOf: map[string]int32{}, ownCap: ix.ownCap}
		ix.trained = trainedSet{}
		ix.loads++
		at, _, err := loadRows(lctx, s.db, ix, -1, seq)
		if err != nil {
			return err
		}
		ix.seq = at
	}
	relinkAll := !ix.loaded || ix.peopleGen != pgen
	switch {
	case !ix.loaded || ix.peopleGen != pgen:
		trained, err := loadTrained(lctx, s.db, nil)
		if err != nil {
			ix.loaded = false
			return err
		}
		if ix.loaded {
			// the people feature moved (any write there): only the units
			// of members whose training changed are counted again
			ix.trainingChanged(trained)
		}
		ix.trained, ix.peopleGen = trained, pgen
	case len(newPersons) > 0:
		// people already recorded who joined a team: their past training,
		// unless the set holds it (a member before, elsewhere: the set is
		// read again whenever the people feature moves)
		newPersons = slices.DeleteFunc(newPersons, func(p int64) bool { return ix.trained.find(p) >= 0 })
		if len(newPersons) == 0 {
			break
		}
		trained, err := loadTrained(lctx, s.db, newPersons)
		if err != nil {
			ix.loaded = false
			return err
		}
		if len(trained.persons) == 0 {
			break // none trained: nothing to link them to
		}
		// the set is packed: it is made again with theirs, and every
		// membership linked to the new one (the old one then goes)
		ix.trained = ix.trained.with(trained)
		relinkAll = true
	}
	// the memo of communes whose teams changed goes: every commune any
	// version of the team's unit hung under (or was)
	if ix.loaded && len(ix.dirty) > 0 {
		if snap, err := s.org.Snapshot(ctx); err == nil {
			communes := map[int64]bool{}
			for u := range ix.dirty {
				communes[u] = true
				for _, v := range snap.History(u) {
					communes[v.ParentID] = true
				}
			}
			ix.communes.forget(communes)
		} else {
			ix.communes.forget(nil)
		}
	} else if !ix.loaded {
		ix.communes.forget(nil)
	}
	// link each membership to its person's training, so that a coverage
	// does no map lookup per member: all of them after a reload of the
	// training, else those of the teams that changed
	if relinkAll {
		for i := range ix.mems {
			ix.mems[i].trained = ix.trained.find(ix.mems[i].person)
		}
		for _, o := range ix.own {
			for i := range o.members {
				o.members[i].trained = ix.trained.find(o.members[i].person)
			}
		}
	} else {
		for u := range ix.dirty {
			for _, p := range ix.teamsOf(u) {
				t := ix.at(p)
				for i := range t.members {
					t.members[i].trained = ix.trained.find(t.members[i].person)
				}
			}
		}
	}
	// the measured tables: counted again for the dirty units, once linked
	switch snap, err := s.org.Snapshot(ctx); {
	case !ix.loaded || err != nil:
		ix.forgetTables()
	case len(ix.dirty) > 0:
		ix.patch(snap, ix.dirty)
	}
	ix.dirty = nil // every unit on a first load: 2 MB held for nothing
	ix.loaded = true
	return nil
}

// trainingChanged marks dirty the units of the teams with a member whose
// completed courses differ between ix.trained and trained.
func (ix *index) trainingChanged(trained trainedSet) {
	for p := range ix.rows {
		t := ix.at(int32(p))
		for _, m := range t.members {
			if !slices.Equal(ix.trained.at(m.trained), trained.of(m.person)) {
				ix.dirty[t.unit] = true
				break
			}
		}
	}
}

// trainedSet is the completed courses of team members, packed: the
// people ascending, person i's completion days days[off[i]:off[i+1]],
// sorted (a membership holds its person's i). 12 bytes a person and 4 a
// day, ≈ 4 MB nationally (a map of slices was 12 MB, and a membership 40
// bytes with a slice of it, now 24 and no pointer for the collector to
// follow: issue 14, h15mem).
type trainedSet struct {
	persons []int64
	off     []int32
	days    []int32
}

// completion is one person's course completed on a day.
type completion struct {
	person int64
	day    int32
}

// newTrainedSet packs the completions (in any order).
func newTrainedSet(cs []completion) trainedSet {
	slices.SortFunc(cs, func(a, b completion) int {
		if c := cmp.Compare(a.person, b.person); c != 0 {
			return c
		}
		return cmp.Compare(a.day, b.day)
	})
	var s trainedSet
	s.days = make([]int32, len(cs))
	for i, c := range cs {
		if i == 0 || c.person != cs[i-1].person {
			s.persons = append(s.persons, c.person)
			s.off = append(s.off, int32(i))
		}
		s.days[i] = c.day
	}
	s.off = append(s.off, int32(len(cs)))
	s.persons, s.off = slices.Clone(s.persons), slices.Clone(s.off) // at their length
	return s
}

// of is the person's completion days, sorted (nil if none).
func (s *trainedSet) of(person int64) []int32 { return s.at(s.find(person)) }

// find is the person's place in the set, -1 if not in it.
func (s *trainedSet) find(person int64) int32 {
	i, ok := slices.BinarySearch(s.persons, person)
	if !ok {
		return -1
	}
	return int32(i)
}

// at is the completion days of the person at i (none if i < 0).
func (s *trainedSet) at(i int32) []int32 {
	if i < 0 {
		return nil
	}
	return s.days[s.off[i]:s.off[i+1]:s.off[i+1]]
}

// with is the set with the people of add having add's days instead.
func (s *trainedSet) with(add trainedSet) trainedSet {
	cs := make([]completion, 0, len(s.days)+len(add.days))
	for i, p := range s.persons {
		if _, ok := slices.BinarySearch(add.persons, p); ok {
			continue
		}
		for _, d := range s.days[s.off[i]:s.off[i+1]] {
			cs = append(cs, completion{p, d})
		}
	}
	for i, p := range add.persons {
		for _, d := range add.days[add.off[i]:add.off[i+1]] {
			cs = append(cs, completion{p, d})
		}
	}
	return newTrainedSet(cs)
}

// loadRows reads, in one snapshot of the database, the rows stamped by
// network_state.seq in (from, to] — every row on the first load (from <
// 0) — and returns the seq of that snapshot (at least to) and the people
// who joined a team since. The first load lays every team's rows out
// packed; a catch-up patches what each changed row changed into its
// team's rows (patchStatus, patchMember, patchAct), so that it costs what
// was written, not what the team holds (issue 14, h17net: the mix's team
// gathering 25 activities a second was read whole at each write).
func loadRows(ctx context.Context, d *db.DB, ix *index, from, to int64) (seq int64, persons []int64, err error) {
	// one snapshot: a row written after the seq read would otherwise be
	// read in its new state under an older seq (a void landing between
	// two reads), and undone twice
	tx, err := d.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return 0, nil, fmt.Errorf("network index: begin: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT seq FROM network_state WHERE id = 1`).Scan(&seq); err != nil {
		return 0, nil, err
	}
	seq = max(seq, to)
	persons, err = ix.readRows(ctx, tx, from, seq)
	return seq, persons, err
}

func (ix *index) readRows(ctx context.Context, q db.Querier, from, to int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, unit_id, name, name_folded, established FROM net_teams WHERE seq > $1 AND seq <= $2`+ix.scopeWhere(true), from, to)
	if err != nil {
		return nil, err
	}
	added := map[int64][]int32{} // unit → its new teams' places, in the order read
	for rows.Next() {
		partread.Yield(ctx)
		var id, unit int64
		var name, folded string
		var est scanDay
		if err := rows.Scan(&id, &unit, &name, &folded, &est); err != nil {
			rows.Close()
			return nil, err
		}
		p, ok := ix.teams.get(id)
		p--
		if !ok {
			p = int32(len(ix.rows))
			ix.rows = append(ix.rows, teamRow{id: id, unit: unit})
			ix.teams.set(id, p+1)
			added[unit] = append(added[unit], p)
		}
		// 75,000 national teams have 1,546 names ("Tổ công nghệ số cộng
		// đồng Tổ dân phố 1"…): each is held once
		r := &ix.rows[p]
		r.name, r.folded, r.established = ix.name(name), ix.name(folded), est.n
		ix.dirty[r.unit] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// each unit's new teams after those it had (one range each)
	for u, ps := range added {
		old := ix.teamsOf(u)
		lo := int32(len(ix.unitTeams))
		ix.unitTeams = append(append(ix.unitTeams, old...), ps...)
		ix.units.set(u, span{lo, int32(len(ix.unitTeams))})
	}
	first := from < 0
	if first { // at their length: appending leaves up to a quarter unused
		ix.rows, ix.unitTeams = slices.Clone(ix.rows), slices.Clone(ix.unitTeams)
	}
	var f, u scanDay
	var text string
	var n int32
	var voided isSet
	var m memberRec
	var persons []int64

	var sts rowsRead[statusRec]
	err = ix.read(ctx, q, from, to, tabStatus, "status, valid_from, valid_to", "", []any{&text, &f, &u},
		func(p int32, added bool) error {
			i, ok := statusIndex[Status(text)]
			if !ok {
				return fmt.Errorf("network index: team %d has status %q", ix.rows[p].id, text)
			}
			r := statusRec{status: i, from: f.n, to: u.n}
			if first {
				sts.add(p, r)
				return nil
			}
			return ix.patchStatus(p, r, added)
		})
	if err != nil {
		return nil, err
	}

	var mems rowsRead[memberRec]
	err = ix.read(ctx, q, from, to, tabMember, "person_id, valid_from, valid_to", "", []any{&m.person, &f, &u},
		func(p int32, added bool) error {
			m.from, m.to, m.trained = f.n, u.n, -1 // linked in catchUp
			if first {
				mems.add(p, m)
				return nil
			}
			if added {
				persons = append(persons, m.person)
			}
			return ix.patchMember(p, m, added)
		})
	if err != nil {
		return nil, err
	}

	var acts rowsRead[actRec]
	err = ix.read(ctx, q, from, to, tabAct, "on_date, kind, people_helped, voided_at", " AND voided_at IS NULL", []any{&f, &text, &n, &voided},
		func(p int32, added bool) error {
			a := actRec{day: f.n, helped: helpedOf(n), kind: kindIndex[Kind(text)]}
			if first {
				acts.add(p, a)
				return nil
			}
			return ix.patchAct(p, a, added, bool(voided))
		})
	if err != nil {
		return nil, err
	}

	if first {
		// every team's rows, one range each, in order
		var st, mem, act []span
		ix.sts, st = sts.lay(len(ix.rows), byFrom)
		ix.mems, mem = mems.lay(len(ix.rows), nil)
		ix.acts, act = acts.lay(len(ix.rows), actOrder)
		for i := range ix.rows {
			ix.rows[i].st, ix.rows[i].mem, ix.rows[i].act = st[i], mem[i], act[i]
		}
		return nil, nil
	}
	// the teams patched hold their own rows until there are too many of
	// them and everything is packed again
	if len(ix.own) > ix.ownMax() {
		ix.pack()
		ix.packs++
	}
	return persons, nil
}

// The teams' tables whose rows the index holds, as places in
// packed.maxID.
const (
	tabStatus = iota
	tabMember
	tabAct
)

var teamTables = [...]string{tabStatus: "net_team_status", tabMember: "net_members", tabAct: "net_activities"}

// byFrom is the order of a team's status periods.
func byFrom(a, b statusRec) int { return cmp.Compare(a.from, b.from) }

// actOrder is the order of a team's activities: by day, and those of a
// day by kind and people helped, so that activities alike lie side by
// side whatever order they were read or logged in (a void takes any one
// of them away: nothing tells them apart).
func actOrder(a, b actRec) int {
	return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.kind, b.kind), cmp.Compare(a.helped, b.helped))
}

// errDrift is a changed row that does not fit what the index holds: a
// row said to be new whose key is held already, or one said to be held
// that is not. It cannot happen while the rules the patches rely on hold
// (ids handed out in the order of seq, a void final, a status or a
// membership known by its first day); should it happen, catchUp loads
// everything again.
var errDrift = errors.New("network index: a changed row does not fit what is held")

// ownOf is the rows of team p to patch: its own, made from its packed
// ranges at its first patch since the last packing. They alias the packed
// arrays until one grows (each range at its length, so an append copies):
// a row set in place or taken away stays within the team's range.
func (ix *index) ownOf(p int32) *ownRows {
	r := &ix.rows[p]
	if r.own == 0 {
		t := ix.at(p)
		ix.own = append(ix.own, ownRows{statuses: t.statuses, members: t.members, acts: t.acts})
		r.own = int32(len(ix.own))
	}
	ix.dirty[r.unit] = true
	return &ix.own[r.own-1]
}

// patchStatus applies a status period as it is now: a new one goes in
// its place; one held, known by its first day (a team's periods follow
// each other, SetStatus starts a new one after the last one's first day),
// takes its end.
func (ix *index) patchStatus(p int32, r statusRec, added bool) error {
	o := ix.ownOf(p)
	i, found := slices.BinarySearchFunc(o.statuses, r, byFrom)
	switch {
	case added && !found:
		o.statuses = slices.Insert(o.statuses, i, r)
	case !added && found:
		o.statuses[i] = r
	default:
		return fmt.Errorf("%w: team %d's status from %s (new: %v)", errDrift, ix.rows[p].id, fromDN(r.from), added)
	}
	return nil
}

// patchMember applies a membership as it is now: a new one is added; one
// held, known by its person and first day (a person is in one team at a
// time), takes its end.
func (ix *index) patchMember(p int32, m memberRec, added bool) error {
	o := ix.ownOf(p)
	i := slices.IndexFunc(o.members, func(x memberRec) bool { return x.person == m.person && x.from == m.from })
	switch {
	case added && i < 0:
		o.members = append(o.members, m)
	case !added && i >= 0:
		o.members[i].to = m.to
	default:
		return fmt.Errorf("%w: team %d's member %d from %s (new: %v)", errDrift, ix.rows[p].id, m.person, fromDN(m.from), added)
	}
	return nil
}

// patchAct applies an activity as it is now: logged since, it goes in its
// place unless already voided; held and voided since, one alike is taken
// away (a void is final: VoidActivity voids a row not voided, once). A
// photo attached to one held changes nothing held.
func (ix *index) patchAct(p int32, a actRec, added, voided bool) error {
	if added == voided {
		return nil // logged and voided since, or a photo attached
	}
	o := ix.ownOf(p)
	i, found := slices.BinarySearchFunc(o.acts, a, actOrder)
	switch {
	case added:
		o.acts = slices.Insert(o.acts, i, a)
	case found:
		o.acts = slices.Delete(o.acts, i, i+1)
	default:
		return fmt.Errorf("%w: team %d's voided activity of %s not held", errDrift, ix.rows[p].id, fromDN(a.day))
	}
	return nil
}

// isSet scans whether a column is not NULL, without reading its value.
type isSet bool

func (s *isSet) Scan(src any) error {
	*s = src != nil
	return nil
}

// rowsRead are the rows of one of the team's tables as read on the first
// load: each with its team's place, in the order read.
type rowsRead[T any] struct {
	teams []int32
	recs  []T
}

func (r *rowsRead[T]) add(p int32, rec T) {
	r.teams = append(r.teams, p)
	r.recs = append(r.recs, rec)
}

// lay places the rows by team (n teams) in one array at its length, each
// team's in the order read then sorted by order (nil: as read), and
// returns it with each team's range. A counting sort: linear in the two
// million national activities.
func (r *rowsRead[T]) lay(n int, order func(a, b T) int) ([]T, []span) {
	spans := make([]span, n)
	for _, p := range r.teams {
		spans[p].hi++
	}
	var at int32
	for i := range spans {
		c := spans[i].hi
		spans[i] = span{at, at}
		at += c
	}
	out := make([]T, len(r.recs))
	for i, p := range r.teams {
		out[spans[p].hi] = r.recs[i]
		spans[p].hi++
	}
	if order != nil {
		for _, sp := range spans {
			if sp.hi-sp.lo > 1 {
				slices.SortStableFunc(out[sp.lo:sp.hi], order)
			}
		}
	}
	return out, spans
}

// read reads the rows of one of the teams' tables: on the first load
// (from < 0) every row stamped by to that the index holds (where: the
// activities not voided), on a catch-up every row stamped in (from, to],
// as it is now. dest are the columns' destinations; add files the row
// scanned under its team's place, told on a catch-up whether the row is
// new since: its id above every id read before. Ids are handed out in
// the order of seq (Service.write inserts under network_state's row lock;
// SQLite's rowids and PostgreSQL's sequences grow), so a row with an id
// read before was written before, and the index holds it unless it was
// voided then.
func (ix *index) read(ctx context.Context, q db.Querier, from, to int64, tab int, columns, where string, dest []any,
	add func(p int32, added bool) error) error {
	query, args := `SELECT id, team_id, `+columns+` FROM `+teamTables[tab]+` WHERE seq <= $1`+where+ix.scopeWhere(false), []any{to}
	if from >= 0 {
		query, args = `SELECT id, team_id, `+columns+` FROM `+teamTables[tab]+` WHERE seq > $1 AND seq <= $2`, []any{from, to}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id, tid, lastID int64
	dest = append([]any{&id, &tid}, dest...)
	seen := ix.maxID[tab]
	last := int32(-1)
	for rows.Next() {
		partread.Yield(ctx)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if last < 0 || lastID != tid { // rows mostly come by team
			if last, err = ix.team(tid); err != nil {
				return err
			}
			lastID = tid
		}
		if err := add(last, id > seen); err != nil {
			return err
		}
		ix.maxID[tab] = max(ix.maxID[tab], id)
	}
	return rows.Err()
}

// team is the place of the team with this id.
func (ix *index) team(id int64) (int32, error) {
	if p, ok := ix.teams.get(id); ok {
		return p - 1, nil
	}
	return -1, fmt.Errorf("network index: row of unknown team %d", id)
}

// loadTrained reads the completed courses of team members (of the given
// people only, if any are given).
func loadTrained(ctx context.Context, q db.Querier, persons []int64) (trainedSet, error) {
	var out []completion
	read := func(query string, args ...any) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			partread.Yield(ctx)
			var p int64
			var d scanDay
			if err := rows.Scan(&p, &d); err != nil {
				return err
			}
			out = append(out, completion{p, d.n})
		}
		return rows.Err()
	}
	base := `SELECT e.person_id, e.completed_on FROM enrolments e WHERE e.status = 'completed' AND e.completed_on IS NOT NULL`
	if persons == nil {
		if err := read(base + ` AND EXISTS (SELECT 1 FROM net_members m WHERE m.person_id = e.person_id)`); err != nil {
			return trainedSet{}, err
		}
	} else {
		for len(persons) > 0 {
			n := min(len(persons), 500)
			ids := make([]string, n)
			for i, p := range persons[:n] {
				ids[i] = strconv.FormatInt(p, 10)
			}
			if err := read(base + ` AND e.person_id IN (` + strings.Join(ids, ",") + `)`); err != nil {
				return trainedSet{}, err
			}
			persons = persons[n:]
		}
	}
	return newTrainedSet(out), nil
}

// trainedIn reports whether any of the completion days is in [lo, hi].
func trainedIn(days []int32, lo, hi int32) bool {
	for _, d := range days { // a handful at most
		if d >= lo && d <= hi {
			return true
		}
	}
	return false
}

// WarmSoon says Warm will run: from now until the first read of the whole
// index ends, a part of the tree is read on its own (scoped.go), also
// before Warm's turn comes (a server's warm-ups run one after another).
func (s *Service) WarmSoon() { s.parts.FirstRead(true) }

// Warm loads the coverage index ahead of the first request: a server
// calls it as it starts, since reading a national network (two million
// activities) takes seconds. Should it fail, the first request loads it.
func (s *Service) Warm(ctx context.Context) error {
	defer s.parts.FirstRead(false) // (WarmSoon's)
	ix, _, _, err := s.fresh(ctx)
	if err != nil {
		return err
	}
	ix.mu.RUnlock()
	return nil
}
