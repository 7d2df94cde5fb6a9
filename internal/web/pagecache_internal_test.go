package web

import (
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
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
