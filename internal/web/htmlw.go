package web

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"sync"
)

// hw writes the repeated parts of a page (a table's rows, a list's items)
// in Go, byte for byte as html/template writes them from the templates they
// replace: executing a template row by row is a reflective look-up and call
// for each field and method it names, which was most of a rebuilt page's
// CPU (issue 14). Its escapers are html/template's for the contexts the
// rows use — text and quoted attribute values (text), a URL attribute
// (url: its value whole, or its path after a literal start), a query
// value after a literal "?" (query) — and TestHTMLWriterEscapes holds them
// to html/template's own output.
type hw struct{ b []byte }

func newHW(size int) *hw { return &hw{b: make([]byte, 0, size)} }

// pageBufs are the buffers a rebuilt page's content and shell are written
// into (a coordinator's home is 25 KB, a unit page 40–60): used again, so
// that a page is not grown from small buffers each time; what was written
// is copied out once, at its size (the page cache keeps it). A buffer
// larger than maxPooledBuf is not kept for reuse.
var pageBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

const maxPooledBuf = 1 << 20

// pooledHW is an hw on a buffer from pageBufs; give it back with release
// once what it wrote was copied (html, or slices.Clone(w.b)).
func pooledHW() *hw {
	bp := pageBufs.Get().(*[]byte)
	return &hw{b: (*bp)[:0]}
}

// release gives w's buffer back to pageBufs; w is not used after.
func (w *hw) release() {
	if cap(w.b) <= maxPooledBuf {
		b := w.b[:0]
		pageBufs.Put(&b)
	}
	w.b = nil
}

// pooledBuffer is a bytes.Buffer on a buffer from pageBufs (a template
// executed into it); releaseBuffer gives it back.
func pooledBuffer() *bytes.Buffer {
	bp := pageBufs.Get().(*[]byte)
	return bytes.NewBuffer((*bp)[:0])
}

func releaseBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBuf {
		b := buf.Bytes()[:0]
		pageBufs.Put(&b)
	}
}

// raw writes markup as it is.
func (w *hw) raw(s string) *hw { w.b = append(w.b, s...); return w }

// text writes s escaped for HTML text or a quoted attribute value
// (html/template's htmlEscaper and attrEscaper for a string).
func (w *hw) text(s string) *hw {
	w.b = appendEscaped(w.b, s)
	return w
}

// int writes an integer as the template prints it.
func (w *hw) int(n int64) *hw { w.b = strconv.AppendInt(w.b, n, 10); return w }

// url writes a URL attribute's value that the template wrote whole
// ({{.Href}}: filtered, normalised, escaped).
func (w *hw) url(s string) *hw {
	if plainURL(s) { // the common link ("/tasks?unit=12"): written as it is
		w.b = append(w.b, s...)
		return w
	}
	if !safeURL(s) {
		s = "#ZgotmplZ"
	}
	w.b = appendEscaped(w.b, normaliseURL(s, true))
	return w
}

// urlPath writes a value inside a URL attribute after a literal start
// and before any "?" ("/units/{{.ID}}": normalised, escaped).
func (w *hw) urlPath(s string) *hw {
	w.b = appendEscaped(w.b, normaliseURL(s, true))
	return w
}

// query writes a value in a URL attribute's query ("?unit={{.ID}}").
func (w *hw) query(s string) *hw {
	w.b = appendEscaped(w.b, normaliseURL(s, false))
	return w
}

// owned is the written bytes as HTML without copying them: the writer is
// not written again while they are used. The parts a template calls for
// (rows, a chart's table) are written into a buffer of their own and
// handed over so: a copy of each at its size was a third of a rebuilt
// coverage page's bytes.
func (w *hw) owned() template.HTML { return template.HTML(bytesView(w.b)) }

// appendEscaped is html/template's htmlReplacementTable: since the bytes it
// replaces are ASCII, which no multi-byte UTF-8 sequence holds, a byte loop
// is its rune loop.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if !escapedByte[s[i]] { // most bytes: one look-up, not the switch's compares
			continue
		}
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, r...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// plainURL reports whether s is made only of bytes that none of url's
// steps change: no ":" (safeURL looks no further), nothing normaliseURL
// escapes, nothing appendEscaped replaces ("&" is). One pass instead of
// three for a dashboard's hundreds of links.
func plainURL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '/' || c == '?' || c == '=' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// escapedByte marks the bytes appendEscaped replaces.
var escapedByte = [256]bool{0: true, '"': true, '&': true, '\'': true, '+': true, '<': true, '>': true}

// safeURL is html/template's isSafeURL: relative, or http, https, mailto.
func safeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

// normaliseURL is html/template's processURLOnto: norm keeps the reserved
// characters and valid escapes (the normaliser), without it only the
// unreserved ones are kept (the query escaper).
func normaliseURL(s string, norm bool) string {
	var b []byte
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			if norm && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if b == nil {
			b = make([]byte, 0, len(s)+16)
		}
		b = append(b, s[written:i]...)
		const hex = "0123456789abcdef"
		b = append(b, '%', hex[c>>4], hex[c&15])
		written = i + 1
	}
	if b == nil {
		return s
	}
	return string(append(b, s[written:]...))
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
