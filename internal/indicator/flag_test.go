package indicator_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
)

// TestFlaggedAfterApproval: Pleiku's quarterly report is approved with the
// register's team count beside it; then a team is registered with a
// decision dated inside that quarter. The approved report is flagged "Số
// liệu đo đã thay đổi sau khi duyệt" with the count then and now — on its
// page and in its API, in the form's completeness list (page and API), in
// the reconciliation list (service, page, workbook, API). Reopened, it is
// no longer an approved report and the flag goes.
func TestFlaggedAfterApproval(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gialai, pleiku := actor(t, s, "gialai"), actor(t, s, "pleiku")
		ward := s.UnitNamed(t, "Phường Pleiku").UnitID
		q := demo.LastEnded(indicator.Quarterly, s.Org.Today())
		l, err := s.Indicators.Discrepancies(ctx, gialai, 0, q.Year, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sub *indicator.Submission
		for _, d := range l.Items {
			if d.UnitID == ward && d.Indicator.Code == "CT_TEAMS" && d.Period == q {
				if sub, err = s.Indicators.GetSubmission(ctx, gialai, d.SubmissionID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if sub == nil || sub.Status != indicator.Submitted {
			t.Fatalf("Pleiku's quarterly report is not awaiting review: %+v", sub)
		}
		teams := measured(t, s, "REG_TEAMS", ward, q.Key())
		if _, err := s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, "Đã hỏi phường: 10 tổ mới đang thành lập"); err != nil {
			t.Fatal(err)
		}
		e, err := s.Indicators.GetEntry(ctx, gialai, sub.FormID, ward, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.MeasuredChanges) != 0 {
			t.Fatalf("flagged as it is approved: %+v", e.MeasuredChanges)
		}

		// a team whose decision is dated inside the approved quarter
		village := villageWithoutTeam(t, s, ward, q.End())
		if _, err := s.Network.CreateTeam(ctx, pleiku, network.TeamInput{UnitID: village.UnitID, DecisionNumber: "77/QĐ-UBND",
			DecisionDate: q.End().AddDays(-10)}, nil); err != nil {
			t.Fatal(err)
		}
		e, err = s.Indicators.GetEntry(ctx, gialai, sub.FormID, ward, q)
		if err != nil {
			t.Fatal(err)
		}
		var ch *indicator.MeasuredChange
		for i := range e.MeasuredChanges {
			if e.MeasuredChanges[i].Indicator.Code == "REG_TEAMS" {
				ch = &e.MeasuredChanges[i]
			}
		}
		if ch == nil || ch.Old == nil || ch.New == nil || *ch.Old != teams || *ch.New != teams+1 {
			t.Fatalf("the report is not flagged with %v → %v teams: %+v", teams, teams+1, e.MeasuredChanges)
		}

		// its API
		gl := s.TokenClient(t, "gialai")
		var ej api.EntryJSON
		if st := gl.JSON("GET", fmt.Sprintf("/api/v1/units/%d/forms/%d?period=%s", ward, sub.FormID, q.Key()), nil, &ej); st != http.StatusOK {
			t.Fatalf("the report's API: %d", st)
		}
		if !hasChange(ej.MeasuredChanges, "REG_TEAMS", teams, teams+1) {
			t.Errorf("the report's API lacks the change: %+v", ej.MeasuredChanges)
		}
		// its page, for the reviewer and for the ward
		for _, login := range []string{"gialai", "pleiku"} {
			res, body := s.Login(t, login).Get(fmt.Sprintf("/units/%d/forms/%d?period=%s", ward, sub.FormID, q.Key()))
			if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Số liệu đo đã thay đổi sau khi duyệt") || !strings.Contains(string(body), `id="measured-changed"`) {
				t.Errorf("%s: the report's page (%d) does not say its measured figures changed", login, res.StatusCode)
			}
		}

		// the form's completeness list
		c, err := s.Indicators.Complete(ctx, gialai, sub.FormID, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		flagged := map[int64]bool{}
		for _, u := range c.MeasuredChanged() {
			flagged[u.UnitID] = true
		}
		if len(flagged) != 1 || !flagged[ward] {
			t.Errorf("the completeness list flags %v, want only Pleiku", flagged)
		}
		var cj api.CompletenessJSON
		if st := gl.JSON("GET", fmt.Sprintf("/api/v1/forms/%d/completeness?period=%s", sub.FormID, q.Key()), nil, &cj); st != http.StatusOK {
			t.Fatalf("completeness API: %d", st)
		}
		n := 0
		for _, u := range cj.Units {
			if u.MeasuredChanged {
				n++
				if u.UnitID != ward {
					t.Errorf("completeness API flags %s", u.Name)
				}
			}
		}
		if n != 1 {
			t.Errorf("completeness API flags %d reports", n)
		}
		res, body := s.Login(t, "gialai").Get(fmt.Sprintf("/forms/%d/completeness?period=%s", sub.FormID, q.Key()))
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Số liệu đo đã thay đổi sau khi duyệt") {
			t.Errorf("the completeness page (%d) does not flag the report", res.StatusCode)
		}

		// the reconciliation list: the service, its API, its page and workbook
		l, err = s.Indicators.Discrepancies(ctx, gialai, 0, q.Year, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var row *indicator.Difference
		for i, d := range l.Items {
			if d.UnitID == ward && d.Indicator.Code == "CT_TEAMS" && d.Period == q {
				row = &l.Items[i]
			}
		}
		if row == nil || !row.MeasuredChanged || row.AtApproval == nil || *row.AtApproval != teams || *row.Measured != teams+1 || row.Status != indicator.Approved {
			t.Fatalf("the reconciliation list does not flag it: %+v", row)
		}
		var lj indicator.DiscrepancyList
		if st := gl.JSON("GET", fmt.Sprintf("/api/v1/reconciliation?year=%d", q.Year), nil, &lj); st != http.StatusOK {
			t.Fatalf("reconciliation API: %d", st)
		}
		n = 0
		for _, d := range lj.Items {
			if d.MeasuredChanged {
				n++
			}
		}
		if n == 0 {
			t.Error("the reconciliation API flags nothing")
		}
		res, body = s.Login(t, "gialai").Get(fmt.Sprintf("/reconciliation?year=%d", q.Year))
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Số liệu đo đã thay đổi sau khi duyệt") {
			t.Errorf("the reconciliation page (%d) does not flag the report", res.StatusCode)
		}
		res, body = s.Login(t, "gialai").Get(fmt.Sprintf("/reconciliation.xlsx?year=%d", q.Year))
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("the workbook: %d", res.StatusCode)
		}

		// reopened: no longer an approved report, no longer flagged
		if _, err := s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActReopen, "Số tổ đã thay đổi, phường cập nhật lại."); err != nil {
			t.Fatal(err)
		}
		if e, err = s.Indicators.GetEntry(ctx, gialai, sub.FormID, ward, q); err != nil || len(e.MeasuredChanges) != 0 {
			t.Fatalf("a reopened report is still flagged: %v %+v", err, e.MeasuredChanges)
		}
	})
}

func hasChange(cs []indicator.MeasuredChange, code string, old, new float64) bool {
	for _, c := range cs {
		if c.Indicator != nil && c.Indicator.Code == code && c.Old != nil && c.New != nil && *c.Old == old && *c.New == new {
			return true
		}
	}
	return false
}
