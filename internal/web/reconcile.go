package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// reconcilePageSize is how many differences one page lists.
const reconcilePageSize = 50

// reconcilePage lists where reported figures differ from the registers.
type reconcilePage struct {
	indPage
	Unit   *org.Version
	Year   int
	Years  []int
	D      *indicator.DiscrepancyList
	PageNo int
	Pages  int
}

func (s *Server) reconcileData(r *http.Request, all bool) (*reconcilePage, error) {
	rp := &reconcilePage{indPage: s.indPage(r, "forms")}
	rp.Title = rp.L.T("reconcile.list_title")
	unit := indQueryUnit(r, &rp.Page)
	last := indicator.PeriodOf(indicator.Monthly, rp.AsOf).Prev()
	rp.Year = last.Year
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y > 1900 && y < 3000 {
		rp.Year = y
	}
	for y := last.Year; y > last.Year-4; y-- {
		rp.Years = append(rp.Years, y)
	}
	rp.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	rp.PageNo = max(rp.PageNo, 1)
	offset, limit := (rp.PageNo-1)*reconcilePageSize, reconcilePageSize
	if all {
		offset, limit = 0, 0
	}
	var err error
	if rp.D, err = s.Indicators.Discrepancies(r.Context(), rp.Actor, unit, rp.Year, offset, limit); err != nil {
		return nil, err
	}
	t, err := s.Org.For(r.Context(), rp.Actor)
	if err != nil {
		return nil, err
	}
	if rp.Unit, _, err = t.Unit(unit, rp.AsOf); err != nil {
		return nil, err
	}
	rp.Pages = max(1, (rp.D.Total+reconcilePageSize-1)/reconcilePageSize)
	return rp, nil
}

// reconcileList shows, for a unit's area and a year, every unit and
// period whose reported figure differs from its register, a page at a
// time, those beyond the tolerance first.
func (s *Server) reconcileList(w http.ResponseWriter, r *http.Request) {
	rp, err := s.reconcileData(r, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "reconcile", http.StatusOK, rp)
}

// reconcileExport sends the whole list as a workbook.
func (s *Server) reconcileExport(w http.ResponseWriter, r *http.Request) {
	rp, err := s.reconcileData(r, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	tr := func(key string) string { return rp.L.T(key) }
	if err := indicator.ExportDiscrepancies(rp.D, rp.L.Lang, tr, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("doi-chieu", strconv.Itoa(rp.Year)), sheet.XLSXType, buf.Bytes())
}
