package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// encodingJSON is what the kept answers wrote before the hand-written
// writers, and still write for every other answer.
func encodingJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hard strings: every escape encoding/json makes, HTML's characters (not
// escaped by the API), Vietnamese text in its two normal forms, invalid
// UTF-8, the separators JavaScript does not accept in a string.
var hardStrings = []string{
	"", "a", `"`, `\`, "\b\f\n\r\t", "\x00\x01\x1f\x7f", "<b>&amp;</b>", "Triển khai nền tảng số — Sở KH&CN",
	"Xã Ia Ly", "Đắk Lắk", "Tiếng Việt\u0301 tổ hợp", "\xff\xfe", "a\xc3", "\xe2\x80", "line\u2028para\u2029end",
	"emoji 😀 ok", strings.Repeat("dài ", 50), "tab\there \"quoted\" and \\ back", "\u00a0\u200b\ufeff",
}

func TestJSONString(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	check := func(s string) {
		want := encodingJSON(t, s)
		got := append(jsonString(nil, s), '\n')
		if !bytes.Equal(got, want) {
			t.Fatalf("%q: wrote %s, encoding/json %s", s, got, want)
		}
	}
	for _, s := range hardStrings {
		check(s)
	}
	for c := range 256 {
		check(string([]byte{byte(c)}))
		check("x" + string([]byte{byte(c)}) + "y")
	}
	for range 20000 {
		b := make([]byte, rnd.IntN(12))
		for i := range b {
			b[i] = byte(rnd.IntN(256))
		}
		check(string(b))
		check(hardStrings[rnd.IntN(len(hardStrings))] + string(b) + hardStrings[rnd.IntN(len(hardStrings))])
	}
}

// TestPlainString: plainString says a string is written as it is exactly
// when it is valid UTF-8 with nothing to escape — on every sequence of two
// bytes, of three from 0xE0 on, and four-byte letters around the edges.
func TestPlainString(t *testing.T) {
	want := func(s string) bool {
		return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 || r == '"' || r == '\\' || r == '\u2028' || r == '\u2029'
		})
	}
	check := func(s string) {
		if got := plainString(s); got != want(s) {
			t.Fatalf("plainString(%q) = %v", s, got)
		}
	}
	for a := range 256 {
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
			if a >= 0xE0 {
				for c := range 256 {
					check(string([]byte{byte(a), byte(b), byte(c)}))
				}
			}
		}
	}
	for _, lead := range []byte{0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5} {
		for _, b := range []byte{0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0} {
			for _, c := range []byte{0x7F, 0x80, 0xBF, 0xC0} {
				for _, d := range []byte{0x7F, 0x80, 0xBF, 0xC0} {
					check(string([]byte{lead, b, c, d}))
					check("ok" + string([]byte{lead, b, c}))
				}
			}
		}
	}
}

// filler fills a value's every field at random, by reflection, so that a
// field added to a type a writer writes is filled too and, if the writer
// misses it, the comparison fails.
type filler struct{ rnd *rand.Rand }

func (f filler) fill(v reflect.Value, depth int) {
	zero := f.rnd.IntN(4) == 0 // each field empty a quarter of the time
	switch {
	case v.Type() == timeType:
		if zero {
			return
		}
		zones := []*time.Location{time.UTC, time.FixedZone("ICT", 7*3600), time.FixedZone("", -90*60)}
		tm := time.Date(1990+f.rnd.IntN(60), time.Month(1+f.rnd.IntN(12)), 1+f.rnd.IntN(28), f.rnd.IntN(24), f.rnd.IntN(60), f.rnd.IntN(60),
			[]int{0, 1000, 123456789, f.rnd.IntN(1e9)}[f.rnd.IntN(4)], zones[f.rnd.IntN(len(zones))])
		v.Set(reflect.ValueOf(tm))
		return
	case v.Type() == dayType:
		if zero {
			return
		}
		d := []day.Day{day.Forever, day.Of(1, 1, 1), day.Of(2000+f.rnd.IntN(30), time.Month(1+f.rnd.IntN(12)), 1+f.rnd.IntN(28))}[f.rnd.IntN(3)]
		v.Set(reflect.ValueOf(d))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth)
			}
		}
	case reflect.Pointer:
		if zero || depth > 3 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), depth+1)
	case reflect.Slice:
		if zero {
			return // nil: null
		}
		n := f.rnd.IntN(4) // 0: an empty list, []
		if depth > 2 {
			n = 0
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			f.fill(v.Index(i), depth+1)
		}
	case reflect.String:
		if !zero {
			v.SetString(hardStrings[f.rnd.IntN(len(hardStrings))])
		}
	case reflect.Bool:
		v.SetBool(!zero)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if !zero {
			v.SetInt([]int64{1, -1, 42, 1 << 40, -1 << 62, f.rnd.Int64()}[f.rnd.IntN(6)])
		}
	default:
		panic("filler: no case for " + v.Type().String())
	}
}

// TestTaskListJSON: the task list written by hand is byte for byte what
// encoding/json writes, on many lists whose every field is filled or
// empty by turns.
func TestTaskListJSON(t *testing.T) {
	f := filler{rand.New(rand.NewPCG(3, 4))}
	for i := range 3000 {
		var l TaskList
		f.fill(reflect.ValueOf(&l).Elem(), 0)
		if i%2 == 0 { // a list of many rows, as a province's
			l.Tasks = make([]plans.TaskRow, 1+f.rnd.IntN(20))
			for j := range l.Tasks {
				f.fill(reflect.ValueOf(&l.Tasks[j]).Elem(), 1)
			}
		}
		got, ok := l.appendJSON(nil)
		if !ok {
			t.Fatalf("list %d not written", i)
		}
		got = append(got, '\n')
		if want := encodingJSON(t, l); !bytes.Equal(got, want) {
			t.Fatalf("list %d differs from encoding/json: %s", i, jsonDiff(got, want))
		}
	}

	// a time encoding/json refuses is left to it, to say so
	l := TaskList{Tasks: []plans.TaskRow{{Task: plans.Task{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}}
	if _, ok := l.appendJSON(nil); ok {
		t.Error("a time past 9999 written")
	}
	if _, err := json.Marshal(l); err == nil {
		t.Error("encoding/json wrote a time past 9999")
	}
}

// jsonDiff shows where two JSON texts part, with some text around.
func jsonDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\nwritten       …%s\nencoding/json …%s", i, got[from:min(len(got), i+80)], want[from:min(len(want), i+80)])
}

func BenchmarkTaskListJSON(b *testing.B) {
	f := filler{rand.New(rand.NewPCG(5, 6))}
	l := TaskList{Tasks: make([]plans.TaskRow, 1000)}
	for j := range l.Tasks {
		f.fill(reflect.ValueOf(&l.Tasks[j]).Elem(), 1)
	}
	b.Run("encoding/json", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(l)
		}
		b.SetBytes(int64(buf.Len()))
	})
	b.Run("written", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf, _ = l.appendJSON(buf[:0])
		}
		b.SetBytes(int64(len(buf)))
	})
}
