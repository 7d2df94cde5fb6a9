package app_test

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/sheet/sheettest"
)

// bomb is a hostile file: its name (which says CSV or XLSX), its size and
// its bytes, made anew for each request (the large ones are streamed).
type bomb struct {
	name string
	size int64
	open func() io.Reader
}

func fixed(name string, data []byte) bomb {
	return bomb{name, int64(len(data)), func() io.Reader { return bytes.NewReader(data) }}
}

func emptyFields(n int64) bomb {
	return bomb{"bom.csv", int64(len("code,name\n")) + n + 1, func() io.Reader { return sheettest.EmptyFields(n) }}
}

// counting is a request body that counts what the server took of it.
type counting struct {
	r io.Reader
	n *atomic.Int64
}

func (c counting) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// multipartBody is req's fields with every file replaced by b (or b as
// "file" when req has none), as a stream of known length: nothing large
// is ever held by the test.
func multipartBody(req request, b bomb) (io.Reader, int64, string) {
	var segs []io.Reader
	var n int64
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	flush := func() {
		data := bytes.Clone(buf.Bytes())
		segs, n = append(segs, bytes.NewReader(data)), n+int64(len(data))
		buf.Reset()
	}
	for _, k := range slices.Sorted(maps.Keys(req.parts)) {
		w.WriteField(k, req.parts.Get(k))
	}
	fields := slices.Sorted(maps.Keys(req.files))
	if len(fields) == 0 {
		fields = []string{"file"}
	}
	for _, k := range fields {
		w.CreateFormFile(k, b.name)
		flush()
		segs, n = append(segs, b.open()), n+b.size
	}
	w.Close()
	flush()
	return io.MultiReader(segs...), n, w.FormDataContentType()
}

// post sends a body as c would; chunked sends it without a length, so the
// server can only find its size by reading. It returns the status, the
// answer and how much of the body the server took.
func post(t *testing.T, c *apptest.Client, method, path, ct string, body io.Reader, size int64, chunked bool) (int, string, int64) {
	t.Helper()
	var took atomic.Int64
	req, err := http.NewRequest(method, c.Base+path, counting{body, &took})
	if err != nil {
		t.Fatal(err)
	}
	if !chunked {
		req.ContentLength = size
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", c.Base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		// the server may close the connection on a body it refused before
		// the client finished sending it; that refusal is what we want
		return 0, err.Error(), took.Load()
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(answer), took.Load()
}

// leftovers lists what requests left in the temporary directory.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if path != dir {
			out = append(out, strings.TrimPrefix(path, dir))
		}
		return nil
	})
	return out
}

