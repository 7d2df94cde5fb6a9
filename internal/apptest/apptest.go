// Package apptest starts a real mangluoi server for tests: a real database
// (SQLite, and PostgreSQL when MANGLUOI_TEST_POSTGRES is set), the built-in
// demo data, a fixed clock, and HTTP clients signed in as the demo users.
package apptest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Now is the fixed time of every test server: 22/11/2026, 09:00 in Vietnam.
var Now = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)

// Server is a running mangluoi with the demo data loaded.
type Server struct {
	*app.Main
	URL   string
	Admin *auth.Actor // the operator, as the command line acts
	// Logins are the demo's accounts, as demo.Seed returned them.
	Logins []demo.Login
}

// ForEachDB runs fn against a server on SQLite and, when configured, one on
// PostgreSQL.
func ForEachDB(t *testing.T, fn func(t *testing.T, s *Server)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, StartSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Start(t, dbtest.PostgresDSN(t))) })
}

// StartSQLite starts a server on a fresh SQLite file.
func StartSQLite(t testing.TB) *Server {
	return Start(t, filepath.Join(t.TempDir(), "test.db"))
}

// Start starts a server on dsn with the built-in demo data, on a free port
// of 127.0.0.1, and stops it when the test ends.
func Start(t testing.TB, dsn string) *Server { return StartWith(t, dsn, nil) }

// StartWith is Start with the configuration changed by configure (an
// empty dsn is a fresh SQLite file).
func StartWith(t testing.TB, dsn string, configure func(*app.Config)) *Server {
	t.Helper()
	if dsn == "" {
		dsn = filepath.Join(t.TempDir(), "test.db")
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	cfg := app.Config{DSN: dsn, Addr: "127.0.0.1:0", Now: func() time.Time { return Now }, Log: log}
	if configure != nil {
		configure(&cfg)
	}
	m, err := app.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	admin, err := m.RootActor(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	logins, err := demo.Seed(ctx, m.Org, m.Auth, m.People, admin, "", demo.WithPlans(m.Plans))
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedNetwork(ctx, m.Org, m.People, m.Network, admin); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedIndicators(ctx, m.Org, admin, m.Indicators, m.Assess, m.People, m.Network); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	return &Server{Main: m, URL: m.URL(), Admin: admin, Logins: logins}
}

// Client is an HTTP client signed in as one user.
type Client struct {
	*http.Client
	Base  string
	Token string // when set, sent as a bearer token instead of the cookie
	// Header is added to every request, over the defaults (a same-origin
	// browser request): set Origin and Sec-Fetch-Site to play a cross-site
	// page, or Accept-Language to ask for a language.
	Header http.Header
	t      testing.TB
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Anonymous is a client that is signed in as nobody.
func (s *Server) Anonymous(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{Client: &http.Client{Jar: jar, CheckRedirect: noRedirect}, Base: s.URL, t: t}
}

// Login signs in through the login form, as a browser does, and returns a
// client that carries the session cookie.
func (s *Server) Login(t testing.TB, login string) *Client {
	t.Helper()
	c := s.Anonymous(t)
	resp := c.PostForm("/login", url.Values{"login": {login}, "password": {demo.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", login, resp.StatusCode)
	}
	return c
}

// SessionFor signs a user in without the login form (so without its rate
// limit): a session started by the account service, in a cookie.
func (s *Server) SessionFor(t testing.TB, u *auth.User) *Client {
	t.Helper()
	token, err := s.Auth.StartSession(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Anonymous(t)
	base, _ := url.Parse(s.URL)
	c.Jar.SetCookies(base, []*http.Cookie{{Name: httpx.SessionCookie, Value: token, Path: "/"}})
	return c
}

// TokenFor makes an API token for a user and returns a client that sends
// it (and no cookie).
func (s *Server) TokenFor(t testing.TB, u *auth.User) *Client {
	t.Helper()
	_, secret, err := s.Auth.CreateToken(context.Background(), u.Actor(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return &Client{Client: &http.Client{CheckRedirect: noRedirect}, Base: s.URL, Token: secret, t: t}
}

// User is a demo account.
func (s *Server) User(t testing.TB, login string) *auth.User {
	t.Helper()
	u, err := s.Auth.Authenticate(context.Background(), login, demo.Password)
	if err != nil {
		t.Fatalf("user %s: %v", login, err)
	}
	return u
}

// AuditLen is the number of entries in the audit log.
func (s *Server) AuditLen(t testing.TB) int64 {
	t.Helper()
	var n int64
	if err := s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// UnitNamed is the unit in force today with exactly this name.
func (s *Server) UnitNamed(t testing.TB, name string) *org.Version {
	t.Helper()
	snap, err := s.Org.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	today := s.Org.Today()
	for _, v := range snap.Search(name, today, snap.RootID, 0) {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no unit named %q in force on %s", name, today)
	return nil
}

// TokenClient makes an API token for the user and returns a client that
// sends it (and no cookie).
func (s *Server) TokenClient(t testing.TB, login string) *Client {
	t.Helper()
	return s.TokenFor(t, s.User(t, login))
}

// For is the client reporting its failures to t (a subtest's, or a fuzz
// input's, rather than the test that made the client).
func (c *Client) For(t testing.TB) *Client {
	cp := *c
	cp.t = t
	return &cp
}

// Do sends a request and reads the whole response body.
func (c *Client) Do(method, path, contentType string, body io.Reader) (*http.Response, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.Base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	// a same-origin browser request, for the cross-origin protection
	req.Header.Set("Origin", c.Base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, b
}

// Get fetches a path.
func (c *Client) Get(path string) (*http.Response, []byte) { return c.Do("GET", path, "", nil) }

// PostForm posts an HTML form.
func (c *Client) PostForm(path string, v url.Values) *http.Response {
	resp, _ := c.Do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
	return resp
}

// JSON sends a JSON body (nil for none) and decodes a JSON answer into out
// (if not nil), returning the status.
func (c *Client) JSON(method, path string, in, out any) int {
	c.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			c.t.Fatal(err)
		}
		body = strings.NewReader(string(b))
	}
	resp, b := c.Do(method, path, "application/json", body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}
