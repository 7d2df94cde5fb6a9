package network_test

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
)

// subtreeUnits are unit and every unit it ever covered, ascending (what a
// unit page's register figures ask the measurer for, and more).
func subtreeUnits(t *testing.T, s *apptest.Server, unit int64) []int64 {
	t.Helper()
	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	units := append(snap.UnitsUnder(unit), unit)
	slices.Sort(units)
	return slices.Compact(units)
}

// scopedAsk is what a home, a unit page and the network page ask of the
// network about one unit on one date: its coverage and its subtree's
// measured figures.
type scopedAsk struct {
	a     *auth.Actor
	unit  int64
	d     day.Day
	units []int64 // the subtree the measured figures are asked of
}

type scopedAnswer struct {
	Coverage *network.Coverage
	Measured map[string]indicator.PerUnit
}

func askNetwork(t *testing.T, n *network.Service, q scopedAsk) scopedAnswer {
	t.Helper()
	c, err := n.Coverage(ctx, q.a, q.unit, q.d)
	if err != nil {
		t.Fatal(err)
	}
	out := scopedAnswer{Coverage: c, Measured: map[string]indicator.PerUnit{}}
	m := n.Measurer().(indicator.UnitsMeasurer)
	for _, w := range []indicator.Window{{From: day.Of(q.d.Year(), 1, 1), To: q.d}, {From: q.d.AddDays(-30), To: q.d}} {
		for _, code := range m.Measures() {
			pu, err := m.MeasureUnits(ctx, code, w, q.units)
			if err != nil {
				t.Fatal(err)
			}
			out.Measured[fmt.Sprintf("%s %s..%s", code, w.From, w.To)] = pu
		}
	}
	return out
}

// TestScopedIndexAnswersAsTheWhole: while a server's first read of the
// whole index runs (held here: a request reaching for the whole index
// would wait for it), the coverage of a province (its coordinator's and
// its leader's home), of a ward and of a commune (their focal persons'),
// and the measured figures of their subtrees (a unit page's register
// figures) are answered from the scope's own read, and equal field for
// field what the whole index answers, on past, present and future dates.
// Once the first read ends, the scoped indexes are dropped and the
// answers are the whole index's.
func TestScopedIndexAnswersAsTheWhole(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		commune := s.UnitNamed(t, "Xã Ia Ly").UnitID
		gialai, lanhdao, pleiku := actorOf(t, s, "gialai"), actorOf(t, s, "lanhdao"), actorOf(t, s, "pleiku")
		var asks []scopedAsk
		for _, d := range []day.Day{today, today.AddDays(-40), today.AddDays(75)} {
			asks = append(asks,
				scopedAsk{gialai, province, d, subtreeUnits(t, s, province)},
				scopedAsk{lanhdao, province, d, subtreeUnits(t, s, province)},
				scopedAsk{gialai, commune, d, subtreeUnits(t, s, commune)},
				scopedAsk{pleiku, ward, d, subtreeUnits(t, s, ward)})
		}
		compared := 0
		for _, q := range asks {
			name := fmt.Sprintf("%s: unit %d on %s", q.a.Login, q.unit, q.d)
			cold := network.Fresh(s.Network)
			release := network.HoldWhole(cold)
			got := askNetwork(t, cold, q)
			reads, _ := network.ScopedReads(cold)
			release()
			if reads == 0 {
				t.Errorf("%s: answered without a scoped read", name)
			}
			want := askNetwork(t, s.Network, q)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the scoped index's answers differ from the whole's:\nscoped %+v\nwhole  %+v", name, got, want)
			}
			if n := network.ScopedIndexes(cold); n != 0 {
				t.Errorf("%s: %d scoped indexes kept after the first read ended", name, n)
			}
			if after := askNetwork(t, cold, q); !reflect.DeepEqual(after, want) {
				t.Errorf("%s: after the first read ended the answers differ from the whole's", name)
			}
			compared += want.Coverage.Total.Teams + want.Coverage.Total.Activities
		}
		if compared == 0 {
			t.Fatal("nothing compared: no team nor activity in any scope")
		}
	})
}

