package web

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
)

// pagesInGo are the pages whose parts are written in Go (h16ind), each with
// the data its handler renders and the template it replaced, kept in
// testdata.
var pagesInGo = map[string]struct {
	file string
	data func(s *Server, r *http.Request) (any, error)
}{
	"compliance": {"compliance_template.html", func(s *Server, r *http.Request) (any, error) { return s.complianceShowData(r) }},
	"indicators": {"indicators_template.html", func(s *Server, r *http.Request) (any, error) { return s.dashboardData(r) }},
	"network":    {"network_template.html", func(s *Server, r *http.Request) (any, error) { return s.coverageData(r) }},
	"indicator":  {"indicator_template.html", func(s *Server, r *http.Request) (any, error) { return s.indicatorData(r) }},
}

// ContentBoth builds page's data for r (r signed in) and writes its
// content twice: by the page's template now, and by the template it
// replaced (testdata), with the shared partials, for
// TestPagesAsTheirTemplates.
func (s *Server) ContentBoth(page string, r *http.Request) (now, was string, err error) {
	pg, ok := pagesInGo[page]
	if !ok {
		return "", "", fmt.Errorf("no page %q written in Go", page)
	}
	data, err := pg.data(s, r)
	if err != nil {
		return "", "", err
	}
	t, err := s.pages[page].template()
	if err != nil {
		return "", "", err
	}
	var a, b bytes.Buffer
	if err := t.ExecuteTemplate(&a, "content", data); err != nil {
		return "", "", err
	}
	old, err := s.pages[page].shared.Clone()
	if err != nil {
		return "", "", err
	}
	if old, err = old.ParseFS(os.DirFS("testdata"), pg.file); err != nil {
		return "", "", err
	}
	if err := old.ExecuteTemplate(&b, "content", data); err != nil {
		return "", "", err
	}
	return a.String(), b.String(), nil
}
