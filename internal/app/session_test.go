package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// TestSessions: forms are safe from other sites, and a session ends when
// its user signs out or is disabled.
func TestSessions(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		t.Run("cross-site form", func(t *testing.T) { crossSiteFormRefused(t, s) })
		t.Run("logout", func(t *testing.T) { logoutEndsSession(t, s) })
		t.Run("disabled account", func(t *testing.T) { disabledUserLocked(t, s) })
	})
}

// crossSiteFormRefused: a form posted from another site with the
// victim's session cookie is refused and changes nothing; the same form
// from the site itself goes through.
func crossSiteFormRefused(t *testing.T, s *apptest.Server) {
	c := s.Login(t, "gialai")
	unit := s.UnitNamed(t, "Phường Quy Nhơn")
	path := "/units/" + itoa(unit.UnitID) + "/rename"
	rename := url.Values{"effective_date": {"2026-11-01"}, "name": {"Phường Bị Đổi Tên"}, "code": {unit.Code}, "kind": {unit.Kind}}
	for _, h := range []http.Header{
		{"Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}},
		{"Sec-Fetch-Site": {"cross-site"}},
		{"Origin": {"http://evil.example"}, "Sec-Fetch-Site": nil},
		{"Origin": {"null"}, "Sec-Fetch-Site": {"same-site"}},
	} {
		before := s.AuditLen(t)
		c.Header = h
		resp := c.PostForm(path, rename)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site form with %v: status %d, want 403", h, resp.StatusCode)
		}
		if s.AuditLen(t) != before || s.UnitNamed(t, "Phường Quy Nhơn").UnitID != unit.UnitID {
			t.Errorf("cross-site form with %v changed something", h)
		}
	}
	c.Header = nil
	if resp := c.PostForm(path, rename); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the same form from the site itself: status %d, want 303", resp.StatusCode)
	}
	if s.UnitNamed(t, "Phường Bị Đổi Tên").UnitID != unit.UnitID {
		t.Error("the same-site rename did not happen")
	}
}

// TestLoginRateLimited: guessing passwords is cut short with 429, for the
// right password too, and the answer is a page that says so.
func TestLoginRateLimited(t *testing.T) {
	s := apptest.StartSQLite(t)
	c := s.Anonymous(t)
	limited := 0
	for i := 0; i < 40 && limited == 0; i++ {
		resp, body := c.Do("POST", "/login", "application/x-www-form-urlencoded",
			strings.NewReader(url.Values{"login": {"pleiku"}, "password": {"doan-mo-" + itoa(int64(i))}}.Encode()))
		switch resp.StatusCode {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			limited = i + 1
			if !strings.Contains(string(body), "Quá nhiều lần thử") {
				t.Errorf("the 429 page does not say why: %.500s", body)
			}
		default:
			t.Fatalf("attempt %d: status %d", i+1, resp.StatusCode)
		}
	}
	if limited == 0 {
		t.Fatal("40 wrong passwords in a row were never refused with 429")
	}
	if limited < 5 {
		t.Errorf("refused already at attempt %d", limited)
	}
	resp := c.PostForm("/login", url.Values{"login": {"pleiku"}, "password": {demo.Password}})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password while limited: status %d, want 429", resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == httpx.SessionCookie && ck.Value != "" {
			t.Error("a session cookie was sent")
		}
	}
}

// logoutEndsSession: after signing out, the old session cookie opens
// nothing, on the pages or the API.
func logoutEndsSession(t *testing.T, s *apptest.Server) {
	c := s.Login(t, "pleiku")
	base, _ := url.Parse(s.URL)
	cookies := c.Jar.Cookies(base)
	if resp, _ := c.Get("/account"); resp.StatusCode != http.StatusOK {
		t.Fatalf("account page: %d", resp.StatusCode)
	}
	if resp := c.PostForm("/logout", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	old := s.Anonymous(t) // a client that kept the cookie
	old.Jar.SetCookies(base, cookies)
	checkSignedOut(t, old)
}

// disabledUserLocked: disabling an account ends its sessions and stops
// its API tokens and its password.
func disabledUserLocked(t *testing.T, s *apptest.Server) {
	ctx := context.Background()
	in := auth.UserInput{Login: "tamnghi", DisplayName: "Cán bộ tạm nghỉ", Password: demo.Password, Role: auth.RoleFocal,
		ScopeUnitID: s.UnitNamed(t, "Phường Pleiku").UnitID, Locale: "vi"}
	u, err := s.Auth.CreateUser(ctx, s.Admin, in)
	if err != nil {
		t.Fatal(err)
	}
	session, token := s.Login(t, "tamnghi"), s.TokenFor(t, u)
	if resp, _ := session.Get("/account"); resp.StatusCode != http.StatusOK {
		t.Fatalf("before: account page %d", resp.StatusCode)
	}
	if code := token.JSON("GET", "/api/v1/me", nil, nil); code != http.StatusOK {
		t.Fatalf("before: api %d", code)
	}
	in.Password, in.Disabled = "", true
	if code := s.TokenClient(t, "gialai").JSON("PUT", "/api/v1/users/"+itoa(u.ID), in, nil); code != http.StatusOK {
		t.Fatalf("disable: %d", code)
	}
	checkSignedOut(t, session)
	checkSignedOut(t, token)
	again := s.Anonymous(t)
	if resp := again.PostForm("/login", url.Values{"login": {"tamnghi"}, "password": {demo.Password}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled account signs in: %d", resp.StatusCode)
	}
}

// checkSignedOut: the client's credentials open no page and no API call.
func checkSignedOut(t *testing.T, c *apptest.Client) {
	t.Helper()
	if c.Token == "" {
		if resp, _ := c.Get("/account"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("account page: %d to %q, want the login page", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := c.PostForm("/account/tokens", url.Values{"name": {"sau khi đăng xuất"}}); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("a form: %d to %q, want the login page", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if code := c.JSON("GET", "/api/v1/me", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("api: %d, want 401", code)
	}
}
