// Package web is the HTML interface: server-rendered pages, one template
// set per page, progressively enhanced with htmx. Every handler gets the
// signed-in user from the request and passes it to the services, which
// decide what that user may see and do.
package web

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/home"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/imports"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/report"
	"strconv"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the pages need.
type Deps struct {
	DB      *db.DB
	Org     *org.Service
	Auth    *auth.Service
	People  *people.Service
	Network *network.Service
	Plans   *plans.Service
	// Indicators and Assess are periodic reporting and assessment.
	Indicators *indicator.Service
	Assess     *assess.Service
	// Reports are the periodic reports.
	Reports *report.Service
	// Home is each user's first screen.
	Home *home.Service
	// Imports runs the sheet imports as jobs (issue 12).
	Imports *imports.Service
	// ImportWait is how long an import's request waits for its job before
	// answering with the job's progress page (a small sheet's result is then
	// the answer itself); a sheet of at most smallSheet bytes is always
	// waited for. Zero is a second.
	ImportWait time.Duration
	Files      *files.Store
	Catalog    *locale.Catalog
	Now        func() time.Time
	Log        *slog.Logger
	// SecureCookies marks cookies Secure; on unless serving plain HTTP on
	// a developer's machine.
	SecureCookies bool
	// Proxies are the reverse proxies whose X-Forwarded-For is believed.
	Proxies httpx.Proxies
}

// Server renders the pages.
type Server struct {
	Deps
	pages      map[string]*page
	loginLimit *auth.LoginLimiter
	// cache keeps the content of the common pages (pagecache.go); shellT
	// is the layout around a kept content.
	cache  *pageCache
	shellT *template.Template
}

// New parses the templates.
func New(d Deps) (*Server, error) {
	s := &Server{Deps: d, pages: map[string]*page{}, loginLimit: auth.NewLoginLimiter(), cache: newPageCache()}
	if d.DB != nil {
		d.DB.Follow(auditGeneration, `SELECT seq FROM audit_head WHERE id = 1`)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// the layout and the partials are parsed once and cloned for each page:
	// parsing them again for every page was most of the server's start
	shared, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("template layout: %w", err)
	}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		s.pages[base] = &page{shared: shared, file: n}
	}
	s.shellT, err = assemble(shared, func(t *template.Template) (*template.Template, error) {
		return t.Parse(`{{define "content"}}{{.Content}}{{end}}`)
	})
	if err != nil {
		return nil, fmt.Errorf("template shell: %w", err)
	}
	return s, nil
}

// page is one page's template: the page's file with a copy of the shared
// layout and of the partials it calls (assemble), made the first time the
// page is rendered (or by ParseAll). Cloning the shared parse trees for
// each of the 65 pages was two thirds of building the handler, which every
// start waited for before listening (issue 14, item 7); the sign-in page
// needs only its own.
type page struct {
	shared *template.Template // never executed, only copied from
	file   string
	once   sync.Once
	t      *template.Template
	err    error
}

func (p *page) template() (*template.Template, error) {
	p.once.Do(func() {
		p.t, p.err = assemble(p.shared, func(t *template.Template) (*template.Template, error) {
			return t.ParseFS(templateFS, p.file)
		})
		if p.err != nil {
			p.err = fmt.Errorf("template %s: %w", p.file, p.err)
		}
	})
	return p.t, p.err
}

// assemble makes a page's template set: its own templates (define) and a
// copy of the shared layout's and partials' parse trees that they and the
// layout call, and no other. html/template copies every tree of a set it
// clones (its escaping rewrites them), so a clone of the shared set for
// each page held all 12 partial files' trees 65 times over: ≈ 18 MB of the
// live heap for the ≈ 2 partials a page calls (issue 14, item 4). A
// template call names its template by a constant, so what a set's entries
// ("layout.html", "content") can reach is known from the trees: a page
// executes exactly what it did as a clone.
func assemble(shared *template.Template, define func(*template.Template) (*template.Template, error)) (*template.Template, error) {
	t, err := define(template.New(shared.Name()).Funcs(funcs))
	if err != nil {
		return nil, err
	}
	own := func(name string) bool { // defined by the page itself, as a clone's later parse would win
		o := t.Lookup(name)
		return o != nil && o.Tree != nil && !parse.IsEmptyTree(o.Tree.Root)
	}
	// every template the page defines, and the layout, then what they call
	todo := []string{shared.Name()}
	for _, o := range t.Templates() {
		todo = append(todo, o.Name())
	}
	seen := map[string]bool{}
	for len(todo) > 0 {
		name := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[name] {
			continue
		}
		seen[name] = true
		src := t.Lookup(name)
		if !own(name) {
			if src = shared.Lookup(name); src == nil || src.Tree == nil {
				continue // undefined: executing it fails as it did in a clone
			}
			if _, err := t.AddParseTree(name, src.Tree.Copy()); err != nil {
				return nil, err
			}
		}
		if src.Tree != nil {
			calls(src.Tree.Root, func(callee string) { todo = append(todo, callee) })
		}
	}
	return t, nil
}