// TestUploadBombs posts the files of issue 15 to every route that takes a
// file, as each role: a workbook of rows with a cell in column XFD, zip
// bombs (one declaring its size, one lying about it), a CSV of one line of
// empty fields, and 120 MB of them. Each is refused — a viewer's before its
// body is read — and the server's memory stays within 100 MB of where it
// began, and no temporary file remains. Every other route that takes a body
// refuses a file, and a 50 MB form.
func TestUploadBombs(t *testing.T) {
	// the body is bounded as it streams the same way on every route: two
	// show it, one page and one API call
	streamed := map[string]bool{"POST /people/import": true, "POST /api/v1/imports/units": true}
	bombs := []bomb{
		fixed("bom.xlsx", sheettest.FarColumn(5000)),
		fixed("bom.xlsx", sheettest.DeclaredBomb(300)),
		fixed("bom.xlsx", sheettest.LyingBomb(200)),
		emptyFields(8 << 20), // beyond what a form keeps in memory
	}
	huge := emptyFields(120 << 20)
	// what the client sent but the server never read: the loopback's send
	// and receive buffers, which the kernel grows up to its maxima as the
	// server reads (CI failed at 14 MB sent of a bound of 12 when this was a
	// fixed 8 MB). The form is large enough that reading it whole still
	// shows, whatever the machine's buffers.
	inFlight := socketBuffers(t)
	formSize := max(int64(50<<20), 2*(httpx.FormMaxBytes+inFlight))
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp) // where multipart and the XLSX reader put their files
		other := demoTarget(t, s)
		roles := []string{"admin", "gialai", "pleiku", "lanhdao"} // administrator, coordinator, focal person, viewer
		callers := map[string]caller{}
		for _, login := range roles {
			callers[login] = callerFor(t, s, login)
		}
		var uploads, others []httpx.Route
		for _, r := range writeRoutes(s) {
			if r.Upload != nil {
				uploads = append(uploads, r)
			} else if r.Access != httpx.Public {
				others = append(others, r)
			}
		}
		if len(uploads) < 15 {
			t.Fatalf("only %d routes take files", len(uploads))
		}
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		heapBefore := ms.HeapSys
		var worst uint64 // the most heap one request took above where it began
		var worstWhat string
		func() {
			for _, r := range uploads {
				path, err := other.fill(r.Pattern)
				if err != nil {
					t.Fatal(err)
				}
				build, ok := writes[routeKey(r)]
				if !ok {
					t.Fatalf("no request for %s in writes (fixture_test.go)", routeKey(r))
				}
				fixture := build(other)
				if len(fixture.query) > 0 {
					path += "?" + fixture.query.Encode()
				}
				for _, login := range roles {
					c := callers[login].clients(r)[0]
					for i, b := range append(bombs, huge) {
						// the largest only once by length (refused unread) and once
						// streamed (refused at the limit), by the administrator
						for _, chunked := range []bool{false, i == len(bombs) && login == "admin" && streamed[routeKey(r)]} {
							body, size, ct := multipartBody(fixture, b)
							what := fmt.Sprintf("%s as %s, %s of %d MB (chunked %v)", routeKey(r), login, b.name, b.size>>20, chunked)
							var status int
							var answer string
							var took int64
							cost := sheettest.PeakHeap(func() { status, answer, took = post(t, c, r.Method, path, ct, body, size, chunked) })
							if cost > worst {
								worst, worstWhat = cost, what
							}
							// a sheet is refused; a file kept as evidence may be kept
							if status >= 500 || (status != 0 && status < 400 && importsSheet(fixture)) {
								t.Errorf("%s: status %d: %.300s", what, status, answer)
							}
							// the client's count includes what the sockets' buffers took
							if login == "lanhdao" && (status != http.StatusForbidden || (b.size > 16<<20 && took > b.size/2)) {
								t.Errorf("%s: status %d after sending %d KB, want 403 before the body is read", what, status, took>>10)
							}
							if left := leftovers(t, tmp); len(left) > 0 {
								t.Fatalf("%s: left behind %v", what, left)
							}
						}
					}
				}
			}
			// the routes that take no file refuse one, and a large form
			viewer := callers["lanhdao"]
			for _, r := range others {
				path, err := other.fill(r.Pattern)
				if err != nil {
					t.Fatal(err)
				}
				c := viewer.clients(r)[0]
				body, size, ct := multipartBody(request{}, fixed("a.csv", []byte("code,name\n1,a\n")))
				if status, answer, _ := post(t, c, r.Method, path, ct, body, size, false); status != http.StatusUnprocessableEntity ||
					!strings.Contains(answer, "không nhận tệp") {
					t.Errorf("%s took a file: %d %.300s", routeKey(r), status, answer)
				}
				if r.Pattern == "/people" { // issue 15: five 50 MB files posted here stayed on disk
					body, size, ct := multipartBody(request{}, bomb{"a.pdf", 50 << 20, func() io.Reader { return io.LimitReader(letters{}, 50<<20) }})
					if status, answer, _ := post(t, c, r.Method, path, ct, body, size, true); status != 0 && status != http.StatusUnprocessableEntity {
						t.Errorf("%s took a 50 MB file: %d %.300s", routeKey(r), status, answer)
					}
				}
				form := bomb{"", formSize, func() io.Reader { return io.LimitReader(letters{}, formSize) }}
				status, answer, took := post(t, c, r.Method, path, "application/x-www-form-urlencoded", form.open(), form.size, r.Pattern == "/people")
				if status != 0 && status != http.StatusUnprocessableEntity {
					t.Errorf("%s took a %d MB form: %d %.300s", routeKey(r), formSize>>20, status, answer)
				}
				if took > httpx.FormMaxBytes+inFlight { // with what the sockets' buffers took
					t.Errorf("%s read %d MB of a %d MB form (the sockets hold at most %d MB)", routeKey(r), took>>20, formSize>>20, inFlight>>20)
				}
				if left := leftovers(t, tmp); len(left) > 0 {
					t.Fatalf("%s: left behind %v", routeKey(r), left)
				}
			}
		}()
		runtime.ReadMemStats(&ms)
		t.Logf("%d upload routes, %d others: at most %d MB of heap for one request (%s); heap reserved %+d MB over the test",
			len(uploads), len(others), worst>>20, worstWhat, (int64(ms.HeapSys)-int64(heapBefore))>>20)
		if worst > 100<<20 {
			t.Errorf("%s took %d MB of heap", worstWhat, worst>>20)
		}
		if grown := int64(ms.HeapSys) - int64(heapBefore); grown > 100<<20 {
			t.Errorf("the server's heap grew by %d MB", grown>>20)
		}
	})
}

// importsSheet reports whether a request uploads a table to import (rather
// than evidence to keep).
func importsSheet(r request) bool {
	for _, f := range r.files {
		if strings.HasSuffix(f.name, ".csv") || strings.HasSuffix(f.name, ".xlsx") {
			return true
		}
	}
	return false
}

// socketBuffers is the most a TCP connection's two ends can hold unread:
// the largest receive buffer and the largest send buffer the kernel grows
// a socket to (the third figure of tcp_rmem and tcp_wmem), with 1 MB for
// the client's and server's own buffers.
func socketBuffers(t *testing.T) int64 {
	t.Helper()
	var sum int64 = 1 << 20
	for _, f := range []string{"/proc/sys/net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_wmem"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return 16 << 20 // not Linux: Linux's defaults (6 MB and 4 MB) and a margin
		}
		var lo, def, most int64
		if _, err := fmt.Sscan(string(b), &lo, &def, &most); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		sum += most
	}
	return sum
}

// letters is an endless form value.
type letters struct{}

func (letters) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}
