package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// maxPageBytes is the most HTML one page may send: on a phone over a
// slow connection a page beyond it takes seconds to arrive and to lay out
// (a course of 3,209 learners was 1.45 MB). Long lists are paged.
const maxPageBytes = 200 << 10

// perPattern is how many addresses of one route the walk opens: enough to
// meet the demo's large records (the biggest course, the province) without
// opening every one of thousands.
const perPattern = 6

// TestEveryPageLightAndWorded walks the pages as the demo's users see
// them — from home, following every link of the site, each route a few
// times (its first addresses met) — and checks each page: under
// maxPageBytes of HTML; no indicator code in what a person reads (text,
// tooltips, labels, options: an indicator is named by its name); no
// catalogue key left untranslated. A route the walk never reaches is
// opened with the fixtures' records, so every page is checked.
func TestEveryPageLightAndWorded(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		codes := indicatorCodes(t, s)
		keys := catalogueKeyPrefixes(s)
		for _, login := range []string{"gialai", "pleiku", "admin"} {
			t.Run(login, func(t *testing.T) {
				c := s.Login(t, login)
				w := &walk{t: t, s: s, c: c, codes: codes, keys: keys, seen: map[string]bool{}, perPattern: map[string]int{}}
				w.run("/")
				// the routes no link reached: opened with the fixtures
				f := ownTarget(t, s, login)
				for _, r := range s.Router.Routes() {
					if !w.isPage(r) || w.perPattern[r.Pattern] > 0 {
						continue
					}
					path, err := f.fill(r.Pattern)
					if err != nil {
						t.Fatal(err)
					}
					w.visit(path, r.Pattern)
				}
				t.Logf("%s: %d pages, the largest %s (%d KB)", login, len(w.seen), w.largest, w.largestSize>>10)
			})
		}
	})
}

type walk struct {
	t           *testing.T
	s           *apptest.Server
	c           *apptest.Client
	codes       *regexp.Regexp
	keys        *regexp.Regexp
	seen        map[string]bool
	perPattern  map[string]int
	largest     string
	largestSize int
	next        string // where the last page redirected to
}

// isPage reports whether r is an HTML page a person opens by a link:
// not the API, not a file, not a fragment for htmx.
func (w *walk) isPage(r httpx.Route) bool {
	if r.Method != http.MethodGet || isAPI(r) || r.Access == httpx.Public && r.Pattern != "/login" {
		return false
	}
	switch {
	case strings.Contains(r.Pattern, "."), strings.HasPrefix(r.Pattern, "/files/"), strings.HasPrefix(r.Pattern, "/pick"),
		r.Pattern == "/notifications/count", strings.HasPrefix(r.Pattern, "/static/"), r.Pattern == "/healthz":
		return false
	}
	return true
}

var hrefPattern = regexp.MustCompile(`href="(/[^"#]*)"`)

// run opens start and every page it links to, breadth first.
func (w *walk) run(start string) {
	queue := []string{start}
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		if w.seen[path] {
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, w.s.URL+path, nil)
		_, pattern := w.s.Router.Mux().Handler(req)
		_, pattern, _ = strings.Cut(pattern, " ")
		route := httpx.Route{Method: http.MethodGet, Pattern: pattern}
		for _, r := range w.s.Router.Routes() {
			if r.Method == http.MethodGet && r.Pattern == pattern {
				route = r
			}
		}
		if pattern == "" || !w.isPage(route) || w.perPattern[pattern] >= perPattern {
			continue
		}
		body := w.visit(path, pattern)
		if w.next != "" { // home sends the user on: follow it
			queue = append(queue, w.next)
			w.next = ""
		}
		for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
			next := html.UnescapeString(m[1])
			if u, err := url.Parse(next); err == nil && u.Query().Get("d") == "" && !w.seen[next] {
				queue = append(queue, next)
			}
		}
	}
}

