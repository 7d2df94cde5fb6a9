package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/mangluoi/mangluoi/internal/errs"
)

// LoginLimiter slows password guessing without ever locking the owner
// out. It counts failures two ways:
//
//   - per address: each client address has a bucket of failures (a burst,
//     then one more every AddressEvery), whatever accounts it tries, so
//     one machine cannot spray guesses;
//   - per account: an account's failures, from every address, set a
//     backoff (doubling after AccountFree failures, up to MaxBackoff)
//     that holds back only the addresses that have themselves failed on
//     this account AddressFree times or more.
//
// So a correct password from a fresh address — the owner, elsewhere —
// always gets through, while an address that keeps guessing waits longer
// and longer, and an attacker with many addresses gets a few guesses from
// each. A success clears the account's count. The state lives in memory:
// each app server keeps its own.
type LoginLimiter struct {
	Now          func() time.Time
	AddressBurst int           // failures an address may make at once
	AddressEvery time.Duration // and one more each this often
	AddressFree  int           // failures an address may make on one account before its backoff applies
	AccountFree  int           // failures of an account before it backs off at all
	MaxBackoff   time.Duration

	mu       sync.Mutex
	addrs    map[string]*addrState
	accounts map[string]*accountState
}

type addrState struct {
	bucket *rate.Limiter
	seen   time.Time
}

type accountState struct {
	failures int
	last     time.Time
	from     map[string]*tries // the addresses that failed on it
}

type tries struct {
	n    int
	last time.Time
}

// NewLoginLimiter makes a limiter with the defaults: ten failures per
// address, then one every six seconds; an account backs off after five
// failures, from 1 s doubling to 15 min, for addresses that failed on it
// three times.
func NewLoginLimiter() *LoginLimiter {
	return &LoginLimiter{Now: time.Now, AddressBurst: 10, AddressEvery: 6 * time.Second, AddressFree: 3, AccountFree: 5,
		MaxBackoff: 15 * time.Minute, addrs: map[string]*addrState{}, accounts: map[string]*accountState{}}
}

// backoff is how long an account under attack holds back an address that
// has failed on it: nothing up to AccountFree failures, then 1 s doubling.
func (l *LoginLimiter) backoff(failures int) time.Duration {
	if failures < l.AccountFree {
		return 0
	}
	d := time.Second << min(failures-l.AccountFree, 20)
	return min(d, l.MaxBackoff)
}

// Check says whether an attempt on login from addr may be made now,
// before its password is checked: errs.TooMany if not.
func (l *LoginLimiter) Check(login, addr string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	if a := l.addrs[addr]; a != nil && a.bucket.TokensAt(now) < 1 {
		return errs.New(errs.TooMany, "err.too_many")
	}
	if acc := l.account(login, now); acc != nil {
		if t := acc.from[addr]; t != nil && t.n >= l.AddressFree && now.Sub(t.last) < l.backoff(acc.failures) {
			return errs.New(errs.TooMany, "err.too_many")
		}
	}
	return nil
}

// Failed counts a wrong password for login from addr.
func (l *LoginLimiter) Failed(login, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	l.forget(now)
	a := l.addrs[addr]
	if a == nil {
		a = &addrState{bucket: rate.NewLimiter(rate.Every(l.AddressEvery), l.AddressBurst)}
		l.addrs[addr] = a
	}
	a.seen = now
	a.bucket.AllowN(now, 1)
	acc := l.account(login, now)
	if acc == nil {
		acc = &accountState{from: map[string]*tries{}}
		l.accounts[login] = acc
	}
	acc.failures++
	acc.last = now
	t := acc.from[addr]
	if t == nil {
		if len(acc.from) >= 10_000 { // a botnet's addresses: keep the memory bounded
			clear(acc.from)
		}
		t = &tries{}
		acc.from[addr] = t
	}
	t.n++
	t.last = now
}

// Succeeded clears what addr failed on login: its owner is in from there.
// The account's count stays, so that an attacker elsewhere gains nothing
// from the owner's coming and going; it lapses an hour after the last
// failure.
func (l *LoginLimiter) Succeeded(login, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if acc := l.accounts[login]; acc != nil {
		delete(acc.from, addr)
	}
}

// account is login's state, forgotten an hour after its last failure.
func (l *LoginLimiter) account(login string, now time.Time) *accountState {
	acc := l.accounts[login]
	if acc != nil && now.Sub(acc.last) > accountMemory {
		delete(l.accounts, login)
		return nil
	}
	return acc
}

// accountMemory is how long an account's failures are remembered.
const accountMemory = time.Hour

// forget drops what has been idle for an hour once the maps grow large,
// so that guessing cannot grow them without end.
func (l *LoginLimiter) forget(now time.Time) {
	if len(l.addrs) > 100_000 {
		for k, a := range l.addrs {
			if now.Sub(a.seen) > time.Hour {
				delete(l.addrs, k)
			}
		}
	}
	if len(l.accounts) > 100_000 {
		for k, a := range l.accounts {
			if now.Sub(a.last) > accountMemory {
				delete(l.accounts, k)
			}
		}
	}
}
