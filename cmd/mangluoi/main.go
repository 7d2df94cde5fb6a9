// Command mangluoi runs the platform: the web server, the demo, database
// migrations, imports of official unit lists, accounts and the audit check.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/metrics"
	runtimepprof "runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/gen"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

const usage = `mangluoi — state management of digital transformation

Usage:
  mangluoi demo     [--addr :8080] [--db FILE] [--units DIR]   run with demo data
  mangluoi serve    [--addr :8080] [--db DSN] [--trust-proxy ADDRS] [--tls-cert F --tls-key F]
                                                               run the server
  (serve --pprof 127.0.0.1:6060 also serves Go's CPU and heap profiles there, for measuring)
  mangluoi migrate  [--db DSN]                                 upgrade the database
  mangluoi import units       --file F --date D [--basis DOC] [--db DSN]
  mangluoi import restructure --units F --mapping F --date D [--basis DOC] [--db DSN]
  mangluoi user add --login L --name N --role R [--scope CODE|ID] [--db DSN]
                    (password from MANGLUOI_PASSWORD or standard input)
  mangluoi audit verify     [--db DSN] [--audit-key F --audit-checkpoints F]
  mangluoi audit checkpoint [--db DSN] [--audit-key F --audit-checkpoints F]   sign the chain head now (cron)
  mangluoi audit key        [--audit-key F]                    print the public key that verifies the checkpoints
  mangluoi backup  --out FILE [--db DSN]                       a consistent copy, while the server runs
  mangluoi restore --from FILE [--db DSN] [--audit-key F --audit-checkpoints F]
                                                               into a new (empty) database
  mangluoi gen country [--units DIR] [--db DSN]                load the official lists (benchmarks)
  mangluoi gen people  [--db DSN]                              national-scale synthetic people
  mangluoi gen plans   [--plans 50] [--tasks 100] [--reports 10] [--provinces CODES] [--db DSN]
  mangluoi gen nation  [--units DIR] [--password P] [--db DSN]  the whole country in one fresh database: tree, indicators,
                                                               people, network, plans, an account per province and commune
  mangluoi gen indicators [--units DIR] [--indicators 60] [--from 2024-01] [--to 2026-10] [--db DSN]
                                                               the national indicator dataset, into a fresh database
                                                               synthetic plans, tasks and reports (benchmarks)
  mangluoi remind   [--db DSN] [SMTP flags]                    today's reminders and e-mail digests (for cron)
  mangluoi version

DSN is a SQLite file path (default mangluoi.db, or $MANGLUOI_DB) or a
postgres://user@host/db URL. Roles: admin, coordinator, focal, viewer.

The audit log is anchored outside the database by checkpoints of its head,
signed with an Ed25519 key: --audit-key FILE ($MANGLUOI_AUDIT_KEY; made if
missing) and --audit-checkpoints FILE ($MANGLUOI_AUDIT_CHECKPOINTS). For a
SQLite database they default to DSN.audit-key and DSN.audit-checkpoints;
keep them on another disk or host than the database.

SMTP flags (serve, demo, remind) send the reminders' daily digest by e-mail:
  --smtp-addr host:port ($MANGLUOI_SMTP_ADDR)  --smtp-from ADDRESS ($MANGLUOI_SMTP_FROM)
  --smtp-user USER ($MANGLUOI_SMTP_USER; password in $MANGLUOI_SMTP_PASSWORD)
  --smtp-insecure (allow a server without STARTTLS, e.g. a local relay)
serve also takes --remind-every 1h (0: never; then run remind from cron).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mangluoi:", err)
		os.Exit(1)
	}
}

func defaultDSN() string {
	if v := os.Getenv("MANGLUOI_DB"); v != "" {
		return v
	}
	return "mangluoi.db"
}

func logger() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("MANGLUOI_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout)
	case "demo":
		return runDemo(ctx, rest, stdout)
	case "migrate":
		return migrate(ctx, rest, stdout)
	case "import":
		return importCmd(ctx, rest, stdout)
	case "user":
		return userCmd(ctx, rest, stdin, stdout)
	case "audit":
		return auditCmd(ctx, rest, stdout)
	case "backup":
		return backupCmd(ctx, rest, stdout)
	case "restore":
		return restoreCmd(ctx, rest, stdout)
	case "remind":
		return remindCmd(ctx, rest, stdout)
	case "gen":
		return genCmd(ctx, rest, stdout)
	case "version":
		fmt.Fprintln(stdout, app.Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

func serve(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database: SQLite file or postgres:// URL")
	addr := fs.String("addr", ":8080", "listen address host:port")
	insecure := fs.Bool("insecure-cookies", false, "allow session cookies over plain HTTP (development only)")
	proxy := fs.String("trust-proxy", "", "the reverse proxies in front, by address or network (10.0.0.5,10.1.0.0/16): their X-Forwarded-For and X-Forwarded-Proto are believed")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM; with --tls-key)")
	tlsKey := fs.String("tls-key", "", "the certificate's private key (PEM)")
	mail := smtpFlags(fs)
	remindEvery := fs.Duration("remind-every", time.Hour, "how often the server sends the plans' reminders (0: never)")
	anchor := auditFlags(fs)
	checkpointEvery := fs.Duration("checkpoint-every", time.Minute, "how often the server signs the audit chain's head (when it moved)")
	maxRequests := fs.Int("max-requests", defaultMaxRequests, "requests under way at once; the others wait their turn, first come first served (0: no limit)")
	profile := fs.String("pprof", "", "serve Go's profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060 (measuring only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	memoryLimit(ctx)
	auditKey, auditCheckpoints := anchor(*dsn)
	proxies, err := httpx.ParseProxies(*proxy)
	if err != nil {
		return fmt.Errorf("--trust-proxy: %w", err)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Addr: *addr, Log: logger(), SecureCookies: !*insecure, Proxies: proxies,
		TLSCert: *tlsCert, TLSKey: *tlsKey, SMTP: mail(), RemindEvery: *remindEvery,
		AuditKey: auditKey, AuditCheckpoints: auditCheckpoints, CheckpointEvery: *checkpointEvery, MaxRequests: *maxRequests})
	if err != nil {
		return err
	}
	defer m.Close()
	if *profile != "" {
		if err := servePprof(*profile, m); err != nil {
			return err
		}
	}
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mangluoi %s listening on %s (%s)\n", app.Version(), m.URL(), m.DB.Dialect)
	if m.Anchor == nil {
		m.Log.Warn("the audit log is not anchored outside the database: set --audit-key and --audit-checkpoints")
	}
	<-ctx.Done()
	return nil
}

// defaultMaxRequests is how many requests serve lets under way at once
// (--max-requests; 0: as many as come). Measured on a loaded machine
// (issue 14, h15load in BENCHMARKS.md), 32 cut the p99 of 500 closed-loop
// connections but not their throughput, and halved it at 200: off until a
// quiet machine says otherwise.
const defaultMaxRequests = 0

// servePprof serves the profiles on their own listener, never beside the
// application's routes, and only on a loopback address; with them, the
// page cache's counts (/debug/pagecache: entries, bytes, hits, misses, and
// the same of the API's kept answers), for the hit rate of a load run,
// the bytes and objects allocated so far (/debug/memstats: scripts/load
// --pprof reports them a request), the database pool's (/debug/dbstats:
// connections open and in use, the waits for one and their total time)
// and the collector's (/debug/gcstats: see gcStats).
func servePprof(addr string, m *app.Main) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--pprof %s: give a loopback address such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pagecache", func(w http.ResponseWriter, _ *http.Request) {
		entries, bytes, hits, misses := m.Web.PageCacheStats()
		fmt.Fprintf(w, "entries %d bytes %d hits %d misses %d\n", entries, bytes, hits, misses)
		if m.API != nil {
			entries, bytes, hits, misses, notModified := m.API.KeptStats()
			fmt.Fprintf(w, "api: entries %d bytes %d hits %d misses %d not-modified %d\n", entries, bytes, hits, misses, notModified)
		}
	})
	mux.HandleFunc("/debug/dbstats", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, m.DB.PoolStats())
	})
	mux.HandleFunc("/debug/memstats", func(w http.ResponseWriter, _ *http.Request) {
		// read without stopping the world nor allocating much, so that
		// scripts/load --pprof can take it before and after each level
		ms := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}}
		metrics.Read(ms)
		fmt.Fprintf(w, "total_alloc %d\nmallocs %d\n", ms[0].Value.Uint64(), ms[1].Value.Uint64())
	})
	mux.HandleFunc("/debug/gcstats", gcStats)
	go http.Serve(ln, mux)
	return nil
}

func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "localhost:8080", "listen address host:port")
	dsn := fs.String("db", "", "database for the demo (default: a new file in a temporary folder)")
	units := fs.String("units", "", "folder with the official unit lists (default: ../shared/data/units if present)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" {
		dir, err := os.MkdirTemp("", "mangluoi-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dsn = filepath.Join(dir, "demo.db")
	}
	if *units == "" {
		if _, err := os.Stat(filepath.Join("..", "shared", "data", "units")); err == nil {
			*units = filepath.Join("..", "shared", "data", "units")
		}
	}
	// beside a SQLite file; a PostgreSQL URL is no file name (the demo's
	// audit log is then not anchored, as serve's without the flags)
	var key, cps string
	if !db.IsPostgres(*dsn) {
		key, cps = *dsn+".audit-key", *dsn+".audit-checkpoints"
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Addr: *addr, Log: logger(), AuditKey: key, AuditCheckpoints: cps})
	if err != nil {
		return err
	}
	defer m.Close()
	admin, err := m.RootActor(ctx, "demo")
	if err != nil {
		return err
	}
	// Loading takes tens of seconds: say what is being loaded, step by
	// step, and how long each step took.
	started := time.Now()
	step := func(what string, load func() error) error {
		fmt.Fprintf(stdout, "Đang nạp %s…", what)
		t := time.Now()
		if err := load(); err != nil {
			fmt.Fprintln(stdout)
			return err
		}
		fmt.Fprintf(stdout, " xong (%.1f giây)\n", time.Since(t).Seconds())
		return nil
	}
	var logins []demo.Login
	if err := step("cây đơn vị hành chính, tài khoản, bộ máy, cán bộ và kế hoạch", func() (err error) {
		logins, err = demo.Seed(ctx, m.Org, m.Auth, m.People, admin, *units, demo.WithPlans(m.Plans))
		return err
	}); err != nil {
		return err
	}
	if err := step("mạng lưới Tổ công nghệ số cộng đồng", func() error {
		return demo.SeedNetwork(ctx, m.Org, m.People, m.Network, admin)
	}); err != nil {
		return err
	}
	if err := step("chỉ số, báo cáo định kỳ và đánh giá", func() error {
		return demo.SeedIndicators(ctx, m.Org, admin, m.Indicators, m.Assess, m.People, m.Network)
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã nạp dữ liệu trình diễn trong %.0f giây.\n", time.Since(started).Seconds())
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nmangluoi (bản trình diễn) đang chạy tại %s  (cơ sở dữ liệu: %s)\n\n", m.URL(), *dsn)
	fmt.Fprintf(stdout, "Đăng nhập bằng một trong %d tài khoản sau, mật khẩu %q:\n", len(logins), demo.Password)
	for _, line := range accountLines(logins, m.Catalog.Printer("vi")) {
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintln(stdout, "\nNhấn Ctrl+C để dừng.")
	<-ctx.Done()
	return nil
}

// accountLines are the demo's accounts as it prints them: login, role in
// Vietnamese, scope. README.md shows the same lines (TestReadmeShowsTheDemoAccounts).
func accountLines(logins []demo.Login, vi *locale.Printer) []string {
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = fmt.Sprintf("  %-8s %s — %s", l.Login, vi.T("role."+l.Role), l.Scope)
	}
	return out
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger()})
	if err != nil {
		return err
	}
	defer m.Close()
	v, err := m.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s is at schema version %d\n", m.DB.Dialect, v)
	return nil
}

func importCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "units" && args[0] != "restructure") {
		return errors.New("import what? units or restructure")
	}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	file := fs.String("file", "", "unit list (CSV or XLSX)")
	units := fs.String("units", "", "new unit list (CSV or XLSX)")
	mapping := fs.String("mapping", "", "old→new mapping (CSV or XLSX)")
	date := fs.String("date", "", "effective date (yyyy-mm-dd or dd/mm/yyyy)")
	basis := fs.String("basis", "", "legal basis (document number)")
	note := fs.String("note", "", "note")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	d, err := day.Parse(*date)
	if err != nil {
		return fmt.Errorf("--date: %w", err)
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger()})
	if err != nil {
		return err
	}
	defer m.Close()
	actor, err := m.RootActor(ctx, "import")
	if err != nil {
		return err
	}
	c := org.Change{Effective: d, LegalBasis: *basis, Note: *note}
	var res *org.ImportResult
	if args[0] == "units" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err = m.Org.ImportList(ctx, actor, f, *file, c)
		if err != nil {
			return explain(m, err)
		}
	} else {
		u, err := os.Open(*units)
		if err != nil {
			return err
		}
		defer u.Close()
		mp, err := os.Open(*mapping)
		if err != nil {
			return err
		}
		defer mp.Close()
		res, err = m.Org.Restructure(ctx, actor, u, *units, mp, *mapping, c)
		if err != nil {
			return explain(m, err)
		}
	}
	p := m.Catalog.Printer("vi")
	for _, n := range res.Notices {
		fmt.Fprintln(stdout, "  lưu ý:", p.Err(n))
	}
	fmt.Fprintf(stdout, "rows %d: created %d, changed %d, unchanged %d, ended %d, lineage links %d\n",
		res.Rows, res.Created, res.Changed, res.Unchanged, res.Ended, res.Links)
	return nil
}

// explain turns an import error into every row's message, in Vietnamese.
func explain(m *app.Main, err error) error {
	p := m.Catalog.Printer("vi")
	lines := p.Errs(err)
	return errors.New(p.Err(err) + "\n  " + strings.Join(lines, "\n  "))
}

func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("user what? add")
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	login := fs.String("login", "", "login")
	name := fs.String("name", "", "display name")
	email := fs.String("email", "", "e-mail")
	role := fs.String("role", "admin", "admin, coordinator, focal or viewer")
	scope := fs.String("scope", "", "scope unit: its id, or an official code as of today (default: the whole country)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	password := os.Getenv("MANGLUOI_PASSWORD")
	if password == "" {
		b, err := io.ReadAll(io.LimitReader(stdin, 4096))
		if err != nil {
			return err
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger()})
	if err != nil {
		return err
	}
	defer m.Close()
	actor, err := m.RootActor(ctx, "user-add")
	if err != nil {
		return err
	}
	scopeID := actor.ScopeUnitID
	if *scope != "" {
		snap, err := m.Org.Snapshot(ctx)
		if err != nil {
			return err
		}
		if v := findCode(snap, *scope, m.Org.Today()); v != nil {
			scopeID = v.UnitID
		} else if id, err := strconv.ParseInt(*scope, 10, 64); err == nil && snap.Exists(id) {
			scopeID = id
		} else {
			return fmt.Errorf("--scope %s: no unit has this code today, and no unit has this id", *scope)
		}
	}
	u, err := m.Auth.CreateUser(ctx, actor, auth.UserInput{Login: *login, DisplayName: *name, Email: *email, Password: password,
		Role: auth.Role(*role), ScopeUnitID: scopeID, Locale: "vi"})
	if err != nil {
		return explain(m, err)
	}
	fmt.Fprintf(stdout, "user %s (#%d) created\n", u.Login, u.ID)
	return nil
}

func findCode(snap *org.Snapshot, code string, d day.Day) *org.Version {
	for _, l := range []org.Level{org.LevelProvince, org.LevelCommune, org.LevelDistrict, org.LevelVillage} {
		if v := snap.FindByCode(l, code, d); v != nil {
			return v
		}
	}
	return nil
}

// auditFlags adds the flags of the audit log's anchor; the function it
// returns gives the files for a database.
func auditFlags(fs *flag.FlagSet) func(dsn string) (key, checkpoints string) {
	key := fs.String("audit-key", os.Getenv("MANGLUOI_AUDIT_KEY"), "the Ed25519 key that signs the audit checkpoints (made if missing)")
	cps := fs.String("audit-checkpoints", os.Getenv("MANGLUOI_AUDIT_CHECKPOINTS"), "the file of signed audit checkpoints")
	return func(dsn string) (string, string) {
		k, c := *key, *cps
		if !db.IsPostgres(dsn) {
			if k == "" {
				k = dsn + ".audit-key"
			}
			if c == "" {
				c = dsn + ".audit-checkpoints"
			}
		}
		if k == "" || c == "" {
			return "", ""
		}
		return k, c
	}
}

func auditCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint" && args[0] != "key") {
		return errors.New("audit what? verify, checkpoint or key")
	}
	fs := flag.NewFlagSet("audit "+args[0], flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	anchor := auditFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	keyFile, cpFile := anchor(*dsn)
	if args[0] == "key" {
		if keyFile == "" {
			return errors.New("--audit-key is needed")
		}
		a, err := audit.OpenAnchor(keyFile, os.DevNull, time.Now)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "ed25519 %s\n", base64.StdEncoding.EncodeToString(a.Public))
		return nil
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger(), AuditKey: keyFile, AuditCheckpoints: cpFile})
	if err != nil {
		return err
	}
	defer m.Close()
	if args[0] == "checkpoint" {
		if m.Anchor == nil {
			return errors.New("--audit-key and --audit-checkpoints are needed")
		}
		c, err := m.Anchor.Checkpoint(ctx, m.DB)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "checkpoint %s\n", c)
		return nil
	}
	return verifyAudit(ctx, m, cpFile, stdout)
}

// verifyAudit checks the chain, held to its checkpoints when there are
// any, and says from which entry the log can no longer be trusted.
func verifyAudit(ctx context.Context, m *app.Main, cpFile string, stdout io.Writer) error {
	var cps []audit.Checkpoint
	var fileProblems []audit.Problem
	if m.Anchor != nil {
		var err error
		cps, fileProblems, err = audit.ReadCheckpoints(cpFile, m.Anchor.Public)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	rep, err := audit.VerifyAnchored(ctx, m.DB, cps)
	if err != nil {
		return err
	}
	for _, p := range append(rep.Problems, fileProblems...) {
		fmt.Fprintf(stdout, "entry %d: %s\n", p.Seq, p.Reason)
	}
	if rep.Lost > 0 {
		fmt.Fprintf(stdout, "note: a restore from a backup undid %d entries recorded after it (the signed marker says so)\n", rep.Lost)
	}
	if len(rep.Problems) > 0 {
		return fmt.Errorf("audit log is NOT intact: it can be trusted up to entry %d only, not from entry %d on (%d problems in %d entries)",
			rep.TrustedUpTo, rep.TrustedUpTo+1, len(rep.Problems), rep.Entries)
	}
	switch {
	case m.Anchor == nil:
		fmt.Fprintf(stdout, "audit log intact: %d entries, chain verified (not anchored: no checkpoint file)\n", rep.Entries)
	case rep.LastCheckpoint == nil:
		fmt.Fprintf(stdout, "audit log intact: %d entries, chain verified; no checkpoint yet\n", rep.Entries)
	default:
		fmt.Fprintf(stdout, "audit log intact: %d entries, chain verified and anchored up to entry %d by the checkpoint of %s; %d newer entries not yet anchored\n",
			rep.Entries, rep.Anchored, rep.LastCheckpoint.At.Format(time.RFC3339), rep.Entries-rep.Anchored)
	}
	if len(fileProblems) > 0 {
		return fmt.Errorf("the checkpoint file has %d lines not signed by this key", len(fileProblems))
	}
	return nil
}

// backupCmd writes a consistent copy of the database while it serves.
func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	out := fs.String("out", "", "the backup file to write (never overwritten)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out is needed")
	}
	if err := db.Backup(ctx, *dsn, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	return nil
}

// restoreCmd brings a backup into a new database, checks its audit chain
// and, when the log is anchored, signs a marker of the restore (the
// checkpoints of entries the backup does not hold are then set aside, and
// said to be lost).
func restoreCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "the new database to restore into (must be empty)")
	from := fs.String("from", "", "the backup file")
	anchor := auditFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("--from is needed")
	}
	if err := db.Restore(ctx, *dsn, *from); err != nil {
		return err
	}
	keyFile, cpFile := anchor(*dsn)
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger(), AuditKey: keyFile, AuditCheckpoints: cpFile})
	if err != nil {
		return err
	}
	defer m.Close()
	if m.Anchor != nil {
		c, err := m.Anchor.MarkRestored(ctx, m.DB)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored to audit entry %d (marker signed in %s)\n", c.Seq, cpFile)
	}
	return verifyAudit(ctx, m, cpFile, stdout)
}

// genCmd makes synthetic national-scale data for benchmarks.
func genCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("gen what? country, people, plans, indicators or nation")
	}
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	units := fs.String("units", filepath.Join("..", "shared", "data", "units"), "folder with the official unit lists")
	genPlans := fs.Int("plans", 50, "gen plans: plans per province")
	genTasks := fs.Int("tasks", 100, "gen plans: tasks per plan")
	genReports := fs.Int("reports", 10, "gen plans: progress reports per task")
	genProvinces := fs.String("provinces", "", "gen plans: province codes, comma-separated (default: every province)")
	genIndicators := fs.Int("indicators", indicator.DefaultGen.Indicators, "gen indicators: monthly indicators")
	genFrom := fs.String("from", indicator.DefaultGen.From.Key(), "gen indicators: first month")
	genTo := fs.String("to", indicator.DefaultGen.To.Key(), "gen indicators: last month")
	password := fs.String("password", "demo-mangluoi", "gen nation: the password of every province's and commune's account")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (measuring only: go tool pprof -top FILE)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := runtimepprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer runtimepprof.StopCPUProfile()
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger()})
	if err != nil {
		return err
	}
	defer m.Close()
	actor, err := m.RootActor(ctx, "gen")
	if err != nil {
		return err
	}
	start := time.Now()
	switch args[0] {
	case "country":
		err = gen.Country(ctx, m.Org, actor, *units)
	case "plans":
		var res plans.GenResult
		cfg := plans.GenConfig{PlansPerProvince: *genPlans, TasksPerPlan: *genTasks, ReportsPerTask: *genReports, Seed: 1}
		snap, serr := m.Org.Snapshot(ctx)
		if serr != nil {
			return serr
		}
		for _, code := range strings.FieldsFunc(*genProvinces, func(r rune) bool { return r == ',' }) {
			v := findCode(snap, strings.TrimSpace(code), m.Org.Today())
			if v == nil {
				return fmt.Errorf("--provinces: no unit with code %s today", code)
			}
			cfg.Provinces = append(cfg.Provinces, v.UnitID)
		}
		res, err = plans.Generate(ctx, m.DB, m.Org, cfg, m.Org.Today())
		fmt.Fprintf(stdout, "%d plans, %d tasks, %d deadlines, %d reports\n", res.Documents, res.Tasks, res.Occurrences, res.Reports)
	case "indicators": // a fresh database: the country, departments, indicators, values
		cfg := indicator.DefaultGen
		cfg.UnitsDir, cfg.Indicators, cfg.Log = *units, *genIndicators, stdout
		if cfg.From, err = indicator.ParsePeriod(*genFrom); err == nil {
			cfg.To, err = indicator.ParsePeriod(*genTo)
		}
		if err != nil {
			return err
		}
		var res *indicator.GenResult
		if res, err = m.Indicators.Generate(ctx, m.Org, actor, cfg); err == nil {
			fmt.Fprintf(stdout, "%d units, %d indicators, %d reports, %d values\n", res.Units, res.Indicators, res.Submissions, res.Values)
		}
	case "people":
		var n int
		n, err = gen.People(ctx, m.DB, m.Org, m.Audit, actor, m.Org.Today(), gen.DefaultPeople)
		fmt.Fprintf(stdout, "%d people\n", n)
	case "nation": // a fresh database: everything above and the network, in one
		o := gen.DefaultNation(*units)
		o.Password, o.Log = *password, stdout
		var res *gen.NationResult
		if res, err = gen.Nation(ctx, gen.Services{DB: m.DB, Org: m.Org, Audit: m.Audit, Indicators: m.Indicators}, actor, o); err == nil {
			fmt.Fprintf(stdout, "%d units, %d values, %d people, %d teams, %d members, %d activities, %d tasks, %d reports, %d accounts (password %q)\n",
				res.Indicators.Units, res.Indicators.Values, res.People, res.Network.Teams, res.Network.Members, res.Network.Activities,
				res.Plans.Tasks, res.Plans.Reports, res.Accounts, o.Password)
		}
	default:
		return fmt.Errorf("gen: unknown %q", args[0])
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gen %s: %s\n", args[0], time.Since(start).Round(time.Millisecond))
	return nil
}

// smtpFlags adds the SMTP flags to a command; the function it returns
// gives the mailer, or nil when no server is set.
func smtpFlags(fs *flag.FlagSet) func() *plans.SMTP {
	addr := fs.String("smtp-addr", os.Getenv("MANGLUOI_SMTP_ADDR"), "SMTP server host:port for the reminders' e-mail")
	from := fs.String("smtp-from", os.Getenv("MANGLUOI_SMTP_FROM"), "sender address of the e-mail")
	user := fs.String("smtp-user", os.Getenv("MANGLUOI_SMTP_USER"), "SMTP user (password in $MANGLUOI_SMTP_PASSWORD)")
	insecure := fs.Bool("smtp-insecure", false, "send without STARTTLS (a local relay)")
	return func() *plans.SMTP {
		if *addr == "" {
			return nil
		}
		f := *from
		if f == "" {
			f = "mangluoi@localhost"
		}
		return &plans.SMTP{Addr: *addr, From: f, User: *user, Password: os.Getenv("MANGLUOI_SMTP_PASSWORD"), Insecure: *insecure}
	}
}

// remindCmd runs the reminders once: the notices of approved reports whose
// measured figures changed, of deadlines coming and missed, and each
// user's e-mail digest of the day. Run it from
// cron when the servers run with --remind-every 0.
func remindCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("remind", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	mail := smtpFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger(), SMTP: mail()})
	if err != nil {
		return err
	}
	defer m.Close()
	// the reports whose measured figures moved since approval first, so
	// that the day's digest tells of them
	changed, err := m.Indicators.CheckMeasuredChanges(ctx)
	if err != nil {
		return err
	}
	res, err := m.Plans.Remind(ctx)
	fmt.Fprintf(stdout, "reports whose measured figures changed %d; deadlines due soon %d, overdue %d; e-mails sent %d\n", changed, res.DueSoon, res.Overdue, res.Emails)
	return err
}
