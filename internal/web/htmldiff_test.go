package web_test

import "fmt"

// htmlDiff is "" when a page written in Go is its template's bytes, else
// where they first differ with the bytes around it on each side: the one
// message of every "the same HTML as its template" test.
func htmlDiff(byGo, byTemplate string) string {
	if byGo == byTemplate {
		return ""
	}
	i := 0
	for i < len(byGo) && i < len(byTemplate) && byGo[i] == byTemplate[i] {
		i++
	}
	return fmt.Sprintf("differs from its template at byte %d:\n go: %q\ntpl: %q", i,
		byGo[max(0, i-120):min(len(byGo), i+120)], byTemplate[max(0, i-120):min(len(byTemplate), i+120)])
}
