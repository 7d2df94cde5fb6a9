package people_test

import (
	"context"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

func actorOf(t testing.TB, s *apptest.Server, login string) *auth.Actor {
	t.Helper()
	u, err := s.Auth.Authenticate(context.Background(), login, "demo-mangluoi")
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor()
}

func result(t *testing.T, r *people.Report, code string) people.TargetResult {
	t.Helper()
	for _, res := range r.Results {
		if res.Target.Code == code {
			return res
		}
	}
	t.Fatalf("no result for %s", code)
	return people.TargetResult{}
}

// The path: a coordinator finds the communes with no focal person,
// assigns one, records their training, and sees the rates change.
func TestComplianceChangesWhenAFocalPersonIsAssigned(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord := actorOf(t, s, "gialai")
		today := s.Org.Today()
		snap, _ := s.Org.Snapshot(ctx)
		province := snap.FindByCode(org.LevelProvince, "52", today)
		rep, err := s.People.Compliance(ctx, coord, province.UnitID, today)
		if err != nil {
			t.Fatal(err)
		}
		focal := result(t, rep, "1690-FOCAL-COMMUNE")
		if focal.Total != 11 || focal.Passing >= focal.Total || len(focal.Failing) != focal.Total-focal.Passing {
			t.Fatalf("focal: %d/%d failing %d", focal.Passing, focal.Total, len(focal.Failing))
		}
		missing := focal.Failing[0]
		if missing.Reason.Key != "compliance.reason.no_focal" {
			t.Errorf("reason %q", missing.Reason.Key)
		}
		p, err := s.People.CreatePerson(ctx, coord, people.PersonInput{FullName: "Nguyễn Thị Mới", UnitID: missing.UnitID, Since: today, Title: "Công chức Văn phòng - Thống kê"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.AssignRole(ctx, coord, people.RoleInput{UnitID: missing.UnitID, PersonID: p.ID, Role: people.RoleFocal, Mode: people.Concurrent, From: today}); err != nil {
			t.Fatal(err)
		}
		rep2, err := s.People.Compliance(ctx, coord, province.UnitID, today)
		if err != nil {
			t.Fatal(err)
		}
		if got := result(t, rep2, "1690-FOCAL-COMMUNE"); got.Passing != focal.Passing+1 {
			t.Errorf("after assigning: %d/%d, want %d", got.Passing, got.Total, focal.Passing+1)
		}
		trained := result(t, rep2, "1690-TRAINED-COMMUNE")
		course, err := s.People.CreateCourse(ctx, coord, people.CourseInput{Title: "Kỹ năng số cơ bản", Start: today.AddDays(-10), End: today.AddDays(-1), Hours: 8, OrganiserID: province.UnitID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.Enrol(ctx, coord, course.ID, []int64{p.ID}); err != nil {
			t.Fatal(err)
		}
		cv, _ := s.People.GetCourse(ctx, coord, course.ID)
		if err := s.People.Complete(ctx, coord, cv.Participants[0].ID, people.Completed, today.AddDays(-1), nil); err != nil {
			t.Fatal(err)
		}
		rep3, _ := s.People.Compliance(ctx, coord, province.UnitID, today)
		if got := result(t, rep3, "1690-TRAINED-COMMUNE"); got.Passing != trained.Passing+1 {
			t.Errorf("after training: %d/%d, want %d", got.Passing, got.Total, trained.Passing+1)
		}
		// As of before the reorganisation the province did not exist: its
		// history is its predecessors', with their districts.
		old, err := s.People.Compliance(ctx, coord, province.UnitID, day.Of(2025, 6, 30))
		if err != nil {
			t.Fatal(err)
		}
		if got := result(t, old, "1690-FOCAL-COMMUNE"); got.Total != 25 {
			t.Errorf("communes on 30/06/2025: %d, want the 25 of the two old provinces", got.Total)
		}
		// The focal person of a commune cannot see the province's report.
		if _, err := s.People.Compliance(ctx, actorOf(t, s, "pleiku"), province.UnitID, today); err == nil {
			t.Error("a commune's focal person read the province's compliance")
		}
	})
}
