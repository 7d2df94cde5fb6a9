package api

import (
	"net/http"

	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/report"
)

// ReportList is a unit's reports and those of the units under it.
type ReportList struct {
	Reports []report.Report `json:"reports"`
}

// ReportView is a report with its document laid out, the fields its prose
// may name (live while a draft, frozen once issued), its figures, the
// problems of its prose, and for an issued report the figures that differ
// now.
type ReportView struct {
	Report   *report.Report  `json:"report"`
	Document *report.Doc     `json:"document"`
	Fields   []report.Field  `json:"fields"`
	Figures  *report.Figures `json:"figures"`
	Problems []ErrorDetail   `json:"problems"`
	Changes  []report.Change `json:"changes"`
	Writable bool            `json:"writable"`
}

// ReportChain is, for a period and kind, the units that report to a unit
// and where each one's report stands.
type ReportChain struct {
	Period string            `json:"period"`
	Label  string            `json:"label"`
	Kind   string            `json:"kind"`
	Sent   int               `json:"sent"`
	Units  []report.LowerFig `json:"units"`
}

func (a *API) registerReports() {
	unit := httpx.Param{Name: "unit", Type: "integer", Description: "a unit of your scope (default: your scope)"}
	kind := httpx.Param{Name: "kind", Type: "string", Description: "review (default) or apparatus (Decision 1690)"}
	period := httpx.Param{Name: "period", Type: "string", Description: "2026-H1, 2026-Q3, 2026-9M, 2026, or yyyy-mm-dd..yyyy-mm-dd"}
	a.handle("GET", "/periodic-reports", &httpx.Doc{Summary: "The reports of a unit and of the units under it, newest first", Tag: "periodic reports",
		Query: []httpx.Param{unit, kind, period}, Response: ReportList{}}, a.listReports)
	a.handle("POST", "/periodic-reports", &httpx.Doc{Summary: "Draft a report of a unit for a period, written from the figures as of the period's end",
		Tag: "periodic reports", Request: report.Input{}, Response: report.Report{}, Status: 201}, a.createReport)
	a.handle("GET", "/periodic-reports/{id}", &httpx.Doc{Summary: "A report: its document, fields, figures, and for an issued report the figures changed since",
		Tag: "periodic reports", Response: ReportView{}}, a.getReport)
	a.handle("PUT", "/periodic-reports/{id}", &httpx.Doc{Summary: "Change a draft's title, heading (whole) and sections (whole); an issued report is refused",
		Tag: "periodic reports", Request: report.Update{}, Response: report.Report{}}, a.updateReport)
	a.handle("POST", "/periodic-reports/{id}/issue", &httpx.Doc{Summary: "Issue a draft with a number, date and signer: its figures and files are frozen and hashed in the audit log",
		Tag: "periodic reports", Request: report.IssueInput{}, Response: report.Report{}}, a.issueReport)
	a.handle("POST", "/periodic-reports/{id}/discard", &httpx.Doc{Summary: "Delete a draft", Tag: "periodic reports", Status: 204}, a.discardReport)
	a.handle("GET", "/periodic-reports/{id}/report.docx", &httpx.Doc{Summary: "The report as a Word document (the stored bytes once issued)", Tag: "periodic reports"},
		a.reportFile(report.FileDOCX))
	a.handle("GET", "/periodic-reports/{id}/report.pdf", &httpx.Doc{Summary: "The report as a PDF (the stored bytes once issued)", Tag: "periodic reports"},
		a.reportFile(report.FilePDF))
	a.handle("GET", "/periodic-reports/{id}/annexes.xlsx", &httpx.Doc{Summary: "The report's annexes as a workbook (the stored bytes once issued)", Tag: "periodic reports"},
		a.reportFile(report.FileXLSX))
	a.handle("GET", "/periodic-report-chain", &httpx.Doc{Summary: "The units that report to a unit, and whether each has sent its report of a period",
		Tag: "periodic reports", Query: []httpx.Param{unit, kind, period}, Response: ReportChain{}}, a.reportChain)
}

func (a *API) listReports(w http.ResponseWriter, r *http.Request) {
	unit, err := int64Param(r, "unit")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	list, err := a.Reports.List(r.Context(), httpx.Actor(r), report.Filter{UnitID: unit, Kind: report.Kind(q.Get("kind")), Period: q.Get("period")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ReportList{Reports: list})
}

func (a *API) createReport(w http.ResponseWriter, r *http.Request) {
	var in report.Input
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	rep, err := a.Reports.Create(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rep)
}

func (a *API) getReport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var v *report.View
	if err == nil {
		v, err = a.Reports.View(r.Context(), httpx.Actor(r), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.printer(r)
	out := ReportView{Report: v.Report, Document: v.Doc, Fields: v.Fields, Figures: v.Figures, Changes: v.Changes, Writable: v.Writable,
		Problems: []ErrorDetail{}}
	for _, e := range v.Problems {
		out.Problems = append(out.Problems, ErrorDetail{Row: e.Row, Field: e.Field, Message: p.TData(e.Key, e.Args)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) updateReport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in report.Update
	if err == nil {
		err = decode(w, r, &in)
	}
	var rep *report.Report
	if err == nil {
		rep, err = a.Reports.Update(r.Context(), httpx.Actor(r), id, in)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (a *API) issueReport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in report.IssueInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var rep *report.Report
	if err == nil {
		rep, err = a.Reports.Issue(r.Context(), httpx.Actor(r), id, in)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func (a *API) discardReport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = a.Reports.Discard(r.Context(), httpx.Actor(r), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) reportFile(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := httpx.PathID(r, "id")
		var name, ct string
		var data []byte
		if err == nil {
			name, ct, data, err = a.Reports.File(r.Context(), httpx.Actor(r), id, kind)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		httpx.ServeFile(w, name, ct, data)
	}
}

func (a *API) reportChain(w http.ResponseWriter, r *http.Request) {
	unit, err := int64Param(r, "unit")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	kind := report.Kind(q.Get("kind"))
	if kind == "" {
		kind = report.Review
	}
	chain, p, err := a.Reports.Chain(r.Context(), httpx.Actor(r), unit, kind, q.Get("period"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	label := p.Label()
	if a.printer(r).Lang == "en" {
		label = p.LabelEN()
	}
	writeJSON(w, http.StatusOK, ReportChain{Period: p.Key(), Label: label, Kind: string(kind), Sent: chain.Sent, Units: chain.Lower})
}
