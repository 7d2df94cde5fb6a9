package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/audit"
)

// TestAPIRestructuring walks a province's coordinator through the tree's
// life by API token: establish a department, rename it from a date, read it
// either side of that date, move it, merge two units and split the result,
// dissolve one part; find units without diacritics; read the history with
// its lineage and the change log. A leader who only looks is refused.
func TestAPIRestructuring(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		c := s.TokenClient(t, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		pleiku := s.UnitNamed(t, "Phường Pleiku").UnitID
		must := func(code, want int, what string) {
			t.Helper()
			if code != want {
				t.Fatalf("%s: status %d, want %d", what, code, want)
			}
		}
		establish := func(name, date string) api.UnitDetail {
			t.Helper()
			var u api.UnitDetail
			must(c.JSON("POST", "/api/v1/units", obj{"parent_id": province, "name": name, "level": "agency", "kind": "Sở",
				"effective_date": date, "legal_basis": "Quyết định thành lập"}, &u), http.StatusCreated, "establish "+name)
			if u.Name != name || u.ParentID != province || !u.InForce {
				t.Fatalf("established %+v", u)
			}
			return u
		}
		get := func(id int64, date string) api.UnitDetail {
			t.Helper()
			var u api.UnitDetail
			must(c.JSON("GET", "/api/v1/units/"+itoa(id)+"?d="+date, nil, &u), http.StatusOK, "get "+itoa(id))
			return u
		}

		dept := establish("Sở Thông tin Thử nghiệm", "2026-01-01")
		id := itoa(dept.ID)
		must(c.JSON("POST", "/api/v1/units/"+id+"/rename", obj{"name": "Sở Chuyển đổi số", "kind": "Sở", "effective_date": "2026-06-01",
			"legal_basis": "Quyết định 12/QĐ-UBND"}, nil), http.StatusOK, "rename")
		if before, after := get(dept.ID, "2026-05-31"), get(dept.ID, "2026-06-01"); before.Name != "Sở Thông tin Thử nghiệm" || after.Name != "Sở Chuyển đổi số" {
			t.Errorf("the day before the rename: %q, the day of it: %q", before.Name, after.Name)
		}
		must(c.JSON("POST", "/api/v1/units/"+id+"/move", obj{"parent_id": pleiku, "effective_date": "2026-07-01", "legal_basis": "Quyết định 20/QĐ-UBND"}, nil),
			http.StatusOK, "move")
		if before, after := get(dept.ID, "2026-06-30"), get(dept.ID, "2026-07-01"); before.ParentID != province || after.ParentID != pleiku {
			t.Errorf("parent before the move %d, after %d; want %d then %d", before.ParentID, after.ParentID, province, pleiku)
		}

		// two units merged into a new one, which is then split in two
		a, b := establish("Phòng Thử A", "2026-01-01"), establish("Phòng Thử B", "2026-01-01")
		var merged api.UnitDetail
		must(c.JSON("POST", "/api/v1/merges", obj{"unit_ids": []int64{a.ID, b.ID}, "effective_date": "2026-08-01", "legal_basis": "Nghị quyết hợp nhất",
			"new": obj{"parent_id": province, "name": "Phòng Thử AB", "level": "agency"}}, &merged), http.StatusCreated, "merge")
		if merged.Name != "Phòng Thử AB" || merged.ID == a.ID || merged.ID == b.ID {
			t.Fatalf("merged into %+v", merged)
		}
		if old := get(a.ID, "2026-08-01"); old.InForce {
			t.Errorf("Phòng Thử A is still in force after the merger")
		}
		var parts api.UnitList
		must(c.JSON("POST", "/api/v1/units/"+itoa(merged.ID)+"/split", obj{"effective_date": "2026-09-01", "legal_basis": "Nghị quyết chia tách",
			"parts": []obj{{"name": "Phòng Thử Một", "level": "agency", "parent_id": province, "fraction": 0.6},
				{"name": "Phòng Thử Hai", "level": "agency", "parent_id": province, "fraction": 0.4}}}, &parts), http.StatusCreated, "split")
		if len(parts.Units) != 2 || parts.Units[0].Name != "Phòng Thử Một" || parts.Units[1].Name != "Phòng Thử Hai" {
			t.Fatalf("split into %+v", parts.Units)
		}
		must(c.JSON("POST", "/api/v1/units/"+itoa(parts.Units[1].ID)+"/dissolve", obj{"effective_date": "2026-10-01", "legal_basis": "Quyết định giải thể"}, nil),
			http.StatusOK, "dissolve")
		if gone := get(parts.Units[1].ID, "2026-10-01"); gone.InForce {
			t.Errorf("Phòng Thử Hai is in force after it was dissolved")
		}
		if still := get(parts.Units[1].ID, "2026-09-30"); !still.InForce || still.Name != "Phòng Thử Hai" {
			t.Errorf("the day before its dissolution: %+v", still)
		}

		// search without diacritics
		for q, want := range map[string]string{"gia lai": "Tỉnh Gia Lai", "pleiku": "Phường Pleiku", "so chuyen doi so": "Sở Chuyển đổi số",
			"phong thu mot": "Phòng Thử Một"} {
			var found api.UnitList
			must(c.JSON("GET", "/api/v1/search?q="+url.QueryEscape(q), nil, &found), http.StatusOK, "search "+q)
			if !hasUnit(found.Units, want) {
				t.Errorf("search %q: %v, want %s", q, found.Units, want)
			}
		}
		// the old name as of a date before the rename
		var old api.UnitList
		must(c.JSON("GET", "/api/v1/search?q=so+thong+tin+thu+nghiem&d=2026-03-01", nil, &old), http.StatusOK, "search as of")
		if !hasUnit(old.Units, "Sở Thông tin Thử nghiệm") {
			t.Errorf("search as of 01/03/2026: %v", old.Units)
		}

		// history: three versions with their events; lineage both ways
		var h api.History
		must(c.JSON("GET", "/api/v1/units/"+id+"/history", nil, &h), http.StatusOK, "history")
		var events []string
		for _, v := range h.Versions {
			if v.Event == nil {
				t.Fatalf("version without its event: %+v", v)
			}
			events = append(events, string(v.Event.Kind)+" "+v.Name+" "+v.ValidFrom.String())
		}
		if want := []string{"establish Sở Thông tin Thử nghiệm 2026-01-01", "rename Sở Chuyển đổi số 2026-06-01", "move Sở Chuyển đổi số 2026-07-01"}; strings.Join(events, "; ") != strings.Join(want, "; ") {
			t.Errorf("history:\n got %q\nwant %q", events, want)
		}
		must(c.JSON("GET", "/api/v1/units/"+itoa(merged.ID)+"/history", nil, &h), http.StatusOK, "history of the merged unit")
		if len(h.Predecessors) != 2 || len(h.Successors) != 2 {
			t.Errorf("Phòng Thử AB: %d predecessors and %d successors, want 2 and 2", len(h.Predecessors), len(h.Successors))
		}
		for _, l := range h.Successors {
			if l.Share != "partial" || l.Fraction == nil || l.EffectiveDate.String() != "2026-09-01" || l.LegalBasis != "Nghị quyết chia tách" {
				t.Errorf("successor %+v", l)
			}
		}

		// the change log names each change and who made it
		var log api.AuditList
		must(c.JSON("GET", "/api/v1/audit?unit="+id, nil, &log), http.StatusOK, "audit")
		actions := map[string]bool{}
		for _, e := range log.Entries {
			if e.Actor != "gialai" {
				t.Errorf("entry %d by %q", e.Seq, e.Actor)
			}
			actions[e.Action] = true
		}
		for _, a := range []string{"unit.establish", "unit.rename", "unit.move"} {
			if !actions[a] {
				t.Errorf("the change log of the department lacks %s: %v", a, auditActions(log.Entries))
			}
		}

		// a leader who only looks can read but not change
		viewer := s.TokenClient(t, "lanhdao")
		before := s.AuditLen(t)
		must(viewer.JSON("GET", "/api/v1/units/"+id, nil, nil), http.StatusOK, "the leader reads")
		var e api.ErrorBody
		must(viewer.JSON("POST", "/api/v1/units", obj{"parent_id": province, "name": "Sở Không Được Lập", "level": "agency", "effective_date": "2026-11-01"}, &e),
			http.StatusForbidden, "the leader establishes")
		if e.Error.Code != "forbidden" || s.AuditLen(t) != before {
			t.Errorf("the leader's refusal: %+v, audit grew by %d", e.Error, s.AuditLen(t)-before)
		}
	})
}

func hasUnit(us []api.Unit, name string) bool {
	for _, u := range us {
		if u.Name == name {
			return true
		}
	}
	return false
}

func auditActions(es []audit.Record) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Action+"#"+strconv.FormatInt(e.Seq, 10))
	}
	return out
}
