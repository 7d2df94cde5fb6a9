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

// changed answers a successful change with the unit as of the change's date.
func (a *API) changed(w http.ResponseWriter, r *http.Request, status int, id int64, d day.Day) {
	t, err := a.Org.For(r.Context(), httpx.Actor(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.detail(t, id, d)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, out)
}

func (a *API) establish(w http.ResponseWriter, r *http.Request) {
	var in org.EstablishInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	id, err := a.Org.Establish(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.changed(w, r, http.StatusCreated, id, in.Effective)
}

func (a *API) rename(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in ChangeRename
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Org.Rename(r.Context(), httpx.Actor(r), org.RenameInput{Change: in.Change, UnitID: id, Name: in.Name, Code: in.Code, Kind: in.Kind})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.changed(w, r, http.StatusOK, id, in.Effective)
}

func (a *API) move(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in ChangeMove
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Org.Move(r.Context(), httpx.Actor(r), org.MoveInput{Change: in.Change, UnitID: id, ParentID: in.ParentID})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.changed(w, r, http.StatusOK, id, in.Effective)
}

func (a *API) dissolve(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in org.Change
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Org.Dissolve(r.Context(), httpx.Actor(r), org.DissolveInput{Change: in, UnitID: id})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// the unit as it was on its last day
	a.changed(w, r, http.StatusOK, id, in.Effective.AddDays(-1))
}

func (a *API) split(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in ChangeSplit
	if err == nil {
		err = decode(w, r, &in)
	}
	var ids []int64
	if err == nil {
		ids, err = a.Org.Split(r.Context(), httpx.Actor(r), org.SplitInput{Change: in.Change, UnitID: id, Parts: in.Parts, Keep: in.Keep})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Org.For(r.Context(), httpx.Actor(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var vs []*org.Version
	for _, nid := range ids {
		vs = append(vs, t.At(nid, in.Effective))
	}
	writeJSON(w, http.StatusCreated, page(vs, in.Effective, 0, len(vs)))
}

func (a *API) merge(w http.ResponseWriter, r *http.Request) {
	var in org.MergeInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	id, err := a.Org.Merge(r.Context(), httpx.Actor(r), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.changed(w, r, http.StatusCreated, id, in.Effective)
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
