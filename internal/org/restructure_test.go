package org_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// A reorganisation of the small tree's first province: no more districts,
// Xã Một A split between two new communes, Xã Một B wholly in one of them,
// Xã Hai A going on under the province.
const (
	smallNewList = `code,name,level,parent_code
90,Tỉnh Thử Nghiệm,province,
90901,Xã Hợp Nhất,commune,90
90301,Xã Ba Mới,commune,90
90201,Xã Hai A,commune,90
`
	smallMapping = `level,new_code,new_name,old_code,old_name,share,fraction
province,90,Tỉnh Thử Nghiệm,90,Tỉnh Thử Nghiệm,full,
commune,90301,Xã Ba Mới,90101,Xã Một A,partial,"0,4"
commune,90901,Xã Hợp Nhất,90101,Xã Một A,partial,0.6
commune,90901,Xã Hợp Nhất,90102,Xã Một B,full,
commune,90201,Xã Hai A,90201,Xã Hai A,full,
`
)

func (f *fixture) restructure(actor *auth.Actor, units, mapping string) (*org.ImportResult, error) {
	return f.svc.Restructure(f.ctx, actor, strings.NewReader(units), "units.csv", strings.NewReader(mapping), "mapping.csv", change(reorg))
}

func TestRestructureSmall(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		res, err := f.restructure(f.admin, smallNewList, smallMapping)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 2 || res.Changed != 1 || res.Unchanged != 1 || res.Ended != 4 || res.Links != 3 || len(res.Notices) != 0 {
			t.Errorf("result %+v", res)
		}
		s := f.snap(t)
		before := reorg.AddDays(-1)
		prov := f.id["Tỉnh Thử Nghiệm"]
		hop := s.FindByCode(org.LevelCommune, "90901", reorg)
		if hop == nil {
			t.Fatal("Xã Hợp Nhất was not created")
		}
		for _, c := range []struct{ got, want string }{
			{childNames(s, prov, before), "Huyện Hai, Huyện Một, Sở Khoa học và Công nghệ"},
			{childNames(s, prov, reorg), "Sở Khoa học và Công nghệ, Xã Ba Mới, Xã Hai A, Xã Hợp Nhất"},
			{history(s, f.id["Xã Hai A"]), "2024-01-01–2025-07-01 Xã Hai A (Huyện Hai); 2025-07-01–… Xã Hai A (Tỉnh Thử Nghiệm)"},
			{history(s, f.id["Huyện Một"]), "2024-01-01–2025-07-01 Huyện Một (Tỉnh Thử Nghiệm)"},
			{history(s, f.id["Xã Một A"]), "2024-01-01–2025-07-01 Xã Một A (Huyện Một)"},
			{history(s, prov), "2024-01-01–… Tỉnh Thử Nghiệm (Việt Nam)"},
			{links(s, s.Predecessors(hop.UnitID)), "Xã Một A → Xã Hợp Nhất partial 0.6; Xã Một B → Xã Hợp Nhất full"},
			{links(s, s.Successors(f.id["Xã Một A"])), "Xã Một A → Xã Ba Mới partial 0.4; Xã Một A → Xã Hợp Nhất partial 0.6"},
			{links(s, s.Predecessors(f.id["Xã Hai A"])), ""},
			// villages follow their commune to the successor that took the most
			{ancestorNames(s, f.id["Thôn 1"], reorg), "Tỉnh Thử Nghiệm / Xã Hợp Nhất"},
			{ancestorNames(s, f.id["Thôn 3"], reorg), "Tỉnh Thử Nghiệm / Xã Hợp Nhất"},
			{ancestorNames(s, f.id["Thôn 1"], before), "Tỉnh Thử Nghiệm / Huyện Một / Xã Một A"},
			// the other province is not touched
			{childNames(s, f.id["Tỉnh Láng Giềng"], reorg), "Huyện Ba"},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
		if !s.Covers(hop.UnitID, f.id["Xã Một B"]) || !s.Covers(prov, f.id["Huyện Một"]) {
			t.Error("scope lost the history")
		}

		before2 := f.state(t)
		res, err = f.restructure(f.admin, smallNewList, smallMapping)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created+res.Changed+res.Ended+res.Links != 0 {
			t.Errorf("re-run: %+v", res)
		}
		if after := f.state(t); after.Units != before2.Units || after.Versions != before2.Versions || after.Links != before2.Links {
			t.Errorf("re-run wrote units: %+v → %+v", before2, after)
		}
	})
}

