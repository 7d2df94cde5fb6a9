package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// registerIndicators adds the pages of indicators, periodic reports and
// assessments.
func (s *Server) registerIndicators(page routes) {
	page("GET", "/indicators", s.cached(s.indicatorDashboard))
	page("GET", "/indicators/catalogue", s.indicatorCatalogue)
	page("GET", "/indicators/new", s.indicatorNew)
	page("POST", "/indicators", s.indicatorCreate)
	page("GET", "/indicators/{id}", s.cached(s.indicatorShow))
	page("POST", "/indicators/{id}", s.indicatorUpdate)
	page("POST", "/indicators/{id}/targets", s.indicatorTarget)
	page("GET", "/indicators/{id}/export.xlsx", s.indicatorExport)
	page("GET", "/indicators/{id}/provenance", s.indicatorProvenance)
	page("GET", "/reconciliation", s.reconcileList)
	page("GET", "/reconciliation.xlsx", s.reconcileExport)
	page("GET", "/admin/settings", s.settingsShow)
	page("POST", "/admin/settings", s.settingsSave)
	page("GET", "/forms", s.formList)
	page("GET", "/forms/new", s.formNew)
	page("POST", "/forms", s.formCreate)
	page("GET", "/forms/import", s.valuesImportForm)
	page("POST", "/forms/import", s.valuesImport, takesFiles)
	page("GET", "/forms/{id}", s.formShow)
	page("POST", "/forms/{id}", s.formUpdate)
	page("GET", "/forms/{id}/completeness", s.formCompleteness)
	page("POST", "/forms/{id}/remind", s.formRemind)
	page("GET", "/forms/{id}/template.xlsx", s.formTemplate)
	page("GET", "/units/{id}/forms/{form}", s.entryShow)
	page("POST", "/units/{id}/forms/{form}", s.entrySave, takesFiles)
	page("POST", "/submissions/{id}", s.submissionAct)
	s.registerAssess(page)
}

// indPage is what the indicator pages share: the section's tabs and how
// figures are written.
type indPage struct {
	Page
	Tab    string // indicators, catalogue, forms or assess
	nameOf func(code string) string
	// cmpLines are the completeness lines the page wrote, by what they
	// say: a dashboard's 144 figures and a trend's 36 share a few
	cmpLines map[cmpLineKey]string
}

type cmpLineKey struct {
	longer             bool // a period made of several of the indicator's
	basis              indicator.Basis
	reported, expected int
}

// Named is an indicator's name for its code: pages name indicators, a code
// is for files and formulas typed by an administrator.
func (p *indPage) Named(code string) string {
	if p.nameOf == nil {
		return code
	}
	return p.nameOf(code)
}

// codeWord is an indicator code inside a formula.
var codeWord = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)

// Formula writes a formula with the indicators' names for their codes:
// «Số hồ sơ trực tuyến» / «Tổng số hồ sơ» × 100.
func (p *indPage) Formula(src string) string {
	src = strings.NewReplacer("*", "×", "/", "÷").Replace(src)
	return codeWord.ReplaceAllStringFunc(src, func(code string) string { return "«" + p.Named(code) + "»" })
}

// Fig writes a figure as the indicator measures it: 1.234.567, 87,4 %,
// "có"; "—" for no value.
func (p *indPage) Fig(f indicator.Figure, ind *indicator.Indicator) string {
	if !f.Has() {
		return "—"
	}
	return p.Num(f.V(), ind)
}

// Num writes a number as the indicator measures it.
func (p *indPage) Num(v float64, ind *indicator.Indicator) string {
	switch {
	case ind.Type == indicator.Percent:
		return p.L.Dec(v, max(ind.Decimals, 1)) + map[bool]string{true: "%", false: " %"}[p.L.Lang == "en"]
	case ind.Type == indicator.YesNo && ind.Aggregation == indicator.Latest:
		if v == 1 {
			return p.L.T("indicator.yes")
		}
		return p.L.T("indicator.no")
	case ind.Decimals > 0 || v != math.Trunc(v):
		return p.L.Dec(v, max(ind.Decimals, 1))
	}
	return p.L.Dec(v, 0)
}

// MaybeNum writes a figure that may be absent (a register with no
// figure), in words when it is.
func (p *indPage) MaybeNum(v *float64, ind *indicator.Indicator) string {
	if v == nil {
		return p.L.T("reconcile.no_figure")
	}
	return p.Num(*v, ind)
}

// Val writes a stored value for a form's input (as the user types it).
func (p *indPage) Val(v *indicator.Value, ind *indicator.Indicator) string {
	if v == nil {
		return ""
	}
	if ind.Type == indicator.Text {
		return v.Text
	}
	if v.Value == nil {
		return ""
	}
	if ind.Type == indicator.YesNo {
		if *v.Value == 1 {
			return "có"
		}
		return "không"
	}
	dec := ind.Decimals
	if *v.Value != math.Trunc(*v.Value) {
		dec = max(dec, 2)
	}
	return p.L.Dec(*v.Value, dec)
}

