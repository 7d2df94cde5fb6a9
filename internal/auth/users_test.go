package auth_test

import (
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/errs"
)

func TestCreateUser(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		coordA := e.user(t, "coord.a", auth.RoleCoordinator, e.provA).Actor()
		focalA := e.user(t, "focal.a", auth.RoleFocal, e.communeA).Actor()
		viewer := e.user(t, "viewer", auth.RoleViewer, e.root).Actor()

		ok := auth.UserInput{Login: "  Nguyen.Van-A@pleiku ", DisplayName: "  Nguyễn   Văn A ", Email: " a@example.vn ",
			Password: "mậtkhẩu123", // ten characters, more bytes
			Role:     auth.RoleFocal, ScopeUnitID: e.communeA, Locale: "en-US,en;q=0.8"}
		with := func(change func(in *auth.UserInput)) auth.UserInput {
			in := ok
			change(&in)
			return in
		}
		for _, c := range []struct {
			name  string
			actor *auth.Actor
			in    auth.UserInput
			kind  errs.Kind
			key   string
			field string
		}{
			{"login too short", e.admin, with(func(in *auth.UserInput) { in.Login = "a" }), errs.Invalid, "auth.err.bad_login", "login"},
			{"login with a space", e.admin, with(func(in *auth.UserInput) { in.Login = "nguyen van" }), errs.Invalid, "auth.err.bad_login", "login"},
			{"login with diacritics", e.admin, with(func(in *auth.UserInput) { in.Login = "người.dùng" }), errs.Invalid, "auth.err.bad_login", "login"},
			{"login starting with a dot", e.admin, with(func(in *auth.UserInput) { in.Login = ".admin" }), errs.Invalid, "auth.err.bad_login", "login"},
			{"login too long", e.admin, with(func(in *auth.UserInput) { in.Login = strings.Repeat("a", 64) }), errs.Invalid, "auth.err.bad_login", "login"},
			{"short password", e.admin, with(func(in *auth.UserInput) { in.Password = "mậtkhẩu12" }), errs.Invalid, "auth.err.short_password", "password"},
			{"no password", e.admin, with(func(in *auth.UserInput) { in.Password = "" }), errs.Invalid, "auth.err.short_password", "password"},
			{"no name", e.admin, with(func(in *auth.UserInput) { in.DisplayName = " \t " }), errs.Invalid, "import.err.required", "display_name"},
			{"bad email", e.admin, with(func(in *auth.UserInput) { in.Email = "not an address" }), errs.Invalid, "auth.err.bad_email", "email"},
			{"bad role", e.admin, with(func(in *auth.UserInput) { in.Role = "boss" }), errs.Invalid, "auth.err.bad_role", "role"},
			{"unknown scope", e.admin, with(func(in *auth.UserInput) { in.ScopeUnitID = 999999 }), errs.Invalid, "org.err.unknown_unit", "scope_unit_id"},
			{"no scope", e.admin, with(func(in *auth.UserInput) { in.ScopeUnitID = 0 }), errs.Invalid, "org.err.unknown_unit", "scope_unit_id"},
			{"several problems", e.admin, with(func(in *auth.UserInput) { in.Login, in.Password = "x", "short" }), errs.Invalid, "err.form", ""},
			{"role above the actor's", coordA, with(func(in *auth.UserInput) { in.Role, in.ScopeUnitID = auth.RoleAdmin, e.provA }), errs.Forbidden, "err.forbidden", ""},
			{"role equal to the actor's", coordA, with(func(in *auth.UserInput) { in.Role, in.ScopeUnitID = auth.RoleCoordinator, e.communeA }), errs.Forbidden, "err.forbidden", ""},
			{"a common password", e.admin, with(func(in *auth.UserInput) { in.Password = "Password123" }), errs.Invalid, "auth.err.common_password", "password"},
			{"the login as password", e.admin, with(func(in *auth.UserInput) { in.Login, in.Password = "pleiku.focal", "Pleiku.Focal" }), errs.Invalid, "auth.err.password_has_login", "password"},
			{"scope outside the actor's", coordA, with(func(in *auth.UserInput) { in.ScopeUnitID = e.provB }), errs.Forbidden, "err.forbidden", ""},
			{"scope above the actor's", coordA, with(func(in *auth.UserInput) { in.ScopeUnitID = e.root }), errs.Forbidden, "err.forbidden", ""},
			{"focal person", focalA, ok, errs.Forbidden, "err.forbidden", ""},
			{"viewer", viewer, ok, errs.Forbidden, "err.forbidden", ""},
			{"login taken", e.admin, with(func(in *auth.UserInput) { in.Login = " COORD.A" }), errs.Conflict, "auth.err.login_taken", "login"},
		} {
			t.Run(c.name, func(t *testing.T) {
				users, entries := e.count(t, "users"), e.count(t, "audit_log")
				u, err := e.svc.CreateUser(ctx, c.actor, c.in)
				wantErr(t, err, c.kind, c.key, c.field)
				if u != nil {
					t.Errorf("returned a user: %+v", u)
				}
				if e.count(t, "users") != users || e.count(t, "audit_log") != entries {
					t.Error("a refused account was written")
				}
			})
		}
		if _, err := e.svc.CreateUser(ctx, e.admin, with(func(in *auth.UserInput) { in.Login, in.Password = "x", "short" })); err != nil {
			if d, _ := errs.As(err); len(d.Details) != 2 {
				t.Errorf("two problems should be reported together: %v", err)
			}
		}

		// a coordinator creates an account below them
		u, err := e.svc.CreateUser(ctx, coordA, ok)
		if err != nil {
			t.Fatal(err)
		}
		if u.Login != "nguyen.van-a@pleiku" || u.DisplayName != "Nguyễn Văn A" || u.Email != "a@example.vn" || u.Locale != "en" || u.ID == 0 {
			t.Errorf("created %+v", u)
		}
		got, err := e.svc.GetUser(ctx, coordA, u.ID)
		if err != nil || got.Login != u.Login || got.ScopeUnitID != e.communeA || got.Role != auth.RoleFocal {
			t.Errorf("GetUser = %+v, %v", got, err)
		}
		recs, err := audit.List(ctx, d, audit.Query{Entity: "user", EntityID: itoa(u.ID)})
		if err != nil || len(recs) != 1 || recs[0].Action != "user.create" || recs[0].Actor != "coord.a" || recs[0].UnitID != e.communeA {
			t.Errorf("audit of the creation = %+v, %v", recs, err)
		}
		if strings.Contains(string(recs[0].After), "argon2") {
			t.Error("the audit log holds the password hash")
		}
		if _, err := e.svc.Authenticate(ctx, "Nguyen.Van-A@Pleiku", "mậtkhẩu123"); err != nil {
			t.Errorf("the new account cannot sign in: %v", err)
		}
	})
}

