package locale_test

import (
	"sort"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/mangluoi/mangluoi/internal/locale"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Đắk Lắk", "dak lak"},
		{"Đồng Nai", "dong nai"},
		{"Quảng Trị", "quang tri"},
		{"Tỉnh Đắk Lắk", "tinh dak lak"},
		{norm.NFD.String("Quảng Trị"), "quang tri"}, // typed on a Mac, copied from a PDF
		{"  ĐẮK\tLẮK \n", "dak lak"},
		{"Thừa Thiên Huế", "thua thien hue"},
		{"Phường Ngọc Hà", "phuong ngoc ha"},
		{"already plain", "already plain"},
		{"", ""},
		{"   ", ""},
	} {
		if got := locale.Fold(c.in); got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestClean(t *testing.T) {
	nfd := norm.NFD.String("Tỉnh Gia Lai")
	for _, c := range []struct {
		in, want string
		changed  bool
	}{
		{"Tỉnh Gia Lai", "Tỉnh Gia Lai", false},
		{nfd, "Tỉnh Gia Lai", true},
		{"  Tỉnh   Gia\tLai \r\n", "Tỉnh Gia Lai", true},
		{"Xã\u00a0Ia Grai", "Xã Ia Grai", true}, // no-break space from a web page
		{"Thôn\x00 1\x07", "Thôn 1", true},
		{"", "", false},
		{" \t ", "", true},
	} {
		got, changed := locale.Clean(c.in)
		if got != c.want || changed != c.changed {
			t.Errorf("Clean(%q) = %q, %v; want %q, %v", c.in, got, changed, c.want, c.changed)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("Clean(%q) = %q is not NFC", c.in, got)
		}
		if s := locale.CleanString(c.in); s != got {
			t.Errorf("CleanString(%q) = %q, Clean gave %q", c.in, s, got)
		}
	}
}

func TestCollatorVietnameseOrder(t *testing.T) {
	names := []string{"Đông Hà", "Zeta", "Ăn Lợi", "Dương Minh Châu", "Az", "Âu Cơ", "Bắc Ninh", "An Giang"}
	want := []string{"An Giang", "Az", "Ăn Lợi", "Âu Cơ", "Bắc Ninh", "Dương Minh Châu", "Đông Hà", "Zeta"}
	c := locale.NewCollator()
	sort.Slice(names, func(i, j int) bool { return c.Compare(names[i], names[j]) < 0 })
	if !equal(names, want) {
		t.Errorf("Compare order = %v, want %v", names, want)
	}
	// sort keys order the same way as Compare
	keys := map[string]string{}
	for _, n := range names {
		keys[n] = string(c.Key(n))
	}
	sort.Slice(names, func(i, j int) bool { return keys[names[i]] < keys[names[j]] })
	if !equal(names, want) {
		t.Errorf("Key order = %v, want %v", names, want)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
