package web

import (
	"bytes"
	"html/template"
	"sort"
	"strconv"
	"unsafe"

	"github.com/mangluoi/mangluoi/internal/auth"
)

// The shell around a kept page's content, written in Go: layout.html
// executed for every page the cache rebuilt or sent with a flash message
// was ≈ 50 reflective calls and look-ups (the menu's links, the language
// form, the date form). writeShell writes what layout.html writes, byte
// for byte — TestShellIsTheLayout holds it to the template for pages
// signed in and not, today and in the past, with a flash, errors and
// queries — and layout.html stays the shell of every page not kept.
// A change to layout.html is a change here too.

// shellMenu is the menu: the link, the page's Nav that marks it current
// (a second for "tasks"), the permission that shows it, and whether the
// link keeps the as-of date (Page.U).
var shellMenu = []struct {
	href, nav, nav2, key string
	perm                 auth.Permission
	dated                bool
}{
	{"", "units", "", "nav.units", "", true}, // the user's unit
	{"/compliance", "compliance", "", "nav.compliance", "", true},
	{"/people", "people", "", "nav.people", "", true},
	{"/tasks", "tasks", "plans", "nav.plans", "", true},
	{"/training", "training", "", "nav.training", "", false},
	{"/network", "network", "", "nav.network", "", true},
	{"/indicators", "indicators", "", "nav.indicators", "", true},
	{"/periodic-reports", "reports", "", "nav.reports", "", false},
	{"/search", "search", "", "nav.search", "", true},
	{"/audit", "audit", "", "nav.audit", "read_audit", true},
	{"/admin/users", "users", "", "nav.users", "manage_users", false},
	{"/admin/import", "import", "", "nav.import", "edit_tree", false},
}

