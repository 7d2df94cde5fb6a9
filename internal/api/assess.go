package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// FrameworkList is the frameworks a user may see.
type FrameworkList struct {
	Frameworks []*assess.Framework `json:"frameworks"`
}

// RoundList is the assessment rounds a caller may see.
type RoundList struct {
	Rounds []*assess.Round `json:"rounds"`
}

// WeightsBody sets how a merged unit's results before the merger are
// computed: by these weights, or (none) by the plain average.
type WeightsBody struct {
	Family  string          `json:"family"`
	Weights []assess.Weight `json:"weights"`
	Note    string          `json:"note"`
}

func (a *API) registerAssess() {
	family := httpx.Param{Name: "family", Type: "string", Description: "DTI-TINH (provinces, default) or DTI-BO (ministries)"}
	year := httpx.Param{Name: "year", Type: "integer", Description: "the year assessed (default: last year)"}
	a.handle("GET", "/frameworks", &httpx.Doc{Summary: "The assessment frameworks you may see: the national indices as issued and your province's own", Tag: "assessment",
		Response: FrameworkList{}}, a.listFrameworks)
	a.handle("GET", "/frameworks/{id}", &httpx.Doc{Summary: "An assessment framework: pillars, main indicators and components, each with its source and what is still to fill in",
		Tag: "assessment", Response: assess.Framework{}}, a.getFramework)
	a.handle("GET", "/frameworks/{id}/sheet.xlsx", &httpx.Doc{Summary: "A framework as a sheet, in the layout the import reads", Tag: "assessment"}, a.exportFramework)
	a.handle("POST", "/imports/frameworks", &httpx.Doc{Summary: "Load a framework from a sheet (the export's layout): a draft, or published; all or nothing, problems by row and column",
		Tag: "imports", Multipart: []string{"file"}, Query: []httpx.Param{
			{Name: "family", Type: "string", Description: "the framework's code, when the sheet has no framework row"},
			{Name: "name_vi", Type: "string", Description: "its name, likewise"},
			{Name: "owner_unit_id", Type: "integer", Description: "the unit it belongs to (default: your scope)"},
			{Name: "publish", Type: "boolean", Description: "publish it at once"}},
		Response: assess.Framework{}, Status: http.StatusCreated}, a.importFramework)
	a.handle("GET", "/rounds", &httpx.Doc{Summary: "The assessment rounds you may see (those of your scope's frameworks), the newest year first",
		Tag: "assessment", Response: RoundList{}}, a.listRounds)
	a.handle("GET", "/rounds/{id}/ranking", &httpx.Doc{Summary: "A round's ranking, computed now (the units of your scope), every node's score beside last year's",
		Tag: "assessment", Response: assess.Ranking{}}, a.roundRanking)
	a.handle("GET", "/rounds/{id}/units/{unit}", &httpx.Doc{Summary: "A unit's scorecard: each component's score with its source (measured, reported and approved, judgement), the self-assessed score beside a figure's, last year's",
		Tag: "assessment", Response: assess.Card{}}, a.getCard)
	a.handle("GET", "/official-results", &httpx.Doc{Summary: "A year's published results of a national index, as published or restated to today's units (a merged unit from its predecessors)",
		Tag: "assessment", Query: []httpx.Param{family, year, {Name: "mode", Type: "string", Description: "restated (default) or as_was"}},
		Response: assess.OfficialRanking{}}, a.officialResults)
	a.handle("POST", "/official-results", &httpx.Doc{Summary: "Record one unit's published result (replaces the one it had for the year)", Tag: "assessment",
		Request: assess.ResultInput{}, Response: assess.Official{}, Status: http.StatusCreated}, a.recordResult)
	a.handle("POST", "/imports/official-results", &httpx.Doc{Summary: "Import published results from a sheet; all or nothing, problems by row and column", Tag: "imports",
		Multipart: []string{"file"}, Query: []httpx.Param{family, {Name: "year", Type: "integer", Description: "the year of rows without one"},
			{Name: "today", Type: "boolean", Description: "the units are named on today's tree"}, {Name: "source", Type: "string", Description: "where the results were published"}},
		Response: assess.ResultImportSummary{}}, a.importResults)
	a.handle("GET", "/units/{id}/official-comparison", &httpx.Doc{Summary: "A unit's self-assessment of a year beside its published result, its figures and its rank goal, per main indicator",
		Tag: "assessment", Query: []httpx.Param{family, year}, Response: assess.Comparison{}}, a.officialComparison)
	a.handle("POST", "/rank-goals", &httpx.Doc{Summary: "Set a unit's goal for its rank in a national index", Tag: "assessment",
		Request: assess.Goal{}, Response: assess.Goal{}, Status: http.StatusCreated}, a.setGoal)
	a.handle("POST", "/merge-weights/{id}", &httpx.Doc{Summary: "Set how a merged unit's results before the merger are computed from its predecessors' (no weights: their average)",
		Tag: "assessment", Request: WeightsBody{}, Status: http.StatusNoContent}, a.setWeights)
}

