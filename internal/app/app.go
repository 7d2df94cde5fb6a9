// Package app wires mangluoi together: it opens the database, migrates it,
// builds the services, the pages and the API, and runs the HTTP server. The
// command line and the end-to-end tests start it the same way.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
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
	"github.com/mangluoi/mangluoi/internal/web"
)

// Config says how to run.
type Config struct {
	DSN  string // SQLite path or postgres:// URL
	Addr string // host:port to listen on; port 0 picks a free one
	// Now is the clock; time.Now if nil. Tests and demos may fix it.
	Now           func() time.Time
	Log           *slog.Logger
	SecureCookies bool
	// Proxies are the reverse proxies in front: their X-Forwarded-For
	// and X-Forwarded-Proto are believed (see httpx.ClientIP).
	Proxies httpx.Proxies
	// TLSCert and TLSKey, when set, make the server speak HTTPS itself.
	TLSCert, TLSKey string
	// SMTP sends the reminder digests by e-mail when set.
	SMTP *plans.SMTP
	// RemindEvery is how often the server runs the plans' reminders (0:
	// never; then run `mangluoi remind` from cron).
	RemindEvery time.Duration
	// AuditKey and AuditCheckpoints, when both set, anchor the audit log
	// outside the database: the Ed25519 key file (made if missing) and the
	// file the signed checkpoints of the chain head are appended to, every
	// CheckpointEvery (a minute if zero) while the server runs.
	AuditKey, AuditCheckpoints string
	CheckpointEvery            time.Duration
	// CountStatements opens the database with every statement counted
	// (db.OpenCounting), for the tests that bound a request's round trips.
	CountStatements bool
	// ImportWait is how long a page's import waits for its job before
	// answering with the job's progress page (a second if zero; a small
	// sheet is always waited for), see web.Deps.ImportWait.
	ImportWait time.Duration
	// MaxRequests is how many requests are under way at once; the others
	// wait their turn, first come first served (httpx.Admit). 0: no limit.
	MaxRequests int
}

// Main is a running (or ready to run) mangluoi.
type Main struct {
	Config
	DB      *db.DB
	Audit   *audit.Log
	Org     *org.Service
	Auth    *auth.Service
	Files   *files.Store
	People  *people.Service
	Network *network.Service
	Plans   *plans.Service
	// Indicators and Assess are periodic reporting and assessment.
	Indicators *indicator.Service
	Assess     *assess.Service
	// Reports are the periodic reports, written from the other services.
	Reports *report.Service
	// Home is each user's first screen, read from the other services.
	Home *home.Service
	// Imports runs the sheet imports as jobs whose progress any server shows.
	Imports *imports.Service
	Catalog *locale.Catalog
	Router  *httpx.Router
	// Web is the pages' server (built by Handler).
	Web *web.Server
	// API serves /api/v1/ (its kept answers' counts: KeptStats).
	API *api.API
	// Anchor signs checkpoints of the audit chain (nil when not
	// configured); Anchor.Latest is what an issued report prints.
	Anchor *audit.Anchor

	server     *http.Server
	listener   net.Listener
	stop       context.CancelFunc
	stopped    chan struct{}
	stopAnchor context.CancelFunc
	anchored   chan struct{}
	treeStored chan struct{} // closed when the start's StoreSnapshot is done
	// the start's background reads (the network index, the tasks): Close
	// stops and waits for them before it closes the database, which they
	// would otherwise still be reading (a short test's files were then
	// written again while its folder was removed)
	stopWarm context.CancelFunc
	warming  sync.WaitGroup
}

// Version is the build's version, from the module build info.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 8 {
				return s.Value[:8]
			}
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

