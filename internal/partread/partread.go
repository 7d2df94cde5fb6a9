// Package partread shares the reads of parts of a whole that a service
// keeps in memory, made while the whole is first read (issue 14, item 7: a
// server starting on the national database answers a province's views from
// the province's own read of the plans or the network instead of waiting
// for the nation's; internal/plans/scoped.go, internal/network/scoped.go).
package partread

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Reads are the parts read while the whole is first read: one read per
// key, shared by the requests asking for it, at most the bound Get is
// given held, all dropped when the first read ends (FirstRead(false)).
// The zero value is ready to use.
type Reads[K comparable, V any] struct {
	loading atomic.Bool
	mu      sync.Mutex
	m       map[K]*readOf[V]
	// reads counts the reads made, joined the requests that waited on
	// another's read (for the tests: 200 users signing in at once make one
	// read per part, not 200)
	reads, joined atomic.Int64
}

// readOf is one part's read, shared: done is closed when v or err is set.
type readOf[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// Loading reports whether the whole's first read runs: only then is a
// part read on its own.
func (r *Reads[K, V]) Loading() bool { return r.loading.Load() }

// FirstRead marks the whole's first read begun (true) or ended (false):
// ended, the parts are dropped.
func (r *Reads[K, V]) FirstRead(on bool) {
	r.mu.Lock()
	r.loading.Store(on)
	if !on {
		r.m = nil
	}
	r.mu.Unlock()
}

// Get is key's part: ok is false (and err nil) when the whole's first read
// is not running or most parts are held, and the caller reads the whole. A
// part already read is used if usable says so (nil: always), else read
// again. read runs for everyone joining it, so a request that gives up
// does not fail the others; a failed read is not kept (the next request
// tries again).
func (r *Reads[K, V]) Get(ctx context.Context, key K, most int, usable func(V) bool, read func(context.Context) (V, error)) (v V, ok bool, err error) {
	use := func(x V) bool { return usable == nil || usable(x) }
	for {
		r.mu.Lock()
		// checked again under the lock that the end of the first read
		// takes to drop the parts: one added now is dropped with them
		if !r.loading.Load() {
			r.mu.Unlock()
			return v, false, nil
		}
		x := r.m[key]
		if x != nil {
			select {
			case <-x.done:
				if x.err == nil && use(x.v) {
					r.mu.Unlock()
					return x.v, true, nil
				}
				x = nil // read again
			default:
			}
		}
		if x == nil {
			if _, held := r.m[key]; !held && len(r.m) >= most {
				r.mu.Unlock()
				return v, false, nil
			}
			if r.m == nil {
				r.m = map[K]*readOf[V]{}
			}
			x = &readOf[V]{done: make(chan struct{})}
			r.m[key] = x
			r.mu.Unlock()
			r.reads.Add(1)
			func() {
				inPart.Add(1)
				defer inPart.Add(-1) // a read that panics is no longer running
				x.v, x.err = read(context.WithoutCancel(ctx))
			}()
			if x.err != nil {
				r.mu.Lock()
				if r.m[key] == x {
					delete(r.m, key)
				}
				r.mu.Unlock()
			}
			close(x.done)
			return x.v, x.err == nil, x.err
		}
		r.mu.Unlock()
		r.joined.Add(1)
		select {
		case <-x.done:
		case <-ctx.Done():
			return v, false, ctx.Err()
		}
		if x.err != nil {
			return v, false, x.err
		}
		if use(x.v) {
			return x.v, true, nil
		}
	}
}

// Counts are the reads made and the requests that joined another's.
func (r *Reads[K, V]) Counts() (reads, joined int64) { return r.reads.Load(), r.joined.Load() }

// Held is how many parts are held.
func (r *Reads[K, V]) Held() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// A whole's first read gives way to the parts read meanwhile. On 2 cores,
// a server starting on the national database read the network (≈ 2.3 s
// of CPU) and the plans (≈ 1 s) at once, and a province leader's home,
// asked 0.25 s after exec, read its scope's coverage and plans beside
// them: four goroutines on two cores, each part read running at half a
// core or less, the home 0.9 s after it was asked. (The warm-ups now run
// one after another; a part read still shares the cores with one.) A whole read started
// with Whole calls Yield for each row it reads; while any part read runs
// (in any Reads), Yield waits, so the parts have the cores and the whole
// goes on when they are done. The wait is bounded (maxYield a call,
// maxYielded a whole read): a part read never waits on a whole one here,
// but if one ever did, the whole would be slowed, not stopped.

// inPart counts the part reads running, in every Reads.
var inPart atomic.Int64

// variables for the tests
var (
	maxYield   = 50 * time.Millisecond
	maxYielded = 2 * time.Second
)

type wholeKey struct{}

// whole is a whole read's time given way so far (nanoseconds).
type whole struct{ yielded atomic.Int64 }

// Whole marks ctx as a whole's first read, which gives way to part reads
// (Yield).
func Whole(ctx context.Context) context.Context {
	return context.WithValue(ctx, wholeKey{}, &whole{})
}

// Yield, called by a whole read for each row it reads, waits while a part
// read runs, if ctx is a whole's first read (Whole) that has not given
// way for maxYielded already. When no part read runs it costs an atomic
// load.
func Yield(ctx context.Context) {
	if inPart.Load() == 0 {
		return
	}
	w, _ := ctx.Value(wholeKey{}).(*whole)
	if w == nil || time.Duration(w.yielded.Load()) >= maxYielded {
		return
	}
	start := time.Now()
	for inPart.Load() > 0 && time.Since(start) < maxYield && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	w.yielded.Add(int64(time.Since(start)))
}

// Yielded is how long the whole read of ctx gave way (for tests and logs).
func Yielded(ctx context.Context) time.Duration {
	if w, _ := ctx.Value(wholeKey{}).(*whole); w != nil {
		return time.Duration(w.yielded.Load())
	}
	return 0
}
