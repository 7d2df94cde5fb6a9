package network_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/people"
)

var networkCodes = []string{"REG_VILLAGES", "REG_VILLAGES_COVERED", "REG_TEAMS", "REG_MEMBERS", "REG_MEMBERS_TRAINED",
	"REG_ACTIVITIES", "REG_HELPED"}

// The measured figures kept per unit and window, patched for the units a
// change touches, are those of a walk of every team, on this server and on
// a second one that learns of the changes by the database's sequence and
// the people feature's generation: for today, last month, and months
// before the 2025 reorganisation, and after changes dated today and in the
// past (an activity, a member leaving last month, a team suspended, a
// training completed).
func TestMeasuredTablesAgreeWithTheWalk(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		other := newServices(t, s.DB)
		month := func(back int) day.Day {
			return day.FromTime(time.Date(today.Year(), today.Time().Month()-time.Month(back), 1, 0, 0, 0, 0, time.UTC))
		}
		monthStart := month(0)
		windows := []indicator.Window{
			{From: monthStart, To: today},
			{From: month(1), To: monthStart.AddDays(-1)},
			{From: month(2), To: month(1).AddDays(-1)},
			{From: day.Of(2025, 9, 1), To: day.Of(2025, 9, 30)},
			{From: day.Of(2024, 12, 1), To: day.Of(2024, 12, 31)},
		}
		mine, theirs := s.Network.Measurer(), other.net.Measurer()
		figures := func(t *testing.T, svc *network.Service, m indicator.Measurer) map[string]float64 {
			t.Helper()
			totals := map[string]float64{}
			for wi, w := range windows {
				for _, code := range networkCodes {
					got, err := m.Measure(ctx, code, w)
					if err != nil {
						t.Fatal(err)
					}
					if len(got.Units) != len(got.Vals) || !slices.IsSorted(got.Units) {
						t.Fatalf("%s %v: units not ascending", code, w)
					}
					have := map[int64]float64{}
					for i, u := range got.Units {
						if got.Vals[i] == 0 {
							t.Errorf("%s %v: a zero kept for unit %d", code, w, u)
						}
						have[u] = got.Vals[i]
					}
					want, err := network.MeasureByWalk(ctx, svc, code, w)
					if err != nil {
						t.Fatal(err)
					}
					if !maps.Equal(have, want) {
						for u, v := range want {
							if have[u] != v {
								t.Errorf("%s %v unit %d: %v, want %v", code, w, u, have[u], v)
							}
						}
						t.Fatalf("%s %v: %d units, want %d", code, w, len(have), len(want))
					}
					var sum float64
					for _, v := range want {
						sum += v
					}
					totals[code+"@"+string(rune('0'+wi))] = sum
					if code == "REG_HELPED" {
						continue
					}
					// its records: as many as the figure counts (an activity is
					// one record, a person helped is not)
					recs, n, err := m.Records(ctx, code, w, func(int64) bool { return true }, 5)
					if err != nil {
						t.Fatal(err)
					}
					if float64(n) != sum || len(recs) != min(n, 5) {
						t.Errorf("%s %v: %d records (%d listed), figure %v", code, w, n, len(recs), sum)
					}
				}
			}
			return totals
		}
		before := figures(t, s.Network, mine)
		figures(t, other.net, theirs) // the second server's tables, to be patched
		if before["REG_TEAMS@0"] == 0 || before["REG_MEMBERS@2"] == 0 {
			t.Fatalf("nothing to measure: %v", before)
		}

		// changes, through the first server
		commune := s.UnitNamed(t, "Xã Ia Ly").UnitID
		team := otherTeam(t, s, commune, 0)
		if _, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: team, Date: today, Kind: network.ECommerce, PeopleHelped: 7}, nil); err != nil {
			t.Fatal(err)
		}
		v, err := s.Network.GetTeam(ctx, s.Admin, team, today)
		if err != nil {
			t.Fatal(err)
		}
		var leaving network.MemberView
		for _, m := range v.Members {
			if m.Current && m.Role == network.Member && m.From.Before(month(1)) {
				leaving = m
			}
		}
		if leaving.ID == 0 {
			t.Fatal("no member to leave")
		}
		if err := s.Network.EndMember(ctx, s.Admin, leaving.ID, network.EndInput{Date: monthStart.AddDays(-10), Note: "Chuyển đi"}); err != nil {
			t.Fatal(err)
		}
		mid := figures(t, s.Network, mine)
		figures(t, other.net, theirs)
		for key, want := range map[string]float64{
			"REG_ACTIVITIES@0": before["REG_ACTIVITIES@0"] + 1,
			"REG_HELPED@0":     before["REG_HELPED@0"] + 7,
			"REG_MEMBERS@1":    before["REG_MEMBERS@1"] - 1, // left before last month's end
			"REG_MEMBERS@2":    before["REG_MEMBERS@2"],
		} {
			if mid[key] != want {
				t.Errorf("%s: %v, want %v", key, mid[key], want)
			}
		}
		second := otherTeam(t, s, commune, team)
		if err := s.Network.SetStatus(ctx, s.Admin, second, network.StatusInput{Status: network.Suspended, Date: today}); err != nil {
			t.Fatal(err)
		}
		// a member trained today (the people feature's write)
		var trainee int64
		for _, m := range v.Members {
			if m.Current && m.ID != leaving.ID {
				trainee = m.PersonID
			}
		}
		course, err := s.People.CreateCourse(ctx, s.Admin, people.CourseInput{Title: "Kỹ năng số", Start: monthStart, End: today,
			OrganiserID: s.UnitNamed(t, "Tỉnh Gia Lai").UnitID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.Enrol(ctx, s.Admin, course.ID, []int64{trainee}); err != nil {
			t.Fatal(err)
		}
		cv, err := s.People.GetCourse(ctx, s.Admin, course.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.People.Complete(ctx, s.Admin, cv.Participants[0].ID, people.Completed, today, nil); err != nil {
			t.Fatal(err)
		}

		after := figures(t, s.Network, mine)
		figures(t, other.net, theirs)
		if after["REG_TEAMS@0"] != mid["REG_TEAMS@0"]-1 || after["REG_TEAMS@1"] != mid["REG_TEAMS@1"] {
			t.Errorf("teams today %v (before %v), last month %v (before %v)", after["REG_TEAMS@0"], mid["REG_TEAMS@0"],
				after["REG_TEAMS@1"], mid["REG_TEAMS@1"])
		}
		if after["REG_MEMBERS_TRAINED@1"] != mid["REG_MEMBERS_TRAINED@1"] {
			t.Errorf("a training today changed last month's: %v, %v", mid["REG_MEMBERS_TRAINED@1"], after["REG_MEMBERS_TRAINED@1"])
		}
	})
}

