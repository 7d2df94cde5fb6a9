package web_test

import (
	"testing"

	"github.com/mangluoi/mangluoi/internal/web"
)

// TestEveryTemplateParses: the pages' templates are made at their first
// visit (or by ParseAll once the server listens), so a broken one no longer
// stops New; this is where it is caught.
func TestEveryTemplateParses(t *testing.T) {
	s, err := web.New(web.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ParseAll(); err != nil {
		t.Fatal(err)
	}
}
