package network_test

import (
	"bytes"
	"fmt"
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

// The packed index (issue 14, h16gc: teams and their rows in pointer-free
// arrays, the teams a catch-up read again holding their own rows until it
// packs everything again) holds exactly the tables' rows after writes of
// every kind — activities logged and voided, members added and ended,
// a team set up, renamed, suspended — each followed by a catch-up, with
// packings forced often (at 3 teams with their own rows): team by team
// against an index loaded afresh and against SQL's counts and sums; and
// the coverage of every commune and of the province against a second
// server that loads everything afresh.
func TestPackedIndexIsTheTables(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		network.SetOwnMax(s.Network, 3)
		today := s.Org.Today()
		province := s.UnitNamed(t, "Tỉnh Gia Lai")
		pleiku := s.UnitNamed(t, "Phường Pleiku")
		agree := func(when string) {
			t.Helper()
			// a coverage catches the index up
			if _, err := s.Network.Coverage(ctx, s.Admin, province.UnitID, today); err != nil {
				t.Fatal(err)
			}
			diffs, err := network.IndexAgrees(ctx, s.Network)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffs[:min(len(diffs), 10)] {
				t.Errorf("%s: %s", when, d)
			}
		}
		agree("loaded")
		list, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: province.UnitID, Status: network.Active, Limit: 40})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Teams) < 8 {
			t.Fatalf("%d teams", len(list.Teams))
		}
		var acts []int64
		for i, tm := range list.Teams {
			a, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: tm.ID, Date: today.AddDays(-i), Kind: network.ECommerce, PeopleHelped: 3 + i}, nil)
			if err != nil {
				t.Fatal(err)
			}
			acts = append(acts, a.ID)
			if i%3 == 0 {
				agree("activities logged")
			}
		}
		for i, id := range acts {
			if i%4 == 0 {
				if err := s.Network.VoidActivity(ctx, s.Admin, id, network.VoidInput{Reason: "Ghi trùng"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		agree("activities voided")
		// activities alike (day, kind, people helped): a void takes one away
		alike := network.ActivityInput{TeamID: list.Teams[2].ID, Date: today.AddDays(-1), Kind: network.DigitalID, PeopleHelped: 7}
		var twins []int64
		for range 3 {
			a, err := s.Network.LogActivity(ctx, s.Admin, alike, nil)
			if err != nil {
				t.Fatal(err)
			}
			twins = append(twins, a.ID)
		}
		agree("activities alike logged")
		if err := s.Network.VoidActivity(ctx, s.Admin, twins[1], network.VoidInput{Reason: "Ghi trùng"}); err != nil {
			t.Fatal(err)
		}
		agree("one of the alike voided")
		// a photo attached to one held changes nothing; one logged and
		// voided between two catch-ups is never held
		if _, err := s.Network.AttachPhoto(ctx, s.Admin, twins[0], &network.Upload{Name: "anh.png", Body: bytes.NewReader(png)}); err != nil {
			t.Fatal(err)
		}
		a, err := s.Network.LogActivity(ctx, s.Admin, alike, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Network.VoidActivity(ctx, s.Admin, a.ID, network.VoidInput{Reason: "Ghi nhầm"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Network.AttachPhoto(ctx, s.Admin, a.ID, &network.Upload{Name: "anh.png", Body: bytes.NewReader(png)}); err == nil {
			t.Error("a photo attached to a voided activity")
		}
		agree("a photo attached, one logged and voided")
		for i, tm := range list.Teams[:6] {
			v, err := s.Network.GetTeam(ctx, s.Admin, tm.ID, today)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range v.Members {
				if m.Current && m.Role == network.Member {
					if err := s.Network.EndMember(ctx, s.Admin, m.ID, network.EndInput{Date: today.AddDays(-i), Note: "Đi làm ăn xa"}); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
			if _, err := s.Network.AddMember(ctx, s.Admin, tm.ID, network.MemberInput{FullName: fmt.Sprintf("Người Mới %d", i), Gender: "male",
				BirthYear: 1990, Role: network.Member, Affiliation: network.WomenUnion, From: today.AddDays(-i)}); err != nil {
				t.Fatal(err)
			}
		}
		agree("members changed")
		village := villageWithoutTeam(t, s, pleiku.UnitID, today)
		team, err := s.Network.CreateTeam(ctx, s.Admin, network.TeamInput{UnitID: village.UnitID, DecisionNumber: "15/QĐ-UBND",
			DecisionDate: today.AddDays(-30), Signer: "Nguyễn Văn Chủ tịch"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Network.AddMember(ctx, s.Admin, team.ID, network.MemberInput{FullName: "Rơ Mah Hlim", Gender: "female", BirthYear: 1986,
			Role: network.Leader, Affiliation: network.VillageHead, From: today.AddDays(-30)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: team.ID, Date: today, Kind: network.DigitalID, PeopleHelped: 9}, nil); err != nil {
			t.Fatal(err)
		}
		agree("a team set up")
		in := network.TeamInput{UnitID: village.UnitID, Name: "Tổ công nghệ số đổi tên", DecisionNumber: "15/QĐ-UBND", DecisionDate: today.AddDays(-30), Signer: "Nguyễn Văn Chủ tịch"}
		if _, err := s.Network.UpdateTeam(ctx, s.Admin, team.ID, in); err != nil {
			t.Fatal(err)
		}
		if err := s.Network.SetStatus(ctx, s.Admin, list.Teams[1].ID, network.StatusInput{Status: network.Suspended, Date: today}); err != nil {
			t.Fatal(err)
		}
		agree("renamed and suspended")
		if err := s.Network.SetStatus(ctx, s.Admin, list.Teams[3].ID, network.StatusInput{Status: network.Dissolved, Date: today}); err != nil {
			t.Fatal(err)
		}
		agree("dissolved")
		// every change above was patched in, none made it load everything
		if own, packs, loads := network.IndexStats(s.Network); packs == 0 || loads != 1 {
			t.Errorf("packed again %d times (%d teams with their own rows), loaded %d times", packs, own, loads)
		}
		// every commune's coverage and the province's, as a server that
		// loads everything now computes them
		other := newServices(t, s.DB)
		units := []int64{province.UnitID}
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		snap.Walk(province.UnitID, today, func(v *org.Version) bool {
			if v.Level == org.LevelCommune {
				units = append(units, v.UnitID)
			}
			return v.Level != org.LevelCommune
		})
		for _, u := range units {
			for _, d := range []day.Day{today, today.AddDays(-3), day.Of(2025, 12, 31)} {
				a, err := s.Network.Coverage(ctx, s.Admin, u, d)
				if err != nil {
					t.Fatal(err)
				}
				b, err := other.net.Coverage(ctx, other.admin, u, d)
				if err != nil {
					t.Fatal(err)
				}
				if a.Total != b.Total {
					t.Errorf("unit %d on %s: %+v, loaded afresh %+v", u, d, a.Total, b.Total)
				}
			}
		}
	})
}