// TestScopedIndexSeesWrites: a write made while the first read runs, after
// a scope's index was read, is in the next answer (the scope is read again
// since the network's sequence moved), which is the whole index's.
func TestScopedIndexSeesWrites(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		gialai := actorOf(t, s, "gialai")
		cold := network.Fresh(s.Network)
		release := network.HoldWhole(cold)
		defer func() {
			if release != nil {
				release()
			}
		}()
		before, err := cold.Coverage(ctx, gialai, province, today)
		if err != nil {
			t.Fatal(err)
		}
		team := otherTeam(t, s, s.UnitNamed(t, "Xã Ia Ly").UnitID, 0)
		if _, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: team, Date: today, Kind: network.ECommerce, PeopleHelped: 40}, nil); err != nil {
			t.Fatal(err)
		}
		after, err := cold.Coverage(ctx, gialai, province, today)
		if err != nil {
			t.Fatal(err)
		}
		if reads, _ := network.ScopedReads(cold); reads != 2 {
			t.Errorf("%d scoped reads, want 2 (one before the write, one after)", reads)
		}
		release()
		release = nil
		if after.Total.Activities != before.Total.Activities+1 || after.Total.Helped != before.Total.Helped+40 {
			t.Fatalf("the write made during the first read is not seen: %+v then %+v", before.Total, after.Total)
		}
		whole, err := s.Network.Coverage(ctx, gialai, province, today)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(after, whole) {
			t.Errorf("after the write the scoped answer differs from the whole's:\nscoped %+v\nwhole  %+v", after, whole)
		}
	})
}

// provinceCoverage loads the demo's network and returns today, Gia Lai,
// its coordinator and its coverage today as the whole index answers.
func provinceCoverage(t *testing.T, s *apptest.Server) (day.Day, int64, *auth.Actor, *network.Coverage) {
	t.Helper()
	withNetwork(t, s)
	today := s.Org.Today()
	province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
	gialai := actorOf(t, s, "gialai")
	want, err := s.Network.Coverage(ctx, gialai, province, today)
	if err != nil {
		t.Fatal(err)
	}
	return today, province, gialai, want
}

// TestScopedIndexReadShared: while the first read runs, many requests of
// one scope at once (users signing in as the server starts) make one
// scoped read, the others waiting for it, and answer as the whole index;
// the nation waits for the whole.
func TestScopedIndexReadShared(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		today, province, gialai, want := provinceCoverage(t, s)
		cold := network.Fresh(s.Network)
		release := network.HoldWhole(cold)
		const n = 20
		// the first request to read holds there until every other has
		// joined it
		gate := make(chan struct{})
		restore := network.HookScoped(func() { <-gate })
		var wg sync.WaitGroup
		got := make([]*network.Coverage, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = cold.Coverage(ctx, gialai, province, today)
			}()
		}
		for {
			if _, joined := network.ScopedReads(cold); joined == n-1 {
				break
			}
			runtime.Gosched()
		}
		close(gate)
		wg.Wait()
		restore()
		reads, joined := network.ScopedReads(cold)
		if reads != 1 || joined != n-1 {
			t.Errorf("%d reads, %d joined: want 1 and %d", reads, joined, n-1)
		}
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !reflect.DeepEqual(got[i], want) {
				t.Errorf("request %d: %+v, want %+v", i, got[i], want)
			}
		}
		// the nation is not read in parts: it waits for the whole
		nation := make(chan error, 1)
		go func() {
			_, err := cold.Coverage(ctx, s.Admin, 0, today)
			nation <- err
		}()
		release()
		if err := <-nation; err != nil {
			t.Fatal(err)
		}
		if reads, _ := network.ScopedReads(cold); reads != 1 {
			t.Errorf("the nation was read in parts: %d scoped reads", reads)
		}
	})
}

// TestWarmSoonReadsParts: a server's warm-ups run one after another, so
// the network's may not have begun when the first requests come; from
// WarmSoon on, a province's coverage is answered from its own read, not
// from a whole read the request would make itself; once Warm has read
// the whole, the answers are the whole's again.
func TestWarmSoonReadsParts(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		today, province, gialai, want := provinceCoverage(t, s)
		cold := network.Fresh(s.Network)
		cold.WarmSoon()
		got, err := cold.Coverage(ctx, gialai, province, today)
		if err != nil {
			t.Fatal(err)
		}
		if reads, _ := network.ScopedReads(cold); reads != 1 {
			t.Fatalf("before Warm: %d scoped reads; want the province read on its own", reads)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("before Warm: %+v, want %+v", got, want)
		}
		if err := cold.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err = cold.Coverage(ctx, gialai, province, today); err != nil {
			t.Fatal(err)
		}
		if reads, _ := network.ScopedReads(cold); reads != 1 {
			t.Fatalf("after Warm: %d scoped reads; want the whole index read", reads)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after Warm: %+v, want %+v", got, want)
		}
	})
}
