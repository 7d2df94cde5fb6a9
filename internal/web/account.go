package web

import (
	"errors"
	"net/http"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

type accountPage struct {
	Page
	Scope    *org.Version
	Tokens   []*auth.Token
	NewToken string // the secret of a token just made, shown once
}

func (s *Server) accountData(r *http.Request) (*accountPage, error) {
	p := s.page(r, "")
	ap := &accountPage{Page: p}
	ap.Title, ap.Nav = p.L.T("account.title"), "account"
	snap, err := s.Org.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	ap.Scope = snap.Latest(p.User.ScopeUnitID)
	ap.Tokens, err = s.Auth.ListTokens(r.Context(), p.Actor)
	return ap, err
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	ap, err := s.accountData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "account", http.StatusOK, ap)
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	_, secret, err := s.Auth.CreateToken(r.Context(), httpx.Actor(r), r.PostFormValue("name"))
	ap, derr := s.accountData(r)
	if derr != nil {
		s.fail(w, r, derr)
		return
	}
	if err != nil {
		ap.Errors = ap.L.Errs(err)
		s.render(w, r, "account", http.StatusUnprocessableEntity, ap)
		return
	}
	ap.NewToken = secret
	s.render(w, r, "account", http.StatusOK, ap)
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = s.Auth.RevokeToken(r.Context(), httpx.Actor(r), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash(w, s.printer(r).T("account.token_revoked"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// passwordChange changes the user's own password. Every session and token
// of the account ends with the old password; this browser gets a new
// session. Wrong current passwords count as failed logins, so a borrowed
// session cannot be used to guess it.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) {
	u := httpx.User(r)
	addr := httpx.ClientIP(r, s.Proxies)
	err := s.loginLimit.Check(u.Login, addr)
	if err == nil && r.PostFormValue("password") != r.PostFormValue("confirm") {
		err = errs.Invalidf("auth.err.password_mismatch").At(0, "confirm")
	}
	if err == nil {
		err = s.Auth.ChangePassword(r.Context(), u.Actor(), r.PostFormValue("current_password"), r.PostFormValue("password"))
		if e, ok := errs.As(err); ok && e.Key == "auth.err.wrong_password" {
			s.loginLimit.Failed(u.Login, addr)
		}
	}
	if err == nil {
		err = s.startSession(w, r, u)
	}
	if err != nil {
		ap, derr := s.accountData(r)
		if derr != nil || errs.KindOf(err) == errs.Internal {
			s.fail(w, r, errors.Join(err, derr))
			return
		}
		ap.Errors = ap.L.Errs(err)
		s.render(w, r, "account", errs.Status(err), ap)
		return
	}
	flash(w, s.printer(r).T("account.password_changed"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
