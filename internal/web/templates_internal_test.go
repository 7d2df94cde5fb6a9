package web

import (
	"html/template"
	"regexp"
	"testing"
)

var templateCall = regexp.MustCompile(`{{template "([^"]+)"`)

// TestPagesHoldWhatTheyCall: a page's template set (assemble) holds, for
// every template its entries ("layout.html", "content") reach, the same
// parse tree as a clone of every shared template with the page's file
// (how pages were made before), and fewer templates than the clone: the
// ones it leaves out are what it saves (issue 14, item 4).
func TestPagesHoldWhatTheyCall(t *testing.T) {
	s, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	var held, cloned int
	for name, p := range s.pages {
		got, err := p.template()
		if err != nil {
			t.Fatal(err)
		}
		full, err := p.shared.Clone()
		if err == nil {
			full, err = full.ParseFS(templateFS, p.file)
		}
		if err != nil {
			t.Fatal(err)
		}
		held += len(got.Templates())
		cloned += len(full.Templates())
		sameReach(t, name, got, full)
	}
	shell, err := p0(s).shared.Clone()
	if err == nil {
		shell, err = shell.Parse(`{{define "content"}}{{.Content}}{{end}}`)
	}
	if err != nil {
		t.Fatal(err)
	}
	sameReach(t, "shell", s.shellT, shell)
	if held*2 > cloned {
		t.Errorf("the pages hold %d templates, their clones %d: most partials should be left out", held, cloned)
	}
}

func p0(s *Server) *page {
	for _, p := range s.pages {
		return p
	}
	return nil
}

// sameReach compares the trees got and full reach from the pages' entries.
func sameReach(t *testing.T, page string, got, full *template.Template) {
	t.Helper()
	todo, seen := []string{"layout.html", "content"}, map[string]bool{}
	for len(todo) > 0 {
		n := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[n] {
			continue
		}
		seen[n] = true
		want := full.Lookup(n)
		if want == nil || want.Tree == nil {
			t.Errorf("%s: %q called but not defined in the clone", page, n)
			continue
		}
		g := got.Lookup(n)
		if g == nil || g.Tree == nil {
			t.Errorf("%s: %q reached but not held", page, n)
			continue
		}
		if g.Tree.Root.String() != want.Tree.Root.String() {
			t.Errorf("%s: %q differs from the clone's", page, n)
		}
		// the calls read from the tree's text, not by calls(): the walker is what is tested
		for _, m := range templateCall.FindAllStringSubmatch(want.Tree.Root.String(), -1) {
			todo = append(todo, m[1])
		}
	}
}
