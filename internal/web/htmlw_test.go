package web

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"testing"
)

// TestHTMLWriterEscapes holds hw's escapers to html/template's own output
// in each context the Go-written rows use, for strings of every awkward
// character (markup, quotes, plus, percent, NUL, schemes, invalid UTF-8,
// Vietnamese).
func TestHTMLWriterEscapes(t *testing.T) {
	tpl := template.Must(template.New("x").Parse(
		`<p>{{.}}</p>|<a title="{{.}}">|<a href="{{.}}">|<a href="/x/{{.}}">|<a href="/x?u={{.}}">`))
	write := func(s string) string {
		w := newHW(64)
		w.raw("<p>").text(s).raw("</p>|<a title=\"").text(s).raw("\">|<a href=\"").url(s).
			raw("\">|<a href=\"/x/").urlPath(s).raw("\">|<a href=\"/x?u=").query(s).raw("\">")
		return string(w.b)
	}
	cases := []string{"", "plain", "Xã Ia Hrú", "a&b", "<b>\"x'\"</b>", "1+1=2", "50%", "%zz", "%4a%4", "/units/5?d=2025-06-30&unit=7",
		"javascript:alert(1)", "mailto:x@y", "HTTPS://x", "a:b/c", "x\x00y", "\xff\xfe", "\uFDD0\uFFFE", "#frag", "a b\tc\n", "`~!@$^*()[]{}|\\;,",
		"/tasks?unit=12", "/plans/7", "/tasks?d=2025-06-30&unit=7", "~a_b.c-d?=/", "/x:y", "http:/x"} // plainURL's and not
	alphabet := []rune("aZ09&<>\"'+%/:?#=;@ \x00\t-._~!$*,[]`{}|\\^ăđươ\uFFFD\uFDD0")
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := r.IntN(12)
		s := make([]rune, n)
		for i := range s {
			s[i] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(s))
	}
	for _, s := range cases {
		var buf bytes.Buffer
		if err := tpl.Execute(&buf, s); err != nil {
			t.Fatal(err)
		}
		if got := write(s); got != buf.String() {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, buf.String())
		}
	}
}
