package locale_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

var catalog = locale.MustLoadCatalog()

func TestNumbers(t *testing.T) {
	vi, en := catalog.Printer("vi"), catalog.Printer("en")
	cases := []struct {
		got, want string
	}{
		{vi.Num(1234567), "1.234.567"},
		{en.Num(1234567), "1,234,567"},
		{vi.Num(0), "0"},
		{vi.Num(999), "999"},
		{vi.Num(1000), "1.000"},
		{vi.Num(-1234567), "-1.234.567"},
		{vi.Int(-100), "-100"},
		{vi.Num(math.MinInt64), "-9.223.372.036.854.775.808"},
		{vi.Dec(1234.5, 1), "1.234,5"},
		{en.Dec(1234.5, 1), "1,234.5"},
		{vi.Dec(1234567.891, 2), "1.234.567,89"},
		{vi.Dec(12, 0), "12"},
		{vi.Dec(math.NaN(), 1), "—"},
		{en.Dec(math.Inf(1), 1), "—"},
		{vi.Pct(0.874), "87,4 %"},
		{en.Pct(0.874), "87.4%"},
		{vi.Pct(1), "100,0 %"},
		{vi.Pct(12.345), "1.234,5 %"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	p := catalog.Printer("vi")
	if got := p.Date(day.Of(2025, 7, 1)); got != "01/07/2025" {
		t.Errorf("Date = %q", got)
	}
	if p.Date(day.Day{}) != "—" || p.Date(day.Forever) != "—" {
		t.Errorf("an open or empty date should show a dash: %q %q", p.Date(day.Day{}), p.Date(day.Forever))
	}
	// 17:30 UTC on 30 June is already 1 July in Vietnam
	if got := p.DateTime(time.Date(2025, 6, 30, 17, 30, 0, 0, time.UTC)); got != "00:30 01/07/2025" {
		t.Errorf("DateTime = %q", got)
	}
	if p.DateTime(time.Time{}) != "—" {
		t.Errorf("zero time should show a dash")
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"": "vi", "vi": "vi", "vi-VN,vi;q=0.9": "vi", "en": "en", "en-US,en;q=0.9": "en",
		" EN-gb": "en", "fr-FR": "vi", "xx": "vi",
	} {
		if got := locale.Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
	if p := catalog.Printer("fr"); p.Lang != "vi" {
		t.Errorf("an unknown language should fall back to vi, got %q", p.Lang)
	}
}

func TestT(t *testing.T) {
	vi, en := catalog.Printer("vi"), catalog.Printer("en")
	if got := vi.T("err.at_row", "Row", 7); got != "Dòng 7: " {
		t.Errorf("vi T = %q", got)
	}
	if got := en.T("err.at_row", "Row", 7); got != "Row 7: " {
		t.Errorf("en T = %q", got)
	}
	if got := vi.T("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key should show itself, got %q", got)
	}
}

func TestErr(t *testing.T) {
	vi, en := catalog.Printer("vi"), catalog.Printer("en")
	dup := errs.Invalidf("import.err.duplicate", "Code", "90", "First", 2).At(3, "code")
	for _, c := range []struct {
		p    *locale.Printer
		err  error
		want string
	}{
		{vi, dup, "Dòng 3, cột «mã»: mã 90 đã có ở dòng 2."},
		{en, dup, "Row 3, column “code”: code 90 already appears in row 2."},
		{en, errs.Invalidf("import.err.required").At(4, ""), "Row 4: " + en.T("import.err.required")},
		{en, errs.Invalidf("import.err.required").At(0, "name"), "Field “name”: " + en.T("import.err.required")},
		// a field with no catalogue entry is shown as it is
		{en, errs.Invalidf("import.err.required").At(2, "zzz_column"), "Row 2, column “zzz_column”: " + en.T("import.err.required")},
		// wrapped errors are still ours
		{en, errors.Join(errors.New("context"), errs.ForbiddenErr()), en.T("err.forbidden")},
		// foreign errors never reach the user
		{vi, errors.New("pq: relation does not exist"), vi.T("err.internal")},
	} {
		if got := c.p.Err(c.err); got != c.want {
			t.Errorf("%s Err(%v) = %q, want %q", c.p.Lang, c.err, got, c.want)
		}
	}
	list := errs.List("import.err.rows", []*errs.Error{
		errs.Invalidf("import.err.required").At(2, "name"),
		errs.Invalidf("import.err.code_required").At(5, "code"),
	})
	lines := vi.Errs(list)
	if len(lines) != 2 || lines[0] != vi.Err(errs.Invalidf("import.err.required").At(2, "name")) ||
		lines[1] != "Dòng 5, cột «mã»: "+vi.T("import.err.code_required") {
		t.Errorf("Errs = %q", lines)
	}
	if got := vi.Err(list); got != "Tệp có 2 lỗi; chưa có gì được nhập. Sửa các lỗi dưới đây rồi nhập lại." {
		t.Errorf("the summary of a list = %q", got)
	}
	if got := vi.Errs(dup); len(got) != 1 || got[0] != vi.Err(dup) {
		t.Errorf("Errs of a single error = %q", got)
	}
}

// TestPlainMessagesKept: a message said without data is the catalogue's
// words, the first time and when kept, for every key in both languages;
// a key the catalogue lacks still shows itself.
func TestPlainMessagesKept(t *testing.T) {
	c := locale.MustLoadCatalog()
	for _, lang := range locale.Languages {
		p := c.Printer(lang)
		for key := range c.Keys(lang) {
			want := p.TData(key, nil)
			if got := p.T(key); got != want {
				t.Fatalf("%s %s: first %q, want %q", lang, key, got, want)
			}
			if got := c.Printer(lang).T(key); got != want {
				t.Fatalf("%s %s: kept %q, want %q", lang, key, got, want)
			}
		}
		if got := p.T("no.such.key"); got != "no.such.key" {
			t.Errorf("a missing key says %q", got)
		}
	}
}
