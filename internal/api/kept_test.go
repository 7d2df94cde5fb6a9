package api

import (
	"hash/maphash"
	"runtime"
	"testing"
)

// TestSameAnswers: an answer is found again only with the same bytes —
// never another answer whose hash is the same — and its tag is what
// hashing the body gives; an answer nothing else holds is let go.
func TestSameAnswers(t *testing.T) {
	s := &sameAnswers{seed: maphash.MakeSeed()}
	body := []byte(`{"tasks":[{"title":"Số hóa hồ sơ"}]}` + "\n")
	sum, e := s.find(body)
	if e != nil {
		t.Fatal("found in an empty table")
	}
	kept := &keptEntry{body: append([]byte(nil), body...), etag: etagOf(body)}
	s.add(sum, kept)
	if _, e = s.find(append([]byte(nil), body...)); e != kept {
		t.Fatal("the same bytes not found")
	}
	if e.etag != etagOf(body) {
		t.Fatal("wrong tag")
	}
	// another body in the slot of the same hash: its bytes differ, so it is
	// not the answer, whatever the hash says
	other := []byte(`{"tasks":[{"title":"Số hóa hồ sơ!"}]}` + "\n")
	s.add(maphash.Bytes(s.seed, other), &keptEntry{body: body, etag: etagOf(body)})
	if _, e := s.find(other); e != nil {
		t.Fatal("a body taken for another whose hash is the same")
	}
	// let go: nothing but the table holds it
	s = &sameAnswers{seed: maphash.MakeSeed()}
	sum, _ = s.find(body)
	s.add(sum, &keptEntry{body: append([]byte(nil), body...), etag: etagOf(body)})
	runtime.GC()
	if _, e := s.find(body); e != nil {
		t.Fatal("an answer nothing holds is still found")
	}
}
