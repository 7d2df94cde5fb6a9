package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// IndicatorList is the indicators a caller may see.
type IndicatorList struct {
	Indicators []*indicator.Indicator `json:"indicators"`
}

// FigureRow is one unit's figure.
type FigureRow struct {
	UnitID int64     `json:"unit_id"`
	Code   string    `json:"code,omitempty"`
	Name   string    `json:"name"`
	Level  org.Level `json:"level,omitempty"`
	Value  *float64  `json:"value,omitempty"` // absent when there is none (no figures, or a division by zero)
	Units  int       `json:"units"`           // how many units' values make it
	Completeness
	Rank int `json:"rank,omitempty"` // absent when fewer than two units of the level have a figure
	Of   int `json:"of,omitempty"`
	// RankPartial: the rank stands on incomplete figures (the unit's own, or
	// too few of its level's).
	RankPartial bool `json:"rank_partial,omitempty"`
}

// Completeness says how many of the units expected to report a figure it
// counts, on which basis, and whether that is below the threshold.
type Completeness struct {
	// Expected: the units (unit-periods over a longer period) the report
	// forms expected to report it; 0 when no form collects the indicator.
	Expected   int    `json:"expected"`
	Reported   int    `json:"reported"` // of those, how many it counts
	Basis      string `json:"basis"`    // approved, submitted or all
	Incomplete bool   `json:"incomplete"`
}

func completenessOf(f indicator.Figure) Completeness {
	return Completeness{Expected: f.Expected, Reported: f.Reported, Basis: string(f.Basis), Incomplete: f.Incomplete}
}

// Figures is one indicator for one unit and period, with the units under it.
type Figures struct {
	Indicator *indicator.Indicator `json:"indicator"`
	Period    string               `json:"period"`
	Mode      string               `json:"mode"`
	Basis     string               `json:"basis"`
	TreeDate  day.Day              `json:"tree_date"`
	// Threshold: the share of its expected units below which a figure is
	// incomplete (a setting).
	Threshold float64     `json:"threshold"`
	Unit      FigureRow   `json:"unit"`
	InForce   bool        `json:"in_force"`
	Children  []FigureRow `json:"children"`
	// Predecessors: as it was, for a unit formed later, the units it was
	// formed from.
	Predecessors []FigureRow       `json:"predecessors,omitempty"`
	Carried      []indicator.Carry `json:"carried,omitempty"`
	Target       *TargetProgress   `json:"target,omitempty"`
}

// TargetProgress is a unit's figure against its target for the year.
type TargetProgress struct {
	Year     int      `json:"year"`
	Target   float64  `json:"target"`
	Expected float64  `json:"expected"`
	Actual   *float64 `json:"actual,omitempty"`
	Light    string   `json:"light"`
}

// Series is one indicator for one unit over periods.
type Series struct {
	Indicator *indicator.Indicator `json:"indicator"`
	UnitID    int64                `json:"unit_id"`
	Mode      string               `json:"mode"`
	Basis     string               `json:"basis"`
	Points    []SeriesPoint        `json:"points"`
}

// SeriesPoint is one period of a series.
type SeriesPoint struct {
	Period  string   `json:"period"`
	InForce bool     `json:"in_force"`
	Value   *float64 `json:"value,omitempty"`
	Units   int      `json:"units"`
	Completeness
}

// DashboardJSON is several indicators over recent periods.
type DashboardJSON struct {
	UnitID int64    `json:"unit_id"`
	Mode   string   `json:"mode"`
	Basis  string   `json:"basis"`
	Rows   []Series `json:"rows"`
}

// PushValue is one value another system sends: the indicator's code, the
// unit (by id, or by official code as of the period), the period (2026-10,
// 2026-Q3, 2026-H1, 2026), and a number (1 or 0 for yes/no) or a text.
type PushValue struct {
	Indicator string   `json:"indicator"`
	UnitID    int64    `json:"unit_id,omitempty"`
	UnitCode  string   `json:"unit_code,omitempty"`
	Period    string   `json:"period"`
	Value     *float64 `json:"value"`
	Text      string   `json:"text,omitempty"`
	Comment   string   `json:"comment,omitempty"`
}

// PushBody is a batch of values, written all or nothing.
type PushBody struct {
	Values []PushValue `json:"values"`
	Submit bool        `json:"submit"`
}

