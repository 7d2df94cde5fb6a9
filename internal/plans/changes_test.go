package plans_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestChangeCancelCarry: after a review the coordinator extends a deadline
// and reassigns a task (the history keeps the original), cancels one (listed,
// not counted) and carries one over into next year's plan (linked both
// ways, counted once); each bad request is refused with nothing written.
func TestChangeCancelCarry(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord := s.TokenClient(t, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		nv := s.UnitNamed(t, "Sở Nội vụ").UnitID
		yt := s.UnitNamed(t, "Sở Y tế").UnitID
		today := s.Org.Today()
		y := today.Year()
		newPlan := func(number string, issued, ends day.Day) int64 {
			t.Helper()
			var doc plans.Document
			if st := coord.JSON("POST", "/api/v1/plans", map[string]any{"number": number, "type": "plan", "title": "Kế hoạch chuyển đổi số " + number,
				"issued_on": issued.String(), "ends_on": ends.String(), "owner_unit_id": province}, &doc); st != 201 {
				t.Fatalf("create %s: %d", number, st)
			}
			return doc.ID
		}
		plan := newPlan("301/KH-UBND", day.Of(y, 1, 2), day.Of(y, 12, 31))
		var created struct{ Tasks []plans.Task }
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/tasks", plan), map[string]any{"tasks": []any{
			map[string]any{"group": "Hạ tầng số", "title": "Nâng cấp mạng diện rộng", "lead_unit_id": kh, "schedule": "once", "due_on": day.Of(y, 1, 31).String()},
			map[string]any{"group": "Hạ tầng số", "title": "Rà soát biên chế chuyên trách", "lead_unit_id": nv, "support_unit_ids": []int64{kh}, "schedule": "once", "due_on": day.Of(y, 1, 31).String()},
			map[string]any{"group": "Nhân lực số", "title": "Tập huấn kỹ năng số", "lead_unit_id": kh, "schedule": "once", "due_on": day.Of(y, 1, 31).String()},
			map[string]any{"group": "Nhân lực số", "title": "Xây dựng kho dữ liệu dùng chung", "lead_unit_id": kh, "schedule": "once", "due_on": day.Of(y, 1, 31).String()},
		}}, &created); st != 201 {
			t.Fatalf("tasks: %d", st)
		}
		extend, reassign, cancel, carry := created.Tasks[0].ID, created.Tasks[1].ID, created.Tasks[2].ID, created.Tasks[3].ID

		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		root := snap.RootID
		// bad requests: nothing written
		audits := s.AuditLen(t)
		for name, c := range map[string]struct {
			path string
			body map[string]any
			want int
		}{
			"no reason":          {fmt.Sprintf("/api/v1/tasks/%d/change", extend), map[string]any{"due_on": day.Of(y, 9, 30).String()}, 422},
			"before the start":   {fmt.Sprintf("/api/v1/tasks/%d/change", extend), map[string]any{"due_on": day.Of(y-1, 12, 1).String(), "reason": "x"}, 422},
			"nothing changed":    {fmt.Sprintf("/api/v1/tasks/%d/change", extend), map[string]any{"reason": "x"}, 422},
			"a unit outside":     {fmt.Sprintf("/api/v1/tasks/%d/change", extend), map[string]any{"lead_unit_id": root, "reason": "x"}, 422},
			"cancel, no reason":  {fmt.Sprintf("/api/v1/tasks/%d/cancel", cancel), map[string]any{"reason": " "}, 422},
			"carry into nowhere": {fmt.Sprintf("/api/v1/tasks/%d/carry", carry), map[string]any{"document_id": 999999, "reason": "x"}, 422},
		} {
			if st := coord.JSON("POST", c.path, c.body, nil); st != c.want {
				t.Errorf("%s: %d, want %d", name, st, c.want)
			}
		}
		if n := s.AuditLen(t); n != audits {
			t.Errorf("refused requests wrote %d audit entries", n-audits)
		}
		// outside the user's scope: a commune's focal person
		if st := s.TokenClient(t, "pleiku").JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/cancel", cancel), map[string]any{"reason": "x"}, nil); st != 403 && st != 404 {
			t.Errorf("pleiku cancels a provincial task: %d", st)
		}

		// the deadline extended by a letter, and a task reassigned
		decision := "Công văn số 15/UBND-KGVX ngày 02/6/" + fmt.Sprint(y)
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/change", extend), map[string]any{"due_on": day.Of(y+1, 3, 31).String(),
			"reason": "Chờ bố trí kinh phí", "decision": decision}, nil); st != 200 {
			t.Fatalf("extend: %d", st)
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/change", reassign), map[string]any{"lead_unit_id": yt, "support_unit_ids": []int64{nv},
			"reason": "Sở Y tế đã nhận nhiệm vụ theo phân công mới"}, nil); st != 200 {
			t.Fatalf("reassign: %d", st)
		}
		var v plans.TaskView
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", extend), nil, &v)
		if len(v.History) != 1 || v.History[0].BeforeText != "31/01/"+fmt.Sprint(y) || v.History[0].AfterText != "31/03/"+fmt.Sprint(y+1) ||
			v.History[0].Decision != decision || v.Row.State.Status == plans.Overdue {
			t.Errorf("extended task: %+v %+v", v.History, v.Row.State)
		}
		_, body := s.Login(t, "gialai").Get(fmt.Sprintf("/tasks/%d", extend))
		if want := "Hạn ban đầu 31/01/" + fmt.Sprint(y) + ", gia hạn đến 31/03/" + fmt.Sprint(y+1) + " theo " + decision; !strings.Contains(string(body), want) {
			t.Errorf("the task page does not say %q", want)
		}
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", reassign), nil, &v)
		if v.Row.LeadUnitID != yt || fmt.Sprint(v.Row.SupportIDs) != fmt.Sprint([]int64{nv}) || len(v.History) != 2 ||
			v.History[0].BeforeText != "Sở Nội vụ" || v.History[0].AfterText != "Sở Y tế" {
			t.Errorf("reassigned task: lead %d support %v history %+v", v.Row.LeadUnitID, v.Row.SupportIDs, v.History)
		}

		// cancelled: listed, not counted
		var before, after plans.PlanView
		coord.JSON("GET", fmt.Sprintf("/api/v1/plans/%d", plan), nil, &before)
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/cancel", cancel), map[string]any{"reason": "Đã lồng ghép vào nhiệm vụ khác"}, nil); st != 200 {
			t.Fatalf("cancel: %d", st)
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/cancel", cancel), map[string]any{"reason": "lần nữa"}, nil); st != 409 {
			t.Errorf("cancelled twice: %d", st)
		}
		// carried over: not into a plan that has ended; into next year's
		closed := newPlan("290/KH-UBND", day.Of(y-1, 1, 5), day.Of(y-1, 12, 31))
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/carry", carry), map[string]any{"document_id": closed, "due_on": day.Of(y+1, 6, 30).String(), "reason": "x"}, nil); st != 422 {
			t.Errorf("carried into a closed plan: %d", st)
		}
		next := newPlan("315/KH-UBND", today, day.Of(y+1, 12, 31))
		var carried plans.Task
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/carry", carry), map[string]any{"document_id": next, "due_on": day.Of(y+1, 6, 30).String(),
			"reason": "Chưa hoàn thành trong năm", "decision": "Kết luận giao ban 6 tháng"}, &carried); st != 201 {
			t.Fatalf("carry: %d", st)
		}
		coord.JSON("GET", fmt.Sprintf("/api/v1/plans/%d", plan), nil, &after)
		if after.Counts.Total != before.Counts.Total-2 || after.Counts.Closed != 2 {
			t.Errorf("counts before %+v after %+v", before.Counts, after.Counts)
		}
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", carry), nil, &v)
		if v.Row.State.Status != plans.CarriedOver || v.Row.CarriedTo != carried.ID || v.CanChange || v.CanReport {
			t.Errorf("the task carried over: %+v to %d", v.Row.State, v.Row.CarriedTo)
		}
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", carried.ID), nil, &v)
		if v.Row.CarriedFrom != carry || v.Document.ID != next || len(v.History) != 1 || v.History[0].Kind != plans.ChangeCarried {
			t.Errorf("the task carrying it on: from %d in %d, %+v", v.Row.CarriedFrom, v.Document.ID, v.History)
		}
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", cancel), nil, &v)
		if v.Row.State.Status != plans.Cancelled || v.History[0].Kind != plans.ChangeCancel {
			t.Errorf("the cancelled task: %+v", v.Row.State)
		}
		// the document's details change, with a reason; its chain may not loop
		d687, d1690 := docNumbered(t, s, "687/KH-UBND"), docNumbered(t, s, "1690/QĐ-TTg")
		if st := s.TokenClient(t, "admin").JSON("PUT", fmt.Sprintf("/api/v1/plans/%d", d1690.ID), map[string]any{"number": d1690.Number, "type": "decision",
			"title": d1690.Title, "issued_on": d1690.IssuedOn.String(), "implements_id": d687.ID, "reason": "thử"}, nil); st != 422 {
			t.Errorf("a chain that loops: %d", st)
		}
		var doc plans.Document
		if st := coord.JSON("PUT", fmt.Sprintf("/api/v1/plans/%d", plan), map[string]any{"number": "301/KH-UBND", "type": "plan", "title": "Kế hoạch chuyển đổi số năm " + fmt.Sprint(y),
			"issuer": "Ủy ban nhân dân tỉnh Gia Lai", "signer": "Nguyễn Văn An", "issued_on": day.Of(y, 1, 2).String(), "implements_id": d687.ID,
			"reason": "Bổ sung người ký"}, &doc); st != 200 || doc.Signer != "Nguyễn Văn An" || doc.ParentID != d687.ID || !doc.EndsOn.Equal(day.Of(y, 12, 31)) {
			t.Errorf("change the document: %d %+v", st, doc)
		}
		if st := coord.JSON("PUT", fmt.Sprintf("/api/v1/plans/%d", plan), map[string]any{"number": "301/KH-UBND", "title": "x",
			"issued_on": day.Of(y, 2, 1).String(), "reason": "x"}, nil); st != 422 {
			t.Errorf("issued after its tasks are due: %d", st)
		}
		// a task done cannot be cancelled
		dept := actor(t, s, "sokhcn")
		r, err := s.Plans.SubmitReport(ctx, dept, extend, plans.ReportInput{Status: plans.Completed, CompletedOn: today, Done: "Đã nâng cấp xong."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.Review(ctx, actor(t, s, "gialai"), r.ID, plans.ReviewInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/cancel", extend), map[string]any{"reason": "x"}, nil); st != 422 {
			t.Errorf("a done task cancelled: %d", st)
		}
	})
}
