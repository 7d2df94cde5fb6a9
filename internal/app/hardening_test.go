package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// TestOwnPassword: a focal person and a viewer — who could not before —
// change their own password on their account page and through the API;
// the other sessions and the API tokens of the account end, this browser
// stays signed in, and the new password is the one that works.
func TestOwnPassword(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		for _, login := range []string{"pleiku", "lanhdao"} {
			t.Run(login, func(t *testing.T) {
				u := s.User(t, login)
				browser, phone, script := s.SessionFor(t, u), s.SessionFor(t, u), s.TokenFor(t, u)
				if _, body := browser.Get("/account"); !strings.Contains(string(body), `action="/account/password"`) {
					t.Fatalf("no password form on the account page")
				}
				change := func(current, next, confirm string) (*http.Response, string) {
					resp, body := browser.Do("POST", "/account/password", "application/x-www-form-urlencoded",
						strings.NewReader(url.Values{"current_password": {current}, "password": {next}, "confirm": {confirm}}.Encode()))
					return resp, string(body)
				}
				for _, c := range []struct{ current, next, confirm, says string }{
					{"sai rồi đó nha", "một mật khẩu mới tinh", "một mật khẩu mới tinh", "mật khẩu hiện tại không đúng"},
					{demo.Password, "một mật khẩu mới tinh", "một mật khẩu khác", "không khớp"},
					{demo.Password, "aaaaaaaaaa", "aaaaaaaaaa", "quá phổ biến"},
					{demo.Password, "0123456789", "0123456789", "quá phổ biến"},
					{demo.Password, "          ", "          ", "quá dễ đoán"},
					{demo.Password, login + "12345", login + "12345", "tên đăng nhập"},
				} {
					if resp, body := change(c.current, c.next, c.confirm); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.says) {
						t.Errorf("%q: status %d, the page does not say %q", c.next, resp.StatusCode, c.says)
					}
				}
				resp, _ := change(demo.Password, "một mật khẩu mới tinh", "một mật khẩu mới tinh")
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("the change: status %d", resp.StatusCode)
				}
				if resp, _ := browser.Get("/account"); resp.StatusCode != http.StatusOK {
					t.Errorf("the browser that changed it is signed out: %d", resp.StatusCode)
				}
				if resp, _ := phone.Get("/account"); resp.StatusCode == http.StatusOK {
					t.Error("another session outlived the password change")
				}
				if resp, _ := script.Get("/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("an API token outlived the password change: %d", resp.StatusCode)
				}
				if _, err := s.Auth.Authenticate(context.Background(), login, "một mật khẩu mới tinh"); err != nil {
					t.Errorf("the new password does not work: %v", err)
				}
				// and back, through the API
				script = s.TokenFor(t, u)
				if st := script.JSON("PUT", "/api/v1/me/password", map[string]string{"current_password": "một mật khẩu mới tinh", "password": demo.Password}, nil); st != http.StatusNoContent {
					t.Errorf("PUT /api/v1/me/password: %d", st)
				}
				if resp, _ := script.Get("/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("the token that changed the password still works: %d", resp.StatusCode)
				}
			})
		}
	})
}

// TestPeerTakeover: a coordinator cannot change the password of, or
// disable, another coordinator of the same scope (issue 15), on the page
// or through the API; nor give an account their own rank.
func TestPeerTakeover(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gialai := s.User(t, "gialai")
		peer, err := s.Auth.CreateUser(context.Background(), s.Admin, auth.UserInput{Login: "gialai2", DisplayName: "Điều phối thứ hai",
			Password: demo.Password, Role: auth.RoleCoordinator, ScopeUnitID: gialai.ScopeUnitID, Locale: "vi"})
		if err != nil {
			t.Fatal(err)
		}
		page, script := s.SessionFor(t, gialai), s.TokenFor(t, gialai)
		before := s.AuditLen(t)
		resp := page.PostForm("/admin/users/"+itoa(peer.ID), url.Values{"display_name": {"Bị chiếm"}, "role": {"coordinator"},
			"scope_unit_id": {itoa(peer.ScopeUnitID)}, "password": {"mật khẩu của kẻ chiếm"}, "disabled": {"on"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("the page: status %d, want 403", resp.StatusCode)
		}
		if st := script.JSON("PUT", "/api/v1/users/"+itoa(peer.ID), map[string]any{"display_name": "Bị chiếm", "role": "coordinator",
			"scope_unit_id": peer.ScopeUnitID, "password": "mật khẩu của kẻ chiếm"}, nil); st != http.StatusForbidden {
			t.Errorf("the API: status %d, want 403", st)
		}
		if st := script.JSON("POST", "/api/v1/users", map[string]any{"login": "gialai3", "display_name": "Ngang hàng", "role": "coordinator",
			"scope_unit_id": gialai.ScopeUnitID, "password": "một mật khẩu đủ dài"}, nil); st != http.StatusForbidden {
			t.Errorf("creating an equal: status %d, want 403", st)
		}
		if s.AuditLen(t) != before {
			t.Error("a refused takeover was audited")
		}
		if _, err := s.Auth.Authenticate(context.Background(), "gialai2", demo.Password); err != nil {
			t.Errorf("the peer's password or state changed: %v", err)
		}
		if _, body := page.Get("/admin/users/new"); strings.Contains(string(body), `value="coordinator"`) {
			t.Error("the form offers the coordinator's own rank")
		}
	})
}

