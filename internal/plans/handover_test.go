package plans_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestHandOver: when a unit ends in a restructuring, its open tasks and
// assignments pass to its successor as of the event's date, with a line in
// the task's history and a notification to the successor; a successor that
// already has a part of a class task keeps one; a unit established later
// gets its part of a class task that says so. Both a hand edit (establish,
// merge) and an imported restructuring, on both databases.
func TestHandOver(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord := s.TokenClient(t, "gialai")
		admin, gialai, pleikuUser := actor(t, s, "admin"), actor(t, s, "gialai"), actor(t, s, "pleiku")
		prov := s.UnitNamed(t, "Tỉnh Gia Lai")
		pleiku := s.UnitNamed(t, "Phường Pleiku").UnitID
		ialy := s.UnitNamed(t, "Xã Ia Ly").UnitID
		today := s.Org.Today()
		y := today.Year()
		var doc plans.Document
		if st := coord.JSON("POST", "/api/v1/plans", map[string]any{"number": "89/KH-UBND", "type": "plan", "title": "Kế hoạch thử bàn giao",
			"issued_on": day.Of(y, 1, 2).String(), "ends_on": day.Of(y+1, 12, 31).String(), "owner_unit_id": prov.UnitID}, &doc); st != 201 {
			t.Fatalf("create plan: %d", st)
		}
		due := day.Of(y+1, 6, 30)
		var created struct{ Tasks []plans.Task }
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/tasks", doc.ID), map[string]any{"tasks": []any{
			map[string]any{"title": "Số hóa sổ hộ tịch", "lead_class": "communes", "class_later": true, "schedule": "once", "due_on": due.String()},
			map[string]any{"title": "Lắp camera giám sát chợ xã", "lead_unit_id": ialy, "schedule": "once", "due_on": due.String()},
		}}, &created); st != 201 {
			t.Fatalf("tasks: %d", st)
		}
		class, own := created.Tasks[0], created.Tasks[1]
		progress := func() plans.ClassProgress {
			t.Helper()
			p, err := s.Plans.Assignments(ctx, gialai, class.ID, today, false, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			return p.Progress
		}
		n := progress().Total

		// a commune established later gets its part
		d1, d2, d3 := today.AddDays(-3), today.AddDays(-2), today.AddDays(-1)
		newID, err := s.Org.Establish(ctx, admin, org.EstablishInput{Change: org.Change{Effective: d1, LegalBasis: "Nghị quyết thử 1"},
			UnitSpec: org.UnitSpec{ParentID: prov.UnitID, Code: "99901", Name: "Xã Thử Mới", Level: org.LevelCommune, Kind: "Xã"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := progress().Total; got != n+1 {
			t.Errorf("after a commune was established: %d parts, want %d", got, n+1)
		}

		// a hand edit: Xã Ia Ly merges into Phường Pleiku
		if _, err := s.Org.Merge(ctx, admin, org.MergeInput{Change: org.Change{Effective: d2, LegalBasis: "Nghị quyết thử 2"},
			UnitIDs: []int64{ialy}, IntoID: pleiku}); err != nil {
			t.Fatal(err)
		}
		v, err := s.Plans.GetTask(ctx, pleikuUser, own.ID, today)
		if err != nil {
			t.Fatalf("pleiku opens Ia Ly's task: %v", err)
		}
		if v.Row.LeadUnitID != pleiku || !v.CanReport {
			t.Errorf("Ia Ly's task after the merge: lead %d, can report %v", v.Row.LeadUnitID, v.CanReport)
		}
		if len(v.History) != 1 || v.History[0].Kind != plans.ChangeHandover || !v.History[0].ChangedOn.Equal(d2) ||
			!strings.Contains(v.History[0].BeforeText, "Ia Ly") || v.History[0].Decision != "Nghị quyết thử 2" {
			t.Errorf("history of the handed task: %+v", v.History)
		}
		notes, _, err := s.Plans.Notifications(ctx, pleikuUser, 50)
		if err != nil {
			t.Fatal(err)
		}
		told := false
		for _, nt := range notes {
			told = told || nt.TaskID == own.ID
		}
		if !told {
			t.Error("pleiku was not told of the task handed to it")
		}
		// Pleiku had its own part of the class task: Ia Ly's is closed
		if got := progress().Total; got != n {
			t.Errorf("after the merge: %d parts, want %d", got, n)
		}

		// an imported restructuring: Xã Thử Mới and one more commune form
		// Phường Thử Hợp Nhất
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var other *org.Version
		var units, mapping bytes.Buffer
		uw, mw := csv.NewWriter(&units), csv.NewWriter(&mapping)
		uw.Write([]string{"code", "name", "level", "parent_code"})
		mw.Write([]string{"level", "new_code", "new_name", "old_code", "old_name", "share", "fraction"})
		uw.Write([]string{prov.Code, prov.Name, "province", ""})
		mw.Write([]string{"province", prov.Code, prov.Name, prov.Code, prov.Name, "full", ""})
		uw.Write([]string{"99902", "Phường Thử Hợp Nhất", "commune", prov.Code})
		for _, c := range snap.Children(prov.UnitID, d3) {
			if c.Level != org.LevelCommune {
				continue
			}
			if other == nil && c.UnitID != pleiku && c.UnitID != newID {
				other = c
			}
			if c.UnitID == newID || c == other {
				mw.Write([]string{"commune", "99902", "Phường Thử Hợp Nhất", c.Code, c.Name, "full", ""})
				continue
			}
			uw.Write([]string{c.Code, c.Name, "commune", prov.Code})
			mw.Write([]string{"commune", c.Code, c.Name, c.Code, c.Name, "full", ""})
		}
		uw.Flush()
		mw.Flush()
		var otherPart int64
		page, err := s.Plans.Assignments(ctx, gialai, class.ID, today, false, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			if r.LeadUnitID == other.UnitID {
				otherPart = r.ID
			}
		}
		if otherPart == 0 {
			t.Fatalf("%s has no part of the class task", other.Name)
		}
		if _, err := s.Org.Restructure(ctx, admin, &units, "units.csv", &mapping, "mapping.csv",
			org.Change{Effective: d3, LegalBasis: "Nghị quyết thử 3"}); err != nil {
			t.Fatal(err)
		}
		merged := s.UnitNamed(t, "Phường Thử Hợp Nhất").UnitID
		tv, err := s.Plans.GetTask(ctx, gialai, otherPart, today)
		if err != nil {
			t.Fatal(err)
		}
		if tv.Row.LeadUnitID != merged && tv.Row.State.Status != plans.Cancelled {
			t.Errorf("%s's part after the restructuring: lead %d, status %s", other.Name, tv.Row.LeadUnitID, tv.Row.State.Status)
		}
		page, err = s.Plans.Assignments(ctx, gialai, class.ID, today, false, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		parts := map[int64]int{}
		for _, r := range page.Rows {
			if r.State.Status != plans.Cancelled {
				parts[r.LeadUnitID]++
			}
		}
		if parts[merged] != 1 || parts[newID] != 0 || parts[other.UnitID] != 0 || page.Progress.Total != n-1 {
			t.Errorf("parts after the restructuring: merged %d, new %d, other %d, total %d (want 1, 0, 0, %d)",
				parts[merged], parts[newID], parts[other.UnitID], page.Progress.Total, n-1)
		}
	})
}
