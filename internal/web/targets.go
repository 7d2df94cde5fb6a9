package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/people"
)

type targetsPage struct {
	Page
	Targets []people.Target
}

// targetList shows the targets every unit is measured against.
func (s *Server) targetList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	tp := &targetsPage{Page: p}
	tp.Title, tp.Nav = p.L.T("targets.title"), "compliance"
	var err error
	if tp.Targets, err = s.People.AllTargets(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "targets", http.StatusOK, tp)
}

type targetFormPage struct {
	Page
	ID     int64
	Form   map[string]string
	Rules  []people.Rule
	Levels []people.TargetLevel
}

func (s *Server) targetForm(w http.ResponseWriter, r *http.Request, id int64, form map[string]string, errors []string, status int) {
	p := s.page(r, "")
	fp := &targetFormPage{Page: p, ID: id, Form: form, Rules: people.Rules, Levels: people.TargetLevels}
	fp.Title, fp.Nav, fp.Errors = p.L.T("targets.edit"), "compliance", errors
	s.render(w, r, "target_form", status, fp)
}

func (s *Server) targetEdit(w http.ResponseWriter, r *http.Request) {
	if !httpx.Actor(r).Can(auth.PermConfigure) {
		s.fail(w, r, errs.ForbiddenErr())
		return
	}
	form := map[string]string{"goal": "100", "active": "on", "level": "commune", "rule": "focal", "param": "1"}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = httpx.PathID(r, "id"); err != nil {
			s.fail(w, r, err)
			return
		}
		ts, err := s.People.AllTargets(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		found := false
		for _, t := range ts {
			if t.ID == id {
				found = true
				p := s.printer(r)
				form = map[string]string{"code": t.Code, "rule": string(t.Rule), "level": string(t.Level),
					"param": strconv.FormatFloat(t.Param, 'f', -1, 64), "goal": strconv.FormatFloat(t.Goal*100, 'f', -1, 64),
					"deadline": p.Date(t.Deadline), "title_vi": t.TitleVI, "title_en": t.TitleEN, "basis": t.Basis}
				if !t.Baseline.IsZero() {
					form["baseline"] = p.Date(t.Baseline)
				}
				if t.Active {
					form["active"] = "on"
				}
			}
		}
		if !found {
			s.fail(w, r, errs.NotFoundErr())
			return
		}
	}
	s.targetForm(w, r, id, form, nil, http.StatusOK)
}

func (s *Server) targetSave(w http.ResponseWriter, r *http.Request) {
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = httpx.PathID(r, "id"); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.act(w, r, func() (string, string, error) {
		in := people.TargetInput{Code: r.FormValue("code"), Rule: people.Rule(r.FormValue("rule")), Level: people.TargetLevel(r.FormValue("level")),
			TitleVI: r.FormValue("title_vi"), TitleEN: r.FormValue("title_en"), Basis: r.FormValue("basis"), Active: r.FormValue("active") == "on"}
		var err error
		if in.Param, err = formFloat(r, "param"); err != nil {
			return "", "", err
		}
		if in.Goal, err = formFloat(r, "goal"); err != nil {
			return "", "", err
		}
		in.Goal /= 100 // typed as a percentage
		if in.Deadline, err = formDate(r, "deadline", true); err != nil {
			return "", "", err
		}
		if in.Baseline, err = formDate(r, "baseline", false); err != nil {
			return "", "", err
		}
		t, err := s.People.SaveTarget(r.Context(), httpx.Actor(r), id, in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/admin/targets#t%d", t.ID), "targets.saved", nil
	}, func(errors []string, form map[string]string) {
		s.targetForm(w, r, id, form, errors, http.StatusUnprocessableEntity)
	})
}
