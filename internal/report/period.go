package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// PeriodType is how long a report's period is.
type PeriodType string

// The period types of a report.
const (
	Quarter    PeriodType = "quarter"     // quý
	Half       PeriodType = "half"        // 6 tháng (đầu năm, cuối năm)
	NineMonths PeriodType = "nine_months" // 9 tháng đầu năm
	Year       PeriodType = "year"        // năm
	Range      PeriodType = "range"       // any span of dates
)

// Cutoff is how a report's period is cut: by the calendar, or by the
// cut-off of figures of Decree 09/2019/NĐ-CP on state administrative
// reporting (Article 12), which ends a period on the 14th of its last month
// and starts it on the 15th of the month before its first.
type Cutoff string

// The cut-offs.
const (
	Calendar Cutoff = "calendar"
	Decree09 Cutoff = "decree09"
)

// Period is the span a report covers, both ends included.
type Period struct {
	Type   PeriodType `json:"type"`
	Year   int        `json:"year,omitempty"`
	N      int        `json:"n,omitempty"` // the quarter (1–4) or half (1–2)
	Cutoff Cutoff     `json:"cutoff"`
	From   day.Day    `json:"from"`
	To     day.Day    `json:"to"`
}

// MaxRangeDays bounds a report over a span of dates (a little over a year:
// a report is never longer than the annual one).
const MaxRangeDays = 400

// NewPeriod makes a period of a type ending in a year: quarter n, half n,
// the first nine months, or the year, cut by the calendar or by Decree 09.
func NewPeriod(t PeriodType, year, n int, c Cutoff) (Period, error) {
	if c == "" {
		c = Calendar
	}
	if c != Calendar && c != Decree09 {
		return Period{}, errs.Invalidf("report.err.bad_value", "Value", string(c)).At(0, "cutoff")
	}
	if year < 2000 || year > 2100 {
		return Period{}, errs.Invalidf("report.err.bad_year", "Value", year).At(0, "year")
	}
	p := Period{Type: t, Year: year, N: n, Cutoff: c}
	var first, last time.Month // the calendar months the period spans
	switch t {
	case Quarter:
		if n < 1 || n > 4 {
			return Period{}, errs.Invalidf("report.err.bad_value", "Value", n).At(0, "period_n")
		}
		first, last = time.Month(3*n-2), time.Month(3*n)
	case Half:
		if n < 1 || n > 2 {
			return Period{}, errs.Invalidf("report.err.bad_value", "Value", n).At(0, "period_n")
		}
		first, last = time.Month(6*n-5), time.Month(6*n)
	case NineMonths:
		p.N, first, last = 0, 1, 9
	case Year:
		p.N, first, last = 0, 1, 12
	default:
		return Period{}, errs.Invalidf("report.err.bad_value", "Value", string(t)).At(0, "period")
	}
	if c == Decree09 {
		// from the 15th of the month before the first, to the 14th of the last
		// (time.Date carries month 0 into December of the year before)
		p.From = day.Of(year, first-1, 15)
		p.To = day.Of(year, last, 14)
	} else {
		p.From = day.Of(year, first, 1)
		p.To = day.Of(year, last+1, 1).AddDays(-1)
	}
	return p, nil
}

// RangeOf makes a period over a span of dates.
func RangeOf(from, to day.Day) (Period, error) {
	switch {
	case from.IsZero():
		return Period{}, errs.Invalidf("org.err.date_required").At(0, "period_from")
	case to.IsZero():
		return Period{}, errs.Invalidf("org.err.date_required").At(0, "period_to")
	case to.Before(from):
		return Period{}, errs.Invalidf("report.err.range_order").At(0, "period_to")
	case to.Time().Sub(from.Time()) > MaxRangeDays*24*time.Hour:
		return Period{}, errs.Invalidf("report.err.range_long", "Days", MaxRangeDays).At(0, "period_to")
	case from.Year() < 2000 || to.Year() > 2100:
		return Period{}, errs.Invalidf("report.err.bad_year", "Value", from.Year()).At(0, "period_from")
	}
	return Period{Type: Range, Year: to.Year(), Cutoff: Calendar, From: from, To: to}, nil
}

// ParsePeriod reads a period as forms and the API write it: 2026-H1,
// 2026-Q3, 2026-9M, 2026, or from..to (ISO dates) for a span.
func ParsePeriod(s string, c Cutoff) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := errs.Invalidf("report.err.bad_period", "Value", s).At(0, "period")
	if from, to, ok := strings.Cut(s, ".."); ok {
		f, err1 := day.Parse(strings.TrimSpace(from))
		t, err2 := day.Parse(strings.TrimSpace(to))
		if err1 != nil || err2 != nil {
			return Period{}, bad
		}
		return RangeOf(f, t)
	}
	yearPart, rest, _ := strings.Cut(s, "-")
	y, err := strconv.Atoi(yearPart)
	if err != nil || len(yearPart) != 4 {
		return Period{}, bad
	}
	var p Period
	switch {
	case rest == "":
		p, err = NewPeriod(Year, y, 0, c)
	case rest == "9M":
		p, err = NewPeriod(NineMonths, y, 0, c)
	case len(rest) == 2 && rest[0] == 'H':
		p, err = NewPeriod(Half, y, int(rest[1]-'0'), c)
	case len(rest) == 2 && rest[0] == 'Q':
		p, err = NewPeriod(Quarter, y, int(rest[1]-'0'), c)
	default:
		return Period{}, bad
	}
	if err != nil {
		return Period{}, bad
	}
	return p, nil
}

