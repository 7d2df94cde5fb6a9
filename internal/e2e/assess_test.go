package e2e

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// resultsCSV is a sheet of published results in the ministry's layout (a
// column per main indicator, values 0–1 with a decimal comma). The values
// are the test's own.
func resultsCSV(rows ...string) []byte {
	return []byte("STT;Tỉnh, thành phố;Nhận thức số;Thể chế số;Hạ tầng số;Nhân lực số;An toàn thông tin mạng;Hoạt động chính quyền số;Hoạt động kinh tế số;Hoạt động xã hội số;Chỉ số DTI;Xếp hạng;Trên\n" +
		strings.Join(rows, "\n") + "\n")
}

// nodeShape is a framework's nodes as a reader sees them.
func nodeShape(f *assess.Framework) []string {
	var out []string
	f.Walk(func(n *assess.Node, d int) {
		out = append(out, fmt.Sprintf("%d|%s|%s|%s|%v|%s|%s|%s|%s|%v", d, n.Code, n.Kind, n.NameVI, n.Max, n.Method, n.Indicator, n.Provenance, n.Continues, n.ToFill))
	})
	return out
}

// TestDTIOnPhone: from a fresh demo, on a phone — the provincial DTI 2025
// framework is there and scorable, with what is still to fill in; it goes
// out to a sheet and comes back identical; Gia Lai's 2025 self-assessment
// has its components bound to indicators filled from the figures; the
// official 2024 results are imported from a sheet and shown beside the
// self-assessment with the gap and the rank goal; Gia Lai's 2023 result
// is shown restated from old Gia Lai and Bình Định.
func TestDTIOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	vi := s.Catalog.Printer("vi")
	ctx := context.Background()
	login := func(who string) {
		b.open("/login")
		b.fill(`input[name=login]`, who)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
	}
	logout := func() { b.click(`form[action="/logout"] button`) }
	tick := func(sel string) { b.do("tick "+sel, chromedp.Click(chromedp.CSS(sel))) }
	dti, err := s.Assess.FrameworkFor(ctx, assess.DTIFamily, 2025)
	if err != nil {
		t.Fatal(err)
	}
	province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID

	// The national administrator finds the DTI 2025 as issued: its main
	// indicators, what could not be confirmed, the share scored from
	// figures.
	login("admin")
	b.open("/assess")
	b.clickLink("main", dti.NameVI)
	b.wantText("main h1", dti.NameVI)
	for _, m := range []string{"Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số", "An toàn thông tin mạng", "Hoạt động chính quyền số", "Hoạt động kinh tế số", "Hoạt động xã hội số"} {
		b.wantPage(m)
	}
	b.wantPage(vi.T("assess.to_fill_count", "Count", dti.Unconfirmed()))
	b.wantPage(vi.T("assess.share.points"))
	b.screenshot("dti-2025-framework")

	// It goes out as a sheet and comes back, as the family's next version,
	// the same framework.
	resp, sheetData := s.SessionFor(t, s.User(t, "admin")).Get(fmt.Sprintf("/assess/frameworks/%d/export.xlsx", dti.ID))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(sheetData), "PK") {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	sheetFile := filepath.Join(t.TempDir(), "dti-2025.xlsx")
	if err := os.WriteFile(sheetFile, sheetData, 0o644); err != nil {
		t.Fatal(err)
	}
	b.open("/assess")
	b.eval(`(document.querySelector('form[action="/assess/frameworks/import"]').closest("details").open = true, "")`)
	b.do("attach the sheet", chromedp.SetUploadFiles(`form[action="/assess/frameworks/import"] input[name=file]`, []string{sheetFile}))
	tick(`form[action="/assess/frameworks/import"] input[name=publish]`)
	b.screenshot("framework-import")
	b.click(`form[action="/assess/frameworks/import"] button.primary`)
	b.wantText(".flash", vi.T("assess.framework_imported"))
	again, err := s.Assess.FrameworkFor(ctx, assess.DTIFamily, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID == dti.ID || again.Version != dti.Version+1 || !reflect.DeepEqual(nodeShape(dti), nodeShape(again)) {
		t.Fatalf("re-imported: v%d (was v%d), same nodes %v", again.Version, dti.Version, reflect.DeepEqual(nodeShape(dti), nodeShape(again)))
	}
	b.wantText("main h1", dti.NameVI)

	// The published results: 2023 on that year's tree (old Gia Lai and
	// Bình Định), 2024 for today's provinces.
	upload := func(year, name string, body []byte, today bool) {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		b.open("/assess/official?year=" + year)
		b.eval(`(document.querySelector('form[action="/assess/official/import"]').closest("details").open = true, "")`)
		b.do("attach "+name, chromedp.SetUploadFiles(`form[action="/assess/official/import"] input[name=file]`, []string{path}))
		b.fill(`form[action="/assess/official/import"] input[name=year]`, year)
		b.fill(`form[action="/assess/official/import"] input[name=source]`, "Bảng kết quả thử nghiệm")
		if today {
			tick(`form[action="/assess/official/import"] input[name=today]`)
		}
		b.click(`form[action="/assess/official/import"] button.primary`)
		b.wantText(".flash", vi.T("assess.official.imported"))
	}
	// a sheet naming a province that does not exist is refused whole, with its row
	bad := filepath.Join(t.TempDir(), "sai.csv")
	if err := os.WriteFile(bad, resultsCSV("1;Gia Lai;0,7;;;;;;;;0,6;31;34", "2;Tỉnh Không Có;0,5;;;;;;;;0,5;1;34"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.open("/assess/official?year=2024")
	b.eval(`(document.querySelector('form[action="/assess/official/import"]').closest("details").open = true, "")`)
	b.do("attach a bad sheet", chromedp.SetUploadFiles(`form[action="/assess/official/import"] input[name=file]`, []string{bad}))
	tick(`form[action="/assess/official/import"] input[name=today]`)
	refused(b, `form[action="/assess/official/import"] button.primary`)
	b.wantPage(vi.T("err.at_row_field", "Row", 3, "Field", vi.T("field.unit")))
	b.screenshot("official-import-refused")
	upload("2023", "dti-2023.csv", resultsCSV(
		"52;Gia Lai;0,80;0,60;0,50;0,40;0,30;0,60;0,50;0,40;0,5200;52;63",
		"18;Bình Định;0,90;0,80;0,70;0,60;0,50;0,80;0,70;0,60;0,7200;18;63"), false)
	upload("2024", "dti-2024.csv", resultsCSV("31;Gia Lai;0,70;0,60;0,55;0,50;0,60;0,70;0,60;0,65;0,6300;31;34"), true)
	b.wantAmong("#official td a", "Tỉnh Gia Lai")
	b.wantAmong("#official td.rank", "31/34")
	b.screenshot("official-2024")
	// 2023 restated to today's provinces: the new Gia Lai from its two
	b.open("/assess/official?year=2023&mode=restated")
	b.wantPage(vi.T("assess.official.average"))
	b.wantAmong("#official td", "0,6200")
	b.screenshot("official-2023-restated")
	b.open("/assess/official?year=2023&mode=as_was")
	b.wantAmong("#official td a", "Tỉnh Bình Định")
	logout()

	// The province's coordinator: its 2025 self-assessment scores the
	// components bound to an indicator from the approved figures.
	login("gialai")
	b.open("/assess")
	b.clickLink("main", "Tự đánh giá DTI cấp tỉnh năm 2025")
	b.clickLink("main", "Tỉnh Gia Lai")
	b.wantAmong(`tr[data-node="NT3.1"] [data-source]`, vi.T("assess.source.reported"))
	if got := b.text(`tr[data-node="NT3.1"] b.auto`); got == "" || got == "—" {
		t.Fatalf("NT3.1 not filled from the figure: %q", got)
	}
	if got := b.text(`tr[data-node="NT3.1"] .final + div`); got != vi.T("assess.counts.auto") {
		t.Fatalf("NT3.1 counts %q", got)
	}
	// NT4.1 is bound to the staff register's measured rate: scored from it
	b.wantAmong(`tr[data-node="NT4.1"] [data-source]`, vi.T("assess.source.measured"))
	b.screenshot("dti-2025-card")

	// beside the official results: the gap per main indicator, the goal
	b.open(fmt.Sprintf("/assess/official/units/%d?year=2025", province))
	b.wantText("#cmp-official", "0,6300")
	b.wantText("#cmp-rank", "31/34")
	b.wantPage(vi.T("assess.goal.missed"))
	c, err := s.Assess.Compare(ctx, s.User(t, "gialai").Actor(), "", province, 2025)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range c.Rows {
		gap := b.text(fmt.Sprintf(`tr[data-main="%s"] td.gap`, row.Node.Code))
		if row.Gap == nil || gap == "—" || gap == "" {
			t.Fatalf("%s: no gap shown (%q)", row.Node.Code, gap)
		}
		if want := *row.Self - *row.Official; math.Abs(*row.Gap-want) > 1e-9 {
			t.Fatalf("%s: gap %v, want %v", row.Node.Code, *row.Gap, want)
		}
	}
	// Gia Lai's 2023 result, restated from old Gia Lai and Bình Định
	b.wantAmong(`#history tr[data-year="2023"] td`, "0,6200")
	b.wantAmong(`#history tr[data-year="2023"] td`, vi.T("assess.official.average")+": Tỉnh Bình Định (0,7200; Hạng 18/63), Tỉnh Gia Lai (0,5200; Hạng 52/63)")
	b.screenshot("compare-2025")
}
