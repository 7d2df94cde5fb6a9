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
	route(a, "GET", "/periodic-reports", httpx.Doc{Summary: "The reports of a unit and of the units under it, newest first", Tag: "periodic reports",
		Query: []httpx.Param{unit, kind, period}},
		func(c *Call, _ None) (ReportList, error) {
			f := report.Filter{UnitID: c.Int64("unit"), Kind: report.Kind(c.Query("kind")), Period: c.Query("period")}
			if err := c.Err(); err != nil {
				return ReportList{}, err
			}
			list, err := a.Reports.List(c.Ctx, c.Actor, f)
			return ReportList{Reports: list}, err
		})
	route(a, "POST", "/periodic-reports", httpx.Doc{Summary: "Draft a report of a unit for a period, written from the figures as of the period's end",
		Tag: "periodic reports", Status: 201},
		func(c *Call, in report.Input) (*report.Report, error) { return a.Reports.Create(c.Ctx, c.Actor, in) })
	route(a, "GET", "/periodic-reports/{id}", httpx.Doc{Summary: "A report: its document, fields, figures, and for an issued report the figures changed since",
		Tag: "periodic reports"}, a.getReport)
	route(a, "PUT", "/periodic-reports/{id}", httpx.Doc{Summary: "Change a draft's title, heading (whole) and sections (whole); an issued report is refused",
		Tag: "periodic reports"},
		func(c *Call, in report.Update) (*report.Report, error) {
			return a.Reports.Update(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/periodic-reports/{id}/issue", httpx.Doc{Summary: "Issue a draft with a number, date and signer: its figures and files are frozen and hashed in the audit log",
		Tag: "periodic reports"},
		func(c *Call, in report.IssueInput) (*report.Report, error) {
			return a.Reports.Issue(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/periodic-reports/{id}/discard", httpx.Doc{Summary: "Delete a draft", Tag: "periodic reports"},
		func(c *Call, _ None) (None, error) { return None{}, a.Reports.Discard(c.Ctx, c.Actor, c.ID()) })
	// downloads: plain handlers
	a.handle("GET", "/periodic-reports/{id}/report.docx", &httpx.Doc{Summary: "The report as a Word document (the stored bytes once issued)", Tag: "periodic reports"},
		a.reportFile(report.FileDOCX))
	a.handle("GET", "/periodic-reports/{id}/report.pdf", &httpx.Doc{Summary: "The report as a PDF (the stored bytes once issued)", Tag: "periodic reports"},
		a.reportFile(report.FilePDF))
	a.handle("GET", "/periodic-reports/{id}/annexes.xlsx", &httpx.Doc{Summary: "The report's annexes as a workbook (the stored bytes once issued)", Tag: "periodic reports"},
		a.reportFile(report.FileXLSX))
	route(a, "GET", "/periodic-report-chain", httpx.Doc{Summary: "The units that report to a unit, and whether each has sent its report of a period",
		Tag: "periodic reports", Query: []httpx.Param{unit, kind, period}}, a.reportChain)
}

func (a *API) getReport(c *Call, _ None) (*ReportView, error) {
	v, err := a.Reports.View(c.Ctx, c.Actor, c.ID())
	if err != nil {
		return nil, err
	}
	p := c.Printer()
	out := &ReportView{Report: v.Report, Document: v.Doc, Fields: v.Fields, Figures: v.Figures, Changes: v.Changes, Writable: v.Writable,
		Problems: []ErrorDetail{}}
	for _, e := range v.Problems {
		out.Problems = append(out.Problems, ErrorDetail{Row: e.Row, Field: e.Field, Message: p.TData(e.Key, e.Args)})
	}
	return out, nil
}

func (a *API) reportFile(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := a.call(r)
		id := c.ID()
		err := c.Err()
		var name, ct string
		var data []byte
		if err == nil {
			name, ct, data, err = a.Reports.File(c.Ctx, c.Actor, id, kind)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		httpx.ServeFile(w, name, ct, data)
	}
}

func (a *API) reportChain(c *Call, _ None) (*ReportChain, error) {
	unit := c.Int64("unit")
	if err := c.Err(); err != nil {
		return nil, err
	}
	kind := report.Kind(c.Query("kind"))
	if kind == "" {
		kind = report.Review
	}
	chain, p, err := a.Reports.Chain(c.Ctx, c.Actor, unit, kind, c.Query("period"))
	if err != nil {
		return nil, err
	}
	label := p.Label()
	if c.Printer().Lang == "en" {
		label = p.LabelEN()
	}
	return &ReportChain{Period: p.Key(), Label: label, Kind: string(kind), Sent: chain.Sent, Units: chain.Lower}, nil
}
