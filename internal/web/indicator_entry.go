package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

type entryPage struct {
	indPage
	E        *indicator.Entry
	Periods  []indicator.Period
	Typed    map[string]string // what the user typed, shown again after a mistake
	Comments map[string]string
	Bad      map[string]bool // items with an error
	Standing *indicator.Standing
	// Diffs: the report's figures beside the registers' (reconciliation)
	Diffs []indicator.Difference
}

// Typed value of an item, as stored or as typed.
func (p *entryPage) Input(ind *indicator.Indicator) string {
	if v, ok := p.Typed[ind.Code]; ok {
		return v
	}
	return p.Val(p.E.Values[ind.ID], ind)
}

// Comment of an item, as stored or as typed.
func (p *entryPage) Comment(ind *indicator.Indicator) string {
	if v, ok := p.Comments[ind.Code]; ok {
		return v
	}
	if v := p.E.Values[ind.ID]; v != nil {
		return v.Comment
	}
	return ""
}

// Prev is last period's value of an item, for the hint beside the input.
func (p *entryPage) Prev(ind *indicator.Indicator) string {
	v := p.E.Previous[ind.ID]
	if v == nil {
		return ""
	}
	if ind.Type == indicator.Text {
		return ""
	}
	return p.Val(v, ind)
}

func (s *Server) entryData(r *http.Request) (*entryPage, error) {
	unit, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	formID, err := httpx.PathID(r, "form")
	if err != nil {
		return nil, err
	}
	ep := &entryPage{indPage: s.indPage(r, "forms"), Typed: map[string]string{}, Comments: map[string]string{}, Bad: map[string]bool{}}
	f, err := s.Indicators.GetForm(r.Context(), ep.Actor, formID)
	if err != nil {
		return nil, err
	}
	p, err := reportPeriod(r, f.PeriodType, &ep.Page)
	if err != nil {
		return nil, err
	}
	if ep.E, err = s.Indicators.GetEntry(r.Context(), ep.Actor, formID, unit, p); err != nil {
		return nil, err
	}
	ep.Title = f.Name(ep.L.Lang)
	ep.Periods = indicator.Last(f.PeriodType, ep.AsOf, 13)
	if ep.E.Submission != nil {
		if ep.Diffs, err = s.Indicators.SubmissionDifferences(r.Context(), ep.Actor, ep.E.Submission); err != nil {
			return nil, err
		}
	}
	return ep, nil
}

// entryShow is a unit's form for a period: a grid to type into (each
// input tabbed to in order, numeric keypad on a phone), last period's
// figures beside, the status, the review and the evidence.
func (s *Server) entryShow(w http.ResponseWriter, r *http.Request) {
	ep, err := s.entryData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "entry", http.StatusOK, ep)
}

// entrySave stores the grid (action=save) or stores and submits it
// (action=submit); nothing is stored if anything is wrong.
func (s *Server) entrySave(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		unit, err := httpx.PathID(r, "id")
		if err != nil {
			return "", "", err
		}
		formID, err := httpx.PathID(r, "form")
		if err != nil {
			return "", "", err
		}
		f, err := s.Indicators.GetForm(r.Context(), httpx.Actor(r), formID)
		if err != nil {
			return "", "", err
		}
		p, err := indicator.ParsePeriod(r.FormValue("period"))
		if err != nil {
			return "", "", err
		}
		in := indicator.EntryInput{Submit: r.FormValue("action") == "submit"}
		for _, it := range f.Entered() {
			if _, sent := r.Form["v."+it.Code]; !sent {
				continue
			}
			in.Values = append(in.Values, indicator.ValueInput{Code: it.Code, Raw: indicator.Flex(r.FormValue("v." + it.Code)), Comment: r.FormValue("c." + it.Code)})
		}
		var uploads []indicator.Upload
		if r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File["evidence"] {
				fl, err := fh.Open()
				if err != nil {
					return "", "", errs.Invalidf("files.err.unreadable").At(0, "evidence")
				}
				defer fl.Close()
				uploads = append(uploads, indicator.Upload{Name: fh.Filename, Body: fl})
			}
		}
		if _, err := s.Indicators.Save(r.Context(), httpx.Actor(r), formID, unit, p, in, s.printer(r).Lang, uploads); err != nil {
			return "", "", err
		}
		msg := "entry.saved"
		if in.Submit {
			msg = "entry.submitted"
		}
		return fmt.Sprintf("/units/%d/forms/%d?period=%s", unit, formID, p.Key()), msg, nil
	}, func(errors []string, form map[string]string) {
		ep, err := s.entryData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ep.Errors = errors
		for k, v := range form {
			if code, ok := strings.CutPrefix(k, "v."); ok {
				ep.Typed[code] = v
			}
			if code, ok := strings.CutPrefix(k, "c."); ok {
				ep.Comments[code] = v
			}
		}
		for _, e := range errors {
			for _, it := range ep.E.Form.Items {
				if strings.Contains(e, it.Code) || strings.Contains(e, it.Name(ep.L.Lang)) {
					ep.Bad[it.Code] = true
				}
			}
		}
		s.render(w, r, "entry", http.StatusUnprocessableEntity, ep)
	})
}

// submissionAct submits, approves, returns or reopens a report.
func (s *Server) submissionAct(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		action := r.FormValue("action")
		sub, err := s.Indicators.Act(r.Context(), httpx.Actor(r), id, action, r.FormValue("comment"))
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/units/%d/forms/%d?period=%s", sub.UnitID, sub.FormID, sub.Period.Key()), "entry.done." + action, nil
	}, func(errors []string, form map[string]string) {
		sub, err := s.Indicators.GetSubmission(r.Context(), httpx.Actor(r), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		q.Set("period", sub.Period.Key())
		r.URL.RawQuery = q.Encode()
		r.SetPathValue("id", fmt.Sprint(sub.UnitID))
		r.SetPathValue("form", fmt.Sprint(sub.FormID))
		r.Form.Set("period", sub.Period.Key())
		ep, err := s.entryData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ep.Errors = errors
		s.render(w, r, "entry", http.StatusUnprocessableEntity, ep)
	})
}
