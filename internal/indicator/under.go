package indicator

import (
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// A province's figure summed the whole country's values and counted the
// whole country's expected units (3,300 communes a cell nationally, each
// placed in the tree to learn that it lies elsewhere): for a dashboard's
// 144 figures, most of a rebuilt page's CPU. A list of units the engine
// holds (a cell's, shared by the cells of the same units; a form's expected
// units) is indexed once per layout by position, and a figure of a subtree
// visits only the units placed in it and those the layout does not hold
// (lifted to an ancestor or carried to successors, placed one by one as
// before), in the list's order: the sums are added in the same order, so
// the figures are the same to the last bit.

// posIndex is a list of units in a layout's order.
type posIndex struct {
	pos []int32 // the positions of the units the layout holds, ascending
	idx []int32 // the list's index of each
	odd []int32 // the list's indices of the units the layout does not hold, ascending
}

type posKey struct {
	lay   *layout
	first *int64 // the list (its first element and length): held lists are never changed
	n     int
}

// posIndexes keeps the indexes. Bounds: at most maxIndexedUnits units
// indexed in all (8 bytes each, and the lists they pin: at most ≈ 16 MB),
// then it starts again empty; a national commune list is 3,321 units, so
// ≈ 300 lists (cells of distinct units, forms' periods, layouts).
type posIndexes struct {
	mu    sync.Mutex
	m     map[posKey]*posIndex
	units int
}

const maxIndexedUnits = 1 << 20

// minIndexed: a shorter list is walked whole (placing a unit is cheap);
// indexedShare: a subtree that may hold more than 1/indexedShare of a list
// walks it whole too. Variables for the tests (export_test.go), which index
// always or never and compare.
var minIndexed, indexedShare atomic.Int64

func init() { minIndexed.Store(256); indexedShare.Store(4) }

func (x *posIndexes) get(lay *layout, list []int64) *posIndex {
	k := posKey{lay, &list[0], len(list)}
	x.mu.Lock()
	if ix := x.m[k]; ix != nil {
		x.mu.Unlock()
		return ix
	}
	x.mu.Unlock()
	ix := &posIndex{}
	for i, u := range list {
		if q := lay.at(u); q >= 0 {
			ix.pos = append(ix.pos, q)
			ix.idx = append(ix.idx, int32(i))
		} else {
			ix.odd = append(ix.odd, int32(i))
		}
	}
	sort.Sort(byPos{ix})
	x.mu.Lock()
	if x.m == nil || x.units+len(list) > maxIndexedUnits {
		x.m, x.units = map[posKey]*posIndex{}, 0
	}
	x.m[k] = ix
	x.units += len(list)
	x.mu.Unlock()
	return ix
}

type byPos struct{ *posIndex }

func (b byPos) Len() int           { return len(b.pos) }
func (b byPos) Less(i, j int) bool { return b.pos[i] < b.pos[j] }
func (b byPos) Swap(i, j int) {
	b.pos[i], b.pos[j] = b.pos[j], b.pos[i]
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
}

// under lists, in ascending order, the indices of list (a list the engine
// holds) whose units may land in lay's positions [lo, hi): those placed
// there and those the layout does not hold. ok is false when that is not
// much less than the whole list: the caller walks it all.
func (e *engine) under(lay *layout, list []int64, lo, hi int32) (out []int32, ok bool) {
	if int64(len(list)) < minIndexed.Load() {
		return nil, false
	}
	ix := e.idx.get(lay, list)
	a, _ := slices.BinarySearch(ix.pos, lo)
	b, _ := slices.BinarySearch(ix.pos, hi)
	n := b - a + len(ix.odd)
	if int64(n)*indexedShare.Load() > int64(len(list)) {
		return nil, false
	}
	out = make([]int32, 0, n)
	out = append(out, ix.idx[a:b]...)
	out = append(out, ix.odd...)
	slices.Sort(out)
	return out, true
}
