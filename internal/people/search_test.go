package people_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
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

// TestListingIsTheSearch: the unfiltered list, from the order kept in
// memory, is the SQL search's answer row for row — for each role's scope,
// today and before the 2025 reorganisation (the new Gia Lai as old Gia Lai
// and Bình Định), at several pages, with the scopes' lists kept (made, then
// read again) and without — and it shows a person added, their details,
// a role and a course completed (the people generation moves) and a unit
// renamed (the tree moves, the people do not) at the next request.
func TestListingIsTheSearch(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		today := s.Org.Today()
		var check func(step string)
		checkOnce := func(step string) {
			t.Helper()
			for _, login := range []string{"admin", "gialai", "lanhdao", "pleiku", "sokhcn"} {
				actor := s.User(t, login).Actor()
				for _, d := range []day.Day{today, day.Of(2025, 3, 1)} {
					for _, pg := range []struct{ limit, offset int }{{50, 0}, {1000, 0}, {7, 3}, {5, 40}, {10, 100000}} {
						f := people.Filter{AsOf: d, Limit: pg.limit, Offset: pg.offset}
						got, err := s.People.Search(ctx, actor, f)
						if err != nil {
							t.Fatalf("%s: %s %s %+v: %v", step, login, d, pg, err)
						}
						want, err := s.People.SearchSQL(ctx, actor, f)
						if err != nil {
							t.Fatal(err)
						}
						if got.Total != want.Total || len(got.Rows) != len(want.Rows) {
							t.Fatalf("%s: %s %s %+v: total %d, %d rows; SQL %d, %d rows", step, login, d, pg, got.Total, len(got.Rows), want.Total, len(want.Rows))
						}
						for i := range got.Rows {
							g, w := got.Rows[i], want.Rows[i]
							if g.Person.ID != w.Person.ID || g.Person.FullName != w.Person.FullName || g.UnitID != w.UnitID || g.Unit != w.Unit ||
								g.Trained != w.Trained || len(g.Roles) != len(w.Roles) || !reflect.DeepEqual(g, w) {
								t.Fatalf("%s: %s %s %+v: row %d is %d %s in %d %s (trained %v, %d roles); SQL %d %s in %d %s (%v, %d)", step, login, d, pg, i,
									g.Person.ID, g.Person.FullName, g.UnitID, g.Unit, g.Trained, len(g.Roles), w.Person.ID, w.Person.FullName, w.UnitID, w.Unit, w.Trained, len(w.Roles))
							}
						}
					}
				}
			}
		}
		check = func(step string) {
			t.Helper()
			checkOnce(step + ", scopes kept")
			checkOnce(step + ", scopes kept, read again")
			restore := people.KeepScopes(false)
			checkOnce(step + ", no scope kept")
			restore()
		}
		check("demo")
		gialai := s.User(t, "gialai").Actor()
		pleiku := s.UnitNamed(t, "Phường Pleiku")
		p, err := s.People.CreatePerson(ctx, gialai, people.PersonInput{FullName: "A A Thử", Gender: "male", Employment: people.CivilServant,
			UnitID: pleiku.UnitID, Since: today})
		if err != nil {
			t.Fatal(err)
		}
		first, err := s.People.Search(ctx, gialai, people.Filter{Limit: 1})
		if err != nil || len(first.Rows) != 1 || first.Rows[0].Person.ID != p.ID {
			t.Fatalf("the person added is not first in the list: %v %+v", err, first)
		}
		check("a person added")
		// the people the pages showed are kept (with the listing): a
		// person's details, roles and training changed show at the next
		// request, the page read just before (kept) as today's
		page := people.Filter{AsOf: today, Limit: 50}
		warm := func() {
			t.Helper()
			if _, err := s.People.Search(ctx, gialai, page); err != nil {
				t.Fatal(err)
			}
		}
		same := func(step string) {
			t.Helper()
			got, err := s.People.Search(ctx, gialai, page)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.People.SearchSQL(ctx, gialai, page)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: the list is\n%+v\nSQL\n%+v", step, got.Rows[0], want.Rows[0])
			}
			check(step)
		}
		warm()
		if _, err := s.People.UpdatePerson(ctx, gialai, p.ID, people.PersonInput{FullName: "A A Thử", Gender: "male", Employment: people.CivilServant,
			Title: "Chuyên viên", Phone: "0912345678"}); err != nil {
			t.Fatal(err)
		}
		same("a person's details changed")
		warm()
		if _, err := s.People.AssignRole(ctx, gialai, people.RoleInput{UnitID: pleiku.UnitID, PersonID: p.ID, Role: people.RoleStaff, Mode: people.Dedicated,
			From: today.AddDays(-10)}); err != nil {
			t.Fatal(err)
		}
		same("a role given")
		course, err := s.People.CreateCourse(ctx, gialai, people.CourseInput{Title: "Kỹ năng số", Start: today.AddDays(-9), End: today.AddDays(-8), Hours: 8,
			OrganiserID: pleiku.UnitID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.Enrol(ctx, gialai, course.ID, []int64{p.ID}); err != nil {
			t.Fatal(err)
		}
		cv, err := s.People.GetCourse(ctx, gialai, course.ID)
		if err != nil || len(cv.Participants) != 1 {
			t.Fatal(err, cv)
		}
		warm()
		if err := s.People.Complete(ctx, gialai, cv.Participants[0].ID, people.Completed, today.AddDays(-8), nil); err != nil {
			t.Fatal(err)
		}
		same("a course completed")
		first, err = s.People.Search(ctx, gialai, people.Filter{Limit: 1})
		if err != nil || len(first.Rows) != 1 || first.Rows[0].Person.Title != "Chuyên viên" || len(first.Rows[0].Roles) != 1 || !first.Rows[0].Trained {
			t.Fatalf("the person's title, role and training are not shown: %v %+v", err, first)
		}
		if err := s.Org.Rename(ctx, s.Admin, org.RenameInput{Change: org.Change{Effective: today}, UnitID: pleiku.UnitID,
			Name: "Phường Pleiku Mới", Code: pleiku.Code, Kind: pleiku.Kind}); err != nil {
			t.Fatal(err)
		}
		check("a unit renamed")
	})
}
