package httpx

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose forwarding headers are believed:
// addresses or networks, as the operator named them.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of addresses (10.0.0.5, ::1)
// and networks (10.0.0.0/8).
func ParseProxies(list string) (Proxies, error) {
	var out Proxies
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a network (CIDR)", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// trusts reports whether an address is one of the proxies.
func (ps Proxies) trusts(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func peer(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ClientIP is the address a request came from, for rate limits. A request
// from one of the proxies is traced back through X-Forwarded-For from the
// right — each proxy appends the address it was called from — to the
// first hop that is not a proxy: everything left of it was written by the
// client and proves nothing.
func ClientIP(r *http.Request, proxies Proxies) string {
	ip := peer(r)
	if !proxies.trusts(ip) {
		return ip
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(hop)
		if err != nil {
			// a proxy writes an address; anything else came from the client
			return ip
		}
		ip = a.Unmap().String()
		if !proxies.trusts(ip) {
			return ip
		}
	}
	return ip
}

// HTTPS reports whether the browser reached us over HTTPS: served so
// here, or one of the proxies says so.
func HTTPS(r *http.Request, proxies Proxies) bool {
	if r.TLS != nil {
		return true
	}
	return proxies.trusts(peer(r)) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}
