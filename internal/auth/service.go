package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// ScopeChecker answers whether a unit lies in a scope; the org tree
// implements it (auth sits below org and cannot import it).
type ScopeChecker interface {
	// Covers reports whether target is inside scope's subtree (at any time).
	Covers(ctx context.Context, scope, target int64) (bool, error)
	// UnitExists reports whether a unit exists.
	UnitExists(ctx context.Context, id int64) (bool, error)
}

// Service manages accounts, sessions and API tokens.
type Service struct {
	db     *db.DB
	audit  *audit.Log
	now    func() time.Time
	scopes ScopeChecker
	creds  credentials // who sessions and tokens belong to (cache.go)

	// SessionTTL is how long a session lasts without use.
	SessionTTL time.Duration
	// SessionMaxAge is how long a session lasts however much it is used:
	// a stolen cookie is not good forever.
	SessionMaxAge time.Duration
}

// NewService makes the account service.
func NewService(d *db.DB, log *audit.Log, now func() time.Time, scopes ScopeChecker) *Service {
	d.Follow(authGeneration, `SELECT generation FROM auth_state WHERE id = 1`)
	return &Service{db: d, audit: log, now: now, scopes: scopes, SessionTTL: 12 * time.Hour, SessionMaxAge: 24 * time.Hour}
}

// User is an account (never with its password hash).
type User struct {
	ID          int64     `json:"id"`
	Login       string    `json:"login"`
	DisplayName string    `json:"display_name"`
	Email       string    `json:"email"`
	Role        Role      `json:"role"`
	ScopeUnitID int64     `json:"scope_unit_id"`
	Locale      string    `json:"locale"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Actor is the user as a service caller.
func (u *User) Actor() *Actor {
	return &Actor{UserID: u.ID, Login: u.Login, Name: u.DisplayName, Role: u.Role, ScopeUnitID: u.ScopeUnitID}
}

// UserInput creates or changes an account. On update, an empty Password
// keeps the current one.
type UserInput struct {
	Login       string `json:"login"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Password    string `json:"password,omitempty"`
	Role        Role   `json:"role"`
	ScopeUnitID int64  `json:"scope_unit_id"`
	Locale      string `json:"locale"`
	Disabled    bool   `json:"disabled"`
}

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,62}$`)

// validate checks an account's fields; login is the account's (for an
// update, where the input carries none).
func (s *Service) validate(ctx context.Context, actor *Actor, in *UserInput, creating bool, login string) error {
	in.Login = strings.ToLower(strings.TrimSpace(in.Login))
	in.DisplayName = locale.CleanString(in.DisplayName)
	in.Email = strings.TrimSpace(in.Email)
	var bad []*errs.Error
	if creating && !loginPattern.MatchString(in.Login) {
		bad = append(bad, errs.Invalidf("auth.err.bad_login").At(0, "login"))
	}
	if in.DisplayName == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "display_name"))
	}
	if in.Email != "" {
		if _, err := mail.ParseAddress(in.Email); err != nil {
			bad = append(bad, errs.Invalidf("auth.err.bad_email").At(0, "email"))
		}
	}
	if creating {
		login = in.Login
	}
	if creating || in.Password != "" {
		if e := CheckPasswordPolicy(login, in.Password); e != nil {
			bad = append(bad, e)
		}
	}
	if !in.Role.Valid() {
		bad = append(bad, errs.Invalidf("auth.err.bad_role").At(0, "role"))
	} else if !actor.Manages(in.Role) {
		return errs.ForbiddenErr()
	}
	in.Locale = locale.Match(in.Locale)
	if ok, err := s.scopes.UnitExists(ctx, in.ScopeUnitID); err != nil {
		return err
	} else if !ok {
		bad = append(bad, errs.Invalidf("org.err.unknown_unit", "ID", in.ScopeUnitID).At(0, "scope_unit_id"))
	} else if ok, err := s.scopes.Covers(ctx, actor.ScopeUnitID, in.ScopeUnitID); err != nil {
		return err
	} else if !ok {
		return errs.ForbiddenErr()
	}
	if len(bad) == 1 {
		return bad[0]
	}
	return errs.List("err.form", bad)
}

// CreateUser makes an account. The actor must manage users, outrank the new
// role and cover the new scope.
func (s *Service) CreateUser(ctx context.Context, actor *Actor, in UserInput) (*User, error) {
	if !actor.Can(PermManageUsers) {
		return nil, errs.ForbiddenErr()
	}
	if err := s.validate(ctx, actor, &in, true, ""); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	u := &User{Login: in.Login, DisplayName: in.DisplayName, Email: in.Email, Role: in.Role, ScopeUnitID: in.ScopeUnitID,
		Locale: in.Locale, Disabled: in.Disabled, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE login = $1`, u.Login).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return errs.New(errs.Conflict, "auth.err.login_taken", "Login", u.Login).At(0, "login")
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (login, display_name, email, password_hash, role, scope_unit_id, locale, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			u.Login, u.DisplayName, u.Email, hash, u.Role, u.ScopeUnitID, u.Locale, u.Disabled, now, now).Scan(&u.ID)
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "user.create", Entity: "user",
			EntityID: fmt.Sprint(u.ID), UnitID: u.ScopeUnitID, After: u})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateUser changes an account within the actor's scope.