// Key names the period for matching the reports of several units: the
// same key whatever the cut-off (2026-H1, 2026-Q3, 2026-9M, 2026, or the
// span's dates).
func (p Period) Key() string {
	switch p.Type {
	case Quarter:
		return fmt.Sprintf("%d-Q%d", p.Year, p.N)
	case Half:
		return fmt.Sprintf("%d-H%d", p.Year, p.N)
	case NineMonths:
		return fmt.Sprintf("%d-9M", p.Year)
	case Year:
		return strconv.Itoa(p.Year)
	}
	return p.From.String() + ".." + p.To.String()
}

var roman = []string{"", "I", "II", "III", "IV"}

// Label names the period as a Vietnamese report does: "6 tháng đầu năm
// 2026", "quý III năm 2026", "9 tháng đầu năm 2026", "năm 2025", "từ ngày
// 01/01/2026 đến ngày 31/03/2026".
func (p Period) Label() string {
	switch p.Type {
	case Quarter:
		return fmt.Sprintf("quý %s năm %d", roman[p.N], p.Year)
	case Half:
		if p.N == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
	case NineMonths:
		return fmt.Sprintf("9 tháng đầu năm %d", p.Year)
	case Year:
		return fmt.Sprintf("năm %d", p.Year)
	}
	return "từ ngày " + p.From.VN() + " đến ngày " + p.To.VN()
}

// LabelEN names the period in English, for the interface.
func (p Period) LabelEN() string {
	switch p.Type {
	case Quarter:
		return fmt.Sprintf("Q%d %d", p.N, p.Year)
	case Half:
		return fmt.Sprintf("H%d %d", p.N, p.Year)
	case NineMonths:
		return fmt.Sprintf("first nine months of %d", p.Year)
	case Year:
		return strconv.Itoa(p.Year)
	}
	return p.From.VN() + " – " + p.To.VN()
}

// Next is the period a report's directions speak of: the next quarter, the
// second half after the first, the last three months after nine, the next
// year; after a span, a span as long.
func (p Period) Next() Period {
	switch p.Type {
	case Quarter:
		if p.N == 4 {
			q, _ := NewPeriod(Quarter, p.Year+1, 1, p.Cutoff)
			return q
		}
		q, _ := NewPeriod(Quarter, p.Year, p.N+1, p.Cutoff)
		return q
	case Half:
		if p.N == 2 {
			q, _ := NewPeriod(Half, p.Year+1, 1, p.Cutoff)
			return q
		}
		q, _ := NewPeriod(Half, p.Year, 2, p.Cutoff)
		return q
	case NineMonths:
		q, _ := NewPeriod(Quarter, p.Year, 4, p.Cutoff)
		return q
	case Year:
		q, _ := NewPeriod(Year, p.Year+1, 0, p.Cutoff)
		return q
	}
	days := int(p.To.Time().Sub(p.From.Time()).Hours() / 24)
	return Period{Type: Range, Year: p.To.AddDays(days + 1).Year(), Cutoff: Calendar, From: p.To.AddDays(1), To: p.To.AddDays(days + 1)}
}

// NextLabel names the next period as a report's directions do: "6 tháng
// cuối năm 2026", "3 tháng cuối năm 2026" after nine months.
func (p Period) NextLabel() string {
	if p.Type == NineMonths {
		return fmt.Sprintf("3 tháng cuối năm %d", p.Year)
	}
	return p.Next().Label()
}

// Indicator is the indicator period a report's figures are read for: the
// quarter, half or year itself; for nine months, the year to date is not
// an indicator period, so the third quarter; for a span, the period of the
// finest type that ends on the span's end and starts on its start, else the
// month of its end. Figures are kept by calendar period, so a Decree 09 cut
// reads the calendar period it is named after.
func (p Period) Indicator() indicator.Period {
	switch p.Type {
	case Quarter:
		return indicator.Period{Type: indicator.Quarterly, Year: p.Year, N: p.N}
	case Half:
		return indicator.Period{Type: indicator.HalfYear, Year: p.Year, N: p.N}
	case NineMonths:
		return indicator.Period{Type: indicator.Quarterly, Year: p.Year, N: 3}
	case Year:
		return indicator.Period{Type: indicator.Yearly, Year: p.Year, N: 1}
	}
	for _, t := range indicator.PeriodTypes {
		q := indicator.PeriodOf(t, p.To)
		if q.Start().Equal(p.From) && q.End().Equal(p.To) {
			return q
		}
	}
	return indicator.PeriodOf(indicator.Monthly, p.To)
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d day.Day) bool { return !d.Before(p.From) && !d.After(p.To) }

// LastHalf is the last six months to have ended by d: the first half of
// d's year once it is over, else the second half of the year before. A
// page or call that names no period means it.
func LastHalf(d day.Day) Period {
	if h1, _ := NewPeriod(Half, d.Year(), 1, Calendar); h1.To.Before(d) {
		return h1
	}
	h2, _ := NewPeriod(Half, d.Year()-1, 2, Calendar)
	return h2
}
