package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// The page cache. Most of a common page's server CPU went into executing its
// template (the unit page's 135 communes, the dashboard's 12 × 12 figures)
// and computing its data from the in-memory copies — for a page that
// depends only on who asks (the user: role and scope), the address, the
// language, the day, and the data, whose every change moves a generation.
// So the content of such a page (the "content" template, without the shell)
// is kept for the user and served again while the day and what its
// rendering read are unchanged: the generations it asked for (db.Watch
// notes them — the tree, a period's values, the network…), all of them if
// it asked for all (db.Generations), the accounts' (who asks: read before
// the page, by the authentication), and the audit log's head if it sent any
// statement of its own — a table read directly, which no generation guards
// but whose every write is audited in its own transaction. So a value saved
// drops the pages that show figures, and leaves the network's, the tasks'
// and the people's pages kept. The shell (layout.html: the account, the
// flash message, the language switch) is rendered for each request, so
// nothing that belongs to one request is kept.
//
// Kept per user, never shared between users: two users of one scope may
// still differ in role or assignments, and one user's page can never reach
// another. A write, by this server or another, moves a generation and the
// next request of every page that read it misses; an entry found changed
// is replaced by its fresh rendering.
//
// Bounds: at most pageCacheEntries pages (2,000) and pageCacheBytes (8 MB)
// of kept HTML in all (each entry's whole page, its content a part of it;
// the content alone while no whole page is kept); an entry larger
// than pageCacheMaxEntry (1 MB) is not kept (no page sends more than 200 KB:
// internal/app/pages_test.go). The least recently used entries leave first.
// 8 MB, not 24: a national server is held under 300 MB of RSS (issue 14),
// its live heap is 150–160 MB after the mix, and the RSS is the soft limit
// (224 MiB, or 1.5 × a live heap above it) and ≈ 40 MB more. Filled to
// 24 MB by many different pages, the page cache took the live heap to
// 173 MB and the RSS to 292–324 MB (stop 25). 8 MB holds the mix's working
// set (32 pages, 2.7 MB for four users on the national database) and 130–400
// pages of 20–60 KB (a province's plans dashboard is 236 KB): a page missed
// is rebuilt in about a millisecond.
const (
	pageCacheEntries  = 2000
	pageCacheBytes    = 8 << 20
	pageCacheMaxEntry = 1 << 20
	// auditGeneration follows the audit log's head: every audited write
	// (every write of every feature) moves it in its transaction.
	auditGeneration = "audit"
	// accountsGeneration is the accounts' (internal/auth): who asks, as
	// the authentication read it before the page.
	accountsGeneration = "auth"
)

type pageKey struct {
	user    int64
	role    string
	scope   int64
	lang    string
	uri     string
	partial bool
	today   day.Day // the day it was made on: met on another, it is not found
}

type pageEntry struct {
	key  pageKey
	page Page          // the shell's data, as the handler made it (without the request's own bits)
	html template.HTML // the rendered "content" (a part of full's bytes, when full was made with it)
	// full is the whole page as sent when the request has no flash message
	// (the only part of the shell that is not the user's, the address's or
	// the data's): made at the first such request, then sent as it is.
	full atomic.Pointer[[]byte]
	// deps are the generations the rendering read, with their values then
	// (all of them when allGens); the entry stands while they are unchanged.
	deps    []db.Dep
	allGens bool
	today   day.Day
}

// pageCache is the one cache of things kept by generations (db.Kept), of
// pages, within the bounds above.
type pageCache struct {
	kept *db.Kept[pageKey, *pageEntry]
}

func newPageCache() *pageCache {
	return &pageCache{kept: db.NewKept[pageKey, *pageEntry](pageCacheEntries, pageCacheBytes, pageCacheMaxEntry)}
}

// get is k's entry while what it read (deps) is as in gens, the request's
// read of every generation, and today is its day.
func (c *pageCache) get(k pageKey, gens db.Gens, today day.Day) *pageEntry {
	k.today = today
	e, _ := c.kept.Get(k, gens)
	return e
}

func (c *pageCache) put(e *pageEntry) {
	e.key.today = e.today
	size := len(e.html)
	if f := e.full.Load(); f != nil {
		size = len(*f)
		if !within(string(e.html), *f) {
			size += len(e.html)
		}
	}
	c.kept.Put(e.key, e, e.deps, e.allGens, size)
}

// setFull keeps an entry's whole page, if the entry is still kept.
func (c *pageCache) setFull(e *pageEntry, full []byte) {
	c.kept.Grow(e.key, e, func() int {
		if e.full.Load() != nil {
			return 0
		}
		e.full.Store(&full)
		return len(full)
	})
}

// fullOf is an entry's whole page, nil until made.
func (c *pageCache) fullOf(e *pageEntry) []byte {
	if f := e.full.Load(); f != nil {
		return *f
	}
	return nil
}

// Stats are the page cache's counts: entries, bytes of content, hits and misses.
func (s *Server) PageCacheStats() (entries, bytes int, hits, misses int64) {
	return s.cache.kept.Stats()
}

type captureKey struct{}

// capture receives the page that render made for a cached handler.
type capture struct {
	page *Page
	html template.HTML
	full []byte // the whole page, when it had no flash message
	ok   bool
}

// pager is any page's data: a struct embedding Page.
type pager interface{ base() *Page }

// writtenPage is a page whose content is written in Go (its template's
// "content" is {{.Body}} alone): renderCaptured takes that content as it
// is rather than copying it through html/template — for a province's task
// list, hundreds of KB a rebuild.
type writtenPage interface{ written() template.HTML }

func (p *Page) base() *Page { return p }

