package indicator_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

func measured(t *testing.T, s *apptest.Server, code string, unit int64, period string) float64 {
	t.Helper()
	v, ok, err := s.Indicators.Measured(ctx, s.Admin, code, unit, period)
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	if !ok {
		t.Fatalf("%s of %d for %s: no figure", code, unit, period)
	}
	return v
}

// A measured figure is the register's, as the register's own pages count
// it, for a unit, its province and a period before the reorganisation
// (restated to today's unit through its predecessors); a register change
// shows at the next request; the records counted are listed with links.
func TestMeasuredFromRegisters(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		today := s.Org.Today()
		month := indicator.PeriodOf(indicator.Monthly, today)
		end := month.End()
		ward, province := s.UnitNamed(t, "Phường Pleiku"), s.UnitNamed(t, "Tỉnh Gia Lai")

		for _, u := range []*org.Version{ward, province} {
			c, err := s.Network.Coverage(ctx, s.Admin, u.UnitID, end)
			if err != nil {
				t.Fatal(err)
			}
			st, err := s.People.Staffing(ctx, s.Admin, u.UnitID, end)
			if err != nil {
				t.Fatal(err)
			}
			for code, want := range map[string]int{"REG_VILLAGES": c.Total.Villages, "REG_VILLAGES_COVERED": c.Total.VillagesCovered,
				"REG_TEAMS": c.Total.Teams, "REG_MEMBERS": c.Total.Members, "REG_MEMBERS_TRAINED": c.Total.Trained,
				"REG_DX_STAFF": st.People, "REG_DX_STAFF_DEDICATED": st.Dedicated, "REG_DX_STAFF_IT": st.ITQualified,
				"REG_DX_STAFF_TRAINED": st.Trained, "REG_VACANCIES": st.Vacancies, "REG_COMMITTEES": st.Committees,
				"REG_FOCAL_UNITS": st.FocalUnits, "REG_FOCAL_PERSONS": st.FocalPersons} {
				if got := measured(t, s, code, u.UnitID, month.Key()); got != float64(want) {
					t.Errorf("%s %s = %v, the register's page says %d", u.Name, code, got, want)
				}
			}
			if c.Total.Villages > 0 {
				want := 100 * float64(c.Total.VillagesCovered) / float64(c.Total.Villages)
				if got := measured(t, s, "REG_COVERAGE", u.UnitID, month.Key()); got < want-1e-9 || got > want+1e-9 {
					t.Errorf("%s coverage %v, want %v", u.Name, got, want)
				}
			}
		}
		// the tasks the province's units lead, by their status at the month's end, as the task list counts them
		rows, _, err := s.Plans.Tasks(ctx, s.Admin, end, plans.Filter{UnitID: province.UnitID}, 0)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := s.Org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var tasks plans.Counts
		for _, r := range rows {
			if r.LeadClass != "" {
				// a task given to a class of units counts in the measured
				// figures as its parts, one per unit given it (plans.classState)
				parts, err := s.Plans.Assignments(ctx, s.Admin, r.ID, end, false, 0, 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range parts.Rows {
					tasks.Add(p.State)
				}
				continue
			}
			if snap.Covers(province.UnitID, r.LeadUnitID) || r.LeadUnitID == province.UnitID {
				tasks.Add(r.State)
			}
		}
		for code, want := range map[string]int{"REG_TASKS": tasks.Total, "REG_TASKS_DONE": tasks.Done, "REG_TASKS_DONE_LATE": tasks.DoneLate,
			"REG_TASKS_OVERDUE": tasks.Overdue} {
			if got := measured(t, s, code, province.UnitID, month.Key()); got != float64(want) {
				t.Errorf("province %s = %v, the task list says %d", code, got, want)
			}
		}
		if tasks.Total == 0 {
			t.Error("the demo province leads no task")
		}
		if measured(t, s, "REG_TEAMS", province.UnitID, month.Key()) == 0 {
			t.Fatal("the demo province has no team")
		}

		// before the reorganisation today's province is old Gia Lai and old Bình Định
		before := indicator.PeriodOf(indicator.Monthly, day.Of(2025, 6, 1))
		c, err := s.Network.Coverage(ctx, s.Admin, province.UnitID, before.End())
		if err != nil {
			t.Fatal(err)
		}
		if c.InForce {
			t.Fatal("the new province was in force in June 2025")
		}
		if got := measured(t, s, "REG_VILLAGES", province.UnitID, before.Key()); got != float64(c.Total.Villages) {
			t.Errorf("restated villages %v, the predecessors' %d", got, c.Total.Villages)
		}

		// a team set up in the ward shows at the next request, with its records
		teams := measured(t, s, "REG_TEAMS", ward.UnitID, month.Key())
		members := measured(t, s, "REG_MEMBERS", province.UnitID, month.Key())
		village := villageWithoutTeam(t, s, ward.UnitID, today)
		pleiku := actor(t, s, "pleiku")
		team, err := s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: village.UnitID, DecisionNumber: "91/QĐ-UBND", DecisionDate: today}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"Rơ Châm Hiền", "Nguyễn Văn Tâm"} {
			if _, err := s.Network.AddMember(ctx, pleiku, team.ID, network.MemberInput{FullName: name, Role: network.Member, Affiliation: network.Police, From: today}); err != nil {
				t.Fatal(err)
			}
		}
		if got := measured(t, s, "REG_TEAMS", ward.UnitID, month.Key()); got != teams+1 {
			t.Errorf("teams after one more: %v, want %v", got, teams+1)
		}
		if got := measured(t, s, "REG_MEMBERS", province.UnitID, month.Key()); got != members+2 {
			t.Errorf("province's members: %v, want %v", got, members+2)
		}
		recs, total, err := s.Indicators.MeasuredRecords(ctx, pleiku, "REG_TEAMS", ward.UnitID, month.Key(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs {
			found = found || r.ID == team.ID && r.Kind == "team" && r.URL == fmt.Sprintf("/network/teams/%d", team.ID) && r.UnitName == village.Name+", "+ward.Name
		}
		if total != int(teams+1) || len(recs) != total || !found {
			t.Errorf("records: %d of %d, the new team among them: %v", len(recs), total, found)
		}
		recs, total, err = s.Indicators.MeasuredRecords(ctx, pleiku, "REG_MEMBERS", village.UnitID, month.Key(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(recs) != 1 || recs[0].Kind != "member" || !strings.Contains(recs[0].Label, team.Name) {
			t.Errorf("member records (limit 1): %d of %d %+v", len(recs), total, recs)
		}

		// the rules: a reported indicator is not measured; another commune is out of scope
		_, _, err = s.Indicators.Measured(ctx, s.Admin, "CT_TEAMS", ward.UnitID, month.Key())
		if e, ok := errs.As(err); !ok || e.Key != "indicator.err.not_measured" {
			t.Errorf("a reported indicator: %v", err)
		}
		other := s.UnitNamed(t, "Xã Ia Ly")
		if _, _, err := s.Indicators.Measured(ctx, pleiku, "REG_TEAMS", other.UnitID, month.Key()); err == nil {
			t.Error("another commune's figure is open to Pleiku")
		}
		if ct := code(t, s, "CT_TEAMS"); ct.Source != indicator.Reported || ct.Counterpart != "REG_TEAMS" {
			t.Errorf("CT_TEAMS: %s → %q", ct.Source, ct.Counterpart)
		}

		// through the API: the figures of the definition, measured, move with the register
		var def indicator.Indicator
		reg := code(t, s, "REG_TEAMS")
		coord := s.TokenClient(t, "gialai")
		if st := coord.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d", reg.ID), nil, &def); st != http.StatusOK || def.Source != indicator.Measured {
			t.Fatalf("definition: %d %+v", st, def)
		}
		page, body := s.Login(t, "gialai").Get(fmt.Sprintf("/indicators/%d?unit=%d&period=%s", reg.ID, ward.UnitID, month.Key()))
		if page.StatusCode != http.StatusOK || !strings.Contains(string(body), "Đo từ sổ đăng ký") {
			t.Errorf("the indicator's page: %d, its source unsaid", page.StatusCode)
		}
		var b api.Figures
		path := fmt.Sprintf("/api/v1/indicators/%d/figures?unit=%d&period=%s", reg.ID, ward.UnitID, month.Key())
		if st := coord.JSON("GET", path, nil, &b); st != http.StatusOK || value(b) != teams+1 {
			t.Fatalf("figures: %d %v, want %v", st, value(b), teams+1)
		}
		if _, err := s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: villageWithoutTeam(t, s, ward.UnitID, today).UnitID,
			DecisionNumber: "92/QĐ-UBND", DecisionDate: today}, nil); err != nil {
			t.Fatal(err)
		}
		if st := coord.JSON("GET", path, nil, &b); st != http.StatusOK || value(b) != teams+2 || b.Indicator.Source != indicator.Measured {
			t.Fatalf("figures after another team: %d %v, want %v", st, value(b), teams+2)
		}
	})
}

