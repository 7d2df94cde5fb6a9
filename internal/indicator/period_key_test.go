package indicator_test

import (
	"testing"

	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestPeriodKeysLookedUp: the keys kept for the years from 2000 are the
// keys formatted, for every type and number, inside the table and around it.
func TestPeriodKeysLookedUp(t *testing.T) {
	for y := 1990; y <= 2110; y++ {
		for _, typ := range []indicator.PeriodType{indicator.Monthly, indicator.Quarterly, indicator.HalfYear, indicator.Yearly, ""} {
			for n := -1; n <= 14; n++ {
				p := indicator.Period{Type: typ, Year: y, N: n}
				if got, want := p.Key(), indicator.PeriodKeyFormatted(p); got != want {
					t.Fatalf("%+v: key %q, formatted %q", p, got, want)
				}
			}
		}
	}
}
