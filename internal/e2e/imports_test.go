package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// bigPeopleSheet writes an XLSX of n new people of the unit with code.
func bigPeopleSheet(t *testing.T, code string, n int) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := func(i int, cells ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, cells); err != nil {
			t.Fatal(err)
		}
	}
	row(1, "full_name", "gender", "unit", "role", "mode")
	for i := 1; i <= n; i++ {
		row(i+1, fmt.Sprintf("Trần Thị Nhập %d", i), "female", code, "staff", "concurrent")
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "can-bo-lon.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLongImportShowsProgress is issue 12's "imports of more than a few
// thousand rows show a progress bar": Pleiku's focal person uploads 20.000
// people on a phone and sees a progress bar whose value rises, with the
// rows counted in words, then the import's result.
func TestLongImportShowsProgress(t *testing.T) {
	s := apptest.StartSQLite(t)
	const n = 20000
	code := s.UnitNamed(t, "Phường Pleiku").Code
	sheetFile := bigPeopleSheet(t, code, n)
	b := startBrowser(t, s.URL)
	b.open("/login")
	b.fill(`input[name=login]`, "pleiku")
	b.fill(`input[name=password]`, demo.Password)
	b.click(`form[action="/login"] button`)

	b.open("/people/import")
	b.do("attach the sheet", chromedp.SetUploadFiles(`form[action="/people/import"] input[name=file]`, []string{sheetFile}))
	b.click(`form[action="/people/import"] button.primary`)
	if loc := b.location(); !strings.Contains(loc, "/imports/") {
		t.Fatalf("the upload did not lead to the job's page but to %s\n%s", loc, b.mainText())
	}
	b.wantText("main h1", "Nhập từ bảng tính")
	if got := b.eval(`document.querySelector("#job-live").getAttribute("aria-live")`); got != "polite" {
		t.Errorf("the progress is not announced politely: aria-live=%q", got)
	}

	// the bar rises as the page polls, until the page shows the result
	var values []int
	var said []string
	shots := 0
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const bar = document.querySelector("#job-bar[role=progressbar], #job-bar");
			if (!bar) return document.readyState === "complete" ? "ended" : "";
			return [bar.getAttribute("aria-valuenow"), bar.getAttribute("aria-valuemin"), bar.getAttribute("aria-valuemax"), bar.value, document.querySelector("#job-said").textContent.trim()].join("|");
		})()`))
		cancel()
		if err == nil && state == "ended" {
			break
		}
		if err == nil && state != "" {
			parts := strings.Split(state, "|")
			now, _ := strconv.Atoi(parts[0])
			if parts[1] != "0" || parts[2] != "100" || parts[3] != parts[0] {
				t.Errorf("the bar says valuenow %s, min %s, max %s, value %s", parts[0], parts[1], parts[2], parts[3])
			}
			if len(values) == 0 || values[len(values)-1] != now {
				values = append(values, now)
				said = append(said, parts[4])
			}
			if shots == 0 && strings.HasPrefix(parts[4], "Đã ") {
				b.screenshot("import-progress-360")
				b.axe("pleiku 360", "/imports/{id} (running)")
				b.do("widen", chromedp.EmulateViewport(1280, 800))
				b.screenshot("import-progress-1280")
				b.axe("pleiku 1280", "/imports/{id} (running)")
				b.do("narrow", chromedp.EmulateViewport(phone.W, phone.H, chromedp.EmulateMobile, chromedp.EmulatePortrait))
				shots++
			}
		}
		time.Sleep(150 * time.Millisecond)
	}
	t.Logf("the bar showed %v: %q", values, said)
	rising := 0
	for i := 1; i < len(values); i++ {
		if values[i] > values[i-1] {
			rising++
		}
	}
	if rising < 2 {
		t.Errorf("the bar did not rise: %v (%q)", values, said)
	}
	counted := false
	for _, s := range said {
		counted = counted || (strings.Contains(s, "/20.000 dòng") && (strings.HasPrefix(s, "Đã kiểm tra") || strings.HasPrefix(s, "Đã ghi")))
	}
	if !counted {
		t.Errorf("the rows were not counted in words: %q", said)
	}
	b.wantPage("Đã nhập xong")
	b.wantPage("Đã nhập xong")
	b.wantPage("20.000")
	b.screenshot("import-result-360")
	b.axe("pleiku 360", "/imports/{id} (done)")
	b.do("widen", chromedp.EmulateViewport(1280, 800))
	b.screenshot("import-result-1280")
	b.axe("pleiku 1280", "/imports/{id} (done)")
	var count int
	if err := s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM people WHERE full_name LIKE 'Trần Thị Nhập %'`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Errorf("%d people written, want %d", count, n)
	}
}
