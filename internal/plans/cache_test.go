package plans_test

import (
	"context"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestSummariesFollowChanges: the lists and summaries kept in memory are
// never stale: a change through the service, and one made by any other
// code straight in the tables (the triggers move the generation), are in
// the next documents list, leader's summary and to-do list.
func TestSummariesFollowChanges(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := actor(t, s, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		today := s.Org.Today()
		y := today.Year()
		doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "611/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch thử",
			IssuedOn: day.Of(y, 1, 2), OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		counts := func() (list, dash plans.Counts, todo int) {
			t.Helper()
			docs, err := s.Plans.ListDocuments(ctx, gialai, today)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				if d.ID == doc.ID {
					list = d.Counts
				}
			}
			db, err := s.Plans.Dashboard(ctx, gialai, today)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range db.Plans {
				if d.ID == doc.ID {
					dash = d.Counts
				}
			}
			rows, _, err := s.Plans.Tasks(ctx, gialai, today, plans.Filter{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.DocumentID == doc.ID {
					todo++
				}
			}
			return
		}
		if l, d, n := counts(); l.Total != 0 || d.Total != 0 || n != 0 {
			t.Fatalf("an empty plan counted: %+v %+v %d", l, d, n)
		}
		tasks, err := s.Plans.AddTasks(ctx, gialai, doc.ID, []plans.TaskInput{
			{Title: "Báo cáo sơ kết", LeadUnitID: kh, DueOn: day.Of(y, 1, 31)},
			{Title: "Tập huấn", LeadUnitID: kh, DueOn: day.Of(y+1, 6, 30)},
		})
		if err != nil {
			t.Fatal(err)
		}
		if l, d, n := counts(); l.Total != 2 || d.Total != 2 || n != 2 || l.Overdue != 1 {
			t.Errorf("after adding: %+v %+v %d", l, d, n)
		}
		// straight in the table, as another feature's code might
		if _, err := s.DB.ExecContext(ctx, `UPDATE plan_tasks SET cancelled_on = $1 WHERE id = $2`, today, tasks[0].ID); err != nil {
			t.Fatal(err)
		}
		if l, d, _ := counts(); l.Total != 1 || d.Total != 1 || l.Cancelled != 1 || d.Overdue != 0 {
			t.Errorf("after a change in the table: %+v %+v", l, d)
		}
	})
}
