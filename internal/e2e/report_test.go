package e2e

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/report"
	"github.com/mangluoi/mangluoi/internal/report/reporttest"
)

// download fetches a file as the page would (with its session) and returns
// its bytes.
func (b *browser) download(path string) []byte {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+jsString(path)+`).then(r => { if (!r.ok) throw new Error("status " + r.status); return r.arrayBuffer(); })
		.then(buf => { const u = new Uint8Array(buf); let s = ""; for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode.apply(null, u.subarray(i, i + 8192)); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("download %s: %v", path, err)
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b.t.Fatal(err)
	}
	return data
}

// reportID is the report the page shows, from its address.
func (b *browser) reportID() int64 {
	b.t.Helper()
	loc := b.location()
	_, rest, _ := strings.Cut(loc, "/periodic-reports/")
	id, err := strconv.ParseInt(strings.SplitN(rest, "/", 2)[0], 10, 64)
	if err != nil {
		b.t.Fatalf("not a report's page: %s", loc)
	}
	return id
}

// TestPeriodicReportInTheBrowser is the "done when" in the browser:
// Gia Lai's coordinator drafts the six-month report for H1/2026 and the
// annual report for 2025 from the reports page, edits a sentence of the
// first and issues it with a number; its DOCX and PDF, downloaded by the
// page, read back with the figures its page shows and the table of tasks
// per group; Phường Pleiku's focal person does the same for the ward on a
// phone, a few taps from the ward's home page; the province then sees
// Pleiku's report among its units', and who has not sent one.
func TestPeriodicReportInTheBrowser(t *testing.T) {
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

	// the coordinator drafts the report of the first half of 2026 (the
	// default: the last six months that ended) and the annual one for 2025
	login("gialai")
	b.clickLink("nav.menu", vi.T("nav.reports"))
	b.wantText("main h1", vi.T("report.title"))
	if got := b.eval(`document.querySelector("select[name=period]").value`); got != "2026-H1" {
		t.Fatalf("the period offered first: %s", got)
	}
	b.screenshot("reports")
	b.click(`form[action="/periodic-reports"] button.primary`)
	b.wantText(".flash", vi.T("report.created"))
	b.wantText("main h1", "Kết quả thực hiện công tác chuyển đổi số 6 tháng đầu năm 2026")
	h1 := b.reportID()
	b.wantText(".doc-sheet", "ỦY BAN NHÂN DÂN")
	b.wantText(".doc-sheet", "Bảng 2. Kết quả thực hiện nhiệm vụ theo kế hoạch và nhóm nhiệm vụ")
	b.screenshot("report-draft")
	b.open("/periodic-reports")
	b.choose(`form[action="/periodic-reports"] select[name=period]`, "2025")
	b.click(`form[action="/periodic-reports"] button.primary`)
	b.wantText("main h1", "Kết quả thực hiện công tác chuyển đổi số năm 2025, phương hướng, nhiệm vụ năm 2026")

	// the writer edits a sentence of the first; its figures stay fields
	b.open(fmt.Sprintf("/periodic-reports/%d", h1))
	b.click(`a.button.primary[href$="/edit"]`)
	opening := b.eval(`document.querySelector("textarea[name=section_opening]").value`)
	if !strings.Contains(opening, "{Kỳ báo cáo}") {
		t.Fatalf("the opening has no live field: %q", opening)
	}
	edited := "Công tác chuyển đổi số của tỉnh tiếp tục có chuyển biến tích cực."
	b.eval(fmt.Sprintf(`(document.querySelector("textarea[name=section_opening]").value += "\n" + %s, "")`, jsString(edited)))
	b.screenshot("report-edit")
	b.click(`form.report-edit button.primary`)
	b.wantText(".flash", vi.T("report.saved"))
	b.wantText(".doc-sheet", edited)
	b.wantText(".doc-sheet", "6 tháng đầu năm 2026 (số liệu tính đến ngày 30/06/2026)")

	// …and issues it with a number
	b.eval(`(document.querySelector("details.issue").open = true, "")`)
	b.fill(`input[name=doc_number]`, "125")
	b.fillDate(`input[name=issue_date]`, "05/07/2026")
	b.fill(`input[name=signer]`, "Phạm Anh Tuấn")
	b.click(`form[action$="/issue"] button.primary`)
	b.wantText(".flash", vi.T("report.issued"))
	b.wantText(".report-issued", "125/BC-UBND")
	b.wantText(".doc-sheet", "Số: 125/BC-UBND")
	b.wantText(".doc-sheet", "Gia Lai, ngày 05 tháng 7 năm 2026")
	b.wantText(".report-issued", vi.T("report.no_changes"))
	b.screenshot("report-issued")
	page := reporttest.Squash(b.text(".doc-sheet"))
	checkFiles(t, b, h1, page, edited, "Số: 125/BC-UBND", "Phạm Anh Tuấn")
	logout()

	// Phường Pleiku, on a phone, from its home page
	login("pleiku")
	b.clickLink("main", vi.T("report.unit_link"))
	b.wantText("main h1", vi.T("report.title"))
	b.click(`form[action="/periodic-reports"] button.primary`)
	b.wantText(".flash", vi.T("report.created"))
	own := b.reportID()
	b.wantText(".doc-sheet", "PHƯỜNG PLEIKU")
	b.eval(`(document.querySelector("details.issue").open = true, "")`)
	b.fill(`input[name=doc_number]`, "45")
	b.fillDate(`input[name=issue_date]`, "03/07/2026")
	b.fill(`input[name=signer]`, "Lê Văn Phường")
	b.screenshot("pleiku-issue")
	b.click(`form[action$="/issue"] button.primary`)
	b.wantText(".flash", vi.T("report.issued"))
	b.wantText(".doc-sheet", "Pleiku, ngày 03 tháng 7 năm 2026")
	if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "360" {
		t.Errorf("the report page is %s px wide on a 360 px phone", w)
	}
	b.screenshot("pleiku-issued")
	checkFiles(t, b, own, reporttest.Squash(b.text(".doc-sheet")), "Số: 45/BC-UBND", "Lê Văn Phường")
	logout()

	// the province sees Pleiku's report among its units', and who has not
	// sent one
	login("gialai")
	b.open("/periodic-reports?period=2026-H1#lower")
	b.wantText("#lower", vi.T("report.lower.issued", "Number", "45/BC-UBND", "Date", "03/07/2026"))
	b.wantAmong("#lower .missing-list li", "Phường Quy Nhơn")
	b.wantNone("#lower .missing-list li", "Phường Pleiku")
	missing := len(b.texts("#lower .missing-list li"))
	b.wantPage(vi.T("report.sent", "Sent", "1", "Total", strconv.Itoa(missing+1), "Period", "6 tháng đầu năm 2026"))
	b.screenshot("reports-lower")
	b.clickLink("#lower", vi.T("report.lower.issued", "Number", "45/BC-UBND", "Date", "03/07/2026"))
	b.wantText(".doc-sheet", "PHƯỜNG PLEIKU")
	b.wantText(".report-issued", "45/BC-UBND")
}

// checkFiles downloads a report's DOCX, PDF and XLSX as the page does and
// reads them back: every paragraph and table cell of the page's document
// is in the DOCX, its words in the PDF; the table of tasks per group is
// there; the annexes open.
func checkFiles(t *testing.T, b *browser, id int64, page string, want ...string) {
	t.Helper()
	docxData := b.download(fmt.Sprintf("/periodic-reports/%d/report.docx", id))
	pdfData := b.download(fmt.Sprintf("/periodic-reports/%d/report.pdf", id))
	xlsxData := b.download(fmt.Sprintf("/periodic-reports/%d/annexes.xlsx", id))
	if again := b.download(fmt.Sprintf("/periodic-reports/%d/report.pdf", id)); string(again) != string(pdfData) {
		t.Error("the issued PDF changed between two downloads")
	}
	docx, err := reporttest.ReadDOCX(docxData)
	if err != nil {
		t.Fatalf("DOCX: %v", err)
	}
	docText := reporttest.Squash(docx.Text)
	pdfText := reporttest.PDFText(t, pdfData)
	for _, p := range docx.Paragraphs {
		if p = reporttest.Squash(p); p != "" && !strings.Contains(page, p) {
			t.Errorf("the DOCX says %q, which the page does not", p)
		}
	}
	for _, w := range append(want, "Bảng 2. Kết quả thực hiện nhiệm vụ theo kế hoạch và nhóm nhiệm vụ", "Nơi nhận:") {
		for name, text := range map[string]string{"page": page, "DOCX": docText, "PDF": pdfText} {
			if !strings.Contains(text, reporttest.Squash(w)) {
				t.Errorf("%s: %q is not there", name, w)
			}
		}
	}
	groups := docx.Table("Kế hoạch, nhóm nhiệm vụ")
	if len(groups) < 3 {
		t.Fatalf("the table of tasks per group: %v", groups)
	}
	for _, row := range groups[1:] {
		line := reporttest.Squash(strings.Join(row, " "))
		if !strings.Contains(page, line) {
			t.Errorf("the row %q of the table of tasks is not on the page", line)
		}
		if !strings.Contains(pdfText, reporttest.Squash(strings.Join(row[1:], " "))) {
			at := strings.Index(pdfText, "Bảng 2")
			t.Errorf("the row %q of the table of tasks is not in the PDF:\n%s", line, pdfText[max(at, 0):min(len(pdfText), max(at, 0)+1500)])
		}
	}
	if _, names, err := reporttest.ReadXLSX(xlsxData); err != nil || len(names) < 3 || names[0] != report.SheetTasks {
		t.Errorf("annexes: %v %v", names, err)
	}
}
