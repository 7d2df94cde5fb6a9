package report

import (
	"testing"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// TestPeriods: the calendar periods and the cut-off of Decree 09/2019/NĐ-CP
// (Article 12: a period ends on the 14th of its last month and starts on
// the 15th of the month before its first), their keys, labels and the
// period after.
func TestPeriods(t *testing.T) {
	for _, c := range []struct {
		key      string
		cut      Cutoff
		from, to day.Day
		label    string
		next     string
	}{
		{"2026-H1", Calendar, day.Of(2026, 1, 1), day.Of(2026, 6, 30), "6 tháng đầu năm 2026", "6 tháng cuối năm 2026"},
		{"2026-H1", Decree09, day.Of(2025, 12, 15), day.Of(2026, 6, 14), "6 tháng đầu năm 2026", "6 tháng cuối năm 2026"},
		{"2026-H2", Decree09, day.Of(2026, 6, 15), day.Of(2026, 12, 14), "6 tháng cuối năm 2026", "6 tháng đầu năm 2027"},
		{"2025", Calendar, day.Of(2025, 1, 1), day.Of(2025, 12, 31), "năm 2025", "năm 2026"},
		{"2025", Decree09, day.Of(2024, 12, 15), day.Of(2025, 12, 14), "năm 2025", "năm 2026"},
		{"2026-Q1", Decree09, day.Of(2025, 12, 15), day.Of(2026, 3, 14), "quý I năm 2026", "quý II năm 2026"},
		{"2026-Q4", Calendar, day.Of(2026, 10, 1), day.Of(2026, 12, 31), "quý IV năm 2026", "quý I năm 2027"},
		{"2026-9M", Calendar, day.Of(2026, 1, 1), day.Of(2026, 9, 30), "9 tháng đầu năm 2026", "3 tháng cuối năm 2026"},
		{"2026-9M", Decree09, day.Of(2025, 12, 15), day.Of(2026, 9, 14), "9 tháng đầu năm 2026", "3 tháng cuối năm 2026"},
		{"2026-02-01..2026-03-15", Calendar, day.Of(2026, 2, 1), day.Of(2026, 3, 15), "từ ngày 01/02/2026 đến ngày 15/03/2026",
			"từ ngày 16/03/2026 đến ngày 27/04/2026"},
	} {
		p, err := ParsePeriod(c.key, c.cut)
		if err != nil {
			t.Fatalf("%s %s: %v", c.key, c.cut, err)
		}
		if !p.From.Equal(c.from) || !p.To.Equal(c.to) {
			t.Errorf("%s %s: %s – %s, want %s – %s", c.key, c.cut, p.From, p.To, c.from, c.to)
		}
		if p.Key() != c.key {
			t.Errorf("%s: key %s", c.key, p.Key())
		}
		if p.Label() != c.label || p.NextLabel() != c.next {
			t.Errorf("%s: %q then %q, want %q then %q", c.key, p.Label(), p.NextLabel(), c.label, c.next)
		}
	}
	for _, bad := range []string{"", "2026-H3", "2026-Q0", "26-H1", "2026-13", "1999", "2026-06-30..2026-01-01", "2026-01-01..2028-01-01", "x..y"} {
		if _, err := ParsePeriod(bad, Calendar); errs.KindOf(err) != errs.Invalid {
			t.Errorf("%q: %v, want a user's error", bad, err)
		}
	}
	if _, err := NewPeriod(Half, 2026, 1, "lunar"); errs.KindOf(err) != errs.Invalid {
		t.Errorf("an unknown cut-off: %v", err)
	}
	if got := LastHalf(day.Of(2026, 11, 22)).Key(); got != "2026-H1" {
		t.Errorf("last half on 22/11/2026: %s", got)
	}
	if got := LastHalf(day.Of(2026, 6, 30)).Key(); got != "2025-H2" {
		t.Errorf("last half on 30/06/2026: %s", got)
	}
}

// TestIndicatorPeriod: the indicator period a report reads.
func TestIndicatorPeriod(t *testing.T) {
	for key, want := range map[string]string{"2026-H1": "2026-H1", "2026-Q3": "2026-Q3", "2025": "2025", "2026-9M": "2026-Q3",
		"2026-04-01..2026-06-30": "2026-Q2", "2026-03-01..2026-03-31": "2026-03", "2026-02-10..2026-05-20": "2026-05"} {
		p, err := ParsePeriod(key, Calendar)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Indicator().Key(); got != want {
			t.Errorf("%s reads %s, want %s", key, got, want)
		}
	}
}

// TestNumberText: Decree 30 writes a number under 10 with a leading zero.
func TestNumberText(t *testing.T) {
	for n, want := range map[int]string{0: "/BC-UBND", 5: "05/BC-UBND", 125: "125/BC-UBND"} {
		r := &Report{Number: n, Heading: Heading{Symbol: "BC-UBND"}}
		if got := r.NumberText(); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	if got := placeDate("Gia Lai", day.Of(2026, 2, 5), Period{}); got != "Gia Lai, ngày 05 tháng 02 năm 2026" {
		t.Errorf("place and date: %q", got)
	}
	if got := placeDate("Gia Lai", day.Of(2026, 7, 15), Period{}); got != "Gia Lai, ngày 15 tháng 7 năm 2026" {
		t.Errorf("place and date: %q", got)
	}
}

// TestCleanText: prose is stored in NFC with Unix line ends; control
// characters and text over the bound are refused, naming the field.
func TestCleanText(t *testing.T) {
	got, err := cleanText("Thu\u0308c hie\u0302\u0323n\r\ndòng hai  \n", 100, "x", true)
	if err != nil || got != "Thüc hiện\ndòng hai" {
		t.Errorf("%q %v", got, err)
	}
	for _, bad := range []string{"a\x00b", "a\x1bb", "a\u2028b", "\xff"} {
		if _, err := cleanText(bad, 100, "section_issues", true); err == nil || err.Field != "section_issues" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := cleanText("a\nb", 100, "symbol", false); err == nil {
		t.Error("a line break in a one-line field")
	}
	if _, err := cleanText("ằằằ", 2, "x", false); err == nil || err.Key != "report.err.too_long" {
		t.Errorf("too long: %v", err)
	}
}
