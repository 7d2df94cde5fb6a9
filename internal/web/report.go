package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/report"
)

// registerReports adds the pages of the periodic reports.
func (s *Server) registerReports(page func(method, pattern string, h http.HandlerFunc)) {
	page("GET", "/periodic-reports", s.reportList)
	page("POST", "/periodic-reports", s.reportCreate)
	page("GET", "/periodic-reports/{id}", s.reportShow)
	page("POST", "/periodic-reports/{id}", s.reportSave)
	page("GET", "/periodic-reports/{id}/edit", s.reportEdit)
	page("POST", "/periodic-reports/{id}/issue", s.reportIssue)
	page("POST", "/periodic-reports/{id}/discard", s.reportDiscard)
	page("GET", "/periodic-reports/{id}/print", s.reportPrint)
	page("GET", "/periodic-reports/{id}/report.docx", s.reportFile(report.FileDOCX))
	page("GET", "/periodic-reports/{id}/report.pdf", s.reportFile(report.FilePDF))
	page("GET", "/periodic-reports/{id}/annexes.xlsx", s.reportFile(report.FileXLSX))
}

// periodChoice is a period offered in a drop-down list.
type periodChoice struct {
	Key, Label string
}

// periodChoices are the periods a writer most likely means on a date: the
// six months, quarter, nine months and year that ended last, then those
// under way, then the earlier ones. The first is the default.
func periodChoices(today day.Day, lang string) []periodChoice {
	var out []periodChoice
	seen := map[string]bool{}
	add := func(p report.Period, err error) {
		if err != nil || seen[p.Key()] || p.From.After(today) {
			return
		}
		seen[p.Key()] = true
		label := p.Label()
		if lang == "en" {
			label = p.LabelEN()
		}
		if today.Before(p.To) {
			label += " *"
		}
		out = append(out, periodChoice{p.Key(), label})
	}
	y := today.Year()
	ended := func(t report.PeriodType, n int) (report.Period, error) {
		for year := y; year >= y-2; year-- {
			p, err := report.NewPeriod(t, year, n, report.Calendar)
			if err == nil && p.To.Before(today) {
				return p, nil
			}
		}
		return report.Period{}, fmt.Errorf("none")
	}
	add(report.LastHalf(today), nil)
	add(report.NewPeriod(report.Year, y-1, 0, report.Calendar))
	for q := 4; q >= 1; q-- {
		if p, err := ended(report.Quarter, q); err == nil && p.Year == y {
			add(p, nil)
			break
		}
	}
	add(ended(report.NineMonths, 0))
	add(report.NewPeriod(report.Half, y, 2, report.Calendar))
	add(report.NewPeriod(report.Year, y, 0, report.Calendar))
	add(report.NewPeriod(report.Half, y-1, 1, report.Calendar))
	add(report.NewPeriod(report.Half, y-1, 2, report.Calendar))
	for q := 4; q >= 1; q-- {
		add(report.NewPeriod(report.Quarter, y, q, report.Calendar))
	}
	add(report.NewPeriod(report.Year, y-2, 0, report.Calendar))
	return out
}

type reportListPage struct {
	Page
	Unit     *org.Version
	Reports  []report.Report
	Periods  []periodChoice
	Form     map[string]string
	CanWrite bool
	// the units below and their reports of a period and kind
	Chain       *report.ReportingFigs
	ChainPeriod report.Period
	ChainKind   string
	ChainKey    string
	Kinds       []report.Kind
	// LowerSent are the units below that have sent (or are drafting) their
	// report, LowerMissing those that have not begun it.
	LowerSent, LowerMissing []report.LowerFig
}

// PeriodLabel names a report's period in the page's language.
func (p *Page) PeriodLabel(r report.Period) string {
	if p.L.Lang == "en" {
		return r.LabelEN()
	}
	return r.Label()
}

func (s *Server) reportListData(r *http.Request) (*reportListPage, error) {
	p := s.page(r, "")
	lp := &reportListPage{Page: p, Form: map[string]string{}, Kinds: report.Kinds}
	lp.Title, lp.Nav = p.L.T("report.title"), "reports"
	unit := indQueryUnit(r, &lp.Page)
	t, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	if lp.Unit, _, err = t.Unit(unit, p.Today); err != nil {
		return nil, err
	}
	lp.CanWrite = p.Actor.Can(auth.PermEnterData) && t.At(unit, p.Today) != nil
	lp.Periods = periodChoices(p.Today, p.L.Lang)
	if lp.Reports, err = s.Reports.List(r.Context(), p.Actor, report.Filter{UnitID: unit}); err != nil {
		return nil, err
	}
	lp.ChainKey, lp.ChainKind = r.URL.Query().Get("period"), r.URL.Query().Get("kind")
	if lp.ChainKey == "" && len(lp.Periods) > 0 {
		lp.ChainKey = lp.Periods[0].Key
	}
	if lp.ChainKind == "" {
		lp.ChainKind = string(report.Review)
	}
	if len(report.Lower(t.Snapshot, unit, p.Today)) > 0 {
		var period *report.Period
		if lp.Chain, period, err = s.Reports.Chain(r.Context(), p.Actor, unit, report.Kind(lp.ChainKind), lp.ChainKey); err != nil {
			return nil, err
		}
		lp.ChainPeriod = *period
		for _, l := range lp.Chain.Lower {
			if l.Status == "" {
				lp.LowerMissing = append(lp.LowerMissing, l)
			} else {
				lp.LowerSent = append(lp.LowerSent, l)
			}
		}
	}
	if len(lp.Periods) > 0 {
		lp.Form["period"] = lp.Periods[0].Key
	}
	lp.Form["unit_id"] = fmt.Sprint(unit)
	lp.Form["kind"] = string(report.Review)
	lp.Form["cutoff"] = string(report.Calendar)
	return lp, nil
}