// TestRedirectsStayOnSite: after login, next goes only to a path of this
// site; the tab trick of issue 15 and its kin go home instead.
func TestRedirectsStayOnSite(t *testing.T) {
	s := apptest.StartSQLite(t)
	for next, want := range map[string]string{
		"/%09/evil.example":     "/",
		"/\t/evil.example":      "/",
		"/\n/evil.example":      "/",
		"//evil.example":        "/",
		"/\\evil.example":       "/",
		"/%5Cevil.example":      "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		"/ /evil.example":       "/",
		"/people?unit=5&d=2026": "/people?unit=5&d=2026",
		"/units/1":              "/units/1",
	} {
		c := s.Anonymous(t)
		// next as the login page's form sends it back, decoded once
		v, err := url.QueryUnescape(strings.ReplaceAll(next, "+", "%2B"))
		if err != nil {
			v = next
		}
		resp := c.PostForm("/login", url.Values{"login": {"pleiku"}, "password": {demo.Password}, "next": {v}})
		if loc := resp.Header.Get("Location"); loc != want {
			t.Errorf("next=%q: Location %q, want %q", next, loc, want)
		}
	}
}

// TestHSTS: the header is sent over HTTPS — here, behind a proxy named
// on the command line that says so — and not over plain HTTP nor when an
// unknown client claims HTTPS.
func TestHSTS(t *testing.T) {
	proxies, err := httpx.ParseProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	s := apptest.StartWith(t, "", func(c *app.Config) { c.Proxies = proxies })
	c := s.Anonymous(t)
	for _, h := range []http.Header{nil, {"X-Forwarded-Proto": {"https"}}} {
		c.Header = h
		resp, _ := c.Get("/login")
		got := resp.Header.Get("Strict-Transport-Security")
		if want := h != nil; (got != "") != want || (want && !strings.Contains(got, "max-age=31536000")) {
			t.Errorf("with %v: Strict-Transport-Security %q", h, got)
		}
	}
	plain := apptest.StartSQLite(t) // no proxy trusted: the header is the client's word
	pc := plain.Anonymous(t)
	pc.Header = http.Header{"X-Forwarded-Proto": {"https"}}
	if resp, _ := pc.Get("/login"); resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS on a claim from an untrusted client")
	}
}

// TestLoginBehindProxy: behind a proxy named on the command line, the
// client is the rightmost address the proxy appended; a guesser who
// varies the addresses written to its left gains nothing (issue 15: the
// leftmost was believed), and the owner from another address signs in
// while the guesser is held back.
func TestLoginBehindProxy(t *testing.T) {
	proxies, err := httpx.ParseProxies("127.0.0.0/8, 10.0.0.5")
	if err != nil {
		t.Fatal(err)
	}
	s := apptest.StartWith(t, "", func(c *app.Config) { c.Proxies = proxies })
	try := func(xff, password string) int {
		c := s.Anonymous(t)
		c.Header = http.Header{"X-Forwarded-For": {xff}}
		return c.PostForm("/login", url.Values{"login": {"pleiku"}, "password": {password}}).StatusCode
	}
	limited := 0
	for i := 0; i < 30; i++ {
		// the attacker writes a new address each time; the proxies append
		// the attacker's real one, then their own
		if try("198.18.0."+itoa(int64(i))+", 203.0.113.9, 10.0.0.5", "doan-"+itoa(int64(i))) == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 20 {
		t.Errorf("only %d of 30 guesses were held back", limited)
	}
	if st := try("198.18.1.1, 203.0.113.9, 10.0.0.5", demo.Password); st != http.StatusTooManyRequests {
		t.Errorf("the guessing address with the right password: %d, want 429", st)
	}
	if st := try("198.51.100.7, 10.0.0.5", demo.Password); st != http.StatusSeeOther {
		t.Errorf("the owner from another address: %d, want 303", st)
	}
}
