package web

import (
	"bytes"
	"html/template"
	"math"
	"net/http"
	"os"
	"testing"

	"github.com/mangluoi/mangluoi/internal/locale"
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
		dp.reviews() // the template's review rows; planDashHTML does without
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

// CheckNum compares hw.num with locale.Printer.Int, for TestNumIsInt.
func CheckNum(t *testing.T) {
	cat := locale.MustLoadCatalog()
	for _, lang := range []string{"vi", "en"} {
		l := cat.Printer(lang)
		for _, n := range []int{0, 1, -1, 9, 12, 999, 1000, -1000, 12345, 999999, 1000000, -1234567, 2950, math.MaxInt64, math.MinInt64 + 1} {
			w := newHW(0)
			if got, want := string(w.num(l, n).b), l.Int(n); got != want {
				t.Errorf("%s %d: num wrote %q, Int %q", lang, n, got, want)
			}
		}
	}
}

// SetDashUnitsMax bounds the plans dashboard's lead units to n until the
// function it returns is called.
func SetDashUnitsMax(n int) (restore func()) {
	old := dashUnitsMax
	dashUnitsMax = n
	return func() { dashUnitsMax = old }
}