// reportList lists a unit's reports, offers to draft one, and shows which
// of the units below have sent theirs for a period.
func (s *Server) reportList(w http.ResponseWriter, r *http.Request) {
	lp, err := s.reportListData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "reports", http.StatusOK, lp)
}

// reportInput reads the form that drafts a report; "range" takes the dates.
func reportInput(r *http.Request) (report.Input, error) {
	in := report.Input{Kind: report.Kind(r.FormValue("kind")), Period: r.FormValue("period"), Cutoff: report.Cutoff(r.FormValue("cutoff"))}
	var err error
	if in.UnitID, err = formInt64(r, "unit_id"); err != nil {
		return in, err
	}
	if in.Supersedes, err = formInt64(r, "supersedes_id"); err != nil {
		return in, err
	}
	if in.Period == "range" {
		from, err := formDate(r, "period_from", true)
		if err != nil {
			return in, err
		}
		to, err := formDate(r, "period_to", true)
		if err != nil {
			return in, err
		}
		in.Period = from.String() + ".." + to.String()
	}
	return in, nil
}

func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in, err := reportInput(r)
		if err != nil {
			return "", "", err
		}
		rep, err := s.Reports.Create(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/periodic-reports/%d", rep.ID), "report.created", nil
	}, func(errors []string, form map[string]string) {
		lp, err := s.reportListData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lp.Errors, lp.Form = errors, form
		s.render(w, r, "reports", http.StatusUnprocessableEntity, lp)
	})
}

type reportPage struct {
	Page
	V        *report.View
	Problems []string
	Form     map[string]string
	// Sections are the parts of the prose with the fields each may name,
	// for the editing form.
	Sections []reportSection
	Remarks  []report.RemarkFig
}

// reportSection is one part of the prose in the editing form.
type reportSection struct {
	Key, Label string
	Text       string
	Fields     []report.Field
}

func (s *Server) reportData(r *http.Request) (*reportPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	p := s.page(r, "")
	rp := &reportPage{Page: p, Form: map[string]string{}}
	if rp.V, err = s.Reports.View(r.Context(), p.Actor, id); err != nil {
		return nil, err
	}
	rp.Title, rp.Nav = rp.V.Report.Title, "reports"
	for _, e := range rp.V.Problems {
		rp.Problems = append(rp.Problems, p.L.Err(e))
	}
	rp.Form["issue_date"] = p.Today.VN()
	rp.Form["signer_position"] = rp.V.Report.Heading.Position
	rp.Form["authority"] = rp.V.Report.Heading.Authority
	rp.Form["signer"] = rp.V.Report.Heading.Signer
	return rp, nil
}

// reportShow shows a report: the document as it will print, what may be
// done with it, and once issued its number, files, audit entry and the
// figures that have changed since.
func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) {
	rp, err := s.reportData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "report", http.StatusOK, rp)
}

// reportPrint is the document alone, laid out for the printer.
func (s *Server) reportPrint(w http.ResponseWriter, r *http.Request) {
	rp, err := s.reportData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "report_print", http.StatusOK, rp)
}

// sectionLabels name the parts of the prose in the form.
var sectionLabels = map[string]string{"opening": "report.section.opening", "apparatus": "report.section.apparatus",
	"network": "report.section.network", "plans": "report.section.plans", "indicators": "report.section.indicators",
	"assessment": "report.section.assessment", "issues": "report.section.issues", "directions": "report.section.directions",
	"proposals": "report.section.proposals"}

// sectionOrder is the parts in the form's order.
var sectionOrder = []string{"opening", "apparatus", "network", "plans", "indicators", "assessment", "issues", "directions", "proposals"}

