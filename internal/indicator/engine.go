package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The roll-up engine. Nothing is precomputed by a batch job: every total
// is computed at request time from the stored values, fast enough because
//
//   - the values of one (indicator, period) — a "cell", a few thousand rows
//     nationally — are read with one range scan of the primary key and kept
//     in memory, tagged with the cell's generation; a request first reads
//     the generations of the cells it needs (one indexed query) and reloads
//     only the cells another transaction has changed, so a value saved on
//     any app server is in every total at the next request; a save on this
//     server patches its copy in place, and another server patches its
//     copy from the change feed (indicator_changes: the units each
//     generation changed), reading the whole cell only when the feed does
//     not reach back to its copy's generation;
//   - the tree as of a date is flattened once into a preorder "layout"
//     (each unit's subtree is a contiguous range of positions), cached per
//     tree generation and shared between dates with the same tree, so a
//     subtree total is a pass over the cell's values with a range test;
//   - restating to today's units maps each old unit, once per layout, to
//     its successors with weights from the lineage.
type engine struct {
	db  *db.DB
	max int // values kept in memory before the least recently used cells go

	mu    sync.Mutex
	cells map[cellKey]*cell
	lists unitLists // the cells' lists of units, one copy of each
	clock uint64
	size  int

	caughtUp, reread int64 // cells patched from the change feed, cached cells read whole again

	layMu    sync.Mutex
	layGen   int64
	layouts  map[day.Day]*layout
	byHash   map[uint64]*layout
	snapshot *org.Snapshot

	exp  expectations // who each form expects, per period (completeness.go)
	idx  posIndexes   // held lists of units in a layout's order (under.go)
	figs figureMemo   // figures kept by the cells they were made from (figmemo.go)
}

// DefaultCacheValues bounds the values held in memory: a value is 9 bytes
// (its value and status) and a cell's units are shared with the cells
// listing the same ones (put), so 4 million are ≈ 36 MB and a few MB of
// lists nationally; were no two cells' units alike, 17 bytes a value,
// ≈ 68 MB. Every national monthly cell of the 27 reported indicators, 34
// months, is 5.6 million: 8 million held them all (≈ 72 MB), a quarter of
// the 300 MB a national server is held under (issue 14, h15mem); with 4
// million the national figures of every month asked again are read again
// in part (2.2 times slower in h14net's run, BENCHMARKS), a province's
// and the recent months' stay held.
const DefaultCacheValues = 4_000_000

func newEngine(d *db.DB) *engine {
	return &engine{db: d, max: DefaultCacheValues, cells: map[cellKey]*cell{}, lists: unitLists{}}
}

type cellKey struct {
	ind    int64
	period string
}

// cell is every stored value of one indicator for one period, sorted by
// unit id.
type cell struct {
	gen   int64
	seen  int64 // the values' generation when gen was last confirmed
	used  uint64
	units []int64
	vals  []float64
	st    []uint8
	at    []int64 // unix seconds of the last change, only for "latest"
}

func (c *cell) find(unit int64) (int, bool) {
	i := sort.Search(len(c.units), func(i int) bool { return c.units[i] >= unit })
	return i, i < len(c.units) && c.units[i] == unit
}

// Value statuses, mirrored from the submission.
const (
	stDraft     uint8 = 0
	stSubmitted uint8 = 1
	stApproved  uint8 = 2
)

// Basis says which values count in a total.
type Basis string

// The bases: every value entered (live), those submitted or approved, or
// approved ones only.
const (
	BasisAll       Basis = "all"
	BasisSubmitted Basis = "submitted"
	BasisApproved  Basis = "approved"
)

func (b Basis) min() uint8 {
	switch b {
	case BasisSubmitted:
		return stSubmitted
	case BasisApproved:
		return stApproved
	}
	return stDraft
}

// ParseBasis reads a basis, approved by default: wherever a leader looks,
// a figure counts only what has been checked.
func ParseBasis(s string) Basis {
	switch Basis(s) {
	case BasisSubmitted, BasisAll:
		return Basis(s)
	}
	return BasisApproved
}