// Cmp writes how many of the units expected to report a figure it counts:
// "47/141"; "" when no form expects anyone to.
func (p *indPage) Cmp(f indicator.Figure) string {
	if !f.Known() {
		return ""
	}
	return p.L.Int(f.Reported) + "/" + p.L.Int(f.Expected)
}

// CmpLine says it in words, with the basis: "47/141 đơn vị đã báo cáo
// (số liệu đã duyệt)". Over a period made of several (a year of a monthly
// indicator) the counts are of reports, one per unit and period.
func (p *indPage) CmpLine(f indicator.Figure, ind *indicator.Indicator, period indicator.Period) string {
	if ind.IsMeasured() {
		// no unit reports it: neither the reports in nor their approval
		// has anything to do with it
		return p.L.T("completeness.measured")
	}
	basis := p.L.T("completeness.basis." + string(f.Basis))
	if !f.Known() {
		return p.L.T("completeness.unknown", "Count", p.L.Int(f.Units), "Basis", basis)
	}
	k := cmpLineKey{period.Type != ind.PeriodType, f.Basis, f.Reported, f.Expected}
	if line, ok := p.cmpLines[k]; ok {
		return line
	}
	key := "completeness.units"
	if k.longer {
		key = "completeness.reports"
	}
	line := p.L.T(key, "Reported", p.L.Int(f.Reported), "Expected", p.L.Int(f.Expected), "Basis", basis)
	if p.cmpLines == nil {
		p.cmpLines = map[cmpLineKey]string{}
	}
	p.cmpLines[k] = line
	return line
}

// Period names a period in the page's language.
func (p *indPage) Period(q indicator.Period) string { return q.Label(p.L.Lang) }

// When writes an optional instant.
func (p *indPage) When(t *time.Time) string {
	if t == nil {
		return ""
	}
	return p.L.DateTime(*t)
}

// Ratio writes a ratio as a percentage.
func (p *indPage) Ratio(r float64) string { return p.L.Pct(r) }

func (s *Server) indPage(r *http.Request, tab string) indPage {
	p := s.page(r, "")
	p.Nav = "indicators"
	ctx, actor := r.Context(), p.Actor
	return indPage{Page: p, Tab: tab, nameOf: func(code string) string {
		if i, err := s.Indicators.ByCode(ctx, actor, code); err == nil {
			return i.Name(p.L.Lang)
		}
		return code
	}}
}

// figuresChoice reads the mode and basis of a figures page.
func figuresChoice(r *http.Request) (indicator.Mode, indicator.Basis) {
	return indicator.ParseMode(r.URL.Query().Get("mode")), indicator.ParseBasis(r.URL.Query().Get("basis"))
}

// indQueryUnit reads ?unit=, the actor's scope by default.
func indQueryUnit(r *http.Request, p *Page) int64 {
	u, err := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if err != nil || u <= 0 {
		return p.Actor.ScopeUnitID
	}
	return u
}

// chartJSON is chart data for indicator.js (no inline script: the page's
// element carries it in a data attribute).
func chartJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

type dashboardPage struct {
	indPage
	D         *indicator.Dashboard
	Unit      *org.Version
	Mode      indicator.Mode
	Basis     indicator.Basis
	Periods   []indicator.Period
	Targets   map[int64]*indicator.Progress
	Chart     string
	ChartAlt  *chartAlt // the chart's summary (its figures are the table's row)
	ChartName string
	Threshold float64       // below this share of its expected units a figure is incomplete
	Body      template.HTML // the content, written by dashboardHTML
	pooledContent
}

// indicatorDashboard shows a unit's indicators over the last twelve
// periods, computed now from the stored values.
func (s *Server) indicatorDashboard(w http.ResponseWriter, r *http.Request) {
	dp, err := s.dashboardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "indicators", http.StatusOK, dp)
}

