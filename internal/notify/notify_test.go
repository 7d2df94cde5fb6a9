package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/notify"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/smtptest"
)

// TestNoticesArrive: each event a user must act on reaches the user — in
// their notifications (the list and the bell) and in the day's e-mail
// digest through a real SMTP server. The coordinator reminds Phường Pleiku
// of its monthly report: Pleiku's focal person has it. Pleiku submits: the
// province's coordinator has it to review. The coordinator returns it:
// Pleiku has it back; submitted again and approved: Pleiku is told. A task
// assigned to a department reaches the department's focal person; its
// deadline moved, Pleiku made a supporting unit, the task carried over and
// cancelled reach both.
func TestNoticesArrive(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		s.Plans.SetMailer(&plans.SMTP{Addr: smtp.Addr, From: "mangluoi@example.org", Insecure: true}, s.Catalog)
		if _, err := s.DB.ExecContext(ctx, `UPDATE users SET email = $1 WHERE login = $2`, "pleiku@example.org", "pleiku"); err != nil {
			t.Fatal(err)
		}
		gialai, pleiku := s.User(t, "gialai").Actor(), s.User(t, "pleiku").Actor()
		gl, pk := s.TokenClient(t, "gialai"), s.TokenClient(t, "pleiku")
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		var form *indicator.Form
		forms, err := s.Indicators.Forms(ctx, gialai)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range forms {
			if f.PeriodType == indicator.Monthly && f.Active {
				form = f
				break
			}
		}
		if form == nil {
			t.Fatal("the demo has no monthly form")
		}
		last := demo.LastEnded(indicator.Monthly, s.Org.Today())
		link := fmt.Sprintf("/units/%d/forms/%d?period=%s", ward, form.ID, last.Key())
		has := func(who *auth.Actor, kind string) *plans.Notification {
			t.Helper()
			ns, _, err := s.Plans.Notifications(ctx, who, 100)
			if err != nil {
				t.Fatal(err)
			}
			for i := range ns {
				if string(ns[i].Kind) == kind && ns[i].Link == link {
					return &ns[i]
				}
			}
			return nil
		}

		// the reminder
		if n, err := s.Indicators.Remind(ctx, gialai, form.ID, last, ward); err != nil || n != 1 {
			t.Fatalf("remind Pleiku: %d %v", n, err)
		}
		n := has(pleiku, notify.Reminder)
		if n == nil || n.Read || !strings.Contains(n.SubjectVI, form.NameVI) || !n.DueOn.Equal(form.Due(last)) {
			t.Fatalf("Pleiku's focal person has no reminder for %s: %+v", last.Key(), n)
		}
		if unread, err := s.Plans.Unread(ctx, pleiku); err != nil || unread == 0 {
			t.Errorf("the bell: %d %v", unread, err)
		}

		// Pleiku submits last month's report (last year's same month's
		// figures, as a ward would type them): the province reviews it
		var prev api.EntryJSON
		if st := pk.JSON("GET", fmt.Sprintf("/api/v1/units/%d/forms/%d?period=%s", ward, form.ID, last.Prev().Key()), nil, &prev); st != 200 {
			t.Fatalf("the previous month: %d", st)
		}
		body := api.EntryBody{Period: last.Key(), Submit: true}
		for code, v := range prev.Values {
			if _, computed := prev.Computed[code]; computed {
				continue
			}
			body.Values = append(body.Values, api.EntryValue{Code: code, Value: v.Value, Text: v.Text})
		}
		var sub api.SubmissionJSON
		if st := pk.JSON("POST", fmt.Sprintf("/api/v1/units/%d/forms/%d", ward, form.ID), body, &sub); st != 200 && st != 201 {
			t.Fatalf("Pleiku submits: %d", st)
		}
		if has(gialai, notify.FormSubmitted) == nil {
			t.Fatal("the province's coordinator is not told of Pleiku's report")
		}
		if has(pleiku, notify.FormSubmitted) != nil {
			t.Error("Pleiku is told of its own submission as if it reviewed it")
		}

		// returned with a comment: back to Pleiku
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub.ID), api.ReviewBody{Action: "return", Comment: "Kiểm tra lại số hồ sơ."}, nil); st != 200 {
			t.Fatalf("return: %d", st)
		}
		if has(pleiku, notify.FormReturned) == nil {
			t.Fatal("Pleiku is not told its report was returned")
		}
		// submitted again, approved: Pleiku is told
		if st := pk.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub.ID), api.ReviewBody{Action: "submit"}, nil); st != 200 {
			t.Fatalf("submit again: %d", st)
		}
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub.ID), api.ReviewBody{Action: "approve"}, nil); st != 200 {
			t.Fatalf("approve: %d", st)
		}
		if has(pleiku, notify.FormApproved) == nil {
			t.Fatal("Pleiku is not told its report was approved")
		}

		// a task assigned to the department of science and technology
		var doc plans.Document
		if st := gl.JSON("POST", "/api/v1/plans", map[string]any{"number": "301/KH-UBND", "type": "plan", "title": "Kế hoạch ký số",
			"issued_on": "2026-11-01", "owner_unit_id": s.UnitNamed(t, "Tỉnh Gia Lai").UnitID}, &doc); st != 201 {
			t.Fatalf("a plan: %d", st)
		}
		dept := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		var created struct{ Tasks []plans.Task }
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/plans/%d/tasks", doc.ID), map[string]any{"tasks": []any{
			map[string]any{"title": "Triển khai ký số cho cán bộ cấp xã", "lead_unit_id": dept, "schedule": "once", "due_on": "2026-12-31"}}}, &created); st != 201 {
			t.Fatalf("assign a task: %d", st)
		}
		sokhcn := s.User(t, "sokhcn").Actor()
		ns, _, err := s.Plans.Notifications(ctx, sokhcn, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) == 0 || string(ns[0].Kind) != notify.TaskAssigned || ns[0].TaskID != created.Tasks[0].ID || ns[0].Href() != fmt.Sprintf("/tasks/%d", created.Tasks[0].ID) {
			t.Fatalf("the department is not told of its new task: %+v", ns)
		}

		// the province's coordinator moves the task's deadline and asks
		// Phường Pleiku to support it: the department hears of the new
		// deadline, Pleiku that it supports the task, the coordinator who
		// did it of nothing
		task := created.Tasks[0].ID
		hasTask := func(who *auth.Actor, kind string, task int64) *plans.Notification {
			t.Helper()
			ns, _, err := s.Plans.Notifications(ctx, who, 100)
			if err != nil {
				t.Fatal(err)
			}
			for i := range ns {
				if string(ns[i].Kind) == kind && ns[i].TaskID == task && ns[i].Href() == fmt.Sprintf("/tasks/%d", task) {
					return &ns[i]
				}
			}
			return nil
		}
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/change", task), map[string]any{"due_on": "2027-03-31", "support_unit_ids": []int64{ward},
			"reason": "Chờ cấp chứng thư số", "decision": "Công văn số 15/UBND-KGVX"}, nil); st != 200 {
			t.Fatalf("change the task: %d", st)
		}
		if n := hasTask(sokhcn, notify.TaskDue, task); n == nil || n.DueOn.String() != "2027-03-31" {
			t.Fatalf("the lead department is not told of the new deadline: %+v", n)
		}
		if hasTask(pleiku, notify.TaskSupport, task) == nil {
			t.Fatal("Pleiku is not told it now supports the task")
		}
		if hasTask(gialai, notify.TaskDue, task) != nil {
			t.Error("the coordinator is told of its own change")
		}
		// carried over: both units are sent to the new task; then that one
		// is cancelled: both are told to stop
		var carried plans.Task
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/carry", task), map[string]any{"due_on": "2027-06-30", "reason": "Chưa hoàn thành"}, &carried); st != 200 && st != 201 {
			t.Fatalf("carry the task: %d", st)
		}
		for _, who := range []*auth.Actor{sokhcn, pleiku} {
			if hasTask(who, notify.TaskCarried, carried.ID) == nil {
				t.Errorf("user %d is not sent to the task carried over", who.UserID)
			}
		}
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/tasks/%d/cancel", carried.ID), map[string]any{"reason": "Đã lồng ghép vào nhiệm vụ khác"}, nil); st != 200 {
			t.Fatalf("cancel: %d", st)
		}
		for _, who := range []*auth.Actor{sokhcn, pleiku} {
			if hasTask(who, notify.TaskCancelled, carried.ID) == nil {
				t.Errorf("user %d is not told the task is cancelled", who.UserID)
			}
		}

		// the day's digest: Pleiku's e-mail says what it must do, in words,
		// with the page to do it on
		if _, err := s.Plans.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		var mail string
		for _, m := range smtp.Messages() {
			if m.To[0] == "pleiku@example.org" {
				mail = m.Data
			}
		}
		vi := s.Catalog.Printer("vi")
		for _, want := range []string{vi.T("notice.reminder", "Due", vi.Date(form.Due(last)), "Task", form.NameVI+" · "+last.Label("vi")), link,
			vi.T("notice.form_approved", "Task", "Phường Pleiku · "+form.NameVI+" · "+last.Label("vi")),
			vi.T("notice.task_support", "Task", "Triển khai ký số cho cán bộ cấp xã"), vi.T("notice.task_cancelled", "Task", "Triển khai ký số cho cán bộ cấp xã"),
			fmt.Sprintf("/tasks/%d", carried.ID)} {
			if !strings.Contains(mail, want) {
				t.Errorf("Pleiku's digest lacks %q:\n%s", want, mail)
			}
		}
	})
}

