package network_test

import (
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Two app servers on one database: what one writes, the other's coverage
// shows at its next request (the index follows network_state.seq and the
// people feature's generation), never a stale figure from its cache; and
// a voided activity leaves every total.
func TestTwoServersSeeEachOther(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		other := newServices(t, s.DB) // a second server's services
		province := s.UnitNamed(t, "Tỉnh Gia Lai")
		first, err := other.net.Coverage(ctx, other.admin, province.UnitID, today)
		if err != nil {
			t.Fatal(err)
		}
		team := otherTeam(t, s, s.UnitNamed(t, "Xã Ia Ly").UnitID, 0)
		a, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: team, Date: today, Kind: network.ECommerce, PeopleHelped: 40}, nil)
		if err != nil {
			t.Fatal(err)
		}
		second, err := other.net.Coverage(ctx, other.admin, province.UnitID, today)
		if err != nil {
			t.Fatal(err)
		}
		if second.Total.Activities != first.Total.Activities+1 || second.Total.Helped != first.Total.Helped+40 {
			t.Fatalf("the other server did not see the activity: %+v then %+v", first.Total, second.Total)
		}
		if err := s.Network.VoidActivity(ctx, s.Admin, a.ID, network.VoidInput{Reason: "Ghi trùng"}); err != nil {
			t.Fatal(err)
		}
		err = s.Network.VoidActivity(ctx, s.Admin, a.ID, network.VoidInput{Reason: "Ghi trùng"})
		wantErr(t, err, errs.Invalid, "network.err.already_void", "reason")
		third, err := other.net.Coverage(ctx, other.admin, province.UnitID, today)
		if err != nil {
			t.Fatal(err)
		}
		if third.Total != first.Total {
			t.Fatalf("after the void: %+v, want %+v", third.Total, first.Total)
		}
		// a member leaving, seen from the other server
		v, err := s.Network.GetTeam(ctx, s.Admin, team, today)
		if err != nil {
			t.Fatal(err)
		}
		var leaving network.MemberView
		for _, m := range v.Members {
			if m.Current && m.Role == network.Member {
				leaving = m
			}
		}
		if err := s.Network.EndMember(ctx, s.Admin, leaving.ID, network.EndInput{Date: today, Note: "Đi làm ăn xa"}); err != nil {
			t.Fatal(err)
		}
		fourth, _ := other.net.Coverage(ctx, other.admin, province.UnitID, today)
		if fourth.Total.Members != first.Total.Members-1 {
			t.Fatalf("members %d, want %d", fourth.Total.Members, first.Total.Members-1)
		}
		// but the day before, they were a member: history is kept
		if y, _ := other.net.Coverage(ctx, other.admin, province.UnitID, today.AddDays(-1)); y.Total.Members != first.Total.Members {
			t.Errorf("yesterday's members %d, want %d", y.Total.Members, first.Total.Members)
		}
	})
}

// Across the 2025 reorganisation: the new Gia Lai did not exist in 2024,
// so its coverage then is that of the two provinces it was formed from,
// with their districts and communes; its teams, set up after the
// reorganisation, are not there yet.
func TestCoverageAcrossTheReorganisation(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		province := s.UnitNamed(t, "Tỉnh Gia Lai")
		c := coverage(t, s, actorOf(t, s, "gialai"), province.UnitID, day.Of(2024, 6, 1))
		if c.InForce || len(c.Rows) != 2 || c.Total.Communes != 25 || c.Total.Teams != 0 {
			t.Fatalf("2024: in force %v, %d rows, %+v", c.InForce, len(c.Rows), c.Total)
		}
		var names []string
		for _, r := range c.Rows {
			names = append(names, r.Name)
			if r.Level != org.LevelProvince || !r.Drill {
				t.Errorf("row %+v", r)
			}
		}
		if strings.Join(names, ",") != "Tỉnh Bình Định,Tỉnh Gia Lai" && strings.Join(names, ",") != "Tỉnh Gia Lai,Tỉnh Bình Định" {
			t.Errorf("rows %v", names)
		}
		// a ward's own view in 2024: it was not in force; its predecessors were
		ward := s.UnitNamed(t, "Phường Pleiku")
		w := coverage(t, s, actorOf(t, s, "pleiku"), ward.UnitID, day.Of(2024, 6, 1))
		if w.InForce || len(w.Rows) != 3 || w.Total.Communes != 3 {
			t.Errorf("Pleiku in 2024: %+v rows %d", w.Total, len(w.Rows))
		}
	})
}

// Monthly summaries add up to the coverage's yearly figures, for a
// province and for each of its communes.
func TestMonthlyAddsUp(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		coord := actorOf(t, s, "gialai")
		province := s.UnitNamed(t, "Tỉnh Gia Lai")
		m, err := s.Network.MonthlyForUnit(ctx, coord, province.UnitID, today.Year(), today)
		if err != nil {
			t.Fatal(err)
		}
		c := coverage(t, s, coord, province.UnitID, today)
		// the coverage counts active teams only; the summary every team's
		sum, helped, parts := 0, 0, 0
		for _, mo := range m.Months {
			sum += mo.Activities
			helped += mo.Helped
		}
		for _, p := range m.Parts {
			parts += p.Year.Activities
		}
		if sum != m.Total.Activities || parts != sum || helped != m.Total.Helped || sum < c.Total.Activities {
			t.Fatalf("months %d, parts %d, total %d, coverage %d", sum, parts, m.Total.Activities, c.Total.Activities)
		}
		if len(m.Parts) != 11 || m.Total.Teams == 0 {
			t.Errorf("%d parts, %d teams reporting", len(m.Parts), m.Total.Teams)
		}
		if _, err := s.Network.MonthlyForUnit(ctx, coord, province.UnitID, 1800, today); err == nil {
			t.Error("the year 1800 was accepted")
		}
	})
}
