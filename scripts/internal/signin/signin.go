// Package signin signs the measuring scripts (scripts/load, fresh,
// coldstart, writes) in to a mangluoi server the way a browser and a
// script do: the sign-in form posted to /login (a 303 with the session's
// cookies), then, with them, an API token for the API's calls; and out
// again. One way for all of them.
package signin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Session is a signed-in account on one server.
type Session struct {
	Base     string // http://host:port, no trailing slash
	HTTP     *http.Client
	Cookies  []*http.Cookie
	Location string // where the sign-in sent the browser (the account's home)
	Token    string // after MakeToken: the API token's secret
	TokenID  int64
}

// Client is an HTTP client for measuring: no redirect followed (a 303 is
// a result to see), no compression.
func Client(t *http.Transport) *http.Client {
	if t == nil {
		t = &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true}
	}
	return &http.Client{Transport: t, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// In posts the sign-in form as login with password.
func In(hc *http.Client, base, login, password string) (*Session, error) {
	base = strings.TrimRight(base, "/")
	form := url.Values{"login": {login}, "password": {password}}
	req, err := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin(base)) // what http.CrossOriginProtection checks on a form post
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", login, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	s := &Session{Base: base, HTTP: hc, Cookies: resp.Cookies(), Location: resp.Header.Get("Location")}
	if resp.StatusCode != http.StatusSeeOther || len(s.Cookies) == 0 {
		return nil, fmt.Errorf("sign in as %s: status %d, %d cookies (wrong password, or rate-limited?)", login, resp.StatusCode, len(s.Cookies))
	}
	return s, nil
}

func origin(base string) string {
	if u, err := url.Parse(base); err == nil {
		return u.Scheme + "://" + u.Host
	}
	return base
}

// AddCookies puts the session's cookies on req.
func (s *Session) AddCookies(req *http.Request) {
	for _, c := range s.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
}

// MakeToken makes an API token named name with the session.
func (s *Session) MakeToken(name string) error {
	b, _ := json.Marshal(map[string]string{"name": name})
	req, _ := http.NewRequest("POST", s.Base+"/api/v1/tokens", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin(s.Base))
	s.AddCookies(req)
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("API token: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("API token: %w", err)
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("API token: status %d: %.200s", resp.StatusCode, body)
	}
	var out struct {
		ID     int64  `json:"id"`
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Secret == "" {
		return fmt.Errorf("API token: %.200s", body)
	}
	s.Token, s.TokenID = out.Secret, out.ID
	return nil
}

// RevokeToken revokes the token MakeToken made (errors ignored: the end
// of a run).
func (s *Session) RevokeToken() {
	if s.Token == "" {
		return
	}
	req, _ := http.NewRequest("DELETE", s.Base+"/api/v1/tokens/"+strconv.FormatInt(s.TokenID, 10), nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	if resp, err := s.HTTP.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// Out signs the session out (errors ignored).
func (s *Session) Out() {
	req, _ := http.NewRequest("POST", s.Base+"/logout", nil)
	req.Header.Set("Origin", origin(s.Base))
	s.AddCookies(req)
	if resp, err := s.HTTP.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