// cached serves h's page from the page cache while nothing it can show has
// changed (see above). Only a page whose content depends on nothing but the
// user, the address, the language, the day and data guarded by generations
// may be wrapped: no per-row forms with the request's values, no random
// parts.
func (s *Server) cached(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := httpx.User(r)
		if r.Method != http.MethodGet || u == nil || s.DB == nil {
			h(w, r)
			return
		}
		// read before the page, so that what it shows is at least as new
		gens, err := s.DB.GenerationsByName(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p := s.page(r, "")
		k := pageKey{user: u.ID, role: string(u.Role), scope: u.ScopeUnitID, lang: p.L.Lang,
			uri: r.URL.Path + "?" + r.URL.Query().Encode(), partial: p.Partial}
		if e := s.cache.get(k, gens, p.Today); e != nil {
			if p.Flash == "" {
				if full := s.cache.fullOf(e); full != nil {
					s.write(w, r, http.StatusOK, full)
					return
				}
			}
			cp := e.page
			cp.L, cp.User, cp.Actor, cp.Flash = p.L, p.User, p.Actor, p.Flash
			if out := s.shell(&cp, e.html); out != nil {
				if p.Flash == "" {
					s.cache.setFull(e, out)
				}
				s.write(w, r, http.StatusOK, out)
				return
			}
		}
		c := &capture{}
		ctx, rd := db.Watch(context.WithValue(r.Context(), captureKey{}, c))
		h(w, r.WithContext(ctx))
		if !c.ok {
			return
		}
		also := []string{accountsGeneration}
		if rd.Direct() {
			also = append(also, auditGeneration)
		}
		deps, all, ok := rd.Deps(gens, also...)
		if !ok {
			return
		}
		noFlash := c.page.Flash == ""
		c.page.User, c.page.Actor, c.page.Flash = nil, nil, ""
		e := &pageEntry{key: k, deps: deps, allGens: all, today: p.Today, page: *c.page, html: c.html}
		if noFlash && c.full != nil {
			e.full.Store(&c.full)
		}
		s.cache.put(e)
	}
}

// cachedPage is the shell's data around a kept content.
type cachedPage struct {
	*Page
	Content template.HTML
}

// shell renders the layout around a rendered content (or the content alone
// for htmx).
func (s *Server) shell(p *Page, content template.HTML) []byte {
	out, _ := s.shellAt(p, content)
	return out
}

// shellAt is shell, with where the content starts in the page (-1: not
// known, the shell's template wrote it).
func (s *Server) shellAt(p *Page, content template.HTML) ([]byte, int) {
	if p.Partial {
		return []byte(content), 0
	}
	if out, at, ok := writeShell(p, content); ok { // layout.html, written in Go (shell.go)
		return out, at
	}
	var buf bytes.Buffer
	if err := s.shellT.ExecuteTemplate(&buf, "layout.html", cachedPage{Page: p, Content: content}); err != nil {
		s.Log.Error("render", "template", "shell", "err", err)
		return nil, -1
	}
	return buf.Bytes(), -1
}

// renderCaptured renders a page of a cached handler: its content once,
// then the shell around it. The content is kept (c.html) as the part of
// the whole page it is, not as a copy of its own: what it was written
// into (a template's pooled buffer, or a pooledPage's) goes back to
// pageBufs once the shell has copied it. Only with a flash message, when
// the whole page is not kept, is the content copied out at its size.
func (s *Server) renderCaptured(c *capture, t *template.Template, data any) ([]byte, error) {
	pg, ok := data.(pager)
	if !ok {
		var buf bytes.Buffer
		err := t.ExecuteTemplate(&buf, "layout.html", data)
		return buf.Bytes(), err
	}
	var html template.HTML
	if w, ok := data.(writtenPage); ok {
		html = w.written()
		if pp, ok := data.(pooledPage); ok {
			defer pp.releaseContent()
		}
	} else {
		buf := pooledBuffer()
		defer releaseBuffer(buf)
		if err := t.ExecuteTemplate(buf, "content", data); err != nil {
			return nil, err
		}
		html = template.HTML(bytesView(buf.Bytes()))
	}
	p := *pg.base()
	out, at := s.shellAt(&p, html)
	if out == nil {
		return nil, errShell
	}
	if at >= 0 && p.Flash == "" {
		html = template.HTML(bytesView(out[at : at+len(html)]))
	} else {
		html = template.HTML(strings.Clone(string(html)))
	}
	c.page, c.html, c.full, c.ok = &p, html, out, true
	return out, nil
}

// pooledPage is a written page whose content is in a buffer of pageBufs
// (pooledContent): renderCaptured gives it back after the shell.
type pooledPage interface{ releaseContent() }

// pooledContent is a written page's content buffer, from pageBufs: a
// rebuilt page is then written without growing a buffer of its own (a
// province's plans dashboard is 230 KB), and renderCaptured keeps the
// content as part of the whole page. Its Body is not read after
// releaseContent.
type pooledContent struct{ w *hw }

// set takes w, from pooledHW, as the page's content.
func (c *pooledContent) set(w *hw) template.HTML {
	c.w = w
	return w.owned()
}

func (c *pooledContent) releaseContent() {
	if c.w != nil {
		c.w.release()
		c.w = nil
	}
}

// bytesView is b as a string without copying it: b is not written again
// while the string is used.
func bytesView(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// within reports whether s is a part of b (the kept content of the whole
// page kept: counted once in the cache's bytes).
func within(s string, b []byte) bool {
	if len(s) == 0 || len(b) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return p >= lo && p+uintptr(len(s)) <= lo+uintptr(len(b))
}

type shellError struct{}

func (shellError) Error() string { return "the shell around a kept page failed" }

var errShell error = shellError{}
