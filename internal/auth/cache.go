package auth

import (
	"sync"
	"time"
)

// Who a session or an API token belongs to is kept in memory, so a
// signed-in request costs no database read of its own: each entry is
// trusted only while the accounts' generation (auth_state, moved by
// database triggers whenever a session ends, a token is revoked or an
// account changes, whichever server or command did it) is the one it was
// read under. The request reads that generation together with the others
// it needs (db.Generation), so a revocation is refused by every server at
// its next request.

// authGeneration names the accounts' generation among those db.Generation
// reads.
const authGeneration = "auth"

// MaxCachedCredentials bounds the cache: past it, it is emptied and fills
// again from the requests that come (a few hundred bytes an entry, so at
// most ~20 MB).
const MaxCachedCredentials = 50_000

type credential struct {
	gen     int64
	user    User
	started time.Time // sessions: when it began
	expires time.Time // sessions: when it ends unless used
	tokenID int64     // tokens
	used    time.Time // tokens: the last use recorded
}

type credentials struct {
	mu sync.Mutex
	m  map[string]*credential // by the secret's hash
}

func (c *credentials) get(hash string, gen int64) (credential, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || e.gen != gen {
		return credential{}, false
	}
	return *e, true
}

func (c *credentials) put(hash string, e credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= MaxCachedCredentials {
		c.m = map[string]*credential{}
	}
	c.m[hash] = &e
}

func (c *credentials) drop(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, hash)
}
