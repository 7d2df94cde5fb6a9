// Command mangluoi runs the platform: the web server, the demo, database
// migrations, imports of official unit lists, accounts and the audit check.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/gen"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

const usage = `mangluoi — state management of digital transformation

Usage:
  mangluoi demo     [--addr :8080] [--db FILE] [--units DIR]   run with demo data
  mangluoi serve    [--addr :8080] [--db DSN]                  run the server
  mangluoi migrate  [--db DSN]                                 upgrade the database
  mangluoi import units       --file F --date D [--basis DOC] [--db DSN]
  mangluoi import restructure --units F --mapping F --date D [--basis DOC] [--db DSN]
  mangluoi user add --login L --name N --role R [--scope CODE|ID] [--db DSN]
                    (password from MANGLUOI_PASSWORD or standard input)
  mangluoi audit verify [--db DSN]
  mangluoi gen country [--units DIR] [--db DSN]                load the official lists (benchmarks)
  mangluoi gen people  [--db DSN]                              national-scale synthetic people
  mangluoi gen plans   [--plans 50] [--tasks 100] [--reports 10] [--provinces CODES] [--db DSN]
  mangluoi gen indicators [--units DIR] [--indicators 60] [--from 2024-01] [--to 2026-10] [--db DSN]
                                                               the national indicator dataset, into a fresh database
                                                               synthetic plans, tasks and reports (benchmarks)
  mangluoi remind   [--db DSN] [SMTP flags]                    today's reminders and e-mail digests (for cron)
  mangluoi version

DSN is a SQLite file path (default mangluoi.db, or $MANGLUOI_DB) or a
postgres://user@host/db URL. Roles: admin, coordinator, focal, viewer.

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
	proxy := fs.Bool("trust-proxy", false, "believe X-Forwarded-For (behind a reverse proxy)")
	mail := smtpFlags(fs)
	remindEvery := fs.Duration("remind-every", time.Hour, "how often the server sends the plans' reminders (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Addr: *addr, Log: logger(), SecureCookies: !*insecure, TrustProxy: *proxy,
		SMTP: mail(), RemindEvery: *remindEvery})
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mangluoi %s listening on %s (%s)\n", app.Version(), m.URL(), m.DB.Dialect)
	<-ctx.Done()
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
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Addr: *addr, Log: logger()})
	if err != nil {
		return err
	}
	defer m.Close()
	admin, err := m.RootActor(ctx, "demo")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Loading demo data…")
	logins, err := demo.Seed(ctx, m.Org, m.Auth, m.People, admin, *units, demo.WithPlans(m.Plans))
	if err != nil {
		return err
	}
	if err := demo.SeedNetwork(ctx, m.Org, m.People, m.Network, admin); err != nil {
		return err
	}
	if err := demo.SeedIndicators(ctx, m.Org, admin, m.Indicators, m.Assess, m.People, m.Network); err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nmangluoi demo is running at %s  (database: %s)\n\n", m.URL(), *dsn)
	fmt.Fprintf(stdout, "Sign in with one of these accounts, password %q:\n", demo.Password)
	for _, l := range logins {
		fmt.Fprintf(stdout, "  %-10s %-12s %s\n", l.Login, l.Role, l.Scope)
	}
	fmt.Fprintln(stdout, "\nPress Ctrl+C to stop.")
	<-ctx.Done()
	return nil
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

func auditCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("audit what? verify")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	dsn := fs.String("db", defaultDSN(), "database")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	m, err := app.Open(ctx, app.Config{DSN: *dsn, Log: logger()})
	if err != nil {
		return err
	}
	defer m.Close()
	n, problems, err := audit.Verify(ctx, m.DB)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(stdout, "entry %d: %s\n", p.Seq, p.Reason)
	}
	if len(problems) > 0 {
		return fmt.Errorf("audit log is NOT intact: %d problems in %d entries", len(problems), n)
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, chain verified\n", n)
	return nil
}

// genCmd makes synthetic national-scale data for benchmarks.
func genCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("gen what? country, people, plans or indicators")
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
	if err := fs.Parse(args[1:]); err != nil {
		return err
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

// remindCmd runs the plans' reminders once: the notifications of deadlines
// coming and missed, and each user's e-mail digest of the day. Run it from
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
	res, err := m.Plans.Remind(ctx)
	fmt.Fprintf(stdout, "deadlines due soon %d, overdue %d; e-mails sent %d\n", res.DueSoon, res.Overdue, res.Emails)
	return err
}
