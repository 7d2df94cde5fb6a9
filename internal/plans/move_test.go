package plans_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestMoveRenumber: through the API, the coordinator moves a task to
// another group and within its group, moves a group out of its pillar and
// back, and renumbers the plan; each is in the history with its reason and
// audited. A loop, a group or task of another plan, no reason and another
// unit's user are refused with nothing written.
func TestMoveRenumber(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord := s.TokenClient(t, "gialai")
		dept := s.TokenClient(t, "sokhcn")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		y := s.Org.Today().Year()
		newPlan := func(number string) int64 {
			t.Helper()
			var doc plans.Document
			if st := coord.JSON("POST", "/api/v1/plans", map[string]any{"number": number, "type": "plan", "title": "Kế hoạch " + number,
				"issued_on": day.Of(y, 1, 2).String(), "ends_on": day.Of(y+1, 12, 31).String(), "owner_unit_id": province}, &doc); st != 201 {
				t.Fatalf("create %s: %d", number, st)
			}
			return doc.ID
		}
		plan, other := newPlan("521/KH-UBND"), newPlan("522/KH-UBND")
		due := day.Of(y+1, 6, 30).String()
		task := func(pillar, group, title string) map[string]any {
			return map[string]any{"pillar": pillar, "group": group, "title": title, "lead_unit_id": kh, "schedule": "once", "due_on": due}
		}
		var created struct{ Tasks []plans.Task }
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/tasks", plan), map[string]any{"tasks": []any{
			task("Chính quyền số", "Hạ tầng", "Mạng diện rộng"), task("Chính quyền số", "Hạ tầng", "Trung tâm dữ liệu"),
			task("Chính quyền số", "Dữ liệu", "Kho dữ liệu dùng chung"),
		}}, &created); st != 201 {
			t.Fatalf("tasks: %d", st)
		}
		var elsewhere struct{ Tasks []plans.Task }
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/tasks", other), map[string]any{"tasks": []any{task("", "Khác", "Việc khác")}}, &elsewhere); st != 201 {
			t.Fatalf("other tasks: %d", st)
		}
		wan, dc := created.Tasks[0], created.Tasks[1]
		groups := func(doc int64) map[string]plans.GroupView {
			v, err := s.Plans.Plan(ctx, actor(t, s, "gialai"), doc, s.Org.Today(), plans.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]plans.GroupView{}
			for _, g := range v.Groups {
				out[g.Title] = g
			}
			return out
		}
		g := groups(plan)
		pillar, infra, data := g["Chính quyền số"], g["Hạ tầng"], g["Dữ liệu"]
		if infra.ParentID != pillar.ID || data.ParentID != pillar.ID || pillar.Depth != 0 || infra.Depth != 1 {
			t.Fatalf("groups as made: %+v", g)
		}
		foreign := groups(other)["Khác"]

		// refused, nothing written
		audits := s.AuditLen(t)
		for name, c := range map[string]struct {
			client *apptest.Client
			path   string
			body   map[string]any
			want   int
		}{
			"no reason":                  {coord, fmt.Sprintf("/api/v1/tasks/%d/move", dc.ID), map[string]any{"group_id": data.ID}, 422},
			"a group of another plan":    {coord, fmt.Sprintf("/api/v1/tasks/%d/move", dc.ID), map[string]any{"group_id": foreign.ID, "reason": "x"}, 422},
			"a pillar under its group":   {coord, fmt.Sprintf("/api/v1/groups/%d/move", pillar.ID), map[string]any{"parent_id": infra.ID, "reason": "x"}, 422},
			"a group under itself":       {coord, fmt.Sprintf("/api/v1/groups/%d/move", infra.ID), map[string]any{"parent_id": infra.ID, "reason": "x"}, 422},
			"under another plan's group": {coord, fmt.Sprintf("/api/v1/groups/%d/move", infra.ID), map[string]any{"parent_id": foreign.ID, "reason": "x"}, 422},
			"not the coordinator":        {dept, fmt.Sprintf("/api/v1/tasks/%d/move", dc.ID), map[string]any{"group_id": data.ID, "reason": "x"}, 403},
			"renumber by a department":   {dept, fmt.Sprintf("/api/v1/plans/%d/renumber", plan), map[string]any{"reason": "x"}, 403},
			"renumber without a reason":  {coord, fmt.Sprintf("/api/v1/plans/%d/renumber", plan), map[string]any{}, 422},
			"the same place":             {coord, fmt.Sprintf("/api/v1/tasks/%d/move", wan.ID), map[string]any{"group_id": infra.ID, "position": 1, "reason": "x"}, 422},
		} {
			if st := c.client.JSON("POST", c.path, c.body, nil); st != c.want {
				t.Errorf("%s: %d, want %d", name, st, c.want)
			}
		}
		if n := s.AuditLen(t); n != audits {
			t.Errorf("refused moves wrote %d audit entries", n-audits)
		}

		// the data centre goes to the data group, first
		var moved plans.Task
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/move", dc.ID), map[string]any{"group_id": data.ID, "position": 1,
			"reason": "Rà soát sau sơ kết", "decision": "Công văn 15/UBND-KGVX"}, &moved); st != 200 || moved.GroupID != data.ID {
			t.Fatalf("move: %d %+v", st, moved)
		}
		v, err := s.Plans.Plan(ctx, actor(t, s, "gialai"), plan, s.Org.Today(), plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, g := range v.Groups {
			for _, r := range g.Tasks {
				order = append(order, g.Title+"/"+r.Title)
			}
		}
		if fmt.Sprint(order) != "[Hạ tầng/Mạng diện rộng Dữ liệu/Trung tâm dữ liệu Dữ liệu/Kho dữ liệu dùng chung]" {
			t.Errorf("order after the move: %v", order)
		}
		// then last in its group
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/move", dc.ID), map[string]any{"group_id": data.ID, "reason": "Thứ tự ưu tiên"}, nil); st != 200 {
			t.Fatalf("reorder: %d", st)
		}
		var hist struct{ Changes []plans.Change }
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", dc.ID), nil, nil); st != 200 {
			t.Fatalf("task: %d", st)
		}
		changes, err := s.Plans.Changes(ctx, actor(t, s, "gialai"), dc.ID)
		if err != nil {
			t.Fatal(err)
		}
		hist.Changes = changes
		if len(hist.Changes) != 2 || hist.Changes[0].Kind != plans.ChangeGroup || hist.Changes[0].Before != "Hạ tầng" || hist.Changes[0].After != "Dữ liệu" ||
			hist.Changes[0].Decision != "Công văn 15/UBND-KGVX" || hist.Changes[1].Kind != plans.ChangeOrder || hist.Changes[1].Before != "1" || hist.Changes[1].After != "2" {
			t.Errorf("history: %+v", hist.Changes)
		}

		// the data group becomes a pillar of its own, first
		var mg plans.Group
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/groups/%d/move", data.ID), map[string]any{"parent_id": 0, "position": 1, "reason": "Tách trụ cột dữ liệu"}, &mg); st != 200 || mg.ParentID != 0 {
			t.Fatalf("group move: %d %+v", st, mg)
		}
		g = groups(plan)
		if g["Dữ liệu"].Depth != 0 || g["Hạ tầng"].ParentID != pillar.ID {
			t.Errorf("after the group move: %+v", g)
		}
		// renumber: pillars I, II; the group under the pillar 1; its tasks 1.1
		var rn struct{ Changed int }
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/renumber", plan), map[string]any{"reason": "Đánh số lại sau điều chỉnh"}, &rn); st != 200 || rn.Changed == 0 {
			t.Fatalf("renumber: %d %+v", st, rn)
		}
		v, err = s.Plans.Plan(ctx, actor(t, s, "gialai"), plan, s.Org.Today(), plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, g := range v.Groups {
			codes = append(codes, g.Code+" "+g.Title)
			for _, r := range g.Tasks {
				codes = append(codes, r.Code+" "+r.Title)
			}
		}
		if fmt.Sprint(codes) != "[I Dữ liệu 1 Kho dữ liệu dùng chung 2 Trung tâm dữ liệu II Chính quyền số 1 Hạ tầng 1.1 Mạng diện rộng]" {
			t.Errorf("codes: %v", codes)
		}
		var gc struct{ Changes []plans.GroupChange }
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/plans/%d/group-changes", plan), nil, &gc); st != 200 {
			t.Fatalf("group changes: %d", st)
		}
		kinds := map[string]int{}
		for _, c := range gc.Changes {
			kinds[c.Kind]++
			if c.Reason == "" {
				t.Errorf("a change without its reason: %+v", c)
			}
		}
		if kinds["parent"] != 1 || kinds["code"] != 3 {
			t.Errorf("group history: %+v", gc.Changes)
		}
		// renumbering again changes nothing: refused
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/renumber", plan), map[string]any{"reason": "lặp"}, nil); st != 422 {
			t.Errorf("renumber twice: %d", st)
		}
		if s.AuditLen(t) <= audits {
			t.Error("the moves are not audited")
		}
	})
}
