package people_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/people"
)

// rateCode is a Decision 1690 target's measured rate.
func rateCode(target string) string { return "REG_" + strings.ReplaceAll(target, "-", "_") }

// Test1690Measured: each target of Decision 1690 has a measured rate whose
// figure for a unit and a month is the compliance page's rate for that
// scope on the month's last day — for the province (every target applies),
// a ward and a department (some do not: no figure, not 0); its parts count
// the units judged and those failing, and its records are those units. A
// committee set up in a commune moves its and the province's rates at
// the next request, as it moves the compliance page. The API's figures
// say the same.
func Test1690Measured(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		p := demo.LastEnded(indicator.Monthly, s.Org.Today())
		d := p.End()
		ward, province, dept := s.UnitNamed(t, "Phường Pleiku"), s.UnitNamed(t, "Tỉnh Gia Lai"), s.UnitNamed(t, "Sở Khoa học và Công nghệ")
		applied, notApplied := 0, 0
		check := func(unit int64) *people.Report {
			t.Helper()
			rep, err := s.People.Compliance(ctx, s.Admin, unit, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range rep.Results {
				c := rateCode(res.Target.Code)
				v, ok, err := s.Indicators.Measured(ctx, s.Admin, c, unit, p.Key())
				if err != nil {
					t.Fatalf("%s: %v", c, err)
				}
				if !res.Applies {
					notApplied++
					if ok {
						t.Errorf("%s of %d: %v where the target does not apply", c, unit, v)
					}
					continue
				}
				applied++
				if !ok || math.Abs(v-100*res.Rate) > 1e-9 {
					t.Errorf("%s of %d: %v (%v), the compliance page says %d/%d", c, unit, v, ok, res.Passing, res.Total)
				}
				units, _, _ := s.Indicators.Measured(ctx, s.Admin, c+"_UNITS", unit, p.Key())
				failing, _, _ := s.Indicators.Measured(ctx, s.Admin, c+"_FAILING", unit, p.Key())
				if int(units) != res.Total || int(failing) != res.FailingCount {
					t.Errorf("%s of %d: %v units, %v failing; the page %d, %d", c, unit, units, failing, res.Total, res.FailingCount)
				}
			}
			return rep
		}
		for _, u := range []int64{province.UnitID, ward.UnitID, dept.UnitID} {
			check(u)
		}
		if applied == 0 || notApplied == 0 {
			t.Fatalf("%d rates applied, %d did not: the test proves nothing", applied, notApplied)
		}

		// the records: the units judged, those failing said so
		rep := check(province.UnitID)
		var res people.TargetResult
		for _, r := range rep.Results {
			if r.Target.Code == "1690-COMMITTEE-COMMUNE" {
				res = r
			}
		}
		recs, total, err := s.Indicators.MeasuredRecords(ctx, s.Admin, rateCode(res.Target.Code), province.UnitID, p.Key(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		if total != res.Total || len(recs) != total {
			t.Errorf("the rate's records: %d of %d, the page judges %d units", len(recs), total, res.Total)
		}
		recs, total, err = s.Indicators.MeasuredRecords(ctx, s.Admin, rateCode(res.Target.Code)+"_FAILING", province.UnitID, p.Key(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		if total != res.FailingCount || res.FailingCount == 0 {
			t.Fatalf("failing records: %d, the page %d", total, res.FailingCount)
		}
		for _, r := range recs {
			if !strings.HasSuffix(r.Label, "chưa đạt") || r.URL != fmt.Sprintf("/units/%d/apparatus", r.ID) {
				t.Errorf("a failing record: %+v", r)
			}
		}

		// a committee for a commune that has none, decided before the month's end
		commune := recs[0].ID
		before, _, _ := s.Indicators.Measured(ctx, s.Admin, rateCode("1690-COMMITTEE-COMMUNE"), province.UnitID, p.Key())
		if w, ok, _ := s.Indicators.Measured(ctx, s.Admin, rateCode("1690-COMMITTEE-COMMUNE"), commune, p.Key()); !ok || w != 0 {
			t.Errorf("a commune with no committee: %v %v", w, ok)
		}
		if _, err := s.People.CreateCommittee(ctx, s.Admin, people.CommitteeInput{UnitID: commune, Name: "Ban Chỉ đạo chuyển đổi số",
			DecisionNumber: "15/QĐ-UBND", DecisionDate: d.AddDays(-20), Signer: "Chủ tịch UBND"}); err != nil {
			t.Fatal(err)
		}
		after, _, _ := s.Indicators.Measured(ctx, s.Admin, rateCode("1690-COMMITTEE-COMMUNE"), province.UnitID, p.Key())
		if after <= before {
			t.Errorf("the province's rate did not move with the commune's committee: %v → %v", before, after)
		}
		if w, _, _ := s.Indicators.Measured(ctx, s.Admin, rateCode("1690-COMMITTEE-COMMUNE"), commune, p.Key()); w != 100 {
			t.Errorf("the commune's rate with its committee: %v", w)
		}
		check(province.UnitID)
		check(commune)

		// the API: a rate for the province, no figure for the ward where a
		// department's target does not apply
		gl := s.TokenClient(t, "gialai")
		for _, c := range []struct {
			unit  int64
			code  string
			value bool
		}{{province.UnitID, "1690-COMMITTEE-DEPT", true}, {ward.UnitID, "1690-COMMITTEE-DEPT", false}, {ward.UnitID, "1690-STAFF-COMMUNE", true}} {
			var def indicator.Indicator
			var list api.IndicatorList
			if st := gl.JSON("GET", "/api/v1/indicators", nil, &list); st != 200 {
				t.Fatalf("indicators: %d", st)
			}
			for _, i := range list.Indicators {
				if i.Code == rateCode(c.code) {
					def = *i
				}
			}
			if def.ID == 0 || def.Source != indicator.Measured || !strings.Contains(def.NameVI, "Quyết định 1690") {
				t.Fatalf("%s is not a measured indicator of the catalogue: %+v", rateCode(c.code), def)
			}
			var f api.Figures
			if st := gl.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/figures?unit=%d&period=%s", def.ID, c.unit, p.Key()), nil, &f); st != 200 {
				t.Fatalf("figures: %d", st)
			}
			if (f.Unit.Value != nil) != c.value {
				t.Errorf("%s of %d through the API: %v, want a figure %v", c.code, c.unit, f.Unit.Value, c.value)
			}
		}
	})
}
