package org_test

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

func change(d day.Day) org.Change { return org.Change{Effective: d, LegalBasis: "01/QĐ-UBND"} }

func frac(x float64) *float64 { return &x }

func TestEstablish(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		prov := f.id["Tỉnh Thử Nghiệm"]
		seq := f.auditHead(t)
		id, err := f.svc.Establish(f.ctx, f.admin, org.EstablishInput{
			Change:   org.Change{Effective: d1, LegalBasis: "  12/QĐ-UBND ", Note: "theo Kế hoạch 687"},
			UnitSpec: org.UnitSpec{ParentID: prov, Name: norm.NFD.String(" Ban Chỉ đạo   CĐS "), Level: org.LevelCommittee},
		})
		if err != nil {
			t.Fatal(err)
		}
		s := f.snap(t)
		v := s.At(id, d1)
		if v == nil || v.Name != "Ban Chỉ đạo CĐS" || v.Level != org.LevelCommittee || v.ParentID != prov ||
			v.Path != s.At(prov, d1).Path+itoa(id)+"/" || !v.To.IsForever() {
			t.Fatalf("established %+v", v)
		}
		if s.At(id, d1.AddDays(-1)) != nil {
			t.Error("the unit exists before it was established")
		}
		if got := childNames(s, prov, d1.AddDays(-1)); got != "Huyện Hai, Huyện Một, Sở Khoa học và Công nghệ" {
			t.Errorf("children the day before: %s", got)
		}
		if got := childNames(s, prov, d1); got != "Ban Chỉ đạo CĐS, Huyện Hai, Huyện Một, Sở Khoa học và Công nghệ" {
			t.Errorf("children on the day: %s", got)
		}
		if got := history(s, id); got != "2025-03-01–… Ban Chỉ đạo CĐS (Tỉnh Thử Nghiệm)" {
			t.Errorf("history: %s", got)
		}
		if ev := s.Event(v.EventID); ev == nil || ev.Kind != org.EventEstablish || ev.LegalBasis != "12/QĐ-UBND" ||
			!ev.Effective.Equal(d1) || ev.Note != "theo Kế hoạch 687" {
			t.Errorf("event %+v", ev)
		}
		if len(s.Predecessors(id)) != 0 || len(s.Successors(id)) != 0 {
			t.Error("a new unit has lineage")
		}
		if hits := s.Search("ban chi dao cds", d1, s.RootID, 5); len(hits) != 1 || hits[0].UnitID != id {
			t.Errorf("search finds %v", hits)
		}
		f.wantAudit(t, seq, "unit.establish@Ban Chỉ đạo CĐS", "unit_event.establish")

		// a coordinator establishes inside their province
		coord := f.actor(auth.RoleCoordinator, "Tỉnh Thử Nghiệm")
		if _, err := f.svc.Establish(f.ctx, coord, org.EstablishInput{Change: change(d1),
			UnitSpec: org.UnitSpec{ParentID: f.id["Huyện Một"], Code: "90103", Name: "Xã Một C", Level: org.LevelCommune}}); err != nil {
			t.Errorf("coordinator: %v", err)
		}

		// a commune's focal person keeps its villages
		if _, err := f.svc.Establish(f.ctx, f.actor(auth.RoleFocal, "Xã Một A"), org.EstablishInput{Change: change(d1),
			UnitSpec: org.UnitSpec{ParentID: f.id["Xã Một A"], Name: "Thôn 9", Level: org.LevelVillage}}); err != nil {
			t.Errorf("focal person, a village: %v", err)
		}

		establish := func(actor *auth.Actor, date day.Day, sp org.UnitSpec) func(f *fixture) error {
			return func(f *fixture) error {
				_, err := f.svc.Establish(f.ctx, actor, org.EstablishInput{Change: change(date), UnitSpec: sp})
				return err
			}
		}
		commune := func(parent, code string) org.UnitSpec {
			return org.UnitSpec{ParentID: f.id[parent], Code: code, Name: "Xã Mới", Level: org.LevelCommune}
		}
		f.expectRefused(t, []refusal{
			{"unknown parent", establish(f.admin, d1, org.UnitSpec{ParentID: 999999, Name: "Xã Mới", Level: org.LevelCommune}), errs.Invalid, "org.err.unknown_parent", "parent_id", 0},
			{"commune under an agency", establish(f.admin, d1, commune("Sở Khoa học và Công nghệ", "90199")), errs.Invalid, "org.err.bad_parent_level", "parent_id", 0},
			{"province under a district", establish(f.admin, d1, org.UnitSpec{ParentID: f.id["Huyện Một"], Code: "99", Name: "Tỉnh Mới", Level: org.LevelProvince}), errs.Invalid, "org.err.bad_parent_level", "parent_id", 0},
			{"commune under a commune", establish(f.admin, d1, commune("Xã Một A", "90199")), errs.Invalid, "org.err.bad_parent_level", "parent_id", 0},
			{"unknown level", establish(f.admin, d1, org.UnitSpec{ParentID: prov, Name: "Phường Mới", Level: "ward"}), errs.Invalid, "org.err.bad_level", "level", 0},
			{"a second nation", establish(f.admin, d1, org.UnitSpec{ParentID: prov, Name: "Quốc gia", Level: org.LevelNation}), errs.Invalid, "org.err.bad_level", "level", 0},
			{"no name", establish(f.admin, d1, org.UnitSpec{ParentID: prov, Name: " \u00a0 ", Level: org.LevelAgency}), errs.Invalid, "org.err.name_required", "name", 0},
			{"duplicate code on the same date", establish(f.admin, d1, commune("Huyện Hai", "90101")), errs.Conflict, "org.err.code_taken", "code", 0},
			{"no date", establish(f.admin, day.Day{}, commune("Huyện Hai", "90199")), errs.Invalid, "org.err.date_required", "effective_date", 0},
			{"parent not yet in force", establish(f.admin, day.MustParse("2023-06-01"), commune("Huyện Hai", "90199")), errs.Invalid, "org.err.not_in_force", "parent_id", 0},
			{"focal person, not a village", establish(f.actor(auth.RoleFocal, "Xã Một A"), d1, org.UnitSpec{ParentID: f.id["Xã Một A"], Name: "Tổ công nghệ số", Level: org.LevelAgency}), errs.Forbidden, "err.forbidden", "", 0},
			{"focal person, another commune", establish(f.actor(auth.RoleFocal, "Xã Một A"), d1, org.UnitSpec{ParentID: f.id["Xã Một B"], Name: "Thôn 9", Level: org.LevelVillage}), errs.Forbidden, "err.forbidden", "", 0},
			{"viewer", establish(f.actor(auth.RoleViewer, "Việt Nam"), d1, commune("Huyện Hai", "90199")), errs.Forbidden, "err.forbidden", "", 0},
			{"coordinator outside their scope", establish(f.actor(auth.RoleCoordinator, "Tỉnh Láng Giềng"), d1, commune("Huyện Hai", "90199")), errs.Forbidden, "err.forbidden", "", 0},
		})
	})
}

