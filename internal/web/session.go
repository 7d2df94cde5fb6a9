package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/locale"
)

type loginPage struct {
	Page
	Login string
	Next  string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	p.Title = p.L.T("login.title")
	s.render(w, r, "login", http.StatusOK, &loginPage{Page: p, Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps redirects after login on this site: a path of ours, with
// no control character or backslash (a browser drops a tab and reads a
// backslash as a slash, so "/\t/evil.example" and "/\\evil.example"
// would both leave the site) and no scheme or host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' || unicode.IsSpace(c) {
			return "/"
		}
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	login := strings.ToLower(strings.TrimSpace(r.PostFormValue("login")))
	next := safeNext(r.PostFormValue("next"))
	p := s.page(r, "")
	p.Title = p.L.T("login.title")
	lp := &loginPage{Page: p, Login: login, Next: next}
	addr := httpx.ClientIP(r, s.Proxies)
	if err := s.loginLimit.Check(login, addr); err != nil {
		lp.Errors = []string{p.L.Err(err)}
		s.render(w, r, "login", http.StatusTooManyRequests, lp)
		return
	}
	u, err := s.Auth.Authenticate(r.Context(), login, r.PostFormValue("password"))
	if err != nil {
		if errs.KindOf(err) != errs.Unauthenticated {
			s.fail(w, r, err)
			return
		}
		s.loginLimit.Failed(login, addr)
		lp.Errors = []string{p.L.Err(err)}
		s.render(w, r, "login", http.StatusUnauthorized, lp)
		return
	}
	s.loginLimit.Succeeded(login, addr)
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// startSession signs u in on this browser: a new session in a cookie that
// lasts as long as the session may.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *auth.User) error {
	token, err := s.Auth.StartSession(r.Context(), u)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(s.Auth.SessionMaxAge.Seconds())})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		s.Auth.EndSession(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// switchLang changes the language: stored on the account when signed in,
// in a cookie otherwise. It is a public route, so it looks up the session
// itself.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := locale.Match(r.PostFormValue("lang"))
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		if u, err := s.Auth.SessionUser(r.Context(), c.Value); err == nil {
			if err := s.Auth.SetLocale(r.Context(), u.Actor(), lang); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}