// editForm fills the editing form: the report's texts, or what was typed.
func (rp *reportPage) editForm(typed map[string]string) {
	rep := rp.V.Report
	texts := map[string]string{"opening": rep.Sections.Opening, "apparatus": rep.Sections.Apparatus, "network": rep.Sections.Network,
		"plans": rep.Sections.Plans, "indicators": rep.Sections.Indicators, "assessment": rep.Sections.Assessment, "issues": rep.Sections.Issues,
		"directions": rep.Sections.Directions, "proposals": rep.Sections.Proposals}
	h := rep.Heading
	rp.Form = map[string]string{"report_title": rep.Title, "issuer_parent": h.Parent, "issuer": h.Issuer, "symbol": h.Symbol,
		"report_place": h.Place, "authority": h.Authority, "signer_position": h.Position, "signer": h.Signer, "recipients": h.Recipients}
	for k, v := range texts {
		rp.Form["section_"+k] = v
	}
	for k, v := range typed {
		rp.Form[k] = v
	}
	byField := map[string][]report.Field{}
	for _, f := range rp.V.Fields {
		byField[f.Section] = append(byField[f.Section], f)
	}
	for _, k := range sectionOrder {
		if !rep.Kind.Has(k) {
			continue
		}
		fields := byField[k]
		rp.Sections = append(rp.Sections, reportSection{Key: k, Label: rp.L.T(sectionLabels[k]), Text: rp.Form["section_"+k], Fields: fields})
	}
	for _, m := range rp.V.Figures.Remarks {
		if m.Proposals != "" {
			rp.Remarks = append(rp.Remarks, m)
		}
	}
}

// reportEdit is the form that changes a draft's words.
func (s *Server) reportEdit(w http.ResponseWriter, r *http.Request) {
	rp, err := s.reportData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rp.V.Report.Frozen() || !rp.V.Writable {
		s.fail(w, r, errs.New(errs.Conflict, "report.err.frozen"))
		return
	}
	rp.editForm(nil)
	s.render(w, r, "report_edit", http.StatusOK, rp)
}

// reportSave saves a draft's words.
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		title := r.FormValue("report_title")
		in := report.Update{Title: &title, Heading: &report.Heading{Parent: r.FormValue("issuer_parent"), Issuer: r.FormValue("issuer"),
			Symbol: r.FormValue("symbol"), Place: r.FormValue("report_place"), Authority: r.FormValue("authority"),
			Position: r.FormValue("signer_position"), Signer: r.FormValue("signer"), Recipients: r.FormValue("recipients")},
			Sections: &report.Sections{Opening: r.FormValue("section_opening"), Apparatus: r.FormValue("section_apparatus"),
				Network: r.FormValue("section_network"), Plans: r.FormValue("section_plans"), Indicators: r.FormValue("section_indicators"),
				Assessment: r.FormValue("section_assessment"), Issues: r.FormValue("section_issues"),
				Directions: r.FormValue("section_directions"), Proposals: r.FormValue("section_proposals")}}
		for _, v := range r.PostForm["pick"] {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return "", "", errs.Invalidf("err.bad_id", "Value", v).At(0, "pick_proposals")
			}
			in.Pick = append(in.Pick, n)
		}
		if _, err := s.Reports.Update(r.Context(), httpx.Actor(r), id, in); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/periodic-reports/%d", id), "report.saved", nil
	}, func(errors []string, form map[string]string) {
		rp, err := s.reportData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rp.Errors = errors
		if rp.V.Report.Frozen() || !rp.V.Writable { // nothing to edit: the report as it stands
			s.render(w, r, "report", http.StatusUnprocessableEntity, rp)
			return
		}
		rp.editForm(form)
		s.render(w, r, "report_edit", http.StatusUnprocessableEntity, rp)
	})
}

// reportIssue gives a draft its number, date and signer.
func (s *Server) reportIssue(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		in := report.IssueInput{Signer: r.FormValue("signer"), Position: r.FormValue("signer_position"), Authority: r.FormValue("authority")}
		n, err := formInt64(r, "doc_number")
		if err != nil {
			return "", "", err
		}
		if n > report.MaxNumber {
			return "", "", errs.Invalidf("report.err.bad_number", "Max", report.MaxNumber).At(0, "doc_number")
		}
		in.Number = int(n)
		if in.Date, err = formDate(r, "issue_date", true); err != nil {
			return "", "", err
		}
		if _, err := s.Reports.Issue(r.Context(), httpx.Actor(r), id, in); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/periodic-reports/%d", id), "report.issued", nil
	}, func(errors []string, form map[string]string) {
		rp, err := s.reportData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rp.Errors = errors
		for k, v := range form {
			rp.Form[k] = v
		}
		rp.Form["open_issue"] = "1"
		s.render(w, r, "report", http.StatusUnprocessableEntity, rp)
	})
}

// reportDiscard deletes a draft.
func (s *Server) reportDiscard(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		rep, err := s.Reports.Get(r.Context(), httpx.Actor(r), id)
		if err != nil {
			return "", "", err
		}
		if err := s.Reports.Discard(r.Context(), httpx.Actor(r), id); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/periodic-reports?unit=%d", rep.UnitID), "report.discarded", nil
	}, func(errors []string, form map[string]string) {
		rp, err := s.reportData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rp.Errors = errors
		s.render(w, r, "report", http.StatusUnprocessableEntity, rp)
	})
}

// reportFile sends one of a report's files: the stored bytes once issued.
func (s *Server) reportFile(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		name, ct, data, err := s.Reports.File(r.Context(), httpx.Actor(r), id, kind)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		httpx.ServeFile(w, name, ct, data)
	}
}
