package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/maphash"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// Kept answers. The API's common reads (the tasks, a scope's coverage and
// compliance, an indicator's figures, the people list) were made again at
// every call — 1 to 60 ms of CPU each on the national database — although
// the pages that show the same data are kept by the page cache
// (internal/web/pagecache.go) until what they read changes. A route that
// opts in (httpx.Doc.Kept) is kept by the same rules: its JSON answer is
// kept for the caller — the user, how they came (token or session), their
// role and scope, the language, the full address (path and query) and the
// day — and sent again while the generations its handler read are
// unchanged (db.Watch notes them), with the accounts' (who asks) and the
// audit log's head if the handler sent a statement of its own (a table
// read directly: every write of one is audited in its transaction). A
// write through any server moves what it wrote's generation, and the next
// call misses. Who asks is checked before (the router's authentication,
// against the accounts' generation at every request), so a revoked token
// or a disabled account is refused at once, kept answer or not.
//
// Only a read whose answer depends on nothing else may opt in: no time of
// day, no random or per-request part, no table written without an audit
// entry or a generation.
//
// Each kept answer carries an ETag (the SHA-256 of its body, cut to 128
// bits: the same answer has the same tag on every server); a request whose
// If-None-Match names it is answered 304 Not Modified without a body.
//
// Bounds: at most keptEntries answers (4,000) and keptBytes (16 MB) of
// JSON in all (an answer kept under several keys, sameAnswers, counted
// under each); an answer larger than keptMaxEntry (1 MB) is not kept. The
// least recently used leave first.
const (
	keptEntries   = 4000
	keptBytes     = 16 << 20
	keptMaxEntry  = 1 << 20
	keptAccounts  = "auth"  // the accounts' generation (internal/auth)
	keptAuditHead = "audit" // the audit log's head: every audited write moves it
)

type keptKey struct {
	user     int64
	viaToken bool
	role     string
	scope    int64
	lang     string
	uri      string
	today    day.Day
}

type keptEntry struct {
	body []byte
	etag string
}

// keptCache is the one cache of things kept by generations (db.Kept), of
// answers, within the bounds above.
type keptCache struct {
	kept        *db.Kept[keptKey, *keptEntry]
	same        *sameAnswers
	notModified atomic.Int64
}

func newKeptCache() *keptCache {
	return &keptCache{kept: db.NewKept[keptKey, *keptEntry](keptEntries, keptBytes, keptMaxEntry), same: &sameAnswers{seed: maphash.MakeSeed()}}
}

// KeptStats are the kept answers' counts: entries, bytes, hits, misses and
// the hits answered 304.
func (a *API) KeptStats() (entries, bytes int, hits, misses, notModified int64) {
	entries, bytes, hits, misses = a.kept.kept.Stats()
	return entries, bytes, hits, misses, a.kept.notModified.Load()
}

// keptRequest is a kept route's request: its key and the generations read
// at its start (nil when the answer cannot be kept: no user or database).
type keptRequest struct {
	key  keptKey
	gens db.Gens
}

// keep starts a kept route's request: it answers from the cache (true) or
// says how to keep what the handler makes, with the context to make it in
// (watched: what the handler reads is noted).
func (a *API) keep(w http.ResponseWriter, r *http.Request) (done bool, kr *keptRequest, ctx context.Context, rd *db.Reads) {
	u := httpx.User(r)
	if u == nil || a.DB == nil || r.Method != http.MethodGet {
		return false, nil, r.Context(), nil
	}
	// read before the answer is made, so that it is at least as new as
	// the generations say (with the request's read: the one the
	// authentication made)
	gens, err := a.DB.GenerationsByName(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return true, nil, nil, nil
	}
	k := keptKey{user: u.ID, viaToken: httpx.ViaToken(r), role: string(u.Role), scope: u.ScopeUnitID, lang: a.printer(r).Lang,
		uri: r.URL.Path + "?" + r.URL.Query().Encode(), today: a.Org.Today()}
	if e, ok := a.kept.kept.Get(k, gens); ok {
		if matches(r.Header.Get("If-None-Match"), e.etag) {
			a.kept.notModified.Add(1)
			keptHeaders(w, e.etag)
			w.WriteHeader(http.StatusNotModified)
			return true, nil, nil, nil
		}
		writeKept(w, http.StatusOK, e.body, e.etag)
		return true, nil, nil, nil
	}
	ctx, rd = db.Watch(r.Context())
	return false, &keptRequest{key: k, gens: gens}, ctx, rd
}

