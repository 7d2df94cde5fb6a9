package web

import (
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// TestPageCacheBounds: the cache keeps at most pageCacheEntries entries and
// pageCacheBytes bytes, drops the least recently used first, refuses an
// entry over pageCacheMaxEntry, and forgets an entry whose generations
// moved or met on another day.
func TestPageCacheBounds(t *testing.T) {
	today := day.Of(2026, 11, 22)
	key := func(i int) pageKey { return pageKey{user: int64(i), uri: "/people?"} }
	entry := func(i, size int) *pageEntry {
		return &pageEntry{key: key(i), deps: []db.Dep{{Name: "a", Gen: 1}}, today: today, html: template.HTML(strings.Repeat("x", size))}
	}
	a1 := db.GensOf(map[string]int64{"a": 1, "b": 7})
	a2 := db.GensOf(map[string]int64{"a": 2, "b": 7})
	c := newPageCache()
	for i := range pageCacheEntries + 10 {
		c.put(entry(i, 10))
		if i == pageCacheEntries-1 { // full: the first entry is used again
			if c.get(key(0), a1, today) == nil {
				t.Fatal("a fresh entry is not found")
			}
		}
	}
	if n, _, _, _ := c.kept.Stats(); n != pageCacheEntries {
		t.Fatalf("%d entries kept, want the bound %d", n, pageCacheEntries)
	}
	if c.get(key(0), a1, today) == nil {
		t.Error("an entry used again was dropped before older ones")
	}
	if c.get(key(1), a1, today) != nil {
		t.Error("the least recently used entry is still kept")
	}
	c = newPageCache()
	big := pageCacheMaxEntry / 2
	for i := range pageCacheBytes/big + 5 {
		c.put(entry(i, big))
	}
	if n, bytes, _, _ := c.kept.Stats(); bytes > pageCacheBytes || bytes != n*big {
		t.Fatalf("%d bytes kept in %d entries, bound %d", bytes, n, pageCacheBytes)
	}
	c.put(entry(-1, pageCacheMaxEntry+1))
	if c.get(key(-1), a1, today) != nil {
		t.Error("an entry over the bound of one was kept")
	}
	last := pageCacheBytes/big + 4
	if c.get(key(last), db.GensOf(map[string]int64{"a": 1, "b": 8}), today) == nil {
		t.Error("an entry was dropped when a generation it did not read moved")
	}
	if c.get(key(last), a2, today) != nil {
		t.Error("an entry was served when a generation it read moved")
	}
	if c.get(key(last), a1, today) != nil {
		t.Error("an entry met with a generation moved is still kept")
	}
	c.put(entry(last, 10))
	if c.get(key(last), a1, today.AddDays(1)) != nil {
		t.Error("an entry was served on another day")
	}
	full := []byte(fmt.Sprint("page"))
	e := entry(7, 10)
	c.put(e)
	c.setFull(e, full)
	if got := c.fullOf(e); string(got) != "page" {
		t.Errorf("the whole page is %q", got)
	}
}

// TestWrittenPagesAreTheirTemplate: a page that hands its content over as
// written (writtenPage) skips its "content" template, so that template must
// write the same bytes — {{.Body}} and nothing around it.
func TestWrittenPagesAreTheirTemplate(t *testing.T) {
	s, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	body := template.HTML(`<section class="card"><h1>Trang chủ &amp; việc</h1></section>`)
	for name, data := range map[string]writtenPage{"home": &homePage{Body: body},
		"tasks": &taskListPage{Body: body}, "plans_dashboard": &planDashPage{Body: body},
		"unit": &unitPage{Body: body}, "people": &peoplePage{Body: body},
		"indicators": &dashboardPage{Body: body}, "compliance": &complianceShowPage{Body: body}} {
		tmpl, err := s.pages[name].template()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := tmpl.ExecuteTemplate(&b, "content", data); err != nil {
			t.Fatal(name, err)
		}
		if got := b.String(); got != string(data.written()) {
			t.Errorf("%s: the template writes %q, the page hands over %q", name, got, data.written())
		}
	}
}

// TestKeptContentOutlivesItsBuffer: a written page's content goes back to
// pageBufs once the shell has copied it, and the page cache keeps the
// content as the part of the whole page it is (renderCaptured); pages
// rendered after it, written into the same buffers, must leave every kept
// content and whole page as it was sent, with a flash message too (then
// the content is a copy of its own), and the cache counts such a page's
// bytes once.
func TestKeptContentOutlivesItsBuffer(t *testing.T) {
	s, err := New(Deps{Catalog: locale.MustLoadCatalog()})
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := s.pages["plans_dashboard"].template()
	if err != nil {
		t.Fatal(err)
	}
	today := day.Of(2026, 12, 4)
	type sent struct {
		c             *capture
		content, full string
	}
	var all []sent
	for i := range 40 {
		dp := &planDashPage{Page: Page{L: s.Catalog.Printer("vi"), AsOf: today, Today: today, Path: "/plans/dashboard"}}
		if i%5 == 3 {
			dp.Flash = "Đã lưu"
		}
		w := pooledHW()
		w.raw(fmt.Sprintf("<h1>Trang %d</h1>", i)).raw(strings.Repeat(fmt.Sprintf("<p>%d &amp; %d</p>", i, i*i), 200*(1+i%7)))
		dp.Body = dp.set(w)
		content := strings.Clone(string(dp.Body)) // copied before it goes back
		c := &capture{}
		out, err := s.renderCaptured(c, tmpl, dp)
		if err != nil {
			t.Fatal(err)
		}
		if !c.ok || string(c.html) != content || !strings.Contains(string(out), content) {
			t.Fatalf("page %d: the kept content is not what was written", i)
		}
		if within(string(c.html), c.full) == (dp.Flash != "") {
			t.Errorf("page %d (flash %q): the content is a part of the whole page: %v", i, dp.Flash, !within(string(c.html), c.full))
		}
		all = append(all, sent{c, content, string(out)})
	}
	for i, a := range all {
		if string(a.c.html) != a.content || string(a.c.full) != a.full {
			t.Fatalf("page %d changed after the pages rendered after it: content %v full %v\n%.300q\n%.300q", i, string(a.c.html) == a.content, string(a.c.full) == a.full, a.c.html, a.content)
		}
	}
	c := newPageCache()
	a := all[0]
	e := &pageEntry{key: pageKey{user: 1, uri: "/plans/dashboard?"}, deps: []db.Dep{{Name: "plans", Gen: 1}}, today: today, html: a.c.html}
	e.full.Store(&a.c.full)
	c.put(e)
	if _, bytes, _, _ := c.kept.Stats(); bytes != len(a.full) {
		t.Errorf("a page kept with its content as its part counts %d bytes, want %d", bytes, len(a.full))
	}
}
