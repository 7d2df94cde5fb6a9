package db

import (
	"context"
	"slices"
	"strconv"
	"sync"
)

// What a piece of work read. The page cache (internal/web) keeps a page
// for as long as what its rendering read is unchanged — not every followed
// generation, so that a value saved does not drop the network's pages.
// Watch marks a context; within it, every generation asked for
// (Generation) is noted by name, asking for all of them (Generations)
// marks the work as depending on all, and every statement the database is
// sent otherwise (a query, an execution: seen by the connection wrapper
// of Open, count.go) marks it as having read tables directly — data that no
// generation guards, which its caller must then follow some other way (the
// page cache: by the audit log's head, which every audited write moves).
// The reads of the generations themselves are not statements of the work.

type readsKey struct{}

// Reads is what the work under a watched context read.
type Reads struct {
	mu     sync.Mutex
	names  []string // the generations asked for, each once
	all    bool     // Generations: every followed generation
	direct bool     // a statement other than a read of generations
}

// Watch marks ctx so that what is read under it is noted in the Reads.
// Work started under ctx after Watch returns counts; work before does not.
func Watch(ctx context.Context) (context.Context, *Reads) {
	rd := &Reads{}
	return context.WithValue(ctx, readsKey{}, rd), rd
}

func readsOf(ctx context.Context) *Reads {
	rd, _ := ctx.Value(readsKey{}).(*Reads)
	return rd
}

func (rd *Reads) add(name string) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if !slices.Contains(rd.names, name) {
		rd.names = append(rd.names, name)
	}
}

func (rd *Reads) readAll() {
	rd.mu.Lock()
	rd.all = true
	rd.mu.Unlock()
}

type guardKey struct{}

// Guarded marks ctx for a feature's loading of what it keeps in memory
// under the generations names: the statements sent under it read only
// tables whose every write moves one of them (else what the feature keeps
// would go stale on another server). In a watched context they are then
// noted as reads of those generations, not of tables. Keep it around the
// loading statements alone: another feature's reads inside would be
// noted as these generations'.
func Guarded(ctx context.Context, names ...string) context.Context {
	return context.WithValue(ctx, guardKey{}, names)
}

// statement notes a statement sent under a watched context.
func statement(ctx context.Context) {
	rd := readsOf(ctx)
	if rd == nil {
		return
	}
	if names, ok := ctx.Value(guardKey{}).([]string); ok {
		for _, n := range names {
			rd.add(n)
		}
		return
	}
	rd.mu.Lock()
	rd.direct = true
	rd.mu.Unlock()
}

// Direct tells whether the work sent a statement of its own (it read
// tables directly, not only generations and what they guard in memory).
func (rd *Reads) Direct() bool {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	return rd.direct
}

// quiet hides a watched context's Reads: the reads of generations.
type quiet struct{ context.Context }

func (q quiet) Value(k any) any {
	if _, ok := k.(readsKey); ok {
		return nil
	}
	return q.Context.Value(k)
}

// Dep is one generation some work depends on, with the value it had.
type Dep struct {
	Name string
	Gen  int64
}

// Deps are the generations read (with also, which the caller adds: the
// audit head when the work read tables directly, say) and their values in
// gens, a read taken before the work began (GenerationsByName): their
// values then, never later ones, so that the data is at least as new as
// the Deps say. All of them when the work asked for all. ok is false when
// a generation read is missing from gens (followed after gens was read):
// then the work's result cannot be said to be of any read.
func (rd *Reads) Deps(gens Gens, also ...string) (deps []Dep, all, ok bool) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.all {
		deps = make([]Dep, 0, gens.Len())
		gens.Each(func(n string, g int64) { deps = append(deps, Dep{n, g}) })
		return deps, true, true
	}
	deps = make([]Dep, 0, len(rd.names)+len(also))
	for _, names := range [][]string{rd.names, also} {
		for _, n := range names {
			if slices.ContainsFunc(deps, func(d Dep) bool { return d.Name == n }) {
				continue
			}
			g, found := gens.Get(n)
			if !found {
				return nil, false, false
			}
			deps = append(deps, Dep{n, g})
		}
	}
	return deps, false, true
}

// Unchanged tells whether every Dep still has its value in gens (a later
// read); for work that depended on all, also that no generation has been
// followed since.
func Unchanged(deps []Dep, all bool, gens Gens) bool {
	if all && gens.Len() != len(deps) {
		return false
	}
	for _, d := range deps {
		if g, ok := gens.Get(d.Name); !ok || g != d.Gen {
			return false
		}
	}
	return true
}

// GenerationsByName reads every followed generation, by name (Gens.Get):
// the request's read of them all when ctx is a request's (nothing read
// again, nothing copied), else one query. It is not noted as a read of all
// in a watched context (its caller keeps what it read apart, see Deps).
func (d *DB) GenerationsByName(ctx context.Context) (Gens, error) {
	return d.gensOf(quiet{ctx})
}

// IDList is ids as the list of an IN (…): numbers only, written by the
// server, so a query may hold them as text (a scope's units, tasks read
// again).
func IDList(ids []int64) string {
	b := make([]byte, 0, 8*len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(b)
}
