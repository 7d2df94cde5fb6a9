package indicator

import "math"

// IndexSubtrees makes a figure of a subtree visit the units it holds
// through the engine's index (under.go), and figures of a few units find
// them one by one (figuresAt), always (on) or never, whatever the list's
// length, the subtree's share, the number of units; restore puts the
// defaults back.
func IndexSubtrees(on bool) (restore func()) {
	m, sh, few := minIndexed.Load(), indexedShare.Load(), fewPositions.Load()
	if on {
		minIndexed.Store(1)
		indexedShare.Store(1)
		fewPositions.Store(math.MaxInt64)
	} else {
		minIndexed.Store(math.MaxInt64)
		fewPositions.Store(-1)
	}
	return func() { minIndexed.Store(m); indexedShare.Store(sh); fewPositions.Store(few) }
}

// MeasureSubtrees makes Measured of one unit read its subtree's values
// from a UnitsMeasurer (on) or the whole country's (off); restore puts
// the default back.
func MeasureSubtrees(on bool) (restore func()) {
	was := measureSubtrees.Load()
	measureSubtrees.Store(on)
	return func() { measureSubtrees.Store(was) }
}

// KeepFigures turns the figures kept across requests (figmemo.go) on or
// off; restore puts the default back.
func KeepFigures(on bool) (restore func()) {
	was := memoFigures.Load()
	memoFigures.Store(on)
	return func() { memoFigures.Store(was) }
}

// PeriodKeyFormatted is a period's key as formatted, not looked up.
func PeriodKeyFormatted(p Period) string { return p.key() }