func (s *Server) dashboardData(r *http.Request) (*dashboardPage, error) {
	dp := &dashboardPage{indPage: s.indPage(r, "indicators")}
	dp.Title = dp.L.T("indicator.dashboard")
	dp.Mode, dp.Basis = figuresChoice(r)
	unit := indQueryUnit(r, &dp.Page)
	d, err := s.Indicators.Dashboard(r.Context(), dp.Actor, indicator.DashboardQuery{UnitID: unit, To: dp.AsOf, N: 12, Mode: dp.Mode, Basis: dp.Basis, AsOf: dp.AsOf})
	if err != nil {
		return nil, err
	}
	dp.D, dp.Unit = d, d.Unit
	if dp.Threshold, err = s.Indicators.Threshold(r.Context()); err != nil {
		return nil, err
	}
	dp.Targets = map[int64]*indicator.Progress{}
	targets, err := s.Indicators.Targets(r.Context(), dp.Actor, unit, dp.AsOf.Year())
	if err != nil {
		return nil, err
	}
	for _, row := range d.Rows {
		if targets[row.Indicator.ID] == nil {
			continue
		}
		if pr, err := s.Indicators.Progress(r.Context(), dp.Actor, row.Indicator.Code, unit, dp.AsOf.Year(), dp.Basis); err == nil {
			dp.Targets[row.Indicator.ID] = pr
		}
	}
	if len(d.Rows) > 0 {
		for _, pt := range d.Rows[0].Points {
			dp.Periods = append(dp.Periods, pt.Period)
		}
		row := d.Rows[0]
		for _, x := range d.Rows {
			if x.Indicator.Computed() && x.Indicator.Code != row.Indicator.Code {
				row = x // a rate says more than a count
				break
			}
		}
		dp.Chart, dp.ChartAlt = trendChart(&dp.indPage, row.Indicator, row.Points)
		dp.ChartName = row.Indicator.Name(dp.L.Lang)
	}
	dp.Body = dashboardHTML(dp)
	return dp, nil
}

// chartAlt is a chart's text alternative: a sentence summarising it (the
// chart's aria-label) and, where no table beside the chart already holds
// them, its figures as a table (template "chart_alt", under a <details>).
type chartAlt struct {
	Summary    string
	Head, Unit string // the columns' heads: what a row is, what its value is
	Rows       []chartAltRow
}

type chartAltRow struct{ Label, Value, Note string }

// summarise says a line ("line") or bar chart of values in a sentence: how
// many, the lowest and the highest with their labels and, over periods,
// the latest; say writes a value as the page does.
func summarise(p *Page, kind, title string, labels []string, vals []*float64, say func(float64) string) string {
	lo, hi, last := -1, -1, -1
	n := 0
	for i, v := range vals {
		if v == nil {
			continue
		}
		n++
		if lo < 0 || *v < *vals[lo] {
			lo = i
		}
		if hi < 0 || *v > *vals[hi] {
			hi = i
		}
		last = i
	}
	if n == 0 {
		return p.L.T("chart.summary.empty", "Title", title)
	}
	if kind == "line" {
		return p.L.T("chart.summary.line", "Title", title, "N", p.L.Int(len(labels)), "First", labels[0], "Last", labels[len(labels)-1],
			"Min", say(*vals[lo]), "MinAt", labels[lo], "Max", say(*vals[hi]), "MaxAt", labels[hi], "Latest", say(*vals[last]), "LatestAt", labels[last])
	}
	return p.L.T("chart.summary.bars", "Title", title, "N", p.L.Int(n), "Min", say(*vals[lo]), "MinAt", labels[lo], "Max", say(*vals[hi]), "MaxAt", labels[hi])
}

// trendChart is the data of a line chart of one indicator over periods:
// a period below the completeness threshold is drawn as a hollow point on
// a dashed line (indicator.js), so a partial total never reads as a dip,
// and every point's tooltip says how many units it counts.
func trendChart(p *indPage, ind *indicator.Indicator, pts []indicator.Point) (string, *chartAlt) {
	type chart struct {
		Kind    string     `json:"kind"`
		Title   string     `json:"title"`
		Labels  []string   `json:"labels"`
		Values  []*float64 `json:"values"`
		Partial []bool     `json:"partial"`
		Notes   []string   `json:"notes"`
		Unit    string     `json:"unit"`
		Legend  string     `json:"legend,omitempty"`
	}
	c := chart{Kind: "line", Title: ind.Name(p.L.Lang), Unit: ind.Measure(p.L.Lang)}
	alt := &chartAlt{Head: p.L.T("chart.period"), Unit: p.L.T("chart.value")}
	if m := ind.Measure(p.L.Lang); m != "" {
		alt.Unit += " (" + m + ")"
	}
	for _, pt := range pts {
		c.Labels = append(c.Labels, pt.Period.Short())
		c.Values = append(c.Values, pt.Value)
		c.Partial = append(c.Partial, pt.InForce && pt.Incomplete)
		note := ""
		if pt.InForce {
			note = p.CmpLine(pt.Figure, ind, pt.Period)
			if pt.Incomplete {
				note += " — " + p.L.T("completeness.incomplete_short")
			}
		}
		c.Notes = append(c.Notes, note)
		if pt.InForce && pt.Incomplete {
			c.Legend = p.L.T("completeness.chart_legend")
		}
		alt.Rows = append(alt.Rows, chartAltRow{Label: p.Period(pt.Period), Value: p.Fig(pt.Figure, ind), Note: note})
	}
	long := make([]string, len(alt.Rows))
	for i, r := range alt.Rows {
		long[i] = r.Label
	}
	alt.Summary = summarise(&p.Page, "line", p.L.T("indicator.trend")+": "+c.Title, long, c.Values, func(v float64) string { return p.Num(v, ind) })
	// a partial total must not read as a dip in words either
	if n := len(slices.DeleteFunc(slices.Clone(c.Partial), func(b bool) bool { return !b })); n > 0 {
		alt.Summary += " " + p.L.T("chart.summary.partial", "N", p.L.Int(n))
	}
	return chartJSON(c), alt
}

