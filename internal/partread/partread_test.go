package partread

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadsShareAPart: a part is read only while the whole's first read
// runs, once for every request asking for it at once, read again when it
// is not usable or failed, and dropped when the first read ends.
func TestReadsShareAPart(t *testing.T) {
	ctx := context.Background()
	var r Reads[string, int]
	var made atomic.Int32
	read := func(context.Context) (int, error) { return int(made.Add(1)), nil }
	if _, ok, err := r.Get(ctx, "a", 4, nil, read); ok || err != nil || made.Load() != 0 {
		t.Fatalf("before the first read: ok %v, err %v, %d reads; want none", ok, err, made.Load())
	}
	r.FirstRead(true)
	release := make(chan struct{})
	slow := func(context.Context) (int, error) { <-release; return int(made.Add(1)), nil }
	var wg sync.WaitGroup
	got := make([]int, 50)
	for i := range got {
		wg.Go(func() {
			v, ok, err := r.Get(ctx, "a", 4, nil, slow)
			if !ok || err != nil {
				t.Errorf("asker %d: ok %v, err %v", i, ok, err)
			}
			got[i] = v
		})
	}
	for reads, joined := r.Counts(); reads+joined < 50; reads, joined = r.Counts() {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	for i, v := range got {
		if v != 1 {
			t.Fatalf("asker %d got read %d; want the one shared read", i, v)
		}
	}
	if v, _, _ := r.Get(ctx, "a", 4, func(v int) bool { return v >= 2 }, read); v != 2 {
		t.Fatalf("a part not usable: got read %d; want it read again (2)", v)
	}
	failed := errors.New("no")
	if _, ok, err := r.Get(ctx, "b", 4, nil, func(context.Context) (int, error) { return 0, failed }); ok || !errors.Is(err, failed) {
		t.Fatalf("a failed read: ok %v, err %v", ok, err)
	}
	if v, ok, _ := r.Get(ctx, "b", 4, nil, read); !ok || v != 3 {
		t.Fatalf("after a failed read: got %d, %v; want it read again", v, ok)
	}
	if _, ok, _ := r.Get(ctx, "c", 2, nil, read); ok {
		t.Fatal("past the bound a part was read; want the whole waited for")
	}
	r.FirstRead(false)
	if r.Held() != 0 || r.Loading() {
		t.Fatalf("after the first read: %d held, loading %v", r.Held(), r.Loading())
	}
}

// TestWholeGivesWay: a whole's first read waits in Yield while a part is
// read, and goes on once it is; a read not marked Whole never waits; and a
// whole read gives way for at most maxYielded in all.
func TestWholeGivesWay(t *testing.T) {
	defer func(a, b time.Duration) { maxYield, maxYielded = a, b }(maxYield, maxYielded)
	maxYield, maxYielded = time.Minute, time.Minute // no bound reached by accident
	ctx := context.Background()
	var r Reads[string, int]
	r.FirstRead(true)
	started, release := make(chan struct{}), make(chan struct{})
	var partDone atomic.Bool
	go r.Get(ctx, "p", 4, nil, func(context.Context) (int, error) {
		close(started)
		<-release
		partDone.Store(true)
		return 1, nil
	})
	<-started
	Yield(ctx) // not a whole read: returns at once
	whole := Whole(ctx)
	returned := make(chan bool)
	go func() {
		Yield(whole)
		returned <- partDone.Load()
	}()
	time.Sleep(5 * time.Millisecond) // Yield waiting, or about to
	close(release)
	if !<-returned {
		t.Fatal("the whole read went on while the part was read")
	}
	if Yielded(whole) == 0 {
		t.Fatal("Yielded says the whole read never gave way")
	}

	// the bound: a part that never ends slows the whole by maxYielded
	maxYield, maxYielded = 2*time.Millisecond, 10*time.Millisecond
	started, release = make(chan struct{}), make(chan struct{})
	defer close(release)
	go r.Get(ctx, "q", 4, nil, func(context.Context) (int, error) { close(started); <-release; return 1, nil })
	<-started
	whole = Whole(ctx)
	for Yielded(whole) < maxYielded {
		Yield(whole)
	}
	spent := Yielded(whole)
	Yield(whole)
	if Yielded(whole) != spent {
		t.Fatalf("past its bound the whole read gave way again: %v, then %v", spent, Yielded(whole))
	}
}
