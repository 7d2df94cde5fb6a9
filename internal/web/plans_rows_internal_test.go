package web

import (
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
