package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter slows down password guessing: each key (a client address, a
// login) gets a small burst of attempts and then one every few seconds.
type Limiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	buckets map[string]*bucket
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

// NewLimiter allows burst attempts per key, then one per every.
func NewLimiter(every time.Duration, burst int) *Limiter {
	return &Limiter{every: every, burst: burst, buckets: map[string]*bucket{}}
}

// Allow reports whether every key may make another attempt now (and
// counts the attempt against each).
func (l *Limiter) Allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.buckets) > 100_000 { // forget idle keys rather than grow forever
		for k, b := range l.buckets {
			if now.Sub(b.seen) > time.Hour {
				delete(l.buckets, k)
			}
		}
	}
	ok := true
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil {
			b = &bucket{l: rate.NewLimiter(rate.Every(l.every), l.burst)}
			l.buckets[k] = b
		}
		b.seen = now
		if !b.l.AllowN(now, 1) {
			ok = false
		}
	}
	return ok
}