// calls tells the name of every template a parse tree calls.
func calls(n parse.Node, f func(string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				calls(c, f)
			}
		}
	case *parse.TemplateNode:
		f(n.Name)
	case *parse.IfNode:
		calls(n.List, f)
		calls(n.ElseList, f)
	case *parse.RangeNode:
		calls(n.List, f)
		calls(n.ElseList, f)
	case *parse.WithNode:
		calls(n.List, f)
		calls(n.ElseList, f)
	}
}

// ParseAll makes every page's template now, and returns the first error:
// the server calls it once it listens (so that a broken template is logged
// at the start, not at its page's first visit), the tests before serving.
func (s *Server) ParseAll() error {
	var first error
	for _, p := range s.pages {
		if _, err := p.template(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

var funcs = template.FuncMap{
	// rows written in Go (plans_rows.go, units_rows.go)
	"taskRows": taskRows, "stackBars": stackBars, "stackFigures": stackFigures, "reviewRows": reviewRows,
	"childRows": childRows, "coverageRows": coverageRows, "peopleRows": peopleRows, "complianceGroups": complianceGroups,
	"add": func(a, b int) int { return a + b },
	"neg": func(a int) int { return -a },
	// dict passes several values to a sub-template.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"deref": func(f *float64) float64 {
		if f == nil {
			return 0
		}
		return *f
	},
	"seq": func(from, to int) []int {
		var out []int
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	},
	// personForm fills the person fields from a stored person, for the
	// edit form of the person page.
	"personForm": func(p *personPage, person *people.Person) map[string]any {
		form := map[string]string{"full_name": person.FullName, "gender": person.Gender, "title": person.Title,
			"phone": person.Phone, "email": person.Email, "employment": string(person.Employment),
			"qualification_level": string(person.QualLevel), "qualification_field": person.QualField}
		if person.BirthYear != 0 {
			form["birth_year"] = fmt.Sprint(person.BirthYear)
		}
		if person.QualIT {
			form["qualification_it"] = "on"
		}
		return map[string]any{"L": p.L, "Form": form, "Options": p.Options}
	},
	// parseTime reads an audit timestamp.
	"parseTime": func(s string) time.Time {
		t, _ := time.Parse(audit.TimeLayout, s)
		return t
	},
}

// Page is what every page's data carries: the language, the user, and the
// date the page is viewed "as of".
type Page struct {
	L       *locale.Printer
	User    *auth.User
	Actor   *auth.Actor
	AsOf    day.Day
	Today   day.Day
	Title   string
	Nav     string // which menu entry is current
	Path    string // request path, for the language switch and the date form
	Pattern string // the route's pattern without its method, "/units/{id}"
	Query   url.Values
	Flash   string
	Errors  []string
	Partial bool // rendered for htmx, without the layout
	// Refresh reloads the page after so many seconds when script is off
	// (a running import's progress).
	Refresh int
}

// IsToday reports whether the page shows the present.
func (p *Page) IsToday() bool { return p.AsOf.Equal(p.Today) }

// datedPages are the pages whose content changes with the as-of date: only
// they show the date form in the header. An entry form, an import or an
// account page would only lose the user's typing to it, and on a phone
// the form costs a row of the header.
var datedPages = map[string]bool{
	"/{$}": true, "/units": true, "/units/{id}": true, "/units/{id}/apparatus": true, "/search": true,
	"/people": true, "/people/{id}": true, "/training": true,
	"/compliance": true, "/compliance/trend": true, "/compliance/failing": true,
	"/network": true, "/network/monthly": true, "/network/teams": true, "/network/teams/{id}": true,
	"/network/teams/{id}/activities": true, "/network/orgs": true, "/network/orgs/{id}": true,
	"/plans": true, "/plans/{id}": true, "/plans/dashboard": true, "/plans/overdue": true,
	"/tasks": true, "/tasks/{id}": true,
	"/indicators": true, "/indicators/{id}": true, "/forms/{id}/completeness": true,
}

// Dated reports whether the header offers the as-of date form: on the
// pages it changes, and on any page viewed in the past (so the way back
// to today is always there).
func (p *Page) Dated() bool { return datedPages[p.Pattern] || !p.IsToday() }

// U builds a link that keeps the as-of date: {{.U "/units/5"}}.
func (p *Page) U(target string, kv ...any) string {
	q := url.Values{}
	if !p.IsToday() {
		q.Set("d", p.AsOf.String())
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(fmt.Sprint(kv[i]), fmt.Sprint(kv[i+1]))
	}
	if len(q) == 0 {
		return target
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	return target + sep + q.Encode()
}

// Can reports whether the user's role grants a permission.
func (p *Page) Can(perm string) bool { return p.Actor.Can(auth.Permission(perm)) }

// LevelName is a level's name in the page's language.
func (p *Page) LevelName(l org.Level) string { return p.L.T("level." + string(l)) }

// LevelPlural is "170 xã" / "170 communes".
func (p *Page) LevelCount(l org.Level, n int) string {
	return p.L.N("levelcount."+string(l), n)
}

// page fills the common part of a page from the request.
func (s *Server) page(r *http.Request, title string) Page {
	u := httpx.User(r)
	today := s.Org.Today()
	p := Page{L: s.printer(r), User: u, Actor: httpx.Actor(r), Today: today, AsOf: today, Title: title,
		Path: r.URL.Path, Pattern: routePattern(r), Query: r.URL.Query(), Partial: r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") == ""}
	if d := r.URL.Query().Get("d"); d != "" {
		if parsed, err := day.Parse(d); err == nil {
			p.AsOf = parsed
		} else {
			p.Errors = append(p.Errors, p.L.T("err.bad_date", "Value", d))
		}
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			p.Flash = v
		}
	}
	return p
}

// routePattern is the pattern the request matched, without its method.
func routePattern(r *http.Request) string {
	if _, path, ok := strings.Cut(r.Pattern, " "); ok {
		return path
	}
	return r.Pattern
}

// LangCookie remembers the language of a visitor who is not signed in.
const LangCookie = "mangluoi_lang"

const flashCookie = "mangluoi_flash"

// printer picks the language: the user's setting, else the cookie (the
// visitor's own choice), else Vietnamese. The browser's Accept-Language is
// not asked: officials in Vietnam often run an English browser, and the
// service speaks Vietnamese until they choose otherwise.
func (s *Server) printer(r *http.Request) *locale.Printer {
	if u := httpx.User(r); u != nil {
		return s.Catalog.Printer(u.Locale)
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		return s.Catalog.Printer(locale.Match(c.Value))
	}
	return s.Catalog.Printer("vi")
}

// render executes a page template; it renders into a buffer first so a
// template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, status int, data any) {
	p, ok := s.pages[name]
	if !ok {
		s.Log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	t, err := p.template()
	if err != nil {
		s.Log.Error("template", "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	entry := "layout.html"
	if p, ok := data.(interface{ isPartial() bool }); ok && p.isPartial() {
		entry = "content"
	}
	var out []byte
	if c, _ := r.Context().Value(captureKey{}).(*capture); c != nil && status == http.StatusOK && name != "error" {
		out, err = s.renderCaptured(c, t, data)
	} else {
		buf := pooledBuffer() // given back once written
		defer releaseBuffer(buf)
		if pp, ok := data.(pooledPage); ok { // its content is copied into buf
			defer pp.releaseContent()
		}
		err = t.ExecuteTemplate(buf, entry, data)
		out = buf.Bytes()
	}
	if err != nil {
		s.Log.Error("render", "template", name, "err", err)
		if name != "error" {
			s.fail(w, r, errs.New(errs.Internal, "err.internal"))
		} else {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
		return
	}
	s.write(w, r, status, out)
}

// write sends a rendered page.
func (s *Server) write(w http.ResponseWriter, r *http.Request, status int, out []byte) {
	h := w.Header()
	h["Content-Type"] = htmlType // the same values for every page, made once
	h["Cache-Control"] = noStore
	// its length: sent whole, not in chunks
	h["Content-Length"] = []string{strconv.Itoa(len(out))}
	// a form's temporary files go now, not after the handler returns (the
	// router's removal): with its length known, a page over the server's
	// write buffer reaches the client whole before the handler returns,
	// and the files must not outlive the answer (TestUploadBombs)
	if r.MultipartForm != nil {
		r.MultipartForm.RemoveAll()
	}
	if _, err := r.Cookie(flashCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1})
	}
	w.WriteHeader(status)
	w.Write(out)
}

var (
	htmlType = []string{"text/html; charset=utf-8"}
	noStore  = []string{"no-store"}
)

func (p *Page) isPartial() bool { return p.Partial }

// errorPage is the data of the error page.
type errorPage struct {
	Page
	Status  int
	Message string
	Details []string
}

// fail shows an error in the user's language with the status the error's
// kind maps to; internal errors are logged and shown without their details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := errs.Status(err)
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusInternalServerError {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := s.page(r, "")
	p.Partial = false
	ep := &errorPage{Page: p, Status: status, Message: p.L.Err(err)}
	if e, ok := errs.As(err); ok && len(e.Details) > 0 {
		ep.Details = p.L.Errs(err)
	}
	switch status {
	case http.StatusNotFound:
		ep.Title = p.L.T("error.title_not_found")
	case http.StatusForbidden:
		ep.Title = p.L.T("error.title_forbidden")
	case http.StatusInternalServerError:
		ep.Title = p.L.T("error.title_internal")
	default:
		ep.Title = p.L.T("error.title")
	}
	s.render(w, r, "error", status, ep)
}

// NotFound is the page for a path that no route has.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errs.New(errs.NotFound, "err.page_not_found"))
}

// Recover turns a panic in a handler into the translated error page (when
// nothing was written yet) instead of a dropped connection.
func (s *Server) Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &wroteWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				if !rw.wrote {
					s.fail(rw, r, errs.New(errs.Internal, "err.internal"))
				}
			}
		}()
		next.ServeHTTP(rw, r)
	})
}

