package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

type orgsPage struct {
	Page
	Unit     *org.Version
	Orgs     []network.OrgRow
	Past     bool
	Form     map[string]string
	Opts     netOptions
	Areas    []*org.Version // the parts of the unit, to say where an organisation works
	Selected map[int64]bool // the areas ticked in the form
	Writable bool
}

func (s *Server) orgsData(r *http.Request, form map[string]string) (*orgsPage, error) {
	p := s.page(r, "")
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	unit := queryUnit(r, &p)
	if u, err := formInt64(r, "unit_id"); err == nil && u != 0 && r.Method == http.MethodPost && tree.Check(u) == nil {
		unit = u
	}
	v, _, err := tree.Unit(unit, p.AsOf)
	if err != nil {
		return nil, err
	}
	op := &orgsPage{Page: p, Unit: v, Form: form, Opts: netOpts, Selected: map[int64]bool{}, Past: r.URL.Query().Get("past") != "", Writable: p.Actor.Can("enter_data")}
	op.Title, op.Nav = p.L.T("network.orgs_title"), "network"
	if op.Orgs, err = s.Network.ListOrgs(r.Context(), p.Actor, unit, p.AsOf, op.Past); err != nil {
		return nil, err
	}
	for _, c := range tree.Children(unit, p.AsOf) {
		if c.Level == org.LevelCommune || c.Level == org.LevelDistrict || c.Level == org.LevelVillage {
			op.Areas = append(op.Areas, c)
		}
	}
	for _, a := range r.Form["area_unit_ids"] {
		if id, err := strconv.ParseInt(a, 10, 64); err == nil {
			op.Selected[id] = true
		}
	}
	return op, nil
}

// netOrgList lists the organisations of a unit's network, with a form to
// record one.
func (s *Server) netOrgList(w http.ResponseWriter, r *http.Request) {
	op, err := s.orgsData(r, map[string]string{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "network_orgs", http.StatusOK, op)
}

func orgInput(r *http.Request) (network.OrgInput, error) {
	in := network.OrgInput{Name: r.FormValue("name"), Kind: network.OrgKind(r.FormValue("kind")), Contribution: r.FormValue("contribution"),
		Contact: r.FormValue("contact"), Phone: r.FormValue("phone")}
	var err error
	if in.UnitID, err = formInt64(r, "unit_id"); err != nil {
		return in, err
	}
	if in.From, err = formDate(r, "valid_from", false); err != nil {
		return in, err
	}
	for _, a := range r.Form["area_unit_ids"] {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return in, errs.Invalidf("err.bad_id", "Value", a).At(0, "area_unit_ids")
		}
		in.AreaIDs = append(in.AreaIDs, id)
	}
	return in, nil
}

func (s *Server) netOrgCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in, err := orgInput(r)
		if err != nil {
			return "", "", err
		}
		o, err := s.Network.CreateOrg(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/network/orgs/%d", o.ID), "network.saved", nil
	}, func(errors []string, form map[string]string) {
		op, err := s.orgsData(r, form)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		op.Errors = errors
		s.render(w, r, "network_orgs", http.StatusUnprocessableEntity, op)
	})
}

type orgPage struct {
	Page
	O        *network.Org
	Unit     *org.Version
	Areas    []*org.Version // its areas
	Choices  []*org.Version // the parts of its unit
	Selected map[int64]bool
	Form     map[string]string
	Op       string
	Opts     netOptions
	Writable bool
}

func (s *Server) orgData(r *http.Request, id int64) (*orgPage, error) {
	p := s.page(r, "")
	o, err := s.Network.GetOrg(r.Context(), p.Actor, id)
	if err != nil {
		return nil, err
	}
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	op := &orgPage{Page: p, O: o, Unit: tree.Latest(o.UnitID), Form: map[string]string{}, Opts: netOpts, Selected: map[int64]bool{},
		Writable: p.Actor.Can("enter_data")}
	op.Title, op.Nav = o.Name, "network"
	for _, a := range o.AreaIDs {
		op.Selected[a] = true
		if v := tree.At(a, p.AsOf); v != nil {
			op.Areas = append(op.Areas, v)
		} else {
			op.Areas = append(op.Areas, tree.Latest(a))
		}
	}
	for _, c := range tree.Children(o.UnitID, p.AsOf) {
		if c.Level == org.LevelCommune || c.Level == org.LevelDistrict || c.Level == org.LevelVillage {
			op.Choices = append(op.Choices, c)
		}
	}
	return op, nil
}

func (s *Server) netOrgShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	op, err := s.orgData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "network_org", http.StatusOK, op)
}

func (s *Server) orgAction(w http.ResponseWriter, r *http.Request, op string, do func(id int64) error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		if err := do(id); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/network/orgs/%d", id), "network.saved", nil
	}, func(errors []string, form map[string]string) {
		p, err := s.orgData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Errors, p.Form, p.Op = errors, form, op
		s.render(w, r, "network_org", http.StatusUnprocessableEntity, p)
	})
}

func (s *Server) netOrgUpdate(w http.ResponseWriter, r *http.Request) {
	s.orgAction(w, r, "edit", func(id int64) error {
		in, err := orgInput(r)
		if err != nil {
			return err
		}
		_, err = s.Network.UpdateOrg(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

func (s *Server) netOrgEnd(w http.ResponseWriter, r *http.Request) {
	s.orgAction(w, r, "end", func(id int64) error {
		d, err := formDate(r, "date", true)
		if err != nil {
			return err
		}
		return s.Network.EndOrg(r.Context(), httpx.Actor(r), id, network.EndInput{Date: d, Note: r.FormValue("note")})
	})
}
