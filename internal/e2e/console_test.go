package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
)

// TestConsoleErrorsAreCaught proves the harness itself: each kind of
// error a broken page can produce reaches the browser's record, so that a
// passing browser test means a clean console and not a deaf listener.
func TestConsoleErrorsAreCaught(t *testing.T) {
	s := apptest.StartSQLite(t)
	b := startBrowser(t, s.URL)
	b.open("/login")

	kinds := map[string]string{
		"console.error": `console.error("e2e-console-error")`,
		"exception":     `setTimeout(() => { throw new Error("e2e-uncaught") }, 0)`,
		"failed load":   `document.body.appendChild(Object.assign(document.createElement("img"), {src: "/static/e2e-missing.png"}))`,
		// The Content-Security-Policy forbids inline scripts.
		"csp violation": `document.body.appendChild(Object.assign(document.createElement("script"), {textContent: "1"}))`,
	}
	want := map[string]string{
		"console.error": "e2e-console-error",
		"exception":     "e2e-uncaught",
		"failed load":   "e2e-missing.png",
		"csp violation": "Content Security Policy",
	}
	for kind, js := range kinds {
		t.Run(kind, func(t *testing.T) {
			ctx, cancel := b.step()
			defer cancel()
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](js+"; null")); err != nil {
				t.Fatal(err)
			}
			// The report comes asynchronously (a timer, a load): wait for
			// it, polling the page so the browser's messages are read.
			var seen []string
			for ctx.Err() == nil {
				seen = append(seen, b.takeProblems()...)
				if strings.Contains(strings.Join(seen, "\n"), want[kind]) {
					return
				}
				chromedp.Do(ctx, chromedp.Sleep(50*time.Millisecond))
			}
			t.Fatalf("no report with %q; got %q", want[kind], seen)
		})
	}
}