type cataloguePage struct {
	indPage
	Groups []catalogueGroup
}

type catalogueGroup struct {
	Name  string
	Items []*indicator.Indicator
}

// indicatorCatalogue lists the indicators the user may see, by category.
func (s *Server) indicatorCatalogue(w http.ResponseWriter, r *http.Request) {
	cp := &cataloguePage{indPage: s.indPage(r, "catalogue")}
	cp.Title = cp.L.T("indicator.catalogue")
	all, err := s.Indicators.List(r.Context(), cp.Actor, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, i := range all {
		if n := len(cp.Groups); n == 0 || cp.Groups[n-1].Name != i.Category {
			cp.Groups = append(cp.Groups, catalogueGroup{Name: i.Category})
		}
		g := &cp.Groups[len(cp.Groups)-1]
		g.Items = append(g.Items, i)
	}
	s.render(w, r, "indicator_catalogue", http.StatusOK, cp)
}

type indicatorFormPage struct {
	indPage
	Form      map[string]string
	Indicator *indicator.Indicator
	Choices   indicatorChoices
}

type indicatorChoices struct {
	Types        []indicator.ValueType
	Aggregations []indicator.Aggregation
	OverTimes    []indicator.OverTime
	PeriodTypes  []indicator.PeriodType
	Categories   []string
	Kinds        []indicator.Kind
	Sources      []indicator.Source
}

var indChoices = indicatorChoices{indicator.ValueTypes, indicator.Aggregations, indicator.OverTimes, indicator.PeriodTypes, indicator.Categories,
	indicator.Kinds, indicator.Sources}

func (s *Server) indicatorNew(w http.ResponseWriter, r *http.Request) {
	fp := &indicatorFormPage{indPage: s.indPage(r, "catalogue"), Choices: indChoices,
		Form: map[string]string{"value_type": "number", "period_type": "month", "over_time": "sum", "decimals": "0"}}
	fp.Title = fp.L.T("indicator.new")
	s.render(w, r, "indicator_form", http.StatusOK, fp)
}

// indicatorInput reads the definition form.
func indicatorInput(r *http.Request) (indicator.Input, error) {
	in := indicator.Input{Code: r.FormValue("code"), NameVI: r.FormValue("name_vi"), NameEN: r.FormValue("name_en"),
		MeasureVI: r.FormValue("measure_vi"), MeasureEN: r.FormValue("measure_en"), Type: indicator.ValueType(r.FormValue("value_type")),
		Aggregation: indicator.Aggregation(r.FormValue("aggregation")), OverTime: indicator.OverTime(r.FormValue("over_time")),
		PeriodType: indicator.PeriodType(r.FormValue("period_type")), Formula: r.FormValue("formula"), NotAbove: r.FormValue("not_above"),
		LowerBetter: r.FormValue("lower_better") != "", Category: r.FormValue("category"), Description: r.FormValue("description"), Basis: r.FormValue("basis"),
		Source: indicator.Source(r.FormValue("source")), SourceSystem: r.FormValue("source_system"), Counterpart: r.FormValue("counterpart")}
	var bad []*errs.Error
	num := func(name string) *float64 {
		if strings.TrimSpace(r.FormValue(name)) == "" {
			return nil
		}
		f, err := formFloat(r, name)
		if err != nil || math.IsInf(f, 0) {
			bad = append(bad, errs.Invalidf("indicator.err.not_number", "Value", r.FormValue(name)).At(0, name))
			return nil
		}
		return &f
	}
	in.Min, in.Max = num("min"), num("max")
	if j := num("jump"); j != nil {
		in.Jump = *j / 100
	}
	if d := strings.TrimSpace(r.FormValue("decimals")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			bad = append(bad, errs.Invalidf("indicator.err.decimals").At(0, "decimals"))
		}
		in.Decimals = n
	}
	var err error
	if in.OwnerUnitID, err = formInt64(r, "owner_unit_id"); err != nil {
		e, _ := errs.As(err)
		bad = append(bad, e)
	}
	if len(bad) > 0 {
		return in, errs.List("err.form", bad)
	}
	return in, nil
}