func TestRename(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		xa := f.id["Xã Một A"]
		seq := f.auditHead(t)
		rename := func(actor *auth.Actor, id int64, date day.Day, name, code, kind string) func(f *fixture) error {
			return func(f *fixture) error {
				return f.svc.Rename(f.ctx, actor, org.RenameInput{Change: change(date), UnitID: id, Name: name, Code: code, Kind: kind})
			}
		}
		if err := rename(f.admin, xa, d1, "Phường Một A", "90101", "Phường")(f); err != nil {
			t.Fatal(err)
		}
		s := f.snap(t)
		if v := s.At(xa, d1.AddDays(-1)); v.Name != "Xã Một A" || v.Kind != "Xã" {
			t.Errorf("the day before: %+v", v)
		}
		if v := s.At(xa, d1); v.Name != "Phường Một A" || v.Kind != "Phường" || v.Code != "90101" || v.ParentID != f.id["Huyện Một"] {
			t.Errorf("on the day: %+v", v)
		}
		if got := history(s, xa); got != "2024-01-01–2025-03-01 Xã Một A (Huyện Một); 2025-03-01–… Phường Một A (Huyện Một)" {
			t.Errorf("history: %s", got)
		}
		if got := childNames(s, xa, d1); got != "Thôn 1, Thôn 2" {
			t.Errorf("villages after the rename: %s", got)
		}
		if len(s.Predecessors(xa))+len(s.Successors(xa)) != 0 {
			t.Error("a renamed unit is its own history, with no lineage")
		}
		if len(s.Search("phuong mot a", d1.AddDays(-1), s.RootID, 5)) != 0 || len(s.Search("phuong mot a", d1, s.RootID, 5)) != 1 {
			t.Error("search by the new name should find it from the day of the rename only")
		}
		f.wantAudit(t, seq, "unit.rename@Xã Một A", "unit_event.rename")

		// a correction on the same day replaces the version, not adds one
		if err := rename(f.admin, xa, d1, "Phường Một Á", "90101", "Phường")(f); err != nil {
			t.Fatal(err)
		}
		if got := history(f.snap(t), xa); got != "2024-01-01–2025-03-01 Xã Một A (Huyện Một); 2025-03-01–… Phường Một Á (Huyện Một)" {
			t.Errorf("history after the correction: %s", got)
		}
		// a new code, later: the old code is this unit's before, free after
		if err := rename(f.admin, xa, d2, "Phường Một Á", "90109", "Phường")(f); err != nil {
			t.Fatal(err)
		}
		s = f.snap(t)
		if v := s.FindByCode(org.LevelCommune, "90109", d2); v == nil || v.UnitID != xa {
			t.Errorf("new code on d2: %+v", v)
		}
		if v := s.FindByCode(org.LevelCommune, "90101", d2.AddDays(-1)); v == nil || v.UnitID != xa {
			t.Errorf("old code the day before: %+v", v)
		}
		if v := s.FindByCode(org.LevelCommune, "90101", d2); v != nil {
			t.Errorf("old code still taken on d2 by %+v", v)
		}

		f.expectRefused(t, []refusal{
			{"nothing changed", rename(f.admin, xa, d2.AddDays(10), "Phường Một Á", "90109", "Phường"), errs.Invalid, "org.err.nothing_changed", "", 0},
			{"no name", rename(f.admin, xa, d2.AddDays(10), "  ", "90109", "Phường"), errs.Invalid, "org.err.name_required", "name", 0},
			{"code taken on the date", rename(f.admin, xa, d2.AddDays(10), "Phường Một Á", "90102", "Phường"), errs.Conflict, "org.err.code_taken", "code", 0},
			{"before a later recorded change", rename(f.admin, xa, day.MustParse("2025-01-01"), "Xã Khác", "90101", "Xã"), errs.Invalid, "org.err.later_change", "unit_id", 0},
			{"before the unit existed", rename(f.admin, xa, day.MustParse("2023-01-01"), "Xã Khác", "90101", "Xã"), errs.Invalid, "org.err.not_in_force", "unit_id", 0},
			{"the nation", rename(f.admin, f.id["Việt Nam"], d1, "Nước Khác", "VN", ""), errs.Invalid, "org.err.root_fixed", "unit_id", 0},
			{"unknown unit", rename(f.admin, 999999, d1, "Xã Khác", "", ""), errs.Invalid, "org.err.unknown_unit", "unit_id", 0},
			{"focal person of the unit", rename(f.actor(auth.RoleFocal, "Xã Một A"), xa, d2.AddDays(10), "Xã Khác", "90109", "Xã"), errs.Forbidden, "err.forbidden", "", 0},
			{"coordinator outside their scope", rename(f.actor(auth.RoleCoordinator, "Tỉnh Láng Giềng"), xa, d2.AddDays(10), "Xã Khác", "90109", "Xã"), errs.Forbidden, "err.forbidden", "", 0},
		})
	})
}