// Open opens and migrates the database and builds the services, without
// serving HTTP: the command line's import and user commands use this.
func Open(ctx context.Context, cfg Config) (*Main, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	// how long each step of the start takes, logged once (cold start is
	// measured: BENCHMARKS.md)
	began, steps := time.Now(), []any{}
	step := func(name string) {
		steps = append(steps, name, time.Since(began).Round(time.Millisecond).String())
	}
	open := db.Open
	if cfg.CountStatements {
		open = db.OpenCounting
	}
	d, err := open(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	if applied, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	} else if len(applied) > 0 {
		cfg.Log.Info("database migrated", "dialect", d.Dialect, "versions", applied)
	}
	m := &Main{Config: cfg, DB: d, Audit: &audit.Log{Now: cfg.Now}}
	if cfg.AuditKey != "" && cfg.AuditCheckpoints != "" {
		if m.Anchor, err = audit.OpenAnchor(cfg.AuditKey, cfg.AuditCheckpoints, cfg.Now); err != nil {
			d.Close()
			return nil, err
		}
	}
	step("migrated")
	m.Org = org.NewService(d, m.Audit, cfg.Now)
	if _, err := m.Org.EnsureRoot(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("tree root: %w", err)
	}
	step("tree")
	m.Auth = auth.NewService(d, m.Audit, cfg.Now, m.Org)
	m.Files = &files.Store{DB: d, Org: m.Org, Audit: m.Audit, Now: cfg.Now}
	m.People = people.NewService(d, m.Org, m.Audit, m.Files, cfg.Now)
	m.Network = network.NewService(d, m.Org, m.Audit, m.Files, cfg.Now)
	m.Indicators = indicator.NewService(d, m.Org, m.Audit, m.Files, cfg.Now)
	m.Assess = assess.NewService(d, m.Org, m.Audit, m.Files, m.Indicators, cfg.Now)
	root, err := m.Org.EnsureRoot(ctx)
	if err == nil {
		err = m.Indicators.EnsureCatalogue(ctx, root)
		step("indicator catalogue")
	}
	if err == nil {
		err = m.Assess.EnsureFrameworks(ctx, root)
		step("assessment frameworks")
	}
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("indicator catalogue: %w", err)
	}
	if err := m.People.EnsureDefaultTargets(ctx); err != nil {
		d.Close()
		return nil, err
	}
	step("compliance targets")
	if m.Catalog, err = locale.LoadCatalog(); err != nil {
		d.Close()
		return nil, err
	}
	m.Imports = imports.NewService(d, m.Org, cfg.Now, cfg.Log, func(lang, key string) string { return m.Catalog.Printer(lang).T(key) })
	// a job that a stopped server left running wrote nothing: say so
	if n, err := m.Imports.Recover(ctx); err != nil {
		d.Close()
		return nil, err
	} else if n > 0 {
		cfg.Log.Info("import jobs interrupted by the last stop marked failed", "jobs", n)
	}
	m.Plans = plans.NewService(d, m.Org, m.Audit, m.Files, cfg.Now)
	// a unit that ends hands its open tasks to its successor in the same transaction
	m.Org.OnEvent(m.Plans.HandOver)
	// the features that hold registers compute the measured indicators
	for _, ms := range []indicator.Measurer{m.Network.Measurer(), m.People.Measurer(), m.Plans.Measurer()} {
		if err := m.Indicators.RegisterMeasurer(ms); err != nil {
			d.Close()
			return nil, err
		}
	}
	if cfg.SMTP != nil {
		m.Plans.SetMailer(cfg.SMTP, m.Catalog)
	}
	m.Reports = report.NewService(d, m.Org, m.Audit, report.Sources{People: m.People, Network: m.Network, Plans: m.Plans,
		Indicators: m.Indicators, Assess: m.Assess, Anchor: m.Anchor}, m.Catalog, cfg.Now)
	m.Home = home.NewService(m.Org, home.Sources{People: m.People, Network: m.Network, Plans: m.Plans, Indicators: m.Indicators, Assess: m.Assess})
	step("opened")
	cfg.Log.Debug("start", steps...)
	return m, nil
}

// Handler builds the HTTP handler: pages, API, and the middleware around
// them.
func (m *Main) Handler() (http.Handler, error) {
	m.Router = httpx.NewRouter(m.Auth)
	pages, err := web.New(web.Deps{DB: m.DB, Org: m.Org, Auth: m.Auth, People: m.People, Network: m.Network, Plans: m.Plans, Indicators: m.Indicators, Assess: m.Assess, Reports: m.Reports, Home: m.Home, Files: m.Files, Catalog: m.Catalog, Now: m.Now, Log: m.Log,
		Imports: m.Imports, ImportWait: m.ImportWait, SecureCookies: m.SecureCookies, Proxies: m.Proxies})
	if err != nil {
		return nil, err
	}
	pages.Register(m.Router)
	m.Web = pages
	m.API = api.New(api.Deps{DB: m.DB, Org: m.Org, Auth: m.Auth, People: m.People, Network: m.Network, Plans: m.Plans, Indicators: m.Indicators, Assess: m.Assess, Reports: m.Reports, Home: m.Home, Files: m.Files, Catalog: m.Catalog, Log: m.Log, Now: m.Now, Version: Version()})
	m.API.Register(m.Router)
	m.Router.SetNotFound(pages.NotFound)
	var h http.Handler = pages.Recover(httpx.Admit(m.Router.Handler(), m.MaxRequests))
	// Forms are protected from cross-site requests by the browser's own
	// Sec-Fetch-Site / Origin headers; API calls with a bearer token carry
	// no cookie and are not at risk.
	h = http.NewCrossOriginProtection().Handler(h)
	h = readsOnce(h)
	h = securityHeaders(h, m.Proxies)
	h = m.logRequests(h)
	return h, nil
}