func TestAuthenticate(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		alice := e.user(t, "alice", auth.RoleFocal, e.communeA)
		e.user(t, "bob", auth.RoleFocal, e.communeA)
		if _, err := e.svc.UpdateUser(ctx, e.admin, mustGet(t, e, "bob").ID, auth.UserInput{DisplayName: "bob", Role: auth.RoleFocal,
			ScopeUnitID: e.communeA, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		u, err := e.svc.Authenticate(ctx, "  ALICE ", password)
		if err != nil || u.ID != alice.ID {
			t.Fatalf("Authenticate = %+v, %v", u, err)
		}
		var first string
		for _, c := range []struct{ name, login, password string }{
			{"wrong password", "alice", "mật khẩu sai rồi"},
			{"empty password", "alice", ""},
			{"disabled account", "bob", password},
			{"unknown login", "carol", password},
			{"empty login", "", password},
		} {
			u, err := e.svc.Authenticate(ctx, c.login, c.password)
			wantErr(t, err, errs.Unauthenticated, "auth.err.bad_credentials", "")
			if u != nil {
				t.Errorf("%s: returned %+v", c.name, u)
			}
			// the same error, so the answer never tells whether a login exists
			if first == "" {
				first = err.Error()
			} else if err.Error() != first {
				t.Errorf("%s: %q differs from %q", c.name, err, first)
			}
		}
	})
}

