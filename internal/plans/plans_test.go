package plans_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/sheet"
	"github.com/mangluoi/mangluoi/internal/smtptest"
)

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func actor(t *testing.T, s *apptest.Server, login string) *auth.Actor {
	return s.User(t, login).Actor()
}

func docNumbered(t *testing.T, s *apptest.Server, number string) plans.DocRow {
	t.Helper()
	docs, err := s.Plans.ListDocuments(context.Background(), s.Admin, s.Org.Today())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Number == number {
			return d
		}
	}
	t.Fatalf("no document %s", number)
	return plans.DocRow{}
}

func taskTitled(t *testing.T, v *plans.PlanView, prefix string) plans.TaskRow {
	t.Helper()
	for _, g := range v.Groups {
		for _, tk := range g.Tasks {
			if strings.HasPrefix(tk.Title, prefix) {
				return tk
			}
		}
	}
	t.Fatalf("no task %q", prefix)
	return plans.TaskRow{}
}

// TestDemoPlans: the demo's plans derive the statuses their history says,
// on today and on a past date, and each reader sees what is theirs.
func TestDemoPlans(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := actor(t, s, "gialai")
		today := s.Org.Today()
		d687 := docNumbered(t, s, "687/KH-UBND")
		if d687.Counts.Total != 14 {
			t.Fatalf("687 has %d tasks", d687.Counts.Total)
		}
		v, err := s.Plans.Plan(ctx, gialai, d687.ID, today, plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]plans.Status{
			"Rà soát, tham mưu sửa đổi":             plans.DoneOnTime,
			"Ban hành Quy chế hoạt động":            plans.DoneLate,
			"Bố trí công chức chuyên trách":         plans.Overdue,
			"Bồi dưỡng kỹ năng số cho cán bộ":       plans.Overdue,
			"Bồi dưỡng kỹ năng số cho giáo viên":    plans.Overdue, // 2025 never reported
			"Tổ chức bồi dưỡng, tập huấn kiến thức": plans.DoneOnTime,
		}
		for prefix, st := range want {
			if got := taskTitled(t, v, prefix); got.State.Status != st {
				t.Errorf("%s: %s, want %s", prefix, got.State.Status, st)
			}
		}
		if lead := taskTitled(t, v, "Rà soát, tham mưu sửa đổi").LeadName; lead != "Sở Khoa học và Công nghệ" {
			t.Errorf("Sở TT&TT's task went to %q", lead)
		}
		// as of 01/07/2024: the 2.c task was not yet due, 1.b was overdue
		past, err := s.Plans.Plan(ctx, gialai, d687.ID, day.Of(2024, 7, 1), plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := taskTitled(t, past, "Ban hành Quy chế hoạt động").State; got.Status != plans.Overdue || got.DaysLate != 1 {
			t.Errorf("1.b on 01/07/2024: %+v", got)
		}
		if got := taskTitled(t, past, "Bố trí công chức chuyên trách").State.Status; got != plans.NotDue {
			t.Errorf("2.c on 01/07/2024: %s", got)
		}
		// the overdue list: the most late first, with the lead unit
		rows, total, err := s.Plans.Overdue(ctx, gialai, today, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if total < 4 || len(rows) != total || rows[0].State.DaysLate < rows[len(rows)-1].State.DaysLate {
			t.Fatalf("overdue: %d %+v", total, rows)
		}
		// the indexed overdue list agrees with the status derived from
		// every deadline, today and on past dates
		for _, d := range []day.Day{day.Of(2024, 7, 1), day.Of(2025, 1, 10), day.Of(2026, 1, 1), day.Of(2026, 10, 1), today} {
			_, c, err := s.Plans.Tasks(ctx, gialai, d, plans.Filter{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, n, err := s.Plans.Overdue(ctx, gialai, d, 0, 5)
			if err != nil {
				t.Fatal(err)
			}
			if n != c.Overdue {
				t.Errorf("on %s the overdue list counts %d, the statuses %d", d, n, c.Overdue)
			}
		}
		names := map[string]bool{}
		for _, r := range rows {
			names[r.LeadName] = true
		}
		for _, n := range []string{"Sở Y tế", "Sở Nội vụ", "Xã Ia Ly"} {
			if !names[n] {
				t.Errorf("%s is not in the overdue list: %v", n, names)
			}
		}
		// Phường Pleiku sees its own tasks of the province's plan, first
		pleiku := actor(t, s, "pleiku")
		d125 := docNumbered(t, s, "125/KH-UBND")
		pv, err := s.Plans.Plan(ctx, pleiku, d125.ID, today, plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if pv.Full || pv.Counts.Total != 3 { // its two tasks and its part of the task of every commune
			t.Errorf("pleiku sees %d tasks of 125 (full %v)", pv.Counts.Total, pv.Full)
		}
		mine, c, err := s.Plans.Tasks(ctx, pleiku, today, plans.Filter{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if c.Total != 6 || mine[0].Mine != 0 {
			t.Errorf("pleiku's to-do: %d tasks, first %+v", c.Total, mine[0])
		}
		for _, r := range mine {
			if r.LeadName != "Phường Pleiku" {
				t.Errorf("pleiku sees %s's task %q", r.LeadName, r.Title)
			}
		}
		// nor another commune's task
		ialy := taskTitled(t, mustPlan(t, s, gialai, d125.ID), "Triển khai thanh toán").ID
		if _, err := s.Plans.GetTask(ctx, pleiku, ialy, today); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("pleiku opens Ia Ly's task: %v", err)
		}
		// the leader's summary counts everything in scope
		db, err := s.Plans.Dashboard(ctx, actor(t, s, "lanhdao"), today)
		if err != nil {
			t.Fatal(err)
		}
		if db.Counts.Total != 14+9+3 || db.Counts.Overdue == 0 || len(db.Plans) != 3 { // the task of every commune counts once
			t.Errorf("dashboard: %+v, %d plans", db.Counts, len(db.Plans))
		}
	})
}

func mustPlan(t *testing.T, s *apptest.Server, a *auth.Actor, id int64) *plans.PlanView {
	t.Helper()
	v, err := s.Plans.Plan(context.Background(), a, id, s.Org.Today(), plans.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBadInput: deadlines before the issue date, units outside the plan,
// evidence too large or of the wrong type, reports on another unit's task:
// each a clear error, and nothing written.
func TestBadInput(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := actor(t, s, "gialai")
		today := s.Org.Today()
		d687 := docNumbered(t, s, "687/KH-UBND")
		quynhon := s.UnitNamed(t, "Phường Quy Nhơn").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		before := s.AuditLen(t)
		_, err := s.Plans.AddTasks(ctx, gialai, d687.ID, []plans.TaskInput{
			{Title: "Một việc hợp lệ", LeadUnitID: kh, Schedule: plans.Once, DueOn: day.Of(2026, 12, 31)},
			{Title: "Hạn trước ngày ban hành", LeadUnitID: kh, Schedule: plans.Once, DueOn: day.Of(2024, 1, 1)},
			{Title: "Đơn vị ngoài phạm vi", LeadUnitID: quynhon, Schedule: plans.Once, DueOn: day.Of(2026, 12, 31)},
			{Title: "", LeadUnitID: 0, Schedule: "weekly"},
		})
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.Invalid {
			t.Fatalf("want invalid, got %v", err)
		}
		got := map[string]bool{}
		for _, d := range e.Details {
			got[fmt.Sprintf("%d:%s:%s", d.Row, d.Field, d.Key)] = true
		}
		for _, w := range []string{"2:due_on:plans.err.due_before_issue", "3:lead_unit_id:plans.err.unit_outside_plan",
			"4:title:import.err.required", "4:lead_unit_id:plans.err.lead_required", "4:schedule:plans.err.bad_value"} {
			if !got[w] {
				t.Errorf("missing %s in %v", w, got)
			}
		}
		if s.AuditLen(t) != before {
			t.Error("a refused batch wrote something")
		}
		// a document whose effective date is before its issue date
		if _, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "1/KH-UBND", Title: "x", IssuedOn: day.Of(2026, 5, 1),
			EffectiveOn: day.Of(2026, 4, 1)}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("effective before issue: %v", err)
		}
		// the same number and date twice
		if _, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "687/KH-UBND", Title: "lặp", IssuedOn: day.Of(2024, 3, 27),
			OwnerUnitID: s.UnitNamed(t, "Tỉnh Gia Lai").UnitID}); errs.KindOf(err) != errs.Conflict {
			t.Errorf("duplicate: %v", err)
		}
		// evidence: too large, wrong type, an executable renamed
		task := taskTitled(t, mustPlan(t, s, gialai, d687.ID), "Bồi dưỡng kỹ năng số cho cán bộ").ID
		sokhcn := actor(t, s, "sokhcn")
		before = s.AuditLen(t)
		for name, body := range map[string][]byte{"lon.pdf": append(append([]byte{}, pdf...), make([]byte, 11<<20)...),
			"ghi-chu.txt": []byte("văn bản"), "bao-cao.pdf": []byte("MZ\x90\x00 not a pdf")} {
			_, err := s.Plans.SubmitReport(ctx, actor(t, s, "gialai"), task, plans.ReportInput{Status: plans.InProgress, Percent: 10, Done: "x",
				Files: []plans.Upload{{Name: name, Body: bytes.NewReader(body)}}})
			if e, ok := errs.As(err); !ok || e.Kind != errs.Invalid || e.Field != "evidence" {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Sở KH&CN reports on Sở Y tế's task: refused
		if _, err := s.Plans.SubmitReport(ctx, sokhcn, task, plans.ReportInput{Status: plans.InProgress, Percent: 10, Done: "x"}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a report on another unit's task: %v", err)
		}
		// a completion in the future, a percentage out of range
		if _, err := s.Plans.SubmitReport(ctx, gialai, task, plans.ReportInput{Status: plans.Completed, CompletedOn: today.AddDays(3), Done: "x"}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("completed in the future: %v", err)
		}
		if _, err := s.Plans.SubmitReport(ctx, gialai, task, plans.ReportInput{Status: plans.InProgress, Percent: 120, Done: "x"}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("120%%: %v", err)
		}
		if s.AuditLen(t) != before {
			t.Error("a refused report wrote something")
		}
		// a focal person cannot build plans, nor review
		if _, err := s.Plans.AddGroup(ctx, sokhcn, d687.ID, plans.GroupInput{Title: "x"}); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("focal adds a group: %v", err)
		}
		// pasted text of every shape
		for _, text := range []string{"", "   ", strings.Repeat("x", 3<<20), "Một bài báo.\nKhông có mục nào."} {
			if _, err := s.Plans.ParseText(ctx, gialai, d687.ID, text); errs.KindOf(err) != errs.Invalid {
				t.Errorf("text %.20q: %v", text, err)
			}
		}
	})
}

// TestFlow: through the API, a coordinator registers a plan, pastes its
// text, confirms the draft; the department reports with evidence; the
// coordinator returns, then accepts; a missed deadline is overdue, the
// department is notified, and the day's digest reaches a real SMTP server
// once.
func TestFlow(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		s.Plans.SetMailer(&plans.SMTP{Addr: smtp.Addr, From: "mangluoi@example.org", Insecure: true}, s.Catalog)
		coord, dept := s.TokenClient(t, "gialai"), s.TokenClient(t, "sokhcn")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		var doc plans.Document
		if st := coord.JSON("POST", "/api/v1/plans", map[string]any{"number": "201/KH-UBND", "type": "plan", "title": "Kế hoạch thử nghiệm",
			"issued_on": "2026-09-01", "owner_unit_id": province}, &doc); st != 201 {
			t.Fatalf("create: %d", st)
		}
		text := "III. NHIỆM VỤ, GIẢI PHÁP\n1. Hạ tầng số\na) Nâng cấp mạng diện rộng (Sở KH&CN chủ trì, phối hợp với Văn phòng UBND tỉnh; thời gian: trước ngày 31/10/2026).\n" +
			"b) Rà soát biên chế chuyên trách chuyển đổi số (Sở Nội vụ chủ trì; thời gian thực hiện: Quý IV/2026).\n"
		var draft struct {
			Groups []struct {
				Title string
				Tasks []struct {
					Title      string
					LeadUnitID int64 `json:"lead_unit_id"`
				}
			}
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/parse", doc.ID), map[string]any{"text": text}, &draft); st != 200 || len(draft.Groups) != 1 || len(draft.Groups[0].Tasks) != 2 {
			t.Fatalf("parse: %d %+v", st, draft)
		}
		if n := countOf(t, s, "plan_tasks"); n == 0 {
			t.Fatal("no demo tasks")
		}
		tasksBefore := countOf(t, s, "plan_tasks")
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		var created struct{ Tasks []plans.Task }
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/tasks", doc.ID), map[string]any{"tasks": []any{
			map[string]any{"group": "Hạ tầng số", "title": draft.Groups[0].Tasks[0].Title, "lead_unit_id": kh, "schedule": "once", "due_on": "2026-10-31"},
			map[string]any{"group": "Hạ tầng số", "title": "Báo cáo tiến độ", "lead_unit_id": kh, "schedule": "once", "due_on": "2026-12-31"},
		}}, &created); st != 201 || len(created.Tasks) != 2 || countOf(t, s, "plan_tasks") != tasksBefore+2 {
			t.Fatalf("confirm: %d %+v", st, created)
		}
		late := created.Tasks[0].ID
		// the department reports, with evidence
		resp, body := multipartReq(t, dept, fmt.Sprintf("/api/v1/tasks/%d/reports", late), map[string]string{"status": "completed",
			"completed_on": "2026-11-05", "done": "Đã nâng cấp mạng diện rộng tới 20 sở, ngành."}, "bien-ban.pdf", pdf)
		if resp.StatusCode != 201 {
			t.Fatalf("report: %d %s", resp.StatusCode, body)
		}
		var rep plans.Report
		mustJSON(t, body, &rep)
		if len(rep.FileIDs) != 1 {
			t.Fatalf("evidence: %+v", rep)
		}
		// returned with a comment, then reported again and accepted
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/reports/%d/review", rep.ID), map[string]any{"accept": false}, nil); st != 422 {
			t.Errorf("return without a comment: %d", st)
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/reports/%d/review", rep.ID), map[string]any{"accept": false, "comment": "Bổ sung biên bản nghiệm thu."}, nil); st != 200 {
			t.Fatalf("return: %d", st)
		}
		var notes struct {
			Unread        int
			Notifications []plans.Notification
		}
		dept.JSON("GET", "/api/v1/notifications", nil, &notes)
		if notes.Unread == 0 || notes.Notifications[0].Kind != plans.NoticeReturned {
			t.Errorf("the department is not told of the return: %+v", notes)
		}
		resp, body = multipartReq(t, dept, fmt.Sprintf("/api/v1/tasks/%d/reports", late), map[string]string{"status": "completed",
			"completed_on": "2026-11-05", "done": "Đã nâng cấp; kèm biên bản nghiệm thu."}, "nghiem-thu.pdf", pdf)
		if resp.StatusCode != 201 {
			t.Fatalf("report again: %d %s", resp.StatusCode, body)
		}
		mustJSON(t, body, &rep)
		// the department cannot accept its own report
		if st := dept.JSON("POST", fmt.Sprintf("/api/v1/reports/%d/review", rep.ID), map[string]any{"accept": true}, nil); st != 403 {
			t.Errorf("self-review: %d", st)
		}
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/reports/%d/review", rep.ID), map[string]any{"accept": true}, nil); st != 200 {
			t.Fatalf("accept: %d", st)
		}
		var tv plans.TaskView
		coord.JSON("GET", fmt.Sprintf("/api/v1/tasks/%d", late), nil, &tv)
		if tv.Row.State.Status != plans.DoneLate {
			t.Errorf("done after its deadline: %s", tv.Row.State.Status)
		}
		// the second task: the Nội vụ task of the draft was not confirmed;
		// make one overdue and see the reminders
		var task plans.Task
		if st := coord.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/tasks", doc.ID), map[string]any{"tasks": []any{
			map[string]any{"title": "Khảo sát hạ tầng", "lead_unit_id": kh, "schedule": "once", "due_on": "2026-11-15"}}}, &created); st != 201 {
			t.Fatalf("add: %d", st)
		}
		task = created.Tasks[0]
		var overdue struct {
			Total int
			Tasks []plans.TaskRow
		}
		dept.JSON("GET", "/api/v1/tasks/overdue", nil, &overdue)
		found := false
		for _, r := range overdue.Tasks {
			if r.ID == task.ID && r.State.DaysLate == 7 && r.LeadName == "Sở Khoa học và Công nghệ" {
				found = true
			}
		}
		if !found {
			t.Errorf("the missed deadline is not in the overdue list: %+v", overdue)
		}
		res, err := s.Plans.Remind(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dept.JSON("GET", "/api/v1/notifications", nil, &notes)
		kinds := map[plans.NoticeKind]bool{}
		for _, n := range notes.Notifications {
			if n.TaskID == task.ID {
				kinds[n.Kind] = true
			}
		}
		if !kinds[plans.NoticeOverdue] {
			t.Errorf("no overdue notification: %+v", notes)
		}
		msgs := smtp.Messages()
		if res.Emails == 0 || len(msgs) != res.Emails {
			t.Fatalf("emails: %+v, %d received", res, len(msgs))
		}
		var toDept []string
		for _, m := range msgs {
			if m.To[0] == "sokhcn@example.org" {
				toDept = append(toDept, m.Data)
			}
		}
		if len(toDept) != 1 || !strings.Contains(toDept[0], "Khảo sát hạ tầng") || !strings.Contains(toDept[0], "Quá hạn") {
			t.Fatalf("the department's digest: %q", toDept)
		}
		// a second run the same day sends nothing more: a digest, not a flood
		if res, err := s.Plans.Remind(ctx); err != nil || res.Emails != 0 || len(smtp.Messages()) != len(msgs) {
			t.Errorf("second run: %+v %v", res, err)
		}
		// mark read
		if st := dept.JSON("POST", "/api/v1/notifications/read", nil, nil); st != 204 {
			t.Errorf("read: %d", st)
		}
		dept.JSON("GET", "/api/v1/notifications", nil, &notes)
		if notes.Unread != 0 {
			t.Errorf("unread after reading: %d", notes.Unread)
		}
	})
}

