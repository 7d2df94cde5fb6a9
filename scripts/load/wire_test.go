package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestWire: the bare connection reads what net/http's server sends — a body
// with its length, a chunked one, an empty 204 and 304, a connection the
// server closes — on one connection kept alive, and sends a POST's body.
func TestWire(t *testing.T) {
	big := strings.Repeat("mạng lưới ", 20000) // 220 KB: chunked, several reads
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server-Timing", "app;dur=1.25")
		switch r.URL.Path {
		case "/len":
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "hello")
		case "/chunked":
			io.WriteString(w, big)
			w.(http.Flusher).Flush()
			io.WriteString(w, "end")
		case "/none":
			w.WriteHeader(http.StatusNoContent)
		case "/same":
			w.WriteHeader(http.StatusNotModified)
		case "/close":
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		case "/post":
			b, _ := io.ReadAll(r.Body)
			w.WriteHeader(http.StatusCreated)
			w.Write(bytes.ToUpper(b))
		}
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	get := func(path string) []byte {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		return encode(req)
	}
	w := newWire(u.Host, 10*time.Second)
	defer w.close()
	for range 3 {
		for _, c := range []struct {
			path   string
			status int
			body   string
		}{{"/len", 200, "hello"}, {"/chunked", 200, big + "end"}, {"/none", 204, ""}, {"/same", 304, ""}, {"/close", 200, "bye"}} {
			rp, err := w.do(get(c.path), true, true, true)
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			want := c.body
			if len(want) > 1<<20 {
				want = want[:1<<20]
			}
			if rp.status != c.status || string(rp.body) != want || rp.n != int64(len(c.body)) || rp.timing != "app;dur=1.25" {
				t.Errorf("%s: status %d, %d bytes (%d kept), timing %q", c.path, rp.status, rp.n, len(rp.body), rp.timing)
			}
			rp, err = w.do(get(c.path), true, false, false)
			if err != nil || rp.status != c.status || rp.n != int64(len(c.body)) || rp.body != nil {
				t.Errorf("%s, body discarded: %v, status %d, %d bytes", c.path, err, rp.status, rp.n)
			}
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/post", strings.NewReader(`{"a":1}`))
	req.Header.Set("Content-Type", "application/json")
	rp, err := w.do(encode(req), false, true, false)
	if err != nil || rp.status != 201 || string(rp.body) != `{"A":1}` {
		t.Errorf("POST: %v, status %d, body %q", err, rp.status, rp.body)
	}
}

func TestField(t *testing.T) {
	b := []byte("# runtime.MemStats\n# Alloc = 12\n# TotalAlloc = 123456\n# Mallocs = 77\n")
	if field(b, "# TotalAlloc = ") != 123456 || field(b, "# Mallocs = ") != 77 || field(b, "# Frees = ") != -1 {
		t.Error("field")
	}
	if field([]byte("total_alloc 5\nmallocs 6\n"), "mallocs ") != 6 {
		t.Error("field memstats")
	}
}
