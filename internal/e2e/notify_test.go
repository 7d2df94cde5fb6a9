package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// TestReminderReachesPleiku is issue 12's "a reminder reaching its
// recipient", on a phone: the coordinator reminds Phường Pleiku from the
// completeness page of last month's report; Pleiku's focal person signs
// in, the bell counts it, the notifications page says what to report and
// by when, and its link opens the report to fill in.
func TestReminderReachesPleiku(t *testing.T) {
	s := apptest.StartSQLite(t)
	vi := s.Catalog.Printer("vi")
	ctx := context.Background()
	ward := s.UnitNamed(t, "Phường Pleiku").UnitID
	forms, err := s.Indicators.Forms(ctx, s.User(t, "gialai").Actor())
	if err != nil {
		t.Fatal(err)
	}
	var form *indicator.Form
	for _, f := range forms {
		if f.PeriodType == indicator.Monthly && f.Active {
			form = f
			break
		}
	}
	if form == nil {
		t.Fatal("the demo has no monthly form")
	}
	last := demo.LastEnded(indicator.Monthly, s.Org.Today())

	b := startBrowser(t, s.URL)
	login := func(who string) {
		b.open("/login")
		b.fill(`input[name=login]`, who)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
	}
	login("gialai")
	b.open(fmt.Sprintf("/forms/%d/completeness?period=%s&unit=%d", form.ID, last.Key(), ward))
	b.screenshot("remind-before")
	b.click(fmt.Sprintf(`form[action="/forms/%d/remind"] button`, form.ID))
	b.wantPage(vi.T("complete.reminded"))
	b.click(`form[action="/logout"] button`)

	login("pleiku")
	// the bell is filled by htmx once the page has loaded
	bell := ""
	for i := 0; i < 50 && bell == ""; i++ {
		time.Sleep(100 * time.Millisecond)
		bell = b.text(".bell .count")
	}
	if bell == "" || bell == "0" {
		t.Errorf("Pleiku's bell counts %q", bell)
	}
	b.click(`a.bell`)
	b.wantText("main h1", vi.T("notice.title"))
	want := vi.T("notice.reminder", "Due", vi.Date(form.Due(last)), "Task", form.NameVI+" · "+last.Label("vi"))
	b.wantAmong("ul.notices li.unread a", want)
	b.screenshot("reminder-received")
	b.clickLink("ul.notices", want)
	if loc := b.location(); !strings.Contains(loc, fmt.Sprintf("/units/%d/forms/%d?period=%s", ward, form.ID, last.Key())) {
		t.Errorf("the reminder's link opens %s", loc)
	}
	b.checkConsole("the end")
}
