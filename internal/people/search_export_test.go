package people

import (
	"context"

	"github.com/mangluoi/mangluoi/internal/auth"
)

// SearchSQL is Search always through SQL, the listing's reference.
func (s *Service) SearchSQL(ctx context.Context, actor *auth.Actor, f Filter) (*SearchResult, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if f.UnitID == 0 {
		f.UnitID = actor.ScopeUnitID
	}
	return s.searchSQL(ctx, t.Roots(f.UnitID, f.AsOf), f)
}

// KeepScopes keeps the scopes' lists (on) or none (off); restore puts the
// default back.
func KeepScopes(on bool) (restore func()) {
	was := scopeMax
	if on {
		scopeMax = 1 << 16
	} else {
		scopeMax = -1
	}
	return func() { scopeMax = was }
}
