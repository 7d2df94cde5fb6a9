// Package day is a calendar date without a time of day or zone: the unit in
// which legal documents take effect and the tree changes.
package day

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Day is a calendar date. The zero value is "no date".
//
// It is held as the number of days since 1 January of year 1 (the zero
// time.Time's date, so the zero value is still "no date"): 4 bytes instead
// of a time.Time's 24. The servers keep millions of dates in memory — a
// national plan's 360,000 deadlines have four each — and compare them in
// every status they derive; a number is a fifth of the memory, and a
// comparison is one instruction.
type Day struct{ n int32 }

// unixDay is the Day number of 1 January 1970.
const unixDay = 719162

// fromUTC is the Day of t, a midnight in UTC.
func fromUTC(t time.Time) Day { return Day{int32(t.Unix()/86400 + unixDay)} }

// Layout is the ISO form used in storage, URLs and the API.
const Layout = "2006-01-02"

// Forever is the open end of a validity range: a version valid "until further
// notice" ends here, so range tests stay simple comparisons that use an index.
var Forever = Of(9999, 12, 31)

// Of builds a Day from year, month and day.
func Of(y int, m time.Month, d int) Day { return fromUTC(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) }

// FromTime takes the calendar date of t in its own location.
func FromTime(t time.Time) Day { return Of(t.Year(), t.Month(), t.Day()) }

// Parse reads an ISO date (2025-07-01) or a Vietnamese one (01/07/2025).
func Parse(s string) (Day, error) {
	for _, layout := range []string{Layout, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return fromUTC(t), nil
		}
	}
	return Day{}, fmt.Errorf("%q is not a date (expected yyyy-mm-dd or dd/mm/yyyy)", s)
}

// MustParse is Parse for constants in code and tests.
func MustParse(s string) Day {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is "no date".
func (d Day) IsZero() bool { return d.n == 0 }

// String is the ISO form.
func (d Day) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(Layout)
}

// VN is the Vietnamese form dd/mm/yyyy.
func (d Day) VN() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("02/01/2006")
}

// Unix is d as the number of days since 1 January 1970 (negative before),
// the form in which the in-memory registers keep their dates.
func (d Day) Unix() int32 { return d.n - unixDay }

// Time is midnight UTC of d.
func (d Day) Time() time.Time { return time.Unix((int64(d.n)-unixDay)*86400, 0).UTC() }

// AddDays moves d by n days.
func (d Day) AddDays(n int) Day { return Day{d.n + int32(n)} }

// Before, After and Equal compare dates.
func (d Day) Before(o Day) bool { return d.n < o.n }
func (d Day) After(o Day) bool  { return d.n > o.n }
func (d Day) Equal(o Day) bool  { return d.n == o.n }

// IsForever reports whether d is the open end of a range.
func (d Day) IsForever() bool { return d.Equal(Forever) }

// Year is the calendar year.
func (d Day) Year() int { return d.Time().Year() }

// Value stores a Day as ISO text: PostgreSQL casts it to DATE, SQLite keeps
// the text, and both compare it correctly.
func (d Day) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a DATE (PostgreSQL gives time.Time) or ISO text (SQLite).
func (d *Day) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Day{}
		return nil
	case time.Time:
		*d = FromTime(v)
		return nil
	case string:
		return d.parseStored(v)
	case []byte:
		return d.parseStored(string(v))
	}
	return fmt.Errorf("day: cannot scan %T", src)
}

func (d *Day) parseStored(s string) error {
	if len(s) > len(Layout) {
		s = s[:len(Layout)]
	}
	p, err := time.Parse(Layout, s)
	if err != nil {
		return fmt.Errorf("day: %w", err)
	}
	*d = fromUTC(p)
	return nil
}

// MarshalText gives the ISO form for JSON.
func (d Day) MarshalText() ([]byte, error) { return d.AppendText(make([]byte, 0, len(Layout))) }

// AppendText appends the ISO form (nothing for no date) to b: what
// MarshalText gives, without a string of its own (a hand-written JSON
// encoder writes thousands of dates an answer).
func (d Day) AppendText(b []byte) ([]byte, error) {
	if d.IsZero() {
		return b, nil
	}
	y, m, dd := d.Time().Date()
	if y < 0 || y > 9999 { // not four digits
		return d.Time().AppendFormat(b, Layout), nil
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10)), nil
}

// UnmarshalText accepts the forms Parse accepts; empty is "no date".
func (d *Day) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Day{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}
