package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/demo"
)

// TestKeyboardOnly: the ward's focal person fills October's report and
// its self-assessment with the keyboard alone, on a phone. The first Tab
// reaches the skip link, which leads past the menu to the content; Tab
// walks the grid in order; the field with the focus is never hidden
// under the sticky save bar; Enter on the submit button sends the form.
func TestKeyboardOnly(t *testing.T) {
	s := apptest.StartSQLite(t)
	vi := s.Catalog.Printer("vi")
	r := newReporting(t, s)
	typed := r.figures(t)
	b := startBrowser(t, s.URL)
	b.open("/login")
	b.fill(`input[name=login]`, "pleiku")
	b.fill(`input[name=password]`, demo.Password)
	b.click(`form[action="/login"] button`)

	b.open(fmt.Sprintf("/units/%d/forms/%d?period=2026-10", r.pleiku, r.form.ID))
	b.key(kb.Tab)
	if got := b.focused(); got != "a.skip" {
		t.Fatalf("the first tab stop is %s, not the skip link", got)
	}
	b.key(kb.Enter)
	if got := b.eval(`document.activeElement.id`); got != "main" {
		t.Fatalf("the skip link leads to #%s, not the content", got)
	}
	// Tab to the first figure, then through the grid typing each figure.
	for i := 0; !strings.HasPrefix(b.focused(), `input[name="v.`); i++ {
		if i > 30 {
			t.Fatalf("30 tab stops from the content and no figure reached (at %s)", b.focused())
		}
		b.key(kb.Tab)
	}
	filled := 0
	for i := 0; b.focused() != `button[value="submit"]`; i++ {
		if i > 200 {
			t.Fatalf("200 tab stops and the submit button not reached (at %s)", b.focused())
		}
		f := b.focused()
		if code, ok := strings.CutPrefix(f, `input[name="v.`); ok {
			if v, ok := typed[strings.TrimSuffix(code, `"]`)]; ok {
				b.key(v)
				filled++
			}
		}
		// a figure far from last month's needs its explanation
		if strings.HasPrefix(f, `input[name="c.`) {
			b.key("Dot cao diem tiep nhan ho so")
		}
		b.visible(f)
		b.key(kb.Tab)
	}
	if filled != len(typed) {
		t.Fatalf("typed %d figures of %d by keyboard", filled, len(typed))
	}
	b.visible(`button[value="submit"]`)
	b.screenshot("keyboard-entry")
	b.load("press Enter on submit", chromedp.KeyEvent(kb.Enter))
	b.wantText(".flash", vi.T("entry.submitted"))

	// The self-assessment: every score field reached by Tab, named, typed.
	b.open(fmt.Sprintf("/assess/rounds/%d/units/%d", r.round, r.pleiku))
	scores := 0
	for i := 0; ; i++ {
		if i > 400 {
			t.Fatalf("400 tab stops and the save button not reached (at %s)", b.focused())
		}
		b.key(kb.Tab)
		f := b.focused()
		if strings.HasPrefix(f, "button.primary") {
			break
		}
		if strings.HasPrefix(f, `input[name="score.`) {
			if name := b.eval(`document.activeElement.getAttribute("aria-label") || ""`); name == "" {
				t.Fatalf("%s has no name", f)
			}
			b.key("0")
			scores++
		}
		b.visible(f)
	}
	if scores == 0 {
		t.Fatal("no score field reached by keyboard")
	}
	b.screenshot("keyboard-scorecard")
	b.load("press Enter on save", chromedp.KeyEvent(kb.Enter))
	b.wantText(".flash", vi.T("assess.scores_saved"))
}

// key types keys into the element with the focus.
func (b *browser) key(keys string) {
	b.t.Helper()
	b.do(fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// focused describes the element with the focus as a CSS selector: its
// tag with its class, its name or its value ("a.skip",
// `input[name="v.HS_ALL"]`, `button[value="submit"]`).
func (b *browser) focused() string {
	b.t.Helper()
	return b.eval(`(e => {
		if (!e || e === document.body) return "body";
		const tag = e.tagName.toLowerCase();
		if (e.value && tag === "button") return tag + '[value="' + e.value + '"]';
		if (e.name) return tag + '[name="' + e.name + '"]';
		if (e.classList.length) return tag + "." + e.classList[0];
		return tag + (e.id ? "#" + e.id : "");
	})(document.activeElement)`)
}

// visible fails unless the element with the focus is inside the window
// and not under a sticky bar.
func (b *browser) visible(what string) {
	b.t.Helper()
	got := b.eval(`(e => {
		const r = e.getBoundingClientRect();
		if (r.bottom <= 0 || r.top >= innerHeight) return "outside the window";
		const bar = document.querySelector(".sticky-actions");
		if (bar && !bar.contains(e)) {
			const br = bar.getBoundingClientRect();
			if (r.bottom > br.top + 1 && r.top < br.bottom) return "under the sticky bar";
		}
		return "";
	})(document.activeElement)`)
	if got != "" {
		b.screenshot("hidden-focus")
		b.t.Fatalf("the focused %s is %s", what, got)
	}
}
