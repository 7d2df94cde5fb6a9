package e2e

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// axeSource is axe-core as npm serves it (testdata/axe, with its licence;
// scripts/vendor.sh refreshes it).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeTags are the rules checked: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeViolation is one rule a page breaks, with the elements that break it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// TestAxeEveryPage runs axe-core on every page — one address of each
// route, as the first of the demo's coordinator, focal person, leader and
// operator who reaches it by links from home sees it — at phone and
// desktop widths: no violation of a WCAG 2.1 AA rule. One browser and one
// tab serve every page, each route once, so the run stays within a few
// minutes on two cores.
func TestAxeEveryPage(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	b.open("/login")
	b.axe("login", "/login")
	done := map[string]bool{} // route patterns checked
	for _, login := range []string{"gialai", "pleiku", "lanhdao", "admin"} {
		pages := pagesOf(t, s, login, done)
		t.Logf("%s: %d pages not yet checked", login, len(pages))
		if len(pages) == 0 {
			continue
		}
		b.open("/login")
		b.fill(`input[name=login]`, login)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
		for _, w := range []struct {
			name   string
			width  int64
			height int64
			mobile bool
		}{{"360", phone.W, phone.H, true}, {"1280", 1280, 800, false}} {
			if w.mobile {
				b.do("phone", chromedp.EmulateViewport(w.width, w.height, chromedp.EmulateMobile, chromedp.EmulatePortrait))
			} else {
				b.do("desktop", chromedp.EmulateViewport(w.width, w.height))
			}
			for _, p := range pages {
				b.open(p)
				b.axe(login+" "+w.name, p)
			}
		}
		b.do("phone", chromedp.EmulateViewport(phone.W, phone.H, chromedp.EmulateMobile, chromedp.EmulatePortrait))
		// the next account signs in after this one signs out; the form is
		// submitted, not clicked: on a phone it sits in the folded menu,
		// and a click taken while that menu was still opening missed it
		// once (no page came, the step timed out) — the menu and its
		// button are the keyboard and click tests' (TestKeyboardOnly)
		b.load("sign out", chromedp.Submit(chromedp.CSS(`form[action="/logout"] button`), chromedp.NodeReady))
	}
}

// axe injects axe-core into the page shown and fails the test for every
// rule it breaks.
func (b *browser) axe(who, path string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	tags, _ := json.Marshal(axeTags)
	js := `(async () => {
		if (!window.axe) { (0, eval)(` + jsString(axeSource) + `); }
		const r = await axe.run(document, {runOnly: {type: "tag", values: ` + string(tags) + `}, resultTypes: ["violations"]});
		return JSON.stringify(r.violations);
	})()`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("axe on %s: %v", path, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		b.t.Fatalf("axe on %s: %v", path, err)
	}
	for _, v := range vs {
		var where []string
		for i, n := range v.Nodes {
			if i == 5 {
				where = append(where, fmt.Sprintf("… %d more", len(v.Nodes)-5))
				break
			}
			where = append(where, fmt.Sprint(n.Target)+": "+strings.ReplaceAll(n.Summary, "\n", " "))
		}
		b.t.Errorf("%s %s: %s (%s) %s\n    %s", who, path, v.ID, v.Impact, v.Help, strings.Join(where, "\n    "))
	}
}

// pagesOf lists one address of each page route that login reaches by
// links from home and that is not done yet: the HTML pages, not the files,
// the API or the htmx fragments.
func pagesOf(t *testing.T, s *apptest.Server, login string, done map[string]bool) []string {
	c := s.Login(t, login)
	isPage := map[string]bool{}
	for _, r := range s.Router.Routes() {
		if r.Method == http.MethodGet && r.Access == httpx.Session && !strings.Contains(r.Pattern, ".") &&
			!strings.HasPrefix(r.Pattern, "/pick") && !strings.HasPrefix(r.Pattern, "/files/") && r.Pattern != "/notifications/count" {
			isPage[r.Pattern] = true
		}
	}
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	walked := map[string]bool{}
	var out []string
	queue := []string{"/"}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		_, pattern := s.Router.Mux().Handler(req)
		_, pattern, _ = strings.Cut(pattern, " ")
		if !isPage[pattern] || walked[pattern] {
			continue
		}
		walked[pattern] = true
		resp, body := c.Get(path)
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && strings.HasPrefix(loc, "/") {
			walked[pattern] = false // home sends the user on: follow it
			queue = append(queue, loc)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			continue
		}
		if !done[pattern] {
			done[pattern] = true
			out = append(out, path)
		}
		for _, m := range href.FindAllStringSubmatch(string(body), -1) {
			next := html.UnescapeString(m[1])
			if u, err := url.Parse(next); err == nil && u.Query().Get("d") == "" {
				queue = append(queue, next)
			}
		}
	}
	sort.Strings(out)
	return out
}
