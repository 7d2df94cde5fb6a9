package httpx

import (
	"net/http"
	"strings"
)

// Admit lets at most n requests into h at once; the others wait for their
// turn in the order they came (a channel's waiting senders are served first
// in, first out), each until its client gives up. Static files and the
// health check pass at once.
//
// Without it, 500 connections of the mixed workload meant 500 requests
// under way on 2 cores: each got a 500th of the processor and every one of
// its statements queued again behind the others' for one of the pool's
// connections, so every request took as long as the slowest (issue 14,
// h15load). Admitted in turn, a request that has started runs to its end
// beside a few others, and the rest wait outside, holding nothing.
// n < 1 admits every request.
func Admit(h http.Handler, n int) http.Handler {
	if n < 1 {
		return h
	}
	turns := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			h.ServeHTTP(w, r)
			return
		}
		select {
		case turns <- struct{}{}:
		case <-r.Context().Done(): // the client gave up waiting
			http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
			return
		}
		defer func() { <-turns }()
		h.ServeHTTP(w, r)
	})
}