func (s *Service) UpdateUser(ctx context.Context, actor *Actor, id int64, in UserInput) (*User, error) {
	if !actor.Can(PermManageUsers) {
		return nil, errs.ForbiddenErr()
	}
	old, err := s.GetUser(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !actor.Manages(old.Role) {
		return nil, errs.ForbiddenErr()
	}
	if err := s.validate(ctx, actor, &in, false, old.Login); err != nil {
		return nil, err
	}
	u := *old
	u.DisplayName, u.Email, u.Role, u.ScopeUnitID, u.Locale, u.Disabled = in.DisplayName, in.Email, in.Role, in.ScopeUnitID, in.Locale, in.Disabled
	u.UpdatedAt = s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET display_name = $1, email = $2, role = $3, scope_unit_id = $4, locale = $5,
			disabled = $6, updated_at = $7 WHERE id = $8`, u.DisplayName, u.Email, u.Role, u.ScopeUnitID, u.Locale, u.Disabled, u.UpdatedAt, id)
		if err != nil {
			return err
		}
		if in.Password != "" {
			hash, err := HashPassword(in.Password)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id); err != nil {
				return err
			}
		}
		if in.Password != "" || u.Disabled || u.Role != old.Role || u.ScopeUnitID != old.ScopeUnitID {
			// powers or secret changed: sign the account out everywhere
			if err := s.endAccess(ctx, tx, id); err != nil {
				return err
			}
		}
		after := any(&u)
		if in.Password != "" {
			after = struct {
				*User
				PasswordChanged bool `json:"password_changed"`
			}{&u, true}
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "user.update", Entity: "user",
			EntityID: fmt.Sprint(id), UnitID: u.ScopeUnitID, Before: old, After: after})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

const userColumns = `id, login, display_name, email, role, scope_unit_id, locale, disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	u := &User{}
	err := row.Scan(&u.ID, &u.Login, &u.DisplayName, &u.Email, &u.Role, &u.ScopeUnitID, &u.Locale, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	return u, err
}

// GetUser returns an account the actor may see: their own, or one scoped
// inside their scope if they manage users.
func (s *Service) GetUser(ctx context.Context, actor *Actor, id int64) (*User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	if id == actor.UserID {
		return u, nil
	}
	if !actor.Can(PermManageUsers) {
		return nil, errs.ForbiddenErr()
	}
	ok, err := s.scopes.Covers(ctx, actor.ScopeUnitID, u.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.ForbiddenErr()
	}
	return u, nil
}

// ListUsers returns the accounts scoped inside the actor's scope.
func (s *Service) ListUsers(ctx context.Context, actor *Actor) ([]*User, error) {
	if !actor.Can(PermManageUsers) {
		return nil, errs.ForbiddenErr()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY login`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		ok, err := s.scopes.Covers(ctx, actor.ScopeUnitID, u.ScopeUnitID)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// Authenticate checks a login and password. Unknown logins, wrong passwords
// and disabled accounts all give the same error, in the same time.
func (s *Service) Authenticate(ctx context.Context, login, password string) (*User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	var hash string
	row := s.db.QueryRowContext(ctx, `SELECT password_hash, `+userColumns+` FROM users WHERE login = $1`, login)
	u := &User{}
	err := row.Scan(&hash, &u.ID, &u.Login, &u.DisplayName, &u.Email, &u.Role, &u.ScopeUnitID, &u.Locale, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	if err != nil && !db.IsNoRows(err) {
		return nil, err
	}
	if err != nil {
		CheckPassword(dummyHash, password)
		return nil, errs.New(errs.Unauthenticated, "auth.err.bad_credentials")
	}
	if !CheckPassword(hash, password) || u.Disabled {
		return nil, errs.New(errs.Unauthenticated, "auth.err.bad_credentials")
	}
	return u, nil
}

// newSecret returns a random token and its SHA-256, which is all we store:
// a stolen database gives no usable session or API token.
func newSecret(prefix string) (plain, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, hashSecret(plain), nil
}

func hashSecret(plain string) string {
	h := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(h[:])
}

// StartSession opens a session for a user who has just authenticated and
// returns its token (for the cookie).
func (s *Service) StartSession(ctx context.Context, u *User) (string, error) {
	plain, hash, err := newSecret("")
	if err != nil {
		return "", err
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, u.ID, now, now.Add(s.SessionTTL)); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, u.Actor().Who(), audit.Entry{Action: "session.start", Entity: "user", EntityID: fmt.Sprint(u.ID)})
	})
	return plain, err
}

// SessionUser returns the user of a live session, extending it if more than
// an hour has passed since it was last extended — but never past
// SessionMaxAge from its start.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, errs.New(errs.Unauthenticated, "err.login_required")
	}
	hash := hashSecret(token)
	// the generation is read before the session, so a revocation that
	// comes between leaves an entry that the next request will not trust
	gen, err := s.db.Generation(ctx, authGeneration)
	if err != nil {
		return nil, err
	}
	now := s.now()
	e, cached := s.creds.get(hash, gen)
	if !cached || !now.Before(e.expires) {
		// not known, or known to have ended: another server may have
		// extended it since, so ask the database
		e = credential{gen: gen}
		u := &e.user
		err = s.db.QueryRowContext(ctx, `SELECT s.created_at, s.expires_at, u.id, u.login, u.display_name, u.email, u.role, u.scope_unit_id,
		u.locale, u.disabled, u.created_at, u.updated_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
			hash).Scan(&e.started, &e.expires, &u.ID, &u.Login, &u.DisplayName, &u.Email, &u.Role, &u.ScopeUnitID, &u.Locale, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
		if err != nil && !db.IsNoRows(err) {
			return nil, err
		}
		if err != nil {
			return nil, errs.New(errs.Unauthenticated, "err.login_required")
		}
		cached = false
	}
	end := e.started.Add(s.SessionMaxAge)
	if now.After(e.expires) || !now.Before(end) || e.user.Disabled {
		return nil, errs.New(errs.Unauthenticated, "err.login_required")
	}
	if e.expires.Sub(now) < s.SessionTTL-time.Hour && e.expires.Before(end) {
		next := now.Add(s.SessionTTL)
		if next.After(end) {
			next = end
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET expires_at = $1 WHERE token_hash = $2`, next.UTC(), hash); err == nil {
			e.expires, cached = next, false
		}
	}
	if !cached {
		s.creds.put(hash, e)
	}
	u := e.user
	return &u, nil
}

// endAccess ends every session and API token of an account, in tx: its
// password, role or scope changed, or it was disabled.
func (s *Service) endAccess(ctx context.Context, tx *sql.Tx, userID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, s.now().UTC(), userID)
	return err
}

// ChangePassword changes the actor's own password, given the current one
// (a borrowed session cannot lock its owner out). Every session and API
// token of the account ends; the caller starts a new session.
func (s *Service) ChangePassword(ctx context.Context, actor *Actor, current, next string) error {
	if actor == nil || actor.UserID == 0 {
		return errs.ForbiddenErr()
	}
	var hash, login string
	var scope int64
	err := s.db.QueryRowContext(ctx, `SELECT password_hash, login, scope_unit_id FROM users WHERE id = $1`, actor.UserID).Scan(&hash, &login, &scope)
	if err != nil {
		return err
	}
	if !CheckPassword(hash, current) {
		return errs.Invalidf("auth.err.wrong_password").At(0, "current_password")
	}
	if next == current {
		return errs.Invalidf("auth.err.same_password").At(0, "password")
	}
	if e := CheckPasswordPolicy(login, next); e != nil {
		return e
	}
	newHash, err := HashPassword(next)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, newHash, now, actor.UserID); err != nil {
			return err
		}
		if err := s.endAccess(ctx, tx, actor.UserID); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "user.password", Entity: "user", EntityID: fmt.Sprint(actor.UserID),
			UnitID: scope, After: map[string]bool{"password_changed": true, "sessions_ended": true, "tokens_revoked": true}})
	})
}

// EndSession signs out.
func (s *Service) EndSession(ctx context.Context, token string) error {
	hash := hashSecret(token)
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	s.creds.drop(hash)
	return err
}

// SetLocale stores a user's language.
func (s *Service) SetLocale(ctx context.Context, actor *Actor, lang string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET locale = $1 WHERE id = $2`, locale.Match(lang), actor.UserID)
	return err
}

// Token is an API token's record (never its secret).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// TokenPrefix marks mangluoi API tokens, so secret scanners can spot them.
const TokenPrefix = "mlt_"

// CreateToken makes an API token acting as the actor; the secret is shown
// once, here, and only its hash is kept.
func (s *Service) CreateToken(ctx context.Context, actor *Actor, name string) (*Token, string, error) {
	if actor.UserID == 0 {
		return nil, "", errs.ForbiddenErr()
	}
	name = locale.CleanString(name)
	if name == "" {
		return nil, "", errs.Invalidf("import.err.required").At(0, "name")
	}
	plain, hash, err := newSecret(TokenPrefix)
	if err != nil {
		return nil, "", err
	}
	t := &Token{Name: name, CreatedAt: s.now().UTC()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			actor.UserID, name, hash, t.CreatedAt).Scan(&t.ID); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "token.create", Entity: "api_token", EntityID: fmt.Sprint(t.ID), After: t})
	})
	if err != nil {
		return nil, "", err
	}
	return t, plain, nil
}

