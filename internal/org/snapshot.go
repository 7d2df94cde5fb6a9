package org

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// Snapshot is the whole tree, every version of every unit, in memory. The
// national tree is about 100,000 versions, a few tens of megabytes, and
// walking it in memory is what makes tree pages fast on both engines. A
// snapshot is immutable; a change to the tree makes the next read load a
// new one.
type Snapshot struct {
	Generation int64
	RootID     int64

	versions byKey            // by unit, ordered by From
	children byKey            // by parent unit, every version that had it, in Vietnamese name order
	preds    map[int64][]Link // by successor
	succs    map[int64][]Link // by predecessor
	events   map[int64]*Event
	all      []*Version // in Vietnamese name order

	links     []Link   // as read, for storing (see stored.go)
	eventList []*Event // by id, for storing
	stored    bool     // read from a stored snapshot

	// under keeps UnitsUnder's answers (unit id → []int64): a snapshot
	// never changes, and each answer scans every version of the country
	// (the plans pages ask it several times a request). At most one entry
	// a unit of the snapshot, each unit in its ancestors' lists only.
	under sync.Map
}

// newSnapshot builds a snapshot from the tree as read from its tables: the
// versions are put in Vietnamese name order here, the one costly step
// (a collation key for each name, then a sort), which a stored snapshot
// skips (see decodeSnapshot).
func newSnapshot(gen int64, versions []*Version, links []Link, events []*Event) *Snapshot {
	type keyed struct {
		key []byte
		v   *Version
	}
	col := locale.NewCollator()
	// 64,000 of the national tree's names are villages', most of them
	// "Thôn 1"…: each distinct name is collated once (the map lives only
	// while the snapshot is built)
	keys := make(map[string][]byte)
	ks := make([]keyed, len(versions))
	for i, v := range versions {
		k, ok := keys[v.Name]
		if !ok {
			k = col.Key(v.Name)
			keys[v.Name] = k
		}
		ks[i] = keyed{k, v}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c
		}
		return compareTies(a.v, b.v)
	})
	all := make([]*Version, len(ks))
	for i, k := range ks {
		all[i] = k.v
	}
	return indexSnapshot(gen, all, links, events)
}