// wroteWriter remembers whether a response has begun.
type wroteWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *wroteWriter) WriteHeader(code int) { w.wrote = true; w.ResponseWriter.WriteHeader(code) }
func (w *wroteWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
func (w *wroteWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// flash sets a one-time message shown on the next page.
func flash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// routes is how a feature registers its pages: method, pattern, handler,
// and for a page that takes files, takesFiles (or its own httpx.Upload).
type routes func(method, pattern string, h http.HandlerFunc, up ...*httpx.Upload)

// takesFiles declares a page whose form sends files (see httpx.Upload):
// any page without it refuses a file.
var takesFiles = &httpx.Upload{Perm: auth.PermEnterData}

// Register adds the pages to the router.
func (s *Server) Register(r *httpx.Router) {
	denied := func(w http.ResponseWriter, req *http.Request, err error) { s.fail(w, req, err) }
	page := func(method, pattern string, h http.HandlerFunc, up ...*httpx.Upload) {
		var u *httpx.Upload
		if len(up) > 0 {
			u = up[0]
		}
		r.Handle(method, pattern, httpx.Session, nil, u, h, denied)
	}
	public := func(method, pattern string, h http.HandlerFunc, _ ...*httpx.Upload) {
		r.Handle(method, pattern, httpx.Public, nil, nil, h, denied)
	}
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.FileServerFS(static)
	public("GET", "/static/", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.StripPrefix("/static/", fileServer).ServeHTTP(w, req)
	})
	public("GET", "/healthz", s.health)
	public("GET", "/login", s.loginForm)
	public("POST", "/login", s.login)
	public("POST", "/lang", s.switchLang)
	page("POST", "/logout", s.logout)
	s.registerUnits(page)
	s.registerPeople(page)
	s.registerNetwork(page)
	s.registerPlans(page)
	s.registerIndicators(page)
	s.registerReports(page)
	s.registerPublicRankings(public)
	s.registerAccounts(page)
	s.registerImports(page)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.DB.PingContext(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintln(w, "ok")
}
