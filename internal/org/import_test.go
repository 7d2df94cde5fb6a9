package org_test

import (
	"context"
	"testing"

	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/org"
)

func TestImportCountry(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, admin := newService(t, d)
		r1, r2 := importCountry(t, svc, admin)
		t.Logf("list: %+v", *r1)
		t.Logf("restructure: created %d changed %d unchanged %d ended %d links %d notices %d", r2.Created, r2.Changed, r2.Unchanged, r2.Ended, r2.Links, len(r2.Notices))
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		count := func(d string) map[org.Level]int { return snap.CountByLevel(snap.RootID, mustDay(d)) }
		if got := count("2025-06-30"); got[org.LevelProvince] != 63 || got[org.LevelDistrict] != 696 || got[org.LevelCommune] != 10035 {
			t.Errorf("2025-06-30: %v, want 63 provinces, 696 districts, 10035 communes", got)
		}
		if got := count("2025-07-01"); got[org.LevelProvince] != 34 || got[org.LevelDistrict] != 0 || got[org.LevelCommune] != 3321 {
			t.Errorf("2025-07-01: %v, want 34 provinces, 0 districts, 3321 communes", got)
		}
		gl := snap.FindByCode(org.LevelProvince, "52", reorg)
		if gl == nil || gl.Name != "Tỉnh Gia Lai" {
			t.Fatalf("new province 52 = %+v", gl)
		}
		if n := snap.CountByLevel(gl.UnitID, reorg)[org.LevelCommune]; n != 135 {
			t.Errorf("new Gia Lai has %d communes, want 135", n)
		}
		var predNames []string
		for _, l := range snap.Predecessors(gl.UnitID) {
			predNames = append(predNames, snap.At(l.PredecessorID, reorg.AddDays(-1)).Name)
		}
		if len(predNames) != 2 {
			t.Errorf("new Gia Lai came from %v, want old Gia Lai and Bình Định", predNames)
		}
		oldGL := snap.FindByCode(org.LevelProvince, "64", reorg.AddDays(-1))
		if oldGL == nil || len(snap.Children(oldGL.UnitID, reorg.AddDays(-1))) != 17 {
			t.Errorf("old Gia Lai should have 17 districts")
		}
		checkReorgScope(t, svc)
		// again: nothing changes
		before := snap.Generation
		r1b, r2b := importCountry(t, svc, admin)
		if r1b.Created+r1b.Changed+r2b.Created+r2b.Changed+r2b.Ended+r2b.Links != 0 {
			t.Errorf("re-run changed things: %+v %+v", *r1b, *r2b)
		}
		snap2, _ := svc.Snapshot(ctx)
		if got := snap2.CountByLevel(snap2.RootID, reorg); got[org.LevelCommune] != 3321 {
			t.Errorf("after re-run: %v", got)
		}
		_ = before
	})
}
