package indicator

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// PeriodType is how often a figure is reported.
type PeriodType string

// The period types.
const (
	Monthly   PeriodType = "month"
	Quarterly PeriodType = "quarter"
	HalfYear  PeriodType = "half"
	Yearly    PeriodType = "year"
)

// PeriodTypes lists them from the finest.
var PeriodTypes = []PeriodType{Monthly, Quarterly, HalfYear, Yearly}

// Enum lists the values for the API's document.
func (PeriodType) Enum() []string { return enum.Of(PeriodTypes...) }

// Valid reports whether t is a known period type.
func (t PeriodType) Valid() bool { return oneOf(t, PeriodTypes) }

// months is the length of one period of the type.
func (t PeriodType) months() int {
	switch t {
	case Quarterly:
		return 3
	case HalfYear:
		return 6
	case Yearly:
		return 12
	}
	return 1
}

// Period is one reporting period: month 1–12, quarter 1–4, half 1–2 or the
// year (N is 1). Its key is how it is stored and written in URLs and files:
// 2026-10, 2026-Q4, 2026-H2, 2026.
type Period struct {
	Type PeriodType
	Year int
	N    int
}

// Key is the stored form.
func (p Period) Key() string {
	if k := keyTable(p); k != "" {
		return k
	}
	return p.key()
}

// keys are the keys of the periods of the years keyYears from 2000, made
// once: a period's key names its cells, and a dashboard's figures ask for
// thousands (fmt's formatting was 6 % of a rebuilt dashboard's CPU).
var (
	keysOnce sync.Once
	keys     [keyYears][1 + 2 + 4 + 12]string // the year, its halves, quarters, months
)

const keyYears = 100

func keyTable(p Period) string {
	y := p.Year - 2000
	if y < 0 || y >= keyYears {
		return ""
	}
	i := 0
	switch p.Type {
	case Monthly:
		if p.N < 1 || p.N > 12 {
			return ""
		}
		i = 6 + p.N
	case Quarterly:
		if p.N < 1 || p.N > 4 {
			return ""
		}
		i = 2 + p.N
	case HalfYear:
		if p.N < 1 || p.N > 2 {
			return ""
		}
		i = p.N
	case Yearly:
	default:
		return ""
	}
	keysOnce.Do(func() {
		for y := range keyYears {
			keys[y][0] = Period{Yearly, 2000 + y, 1}.key()
			for n := 1; n <= 2; n++ {
				keys[y][n] = Period{HalfYear, 2000 + y, n}.key()
			}
			for n := 1; n <= 4; n++ {
				keys[y][2+n] = Period{Quarterly, 2000 + y, n}.key()
			}
			for n := 1; n <= 12; n++ {
				keys[y][6+n] = Period{Monthly, 2000 + y, n}.key()
			}
		}
	})
	return keys[y][i]
}

func (p Period) key() string {
	switch p.Type {
	case Monthly:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case Quarterly:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	case HalfYear:
		return fmt.Sprintf("%04d-H%d", p.Year, p.N)
	}
	return fmt.Sprintf("%04d", p.Year)
}

func (p Period) String() string { return p.Key() }

// IsZero reports whether p is "no period".
func (p Period) IsZero() bool { return p.Year == 0 }

// MarshalText writes the key (JSON, forms).
func (p Period) MarshalText() ([]byte, error) { return []byte(p.Key()), nil }

// UnmarshalText reads a key.
func (p *Period) UnmarshalText(b []byte) error {
	q, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// ParsePeriod reads a period key (2026-10, 2026-Q4, 2026-H2, 2026), also
// as a person types it: 10/2026, Q4/2026.
func ParsePeriod(s string) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := errs.Invalidf("indicator.err.bad_period", "Value", s).At(0, "period")
	if s == "" {
		return Period{}, bad
	}
	if m, y, ok := strings.Cut(s, "/"); ok { // 10/2026 or Q4/2026
		s = y + "-" + m
	}
	yearPart, rest, _ := strings.Cut(s, "-")
	y, err := strconv.Atoi(yearPart)
	if err != nil || y < 1990 || y > 2100 {
		return Period{}, bad
	}
	p := Period{Type: Yearly, Year: y, N: 1}
	switch {
	case rest == "":
	case strings.HasPrefix(rest, "Q"):
		p.Type = Quarterly
		p.N, err = strconv.Atoi(rest[1:])
		if err != nil || p.N < 1 || p.N > 4 {
			return Period{}, bad
		}
	case strings.HasPrefix(rest, "H"):
		p.Type = HalfYear
		p.N, err = strconv.Atoi(rest[1:])
		if err != nil || p.N < 1 || p.N > 2 {
			return Period{}, bad
		}
	default:
		p.Type = Monthly
		p.N, err = strconv.Atoi(rest)
		if err != nil || p.N < 1 || p.N > 12 {
			return Period{}, bad
		}
	}
	return p, nil
}

