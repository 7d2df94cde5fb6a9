package web

import (
	"bytes"
	"html/template"
	"net/http"
	"os"
)

// PlansPagesBoth builds r's task list (page "tasks") or plans dashboard
// ("plans_dashboard") and writes its content twice: in Go (tasksHTML,
// planDashHTML), and by the template it replaced
// (testdata/<page>_template.html with the shared partials), for
// TestPlansPagesHTML.
func (s *Server) PlansPagesBoth(r *http.Request, page string) (byGo, byTemplate string, err error) {
	var data any
	var body template.HTML
	switch page {
	case "tasks":
		tp, err := s.taskListData(r)
		if err != nil {
			return "", "", err
		}
		data, body = tp, tasksHTML(tp)
	default:
		dp, err := s.planDashData(r)
		if err != nil {
			return "", "", err
		}
		data, body = dp, planDashHTML(dp)
	}
	t, err := s.pages[page].shared.Clone()
	if err != nil {
		return "", "", err
	}
	if t, err = t.ParseFS(os.DirFS("testdata"), page+"_template.html"); err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", data); err != nil {
		return "", "", err
	}
	return string(body), buf.String(), nil
}
