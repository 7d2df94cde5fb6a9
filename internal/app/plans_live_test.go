package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestPlansLiveThroughTheAPI is issue 11's "done when", by API token, from a
// fresh demo: after a review the coordinator extends a deadline and
// reassigns a task (its history shows both), cancels one and carries one
// over; the task given to every commune shows x/N (N the province's
// communes, 135 with the national list) and Phường Pleiku reports its part;
// the H1 review table counts started and done per group and pillar; Pleiku
// reads 687/KH-UBND; the period labels are right.
func TestPlansLiveThroughTheAPI(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord, pleiku := s.TokenClient(t, "gialai"), s.TokenClient(t, "pleiku")
		today := s.Org.Today()
		y := today.Year()
		var docs struct{ Documents []plans.DocRow }
		if st := coord.JSON("GET", "/api/v1/plans", nil, &docs); st != 200 {
			t.Fatalf("plans: %d", st)
		}
		byNumber := map[string]int64{}
		for _, d := range docs.Documents {
			byNumber[d.Number] = d.ID
		}
		d125, d687 := byNumber["125/KH-UBND"], byNumber["687/KH-UBND"]
		if d125 == 0 || d687 == 0 {
			t.Fatalf("the demo's plans: %v", byNumber)
		}
		plan := func(c *apptest.Client, id int64, d day.Day) plans.PlanView {
			t.Helper()
			var v plans.PlanView
			if st := c.JSON("GET", fmt.Sprintf("/api/v1/plans/%d?d=%s", id, d), nil, &v); st != 200 {
				t.Fatalf("plan %d: %d", id, st)
			}
			return v
		}
		titled := func(v plans.PlanView, code string) plans.TaskRow {
			t.Helper()
			for _, g := range v.Groups {
				for _, r := range g.Tasks {
					if r.Code == code {
						return r
					}
				}
			}
			t.Fatalf("no task %s in %s", code, v.Document.Number)
			return plans.TaskRow{}
		}
		v := plan(coord, d125, today)
		ioc, ialy, quynhon, every := titled(v, "1"), titled(v, "7"), titled(v, "4"), titled(v, "9")
		vp := titled(v, "3").LeadUnitID

		// extend a deadline and reassign: the history shows both
		newDue := day.Of(y, 12, 31)
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/change", ioc.ID), map[string]any{"due_on": newDue.String(),
			"reason": "Chờ kết nối hệ thống chuyên ngành của Bộ", "decision": "Công văn 15/UBND-KGVX"}, nil); st != 200 {
			t.Fatalf("extend: %d", st)
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/change", ioc.ID), map[string]any{"lead_unit_id": vp,
			"reason": "Giao Văn phòng UBND tỉnh chủ trì sau rà soát 6 tháng"}, nil); st != 200 {
			t.Fatalf("reassign: %d", st)
		}
		var tv plans.TaskView
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", ioc.ID), nil, &tv); st != 200 {
			t.Fatalf("task: %d", st)
		}
		kinds := map[plans.ChangeKind]plans.Change{}
		for _, c := range tv.History {
			kinds[c.Kind] = c
		}
		if due, lead := kinds[plans.ChangeDue], kinds[plans.ChangeLead]; due.Before != ioc.DueOn.String() || due.After != newDue.String() ||
			due.Decision != "Công văn 15/UBND-KGVX" || lead.After != fmt.Sprint(vp) || tv.Row.LeadUnitID != vp {
			t.Errorf("history: %+v", tv.History)
		}

		// cancel one, carry one over into next year's plan
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/cancel", ialy.ID), map[string]any{"reason": "Chợ xã đã giải thể sau sắp xếp"}, nil); st != 200 {
			t.Fatalf("cancel: %d", st)
		}
		var next plans.Document
		if st := coord.JSON("POST", "/api/v1/plans", map[string]any{"number": fmt.Sprintf("12/KH-UBND-%d", y+1), "type": "plan",
			"title": "Kế hoạch chuyển đổi số năm sau", "issued_on": today.String(), "ends_on": day.Of(y+1, 12, 31).String(),
			"owner_unit_id": v.Document.OwnerUnitID, "implements_id": d687}, &next); st != 201 {
			t.Fatalf("next year's plan: %d", st)
		}
		var carried plans.Task
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/carry", quynhon.ID), map[string]any{"document_id": next.ID,
			"due_on": day.Of(y+1, 6, 30).String(), "reason": "Chưa hoàn thành, chuyển sang năm sau"}, &carried); st != 201 {
			t.Fatalf("carry: %d", st)
		}
		v = plan(coord, d125, today)
		if st := titled(v, "7").State.Status; st != plans.Cancelled {
			t.Errorf("cancelled task: %s", st)
		}
		if r := titled(v, "4"); r.State.Status != plans.CarriedOver || r.CarriedTo != carried.ID || carried.CarriedFrom != quynhon.ID {
			t.Errorf("carried task: %s → %d (%d)", r.State.Status, r.CarriedTo, carried.CarriedFrom)
		}
		if v.Counts.Closed != 2 || v.Counts.Total != 9-2 {
			t.Errorf("counts after cancel and carry: %+v", v.Counts)
		}

		// the task of every commune: x/N, Pleiku reports its part
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		communes := 0
		snap.Walk(v.Document.OwnerUnitID, today, func(u *org.Version) bool {
			if u.Level == org.LevelCommune {
				communes++
			}
			return true
		})
		if every.LeadClass != plans.ClassCommunes || every.Class == nil || every.Class.Total != communes || every.Class.Done != 2 {
			t.Fatalf("the task of every commune: %+v, want 2/%d", every.Class, communes)
		}
		t.Logf("the task of every commune shows %d/%d", every.Class.Done, every.Class.Total)
		var list api.TaskList
		if st := pleiku.JSON("GET", "/api/v1/tasks", nil, &list); st != 200 {
			t.Fatalf("pleiku's tasks: %d", st)
		}
		var part plans.TaskRow
		for _, r := range list.Tasks {
			if r.ClassTaskID == every.ID {
				part = r
			}
		}
		if part.ID == 0 || part.LeadName != "Phường Pleiku" {
			t.Fatalf("pleiku's part of the task of every commune: %+v", part)
		}
		if st := pleiku.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", every.ID), nil, nil); st != 403 {
			t.Errorf("pleiku opens the province's class task: %d", st)
		}
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for k, val := range map[string]string{"status": "completed", "done": "Rà soát 212 thủ tục, 100% đủ điều kiện đã trực tuyến toàn trình",
			"completed_on": today.String(), "period": plans.ReportingPeriod(today)} {
			w.WriteField(k, val)
		}
		w.Close()
		resp, out := pleiku.Do("POST", fmt.Sprintf("/api/v1/tasks/%d/reports", part.ID), w.FormDataContentType(), &body)
		if resp.StatusCode != 201 {
			t.Fatalf("pleiku reports: %d %s", resp.StatusCode, out)
		}
		var rep plans.Report
		if err := json.Unmarshal(out, &rep); err != nil {
			t.Fatal(err)
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/reports/%d/review", rep.ID), map[string]any{"accept": true}, nil); st != 200 {
			t.Fatalf("accept: %d", st)
		}
		var page plans.AssignmentPage
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d/assignments?not_done=true&limit=10", every.ID), nil, &page); st != 200 {
			t.Fatalf("assignments: %d", st)
		}
		if page.Progress.Done != 3 || page.Progress.Total != communes || page.Total != communes-3 || len(page.Rows) != min(10, communes-3) {
			t.Errorf("after pleiku's report: %+v, %d not done, %d rows", page.Progress, page.Total, len(page.Rows))
		}
		for _, r := range page.Rows {
			if r.LeadName == "Phường Pleiku" {
				t.Error("pleiku is still listed as not done")
			}
		}

		// the H1 review: started and done per group and pillar, each
		// line the sum of its tasks
		h1 := plan(coord, d125, day.Of(y, 6, 30))
		var sum plans.Counts
		for _, g := range h1.Groups {
			var c plans.Counts
			for _, r := range g.Tasks {
				c.Add(r.State)
			}
			if g.Depth == 0 {
				sum = sum.Plus(g.Counts)
			}
			if len(g.Tasks) > 0 && (g.Counts.Started < c.Started || g.Counts.Done < c.Done) {
				t.Errorf("group %q: %+v, its tasks %+v", g.Title, g.Counts, c)
			}
		}
		if sum.Started != h1.Counts.Started || sum.Done != h1.Counts.Done || h1.Counts.Started == 0 || h1.Counts.Done == 0 {
			t.Errorf("H1 review: pillars %+v, plan %+v", sum, h1.Counts)
		}

		// Pleiku reads the old province's 687/KH-UBND, without changing it
		pv := plan(pleiku, d687, today)
		if pv.Full || pv.Manageable || pv.Document.Number != "687/KH-UBND" {
			t.Errorf("pleiku's 687: full %v manageable %v", pv.Full, pv.Manageable)
		}

		// period labels: a half-yearly task reports on H1 and H2, a
		// quarterly one on its quarters
		var half, quarter plans.TaskView
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", titled(v, "6").ID), nil, &half)
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", titled(v, "2").ID), nil, &quarter)
		periods := func(tv plans.TaskView) string {
			var out []string
			for _, o := range tv.Occurrences {
				out = append(out, o.Period)
			}
			return fmt.Sprint(out)
		}
		if got := periods(half); got != fmt.Sprintf("[%d-H1 %d-H2]", y, y) {
			t.Errorf("half-yearly periods %s", got)
		}
		if got := periods(quarter); got != fmt.Sprintf("[%d-Q1 %d-Q2 %d-Q3 %d-Q4]", y, y, y, y) {
			t.Errorf("quarterly periods %s", got)
		}
		for _, r := range quarter.Reports {
			if k, _, _ := plans.PeriodParts(quarter.ReportPeriod(r)); k != "quarter" {
				t.Errorf("a quarterly report is of %s", quarter.ReportPeriod(r))
			}
		}
	})
}
