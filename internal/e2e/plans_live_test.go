package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestPlansLiveOnPhone is issue 11's "done when" in a browser at 360 px,
// from a fresh demo: after a review the coordinator extends a deadline and
// reassigns a task (the history shows both), cancels one and carries one
// over; the task given to every commune shows x/N; Phường Pleiku reports its
// part; the H1 review table counts started and done per group; Pleiku reads
// 687/KH-UBND; the period labels are right.
func TestPlansLiveOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	vi := s.Catalog.Printer("vi")
	ctx := context.Background()
	today := s.Org.Today()
	y := today.Year()
	login := func(who string) {
		b.open("/login")
		b.fill(`input[name=login]`, who)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
	}
	logout := func() { b.click(`form[action="/logout"] button`) }
	gialai := s.User(t, "gialai").Actor()
	var d125, d687 int64
	docs, err := s.Plans.ListDocuments(ctx, gialai, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		switch d.Number {
		case "125/KH-UBND":
			d125 = d.ID
		case "687/KH-UBND":
			d687 = d.ID
		}
	}
	v, err := s.Plans.Plan(ctx, gialai, d125, today, plans.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	code := map[string]plans.TaskRow{}
	for _, g := range v.Groups {
		for _, r := range g.Tasks {
			code[r.Code] = r
		}
	}
	communes := 0
	snap, _ := s.Org.Snapshot(ctx)
	snap.Walk(v.Document.OwnerUnitID, today, func(u *org.Version) bool {
		if u.Level == org.LevelCommune {
			communes++
		}
		return true
	})

	// the coordinator sees the task of every commune as 2/N
	login("gialai")
	b.open(fmt.Sprintf("/plans/%d", d125))
	b.wantPage(vi.T("plans.class.progress", "Done", "2", "Total", fmt.Sprint(communes)))
	b.screenshot("plan-class-task")
	b.open(fmt.Sprintf("/tasks/%d", code["9"].ID))
	b.wantText("#not-done h2", vi.T("plans.class.not_done")+fmt.Sprintf(" (%d)", communes-2))
	b.screenshot("class-task-not-done")

	// after the review: extend a deadline, then reassign the same task (its
	// supporting unit becomes its lead: a third line says it no longer supports)
	b.open(fmt.Sprintf("/tasks/%d", code["1"].ID))
	b.eval(`(document.querySelector("details#change").open = true, "")`)
	b.fillDate(`form[action$="/change"] input[name=due_on]`, fmt.Sprintf("31/12/%d", y))
	b.fill(`form[action$="/change"] input[name=reason]`, "Chờ kết nối hệ thống chuyên ngành của Bộ")
	b.fill(`form[action$="/change"] input[name=decision_doc]`, "Công văn 15/UBND-KGVX")
	b.click(`form[action$="/change"] button.primary`)
	b.eval(`(document.querySelector("details#change").open = true, "")`)
	b.choose(`form[action$="/change"] select[name=lead_unit_id]`, fmt.Sprint(code["3"].LeadUnitID))
	b.fill(`form[action$="/change"] input[name=reason]`, "Giao Văn phòng UBND tỉnh chủ trì sau rà soát 6 tháng")
	b.click(`form[action$="/change"] button.primary`)
	if h := b.texts("ul.history li"); len(h) < 2 || !strings.Contains(h[0], "Công văn 15/UBND-KGVX") || !strings.Contains(h[1], code["3"].LeadName) {
		t.Fatalf("the history: %q", h)
	}
	b.screenshot("task-history")

	// cancel one, carry one over into the same plan with a new deadline
	b.open(fmt.Sprintf("/tasks/%d", code["7"].ID))
	b.eval(`(document.querySelector("details#close").open = true, "")`)
	b.fill(`form[action$="/cancel"] input[name=reason]`, "Chợ xã đã giải thể sau sắp xếp")
	b.click(`form[action$="/cancel"] button.danger`)
	b.wantPage(vi.T("plans.cancelled_on", "Date", today.VN()))
	b.open(fmt.Sprintf("/tasks/%d", code["4"].ID))
	b.eval(`(document.querySelector("details#close").open = true, "")`)
	b.fillDate(`form[action$="/carry"] input[name=due_on]`, fmt.Sprintf("31/12/%d", y))
	b.fill(`form[action$="/carry"] input[name=reason]`, "Chưa hoàn thành, chuyển sang kỳ sau")
	b.click(`form[action$="/carry"] button`)
	b.wantPage(vi.T("plans.carried_from"))

	// the H1 review: started and done per group
	b.open(fmt.Sprintf("/plans/%d?d=%s", d125, day.Of(y, 6, 30)))
	b.wantText("main h2", vi.T("plans.review.title"))
	if rows := b.texts("table.review tbody tr"); len(rows) == 0 {
		t.Fatal("no review table")
	}
	b.screenshot("plan-review-h1")
	logout()

	// Phường Pleiku reports its part of the task of every commune
	login("pleiku")
	b.open("/tasks")
	b.clickLink("main", code["9"].Title)
	b.wantPage(vi.T("plans.class.assignment_of"))
	b.choose(`select[name=status]`, "completed")
	b.fillDate(`input[name=completed_on]`, today.VN())
	b.fill(`textarea[name=done]`, "Rà soát 212 thủ tục, 100% đủ điều kiện đã trực tuyến toàn trình.")
	b.click(`form[action$="/reports"] button.primary`)
	b.wantText(".flash", vi.T("plans.reported"))
	b.screenshot("pleiku-part-reported")

	// it reads 687/KH-UBND; its half-yearly task's periods are labelled
	b.open(fmt.Sprintf("/plans/%d", d687))
	b.wantText("main h1", "687/KH-UBND")
	b.open(fmt.Sprintf("/tasks/%d", code["6"].ID))
	b.wantPage(vi.T("plans.period.h1", "Year", y))
	b.wantPage(vi.T("plans.period.h2", "Year", y))
	if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "360" {
		wide := b.eval(`Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > 362).slice(0, 5).map(e => e.tagName + "." + e.className + ":" + e.textContent.slice(0, 60)).join(" | ")`)
		t.Errorf("the task page is %s px wide on a 360 px phone: %s", w, wide)
	}
}
