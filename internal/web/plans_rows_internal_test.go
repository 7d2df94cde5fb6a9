package web

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestUnitTasksURLs: the dashboard's lead units' links, made as parts of
// one string, are p.U("/tasks", "unit", id)'s, today and on a past date.
func TestUnitTasksURLs(t *testing.T) {
	units := []plans.UnitCount{{UnitID: 1}, {UnitID: 11815}, {UnitID: 9000000000123}, {UnitID: 0}, {UnitID: -5}}
	today := day.Of(2026, 12, 4)
	for _, asOf := range []day.Day{today, day.Of(2025, 6, 30)} {
		p := &Page{Today: today, AsOf: asOf}
		got := p.unitTasksURLs(units)
		if len(got) != len(units) {
			t.Fatalf("%v: %d links for %d units", asOf, len(got), len(units))
		}
		for i, u := range units {
			if want := p.U("/tasks", "unit", u.UnitID); got[i] != want {
				t.Errorf("%v unit %d: %q, want %q", asOf, u.UnitID, got[i], want)
			}
		}
	}
	if got := (&Page{}).unitTasksURLs(nil); len(got) != 0 {
		t.Errorf("no units: %q", got)
	}
}

// TestAppendFixed2 holds the bars' fixed-point writer to AppendFloat's
// bytes: every share k/n of a hundred for n up to 1,200 (what the bars
// are), the halves and their float neighbours, and random values.
func TestAppendFixed2(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		if got, want := string(appendFixed2(nil, v)), strconv.FormatFloat(v, 'f', 2, 64); got != want {
			t.Fatalf("appendFixed2(%v) = %s, want %s", v, got, want)
		}
	}
	for n := 1; n <= 1200; n++ {
		for k := 0; k <= n; k++ {
			v := float64(k) * 100 / float64(n)
			check(v)
			check(100 - v)
		}
	}
	for i := 0; i < 100000; i++ {
		h := (float64(i) + 0.5) / 100 // a half of the last place
		check(h)
		check(math.Nextafter(h, 0))
		check(math.Nextafter(h, 1e9))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1000000; i++ {
		check(r.Float64() * math.Pow(10, float64(r.IntN(10))))
	}
	for _, v := range []float64{0, math.Copysign(0, -1), -1, 1e9, 1e12, math.Inf(1), math.NaN(), 0.005, 0.015, 1.005, 2.675} {
		check(v)
	}
}
