package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/errs"
)

func TestSessions(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user(t, "alice", auth.RoleFocal, e.communeA)
		live := func(token string) bool {
			t.Helper()
			got, err := e.svc.SessionUser(ctx, token)
			if err != nil {
				wantErr(t, err, errs.Unauthenticated, "err.login_required", "")
				return false
			}
			if got.ID != u.ID || got.Login != "alice" || got.ScopeUnitID != e.communeA {
				t.Errorf("SessionUser = %+v", got)
			}
			return true
		}
		ttl := e.svc.SessionTTL

		token, err := e.svc.StartSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if !live(token) {
			t.Fatal("a new session is not live")
		}
		for _, bad := range []string{"", "x", token + "x", strings.ToUpper(token)} {
			if live(bad) {
				t.Errorf("token %q is accepted", bad)
			}
		}
		// used within the first hour: not extended, so it ends TTL after it began
		e.clock.advance(30 * time.Minute)
		if !live(token) {
			t.Fatal("session ended after 30 minutes")
		}
		e.clock.advance(ttl - 30*time.Minute + time.Minute)
		if live(token) {
			t.Error("session outlived its TTL")
		}

		// used later on: extended, so a user active all day stays in
		token, _ = e.svc.StartSession(ctx, u)
		e.clock.advance(ttl - time.Minute)
		if !live(token) { // extended here to now+TTL
			t.Fatal("session ended before its TTL")
		}
		e.clock.advance(2 * time.Minute) // past the first expiry
		if !live(token) {
			t.Error("an extended session ended at its first expiry")
		}
		e.clock.advance(ttl - 2*time.Minute + time.Minute) // past the extension
		if live(token) {
			t.Error("an extended session outlived its extension")
		}

		// signing out ends one session, not the others
		a, _ := e.svc.StartSession(ctx, u)
		b, _ := e.svc.StartSession(ctx, u)
		if err := e.svc.EndSession(ctx, a); err != nil {
			t.Fatal(err)
		}
		if live(a) || !live(b) {
			t.Errorf("after signing out a: a live %v, b live %v", live(a), live(b))
		}
		// expired sessions are swept when a new one starts
		e.clock.advance(ttl + time.Hour)
		e.svc.StartSession(ctx, u)
		if n := e.count(t, "sessions"); n != 1 {
			t.Errorf("%d sessions kept, want only the new one", n)
		}
	})
}

func TestTokens(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		alice := e.user(t, "alice", auth.RoleFocal, e.communeA)
		bob := e.user(t, "bob", auth.RoleCoordinator, e.provA)

		if _, _, err := e.svc.CreateToken(ctx, e.admin, "cli"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("the command line (no account) made a token: %v", err)
		}
		if _, _, err := e.svc.CreateToken(ctx, alice.Actor(), "  \t"); errs.KindOf(err) != errs.Invalid {
			t.Errorf("a token without a name: %v", err)
		}
		tok, secret, err := e.svc.CreateToken(ctx, alice.Actor(), "  đồng bộ   một cửa ")
		if err != nil {
			t.Fatal(err)
		}
		if tok.Name != "đồng bộ một cửa" || !strings.HasPrefix(secret, auth.TokenPrefix) || len(secret) < 40 {
			t.Errorf("token %+v, secret %q", tok, secret)
		}
		var stored int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, secret).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the secret itself is stored (%d, %v)", stored, err)
		}

		e.clock.advance(time.Hour)
		u, err := e.svc.TokenUser(ctx, secret)
		if err != nil || u.ID != alice.ID {
			t.Fatalf("TokenUser = %+v, %v", u, err)
		}
		list, err := e.svc.ListTokens(ctx, alice.Actor())
		if err != nil || len(list) != 1 || list[0].ID != tok.ID || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(e.clock.now()) || list[0].RevokedAt != nil {
			t.Errorf("ListTokens = %+v, %v", list, err)
		}
		if list, _ := e.svc.ListTokens(ctx, bob.Actor()); len(list) != 0 {
			t.Errorf("bob sees alice's tokens: %+v", list)
		}
		// a token is not a session, nor the reverse
		session, _ := e.svc.StartSession(ctx, alice)
		if _, err := e.svc.TokenUser(ctx, session); errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("a session token works as an API token: %v", err)
		}
		if _, err := e.svc.SessionUser(ctx, secret); errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("an API token works as a session: %v", err)
		}
		for _, bad := range []string{"", auth.TokenPrefix, secret + "x", strings.TrimPrefix(secret, auth.TokenPrefix)} {
			if _, err := e.svc.TokenUser(ctx, bad); errs.KindOf(err) != errs.Unauthenticated {
				t.Errorf("TokenUser(%q) = %v", bad, err)
			}
		}

		// only its owner revokes it, once
		if err := e.svc.RevokeToken(ctx, bob.Actor(), tok.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("bob revoked alice's token: %v", err)
		}
		if _, err := e.svc.TokenUser(ctx, secret); err != nil {
			t.Fatalf("the token stopped working: %v", err)
		}
		if err := e.svc.RevokeToken(ctx, alice.Actor(), tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.TokenUser(ctx, secret); errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("a revoked token works: %v", err)
		}
		if err := e.svc.RevokeToken(ctx, alice.Actor(), tok.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("revoked twice: %v", err)
		}
		if list, _ := e.svc.ListTokens(ctx, alice.Actor()); len(list) != 1 || list[0].RevokedAt == nil {
			t.Errorf("the revoked token is not listed as revoked: %+v", list)
		}

		// the token of a disabled account stops working
		_, secret2, err := e.svc.CreateToken(ctx, alice.Actor(), "second")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateUser(ctx, bob.Actor(), alice.ID, auth.UserInput{DisplayName: "alice", Role: auth.RoleFocal,
			ScopeUnitID: e.communeA, Disabled: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.TokenUser(ctx, secret2); errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("a disabled account's token works: %v", err)
		}
	})
}
