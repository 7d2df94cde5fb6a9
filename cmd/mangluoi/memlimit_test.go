package main

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

// The server's soft memory limit is memoryFloor unless GOMEMLIMIT is set,
// which the runtime has then read and memoryLimit leaves alone.
// The limit is then the collector's only pace (GOGC off) unless GOGC is set.
func TestMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	memoryLimit(ctx)
	if got := debug.SetMemoryLimit(-1); got != memoryFloor && got != limitFor(liveHeap()) {
		t.Fatalf("limit %d, want %d (224 MiB) or more by the live heap", got, memoryFloor)
	}
	if got := debug.SetGCPercent(100); got != -1 {
		t.Fatalf("GOGC %d, want off", got)
	}
	cancel()
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	t.Setenv("GOGC", "150")
	memoryLimit(ctx)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC %d with GOGC set, want the runtime's", got)
	}
	cancel()
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "2GiB")
	memoryLimit(context.Background())
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("limit %d with GOMEMLIMIT set, want the runtime's", got)
	}
}

// The limit follows a live heap above the floor with room to fill between
// collections, never under the floor nor over the ceiling unless the live
// heap comes within memoryMinRoom of it: a limit at the live heap would
// make the collector run without end.
func TestLimitFor(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, memoryFloor},
		{100 << 20, memoryFloor},
		{140 << 20, memoryFloor},
		{150 << 20, 225 << 20},
		{160 << 20, memoryCeiling}, // 1.5 × would be 240 MiB
		{184 << 20, memoryCeiling},
		{200 << 20, 248 << 20}, // past the ceiling, by the least room
		{250 << 20, 298 << 20},
	} {
		if got := limitFor(c.live); got != c.want {
			t.Errorf("live %d MiB: limit %d MiB, want %d", c.live>>20, got>>20, c.want>>20)
		}
		if got := limitFor(c.live); got < int64(c.live)+memoryMinRoom {
			t.Errorf("live %d MiB: limit %d MiB leaves no room", c.live>>20, got>>20)
		}
	}
}

// A read inflated by the requests in flight does not move the limit; a
// live heap that stays higher does, within half the window.
func TestLiveWindow(t *testing.T) {
	var w liveWindow
	if got := w.add(150); got != 150 {
		t.Fatalf("first read: %d, want 150", got)
	}
	for range memoryWindow - 1 {
		w.add(150)
	}
	if got := w.add(180); got != 150 {
		t.Fatalf("one high read moved the median to %d", got)
	}
	for range memoryWindow / 2 {
		w.add(250)
	}
	if got := w.add(250); got != 250 {
		t.Fatalf("after %d reads of 250 of %d: median %d, want 250", memoryWindow/2+1, memoryWindow, got)
	}
	for range memoryWindow {
		w.add(100)
	}
	if got := w.add(100); got != 100 {
		t.Fatalf("after a window of 100: median %d", got)
	}
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
