package network_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// The path through the service: a commune's focal person sets up a
// team in a village, adds members, the team logs an activity, and the
// province's coverage moves with each step; then the team is suspended and
// dissolved, and the figures follow.
func TestTeamLifeAndCoverage(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		pleiku := actorOf(t, s, "pleiku")
		coord := actorOf(t, s, "gialai")
		commune := s.UnitNamed(t, "Phường Pleiku")
		province := s.UnitNamed(t, "Tỉnh Gia Lai")
		before := coverage(t, s, coord, province.UnitID, today)
		if before.Total.Communes != 11 || before.Total.CommunesCovered != 11 || before.Total.Teams == 0 || before.Total.Members < 3*before.Total.Teams {
			t.Fatalf("the demo's coverage: %+v", before.Total)
		}
		village := villageWithoutTeam(t, s, commune.UnitID, today)

		est := today.AddDays(-70)
		team, err := s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: village.UnitID, DecisionNumber: "15/QĐ-UBND",
			DecisionDate: est, Signer: "Nguyễn Văn Chủ tịch"}, &network.Upload{Name: "qd.pdf", Body: bytes.NewReader(pdf)})
		if err != nil {
			t.Fatal(err)
		}
		if team.Name != network.TeamPrefix+" "+village.Name || team.DecisionFileID == 0 || !team.Established.Equal(est) {
			t.Fatalf("team %+v", team)
		}
		// a village has one team at a time
		_, err = s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: village.UnitID, DecisionNumber: "16/QĐ-UBND", DecisionDate: today}, nil)
		wantErr(t, err, errs.Conflict, "network.err.unit_has_team", "unit_id")

		leader, err := s.Network.AddMember(ctx, pleiku, team.ID, network.MemberInput{FullName: "Rơ Mah Hlim", Gender: "female", BirthYear: 1986,
			Role: network.Leader, Affiliation: network.VillageHead, Phone: "0905 123 456", From: est})
		if err != nil {
			t.Fatal(err)
		}
		if leader.Phone != "0905123456" {
			t.Errorf("phone %q", leader.Phone)
		}
		for _, m := range []network.MemberInput{
			{FullName: "Ksor Y Bhin", Role: network.Deputy, Affiliation: network.Police, From: est},
			{FullName: "Nguyễn Thị Hoa", Role: network.Member, Affiliation: network.WomenUnion, From: est},
			{FullName: "Trần Văn Bưu", Role: network.Member, Affiliation: network.PostOffice, From: est.AddDays(5)},
		} {
			if _, err := s.Network.AddMember(ctx, pleiku, team.ID, m); err != nil {
				t.Fatal(err)
			}
		}
		// one leader at a time
		_, err = s.Network.AddMember(ctx, pleiku, team.ID, network.MemberInput{FullName: "Lê Văn Hai", Role: network.Leader, From: today})
		wantErr(t, err, errs.Conflict, "network.err.has_leader", "role")
		// a member is a person of the people feature, working in the village
		pv, err := s.People.GetPerson(ctx, pleiku, leader.PersonID, today)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Current.UnitID != village.UnitID || pv.Person.Title != network.AffiliationLabel(network.VillageHead) {
			t.Fatalf("person %+v at %d", pv.Person, pv.Current.UnitID)
		}
		// one team at a time: the leader cannot join another team
		other := otherTeam(t, s, commune.UnitID, team.ID)
		_, err = s.Network.AddMember(ctx, pleiku, other, network.MemberInput{PersonID: leader.PersonID, From: today})
		wantErr(t, err, errs.Conflict, "network.err.in_other_team", "person_id")

		act, err := s.Network.LogActivity(ctx, pleiku, network.ActivityInput{TeamID: team.ID, Date: today.AddDays(-2), Kind: network.DigitalID,
			Place: "Nhà văn hóa thôn", PeopleHelped: 23}, &network.Upload{Name: "anh.png", Body: bytes.NewReader(png)})
		if err != nil {
			t.Fatal(err)
		}
		if act.PhotoID == 0 {
			t.Error("no photo kept")
		}
		after := coverage(t, s, coord, province.UnitID, today)
		want := before.Total
		want.VillagesCovered++
		want.Teams++
		want.Members += 4
		want.Activities++
		want.Helped += 23
		if after.Total != want {
			t.Fatalf("after the new team:\n got %+v\nwant %+v", after.Total, want)
		}
		row := rowOf(t, after, commune.UnitID)
		if row.VillagesCovered != rowOf(t, before, commune.UnitID).VillagesCovered+1 {
			t.Errorf("Pleiku's row did not move: %+v", row)
		}
		// the same, drilled into the commune: the village's row
		vc := coverage(t, s, pleiku, commune.UnitID, today)
		if vr := rowOf(t, vc, village.UnitID); vr.Teams != 1 || vr.Members != 4 || vr.VillagesCovered != 1 {
			t.Errorf("village row %+v", vr)
		}

		// training recorded in the people feature counts for the network
		course, err := s.People.CreateCourse(ctx, coord, people.CourseInput{Title: "Kỹ năng số cho tổ công nghệ số", Start: today.AddDays(-30),
			End: today, OrganiserID: province.UnitID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.Enrol(ctx, coord, course.ID, []int64{leader.PersonID}); err != nil {
			t.Fatal(err)
		}
		cv, err := s.People.GetCourse(ctx, coord, course.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.People.Complete(ctx, coord, cv.Participants[0].ID, people.Completed, today.AddDays(-1), nil); err != nil {
			t.Fatal(err)
		}
		if got := coverage(t, s, coord, province.UnitID, today).Total.Trained; got != want.Trained+1 {
			t.Errorf("trained %d, want %d", got, want.Trained+1)
		}

		// suspended: no longer counted as active, and no activity can be
		// logged on a day it was suspended
		if err := s.Network.SetStatus(ctx, pleiku, team.ID, network.StatusInput{Status: network.Suspended, Date: today.AddDays(-1)}); err != nil {
			t.Fatal(err)
		}
		_, err = s.Network.LogActivity(ctx, pleiku, network.ActivityInput{TeamID: team.ID, Date: today, Kind: network.Training, PeopleHelped: 3}, nil)
		wantErr(t, err, errs.Invalid, "network.err.not_active", "date")
		sus := coverage(t, s, coord, province.UnitID, today).Total
		if sus.Teams != before.Total.Teams || sus.Suspended != before.Total.Suspended+1 || sus.VillagesCovered != before.Total.VillagesCovered {
			t.Errorf("suspended: %+v", sus)
		}
		// the day before, it was active: history is kept
		if c := coverage(t, s, coord, province.UnitID, today.AddDays(-2)).Total; c.Teams != before.Total.Teams+1 {
			t.Errorf("two days ago: %+v", c)
		}
		// dissolved: every member leaves that day, and it is final
		if err := s.Network.SetStatus(ctx, pleiku, team.ID, network.StatusInput{Status: network.Dissolved, Date: today, Decision: "20/QĐ-UBND"}); err != nil {
			t.Fatal(err)
		}
		v, err := s.Network.GetTeam(ctx, pleiku, team.ID, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range v.Members {
			if m.Current || !m.To.Equal(today) {
				t.Errorf("member %s still in: %+v", m.Name, m.Membership)
			}
		}
		err = s.Network.SetStatus(ctx, pleiku, team.ID, network.StatusInput{Status: network.Active, Date: today})
		wantErr(t, err, errs.Invalid, "network.err.dissolved", "status")
		// a new team may now be set up in the village, and the leader may
		// join it (she left the old one)
		t2, err := s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: village.UnitID, DecisionNumber: "21/QĐ-UBND", DecisionDate: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Network.AddMember(ctx, pleiku, t2.ID, network.MemberInput{PersonID: leader.PersonID, Role: network.Leader, From: today}); err != nil {
			t.Fatal(err)
		}
	})
}

func otherTeam(t *testing.T, s *apptest.Server, commune, not int64) int64 {
	t.Helper()
	list, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: commune, Status: network.Active, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range list.Teams {
		if tm.ID != not {
			return tm.ID
		}
	}
	t.Fatal("no other team")
	return 0
}

func rowOf(t *testing.T, c *network.Coverage, unit int64) network.CoverageRow {
	t.Helper()
	for _, r := range c.Rows {
		if r.UnitID == unit {
			return r
		}
	}
	t.Fatalf("no row for %d in %s", unit, c.Name)
	return network.CoverageRow{}
}

// pdf and png are the smallest files the evidence store accepts as such.
var (
	pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
)

// Every write refuses what it should, with the field named, and writes
// nothing.
func TestBadInput(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		pleiku := actorOf(t, s, "pleiku")
		commune := s.UnitNamed(t, "Phường Pleiku")
		village := villageWithoutTeam(t, s, commune.UnitID, today)
		audit := s.AuditLen(t)

		cases := []struct {
			in         network.TeamInput
			kind       errs.Kind
			key, field string
		}{
			{network.TeamInput{UnitID: village.UnitID, DecisionDate: today}, errs.Invalid, "import.err.required", "decision_number"},
			{network.TeamInput{UnitID: village.UnitID, DecisionNumber: "1/QĐ"}, errs.Invalid, "org.err.date_required", "decision_date"},
			{network.TeamInput{UnitID: village.UnitID, DecisionNumber: "1/QĐ", DecisionDate: today.AddDays(3)}, errs.Invalid, "network.err.future", "decision_date"},
			{network.TeamInput{UnitID: village.UnitID, DecisionNumber: "1/QĐ", DecisionDate: today, Established: today.AddDays(-5)}, errs.Invalid, "network.err.before_decision", "established_on"},
			{network.TeamInput{UnitID: s.UnitNamed(t, "Tỉnh Gia Lai").UnitID, DecisionNumber: "1/QĐ", DecisionDate: today}, errs.Forbidden, "", ""},
			{network.TeamInput{UnitID: commune.UnitID, DecisionNumber: "1/QĐ", DecisionDate: day.Of(2020, 1, 1)}, errs.Invalid, "org.err.not_in_force", "unit_id"},
			{network.TeamInput{UnitID: 99999999, DecisionNumber: "1/QĐ", DecisionDate: today}, errs.Invalid, "org.err.unknown_unit", "unit_id"},
		}
		for _, c := range cases {
			_, err := s.Network.CreateTeam(ctx, pleiku, c.in, nil)
			wantErr(t, err, c.kind, c.key, c.field)
		}
		// a unit that is neither a village nor a commune
		agencyID, err := s.Org.Establish(ctx, s.Admin, org.EstablishInput{Change: org.Change{Effective: today, LegalBasis: "QĐ"},
			UnitSpec: org.UnitSpec{ParentID: commune.UnitID, Name: "Văn phòng HĐND và UBND", Level: org.LevelAgency}})
		if err != nil {
			t.Fatal(err)
		}
		audit = s.AuditLen(t)
		_, err = s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: agencyID, DecisionNumber: "1/QĐ", DecisionDate: today}, nil)
		wantErr(t, err, errs.Invalid, "network.err.team_unit", "unit_id")
		// a decision file that is not what it says
		_, err = s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: village.UnitID, DecisionNumber: "1/QĐ", DecisionDate: today},
			&network.Upload{Name: "qd.pdf", Body: bytes.NewReader([]byte("MZ\x90\x00 not a pdf"))})
		wantErr(t, err, errs.Invalid, "files.err.bad_type", "decision_file")
		// the viewer reads only
		_, err = s.Network.CreateTeam(ctx, actorOf(t, s, "lanhdao"), network.TeamInput{UnitID: village.UnitID, DecisionNumber: "1/QĐ", DecisionDate: today}, nil)
		wantErr(t, err, errs.Forbidden, "", "")

		team := otherTeam(t, s, commune.UnitID, 0)
		for _, c := range []struct {
			in         network.MemberInput
			key, field string
		}{
			{network.MemberInput{Role: network.Member}, "import.err.required", "full_name"},
			{network.MemberInput{FullName: "A", Role: "chief"}, "network.err.bad_value", "role"},
			{network.MemberInput{FullName: "A", Affiliation: "army"}, "network.err.bad_value", "affiliation"},
			{network.MemberInput{FullName: "A", Phone: "gọi tôi"}, "people.err.bad_phone", "phone"},
			{network.MemberInput{FullName: "A", BirthYear: 1800}, "network.err.bad_birth_year", "birth_year"},
			{network.MemberInput{FullName: "A", From: today.AddDays(1)}, "network.err.future", "valid_from"},
			{network.MemberInput{FullName: "A", From: day.Of(2024, 1, 1)}, "network.err.before_team", "valid_from"},
			{network.MemberInput{PersonID: 99999999}, "people.err.unknown_person", "person_id"},
		} {
			_, err := s.Network.AddMember(ctx, pleiku, team, c.in)
			wantErr(t, err, errs.Invalid, c.key, c.field)
		}
		for _, c := range []struct {
			in         network.ActivityInput
			key, field string
		}{
			{network.ActivityInput{TeamID: team, Kind: network.Cashless}, "org.err.date_required", "date"},
			{network.ActivityInput{TeamID: team, Date: today, Kind: "party"}, "network.err.bad_value", "kind"},
			{network.ActivityInput{TeamID: team, Date: today, Kind: network.Cashless, PeopleHelped: -1}, "network.err.bad_helped", "people_helped"},
			{network.ActivityInput{TeamID: team, Date: today, Kind: network.Cashless, PeopleHelped: network.MaxHelped + 1}, "network.err.bad_helped", "people_helped"},
			{network.ActivityInput{TeamID: team, Date: today.AddDays(1), Kind: network.Cashless}, "network.err.future", "date"},
			{network.ActivityInput{TeamID: team, Date: day.Of(2025, 1, 1), Kind: network.Cashless}, "network.err.not_active", "date"},
			{network.ActivityInput{TeamID: team, Date: today, Kind: network.Cashless, Place: strings.Repeat("ạ", 201)}, "network.err.too_long", "place"},
		} {
			_, err := s.Network.LogActivity(ctx, pleiku, c.in, nil)
			wantErr(t, err, errs.Invalid, c.key, c.field)
		}
		_, err = s.Network.LogActivity(ctx, pleiku, network.ActivityInput{TeamID: team, Date: today, Kind: network.Cashless},
			&network.Upload{Name: "anh.jpg", Body: bytes.NewReader([]byte("<script>alert(1)</script>"))})
		wantErr(t, err, errs.Invalid, "files.err.bad_type", "photo")
		_, err = s.Network.LogActivity(ctx, pleiku, network.ActivityInput{TeamID: 99999999, Date: today, Kind: network.Cashless}, nil)
		wantErr(t, err, errs.NotFound, "", "")
		err = s.Network.SetStatus(ctx, pleiku, team, network.StatusInput{Status: "closed", Date: today})
		wantErr(t, err, errs.Invalid, "network.err.bad_value", "status")
		err = s.Network.SetStatus(ctx, pleiku, team, network.StatusInput{Status: network.Active, Date: today})
		wantErr(t, err, errs.Invalid, "org.err.nothing_changed", "status")
		err = s.Network.SetStatus(ctx, pleiku, team, network.StatusInput{Status: network.Suspended, Date: day.Of(2025, 1, 1)})
		wantErr(t, err, errs.Invalid, "network.err.status_order", "date")
		_, err = s.Network.CreateOrg(ctx, pleiku, network.OrgInput{UnitID: commune.UnitID, Kind: "club"})
		wantErr(t, err, errs.Invalid, "import.err.required", "name")
		_, err = s.Network.CreateOrg(ctx, pleiku, network.OrgInput{UnitID: commune.UnitID, Name: "Viettel", Kind: network.OrgTelecom, Contribution: "Sim",
			AreaIDs: []int64{s.UnitNamed(t, "Phường Quy Nhơn").UnitID}})
		wantErr(t, err, errs.Invalid, "network.err.area_outside", "area_unit_ids")
		if n := s.AuditLen(t); n != audit {
			t.Errorf("refused writes wrote %d audit entries", n-audit)
		}
	})
}