// writeShell writes layout.html around content; at is where the content
// starts in out; ok is false for a page it does not write (one that
// reloads itself: the template does).
func writeShell(p *Page, content template.HTML) (out []byte, at int, ok bool) {
	if p.Refresh != 0 {
		return nil, 0, false
	}
	L := p.L
	w := pooledHW()
	defer w.release()
	w.raw("<!doctype html>\n<html lang=\"").text(L.Lang).raw("\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
		"<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\": false}'>\n\n<title>")
	appName := L.T("app.name")
	if p.Title != "" {
		w.text(p.Title).raw(" · ")
	}
	w.text(appName).raw("</title>\n<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n" +
		"<link rel=\"stylesheet\" href=\"/static/app.css\">\n<script src=\"/static/vendor/htmx.min.js\" defer></script>\n" +
		"<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">").text(L.T("shell.skip")).
		raw("</a>\n<header class=\"top\">\n  <div class=\"bar\">\n    <a class=\"brand\" href=\"/\">").text(appName).
		raw("<small>").text(L.T("app.tagline")).raw("</small></a>\n    <div class=\"tools\">\n    ")
	u := p.User
	if u != nil {
		w.raw(`<a class="bell" href="/notifications" title="`).text(L.T("notice.bell")).
			raw(`" hx-get="/notifications/count" hx-trigger="load" hx-target="find .count"><svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/><path d="M13.7 21a2 2 0 0 1-3.4 0"/></svg><span class="vh">`).
			text(L.T("nav.notifications")).raw(`</span><span class="count"></span></a>`)
	}
	w.raw("\n    <form class=\"lang\" method=\"post\" action=\"/lang\">\n      <input type=\"hidden\" name=\"next\" value=\"").text(p.Path)
	if q := p.Query.Encode(); q != "" {
		w.raw("?").text(q)
	}
	w.raw("\">\n      <button name=\"lang\" value=\"vi\" lang=\"vi\" aria-label=\"VI – Tiếng Việt\" ")
	if L.Lang == "vi" {
		w.raw(`aria-current="true"`)
	}
	w.raw(">VI</button>\n      <button name=\"lang\" value=\"en\" lang=\"en\" aria-label=\"EN – English\" ")
	if L.Lang == "en" {
		w.raw(`aria-current="true"`)
	}
	w.raw(">EN</button>\n    </form>\n    </div>\n  </div>\n  ")
	today := p.IsToday()
	if u != nil {
		w.raw("\n  \n  <details class=\"navfold\" data-navfold>\n    <summary><svg aria-hidden=\"true\" width=\"20\" height=\"20\" viewBox=\"0 0 24 24\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.2\" stroke-linecap=\"round\"><path d=\"M4 6h16M4 12h16M4 18h16\"/></svg><span>").
			text(L.T("shell.menu")).raw("</span></summary>\n    <div class=\"navpanel\">\n    <nav class=\"menu\" aria-label=\"").text(L.T("shell.menu_label")).raw("\">\n")
		for _, m := range shellMenu { // a line each, empty when not shown
			w.raw("    ")
			if m.perm == "" || p.Actor.Can(m.perm) {
				href := m.href
				if href == "" {
					href = "/units/" + strconv.FormatInt(u.ScopeUnitID, 10)
				}
				if m.dated {
					href = p.U(href)
				}
				w.raw("<a href=\"").url(href).raw("\" ")
				if p.Nav == m.nav || (m.nav2 != "" && p.Nav == m.nav2) {
					w.raw(`aria-current="page"`)
				}
				w.raw(">").text(L.T(m.key)).raw("</a>")
			}
			w.raw("\n")
		}
		w.raw("    </nav>\n    <div class=\"who\">\n      <a class=\"me\" href=\"/account\" title=\"").text(u.DisplayName).raw("\">").text(u.Login).
			raw("</a>\n      <form method=\"post\" action=\"/logout\" class=\"inline\"><button class=\"link\">").text(L.T("nav.logout")).
			raw("</button></form>\n    </div>\n    ")
		if p.Dated() {
			w.raw("\n    <form class=\"asof\" method=\"get\" action=\"").url(p.Path).raw("\">\n      ")
			keys := make([]string, 0, len(p.Query))
			for k := range p.Query {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if k == "d" || k == "page" {
					continue
				}
				for _, v := range p.Query[k] {
					w.raw(`<input type="hidden" name="`).text(k).raw(`" value="`).text(v).raw(`">`)
				}
			}
			w.raw("\n      <label>").text(L.T("asof.label")).raw(" <input name=\"d\" value=\"").text(L.Date(p.AsOf)).
				raw("\" placeholder=\"dd/mm/yyyy\" inputmode=\"numeric\" pattern=\"\\d{1,2}/\\d{1,2}/\\d{4}|\\d{4}-\\d{2}-\\d{2}\" size=\"10\" required></label>\n      <button>").
				text(L.T("asof.view")).raw("</button>\n      ")
			if !today {
				w.raw("<a href=\"").url(p.Path).raw("\">").text(L.T("asof.today")).raw("</a>")
			}
			w.raw("\n    </form>\n    ")
		}
		w.raw("\n    </div>\n  </details>\n  ")
	}
	w.raw("\n</header>\n")
	if u != nil && !today {
		w.raw("<p class=\"asof-banner\">").text(L.T("asof.banner", "Date", L.Date(p.AsOf))).raw(" <a href=\"").url(p.Path).raw("\">").
			text(L.T("asof.today")).raw("</a></p>")
	}
	w.raw("\n<main id=\"main\" tabindex=\"-1\">\n")
	if u != nil {
		w.raw("<p class=\"print-only print-meta\">").text(L.T("shell.printed", "Date", L.Date(p.Today), "App", appName))
		if !today {
			w.raw(" · ").text(L.T("asof.banner", "Date", L.Date(p.AsOf)))
		}
		w.raw("</p>")
	}
	w.raw("\n")
	if p.Flash != "" {
		w.raw("<p class=\"flash\" role=\"status\">").text(p.Flash).raw("</p>")
	}
	w.raw("\n")
	if len(p.Errors) > 0 {
		w.raw("<div class=\"errors\" role=\"alert\" id=\"form-errors\" tabindex=\"-1\"><ul>")
		for _, e := range p.Errors {
			w.raw("<li>").text(e).raw("</li>")
		}
		w.raw("</ul></div>")
	}
	w.raw("\n")
	at = len(w.b)
	w.raw("\n</main>\n<footer>").text(L.T("app.footer")).raw("</footer>\n</body>\n</html>\n")
	// the head, the content and the tail copied once, at their size (the
	// buffer goes back): the content is not copied into the buffer first
	// (a province's plans dashboard is 236 KB), and bytes.Join does not
	// zero what it then fills (make would)
	c := unsafe.Slice(unsafe.StringData(string(content)), len(content)) // only read
	return bytes.Join([][]byte{w.b[:at], c, w.b[at:]}, nil), at, true
}
