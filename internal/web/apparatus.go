package web

import (
	"fmt"
	"net/http"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

type apparatusPage struct {
	Page
	Unit    *org.Version
	A       *people.Apparatus
	Below   []*org.Version // sub-units that may hold the DX function
	Form    map[string]string
	Op      string
	Options formOptions
}

func (s *Server) apparatusData(r *http.Request, id int64) (*apparatusPage, error) {
	p := s.page(r, "")
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	v, _, err := tree.Unit(id, p.AsOf)
	if err != nil {
		return nil, err
	}
	a, err := s.People.GetApparatus(r.Context(), p.Actor, id, p.AsOf)
	if err != nil {
		return nil, err
	}
	ap := &apparatusPage{Page: p, Unit: v, A: a, Form: map[string]string{}, Options: options}
	ap.Title, ap.Nav = p.L.T("apparatus.title", "Name", v.Name), "units"
	for _, c := range tree.Children(id, p.AsOf) {
		if !c.Level.Administrative() {
			ap.Below = append(ap.Below, c)
		}
	}
	return ap, nil
}

func (s *Server) apparatusShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ap, err := s.apparatusData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "apparatus", http.StatusOK, ap)
}

// apparatusAction runs one of the apparatus forms of unit id; unitOf finds
// the unit from the path when the path names something else (a role, a
// committee).
func (s *Server) apparatusAction(w http.ResponseWriter, r *http.Request, op string, unitOf func(id int64) (int64, error), do func(id, unit int64) error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unit := id
	if unitOf != nil {
		if unit, err = unitOf(id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.act(w, r, func() (string, string, error) {
		if err := do(id, unit); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/units/%d/apparatus?d=%s", unit, r.FormValue("d")), "apparatus.saved", nil
	}, func(errors []string, form map[string]string) {
		ap, err := s.apparatusData(r, unit)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ap.Errors, ap.Form, ap.Op = errors, form, op
		s.render(w, r, "apparatus", http.StatusUnprocessableEntity, ap)
	})
}

func (s *Server) committeeCreate(w http.ResponseWriter, r *http.Request) {
	s.apparatusAction(w, r, "committee", nil, func(_, unit int64) error {
		dd, err := formDate(r, "decision_date", true)
		if err != nil {
			return err
		}
		from, err := formDate(r, "valid_from", false)
		if err != nil {
			return err
		}
		_, err = s.People.CreateCommittee(r.Context(), httpx.Actor(r), people.CommitteeInput{UnitID: unit, Name: r.FormValue("name"),
			DecisionNumber: r.FormValue("decision_number"), DecisionDate: dd, Signer: r.FormValue("signer"), From: from})
		return err
	})
}

func (s *Server) focalUnitSet(w http.ResponseWriter, r *http.Request) {
	s.apparatusAction(w, r, "focal", nil, func(_, unit int64) error {
		from, err := formDate(r, "valid_from", true)
		if err != nil {
			return err
		}
		holder, err := formInt64(r, "holder_unit_id")
		if err != nil {
			return err
		}
		_, err = s.People.SetFocalUnit(r.Context(), httpx.Actor(r), people.FocalUnitInput{UnitID: unit, HolderUnitID: holder,
			HolderName: r.FormValue("holder_name"), Kind: people.FocalKind(r.FormValue("kind")), From: from, Decision: r.FormValue("decision")})
		return err
	})
}

func (s *Server) roleAssign(w http.ResponseWriter, r *http.Request) {
	s.apparatusAction(w, r, "role", nil, func(_, unit int64) error {
		from, err := formDate(r, "valid_from", true)
		if err != nil {
			return err
		}
		person, err := formInt64(r, "person_id")
		if err != nil {
			return err
		}
		if person == 0 && r.FormValue("vacant") != "on" {
			return errs.Invalidf("apparatus.err.person_or_vacancy").At(0, "person_id")
		}
		_, err = s.People.AssignRole(r.Context(), httpx.Actor(r), people.RoleInput{UnitID: unit, PersonID: person,
			Role: people.RoleKind(r.FormValue("role")), Mode: people.Mode(r.FormValue("mode")), From: from,
			Decision: r.FormValue("decision"), Note: r.FormValue("note")})
		return err
	})
}

// unitOfRole reads which unit's apparatus page a role or committee form
// came from, to return there. It decides nothing: the service checks the
// actor against the role's or committee's own unit, and the page shown is
// checked against the actor's scope.
func (s *Server) unitOfRole(r *http.Request) func(id int64) (int64, error) {
	return func(id int64) (int64, error) { return formInt64(r, "unit_id") }
}

func (s *Server) roleEnd(w http.ResponseWriter, r *http.Request) {
	s.apparatusAction(w, r, "roles", s.unitOfRole(r), func(id, _ int64) error {
		d, err := formDate(r, "date", true)
		if err != nil {
			return err
		}
		return s.People.EndRole(r.Context(), httpx.Actor(r), id, d, r.FormValue("note"))
	})
}

func (s *Server) roleFill(w http.ResponseWriter, r *http.Request) {
	s.apparatusAction(w, r, "roles", s.unitOfRole(r), func(id, _ int64) error {
		d, err := formDate(r, "date", true)
		if err != nil {
			return err
		}
		person, err := formInt64(r, "person_id")
		if err != nil {
			return err
		}
		if person == 0 {
			return errs.Invalidf("import.err.required").At(0, "person_id")
		}
		_, err = s.People.FillVacancy(r.Context(), httpx.Actor(r), id, person, d, r.FormValue("decision"))
		return err
	})
}

func (s *Server) memberAdd(w http.ResponseWriter, r *http.Request) {
	s.apparatusAction(w, r, "member", s.unitOfRole(r), func(id, _ int64) error {
		from, err := formDate(r, "valid_from", false)
		if err != nil {
			return err
		}
		person, err := formInt64(r, "person_id")
		if err != nil {
			return err
		}
		if person == 0 {
			return errs.Invalidf("import.err.required").At(0, "person_id")
		}
		_, err = s.People.AddMember(r.Context(), httpx.Actor(r), id, people.MemberInput{PersonID: person, Role: people.MemberRole(r.FormValue("role")), From: from})
		return err
	})
}

func (s *Server) memberEnd(w http.ResponseWriter, r *http.Request) {
	s.apparatusAction(w, r, "member", s.unitOfRole(r), func(id, _ int64) error {
		d, err := formDate(r, "date", true)
		if err != nil {
			return err
		}
		return s.People.EndMember(r.Context(), httpx.Actor(r), id, d)
	})
}
