package indicator

import (
	"sync"
	"sync/atomic"
	"weak"
)

// Figures kept across requests. A rebuilt page is made again because some
// generation moved — nearly always one value written, one cell replaced —
// yet a dashboard computed its 144 figures again from the values, and an
// indicator's page its breakdown, its standing and its 36 periods: most of
// a rebuilt indicator page's CPU nationally. A cell is never changed (a
// write replaces it, cell.with), so the figures of one indicator, period
// and subtree made from a cell are those of the same cell object as long
// as nothing else they read moved: the tree's layout (a layout belongs to
// one snapshot of the tree), the definitions, the forms and the threshold
// (the definitions' generation moves with each of them), the basis and the
// mode. They are kept under those, the cell named by a weak pointer (a
// kept figure never holds an old cell in memory); a written cell is a new
// object, whose figures are made again. Only a reported indicator's single
// period is kept (one cell: a year of a monthly indicator reads twelve, a
// measured one reads its register) and a formula's parts are: the formula
// itself is evaluated again, cheaply.
//
// Bound: maxMemoFigures figures in all (a Figure is 56 bytes and its value
// 8, so ≈ 4 MB with the map), then it starts again empty.

const maxMemoFigures = 1 << 16

// memoFigures turns the memo off for the tests that compare it with the
// figures made again (export_test.go).
var memoFigures atomic.Bool

func init() { memoFigures.Store(true) }

type figKey struct {
	cell   weak.Pointer[cell]
	ind    int64
	period string
	lay    uint64 // the layout's serial
	node   int32
	kids   bool  // the node and its children, or the node alone
	defs   int64 // the definitions' generation: the indicator, the forms, the threshold
	basis  Basis
	mode   Mode
}

type figureMemo struct {
	mu   sync.Mutex
	m    map[figKey][]Figure
	n    int   // figures held
	hits int64 // figures found
}

// layoutSerial numbers the layouts: a kept figure names its layout
// without holding it in memory.
var layoutSerial atomic.Uint64

// figKey is the key of ind's figures for p at targets, and whether they
// may be kept (see above).
func (c *calc) figKey(ind *Indicator, p Period, lay *layout, targets []int32) (figKey, bool) {
	if !memoFigures.Load() || ind.IsMeasured() || ind.Computed() || len(targets) == 0 || lay.serial == 0 {
		return figKey{}, false
	}
	if p.Type != ind.PeriodType {
		return figKey{}, false
	}
	key := p.Key()
	cl := c.cells[cellKey{ind.ID, key}]
	if cl == nil {
		return figKey{}, false
	}
	// targets are a node alone or with its children (lay.children): the
	// node and the layout say which
	return figKey{cell: weak.Make(cl), ind: ind.ID, period: key, lay: lay.serial, node: targets[0], kids: len(targets) > 1,
		defs: c.defs.gen, basis: c.basis, mode: c.mode}, true
}

func (m *figureMemo) get(k figKey, n int) []Figure {
	m.mu.Lock()
	got := m.m[k]
	if got != nil && len(got) == n {
		m.hits += int64(n)
	}
	m.mu.Unlock()
	if got == nil || len(got) != n {
		return nil
	}
	return append([]Figure(nil), got...)
}

func (m *figureMemo) put(k figKey, figs []Figure) {
	kept := append([]Figure(nil), figs...)
	m.mu.Lock()
	if m.m == nil || m.n+len(kept) > maxMemoFigures {
		m.m, m.n = map[figKey][]Figure{}, 0
	}
	if old, ok := m.m[k]; ok {
		m.n -= len(old)
	}
	m.m[k] = kept
	m.n += len(kept)
	m.mu.Unlock()
}