// groupBy returns vs ordered by key, keeping their order within a key. The
// keys are unit ids, which the databases hand out densely from 1, so it
// counts into an array indexed by id (linear: a comparison sort of the
// national tree's 80,000 versions cost half of decoding a stored one); ids
// spread wider than that fall back to a sort.
func groupBy(vs []*Version, key func(*Version) int64) []*Version {
	var hi int64
	for _, v := range vs {
		if k := key(v); k < 0 {
			hi = math.MaxInt64
			break
		} else if k > hi {
			hi = k
		}
	}
	out := make([]*Version, len(vs))
	if hi > int64(4*len(vs)+1024) {
		copy(out, vs)
		slices.SortStableFunc(out, func(a, b *Version) int { return cmp.Compare(key(a), key(b)) })
		return out
	}
	// start[k] is where key k's versions begin in out
	start := make([]int32, hi+2)
	for _, v := range vs {
		start[key(v)+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	for _, v := range vs {
		k := key(v)
		out[start[k]] = v
		start[k]++
	}
	return out
}

// byKey is versions grouped by a unit id (windows on one array, as
// groupBy gives them), looked up by that id. The ids are dense from 1, so
// where each id's versions start is an array indexed by id (4 bytes an id:
// the national tree's 80,000 units in 0.3 MB, where a map of slices took
// 4.7 MB: issue 14, h15mem); ids spread wider than that use a map.
type byKey struct {
	vs     []*Version
	start  []int32 // id k's versions are vs[start[k]:start[k+1]]
	sparse map[int64][]*Version
}

// newByKey indexes grouped, whose versions with one key are together.
func newByKey(grouped []*Version, key func(*Version) int64) byKey {
	var hi int64
	for _, v := range grouped {
		if k := key(v); k < 0 {
			hi = math.MaxInt64
			break
		} else if k > hi {
			hi = k
		}
	}
	b := byKey{vs: grouped}
	if hi > int64(4*len(grouped)+1024) {
		b.sparse = map[int64][]*Version{}
		for i := 0; i < len(grouped); {
			j := i + 1
			for j < len(grouped) && key(grouped[j]) == key(grouped[i]) {
				j++
			}
			b.sparse[key(grouped[i])] = grouped[i:j:j]
			i = j
		}
		return b
	}
	b.start = make([]int32, hi+2)
	for _, v := range grouped {
		b.start[key(v)+1]++
	}
	for k := 1; k < len(b.start); k++ {
		b.start[k] += b.start[k-1]
	}
	return b
}

// of is the versions of id (none if unknown).
func (b *byKey) of(id int64) []*Version {
	if b.start == nil {
		return b.sparse[id]
	}
	if id < 0 || id+1 >= int64(len(b.start)) {
		return nil
	}
	lo, hi := b.start[id], b.start[id+1]
	return b.vs[lo:hi:hi]
}

// compareTies orders versions of the same name: by code, then date, then
// id, so that the order is total and every build of a snapshot of the same
// tree is the same.
func compareTies(a, b *Version) int {
	if c := strings.Compare(a.Code, b.Code); c != 0 {
		return c
	}
	if c := a.From.Time().Compare(b.From.Time()); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// indexSnapshot makes the snapshot's indexes from every version in name
// order. Each index is a window on one array sorted once, rather than a
// slice grown per unit: fewer allocations, no spare capacity.
func indexSnapshot(gen int64, all []*Version, links []Link, events []*Event) *Snapshot {
	s := &Snapshot{
		Generation: gen,
		preds:      make(map[int64][]Link),
		succs:      make(map[int64][]Link),
		events:     make(map[int64]*Event, len(events)),
		all:        all,
		links:      links,
		eventList:  events,
	}
	for i, v := range all {
		v.rank = int32(i)
		if v.ParentID == 0 && v.Level == LevelNation {
			s.RootID = v.UnitID
		}
	}
	byUnit := groupBy(all, func(v *Version) int64 { return v.UnitID })
	for i := 0; i < len(byUnit); {
		j := i + 1
		for j < len(byUnit) && byUnit[j].UnitID == byUnit[i].UnitID {
			j++
		}
		vs := byUnit[i:j:j]
		if len(vs) > 1 { // a unit's versions never start on the same day
			slices.SortFunc(vs, func(a, b *Version) int { return a.From.Time().Compare(b.From.Time()) })
		}
		i = j
	}
	s.versions = newByKey(byUnit, func(v *Version) int64 { return v.UnitID })
	// every version that had a parent, by parent and then name order
	byParent := make([]*Version, 0, len(all))
	for _, v := range all {
		if v.ParentID != 0 {
			byParent = append(byParent, v)
		}
	}
	// (an array indexed by parent id, as the versions: a map of slices
	// was 3 MB nationally for the collector to scan, issue 14, h16gc)
	byParent = groupBy(byParent, func(v *Version) int64 { return v.ParentID })
	s.children = newByKey(byParent, func(v *Version) int64 { return v.ParentID })
	for _, l := range links {
		s.preds[l.SuccessorID] = append(s.preds[l.SuccessorID], l)
		s.succs[l.PredecessorID] = append(s.succs[l.PredecessorID], l)
	}
	for _, e := range events {
		s.events[e.ID] = e
	}
	return s
}

// At is the version of unit id in force on d, or nil.
func (s *Snapshot) At(id int64, d day.Day) *Version {
	for _, v := range s.versions.of(id) {
		if v.ValidAt(d) {
			return v
		}
	}
	return nil
}

// Exists reports whether unit id exists at any time.
func (s *Snapshot) Exists(id int64) bool { return len(s.versions.of(id)) > 0 }

// History is every version of unit id, oldest first.
func (s *Snapshot) History(id int64) []*Version { return s.versions.of(id) }

// Latest is the newest version of unit id (the current one, or the last
// before it ended), or nil.
func (s *Snapshot) Latest(id int64) *Version {
	vs := s.versions.of(id)
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// Children are the units directly under id on d, in Vietnamese name order.
func (s *Snapshot) Children(id int64, d day.Day) []*Version {
	var out []*Version
	for _, v := range s.children.of(id) {
		if v.ValidAt(d) {
			out = append(out, v)
		}
	}
	return out
}

// Ancestors are the units above id on d, the root first.
func (s *Snapshot) Ancestors(id int64, d day.Day) []*Version {
	v := s.At(id, d)
	if v == nil {
		return nil
	}
	var out []*Version
	for _, p := range pathIDs(v.Path) {
		if p == id {
			break
		}
		if a := s.At(p, d); a != nil {
			out = append(out, a)
		}
	}
	return out
}

// Walk calls fn for every unit in the subtree of id on d (id included),
// depth first; fn returning false skips a unit's subtree.
func (s *Snapshot) Walk(id int64, d day.Day, fn func(v *Version) bool) {
	v := s.At(id, d)
	if v == nil {
		return
	}
	var walk func(v *Version)
	walk = func(v *Version) {
		if !fn(v) {
			return
		}
		for _, c := range s.children.of(v.UnitID) {
			if c.ValidAt(d) {
				walk(c)
			}
		}
	}
	walk(v)
}

// CountByLevel counts the units of each level below id on d (id excluded).
func (s *Snapshot) CountByLevel(id int64, d day.Day) map[Level]int {
	counts := map[Level]int{}
	s.Walk(id, d, func(v *Version) bool {
		if v.UnitID != id {
			counts[v.Level]++
		}
		return true
	})
	return counts
}

// Predecessors are the links into unit id (what it came from).
func (s *Snapshot) Predecessors(id int64) []Link { return s.preds[id] }

// Successors are the links out of unit id (what it became).
func (s *Snapshot) Successors(id int64) []Link { return s.succs[id] }

// Event returns an event by id, or nil.
func (s *Snapshot) Event(id int64) *Event { return s.events[id] }

// Covers reports whether target is, or ever was, inside scope's subtree,
// or inside the subtree of a unit that scope was formed from: a user of the
// new Gia Lai keeps seeing old Gia Lai and old Bình Định, whose figures are
// their history, and a user of a province sees a commune that has since
// moved or ended. Nothing else.
func (s *Snapshot) Covers(scope, target int64) bool {
	if scope == target {
		return true
	}
	for _, needle := range s.scopeNeedles(scope) {
		for _, v := range s.versions.of(target) {
			if strings.Contains(v.Path, needle) {
				return true
			}
		}
	}
	return false
}

// CoversFunc is Covers(scope, ·) for many targets: the scope's needles
// made once (Covers makes them at each call).
func (s *Snapshot) CoversFunc(scope int64) func(target int64) bool {
	needles := s.scopeNeedles(scope)
	return func(target int64) bool {
		if scope == target {
			return true
		}
		for _, needle := range needles {
			for _, v := range s.versions.of(target) {
				if strings.Contains(v.Path, needle) {
					return true
				}
			}
		}
		return false
	}
}

// scopeNeedles are the path fragments of scope and of every unit it was
// (transitively) formed from.
func (s *Snapshot) scopeNeedles(scope int64) []string {
	var out []string
	seen := map[int64]bool{}
	var add func(id int64)
	add = func(id int64) {
		if seen[id] {
			return
		}
		seen[id] = true
		out = append(out, "/"+strconv.FormatInt(id, 10)+"/")
		for _, l := range s.preds[id] {
			add(l.PredecessorID)
		}
	}
	add(scope)
	return out
}

// inAny reports whether a path contains any of the needles.
func inAny(path string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(path, n) {
			return true
		}
	}
	return false
}

// FindByCode returns the unit of level l with code on d, or nil. Codes are
// reused over time, so the date matters.
func (s *Snapshot) FindByCode(l Level, code string, d day.Day) *Version {
	for _, v := range s.all {
		if v.Code == code && v.Level == l && v.ValidAt(d) {
			return v
		}
	}
	return nil
}

// codeIndex maps (level, code) to the versions valid on one date, for
// importers that look up thousands of codes.
func (s *Snapshot) codeIndex(d day.Day) map[string]*Version {
	idx := make(map[string]*Version)
	for _, v := range s.all {
		if v.Code != "" && v.ValidAt(d) {
			idx[string(v.Level)+"/"+v.Code] = v
		}
	}
	return idx
}

// Search finds units on d whose folded name (or code) contains every word
// of the query typed with or without diacritics, best matches first:
// "dak lak" finds "Tỉnh Đắk Lắk". Only units inside scope are returned.
func (s *Snapshot) Search(query string, d day.Day, scope int64, limit int) []*Version {
	q := locale.Fold(query)
	if q == "" {
		return nil
	}
	words := strings.Fields(q)
	needles := s.scopeNeedles(scope)
	type hit struct {
		v    *Version
		rank int
	}
	var hits []hit
	for _, v := range s.all {
		if !v.ValidAt(d) || !inAny(v.Path, needles) {
			continue
		}
		if v.Code == q {
			hits = append(hits, hit{v, 0})
			continue
		}
		ok := true
		for _, w := range words {
			if !strings.Contains(v.Folded, w) {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		// exact names first, then names that hold every typed word as a
		// whole word ("ia o": Xã Ia O before Phường Bà Rịa, whose "ia" and
		// "o" are only inside "ria" and "phuong"), then as the start of a
		// word, then anywhere
		rank := 5
		bare := stripKind(v.Folded, v.Kind)
		switch {
		case bare == q:
			rank = 1
		case strings.HasPrefix(bare, q):
			rank = 2
		default:
			rank = 3 + wordMatch(strings.Fields(v.Folded), words)
		}
		hits = append(hits, hit{v, rank*10 + v.Level.depthRank()})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].rank < hits[j].rank })
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]*Version, len(hits))
	for i, h := range hits {
		out[i] = h.v
	}
	return out
}

// wordMatch is 0 when every typed word is a whole word of the name, 1
// when each at least starts a word, 2 otherwise.
func wordMatch(name, typed []string) int {
	worst := 0
	for _, w := range typed {
		best := 2
		for _, n := range name {
			if n == w {
				best = 0
				break
			}
			if strings.HasPrefix(n, w) {
				best = 1
			}
		}
		worst = max(worst, best)
	}
	return worst
}

// stripKind drops the name's prefix ("tinh ", "xa ") so that "dak lak"
// matches "Tỉnh Đắk Lắk" exactly.
func stripKind(folded, kind string) string {
	if kind == "" {
		return folded
	}
	return strings.TrimPrefix(folded, locale.Fold(kind)+" ")
}

// depthRank puts provinces before districts before communes in results.
func (l Level) depthRank() int {
	if d := l.depth(); d >= 0 {
		return d
	}
	return 5
}

func pathIDs(path string) []int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		if n, err := strconv.ParseInt(p, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// childPath is the path of a unit id under a parent path.
func childPath(parentPath string, id int64) string {
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// SubtreeRange gives the bounds of a subtree path prefix for SQL: rows with
// path >= lo AND path < hi are the subtree ("/1/4/" → "/1/4/", "/1/40").
func SubtreeRange(path string) (lo, hi string) {
	return path, path[:len(path)-1] + "0"
}

// SortByName orders versions of one snapshot in Vietnamese alphabetical
// order.
func SortByName(vs []*Version) {
	slices.SortFunc(vs, func(a, b *Version) int { return cmp.Compare(a.rank, b.rank) })
}

// UnitsUnder lists every unit that id covers (see Covers).
func (s *Snapshot) UnitsUnder(id int64) []int64 {
	if ids, ok := s.under.Load(id); ok {
		return slices.Clone(ids.([]int64))
	}
	if len(s.versions.of(id)) == 0 {
		return s.unitsUnder(id) // an unknown unit is not kept: the bound holds
	}
	ids := s.unitsUnder(id)
	s.under.Store(id, ids)
	return slices.Clone(ids)
}

func (s *Snapshot) unitsUnder(id int64) []int64 {
	needles := s.scopeNeedles(id)
	seen := map[int64]bool{}
	var out []int64
	for _, v := range s.all {
		if !seen[v.UnitID] && inAny(v.Path, needles) {
			seen[v.UnitID] = true
			out = append(out, v.UnitID)
		}
	}
	return out
}

// Roots are the units whose subtrees make up unit id's area on d: the unit
// itself if in force then, else the units it was formed from that were —
// the new Gia Lai's 2024 is old Gia Lai's and old Bình Định's. Reports and
// lists as of a date before a reorganisation use them.
func (s *Snapshot) Roots(id int64, d day.Day) []*Version {
	if v := s.At(id, d); v != nil {
		return []*Version{v}
	}
	var out []*Version
	seen := map[int64]bool{}
	var walk func(id int64)
	walk = func(id int64) {
		for _, l := range s.Predecessors(id) {
			if seen[l.PredecessorID] {
				continue
			}
			seen[l.PredecessorID] = true
			if v := s.At(l.PredecessorID, d); v != nil {
				out = append(out, v)
			} else {
				walk(l.PredecessorID)
			}
		}
	}
	walk(id)
	return out
}
