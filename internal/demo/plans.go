package demo

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// Option gives Seed a feature's service to fill beside the tree and the
// people.
type Option func(*features)

type features struct {
	plans *plans.Service
}

// WithPlans fills the plans: Decision 1690/QĐ-TTg, Gia Lai's plan
// 687/KH-UBND implementing it (read from its text), the new province's
// 2026 plan and a ward's plan, with their history of reports.
func WithPlans(p *plans.Service) Option { return func(f *features) { f.plans = p } }

// Plan687 is the text of Gia Lai's plan 687/KH-UBND (its task section as
// the demo has it), to paste.
//
//go:embed plan687.txt
var Plan687 string

func seedFeatures(ctx context.Context, opts []Option, orgs *org.Service, accounts *auth.Service, admin *auth.Actor, logins []Login) ([]Login, error) {
	var f features
	for _, o := range opts {
		o(&f)
	}
	if f.plans != nil {
		more, err := seedPlans(ctx, f.plans, orgs, accounts, admin)
		if err != nil {
			return nil, fmt.Errorf("demo plans: %w", err)
		}
		logins = append(logins, more...)
	}
	return logins, nil
}

// pdfEvidence is a minimal PDF, as a scanned minute would be.
var pdfEvidence = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

type planSeeder struct {
	ctx   context.Context
	pl    *plans.Service
	admin *auth.Actor
	as    *auth.Actor // the lead unit's reporter
	err   error
}

// at is the plans service on the clock of a date (09:00 in Vietnam).
func (s *planSeeder) at(d day.Day) *plans.Service {
	t := time.Date(d.Year(), d.Time().Month(), d.Time().Day(), 9, 0, 0, 0, locale.Zone)
	return s.pl.WithClock(func() time.Time { return t })
}

// report has the lead unit report on task (its next open deadline) on date
// on; completed on done (zero: in progress at percent); and the
// coordinator accept it on accept (zero: left waiting), or return it with
// a comment when ret is set.
func (s *planSeeder) report(task int64, on day.Day, percent int, done day.Day, what string, accept day.Day, ret string) {
	if s.err != nil {
		return
	}
	in := plans.ReportInput{Period: plans.ReportingPeriod(on), Status: plans.InProgress, Percent: percent, Done: what,
		Files: []plans.Upload{{Name: "bien-ban.pdf", Body: bytes.NewReader(pdfEvidence)}}}
	if !done.IsZero() {
		in.Status, in.CompletedOn = plans.Completed, done
	}
	r, err := s.at(on).SubmitReport(s.ctx, s.as, task, in)
	if err != nil {
		s.err = fmt.Errorf("report on task %d: %w", task, err)
		return
	}
	switch {
	case ret != "":
		_, s.err = s.at(accept).Review(s.ctx, s.admin, r.ID, plans.ReviewInput{Comment: ret})
	case !accept.IsZero():
		_, s.err = s.at(accept).Review(s.ctx, s.admin, r.ID, plans.ReviewInput{Accept: true})
	}
}