// The activities a measured figure lists are named by their ids, which
// the index does not keep and the listing reads from the table: on this
// server and on a second one, they are the activities of the month of the
// teams active on its last day, not voided (REG_HELPED: those that helped
// someone), each once, and a void or a new activity shows at once.
func TestActivityRecordsAreTheTablesRows(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		other := newServices(t, s.DB)
		w := indicator.Window{From: day.Of(today.Year(), today.Time().Month(), 1), To: today}
		team := otherTeam(t, s, s.UnitNamed(t, "Xã Ia Ly").UnitID, 0)
		kept, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: team, Date: today, Kind: network.ECommerce, PeopleHelped: 3}, nil)
		if err != nil {
			t.Fatal(err)
		}
		unhelpful, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: team, Date: today, Kind: network.Awareness}, nil)
		if err != nil {
			t.Fatal(err)
		}
		voided, err := s.Network.LogActivity(ctx, s.Admin, network.ActivityInput{TeamID: team, Date: today, Kind: network.Cashless, PeopleHelped: 5}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// the first server has read the team's activities with the three
		// (the second holds nothing yet): the void is then a catch-up
		if _, _, err := s.Network.Measurer().Records(ctx, "REG_ACTIVITIES", w, func(int64) bool { return true }, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.Network.VoidActivity(ctx, s.Admin, voided.ID, network.VoidInput{Reason: "Ghi trùng"}); err != nil {
			t.Fatal(err)
		}
		for _, m := range []indicator.Measurer{s.Network.Measurer(), other.net.Measurer()} {
			for code, where := range map[string]string{"REG_ACTIVITIES": "", "REG_HELPED": " AND a.people_helped > 0"} {
				want := map[int64]bool{}
				rows, err := s.DB.QueryContext(ctx, `SELECT a.id FROM net_activities a WHERE a.on_date >= $1 AND a.on_date <= $2
					AND a.voided_at IS NULL AND EXISTS (SELECT 1 FROM net_team_status st WHERE st.team_id = a.team_id
					AND st.status = 'active' AND st.valid_from <= $2 AND $2 < st.valid_to)`+where, w.From, w.To)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					want[id] = true
				}
				rows.Close()
				recs, n, err := m.Records(ctx, code, w, func(int64) bool { return true }, 100000)
				if err != nil {
					t.Fatal(err)
				}
				got := map[int64]bool{}
				for _, r := range recs {
					if r.Kind != "activity" || got[r.ID] || r.Label == "" || r.UnitName == "" {
						t.Errorf("%s: record %+v", code, r)
					}
					got[r.ID] = true
				}
				if !maps.Equal(got, want) || n != len(want) {
					t.Errorf("%s: %d records (figure %d), want %d", code, len(got), n, len(want))
				}
				if !got[kept.ID] || got[voided.ID] || got[unhelpful.ID] != (code == "REG_ACTIVITIES") {
					t.Errorf("%s: kept %v, voided %v, none helped %v", code, got[kept.ID], got[voided.ID], got[unhelpful.ID])
				}
			}
		}
	})
}
