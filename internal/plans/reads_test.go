package plans_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestReadsFromAbove: Phường Pleiku, under the new Gia Lai, reads the old
// Gia Lai's 687/KH-UBND (its province's predecessor gives it tasks to
// carry out), without changing it; a commune of another province does not.
func TestReadsFromAbove(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		pleiku := actor(t, s, "pleiku")
		d687 := docNumbered(t, s, "687/KH-UBND")
		v, err := s.Plans.Plan(ctx, pleiku, d687.ID, s.Org.Today(), plans.Filter{})
		if err != nil {
			t.Fatalf("pleiku opens 687: %v", err)
		}
		if v.Full || v.Manageable {
			t.Errorf("pleiku may change 687: full %v manage %v", v.Full, v.Manageable)
		}
		docs, err := s.Plans.ListDocuments(ctx, pleiku, s.Org.Today())
		if err != nil {
			t.Fatal(err)
		}
		listed := false
		for _, d := range docs {
			listed = listed || d.ID == d687.ID
		}
		if !listed {
			t.Error("687 is not in pleiku's documents")
		}
		if _, err := s.Plans.ParseText(ctx, pleiku, d687.ID, "I. NHIỆM VỤ\n1. Việc (Sở Nội vụ chủ trì; năm 2026)"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("pleiku changes 687: %v", err)
		}
		c := s.Login(t, "pleiku")
		if resp, body := c.Get(fmt.Sprintf("/plans/%d", d687.ID)); resp.StatusCode != 200 || !strings.Contains(string(body), "687/KH-UBND") {
			t.Errorf("pleiku's page of 687: %d", resp.StatusCode)
		}
	})
}

// TestPeriodLabels: a report of the first half is of the first half, a
// quarterly task's reports are of their quarter, a yearly deadline of its
// year.
func TestPeriodLabels(t *testing.T) {
	for p, want := range map[string]string{"2026-H1": "h1 2026 1", "2026-H2": "h2 2026 2", "2026-Q3": "quarter 2026 3", "2026": "year 2026 0", "once": "once 0 0"} {
		k, y, n := plans.PeriodParts(p)
		if got := fmt.Sprint(k, " ", y, " ", n); got != want {
			t.Errorf("%s: %s, want %s", p, got, want)
		}
	}
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		y := s.Org.Today().Year()
		doc, err := s.Plans.CreateDocument(ctx, s.Admin, plans.DocumentInput{Number: "77/KH-UBND", Title: "Kế hoạch thử nhãn kỳ",
			IssuedOn: day.Of(y, 1, 2), OwnerUnitID: province})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := s.Plans.AddTasks(ctx, s.Admin, doc.ID, []plans.TaskInput{
			{Title: "Báo cáo quý", LeadUnitID: kh, Schedule: plans.Quarterly},
			{Title: "Báo cáo 6 tháng", LeadUnitID: kh, Schedule: plans.HalfYearly},
		})
		if err != nil {
			t.Fatal(err)
		}
		quarterly, half := tasks[0].ID, tasks[1].ID
		v, err := s.Plans.GetTask(ctx, s.Admin, quarterly, day.Of(y, 1, 2))
		if err != nil {
			t.Fatal(err)
		}
		// Q1's report, written for the first half-year
		if _, err := s.Plans.WithClock(clockOn(day.Of(y, 3, 20))).SubmitReport(ctx, s.Admin, quarterly, plans.ReportInput{OccurrenceID: v.Occurrences[0].ID,
			Period: fmt.Sprintf("%d-H1", y), Percent: 50, Done: "Đã tổng hợp số liệu quý."}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plans.WithClock(clockOn(day.Of(y, 3, 20))).SubmitReport(ctx, s.Admin, half, plans.ReportInput{
			Period: fmt.Sprintf("%d-H1", y), Percent: 50, Done: "Đã tổng hợp số liệu 6 tháng."}); err != nil {
			t.Fatal(err)
		}
		c := s.Login(t, "gialai")
		_, body := c.Get(fmt.Sprintf("/tasks/%d", quarterly))
		for _, want := range []string{fmt.Sprintf("Quý I năm %d", y), fmt.Sprintf("Quý III năm %d", y)} {
			if !strings.Contains(string(body), want) {
				t.Errorf("the quarterly task's page lacks %q", want)
			}
		}
		_, body = c.Get(fmt.Sprintf("/tasks/%d", half))
		if !strings.Contains(string(body), fmt.Sprintf("6 tháng đầu năm %d", y)) || strings.Contains(string(body), fmt.Sprintf("<b>6 tháng cuối năm %d</b>", y)) {
			t.Errorf("the half-yearly report is not labelled the first half of %d", y)
		}
	})
}

// clockOn is a clock at 09:00 UTC of d.
func clockOn(d day.Day) func() time.Time {
	return func() time.Time { return d.Time().Add(9 * time.Hour) }
}
