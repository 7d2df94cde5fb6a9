package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/imports"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

type formListPage struct {
	indPage
	Duties []indicator.Duty
	Forms  []*indicator.Form
}

// formList shows what the user's own unit owes (with the reports due soon
// or overdue flagged: the reminder before and after the due date) and the
// report forms that concern them.
func (s *Server) formList(w http.ResponseWriter, r *http.Request) {
	fp := &formListPage{indPage: s.indPage(r, "forms")}
	fp.Title = fp.L.T("forms.title")
	var err error
	if fp.Duties, err = s.Indicators.Duties(r.Context(), fp.Actor); err != nil {
		s.fail(w, r, err)
		return
	}
	if fp.Forms, err = s.Indicators.Forms(r.Context(), fp.Actor); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "forms", http.StatusOK, fp)
}

type formEditPage struct {
	indPage
	F          *indicator.Form
	Form       map[string]string
	Items      map[string]bool
	Kinds      map[string]bool
	Indicators []*indicator.Indicator
	Choices    indicatorChoices
	Editable   bool
	Current    indicator.Period
	UnitName   string
}

func (s *Server) formEditData(r *http.Request, f *indicator.Form) (*formEditPage, error) {
	fp := &formEditPage{indPage: s.indPage(r, "forms"), F: f, Choices: indChoices, Items: map[string]bool{}, Kinds: map[string]bool{},
		Form: map[string]string{"period_type": "month", "due_days": "5"}}
	var err error
	if fp.Indicators, err = s.Indicators.List(r.Context(), fp.Actor, false); err != nil {
		return nil, err
	}
	t, err := s.Org.For(r.Context(), fp.Actor)
	if err != nil {
		return nil, err
	}
	designer := fp.Actor.Role == "admin" || fp.Actor.Role == "coordinator"
	if f == nil {
		fp.Title, fp.Editable = fp.L.T("forms.new"), designer
		return fp, nil
	}
	fp.Title = f.Name(fp.L.Lang)
	fp.Editable = designer && t.InScope(f.OwnerUnitID)
	fp.Current = indicator.PeriodOf(f.PeriodType, fp.AsOf).Prev()
	fp.Form = map[string]string{"code": f.Code, "name_vi": f.NameVI, "name_en": f.NameEN, "period_type": string(f.PeriodType),
		"due_days": fmt.Sprint(f.DueDays)}
	if !f.Active {
		fp.Form["inactive"] = "on"
	}
	for _, it := range f.Items {
		fp.Items[it.Code] = true
	}
	for _, k := range f.Kinds {
		fp.Kinds[string(k)] = true
	}
	var names []string
	for _, u := range f.UnitIDs {
		if v := t.Latest(u); v != nil && t.InScope(u) {
			names = append(names, v.Name)
		}
	}
	fp.UnitName = strings.Join(names, ", ")
	return fp, nil
}

func (s *Server) formNew(w http.ResponseWriter, r *http.Request) {
	fp, err := s.formEditData(r, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "form_edit", http.StatusOK, fp)
}

func reportFormInput(r *http.Request) (indicator.FormInput, error) {
	in := indicator.FormInput{Code: r.FormValue("code"), NameVI: r.FormValue("name_vi"), NameEN: r.FormValue("name_en"),
		PeriodType: indicator.PeriodType(r.FormValue("period_type")), Indicators: r.Form["indicator"], Inactive: r.FormValue("inactive") != ""}
	for _, k := range r.Form["kind"] {
		in.Kinds = append(in.Kinds, indicator.Kind(k))
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.FormValue("due_days")))
	if err != nil {
		return in, errs.Invalidf("indicator.err.due_days").At(0, "due_days")
	}
	in.DueDays = n
	if in.OwnerUnitID, err = formInt64(r, "owner_unit_id"); err != nil {
		return in, err
	}
	u, err := formInt64(r, "unit_id")
	if err != nil {
		return in, err
	}
	if u != 0 {
		in.UnitIDs = []int64{u}
	}
	return in, nil
}

