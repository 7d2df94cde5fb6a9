package web

import (
	"net/http"
	"strings"
	"time"

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

// safeNext keeps redirects after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
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
	if !s.loginLimit.Allow("ip:"+httpx.ClientIP(r, s.TrustProxy), "login:"+login) {
		lp.Errors = []string{p.L.T("err.too_many")}
		s.render(w, r, "login", http.StatusTooManyRequests, lp)
		return
	}
	u, err := s.Auth.Authenticate(r.Context(), login, r.PostFormValue("password"))
	if err != nil {
		if errs.KindOf(err) != errs.Unauthenticated {
			s.fail(w, r, err)
			return
		}
		lp.Errors = []string{p.L.Err(err)}
		s.render(w, r, "login", http.StatusUnauthorized, lp)
		return
	}
	token, err := s.Auth.StartSession(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: httpx.SessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int((12 * time.Hour).Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
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
