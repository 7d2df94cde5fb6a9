package api

import (
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// UserList is a list of accounts.
type UserList struct {
	Users []*auth.User `json:"users"`
}

// TokenList is a list of API tokens.
type TokenList struct {
	Tokens []*auth.Token `json:"tokens"`
}

// NewToken is a created token with its secret, shown only this once.
type NewToken struct {
	auth.Token
	Secret string `json:"secret"`
}

// TokenInput names a new token.
type TokenInput struct {
	Name string `json:"name"`
}

// AuditList is a page of the change log, newest first.
type AuditList struct {
	Entries []audit.Record `json:"entries"`
}

func (a *API) registerUsers() {
	a.handle("GET", "/me", &httpx.Doc{Summary: "The signed-in user", Tag: "accounts", Response: auth.User{}}, a.me)
	a.handle("PUT", "/me/password", &httpx.Doc{ID: "changeMyPassword", Summary: "Change your own password (every session and API token of yours ends, this one too)",
		Tag: "accounts", Request: PasswordChange{}, Status: 204}, a.changePassword)
	a.handle("GET", "/users", &httpx.Doc{Summary: "Accounts in your scope", Tag: "accounts", Response: UserList{}}, a.listUsers)
	a.handle("POST", "/users", &httpx.Doc{Summary: "Create an account", Tag: "accounts", Request: auth.UserInput{}, Response: auth.User{}, Status: 201}, a.createUser)
	a.handle("GET", "/users/{id}", &httpx.Doc{Summary: "An account", Tag: "accounts", Response: auth.User{}}, a.getUser)
	a.handle("PUT", "/users/{id}", &httpx.Doc{Summary: "Change an account (an empty password keeps it)", Tag: "accounts", Request: auth.UserInput{}, Response: auth.User{}}, a.updateUser)
	a.handle("GET", "/tokens", &httpx.Doc{Summary: "Your API tokens", Tag: "accounts", Response: TokenList{}}, a.listTokens)
	a.handle("POST", "/tokens", &httpx.Doc{Summary: "Create an API token (the secret is shown once)", Tag: "accounts", Request: TokenInput{}, Response: NewToken{}, Status: 201}, a.createToken)
	a.handle("DELETE", "/tokens/{id}", &httpx.Doc{Summary: "Revoke one of your API tokens", Tag: "accounts", Status: 204}, a.revokeToken)
	a.handle("GET", "/audit", &httpx.Doc{Summary: "The change log of your scope, newest first", Tag: "audit",
		Query:    []httpx.Param{{Name: "unit", Type: "integer", Description: "only changes of this unit"}, {Name: "before", Type: "integer", Description: "entries older than this sequence number"}},
		Response: AuditList{}}, a.auditLog)
}

func (a *API) me(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, httpx.User(r)) }

// PasswordChange is a new password for one's own account.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

func (a *API) changePassword(w http.ResponseWriter, r *http.Request) {
	var in PasswordChange
	err := decode(w, r, &in)
	if err == nil {
		err = a.Auth.ChangePassword(r.Context(), httpx.Actor(r), in.CurrentPassword, in.Password)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := a.Auth.ListUsers(r.Context(), httpx.Actor(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if users == nil {
		users = []*auth.User{}
	}
	writeJSON(w, http.StatusOK, UserList{Users: users})
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) {
	var in auth.UserInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.Auth.CreateUser(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var u *auth.User
	if err == nil {
		u, err = a.Auth.GetUser(r.Context(), httpx.Actor(r), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in auth.UserInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var u *auth.User
	if err == nil {
		u, err = a.Auth.UpdateUser(r.Context(), httpx.Actor(r), id, in)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := a.Auth.ListTokens(r.Context(), httpx.Actor(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if ts == nil {
		ts = []*auth.Token{}
	}
	writeJSON(w, http.StatusOK, TokenList{Tokens: ts})
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) {
	var in TokenInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, secret, err := a.Auth.CreateToken(r.Context(), httpx.Actor(r), in.Name)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, NewToken{Token: *t, Secret: secret})
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = a.Auth.RevokeToken(r.Context(), httpx.Actor(r), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) auditLog(w http.ResponseWriter, r *http.Request) {
	t, err := a.Org.For(r.Context(), httpx.Actor(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var unit, before int64
	for name, dst := range map[string]*int64{"unit": &unit, "before": &before} {
		if s := r.URL.Query().Get(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				a.fail(w, r, errs.Invalidf("err.bad_id", "Value", s).At(0, name))
				return
			}
			*dst = n
		}
	}
	q, err := t.AuditQuery(unit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q.BeforeSeq = before
	recs, err := audit.List(r.Context(), a.DB, q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if recs == nil {
		recs = []audit.Record{}
	}
	writeJSON(w, http.StatusOK, AuditList{Entries: recs})
}