// TestDiscrepancyNotices: Pleiku submits its quarterly report typing ten
// teams more than its register holds: the province's coordinator, who
// reviews it, is told of the difference (not Pleiku). Approved over it,
// the report is then outdated by a team registered with a decision dated
// in that quarter: the periodic check tells Pleiku (its author) and the
// coordinator once — a second check tells nobody again — and once more
// when the figure moves again. Each has it in the list and in the day's
// e-mail digest.
func TestDiscrepancyNotices(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		smtp := smtptest.Start(t)
		s.Plans.SetMailer(&plans.SMTP{Addr: smtp.Addr, From: "mangluoi@example.org", Insecure: true}, s.Catalog)
		for login, mail := range map[string]string{"pleiku": "pleiku@example.org", "gialai": "gialai@example.org"} {
			if _, err := s.DB.ExecContext(ctx, `UPDATE users SET email = $1 WHERE login = $2`, mail, login); err != nil {
				t.Fatal(err)
			}
		}
		gialai, pleiku := s.User(t, "gialai").Actor(), s.User(t, "pleiku").Actor()
		gl, pk := s.TokenClient(t, "gialai"), s.TokenClient(t, "pleiku")
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		q := demo.LastEnded(indicator.Quarterly, s.Org.Today())
		var form *indicator.Form
		forms, err := s.Indicators.Forms(ctx, gialai)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range forms {
			if f.Code == demo.QuarterForm {
				form = f
			}
		}
		if form == nil {
			t.Fatal("the demo has no quarterly form")
		}
		link := fmt.Sprintf("/units/%d/forms/%d?period=%s", ward, form.ID, q.Key())
		notices := func(who *auth.Actor, kind string) []plans.Notification {
			t.Helper()
			ns, _, err := s.Plans.Notifications(ctx, who, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []plans.Notification
			for _, n := range ns {
				if string(n.Kind) == kind && n.Link == link {
					out = append(out, n)
				}
			}
			return out
		}
		var e api.EntryJSON
		if st := pk.JSON("GET", "/api/v1"+link, nil, &e); st != 200 || e.Submission == nil || e.Status != "submitted" {
			t.Fatalf("Pleiku's quarterly report: %d %s", st, e.Status)
		}
		sub := e.Submission.ID
		// sent back, submitted again with its ten extra teams
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub), api.ReviewBody{Action: "return", Comment: "Kiểm tra lại số tổ."}, nil); st != 200 {
			t.Fatalf("return: %d", st)
		}
		if len(notices(gialai, notify.Discrepancy)) != 0 {
			t.Fatal("told of a difference before any submission")
		}
		if st := pk.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub), api.ReviewBody{Action: "submit"}, nil); st != 200 {
			t.Fatalf("submit again: %d", st)
		}
		ns := notices(gialai, notify.Discrepancy)
		teamsName := ""
		for _, it := range form.Items {
			if it.Code == "CT_TEAMS" {
				teamsName = it.NameVI
			}
		}
		if len(ns) != 1 || !strings.Contains(ns[0].SubjectVI, teamsName) || !strings.Contains(ns[0].SubjectVI, "Phường Pleiku") {
			t.Fatalf("the reviewer is not told of the teams' difference: %+v", ns)
		}
		if len(notices(pleiku, notify.Discrepancy)) != 0 {
			t.Error("Pleiku is told of its own difference as if it reviewed it")
		}
		discrepancy := ns[0]
		if st := gl.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub), api.ReviewBody{Action: "approve", Comment: "Đã hỏi phường: 10 tổ mới đang thành lập"}, nil); st != 200 {
			t.Fatalf("approve: %d", st)
		}

		// nothing moved yet: nobody is told
		if n, err := s.Indicators.CheckMeasuredChanges(ctx); err != nil || n != 0 {
			t.Fatalf("check before any change: %d %v", n, err)
		}
		newTeam := func(number string) {
			t.Helper()
			snap, err := s.Org.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			list, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: ward, AsOf: q.End(), Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			has := map[int64]bool{}
			for _, tm := range list.Teams {
				has[tm.UnitID] = true
			}
			for _, v := range snap.Children(ward, q.End()) {
				if v.Level == org.LevelVillage && !has[v.UnitID] {
					if _, err := s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: v.UnitID, DecisionNumber: number, DecisionDate: q.End().AddDays(-5)}, nil); err != nil {
						t.Fatal(err)
					}
					return
				}
			}
			t.Fatal("every village of Pleiku has a team")
		}
		newTeam("81/QĐ-UBND")
		if n, err := s.Indicators.CheckMeasuredChanges(ctx); err != nil || n != 1 {
			t.Fatalf("check after a team dated in the quarter: %d %v", n, err)
		}
		for _, who := range []*auth.Actor{pleiku, gialai} {
			if ns := notices(who, notify.MeasuredChanged); len(ns) != 1 || !strings.Contains(ns[0].SubjectVI, teamsName) {
				t.Fatalf("user %d is not told the measured figures changed: %+v", who.UserID, ns)
			}
		}
		if n, err := s.Indicators.CheckMeasuredChanges(ctx); err != nil || n != 0 {
			t.Fatalf("a second check told again: %d %v", n, err)
		}
		newTeam("82/QĐ-UBND")
		if n, err := s.Indicators.CheckMeasuredChanges(ctx); err != nil || n != 1 {
			t.Fatalf("check after a second team: %d %v", n, err)
		}
		if ns := notices(pleiku, notify.MeasuredChanged); len(ns) != 2 {
			t.Fatalf("Pleiku is not told of the second change: %+v", ns)
		}

		// the day's digests
		if _, err := s.Plans.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		mails := map[string]string{}
		for _, m := range smtp.Messages() {
			mails[m.To[0]] += m.Data
		}
		vi := s.Catalog.Printer("vi")
		changed := notices(pleiku, notify.MeasuredChanged)[0]
		for addr, want := range map[string][]string{
			"gialai@example.org": {vi.T("notice.discrepancy", "Task", discrepancy.SubjectVI), vi.T("notice.measured_changed", "Task", changed.SubjectVI)},
			"pleiku@example.org": {vi.T("notice.measured_changed", "Task", changed.SubjectVI), link},
		} {
			for _, w := range want {
				if !strings.Contains(mails[addr], w) {
					t.Errorf("%s's digest lacks %q:\n%s", addr, w, mails[addr])
				}
			}
		}
	})
}
