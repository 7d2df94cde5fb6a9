package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// TestPeriodChoiceKeepsTypedFigures is issue 12's "changing the period
// drop-down reloads the page at once and loses typed figures without
// warning": on a phone, Pleiku's focal person types a figure into
// October's report and then picks another period. The page asks first;
// kept, the figure and October stay; let go, September opens. (The
// browser's confirm box is answered by the test: what is checked is that
// the page asks, with its own words, and obeys the answer.)
func TestPeriodChoiceKeepsTypedFigures(t *testing.T) {
	s := apptest.StartSQLite(t)
	vi := s.Catalog.Printer("vi")
	r := newReporting(t, s)
	b := startBrowser(t, s.URL)
	b.open("/login")
	b.fill(`input[name=login]`, "pleiku")
	b.fill(`input[name=password]`, demo.Password)
	b.click(`form[action="/login"] button`)
	b.open(fmt.Sprintf("/units/%d/forms/%d?period=2026-10", r.pleiku, r.form.ID))

	field := b.eval(`(e => e ? e.name : "")(document.querySelector('form#entry input[name^="v."]:not([readonly]):not([disabled])'))`)
	if field == "" {
		t.Fatal("no figure to type on October's form")
	}
	sel := fmt.Sprintf(`form#entry input[name=%q]`, field)
	b.fill(sel, "4321")
	pick := func(answer bool) {
		b.eval(fmt.Sprintf(`(window.confirm = m => { window.asked = m; return %t; }, "")`, answer))
		b.eval(`(s => { s.value = "2026-09"; s.dispatchEvent(new Event("change", {bubbles: true})); return "" })(document.querySelector('form[data-autosubmit] select[name=period]'))`)
	}

	pick(false)
	if asked := b.eval(`window.asked || ""`); asked != vi.T("entry.unsaved") {
		t.Fatalf("the period was changed over typed figures with no question (asked %q)", asked)
	}
	if loc := b.location(); !strings.Contains(loc, "period=2026-10") {
		t.Fatalf("kept figures, yet the page went to %s", loc)
	}
	if got := b.eval(fmt.Sprintf(`document.querySelector(%s).value`, jsString(sel))); got != "4321" {
		t.Errorf("the typed figure is now %q", got)
	}
	if got := b.eval(`document.querySelector('form[data-autosubmit] select[name=period]').value`); got != "2026-10" {
		t.Errorf("the drop-down shows %s while October's form is open", got)
	}

	pick(true)
	for i := 0; !strings.Contains(b.location(), "period=2026-09"); i++ {
		if i > 100 {
			t.Fatalf("the figures let go, yet the page stayed at %s", b.location())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
