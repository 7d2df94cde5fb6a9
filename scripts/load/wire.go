package main

// The measured requests go through wire, a bare HTTP/1.1 keep-alive
// connection, not net/http's client: the tool shares the server's 2 cores,
// and net/http's client (a reading and a writing goroutine a connection,
// each response's header parsed into a map, the request written header by
// header) took 0.2–0.4 ms of CPU a request, as much as a kept page. A GET's
// bytes are made once and written again; a response's status line and the
// few headers the tool needs are read in place and its body discarded
// (read only when the request wants it).

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// encode is a request's bytes on the wire (its body included).
func encode(req *http.Request) []byte {
	var b bytes.Buffer
	req.Write(&b)
	return b.Bytes()
}

// wire is one keep-alive connection to the server, used by one goroutine.
type wire struct {
	addr    string
	timeout time.Duration
	c       net.Conn
	r       *bufio.Reader
	body    []byte // the last response's body, when asked for (reused)
}

func newWire(addr string, timeout time.Duration) *wire {
	return &wire{addr: addr, timeout: timeout}
}

func (w *wire) close() {
	if w.c != nil {
		w.c.Close()
		w.c = nil
	}
}

type reply struct {
	status int
	n      int64  // body bytes
	body   []byte // when asked for: valid until the next request on the wire
	timing string // the Server-Timing header, when asked for
}

var errProto = errors.New("malformed response")

// do sends req (its bytes) and reads the answer. A GET that fails on a
// connection already used (closed by the server while idle) is sent again
// once on a new one; a write is never sent twice.
func (w *wire) do(req []byte, idempotent, keepBody, timing bool) (reply, error) {
	reused := w.c != nil
	rp, err, sent := w.try(req, keepBody, timing)
	if err != nil {
		w.close()
		if reused && idempotent && !sent {
			rp, err, _ = w.try(req, keepBody, timing)
			if err != nil {
				w.close()
			}
		}
	}
	return rp, err
}

// try returns sent = true once a byte of the answer was read.
func (w *wire) try(req []byte, keepBody, timing bool) (rp reply, err error, sent bool) {
	if w.c == nil {
		c, err := net.DialTimeout("tcp", w.addr, w.timeout)
		if err != nil {
			return rp, err, false
		}
		w.c = c
		if w.r == nil {
			w.r = bufio.NewReaderSize(c, 32<<10)
		} else {
			w.r.Reset(c)
		}
	}
	w.c.SetDeadline(time.Now().Add(w.timeout))
	if _, err := w.c.Write(req); err != nil {
		return rp, err, false
	}
	line, err := w.r.ReadSlice('\n')
	if err != nil {
		return rp, err, len(line) > 0
	}
	// HTTP/1.1 200 OK
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return rp, errProto, true
	}
	st, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return rp, errProto, true
	}
	rp.status = st
	length, chunked, closing := int64(-1), false, false
	for {
		line, err := w.r.ReadSlice('\n')
		if err != nil {
			return rp, err, true
		}
		if len(line) <= 2 { // the blank line
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return rp, errProto, true
		}
		v = bytes.TrimSpace(v)
		switch {
		case equalFold(k, "content-length"):
			if length, err = strconv.ParseInt(string(v), 10, 64); err != nil || length < 0 {
				return rp, errProto, true
			}
		case equalFold(k, "transfer-encoding"):
			chunked = equalFold(v, "chunked")
		case equalFold(k, "connection"):
			closing = equalFold(v, "close")
		case timing && equalFold(k, "server-timing"):
			rp.timing = string(v)
		}
	}
	w.body = w.body[:0]
	switch {
	case st == http.StatusNoContent || st == http.StatusNotModified || st < 200:
	case chunked:
		for {
			line, err := w.r.ReadSlice('\n')
			if err != nil {
				return rp, err, true
			}
			hex, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
			size, err := strconv.ParseInt(string(hex), 16, 64)
			if err != nil || size < 0 {
				return rp, errProto, true
			}
			if size == 0 { // trailers, then the blank line
				for {
					line, err := w.r.ReadSlice('\n')
					if err != nil {
						return rp, err, true
					}
					if len(line) <= 2 {
						break
					}
				}
				break
			}
			if err := w.read(size, keepBody); err != nil {
				return rp, err, true
			}
			rp.n += size
			if _, err := w.r.Discard(2); err != nil { // the chunk's CRLF
				return rp, err, true
			}
		}
	case length >= 0:
		if err := w.read(length, keepBody); err != nil {
			return rp, err, true
		}
		rp.n = length
	default: // until the server closes
		n, err := io.Copy(io.Discard, w.r)
		if err != nil {
			return rp, err, true
		}
		rp.n, closing = n, true
	}
	if keepBody {
		rp.body = w.body
	}
	if closing {
		w.close()
	}
	return rp, nil, true
}