func value(f api.Figures) float64 {
	if f.Unit.Value == nil {
		return -1
	}
	return *f.Unit.Value
}

// villageWithoutTeam is a village of a commune with no team on d.
func villageWithoutTeam(t *testing.T, s *apptest.Server, commune int64, d day.Day) *org.Version {
	t.Helper()
	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: commune, AsOf: d, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	has := map[int64]bool{}
	for _, tm := range list.Teams {
		has[tm.UnitID] = true
	}
	for _, v := range snap.Children(commune, d) {
		if v.Level == org.LevelVillage && !has[v.UnitID] {
			return v
		}
	}
	t.Fatalf("every village of %d has a team", commune)
	return nil
}

// A measured indicator cannot be typed: not in a form, not in an imported
// file, not pushed by another system; the error names it and says it is
// measured, and nothing of the batch is saved.
func TestMeasuredCannotBeTyped(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		pleiku := s.UnitNamed(t, "Phường Pleiku")
		quarter := indicator.PeriodOf(indicator.Quarterly, s.Org.Today())
		gialai := actor(t, s, "gialai")
		wantMeasured := func(t *testing.T, err error) {
			t.Helper()
			wantKey(t, err, "indicator.err.measured_typed")
			e, _ := errs.As(err)
			named := false
			for _, d := range append([]*errs.Error{e}, e.Details...) {
				named = named || d.Key == "indicator.err.measured_typed" && d.Args["Code"] == "REG_TEAMS"
			}
			if !named {
				t.Errorf("the error does not name the indicator: %v", err)
			}
		}
		coord := s.TokenClient(t, "gialai")
		before := s.AuditLen(t)

		forms, err := s.Indicators.Forms(ctx, gialai)
		if err != nil {
			t.Fatal(err)
		}
		var form *indicator.Form
		for _, f := range forms {
			if f.Code == demo.QuarterForm {
				form = f
			}
		}
		if form == nil {
			t.Fatal("no quarterly form")
		}
		_, err = s.Indicators.Save(ctx, actor(t, s, "pleiku"), form.ID, pleiku.UnitID, quarter, indicator.EntryInput{Values: []indicator.ValueInput{
			{Code: "CT_TEAMS", Raw: "9"}, {Code: "REG_TEAMS", Raw: "9"}}}, "vi", nil)
		wantMeasured(t, err)

		csv := "ma_don_vi,ky,CT_TEAMS,REG_TEAMS\n" + pleiku.Code + "," + quarter.Key() + ",9,9\n"
		_, err = s.Indicators.Import(ctx, gialai, strings.NewReader(csv), "values.csv", false, "vi")
		wantMeasured(t, err)
		if e, _ := errs.As(err); e != nil {
			for _, d := range append([]*errs.Error{e}, e.Details...) {
				if d.Key == "indicator.err.measured_typed" && d.Row != 2 {
					t.Errorf("the error is on row %d, want 2", d.Row)
				}
			}
		}

		var failure api.ErrorBody
		st := coord.JSON("POST", "/api/v1/values", map[string]any{"values": []map[string]any{
			{"indicator": "CT_TEAMS", "unit_code": pleiku.Code, "period": quarter.Key(), "value": 9},
			{"indicator": "REG_TEAMS", "unit_code": pleiku.Code, "period": quarter.Key(), "value": 9}}}, &failure)
		if st != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(failure.Error), "REG_TEAMS") {
			t.Errorf("push: %d %+v", st, failure)
		}
		if s.AuditLen(t) != before {
			t.Error("a refused entry wrote something")
		}
		e, err := s.Indicators.GetEntry(ctx, gialai, form.ID, pleiku.UnitID, quarter)
		if err != nil {
			t.Fatal(err)
		}
		ct := code(t, s, "CT_TEAMS")
		if v := e.Values[ct.ID]; v != nil && v.Value != nil && *v.Value == 9 {
			t.Error("the reported value of a refused batch was saved")
		}

		// in the form, the measured figure stands read-only beside the typed one
		in := indicator.FormInput{Code: form.Code, NameVI: form.NameVI, NameEN: form.NameEN, PeriodType: form.PeriodType, DueDays: form.DueDays,
			OwnerUnitID: form.OwnerUnitID, Kinds: form.Kinds, UnitIDs: form.UnitIDs}
		for _, it := range form.Items {
			in.Indicators = append(in.Indicators, it.Code)
		}
		in.Indicators = append(in.Indicators, "REG_TEAMS")
		if _, err := s.Indicators.UpdateForm(ctx, gialai, form.ID, in); err != nil {
			t.Fatal(err)
		}
		if e, err = s.Indicators.GetEntry(ctx, gialai, form.ID, pleiku.UnitID, quarter); err != nil {
			t.Fatal(err)
		}
		reg := code(t, s, "REG_TEAMS")
		want := measured(t, s, "REG_TEAMS", pleiku.UnitID, quarter.Key())
		if f, ok := e.Computed[reg.ID]; !ok || !f.Has() || f.V() != want {
			t.Errorf("the form shows %+v for REG_TEAMS, the register %v", e.Computed[reg.ID], want)
		}
		page, body := s.Login(t, "pleiku").Get(fmt.Sprintf("/units/%d/forms/%d?period=%s", pleiku.UnitID, form.ID, quarter.Key()))
		if page.StatusCode != http.StatusOK || strings.Contains(string(body), `name="v.REG_TEAMS"`) || !strings.Contains(string(body), "Đo từ sổ đăng ký") {
			t.Errorf("the entry page: %d, REG_TEAMS typed or its source unsaid", page.StatusCode)
		}
		// saving the form as the page posts it (the measured row has no field) works
		if _, err := s.Indicators.Save(ctx, actor(t, s, "pleiku"), form.ID, pleiku.UnitID, quarter, indicator.EntryInput{Values: []indicator.ValueInput{
			{Code: "CT_TEAMS", Raw: "9"}}}, "vi", nil); err != nil {
			t.Fatal(err)
		}
	})
}