func TestRestructureBadInput(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const mapHeader = "level,new_code,new_name,old_code,old_name,share,fraction\n"
		province := "province,90,Tỉnh Thử Nghiệm,90,Tỉnh Thử Nghiệm,full,\n"
		for _, c := range []struct {
			name           string
			units, mapping string
			kind           errs.Kind
			want           []problem
		}{
			{"mapping without share", smallNewList, "level,new_code,old_code\nprovince,90,90\n", errs.Invalid, []problem{{1, "share", "import.err.missing_column"}}},
			{"bad share", smallNewList, mapHeader + province + "commune,90901,,90101,,most,\n", errs.Invalid, []problem{{3, "share", "import.err.bad_share"}}},
			{"fraction over 1", smallNewList, mapHeader + province + "commune,90901,,90101,,partial,\"1,5\"\n", errs.Invalid, []problem{{3, "fraction", "org.err.bad_fraction"}}},
			{"fraction not a number", smallNewList, mapHeader + province + "commune,90901,,90101,,partial,half\n", errs.Invalid, []problem{{3, "fraction", "org.err.bad_fraction"}}},
			{"village level", smallNewList, mapHeader + province + "village,90901,,90101,,full,\n", errs.Invalid, []problem{{3, "level", "import.err.bad_level"}}},
			{"no old code", smallNewList, mapHeader + province + "commune,90901,,,Xã Một A,full,\n", errs.Invalid, []problem{{3, "old_code", "import.err.required"}}},
			{"same link twice", smallNewList, mapHeader + province + "commune,90901,,90101,,full,\ncommune,90901,,90101,,full,\n", errs.Invalid, []problem{{4, "old_code", "import.err.duplicate"}}},
			{"new unit not in the new list", smallNewList, mapHeader + province + "commune,90999,,90101,,full,\n", errs.Invalid, []problem{{3, "new_code", "import.err.new_not_listed"}}},
			{"a bad row in the new list", smallNewList + "90902,,commune,90\n", smallMapping, errs.Invalid, []problem{{6, "name", "import.err.required"}}},
			{"unreadable mapping", smallNewList, "", errs.Invalid, []problem{{0, "", "import.err.unreadable"}}},
			{"a coordinator", smallNewList, smallMapping, errs.Forbidden, []problem{{0, "", "err.forbidden"}}},
		} {
			t.Run(c.name, func(t *testing.T) {
				actor := f.admin
				if c.kind == errs.Forbidden {
					actor = f.actor(auth.RoleCoordinator, "Tỉnh Thử Nghiệm")
				}
				before := f.state(t)
				res, err := f.restructure(actor, c.units, c.mapping)
				if err == nil {
					t.Fatalf("applied: %+v", res)
				}
				if errs.KindOf(err) != c.kind {
					t.Errorf("kind %d: %v", errs.KindOf(err), err)
				}
				if got := problemsOf(err); fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("problems:\n  %v\nwant:\n  %v", got, c.want)
				}
				if after := f.state(t); after != before {
					t.Errorf("a refused restructuring wrote: %+v → %+v", before, after)
				}
			})
		}

		// an old unit that is not in the tree is a notice, not an error
		res, err := f.restructure(f.admin, smallNewList, smallMapping+"commune,90901,Xã Hợp Nhất,99999,Xã Ma,full,\n")
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(problemsOfNotices(res)); got != "[row 7 old_code import.notice.old_not_found]" {
			t.Errorf("notices: %s", got)
		}
	})
}
