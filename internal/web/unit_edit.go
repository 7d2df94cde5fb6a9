package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

// unitChange runs one of the restructuring forms of the unit page. On
// success it goes back to the unit page (as of the change's date, so the
// change is visible) with a message; on failure it shows the page again
// with the error and the form as it was typed.
func (s *Server) unitChange(w http.ResponseWriter, r *http.Request, op string,
	do func(ctx context.Context, id int64, c org.Change) (int64, error)) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, errs.Invalidf("err.bad_request", "Reason", err.Error()))
		return
	}
	c := org.Change{LegalBasis: r.PostFormValue("legal_basis"), Note: r.PostFormValue("note")}
	var target int64
	eff, derr := day.Parse(strings.TrimSpace(r.PostFormValue("effective_date")))
	if derr != nil {
		err = errs.Invalidf("err.bad_date", "Value", r.PostFormValue("effective_date")).At(0, "effective_date")
	} else {
		c.Effective = eff
		target, err = do(r.Context(), id, c)
	}
	if err != nil {
		if errs.KindOf(err) == errs.Internal || errs.KindOf(err) == errs.Forbidden {
			s.fail(w, r, err)
			return
		}
		up, perr := s.unitData(r, id)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		up.Op = op
		up.Errors = up.L.Errs(err)
		up.Form = map[string]string{}
		for k := range r.PostForm {
			up.Form[k] = r.PostFormValue(k)
		}
		up.Body = unitHTML(up)
		s.render(w, r, "unit", http.StatusUnprocessableEntity, up)
		return
	}
	if target == 0 {
		target = id
	}
	p := s.page(r, "")
	flash(w, p.L.T("unit.changed."+op))
	http.Redirect(w, r, "/units/"+strconv.FormatInt(target, 10)+"?d="+c.Effective.String(), http.StatusSeeOther)
}

func formID(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, errs.Invalidf("import.err.required").At(0, name)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Invalidf("err.bad_id", "Value", v).At(0, name)
	}
	return id, nil
}

func formFraction(r *http.Request, name string) (*float64, error) {
	v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostFormValue(name)), "%"))
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
	if err != nil {
		return nil, errs.Invalidf("org.err.bad_fraction").At(0, name)
	}
	f /= 100 // the form asks for a percentage
	return &f, nil
}

func (s *Server) unitRename(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, "rename", func(ctx context.Context, id int64, c org.Change) (int64, error) {
		return 0, s.Org.Rename(ctx, httpx.Actor(r), org.RenameInput{Change: c, UnitID: id,
			Name: r.PostFormValue("name"), Code: r.PostFormValue("code"), Kind: r.PostFormValue("kind")})
	})
}

func (s *Server) unitMove(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, "move", func(ctx context.Context, id int64, c org.Change) (int64, error) {
		parent, err := formID(r, "parent_id")
		if err != nil {
			return 0, err
		}
		return 0, s.Org.Move(ctx, httpx.Actor(r), org.MoveInput{Change: c, UnitID: id, ParentID: parent})
	})
}

func (s *Server) unitDissolve(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, "dissolve", func(ctx context.Context, id int64, c org.Change) (int64, error) {
		return 0, s.Org.Dissolve(ctx, httpx.Actor(r), org.DissolveInput{Change: c, UnitID: id})
	})
}

func (s *Server) unitEstablish(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, "establish", func(ctx context.Context, id int64, c org.Change) (int64, error) {
		return s.Org.Establish(ctx, httpx.Actor(r), org.EstablishInput{Change: c, UnitSpec: org.UnitSpec{
			ParentID: id, Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
			Level: org.Level(r.PostFormValue("level")), Kind: r.PostFormValue("kind")}})
	})
}

// unitSplit takes up to four parts from the form (part1_name, part1_code…);
// rows left empty are ignored.
func (s *Server) unitSplit(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, "split", func(ctx context.Context, id int64, c org.Change) (int64, error) {
		tree, err := s.Org.For(ctx, httpx.Actor(r))
		if err != nil {
			return 0, err
		}
		if err := tree.Check(id); err != nil { // an id of no unit, or of one outside the scope
			return 0, err
		}
		cur := tree.At(id, c.Effective)
		if cur == nil {
			return 0, errs.Invalidf("org.err.not_in_force", "Name", tree.Latest(id).Name, "Date", c.Effective.VN())
		}
		in := org.SplitInput{Change: c, UnitID: id, Keep: r.PostFormValue("keep") == "on"}
		for i := 1; i <= 4; i++ {
			n := strconv.Itoa(i)
			name := strings.TrimSpace(r.PostFormValue("part" + n + "_name"))
			if name == "" {
				continue
			}
			f, err := formFraction(r, "part"+n+"_percent")
			if err != nil {
				return 0, err
			}
			in.Parts = append(in.Parts, org.SplitPart{Fraction: f, UnitSpec: org.UnitSpec{
				ParentID: cur.ParentID, Name: name, Code: r.PostFormValue("part" + n + "_code"),
				Level: cur.Level, Kind: r.PostFormValue("part" + n + "_kind")}})
		}
		ids, err := s.Org.Split(ctx, httpx.Actor(r), in)
		if err != nil || len(ids) == 0 {
			return 0, err
		}
		if in.Keep {
			return id, nil
		}
		return ids[0], nil
	})
}

// unitMerge merges this unit with the others chosen: into one of them, or
// into a new unit named in the form.
func (s *Server) unitMerge(w http.ResponseWriter, r *http.Request) {
	s.unitChange(w, r, "merge", func(ctx context.Context, id int64, c org.Change) (int64, error) {
		tree, err := s.Org.For(ctx, httpx.Actor(r))
		if err != nil {
			return 0, err
		}
		if err := tree.Check(id); err != nil { // an id of no unit, or of one outside the scope
			return 0, err
		}
		cur := tree.At(id, c.Effective)
		if cur == nil {
			return 0, errs.Invalidf("org.err.not_in_force", "Name", tree.Latest(id).Name, "Date", c.Effective.VN())
		}
		in := org.MergeInput{Change: c, UnitIDs: []int64{id}}
		other, err := formID(r, "other_id")
		if err != nil {
			return 0, err
		}
		in.UnitIDs = append(in.UnitIDs, other)
		switch r.PostFormValue("into") {
		case "this":
			in.IntoID = id
		case "other":
			in.IntoID = other
		default:
			in.New = &org.UnitSpec{ParentID: cur.ParentID, Name: r.PostFormValue("new_name"), Code: r.PostFormValue("new_code"),
				Level: cur.Level, Kind: r.PostFormValue("new_kind")}
		}
		return s.Org.Merge(ctx, httpx.Actor(r), in)
	})
}