// visit opens one page and checks it; it returns the page.
func (w *walk) visit(path, pattern string) string {
	w.t.Helper()
	w.seen[path] = true
	w.perPattern[pattern]++
	resp, b := w.c.Get(path)
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && strings.HasPrefix(loc, "/") {
		w.perPattern[pattern]--
		w.next = loc
		return ""
	}
	if resp.StatusCode != http.StatusOK {
		if resp.StatusCode >= 500 {
			w.t.Errorf("%s: %d", path, resp.StatusCode)
		}
		return ""
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		return ""
	}
	body := string(b)
	if len(b) > maxPageBytes {
		w.t.Errorf("%s is %d KB of HTML (at most %d KB): page its lists", path, len(b)>>10, maxPageBytes>>10)
	}
	if len(b) > w.largestSize {
		w.largest, w.largestSize = path, len(b)
	}
	read := spoken(body)
	if w.codes != nil {
		if m := w.codes.FindString(read); m != "" {
			w.t.Errorf("%s shows the indicator code %s: %s", path, m, around(read, m))
		}
	}
	if m := w.keys.FindString(read); m != "" {
		w.t.Errorf("%s shows the untranslated catalogue key %s: %s", path, m, around(read, m))
	}
	if m := internalWord.FindStringSubmatch(body); m != nil {
		w.t.Errorf("%s has a tooltip or label that is an internal word, not a translated one: %s", path, m[0])
	}
	return body
}

var (
	anyTag     = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	tagPattern = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<!--.*?-->|<[^>]*>`)
	// internalWord is a tooltip or label that is a status's stored word
	// (title="amber") or a snake_case key instead of its translation
	internalWord     = regexp.MustCompile(`\s(?:title|aria-label)="(?:green|amber|red|none|[a-z]+(?:_[a-z]+)+)"`)
	readableAttrs    = regexp.MustCompile(`\s(?:title|aria-label|placeholder|alt)="([^"]*)"`)
	inputValuePatten = regexp.MustCompile(`<input[^>]*\stype="(?:submit|button)"[^>]*\svalue="([^"]*)"`)
)

// spoken is what a person reads of a page: its text and the attributes
// that are shown or spoken (tooltips, labels, placeholders, image texts).
// Form values (what a user typed) are not: they are data, not words of
// the page; nor is the example of a field where an administrator types
// codes (a formula), marked data-code-field.
func spoken(page string) string {
	var b strings.Builder
	for _, tag := range anyTag.FindAllString(page, -1) {
		if strings.Contains(tag, "data-code-field") {
			continue
		}
		for _, m := range readableAttrs.FindAllStringSubmatch(tag, -1) {
			b.WriteString(html.UnescapeString(m[1]) + "\n")
		}
	}
	for _, m := range inputValuePatten.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]) + "\n")
	}
	b.WriteString(html.UnescapeString(tagPattern.ReplaceAllString(page, " ")))
	return b.String()
}

func around(s, m string) string {
	i := strings.Index(s, m)
	from, to := max(0, i-60), min(len(s), i+len(m)+60)
	for from > 0 && s[from]&0xc0 == 0x80 {
		from--
	}
	for to < len(s) && s[to]&0xc0 == 0x80 {
		to++
	}
	return strings.Join(strings.Fields(s[from:to]), " ")
}

// indicatorCodes matches any indicator code of the database as a word.
func indicatorCodes(t *testing.T, s *apptest.Server) *regexp.Regexp {
	rows, err := s.DB.QueryContext(context.Background(), `SELECT code FROM indicators`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var alts []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		alts = append(alts, regexp.QuoteMeta(c))
	}
	if len(alts) == 0 {
		t.Fatal("no indicators in the demo")
	}
	sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	return regexp.MustCompile(`\b(?:` + strings.Join(alts, "|") + `)\b`)
}

// catalogueKeyPrefixes matches a word that looks like a catalogue key
// ("people.err.x"): one of the catalogue's first parts, a dot, more.
func catalogueKeyPrefixes(s *apptest.Server) *regexp.Regexp {
	first := map[string]bool{}
	for k := range s.Catalog.Keys("vi") {
		if head, _, ok := strings.Cut(k, "."); ok {
			first[regexp.QuoteMeta(head)] = true
		}
	}
	var alts []string
	for h := range first {
		alts = append(alts, h)
	}
	sort.Strings(alts)
	return regexp.MustCompile(fmt.Sprintf(`\b(?:%s)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b`, strings.Join(alts, "|")))
}
