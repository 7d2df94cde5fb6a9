package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

type compliancePage struct {
	Page
	Unit   *org.Version
	Report *people.Report
	// Registers are the staff register's figures the targets are judged
	// on, linked to their records
	Registers []regFigure
	Trend     map[string][]people.TrendPoint
}

// Applying are the results of the targets that apply to the scope (it
// holds units of their level), NotApplying the others.
func (cp *compliancePage) Applying() []people.TargetResult { return cp.results(true) }

// NotApplying are the targets the scope holds no unit for.
func (cp *compliancePage) NotApplying() []people.TargetResult { return cp.results(false) }

func (cp *compliancePage) results(applies bool) []people.TargetResult {
	var out []people.TargetResult
	for _, r := range cp.Report.Results {
		if r.Applies == applies {
			out = append(out, r)
		}
	}
	return out
}

// FailingShown is how many failing units a target's card lists before
// sending the reader to the paged list.
const FailingShown = 20

// Shown is the start of a failing list, as the card lists it.
func (cp *compliancePage) Shown(us []people.UnitResult) []people.UnitResult {
	if len(us) > FailingShown {
		return us[:FailingShown]
	}
	return us
}

func (s *Server) complianceData(r *http.Request) (*compliancePage, error) {
	p := s.page(r, "")
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if unit == 0 {
		unit = p.Actor.ScopeUnitID
	}
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	v, _, err := tree.Unit(unit, p.AsOf)
	if err != nil {
		return nil, err
	}
	cp := &compliancePage{Page: p, Unit: v}
	cp.Title, cp.Nav = p.L.T("compliance.title"), "compliance"
	return cp, nil
}

// complianceShow shows, for a unit's subtree on a date, each target that
// applies with its rate, whether it is met, how many units fail (the first
// of them, with their reason, and a link to all), and the parts
// (provinces, districts) to drill into; then the targets that do not apply
// there. The trend loads after the page.
func (s *Server) complianceShow(w http.ResponseWriter, r *http.Request) {
	cp, err := s.complianceShowData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "compliance", http.StatusOK, cp)
}

func (s *Server) complianceShowData(r *http.Request) (*complianceShowPage, error) {
	cp, err := s.complianceData(r)
	if err != nil {
		return nil, err
	}
	if cp.Report, err = s.People.Compliance(r.Context(), cp.Actor, cp.Unit.UnitID, cp.AsOf); err != nil {
		return nil, err
	}
	cp.Registers = s.registerFigures(r.Context(), &cp.Page, cp.Unit.UnitID, "REG_DX_STAFF", "REG_FOCAL_PERSONS", "REG_COMMITTEES", "REG_VACANCIES")
	sp := &complianceShowPage{compliancePage: cp}
	sp.Body = complianceHTML(sp)
	return sp, nil
}

// complianceTrend is the trend table, fetched by the page once shown: it
// evaluates five dates, so it must not hold up the page.
func (s *Server) complianceTrend(w http.ResponseWriter, r *http.Request) {
	cp, err := s.complianceData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cp.Report, err = s.People.Compliance(r.Context(), cp.Actor, cp.Unit.UnitID, cp.AsOf); err != nil {
		s.fail(w, r, err)
		return
	}
	if cp.Trend, err = s.People.Trend(r.Context(), cp.Actor, cp.Unit.UnitID, cp.AsOf); err != nil {
		s.fail(w, r, err)
		return
	}
	cp.Partial = true
	s.render(w, r, "compliance_trend", http.StatusOK, cp)
}

// failingPageSize is how many failing units a page lists.
const failingPageSize = 50

type failingPage struct {
	Page
	Unit   *org.Version
	F      *people.FailingPage
	PageNo int
	Pages  int
}

// complianceFailing lists every unit that fails a target, a page at a time.
func (s *Server) complianceFailing(w http.ResponseWriter, r *http.Request) {
	cp, err := s.complianceData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fp := &failingPage{Page: cp.Page, Unit: cp.Unit}
	fp.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if fp.PageNo < 1 {
		fp.PageNo = 1
	}
	if fp.F, err = s.People.Failing(r.Context(), fp.Actor, cp.Unit.UnitID, fp.AsOf, r.URL.Query().Get("target"), (fp.PageNo-1)*failingPageSize, failingPageSize); err != nil {
		s.fail(w, r, err)
		return
	}
	fp.Pages = max(1, (fp.F.Total+failingPageSize-1)/failingPageSize)
	fp.Title = fp.L.T("compliance.failing_title", "Target", fp.F.Target.Title(fp.L.Lang))
	s.render(w, r, "compliance_failing", http.StatusOK, fp)
}

// complianceFailingExport sends every unit failing a target as a workbook.
func (s *Server) complianceFailingExport(w http.ResponseWriter, r *http.Request) {
	cp, err := s.complianceData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.People.Failing(r.Context(), cp.Actor, cp.Unit.UnitID, cp.AsOf, r.URL.Query().Get("target"), 0, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	reason := func(rs people.Reason) string { return cp.L.TData(rs.Key, rs.Args) }
	if err := s.People.ExportFailing(r.Context(), cp.Actor, f, cp.L.Lang, reason, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("chua-dat", strings.ToLower(f.Target.Code), cp.AsOf.String()), sheet.XLSXType, buf.Bytes())
}