func (s *Server) formCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in, err := reportFormInput(r)
		if err != nil {
			return "", "", err
		}
		f, err := s.Indicators.CreateForm(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/forms/%d", f.ID), "forms.saved", nil
	}, func(errors []string, form map[string]string) {
		fp, err := s.formEditData(r, nil)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fp.Form, fp.Errors = form, errors
		for _, c := range r.Form["indicator"] {
			fp.Items[c] = true
		}
		for _, k := range r.Form["kind"] {
			fp.Kinds[k] = true
		}
		s.render(w, r, "form_edit", http.StatusUnprocessableEntity, fp)
	})
}

func (s *Server) formShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.Indicators.GetForm(r.Context(), httpx.Actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fp, err := s.formEditData(r, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "form_edit", http.StatusOK, fp)
}

func (s *Server) formUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		in, err := reportFormInput(r)
		if err != nil {
			return "", "", err
		}
		if _, err := s.Indicators.UpdateForm(r.Context(), httpx.Actor(r), id, in); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/forms/%d", id), "forms.saved", nil
	}, func(errors []string, form map[string]string) {
		f, err := s.Indicators.GetForm(r.Context(), httpx.Actor(r), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fp, err := s.formEditData(r, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fp.Form, fp.Errors = form, errors
		fp.Items, fp.Kinds = map[string]bool{}, map[string]bool{}
		for _, c := range r.Form["indicator"] {
			fp.Items[c] = true
		}
		for _, k := range r.Form["kind"] {
			fp.Kinds[k] = true
		}
		s.render(w, r, "form_edit", http.StatusUnprocessableEntity, fp)
	})
}

type completenessPage struct {
	indPage
	C        *indicator.Completeness
	Periods  []indicator.Period
	Missing  []indicator.UnitStatus
	Designer bool
	Chart    string
	ChartAlt string // the chart's summary
	Nested   bool   // the parts hold several units each (worth a table)
}

// reportPeriod reads ?period= (or the form field), the last period that has
// ended by default.
func reportPeriod(r *http.Request, t indicator.PeriodType, p *Page) (indicator.Period, error) {
	if q := strings.TrimSpace(r.FormValue("period")); q != "" {
		return indicator.ParsePeriod(q)
	}
	return indicator.PeriodOf(t, p.AsOf).Prev(), nil
}

func (s *Server) completenessData(r *http.Request) (*completenessPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	cp := &completenessPage{indPage: s.indPage(r, "forms")}
	f, err := s.Indicators.GetForm(r.Context(), cp.Actor, id)
	if err != nil {
		return nil, err
	}
	p, err := reportPeriod(r, f.PeriodType, &cp.Page)
	if err != nil {
		return nil, err
	}
	if cp.C, err = s.Indicators.Complete(r.Context(), cp.Actor, id, p, indQueryUnit(r, &cp.Page)); err != nil {
		return nil, err
	}
	cp.Title = f.Name(cp.L.Lang)
	cp.Periods = indicator.Last(f.PeriodType, cp.AsOf, 12)
	cp.Missing = cp.C.NotReported()
	cp.Designer = cp.Actor.Role == "admin" || cp.Actor.Role == "coordinator"
	type bar struct {
		Kind   string   `json:"kind"`
		Labels []string `json:"labels"`
		Series []string `json:"series"`
		Stack  [][]int  `json:"stack"`
	}
	b := bar{Kind: "stack", Series: []string{cp.L.T("complete.on_time"), cp.L.T("complete.late"), cp.L.T("complete.missing")}, Stack: [][]int{{}, {}, {}}}
	for _, g := range cp.C.Groups {
		cp.Nested = cp.Nested || g.Expected > 1
		b.Labels = append(b.Labels, g.Name)
		b.Stack[0] = append(b.Stack[0], g.OnTime)
		b.Stack[1] = append(b.Stack[1], g.Late)
		b.Stack[2] = append(b.Stack[2], g.Missing)
	}
	if len(b.Labels) > 1 {
		cp.Chart = chartJSON(b)
		// the table beside the chart holds its figures; the label says them
		cp.ChartAlt = cp.L.T("complete.chart_summary", "N", cp.L.Int(len(b.Labels)), "OnTime", cp.L.Int(cp.C.Counts.OnTime),
			"Late", cp.L.Int(cp.C.Counts.Late), "Missing", cp.L.Int(cp.C.Counts.Missing))
	}
	return cp, nil
}

