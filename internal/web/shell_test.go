package web

import (
	"bytes"
	"html/template"
	"net/url"
	"testing"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// TestShellIsTheLayout: the shell written in Go (writeShell) is
// layout.html's output byte for byte, for visitors and each role, in both
// languages, today and in the past, on pages with and without the date
// form, with each menu entry current, with queries, a flash message,
// errors and markup in every text.
func TestShellIsTheLayout(t *testing.T) {
	s, err := New(Deps{Catalog: locale.MustLoadCatalog()})
	if err != nil {
		t.Fatal(err)
	}
	today := day.Of(2026, 12, 4)
	users := []*auth.User{nil}
	for _, r := range []auth.Role{auth.RoleAdmin, auth.RoleCoordinator, auth.RoleFocal, auth.RoleViewer} {
		users = append(users, &auth.User{ID: 7, Login: "tinh-52", DisplayName: `Sở "KH&CN" <Gia Lai> + 'x'`, Role: r, ScopeUnitID: 11815})
	}
	queries := []url.Values{{}, {"unit": {"5"}}, {"d": {"2025-06-30"}, "page": {"2"}, "unit": {"5", "6"}, "q": {`a&b<c> "+x" é`}, "mode": {"restated"}}}
	content := template.HTML("<h1>Nội dung</h1>\n<p>a &amp; b</p>")
	n := 0
	for _, u := range users {
		for _, lang := range []string{"vi", "en"} {
			for _, nav := range []string{"", "units", "compliance", "people", "tasks", "plans", "training", "network", "indicators", "reports", "search", "audit", "users", "import"} {
				for _, pattern := range []string{"/units/{id}", "/account"} {
					for _, asOf := range []day.Day{today, day.Of(2025, 6, 30)} {
						for i, q := range queries {
							p := Page{L: s.Catalog.Printer(lang), User: u, AsOf: asOf, Today: today, Nav: nav, Pattern: pattern,
								Path: "/units/5", Query: q}
							if u != nil {
								p.Actor = u.Actor()
							}
							if i == 2 {
								p.Title, p.Flash, p.Errors, p.Path = `Xã "Ia" <b> & +`, "Đã lưu <b>&</b>", []string{"a<b", "c & d"}, "/search/x y"
							}
							var want bytes.Buffer
							if err := s.shellT.ExecuteTemplate(&want, "layout.html", cachedPage{Page: &p, Content: content}); err != nil {
								t.Fatal(err)
							}
							got, at, ok := writeShell(&p, content)
							if !ok {
								t.Fatal("writeShell declined a page")
							}
							if string(got[at:at+len(content)]) != string(content) {
								t.Fatalf("the content is not at %d of the page", at)
							}
							if string(got) != want.String() {
								t.Fatalf("user %v, %s, nav %q, %s, %s, query %v:\n got %s\nwant %s", u, lang, nav, pattern, asOf, q, got, want.String())
							}
							n++
						}
					}
				}
			}
		}
	}
	t.Logf("%d shells compared", n)
}
