package locale

import (
	"strings"
	"testing"
)

// TestFillIsTheTemplate: every message T fills in without a template (text
// and {{.Name}} fields) reads as go-i18n's template makes it, in both
// languages, with its fields given as strings (HTML-like ones too: neither
// escapes), as integers, and given twice (the last counts); a field
// missing or of another type goes to the template.
func TestFillIsTheTemplate(t *testing.T) {
	c := MustLoadCatalog()
	n := 0
	for _, lang := range Languages {
		p := c.Printer(lang)
		for key, segs := range c.simple[lang] {
			var fields []string
			for _, sg := range segs {
				if sg.field != "" {
					fields = append(fields, sg.field)
				}
			}
			for _, vals := range [][]any{{"a<b>&\"c\"", "Đắk Lắk"}, {42, int64(-7)}} {
				var kv []any
				data := map[string]any{}
				for i, f := range fields {
					v := vals[i%2]
					kv = append(kv, f, "first", f, v) // twice: the last counts
					data[f] = v
				}
				if len(kv) == 0 {
					kv = []any{"Unused", "x"}
				}
				got, ok := p.fill(key, kv)
				if !ok {
					t.Fatalf("%s %s: not filled with every field given", lang, key)
				}
				if want := p.TData(key, data); got != want {
					t.Errorf("%s %s: filled %q, the template says %q", lang, key, got, want)
				}
				n++
			}
			if len(fields) > 0 {
				if _, ok := p.fill(key, []any{"Other", "x"}); ok {
					t.Errorf("%s %s: filled without its fields", lang, key)
				}
				if _, ok := p.fill(key, []any{fields[0], 1.5}); ok {
					t.Errorf("%s %s: filled with a float", lang, key)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d messages compared", n)
	}
	for _, bad := range []string{"{{.A | printf}}", "{{- .A}}", "{{.A}", "a}}b", "{{len .A}}", "{{.A.B}}", "{{.1a}}"} {
		if _, ok := parseSimple(bad); ok {
			t.Errorf("%q taken as simple", bad)
		}
	}
	if segs, ok := parseSimple("Có {{.Count}} đơn vị {{ .Name }}."); !ok || len(segs) != 3 || segs[1].field != "Name" || !strings.HasSuffix(segs[2].text, ".") {
		t.Errorf("a simple message cut as %+v", segs)
	}
}
