package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// TestCoordinatorOnPhone walks through what the coordinator of the new Gia
// Lai does on a phone: sign in, browse the province and a commune, look at
// the tree as it was before the 2025 reorganisation, search without
// diacritics, switch language, establish and rename a department, sign
// out. Every page must load without an HTTP error and without any error in
// the browser's console.
func TestCoordinatorOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	vi, en := s.Catalog.Printer("vi"), s.Catalog.Printer("en")

	// An address inside the site sends a stranger to the login form.
	b.open("/")
	if !strings.Contains(b.location(), "/login") {
		t.Fatalf("signed out, / should lead to the login form, not %s", b.location())
	}
	b.wantText("h1", vi.T("login.title"))
	b.screenshot("login")
	b.fill(`input[name=login]`, "gialai")
	b.fill(`input[name=password]`, demo.Password)
	b.click(`form[action="/login"] button`)

	// Home is what needs doing today; the user's own unit, the new
	// province with its communes, is one tap away.
	b.wantText("main h1", vi.T("home.title.coordinator"))
	b.clickLink("nav.menu", vi.T("nav.units"))
	b.wantText("main h1", "Tỉnh Gia Lai")
	b.wantAmong("main table a", "Phường Pleiku")
	b.wantAmong("main table a", "Xã Chư Prông")
	b.screenshot("home")

	b.clickLink("main table", "Phường Pleiku")
	b.wantText("main h1", "Phường Pleiku")
	b.wantAmong("nav.crumbs a", "Tỉnh Gia Lai")
	b.screenshot("commune")

	// As of 30/06/2025, the day before the reorganisation, the ward did not
	// exist yet: the page says so and names the wards it was formed from.
	b.fillDate(`form.asof input[name=d]`, "30/06/2025")
	b.click(`form.asof button`)
	b.wantText("main h1", "Phường Pleiku")
	b.wantPage(vi.T("unit.not_yet", "Date", "30/06/2025", "From", "01/07/2025"))
	b.wantText(".asof-banner", vi.T("asof.banner", "Date", "30/06/2025"))
	b.wantAmong(".lineage a", "Phường Diên Hồng")
	b.screenshot("commune-2025-06-30")

	// The coordinator's own province as of that day: the new Gia Lai did
	// not exist yet either; it names the two old provinces it was formed
	// from, and those existed then, with their districts.
	b.clickLink("nav.menu", vi.T("nav.units"))
	b.wantText("main h1", "Tỉnh Gia Lai")
	b.wantPage(vi.T("unit.not_yet", "Date", "30/06/2025", "From", "01/07/2025"))
	b.wantAmong(".lineage a", "Tỉnh Bình Định")
	b.wantAmong(".lineage a", "Tỉnh Gia Lai")
	b.screenshot("province-2025-06-30")
	b.clickLink(".lineage", "Tỉnh Gia Lai")
	b.wantText(".asof-banner", vi.T("asof.banner", "Date", "30/06/2025"))
	if b.pageHas(vi.T("unit.not_yet", "Date", "30/06/2025", "From", "01/07/2025")) || b.pageHas(vi.T("unit.ended", "Date", "30/06/2025", "Last", "30/06/2025")) {
		t.Fatal("the old Gia Lai should be in force on 30/06/2025")
	}
	b.wantAmong("main table a", "Thành phố Pleiku")
	b.wantAmong("main table a", "Huyện Chư Prông")
	b.wantNone("main table a", "Phường Pleiku")
	b.screenshot("old-gia-lai-2025-06-30")

	// Back to today, then search without diacritics: the live search
	// (htmx) fills the results while typing.
	b.clickLink("form.asof", vi.T("asof.today"))
	if b.text(".asof-banner") != "" {
		t.Fatalf("back to today, the page still shows a past date: %s", b.text(".asof-banner"))
	}
	b.clickLink("nav.menu", vi.T("nav.search"))
	b.search("pleiku", "Phường Pleiku")
	b.screenshot("search-pleiku")
	b.search("chu prong", "Xã Chư Prông")
	// Tỉnh Bình Định ended on 1 July 2025: it is found as of 30/06/2025.
	b.fillDate(`form.asof input[name=d]`, "30/06/2025")
	b.click(`form.asof button`)
	b.search("binh dinh", "Tỉnh Bình Định")
	b.screenshot("search-binh-dinh-2025-06-30")

	// English, and back. The account remembers the choice.
	b.click(`form.lang button[value=en]`)
	if lang := b.eval(`document.documentElement.lang`); lang != "en" {
		t.Fatalf("after EN the page's language is %q", lang)
	}
	b.wantAmong("nav.menu a", "Units")
	b.wantAmong("nav.menu a", "Search")
	b.wantText("main h1", en.T("search.title"))
	b.wantText("form.asof label", en.T("asof.label"))
	// The switch keeps the page's date.
	b.wantText(".asof-banner", en.T("asof.banner", "Date", "30/06/2025"))
	b.clickLink("form.asof", en.T("asof.today"))
	b.screenshot("search-en")
	b.clickLink("nav.menu", "Units")
	b.wantText("main h1", "Tỉnh Gia Lai")
	b.wantAmong("main h2", en.T("unit.history"))
	b.wantAmong("main h3", en.T("level.commune")+" (11)")
	b.screenshot("unit-en")
	b.click(`form.lang button[value=vi]`)
	if lang := b.eval(`document.documentElement.lang`); lang != "vi" {
		t.Fatalf("after VI the page's language is %q", lang)
	}
	b.wantAmong("nav.menu a", vi.T("nav.units"))

	// As coordinator: establish a department under the province, dated
	// 01/08/2026, and find it among the province's units.
	b.click(`a.brand`)
	b.wantText("main h1", vi.T("home.title.coordinator"))
	b.clickLink("nav.menu", vi.T("nav.units"))
	b.wantText("main h1", "Tỉnh Gia Lai")
	const dept, renamed = "Trung tâm Chuyển đổi số tỉnh Gia Lai", "Trung tâm Dữ liệu và Chuyển đổi số tỉnh Gia Lai"
	b.openForm("children")
	b.fill(`form[action$="/children"] input[name=name]`, dept)
	b.choose(`form[action$="/children"] select[name=level]`, "agency")
	b.fillDate(`form[action$="/children"] input[name=effective_date]`, "01/08/2026")
	b.fill(`form[action$="/children"] input[name=legal_basis]`, "1234/QĐ-UBND")
	b.screenshot("establish-form")
	b.click(`form[action$="/children"] button`)
	b.wantText("main h1", dept)
	b.wantText(".flash", vi.T("unit.changed.establish"))
	b.screenshot("established")
	b.clickLink("nav.crumbs", "Tỉnh Gia Lai")
	b.wantAmong("main table a", dept)

	// Rename it from 01/10/2026: today it has the new name; as of
	// 15/09/2026 the old one.
	b.clickLink("main table", dept)
	b.openForm("rename")
	b.fill(`form[action$="/rename"] input[name=name]`, renamed)
	b.fillDate(`form[action$="/rename"] input[name=effective_date]`, "01/10/2026")
	b.fill(`form[action$="/rename"] input[name=legal_basis]`, "1500/QĐ-UBND")
	b.click(`form[action$="/rename"] button`)
	b.wantText("main h1", renamed)
	b.wantText(".flash", vi.T("unit.changed.rename"))
	b.wantAmong(".timeline b", dept)
	b.wantAmong(".timeline b", renamed)
	b.screenshot("renamed")
	b.fillDate(`form.asof input[name=d]`, "15/09/2026")
	b.click(`form.asof button`)
	b.wantText("main h1", dept)
	b.screenshot("before-rename")

	// Sign out: the session is gone.
	b.click(`form[action="/logout"] button`)
	b.wantText("h1", vi.T("login.title"))
	b.open("/units")
	if !strings.Contains(b.location(), "/login") {
		t.Fatalf("signed out, /units should lead to the login form, not %s", b.location())
	}
	b.checkConsole("the end")
	t.Logf("screenshots in %s", b.dir)
}

// search types q into the search page's box and waits for the live
// results to list want.
func (b *browser) search(q, want string) {
	b.t.Helper()
	b.fill(`main form input[name=q]`, q)
	b.do("wait for "+want+" among the results of "+q, chromedp.WaitVisible(chromedp.JSPath(
		`Array.from(document.querySelectorAll("#results a")).find(a => a.textContent.trim() === `+jsString(want)+`)`)))
}

// openForm opens the <details> that holds the unit page's form posting to
// .../action.
func (b *browser) openForm(action string) {
	b.t.Helper()
	b.do("open the form "+action, chromedp.Click(chromedp.JSPath(
		`document.querySelector('form[action$="/`+action+`"]').closest("details").querySelector("summary")`)))
}
