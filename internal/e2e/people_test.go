package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// rate reads "passing/total" from the compliance card of a target.
func rate(t *testing.T, b *browser, title string) (int, int) {
	t.Helper()
	s := b.eval(fmt.Sprintf(`(Array.from(document.querySelectorAll("section.target")).find(s => s.querySelector("h2").textContent.trim() === %s) || {querySelector: () => ({textContent: ""})}).querySelector(".rate b").textContent`, jsString(title)))
	m := regexp.MustCompile(`^(\d+)/(\d+)$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no rate for %q (got %q)\n%s", title, s, b.mainText())
	}
	p, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	return p, n
}

// pick types into the person picker of a form and chooses the first match.
func pick(b *browser, form, name string) {
	b.t.Helper()
	b.fill(form+` [data-picker] input[type=search]`, name)
	b.do("wait for "+name+" in the picker", chromedp.WaitVisible(chromedp.CSS(form+` .pick-list button`)))
	b.do("choose "+name, chromedp.Click(chromedp.CSS(form+` .pick-list button`)))
}

// openDetails opens the <details> that holds a form.
func openDetails(b *browser, form string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(document.querySelector(%s).closest("details").open = true, "")`, jsString(form)))
}

// TestCoordinatorClosesAGap is issue 3's "done when", on a phone: the
// coordinator finds on the compliance page a commune with no focal person,
// records a person there and makes them the focal person, records their
// training, and sees the commune counted in the rates.
func TestCoordinatorClosesAGap(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	vi := s.Catalog.Printer("vi")
	targets, err := s.People.Targets(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	title := func(code string) string {
		for _, tg := range targets {
			if tg.Code == code {
				return tg.TitleVI
			}
		}
		t.Fatalf("no target %s", code)
		return ""
	}
	focalTarget, trainedTarget := title("1690-FOCAL-COMMUNE"), title("1690-TRAINED-COMMUNE")

	b.open("/login")
	b.fill(`input[name=login]`, "gialai")
	b.fill(`input[name=password]`, demo.Password)
	b.click(`form[action="/login"] button`)

	b.clickLink("nav.menu", vi.T("nav.compliance"))
	b.wantText("main h1", vi.T("compliance.title"))
	focal0, communes := rate(t, b, focalTarget)
	trained0, _ := rate(t, b, trainedTarget)
	if focal0 >= communes {
		t.Fatalf("the demo should have a commune without a focal person: %d/%d", focal0, communes)
	}
	b.screenshot("compliance-before")
	// the first commune the focal-person target lists as failing
	commune := b.eval(fmt.Sprintf(`Array.from(document.querySelectorAll("section.target")).find(s => s.querySelector("h2").textContent.trim() === %s).querySelector("ul.failing a").textContent`, jsString(focalTarget)))
	b.load("open "+commune, chromedp.Click(chromedp.JSPath(fmt.Sprintf(
		`Array.from(document.querySelectorAll("section.target")).find(s => s.querySelector("h2").textContent.trim() === %s).querySelector("ul.failing a")`, jsString(focalTarget)))))
	b.wantText("main h1", commune)
	b.wantPage(vi.T("apparatus.no_people"))

	// a new person, working in that commune (the link is in the folded
	// assignment form)
	openDetails(b, `form[action$="/roles"]`)
	b.clickLink("main", vi.T("people.new"))
	b.wantText("main h1", vi.T("people.new"))
	b.fill(`input[name=full_name]`, "Nguyễn Thị Đầu Mối")
	b.fill(`input[name=title]`, "Công chức Văn phòng - Thống kê")
	b.click(`form[action="/people"] button.primary`)
	b.wantText("main h1", "Nguyễn Thị Đầu Mối")
	b.wantAmong(".facts a", commune)
	b.screenshot("person")

	// back to the commune's apparatus: make them its focal person
	b.clickLink(".facts", commune)
	b.clickLink("main", vi.T("apparatus.manage"))
	form := `form[action$="/roles"]`
	openDetails(b, form)
	pick(b, form, "nguyen thi dau moi")
	b.choose(form+` select[name=role]`, "focal")
	b.choose(form+` select[name=mode]`, "concurrent")
	b.click(form + ` button.primary`)
	b.wantPage(vi.T("apparatus.saved"))
	b.wantAmong("table.list a", "Nguyễn Thị Đầu Mối")
	b.screenshot("apparatus-after")

	// their training: enrolled on the communes' course, completed
	b.clickLink("nav.menu", vi.T("nav.training"))
	b.clickLink("main table", "Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ cấp xã năm 2026")
	enrol := `form[action$="/enrol"]`
	pick(b, enrol, "nguyen thi dau moi")
	b.click(enrol + ` button.primary`)
	b.wantAmong("table.list a", "Nguyễn Thị Đầu Mối")
	row := `Array.from(document.querySelectorAll("table.list tr")).find(r => r.textContent.includes("Nguyễn Thị Đầu Mối"))`
	b.eval(`(` + row + `.querySelector("details").open = true, "")`)
	b.load("record the completion", chromedp.Click(chromedp.JSPath(row+`.querySelector("button.primary")`)))
	b.wantPage(vi.T("training.saved"))
	b.screenshot("course-after")

	// the rates count the commune now
	b.clickLink("nav.menu", vi.T("nav.compliance"))
	if focal, n := rate(t, b, focalTarget); focal != focal0+1 || n != communes {
		t.Errorf("focal persons: %d/%d, want %d/%d", focal, n, focal0+1, communes)
	}
	if trained, _ := rate(t, b, trainedTarget); trained != trained0+1 {
		t.Errorf("trained: %d, want %d", trained, trained0+1)
	}
	b.screenshot("compliance-after")
	_ = apptest.Now
}
