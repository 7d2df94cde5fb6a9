package indicator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// TestCompletenessOfAPartlyReportedMonth: the province's figures for the
// last month that ended — partly reported in the demo — say how many of
// the units the monthly form expects they count, on each basis, and are
// marked incomplete; a formula takes its parts' completeness; a year
// counts one report per unit and month; the completed month before is
// not marked; the threshold is an administrator's setting.
func TestCompletenessOfAPartlyReportedMonth(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gialai := actor(t, s, "gialai")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		f := form(t, s, demo.MonthlyForm)
		last := demo.LastEnded(indicator.Monthly, s.Org.Today())
		c, err := s.Indicators.Complete(ctx, gialai, f.ID, last, gl)
		if err != nil {
			t.Fatal(err)
		}
		entered := 0
		for _, u := range c.Units {
			if u.SubmissionID != 0 {
				entered++
			}
		}
		if c.Counts.Approved == 0 || c.Counts.Approved >= c.Counts.Submitted || c.Counts.Submitted >= entered || entered >= c.Counts.Expected {
			t.Fatalf("the demo's last month should be partly reported at every stage: %+v, %d entered", c.Counts, entered)
		}
		for basis, want := range map[indicator.Basis]int{indicator.BasisApproved: c.Counts.Approved, indicator.BasisSubmitted: c.Counts.Submitted,
			indicator.BasisAll: entered} {
			b := total(t, s, gialai, "HS_ALL", gl, last.Key(), indicator.AsItWas, basis)
			if b.Total.Expected != c.Counts.Expected || b.Total.Reported != want || b.Total.Basis != basis || !b.Total.Incomplete {
				t.Errorf("%s: %d/%d on %s (incomplete %v), want %d/%d, incomplete", basis, b.Total.Reported, b.Total.Expected, b.Total.Basis,
					b.Total.Incomplete, want, c.Counts.Expected)
			}
			var e, r int
			for _, ch := range b.Children {
				e, r = e+ch.Expected, r+ch.Reported
			}
			if e != b.Total.Expected || r != b.Total.Reported {
				t.Errorf("%s: the units below add up to %d/%d, the total says %d/%d", basis, r, e, b.Total.Reported, b.Total.Expected)
			}
			rate := total(t, s, gialai, "HS_ONLINE_RATE", gl, last.Key(), indicator.AsItWas, basis)
			if rate.Total.Expected != b.Total.Expected || rate.Total.Reported != b.Total.Reported || !rate.Total.Incomplete {
				t.Errorf("%s: the rate is %d/%d, its parts %d/%d", basis, rate.Total.Reported, rate.Total.Expected, b.Total.Reported, b.Total.Expected)
			}
		}
		// a leader's default is what has been approved
		if b := total(t, s, gialai, "HS_ALL", gl, last.Key(), indicator.AsItWas, ""); b.Basis != indicator.BasisApproved || b.Total.Reported != c.Counts.Approved {
			t.Errorf("no basis asked: %s, %d reported", b.Basis, b.Total.Reported)
		}
		if indicator.ParseBasis("") != indicator.BasisApproved || indicator.ParseBasis("bogus") != indicator.BasisApproved {
			t.Error("the basis does not default to approved")
		}
		// the month before is complete
		if b := total(t, s, gialai, "HS_ALL", gl, last.Prev().Key(), indicator.AsItWas, indicator.BasisApproved); b.Total.Incomplete ||
			b.Total.Expected == 0 || b.Total.Reported*10 < b.Total.Expected*9 {
			t.Errorf("%s: %d/%d, incomplete %v", last.Prev().Key(), b.Total.Reported, b.Total.Expected, b.Total.Incomplete)
		}
		// a year: one report per unit and month, on the tree of each month
		year := indicator.MustPeriod(fmt.Sprint(last.Year))
		var expected, approved int
		for _, m := range year.Within(indicator.Monthly) {
			mc, err := s.Indicators.Complete(ctx, gialai, f.ID, m, gl)
			if err != nil {
				t.Fatal(err)
			}
			expected, approved = expected+mc.Counts.Expected, approved+mc.Counts.Approved
		}
		if y := total(t, s, gialai, "HS_ALL", gl, year.Key(), indicator.AsItWas, indicator.BasisApproved); y.Total.Expected != expected || y.Total.Reported != approved {
			t.Errorf("the year %s: %d/%d, want %d/%d", year.Key(), y.Total.Reported, y.Total.Expected, approved, expected)
		}
		// before the reorganisation the new province's expected units are
		// its predecessors' communes and departments, restated or not
		june := indicator.MustPeriod("2024-06")
		jc, err := s.Indicators.Complete(ctx, gialai, f.ID, june, gl)
		if err != nil {
			t.Fatal(err)
		}
		if r := total(t, s, gialai, "HS_ALL", gl, june.Key(), indicator.Restated, indicator.BasisApproved); r.Total.Expected != jc.Counts.Expected ||
			r.Total.Reported != jc.Counts.Approved {
			t.Errorf("restated June 2024: %d/%d, want %d/%d", r.Total.Reported, r.Total.Expected, jc.Counts.Approved, jc.Counts.Expected)
		}

		// the threshold is the administrator's
		if err := s.Indicators.SetThreshold(ctx, gialai, 0.3); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a coordinator changed the threshold: %v", err)
		}
		for _, bad := range []float64{0.2, 1.5, -1} {
			wantKey(t, s.Indicators.SetThreshold(ctx, s.Admin, bad), "indicator.err.threshold")
		}
		// at half, the month as entered (two thirds of the units) is complete
		audit := s.AuditLen(t)
		if err := s.Indicators.SetThreshold(ctx, s.Admin, indicator.MinThreshold); err != nil {
			t.Fatal(err)
		}
		if s.AuditLen(t) != audit+1 {
			t.Error("the threshold changed without an audit entry")
		}
		if b := total(t, s, gialai, "HS_ALL", gl, last.Key(), indicator.AsItWas, indicator.BasisAll); b.Total.Incomplete != (2*entered < c.Counts.Expected) {
			t.Errorf("threshold 50 %%, %d/%d entered: incomplete %v", b.Total.Reported, b.Total.Expected, b.Total.Incomplete)
		}
		if err := s.Indicators.SetThreshold(ctx, s.Admin, indicator.DefaultThreshold); err != nil {
			t.Fatal(err)
		}
		if th, _ := s.Indicators.Threshold(ctx); th != indicator.DefaultThreshold {
			t.Errorf("threshold %v after setting it back", th)
		}
	})
}

