package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// provenancePage shows how one figure was made (issue 9, item 6).
type provenancePage struct {
	indPage
	P     *indicator.Provenance
	Pages int
}

// ProvURL is the provenance page of an indicator's figure for a unit and
// period, on the page's mode and basis: every figure the indicator pages
// show links here.
func (p *indPage) ProvURL(ind int64, unit int64, period indicator.Period, mode indicator.Mode, basis indicator.Basis) string {
	return p.U("/indicators/"+strconv.FormatInt(ind, 10)+"/provenance", "unit", unit, "period", period.Key(), "mode", mode, "basis", basis)
}

// measuredLinks are the provenance pages of a unit's measured figures as
// a register page shows them on its date (issue 9: a click on "8 tổ" lists
// those 8 teams), by code, for the codes the actor may see: a stock for the
// month holding the date, as at its end (this month: as today); a flow
// (activities, people helped) for the year to date.
func (s *Server) measuredLinks(ctx context.Context, p *Page, unit int64, codes ...string) map[string]string {
	out := map[string]string{}
	for _, code := range codes {
		ind, err := s.Indicators.ByCode(ctx, p.Actor, code)
		if err != nil || !ind.IsMeasured() {
			continue
		}
		period := indicator.PeriodOf(indicator.Monthly, p.AsOf)
		if code == "REG_ACTIVITIES" || code == "REG_HELPED" {
			period = indicator.PeriodOf(indicator.Yearly, p.AsOf)
		}
		out[code] = p.U("/indicators/"+strconv.FormatInt(ind.ID, 10)+"/provenance", "unit", unit, "period", period.Key())
	}
	return out
}

// regFigure is a register's figure for a unit, linked to the records it
// counts.
type regFigure struct {
	Name string
	N    float64
	URL  string
}

// registerFigures are a unit's measured figures on the page's date (as
// measuredLinks dates them), named in the page's language, each linked to
// its provenance; those the actor may not see or that have no figure are
// left out.
func (s *Server) registerFigures(ctx context.Context, p *Page, unit int64, codes ...string) []regFigure {
	links := s.measuredLinks(ctx, p, unit, codes...)
	var out []regFigure
	for _, code := range codes {
		if links[code] == "" {
			continue
		}
		ind, err := s.Indicators.ByCode(ctx, p.Actor, code)
		if err != nil {
			continue
		}
		n, ok, err := s.Indicators.Measured(ctx, p.Actor, code, unit, indicator.PeriodOf(indicator.Monthly, p.AsOf).Key())
		if err != nil || !ok {
			continue
		}
		out = append(out, regFigure{Name: ind.Name(p.L.Lang), N: n, URL: links[code]})
	}
	return out
}

// provenanceQuery reads the figure asked about from a request: the
// indicator in the path, ?unit=, ?period= (the last ended period of the
// indicator's type by default), ?mode=, ?basis=, ?page=.
func provenanceQuery(r *http.Request, ind *indicator.Indicator, unit int64, today indicator.Period) (indicator.Query, int, error) {
	mode, basis := figuresChoice(r)
	q := indicator.Query{IndicatorID: ind.ID, UnitID: unit, Mode: mode, Basis: basis, Period: today}
	if s := r.URL.Query().Get("period"); s != "" {
		p, err := indicator.ParsePeriod(s)
		if err != nil {
			return q, 0, err
		}
		q.Period = p
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return q, page, nil
}

func (s *Server) indicatorProvenance(w http.ResponseWriter, r *http.Request) {
	pp := &provenancePage{indPage: s.indPage(r, "indicators")}
	ctx := r.Context()
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ind, err := s.Indicators.Get(ctx, pp.Actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, page, err := provenanceQuery(r, ind, indQueryUnit(r, &pp.Page), indicator.PeriodOf(ind.PeriodType, pp.AsOf).Prev())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.AsOf = pp.AsOf
	if pp.P, err = s.Indicators.Provenance(ctx, pp.Actor, q, page); err != nil {
		s.fail(w, r, err)
		return
	}
	pp.Pages = max(1, (max(pp.P.MissingTotal, pp.P.RecordsTotal)+pp.P.PageSize-1)/pp.P.PageSize)
	pp.Title = pp.L.T("provenance.title", "Indicator", ind.Name(pp.L.Lang))
	s.render(w, r, "provenance", http.StatusOK, pp)
}

// ByAt says who did something and when; only when, if no one is recorded
// (values loaded in bulk).
func (p *provenancePage) ByAt(who, at string) string {
	if who == "" {
		return p.L.T("provenance.at", "At", at)
	}
	return p.L.T("provenance.by_at", "Who", who, "At", at)
}

// ChildrenValued reports whether the units below say anything: some has
// a value or is expected to report (a ward's villages usually are not).
func (p *provenancePage) ChildrenValued() bool {
	for _, c := range p.P.Children {
		if c.Has() || c.Known() {
			return true
		}
	}
	return false
}

// Signed writes a difference with its sign: +10, −6.
func (p *indPage) Signed(v float64, ind *indicator.Indicator) string {
	switch {
	case v > 0:
		return "+" + p.Num(v, ind)
	case v < 0:
		return "−" + p.Num(-v, ind)
	}
	return p.Num(0, ind)
}

// DiffBeyond reports whether a report's figure differs from the register's
// beyond the tolerance (approving it then needs a comment).
func (p *entryPage) DiffBeyond() bool {
	for _, d := range p.Diffs {
		if d.Beyond {
			return true
		}
	}
	return false
}
