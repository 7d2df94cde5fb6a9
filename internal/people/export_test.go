package people

import "github.com/mangluoi/mangluoi/internal/indicator"

// MeasurerReads says how often a measurer read the whole register and how
// often it caught up from the change feed.
func MeasurerReads(m indicator.Measurer) (loads, patches int) {
	x := m.(*measurer)
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.loads, x.patches
}