func (s *Server) indicatorCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in, err := indicatorInput(r)
		if err != nil {
			return "", "", err
		}
		i, err := s.Indicators.Define(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/indicators/%d", i.ID), "indicator.created", nil
	}, func(errors []string, form map[string]string) {
		fp := &indicatorFormPage{indPage: s.indPage(r, "catalogue"), Form: form, Choices: indChoices}
		fp.Title, fp.Errors = fp.L.T("indicator.new"), errors
		s.render(w, r, "indicator_form", http.StatusUnprocessableEntity, fp)
	})
}

type indicatorPage struct {
	indPage
	Threshold float64
	I         *indicator.Indicator
	B         *indicator.Breakdown
	Unit      *org.Version
	Mode      indicator.Mode
	Basis     indicator.Basis
	Periods   []indicator.Period
	Standing  *indicator.Standing
	Progress  *indicator.Progress
	Trend     string
	Bars      string
	TrendAlt  *chartAlt // with its figures: no table on the page holds them
	BarsAlt   string    // the bars' summary: the breakdown table above holds their figures
	Form      map[string]string
	Editable  bool
	Designer  bool
	Valued    int  // units below with a figure
	RankNote  bool // some rank below stands on too little
	Choices   indicatorChoices
	TargetFor map[string]string
}

// indicatorShow shows one indicator for a unit and period: the total, the
// figures of the units under it with their ranks, the trend, the target,
// and how restated history was carried.
func (s *Server) indicatorShow(w http.ResponseWriter, r *http.Request) {
	ip, err := s.indicatorData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "indicator", http.StatusOK, ip)
}

func (s *Server) indicatorData(r *http.Request) (*indicatorPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	ip := &indicatorPage{indPage: s.indPage(r, "catalogue"), Choices: indChoices}
	ctx, actor := r.Context(), ip.Actor
	if ip.I, err = s.Indicators.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	ip.Title = ip.I.Name(ip.L.Lang)
	ip.Mode, ip.Basis = figuresChoice(r)
	unit := indQueryUnit(r, &ip.Page)
	ip.Periods = indicator.Last(ip.I.PeriodType, ip.AsOf, 36)
	period := ip.Periods[len(ip.Periods)-1].Prev() // the last period that has ended
	if q := r.URL.Query().Get("period"); q != "" {
		if period, err = indicator.ParsePeriod(q); err != nil {
			return nil, err
		}
		if period.Type != ip.I.PeriodType && period.Type != indicator.Yearly {
			return nil, errs.Invalidf("indicator.err.period_type", "Value", period.Key(), "Type", string(ip.I.PeriodType)).At(0, "period")
		}
		if !oneOfPeriods(period, ip.Periods) {
			ip.Periods = append([]indicator.Period{period}, ip.Periods...)
		}
	}
	q := indicator.Query{IndicatorID: id, UnitID: unit, Period: period, Mode: ip.Mode, Basis: ip.Basis, AsOf: ip.AsOf}
	if ip.B, err = s.Indicators.Breakdown(ctx, actor, q); err != nil {
		return nil, err
	}
	ip.Unit = ip.B.Unit
	if ip.Threshold, err = s.Indicators.Threshold(ctx); err != nil {
		return nil, err
	}
	if ip.Standing, err = s.Indicators.StandingOf(ctx, actor, q); err != nil {
		return nil, err
	}
	trend := ip.Periods
	if period.Type != ip.I.PeriodType { // a year asked of a monthly indicator: its years
		trend = indicator.Last(indicator.Yearly, ip.AsOf, 4)
	}
	pts, err := s.Indicators.Series(ctx, actor, q, trend)
	if err != nil {
		return nil, err
	}
	ip.Trend, ip.TrendAlt = trendChart(&ip.indPage, ip.I, pts)
	type bars struct {
		Kind    string     `json:"kind"`
		Labels  []string   `json:"labels"`
		Values  []*float64 `json:"values"`
		Partial []bool     `json:"partial"` // a unit's figure below the threshold: a paler bar
		Unit    string     `json:"unit"`
	}
	b := bars{Kind: "bars", Unit: ip.I.Measure(ip.L.Lang)}
	rows := ip.B.Children
	if len(rows) == 0 {
		rows = ip.B.Predecessors
	}
	for _, c := range rows {
		ip.RankNote = ip.RankNote || c.RankPartial
		if c.Has() {
			ip.Valued++
			b.Labels = append(b.Labels, c.Name)
			b.Values = append(b.Values, c.Value)
			b.Partial = append(b.Partial, c.Incomplete)
		}
	}
	ip.Bars = chartJSON(b)
	ip.BarsAlt = summarise(&ip.Page, "bars", ip.L.T("indicator.compare")+": "+ip.I.Name(ip.L.Lang), b.Labels, b.Values,
		func(v float64) string { return ip.Num(v, ip.I) })
	if pr, err := s.Indicators.Progress(ctx, actor, ip.I.Code, unit, period.Year, ip.Basis); err == nil {
		ip.Progress = pr
	}
	ip.Designer = actor.Role == "admin" || actor.Role == "coordinator"
	if t, err := s.Org.For(ctx, actor); err == nil {
		ip.Editable = ip.Designer && t.InScope(ip.I.OwnerUnitID)
	}
	ip.Form = definitionForm(ip.I)
	ip.TargetFor = map[string]string{"unit_id": fmt.Sprint(unit), "year": fmt.Sprint(period.Year)}
	return ip, nil
}

