package network

import "iter"

// denseMap maps ids to values in an array indexed by id while the ids are
// dense (the databases hand them out from 1: 4 bytes a team where a map
// took ≈ 60, issue 14, h16gc), and those that would spread it wider than
// 4 × its count + 1024 in a map. The zero value of V means none.
type denseMap[V comparable] struct {
	at     []V
	sparse map[int64]V
	n      int // ids held
}

func (m *denseMap[V]) get(id int64) (V, bool) {
	var zero V
	if id >= 0 && id < int64(len(m.at)) {
		if v := m.at[id]; v != zero || m.sparse == nil {
			return v, v != zero
		}
	}
	v, ok := m.sparse[id] // set there before the array reached it
	return v, ok
}

// set holds v (not the zero value) for id.
func (m *denseMap[V]) set(id int64, v V) {
	var zero V
	switch {
	case id >= 0 && id < int64(len(m.at)):
		if _, ok := m.sparse[id]; ok { // set there before the array reached it
			delete(m.sparse, id)
			m.n--
		}
		if m.at[id] == zero {
			m.n++
		}
		m.at[id] = v
	case id >= 0 && id <= int64(4*(m.n+1)+1024):
		if _, ok := m.sparse[id]; ok {
			delete(m.sparse, id)
			m.n--
		}
		if id >= int64(cap(m.at)) { // grown by a quarter at least
			grown := make([]V, id+1, max(id+1, int64(cap(m.at))*5/4))
			copy(grown, m.at)
			m.at = grown
		}
		m.at = m.at[:id+1]
		m.at[id] = v
		m.n++
	default:
		if m.sparse == nil {
			m.sparse = map[int64]V{}
		}
		if _, ok := m.sparse[id]; !ok {
			m.n++
		}
		m.sparse[id] = v
	}
}

// ids are the ids held, the dense ones ascending first.
func (m *denseMap[V]) ids() iter.Seq[int64] {
	return func(yield func(int64) bool) {
		var zero V
		for id, v := range m.at {
			if v != zero && !yield(int64(id)) {
				return
			}
		}
		for id := range m.sparse {
			if !yield(id) {
				return
			}
		}
	}
}
