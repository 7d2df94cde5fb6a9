package people

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// A part's register while the nation's is first read (issue 14, item 7). A
// server starting on the national database (146,000 people, 130,000 DX
// roles) listens within 0.3 s; a commune's focal person signing in then
// asks for their unit page, whose register figures (REG_DX_STAFF,
// REG_FOCAL_PERSONS through indicator.Service.Measured, measuredUnder,
// MeasureUnits) waited in fresh for the first read of the whole country's
// register under m.mu: the page came 1.5–2.2 s after it was asked (2.3–2.5
// s after exec on a busy machine, SQLite, main at f165343). Now Warm
// reads the whole register as the server starts, and while that first read
// runs (by Warm or by the first request), MeasureUnits reads only the units
// it is asked for, with the same reader (register.read restricted to them,
// then the training of the people holding roles there), into a register of
// the same shape, and counts with the same code (register.count, straysOf,
// pickUnits): a narrower input, one way to compute; the page came 0.76–0.86
// s after exec, side by side (h27people). Everything else — a
// national figure (Measure), the records, the rates of Decision 1690, a
// part of more than maxScopedUnits units — waits for the whole as before.
// The warm-ups run one after another (plans, people, network: app.Run),
// so this third national read does not take a core from the others; with
// all three at once, a province's home came 0.1–0.4 s later.
//
// A unit's count reads nothing but its own roles, committees and focal
// units and the training of the people holding those roles, so a part
// holding a unit answers for it what the whole does. The caller
// (indicator.measuredUnder) also lifts the values of units not in force on
// the window's last day to their nearest ancestor in force ("as it was":
// indicator's layout.liftTo, the unit's last version begun by then, its
// path), and keeps those landing inside the subtree asked: a part therefore
// also reads every unit not in force on that day whose path as of the day
// names one of the units asked (strayUnits; a superset of those landing
// inside, the caller drops the rest). TestScopedRegisterAnswersAsTheWhole
// compares, on both engines, on dates before and after the 2025
// reorganisation.
//
// Writes during the warm-up are not lost: a part holds the people
// generation read before it was read, as the whole does, and is keyed by
// it: a request that read a later generation reads its part again. Parts
// never catch up: they are dropped, all of them, when the first read ends
// (loaded or failed), and every request then counts from the whole.

// maxScoped bounds the parts held during the first read: one per unit set
// (a unit page's subtree on a day, with its strays) and people generation.
// A province's part is ~1/34 of the nation's register (≈ 4,000 roles with
// their people's courses: under 0.5 MB), so 32 of them ≈ 16 MB at most, for
// the seconds of the first read; past the bound a request waits for the
// whole register, as before.
const maxScoped = 32

// maxScopedUnits bounds the units of a part read on its own: a province is
// ≈ 1,000–2,500 units with the units it absorbed; past 10,000 the part is a
// large share of the nation, better waited for whole than read twice.
const maxScopedUnits = 10000

// partKey is what a part depends on: the units read (ascending, as a list
// of ids) and the people generation read before them.
type partKey struct {
	units string
	gen   int64
}

// scopedHook, when set (by a test), runs in the request reading a part
// before it reads: a test holds it there to have others join it.
var scopedHook func()

// scoped is MeasureUnits from a part's register while the whole's first
// read runs; ok is false (and err nil) when the whole is to be waited for:
// the first read is not running, the units are too many, or maxScoped
// parts are held.
func (m *measurer) scoped(ctx context.Context, code string, w indicator.Window, units []int64, snap *org.Snapshot) (indicator.PerUnit, bool, error) {
	if len(units) == 0 || len(units) > maxScopedUnits {
		return indicator.PerUnit{}, false, nil
	}
	read := m.strayUnits(snap, w.To, units)
	if read == nil {
		return indicator.PerUnit{}, false, nil
	}
	gen, err := m.s.db.Generation(ctx, Generation)
	if err != nil {
		return indicator.PerUnit{}, false, err
	}
	// a part read before a write this request saw is read again
	part, ok, err := m.parts.Get(ctx, partKey{units: db.IDList(read), gen: gen}, maxScoped, func(r *register) bool { return r.gen >= gen },
		func(ctx context.Context) (*register, error) {
			if scopedHook != nil {
				scopedHook()
			}
			return m.s.readPart(ctx, read, gen)
		})
	if !ok || err != nil {
		return indicator.PerUnit{}, false, err
	}
	pu := part.count(code, w.To)
	return pickUnits(pu, units, straysOf(pu, snap, w.To)), true, nil
}

// readPart reads the register of units (ascending, not empty) as the whole
// is read (register.read), then the training of the people holding roles
// there (register.read given units reads the training of the people it is
// given, none when none: they are known only once the roles are read),
// under the people generation gen read before it.
func (s *Service) readPart(ctx context.Context, units []int64, gen int64) (*register, error) {
	part := &register{gen: gen}
	if err := part.read(ctx, s.db, units, nil); err != nil {
		return nil, err
	}
	var persons []int64
	for _, r := range part.roles.recs {
		if r.person != 0 {
			persons = append(persons, r.person)
		}
	}
	slices.Sort(persons)
	persons = slices.Compact(persons)
	if err := part.readTraining(ctx, s.db, persons, false); err != nil {
		return nil, err
	}
	return part, nil
}

// strayUnits are units (ascending) and every unit not in force on d whose
// version as of d (its last begun by then) has one of units on its path:
// the units whose values an "as it was" figure of units on d may read
// (indicator's layout.liftTo). nil when they are more than maxScopedUnits.
func (m *measurer) strayUnits(snap *org.Snapshot, d day.Day, units []int64) []int64 {
	g := m.gone.on(snap, d)
	out := slices.Clone(units)
	for i, u := range g.units {
		for _, p := range g.above[i] {
			if _, ok := slices.BinarySearch(units, p); ok {
				out = append(out, u)
				break
			}
		}
		if len(out) > maxScopedUnits {
			return nil
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// goneOn are the units not in force on a day that had begun by then, each
// with the units above it on its path as of the day (its last version
// begun by then).
type goneOn struct {
	units []int64
	above [][]int64
}

// goneCache keeps goneOn for the days asked of one tree: the national tree
// has ≈ 11,000 units that ended on 2025-07-01 (districts and merged
// communes), each with 2–4 ids above it, ≈ 0.5 MB a day; at most countDays
// days are kept, all dropped when the tree changes or the first read ends.
type goneCache struct {
	mu   sync.Mutex
	snap *org.Snapshot
	days map[day.Day]*goneOn
}

// drop forgets the days kept (the first read is over: no part asks again).
func (c *goneCache) drop() {
	c.mu.Lock()
	c.snap, c.days = nil, nil
	c.mu.Unlock()
}

func (c *goneCache) on(snap *org.Snapshot, d day.Day) *goneOn {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap == snap {
		if g := c.days[d]; g != nil {
			return g
		}
	}
	if c.snap != snap || len(c.days) >= countDays {
		c.snap, c.days = snap, map[day.Day]*goneOn{}
	}
	g := &goneOn{}
	for _, u := range snap.UnitsUnder(snap.RootID) {
		if snap.At(u, d) != nil {
			continue
		}
		var v *org.Version
		for _, h := range snap.History(u) {
			if !h.From.After(d) {
				v = h
			}
		}
		if v == nil {
			continue
		}
		var above []int64
		for _, s := range strings.Split(strings.Trim(v.Path, "/"), "/") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil && id != u {
				above = append(above, id)
			}
		}
		g.units, g.above = append(g.units, u), append(g.above, above)
	}
	c.days[d] = g
	return g
}
