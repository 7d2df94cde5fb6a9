package api

import (
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
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
	route(a, "GET", "/me", httpx.Doc{Summary: "The signed-in user", Tag: "accounts", Kept: true},
		func(c *Call, _ None) (*auth.User, error) { return c.User(), nil })
	route(a, "PUT", "/me/password", httpx.Doc{ID: "changeMyPassword", Summary: "Change your own password (every session and API token of yours ends, this one too)",
		Tag: "accounts"},
		func(c *Call, in PasswordChange) (None, error) {
			return None{}, a.Auth.ChangePassword(c.Ctx, c.Actor, in.CurrentPassword, in.Password)
		})
	route(a, "GET", "/users", httpx.Doc{Summary: "Accounts in your scope", Tag: "accounts"},
		func(c *Call, _ None) (UserList, error) {
			users, err := a.Auth.ListUsers(c.Ctx, c.Actor)
			if users == nil {
				users = []*auth.User{}
			}
			return UserList{Users: users}, err
		})
	route(a, "POST", "/users", httpx.Doc{Summary: "Create an account", Tag: "accounts", Status: 201},
		func(c *Call, in auth.UserInput) (*auth.User, error) { return a.Auth.CreateUser(c.Ctx, c.Actor, in) })
	route(a, "GET", "/users/{id}", httpx.Doc{Summary: "An account", Tag: "accounts"},
		func(c *Call, _ None) (*auth.User, error) { return a.Auth.GetUser(c.Ctx, c.Actor, c.ID()) })
	route(a, "PUT", "/users/{id}", httpx.Doc{Summary: "Change an account (an empty password keeps it)", Tag: "accounts"},
		func(c *Call, in auth.UserInput) (*auth.User, error) {
			return a.Auth.UpdateUser(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "GET", "/tokens", httpx.Doc{Summary: "Your API tokens", Tag: "accounts"},
		func(c *Call, _ None) (TokenList, error) {
			ts, err := a.Auth.ListTokens(c.Ctx, c.Actor)
			if ts == nil {
				ts = []*auth.Token{}
			}
			return TokenList{Tokens: ts}, err
		})
	route(a, "POST", "/tokens", httpx.Doc{Summary: "Create an API token (the secret is shown once)", Tag: "accounts", Status: 201},
		func(c *Call, in TokenInput) (*NewToken, error) {
			t, secret, err := a.Auth.CreateToken(c.Ctx, c.Actor, in.Name)
			if err != nil {
				return nil, err
			}
			return &NewToken{Token: *t, Secret: secret}, nil
		})
	route(a, "DELETE", "/tokens/{id}", httpx.Doc{Summary: "Revoke one of your API tokens", Tag: "accounts"},
		func(c *Call, _ None) (None, error) { return None{}, a.Auth.RevokeToken(c.Ctx, c.Actor, c.ID()) })
	route(a, "GET", "/audit", httpx.Doc{Summary: "The change log of your scope, newest first", Tag: "audit",
		Query: []httpx.Param{{Name: "unit", Type: "integer", Description: "only changes of this unit"}, {Name: "before", Type: "integer", Description: "entries older than this sequence number"}}},
		a.auditLog)
}

// PasswordChange is a new password for one's own account.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

func (a *API) auditLog(c *Call, _ None) (AuditList, error) {
	t, err := a.Org.For(c.Ctx, c.Actor)
	if err != nil {
		return AuditList{}, err
	}
	unit, before := c.Int64("unit"), c.Int64("before")
	if err := c.Err(); err != nil {
		return AuditList{}, err
	}
	q, err := t.AuditQuery(unit)
	if err != nil {
		return AuditList{}, err
	}
	q.BeforeSeq = before
	recs, err := audit.List(c.Ctx, a.DB, q)
	if recs == nil {
		recs = []audit.Record{}
	}
	return AuditList{Entries: recs}, err
}
