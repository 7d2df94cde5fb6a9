package people

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestPickUnitsAsSearched: pickUnits, stepping through the country's units
// from where it last found one, picks what a binary search of the whole
// country for each unit and stray picks, in ascending order: units dense
// among the country's or scattered, strays among them or beyond, some
// both, none of either.
func TestPickUnitsAsSearched(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 17))
	sorted := func(n int, max int64) []int64 {
		m := map[int64]bool{}
		for range n {
			m[r.Int64N(max)] = true
		}
		var out []int64
		for u := range m {
			out = append(out, u)
		}
		slices.Sort(out)
		return out
	}
	for round := range 300 {
		var pu indicator.PerUnit
		pu.Units = sorted(r.IntN(3000), 20000)
		for _, u := range pu.Units {
			pu.Vals = append(pu.Vals, float64(u%97))
		}
		lo := r.Int64N(20000)
		units := sorted(r.IntN(2000), 1+r.Int64N(20000))
		for i := range units {
			units[i] = (units[i] + lo) % 25000
		}
		slices.Sort(units)
		units = slices.Compact(units)
		strays := sorted(r.IntN(20), 25000)
		if round%10 == 0 && len(units) > 3 {
			strays = append(strays, units[1], units[len(units)-1]) // a unit that is also a stray
			slices.Sort(strays)
			strays = slices.Compact(strays)
		}
		want := map[int64]float64{}
		for _, u := range append(slices.Clone(units), strays...) {
			if i, ok := slices.BinarySearch(pu.Units, u); ok {
				want[u] = pu.Vals[i]
			}
		}
		got := pickUnits(pu, units, strays)
		if len(got.Units) != len(want) || len(got.Vals) != len(got.Units) || !slices.IsSorted(got.Units) {
			t.Fatalf("round %d: %d units picked (sorted %v), want %d", round, len(got.Units), slices.IsSorted(got.Units), len(want))
		}
		for i, u := range got.Units {
			if v, ok := want[u]; !ok || v != got.Vals[i] || (i > 0 && got.Units[i-1] == u) {
				t.Fatalf("round %d: unit %d picked with %v, want %v (%v)", round, u, got.Vals[i], v, ok)
			}
		}
	}
}
