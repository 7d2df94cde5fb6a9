package api

import (
	"net/http"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

// ChangeRename is the body of a rename.
type ChangeRename struct {
	org.Change
	Name string `json:"name"`
	Code string `json:"code"`
	Kind string `json:"kind"`
}

// ChangeMove is the body of a move.
type ChangeMove struct {
	org.Change
	ParentID int64 `json:"parent_id"`
}

// ChangeSplit is the body of a split.
type ChangeSplit struct {
	org.Change
	Parts []org.SplitPart `json:"parts"`
	Keep  bool            `json:"keep"`
}

// ImportResult says what an import did.
type ImportResult struct {
	org.ImportResult
	Notices []ErrorDetail `json:"notices"`
}

// changed is the unit as of a change's date, the answer to a change.
func (a *API) changed(c *Call, id int64, d day.Day) (*UnitDetail, error) {
	t, err := a.Org.For(c.Ctx, c.Actor)
	if err != nil {
		return nil, err
	}
	return a.detail(t, id, d)
}

func (a *API) split(c *Call, in ChangeSplit) (UnitList, error) {
	ids, err := a.Org.Split(c.Ctx, c.Actor, org.SplitInput{Change: in.Change, UnitID: c.ID(), Parts: in.Parts, Keep: in.Keep})
	if err != nil {
		return UnitList{}, err
	}
	t, err := a.Org.For(c.Ctx, c.Actor)
	if err != nil {
		return UnitList{}, err
	}
	var vs []*org.Version
	for _, nid := range ids {
		vs = append(vs, t.At(nid, in.Effective))
	}
	return page(vs, in.Effective, 0, len(vs)), nil
}

func (a *API) importChange(r *http.Request) (org.Change, error) {
	v := func(k string) string {
		if s := r.URL.Query().Get(k); s != "" {
			return s
		}
		return r.PostFormValue(k)
	}
	d, err := day.Parse(strings.TrimSpace(v("effective_date")))
	if err != nil {
		return org.Change{}, errs.Invalidf("err.bad_date", "Value", v("effective_date")).At(0, "effective_date")
	}
	return org.Change{Effective: d, LegalBasis: v("legal_basis"), Note: v("note")}, nil
}

func (a *API) importFile(w http.ResponseWriter, r *http.Request, field string) (*multipartFile, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return nil, errs.Invalidf("import.err.no_file").At(0, field)
	}
	return &multipartFile{File: f, name: h.Filename}, nil
}

// parseUpload checks that a request is a multipart form, which the router
// has then read within the route's bounds (see httpx.Upload); the router
// also removes its temporary files.
func (a *API) parseUpload(w http.ResponseWriter, r *http.Request) error {
	if r.MultipartForm == nil {
		return errs.Invalidf("import.err.no_file")
	}
	return nil
}

func (a *API) importUnits(w http.ResponseWriter, r *http.Request) {
	c, err := a.importChange(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.importFile(w, r, "units")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer f.Close()
	res, err := a.Org.ImportList(r.Context(), httpx.Actor(r), f, f.name, c)
	a.importDone(w, r, res, err)
}

func (a *API) importRestructure(w http.ResponseWriter, r *http.Request) {
	c, err := a.importChange(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	units, err := a.importFile(w, r, "units")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer units.Close()
	mapping, err := a.importFile(w, r, "mapping")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	defer mapping.Close()
	res, err := a.Org.Restructure(r.Context(), httpx.Actor(r), units, units.name, mapping, mapping.name, c)
	a.importDone(w, r, res, err)
}

func (a *API) importDone(w http.ResponseWriter, r *http.Request, res *org.ImportResult, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.printer(r)
	out := ImportResult{ImportResult: *res, Notices: []ErrorDetail{}}
	for _, n := range res.Notices {
		out.Notices = append(out.Notices, ErrorDetail{Row: n.Row, Field: n.Field, Message: p.TData(n.Key, n.Args)})
	}
	writeJSON(w, http.StatusOK, out)
}