func TestUpdateUser(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user(t, "focal", auth.RoleFocal, e.communeA)
		coordA := e.user(t, "coord.a", auth.RoleCoordinator, e.provA)
		coordB := e.user(t, "coord.b", auth.RoleCoordinator, e.provB)
		admin := e.user(t, "admin", auth.RoleAdmin, e.root)
		admin2 := e.user(t, "admin2", auth.RoleAdmin, e.root)
		peerA := e.user(t, "coord.a2", auth.RoleCoordinator, e.provA)
		base := auth.UserInput{DisplayName: "Đầu mối", Role: auth.RoleFocal, ScopeUnitID: e.communeA}

		signedIn := func(t *testing.T, token string) bool {
			t.Helper()
			_, err := e.svc.SessionUser(ctx, token)
			if err != nil && errs.KindOf(err) != errs.Unauthenticated {
				t.Fatal(err)
			}
			return err == nil
		}
		for _, c := range []struct {
			name      string
			change    func(in *auth.UserInput)
			signedOut bool
		}{
			{"name and email", func(in *auth.UserInput) { in.DisplayName, in.Email = "Tên mới", "x@example.vn" }, false},
			{"language", func(in *auth.UserInput) { in.Locale = "en" }, false},
			{"role", func(in *auth.UserInput) { in.Role = auth.RoleViewer }, true},
			{"scope", func(in *auth.UserInput) { in.ScopeUnitID = e.provA }, true},
			{"password", func(in *auth.UserInput) { in.Password = "một mật khẩu mới" }, true},
			{"disabled", func(in *auth.UserInput) { in.Disabled = true }, true},
		} {
			t.Run(c.name, func(t *testing.T) {
				// start from the base account, signed in on two devices
				if _, err := e.svc.UpdateUser(ctx, coordA.Actor(), u.ID, base); err != nil {
					t.Fatal(err)
				}
				cur := mustGet(t, e, "focal")
				phone, err := e.svc.StartSession(ctx, cur)
				if err != nil {
					t.Fatal(err)
				}
				laptop, _ := e.svc.StartSession(ctx, cur)
				_, script, err := e.svc.CreateToken(ctx, cur.Actor(), "script")
				if err != nil {
					t.Fatal(err)
				}
				in := base
				c.change(&in)
				got, err := e.svc.UpdateUser(ctx, coordA.Actor(), u.ID, in)
				if err != nil {
					t.Fatal(err)
				}
				if got.Role != in.Role || got.ScopeUnitID != in.ScopeUnitID || got.Disabled != in.Disabled || got.DisplayName != in.DisplayName {
					t.Errorf("UpdateUser returned %+v for %+v", got, in)
				}
				for _, token := range []string{phone, laptop} {
					if signedIn(t, token) == c.signedOut {
						t.Errorf("signed out = %v, want %v", !signedIn(t, token), c.signedOut)
					}
				}
				// an API token ends with the sessions (issue 15: it survived a
				// password reset)
				if _, err := e.svc.TokenUser(ctx, script); (err != nil) != c.signedOut {
					t.Errorf("the API token after a change of %s: %v, want ended %v", c.name, err, c.signedOut)
				}
			})
		}
		// the new password is the one that works
		if _, err := e.svc.UpdateUser(ctx, coordA.Actor(), u.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleFocal, ScopeUnitID: e.communeA,
			Password: "một mật khẩu mới"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, "focal", "một mật khẩu mới"); err != nil {
			t.Errorf("the new password does not work: %v", err)
		}
		if _, err := e.svc.Authenticate(ctx, "focal", password); err == nil {
			t.Error("the old password still works")
		}
		recs, _ := audit.List(ctx, d, audit.Query{Entity: "user", EntityID: itoa(u.ID), Limit: 1})
		if len(recs) != 1 || recs[0].Action != "user.update" || !strings.Contains(string(recs[0].After), `"password_changed":true`) ||
			strings.Contains(string(recs[0].After), "argon2") || strings.Contains(string(recs[0].After), "một mật khẩu mới") {
			t.Errorf("audit of a password change = %+v", recs)
		}

		entries := e.count(t, "audit_log")
		for _, c := range []struct {
			name  string
			actor *auth.Actor
			id    int64
			in    auth.UserInput
			kind  errs.Kind
			key   string
		}{
			{"outside the actor's scope", coordB.Actor(), u.ID, base, errs.Forbidden, "err.forbidden"},
			{"an account that outranks the actor", coordA.Actor(), admin.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleAdmin, ScopeUnitID: e.root}, errs.Forbidden, "err.forbidden"},
			{"moved outside the actor's scope", coordA.Actor(), u.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleFocal, ScopeUnitID: e.provB}, errs.Forbidden, "err.forbidden"},
			{"promoted above the actor", coordA.Actor(), u.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleAdmin, ScopeUnitID: e.communeA}, errs.Forbidden, "err.forbidden"},
			{"by a focal person", u.Actor(), u.ID, base, errs.Forbidden, "err.forbidden"},
			// one's own account is an equal's: it changes on the account page
			{"demoting yourself", coordA.Actor(), coordA.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleFocal, ScopeUnitID: e.provA}, errs.Forbidden, "err.forbidden"},
			{"disabling yourself", admin.Actor(), admin.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleAdmin, ScopeUnitID: e.root, Disabled: true}, errs.Forbidden, "err.forbidden"},
			// issue 15: a coordinator took over a peer of the same scope
			{"a peer of the same rank and scope", coordA.Actor(), peerA.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleCoordinator, ScopeUnitID: e.provA, Password: "mật khẩu của kẻ chiếm"}, errs.Forbidden, "err.forbidden"},
			{"disabling a peer", coordA.Actor(), peerA.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleCoordinator, ScopeUnitID: e.provA, Disabled: true}, errs.Forbidden, "err.forbidden"},
			{"an administrator by an administrator", admin.Actor(), admin2.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleAdmin, ScopeUnitID: e.root, Password: "mật khẩu của kẻ chiếm"}, errs.Forbidden, "err.forbidden"},
			{"unknown account", e.admin, 999999, base, errs.NotFound, "err.not_found"},
			{"short password", coordA.Actor(), u.ID, auth.UserInput{DisplayName: "x", Role: auth.RoleFocal, ScopeUnitID: e.communeA, Password: "short"}, errs.Invalid, "auth.err.short_password"},
		} {
			_, err := e.svc.UpdateUser(ctx, c.actor, c.id, c.in)
			if err == nil || errs.KindOf(err) != c.kind {
				t.Errorf("%s: %v, want kind %d", c.name, err, c.kind)
			} else if k, _ := errs.As(err); k.Key != c.key {
				t.Errorf("%s: %v, want %s", c.name, err, c.key)
			}
		}
		if e.count(t, "audit_log") != entries {
			t.Error("a refused update was audited")
		}
	})
}

