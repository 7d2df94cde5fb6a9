package plans_test

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// scopedData adds to the demo's plans (a class task of every commune, a
// 2024 plan of old Gia Lai, supported tasks, reports) a plan of the old
// Bình Định — another province's tasks before the merger — and a plan of
// the province with a class task of a list of units, supported tasks, a
// task carried over, one cancelled and a cancelled class task, with
// reports accepted and waiting.
func scopedData(t *testing.T, s *apptest.Server) {
	t.Helper()
	ctx := context.Background()
	gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
	province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
	pleikuID := s.UnitNamed(t, "Phường Pleiku").UnitID
	kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
	today := s.Org.Today()
	y := today.Year()
	due := day.Of(y, 12, 31)

	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := day.Of(2024, 6, 1)
	old := map[string]int64{}
	for _, name := range []string{"Tỉnh Bình Định", "Thành phố Quy Nhơn", "Huyện Tuy Phước"} {
		for _, v := range snap.Search(name, before, snap.RootID, 0) {
			if v.Name == name {
				old[name] = v.UnitID
			}
		}
		if old[name] == 0 {
			t.Fatalf("no %s in force on %s", name, before)
		}
	}
	bd, err := s.Plans.CreateDocument(ctx, s.Admin, plans.DocumentInput{Number: "77/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch chuyển đổi số tỉnh Bình Định",
		IssuedOn: day.Of(2024, 3, 1), EndsOn: day.Of(2025, 12, 31), OwnerUnitID: old["Tỉnh Bình Định"]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Plans.AddTasks(ctx, s.Admin, bd.ID, []plans.TaskInput{
		{Title: "Xây dựng kho dữ liệu dùng chung", LeadUnitID: old["Thành phố Quy Nhơn"], SupportIDs: []int64{old["Huyện Tuy Phước"]}, Schedule: plans.Once, DueOn: day.Of(2024, 12, 31)},
		{Title: "Báo cáo chuyển đổi số hằng quý", LeadUnitID: old["Huyện Tuy Phước"], Schedule: plans.Quarterly},
	}); err != nil {
		t.Fatal(err)
	}

	doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "616/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch thử khởi động nguội",
		IssuedOn: day.Of(y, 1, 2), EndsOn: due, OwnerUnitID: province})
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := s.Plans.AddTasks(ctx, gialai, doc.ID, []plans.TaskInput{
		{Group: "Hạ tầng số", Title: "Báo cáo hạ tầng số", LeadClass: plans.ClassUnits, ClassUnitIDs: []int64{kh, pleikuID}, Schedule: plans.Once, DueOn: due},
		{Group: "Hạ tầng số", Title: "Khảo sát mạng", LeadUnitID: kh, Schedule: plans.Once, DueOn: due},
		{Title: "Tập huấn", LeadUnitID: kh, SupportIDs: []int64{pleikuID}, Schedule: plans.Once, DueOn: today.AddDays(20)},
		{Title: "Rà soát định kỳ", LeadUnitID: pleikuID, Schedule: plans.Quarterly},
		{Title: "Số hóa hồ sơ", LeadUnitID: pleikuID, SupportIDs: []int64{kh}, Schedule: plans.Once, DueOn: today.AddDays(-10)},
		{Title: "Hỗ trợ số hóa", LeadUnitID: province, SupportIDs: []int64{pleikuID}, Schedule: plans.Once, DueOn: today.AddDays(-30)},
		{Title: "Nhiệm vụ đã thôi", LeadClass: plans.ClassUnits, ClassUnitIDs: []int64{kh, pleikuID}, Schedule: plans.Once, DueOn: today.AddDays(-5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	class, survey, training, files, dropped := tasks[0].ID, tasks[1].ID, tasks[2].ID, tasks[4].ID, tasks[6].ID
	if _, err := s.Plans.SubmitReport(ctx, gialai, survey, plans.ReportInput{Status: plans.InProgress, Percent: 40, Done: "Đã khảo sát 3 xã"}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Plans.SubmitReport(ctx, gialai, training, plans.ReportInput{Status: plans.Completed, CompletedOn: today, Done: "Đã tập huấn"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Accept: true}); err != nil {
		t.Fatal(err)
	}
	rows, _, err := s.Plans.Tasks(ctx, pleiku, today, plans.Filter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ClassTaskID == class {
			if _, err := s.Plans.SubmitReport(ctx, pleiku, r.ID, plans.ReportInput{Status: plans.Completed, CompletedOn: today, Done: "Đã báo cáo"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.Plans.CarryTask(ctx, gialai, survey, plans.CarryInput{DocumentID: doc.ID, DueOn: due, Why: plans.Why{Reason: "Chuyển sang đợt sau"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Plans.CancelTask(ctx, gialai, files, plans.Why{Reason: "Gộp vào nhiệm vụ khác"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Plans.CancelTask(ctx, gialai, dropped, plans.Why{Reason: "Không còn phù hợp"}); err != nil {
		t.Fatal(err)
	}
}

// scopedAnswer is every view a home or a list page asks of the plans for
// a reader's scope.
type scopedAnswer struct {
	Docs    []plans.DocRow
	Dash    *plans.Dashboard
	Rows    [][]plans.TaskRow
	Counts  []plans.Counts
	Late    [][]plans.TaskRow
	Totals  []int
	Pending []plans.Report
}

// askScope asks p every view of a's scope on d, the lists with filters
// (units among them) and the overdue lists of units.
func askScope(t *testing.T, p *plans.Service, a *auth.Actor, d day.Day, units []int64) (out scopedAnswer) {
	t.Helper()
	ctx := context.Background()
	var err error
	if out.Docs, err = p.ListDocuments(ctx, a, d); err != nil {
		t.Fatal(err)
	}
	if out.Dash, err = p.Dashboard(ctx, a, d); err != nil {
		t.Fatal(err)
	}
	filters := []plans.Filter{{}, {Status: plans.Overdue}, {Status: plans.OnTrack}, {Window: 30}, {Window: 180}}
	for _, u := range units {
		filters = append(filters, plans.Filter{UnitID: u}, plans.Filter{UnitID: u, Window: 90})
	}
	for _, f := range filters {
		for _, limit := range []int{0, 3} {
			rows, c, err := p.TasksShared(ctx, a, d, f, limit)
			if err != nil {
				t.Fatal(err)
			}
			out.Rows, out.Counts = append(out.Rows, rows), append(out.Counts, c)
		}
	}
	for _, u := range append([]int64{0}, units...) {
		for _, limit := range []int{0, 2} {
			late, total, err := p.Overdue(ctx, a, d, u, limit)
			if err != nil {
				t.Fatal(err)
			}
			out.Late, out.Totals = append(out.Late, late), append(out.Totals, total)
		}
	}
	if out.Pending, err = p.PendingReports(ctx, a, 20); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestScopedCopyAnswersAsTheWhole: while a server's first read of every
// task runs (held here: a request reaching for the whole copy would wait
// for it), the views of a province's coordinator and leader, a commune's
// and a department's focal person — the documents, the dashboard, the
// to-do lists with filters, the overdue lists, the review queue — are
// answered from the scope's own read, and equal field for field what the
// whole copy answers, on past, present and future dates. Once the first
// read ends, the scoped copies are dropped and the answers are the whole
// copy's.
func TestScopedCopyAnswersAsTheWhole(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		scopedData(t, s)
		pleikuID := s.UnitNamed(t, "Phường Pleiku").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		today := s.Org.Today()
		readers := []struct {
			a     *auth.Actor
			units []int64 // units under the scope a list or an overdue list is asked of
		}{
			{actor(t, s, "gialai"), []int64{kh, pleikuID}},
			{actor(t, s, "lanhdao"), []int64{pleikuID}},
			{actor(t, s, "pleiku"), []int64{pleikuID}},
			{actor(t, s, "sokhcn"), []int64{kh}},
		}
		dates := []day.Day{today, today.AddDays(-40), today.AddDays(75), day.Of(2024, 10, 1)}
		whole := plans.Fresh(s.Plans)
		compared := 0
		for _, r := range readers {
			for _, d := range dates {
				name := fmt.Sprintf("%s on %s", r.a.Login, d)
				cold := plans.Fresh(s.Plans)
				release := plans.HoldWhole(cold)
				got := askScope(t, cold, r.a, d, r.units)
				reads, _ := plans.ScopedReads(cold)
				release()
				if reads == 0 {
					t.Errorf("%s: answered without a scoped read", name)
				}
				want := askScope(t, whole, r.a, d, r.units)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: the scoped copy's answers differ from the whole's:\nscoped %+v\nwhole  %+v", name, got, want)
				}
				if n := plans.ScopedCopies(cold); n != 0 {
					t.Errorf("%s: %d scoped copies kept after the first read ended", name, n)
				}
				if after := askScope(t, cold, r.a, d, r.units); !reflect.DeepEqual(after, want) {
					t.Errorf("%s: after the first read ended the answers differ from the whole's", name)
				}
				for _, rows := range want.Rows {
					compared += len(rows)
				}
			}
		}
		if compared == 0 {
			t.Fatal("nothing compared: every list was empty")
		}
	})
}

// TestScopedReadShared: while the first read runs, many requests of one
// scope at once (users signing in as the server starts) make one scoped
// read, the others waiting for it, and answer as the whole copy; another
// scope makes its own.
func TestScopedReadShared(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
		today := s.Org.Today()
		whole := plans.Fresh(s.Plans)
		want, wantTotal, err := whole.Overdue(ctx, gialai, today, 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		if wantTotal == 0 {
			t.Fatal("the province has nothing overdue to compare")
		}

		cold := plans.Fresh(s.Plans)
		release := plans.HoldWhole(cold)
		defer release()
		// the first request to read holds there until every other has
		// come to the read (and joined it, or read on its own)
		var entered atomic.Int64
		gate := make(chan struct{})
		restore := plans.HookScoped(func() {
			entered.Add(1)
			<-gate
		})
		const n = 20
		var wg sync.WaitGroup
		got := make([][]plans.TaskRow, n)
		totals := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], totals[i], errs[i] = cold.Overdue(ctx, gialai, today, 0, 20)
			}()
		}
		for {
			_, joined := plans.ScopedReads(cold)
			if entered.Load()+joined >= n {
				break
			}
			runtime.Gosched()
		}
		close(gate)
		wg.Wait()
		restore()
		for i := range n {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if !reflect.DeepEqual(got[i], want) || totals[i] != wantTotal {
				t.Errorf("request %d: %d overdue %v, want %d %v", i, totals[i], ids(got[i]), wantTotal, ids(want))
			}
		}
		if reads, joined := plans.ScopedReads(cold); reads != 1 || joined != n-1 {
			t.Errorf("%d requests at once made %d scoped reads (%d joined one), want 1 (%d)", n, reads, joined, n-1)
		}
		if _, _, err := cold.Overdue(ctx, pleiku, today, 0, 20); err != nil {
			t.Fatal(err)
		}
		if reads, _ := plans.ScopedReads(cold); reads != 2 {
			t.Errorf("another scope: %d scoped reads in all, want 2", reads)
		}
		if c := plans.ScopedCopies(cold); c != 2 {
			t.Errorf("%d scoped copies held, want 2", c)
		}
	})
}