func oneOfPeriods(p indicator.Period, ps []indicator.Period) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

func definitionForm(i *indicator.Indicator) map[string]string {
	f := map[string]string{"code": i.Code, "name_vi": i.NameVI, "name_en": i.NameEN, "measure_vi": i.MeasureVI, "measure_en": i.MeasureEN,
		"value_type": string(i.Type), "aggregation": string(i.Aggregation), "over_time": string(i.OverTime), "period_type": string(i.PeriodType),
		"formula": i.Formula, "not_above": i.NotAbove, "category": i.Category, "description": i.Description, "basis": i.Basis,
		"source": string(i.Source), "source_system": i.SourceSystem, "counterpart": i.Counterpart,
		"decimals": fmt.Sprint(i.Decimals), "jump": strconv.FormatFloat(i.Jump*100, 'f', -1, 64)}
	if i.Min != nil {
		f["min"] = strconv.FormatFloat(*i.Min, 'f', -1, 64)
	}
	if i.Max != nil {
		f["max"] = strconv.FormatFloat(*i.Max, 'f', -1, 64)
	}
	if !i.HigherBetter {
		f["lower_better"] = "on"
	}
	if i.Active {
		f["active"] = "on"
	}
	return f
}

func (s *Server) indicatorUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		in, err := indicatorInput(r)
		if err != nil {
			return "", "", err
		}
		if _, err := s.Indicators.Update(r.Context(), httpx.Actor(r), id, in, r.FormValue("active") != ""); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/indicators/%d", id), "indicator.saved", nil
	}, func(errors []string, form map[string]string) {
		ip, err := s.indicatorData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ip.Form, ip.Errors = form, errors
		s.render(w, r, "indicator", http.StatusUnprocessableEntity, ip)
	})
}

// indicatorTarget sets a unit's target for a year.
func (s *Server) indicatorTarget(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		i, err := s.Indicators.Get(r.Context(), httpx.Actor(r), id)
		if err != nil {
			return "", "", err
		}
		in := indicator.TargetInput{Indicator: i.Code, Note: r.FormValue("note")}
		if in.UnitID, err = formInt64(r, "unit_id"); err != nil {
			return "", "", err
		}
		if in.Year, err = strconv.Atoi(strings.TrimSpace(r.FormValue("year"))); err != nil {
			return "", "", errs.Invalidf("indicator.err.bad_year", "Value", r.FormValue("year")).At(0, "year")
		}
		v, ok := indicator.ParseNumber(r.FormValue("value"), s.printer(r).Lang)
		if !ok {
			return "", "", errs.Invalidf("indicator.err.not_number", "Value", r.FormValue("value")).At(0, "value")
		}
		in.Value = v
		if _, err := s.Indicators.SetTarget(r.Context(), httpx.Actor(r), in); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/indicators/%d?unit=%d&period=%d", id, in.UnitID, in.Year), "indicator.target_saved", nil
	}, func(errors []string, form map[string]string) {
		ip, err := s.indicatorData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ip.TargetFor, ip.Errors = form, errors
		s.render(w, r, "indicator", http.StatusUnprocessableEntity, ip)
	})
}