// Settled waits for the work a start does in the background (the tree
// stored for the next start, the network index and the tasks read): a
// test that counts a request's statements then counts only its own (CI
// saw the start's tree snapshot written in the middle of a write's).
func (m *Main) Settled() {
	if m.treeStored != nil {
		<-m.treeStored
	}
	m.warming.Wait()
}

// Run starts serving on cfg.Addr and returns once listening.
func (m *Main) Run(ctx context.Context) error {
	began := time.Now()
	h, err := m.Handler()
	if err != nil {
		return err
	}
	m.Log.Debug("handler built", "took", time.Since(began).Round(time.Millisecond).String())
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		return err
	}
	m.listener = ln
	m.server = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	go func() {
		var err error
		if m.TLSCert != "" {
			err = m.server.ServeTLS(ln, m.TLSCert, m.TLSKey)
		} else {
			err = m.server.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("server stopped", "err", err)
		}
	}()
	// the tree as one blob for the next start, unless this start read one
	// (issue 14, item 7: see org.Service.StoreSnapshot)
	m.treeStored = make(chan struct{})
	go func() {
		defer close(m.treeStored)
		if err := m.Org.StoreSnapshot(context.Background()); err != nil {
			m.Log.Warn("tree not stored for the next start", "err", err)
		}
	}()
	// the pages' templates not made yet (see web.page), so that a broken
	// one is told now rather than at its first visit
	go func() {
		if err := m.Web.ParseAll(); err != nil {
			m.Log.Error("page templates", "err", err)
		}
	}()
	var wctx context.Context
	wctx, m.stopWarm = context.WithCancel(context.Background())
	// what the first requests read, read before they need it (issue 14,
	// item 7), one after another: read at once, the national reads' own
	// garbage and their copies in the making were held together, and a
	// server starting under load passed 300 MB in its first 12 s (SQLite,
	// national database); a request meanwhile reads its own part
	// (partread), and the whole reads give way to it
	m.Plans.WarmSoon()
	m.People.WarmSoon()
	m.Network.WarmSoon()
	m.warming.Go(func() {
		m.Plans.Warm(wctx)   // every task, which the homes and to-do lists read
		m.People.Warm(wctx)  // the register, which a unit page's register figures read
		m.Network.Warm(wctx) // the coverage index
	})
	if m.Anchor != nil {
		every := m.CheckpointEvery
		if every <= 0 {
			every = time.Minute
		}
		var actx context.Context
		actx, m.stopAnchor = context.WithCancel(context.Background())
		m.anchored = make(chan struct{})
		go func() {
			defer close(m.anchored)
			m.Anchor.Run(actx, m.DB, every, m.Log)
		}()
	}
	if m.RemindEvery > 0 {
		var rctx context.Context
		rctx, m.stop = context.WithCancel(context.Background())
		m.stopped = make(chan struct{})
		go func() {
			defer close(m.stopped)
			// approved reports whose measured figures moved are told on
			// the reminders' schedule (see CheckMeasuredChanges for why)
			watched := make(chan struct{})
			go func() {
				defer close(watched)
				m.Indicators.WatchMeasured(rctx, m.RemindEvery, m.Log)
			}()
			m.Plans.Scheduler(rctx, m.RemindEvery, m.Log)
			<-watched
		}()
	}
	return nil
}

// URL is where the running server listens.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	addr := m.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	scheme := "http://"
	if m.TLSCert != "" {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, strconv.Itoa(addr.Port))
}

// Close stops the server (letting requests finish) and closes the database.
func (m *Main) Close() error {
	if m.stop != nil {
		m.stop()
		<-m.stopped
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		m.server.Shutdown(ctx)
	}
	if m.Imports != nil { // a running import rolls back and is marked failed
		m.Imports.Close()
	}
	if m.stopAnchor != nil { // a last checkpoint, of everything served
		m.stopAnchor()
		<-m.anchored
	}
	if m.treeStored != nil {
		<-m.treeStored
	}
	if m.stopWarm != nil {
		m.stopWarm()
		m.warming.Wait()
	}
	if m.DB != nil {
		return m.DB.Close()
	}
	return nil
}

// RootActor is the operator at the command line: an administrator over
// the whole tree.
func (m *Main) RootActor(ctx context.Context, label string) (*auth.Actor, error) {
	root, err := m.Org.EnsureRoot(ctx)
	if err != nil {
		return nil, err
	}
	return auth.SystemActor(label, root), nil
}