// read discards n bytes of the body, or keeps them (up to 1 MB).
func (w *wire) read(n int64, keep bool) error {
	if !keep {
		_, err := w.r.Discard(int(n))
		return err
	}
	for n > 0 {
		k := min(n, 32<<10)
		p, err := w.r.Peek(int(k))
		if err != nil && len(p) == 0 {
			return err
		}
		if len(w.body) < 1<<20 {
			w.body = append(w.body, p[:min(len(p), 1<<20-len(w.body))]...)
		}
		w.r.Discard(len(p))
		n -= int64(len(p))
	}
	return nil
}

// equalFold compares an ASCII header name or value with a lower-case one.
func equalFold[T []byte | string](b T, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// allocs reads the server's bytes and objects allocated so far from its
// --pprof listener: /debug/memstats (runtime/metrics, nothing allocated to
// read it) when the server has it, else TotalAlloc and Mallocs from
// /debug/pprof/heap?debug=1; what a read itself allocates is taken out
// (begin reads twice).
type allocReader struct {
	base string // http://127.0.0.1:port
	hc   *http.Client
	heap bool // the fallback
}

func newAllocReader(base string) *allocReader {
	return &allocReader{base: base, hc: &http.Client{Timeout: 30 * time.Second}}
}

func (a *allocReader) read() (bytes, objects int64, err error) {
	get := func(path string) ([]byte, int, error) {
		resp, err := a.hc.Get(a.base + path)
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		return b, resp.StatusCode, err
	}
	if !a.heap {
		b, st, err := get("/debug/memstats")
		if err != nil {
			return 0, 0, err
		}
		if st == http.StatusOK {
			return field(b, "total_alloc "), field(b, "mallocs "), nil
		}
		a.heap = true
	}
	b, st, err := get("/debug/pprof/heap?debug=1")
	if err != nil {
		return 0, 0, err
	}
	if st != http.StatusOK {
		return 0, 0, fmt.Errorf("--pprof %s: status %d", a.base, st)
	}
	return field(b, "# TotalAlloc = "), field(b, "# Mallocs = "), nil
}

// field is the integer after name at the start of a line, or -1.
func field(b []byte, name string) int64 {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if v, ok := bytes.CutPrefix(line, []byte(name)); ok {
			n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// allocSpan measures the server's allocation over a span of requests.
type allocSpan struct {
	a             *allocReader
	bytes0, objs0 int64
	overB, overO  int64 // one read's own allocation (the heap fallback)
	ok            bool
}

func (a *allocReader) begin() allocSpan {
	s := allocSpan{a: a}
	if a == nil {
		return s
	}
	b1, o1, err := a.read()
	if err != nil || b1 < 0 {
		return s
	}
	// a second read: the difference is what a read itself makes the server
	// allocate before it reads its counts (its request's reading, and the
	// heap profile's text with the fallback), taken out at the end
	b2, o2, err := a.read()
	if err != nil || b2 < 0 {
		return s
	}
	s.overB, s.overO = b2-b1, o2-o1
	b1, o1 = b2, o2
	s.bytes0, s.objs0, s.ok = b1, o1, true
	return s
}

// end is the bytes and objects the server allocated since begin, a request
// (n requests); ok false when unknown.
func (s allocSpan) end(n int) (bytesPer, objsPer float64, ok bool) {
	if !s.ok || n <= 0 {
		return 0, 0, false
	}
	b, o, err := s.a.read()
	if err != nil || b < 0 {
		return 0, 0, false
	}
	return float64(b-s.bytes0-s.overB) / float64(n), float64(o-s.objs0-s.overO) / float64(n), true
}