func (a *API) listFrameworks(w http.ResponseWriter, r *http.Request) {
	fs, err := a.Assess.Frameworks(r.Context(), httpx.Actor(r))
	if fs == nil {
		fs = []*assess.Framework{}
	}
	for _, f := range fs {
		if f.Nodes == nil {
			f.Nodes = []*assess.Node{}
		}
	}
	a.reply(w, r, http.StatusOK, FrameworkList{fs}, err)
}

func (a *API) listRounds(w http.ResponseWriter, r *http.Request) {
	rs, err := a.Assess.Rounds(r.Context(), httpx.Actor(r))
	if rs == nil {
		rs = []*assess.Round{}
	}
	for _, rd := range rs {
		if rd.Units == nil {
			rd.Units = []int64{}
		}
	}
	a.reply(w, r, http.StatusOK, RoundList{rs}, err)
}

func (a *API) getFramework(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var f *assess.Framework
	if err == nil {
		f, err = a.Assess.Framework(r.Context(), httpx.Actor(r), id)
	}
	if err == nil && f.Nodes == nil {
		f.Nodes = []*assess.Node{}
	}
	a.reply(w, r, http.StatusOK, f, err)
}

func (a *API) exportFramework(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var buf bytes.Buffer
	if err == nil {
		err = a.Assess.ExportFramework(r.Context(), httpx.Actor(r), id, a.printer(r).Lang, &buf)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("bo-chi-so", strconv.FormatInt(id, 10)), sheet.XLSXType, buf.Bytes())
}

func (a *API) importFramework(w http.ResponseWriter, r *http.Request) {
	f, done, err := a.upload(w, r)
	defer done()
	q := r.URL.Query()
	var owner int64
	if err == nil {
		owner, err = int64Param(r, "owner_unit_id")
	}
	if err == nil {
		err = a.knownUnit(r, owner, "owner_unit_id")
	}
	var fw *assess.Framework
	if err == nil {
		fw, err = a.Assess.ImportFrameworkSheet(r.Context(), httpx.Actor(r), f, f.name, assess.Def{Family: q.Get("family"), NameVI: q.Get("name_vi")},
			assess.DefOptions{OwnerUnitID: owner, Publish: q.Get("publish") == "true"})
	}
	a.reply(w, r, http.StatusCreated, fw, err)
}

func (a *API) roundRanking(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var rk *assess.Ranking
	if err == nil {
		rk, err = a.Assess.Ranking(r.Context(), httpx.Actor(r), id)
	}
	if err == nil {
		if rk.Results == nil {
			rk.Results = []assess.Result{}
		}
		if rk.Framework.Nodes == nil {
			rk.Framework.Nodes = []*assess.Node{}
		}
	}
	a.reply(w, r, http.StatusOK, rk, err)
}

