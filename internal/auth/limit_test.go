package auth_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// attempt is one login attempt as the login page makes it: checked, then
// counted as a failure unless the password was right.
func attempt(l *auth.LoginLimiter, login, addr string, right bool) bool {
	if err := l.Check(login, addr); err != nil {
		if errs.KindOf(err) != errs.TooMany {
			panic(err)
		}
		return false
	}
	if right {
		l.Succeeded(login, addr)
	} else {
		l.Failed(login, addr)
	}
	return true
}

// TestLoginLimiter: the attacks of issue 15 — ten wrong passwords from one
// address blocked the right one from any other address, and one try every
// 6 s kept it blocked — no longer lock the owner out, while guessing from
// one address is slowed, and across accounts too.
func TestLoginLimiter(t *testing.T) {
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	l := auth.NewLoginLimiter()
	l.Now = func() time.Time { return now }

	// ten wrong passwords from one address, then one every 6 s for an hour
	for i := 0; i < 10; i++ {
		if !attempt(l, "pleiku", "203.0.113.9", false) && i < 5 {
			t.Fatalf("attempt %d refused: the account backs off only after 5", i+1)
		}
	}
	refused := 0
	for i := 0; i < 600; i++ {
		now = now.Add(6 * time.Second)
		if !attempt(l, "pleiku", "203.0.113.9", false) {
			refused++
		}
		// the owner, from the office, is never held back
		if i%60 == 30 && !attempt(l, "pleiku", "198.51.100.7", true) {
			t.Fatalf("after %s of guessing the owner's right password from a fresh address was refused", time.Duration(i)*6*time.Second)
		}
	}
	if refused < 550 {
		t.Errorf("the guessing address was refused only %d times of 600", refused)
	}
	// the guessing address cannot get in even with the right password
	if attempt(l, "pleiku", "203.0.113.9", true) {
		t.Error("the guessing address passed")
	}
	// the owner's own typo does not lock them out either
	attempt(l, "pleiku", "198.51.100.7", false)
	if !attempt(l, "pleiku", "198.51.100.7", true) {
		t.Error("the owner was locked out by one typo")
	}

	// one address spraying many accounts is stopped by its own bucket
	sprayed := 0
	for i := 0; i < 100; i++ {
		if attempt(l, fmt.Sprintf("user%d", i), "192.0.2.1", false) {
			sprayed++
		}
	}
	if sprayed > 10 {
		t.Errorf("one address tried %d accounts at once", sprayed)
	}

	// many addresses on one account get a few guesses each before backing off
	guesses := 0
	for a := 0; a < 50; a++ {
		for i := 0; i < 20; i++ {
			if attempt(l, "gialai", fmt.Sprintf("10.1.%d.1", a), false) {
				guesses++
			}
		}
	}
	if guesses > 50*(3+2) {
		t.Errorf("50 addresses made %d guesses in a moment", guesses)
	}
	if !attempt(l, "gialai", "198.51.100.8", true) {
		t.Error("the owner was refused while the account was under a distributed attack")
	}
}
