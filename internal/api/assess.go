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
	route(a, "GET", "/frameworks", httpx.Doc{Summary: "The assessment frameworks you may see: the national indices as issued and your province's own", Tag: "assessment"},
		func(c *Call, _ None) (FrameworkList, error) {
			fs, err := a.Assess.Frameworks(c.Ctx, c.Actor)
			if fs == nil {
				fs = []*assess.Framework{}
			}
			for _, f := range fs {
				if f.Nodes == nil {
					f.Nodes = []*assess.Node{}
				}
			}
			return FrameworkList{fs}, err
		})
	route(a, "GET", "/frameworks/{id}", httpx.Doc{Summary: "An assessment framework: pillars, main indicators and components, each with its source and what is still to fill in",
		Tag: "assessment"},
		func(c *Call, _ None) (*assess.Framework, error) {
			f, err := a.Assess.Framework(c.Ctx, c.Actor, c.ID())
			if err == nil && f.Nodes == nil {
				f.Nodes = []*assess.Node{}
			}
			return f, err
		})
	// downloads and uploads: plain handlers
	a.handle("GET", "/frameworks/{id}/sheet.xlsx", &httpx.Doc{Summary: "A framework as a sheet, in the layout the import reads", Tag: "assessment"}, a.exportFramework)
	a.handle("POST", "/imports/frameworks", &httpx.Doc{Summary: "Load a framework from a sheet (the export's layout): a draft, or published; all or nothing, problems by row and column",
		Tag: "imports", Multipart: []string{"file"}, Query: []httpx.Param{
			{Name: "family", Type: "string", Description: "the framework's code, when the sheet has no framework row"},
			{Name: "name_vi", Type: "string", Description: "its name, likewise"},
			{Name: "owner_unit_id", Type: "integer", Description: "the unit it belongs to (default: your scope)"},
			{Name: "publish", Type: "boolean", Description: "publish it at once"}},
		Response: assess.Framework{}, Status: http.StatusCreated}, a.importFramework)
	route(a, "GET", "/rounds", httpx.Doc{Summary: "The assessment rounds you may see (those of your scope's frameworks), the newest year first",
		Tag: "assessment"},
		func(c *Call, _ None) (RoundList, error) {
			rs, err := a.Assess.Rounds(c.Ctx, c.Actor)
			if rs == nil {
				rs = []*assess.Round{}
			}
			for _, rd := range rs {
				if rd.Units == nil {
					rd.Units = []int64{}
				}
			}
			return RoundList{rs}, err
		})
	route(a, "GET", "/rounds/{id}/ranking", httpx.Doc{Summary: "A round's ranking, computed now (the units of your scope), every node's score beside last year's",
		Tag: "assessment"},
		func(c *Call, _ None) (*assess.Ranking, error) {
			rk, err := a.Assess.Ranking(c.Ctx, c.Actor, c.ID())
			if err == nil {
				if rk.Results == nil {
					rk.Results = []assess.Result{}
				}
				if rk.Framework.Nodes == nil {
					rk.Framework.Nodes = []*assess.Node{}
				}
			}
			return rk, err
		})
	route(a, "GET", "/rounds/{id}/units/{unit}", httpx.Doc{Summary: "A unit's scorecard: each component's score with its source (measured, reported and approved, judgement), the self-assessed score beside a figure's, last year's",
		Tag: "assessment"},
		func(c *Call, _ None) (*assess.Card, error) {
			return a.Assess.Card(c.Ctx, c.Actor, c.ID(), c.PathID("unit"))
		})
	route(a, "GET", "/official-results", httpx.Doc{Summary: "A year's published results of a national index, as published or restated to today's units (a merged unit from its predecessors)",
		Tag: "assessment", Query: []httpx.Param{family, year, {Name: "mode", Type: "string", Description: "restated (default) or as_was"}}},
		func(c *Call, _ None) (*assess.OfficialRanking, error) {
			family, year, err := a.familyYear(c.R)
			if err != nil {
				return nil, err
			}
			rk, err := a.Assess.OfficialResults(c.Ctx, c.Actor, family, year, c.Query("mode"))
			if err == nil && rk.Rows == nil {
				rk.Rows = []assess.Official{}
			}
			return rk, err
		})
	route(a, "POST", "/official-results", httpx.Doc{Summary: "Record one unit's published result (replaces the one it had for the year)", Tag: "assessment",
		Status: http.StatusCreated},
		func(c *Call, in assess.ResultInput) (*assess.Official, error) {
			if err := a.knownUnit(c.R, in.UnitID, "unit_id"); err != nil {
				return nil, err
			}
			return a.Assess.RecordResult(c.Ctx, c.Actor, in)
		})
	a.handle("POST", "/imports/official-results", &httpx.Doc{Summary: "Import published results from a sheet; all or nothing, problems by row and column", Tag: "imports",
		Multipart: []string{"file"}, Query: []httpx.Param{family, {Name: "year", Type: "integer", Description: "the year of rows without one"},
			{Name: "today", Type: "boolean", Description: "the units are named on today's tree"}, {Name: "source", Type: "string", Description: "where the results were published"}},
		Response: assess.ResultImportSummary{}}, a.importResults)
	route(a, "GET", "/units/{id}/official-comparison", httpx.Doc{Summary: "A unit's self-assessment of a year beside its published result, its figures and its rank goal, per main indicator",
		Tag: "assessment", Query: []httpx.Param{family, year}},
		func(c *Call, _ None) (*assess.Comparison, error) {
			family, year, err := a.familyYear(c.R)
			if err != nil {
				return nil, err
			}
			cmp, err := a.Assess.Compare(c.Ctx, c.Actor, family, c.ID(), year)
			if err == nil && cmp.Rows == nil {
				cmp.Rows = []assess.CompareRow{}
			}
			return cmp, err
		})
	route(a, "POST", "/rank-goals", httpx.Doc{Summary: "Set a unit's goal for its rank in a national index", Tag: "assessment",
		Status: http.StatusCreated},
		func(c *Call, g assess.Goal) (*assess.Goal, error) {
			if err := a.knownUnit(c.R, g.UnitID, "unit_id"); err != nil {
				return nil, err
			}
			return a.Assess.SetGoal(c.Ctx, c.Actor, g)
		})
	route(a, "POST", "/merge-weights/{id}", httpx.Doc{Summary: "Set how a merged unit's results before the merger are computed from its predecessors' (no weights: their average)",
		Tag: "assessment", Status: http.StatusNoContent},
		func(c *Call, in WeightsBody) (None, error) {
			return None{}, a.Assess.SetWeights(c.Ctx, c.Actor, in.Family, c.ID(), in.Weights, in.Note)
		})
}

func (a *API) exportFramework(w http.ResponseWriter, r *http.Request) {
	c := a.call(r)
	id := c.ID()
	err := c.Err()
	var buf bytes.Buffer
	if err == nil {
		err = a.Assess.ExportFramework(c.Ctx, c.Actor, id, c.Printer().Lang, &buf)
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
	c := a.call(r)
	var owner int64
	if err == nil {
		owner = c.Int64("owner_unit_id")
		err = c.Err()
	}
	if err == nil {
		err = a.knownUnit(r, owner, "owner_unit_id")
	}
	var fw *assess.Framework
	if err == nil {
		fw, err = a.Assess.ImportFrameworkSheet(c.Ctx, c.Actor, f, f.name, assess.Def{Family: c.Query("family"), NameVI: c.Query("name_vi")},
			assess.DefOptions{OwnerUnitID: owner, Publish: c.Query("publish") == "true"})
	}
	a.reply(w, r, http.StatusCreated, fw, err)
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
