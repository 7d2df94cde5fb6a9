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

// Fresh is another service on s's database and tree, whose register is
// not read yet (a server just started).
func Fresh(s *Service) *Service {
	return NewService(s.db, s.org, s.audit, s.files, s.now)
}

// HoldWhole makes s as a server is while the first read of its register
// runs and has not ended: that read marked begun and the measurer locked,
// so that a request reaching for the whole register would wait. release
// ends it without reading anything (the next request reads the whole).
func HoldWhole(s *Service) (release func()) {
	s.m.mu.Lock()
	s.m.parts.FirstRead(true)
	return func() {
		s.m.parts.FirstRead(false)
		s.m.mu.Unlock()
	}
}

// ScopedReads are the parts s read while its first read ran, and the
// requests that joined another's.
func ScopedReads(s *Service) (reads, joined int64) { return s.m.parts.Counts() }

// ScopedParts are how many parts s holds.
func ScopedParts(s *Service) int { return s.m.parts.Held() }

// HookScoped runs f in each request reading a part, before it reads;
// restore removes it.
func HookScoped(f func()) (restore func()) {
	scopedHook = f
	return func() { scopedHook = nil }
}
