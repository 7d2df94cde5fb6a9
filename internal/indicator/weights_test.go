package indicator_test

import (
	"testing"

	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// TestWeights: whatever the mapping records, a predecessor's shares add up
// to at most one (exactly one unless a lone partial link records less), so
// restating never counts a value twice.
func TestWeights(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	full := org.Link{Share: org.ShareFull}
	part := org.Link{Share: org.SharePartial}
	partOf := func(v float64) org.Link { return org.Link{Share: org.SharePartial, Fraction: f(v)} }
	for _, c := range []struct {
		name  string
		links []org.Link
		want  []float64
	}{
		{"merged whole", []org.Link{full}, []float64{1}},
		{"lone partial, no fraction", []org.Link{part}, []float64{1}},
		{"lone partial with a fraction", []org.Link{partOf(0.4)}, []float64{0.4}},
		{"split, no fractions", []org.Link{part, part}, []float64{0.5, 0.5}},
		{"split in three, one fraction", []org.Link{partOf(0.4), part, part}, []float64{0.4, 0.3, 0.3}},
		{"full and unquantified partial", []org.Link{full, part}, []float64{0.5, 0.5}},
		{"full and a recorded fraction", []org.Link{full, partOf(0.3)}, []float64{0.7, 0.3}},
		{"two full", []org.Link{full, full}, []float64{0.5, 0.5}},
		{"fractions over one", []org.Link{partOf(0.8), partOf(0.4), part}, []float64{2.0 / 3, 1.0 / 3, 0}},
	} {
		got := indicator.Weights(c.links)
		sum := 0.0
		for i := range got {
			sum += got[i]
			if !near(got[i], c.want[i]) {
				t.Errorf("%s: weights %v, want %v", c.name, got, c.want)
				break
			}
		}
		if sum > 1+1e-9 {
			t.Errorf("%s: shares add up to %v", c.name, sum)
		}
	}
}
