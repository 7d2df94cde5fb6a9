package app

import (
	"net/http"

	"github.com/mangluoi/mangluoi/internal/db"

	"github.com/mangluoi/mangluoi/internal/httpx"
	"strconv"
	"time"
)

// securityHeaders sets what every response should carry. The CSP allows
// only our own scripts and styles: the pages have no inline script. Over
// HTTPS (served here, or a proxy of ours says so) browsers are told to
// come back only that way for a year (HSTS); over plain HTTP the header
// would mean nothing and is not sent.
func securityHeaders(next http.Handler, proxies httpx.Proxies) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if httpx.HTTPS(r, proxies) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		// the same values for every response, made once (Header.Set makes a
		// slice for each); net/http copies the map before writing it
		h["Content-Security-Policy"] = cspValue
		h["X-Content-Type-Options"] = nosniffValue
		h["Referrer-Policy"] = referrerValue
		h["X-Frame-Options"] = denyValue
		next.ServeHTTP(w, r)
	})
}

// the security headers' values, shared by every response: a handler that
// changes one sets a slice of its own (Header.Set, Del); none appends.
var (
	cspValue      = []string{"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"}
	nosniffValue  = []string{"nosniff"}
	referrerValue = []string{"same-origin"}
	denyValue     = []string{"DENY"}
)

// readsOnce lets a request that only reads check every generation it
// needs (the accounts', the tree's, the definitions'…) in one query: see
// db.Request. A request that writes checks them one by one, so that it sees
// its own changes.
func readsOnce(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			r = r.WithContext(db.Request(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	start  time.Time
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
		// Server-Timing lets a browser's devtools and our load script see
		// the server's own time, apart from the network.
		s.Header().Set("Server-Timing", "app;dur="+strconv.FormatFloat(float64(time.Since(s.start).Microseconds())/1000, 'f', 2, 64))
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if !s.wrote {
		s.WriteHeader(http.StatusOK)
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests logs each request with its status and duration, and turns a
// panic in a handler into a 500 instead of a dropped connection.
func (m *Main) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: 200, start: time.Now()}
		defer func() {
			if p := recover(); p != nil {
				m.Log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", p)
				if !sw.wrote {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			m.Log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", time.Since(sw.start).Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}
