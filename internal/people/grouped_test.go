package people

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// grouped answers as a map of slices would, whatever is replaced and
// however often it packs itself again.
func TestGrouped(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var units []int64
	var recs []int
	for i := range 2000 {
		units = append(units, r.Int64N(300))
		recs = append(recs, i)
	}
	want := map[int64][]int{}
	for i, u := range units {
		want[u] = append(want[u], recs[i])
	}
	g := groupOf(units, recs)
	packs := 0
	for step := range 3000 {
		u := r.Int64N(320)
		var rs []int
		for range r.IntN(4) {
			rs = append(rs, step*10+len(rs))
		}
		before := len(g.recs)
		g.set(u, rs)
		if len(g.recs) < before {
			packs++
		}
		if len(rs) == 0 {
			delete(want, u)
		} else {
			want[u] = rs
		}
		if step%500 == 0 || step == 2999 {
			for u := range int64(320) {
				if got := g.of(u); !slices.Equal(got, want[u]) {
					t.Fatalf("step %d: unit %d holds %v, want %v", step, u, got, want[u])
				}
			}
			if got := slices.Sorted(maps.Keys(g.at)); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
				t.Fatalf("step %d: units %v", step, got)
			}
			if g.dead > len(g.recs)/2 {
				t.Fatalf("step %d: %d of %d records dead", step, g.dead, len(g.recs))
			}
		}
	}
	if packs == 0 {
		t.Fatal("never packed")
	}
}
