package locale_test

import "testing"

func TestCountedMessages(t *testing.T) {
	en, vi := catalog.Printer("en"), catalog.Printer("vi")
	for _, c := range []struct {
		p    string
		n    int
		want string
	}{
		{"en", 1, "1 agency"}, {"en", 2, "2 agencies"}, {"en", 1234, "1,234 agencies"},
		{"vi", 1, "1 cơ quan"}, {"vi", 1234, "1.234 cơ quan"},
	} {
		p := en
		if c.p == "vi" {
			p = vi
		}
		if got := p.N("levelcount.agency", c.n); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.p, c.n, got, c.want)
		}
	}
}
