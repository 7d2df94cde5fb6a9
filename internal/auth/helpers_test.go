package auth_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

var ctx = context.Background()

// clock is a settable clock, so expiry is tested without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is an account service over a small tree: the nation, provinces A
// and B, and a commune in A.
type env struct {
	d     *db.DB
	clock *clock
	svc   *auth.Service
	admin *auth.Actor // the operator at the command line

	root, provA, provB, communeA int64
}

const password = "mật khẩu đủ dài"

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)}
	log := &audit.Log{Now: c.now}
	tree := org.NewService(d, log, c.now)
	root, err := tree.EnsureRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{d: d, clock: c, svc: auth.NewService(d, log, c.now, tree), admin: auth.SystemActor("test", root), root: root}
	establish := func(parent int64, code, name string, level org.Level) int64 {
		id, err := tree.Establish(ctx, e.admin, org.EstablishInput{
			Change:   org.Change{Effective: day.Of(2025, 7, 1)},
			UnitSpec: org.UnitSpec{ParentID: parent, Code: code, Name: name, Level: level},
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	e.provA = establish(root, "90", "Tỉnh A", org.LevelProvince)
	e.provB = establish(root, "91", "Tỉnh B", org.LevelProvince)
	e.communeA = establish(e.provA, "90001", "Xã A", org.LevelCommune)
	return e
}

// user creates an account as the operator.
func (e *env) user(t *testing.T, login string, role auth.Role, scope int64) *auth.User {
	t.Helper()
	u, err := e.svc.CreateUser(ctx, e.admin, auth.UserInput{Login: login, DisplayName: login, Password: password, Role: role, ScopeUnitID: scope})
	if err != nil {
		t.Fatalf("create %s: %v", login, err)
	}
	return u
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantErr checks an error's kind and, when given, its message key and field.
func wantErr(t *testing.T, err error, kind errs.Kind, key, field string) {
	t.Helper()
	e, ok := errs.As(err)
	switch {
	case err == nil:
		t.Errorf("no error, want %s", key)
	case !ok || e.Kind != kind:
		t.Errorf("error %v, want kind %d %s", err, kind, key)
	case key != "" && e.Key != key:
		t.Errorf("error %v, want %s", err, key)
	case field != "" && e.Field != field:
		t.Errorf("error %v is about field %q, want %q", err, e.Field, field)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// mustGet reads an account by login, as the operator.
func mustGet(t *testing.T, e *env, login string) *auth.User {
	t.Helper()
	us, err := e.svc.ListUsers(ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Login == login {
			return u
		}
	}
	t.Fatalf("no account %q", login)
	return nil
}
