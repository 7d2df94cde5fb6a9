package plans_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestFeedKeepsOtherServers: two servers on one database. Each write made
// through one of them — tasks added (a class task among them), a report
// submitted, one accepted, a commune's part of a class task reported and
// accepted, a task changed, carried over, a class task cancelled, a group
// added — is in the other's tasks and measured counts at its next read,
// equal to what a server reading everything afresh holds, and the other
// read only the changed tasks (from the change feed), never all of them
// again. A change made straight in the tables (no feed) is read whole.
func TestFeedKeepsOtherServers(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		pleikuID := s.UnitNamed(t, "Phường Pleiku").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		today := s.Org.Today()
		y := today.Year()
		due := day.Of(y, 12, 31)
		clock := func() time.Time { return apptest.Now }
		b := plans.NewService(s.DB, s.Org, s.Audit, s.Files, clock) // the other server
		w := indicator.Window{From: day.Of(y, 1, 1), To: today}
		codes := []string{"REG_TASKS", "REG_TASKS_STARTED", "REG_TASKS_DONE", "REG_TASKS_OVERDUE"}
		same := func(step string) {
			t.Helper()
			got, err := plans.Memo(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			want, err := plans.Loaded(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: the other server's tasks differ from a fresh read", step)
			}
			fresh := plans.NewService(s.DB, s.Org, s.Audit, s.Files, clock).Measurer()
			for _, c := range codes {
				got, err := b.Measurer().Measure(ctx, c, w)
				if err != nil {
					t.Fatal(err)
				}
				want, err := fresh.Measure(ctx, c, w)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %s counted %v, afresh %v", step, c, got, want)
				}
			}
		}
		doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "612/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch thử nguồn thay đổi",
			IssuedOn: day.Of(y, 1, 2), EndsOn: due, OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		same("start") // B holds every task and the counts
		start := b.FeedStats()

		tasks, err := s.Plans.AddTasks(ctx, gialai, doc.ID, []plans.TaskInput{
			{Group: "Hạ tầng số", Title: "Báo cáo hạ tầng số", LeadClass: plans.ClassUnits, ClassUnitIDs: []int64{kh, pleikuID}, Schedule: plans.Once, DueOn: due},
			{Group: "Hạ tầng số", Title: "Khảo sát mạng", LeadUnitID: kh, Schedule: plans.Once, DueOn: due},
			{Title: "Tập huấn", LeadUnitID: kh, Schedule: plans.Once, DueOn: due},
		})
		if err != nil {
			t.Fatal(err)
		}
		class, survey, training := tasks[0].ID, tasks[1].ID, tasks[2].ID
		same("tasks added")

		if _, err := s.Plans.SubmitReport(ctx, gialai, survey, plans.ReportInput{Status: plans.InProgress, Percent: 40, Done: "Đã khảo sát 3 xã"}); err != nil {
			t.Fatal(err)
		}
		same("a report")
		rep, err := s.Plans.SubmitReport(ctx, gialai, training, plans.ReportInput{Status: plans.Completed, CompletedOn: today, Done: "Đã tập huấn"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		same("a report accepted")

		rows, _, err := s.Plans.Tasks(ctx, pleiku, today, plans.Filter{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var part int64
		for _, r := range rows {
			if r.ClassTaskID == class {
				part = r.ID
			}
		}
		if part == 0 {
			t.Fatal("pleiku has no part of the class task")
		}
		rep, err = s.Plans.SubmitReport(ctx, pleiku, part, plans.ReportInput{Status: plans.Completed, CompletedOn: today, Done: "Đã báo cáo"})
		if err != nil {
			t.Fatal(err)
		}
		same("a commune's part reported")
		if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		same("a commune's part accepted")

		support := []int64{pleikuID}
		if _, err := s.Plans.ChangeTask(ctx, gialai, survey, plans.TaskChange{Title: "Khảo sát mạng băng rộng", SupportIDs: &support,
			Why: plans.Why{Reason: "Theo chỉ đạo"}}); err != nil {
			t.Fatal(err)
		}
		same("a task changed")
		if _, err := s.Plans.CarryTask(ctx, gialai, survey, plans.CarryInput{DocumentID: doc.ID, DueOn: due, Why: plans.Why{Reason: "Chuyển sang đợt sau"}}); err != nil {
			t.Fatal(err)
		}
		same("a task carried over")
		if _, err := s.Plans.CancelTask(ctx, gialai, class, plans.Why{Reason: "Không còn phù hợp"}); err != nil {
			t.Fatal(err)
		}
		same("a class task cancelled")
		if _, err := s.Plans.AddGroup(ctx, gialai, doc.ID, plans.GroupInput{Title: "Nhóm mới"}); err != nil {
			t.Fatal(err)
		}
		same("a group added")
		const writes = 9
		if st := b.FeedStats(); st.Reloaded != start.Reloaded || st.CaughtUp != start.CaughtUp+writes {
			t.Errorf("the other server read every task %d times and patched %d times over %d writes; want 0 and %d",
				st.Reloaded-start.Reloaded, st.CaughtUp-start.CaughtUp, writes, writes)
		}

		// straight in the table, as another feature's code might: no feed
		if _, err := s.DB.ExecContext(ctx, `UPDATE plan_tasks SET title = $1 WHERE id = $2`, fmt.Sprint("Tập huấn ", y), training); err != nil {
			t.Fatal(err)
		}
		same("a change in the table")
		if st := b.FeedStats(); st.Reloaded != start.Reloaded+1 {
			t.Errorf("a change without the feed: read whole %d times, want once", st.Reloaded-start.Reloaded)
		}
	})
}

// A report returned changes only the report's row, which no trigger
// follows; the review queue, kept under the plans' generation, must still
// lose it on every server.
func TestReturnedReportLeavesEveryQueue(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := actor(t, s, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		y := s.Org.Today().Year()
		due := day.Of(y, 12, 31)
		b := plans.NewService(s.DB, s.Org, s.Audit, s.Files, func() time.Time { return apptest.Now }) // the other server
		doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "613/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch thử trả lại báo cáo",
			IssuedOn: day.Of(y, 1, 2), EndsOn: due, OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := s.Plans.AddTasks(ctx, gialai, doc.ID, []plans.TaskInput{{Title: "Khảo sát mạng", LeadUnitID: kh, Schedule: plans.Once, DueOn: due}})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Plans.SubmitReport(ctx, gialai, tasks[0].ID, plans.ReportInput{Status: plans.InProgress, Percent: 40, Done: "Đã khảo sát 3 xã"})
		if err != nil {
			t.Fatal(err)
		}
		pending := func(svc *plans.Service) bool {
			t.Helper()
			reps, err := svc.PendingReports(ctx, gialai, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range reps {
				if r.ID == rep.ID {
					return true
				}
			}
			return false
		}
		if !pending(s.Plans) || !pending(b) {
			t.Fatal("the submitted report is not waiting for review")
		}
		if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Comment: "Thiếu số liệu từng xã"}); err != nil {
			t.Fatal(err)
		}
		if pending(s.Plans) {
			t.Error("the returned report is still in this server's review queue")
		}
		if pending(b) {
			t.Error("the returned report is still in the other server's review queue")
		}
	})
}
