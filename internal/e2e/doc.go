// Package e2e holds the end-to-end browser tests: they start the real
// server (internal/apptest) and drive Debian's Chromium with chromedp, as a
// person on a phone would, failing on any error the page logs to its
// console.
//
// The tests skip when Chromium is not installed, unless
// MANGLUOI_TEST_REQUIRE_ALL is set (CI sets it), and then they fail.
// MANGLUOI_SCREENSHOTS=dir keeps the screenshots of the main steps in dir
// (otherwise they go to a temporary folder), so a developer can look at
// what a user sees.
package e2e
