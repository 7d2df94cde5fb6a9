package web_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

// TestUnitCounts: the unit page's counts of the units below (kept for the
// tree, tallyOf) are those counted again (CountByLevel), for the nation,
// the province, its communes and villages, the old units before the 2025
// merger, read twice (made, then kept), and after a village moves to
// another commune (a new tree), on both engines.
func TestUnitCounts(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		today := s.Org.Today()
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		communes := snap.Children(gl, today)
		units := []int64{snap.RootID, gl}
		for i, c := range communes {
			if i%3 == 0 {
				units = append(units, c.UnitID)
			}
		}
		admin := s.User(t, "admin")
		check := func(step string) {
			n := 0
			for _, id := range units {
				for _, d := range []string{"", "?d=2025-06-30", "?d=2024-03-31"} {
					for range 2 {
						r := httpx.WithUser(httptest.NewRequest("GET", "/units/"+strconv.FormatInt(id, 10)+d, nil), admin)
						kept, fresh, err := s.Web.UnitCountsBoth(r, id)
						if err != nil {
							t.Fatal(err)
						}
						if kept != fresh {
							t.Fatalf("%s: unit %d%s: kept %s, counted %s", step, id, d, kept, fresh)
						}
						n++
					}
				}
			}
			if n == 0 {
				t.Fatal("nothing compared")
			}
		}
		check("as seeded")
		var village *org.Version
		for _, c := range communes {
			if vs := snap.Children(c.UnitID, today); len(vs) > 0 {
				village = vs[0]
				break
			}
		}
		other := communes[len(communes)-1]
		if village == nil || village.ParentID == other.UnitID {
			t.Fatal("no village to move")
		}
		if err := s.Org.Move(ctx, s.Admin, org.MoveInput{Change: org.Change{Effective: today}, UnitID: village.UnitID, ParentID: other.UnitID}); err != nil {
			t.Fatal(err)
		}
		units = append(units, village.ParentID, other.UnitID)
		check("a village moved")
	})
}
