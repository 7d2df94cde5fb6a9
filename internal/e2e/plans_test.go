package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// planText is a plan as a coordinator copies it from the signed document.
const planText = `ỦY BAN NHÂN DÂN TỈNH GIA LAI
Số: 301/KH-UBND
Gia Lai, ngày 01 tháng 10 năm 2026
KẾ HOẠCH
Triển khai nền tảng số dùng chung quý IV năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Bảo đảm các nền tảng số vận hành thông suốt.
II. NHIỆM VỤ, GIẢI PHÁP
1. Hạ tầng và nền tảng số
a) Nâng cấp hệ thống quản lý văn bản và điều hành (Sở Khoa học và Công nghệ chủ trì, phối hợp với Văn phòng UBND tỉnh; thời gian: trước ngày 31/10/2026).
b) Kết nối cơ sở dữ liệu cán bộ, công chức với nền tảng tích hợp của tỉnh (Sở KH&CN chủ trì, phối hợp với Sở Nội vụ; thời gian thực hiện: Quý IV/2026).
III. TỔ CHỨC THỰC HIỆN
1. Sở Khoa học và Công nghệ theo dõi, tổng hợp.`

// TestPlanFromTextToOverdue is the "done when": the coordinator
// registers a plan and pastes its text, corrects nothing and confirms the
// draft; the department reports progress with evidence; the coordinator
// accepts it; the task whose deadline was missed shows as overdue, and the
// department is notified.
func TestPlanFromTextToOverdue(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	vi := s.Catalog.Printer("vi")
	login := func(who string) {
		b.open("/login")
		b.fill(`input[name=login]`, who)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
	}
	logout := func() { b.click(`form[action="/logout"] button`) }

	// The coordinator registers the plan.
	login("gialai")
	b.clickLink("nav.menu", vi.T("nav.plans"))
	b.wantText("main h1", vi.T("tasks.title"))
	b.open("/plans")
	b.wantAmong("ul.docs a", "687/KH-UBND")
	b.eval(`(document.querySelector('form[action="/plans"][method=post]').closest("details").open = true, "")`)
	b.fill(`input[name=number]`, "301/KH-UBND")
	b.fill(`textarea[name=title]`, "Triển khai nền tảng số dùng chung quý IV năm 2026")
	b.fill(`input[name=issuer]`, "UBND tỉnh Gia Lai")
	b.fillDate(`input[name=issued_on]`, "01/10/2026")
	b.screenshot("plan-register")
	b.click(`form[action="/plans"][method=post] button.primary`)
	b.wantText("main h1", "301/KH-UBND")

	// It pastes the text and reads the draft: two tasks, their lead and
	// supporting units and deadlines recognised.
	b.eval(fmt.Sprintf(`(document.querySelector("textarea[name=text]").value = %s, "")`, jsString(planText)))
	b.click(`form[action$="/draft"] button.primary`)
	b.wantText("main h1", vi.T("plans.draft.title", "Number", "301/KH-UBND"))
	if got := b.eval(`document.querySelector("input[name=lead_0]").value`); got != "Sở Khoa học và Công nghệ" {
		t.Fatalf("lead of the first task: %q", got)
	}
	if got := b.eval(`document.querySelector("input[name=support_1]").value`); got != "Sở Nội vụ" {
		t.Fatalf("supporting unit of the second task: %q", got)
	}
	if got := b.eval(`document.querySelector("input[name=due_0]").value`); got != "31/10/2026" {
		t.Fatalf("deadline of the first task: %q", got)
	}
	b.screenshot("plan-draft")
	b.click(`form.draft button.primary`)
	b.wantText(".flash", vi.T("plans.confirmed"))
	b.wantPage(vi.T("plans.count_done", "Done", "0", "Total", "2"))
	b.wantPage(vi.T("plans.n_overdue", "Count", "1"))
	b.screenshot("plan-confirmed")
	logout()

	// The department's focal person finds the task on its to-do list and
	// reports it done, with a scanned minute as evidence.
	login("sokhcn")
	b.clickLink("nav.menu", vi.T("nav.plans"))
	b.clickLink("main", "Kết nối cơ sở dữ liệu cán bộ, công chức với nền tảng tích hợp của tỉnh")
	b.choose(`select[name=status]`, "completed")
	b.fillDate(`input[name=completed_on]`, "20/11/2026")
	b.fill(`textarea[name=done]`, "Đã kết nối cơ sở dữ liệu cán bộ, công chức với nền tảng tích hợp (LGSP).")
	evidence := filepath.Join(t.TempDir(), "bien-ban-nghiem-thu.pdf")
	if err := os.WriteFile(evidence, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("attach the evidence", chromedp.SetUploadFiles(`input[name=evidence]`, []string{evidence}))
	b.screenshot("task-report")
	b.click(`form[action$="/reports"] button.primary`)
	b.wantText(".flash", vi.T("plans.reported"))
	b.wantPage(vi.T("review.submitted"))
	logout()

	// The coordinator accepts it: the task is done on time.
	login("gialai")
	b.clickLink("nav.menu", vi.T("nav.plans"))
	b.wantPage(vi.T("plans.pending", "Count", "2")) // the demo's and this one
	b.clickLink("main", vi.T("plans.pending_item", "Date", "22/11/2026", "Percent", 100))
	b.click(`form.review-form button[value=accept]`)
	b.wantText(".flash", vi.T("plans.reviewed"))
	b.wantPage(vi.T("status.done_on_time"))
	b.wantPage(vi.T("review.accepted"))
	b.screenshot("task-accepted")

	// The deadline of 31/10/2026 was missed: overdue by 22 days, with its
	// lead unit.
	b.open("/plans/overdue")
	b.wantPage("Nâng cấp hệ thống quản lý văn bản và điều hành")
	if !strings.Contains(b.mainText(), vi.T("plans.days_late", "Days", "22")) {
		t.Fatalf("the overdue list does not say how late:\n%s", b.mainText())
	}
	b.screenshot("overdue")
	logout()

	// The reminders run (the server's scheduler, or cron); the department
	// sees the notification.
	if _, err := s.Plans.Remind(context.Background()); err != nil {
		t.Fatal(err)
	}
	login("sokhcn")
	b.open("/notifications")
	b.wantPage(vi.T("notice.overdue", "Due", "31/10/2026", "Task", "Nâng cấp hệ thống quản lý văn bản và điều hành"))
	b.screenshot("notifications")
}
