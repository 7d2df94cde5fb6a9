package api

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mangluoi/mangluoi/internal/day"
)

// The one JSON writer. encoding/json walks an answer by reflection, field
// by field, and hands every date and time to its own method, which makes a
// string of its own: a coordinator's task list (1,000 rows, 600 KB) took
// 2–3 ms of CPU to encode at each rebuild. An answer that is common and
// large (appender) is written by hand with these functions instead, byte
// for byte what encoding/json writes with SetEscapeHTML(false) — each such
// writer has a test that compares the two on many values, every field
// filled and empty, strings needing escapes and Vietnamese text
// (TestTaskListJSON). Everything else stays with encoding/json.

// appender is an answer that writes its own JSON (without the newline
// json.Encoder ends with). ok is false when it cannot (a time outside the
// years 0–9999): encoding/json then writes it, or says why not.
type appender interface {
	appendJSON(b []byte) (_ []byte, ok bool)
}

const hexDigits = "0123456789abcdef"

// jsonString appends s as encoding/json writes a string without HTML
// escaping: quotes, backslashes and control characters escaped (\b \f \n
// \r \t by name), invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func jsonString(b []byte, s string) []byte {
	b = append(b, '"')
	if plainString(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainString tells whether s is written as it is: valid UTF-8 with
// nothing to escape (almost every string of an answer, Vietnamese text
// too). One pass over the bytes: an ASCII byte is looked up, a letter of
// several bytes checked as utf8.ValidString would (its lead byte gives its
// length and the range of its second byte), instead of decoding each
// letter and validating the string again.
func plainString(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSpecial[c] {
				return false
			}
			i++
			continue
		}
		lo, hi, n := byte(0x80), byte(0xBF), 0
		switch {
		case c >= 0xC2 && c <= 0xDF:
			n = 2
		case c == 0xE0:
			lo, n = 0xA0, 3
		case c == 0xED:
			hi, n = 0x9F, 3 // not the surrogates
		case c >= 0xE1 && c <= 0xEF:
			n = 3
		case c == 0xF0:
			lo, n = 0x90, 4
		case c >= 0xF1 && c <= 0xF3:
			n = 4
		case c == 0xF4:
			hi, n = 0x8F, 4
		default:
			return false
		}
		if i+n > len(s) || s[i+1] < lo || s[i+1] > hi {
			return false
		}
		for j := 2; j < n; j++ {
			if s[i+j]&0xC0 != 0x80 {
				return false
			}
		}
		if c == 0xE2 && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 { // U+2028, U+2029
			return false
		}
		i += n
	}
	return true
}

// jsonSpecial are the ASCII bytes escaped.
var jsonSpecial = func() (t [utf8.RuneSelf]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// jsonKey appends a member's name (`,"name":`, without the comma for the
// first): names are the writer's own constants, never escaped.
func jsonKey(b []byte, first bool, name string) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

func jsonInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

func jsonBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// jsonDay is a day.Day as its MarshalText writes it, quoted ("" for no
// date).
func jsonDay(b []byte, d day.Day) []byte {
	b = append(b, '"')
	b, _ = d.AppendText(b) // never fails
	return append(b, '"')
}

// jsonTime is a time.Time as its MarshalJSON writes it (RFC 3339 with
// nanoseconds); ok is false outside the years 0–9999, where MarshalJSON
// fails.
func jsonTime(b []byte, t time.Time) (_ []byte, ok bool) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	return append(b, '"'), err == nil
}

// jsonInts is a []int64: null when nil.
func jsonInts(b []byte, ns []int64) []byte {
	if ns == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, n := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return append(b, ']')
}

// jsonStrings is a []string: null when nil.
func jsonStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonString(b, s)
	}
	return append(b, ']')
}
