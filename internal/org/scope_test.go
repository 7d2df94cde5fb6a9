package org_test

import (
	"context"
	"testing"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// checkReorgScope checks, on the imported country, that a user of the new
// Gia Lai (52) sees old Gia Lai (64) and old Bình Định (52 before
// 2025-07-01) with their districts and communes — their history — but not
// old Kon Tum, which went to Quảng Ngãi.
func checkReorgScope(t *testing.T, svc *org.Service) {
	t.Helper()
	ctx := context.Background()
	s, err := svc.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := reorg.AddDays(-1)
	find := func(l org.Level, code string, d day.Day) *org.Version {
		t.Helper()
		v := s.FindByCode(l, code, d)
		if v == nil {
			t.Fatalf("no %s %s on %s", l, code, d)
		}
		return v
	}
	newGL, newQN := find(org.LevelProvince, "52", reorg), find(org.LevelProvince, "51", reorg)
	oldGL, oldBD, oldKT := find(org.LevelProvince, "64", before), find(org.LevelProvince, "52", before), find(org.LevelProvince, "62", before)
	if oldBD.UnitID == newGL.UnitID {
		t.Fatal("the new Gia Lai should be a new unit, not old Bình Định going on")
	}
	quyNhon := find(org.LevelDistrict, "540", before) // Thành phố Quy Nhơn, old Bình Định
	kontumCity := find(org.LevelDistrict, "608", before)
	glCommune := s.Children(s.Children(oldGL.UnitID, before)[0].UnitID, before)[0]
	bdCommune := s.Children(quyNhon.UnitID, before)[0]
	ktCommune := s.Children(kontumCity.UnitID, before)[0]

	for _, c := range []struct {
		name   string
		target *org.Version
		want   bool
	}{
		{"old Gia Lai", oldGL, true},
		{"old Bình Định", oldBD, true},
		{"a district of old Bình Định", quyNhon, true},
		{"a commune of old Gia Lai", glCommune, true},
		{"a commune of old Bình Định", bdCommune, true},
		{"old Kon Tum", oldKT, false},
		{"a district of old Kon Tum", kontumCity, false},
		{"a commune of old Kon Tum", ktCommune, false},
		{"the new Quảng Ngãi", newQN, false},
	} {
		if got := s.Covers(newGL.UnitID, c.target.UnitID); got != c.want {
			t.Errorf("new Gia Lai covers %s (%s): %v, want %v", c.name, c.target.Name, got, c.want)
		}
		// the same answer through the account service's ScopeChecker
		if got, err := svc.Covers(ctx, newGL.UnitID, c.target.UnitID); err != nil || got != c.want {
			t.Errorf("Service.Covers(new Gia Lai, %s) = %v, %v", c.name, got, err)
		}
	}
	// search, as a user of the new Gia Lai sees it, on the day before
	if hits := s.Search("quy nhon", before, newGL.UnitID, 10); len(hits) == 0 || hits[0].UnitID != quyNhon.UnitID {
		t.Errorf("searching old Quy Nhơn from the new Gia Lai: %v", hits)
	}
	if hits := s.Search("kon tum", before, newGL.UnitID, 10); len(hits) != 0 {
		t.Errorf("the new Gia Lai finds %s", hits[0].Name)
	}
	if hits := s.Search("kon tum", before, newQN.UnitID, 10); len(hits) == 0 {
		t.Error("the new Quảng Ngãi does not find old Kon Tum")
	}
	under := map[int64]bool{}
	for _, id := range s.UnitsUnder(newGL.UnitID) {
		under[id] = true
	}
	if !under[oldBD.UnitID] || !under[bdCommune.UnitID] || under[oldKT.UnitID] || under[ktCommune.UnitID] {
		t.Error("UnitsUnder(new Gia Lai) disagrees with Covers")
	}
}

// TestScoped: the scoped tree refuses what is outside the actor's scope,
// and the change log query stays inside it.
func TestScoped(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		focal := f.actor(auth.RoleFocal, "Xã Một A")
		tree, err := f.svc.For(f.ctx, focal)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.For(f.ctx, &auth.Actor{Role: "nobody"}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a user without a role reads the tree: %v", err)
		}
		for name, want := range map[string]errs.Kind{"Xã Một A": -1, "Thôn 1": -1, "Xã Một B": errs.Forbidden, "Huyện Một": errs.Forbidden, "Việt Nam": errs.Forbidden} {
			err := tree.Check(f.id[name])
			if (want == -1 && err != nil) || (want != -1 && errs.KindOf(err) != want) {
				t.Errorf("Check(%s) = %v", name, err)
			}
		}
		if err := tree.Check(999999); errs.KindOf(err) != errs.NotFound {
			t.Errorf("Check(unknown) = %v", err)
		}
		var found []string
		for _, v := range tree.Search("xa mot", d1, 10) {
			found = append(found, v.Name)
		}
		if len(found) != 1 || found[0] != "Xã Một A" {
			t.Errorf("the focal person's search finds %v", found)
		}
		all, openable := tree.VisibleAncestors(f.id["Thôn 1"], d1)
		if len(all) != 4 || openable[0] || openable[1] || openable[2] || !openable[3] {
			t.Errorf("ancestors of Thôn 1: %d, openable %v", len(all), openable)
		}
		// a unit not in force on the date gives its nearest version
		if err := f.svc.Dissolve(f.ctx, f.admin, org.DissolveInput{Change: change(d1), UnitID: f.id["Thôn 2"]}); err != nil {
			t.Fatal(err)
		}
		tree, _ = f.svc.For(f.ctx, focal)
		if v, inForce, err := tree.Unit(f.id["Thôn 2"], d2); err != nil || inForce || v.Name != "Thôn 2" {
			t.Errorf("Unit(ended) = %+v, %v, %v", v, inForce, err)
		}
		if _, _, err := tree.Unit(f.id["Xã Một B"], d2); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("Unit(out of scope) = %v", err)
		}
		if _, err := tree.AuditQuery(0); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a focal person reads the change log: %v", err)
		}

		coord := f.actor(auth.RoleCoordinator, "Huyện Một")
		ctree, _ := f.svc.For(f.ctx, coord)
		q, err := ctree.AuditQuery(0)
		if err != nil {
			t.Fatal(err)
		}
		in := map[int64]bool{}
		for _, id := range q.UnitIDs {
			in[id] = true
		}
		if !in[f.id["Huyện Một"]] || !in[f.id["Thôn 3"]] || in[f.id["Huyện Hai"]] || in[f.id["Việt Nam"]] {
			t.Errorf("the coordinator's change log covers %v", q.UnitIDs)
		}
		if _, err := ctree.AuditQuery(f.id["Xã Hai A"]); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("the log of a unit outside scope: %v", err)
		}
		atree, _ := f.svc.For(f.ctx, f.admin)
		if q, err := atree.AuditQuery(0); err != nil || q.UnitIDs != nil {
			t.Errorf("the national log is unfiltered: %+v, %v", q, err)
		}
	})
}
