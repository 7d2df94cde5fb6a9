package auth_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/mangluoi/mangluoi/internal/auth"
)

func TestPasswordHash(t *testing.T) {
	h1, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword(password)
	if h1 == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$") || strings.Contains(h1, password) {
		t.Errorf("hash %q", h1)
	}
	for _, h := range []string{h1, h2} {
		if !auth.CheckPassword(h, password) {
			t.Errorf("the right password does not match %q", h)
		}
	}
	for _, wrong := range []string{"", "mật khẩu đủ dài ", "Mật khẩu đủ dài", "mat khau du dai"} {
		if auth.CheckPassword(h1, wrong) {
			t.Errorf("%q matches the hash of %q", wrong, password)
		}
	}
}

// phc builds an argon2id hash with the given parameters, as an older or
// newer version of mangluoi (or a corrupted row) might hold.
func phc(pw string, m, t uint32, p uint8, keyLen uint32) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, t, m, p, keyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", m, t, p,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

func TestCheckPasswordOtherParameters(t *testing.T) {
	if h := phc(password, 8*1024, 1, 2, 32); !auth.CheckPassword(h, password) {
		t.Errorf("a hash with other parameters does not verify: %s", h)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good := phc(password, 8*1024, 1, 1, 32)
	parts := strings.Split(good, "$")
	for _, h := range []string{
		"",
		password,
		"$argon2i$v=19$m=8192,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=8192,t=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=8192,t=1,p=1$not base64!$" + parts[5],
		"$argon2id$v=19$m=8192,t=1,p=1$" + parts[4] + "$***",
		"$argon2id$v=19$m=8192,t=1,p=1$" + parts[4],
		// parameters argon2 refuses must not crash a login
		"$argon2id$v=19$m=8192,t=0,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=8192,t=1,p=0$" + parts[4] + "$" + parts[5],
		// an empty key would match every password
		"$argon2id$v=19$m=8192,t=1,p=1$" + parts[4] + "$",
		// true hashes of the password, asking more than a check may take
		phc(password, 65*1024, 1, 1, 32),
		phc(password, 8*1024, 11, 1, 32),
		phc(password, 8*1024, 1, 5, 32),
		phc(password, 8*1024, 1, 1, 65),
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("CheckPassword(%q) panics: %v", h, p)
				}
			}()
			if auth.CheckPassword(h, password) {
				t.Errorf("CheckPassword(%q) accepts the password", h)
			}
		}()
	}
}

func TestRoles(t *testing.T) {
	perms := []auth.Permission{auth.PermRead, auth.PermEnterData, auth.PermEditTree, auth.PermImportLists, auth.PermManageUsers, auth.PermReadAudit}
	want := map[auth.Role]string{
		auth.RoleAdmin:       "111111",
		auth.RoleCoordinator: "111011",
		auth.RoleFocal:       "110000",
		auth.RoleViewer:      "100000",
		auth.Role("boss"):    "000000",
	}
	for role, w := range want {
		a := &auth.Actor{Role: role}
		got := ""
		for _, p := range perms {
			if a.Can(p) {
				got += "1"
			} else {
				got += "0"
			}
		}
		if got != w {
			t.Errorf("%s can %s, want %s (read, enter, edit tree, import, users, audit)", role, got, w)
		}
	}
	var nobody *auth.Actor
	if nobody.Can(auth.PermRead) {
		t.Error("a nil actor can read")
	}
	for i, r := range auth.Roles {
		if !r.Valid() {
			t.Errorf("%s not valid", r)
		}
		for j, o := range auth.Roles {
			if got := r.Outranks(o); got != (i < j) {
				t.Errorf("%s.Outranks(%s) = %v", r, o, got)
			}
		}
	}
	if auth.Role("boss").Valid() || auth.Role("").Valid() || auth.Role("boss").Outranks(auth.RoleViewer) {
		t.Error("an unknown role is valid or outranks someone")
	}
	sys := auth.SystemActor("import", 1)
	if sys.Role != auth.RoleAdmin || sys.ScopeUnitID != 1 || sys.Who().Label != "system:import" || sys.Who().UserID != 0 {
		t.Errorf("SystemActor = %+v", sys)
	}
}

// TestDummyHash: the hash checked for a login that does not exist costs
// what a real account's does (the same parameters, salt and key lengths,
// so the time of a sign-in does not say whether the account exists), and
// no password matches it.
func TestDummyHash(t *testing.T) {
	real, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	r, d := strings.Split(real, "$"), strings.Split(auth.DummyHash, "$")
	if len(d) != 6 || d[1] != r[1] || d[2] != r[2] || d[3] != r[3] || len(d[4]) != len(r[4]) || len(d[5]) != len(r[5]) {
		t.Fatalf("dummy %q is not shaped like a real hash %q", auth.DummyHash, real)
	}
	for _, pw := range []string{"", password, "not a real password"} {
		if auth.CheckPassword(auth.DummyHash, pw) {
			t.Errorf("%q matches the dummy hash", pw)
		}
	}
}

// A burst of sign-ins computes as many hashes at once as there are
// processors, not one a request: each holds 19 MiB while it runs.
func TestPasswordHashesBounded(t *testing.T) {
	h, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if !auth.CheckPassword(h, password) {
				t.Error("the password does not match its hash")
			}
		})
	}
	wg.Wait()
	if most, procs := auth.HashingMost(), runtime.GOMAXPROCS(0); most < 1 || int(most) > procs {
		t.Fatalf("%d hashes at once, want 1 to %d (the processors)", most, procs)
	}
}