// ListTokens lists the actor's own tokens.
func (s *Service) ListTokens(ctx context.Context, actor *Actor) ([]*Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id`, actor.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Token
	for rows.Next() {
		t := &Token{}
		var used, revoked sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &used, &revoked); err != nil {
			return nil, err
		}
		if used.Valid {
			t.LastUsedAt = &used.Time
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends one of the actor's tokens.
func (s *Service) RevokeToken(ctx context.Context, actor *Actor, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`,
			s.now().UTC(), id, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundErr()
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "token.revoke", Entity: "api_token", EntityID: fmt.Sprint(id)})
	})
}

// TokenUser returns the user a bearer token acts for.
func (s *Service) TokenUser(ctx context.Context, token string) (*User, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, errs.New(errs.Unauthenticated, "err.login_required")
	}
	hash := hashSecret(token)
	gen, err := s.db.Generation(ctx, authGeneration)
	if err != nil {
		return nil, err
	}
	e, cached := s.creds.get(hash, gen)
	if !cached {
		e = credential{gen: gen}
		u := &e.user
		var lastUsed sql.NullTime
		err = s.db.QueryRowContext(ctx, `SELECT t.id, t.last_used_at, u.id, u.login, u.display_name, u.email, u.role, u.scope_unit_id,
		u.locale, u.disabled, u.created_at, u.updated_at FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hash).Scan(&e.tokenID, &lastUsed, &u.ID, &u.Login, &u.DisplayName,
			&u.Email, &u.Role, &u.ScopeUnitID, &u.Locale, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
		if err != nil && !db.IsNoRows(err) {
			return nil, err
		}
		if err != nil {
			return nil, errs.New(errs.Unauthenticated, "err.login_required")
		}
		e.used = lastUsed.Time
	}
	if e.user.Disabled {
		return nil, errs.New(errs.Unauthenticated, "err.login_required")
	}
	// a token's last use is for its owner's information: recording it once
	// a minute spares a disk flush on every call of a busy script
	if now := s.now().UTC(); now.Sub(e.used) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, e.tokenID); err == nil {
			e.used, cached = now, false
		}
	}
	if !cached {
		s.creds.put(hash, e)
	}
	u := e.user
	return &u, nil
}
