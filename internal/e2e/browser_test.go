package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/db/dbtest"
)

// ChromiumEnv names the variable that can point the tests at another
// Chromium binary (as for scripts/screens); by default they use the
// `chromium` on PATH, which Debian's package installs as /usr/bin/chromium.
const ChromiumEnv = "CHROMIUM"

// ScreenshotsEnv names the variable that keeps the screenshots in a folder.
const ScreenshotsEnv = "MANGLUOI_SCREENSHOTS"

// stepTimeout bounds one browser action. It is no assertion on speed: a
// selector that never appears would otherwise wait until go test's own
// timeout and die without saying which step hung. It is generous because CI
// runs other test binaries beside this one on two cores.
const stepTimeout = 90 * time.Second

// Phone is the viewport the tests browse with: a common small Android
// phone, the narrowest screen the project promises to serve.
var phone = struct{ W, H int64 }{360, 740}

// browser is one Chromium tab driven by a test, with what the page logged.
type browser struct {
	t    *testing.T
	ctx  context.Context // the tab; without deadline, see stepTimeout
	base string          // the server's URL
	dir  string          // where screenshots go
	shot int             // screenshots taken, to number the files in order

	mu       sync.Mutex
	problems []string // console errors, exceptions, failed loads not yet reported
}

// chromiumPath finds the browser, or skips the test (fails it when CI
// requires every test to run).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(ChromiumEnv); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err == nil {
		return p
	}
	if os.Getenv(dbtest.RequireAllEnv) != "" {
		t.Fatalf("chromium is not installed but %s is set: the browser tests must run (apt-get install chromium)", dbtest.RequireAllEnv)
	}
	t.Skip("chromium is not installed (apt-get install chromium); skipping the browser test")
	return ""
}

// startBrowser starts a headless Chromium with a fresh profile, opens a tab
// at phone size and starts collecting console errors. Everything stops when
// the test ends.
func startBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		// CI runs as root, where Chromium's sandbox cannot start.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		// The machines have no network but the package registries: without
		// these, Chromium keeps trying to reach Google's hosts.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		// A Vietnamese phone (the login page speaks Vietnamese whatever
		// the browser's language; see TestShell for an English one).
		chromedp.Flag("lang", "vi-VN"),
		chromedp.Flag("accept-lang", "vi-VN,vi"),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	// Cleanups run last-registered first: the tab, then the browser, and
	// only then t.TempDir removes the profile.
	t.Cleanup(cancelAlloc)
	t.Cleanup(cancelTab)

	b := &browser{t: t, ctx: ctx, base: base, dir: os.Getenv(ScreenshotsEnv)}
	if b.dir == "" {
		b.dir = t.TempDir()
	} else if err := os.MkdirAll(b.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Listen starts the browser. The listener must return at once (it runs
	// on the goroutine that reads the browser's messages), so it only
	// records; each step reports what was recorded.
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatalf("start chromium (%s): %v", exe, err)
	}
	b.do("set a phone viewport", chromedp.EmulateViewport(phone.W, phone.H, chromedp.EmulateMobile, chromedp.EmulatePortrait))
	return b
}

// record keeps what the page reports as an error: a console.error or
// console.assert, an exception nobody caught, and the browser's own error
// entries (a resource that failed to load, a Content-Security-Policy
// violation). Warnings are only logged.
func (b *browser) record(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		text := consoleArgs(ev.Args)
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeAssert:
			problem = fmt.Sprintf("console.%s: %s", ev.Type, text)
		case runtime.ConsoleAPICalledTypeWarning:
			b.t.Logf("console.warn: %s", text)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		problem = fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber, text)
	case *log.EventEntryAdded:
		e := ev.Entry
		switch e.Level {
		case log.EntryLevelError:
			problem = fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL)
		case log.EntryLevelWarning:
			b.t.Logf("browser log warning (%s): %s %s", e.Source, e.Text, e.URL)
		}
	}
	if problem != "" {
		b.mu.Lock()
		b.problems = append(b.problems, problem)
		b.mu.Unlock()
	}
}

func consoleArgs(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Value != nil:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
			} else {
				parts = append(parts, string(a.Value))
			}
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// checkConsole fails the test if the page has logged an error since the
// last check.
func (b *browser) checkConsole(step string) {
	b.t.Helper()
	b.mu.Lock()
	problems := b.problems
	b.problems = nil
	b.mu.Unlock()
	if len(problems) > 0 {
		b.t.Fatalf("%s: the page logged %d error(s):\n  %s", step, len(problems), strings.Join(problems, "\n  "))
	}
}

// step returns a context for one action, bounded by stepTimeout.
func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

// do runs actions that stay on the page (typing, waiting, viewport).
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	b.checkConsole(what)
}

// load runs actions that lead to a new page (a link, a form, an address)
// and waits until that page has loaded; it fails on an HTTP error status.
func (b *browser) load(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	if resp != nil && resp.Status >= 400 {
		b.t.Fatalf("%s: %s answered %d\n%s", what, resp.URL, resp.Status, b.mainText())
	}
	b.checkConsole(what)
}

// open loads a path of the server.
func (b *browser) open(path string) {
	b.t.Helper()
	b.load("open "+path, chromedp.Navigate(b.base+path))
}