func seedPlans(ctx context.Context, pl *plans.Service, orgs *org.Service, accounts *auth.Service, admin *auth.Actor) ([]Login, error) {
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	oldGiaLai := snap.FindByCode(org.LevelProvince, "64", Baseline)
	newGiaLai := snap.FindByCode(org.LevelProvince, "52", Reorg)
	find := func(name string) int64 {
		for _, v := range snap.Search(name, orgs.Today(), newGiaLai.UnitID, 5) {
			if v.Name == name {
				return v.UnitID
			}
		}
		return 0
	}
	kh := find("Sở Khoa học và Công nghệ")
	if kh == 0 {
		return nil, fmt.Errorf("no Sở Khoa học và Công nghệ")
	}
	// a department's focal person, who reports on its tasks
	if _, err := accounts.CreateUser(ctx, admin, auth.UserInput{Login: "sokhcn", DisplayName: "Phạm Thu Hà (Sở KH&CN Gia Lai)",
		Email: "sokhcn@example.org", Password: Password, Role: auth.RoleFocal, ScopeUnitID: kh, Locale: "vi"}); err != nil {
		return nil, err
	}
	s := &planSeeder{ctx: ctx, pl: pl, admin: admin, as: admin}

	d1690, err := s.at(day.Of(2024, 1, 5)).CreateDocument(ctx, admin, plans.DocumentInput{Number: "1690/QĐ-TTg", Type: plans.DocDecision,
		Title:  "Phê duyệt Đề án “Kiện toàn tổ chức bộ máy, nâng cao năng lực quản lý nhà nước và thực thi pháp luật về chuyển đổi số từ Trung ương đến địa phương đến năm 2025, định hướng đến năm 2030”",
		Issuer: "Thủ tướng Chính phủ", Signer: "Trần Lưu Quang", IssuedOn: day.Of(2023, 12, 26), Fields: "Công nghệ thông tin, Bộ máy hành chính",
		OwnerUnitID: snap.RootID, EndsOn: day.Of(2030, 12, 31)})
	if err != nil {
		return nil, err
	}
	// 687/KH-UBND: old Gia Lai's plan, read from its text as a coordinator
	// pastes it; Sở TT&TT's tasks go to Sở KH&CN, which it merged into.
	issued := day.Of(2024, 3, 27)
	d687, err := s.at(issued).CreateDocument(ctx, admin, plans.DocumentInput{Number: "687/KH-UBND", Type: plans.DocPlan,
		Title:  "Thực hiện Đề án “Kiện toàn tổ chức bộ máy, nâng cao năng lực quản lý Nhà nước và thực thi pháp luật về chuyển đổi số từ Trung ương đến địa phương đến năm 2025, định hướng đến năm 2030” trên địa bàn tỉnh Gia Lai",
		Issuer: "UBND tỉnh Gia Lai", Signer: "Trương Hải Long", IssuedOn: issued, Fields: "Công nghệ thông tin, Bộ máy hành chính",
		ParentID: d1690.ID, OwnerUnitID: oldGiaLai.UnitID, EndsOn: day.Of(2030, 12, 31)})
	if err != nil {
		return nil, err
	}
	draft, err := pl.ParseText(ctx, admin, d687.ID, Plan687)
	if err != nil {
		return nil, err
	}
	tasks, err := pl.AddTasks(ctx, admin, d687.ID, plans.DraftInputs(draft))
	if err != nil {
		return nil, err
	}
	goal := 100.0
	for _, t := range draft.Targets {
		if _, err := pl.AddTarget(ctx, admin, d687.ID, plans.TargetInput{Title: t.Title, Goal: &goal, Measure: "%", DueOn: t.Due}); err != nil {
			return nil, err
		}
	}
	byCode := map[string]int64{}
	for _, t := range tasks {
		byCode[t.Code] = t.ID
	}
	D := day.Of
	s.report(byCode["1.a"], D(2024, 11, 20), 100, D(2024, 11, 15), "Đã tham mưu UBND tỉnh ban hành Quyết định sửa đổi quy định chức năng, nhiệm vụ của Sở.", D(2024, 11, 25), "")
	s.report(byCode["1.b"], D(2024, 9, 25), 100, D(2024, 9, 20), "Quyết định ban hành Quy chế hoạt động của Mạng lưới chuyển đổi số tỉnh.", D(2024, 9, 30), "")
	s.report(byCode["1.c"], D(2024, 9, 26), 100, D(2024, 9, 24), "Đã ban hành bộ tiêu chí đánh giá mức độ chuyển đổi số.", D(2024, 10, 2), "")
	s.report(byCode["2.a"], D(2024, 6, 12), 100, D(2024, 6, 10), "100% sở, ngành, địa phương đã kiện toàn Ban Chỉ đạo.", D(2024, 6, 14), "")
	s.report(byCode["2.b"], D(2024, 12, 18), 100, D(2024, 12, 16), "Các sở, ngành đã giao bộ phận đầu mối về chuyển đổi số.", D(2024, 12, 20), "")
	s.report(byCode["2.c"], D(2025, 12, 15), 60, day.Day{}, "Đã bố trí công chức kiêm nhiệm tại 14/20 sở, ngành; cấp xã đang rà soát sau sắp xếp.", D(2025, 12, 20), "")
	s.report(byCode["2.d"], D(2026, 3, 20), 100, D(2026, 3, 15), "Trung tâm được kiện toàn thành đơn vị chuyên trách về chuyển đổi số.", D(2026, 3, 25), "")
	s.report(byCode["3.a"], D(2024, 12, 10), 100, D(2024, 12, 5), "Tổ chức 6 lớp bồi dưỡng cho 420 học viên.", D(2024, 12, 12), "")
	s.report(byCode["3.a"], D(2025, 12, 10), 100, D(2025, 12, 8), "Tổ chức 8 lớp bồi dưỡng cho 610 học viên trên nền tảng OneTouch.", D(2025, 12, 12), "")
	s.report(byCode["3.a"], D(2026, 10, 15), 70, day.Day{}, "Đã tổ chức 5/7 lớp bồi dưỡng năm 2026.", D(2026, 10, 20), "")
	s.report(byCode["3.b"], D(2026, 10, 30), 40, day.Day{}, "Đang triển khai tại 5/12 bệnh viện.", D(2026, 11, 3), "Thiếu minh chứng: đề nghị gửi danh sách bệnh viện đã triển khai.")
	s.report(byCode["3.c"], D(2025, 1, 20), 100, D(2025, 1, 15), "Bồi dưỡng kỹ năng số cho 1.250 giáo viên.", D(2025, 1, 22), "")
	s.report(byCode["3.d"], D(2024, 12, 20), 100, D(2024, 12, 15), "Bố trí kinh phí trong dự toán năm 2025.", D(2024, 12, 22), "")
	s.report(byCode["3.d"], D(2025, 12, 18), 100, D(2025, 12, 12), "Bố trí kinh phí trong dự toán năm 2026.", D(2025, 12, 19), "")
	s.report(byCode["4.a"], D(2024, 12, 20), 100, D(2024, 12, 15), "Thành lập 1.116 Tổ công nghệ số cộng đồng.", D(2024, 12, 23), "")
	for _, h := range []day.Day{D(2024, 6, 20), D(2024, 12, 20), D(2025, 6, 20), D(2025, 12, 19), D(2026, 6, 19)} {
		s.report(byCode["4.b"], h, 100, day.Day{}, "Cập nhật thông tin thành viên Mạng lưới trên nền tảng.", h.AddDays(3), "")
		s.report(byCode["4.c"], h, 100, h.AddDays(-5), "Báo cáo định kỳ gửi UBND tỉnh và Bộ.", h.AddDays(3), "")
	}
	if s.err != nil {
		return nil, s.err
	}

	// the new province's plan for 2026
	d125, err := s.at(D(2026, 1, 15)).CreateDocument(ctx, admin, plans.DocumentInput{Number: "125/KH-UBND", Type: plans.DocPlan,
		Title: "Kế hoạch chuyển đổi số tỉnh Gia Lai năm 2026", Issuer: "UBND tỉnh Gia Lai", Signer: "Phạm Anh Tuấn", IssuedOn: D(2026, 1, 15),
		Fields: "Công nghệ thông tin", ParentID: d687.ID, OwnerUnitID: newGiaLai.UnitID, EndsOn: D(2026, 12, 31)})
	if err != nil {
		return nil, err
	}
	pleiku, ialy, quynhon := find("Phường Pleiku"), find("Xã Ia Ly"), find("Phường Quy Nhơn")
	noivu, yte, vp := find("Sở Nội vụ"), find("Sở Y tế"), find("Văn phòng Ủy ban nhân dân tỉnh")
	g1, g2 := "Chính quyền số", "Xã hội số"
	t125, err := pl.AddTasks(ctx, admin, d125.ID, []plans.TaskInput{
		{Group: g1, Code: "1", Title: "Nâng cấp Trung tâm giám sát, điều hành thông minh (IOC) của tỉnh", LeadUnitID: kh, SupportIDs: []int64{vp}, Schedule: plans.Once, DueOn: D(2026, 11, 30), Output: "IOC kết nối 12 hệ thống chuyên ngành"},
		{Group: g1, Code: "2", Title: "Rà soát vị trí việc làm chuyên trách chuyển đổi số tại các sở, ngành", LeadUnitID: noivu, SupportIDs: []int64{kh}, Schedule: plans.Quarterly, Output: "Báo cáo rà soát hằng quý"},
		{Group: g1, Code: "3", Title: "Đạt tỷ lệ 90% hồ sơ công việc xử lý trên môi trường mạng", LeadUnitID: vp, Schedule: plans.Once, DueOn: D(2026, 12, 31), Output: "Báo cáo tỷ lệ xử lý hồ sơ"},
		{Group: g1, Code: "4", Title: "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực", LeadUnitID: quynhon, Schedule: plans.Once, DueOn: D(2026, 12, 31), Output: "100% kết quả được số hóa"},
		{Group: g2, Code: "5", Title: "Kiện toàn Tổ công nghệ số cộng đồng tại 100% tổ dân phố sau sắp xếp", LeadUnitID: pleiku, SupportIDs: []int64{kh}, Schedule: plans.Once, DueOn: D(2026, 6, 30), Output: "Quyết định kiện toàn các Tổ"},
		{Group: g2, Code: "6", Title: "Báo cáo kết quả chuyển đổi số 6 tháng", LeadUnitID: pleiku, Schedule: plans.HalfYearly, Output: "Báo cáo 6 tháng"},
		{Group: g2, Code: "7", Title: "Triển khai thanh toán không dùng tiền mặt tại chợ xã", LeadUnitID: ialy, SupportIDs: []int64{kh}, Schedule: plans.Once, DueOn: D(2026, 9, 30), Output: "100% tiểu thương có mã QR thanh toán"},
		{Group: g2, Code: "8", Title: "Triển khai bệnh án điện tử tại 100% bệnh viện tuyến tỉnh", LeadUnitID: yte, SupportIDs: []int64{kh}, Schedule: plans.Once, DueOn: D(2026, 6, 30), Output: "Bệnh án điện tử"},
	})
	if err != nil {
		return nil, err
	}
	if _, err := pl.AddTarget(ctx, admin, d125.ID, plans.TargetInput{Title: "Tỷ lệ dịch vụ công trực tuyến toàn trình", IndicatorCode: "DVCTT_TOAN_TRINH",
		Goal: &[]float64{80}[0], Measure: "%", DueOn: D(2026, 12, 31)}); err != nil {
		return nil, err
	}
	// a task given to every commune of the province (x/135 on the plan):
	// each commune reports its own part; two have done theirs, Phường
	// Pleiku's is still open
	class, err := pl.AddTask(ctx, admin, d125.ID, plans.TaskInput{Group: g1, Code: "9",
		Title: "Rà soát, cung cấp dịch vụ công trực tuyến toàn trình tại bộ phận một cửa cấp xã", LeadClass: plans.ClassCommunes,
		ClassLater: true, Schedule: plans.Once, DueOn: D(2026, 12, 31), Output: "Báo cáo kết quả rà soát"})
	if err != nil {
		return nil, err
	}
	parts, err := pl.Assignments(ctx, admin, class.ID, orgs.Today(), false, 0, 200)
	if err != nil {
		return nil, err
	}
	reported := 0
	for _, a := range parts.Rows {
		if a.LeadUnitID == pleiku || reported == 2 {
			continue
		}
		reported++
		// dated from the clock: done and accepted in the days before today
		now := orgs.Today()
		s.report(a.ID, now.AddDays(-5), 100, now.AddDays(-7), "Đã rà soát và đưa 100% thủ tục đủ điều kiện lên dịch vụ công trực tuyến toàn trình.", now.AddDays(-2), "")
	}
	s.report(t125[0].ID, D(2026, 11, 10), 80, day.Day{}, "Đã kết nối 10/12 hệ thống chuyên ngành.", D(2026, 11, 12), "")
	s.report(t125[1].ID, D(2026, 3, 28), 100, D(2026, 3, 25), "Báo cáo rà soát quý I.", D(2026, 3, 30), "")
	s.report(t125[1].ID, D(2026, 6, 26), 100, D(2026, 6, 25), "Báo cáo rà soát quý II.", D(2026, 6, 29), "")
	s.report(t125[2].ID, D(2026, 10, 5), 85, day.Day{}, "Tỷ lệ hồ sơ xử lý trên môi trường mạng đạt 86%.", D(2026, 10, 7), "")
	s.report(t125[3].ID, D(2026, 11, 1), 30, day.Day{}, "Đã số hóa 30% kết quả giải quyết thủ tục hành chính.", D(2026, 11, 3), "")
	s.report(t125[4].ID, D(2026, 6, 25), 100, D(2026, 6, 20), "UBND phường đã quyết định kiện toàn 28 Tổ công nghệ số cộng đồng.", D(2026, 6, 29), "")
	s.report(t125[5].ID, D(2026, 6, 26), 100, D(2026, 6, 25), "Báo cáo 6 tháng đầu năm 2026.", D(2026, 6, 30), "")
	s.report(t125[7].ID, D(2026, 8, 20), 100, D(2026, 8, 15), "12/12 bệnh viện tuyến tỉnh đã triển khai bệnh án điện tử.", D(2026, 8, 25), "")
	// a report that waits for the coordinator
	s.report(t125[1].ID, D(2026, 10, 2), 100, D(2026, 10, 1), "Báo cáo rà soát quý III (nộp muộn).", day.Day{}, "")
	if s.err != nil {
		return nil, s.err
	}

	// Phường Pleiku's own plan, implementing the province's
	d45, err := s.at(D(2026, 2, 2)).CreateDocument(ctx, admin, plans.DocumentInput{Number: "45/KH-UBND", Type: plans.DocPlan,
		Title: "Kế hoạch chuyển đổi số phường Pleiku năm 2026", Issuer: "UBND phường Pleiku", IssuedOn: D(2026, 2, 2),
		ParentID: d125.ID, OwnerUnitID: pleiku, EndsOn: D(2026, 12, 31)})
	if err != nil {
		return nil, err
	}
	t45, err := pl.AddTasks(ctx, admin, d45.ID, []plans.TaskInput{
		{Group: "Nhiệm vụ của phường", Code: "1", Title: "Hướng dẫn người dân kích hoạt định danh điện tử VNeID mức 2", LeadUnitID: pleiku, Schedule: plans.Regular, Output: "Số người được hướng dẫn"},
		{Group: "Nhiệm vụ của phường", Code: "2", Title: "Tập huấn kỹ năng số cho thành viên Tổ công nghệ số cộng đồng", LeadUnitID: pleiku, Schedule: plans.Once, DueOn: D(2026, 8, 31), Output: "Danh sách học viên"},
		{Group: "Nhiệm vụ của phường", Code: "3", Title: "Lắp đặt wifi miễn phí tại nhà văn hóa các tổ dân phố", LeadUnitID: pleiku, Schedule: plans.Once, DueOn: D(2026, 12, 15), Output: "Điểm wifi công cộng"},
	})
	if err != nil {
		return nil, err
	}
	s.report(t45[0].ID, D(2026, 6, 25), 100, day.Day{}, "Hướng dẫn 3.420 người kích hoạt VNeID mức 2.", D(2026, 6, 28), "")
	s.report(t45[1].ID, D(2026, 9, 5), 100, D(2026, 9, 3), "Tập huấn cho 112 thành viên.", D(2026, 9, 8), "")
	if s.err != nil {
		return nil, s.err
	}
	// today's reminders (in-app: no mail server in the demo)
	if _, err := pl.Remind(ctx); err != nil {
		return nil, err
	}
	return []Login{{"sokhcn", string(auth.RoleFocal), "Sở Khoa học và Công nghệ"}}, nil
}
