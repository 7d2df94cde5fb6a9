package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// settingsPage shows the settings that apply to every scope: for now the
// completeness threshold below which a figure is marked incomplete.
type settingsPage struct {
	Page
	Threshold float64
	Tolerance float64 // reconciliation: the share a report may differ from its register unremarked
	Form      map[string]string
}

func (s *Server) settingsData(r *http.Request) (*settingsPage, error) {
	sp := &settingsPage{Page: s.page(r, "")}
	sp.Title, sp.Nav = sp.L.T("settings.title"), "indicators"
	var err error
	if sp.Threshold, err = s.Indicators.Threshold(r.Context()); err != nil {
		return nil, err
	}
	if sp.Tolerance, err = s.Indicators.Tolerance(r.Context()); err != nil {
		return nil, err
	}
	sp.Form = map[string]string{"threshold": strconv.FormatFloat(sp.Threshold*100, 'f', -1, 64),
		"tolerance": strconv.FormatFloat(sp.Tolerance*100, 'f', -1, 64)}
	return sp, nil
}

// settingsShow shows the settings; everyone may read them, administrators
// change them.
func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request) {
	sp, err := s.settingsData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "settings", http.StatusOK, sp)
}

// settingsSave changes the completeness threshold, typed as a percentage.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		field := "threshold" // each setting has its own form
		if err := r.ParseForm(); err != nil {
			return "", "", err
		}
		if _, ok := r.PostForm["tolerance"]; ok {
			field = "tolerance"
		}
		raw := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.FormValue(field)), "%"))
		v, err := strconv.ParseFloat(strings.ReplaceAll(raw, ",", "."), 64)
		if err != nil || raw == "" {
			return "", "", errs.Invalidf("indicator.err.not_number", "Value", r.FormValue(field)).At(0, field)
		}
		set := s.Indicators.SetThreshold
		if field == "tolerance" {
			set = s.Indicators.SetTolerance
		}
		if err := set(r.Context(), httpx.Actor(r), v/100); err != nil {
			return "", "", err
		}
		return "/admin/settings", "settings.saved", nil
	}, func(errors []string, form map[string]string) {
		sp, err := s.settingsData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sp.Form, sp.Errors = form, errors
		s.render(w, r, "settings", http.StatusUnprocessableEntity, sp)
	})
}