func TestMove(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		move := func(actor *auth.Actor, unit, parent string, date day.Day) func(f *fixture) error {
			return func(f *fixture) error {
				return f.svc.Move(f.ctx, actor, org.MoveInput{Change: change(date), UnitID: f.id[unit], ParentID: f.id[parent]})
			}
		}
		// a department with an office, to try a cycle among agencies
		office, err := f.svc.Establish(f.ctx, f.admin, org.EstablishInput{Change: change(baseline.AddDays(1)),
			UnitSpec: org.UnitSpec{ParentID: f.id["Sở Khoa học và Công nghệ"], Name: "Văn phòng Sở", Level: org.LevelAgency}})
		if err != nil {
			t.Fatal(err)
		}
		f.id["Văn phòng Sở"] = office
		coord := f.actor(auth.RoleCoordinator, "Tỉnh Thử Nghiệm")
		f.expectRefused(t, []refusal{
			{"under its own descendant", move(f.admin, "Huyện Một", "Xã Một A", d1), errs.Invalid, "org.err.cycle", "parent_id", 0},
			{"under a village of its own", move(f.admin, "Huyện Một", "Thôn 3", d1), errs.Invalid, "org.err.cycle", "parent_id", 0},
			{"under itself", move(f.admin, "Huyện Một", "Huyện Một", d1), errs.Invalid, "org.err.cycle", "parent_id", 0},
			{"agency under its own office", move(f.admin, "Sở Khoa học và Công nghệ", "Văn phòng Sở", d1), errs.Invalid, "org.err.cycle", "parent_id", 0},
			{"unknown parent", move(f.admin, "Xã Một A", "no such unit", d1), errs.Invalid, "org.err.unknown_parent", "parent_id", 0},
			{"commune under an agency", move(f.admin, "Xã Một A", "Sở Khoa học và Công nghệ", d1), errs.Invalid, "org.err.bad_parent_level", "parent_id", 0},
			{"district under a district", move(f.admin, "Huyện Một", "Huyện Hai", d1), errs.Invalid, "org.err.bad_parent_level", "parent_id", 0},
			{"to the same parent", move(f.admin, "Xã Một A", "Huyện Một", d1), errs.Invalid, "org.err.nothing_changed", "parent_id", 0},
			{"parent not yet in force", move(f.admin, "Thôn 1", "Văn phòng Sở", baseline), errs.Invalid, "org.err.not_in_force", "parent_id", 0},
			{"focal person", move(f.actor(auth.RoleFocal, "Huyện Một"), "Xã Một A", "Huyện Hai", d1), errs.Forbidden, "err.forbidden", "", 0},
			{"coordinator, to outside their scope", move(coord, "Xã Một A", "Huyện Ba", d1), errs.Forbidden, "err.forbidden", "", 0},
			{"coordinator, from outside their scope", move(coord, "Xã Ba A", "Huyện Một", d1), errs.Forbidden, "err.forbidden", "", 0},
		})

		// a commune with its villages moves to the other district
		seq := f.auditHead(t)
		if err := move(coord, "Xã Một A", "Huyện Hai", d1)(f); err != nil {
			t.Fatal(err)
		}
		s := f.snap(t)
		before := d1.AddDays(-1)
		xa, thon1 := f.id["Xã Một A"], f.id["Thôn 1"]
		for _, c := range []struct{ got, want string }{
			{parentName(s, xa, before), "Huyện Một"},
			{parentName(s, xa, d1), "Huyện Hai"},
			{childNames(s, f.id["Huyện Một"], before), "Xã Một A, Xã Một B"},
			{childNames(s, f.id["Huyện Một"], d1), "Xã Một B"},
			{childNames(s, f.id["Huyện Hai"], before), "Xã Hai A"},
			{childNames(s, f.id["Huyện Hai"], d1), "Xã Hai A, Xã Một A"},
			{ancestorNames(s, thon1, before), "Tỉnh Thử Nghiệm / Huyện Một / Xã Một A"},
			{ancestorNames(s, thon1, d1), "Tỉnh Thử Nghiệm / Huyện Hai / Xã Một A"},
			{history(s, xa), "2024-01-01–2025-03-01 Xã Một A (Huyện Một); 2025-03-01–… Xã Một A (Huyện Hai)"},
			{links(s, append(s.Predecessors(xa), s.Successors(xa)...)), ""},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
		// the villages' paths moved with it: the subtree range query finds them
		for _, date := range []day.Day{before, d1} {
			district := s.At(s.At(xa, date).ParentID, date)
			for _, name := range []string{"Thôn 1", "Thôn 2"} {
				if p := s.At(f.id[name], date).Path; !strings.HasPrefix(p, district.Path) {
					t.Errorf("%s on %s has path %s, outside %s (%s)", name, date, p, district.Name, district.Path)
				}
			}
		}
		f.wantAudit(t, seq, "unit.move@Xã Một A", "unit.repath@Thôn 1", "unit.repath@Thôn 2", "unit_event.move")

		// a district with its whole subtree moves to the other province
		if err := move(f.admin, "Huyện Một", "Tỉnh Láng Giềng", d2)(f); err != nil {
			t.Fatal(err)
		}
		s = f.snap(t)
		count := func(unit string, date day.Day) map[org.Level]int { return s.CountByLevel(f.id[unit], date) }
		if got := count("Tỉnh Láng Giềng", d2); got[org.LevelDistrict] != 2 || got[org.LevelCommune] != 2 || got[org.LevelVillage] != 1 {
			t.Errorf("Tỉnh Láng Giềng on d2: %v", got)
		}
		if got := count("Tỉnh Láng Giềng", d2.AddDays(-1)); got[org.LevelDistrict] != 1 || got[org.LevelCommune] != 1 || got[org.LevelVillage] != 0 {
			t.Errorf("Tỉnh Láng Giềng the day before: %v", got)
		}
		if got := ancestorNames(s, f.id["Thôn 3"], d2); got != "Tỉnh Láng Giềng / Huyện Một / Xã Một B" {
			t.Errorf("Thôn 3 on d2: %s", got)
		}
		// both provinces see the district: one had it, the other has it
		for _, p := range []string{"Tỉnh Thử Nghiệm", "Tỉnh Láng Giềng"} {
			if !s.Covers(f.id[p], f.id["Thôn 3"]) {
				t.Errorf("%s does not cover Thôn 3", p)
			}
		}
		if s.Covers(f.id["Tỉnh Láng Giềng"], f.id["Xã Một A"]) {
			t.Error("Tỉnh Láng Giềng covers a commune that never was in it")
		}

		if err := f.svc.Rename(f.ctx, f.admin, org.RenameInput{Change: change(day.MustParse("2025-10-01")), UnitID: f.id["Thôn 2"], Name: "Thôn Hai"}); err != nil {
			t.Fatal(err)
		}
		f.expectRefused(t, []refusal{
			{"with a descendant that changes later", move(f.admin, "Xã Một A", "Huyện Một", day.MustParse("2025-09-15")), errs.Invalid, "org.err.later_change", "", 0},
			{"before its own later move", move(f.admin, "Xã Một A", "Huyện Một", day.MustParse("2025-02-01")), errs.Invalid, "org.err.later_change", "unit_id", 0},
			{"a subtree before a unit joins it", move(f.admin, "Huyện Hai", "Tỉnh Láng Giềng", day.MustParse("2025-02-01")), errs.Invalid, "org.err.later_change", "", 0},
			{"under a parent that moves later", move(f.admin, "Xã Hai A", "Huyện Một", d1), errs.Invalid, "org.err.later_change", "parent_id", 0},
		})
	})
}
