package day_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
)

func TestParse(t *testing.T) {
	want := day.Of(2025, 7, 1)
	for _, s := range []string{"2025-07-01", "01/07/2025", "1/7/2025"} {
		got, err := day.Parse(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "2025-02-30", "31/02/2025", "2025-7-1", "07/01/2025 ", "yesterday", "2025/07/01", "32/01/2025"} {
		if d, err := day.Parse(s); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", s, d)
		}
	}
}

func TestFormsAndArithmetic(t *testing.T) {
	d := day.Of(2024, 2, 28)
	if d.String() != "2024-02-28" || d.VN() != "28/02/2024" {
		t.Errorf("forms: %q %q", d.String(), d.VN())
	}
	if got := d.AddDays(1); got.VN() != "29/02/2024" { // a leap year
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := d.AddDays(2); !got.Equal(day.Of(2024, 3, 1)) {
		t.Errorf("AddDays(2) = %v", got)
	}
	if got := day.Of(2025, 7, 1).AddDays(-1); !got.Equal(day.MustParse("30/06/2025")) {
		t.Errorf("the day before 1 July = %v", got)
	}
	if !d.Before(d.AddDays(1)) || d.After(d.AddDays(1)) || !d.After(d.AddDays(-1)) || d.Before(d) {
		t.Error("comparisons are wrong")
	}
	var zero day.Day
	if !zero.IsZero() || zero.String() != "" || zero.VN() != "" || d.IsZero() {
		t.Error("the zero day should be 'no date'")
	}
	if !day.Forever.IsForever() || d.IsForever() || !d.Before(day.Forever) {
		t.Error("Forever")
	}
	if d.Year() != 2024 {
		t.Errorf("Year = %d", d.Year())
	}
	// the date of an instant is taken in its own zone
	ict := time.FixedZone("ICT", 7*3600)
	at := time.Date(2025, 6, 30, 17, 30, 0, 0, time.UTC)
	if got := day.FromTime(at.In(ict)); !got.Equal(day.Of(2025, 7, 1)) {
		t.Errorf("FromTime in ICT = %v", got)
	}
	if got := day.FromTime(at); !got.Equal(day.Of(2025, 6, 30)) {
		t.Errorf("FromTime in UTC = %v", got)
	}
}

func TestJSON(t *testing.T) {
	type doc struct {
		D day.Day `json:"d"`
	}
	b, err := json.Marshal(doc{day.Of(2025, 7, 1)})
	if err != nil || string(b) != `{"d":"2025-07-01"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	for in, want := range map[string]day.Day{
		`{"d":"2025-07-01"}`: day.Of(2025, 7, 1),
		`{"d":"01/07/2025"}`: day.Of(2025, 7, 1),
		`{"d":""}`:           {},
	} {
		var got doc
		if err := json.Unmarshal([]byte(in), &got); err != nil || !got.D.Equal(want) {
			t.Errorf("Unmarshal(%s) = %v, %v", in, got.D, err)
		}
	}
	for _, in := range []string{`{"d":"2025-13-01"}`, `{"d":"soon"}`, `{"d":20250701}`} {
		var got doc
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("Unmarshal(%s) = %v, want an error", in, got.D)
		}
	}
}

func TestScan(t *testing.T) {
	want := day.Of(2025, 7, 1)
	for _, src := range []any{"2025-07-01", []byte("2025-07-01"), "2025-07-01 00:00:00+00:00", "2025-07-01T00:00:00Z",
		time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)} {
		var d day.Day
		if err := d.Scan(src); err != nil || !d.Equal(want) {
			t.Errorf("Scan(%#v) = %v, %v", src, d, err)
		}
	}
	d := want
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
	for _, src := range []any{"01/07/2025", "", 20250701, 3.5} {
		var d day.Day
		if err := d.Scan(src); err == nil {
			t.Errorf("Scan(%#v) = %v, want an error", src, d)
		}
	}
	if v, err := (day.Day{}).Value(); v != nil || err != nil {
		t.Errorf("the zero day should be stored as NULL, got %v", v)
	}
}

// TestStored: a Day goes into both engines and comes back the same, and the
// stored form compares in date order (which every "as of" query relies on).
func TestStored(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dates := []day.Day{day.Of(2025, 7, 1), day.Of(1945, 9, 2), day.Of(2024, 12, 31), day.Forever, day.Of(2025, 10, 1)}
		for _, x := range dates {
			if _, err := d.ExecContext(ctx, `INSERT INTO unit_events (kind, effective_date, created_at) VALUES ('import', $1, $2)`,
				x, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := d.QueryContext(ctx, `SELECT effective_date FROM unit_events WHERE effective_date >= $1 AND effective_date < $2
			ORDER BY effective_date`, day.Of(2024, 12, 31), day.Forever)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var x day.Day
			if err := rows.Scan(&x); err != nil {
				t.Fatal(err)
			}
			got = append(got, x.String())
		}
		if want := "[2024-12-31 2025-07-01 2025-10-01]"; fmt.Sprint(got) != want {
			t.Errorf("stored dates in range = %v, want %s", got, want)
		}
	})
}

func TestUnix(t *testing.T) {
	for _, d := range []day.Day{day.Of(1970, 1, 1), day.Of(1969, 12, 31), day.Of(2025, 7, 1), day.Forever, {}} {
		if got, want := d.Unix(), int32(d.Time().Unix()/86400); got != want {
			t.Errorf("%v.Unix() = %d, want %d", d, got, want)
		}
	}
	if got := day.Of(2025, 7, 1).Unix(); got != 20270 {
		t.Errorf("1 July 2025 is day 20270 since 1970, got %d", got)
	}
}

// TestAppendText: the ISO form written digit by digit is what the layout
// gives, on every day of years 1 to 9999 and a few beyond.
func TestAppendText(t *testing.T) {
	for d := day.Of(1, 1, 2); d.Before(day.Of(10001, 3, 1)); d = d.AddDays(1) { // 1 January of year 1 is no date
		got, err := d.AppendText(nil)
		if want := d.Time().Format(day.Layout); err != nil || string(got) != want || d.String() != want {
			t.Fatalf("AppendText(%s) = %s, %v", want, got, err)
		}
	}
	if got, _ := (day.Day{}).AppendText([]byte("x")); string(got) != "x" {
		t.Errorf("no date wrote %q", got)
	}
}