// formCompleteness shows, for a form and period, who was expected to
// report, who did (on time or late), who has not, per unit and rolled up.
func (s *Server) formCompleteness(w http.ResponseWriter, r *http.Request) {
	cp, err := s.completenessData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "form_completeness", http.StatusOK, cp)
}

// formRemind reminds every unit that has not reported.
func (s *Server) formRemind(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		f, err := s.Indicators.GetForm(r.Context(), httpx.Actor(r), id)
		if err != nil {
			return "", "", err
		}
		p, err := indicator.ParsePeriod(r.FormValue("period"))
		if err != nil {
			return "", "", err
		}
		if p.Type != f.PeriodType {
			return "", "", errs.Invalidf("indicator.err.period_type", "Value", p.Key(), "Type", string(f.PeriodType)).At(0, "period")
		}
		unit, err := formInt64(r, "unit_id")
		if err != nil {
			return "", "", err
		}
		if _, err := s.Indicators.Remind(r.Context(), httpx.Actor(r), id, p, unit); err != nil {
			return "", "", err
		}
		next := fmt.Sprintf("/forms/%d/completeness?period=%s", id, p.Key())
		if unit != 0 {
			next += fmt.Sprintf("&unit=%d", unit)
		}
		return next, "complete.reminded", nil
	}, func(errors []string, form map[string]string) {
		cp, err := s.completenessData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cp.Errors = errors
		s.render(w, r, "form_completeness", http.StatusUnprocessableEntity, cp)
	})
}

// formTemplate sends a form's spreadsheet for a period, to fill in and
// import.
func (s *Server) formTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "")
	f, err := s.Indicators.GetForm(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	period, err := reportPeriod(r, f.PeriodType, &p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.Indicators.Template(r.Context(), p.Actor, id, period, p.L.Lang, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("mau-bao-cao", strings.ToLower(f.Code), period.Key()), sheet.XLSXType, buf.Bytes())
}

type importValuesPage struct {
	indPage
	Forms []*indicator.Form
	// Imported is what an import that ended wrote.
	Imported *indicator.PushResult
}

func (s *Server) valuesImportForm(w http.ResponseWriter, r *http.Request) {
	ip := &importValuesPage{indPage: s.indPage(r, "forms")}
	ip.Title = ip.L.T("forms.import")
	var err error
	if ip.Forms, err = s.Indicators.Forms(r.Context(), ip.Actor); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "values_import", http.StatusOK, ip)
}

// valuesImport reads values from a CSV or XLSX file: all or nothing, as an
// import job (see startImport).
func (s *Server) valuesImport(w http.ResponseWriter, r *http.Request) {
	actor := httpx.Actor(r)
	data, name, err := httpx.FileBytes(r, "file", MaxUpload)
	if err != nil {
		ip := &importValuesPage{indPage: s.indPage(r, "forms")}
		ip.Title, ip.Errors = ip.L.T("forms.import"), ip.L.Errs(err)
		ip.Forms, _ = s.Indicators.Forms(r.Context(), ip.Actor)
		s.render(w, r, "values_import", http.StatusUnprocessableEntity, ip)
		return
	}
	submit, lang := r.FormValue("submit") != "", s.printer(r).Lang
	s.startImport(w, r, importJob{kind: "values", unit: actor.ScopeUnitID, file: name, size: len(data),
		work: func(ctx context.Context) (any, []*errs.Error, error) {
			res, err := s.Indicators.Import(ctx, actor, bytes.NewReader(data), name, submit, lang)
			return res, nil, err
		},
		errors: func(l *locale.Printer, err error) []string { return l.Errs(err) }})
}

func (s *Server) valuesJobShow(w http.ResponseWriter, r *http.Request, j *imports.Job, res *jobResult, status int) {
	ip := &importValuesPage{indPage: s.indPage(r, "forms")}
	ip.Title = ip.L.T("forms.import")
	ip.Errors = j.Errors[ip.L.Lang]
	if j.Status == imports.Done {
		if err := json.Unmarshal(res.Data, &ip.Imported); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	var err error
	if ip.Forms, err = s.Indicators.Forms(r.Context(), ip.Actor); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "values_import", status, ip)
}
