package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum for argon2id (19 MiB, 2 passes),
// which keeps a login under ~50 ms on a small server.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// The most a stored hash may ask of a check: a hash asking more (a damaged
// row, or one written by hand) fails to match rather than take a
// gigabyte or minutes of the server's.
const (
	maxArgonMemory  = 64 * 1024 // KiB
	maxArgonTime    = 10
	maxArgonThreads = 4
)

// hashSlots bounds the hashes computed at once to the processors. Each
// holds its argonMemory (19 MiB) for its ~50 ms: a burst of sign-ins (a
// province's communes at eight in the morning) would otherwise hold 19 MiB
// each at once, past the server's memory limit (issue 14: the nation under
// 300 MB), and be done no sooner on as many cores.
var hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// hashing counts the hashes being computed, and hashingMost the most at
// once (for the tests).
var hashing, hashingMost atomic.Int32

// idKey is argon2.IDKey in one of hashSlots.
func idKey(password, salt []byte, t, m uint32, p uint8, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	n := hashing.Add(1)
	defer hashing.Add(-1)
	for {
		most := hashingMost.Load()
		if n <= most || hashingMost.CompareAndSwap(most, n) {
			break
		}
	}
	return argon2.IDKey(password, salt, t, m, p, keyLen)
}

// HashPassword returns a PHC-format argon2id hash.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash made by HashPassword
// (with whatever parameters it was made with).
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	// argon2 panics on zero rounds or threads, and an empty key would
	// match any password: a damaged row must simply fail to match
	if err != nil || t == 0 || p == 0 || len(want) < 16 || len(want) > 64 || m > maxArgonMemory || t > maxArgonTime || p > maxArgonThreads {
		return false
	}
	got := idKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a login does not exist, so that the
// time a login takes does not tell whether the account exists. Checking
// costs the parameters' work whatever the key, and no password gives these
// bytes except by chance, so it is written out rather than hashed: hashing
// it when the program starts cost 150 ms and 19 MiB before every start
// (issue 14, item 7).
var dummyHash = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
	base64.RawStdEncoding.EncodeToString(make([]byte, saltLen)),
	base64.RawStdEncoding.EncodeToString([]byte(strings.Repeat("mangluoi-no-account!", 2)[:argonKeyLen])))