// MustPeriod is ParsePeriod for constants.
func MustPeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// Start is the first day of the period.
func (p Period) Start() day.Day {
	return day.Of(p.Year, time.Month((p.N-1)*p.Type.months()+1), 1)
}

// End is the last day of the period.
func (p Period) End() day.Day { return p.Next().Start().AddDays(-1) }

// Next is the period after p.
func (p Period) Next() Period {
	n, y := p.N+1, p.Year
	if n > 12/p.Type.months() {
		n, y = 1, y+1
	}
	return Period{p.Type, y, n}
}

// Prev is the period before p.
func (p Period) Prev() Period {
	n, y := p.N-1, p.Year
	if n < 1 {
		n, y = 12/p.Type.months(), y-1
	}
	return Period{p.Type, y, n}
}

// Less orders periods of one type.
func (p Period) Less(o Period) bool {
	if p.Year != o.Year {
		return p.Year < o.Year
	}
	return p.N < o.N
}

// PeriodOf is the period of type t that contains d.
func PeriodOf(t PeriodType, d day.Day) Period {
	m := int(d.Time().Month())
	return Period{t, d.Year(), (m-1)/t.months() + 1}
}

// Within lists the periods of type fine that make up p (p itself when fine
// is not finer): the twelve months of a year, the three of a quarter.
func (p Period) Within(fine PeriodType) []Period {
	if fine.months() >= p.Type.months() {
		return []Period{p}
	}
	first := PeriodOf(fine, p.Start())
	n := p.Type.months() / fine.months()
	out := make([]Period, 0, n)
	for i, q := 0, first; i < n; i, q = i+1, q.Next() {
		out = append(out, q)
	}
	return out
}

// Span lists the periods of one type from a to b inclusive (at most max).
func Span(a, b Period, max int) []Period {
	var out []Period
	for p := a; !b.Less(p) && len(out) < max; p = p.Next() {
		out = append(out, p)
	}
	return out
}

// Last lists the n periods of type t that end with the one containing d,
// oldest first.
func Last(t PeriodType, d day.Day, n int) []Period {
	p := PeriodOf(t, d)
	out := make([]Period, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = p
		p = p.Prev()
	}
	return out
}

var romans = []string{"", "I", "II", "III", "IV"}

// Label names a period for people, in Vietnamese or English:
// "Tháng 10/2026", "Quý IV/2026", "6 tháng đầu năm 2026", "Năm 2026".
func (p Period) Label(lang string) string {
	en := lang == "en"
	switch p.Type {
	case Monthly:
		if en {
			return time.Month(p.N).String()[:3] + " " + strconv.Itoa(p.Year)
		}
		return fmt.Sprintf("Tháng %02d/%d", p.N, p.Year)
	case Quarterly:
		if en {
			return fmt.Sprintf("Q%d %d", p.N, p.Year)
		}
		return fmt.Sprintf("Quý %s/%d", romans[p.N], p.Year)
	case HalfYear:
		if en {
			return fmt.Sprintf("H%d %d", p.N, p.Year)
		}
		if p.N == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
	}
	if en {
		return strconv.Itoa(p.Year)
	}
	return "Năm " + strconv.Itoa(p.Year)
}

// Short is a compact label for chart axes and table heads: 10/2026, Q4/2026.
func (p Period) Short() string {
	switch p.Type {
	case Monthly:
		return fmt.Sprintf("%02d/%d", p.N, p.Year)
	case Quarterly:
		return fmt.Sprintf("Q%d/%d", p.N, p.Year)
	case HalfYear:
		return fmt.Sprintf("H%d/%d", p.N, p.Year)
	}
	return strconv.Itoa(p.Year)
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}
