package db

import (
	"container/list"
	"sync"
)

// Kept is the one cache of things made from data that generations guard
// (the page cache's pages, internal/web/pagecache.go; the API's kept
// answers, internal/api/kept.go): each value is kept with the generations
// its making read (Deps) and given again while a later read of them
// (Gens, the request's) finds them unchanged; a value found changed is
// dropped. Bounded by its entries and their bytes (each value's size, as
// its owner counts it); a value larger than maxEntry is not kept; the
// least recently used leave first. The bounds are its owner's, stated
// there.
type Kept[K comparable, V comparable] struct {
	mu                          sync.Mutex
	ll                          *list.List // front: most recently used; values *keptEl[K, V]
	index                       map[K]*list.Element
	maxEntries, maxBytes, maxEl int
	bytes                       int
	hits, misses                int64
}

type keptEl[K comparable, V comparable] struct {
	key  K
	val  V
	deps []Dep
	all  bool
	size int
}

// NewKept makes a cache of at most entries values and bytes bytes in all,
// none over maxEntry.
func NewKept[K comparable, V comparable](entries, bytes, maxEntry int) *Kept[K, V] {
	return &Kept[K, V]{ll: list.New(), index: map[K]*list.Element{}, maxEntries: entries, maxBytes: bytes, maxEl: maxEntry}
}

// Get is k's value while what its making read is as in gens.
func (c *Kept[K, V]) Get(k K, gens Gens) (v V, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, found := c.index[k]
	if !found {
		c.misses++
		return v, false
	}
	e := el.Value.(*keptEl[K, V])
	if !Unchanged(e.deps, e.all, gens) {
		c.remove(el)
		c.misses++
		return v, false
	}
	c.ll.MoveToFront(el)
	c.hits++
	return e.val, true
}

// Put keeps v for k, made from what deps (all: every generation) say,
// size bytes; it replaces what k had.
func (c *Kept[K, V]) Put(k K, v V, deps []Dep, all bool, size int) {
	if size > c.maxEl {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[k]; ok {
		c.remove(el)
	}
	c.index[k] = c.ll.PushFront(&keptEl[K, V]{key: k, val: v, deps: deps, all: all, size: size})
	c.bytes += size
	c.trim()
}

// Grow runs add while k still holds v, under the cache's lock, and counts
// the bytes it says it added to v (the page cache's whole page, made after
// its content was kept).
func (c *Kept[K, V]) Grow(k K, v V, add func() int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.index[k]
	if !ok {
		return
	}
	e := el.Value.(*keptEl[K, V])
	if e.val != v {
		return
	}
	n := add()
	e.size += n
	c.bytes += n
	c.trim()
}

func (c *Kept[K, V]) trim() {
	for c.ll.Len() > c.maxEntries || c.bytes > c.maxBytes {
		c.remove(c.ll.Back())
	}
}

func (c *Kept[K, V]) remove(el *list.Element) {
	e := c.ll.Remove(el).(*keptEl[K, V])
	delete(c.index, e.key)
	c.bytes -= e.size
}

// Stats are the cache's counts: entries, bytes, hits and misses.
func (c *Kept[K, V]) Stats() (entries, bytes int, hits, misses int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.bytes, c.hits, c.misses
}

// GensOf is a read of generations made of a map, for tests of what keeps
// values by them.
func GensOf(m map[string]int64) Gens {
	set := &genSet{index: make(map[string]int, len(m))}
	g := Gens{set: set}
	for n, v := range m {
		set.index[n] = len(set.names)
		set.names = append(set.names, n)
		g.vals = append(g.vals, v)
	}
	return g
}