// click clicks what a CSS selector finds and waits for the page it leads to.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.reveal(sel)
	b.load("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// reveal opens the folded menu (layout.html's <details>) when what sel
// finds is inside it, by pressing its button as a person on a phone does.
func (b *browser) reveal(sel string) {
	b.t.Helper()
	if b.eval(fmt.Sprintf(`(e => { const d = e && e.closest("details:not([open])"); if (!d) return ""; d.querySelector("summary").click(); return "opened" })(document.querySelector(%s))`, jsString(sel))) == "opened" {
		b.checkConsole("open the menu for " + sel)
	}
}

// clickLink clicks the first link whose visible text is text, inside the
// element that scope (a CSS selector) finds, and waits for the new page.
func (b *browser) clickLink(scope, text string) {
	b.t.Helper()
	b.reveal(scope)
	b.load(fmt.Sprintf("click the link %q in %s", text, scope), chromedp.Click(chromedp.JSPath(
		fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).find(a => a.textContent.replace(/\s+/g, " ").trim() === %s)`,
			jsString(scope+" a"), jsString(text)))))
}

// fill replaces the value of a text field by typing, as a person does, so
// the page's input handlers (htmx) see it.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	// chromedp.SetValue(sel, "") would send no argument for the empty
	// string and leave "undefined" in the field, so clear it in the page.
	b.reveal(sel)
	b.eval(fmt.Sprintf(`(e => (e.value = "", ""))(document.querySelector(%s))`, jsString(sel)))
	b.do(fmt.Sprintf("type %q into %s", value, sel), chromedp.SendKeys(chromedp.CSS(sel), value))
}

// fillDate types a date into a date field. The fields are text fields
// taking dd/mm/yyyy; should one become an <input type=date>, whose typing
// depends on the browser's locale, its value is set in ISO form instead.
func (b *browser) fillDate(sel, ddmmyyyy string) {
	b.t.Helper()
	if b.eval(fmt.Sprintf(`document.querySelector(%s).type`, jsString(sel))) == "date" {
		m := regexp.MustCompile(`^(\d\d)/(\d\d)/(\d{4})$`).FindStringSubmatch(ddmmyyyy)
		b.do("set the date "+sel, chromedp.SetValue(chromedp.CSS(sel), m[3]+"-"+m[2]+"-"+m[1]))
		return
	}
	b.fill(sel, ddmmyyyy)
}

// choose picks an option of a <select> by its value.
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	b.do(fmt.Sprintf("choose %q in %s", value, sel), chromedp.SetValue(chromedp.CSS(sel), value))
}

// eval runs a JavaScript expression that gives a string.
func (b *browser) eval(js string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return s
}

// texts is the text of every element a CSS selector finds, with white
// space collapsed (textContent, so CSS text-transform does not change it).
func (b *browser) texts(sel string) []string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s)).map(e => e.textContent.replace(/\s+/g, " ").trim())`, jsString(sel))))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return out
}

// text is the text of the first element a CSS selector finds, "" if none.
func (b *browser) text(sel string) string {
	b.t.Helper()
	if all := b.texts(sel); len(all) > 0 {
		return all[0]
	}
	return ""
}

// pageHas reports whether the page's text contains s.
func (b *browser) pageHas(s string) bool {
	b.t.Helper()
	return b.eval(fmt.Sprintf(`String(document.body.textContent.replace(/\s+/g, " ").includes(%s))`, jsString(s))) == "true"
}

// wantPage fails unless the page's text contains want.
func (b *browser) wantPage(want string) {
	b.t.Helper()
	if !b.pageHas(want) {
		b.t.Fatalf("want %q on the page %s\n%s", want, b.location(), b.mainText())
	}
}

// mainText is the page's main content, for failure messages.
func (b *browser) mainText() string {
	ctx, cancel := b.step()
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).innerText`))
	if r := []rune(s); len(r) > 1500 {
		s = string(r[:1500]) + "…"
	}
	return s
}

// location is the address of the page shown.
func (b *browser) location() string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// screenshot saves the whole page as NN-name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.shot++
	file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.shot, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// wantText fails unless the element sel finds contains want.
func (b *browser) wantText(sel, want string) {
	b.t.Helper()
	if got := b.text(sel); !strings.Contains(got, want) {
		b.t.Fatalf("%s: want %q, got %q (page %s)\n%s", sel, want, got, b.location(), b.mainText())
	}
}

// wantAmong fails unless one of the elements sel finds has exactly the
// text want.
func (b *browser) wantAmong(sel, want string) {
	b.t.Helper()
	all := b.texts(sel)
	for _, s := range all {
		if s == want {
			return
		}
	}
	b.t.Fatalf("%s: want %q among %q (page %s)", sel, want, all, b.location())
}

// wantNone fails if one of the elements sel finds has the text unwanted.
func (b *browser) wantNone(sel, unwanted string) {
	b.t.Helper()
	for _, s := range b.texts(sel) {
		if s == unwanted {
			b.t.Fatalf("%s: %q should not be there (page %s)", sel, unwanted, b.location())
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// takeProblems returns and forgets what the page reported so far.
func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}
