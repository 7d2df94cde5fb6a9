package plans_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/plans/parse"
)

// TestReviewCounts: the review's table as a province writes it, with a
// pillar over two groups: started (a progress report above 0 %, or done),
// done, overdue, not started and cancelled, per group, per pillar (its
// groups' tasks counted in its line), per plan and per lead unit; the plan
// page, the documents list, the leader's summary and the annex agree.
func TestReviewCounts(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := actor(t, s, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		nv := s.UnitNamed(t, "Sở Nội vụ").UnitID
		yt := s.UnitNamed(t, "Sở Y tế").UnitID
		today := s.Org.Today()
		y := today.Year()
		doc, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "411/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch rà soát",
			IssuedOn: day.Of(y, 1, 2), EndsOn: day.Of(y+1, 12, 31), OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		end := day.Of(y+1, 12, 31)
		pillar := "I. Chuyển đổi số trong cơ quan nhà nước"
		tasks, err := s.Plans.AddTasks(ctx, gialai, doc.ID, []plans.TaskInput{
			{Pillar: pillar, Group: "Hạ tầng số", Title: "Nâng cấp mạng diện rộng", LeadUnitID: kh, DueOn: end}, // progress 40 %: started
			{Pillar: pillar, Group: "Hạ tầng số", Title: "Rà soát thiết bị", LeadUnitID: nv, DueOn: end},        // nothing: not started
			{Pillar: pillar, Group: "Nhân lực số", Title: "Tập huấn kỹ năng số", LeadUnitID: kh, DueOn: end},    // done
			{Pillar: pillar, Title: "Xây dựng kho dữ liệu", LeadUnitID: yt, DueOn: end, Group: ""},              // cancelled
			{Group: "Nhiệm vụ khác", Title: "Báo cáo sơ kết", LeadUnitID: kh, DueOn: day.Of(y, 1, 31)},          // overdue
			{Pillar: pillar, Group: "Hạ tầng số", Title: "Báo cáo chưa có tiến độ", LeadUnitID: kh, DueOn: end}, // a 0 % report: not started
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.SubmitReport(ctx, gialai, tasks[0].ID, plans.ReportInput{Status: plans.InProgress, Percent: 40, Done: "Đã khảo sát"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.SubmitReport(ctx, gialai, tasks[5].ID, plans.ReportInput{Status: plans.NotStarted, Percent: 0, Done: "Chưa bắt đầu"}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Plans.SubmitReport(ctx, gialai, tasks[2].ID, plans.ReportInput{Status: plans.Completed, Percent: 100, CompletedOn: today, Done: "Đã tập huấn"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.Review(ctx, gialai, rep.ID, plans.ReviewInput{Accept: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.CancelTask(ctx, gialai, tasks[3].ID, plans.Why{Reason: "Đã giao cho kế hoạch khác"}); err != nil {
			t.Fatal(err)
		}

		v, err := s.Plans.Plan(ctx, gialai, doc.ID, today, plans.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			title                                                    string
			depth, total, started, done, overdue, notStarted, closed int
		}
		want := []line{
			{pillar, 0, 4, 2, 1, 0, 2, 1},
			{"Hạ tầng số", 1, 3, 1, 0, 0, 2, 0},
			{"Nhân lực số", 1, 1, 1, 1, 0, 0, 0},
			{"Nhiệm vụ khác", 0, 1, 0, 0, 1, 1, 0},
		}
		if len(v.Groups) != len(want) {
			t.Fatalf("groups: %+v", v.Groups)
		}
		for i, w := range want {
			g := v.Groups[i]
			c := g.Counts
			got := line{g.Title, g.Depth, c.Total, c.Started, c.Done, c.Overdue, c.NotStarted, c.Closed}
			if got != w {
				t.Errorf("line %d: got %+v, want %+v", i, got, w)
			}
		}
		if c := v.Counts; c.Total != 5 || c.Started != 2 || c.Done != 1 || c.DoneOnTime != 1 || c.Overdue != 1 || c.NotStarted != 3 ||
			c.Cancelled != 1 || c.Closed != 1 {
			t.Errorf("plan: %+v", c)
		}
		units := map[int64]plans.Counts{}
		for _, u := range v.Units {
			units[u.UnitID] = u.Counts
		}
		if c := units[kh]; c.Total != 4 || c.Started != 2 || c.Done != 1 || c.Overdue != 1 {
			t.Errorf("Sở KH&CN: %+v", c)
		}
		if c := units[yt]; c.Total != 0 || c.Cancelled != 1 {
			t.Errorf("Sở Y tế: %+v", c)
		}
		// the list and the leader's summary count the same
		docs, err := s.Plans.ListDocuments(ctx, gialai, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.ID == doc.ID && d.Counts != v.Counts {
				t.Errorf("list %+v, plan %+v", d.Counts, v.Counts)
			}
		}
		dash, err := s.Plans.Dashboard(ctx, gialai, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dash.Plans {
			if d.ID == doc.ID && d.Counts != v.Counts {
				t.Errorf("summary %+v, plan %+v", d.Counts, v.Counts)
			}
		}
		// the annex's summary sheet: the pillar's line "2/4"
		var buf bytes.Buffer
		p := locale.MustLoadCatalog().Printer("vi")
		if err := s.Plans.ExportAnnex(ctx, gialai, doc.ID, today, p, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(p.T("plans.annex.review_sheet"))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rows {
			if len(r) >= 3 && r[0] == pillar {
				found = true
				if r[1] != "2/4" || r[2] != "1/4" {
					t.Errorf("annex pillar line: %v", r)
				}
			}
		}
		if !found {
			t.Errorf("annex summary without the pillar: %v", rows)
		}

		// a group under a group of another plan, or too deep: refused
		other, err := s.Plans.CreateDocument(ctx, gialai, plans.DocumentInput{Number: "412/KH-UBND", Type: plans.DocPlan, Title: "Kế hoạch khác",
			IssuedOn: day.Of(y, 1, 2), OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.AddGroup(ctx, gialai, other.ID, plans.GroupInput{ParentID: v.Groups[0].ID, Title: "Nhóm lạc"}); errs.KindOf(err) != errs.Invalid {
			t.Errorf("a parent from another plan: %v", err)
		}
		parent := v.Groups[1].ID
		for i := 0; i < 5; i++ {
			g, err := s.Plans.AddGroup(ctx, gialai, doc.ID, plans.GroupInput{ParentID: parent, Title: "Nhóm con"})
			if i < 3 && err != nil {
				t.Fatalf("level %d: %v", i+3, err)
			}
			if i == 3 {
				if errs.KindOf(err) != errs.Invalid {
					t.Errorf("a sixth level: %v", err)
				}
				break
			}
			parent = g.ID
		}
	})
}

// TestParseNestedGroups: where a plan's headings nest, the outer one is a
// pillar and the inner ones its groups, and confirming the draft keeps them.
func TestParseNestedGroups(t *testing.T) {
	text := `KẾ HOẠCH
III. NHIỆM VỤ, GIẢI PHÁP
1. Chuyển đổi số trong cơ quan nhà nước
1.1. Hạ tầng số
a) Nâng cấp mạng diện rộng (Sở Khoa học và Công nghệ chủ trì; thời gian: năm 2026)
b) Rà soát thiết bị (Sở Nội vụ chủ trì; thời gian: năm 2026)
1.2. Nhân lực số
a) Tập huấn kỹ năng số (Sở Nội vụ chủ trì; thời gian: năm 2026)
2. Kinh tế số
a) Hỗ trợ doanh nghiệp (Sở Khoa học và Công nghệ chủ trì; thời gian: năm 2026)
`
	d, err := parse.Parse(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	type g struct {
		title  string
		parent int
		tasks  int
	}
	var got []g
	for _, x := range d.Groups {
		got = append(got, g{x.Title, x.Parent, len(x.Tasks)})
	}
	want := []g{{"Chuyển đổi số trong cơ quan nhà nước", 0, 0}, {"Hạ tầng số", 1, 2}, {"Nhân lực số", 1, 1}, {"Kinh tế số", 0, 1}}
	if len(got) != len(want) {
		t.Fatalf("groups %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("group %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	ins := plans.DraftInputs(d)
	if len(ins) != 4 || ins[0].Pillar != "Chuyển đổi số trong cơ quan nhà nước" || ins[0].Group != "Hạ tầng số" || ins[3].Pillar != "" ||
		ins[3].Group != "Kinh tế số" {
		t.Errorf("inputs: %+v", ins)
	}
}
