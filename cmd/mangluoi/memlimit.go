package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"time"
)

// The server's memory policy (issue 14: the whole nation under 300 MB of
// RSS). With GOGC at 100 alone the heap grows to twice what is live
// before a collection: a national live heap of 200–290 MB made an RSS of
// 0.7–1 GB. So the server sets a soft limit, memoryFloor (224 MiB), and
// the collector keeps the Go heap under it rather than at twice the live
// heap; the rest of the RSS is the program's text, the goroutines' stacks
// and SQLite's page caches (≈ 40 MB nationally, BENCHMARKS).
//
// A limit near or under the live heap would make the collector run
// without end (the runtime's limiter stops it at half the CPU, and the
// requests get the other half): so a watcher reads the live heap every
// memoryEvery and raises the limit to memoryHeadroom times it (half again
// the live heap to fill between collections, as GOGC 50 would) when that
// is above the floor, up to memoryCeiling, and lowers it back as the live
// heap falls. A live heap of 140 MiB then runs under the floor (RSS ≈
// 265–275 MB), one of 166 MiB under the ceiling. Only a live heap within
// memoryMinRoom of the ceiling takes the limit past it (live and
// memoryMinRoom): one of 250 MiB runs under 298 MiB, collecting more often.
//
// The ceiling is the 300 MB line of issue 14 less what the RSS holds
// beside the Go heap (the binary's pages 26 MB, SQLite's page caches and
// the runtime's own, ≈ 40 MB in all). Without it, the caches filled to
// their bounds by 8,400 different pages took the live heap the watcher read
// to 153–174 MB (the pages being built counted in it), the limit to 1.5 ×
// that, and the RSS to 314 MB (stop 25).
//
// The limit is the collector's only pace (GOGC off, issue 14, h16gc):
// with GOGC at 100 a live heap under half the floor (the whole nation's
// is 100–130 MB after the network was packed) would be collected at twice
// itself, before the floor, so each byte less that is live would buy more
// collections instead of fewer. With the limit alone the heap fills to the
// floor between collections whatever is live; the watcher keeps the room
// above the live heap (a third of the limit at least).
//
// GOMEMLIMIT, when set, is the limit instead (the runtime has read it;
// "off" for none), and no watcher runs; GOGC, when set, is the pace
// (the runtime has read it too).
//
// The floor is the national live heap after the mix and the room the
// collector needs above it: 256 MiB with 165 MB live left ≈ 100 MB, and
// 240 MiB measured then cost the p99 at 1,000 req/s (68 → 245 ms, stop
// 23); with 150–160 MB live and a request's work cheaper (stop 25),
// 224 MiB against 240 side by side at 1,000 req/s: p99 12.8 / 17.5 ms
// against 8.8 / 14.7 at 200 / 500 connections, 0.79–0.90 ms of CPU a
// request against 0.70–0.80, and the RSS 266 MB against 282 (peak 279
// against 303): the RSS is the limit and ≈ 40 MB more (the binary's
// pages, the runtime's and SQLite's own memory), so the 240 MiB floor
// left the whole nation at the 300 MB line (issue 14). A floor lower
// than live + 70 MB buys RSS with collections.
const (
	memoryFloor    = 224 << 20
	memoryCeiling  = 232 << 20
	memoryMinRoom  = 48 << 20
	memoryHeadroom = 1.5
	memoryEvery    = time.Second
)

// memoryLimit sets the policy unless GOMEMLIMIT says otherwise; the
// watcher stops with ctx.
func memoryLimit(ctx context.Context) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(memoryFloor)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
	}
	go watchMemory(ctx)
}

// limitFor is the soft limit for a live heap of live bytes.
func limitFor(live uint64) int64 {
	within := min(memoryCeiling, max(memoryFloor, int64(float64(live)*memoryHeadroom)))
	return max(within, int64(live)+memoryMinRoom)
}

// watchMemory moves the limit with the live heap (the runtime's count of
// what the last collection marked), steadied over memoryWindow reads.
func watchMemory(ctx context.Context) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(memoryEvery)
	defer t.Stop()
	last := int64(memoryFloor)
	var w liveWindow
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return // not this runtime's: the floor stays
		}
		if l := limitFor(w.add(sample[0].Value.Uint64())); l != last {
			debug.SetMemoryLimit(l)
			last = l
		}
	}
}

// memoryWindow is how many of the watcher's reads the limit follows the
// median of. What a collection marks includes the requests in flight: with
// 200 of them on an overloaded machine one read was 180 MB where the steady
// live heap was 150, and the limit raised to 1.5 × that for a moment took
// the RSS to 308 MB (stop 24's hour). The median of 15 reads lets such a
// moment pass and follows a live heap that stays higher within 8 s (the
// collector runs more often meanwhile, at most half the CPU by the
// runtime's own limiter).
const memoryWindow = 15

// liveWindow is the watcher's last memoryWindow reads of the live heap.
type liveWindow struct {
	reads [memoryWindow]uint64
	n     int // reads so far
}

// add records a read and answers the median of those kept (the upper one
// of an even count).
func (w *liveWindow) add(live uint64) uint64 {
	w.reads[w.n%memoryWindow] = live
	w.n++
	k := min(w.n, memoryWindow)
	var sorted [memoryWindow]uint64
	copy(sorted[:], w.reads[:k])
	slices.Sort(sorted[:k])
	return sorted[k/2]
}

// gcStats writes the runtime's own counts of the heap and the collector
// (/debug/gcstats on the --pprof listener, for measuring): the live heap
// and the part of it the collector must scan (what holds pointers), the
// soft limit, the collections, the bytes allocated, and the CPU seconds
// the collector and the whole process spent (the collector's share of a
// run is the difference of gc-cpu over that of total-cpu between two
// reads), the collector's by kind: the marking by the allocating requests
// (assist), by its dedicated worker, and by idle workers (which mark on
// a processor that had nothing else to run, so only a lightly loaded
// server spends them: a page measured alone pays them, one under load
// hardly).
func gcStats(w http.ResponseWriter, _ *http.Request) {
	names := []string{
		"/gc/heap/live:bytes",
		"/gc/scan/heap:bytes",
		"/gc/scan/globals:bytes",
		"/gc/scan/stack:bytes",
		"/gc/heap/goal:bytes",
		"/gc/gomemlimit:bytes",
		"/gc/gogc:percent",
		"/gc/cycles/total:gc-cycles",
		"/gc/heap/allocs:bytes",
		"/memory/classes/heap/objects:bytes",
		"/cpu/classes/gc/total:cpu-seconds",
		"/cpu/classes/gc/mark/assist:cpu-seconds",
		"/cpu/classes/gc/mark/dedicated:cpu-seconds",
		"/cpu/classes/gc/mark/idle:cpu-seconds",
		"/cpu/classes/gc/pause:cpu-seconds",
		"/cpu/classes/idle:cpu-seconds",
		"/cpu/classes/total:cpu-seconds",
		"/cpu/classes/user:cpu-seconds",
	}
	sample := make([]metrics.Sample, len(names))
	for i, n := range names {
		sample[i].Name = n
	}
	metrics.Read(sample)
	for _, s := range sample {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			fmt.Fprintf(w, "%s %d\n", s.Name, s.Value.Uint64())
		case metrics.KindFloat64:
			fmt.Fprintf(w, "%s %.3f\n", s.Name, s.Value.Float64())
		}
	}
}
