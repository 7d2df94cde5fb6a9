package indicator_test

import (
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestProvenance: a ward's reported value says who entered it, who
// submitted and approved it, and its history; the province's total names
// the units below that make it (adding up to it) and every expected unit
// it does not count, paged; a rate shows its parts; a year its months; a
// focal person cannot see the province's.
func TestProvenance(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		pleiku, gialai := actor(t, s, "pleiku"), actor(t, s, "gialai")
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		f := form(t, s, demo.MonthlyForm)
		hs := code(t, s, "HS_ALL")
		now := indicator.PeriodOf(indicator.Monthly, s.Org.Today()) // open, not reported in the demo
		var values []indicator.ValueInput
		for c, v := range map[string]string{"DVC_ELIGIBLE": "120", "DVC_FULL": "110", "HS_ALL": "1.200", "HS_ONLINE": "900", "HS_ONTIME": "1150",
			"CKS_ISSUED": "30", "CKS_USED": "28", "DOC_OUT": "300", "DOC_SIGNED": "290", "DX_STAFF": "4", "DX_STAFF_DEDICATED": "1", "DX_STAFF_TRAINED": "4"} {
			values = append(values, indicator.ValueInput{Code: c, Raw: indicator.Flex(v), Comment: "Theo hệ thống một cửa"})
		}
		sub, err := s.Indicators.Save(ctx, pleiku, f.ID, ward, now, indicator.EntryInput{Submit: true, Values: values}, "vi", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, "Đã đối chiếu"); err != nil {
			t.Fatal(err)
		}
		prov := func(ind *indicator.Indicator, unit int64, p indicator.Period, page int) *indicator.Provenance {
			t.Helper()
			pv, err := s.Indicators.Provenance(ctx, gialai, indicator.Query{IndicatorID: ind.ID, UnitID: unit, Period: p, Basis: indicator.BasisApproved}, page)
			if err != nil {
				t.Fatal(err)
			}
			return pv
		}
		pv := prov(hs, ward, now, 1)
		if pv.Kind != indicator.FromReport || pv.Own == nil || pv.Own.Value == nil || *pv.Own.Value != 1200 || !pv.Own.Counted {
			t.Fatalf("the ward's own value: kind %s, own %+v", pv.Kind, pv.Own)
		}
		o := pv.Own
		if o.Submission == nil || o.Submission.Status != indicator.Approved || o.SubmittedBy != s.User(t, "pleiku").DisplayName ||
			o.ReviewedBy != s.User(t, "gialai").DisplayName || o.Source != "form" || o.UpdatedBy != s.User(t, "pleiku").DisplayName {
			t.Fatalf("who: submitted by %q, reviewed by %q, entered by %q (%s), submission %+v", o.SubmittedBy, o.ReviewedBy, o.UpdatedBy, o.Source, o.Submission)
		}
		var set, approved bool
		for _, h := range o.History {
			set = set || h.Action == "indicator_value.set" && h.After != nil && *h.After == 1200 && h.Comment == "Theo hệ thống một cửa"
			approved = approved || h.Action == "submission.approved" && h.Comment == "Đã đối chiếu"
		}
		if !set || !approved {
			t.Fatalf("history lacks the entry or the approval: %+v", o.History)
		}

		// the province's last ended month: partly reported
		last := demo.LastEnded(indicator.Monthly, s.Org.Today())
		pv = prov(hs, gl, last, 1)
		if pv.Kind != indicator.FromRollup || len(pv.Children) == 0 {
			t.Fatalf("province: kind %s, %d children", pv.Kind, len(pv.Children))
		}
		sum := 0.0
		for _, c := range pv.Children {
			sum += c.V()
		}
		if !near(sum, pv.Figure.V()) {
			t.Fatalf("the units below add up to %v, the figure is %v", sum, pv.Figure.V())
		}
		if pv.MissingTotal == 0 || pv.MissingTotal != pv.Figure.Expected-pv.Figure.Reported || len(pv.Missing) != min(pv.MissingTotal, indicator.ProvenancePageSize) {
			t.Fatalf("missing %d (%d on the page), figure %d/%d", pv.MissingTotal, len(pv.Missing), pv.Figure.Reported, pv.Figure.Expected)
		}
		seen := map[int64]bool{}
		for _, m := range pv.Missing {
			if m.Name == "" {
				t.Fatalf("a missing unit without a name: %+v", m)
			}
			seen[m.UnitID] = true
		}
		if p2 := prov(hs, gl, last, 2); len(p2.Missing) != max(0, min(pv.MissingTotal-indicator.ProvenancePageSize, indicator.ProvenancePageSize)) {
			t.Fatalf("page 2 names %d of %d", len(p2.Missing), pv.MissingTotal)
		} else {
			for _, m := range p2.Missing {
				if seen[m.UnitID] {
					t.Fatalf("page 2 repeats %s", m.Name)
				}
			}
		}
		// a rate: its parts
		rate := prov(code(t, s, "HS_ONLINE_RATE"), gl, last, 1)
		if rate.Kind != indicator.FromFormula || len(rate.Parts) != 2 {
			t.Fatalf("rate: kind %s, parts %+v", rate.Kind, rate.Parts)
		}
		// a year: its months
		year := indicator.MustPeriod(last.Key()[:4])
		if y := prov(hs, gl, year, 1); y.Kind != indicator.FromPeriods || len(y.Periods) != 12 {
			t.Fatalf("year: kind %s, %d periods", y.Kind, len(y.Periods))
		}
		// scope
		if _, err := s.Indicators.Provenance(ctx, pleiku, indicator.Query{IndicatorID: hs.ID, UnitID: gl, Period: last}, 1); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a ward's focal person saw the province's provenance: %v", err)
		}
	})
}