// A focal person of one commune can neither see nor change another's
// teams, members, activities or organisations, and a team cannot take in a
// person from outside the scope.
func TestScope(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		withNetwork(t, s)
		today := s.Org.Today()
		pleiku := actorOf(t, s, "pleiku")
		qn := s.UnitNamed(t, "Phường Quy Nhơn")
		theirs := otherTeam(t, s, qn.UnitID, 0)
		mine := otherTeam(t, s, s.UnitNamed(t, "Phường Pleiku").UnitID, 0)
		if _, err := s.Network.GetTeam(ctx, pleiku, theirs, today); !isForbidden(err) {
			t.Errorf("GetTeam: %v", err)
		}
		if _, err := s.Network.Coverage(ctx, pleiku, qn.UnitID, today); !isForbidden(err) {
			t.Errorf("Coverage: %v", err)
		}
		if _, err := s.Network.MonthlyForUnit(ctx, pleiku, qn.UnitID, 2026, today); !isForbidden(err) {
			t.Errorf("Monthly: %v", err)
		}
		if _, err := s.Network.LogActivity(ctx, pleiku, network.ActivityInput{TeamID: theirs, Date: today, Kind: network.Cashless}, nil); !isForbidden(err) {
			t.Errorf("LogActivity: %v", err)
		}
		if _, err := s.Network.AddMember(ctx, pleiku, theirs, network.MemberInput{FullName: "Người Lạ"}); !isForbidden(err) {
			t.Errorf("AddMember: %v", err)
		}
		v, err := s.Network.GetTeam(ctx, s.Admin, theirs, today)
		if err != nil {
			t.Fatal(err)
		}
		// someone of Quy Nhơn cannot be put in a team of Pleiku
		_, err = s.Network.AddMember(ctx, pleiku, mine, network.MemberInput{PersonID: v.Members[0].PersonID})
		if !isForbidden(err) {
			t.Errorf("AddMember of another commune's person: %v", err)
		}
		if err := s.Network.EndMember(ctx, pleiku, v.Members[0].ID, network.EndInput{Date: today}); !isForbidden(err) {
			t.Errorf("EndMember: %v", err)
		}
		if err := s.Network.VoidActivity(ctx, pleiku, v.Activities[0].ID, network.VoidInput{Reason: "x"}); !isForbidden(err) {
			t.Errorf("VoidActivity: %v", err)
		}
		list, err := s.Network.ListTeams(ctx, pleiku, network.TeamFilter{Q: "quy nhon"})
		if err != nil || list.Total != 0 {
			t.Errorf("ListTeams for another commune's name: %v %+v", err, list)
		}
		if _, err := s.Network.ListTeams(ctx, pleiku, network.TeamFilter{UnitID: qn.UnitID}); !isForbidden(err) {
			t.Errorf("ListTeams of another commune: %v", err)
		}
		// the province's organisations that work in Pleiku are shown, with
		// only the areas Pleiku may see
		orgs, err := s.Network.ListOrgs(ctx, pleiku, 0, today, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			for _, a := range o.Areas {
				if a != "Phường Pleiku" {
					t.Errorf("%s shows the area %s to Pleiku", o.Name, a)
				}
			}
			if o.Openable {
				t.Errorf("%s (of the province) is openable by Pleiku", o.Name)
			}
		}
	})
}