func countOf(t *testing.T, s *apptest.Server, table string) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func multipartReq(t *testing.T, c *apptest.Client, path string, fields map[string]string, name string, data []byte) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("evidence", name)
	fw.Write(data)
	w.Close()
	return c.Do("POST", path, w.FormDataContentType(), &buf)
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := jsonUnmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

var jsonUnmarshal = json.Unmarshal

// TestSpreadsheets: tasks from a spreadsheet, all or none with the rows of
// the problems; the plan with its progress as an annex.
func TestSpreadsheets(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := actor(t, s, "gialai")
		doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "77/KH-UBND", Title: "Kế hoạch nhập từ tệp",
			IssuedOn: day.Of(2026, 2, 1), OwnerUnitID: s.UnitNamed(t, "Tỉnh Gia Lai").UnitID})
		if err != nil {
			t.Fatal(err)
		}
		bad := "Nhóm nhiệm vụ;STT;Nhiệm vụ;Đơn vị chủ trì;Đơn vị phối hợp;Thời hạn;Sản phẩm\n" +
			"Hạ tầng số;1;Nâng cấp mạng;Sở KH&CN;Sở Nội vụ;30/6/2026;Mạng WAN\n" +
			"Hạ tầng số;2;Việc của đơn vị lạ;Sở Không Có;;Quý III/2026;\n" +
			"Hạ tầng số;3;Việc không hạn;Sở Y tế;;khi nào xong;\n"
		before := countOf(t, s, "plan_tasks")
		_, err = s.Plans.ImportTasks(ctx, gialai, doc.ID, strings.NewReader(bad), "nhiem-vu.csv")
		e, ok := errs.As(err)
		if !ok || len(e.Details) != 2 || e.Details[0].Row != 3 || e.Details[1].Row != 4 {
			t.Fatalf("want the problems of rows 3 and 4: %v", err)
		}
		if countOf(t, s, "plan_tasks") != before {
			t.Fatal("a refused file wrote tasks")
		}
		good := strings.Replace(strings.Replace(bad, "Sở Không Có", "Văn phòng UBND tỉnh", 1), "khi nào xong", "thường xuyên", 1)
		tasks, err := s.Plans.ImportTasks(ctx, gialai, doc.ID, strings.NewReader(good), "nhiem-vu.csv")
		if err != nil || len(tasks) != 3 {
			t.Fatalf("import: %v %+v", err, tasks)
		}
		if tasks[1].Schedule != plans.Once || !tasks[1].DueOn.Equal(day.Of(2026, 9, 30)) || tasks[2].Schedule != plans.Regular || len(tasks[0].SupportIDs) != 1 {
			t.Errorf("read as %+v", tasks)
		}
		var buf bytes.Buffer
		if err := s.Plans.ExportAnnex(ctx, gialai, doc.ID, s.Org.Today(), s.Catalog.Printer("vi"), &buf); err != nil {
			t.Fatal(err)
		}
		tbl, err := sheet.Read(bytes.NewReader(buf.Bytes()), "phu-luc.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		text.WriteString(strings.Join(tbl.Header, "|"))
		for _, r := range tbl.Rows {
			text.WriteString(strings.Join(r, "|") + "\n")
		}
		for _, want := range []string{"PHỤ LỤC", "77/KH-UBND", "Nâng cấp mạng", "Sở Khoa học và Công nghệ", "Sở Nội vụ", "30/06/2026", "Quá hạn", "Thường xuyên"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("the annex lacks %q:\n%s", want, text.String())
			}
		}
		// the province's plan is from above Phường Pleiku: its annex holds
		// Pleiku's tasks only, none here
		buf.Reset()
		if err := s.Plans.ExportAnnex(ctx, actor(t, s, "pleiku"), doc.ID, s.Org.Today(), s.Catalog.Printer("vi"), &buf); err != nil {
			t.Fatal(err)
		}
		if tbl, err := sheet.Read(bytes.NewReader(buf.Bytes()), "x.xlsx"); err != nil || strings.Contains(fmt.Sprint(tbl.Rows), "Nâng cấp mạng") {
			t.Errorf("pleiku's annex shows the departments' tasks: %v %v", err, tbl)
		}
	})
}
