package app_test

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// TestFiguresTrueThroughTheAPI is issue 9's "done when" through /api/v1
// only, from a fresh demo: Phường Pleiku's focal person sets up a team
// with its members, and at the next request the ward's and the province's
// measured teams, members and coverage, and the score of the ward's
// criterion bound to the coverage, have changed with no figure typed (a
// measured figure cannot be typed); the report typing ten teams more than
// the register shows the coordinator who reviews it the register, the
// report and the difference, and approving it over that needs a comment;
// the last ended month's partial totals say they are incomplete; the
// ward's compliance says which targets do not apply and fails none of
// them; the province's figure explains itself down to the records.
func TestFiguresTrueThroughTheAPI(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		pleiku, gialai := s.TokenClient(t, "pleiku"), s.TokenClient(t, "gialai")
		ward, province := s.UnitNamed(t, "Phường Pleiku").UnitID, s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		today := s.Org.Today()
		last := demo.LastEnded(indicator.Monthly, today)
		must := func(code, want int, what string) {
			t.Helper()
			if code != want {
				t.Fatalf("%s: status %d, want %d", what, code, want)
			}
		}

		var inds api.IndicatorList
		must(pleiku.JSON("GET", "/api/v1/indicators", nil, &inds), http.StatusOK, "indicators")
		ind := map[string]*indicator.Indicator{}
		for _, i := range inds.Indicators {
			ind[i.Code] = i
		}
		for _, c := range []string{"REG_TEAMS", "REG_MEMBERS", "REG_VILLAGES_COVERED", "REG_COVERAGE", "CT_TEAMS", "HS_ALL"} {
			if ind[c] == nil {
				t.Fatalf("the ward cannot see %s", c)
			}
		}
		// figure is a unit's figure of an indicator for a period, as the
		// caller sees it.
		figure := func(c *apptest.Client, code string, unit int64, period string) api.FigureRow {
			t.Helper()
			var f api.Figures
			path := fmt.Sprintf("/api/v1/indicators/%d/figures?unit=%d", ind[code].ID, unit)
			if period != "" {
				path += "&period=" + period
			}
			must(c.JSON("GET", path, nil, &f), http.StatusOK, path)
			return f.Unit
		}
		value := func(r api.FigureRow) float64 {
			t.Helper()
			if r.Value == nil {
				t.Fatalf("%s has no figure", r.Name)
			}
			return *r.Value
		}
		measured := []string{"REG_TEAMS", "REG_MEMBERS", "REG_VILLAGES_COVERED", "REG_COVERAGE"}
		before := map[string]float64{}
		for _, code := range measured {
			// the default period is the last that ended
			before[code+"/ward"] = value(figure(pleiku, code, ward, ""))
			before[code+"/province"] = value(figure(gialai, code, province, last.Key()))
		}

		// The ward's scorecard of this year's round: the coverage criterion
		// scored from the register.
		var rounds api.RoundList
		must(pleiku.JSON("GET", "/api/v1/rounds", nil, &rounds), http.StatusOK, "rounds")
		var round *assess.Round
		for _, r := range rounds.Rounds {
			if r.Year == today.Year() && strings.Contains(r.Name, "cấp xã") {
				round = r
			}
		}
		if round == nil {
			t.Fatalf("no commune round of %d among %d", today.Year(), len(rounds.Rounds))
		}
		card := func() (*assess.Node, *assess.Score) {
			t.Helper()
			var c assess.Card
			must(pleiku.JSON("GET", fmt.Sprintf("/api/v1/rounds/%d/units/%d", round.ID, ward), nil, &c), http.StatusOK, "the ward's card")
			for _, n := range c.Framework.Criteria() {
				if n.Indicator == "REG_COVERAGE" {
					return n, c.Scores[n.ID]
				}
			}
			t.Fatal("no criterion of the round is bound to the coverage")
			return nil, nil
		}
		crit, sc := card()
		if sc.Source != assess.SourceMeasured || sc.Auto == nil || sc.Value == nil {
			t.Fatalf("%s is not scored from the register: %+v", crit.Code, sc)
		}
		scoreBefore, coverBefore := *sc.Auto, *sc.Value

		// A village of the ward without a team.
		var kids api.UnitList
		must(pleiku.JSON("GET", fmt.Sprintf("/api/v1/units/%d/children", ward), nil, &kids), http.StatusOK, "villages")
		var teams network.TeamList
		must(pleiku.JSON("GET", fmt.Sprintf("/api/v1/teams?unit=%d&limit=1000", ward), nil, &teams), http.StatusOK, "teams")
		has := map[int64]bool{}
		for _, tm := range teams.Teams {
			if tm.Status == network.Active {
				has[tm.UnitID] = true
			}
		}
		var village *api.Unit
		for i, u := range kids.Units {
			if u.Level == org.LevelVillage && !has[u.ID] {
				village = &kids.Units[i]
				break
			}
		}
		if village == nil {
			t.Fatal("every village of the ward has a team")
		}

		// Nobody types a measured figure, not even through the API.
		resp, body := pleiku.Do("POST", "/api/v1/values", "application/json", strings.NewReader(fmt.Sprintf(
			`{"values":[{"indicator":"REG_TEAMS","unit_id":%d,"period":%q,"value":%v}]}`, ward, last.Key(), before["REG_TEAMS/ward"]+1)))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "REG_TEAMS") {
			t.Fatalf("a measured figure pushed: %d %s", resp.StatusCode, body)
		}

		// The team, set up by the chair's decision in the last ended month,
		// and its four members from that day.
		decided := last.Start().AddDays(9)
		var team network.Team
		must(pleiku.JSON("POST", "/api/v1/teams", network.TeamInput{UnitID: village.ID, DecisionNumber: "45/QĐ-UBND", DecisionDate: decided,
			Signer: "Nguyễn Văn Bình"}, &team), http.StatusCreated, "the team")
		for _, m := range []network.MemberInput{
			{FullName: "Rơ Châm Hyang", Role: network.Leader, Affiliation: network.VillageHead, From: decided},
			{FullName: "Ksor Y Nhí", Gender: "male", Role: network.Deputy, Affiliation: network.Police, From: decided},
			{FullName: "Nguyễn Thị Thu", Gender: "female", Role: network.Member, Affiliation: network.YouthUnion, From: decided},
			{FullName: "Trần Văn Bưu", Gender: "male", Role: network.Member, Affiliation: network.PostOffice, From: decided},
		} {
			must(pleiku.JSON("POST", fmt.Sprintf("/api/v1/teams/%d/members", team.ID), m, nil), http.StatusCreated, "member "+m.FullName)
		}

		// At the next request: one more team and village covered, four
		// more members, the coverage recomputed, in the ward and the
		// province.
		for _, at := range []struct {
			who  *apptest.Client
			unit int64
			name string
		}{{pleiku, ward, "ward"}, {gialai, province, "province"}} {
			got := map[string]float64{}
			for _, code := range measured {
				got[code] = value(figure(at.who, code, at.unit, last.Key()))
			}
			for code, d := range map[string]float64{"REG_TEAMS": 1, "REG_MEMBERS": 4, "REG_VILLAGES_COVERED": 1} {
				if want := before[code+"/"+at.name] + d; got[code] != want {
					t.Errorf("the %s's %s: %v, want %v", at.name, code, got[code], want)
				}
			}
			if got["REG_COVERAGE"] <= before["REG_COVERAGE/"+at.name] {
				t.Errorf("the %s's coverage did not rise: %v → %v", at.name, before["REG_COVERAGE/"+at.name], got["REG_COVERAGE"])
			}
		}
		// the coverage is the covered villages over the villages
		villages := value(figure(pleiku, "REG_VILLAGES", ward, last.Key()))
		if cov, want := value(figure(pleiku, "REG_COVERAGE", ward, last.Key())), (before["REG_VILLAGES_COVERED/ward"]+1)/villages*100; math.Abs(cov-want) > 1e-9 {
			t.Errorf("the ward's coverage %v, want %v", cov, want)
		}
		// and the criterion's score follows the year's coverage
		_, sc = card()
		year := value(figure(pleiku, "REG_COVERAGE", ward, fmt.Sprint(today.Year())))
		if sc.Value == nil || *sc.Value != year || sc.Auto == nil || *sc.Auto != crit.Score(year) || sc.Counts != assess.CountsAuto {
			t.Fatalf("%s after the team: %+v, the year's coverage %v", crit.Code, sc, year)
		}
		t.Logf("%s: the year's coverage %v → %v, score %v → %v", crit.Code, coverBefore, year, scoreBefore, *sc.Auto)
		if *sc.Auto == scoreBefore && crit.Score(year) < crit.Max {
			t.Errorf("%s's score did not change: %v", crit.Code, scoreBefore)
		}

		// The report typing ten teams more than the register: its reviewer
		// sees both and the difference.
		var forms api.FormList
		must(gialai.JSON("GET", "/api/v1/forms", nil, &forms), http.StatusOK, "forms")
		var quarter *indicator.Form
		for _, f := range forms.Forms {
			if f.Code == demo.QuarterForm {
				quarter = f
			}
		}
		if quarter == nil {
			t.Fatalf("no form %s", demo.QuarterForm)
		}
		q := demo.LastEnded(indicator.Quarterly, today)
		var entry api.EntryJSON
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/units/%d/forms/%d?period=%s", ward, quarter.ID, q.Key()), nil, &entry), http.StatusOK, "the report")
		if entry.Submission == nil || entry.Submission.Status != indicator.Submitted {
			t.Fatalf("the ward's %s report is not awaiting review: %+v", q.Key(), entry.Submission)
		}
		var diff *indicator.Difference
		for i, d := range entry.Differences {
			if d.Indicator.Code == "CT_TEAMS" {
				diff = &entry.Differences[i]
			}
		}
		regQ := value(figure(gialai, "REG_TEAMS", ward, q.Key()))
		if diff == nil || diff.Counterpart.Code != "REG_TEAMS" || diff.Measured == nil || *diff.Measured != regQ ||
			diff.Reported != regQ+10 || diff.Diff != 10 || !diff.Beyond {
			t.Fatalf("the reviewer's view of the team count: %+v (register %v)", diff, regQ)
		}
		if entry.Values["CT_TEAMS"].Value == nil || *entry.Values["CT_TEAMS"].Value != diff.Reported {
			t.Fatalf("the report's team count %+v, the difference says %v", entry.Values["CT_TEAMS"], diff.Reported)
		}
		// approving it as it is needs a comment
		resp, body = gialai.Do("POST", fmt.Sprintf("/api/v1/submissions/%d/review", entry.Submission.ID), "application/json",
			strings.NewReader(`{"action":"approve","comment":""}`))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), diff.Indicator.NameVI) ||
			!strings.Contains(string(body), fmt.Sprintf("ghi %v, sổ đăng ký có %v", diff.Reported, *diff.Measured)) {
			t.Fatalf("approved over a difference without a comment: %d %s", resp.StatusCode, body)
		}
		// and the province's reconciliation lists it
		var rec indicator.DiscrepancyList
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/reconciliation?unit=%d&year=%d&limit=1000", province, q.Year), nil, &rec), http.StatusOK, "reconciliation")
		found := false
		for _, d := range rec.Items {
			found = found || d.UnitID == ward && d.Indicator.Code == "CT_TEAMS" && d.Period == q && d.Diff == 10
		}
		if !found {
			t.Errorf("the reconciliation of %d (%d items) does not list the ward's team count", q.Year, rec.Total)
		}

		// The last ended month, partly reported: its totals say so.
		hs := figure(gialai, "HS_ALL", province, "")
		if !hs.Incomplete || hs.Basis != string(indicator.BasisApproved) || hs.Expected == 0 || hs.Reported >= hs.Expected {
			t.Fatalf("the province's %s dossiers: %d/%d on %s, incomplete %v", last.Key(), hs.Reported, hs.Expected, hs.Basis, hs.Incomplete)
		}
		var series api.Series
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/series?unit=%d", ind["HS_ALL"].ID, province), nil, &series), http.StatusOK, "series")
		if n := len(series.Points); n == 0 || series.Points[n-1].Period != last.Key() || !series.Points[n-1].Incomplete || series.Points[n-2].Incomplete {
			t.Fatalf("the series does not end on an incomplete %s after a complete month: %+v", last.Key(), series.Points)
		}

		// A commune's reported dossiers, from the province's figure: who
		// entered them and when, then submitted, then approved — in the
		// order it happened.
		var hsProv indicator.Provenance
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/provenance?unit=%d&period=%s", ind["HS_ALL"].ID, province, last.Key()), nil, &hsProv),
			http.StatusOK, "the dossiers' provenance")
		var child *indicator.Row
		for i, c := range hsProv.Children {
			if c.Figure.Has() {
				child = &hsProv.Children[i]
				break
			}
		}
		if child == nil || hsProv.MissingTotal != hs.Expected-hs.Reported {
			t.Fatalf("the province's dossiers: %d units below with a figure?, %d missing of %d/%d", len(hsProv.Children), hsProv.MissingTotal, hs.Reported, hs.Expected)
		}
		var cv indicator.Provenance
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/provenance?unit=%d&period=%s", ind["HS_ALL"].ID, child.UnitID, last.Key()), nil, &cv),
			http.StatusOK, "a commune's dossiers")
		if o := cv.Own; o == nil || o.Submission == nil || o.Submission.Status != indicator.Approved || o.Submission.SubmittedAt == nil || o.Submission.ReviewedAt == nil ||
			o.Submission.SubmittedAt.Before(o.UpdatedAt) || o.Submission.ReviewedAt.Before(*o.Submission.SubmittedAt) {
			t.Fatalf("%s's dossiers: %+v", child.Name, cv.Own)
		}

		// The ward's compliance: what does not apply is neither met nor
		// failing.
		var comp people.Report
		must(pleiku.JSON("GET", fmt.Sprintf("/api/v1/compliance?unit=%d", ward), nil, &comp), http.StatusOK, "compliance")
		na := 0
		for _, r := range comp.Results {
			if r.Applies {
				continue
			}
			na++
			if r.Overdue || r.Met || r.Total != 0 || r.FailingCount != 0 || len(r.Failing) != 0 {
				t.Errorf("%s (for %s) does not apply in a ward but says %+v", r.Target.Code, r.Target.Level, r)
			}
		}
		if na == 0 {
			t.Error("no target is marked not applying in a ward")
		}

		// The province's team count explains itself: counted from the
		// register, the teams it counted, the new one among the ward's.
		var pv indicator.Provenance
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/provenance?unit=%d&period=%s", ind["REG_TEAMS"].ID, province, last.Key()), nil, &pv),
			http.StatusOK, "provenance")
		teamsNow := before["REG_TEAMS/province"] + 1
		if pv.Kind != indicator.FromRegister || pv.Figure.V() != teamsNow || float64(pv.RecordsTotal) != teamsNow || len(pv.Records) == 0 {
			t.Fatalf("the province's teams: kind %s, %v, %d records", pv.Kind, pv.Figure.V(), pv.RecordsTotal)
		}
		for _, r := range pv.Records {
			if r.Kind != "team" || r.URL == "" {
				t.Fatalf("a record of the province's teams: %+v", r)
			}
		}
		var own indicator.Provenance
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/provenance?unit=%d&period=%s", ind["REG_TEAMS"].ID, ward, last.Key()), nil, &own),
			http.StatusOK, "the ward's provenance")
		found = false
		for _, r := range own.Records {
			// named with its village and the ward: a province has many a "Thôn 1"
			found = found || r.ID == team.ID && strings.HasSuffix(r.URL, fmt.Sprintf("/network/teams/%d", team.ID)) && r.UnitName == village.Name+", Phường Pleiku"
		}
		if !found || float64(own.RecordsTotal) != before["REG_TEAMS/ward"]+1 {
			t.Fatalf("the ward's teams do not list the new one: %d records %+v", own.RecordsTotal, own.Records)
		}
		// the record is the team the API gives
		var view network.TeamView
		must(gialai.JSON("GET", fmt.Sprintf("/api/v1/teams/%d", team.ID), nil, &view), http.StatusOK, "the team")
		if len(view.Members) != 4 {
			t.Fatalf("the team has %d members", len(view.Members))
		}
	})
}
