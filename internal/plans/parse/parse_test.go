package parse

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// units are the demo province's departments; Sở Thông tin và Truyền thông
// has been merged into Sở Khoa học và Công nghệ.
var units = []Unit{
	{ID: 1, Name: "Tỉnh Gia Lai", Aliases: []string{"Ủy ban nhân dân tỉnh", "UBND tỉnh"}},
	{ID: 2, Name: "Sở Khoa học và Công nghệ"},
	{ID: 3, Name: "Sở Nội vụ"},
	{ID: 4, Name: "Sở Tài chính"},
	{ID: 5, Name: "Sở Y tế"},
	{ID: 6, Name: "Sở Giáo dục và Đào tạo"},
	{ID: 7, Name: "Văn phòng Ủy ban nhân dân tỉnh"},
	{ID: 8, Name: "Sở Thông tin và Truyền thông", ReplacedBy: 2, ReplacedByName: "Sở Khoa học và Công nghệ"},
	{ID: 9, Name: "Phường Pleiku"},
	{ID: 10, Name: "Xã Ia Ly"},
}

func read687(t testing.TB) string {
	b, err := os.ReadFile("testdata/687.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPlan687(t *testing.T) {
	d, err := Parse(read687(t), units)
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta.Number != "687/KH-UBND" || !d.Meta.Issued.Equal(day.Of(2024, 3, 27)) || d.Meta.Implements != "1690/QĐ-TTg" || d.Meta.Type != "Kế hoạch" {
		t.Errorf("meta: %+v", d.Meta)
	}
	if !strings.HasPrefix(d.Meta.Title, "THỰC HIỆN ĐỀ ÁN") {
		t.Errorf("title %q", d.Meta.Title)
	}
	if len(d.Groups) != 4 || d.TaskCount() != 14 {
		for _, g := range d.Groups {
			t.Logf("group %s %s: %d", g.Code, g.Title, len(g.Tasks))
		}
		t.Fatalf("groups %d tasks %d", len(d.Groups), d.TaskCount())
	}
	// each target is due by the end of the year its heading names
	if len(d.Targets) != 3 || !d.Targets[0].Due.Equal(day.Of(2025, 12, 31)) || !d.Targets[2].Due.Equal(day.Of(2030, 12, 31)) {
		t.Errorf("targets %+v", d.Targets)
	}
	if d.Meta.Issuer != "Ủy ban nhân dân tỉnh Gia Lai" {
		t.Errorf("issuer %q", d.Meta.Issuer)
	}
	byCode := map[string]Task{}
	for _, g := range d.Groups {
		for _, tk := range g.Tasks {
			byCode[tk.Code] = tk
		}
	}
	check := func(code string, lead int64, support []int64, sched string, due day.Day) {
		t.Helper()
		tk, ok := byCode[code]
		if !ok {
			t.Fatalf("no task %s", code)
		}
		if tk.LeadID != lead || fmt.Sprint(tk.SupportIDs) != fmt.Sprint(support) || tk.Deadline.Schedule != sched || !tk.Deadline.Due.Equal(due) {
			t.Errorf("task %s %q: lead %d %v, %s %s; want %d %v, %s %s", code, tk.Title, tk.LeadID, tk.SupportIDs, tk.Deadline.Schedule, tk.Deadline.Due, lead, support, sched, due)
		}
	}
	check("1.a", 2, []int64{3}, Once, day.Of(2024, 12, 31))
	check("1.b", 2, []int64{3, 7}, Once, day.Of(2024, 6, 30))
	check("1.c", 2, []int64{3, 4}, Once, day.Of(2024, 9, 30))
	check("2.a", 3, []int64{2}, Once, day.Of(2024, 6, 30))
	check("2.b", 3, []int64{}, Once, day.Of(2024, 12, 31))
	check("2.d", 2, []int64{3}, Once, day.Of(2025, 12, 31))
	check("3.a", 2, []int64{3}, Yearly, day.Day{})
	check("3.d", 4, []int64{}, Yearly, day.Day{})
	check("4.b", 2, []int64{}, Regular, day.Day{})
	check("4.c", 2, []int64{7}, HalfYearly, day.Day{})
	// both dates of a report due mid-June and mid-December
	if got := fmt.Sprint(byCode["4.c"].Deadline.Dates); got != "[15/6 15/12]" {
		t.Errorf("4.c dates %s", got)
	}
	// the supporting units it cannot resolve stay as words, with a warning
	if got := fmt.Sprint(byCode["4.a"].SupportWords); got != "[Ủy ban nhân dân các huyện, thị xã, thành phố]" {
		t.Errorf("4.a support words %q", got)
	}
	if got := byCode["1.a"].SupportWords; len(got) != 0 {
		t.Errorf("1.a support words %q", got)
	}
	if tk := byCode["1.b"]; tk.Output != "Quyết định của Ủy ban nhân dân tỉnh ban hành Quy chế." || tk.Title != "Ban hành Quy chế hoạt động của Mạng lưới chuyển đổi số tỉnh Gia Lai" {
		t.Errorf("1.b: %q / %q", tk.Title, tk.Output)
	}
	if tk := byCode["1.a"]; strings.Contains(tk.Title, "chủ trì") {
		t.Errorf("the assignment stays in the title: %q", tk.Title)
	}
	var successor, unknown, support int
	for _, w := range d.Warnings {
		switch w.Key {
		case "plans.warn.support_unknown":
			support++
			if w.Line != byCode["4.a"].Line && w.Line != byCode["2.b"].Line && w.Line != byCode["3.d"].Line {
				t.Errorf("support warning on line %d: %+v", w.Line, w)
			}
		case "plans.warn.successor":
			successor++
		case "plans.warn.lead_unknown", "plans.warn.no_lead":
			unknown++
			t.Errorf("warning %+v", w)
		}
	}
	if successor == 0 {
		t.Error("no warning that Sở TT&TT's tasks went to its successor")
	}
	if support != 3 {
		t.Errorf("%d warnings of unknown supporting units, want 3 (2.b, 3.d, 4.a)", support)
	}
	if got := fmt.Sprint(byCode["2.b"].SupportWords, byCode["3.d"].SupportWords); got != "[các sở, ban, ngành] [Sở Kế hoạch và Đầu tư]" {
		t.Errorf("support words %s", got)
	}
}

// TestKeepsEverything: what the reader cannot resolve it keeps, and it
// reads the document a plan rests on ("Căn cứ"), its issuer and signer.
func TestKeepsEverything(t *testing.T) {
	text := `ỦY BAN NHÂN DÂN
HUYỆN CHƯ PĂH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 12/KH-UBND
Chư Păh, ngày 5 tháng 4 năm 2024
KẾ HOẠCH
Chuyển đổi số năm 2024
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Kế hoạch số 687/KH-UBND ngày 27/3/2024 của Ủy ban nhân dân tỉnh Gia Lai;
I. MỤC TIÊU
1. Đến năm 2030:
- 80% hồ sơ trực tuyến toàn trình.
- 100% xã có Tổ công nghệ số cộng đồng đến năm 2025.
II. NHIỆM VỤ
1. Rà soát thủ tục hành chính
- Cơ quan chủ trì: Phòng Văn hóa huyện.
- Cơ quan phối hợp: Sở Nội vụ, Ban Dân tộc và các đơn vị liên quan.
- Thời gian: trước ngày 30/6/2024 và 31/12/2024.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
`
	d, err := Parse(text, units)
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta.Implements != "687/KH-UBND" || d.Meta.Issuer != "Ủy ban nhân dân huyện Chư Păh" || d.Meta.Signer != "Nguyễn Văn An" {
		t.Errorf("meta %+v", d.Meta)
	}
	if len(d.Targets) != 2 || !d.Targets[0].Due.Equal(day.Of(2030, 12, 31)) || !d.Targets[1].Due.Equal(day.Of(2030, 12, 31)) {
		t.Errorf("targets %+v", d.Targets)
	}
	tk := d.Groups[0].Tasks[0]
	if tk.Lead != "Phòng Văn hóa huyện" || tk.LeadID != 0 {
		t.Errorf("lead %q %d", tk.Lead, tk.LeadID)
	}
	if fmt.Sprint(tk.SupportIDs) != "[3]" || fmt.Sprint(tk.SupportWords) != "[Ban Dân tộc các đơn vị liên quan]" && fmt.Sprint(tk.SupportWords) != "[Ban Dân tộc và các đơn vị liên quan]" {
		t.Errorf("support %v %q", tk.SupportIDs, tk.SupportWords)
	}
	if tk.Deadline.Schedule != Once || !tk.Deadline.Due.Equal(day.Of(2024, 6, 30)) || fmt.Sprint(tk.Deadline.Dates) != "[30/6/2024 31/12/2024]" {
		t.Errorf("deadline %+v", tk.Deadline)
	}
}

func TestDeadlines(t *testing.T) {
	for in, want := range map[string]Deadline{
		"Thời gian thực hiện: năm 2025":     {Schedule: Once, Due: day.Of(2025, 12, 31)},
		"hằng năm":                          {Schedule: Yearly},
		"Hàng quý":                          {Schedule: Quarterly},
		"thường xuyên":                      {Schedule: Regular},
		"Quý II/2025":                       {Schedule: Once, Due: day.Of(2025, 6, 30)},
		"quý 4 năm 2026":                    {Schedule: Once, Due: day.Of(2026, 12, 31)},
		"trước ngày 30/6/2025":              {Schedule: Once, Due: day.Of(2025, 6, 30)},
		"trước ngày 15 tháng 8 năm 2025":    {Schedule: Once, Due: day.Of(2025, 8, 15)},
		"tháng 9/2025":                      {Schedule: Once, Due: day.Of(2025, 9, 30)},
		"tháng 2 năm 2024":                  {Schedule: Once, Due: day.Of(2024, 2, 29)},
		"giai đoạn 2024 - 2025":             {Schedule: Once, Due: day.Of(2025, 12, 31)},
		"6 tháng đầu năm 2026":              {Schedule: Once, Due: day.Of(2026, 6, 30)},
		"định kỳ 6 tháng":                   {Schedule: HalfYearly},
		"31/02/2025, rồi năm 2025":          {Schedule: Once, Due: day.Of(2025, 12, 31)},
		"trước ngày 15/6 và 15/12 hằng năm": {Schedule: Yearly, Dates: []Date{{15, 6, 0}, {15, 12, 0}}},
		"30/6/2025 và 31/12/2025":           {Schedule: Once, Due: day.Of(2025, 6, 30), Dates: []Date{{30, 6, 2025}, {31, 12, 2025}}},
	} {
		got, ok := ParseDeadline(in)
		if !ok || got.Schedule != want.Schedule || !got.Due.Equal(want.Due) || fmt.Sprint(got.Dates) != fmt.Sprint(want.Dates) {
			t.Errorf("%q: %+v %v, want %+v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "sớm", "khi có yêu cầu", "99/99/9999"} {
		if got, ok := ParseDeadline(in); ok {
			t.Errorf("%q: %+v, want nothing", in, got)
		}
	}
}

func TestMatcher(t *testing.T) {
	m := NewMatcher(units)
	for in, want := range map[string]string{
		"Sở KH&CN":                            "[2]",
		"so khoa hoc va cong nghe, so noi vu": "[2 3]",
		"Văn phòng UBND tỉnh và Sở Y tế":      "[7 5]",
		"UBND tỉnh":                           "[1]",
		"UBND phường Pleiku, xã Ia Ly":        "[9 10]",
		"các cơ quan, đơn vị liên quan":       "[]",
		"Sở Giáo dục và Đào tạo, Sở GD&ĐT":    "[6]",
		"Phường Pleikuuu":                     "[]",
	} {
		var ids []int64
		for _, u := range m.Find(in) {
			ids = append(ids, u.ID)
		}
		if got := fmt.Sprint(ids); got != want && !(want == "[]" && ids == nil) {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

func TestBadText(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"blank":     " \n\t\n ",
		"prose":     "Sáng nay 28/6, Chủ tịch UBND tỉnh chủ trì cuộc họp đánh giá kết quả chuyển đổi số.\nCác đại biểu thảo luận.",
		"too large": strings.Repeat("a", MaxBytes+1),
	} {
		d, err := Parse(in, units)
		if e, ok := errs.As(err); !ok || e.Kind != errs.Invalid || d != nil {
			t.Errorf("%s: %v %v, want a refusal", name, d, err)
		}
	}
	// broken numbering and no task section: a draft with warnings
	d, err := Parse("1. Việc thứ nhất (Sở Nội vụ chủ trì; năm 2025)\n3. Việc thứ ba\na) điểm a\nc) điểm c (Sở Y tế chủ trì)\n", units)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]int{}
	for _, w := range d.Warnings {
		keys[w.Key]++
	}
	if keys["plans.warn.numbering"] != 2 || keys["plans.warn.no_task_section"] != 1 {
		t.Errorf("warnings %+v", d.Warnings)
	}
	if d.TaskCount() != 3 || !d.Groups[0].Tasks[0].Deadline.Due.Equal(day.Of(2025, 12, 31)) {
		t.Errorf("tasks: %+v", d.Groups)
	}
}

// bigPlan is a plan of about pages pages: the 687 text with its task
// section repeated.
func bigPlan(t testing.TB, pages int) string {
	base := read687(t)
	i := strings.Index(base, "IV. NHIỆM VỤ")
	j := strings.Index(base, "V. TỔ CHỨC")
	var b strings.Builder
	b.WriteString(base[:i])
	b.WriteString("IV. NHIỆM VỤ, GIẢI PHÁP\n")
	section := base[i+len("IV. NHIỆM VỤ, GIẢI PHÁP\n") : j]
	for n := 1; b.Len() < pages*3000; n++ {
		b.WriteString(strings.NewReplacer("1. Hoàn", fmt.Sprintf("%d. Hoàn", 4*n-3), "2. Kiện", fmt.Sprintf("%d. Kiện", 4*n-2),
			"3. Nâng", fmt.Sprintf("%d. Nâng", 4*n-1), "4. Phát", fmt.Sprintf("%d. Phát", 4*n)).Replace(section))
	}
	b.WriteString(base[j:])
	return b.String()
}

func TestFiftyPages(t *testing.T) {
	text := bigPlan(t, 50)
	d, err := Parse(text, units)
	if err != nil {
		t.Fatal(err)
	}
	if d.TaskCount() < 300 {
		t.Errorf("%d tasks from %d KB", d.TaskCount(), len(text)>>10)
	}
}

func BenchmarkParse50Pages(b *testing.B) {
	text := bigPlan(b, 50)
	// a province's worth of units to match against
	us := append([]Unit(nil), units...)
	for i := 0; i < 300; i++ {
		us = append(us, Unit{ID: int64(100 + i), Name: fmt.Sprintf("Xã Thử Nghiệm Số %d", i)})
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text, us); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(read687(f))
	f.Add("I. NHIỆM VỤ\n1. Việc (Sở Nội vụ chủ trì; Quý II/2025)\na) b) c)\n- - -\n")
	f.Add("IV. NHIỆM VỤ, GIẢI PHÁP\n1.1.1. x\n2) y chủ trì\nđ) z phối hợp với\n\x00\xff")
	f.Add("chủ trì chủ trì phối hợp với ; ( ) thời gian: 99/99/2025 quý V/2025")
	f.Fuzz(func(t *testing.T, text string) {
		d, err := Parse(text, units)
		if err != nil {
			if _, ok := errs.As(err); !ok {
				t.Fatalf("a refusal that is not a user error: %v", err)
			}
			return
		}
		if d.TaskCount() > MaxTasks+100 {
			t.Fatalf("%d tasks", d.TaskCount())
		}
		for _, g := range d.Groups {
			for _, tk := range g.Tasks {
				if tk.Title == "" {
					t.Fatalf("a task without a title: %+v", tk)
				}
			}
		}
	})
}

// TestClassOf: the usual phrases for a class of units, with or without
// diacritics; a named unit is not a class.
func TestClassOf(t *testing.T) {
	for phrase, want := range map[string]string{
		"UBND các xã, phường":                      ClassCommunes,
		"UBND các xã, phường, đặc khu":             ClassCommunes,
		"Ủy ban nhân dân các xã, phường":           ClassCommunes,
		"ubnd cac xa, phuong, dac khu":             ClassCommunes,
		"Các sở, ban, ngành":                       ClassDepartments,
		"cac so, ban, nganh":                       ClassDepartments,
		"Các sở, ban, ngành, UBND các xã, phường":  ClassBoth,
		"các sở, ban, ngành; UBND các xã, phường.": ClassBoth,
		"Sở Nội vụ":                                "",
		"Phường Pleiku":                            "",
		"Sở Nội vụ, các sở, ban, ngành":            "",
		"Ủy ban nhân dân các huyện, thị xã":        "",
	} {
		if got := ClassOf(phrase); got != want {
			t.Errorf("%q: %q, want %q", phrase, got, want)
		}
	}
	d, err := Parse("I. NHIỆM VỤ\n1. Rà soát thủ tục hành chính (UBND các xã, phường chủ trì; thời gian: trước ngày 30/6/2026).\n"+
		"2. Cập nhật dữ liệu (Các sở, ban, ngành chủ trì; thời gian: năm 2026).", units)
	if err != nil {
		t.Fatal(err)
	}
	if tk := d.Groups[0].Tasks; len(tk) != 2 || tk[0].LeadClass != ClassCommunes || tk[0].Lead != "UBND các xã, phường" || tk[1].LeadClass != ClassDepartments {
		t.Errorf("class leads: %+v", tk)
	}
	for _, w := range d.Warnings {
		if w.Key == "plans.warn.lead_unknown" {
			t.Errorf("a class lead is unknown: %+v", w)
		}
	}
}