// answer sends what a kept route's handler made, and keeps it when what
// the handler read can be followed.
func (a *API) answer(w http.ResponseWriter, r *http.Request, status int, out any, kr *keptRequest, rd *db.Reads) {
	p := answerBufs.Get().(*[]byte)
	var body []byte
	defer func() {
		if cap(body) <= keptMaxEntry {
			*p = body[:0] // the grown buffer, used again
			answerBufs.Put(p)
		}
	}()
	written := false
	if ap, ok := out.(appender); ok {
		if body, written = ap.appendJSON((*p)[:0]); written {
			body = append(body, '\n') // as json.Encoder ends
		}
	}
	if !written {
		buf := bytes.NewBuffer((*p)[:0])
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		err := enc.Encode(out)
		body = buf.Bytes()
		if err != nil {
			a.fail(w, r, err)
			return
		}
	}
	keep := kr != nil && status == http.StatusOK && len(body) <= keptMaxEntry
	var deps []db.Dep
	var all bool
	if keep {
		also := []string{keptAccounts}
		if rd.Direct() {
			also = append(also, keptAuditHead)
		}
		deps, all, keep = rd.Deps(kr.gens, also...)
	}
	sum, e := a.kept.same.find(body)
	if e == nil {
		e = &keptEntry{etag: etagOf(body)}
		if keep {
			e.body = bytes.Clone(body) // apart from the buffer, which is used again
			a.kept.same.add(sum, e)
		}
	}
	if keep {
		// counted at its size under each key, even when shared
		a.kept.kept.Put(kr.key, e, deps, all, len(body))
	}
	if status == http.StatusOK && matches(r.Header.Get("If-None-Match"), e.etag) {
		keptHeaders(w, e.etag)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeKept(w, status, body, e.etag)
}

// etagOf is an answer's tag: the SHA-256 of its body, cut to 128 bits.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// sameAnswers finds an answer just made among those made before: the same
// bytes, so the same tag and the same kept copy. A write moves a
// generation that the answers of many callers read — the province's task
// list of its coordinator and of its leader, each of their sessions and
// tokens, each address — and each of them is made again at its next call,
// most often the same as before or as another's: then neither its hash
// (SHA-256 of 600 KB: 0.4–0.5 ms) nor its copy (600 KB more for the
// collector) is made again. An answer is found by a hash of its bytes
// (maphash, 25 times as fast, this process's only) and taken only when its
// bytes are the same, so the tag is exactly what hashing would give.
//
// Bounds: sameSlots slots, each a weak pointer: it holds no answer that
// the cache of kept answers has let go (a slot whose answer the collector
// took finds nothing), and a new answer takes its slot's place.
type sameAnswers struct {
	seed  maphash.Seed
	mu    sync.Mutex
	slots [sameSlots]sameSlot
}

const sameSlots = 1024

type sameSlot struct {
	sum uint64
	e   weak.Pointer[keptEntry]
}

// find is an answer of the same bytes as body, if one is known, and
// body's hash for add.
func (s *sameAnswers) find(body []byte) (sum uint64, e *keptEntry) {
	sum = maphash.Bytes(s.seed, body)
	s.mu.Lock()
	slot := s.slots[sum%sameSlots]
	s.mu.Unlock()
	if slot.sum != sum {
		return sum, nil
	}
	if e = slot.e.Value(); e != nil && bytes.Equal(e.body, body) {
		return sum, e
	}
	return sum, nil
}

// add makes e the answer found for bodies of hash sum.
func (s *sameAnswers) add(sum uint64, e *keptEntry) {
	s.mu.Lock()
	s.slots[sum%sameSlots] = sameSlot{sum, weak.Make(e)}
	s.mu.Unlock()
}

// answerBufs are the buffers answers are encoded into (one of the
// coordinator's task lists is 600 KB): used again, not grown anew for each.
var answerBufs = sync.Pool{New: func() any { return new([]byte) }}

func keptHeaders(w http.ResponseWriter, etag string) {
	h := w.Header()
	// the client may keep it, but must ask again before using it
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", etag)
}

func writeKept(w http.ResponseWriter, status int, body []byte, etag string) {
	keptHeaders(w, etag)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// matches tells whether an If-None-Match header names etag (a list of
// tags, weak or strong, or *).
func matches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