func TestUsersInScope(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		coordA := e.user(t, "coord.a", auth.RoleCoordinator, e.provA)
		focalA := e.user(t, "focal.a", auth.RoleFocal, e.communeA)
		focalB := e.user(t, "focal.b", auth.RoleFocal, e.provB)
		e.user(t, "admin", auth.RoleAdmin, e.root)

		logins := func(actor *auth.Actor) string {
			us, err := e.svc.ListUsers(ctx, actor)
			if err != nil {
				return "error: " + err.Error()
			}
			var out []string
			for _, u := range us {
				out = append(out, u.Login)
			}
			return strings.Join(out, " ")
		}
		if got := logins(e.admin); got != "admin coord.a focal.a focal.b" {
			t.Errorf("admin lists %q", got)
		}
		if got := logins(coordA.Actor()); got != "coord.a focal.a" {
			t.Errorf("coordinator of A lists %q", got)
		}
		if _, err := e.svc.ListUsers(ctx, focalA.Actor()); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a focal person lists users: %v", err)
		}
		if _, err := e.svc.GetUser(ctx, coordA.Actor(), focalB.ID); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("coordinator of A reads a user of B: %v", err)
		}
		if u, err := e.svc.GetUser(ctx, focalA.Actor(), focalA.ID); err != nil || u.ID != focalA.ID {
			t.Errorf("a user cannot read their own account: %v", err)
		}
		if _, err := e.svc.GetUser(ctx, focalA.Actor(), coordA.ID); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a focal person reads another account: %v", err)
		}
	})
}