// load returns the cells for keys, reloading those whose generation moved.
// withTime asks for the change times (the "latest" aggregation). Whether
// any value changed at all is the values' generation, which the request
// reads with its others (db.Generation): the cells' own generations are
// read only for cells not confirmed since it last moved.
func (e *engine) load(ctx context.Context, keys []cellKey, withTime map[int64]bool) (map[cellKey]*cell, error) {
	out := make(map[cellKey]*cell, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	all, err := e.db.Generation(ctx, valuesGeneration)
	if err != nil {
		return nil, err
	}
	unsure := map[cellKey]bool{}
	e.mu.Lock()
	for _, k := range keys {
		if c := e.cells[k]; c == nil || c.seen != all {
			unsure[k] = true
		}
	}
	e.mu.Unlock()
	gens := map[cellKey]int64{}
	if len(unsure) > 0 {
		list := make([]cellKey, 0, len(unsure))
		for k := range unsure {
			list = append(list, k)
		}
		if gens, err = e.generations(ctx, list); err != nil {
			return nil, err
		}
	}
	stale := map[int64][]string{} // indicator → periods to read
	behind := map[cellKey]*cell{} // cells to patch from the change feed
	e.mu.Lock()
	e.clock++
	for _, k := range keys {
		c := e.cells[k]
		g := gens[k]
		if !unsure[k] {
			g = c.gen
		}
		if c != nil && c.gen == g && (!withTime[k.ind] || c.at != nil || len(c.units) == 0) {
			c.used, c.seen = e.clock, all
			out[k] = c
			continue
		}
		if g == 0 { // never written: empty, nothing to read
			c = &cell{used: e.clock, seen: all}
			e.put(k, c)
			out[k] = c
			continue
		}
		if _, dup := out[k]; dup {
			continue
		}
		out[k] = nil
		if c != nil && g > c.gen && (!withTime[k.ind] || c.at != nil) {
			behind[k] = c // patched from the change feed, below
			continue
		}
		stale[k.ind] = append(stale[k.ind], k.period)
	}
	e.mu.Unlock()
	for k, c := range behind {
		n, err := e.catchUp(ctx, k, c, gens[k])
		if err != nil {
			return nil, err
		}
		if n == nil { // the feed does not reach back: read it all
			stale[k.ind] = append(stale[k.ind], k.period)
			continue
		}
		e.mu.Lock()
		e.caughtUp++
		n.used, n.seen = e.clock, all
		if old := e.cells[k]; old == nil || old.gen < n.gen {
			e.put(k, n)
		}
		e.mu.Unlock()
		out[k] = n
	}
	for ind, periods := range stale {
		got, err := e.read(ctx, ind, periods, withTime[ind])
		if err != nil {
			return nil, err
		}
		e.mu.Lock()
		for p, c := range got {
			k := cellKey{ind, p}
			c.gen, c.seen = gens[k], all
			c.used = e.clock
			if e.cells[k] != nil {
				e.reread++
			}
			e.put(k, c)
			out[k] = c
		}
		e.evict()
		e.mu.Unlock()
	}
	return out, nil
}

// generations reads the generation of each cell (0 for a cell never
// written).
func (e *engine) generations(ctx context.Context, keys []cellKey) (map[cellKey]int64, error) {
	inds, periods := map[int64]bool{}, map[string]bool{}
	for _, k := range keys {
		inds[k.ind], periods[k.period] = true, true
	}
	args := make([]any, 0, len(inds)+len(periods))
	var qi, qp []string
	for i := range inds {
		args = append(args, i)
		qi = append(qi, "$"+strconv.Itoa(len(args)))
	}
	for p := range periods {
		args = append(args, p)
		qp = append(qp, "$"+strconv.Itoa(len(args)))
	}
	rows, err := e.db.QueryContext(ctx, `SELECT indicator_id, period, generation FROM indicator_cells
		WHERE indicator_id IN (`+strings.Join(qi, ",")+`) AND period IN (`+strings.Join(qp, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("cell generations: %w", err)
	}
	defer rows.Close()
	out := make(map[cellKey]int64, len(keys))
	for rows.Next() {
		var k cellKey
		var g int64
		if err := rows.Scan(&k.ind, &k.period, &g); err != nil {
			return nil, err
		}
		out[k] = g
	}
	return out, rows.Err()
}

// read loads the values of one indicator for some periods.
func (e *engine) read(ctx context.Context, ind int64, periods []string, withTime bool) (map[string]*cell, error) {
	args := []any{ind}
	var qp []string
	for _, p := range periods {
		args = append(args, p)
		qp = append(qp, "$"+strconv.Itoa(len(args)))
	}
	cols := `period, unit_id, COALESCE(value, 0), status`
	if withTime {
		cols += `, updated_at`
	}
	rows, err := e.db.QueryContext(ctx, `SELECT `+cols+` FROM indicator_values WHERE indicator_id = $1 AND period IN (`+
		strings.Join(qp, ",")+`) ORDER BY period, unit_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	defer rows.Close()
	out := make(map[string]*cell, len(periods))
	for _, p := range periods {
		out[p] = &cell{}
	}
	var period string
	var cur *cell
	for rows.Next() {
		var p string
		var unit int64
		var v float64
		var st uint8
		var at time.Time
		dest := []any{&p, &unit, &v, &st}
		if withTime {
			dest = append(dest, &at)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if cur == nil || p != period {
			period, cur = p, out[p]
			if cur == nil {
				cur = &cell{}
				out[p] = cur
			}
		}
		cur.units = append(cur.units, unit)
		cur.vals = append(cur.vals, v)
		cur.st = append(cur.st, st)
		if withTime {
			cur.at = append(cur.at, at.Unix())
		}
	}
	for _, c := range out {
		// held at their length: appending leaves up to a quarter unused
		c.vals, c.st = slices.Clone(c.vals), slices.Clone(c.st)
		if withTime {
			c.at = append([]int64{}, c.at...)
		}
	}
	return out, rows.Err()
}

// evict drops the least recently used cells while over the bound (mu held).
func (e *engine) evict() {
	if e.size <= e.max {
		return
	}
	type lru struct {
		k    cellKey
		used uint64
	}
	all := make([]lru, 0, len(e.cells))
	for k, c := range e.cells {
		all = append(all, lru{k, c.used})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].used < all[j].used })
	for _, x := range all {
		if e.size <= e.max*9/10 {
			break
		}
		e.size -= len(e.cells[x.k].units)
		delete(e.cells, x.k)
	}
	e.sweep()
}

// change is one value as a save left it.
type change struct {
	unit    int64
	val     float64
	st      uint8
	at      int64
	deleted bool
}

// catchUp brings c, the cached copy of cell k, to generation g or later
// from the change feed: the units changed at each generation after c's,
// with their values as they are now, applied to a copy of c. It returns
// nil when the feed does not hold every generation from c's to g (a bulk
// load writes none; a save trims the old ones): the caller then reads the
// whole cell. A value changed again since g is read as it is now and the
// copy takes the generation of the last change read, so the next request
// applies nothing twice that it has not already got right.
func (e *engine) catchUp(ctx context.Context, k cellKey, c *cell, g int64) (*cell, error) {
	rows, err := e.db.QueryContext(ctx, `SELECT ch.generation, ch.unit_id, v.value, v.status, v.updated_at
		FROM indicator_changes ch LEFT JOIN indicator_values v
			ON v.indicator_id = ch.indicator_id AND v.period = ch.period AND v.unit_id = ch.unit_id
		WHERE ch.indicator_id = $1 AND ch.period = $2 AND ch.generation > $3
		ORDER BY ch.generation`, k.ind, k.period, c.gen)
	if err != nil {
		return nil, fmt.Errorf("change feed: %w", err)
	}
	defer rows.Close()
	last := c.gen
	var changes []change
	for rows.Next() {
		var gen, unit int64
		var v sql.NullFloat64
		var st sql.NullInt64
		var at sql.NullTime
		if err := rows.Scan(&gen, &unit, &v, &st, &at); err != nil {
			return nil, err
		}
		if gen > last+1 { // a generation without rows
			return nil, rows.Close()
		}
		last = gen
		ch := change{unit: unit, deleted: !st.Valid, val: v.Float64, st: uint8(st.Int64)}
		if at.Valid {
			ch.at = at.Time.Unix()
		}
		changes = append(changes, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if last < g {
		return nil, nil
	}
	n := c.with(changes)
	n.gen = last
	return n, nil
}

// with returns a copy of c with changes applied (copy on write: a request
// may be reading c's slices).
func (c *cell) with(changes []change) *cell {
	n := &cell{gen: c.gen, used: c.used, units: append([]int64(nil), c.units...), vals: append([]float64(nil), c.vals...),
		st: append([]uint8(nil), c.st...)}
	if c.at != nil {
		n.at = append([]int64{}, c.at...)
	}
	for _, ch := range changes {
		i, ok := n.find(ch.unit)
		switch {
		case ch.deleted && ok:
			n.units = append(n.units[:i], n.units[i+1:]...)
			n.vals = append(n.vals[:i], n.vals[i+1:]...)
			n.st = append(n.st[:i], n.st[i+1:]...)
			if n.at != nil {
				n.at = append(n.at[:i], n.at[i+1:]...)
			}
		case ch.deleted:
		case ok:
			n.vals[i], n.st[i] = ch.val, ch.st
			if n.at != nil {
				n.at[i] = ch.at
			}
		default:
			n.units = append(n.units[:i], append([]int64{ch.unit}, n.units[i:]...)...)
			n.vals = append(n.vals[:i], append([]float64{ch.val}, n.vals[i:]...)...)
			n.st = append(n.st[:i], append([]uint8{ch.st}, n.st[i:]...)...)
			if n.at != nil {
				n.at = append(n.at[:i], append([]int64{ch.at}, n.at[i:]...)...)
			}
		}
	}
	return n
}

// patch applies a committed save to the cached cell when the cache held
// the generation just before it; otherwise it leaves the cell as it is
// (another write came between), and the next request, finding the cell's
// generation moved, patches it from the change feed (catchUp).
func (e *engine) patch(k cellKey, gen int64, changes []change) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.cells[k]
	if c == nil {
		return
	}
	if c.gen != gen-1 {
		return // another write came between: the next request catches up from the change feed
	}
	n := c.with(changes)
	n.gen = gen
	e.put(k, n)
}

// put holds c as cell k (mu held). Its units are shared with the cells
// held with the same ones: the indicators of one form are reported by the
// same units, so a period's cells mostly list the same thousands of units,
// and a value then costs 9 bytes (its value and status), not 17. Cells are
// copied on write (cell.with), never changed, so sharing is safe.
func (e *engine) put(k cellKey, c *cell) {
	if old := e.cells[k]; old != nil {
		e.size -= len(old.units)
	}
	c.units = e.lists.intern(c.units)
	e.cells[k] = c
	e.size += len(c.units)
}

// unitLists holds one copy of each list of units the cells hold, by a
// hash of it. It holds no list that no cell holds: evict sweeps it.
type unitLists map[uint64][][]int64

func hashUnits(units []int64) uint64 {
	h := uint64(14695981039346656037)
	for _, u := range units {
		h = (h ^ uint64(u)) * 1099511628211
	}
	return h
}

// intern returns the copy held of units, holding units (at its length) if
// none is.
func (l unitLists) intern(units []int64) []int64 {
	if len(units) == 0 {
		return units
	}
	h := hashUnits(units)
	for _, held := range l[h] {
		if slices.Equal(held, units) {
			return held
		}
	}
	units = slices.Clone(units)
	l[h] = append(l[h], units)
	return units
}

// sweep drops the lists no cell holds.
func (e *engine) sweep() {
	held := make(map[*int64]bool, len(e.lists))
	for _, c := range e.cells {
		if len(c.units) > 0 {
			held[&c.units[0]] = true
		}
	}
	for h, lists := range e.lists {
		kept := lists[:0]
		for _, u := range lists {
			if held[&u[0]] {
				kept = append(kept, u)
			}
		}
		if len(kept) == 0 {
			delete(e.lists, h)
		} else {
			e.lists[h] = kept
		}
	}
}

// forget drops cached cells (after a bulk write).
func (e *engine) forget(keys []cellKey) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range keys {
		if c := e.cells[k]; c != nil {
			e.size -= len(c.units)
			delete(e.cells, k)
		}
	}
	e.sweep()
}

// Stats says what the engine holds, for the benchmarks, and how it caught
// up with other servers' writes: cells patched from the change feed
// (CaughtUp), cached cells read again whole (Reread: the feed did not
// reach back, or the cell had no change times and a "latest" figure
// needed them).
type Stats struct {
	Cells, Values, Layouts int
	// Units are the units the cells' lists hold, one copy of each list
	// (put): the memory is 9 bytes a value and 8 a unit
	Units            int
	CaughtUp, Reread int64
	// KeptFigures, FiguresKept: figures held across requests (figmemo.go)
	// and how many of a request's were found there
	KeptFigures int
	FiguresKept int64
}

// Stats reports the cache's size.
func (s *Service) Stats() Stats {
	e := s.eng
	e.mu.Lock()
	st := Stats{Cells: len(e.cells), Values: e.size, CaughtUp: e.caughtUp, Reread: e.reread}
	for _, lists := range e.lists {
		for _, u := range lists {
			st.Units += len(u)
		}
	}
	e.mu.Unlock()
	e.layMu.Lock()
	st.Layouts = len(e.byHash)
	e.layMu.Unlock()
	e.figs.mu.Lock()
	st.KeptFigures, st.FiguresKept = e.figs.n, e.figs.hits
	e.figs.mu.Unlock()
	return st
}

// layout is the tree as of one date, flattened in preorder: the subtree of
// the unit at position i is positions [i, end[i]).
type layout struct {
	serial uint64 // unique to this layout (figmemo.go)
	date   day.Day
	ids    []int64
	parent []int32
	end    []int32
	pos    []int32 // by unit id, -1 when absent (ids beyond len are absent)

	mu    sync.Mutex
	carry map[int64][]placed // restating: units not here, to where they went
	lift  map[int64]int32    // as it was: units not here, to their nearest ancestor here
	// sorted are subtrees' ids ascending, by position (sortedUnder), and
	// how many ids they hold in all
	sorted  map[int32][]int64
	sortedN int
}

// maxSortedIDs bounds the ids a layout keeps sorted by subtree (8 bytes
// each: 1 MB, a few dozen provinces' subtrees with their villages); past
// it the map starts again empty.
const maxSortedIDs = 1 << 17

// sortedUnder are the ids of the subtree at position node, ascending (the
// units measuredUnder asks a measurer for), kept for the layout's life:
// copying and sorting a province's 3,000-odd ids for each of the four
// register figures of its compliance page was a third of their cost. The
// slice is shared: never changed.
func (l *layout) sortedUnder(node int32) []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ids, ok := l.sorted[node]; ok {
		return ids
	}
	ids := slices.Clone(l.ids[node:l.end[node]])
	slices.Sort(ids)
	if l.sorted == nil || l.sortedN+len(ids) > maxSortedIDs {
		l.sorted, l.sortedN = map[int32][]int64{}, 0
	}
	l.sorted[node], l.sortedN = ids, l.sortedN+len(ids)
	return ids
}

// placed is a position and the share of a value that goes there.
type placed struct {
	pos int32
	w   float64
}

func (l *layout) at(unit int64) int32 {
	if unit < 0 || unit >= int64(len(l.pos)) {
		return -1
	}
	return l.pos[unit]
}

// maxLayoutDates bounds the dates whose layout is kept: the layouts
// themselves are few (dates with the same tree share one: a few arrays
// over the units), but any date may be asked for; past the bound the map
// starts again empty.
const maxLayoutDates = 4096

// layoutAt returns the tree as of d for the snapshot, built once per tree
// generation and shared between dates whose trees are the same.
func (e *engine) layoutAt(snap *org.Snapshot, d day.Day) *layout {
	e.layMu.Lock()
	defer e.layMu.Unlock()
	if e.snapshot == nil || e.layGen != snap.Generation || e.snapshot != snap || len(e.layouts) >= maxLayoutDates {
		e.layGen, e.snapshot = snap.Generation, snap
		e.layouts, e.byHash = map[day.Day]*layout{}, map[uint64]*layout{}
	}
	if l := e.layouts[d]; l != nil {
		return l
	}
	l := buildLayout(snap, d)
	h := l.hash()
	if same := e.byHash[h]; same != nil && same.equal(l) {
		l = same
	} else {
		e.byHash[h] = l
	}
	e.layouts[d] = l
	return l
}

func buildLayout(snap *org.Snapshot, d day.Day) *layout {
	l := &layout{serial: layoutSerial.Add(1), date: d, carry: map[int64][]placed{}, lift: map[int64]int32{}}
	var maxID int64
	var walk func(v *org.Version, parent int32)
	walk = func(v *org.Version, parent int32) {
		i := int32(len(l.ids))
		l.ids = append(l.ids, v.UnitID)
		l.parent = append(l.parent, parent)
		l.end = append(l.end, 0)
		if v.UnitID > maxID {
			maxID = v.UnitID
		}
		for _, c := range snap.Children(v.UnitID, d) {
			walk(c, i)
		}
		l.end[i] = int32(len(l.ids))
	}
	if root := snap.At(snap.RootID, d); root != nil {
		walk(root, -1)
	}
	l.pos = make([]int32, maxID+1)
	for i := range l.pos {
		l.pos[i] = -1
	}
	for i, id := range l.ids {
		l.pos[id] = int32(i)
	}
	return l
}

func (l *layout) hash() uint64 {
	h := fnv.New64a()
	var b [12]byte
	for i, id := range l.ids {
		p := l.parent[i]
		for k := 0; k < 8; k++ {
			b[k] = byte(id >> (8 * k))
		}
		for k := 0; k < 4; k++ {
			b[8+k] = byte(p >> (8 * k))
		}
		h.Write(b[:])
	}
	return h.Sum64()
}

func (l *layout) equal(o *layout) bool {
	if len(l.ids) != len(o.ids) {
		return false
	}
	for i := range l.ids {
		if l.ids[i] != o.ids[i] || l.parent[i] != o.parent[i] {
			return false
		}
	}
	return true
}

// children lists the positions of the units directly under position i.
func (l *layout) children(i int32) []int32 {
	var out []int32
	for j := i + 1; j < l.end[i]; j = l.end[j] {
		out = append(out, j)
	}
	return out
}

// liftTo is where a unit not in this tree counts "as it was": its nearest
// ancestor that is (a unit that ended during the period counts in the
// parent it had), or -1.
func (l *layout) liftTo(snap *org.Snapshot, unit int64) int32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p, ok := l.lift[unit]; ok {
		return p
	}
	p := int32(-1)
	var v *org.Version
	for _, h := range snap.History(unit) {
		if !h.From.After(l.date) {
			v = h
		}
	}
	if v != nil {
		ids := strings.Split(strings.Trim(v.Path, "/"), "/")
		for i := len(ids) - 2; i >= 0 && p < 0; i-- {
			if id, err := strconv.ParseInt(ids[i], 10, 64); err == nil {
				p = l.at(id)
			}
		}
	}
	l.lift[unit] = p
	return p
}

// carryTo is where a unit's value goes when restated to this tree: itself
// if it is here; else its successors, each with its share (see Weights);
// else, for a unit that ended without successors (a district of the
// three-level government), where its parent went.
func (l *layout) carryTo(snap *org.Snapshot, unit int64) []placed {
	if p := l.at(unit); p >= 0 {
		return []placed{{p, 1}}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.carryLocked(snap, unit, 0)
}

func (l *layout) carryLocked(snap *org.Snapshot, unit int64, depth int) []placed {
	if p := l.at(unit); p >= 0 {
		return []placed{{p, 1}}
	}
	if got, ok := l.carry[unit]; ok {
		return got
	}
	var out []placed
	if depth < 24 {
		if links := snap.Successors(unit); len(links) > 0 {
			for i, w := range Weights(links) {
				for _, d := range l.carryLocked(snap, links[i].SuccessorID, depth+1) {
					out = append(out, placed{d.pos, d.w * w})
				}
			}
		} else if last := snap.Latest(unit); last != nil && last.ParentID != 0 && !last.To.After(l.date) {
			out = l.carryLocked(snap, last.ParentID, depth+1)
		}
	}
	out = merge(out)
	l.carry[unit] = out
	return out
}

// merge adds up shares that reach the same position by several paths.
func merge(ps []placed) []placed {
	if len(ps) < 2 {
		return ps
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].pos < ps[j].pos })
	out := ps[:1]
	for _, p := range ps[1:] {
		if p.pos == out[len(out)-1].pos {
			out[len(out)-1].w += p.w
		} else {
			out = append(out, p)
		}
	}
	return out
}

// Weights is the share of a predecessor's figures that each of its
// successor links carries when history is restated; the shares add up to
// one, so nothing is counted twice or lost. A lone full link carries all of
// it. Partial links carry the fraction recorded in the mapping, and the
// links without one split what remains equally (two successors of a split
// commune with no fraction recorded get half each). A full link beside
// other links cannot have carried the whole unit (the mapping marks the
// main part "full" when it names no share): it is a link without a
// fraction. Recorded fractions adding up to more than one are scaled down.
func Weights(links []org.Link) []float64 {
	w := make([]float64, len(links))
	if len(links) == 1 {
		if l := links[0]; l.Share == org.ShareFull || l.Fraction == nil {
			w[0] = 1
		} else {
			w[0] = min(*l.Fraction, 1)
		}
		return w
	}
	recorded, unknown := 0.0, 0
	for _, l := range links {
		if fractioned(l) {
			recorded += *l.Fraction
		} else {
			unknown++
		}
	}
	scale, rest := 1.0, 1-recorded
	if recorded > 1 {
		scale, rest = 1/recorded, 0
	}
	for i, l := range links {
		if fractioned(l) {
			w[i] = *l.Fraction * scale
		} else {
			w[i] = rest / float64(unknown)
		}
	}
	return w
}

// fractioned: a partial link with its part recorded.
func fractioned(l org.Link) bool { return l.Share != org.ShareFull && l.Fraction != nil }
