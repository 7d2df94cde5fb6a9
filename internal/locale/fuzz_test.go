package locale_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/mangluoi/mangluoi/internal/locale"
)

// textSeeds are the kinds of text people paste into mangluoi.
var textSeeds = []string{
	"", " ", "Đắk Lắk", "Tỉnh Gia Lai", "  Thành phố   Hồ Chí Minh ", "Phường Ngọc Hà",
	"\u0110\u1eaek L\u1eafk", "Quảng Trị", "e\x01\u0301", "a\u00a0b", "\ufeffXã A", "x\u200by",
	"Thôn\tLàng\r\nMới", "\xff\xfe broken", "İstanbul", "ǅemal", "Ω\u212b\u212a", "ﬁ", "\u0301leading mark", "\xf5ô",
}

func FuzzFold(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
		f.Add(norm.NFD.String(s))
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := locale.Fold(s)
		if again := locale.Fold(got); again != got {
			t.Errorf("Fold not idempotent: Fold(%q) = %q, Fold of that = %q", s, got, again)
		}
		if utf8.ValidString(s) {
			if nfc, nfd := locale.Fold(norm.NFC.String(s)), locale.Fold(norm.NFD.String(s)); nfc != got || nfd != got {
				t.Errorf("Fold depends on normal form: %q gives %q, NFC %q, NFD %q", s, got, nfc, nfd)
			}
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Errorf("Fold(%q) = %q has stray spaces", s, got)
		}
		for _, r := range got {
			if unicode.Is(unicode.Mn, r) || r == 'đ' || r == 'Đ' {
				t.Errorf("Fold(%q) = %q keeps %q", s, got, r)
			}
			if unicode.IsSpace(r) && r != ' ' {
				t.Errorf("Fold(%q) = %q keeps the space %q", s, got, r)
			}
		}
	})
}

func FuzzClean(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
		f.Add(norm.NFD.String(s))
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, changed := locale.Clean(s)
		if changed != (got != s) {
			t.Errorf("Clean(%q) = %q reports changed=%v", s, got, changed)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Clean(%q) = %q is not UTF-8", s, got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("Clean(%q) = %q is not NFC", s, got)
		}
		if again, ch := locale.Clean(got); again != got || ch {
			t.Errorf("Clean not idempotent: Clean(%q) = %q, Clean of that = %q", s, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Errorf("Clean(%q) = %q has stray spaces", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ') {
				t.Errorf("Clean(%q) = %q keeps %q", s, got, r)
			}
		}
		// what Clean stores is found by the same search as what was typed
		if utf8.ValidString(s) && !hasControl(s) {
			if a, b := locale.Fold(got), locale.Fold(s); a != b {
				t.Errorf("Fold(Clean(%q)) = %q, Fold of the input = %q", s, a, b)
			}
		}
	})
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }) >= 0
}