// indicatorExport sends the breakdown table as a spreadsheet.
func (s *Server) indicatorExport(w http.ResponseWriter, r *http.Request) {
	ip, err := s.indicatorData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := indicator.ExportBreakdown(ip.B, ip.L.Lang, ip.Threshold, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	name := strings.ToLower(strings.ReplaceAll(ip.I.Code, "_", "-"))
	httpx.ServeFile(w, sheet.FileName("chi-so", name, ip.B.Period.Key(), string(ip.Mode)), sheet.XLSXType, buf.Bytes())
}

// writeDashRows writes the dashboard table's rows in Go (see hw) as the
// template wrote them (kept in testdata/indicators_template.html,
// TestPagesAsTheirTemplates): the indicator's head, its target's light,
// and each figure with its completeness and provenance. The completeness
// in words (CmpLine) and in counts is made once for each count the table
// holds (the 12 indicators of a form share them period by period: 144
// messages were a third of the page's bytes), the provenance's address
// from its parts (as Page.U writes it: the query's keys sorted, each
// escaped).
func writeDashRows(w *hw, p *dashboardPage) {
	L := p.L
	units, incomplete := L.T("completeness.units_short"), L.T("completeness.incomplete_short")
	type cmpKey struct{ reported, expect int }
	counts := map[cmpKey]string{}
	// the provenance's query: basis, d, mode, period, unit
	provQuery := "/provenance?basis=" + url.QueryEscape(string(p.Basis))
	if !p.IsToday() {
		provQuery += "&d=" + url.QueryEscape(p.AsOf.String())
	}
	provQuery += "&mode=" + url.QueryEscape(string(p.Mode)) + "&period="
	provUnit := "&unit=" + strconv.FormatInt(p.Unit.UnitID, 10)
	for _, row := range p.D.Rows {
		ind := row.Indicator
		w.raw("<tr>\n    <th scope=\"row\"><a href=\"").url(p.U("/indicators/"+strconv.FormatInt(ind.ID, 10), "unit", p.Unit.UnitID, "mode", p.Mode, "basis", p.Basis)).
			raw("\">").text(ind.Name(L.Lang)).raw("</a>\n      ")
		if pr := p.Targets[ind.ID]; pr != nil && pr.Light != "" {
			words := L.T("home.light." + string(pr.Light))
			w.raw("<span class=\"light light-").text(string(pr.Light)).raw("\" title=\"").text(words).raw("\"></span><span class=\"vh\">").text(words).raw("</span>")
		}
		w.raw("\n      <span class=\"muted small\">").text(ind.Measure(L.Lang)).raw("</span></th>\n    ")
		provPath := "/indicators/" + strconv.FormatInt(ind.ID, 10) + provQuery
		for j := range row.Points {
			pt := &row.Points[j]
			known := pt.InForce && pt.Known()
			w.raw("<td class=\"num")
			switch {
			case !pt.InForce:
				w.raw(" absent")
			case pt.Incomplete:
				w.raw(" partial")
			}
			w.raw("\"")
			if known {
				w.raw(" title=\"").text(p.CmpLine(pt.Figure, ind, pt.Period)).raw("\"")
			}
			w.raw(">")
			fig := p.Fig(pt.Figure, ind)
			if pt.InForce {
				w.raw("<a class=\"fig\" href=\"").url(provPath + url.QueryEscape(pt.Period.Key()) + provUnit).raw("\">").text(fig).raw("</a>")
			} else {
				w.text(fig)
			}
			if known {
				ck := cmpKey{pt.Reported, pt.Expected}
				count, ok := counts[ck]
				if !ok {
					count = p.Cmp(pt.Figure)
					counts[ck] = count
				}
				w.raw("<small class=\"cmp\">").text(count).raw("<span class=\"vh\"> ").text(units)
				if pt.Incomplete {
					w.raw(", ").text(incomplete)
				}
				w.raw("</span></small>")
			}
			w.raw("</td>")
		}
		w.raw("\n  </tr>")
	}
}

// ChildRows are the rows of the units under the unit, written in Go (see
// hw) as indicator.html's range over .B.Children wrote them (kept in
// testdata/indicator_template.html, TestPagesAsTheirTemplates): a
// province's 100-odd communes were most of the page's template. The links'
// addresses are made from their parts as Page.U writes them (the query's
// keys sorted, each escaped).
func (ip *indicatorPage) ChildRows() template.HTML {
	L := ip.L
	id := strconv.FormatInt(ip.I.ID, 10)
	q := "?basis=" + url.QueryEscape(string(ip.Basis))
	if !ip.IsToday() {
		q += "&d=" + url.QueryEscape(ip.AsOf.String())
	}
	q += "&mode=" + url.QueryEscape(string(ip.Mode)) + "&period=" + url.QueryEscape(ip.B.Period.Key()) + "&unit="
	show, prov := "/indicators/"+id+q, "/indicators/"+id+"/provenance"+q
	incomplete := L.T("completeness.incomplete_short")
	rows := ip.B.Children
	w := newHW(620 * len(rows))
	for i := range rows {
		c := &rows[i]
		unit := strconv.FormatInt(c.UnitID, 10)
		w.raw("<tr")
		if c.Incomplete {
			w.raw(" class=\"partial\"")
		}
		w.raw(">\n      <td><a href=\"").url(show + unit).raw("\">").text(c.Name).raw("</a></td>\n      <td class=\"num\"><a class=\"fig\" href=\"").
			url(prov + unit).raw("\">").text(ip.Fig(c.Figure, ip.I)).raw("</a></td>\n      <td class=\"num\">").text(ip.Cmp(c.Figure))
		if c.Incomplete {
			w.raw("<span class=\"vh\">, ").text(incomplete).raw("</span>")
		}
		w.raw("</td>\n      <td class=\"num\">")
		if c.Rank != 0 {
			w.int(int64(c.Rank)).raw("/").int(int64(c.Of))
			if c.RankPartial {
				w.raw("<span aria-hidden=\"true\">*</span><span class=\"vh\"> (").text(L.T("completeness.rank_partial")).raw(")</span>")
			}
		}
		w.raw("</td>\n    </tr>")
	}
	return w.owned()
}

// PeriodOptions are the view form's periods, written in Go (see hw) as
// indicator.html's range over .Periods wrote them (testdata, as above).
func (ip *indicatorPage) PeriodOptions() template.HTML {
	w := newHW(64 * len(ip.Periods))
	sel := ip.B.Period.Key()
	for _, q := range ip.Periods {
		k := q.Key()
		w.raw("<option value=\"").text(k).raw("\" ")
		if k == sel {
			w.raw("selected")
		}
		w.raw(">").text(ip.Period(q)).raw("</option>")
	}
	return w.owned()
}

// RowsHTML are the chart's figures as the rows of its table (writeRows),
// for the template of testdata/indicator_template.html.
func (a *chartAlt) RowsHTML() template.HTML {
	w := newHW(160 * len(a.Rows))
	a.writeRows(w)
	return w.owned()
}

// writeRows writes the chart's figures as the rows of its table, in Go
// (see hw) as chart_alt's range over .Rows wrote them (kept in
// testdata/indicator_template.html).
func (a *chartAlt) writeRows(w *hw) {
	for i := range a.Rows {
		r := &a.Rows[i]
		w.raw("<tr><th scope=\"row\">").text(r.Label).raw("</th><td class=\"num\">").text(r.Value).raw("</td><td class=\"small\">").text(r.Note).raw("</td></tr>")
	}
}

// HeadHTML is the indicator page's head written in Go (see hw) as
// indicator.html wrote it (kept in testdata/indicator_template.html,
// TestPagesAsTheirTemplates): the tabs, the title, the facts and the view
// form with its partials (ind_tabs, picker, ind_view), which the
// template executed through three partials and their dicts, the most of
// what it cost a rebuilt page.
func (ip *indicatorPage) HeadHTML() template.HTML {
	L, i := ip.L, ip.I
	w := newHW(4096 + 64*len(ip.Periods))
	writeIndTabs(w, &ip.indPage)
	w.raw("\n<h1>").text(ip.Title).raw("</h1>\n<p class=\"facts\">")
	if m := i.Measure(L.Lang); m != "" {
		w.raw("<span>").text(m).raw("</span>")
	}
	w.raw("\n  <span class=\"tag\">").text(L.T("indicator.period." + string(i.PeriodType))).raw("</span>\n  <span class=\"tag\">").
		text(L.T("indicator.agg." + string(i.Aggregation))).raw("</span>\n  <span class=\"tag source-").text(string(i.Source)).raw("\">").
		text(L.T("indicator.source." + string(i.Source)))
	if i.SourceSystem != "" {
		w.raw(": ").text(i.SourceSystem)
	}
	w.raw("</span>\n  ")
	if i.Formula != "" {
		w.raw("<span class=\"formula\">= ").text(ip.Formula(i.Formula)).raw("</span>")
	}
	w.raw("</p>\n<form class=\"ind-filter\" method=\"get\" action=\"/indicators/").int(i.ID).raw("\" data-autosubmit>\n  ")
	writeIndUnit(w, &ip.Page, ip.Unit)
	w.raw("\n  <label>").text(L.T("indicator.period")).raw(" <select name=\"period\">").raw(string(ip.PeriodOptions())).raw("</select></label>\n  ")
	writeIndView(w, &ip.Page, string(ip.Mode), string(ip.Basis))
	w.raw("\n  <button>").text(L.T("indicator.show")).raw("</button>\n</form>")
	return w.owned()
}

// TrendAltHTML is the trend's figures as a table under a <details> (its
// text alternative), written in Go as the template chart_alt wrote it (kept
// in testdata/indicator_template.html).
func (ip *indicatorPage) TrendAltHTML() template.HTML {
	a := ip.TrendAlt
	if a == nil || len(a.Rows) == 0 {
		return ""
	}
	L := ip.L
	w := newHW(600 + 200*len(a.Rows))
	w.raw("<details class=\"figures\"><summary>").text(L.T("plans.chart.figures")).
		raw("</summary>\n<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"").text(a.Summary).
		raw("\"><table class=\"list small\">\n<thead><tr><th scope=\"col\">").text(a.Head).raw("</th><th scope=\"col\" class=\"num\">").text(a.Unit).
		raw("</th><th scope=\"col\">").text(L.T("chart.completeness")).raw("</th></tr></thead>\n<tbody>")
	a.writeRows(w)
	w.raw("</tbody>\n</table></div></details>")
	return w.owned()
}