// TestRankingsOverTooFew: a ranking of the communes of a month only a
// third reported says each rank stands on too little; a ranking of one
// unit is no ranking, in the breakdown, the unit's standing and the page
// ("Xếp hạng 1/1" must not appear).
func TestRankingsOverTooFew(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gialai := actor(t, s, "gialai")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		pleiku := s.UnitNamed(t, "Phường Pleiku")
		last := demo.LastEnded(indicator.Monthly, s.Org.Today())
		b := total(t, s, gialai, "HS_ALL", gl, last.Key(), indicator.AsItWas, indicator.BasisApproved)
		ranked := 0
		for _, c := range b.Children {
			if c.Rank > 0 {
				ranked++
				if !c.RankPartial || c.Of != countValued(b.Children, c.Level) {
					t.Errorf("%s: rank %d/%d partial %v over a month a third reported", c.Name, c.Rank, c.Of, c.RankPartial)
				}
			}
		}
		if ranked < 2 {
			t.Fatalf("only %d ranked", ranked)
		}
		// complete: ranks stand
		full := total(t, s, gialai, "HS_ALL", gl, last.Prev().Prev().Key(), indicator.AsItWas, indicator.BasisApproved)
		for _, c := range full.Children {
			if c.Rank > 0 && c.RankPartial {
				t.Errorf("%s: partial rank in a complete month", c.Name)
			}
		}

		// an indicator only one commune has a figure for
		if _, err := s.Indicators.Define(ctx, gialai, indicator.Input{Code: "GL_MOT", NameVI: "Chỉ số thử một đơn vị", MeasureVI: "lượt"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Indicators.CreateForm(ctx, gialai, indicator.FormInput{Code: "GL-MOT", NameVI: "Biểu thử", PeriodType: indicator.Monthly,
			DueDays: 5, OwnerUnitID: gl, Indicators: []string{"GL_MOT"}, Kinds: []indicator.Kind{indicator.KindCommune}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Indicators.Push(ctx, gialai, indicator.PushInput{Values: []indicator.PushRow{{Indicator: "GL_MOT", UnitID: pleiku.UnitID,
			Period: last.Key(), Value: "7"}}, Submit: true}, "vi", "api"); err != nil {
			t.Fatal(err)
		}
		one := total(t, s, gialai, "GL_MOT", gl, last.Key(), indicator.AsItWas, indicator.BasisSubmitted)
		if one.Total.V() != 7 || one.Total.Reported != 1 || one.Total.Expected < 2 || !one.Total.Incomplete {
			t.Fatalf("one commune's figure: %v, %d/%d", one.Total.V(), one.Total.Reported, one.Total.Expected)
		}
		for _, c := range one.Children {
			if c.Rank != 0 || c.Of != 0 {
				t.Errorf("%s ranked %d/%d alone", c.Name, c.Rank, c.Of)
			}
		}
		id := code(t, s, "GL_MOT").ID
		st, err := s.Indicators.StandingOf(ctx, actor(t, s, "pleiku"), indicator.Query{IndicatorID: id, UnitID: pleiku.UnitID, Period: last,
			Basis: indicator.BasisSubmitted})
		if err != nil {
			t.Fatal(err)
		}
		if st.Rank != 0 {
			t.Errorf("the ward stands %d/%d alone", st.Rank, st.Of)
		}
		vi := s.Catalog.Printer("vi")
		_, body := s.Login(t, "pleiku").Get(fmt.Sprintf("/indicators/%d?period=%s&basis=submitted", id, last.Key()))
		if one := vi.T("indicator.standing", "Rank", 1, "Of", 1, "Parent", "Tỉnh Gia Lai"); strings.Contains(string(body), one) {
			t.Errorf("the page says %q", one)
		}
		if !strings.Contains(string(body), `id="total"`) || !strings.Contains(string(body), vi.T("completeness.units", "Reported", "1", "Expected", "1",
			"Basis", vi.T("completeness.basis.submitted"))) {
			t.Errorf("the ward's page does not say how many units its figure counts")
		}
	})
}

func countValued(rows []indicator.Row, level any) int {
	n := 0
	for _, r := range rows {
		if r.Has() && any(r.Level) == level {
			n++
		}
	}
	return n
}

// TestCompletenessOnLeaderViews: what a leader opens — the dashboard, an
// indicator's page, its export, the API — counts approved figures unless
// asked otherwise, and says how many units each figure counts.
func TestCompletenessOnLeaderViews(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		leader := s.Login(t, "lanhdao")
		vi := s.Catalog.Printer("vi")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		last := demo.LastEnded(indicator.Monthly, s.Org.Today())
		b := total(t, s, actor(t, s, "lanhdao"), "HS_ALL", gl, last.Key(), indicator.AsItWas, indicator.BasisApproved)
		cmp := vi.Int(b.Total.Reported) + "/" + vi.Int(b.Total.Expected)

		_, body := leader.Get("/indicators")
		page := string(body)
		if !strings.Contains(page, `<option value="approved" selected>`) {
			t.Error("the dashboard does not default to approved figures")
		}
		if !strings.Contains(page, `partial"`) || !strings.Contains(page, cmp) {
			t.Errorf("the dashboard does not mark %s incomplete with %s", last.Key(), cmp)
		}
		hsAll := code(t, s, "HS_ALL").ID
		_, body = leader.Get(fmt.Sprintf("/indicators/%d?period=%s", hsAll, last.Key()))
		page = string(body)
		line := vi.T("completeness.units", "Reported", vi.Int(b.Total.Reported), "Expected", vi.Int(b.Total.Expected), "Basis", vi.T("completeness.basis.approved"))
		if !strings.Contains(page, line) || !strings.Contains(page, `id="incomplete"`) {
			t.Errorf("the indicator page does not say %q and that it is incomplete", line)
		}

		// the export
		resp, body := leader.Get(fmt.Sprintf("/indicators/%d/export.xlsx?period=%s", hsAll, last.Key()))
		if resp.StatusCode != 200 {
			t.Fatalf("export: %d", resp.StatusCode)
		}
		tab, err := sheet.Read(bytes.NewReader(body), "x.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range tab.Header {
			col[h] = i
		}
		row := tab.Rows[0]
		if row[col["Số đơn vị đã báo cáo"]] != fmt.Sprint(b.Total.Reported) || row[col["Số đơn vị phải báo cáo"]] != fmt.Sprint(b.Total.Expected) ||
			row[col["Cơ sở số liệu"]] != "Đã duyệt" || !strings.HasPrefix(row[col["Đủ số liệu"]], "Chưa đủ") {
			t.Errorf("the export's total row: %v (header %v)", row, tab.Header)
		}

		// the API
		api := s.TokenClient(t, "lanhdao")
		_, body = api.Get(fmt.Sprintf("/api/v1/indicators/%d/figures?period=%s", hsAll, url.QueryEscape(last.Key())))
		var fig struct {
			Basis     string  `json:"basis"`
			Threshold float64 `json:"threshold"`
			Unit      struct {
				Expected, Reported int
				Basis              string
				Incomplete         bool
			} `json:"unit"`
		}
		if err := json.Unmarshal(body, &fig); err != nil {
			t.Fatal(err)
		}
		if fig.Basis != "approved" || fig.Threshold != indicator.DefaultThreshold || fig.Unit.Expected != b.Total.Expected ||
			fig.Unit.Reported != b.Total.Reported || !fig.Unit.Incomplete || fig.Unit.Basis != "approved" {
			t.Errorf("the API's figures: %s", body)
		}
		_, body = api.Get(fmt.Sprintf("/api/v1/indicators/%d/series?to=%s", hsAll, last.Key()))
		var ser struct {
			Points []struct {
				Period     string
				Incomplete bool
				Expected   int
			}
		}
		if err := json.Unmarshal(body, &ser); err != nil || len(ser.Points) == 0 {
			t.Fatalf("series: %v %s", err, body)
		}
		if p := ser.Points[len(ser.Points)-1]; p.Period != last.Key() || !p.Incomplete || p.Expected == 0 {
			t.Errorf("the series' last point: %+v", p)
		}
		if p := ser.Points[len(ser.Points)-2]; p.Incomplete {
			t.Errorf("the month before is marked incomplete: %+v", p)
		}
	})
}

