package indicator_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestKeptFiguresAfterWrites: the figures kept across requests by the
// cells they were made from (figmemo.go) are the figures made again from
// the values — dashboards, breakdowns, standings and series of the nation,
// the province and a commune, as it was and restated, on each basis, of a
// month and of a quarter and a year (several cells) —
// before any write and after each of a run of value saves, submissions,
// approvals, returns and a change of the completeness threshold.
func TestKeptFiguresAfterWrites(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		rnd := rand.New(rand.NewPCG(16, 14))
		gialai := actor(t, s, "gialai")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		root := s.Admin.ScopeUnitID
		f := form(t, s, demo.MonthlyForm)
		oct := indicator.MustPeriod("2026-10")
		var communes []int64
		for _, c := range total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisAll).Children {
			communes = append(communes, c.UnitID)
		}
		communes = communes[:6]
		today := s.Org.Today()
		look := func() string {
			var out []any
			for _, u := range []int64{root, gl, communes[0]} {
				for _, mode := range []indicator.Mode{indicator.AsItWas, indicator.Restated} {
					for _, basis := range []indicator.Basis{indicator.BasisAll, indicator.BasisApproved} {
						d, err := s.Indicators.Dashboard(ctx, s.Admin, indicator.DashboardQuery{UnitID: u, To: oct.End(), N: 12, Mode: mode, Basis: basis, AsOf: today})
						out = append(out, d, err)
						for _, c := range []string{"HS_ALL", "HS_ONLINE_RATE"} {
							q := indicator.Query{IndicatorID: code(t, s, c).ID, UnitID: u, Period: oct, Mode: mode, Basis: basis, AsOf: today}
							b, err := s.Indicators.Breakdown(ctx, s.Admin, q)
							out = append(out, b, err)
							st, err := s.Indicators.StandingOf(ctx, s.Admin, q)
							out = append(out, st, err)
							pts, err := s.Indicators.Series(ctx, s.Admin, q, indicator.Last(indicator.Monthly, today, 36))
							out = append(out, pts, err)
							for _, longer := range []string{"2026", "2026-Q4"} { // figures of several cells
								q.Period = indicator.MustPeriod(longer)
								b, err := s.Indicators.Breakdown(ctx, s.Admin, q)
								out = append(out, b, err)
							}
						}
					}
				}
			}
			b, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		same := func(step string) {
			t.Helper()
			kept := look() // made, or kept from the last look
			again := look()
			restore := indicator.KeepFigures(false)
			whole := look()
			restore()
			if kept != whole || again != whole {
				t.Fatalf("%s: kept figures differ from those made again\nkept %s\nagain %s\nmade %s", step, kept, again, whole)
			}
		}
		same("before any write")
		for _, u := range communes {
			e, err := s.Indicators.GetEntry(ctx, s.Admin, f.ID, u, oct)
			if err != nil {
				t.Fatal(err)
			}
			unlockEntry(t, s, gialai, e)
		}
		same("reports reopened")
		subs := map[int64]*indicator.Submission{}
		for i := range 16 {
			unit := communes[rnd.IntN(len(communes))]
			sub := subs[unit]
			var err error
			what := "save"
			switch {
			case sub != nil && sub.Status == indicator.Submitted && rnd.IntN(2) == 0:
				what = "approve"
				sub, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, "Đã đối chiếu")
			case sub != nil && sub.Status == indicator.Submitted:
				what = "return"
				sub, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActReturn, "Xem lại số hồ sơ")
			case sub != nil && sub.Status == indicator.Approved:
				what = "reopen"
				sub, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActReopen, "Sai số hồ sơ")
			default:
				r := 0.2 + 3*rnd.Float64()
				var vals []indicator.ValueInput
				for c, v := range map[string]float64{"DVC_ELIGIBLE": 120, "DVC_FULL": 110, "HS_ALL": 1200, "HS_ONLINE": 900, "HS_ONTIME": 1150,
					"CKS_ISSUED": 30, "CKS_USED": 28, "DOC_OUT": 300, "DOC_SIGNED": 290, "DX_STAFF": 4, "DX_STAFF_DEDICATED": 1, "DX_STAFF_TRAINED": 4} {
					vals = append(vals, indicator.ValueInput{Code: c, Raw: indicator.Flex(fmt.Sprint(int(v * r))), Comment: "Số liệu kiểm thử"})
				}
				sub, err = s.Indicators.Save(ctx, s.Admin, f.ID, unit, oct, indicator.EntryInput{Values: vals, Submit: rnd.IntN(3) == 0}, "vi", nil)
			}
			if err != nil {
				t.Fatalf("write %d (%s): %v", i, what, err)
			}
			subs[unit] = sub
			same(fmt.Sprintf("after write %d (%s of %d)", i, what, unit))
		}
		if err := s.Indicators.SetThreshold(ctx, s.Admin, 0.6); err != nil {
			t.Fatal(err)
		}
		same("after the threshold changed")
		if st := s.Indicators.Stats(); st.FiguresKept == 0 || st.KeptFigures == 0 {
			t.Fatalf("no figure was kept or found kept: %+v", st)
		}
	})
}