func (a *API) getCard(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var unit int64
	if err == nil {
		unit, err = httpx.PathID(r, "unit")
	}
	var c *assess.Card
	if err == nil {
		c, err = a.Assess.Card(r.Context(), httpx.Actor(r), id, unit)
	}
	a.reply(w, r, http.StatusOK, c, err)
}

// familyYear reads ?family= and ?year= (last year by default).
func (a *API) familyYear(r *http.Request) (string, int, error) {
	family := strings.ToUpper(r.URL.Query().Get("family"))
	if family == "" {
		family = assess.DTIFamily
	}
	year := a.Org.Today().Year() - 1
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return "", 0, errs.Invalidf("indicator.err.bad_year", "Value", v).At(0, "year")
		}
		year = y
	}
	return family, year, nil
}

func (a *API) officialResults(w http.ResponseWriter, r *http.Request) {
	family, year, err := a.familyYear(r)
	var rk *assess.OfficialRanking
	if err == nil {
		rk, err = a.Assess.OfficialResults(r.Context(), httpx.Actor(r), family, year, r.URL.Query().Get("mode"))
	}
	if err == nil && rk.Rows == nil {
		rk.Rows = []assess.Official{}
	}
	a.reply(w, r, http.StatusOK, rk, err)
}

func (a *API) recordResult(w http.ResponseWriter, r *http.Request) {
	var in assess.ResultInput
	err := decode(w, r, &in)
	if err == nil {
		err = a.knownUnit(r, in.UnitID, "unit_id")
	}
	var o *assess.Official
	if err == nil {
		o, err = a.Assess.RecordResult(r.Context(), httpx.Actor(r), in)
	}
	a.reply(w, r, http.StatusCreated, o, err)
}

func (a *API) importResults(w http.ResponseWriter, r *http.Request) {
	f, done, err := a.upload(w, r)
	defer done()
	q := r.URL.Query()
	o := assess.ResultImport{Family: q.Get("family"), Today: q.Get("today") == "true", Source: q.Get("source")}
	if v := q.Get("year"); err == nil && v != "" {
		if o.Year, err = strconv.Atoi(v); err != nil {
			err = errs.Invalidf("indicator.err.bad_year", "Value", v).At(0, "year")
		}
	}
	var sum *assess.ResultImportSummary
	if err == nil {
		sum, err = a.Assess.ImportResults(r.Context(), httpx.Actor(r), f, f.name, o)
	}
	if err == nil && sum.Years == nil {
		sum.Years = []int{}
	}
	a.reply(w, r, http.StatusOK, sum, err)
}

func (a *API) officialComparison(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	family, year := "", 0
	if err == nil {
		family, year, err = a.familyYear(r)
	}
	var c *assess.Comparison
	if err == nil {
		c, err = a.Assess.Compare(r.Context(), httpx.Actor(r), family, id, year)
	}
	if err == nil && c.Rows == nil {
		c.Rows = []assess.CompareRow{}
	}
	a.reply(w, r, http.StatusOK, c, err)
}

func (a *API) setGoal(w http.ResponseWriter, r *http.Request) {
	var g assess.Goal
	err := decode(w, r, &g)
	if err == nil {
		err = a.knownUnit(r, g.UnitID, "unit_id")
	}
	var out *assess.Goal
	if err == nil {
		out, err = a.Assess.SetGoal(r.Context(), httpx.Actor(r), g)
	}
	a.reply(w, r, http.StatusCreated, out, err)
}

func (a *API) setWeights(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var body WeightsBody
	if err == nil {
		err = decode(w, r, &body)
	}
	if err == nil {
		err = a.Assess.SetWeights(r.Context(), httpx.Actor(r), body.Family, id, body.Weights, body.Note)
	}
	a.reply(w, r, http.StatusNoContent, nil, err)
}
