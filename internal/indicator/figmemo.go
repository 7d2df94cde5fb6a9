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
// mode. They are kept under those, the cells named by weak pointers (a
// kept figure never holds an old cell in memory); a written cell is a new
// object, whose figures are made again. A reported indicator's figures are
// kept (of its own period, one cell; of a longer one, up to twelve: a
// year's progress against a target), not a measured one's (its register
// is read, not cells), and of a formula its parts: the formula itself is
// evaluated again, cheaply.
//
// Bound: maxMemoFigures figures in all (a Figure is 56 bytes and its value
// 8, so ≈ 4 MB with the map), then it starts again empty.

const maxMemoFigures = 1 << 16

// memoFigures turns the memo off for the tests that compare it with the
// figures made again (export_test.go).
var memoFigures atomic.Bool

func init() { memoFigures.Store(true) }

// maxMemoParts: a figure of a period made of up to this many of the
// indicator's own (a year of months) is kept under all their cells.
const maxMemoParts = 12

type figKey struct {
	cells  [maxMemoParts]weak.Pointer[cell]
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
	parts := p.Within(ind.PeriodType)
	if len(parts) == 0 || len(parts) > maxMemoParts {
		return figKey{}, false
	}
	// targets are a node alone or with its children (lay.children): the
	// node and the layout say which
	k := figKey{ind: ind.ID, period: p.Key(), lay: lay.serial, node: targets[0], kids: len(targets) > 1,
		defs: c.defs.gen, basis: c.basis, mode: c.mode}
	for i, q := range parts {
		cl := c.cells[cellKey{ind.ID, q.Key()}]
		if cl == nil {
			return figKey{}, false
		}
		k.cells[i] = weak.Make(cl)
	}
	return k, true
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