// PushResultJSON says what a batch wrote.
type PushResultJSON struct {
	Values      int              `json:"values"`
	Submissions []SubmissionJSON `json:"submissions"`
}

// SubmissionJSON is one unit's report of one form for one period.
type SubmissionJSON struct {
	indicator.Submission
	Period string `json:"period"`
}

func submissionJSON(s *indicator.Submission) SubmissionJSON {
	return SubmissionJSON{Submission: *s, Period: s.Period.Key()}
}

// FormList is the report forms a caller may see.
type FormList struct {
	Forms []*indicator.Form `json:"forms"`
}

// CompletenessJSON is a form's reporting for one period.
type CompletenessJSON struct {
	FormID  int64                   `json:"form_id"`
	Period  string                  `json:"period"`
	Due     day.Day                 `json:"due"`
	PastDue bool                    `json:"past_due"`
	UnitID  int64                   `json:"unit_id"`
	Counts  indicator.Counts        `json:"counts"`
	Groups  []indicator.GroupCounts `json:"groups"`
	Units   []indicator.UnitStatus  `json:"units"`
}

// EntryValue is one value of a unit's form, as given through the API.
type EntryValue struct {
	Code    string   `json:"code"`
	Value   *float64 `json:"value"`
	Text    string   `json:"text,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// EntryBody saves a unit's form for a period.
type EntryBody struct {
	Period string       `json:"period"`
	Values []EntryValue `json:"values"`
	Submit bool         `json:"submit"`
}

// EntryJSON is a unit's form for a period.
type EntryJSON struct {
	FormID     int64                      `json:"form_id"`
	UnitID     int64                      `json:"unit_id"`
	Period     string                     `json:"period"`
	Due        day.Day                    `json:"due"`
	Status     string                     `json:"status"`
	Submission *SubmissionJSON            `json:"submission,omitempty"`
	Values     map[string]indicator.Value `json:"values"` // by indicator code
	Computed   map[string]float64         `json:"computed"`
	Writable   bool                       `json:"writable"`
	// Differences: each reported value whose indicator a register also
	// holds, beside the measured figure, for the reviewer to see before
	// approving (as the page shows it); absent before anything is saved.
	Differences []indicator.Difference `json:"differences,omitempty"`
	// MeasuredChanges: an approved report whose measured figures (its
	// measured items, its reported items' register counterparts) are no
	// longer what they were when it was approved ("số liệu đo đã thay đổi
	// sau khi duyệt"), with the value then and now; empty otherwise.
	MeasuredChanges []indicator.MeasuredChange `json:"measured_changes"`
}

// ReviewBody moves a submission: submit, approve, return or reopen.
type ReviewBody struct {
	Action  string `json:"action"`
	Comment string `json:"comment"`
}

// Settings are the settings that apply to every scope.
type Settings struct {
	// CompletenessThreshold is the share (0.5 to 1) of the units expected
	// to report a figure below which it is marked incomplete.
	CompletenessThreshold float64 `json:"completeness_threshold"`
	// ReconcileTolerance is the share (0 to 0.5) of the measured figure by
	// which a reported one may differ before approving it needs a comment;
	// left out of a change, it stays.
	ReconcileTolerance *float64 `json:"reconcile_tolerance,omitempty"`
}

// MaxMagnitude bounds a number sent as a value: no figure of a province
// comes near it, and beyond it floats lose whole units.
const MaxMagnitude = 1e15

func (a *API) registerIndicators() {
	unit := httpx.Param{Name: "unit", Type: "integer", Description: "a unit of your scope (default: your scope)"}
	mode := httpx.Param{Name: "mode", Type: "string", Description: "asis (each period's tree, default) or restated (carried into the units of ?d=, through the lineage)"}
	basis := httpx.Param{Name: "basis", Type: "string", Description: "approved (default: what a leader looks at counts only what was checked), submitted, or all entered"}
	d := httpx.Param{Name: "d", Type: "string", Format: "date", Description: "the date whose units restated figures are carried into (today if absent)"}
	period := httpx.Param{Name: "period", Type: "string", Description: "2026-10, 2026-Q3, 2026-H1 or 2026 (default: the last period that ended)"}
	route(a, "GET", "/indicators", httpx.Doc{Summary: "The indicators you may see (the national catalogue, your province's)", Tag: "indicators",
		Query: []httpx.Param{{Name: "all", Type: "boolean", Description: "include indicators no longer used"}}},
		func(c *Call, _ None) (IndicatorList, error) {
			all, err := a.Indicators.List(c.Ctx, c.Actor, c.Query("all") == "true")
			if all == nil {
				all = []*indicator.Indicator{}
			}
			return IndicatorList{all}, err
		})
	route(a, "POST", "/indicators", httpx.Doc{Summary: "Define an indicator (a formula's parts must exist; cycles are refused)", Tag: "indicators", Status: 201},
		func(c *Call, in indicator.Input) (*indicator.Indicator, error) {
			if err := a.knownUnit(c.R, in.OwnerUnitID, "owner_unit_id"); err != nil {
				return nil, err
			}
			return a.Indicators.Define(c.Ctx, c.Actor, in)
		})
	route(a, "GET", "/indicators/{id}", httpx.Doc{Summary: "An indicator's definition", Tag: "indicators"},
		func(c *Call, _ None) (*indicator.Indicator, error) { return a.Indicators.Get(c.Ctx, c.Actor, c.ID()) })
	route(a, "GET", "/indicators/{id}/figures", httpx.Doc{Summary: "An indicator for a unit and period, and for each unit directly under it, computed now",
		Tag: "indicators", Query: []httpx.Param{unit, period, mode, basis, d}, Kept: true}, a.indicatorFigures)
	route(a, "GET", "/indicators/{id}/provenance", httpx.Doc{Summary: "How a figure was made: a unit's own reported value (who entered it, when, evidence, who approved it, its history), the units below with their figures and the expected units it does not count (paged), a formula's parts, a longer period's periods",
		Tag: "indicators", Query: []httpx.Param{unit, period, mode, basis, d, {Name: "page", Type: "integer", Description: "page of the missing units (50 a page, from 1)"}}},
		func(c *Call, _ None) (*indicator.Provenance, error) {
			_, q, err := a.indicatorQuery(c)
			if err != nil {
				return nil, err
			}
			page := 1
			if n := c.Int64("page"); n > 0 {
				page = int(n)
			}
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Indicators.Provenance(c.Ctx, c.Actor, q, page)
		})
	route(a, "GET", "/reconciliation", httpx.Doc{Summary: "Every unit and period of a year whose reported figure differs from its register counterpart (measured), those beyond the tolerance first",
		Tag: "reports", Query: []httpx.Param{unit, {Name: "year", Type: "integer", Description: "the year (default: that of the last ended month)"},
			{Name: "offset", Type: "integer", Description: "skip this many"}, {Name: "limit", Type: "integer", Description: "at most this many (default 100, at most 1000)"}}},
		func(c *Call, _ None) (*indicator.DiscrepancyList, error) {
			unit, year, offset, limit := c.Int64("unit"), c.Int64("year"), c.Int64("offset"), c.Int64("limit")
			if err := c.Err(); err != nil {
				return nil, err
			}
			if year == 0 {
				year = int64(indicator.PeriodOf(indicator.Monthly, a.Org.Today()).Prev().Year)
			}
			if limit <= 0 || limit > 1000 {
				limit = 100
			}
			return a.Indicators.Discrepancies(c.Ctx, c.Actor, unit, int(year), int(offset), int(limit))
		})
	route(a, "GET", "/indicators/{id}/series", httpx.Doc{Summary: "An indicator for a unit over periods", Tag: "indicators",
		Query: []httpx.Param{unit, {Name: "from", Type: "string", Description: "first period (default: a year before to)"}, {Name: "to", Type: "string", Description: "last period (default: the last that ended)"}, mode, basis, d}},
		func(c *Call, _ None) (Series, error) {
			ind, q, err := a.indicatorQuery(c)
			var periods []indicator.Period
			if err == nil {
				periods, err = periodRange(c.R, ind, a.Org.Today())
			}
			var pts []indicator.Point
			if err == nil {
				pts, err = a.Indicators.Series(c.Ctx, c.Actor, q, periods)
			}
			if err != nil {
				return Series{}, err
			}
			if q.UnitID == 0 {
				q.UnitID = c.Actor.ScopeUnitID
			}
			return seriesOf(ind, q.UnitID, q.Mode, q.Basis, pts), nil
		})
	route(a, "GET", "/indicator-dashboard", httpx.Doc{Summary: "A unit's indicators over their recent periods", Tag: "indicators",
		Query: []httpx.Param{unit, {Name: "indicators", Type: "string", Description: "indicator ids, comma separated (default: the first twelve monthly ones)"},
			{Name: "window", Type: "integer", Description: "periods per indicator (default 12)"}, mode, basis, d}}, a.indicatorDashboard)
	route(a, "POST", "/values", httpx.Doc{Summary: "Push values from another system: each goes into its unit's report of the form that collects it, with every rule of the form; all or nothing",
		Tag: "reports"}, a.pushValues)
	// an upload: a plain handler
	a.handle("POST", "/imports/values", &httpx.Doc{Summary: "Import values from a CSV or XLSX file (one row per unit, or per value); all or nothing", Tag: "imports",
		Multipart: []string{"file"}, Query: []httpx.Param{{Name: "submit", Type: "boolean", Description: "submit the reports"}}, Response: PushResultJSON{}}, a.importValues)
	route(a, "GET", "/forms", httpx.Doc{Summary: "The report forms you may see", Tag: "reports"},
		func(c *Call, _ None) (FormList, error) {
			fs, err := a.Indicators.Forms(c.Ctx, c.Actor)
			if fs == nil {
				fs = []*indicator.Form{}
			}
			return FormList{fs}, err
		})
	route(a, "GET", "/forms/{id}/completeness", httpx.Doc{Summary: "Who was expected to report a form for a period, who submitted (on time or late) and who has not",
		Tag: "reports", Query: []httpx.Param{period, unit}}, a.formCompleteness)
	route(a, "GET", "/units/{id}/forms/{form}", httpx.Doc{Summary: "A unit's report of a form for a period", Tag: "reports", Query: []httpx.Param{period}}, a.getEntry)
	route(a, "POST", "/units/{id}/forms/{form}", httpx.Doc{Summary: "Save (and optionally submit) a unit's report of a form for a period; all or nothing", Tag: "reports"},
		a.saveEntry)
	route(a, "POST", "/submissions/{id}/review", httpx.Doc{Summary: "Submit a report, or approve, return or reopen it (returning and reopening need a comment)", Tag: "reports"},
		func(c *Call, in ReviewBody) (SubmissionJSON, error) {
			sub, err := a.Indicators.Act(c.Ctx, c.Actor, c.ID(), in.Action, in.Comment)
			if err != nil {
				return SubmissionJSON{}, err
			}
			return submissionJSON(sub), nil
		})
	route(a, "POST", "/indicator-targets", httpx.Doc{Summary: "Set a unit's target for an indicator and year", Tag: "indicators", Status: 201},
		func(c *Call, in indicator.TargetInput) (*indicator.Target, error) {
			if err := a.knownUnit(c.R, in.UnitID, "unit_id"); err != nil {
				return nil, err
			}
			return a.Indicators.SetTarget(c.Ctx, c.Actor, in)
		})
	route(a, "GET", "/settings", httpx.Doc{ID: "getSettings", Summary: "The settings that apply to every scope (the completeness threshold of figures)", Tag: "indicators"},
		a.getSettings)
	route(a, "PUT", "/settings", httpx.Doc{Summary: "Change the settings (administrators)", Tag: "indicators"},
		func(c *Call, in Settings) (Settings, error) {
			err := a.Indicators.SetThreshold(c.Ctx, c.Actor, in.CompletenessThreshold)
			if err == nil && in.ReconcileTolerance != nil {
				err = a.Indicators.SetTolerance(c.Ctx, c.Actor, *in.ReconcileTolerance)
			}
			if err != nil {
				return Settings{}, err
			}
			return a.getSettings(c, None{})
		})
}

// knownUnit refuses an id that names no unit as the caller's mistake (a
// field error), not as a missing page.
func (a *API) knownUnit(r *http.Request, id int64, field string) error {
	if id == 0 {
		return nil
	}
	ok, err := a.Org.UnitExists(r.Context(), id)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Invalidf("org.err.unknown_unit", "ID", id).At(0, field)
	}
	return nil
}

// query reads the figures parameters of a request.
func (a *API) query(r *http.Request, ind *indicator.Indicator) (indicator.Query, error) {
	q := indicator.Query{IndicatorID: ind.ID}
	var err error
	if q.UnitID, err = int64Param(r, "unit"); err != nil {
		return q, err
	}
	if q.AsOf, err = a.asOf(r); err != nil {
		return q, err
	}
	v := r.URL.Query()
	q.Mode, q.Basis = indicator.ParseMode(v.Get("mode")), indicator.ParseBasis(v.Get("basis"))
	q.Period = indicator.PeriodOf(ind.PeriodType, a.Org.Today()).Prev()
	if s := v.Get("period"); s != "" {
		if q.Period, err = indicator.ParsePeriod(s); err != nil {
			return q, err
		}
	}
	return q, nil
}

func rowOf(r indicator.Row) FigureRow {
	return FigureRow{UnitID: r.UnitID, Code: r.Code, Name: r.Name, Level: r.Level, Value: r.Value, Units: r.Units, Completeness: completenessOf(r.Figure),
		Rank: r.Rank, Of: r.Of, RankPartial: r.RankPartial}
}

// indicatorQuery reads the indicator named by the path (in the caller's
// reach) and the query of its figures: what every figure route starts with.
func (a *API) indicatorQuery(c *Call) (*indicator.Indicator, indicator.Query, error) {
	ind, err := a.Indicators.Get(c.Ctx, c.Actor, c.ID())
	if err != nil {
		return nil, indicator.Query{}, err
	}
	q, err := a.query(c.R, ind)
	return ind, q, err
}

func (a *API) indicatorFigures(c *Call, _ None) (*Figures, error) {
	ind, q, err := a.indicatorQuery(c)
	var b *indicator.Breakdown
	if err == nil {
		b, err = a.Indicators.Breakdown(c.Ctx, c.Actor, q)
	}
	if err != nil {
		return nil, err
	}
	out := &Figures{Indicator: ind, Period: b.Period.Key(), Mode: string(b.Mode), Basis: string(b.Basis), TreeDate: b.Date, InForce: b.InForce,
		Children: make([]FigureRow, 0, len(b.Children)), Carried: b.Carried} // a province's 100–150 communes: one slice, not its doublings
	out.Unit = FigureRow{UnitID: b.Unit.UnitID, Code: b.Unit.Code, Name: b.Unit.Name, Level: b.Unit.Level, Value: b.Total.Value, Units: b.Total.Units,
		Completeness: completenessOf(b.Total)}
	if out.Threshold, err = a.Indicators.Threshold(c.Ctx); err != nil {
		return nil, err
	}
	for _, ch := range b.Children {
		out.Children = append(out.Children, rowOf(ch))
	}
	for _, p := range b.Predecessors {
		out.Predecessors = append(out.Predecessors, rowOf(p))
	}
	if pr, err := a.Indicators.Progress(c.Ctx, c.Actor, ind.Code, b.Unit.UnitID, b.Period.Year, q.Basis); err == nil {
		out.Target = &TargetProgress{Year: pr.Target.Year, Target: pr.Target.Value, Expected: pr.Expected, Actual: pr.Actual.Value, Light: string(pr.Light)}
	}
	return out, nil
}

func seriesOf(ind *indicator.Indicator, unit int64, mode indicator.Mode, basis indicator.Basis, pts []indicator.Point) Series {
	s := Series{Indicator: ind, UnitID: unit, Mode: string(mode), Basis: string(basis), Points: []SeriesPoint{}}
	for _, p := range pts {
		s.Points = append(s.Points, SeriesPoint{Period: p.Period.Key(), InForce: p.InForce, Value: p.Value, Units: p.Units, Completeness: completenessOf(p.Figure)})
	}
	return s
}

// periodRange reads ?from= and ?to=: at most five years of periods.
func periodRange(r *http.Request, ind *indicator.Indicator, today day.Day) ([]indicator.Period, error) {
	v := r.URL.Query()
	to := indicator.PeriodOf(ind.PeriodType, today).Prev()
	var err error
	if s := v.Get("to"); s != "" {
		if to, err = indicator.ParsePeriod(s); err != nil {
			return nil, err
		}
	}
	from := to
	for i := 0; i < 11; i++ {
		from = from.Prev()
	}
	if s := v.Get("from"); s != "" {
		if from, err = indicator.ParsePeriod(s); err != nil {
			return nil, err
		}
	}
	if from.Type != to.Type || to.Less(from) {
		return nil, errs.Invalidf("indicator.err.bad_period", "Value", v.Get("from")+" – "+v.Get("to")).At(0, "from")
	}
	return indicator.Span(from, to, 60), nil
}

func (a *API) indicatorDashboard(c *Call, _ None) (DashboardJSON, error) {
	q := indicator.DashboardQuery{UnitID: c.Int64("unit"), N: c.Int("window", 12), AsOf: c.AsOf()}
	if err := c.Err(); err != nil {
		return DashboardJSON{}, err
	}
	q.To = q.AsOf
	q.Mode, q.Basis = indicator.ParseMode(c.Query("mode")), indicator.ParseBasis(c.Query("basis"))
	for _, s := range strings.FieldsFunc(c.Query("indicators"), func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return DashboardJSON{}, errs.Invalidf("err.bad_id", "Value", s).At(0, "indicators")
		}
		q.Indicators = append(q.Indicators, id)
	}
	d, err := a.Indicators.Dashboard(c.Ctx, c.Actor, q)
	if err != nil {
		return DashboardJSON{}, err
	}
	out := DashboardJSON{UnitID: d.Unit.UnitID, Mode: string(d.Mode), Basis: string(d.Basis), Rows: []Series{}}
	for _, row := range d.Rows {
		out.Rows = append(out.Rows, seriesOf(row.Indicator, d.Unit.UnitID, d.Mode, d.Basis, row.Points))
	}
	return out, nil
}

// flex turns a value sent as a number or a text into what the forms take.
func flex(v *float64, text string) (indicator.Flex, error) {
	switch {
	case v != nil && text != "":
		return "", errs.Invalidf("err.bad_request", "Reason", "give value or text, not both").At(0, "value")
	case v != nil:
		if *v > MaxMagnitude || *v < -MaxMagnitude {
			return "", errs.Invalidf("indicator.err.too_big", "Value", strconv.FormatFloat(*v, 'g', 6, 64)).At(0, "value")
		}
		return indicator.Flex(strconv.FormatFloat(*v, 'f', -1, 64)), nil
	}
	return indicator.Flex(text), nil
}

func (a *API) pushValues(c *Call, body PushBody) (PushResultJSON, error) {
	in := indicator.PushInput{Submit: body.Submit}
	var bad []*errs.Error
	for i, v := range body.Values {
		f, err := flex(v.Value, v.Text)
		if err != nil {
			e, _ := errs.As(err)
			bad = append(bad, e.At(i+1, "value"))
			continue
		}
		in.Values = append(in.Values, indicator.PushRow{Indicator: v.Indicator, UnitID: v.UnitID, UnitCode: v.UnitCode, Period: v.Period,
			Value: f, Comment: v.Comment, Row: i + 1})
	}
	if len(bad) > 0 {
		return PushResultJSON{}, errs.List("indicator.err.push", bad)
	}
	res, err := a.Indicators.Push(c.Ctx, c.Actor, in, "", "api")
	if err != nil {
		return PushResultJSON{}, err
	}
	return pushResult(res), nil
}

func pushResult(res *indicator.PushResult) PushResultJSON {
	out := PushResultJSON{Values: res.Values, Submissions: []SubmissionJSON{}}
	for _, s := range res.Submissions {
		out.Submissions = append(out.Submissions, submissionJSON(s))
	}
	return out
}

func (a *API) importValues(w http.ResponseWriter, r *http.Request) {
	if err := a.parseUpload(w, r); err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.importFile(w, r, "file")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	submit := r.URL.Query().Get("submit") == "true" || r.PostFormValue("submit") == "true"
	res, err := a.Indicators.Import(r.Context(), httpx.Actor(r), f, f.name, submit, a.printer(r).Lang)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pushResult(res))
}

// formPeriod reads ?period=, the last period of the form's type that ended
// by default.
func (a *API) formPeriod(r *http.Request, f *indicator.Form) (indicator.Period, error) {
	if s := r.URL.Query().Get("period"); s != "" {
		return indicator.ParsePeriod(s)
	}
	return indicator.PeriodOf(f.PeriodType, a.Org.Today()).Prev(), nil
}

func (a *API) formCompleteness(c *Call, _ None) (*CompletenessJSON, error) {
	id := c.ID()
	f, err := a.Indicators.GetForm(c.Ctx, c.Actor, id)
	var p indicator.Period
	if err == nil {
		p, err = a.formPeriod(c.R, f)
	}
	var unit int64
	if err == nil {
		unit = c.Int64("unit")
		err = c.Err()
	}
	var cm *indicator.Completeness
	if err == nil {
		cm, err = a.Indicators.Complete(c.Ctx, c.Actor, id, p, unit)
	}
	if err != nil {
		return nil, err
	}
	out := &CompletenessJSON{FormID: id, Period: p.Key(), Due: cm.Due, PastDue: cm.PastDue, UnitID: cm.Unit.UnitID, Counts: cm.Counts,
		Groups: cm.Groups, Units: cm.Units}
	if out.Groups == nil {
		out.Groups = []indicator.GroupCounts{}
	}
	if out.Units == nil {
		out.Units = []indicator.UnitStatus{}
	}
	return out, nil
}

func (a *API) getEntry(c *Call, _ None) (*EntryJSON, error) {
	unit, formID := c.ID(), c.PathID("form")
	f, err := a.Indicators.GetForm(c.Ctx, c.Actor, formID)
	var p indicator.Period
	if err == nil {
		p, err = a.formPeriod(c.R, f)
	}
	var e *indicator.Entry
	if err == nil {
		e, err = a.Indicators.GetEntry(c.Ctx, c.Actor, formID, unit, p)
	}
	if err != nil {
		return nil, err
	}
	out := &EntryJSON{FormID: formID, UnitID: unit, Period: p.Key(), Due: e.Due, Status: string(e.Status()), Values: map[string]indicator.Value{},
		Computed: map[string]float64{}, Writable: e.Writable, MeasuredChanges: e.MeasuredChanges}
	if out.MeasuredChanges == nil {
		out.MeasuredChanges = []indicator.MeasuredChange{}
	}
	if e.Submission != nil {
		s := submissionJSON(e.Submission)
		out.Submission = &s
		if out.Differences, err = a.Indicators.SubmissionDifferences(c.Ctx, c.Actor, e.Submission); err != nil {
			return nil, err
		}
	}
	for _, it := range f.Items {
		if v := e.Values[it.ID]; v != nil {
			vv := *v
			vv.Code = it.Code
			out.Values[it.Code] = vv
		}
		if fig, ok := e.Computed[it.ID]; ok && fig.Has() {
			out.Computed[it.Code] = fig.V()
		}
	}
	return out, nil
}

func (a *API) saveEntry(c *Call, body EntryBody) (SubmissionJSON, error) {
	p, err := indicator.ParsePeriod(body.Period)
	if err != nil {
		return SubmissionJSON{}, err
	}
	in := indicator.EntryInput{Submit: body.Submit}
	var bad []*errs.Error
	for i, v := range body.Values {
		f, err := flex(v.Value, v.Text)
		if err != nil {
			e, _ := errs.As(err)
			bad = append(bad, e.At(i+1, "value"))
			continue
		}
		in.Values = append(in.Values, indicator.ValueInput{Code: v.Code, Raw: f, Comment: v.Comment})
	}
	if len(bad) > 0 {
		return SubmissionJSON{}, errs.List("err.form", bad)
	}
	sub, err := a.Indicators.Save(c.Ctx, c.Actor, c.PathID("form"), c.ID(), p, in, "", nil)
	if err != nil {
		return SubmissionJSON{}, err
	}
	return submissionJSON(sub), nil
}

func (a *API) getSettings(c *Call, _ None) (Settings, error) {
	t, err := a.Indicators.Threshold(c.Ctx)
	if err != nil {
		return Settings{}, err
	}
	tol, err := a.Indicators.Tolerance(c.Ctx)
	if err != nil {
		return Settings{}, err
	}
	return Settings{CompletenessThreshold: t, ReconcileTolerance: &tol}, nil
}
