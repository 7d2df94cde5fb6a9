package parse

import (
	"sort"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/locale"
)

func timeMonth(m int) time.Month { return time.Month(m) }

// Matcher finds the units a phrase names, typed with or without diacritics
// and with the usual abbreviations (UBND, KH&CN, TT&TT…).
type Matcher struct {
	entries []entry
}

type entry struct {
	key string
	u   Unit
}

// abbreviations are expanded in folded text before matching, longest first.
var abbreviations = []struct{ short, long string }{
	{"ld-tb&xh", "lao dong - thuong binh va xa hoi"}, {"ldtb&xh", "lao dong - thuong binh va xa hoi"},
	{"nn&ptnt", "nong nghiep va phat trien nong thon"}, {"vh,tt&dl", "van hoa, the thao va du lich"},
	{"vhtt&dl", "van hoa, the thao va du lich"}, {"tn&mt", "tai nguyen va moi truong"},
	{"kh&cn", "khoa hoc va cong nghe"}, {"khcn", "khoa hoc va cong nghe"},
	{"tt&tt", "thong tin va truyen thong"}, {"tttt", "thong tin va truyen thong"},
	{"gd&dt", "giao duc va dao tao"}, {"gddt", "giao duc va dao tao"},
	{"kh&dt", "ke hoach va dau tu"}, {"khdt", "ke hoach va dau tu"},
	{"ubnd", "uy ban nhan dan"}, {"hdnd", "hoi dong nhan dan"}, {"ubmttq", "uy ban mat tran to quoc"},
	{"cds", "chuyen doi so"}, {"tp.", "thanh pho "}, {"tx.", "thi xa "},
}

// normalise folds a phrase and expands abbreviations.
func normalise(s string) string {
	f := " " + locale.Fold(s) + " "
	for _, a := range abbreviations {
		if strings.Contains(f, a.short) {
			f = replaceWord(f, a.short, a.long)
		}
	}
	return strings.Join(strings.Fields(f), " ")
}

// replaceWord replaces whole-word occurrences of old.
func replaceWord(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := i + len(old)
		if boundary(s, i-1) && (old[len(old)-1] == '.' || boundary(s, j)) {
			b.WriteString(s[:i])
			b.WriteString(repl)
		} else {
			b.WriteString(s[:j])
		}
		s = s[j:]
	}
}

// boundary reports whether s[i] is not a letter or digit (or outside s).
func boundary(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80)
}

// NewMatcher indexes units by their folded names and aliases.
func NewMatcher(units []Unit) *Matcher {
	m := &Matcher{}
	for _, u := range units {
		keys := append([]string{u.Name}, u.Aliases...)
		for _, k := range keys {
			if nk := normalise(k); len(nk) >= 4 {
				m.entries = append(m.entries, entry{nk, u})
			}
		}
	}
	// longest names first, so "Văn phòng UBND tỉnh" wins over "UBND tỉnh";
	// a unit in force before one that no longer is
	sort.SliceStable(m.entries, func(i, j int) bool {
		if len(m.entries[i].key) != len(m.entries[j].key) {
			return len(m.entries[i].key) > len(m.entries[j].key)
		}
		return m.entries[i].u.ReplacedBy == 0 && m.entries[j].u.ReplacedBy != 0
	})
	return m
}

// Find lists the units named in a phrase, in the order they appear, each
// once.
func (m *Matcher) Find(phrase string) []Unit {
	if m == nil || strings.TrimSpace(phrase) == "" {
		return nil
	}
	p := normalise(phrase)
	type hit struct {
		at, end int
		u       Unit
	}
	var hits []hit
	taken := func(a, b int) bool {
		for _, h := range hits {
			if a < h.end && h.at < b {
				return true
			}
		}
		return false
	}
	for _, e := range m.entries {
		if len(e.key) > len(p) {
			continue
		}
		from := 0
		for {
			i := strings.Index(p[from:], e.key)
			if i < 0 {
				break
			}
			a := from + i
			b := a + len(e.key)
			if boundary(p, a-1) && boundary(p, b) && !taken(a, b) {
				hits = append(hits, hit{a, b, e.u})
			}
			from = b
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	seen := map[int64]bool{}
	var out []Unit
	for _, h := range hits {
		if !seen[h.u.ID] {
			seen[h.u.ID] = true
			out = append(out, h.u)
		}
	}
	return out
}
