package people_test

import (
	"context"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/people"
)

// TestSearchTotal: a page of the list carries the whole match's size, and
// so does a page past its end (with a filter whose parameter only the
// page's columns use otherwise).
func TestSearchTotal(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := s.User(t, "gialai").Actor()
		for _, training := range []string{"", "trained", "untrained"} {
			all, err := s.People.Search(ctx, gialai, people.Filter{Training: training, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			n := len(all.Rows)
			if all.Total != n || (training == "" && n < 10) {
				t.Fatalf("training %q: total %d, %d rows", training, all.Total, n)
			}
			page, err := s.People.Search(ctx, gialai, people.Filter{Training: training, Limit: 5, Offset: 1})
			if err != nil || page.Total != n || len(page.Rows) != min(5, max(0, n-1)) {
				t.Fatalf("training %q, a page: %v, total %d of %d, %d rows", training, err, page.Total, n, len(page.Rows))
			}
			past, err := s.People.Search(ctx, gialai, people.Filter{Training: training, Limit: 5, Offset: n + 10})
			if err != nil || past.Total != n || len(past.Rows) != 0 {
				t.Fatalf("training %q, past the end: %v, total %d of %d", training, err, past.Total, n)
			}
		}
	})
}
