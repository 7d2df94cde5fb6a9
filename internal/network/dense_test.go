package network

import (
	"maps"
	"slices"
	"testing"
)

// A denseMap answers as a map whatever the ids: dense from 1, with gaps,
// far apart (then held in its map), set again.
func TestDenseMap(t *testing.T) {
	var m denseMap[int32]
	want := map[int64]int32{}
	put := func(id int64, v int32) {
		m.set(id, v)
		want[id] = v
	}
	for id := int64(1); id <= 3000; id++ {
		put(id, int32(id*7))
	}
	put(5000, 1)
	put(1<<40, 2)
	put(17000, 6) // in the map, then reached by the array below
	put(40000, 7)
	for id := int64(3001); id <= 5000; id++ {
		put(id, int32(id))
	}
	put(20000, 9) // the array now reaches 17000, held in the map
	put(7, 3)
	put(1<<40, 4)
	put(9000, 5)
	for id, v := range want {
		if got, ok := m.get(id); !ok || got != v {
			t.Fatalf("id %d: %d %v, want %d", id, got, ok, v)
		}
	}
	for _, id := range []int64{0, 5001, 16999, 1<<40 + 1, -1} {
		if _, ok := m.get(id); ok {
			t.Fatalf("id %d held", id)
		}
	}
	if got, w := slices.Sorted(m.ids()), slices.Sorted(maps.Keys(want)); !slices.Equal(got, w) || m.n != len(want) {
		t.Fatalf("ids %d (n %d), want %d", len(got), m.n, len(w))
	}
	if len(m.sparse) < 1 {
		t.Fatalf("no id in the map")
	}
}
