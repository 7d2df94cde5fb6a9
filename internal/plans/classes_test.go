package plans_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// communesOf counts the communes under a unit on d, as the tree says.
func communesOf(t *testing.T, s *apptest.Server, unit int64, d day.Day) int {
	t.Helper()
	snap, err := s.Org.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	snap.Walk(unit, d, func(v *org.Version) bool {
		if v.Level == org.LevelCommune {
			n++
		}
		return true
	})
	return n
}

// TestClassTasks: a task given to every commune of the province becomes one
// assignment per commune in force, each reported and reviewed on its own;
// the task shows x/N done and lists the units not done; a commune sees and
// reports only its own part; its figures count in the commune's measured
// indicators; bad input is refused with nothing written.
func TestClassTasks(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord := s.TokenClient(t, "gialai")
		gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		pleikuID := s.UnitNamed(t, "Phường Pleiku").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		today := s.Org.Today()
		y := today.Year()
		var doc plans.Document
		if st := coord.JSON("POST", "/api/v1/plans", map[string]any{"number": "88/KH-UBND", "type": "plan", "title": "Kế hoạch thử giao nhiệm vụ chung",
			"issued_on": day.Of(y, 1, 2).String(), "ends_on": day.Of(y, 12, 31).String(), "owner_unit_id": province}, &doc); st != 201 {
			t.Fatalf("create plan: %d", st)
		}
		path := fmt.Sprintf("/api/v1/plans/%d/tasks", doc.ID)
		due := day.Of(y, 12, 31)

		// bad input: nothing written
		audits := s.AuditLen(t)
		for name, task := range map[string]map[string]any{
			"unknown class": {"title": "Việc", "lead_class": "villages", "schedule": "once", "due_on": due.String()},
			"unknown unit":  {"title": "Việc", "lead_class": "units", "class_unit_ids": []int64{kh, 99999999}, "schedule": "once", "due_on": due.String()},
			"no units":      {"title": "Việc", "lead_class": "units", "class_unit_ids": []int64{}, "schedule": "once", "due_on": due.String()},
		} {
			if st := coord.JSON("POST", path, map[string]any{"tasks": []any{task}}, nil); st != 422 {
				t.Errorf("%s: %d, want 422", name, st)
			}
		}
		if got := s.AuditLen(t); got != audits {
			t.Errorf("refused class tasks wrote %d audit entries", got-audits)
		}

		var created struct{ Tasks []plans.Task }
		if st := coord.JSON("POST", path, map[string]any{"tasks": []any{
			map[string]any{"group": "Chuyển đổi số cơ sở", "title": "Rà soát thủ tục hành chính trực tuyến toàn trình", "lead_class": "communes",
				"class_later": true, "schedule": "once", "due_on": due.String()},
			map[string]any{"group": "Chuyển đổi số cơ sở", "title": "Báo cáo hạ tầng số", "lead_class": "units",
				"class_unit_ids": []int64{kh, pleikuID}, "schedule": "once", "due_on": due.String()},
		}}, &created); st != 201 {
			t.Fatalf("class tasks: %d", st)
		}
		all := created.Tasks[0]
		if created.Tasks[1].LeadClass != plans.ClassUnits || created.Tasks[1].ClassLater {
			t.Errorf("list task: %+v", created.Tasks[1])
		}
		if all.LeadClass != plans.ClassCommunes || !all.ClassLater || all.LeadUnitID != province {
			t.Errorf("class task: %+v", all)
		}
		n := communesOf(t, s, province, today)
		if n < 2 {
			t.Fatalf("only %d communes in the demo province", n)
		}
		v, err := s.Plans.Plan(ctx, gialai, doc.ID, today, plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if v.Counts.Total != 2 {
			t.Errorf("plan counts %d tasks, want 2 (a class task counts once)", v.Counts.Total)
		}
		row := taskTitled(t, v, "Rà soát thủ tục")
		if row.Class == nil || row.Class.Total != n || row.Class.Done != 0 {
			t.Fatalf("x/N of the class task: %+v, want 0/%d", row.Class, n)
		}
		if row = taskTitled(t, v, "Báo cáo hạ tầng"); row.Class == nil || row.Class.Total != 2 {
			t.Errorf("list task: %+v", row.Class)
		}

		// Pleiku sees only its own part, in its tasks and on the plan
		rows, _, err := s.Plans.Tasks(ctx, pleiku, today, plans.Filter{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var mine []plans.TaskRow
		for _, r := range rows {
			if r.DocumentID == doc.ID {
				mine = append(mine, r)
			}
		}
		if len(mine) != 2 || mine[0].LeadUnitID != pleikuID || mine[0].ClassTaskID == 0 || mine[1].LeadUnitID != pleikuID {
			t.Fatalf("pleiku's tasks of the plan: %+v", mine)
		}
		part := mine[0]
		if part.ClassTaskID != all.ID {
			part = mine[1]
		}
		pv, err := s.Plans.Plan(ctx, pleiku, doc.ID, today, plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if pv.Counts.Total != 2 {
			t.Errorf("pleiku's plan page counts %d, want its 2 parts", pv.Counts.Total)
		}
		if _, err := s.Plans.GetTask(ctx, pleiku, all.ID, today); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("pleiku opens the class task: %v", err)
		}
		page, err := s.Plans.Assignments(ctx, gialai, all.ID, today, true, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		var other int64
		for _, r := range page.Rows {
			if r.LeadUnitID != pleikuID {
				other = r.ID
			}
		}
		if _, err := s.Plans.GetTask(ctx, pleiku, other, today); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("pleiku opens another commune's part: %v", err)
		}
		if _, err := s.Plans.SubmitReport(ctx, gialai, all.ID, plans.ReportInput{Status: plans.InProgress, Percent: 10, Done: "x"}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("report on the class task itself: %v", err)
		}

		// the measured count before pleiku's report, kept by the measurer:
		// the report below must show in it (a count kept past a write would
		// be stale)
		w := indicator.Window{From: day.Of(y, 1, 1), To: today}
		doneOf := func() map[int64]float64 {
			t.Helper()
			per, err := s.Plans.Measurer().Measure(ctx, "REG_TASKS_DONE", w)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]float64{}
			for i, u := range per.Units {
				got[u] = per.Vals[i]
			}
			return got
		}
		before := doneOf()
		if again := doneOf(); again[pleikuID] != before[pleikuID] || len(again) != len(before) {
			t.Errorf("the same count twice differs: %v then %v", before, again)
		}

		// Pleiku reports its part done; the province accepts
		rep, err := s.Plans.SubmitReport(ctx, pleiku, part.ID, plans.ReportInput{Status: plans.Completed, Done: "Đã rà soát 212 thủ tục",
			CompletedOn: today})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		page, err = s.Plans.Assignments(ctx, gialai, all.ID, today, true, 0, 500)
		if err != nil {
			t.Fatal(err)
		}
		if page.Progress.Done != 1 || page.Progress.Total != n || page.Total != n-1 {
			t.Errorf("after pleiku's report: %+v, %d not done, want 1/%d and %d", page.Progress, page.Total, n, n-1)
		}
		for _, r := range page.Rows {
			if r.LeadUnitID == pleikuID {
				t.Error("pleiku is listed as not done")
			}
		}
		if p2, err := s.Plans.Assignments(ctx, gialai, all.ID, today, true, 1, 1); err != nil || len(p2.Rows) != 1 || p2.Total != n-1 {
			t.Errorf("second page: %+v %v", p2, err)
		}
		v, _ = s.Plans.Plan(ctx, gialai, doc.ID, today, plans.Filter{})
		if st := taskTitled(t, v, "Rà soát thủ tục").State.Status; st.Done() {
			t.Errorf("class task done with 1/%d: %s", n, st)
		}

		// the commune's part counts in its measured figures
		got := doneOf()
		if got[pleikuID] != before[pleikuID]+1 || got[province] != 0 {
			t.Errorf("done tasks measured: pleiku %v (before the report %v), province %v", got[pleikuID], before[pleikuID], got[province])
		}

		// the class task's deadline is its open parts'; its lead and a carry
		// over are refused; cancelling it cancels its open parts
		later := due.AddDays(-1)
		if _, err := s.Plans.ChangeTask(ctx, gialai, all.ID, plans.TaskChange{DueOn: later, Why: plans.Why{Reason: "Rút ngắn theo chỉ đạo"}}); err != nil {
			t.Fatal(err)
		}
		if tv, err := s.Plans.GetTask(ctx, gialai, other, today); err != nil || !tv.Row.DueOn.Equal(later) || !tv.Occurrences[0].DueOn.Equal(later) {
			t.Errorf("an open part after the class task's deadline moved: %v %+v", err, tv)
		}
		if tv, _ := s.Plans.GetTask(ctx, gialai, part.ID, today); !tv.Row.DueOn.Equal(due) {
			t.Errorf("pleiku's done part moved: %s", tv.Row.DueOn)
		}
		if _, err := s.Plans.ChangeTask(ctx, gialai, all.ID, plans.TaskChange{LeadUnitID: kh, Why: plans.Why{Reason: "x"}}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("the class task's lead changed: %v", err)
		}
		if _, err := s.Plans.CarryTask(ctx, gialai, all.ID, plans.CarryInput{Why: plans.Why{Reason: "x"}}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("the class task carried over: %v", err)
		}
		if _, err := s.Plans.CancelTask(ctx, gialai, all.ID, plans.Why{Reason: "Không còn phù hợp"}); err != nil {
			t.Fatal(err)
		}
		if page, err := s.Plans.Assignments(ctx, gialai, all.ID, today, true, 0, 10); err != nil || page.Total != 0 {
			t.Errorf("open parts of a cancelled class task: %+v %v", page, err)
		}
	})
}
