package indicator_test

import (
	"fmt"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
)

// TestMeasuredUnitsSameFigures: a unit's measured figure read from its
// subtree's values alone (indicator.UnitsMeasurer: the network's table rows
// and the apparatus's counts looked up for the subtree's units and the
// units not in force) is the figure read from the whole country's values,
// for every measured indicator, the nation, the province, a quarter of its
// communes and their villages, an old district and an old province before
// the 2025 merger, this month, last month and past months — before and
// after a register change (the network's table patched, the apparatus's
// counts patched).
func TestMeasuredUnitsSameFigures(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		today := s.Org.Today()
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		units := []int64{snap.RootID, gl, unitOn(t, s, "Huyện Tuy Phước", "2024-06-30"), unitOn(t, s, "Tỉnh Bình Định", "2024-06-30")}
		var firstCommune int64
		for i, v := range snap.Children(gl, today) {
			if i%4 == 0 {
				units = append(units, v.UnitID)
				if firstCommune == 0 {
					firstCommune = v.UnitID
				}
				for j, w := range snap.Children(v.UnitID, today) {
					if j%3 == 0 {
						units = append(units, w.UnitID)
					}
				}
			}
		}
		var codes []string
		for _, in := range indicator.Catalogue {
			if in.Source == indicator.Measured && in.Formula == "" {
				codes = append(codes, in.Code)
			}
		}
		month := indicator.PeriodOf(indicator.Monthly, today)
		periods := []string{month.Key(), month.Prev().Key(), "2025-06", "2024-06"}
		measured := func(on bool, code string, u int64, p string) string {
			defer indicator.MeasureSubtrees(on)()
			v, ok, err := s.Indicators.Measured(ctx, s.Admin, code, u, p)
			return fmt.Sprint(v, ok, err)
		}
		compare := func(when string) {
			n, nonzero := 0, 0
			for _, u := range units {
				for _, code := range codes {
					for _, p := range periods {
						whole, under := measured(false, code, u, p), measured(true, code, u, p)
						if whole != under {
							t.Errorf("%s: %s of unit %d for %s: from its subtree %s, from the country %s", when, code, u, p, under, whole)
						}
						n++
						if whole != "0 true <nil>" && whole != "0 false <nil>" {
							nonzero++
						}
					}
				}
			}
			if nonzero < n/10 {
				t.Errorf("%s: only %d of %d figures are not zero: the comparison proves little", when, nonzero, n)
			}
		}
		compare("as seeded")

		// a register change on each side: a team in a village without one,
		// and a commune's DX role ended
		if _, err := s.Network.CreateTeam(ctx, s.Admin, network.TeamInput{UnitID: villageWithoutTeam(t, s, firstCommune, today).UnitID,
			DecisionNumber: "93/QĐ-UBND", DecisionDate: today}, nil); err != nil {
			t.Fatal(err)
		}
		ap, err := s.People.GetApparatus(ctx, s.Admin, firstCommune, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ap.Roles {
			if !r.Vacant() {
				if err := s.People.EndRole(ctx, s.Admin, r.ID, today, ""); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		compare("after changes")
	})
}
