package httpx

import (
	"net"
	"net/http"
)

// ClientIP is the address a request came from, for rate limits. Behind a
// proxy the operator sets TrustProxy so X-Forwarded-For is believed.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			for i := 0; i < len(f); i++ {
				if f[i] == ',' {
					return f[:i]
				}
			}
			return f
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
