package web

import (
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

type compliancePage struct {
	Page
	Unit   *org.Version
	Report *people.Report
	Trend  map[string][]people.TrendPoint
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

// complianceShow shows, for a unit's subtree on a date, each target's rate,
// whether it is met, the units that fail with their reason, and the parts
// (provinces, districts) to drill into. The trend loads after the page.
func (s *Server) complianceShow(w http.ResponseWriter, r *http.Request) {
	cp, err := s.complianceData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cp.Report, err = s.People.Compliance(r.Context(), cp.Actor, cp.Unit.UnitID, cp.AsOf); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "compliance", http.StatusOK, cp)
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