// TestCompleteSummary: the home's summary of a form's reporting (counts,
// reports to review, returned) is what Complete's rows say, for each demo
// account that sees a form, for the last month that ended, the one before
// (complete) and a month before the reorganisation, and after a report is
// returned.
func TestCompleteSummary(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		f := form(t, s, demo.MonthlyForm)
		last := demo.LastEnded(indicator.Monthly, s.Org.Today())
		check := func(when string) {
			t.Helper()
			n := 0
			for _, l := range s.Logins {
				login := l.Login
				a := actor(t, s, login)
				for _, p := range []indicator.Period{last, last.Prev(), indicator.MustPeriod("2024-06")} {
					c, err := s.Indicators.Complete(ctx, a, f.ID, p, 0)
					sum, err2 := s.Indicators.Summary(ctx, a, f.ID, p, 0)
					if (err == nil) != (err2 == nil) {
						t.Fatalf("%s %s %s: Complete %v, Summary %v", when, login, p.Key(), err, err2)
					}
					if err != nil {
						continue
					}
					want := indicator.CompleteSummary{Due: c.Due, PastDue: c.PastDue, Counts: c.Counts}
					for _, u := range c.Units {
						switch u.State {
						case indicator.StateSubmitted:
							want.ToApprove++
						case indicator.StateReturned:
							want.Returned++
						}
					}
					if sum != want {
						t.Errorf("%s %s %s: summary %+v, Complete says %+v", when, login, p.Key(), sum, want)
					}
					if c.Counts.Expected > 0 {
						n++
					}
				}
			}
			if n == 0 {
				t.Fatalf("%s: no account expects a report", when)
			}
		}
		check("as made")
		gialai := actor(t, s, "gialai")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		c, err := s.Indicators.Complete(ctx, gialai, f.ID, last, gl)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range c.Units {
			if u.State == indicator.StateSubmitted {
				if _, err := s.Indicators.Act(ctx, gialai, u.SubmissionID, indicator.ActReturn, "Thử: trả lại"); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		check("after a return")
	})
}
