package indicator_test

import (
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestReconciliation: the demo's deliberate discrepancies are in the
// province's list with the register's figure beside the reported one;
// the reviewer of Pleiku's quarterly report sees its team count differ,
// and cannot approve it without a comment; the tolerance is an
// administrator's setting.
func TestReconciliation(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		today := s.Org.Today()
		found := map[string]indicator.Difference{}
		for _, year := range []int{demo.LastEnded(indicator.Quarterly, today).Year, demo.LastEnded(indicator.Monthly, today).Year} {
			l, err := s.Indicators.Discrepancies(ctx, gialai, gl, year, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range l.Items {
				found[d.UnitName+" "+d.Indicator.Code] = d
			}
		}
		for _, want := range demo.Discrepancies {
			d, ok := found[want.Unit+" "+want.Indicator]
			if !ok {
				t.Fatalf("the list misses %s's %s (%d listed)", want.Unit, want.Indicator, len(found))
			}
			if d.Measured == nil || d.Diff != want.Extra || !d.Beyond || d.SubmissionID == 0 {
				t.Errorf("%s %s: reported %v, measured %v, diff %v (want +%v), beyond %v", want.Unit, want.Indicator, d.Reported, d.Measured, d.Diff, want.Extra, d.Beyond)
			}
		}
		if len(found) != len(demo.Discrepancies) {
			t.Errorf("%d differences listed, the demo has %d: %v", len(found), len(demo.Discrepancies), found)
		}
		// Pleiku's report, awaiting review
		d := found["Phường Pleiku CT_TEAMS"]
		sub, err := s.Indicators.GetSubmission(ctx, gialai, d.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		diffs, err := s.Indicators.SubmissionDifferences(ctx, gialai, sub)
		if err != nil {
			t.Fatal(err)
		}
		var teams *indicator.Difference
		for i := range diffs {
			if diffs[i].Indicator.Code == "CT_TEAMS" {
				teams = &diffs[i]
			}
		}
		if teams == nil || teams.Diff != 10 || !teams.Beyond {
			t.Fatalf("the reviewer does not see the teams differ: %+v", diffs)
		}
		audit := s.AuditLen(t)
		_, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, "")
		wantKey(t, err, "indicator.err.difference_comment")
		if s.AuditLen(t) != audit {
			t.Fatal("a refused approval wrote to the audit log")
		}
		// the tolerance
		if err := s.Indicators.SetTolerance(ctx, gialai, 0.5); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a coordinator changed the tolerance: %v", err)
		}
		wantKey(t, s.Indicators.SetTolerance(ctx, s.Admin, 0.9), "indicator.err.tolerance")
		if err := s.Indicators.SetTolerance(ctx, s.Admin, 0.5); err != nil {
			t.Fatal(err)
		}
		if tol, _ := s.Indicators.Tolerance(ctx); tol != 0.5 {
			t.Fatalf("tolerance %v", tol)
		}
		_, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, "")
		wantKey(t, err, "indicator.err.difference_comment") // 10 teams more than 8 is beyond half
		if _, err := s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, "Đã hỏi phường: 10 tổ mới đang thành lập"); err != nil {
			t.Fatal(err)
		}
		// a focal person's list is their own ward's
		l, err := s.Indicators.Discrepancies(ctx, pleiku, 0, d.Period.Year, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range l.Items {
			if x.UnitName != "Phường Pleiku" {
				t.Errorf("Pleiku's focal person sees %s's difference", x.UnitName)
			}
		}
		if _, err := s.Indicators.Discrepancies(ctx, pleiku, gl, d.Period.Year, 0, 0); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("Pleiku's focal person saw the province's list: %v", err)
		}
	})
}
