package indicator_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestSubtreeIndexSameFigures: a subtree's figures made through the
// engine's index (only the units placed in it, and those the tree does not
// hold) are the whole walk's to the last bit — every dashboard of the
// province, its communes and the old units before the 2025 merger, as it was
// and restated, on each basis, 24 months back — and the measured figures of
// a unit found one by one are those found through the array over the tree.
func TestSubtreeIndexSameFigures(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		today := s.Org.Today()
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		units := []int64{snap.RootID, gl, unitOn(t, s, "Huyện Tuy Phước", "2024-06-30")}
		for i, v := range snap.Children(gl, today) {
			if i%4 == 0 {
				units = append(units, v.UnitID)
				for j, w := range snap.Children(v.UnitID, today) { // villages, whose neighbours hold values
					if j%3 == 0 {
						units = append(units, w.UnitID)
					}
				}
			}
		}
		ask := func(on bool, q indicator.DashboardQuery) string {
			defer indicator.IndexSubtrees(on)()
			d, err := s.Indicators.Dashboard(ctx, s.Admin, q)
			if err != nil {
				return "error: " + err.Error()
			}
			b, _ := json.Marshal(d)
			return string(b)
		}
		measured := func(on bool, code string, u int64, p string) string {
			defer indicator.IndexSubtrees(on)()
			v, ok, err := s.Indicators.Measured(ctx, s.Admin, code, u, p)
			return fmt.Sprint(v, ok, err)
		}
		last := day.MustParse("2025-06-30")
		n := 0
		for _, u := range units {
			for _, mode := range []indicator.Mode{indicator.AsItWas, indicator.Restated} {
				for _, basis := range []indicator.Basis{indicator.BasisAll, indicator.BasisApproved} {
					for _, to := range []day.Day{today, last} {
						q := indicator.DashboardQuery{UnitID: u, To: to, N: 24, Mode: mode, Basis: basis, AsOf: today}
						whole, indexed := ask(false, q), ask(true, q)
						if whole != indexed {
							t.Fatalf("unit %d %s %s to %s: indexed\n%s\nwhole\n%s", u, mode, basis, to, indexed, whole)
						}
						n++
					}
				}
			}
			for _, code := range []string{"REG_VILLAGES", "REG_TEAMS", "REG_COVERAGE"} {
				for _, p := range []string{"2025-06", indicator.PeriodOf(indicator.Monthly, today).Key()} {
					if a, b := measured(false, code, u, p), measured(true, code, u, p); a != b {
						t.Errorf("measured %s of %d for %s: one by one %s, through the array %s", code, u, p, b, a)
					}
				}
			}
		}
		if n == 0 {
			t.Fatal("no dashboard compared")
		}
	})
}
