package plans_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestSummariesAfterRandomWrites: after each of a random sequence of plans
// writes — reports (some of completion, a class task's parts among them),
// reviews accepting and returning, new tasks — every summary the service
// keeps (the documents list, the dashboard, the to-do lists, the overdue
// list, the review queue), asked of it as the pages ask, equals what a
// service holding nothing kept gives (plans.Fresh), for the province's
// coordinator, its leader, a commune and the admin, today and on other
// dates. The summaries are asked before each write too, so that what is
// compared was kept across it.
//
// The listings keep at most two rows each here (plans.KeepRows), so that
// rows kept and rows made as asked are both compared, and their accounts
// are checked after each write (plans.RowsKept).
func TestSummariesAfterRandomWrites(t *testing.T) {
	defer plans.KeepRows(2)()
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
		readers := []*auth.Actor{gialai, pleiku, actor(t, s, "lanhdao"), s.Admin}
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		pleikuID := s.UnitNamed(t, "Phường Pleiku").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		today := s.Org.Today()
		y := today.Year()
		dates := []day.Day{today, today.AddDays(-40), today.AddDays(75)}
		doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "615/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch thử ghi ngẫu nhiên",
			IssuedOn: day.Of(y, 1, 2), EndsOn: day.Of(y+1, 12, 31), OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(14, 18))
		leads := []int64{kh, pleikuID, province}
		newTask := func(n int) plans.TaskInput {
			due := today.AddDays(rng.IntN(120) - 60)
			in := plans.TaskInput{Title: fmt.Sprintf("Nhiệm vụ ngẫu nhiên %d", n), LeadUnitID: leads[rng.IntN(len(leads))], Schedule: plans.Once, DueOn: due}
			switch rng.IntN(4) {
			case 0:
				in.LeadUnitID, in.LeadClass, in.ClassUnitIDs = 0, plans.ClassUnits, []int64{kh, pleikuID}
			case 1:
				in.SupportIDs = []int64{leads[rng.IntN(2)]}
				if in.SupportIDs[0] == in.LeadUnitID {
					in.SupportIDs = nil
				}
			case 2:
				in.Schedule, in.DueOn = plans.Quarterly, day.Day{}
			}
			return in
		}
		var ins []plans.TaskInput
		for i := range 8 {
			ins = append(ins, newTask(i))
		}
		if _, err := s.Plans.AddTasks(ctx, gialai, doc.ID, ins); err != nil {
			t.Fatal(err)
		}

		type answer struct {
			docs    []plans.DocRow
			dash    *plans.Dashboard
			rows    [][]plans.TaskRow
			counts  []plans.Counts
			late    []plans.TaskRow
			total   int
			pending []plans.Report
		}
		filters := []plans.Filter{{}, {Status: plans.Overdue}, {Window: 30}}
		ask := func(p *plans.Service, a *auth.Actor, d day.Day) (out answer) {
			t.Helper()
			var err error
			if out.docs, err = p.ListDocuments(ctx, a, d); err != nil {
				t.Fatal(err)
			}
			if out.dash, err = p.Dashboard(ctx, a, d); err != nil {
				t.Fatal(err)
			}
			for _, f := range filters {
				rows, c, err := p.TasksShared(ctx, a, d, f, 300)
				if err != nil {
					t.Fatal(err)
				}
				out.rows, out.counts = append(out.rows, rows), append(out.counts, c)
			}
			if out.late, out.total, err = p.Overdue(ctx, a, d, 0, 200); err != nil {
				t.Fatal(err)
			}
			if out.pending, err = p.PendingReports(ctx, a, 20); err != nil {
				t.Fatal(err)
			}
			return out
		}
		same := func(step string) {
			t.Helper()
			fresh := plans.Fresh(s.Plans)
			for _, a := range readers {
				for _, d := range dates {
					kept, want := ask(s.Plans, a, d), ask(fresh, a, d)
					if !reflect.DeepEqual(kept, want) {
						t.Fatalf("%s: %s's summaries on %s differ from a fresh service's:\nkept  %+v\nfresh %+v", step, a.Login, d, kept, want)
					}
				}
			}
		}
		same("tasks added")
		done := map[string]int{}
		skip := func(err error) bool { // a write refused as a user's would be (a task all done, a report reviewed)
			var e *errs.Error
			return errors.As(err, &e) && (e.Kind == errs.Invalid || e.Kind == errs.Conflict || e.Kind == errs.Forbidden)
		}
		for step := range 60 {
			var what string
			var err error
			switch op := rng.IntN(10); {
			case op < 5: // a report, by the coordinator or the commune
				who := []*auth.Actor{gialai, pleiku}[rng.IntN(2)]
				rows, _, lerr := s.Plans.Tasks(ctx, who, today, plans.Filter{}, 0)
				if lerr != nil {
					t.Fatal(lerr)
				}
				if len(rows) == 0 {
					continue
				}
				r := rows[rng.IntN(len(rows))]
				in := plans.ReportInput{Status: plans.InProgress, Percent: rng.IntN(100), Done: "Đang thực hiện"}
				if rng.IntN(3) == 0 {
					in = plans.ReportInput{Status: plans.Completed, CompletedOn: today.AddDays(-rng.IntN(90)), Done: "Đã hoàn thành"}
				}
				what = fmt.Sprintf("%s reports on task %d (%s)", who.Login, r.ID, in.Status)
				_, err = s.Plans.SubmitReport(ctx, who, r.ID, in)
			case op < 8: // a review
				reps, lerr := s.Plans.PendingReports(ctx, gialai, 0)
				if lerr != nil {
					t.Fatal(lerr)
				}
				if len(reps) == 0 {
					continue
				}
				rep := reps[rng.IntN(len(reps))]
				in := plans.ReviewInput{Accept: rng.IntN(3) > 0}
				if !in.Accept {
					in.Comment = "Cần bổ sung"
				}
				what = fmt.Sprintf("report %d reviewed (accepted %v)", rep.ID, in.Accept)
				_, err = s.Plans.Review(ctx, gialai, rep.ID, in)
			default: // new tasks
				what = "a task added"
				_, err = s.Plans.AddTasks(ctx, gialai, doc.ID, []plans.TaskInput{newTask(100 + step)})
			}
			if err != nil {
				if skip(err) {
					continue
				}
				t.Fatalf("step %d, %s: %v", step, what, err)
			}
			done[what[:6]]++
			same(fmt.Sprintf("step %d, %s", step, what))
			if err := plans.RowsKept(s.Plans); err != nil {
				t.Fatalf("step %d, %s: %v", step, what, err)
			}
		}
		t.Logf("writes made: %v", done)
		// the sequence wrote each kind, so that each was compared after
		if done["gialai"]+done["pleiku"] < 10 || done["report"] < 5 || done["a task"] < 3 {
			t.Errorf("too few writes made: %v", done)
		}
	})
}
