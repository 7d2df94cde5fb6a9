// Package locale holds everything about language: the message catalogue
// (Vietnamese first, English second), Vietnamese number and date formats,
// and the folding and collation that make Vietnamese names findable and
// sortable.
package locale

import (
	"strings"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Fold reduces text to what a person types without diacritics: NFD, no
// combining marks, đ→d, lower case, single spaces. "Đắk Lắk" → "dak lak".
// SQLite's lower() is ASCII-only and FTS5's remove_diacritics keeps đ, so we
// fold in Go and store the result.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading spaces
	// norm leaves the text after an invalid byte undecomposed, so make it
	// valid first (a query string can hold anything)
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// Clean puts user text into the one form we store: NFC (Vietnamese typed on
// a Mac or copied from a PDF is often NFD), no leading or trailing spaces,
// single spaces inside, no control characters. It reports whether it
// changed anything, so importers can say so.
func Clean(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if unicode.IsControl(r) {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	// NFC last: a dropped control character may have kept a mark apart
	// from its letter ("e\x01\u0301"), and they compose only now.
	out := norm.NFC.String(b.String())
	return out, out != s
}

// CleanString is Clean without the report.
func CleanString(s string) string {
	out, _ := Clean(s)
	return out
}

// Collator sorts in Vietnamese alphabetical order (a ă â b c d đ e ê …).
// A Collator is not safe for concurrent use; make one per goroutine.
type Collator struct {
	c   *collate.Collator
	buf collate.Buffer // reused: a fresh one costs 4 KB per key
}

// NewCollator makes a Vietnamese collator.
func NewCollator() *Collator { return &Collator{c: collate.New(language.Vietnamese)} }

// Key returns a sort key: comparing keys bytewise orders the strings.
func (c *Collator) Key(s string) []byte {
	c.buf.Reset()
	k := c.c.KeyFromString(&c.buf, s)
	return append([]byte(nil), k...)
}

// Compare orders two strings.
func (c *Collator) Compare(a, b string) int { return c.c.CompareString(a, b) }
