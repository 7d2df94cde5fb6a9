package plans_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestListingPatched: the to-do lists kept for a scope, filter and day
// and patched with the tasks each write changed are, after each write of a
// sequence — reports (a class task's part among them), reviews accepting
// and returning, a task's title, supporting units and lead changed, a
// carry-over, cancellations — row for row and in their counts what the
// list made afresh is (and the plans dashboard made from them), for the
// province's coordinator, a commune, the
// admin (the nation), with filters by status, window and unit, today and
// on past and future dates, with a limit and without; and most of them
// were patched, not made again.
func TestListingPatched(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		pleikuID := s.UnitNamed(t, "Phường Pleiku").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		today := s.Org.Today()
		y := today.Year()
		due := day.Of(y, 12, 31)
		readers := []*auth.Actor{gialai, pleiku, s.Admin}
		filters := []plans.Filter{{}, {Status: plans.Overdue}, {Status: plans.AtRisk}, {Status: plans.OnTrack}, {Status: plans.DoneOnTime},
			{Window: 30}, {Window: 180}, {UnitID: kh}, {UnitID: pleikuID, Window: 90}}
		dates := []day.Day{today, today.AddDays(-200), today.AddDays(45)}
		same := func(step string) {
			t.Helper()
			for _, a := range readers {
				for _, d := range dates {
					kept, fresh, err := plans.DashBoth(ctx, s.Plans, a, d)
					if err != nil {
						t.Fatalf("%s: %v", step, err)
					}
					if !reflect.DeepEqual(kept, fresh) {
						t.Errorf("%s: %s's dashboard on %s: kept %+v, afresh %+v", step, a.Login, d, kept.Counts, fresh.Counts)
					}
				}
				for _, f := range filters {
					if f.UnitID != 0 && a == pleiku {
						continue // outside the commune
					}
					for _, d := range dates {
						for _, limit := range []int{0, 3} {
							kept, fresh, kc, fc, err := plans.ListBoth(ctx, s.Plans, a, d, f, limit)
							if err != nil {
								t.Fatalf("%s: %v", step, err)
							}
							if !reflect.DeepEqual(kept, fresh) || kc != fc {
								t.Errorf("%s: %s's list %+v on %s (limit %d): kept %d rows %+v, afresh %d rows %+v", step, a.Login, f, d, limit,
									len(kept), kc, len(fresh), fc)
							}
						}
					}
				}
			}
		}
		doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "614/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch thử danh sách giữ",
			IssuedOn: day.Of(y, 1, 2), EndsOn: due, OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := s.Plans.AddTasks(ctx, gialai, doc.ID, []plans.TaskInput{
			{Group: "Hạ tầng số", Title: "Báo cáo hạ tầng số", LeadClass: plans.ClassUnits, ClassUnitIDs: []int64{kh, pleikuID}, Schedule: plans.Once, DueOn: due},
			{Group: "Hạ tầng số", Title: "Khảo sát mạng", LeadUnitID: kh, Schedule: plans.Once, DueOn: due},
			{Title: "Tập huấn", LeadUnitID: kh, Schedule: plans.Once, DueOn: today.AddDays(20)},
			{Title: "Rà soát định kỳ", LeadUnitID: pleikuID, Schedule: plans.Quarterly},
			{Title: "Số hóa hồ sơ", LeadUnitID: pleikuID, SupportIDs: []int64{kh}, Schedule: plans.Once, DueOn: today.AddDays(-10)},
		})
		if err != nil {
			t.Fatal(err)
		}
		class, survey, training, review, files := tasks[0].ID, tasks[1].ID, tasks[2].ID, tasks[3].ID, tasks[4].ID
		same("tasks added")
		start := s.Plans.ListingStats()

		if _, err := s.Plans.SubmitReport(ctx, gialai, survey, plans.ReportInput{Status: plans.InProgress, Percent: 40, Done: "Đã khảo sát 3 xã"}); err != nil {
			t.Fatal(err)
		}
		same("a report")
		rep, err := s.Plans.SubmitReport(ctx, gialai, training, plans.ReportInput{Status: plans.Completed, CompletedOn: today, Done: "Đã tập huấn"})
		if err != nil {
			t.Fatal(err)
		}
		same("a report of completion")
		if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		same("a report accepted")
		rep, err = s.Plans.SubmitReport(ctx, pleiku, files, plans.ReportInput{Status: plans.InProgress, Percent: 70, Done: "Đã số hóa 70%"})
		if err != nil {
			t.Fatal(err)
		}
		same("a commune's report")
		if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Comment: "Thiếu danh mục"}); err != nil {
			t.Fatal(err)
		}
		same("a report returned")
		if _, err := s.Plans.SubmitReport(ctx, pleiku, review, plans.ReportInput{Status: plans.InProgress, Percent: 10, Done: "Bắt đầu rà soát"}); err != nil {
			t.Fatal(err)
		}
		same("a recurring task's report")

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
		patched := s.Plans.ListingStats().Patched - start.Patched

		if _, err := s.Plans.ChangeTask(ctx, gialai, survey, plans.TaskChange{Title: "Khảo sát mạng băng rộng", Why: plans.Why{Reason: "Theo chỉ đạo"}}); err != nil {
			t.Fatal(err)
		}
		same("a task's title changed")
		support := []int64{pleikuID}
		if _, err := s.Plans.ChangeTask(ctx, gialai, survey, plans.TaskChange{SupportIDs: &support, Why: plans.Why{Reason: "Theo chỉ đạo"}}); err != nil {
			t.Fatal(err)
		}
		same("a task's supporting units changed")
		if _, err := s.Plans.ChangeTask(ctx, gialai, training, plans.TaskChange{LeadUnitID: pleikuID, Why: plans.Why{Reason: "Giao lại"}}); err != nil {
			t.Fatal(err)
		}
		same("a task's lead changed")
		if _, err := s.Plans.CarryTask(ctx, gialai, survey, plans.CarryInput{DocumentID: doc.ID, DueOn: due, Why: plans.Why{Reason: "Chuyển sang đợt sau"}}); err != nil {
			t.Fatal(err)
		}
		same("a task carried over")
		if _, err := s.Plans.CancelTask(ctx, gialai, files, plans.Why{Reason: "Gộp vào nhiệm vụ khác"}); err != nil {
			t.Fatal(err)
		}
		same("a task cancelled")
		if _, err := s.Plans.CancelTask(ctx, gialai, class, plans.Why{Reason: "Không còn phù hợp"}); err != nil {
			t.Fatal(err)
		}
		same("a class task cancelled")
		// after each of the 8 reports and reviews, each reader's lists
		// (filters and dates: 75 in all) were patched, not made again
		if lists := int64(2*len(filters)*len(dates) + (len(filters)-2)*len(dates)); patched != 8*lists {
			t.Errorf("the lists were patched %d times over 8 reports and reviews, want %d", patched, 8*lists)
		}
	})
}
