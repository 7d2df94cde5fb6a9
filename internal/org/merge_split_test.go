package org_test

import (
	"testing"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

func TestMerge(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		merge := func(actor *auth.Actor, date day.Day, units []string, into string, nu *org.UnitSpec) func(f *fixture) error {
			return func(f *fixture) error {
				in := org.MergeInput{Change: change(date), IntoID: f.id[into], New: nu}
				for _, u := range units {
					in.UnitIDs = append(in.UnitIDs, f.id[u])
				}
				_, err := f.svc.Merge(f.ctx, actor, in)
				return err
			}
		}
		coord := f.actor(auth.RoleCoordinator, "Tỉnh Thử Nghiệm")
		f.expectRefused(t, []refusal{
			{"neither into nor new", merge(f.admin, d1, []string{"Xã Một B"}, "", nil), errs.Invalid, "org.err.merge_shape", "unit_ids", 0},
			{"both into and new", merge(f.admin, d1, []string{"Xã Một B"}, "Xã Một A", &org.UnitSpec{ParentID: f.id["Huyện Một"], Name: "Xã Mới", Level: org.LevelCommune}), errs.Invalid, "org.err.merge_shape", "unit_ids", 0},
			{"nothing to merge", merge(f.admin, d1, nil, "Xã Một A", nil), errs.Invalid, "org.err.merge_shape", "unit_ids", 0},
			{"only into itself", merge(f.admin, d1, []string{"Xã Một A"}, "Xã Một A", nil), errs.Invalid, "org.err.merge_shape", "unit_ids", 0},
			{"unknown unit", merge(f.admin, d1, []string{"no such unit"}, "Xã Một A", nil), errs.Invalid, "org.err.unknown_unit", "unit_ids", 0},
			{"into its own descendant", merge(f.admin, d1, []string{"Huyện Một"}, "Xã Một A", nil), errs.Invalid, "org.err.cycle", "into_id", 0},
			{"villages into a new agency", merge(f.admin, d1, []string{"Xã Một B"}, "", &org.UnitSpec{ParentID: f.id["Tỉnh Thử Nghiệm"], Name: "Ban Mới", Level: org.LevelAgency}), errs.Invalid, "org.err.bad_parent_level", "", 0},
			{"new unit with a code in use", merge(f.admin, d1, []string{"Xã Một B"}, "", &org.UnitSpec{ParentID: f.id["Huyện Một"], Code: "90201", Name: "Xã Mới", Level: org.LevelCommune}), errs.Conflict, "org.err.code_taken", "code", 0},
			{"on the day a merged unit began", merge(f.admin, baseline, []string{"Xã Một B"}, "Xã Một A", nil), errs.Invalid, "org.err.zero_length", "", 0},
			{"coordinator, a unit outside their scope", merge(coord, d1, []string{"Xã Ba A"}, "Xã Một A", nil), errs.Forbidden, "err.forbidden", "", 0},
			{"coordinator, into a unit outside their scope", merge(f.actor(auth.RoleCoordinator, "Tỉnh Láng Giềng"), d1, []string{"Xã Ba A"}, "Xã Một A", nil), errs.Forbidden, "err.forbidden", "", 0},
			{"viewer", merge(f.actor(auth.RoleViewer, "Việt Nam"), d1, []string{"Xã Một B"}, "Xã Một A", nil), errs.Forbidden, "err.forbidden", "", 0},
			{"focal person", merge(f.actor(auth.RoleFocal, "Huyện Một"), d1, []string{"Xã Một B"}, "Xã Một A", nil), errs.Forbidden, "err.forbidden", "", 0},
		})

		// into an existing unit: the merged commune's village moves along
		seq := f.auditHead(t)
		if err := merge(coord, d1, []string{"Xã Một B"}, "Xã Một A", nil)(f); err != nil {
			t.Fatal(err)
		}
		s := f.snap(t)
		before := d1.AddDays(-1)
		xa, xb := f.id["Xã Một A"], f.id["Xã Một B"]
		for _, c := range []struct{ got, want string }{
			{history(s, xb), "2024-01-01–2025-03-01 Xã Một B (Huyện Một)"},
			{history(s, xa), "2024-01-01–… Xã Một A (Huyện Một)"},
			{childNames(s, f.id["Huyện Một"], before), "Xã Một A, Xã Một B"},
			{childNames(s, f.id["Huyện Một"], d1), "Xã Một A"},
			{parentName(s, f.id["Thôn 3"], before), "Xã Một B"},
			{parentName(s, f.id["Thôn 3"], d1), "Xã Một A"},
			{childNames(s, xa, d1), "Thôn 1, Thôn 2, Thôn 3"},
			{links(s, s.Predecessors(xa)), "Xã Một B → Xã Một A full"},
			{links(s, s.Successors(xb)), "Xã Một B → Xã Một A full"},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
		if !s.Covers(xa, xb) || !s.Covers(xa, f.id["Thôn 3"]) {
			t.Error("the merged unit's scope does not include what it was formed from")
		}
		f.wantAudit(t, seq, "unit.move@Thôn 3", "unit.dissolve@Xã Một B", "unit.lineage@Xã Một A", "unit_event.merge")

		// into a new unit, which takes over the code of one of them
		seq = f.auditHead(t)
		id, err := f.svc.Merge(f.ctx, f.admin, org.MergeInput{Change: change(d2), UnitIDs: []int64{f.id["Huyện Một"], f.id["Huyện Hai"]},
			New: &org.UnitSpec{ParentID: f.id["Tỉnh Thử Nghiệm"], Code: "901", Name: "Huyện Mới", Level: org.LevelDistrict}})
		if err != nil {
			t.Fatal(err)
		}
		s = f.snap(t)
		before = d2.AddDays(-1)
		for _, c := range []struct{ got, want string }{
			{childNames(s, f.id["Tỉnh Thử Nghiệm"], before), "Huyện Hai, Huyện Một, Sở Khoa học và Công nghệ"},
			{childNames(s, f.id["Tỉnh Thử Nghiệm"], d2), "Huyện Mới, Sở Khoa học và Công nghệ"},
			{childNames(s, id, d2), "Xã Hai A, Xã Một A"},
			{history(s, id), "2025-09-01–… Huyện Mới (Tỉnh Thử Nghiệm)"},
			{history(s, f.id["Huyện Hai"]), "2024-01-01–2025-09-01 Huyện Hai (Tỉnh Thử Nghiệm)"},
			{links(s, s.Predecessors(id)), "Huyện Hai → Huyện Mới full; Huyện Một → Huyện Mới full"},
			{links(s, s.Successors(f.id["Huyện Một"])), "Huyện Một → Huyện Mới full"},
			{ancestorNames(s, f.id["Thôn 3"], d2), "Tỉnh Thử Nghiệm / Huyện Mới / Xã Một A"},
			{ancestorNames(s, f.id["Thôn 3"], before), "Tỉnh Thử Nghiệm / Huyện Một / Xã Một A"},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
		if v := s.FindByCode(org.LevelDistrict, "901", d2); v == nil || v.UnitID != id {
			t.Errorf("code 901 on d2 is %+v, want the new district", v)
		}
		if v := s.FindByCode(org.LevelDistrict, "901", before); v == nil || v.UnitID != f.id["Huyện Một"] {
			t.Errorf("code 901 the day before is %+v, want Huyện Một", v)
		}
		if got := s.CountByLevel(id, d2); got[org.LevelCommune] != 2 || got[org.LevelVillage] != 3 {
			t.Errorf("the new district holds %v", got)
		}
		f.wantAudit(t, seq, "unit.establish@Huyện Mới",
			"unit.move@Xã Một A", "unit.repath@Thôn 1", "unit.repath@Thôn 2", "unit.repath@Thôn 3",
			"unit.dissolve@Huyện Một", "unit.lineage@Huyện Mới",
			"unit.move@Xã Hai A", "unit.dissolve@Huyện Hai", "unit.lineage@Huyện Mới",
			"unit_event.merge")
	})
}

func TestSplit(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		prov := f.id["Tỉnh Thử Nghiệm"]
		district := func(code, name string, fraction *float64) org.SplitPart {
			return org.SplitPart{UnitSpec: org.UnitSpec{ParentID: prov, Code: code, Name: name, Level: org.LevelDistrict}, Fraction: fraction}
		}
		split := func(actor *auth.Actor, unit string, keep bool, parts ...org.SplitPart) func(f *fixture) error {
			return func(f *fixture) error {
				_, err := f.svc.Split(f.ctx, actor, org.SplitInput{Change: change(d1), UnitID: f.id[unit], Keep: keep, Parts: parts})
				return err
			}
		}
		f.expectRefused(t, []refusal{
			{"fractions over 1", split(f.admin, "Huyện Một", false, district("903", "Bắc", frac(0.7)), district("904", "Nam", frac(0.5))), errs.Invalid, "org.err.fractions_over", "fraction", 0},
			{"a zero fraction", split(f.admin, "Huyện Một", false, district("903", "Bắc", frac(0)), district("904", "Nam", nil)), errs.Invalid, "org.err.bad_fraction", "fraction", 1},
			{"a fraction over 1", split(f.admin, "Huyện Một", false, district("903", "Bắc", nil), district("904", "Nam", frac(1.5))), errs.Invalid, "org.err.bad_fraction", "fraction", 2},
			{"one part without keeping the original", split(f.admin, "Huyện Một", false, district("903", "Bắc", nil)), errs.Invalid, "org.err.split_parts", "parts", 0},
			{"no part", split(f.admin, "Huyện Một", true), errs.Invalid, "org.err.split_parts", "parts", 0},
			{"two parts with one code", split(f.admin, "Huyện Một", false, district("903", "Bắc", nil), district("903", "Nam", nil)), errs.Conflict, "org.err.code_taken", "code", 2},
			{"a part with a code in use", split(f.admin, "Huyện Một", false, district("902", "Bắc", nil), district("903", "Nam", nil)), errs.Conflict, "org.err.code_taken", "code", 1},
			{"a part under an unknown parent", split(f.admin, "Huyện Một", false, district("903", "Bắc", nil),
				org.SplitPart{UnitSpec: org.UnitSpec{ParentID: 999999, Name: "Nam", Level: org.LevelDistrict}}), errs.Invalid, "org.err.unknown_parent", "parent_id", 2},
			{"a part under the unit that ends", split(f.admin, "Huyện Một", false,
				org.SplitPart{UnitSpec: org.UnitSpec{ParentID: f.id["Huyện Một"], Name: "Ban", Level: org.LevelAgency}}, district("903", "Nam", nil)), errs.Invalid, "org.err.cycle", "parent_id", 1},
			{"villages to an agency", split(f.admin, "Xã Một A", false,
				org.SplitPart{UnitSpec: org.UnitSpec{ParentID: prov, Name: "Ban A", Level: org.LevelAgency}},
				org.SplitPart{UnitSpec: org.UnitSpec{ParentID: prov, Name: "Ban B", Level: org.LevelAgency}}), errs.Invalid, "org.err.bad_parent_level", "", 0},
			{"coordinator outside their scope", split(f.actor(auth.RoleCoordinator, "Tỉnh Láng Giềng"), "Huyện Một", false, district("903", "Bắc", nil), district("904", "Nam", nil)), errs.Forbidden, "err.forbidden", "", 0},
			{"focal person", split(f.actor(auth.RoleFocal, "Tỉnh Thử Nghiệm"), "Huyện Một", false, district("903", "Bắc", nil), district("904", "Nam", nil)), errs.Forbidden, "err.forbidden", "", 0},
		})

		// the district ends; its communes go to the first part
		seq := f.auditHead(t)
		ids, err := f.svc.Split(f.ctx, f.actor(auth.RoleCoordinator, "Tỉnh Thử Nghiệm"), org.SplitInput{Change: change(d1), UnitID: f.id["Huyện Một"],
			Parts: []org.SplitPart{district("903", "Huyện Một Bắc", frac(0.6)), district("904", "Huyện Một Nam", frac(0.4))}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 {
			t.Fatalf("split made %v", ids)
		}
		f.id["Huyện Một Bắc"], f.id["Huyện Một Nam"] = ids[0], ids[1]
		s := f.snap(t)
		before := d1.AddDays(-1)
		for _, c := range []struct{ got, want string }{
			{history(s, f.id["Huyện Một"]), "2024-01-01–2025-03-01 Huyện Một (Tỉnh Thử Nghiệm)"},
			{childNames(s, prov, before), "Huyện Hai, Huyện Một, Sở Khoa học và Công nghệ"},
			{childNames(s, prov, d1), "Huyện Hai, Huyện Một Bắc, Huyện Một Nam, Sở Khoa học và Công nghệ"},
			{childNames(s, ids[0], d1), "Xã Một A, Xã Một B"},
			{childNames(s, ids[1], d1), ""},
			{ancestorNames(s, f.id["Thôn 3"], before), "Tỉnh Thử Nghiệm / Huyện Một / Xã Một B"},
			{ancestorNames(s, f.id["Thôn 3"], d1), "Tỉnh Thử Nghiệm / Huyện Một Bắc / Xã Một B"},
			{links(s, s.Successors(f.id["Huyện Một"])), "Huyện Một → Huyện Một Bắc partial 0.6; Huyện Một → Huyện Một Nam partial 0.4"},
			{links(s, s.Predecessors(ids[1])), "Huyện Một → Huyện Một Nam partial 0.4"},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
		f.wantAudit(t, seq, "unit.establish@Huyện Một Bắc", "unit.lineage@Huyện Một Bắc", "unit.establish@Huyện Một Nam", "unit.lineage@Huyện Một Nam",
			"unit.move@Xã Một A", "unit.repath@Thôn 1", "unit.repath@Thôn 2", "unit.move@Xã Một B", "unit.repath@Thôn 3",
			"unit.dissolve@Huyện Một", "unit_event.split")

		// part of a commune splits off; the commune goes on
		seq = f.auditHead(t)
		ids, err = f.svc.Split(f.ctx, f.admin, org.SplitInput{Change: change(d2), UnitID: f.id["Xã Hai A"], Keep: true,
			Parts: []org.SplitPart{{UnitSpec: org.UnitSpec{ParentID: f.id["Huyện Hai"], Code: "90202", Name: "Xã Hai B", Level: org.LevelCommune}, Fraction: frac(0.3)}}})
		if err != nil {
			t.Fatal(err)
		}
		s = f.snap(t)
		if got := history(s, f.id["Xã Hai A"]); got != "2024-01-01–… Xã Hai A (Huyện Hai)" {
			t.Errorf("the commune that goes on: %s", got)
		}
		if got := links(s, s.Predecessors(ids[0])); got != "Xã Hai A → Xã Hai B partial 0.3" {
			t.Errorf("lineage: %s", got)
		}
		if got := childNames(s, f.id["Huyện Hai"], d2); got != "Xã Hai A, Xã Hai B" {
			t.Errorf("Huyện Hai on d2: %s", got)
		}
		f.wantAudit(t, seq, "unit.establish@Xã Hai B", "unit.lineage@Xã Hai B", "unit_event.split")

		// a part may take over the code of the unit that ends
		if _, err := f.svc.Split(f.ctx, f.admin, org.SplitInput{Change: change(d2), UnitID: f.id["Xã Ba A"], Parts: []org.SplitPart{
			{UnitSpec: org.UnitSpec{ParentID: f.id["Huyện Ba"], Code: "91101", Name: "Xã Ba A", Level: org.LevelCommune}},
			{UnitSpec: org.UnitSpec{ParentID: f.id["Huyện Ba"], Code: "91102", Name: "Xã Ba B", Level: org.LevelCommune}},
		}}); err != nil {
			t.Errorf("a part keeping the original's code: %v", err)
		}
	})
}

func TestDissolve(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		dissolve := func(actor *auth.Actor, unit string, date day.Day) func(f *fixture) error {
			return func(f *fixture) error {
				return f.svc.Dissolve(f.ctx, actor, org.DissolveInput{Change: change(date), UnitID: f.id[unit]})
			}
		}
		f.expectRefused(t, []refusal{
			{"while it has sub-units", dissolve(f.admin, "Xã Một A", d1), errs.Invalid, "org.err.has_children", "unit_id", 0},
			{"on the day it began", dissolve(f.admin, "Thôn 1", baseline), errs.Invalid, "org.err.zero_length", "", 0},
			{"the nation", dissolve(f.admin, "Việt Nam", d1), errs.Invalid, "org.err.root_fixed", "unit_id", 0},
			{"viewer", dissolve(f.actor(auth.RoleViewer, "Xã Một A"), "Thôn 1", d1), errs.Forbidden, "err.forbidden", "", 0},
			{"focal person, a commune", dissolve(f.actor(auth.RoleFocal, "Huyện Hai"), "Xã Hai A", d1), errs.Forbidden, "err.forbidden", "", 0},
			{"coordinator outside their scope", dissolve(f.actor(auth.RoleCoordinator, "Tỉnh Láng Giềng"), "Xã Hai A", d1), errs.Forbidden, "err.forbidden", "", 0},
		})
		before := f.state(t)
		err := f.svc.Dissolve(f.ctx, f.admin, org.DissolveInput{Change: change(d1), UnitID: f.id["Xã Một A"]})
		if e, ok := errs.As(err); !ok || e.Args["Count"] != 2 {
			t.Errorf("has_children should give the count of sub-units: %v", err)
		}
		if f.state(t) != before {
			t.Error("a refused dissolution wrote")
		}

		// a focal person ends a village of their commune
		seq := f.auditHead(t)
		if err := dissolve(f.actor(auth.RoleFocal, "Xã Một A"), "Thôn 1", d1)(f); err != nil {
			t.Fatal(err)
		}
		s := f.snap(t)
		if got := history(s, f.id["Thôn 1"]); got != "2024-01-01–2025-03-01 Thôn 1 (Xã Một A)" {
			t.Errorf("history: %s", got)
		}
		if got := childNames(s, f.id["Xã Một A"], d1.AddDays(-1)); got != "Thôn 1, Thôn 2" {
			t.Errorf("the day before: %s", got)
		}
		if got := childNames(s, f.id["Xã Một A"], d1); got != "Thôn 2" {
			t.Errorf("on the day: %s", got)
		}
		f.wantAudit(t, seq, "unit.dissolve@Thôn 1", "unit_event.dissolve")

		// a code is free again once its unit has ended
		if err := dissolve(f.admin, "Xã Hai A", d1)(f); err != nil {
			t.Fatal(err)
		}
		id, err := f.svc.Establish(f.ctx, f.admin, org.EstablishInput{Change: change(d1),
			UnitSpec: org.UnitSpec{ParentID: f.id["Huyện Hai"], Code: "90201", Name: "Xã Hai Mới", Level: org.LevelCommune}})
		if err != nil {
			t.Fatalf("re-using the code of an ended unit: %v", err)
		}
		s = f.snap(t)
		if v := s.FindByCode(org.LevelCommune, "90201", d1.AddDays(-1)); v == nil || v.UnitID != f.id["Xã Hai A"] {
			t.Errorf("90201 the day before: %+v", v)
		}
		if v := s.FindByCode(org.LevelCommune, "90201", d1); v == nil || v.UnitID != id {
			t.Errorf("90201 on the day: %+v", v)
		}

		// Thôn 3 moves to Xã Hai Mới on d2; ending that commune earlier
		// would leave the village under a unit that is gone
		if err := f.svc.Move(f.ctx, f.admin, org.MoveInput{Change: change(d2), UnitID: f.id["Thôn 3"], ParentID: id}); err != nil {
			t.Fatal(err)
		}
		f.id["Xã Hai Mới"] = id
		f.expectRefused(t, []refusal{
			{"already ended", dissolve(f.admin, "Thôn 1", d2), errs.Invalid, "org.err.not_in_force", "unit_id", 0},
			{"before its recorded end", dissolve(f.admin, "Thôn 1", day.MustParse("2025-01-01")), errs.Invalid, "org.err.later_change", "", 0},
			{"before a sub-unit joins it", dissolve(f.admin, "Xã Hai Mới", d2.AddDays(-10)), errs.Invalid, "org.err.later_change", "", 0},
		})
	})
}
