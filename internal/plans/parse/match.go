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

// FindAll is Find, and also the parts of the phrase that name no unit,
// as the phrase wrote them: "Sở Nội vụ, Ban Dân tộc và các cơ quan liên
// quan" gives Sở Nội vụ and ["Ban Dân tộc", "các cơ quan liên quan"] when
// the second is unknown. Parts are split at ";", "," and "và"; a part is
// named when it lies within (or holds) a unit's name found in the phrase,
// so a name with a comma or a "và" in it stays whole.
func (m *Matcher) FindAll(phrase string) ([]Unit, []string) {
	found := m.Find(phrase)
	var names []string
	for _, u := range found {
		names = append(names, normalise(u.Name))
		for _, a := range u.Aliases {
			names = append(names, normalise(a))
		}
	}
	named := func(part string) bool {
		np := stripFiller(normalise(part))
		if np == "" {
			return true
		}
		for _, n := range names {
			if strings.Contains(n, np) || strings.Contains(np, n) {
				return true
			}
		}
		// an abbreviation of a found unit ("Sở GD&ĐT" after its full name)
		for _, u := range m.Find(part) {
			for _, f := range found {
				if u.ID == f.ID {
					return true
				}
			}
		}
		return false
	}
	var unknown []string
	for _, clause := range strings.Split(phrase, ";") {
		var run []string // consecutive unnamed parts, joined back as written
		flush := func() {
			if w := strings.Trim(strings.Join(run, ""), " ,.;:"); w != "" {
				w = strings.TrimSpace(trimFillerWords(w))
				if w != "" {
					unknown = append(unknown, w)
				}
			}
			run = nil
		}
		for _, part := range splitParts(clause) {
			if named(part) {
				flush()
				continue
			}
			run = append(run, part)
		}
		flush()
	}
	return found, unknown
}

// splitParts cuts a clause before each "," and " và ", keeping the
// separators with the part they start, so joining parts gives the clause.
func splitParts(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		cut := 0
		switch {
		case s[i] == ',':
			cut = 1
		case strings.HasPrefix(s[i:], " và "):
			cut = len(" và ")
		}
		if cut > 0 && i > start {
			out = append(out, s[start:i])
			start = i
			i += cut - 1
		}
	}
	return append(out, s[start:])
}

var fillers = []string{"phoi hop voi", "phoi hop", "voi", "va", ","}

// stripFiller removes the joining words of a folded part.
func stripFiller(np string) string {
	for changed := true; changed; {
		changed = false
		np = strings.TrimSpace(np)
		for _, f := range fillers {
			if strings.HasPrefix(np, f+" ") || np == f {
				np, changed = strings.TrimPrefix(np, f), true
			}
			if strings.HasSuffix(np, " "+f) {
				np, changed = strings.TrimSuffix(np, f), true
			}
		}
	}
	return strings.Trim(np, " ,.")
}

// trimFillerWords removes the joining words at the ends of words as
// written ("và các cơ quan liên quan phối hợp" → "các cơ quan liên quan").
func trimFillerWords(w string) string {
	for changed := true; changed; {
		changed = false
		w = strings.Trim(w, " ,.;:")
		f := locale.Fold(w)
		for _, x := range fillers[:4] {
			if strings.HasPrefix(f, x+" ") {
				w, changed = string([]rune(w)[len([]rune(x))+1:]), true
				break
			}
			if strings.HasSuffix(f, " "+x) {
				r := []rune(w)
				w, changed = string(r[:len(r)-len([]rune(x))-1]), true
				break
			}
		}
	}
	return w
}
