package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

type peoplePage struct {
	Page
	Filter people.Filter
	Unit   *org.Version
	Result *people.SearchResult
	PageNo int
	Pages  int
	Roles  []people.RoleKind
	Body   template.HTML // the content, written by peopleHTML
	pooledContent
}

const peoplePageSize = 50

// peopleList finds people by name (without diacritics), unit, role and
// training status.
func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) {
	pp, err := s.peopleData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp.Body = peopleHTML(pp)
	s.render(w, r, "people", http.StatusOK, pp)
}

// peopleData gathers what the people list shows.
func (s *Server) peopleData(r *http.Request) (*peoplePage, error) {
	p := s.page(r, "")
	q := r.URL.Query()
	pp := &peoplePage{Page: p, Roles: people.RoleKinds}
	pp.Title, pp.Nav = p.L.T("people.title"), "people"
	f := people.Filter{Q: strings.TrimSpace(q.Get("q")), Role: people.RoleKind(q.Get("role")), Training: q.Get("training"), AsOf: p.AsOf, Limit: peoplePageSize}
	var why string
	if f.UnitID, why = s.pickedUnit(r, &p, "unit"); why != "" {
		// a unit typed but not found is said, never ignored: no list of
		// the whole scope in its place
		pp.Page = p
		pp.Page.Errors = append(pp.Page.Errors, why)
		pp.Filter, pp.Result = f, &people.SearchResult{Rows: []people.PersonRow{}}
		return pp, nil
	}
	pp.PageNo, _ = strconv.Atoi(q.Get("page"))
	if pp.PageNo < 1 {
		pp.PageNo = 1
	}
	f.Offset = (pp.PageNo - 1) * peoplePageSize
	res, err := s.People.Search(r.Context(), p.Actor, f)
	if err != nil {
		return nil, err
	}
	pp.Filter, pp.Result = f, res
	pp.Pages = (res.Total + peoplePageSize - 1) / peoplePageSize
	if f.UnitID != 0 {
		if snap, err := s.Org.Snapshot(r.Context()); err == nil {
			pp.Unit = snap.Latest(f.UnitID)
		}
	}
	return pp, nil
}

// written is the page's content (Body, written by peopleHTML), handed to
// the page cache as it is (writtenPage).
func (p *peoplePage) written() template.HTML { return p.Body }

// peopleHTML writes the people list's content (the template "content" of
// people.html before, kept in testdata/people_template.html: TestPeopleHTML
// holds it to it) into a buffer of pageBufs (as dashboardHTML).
func peopleHTML(p *peoplePage) template.HTML {
	L := p.L
	f := &p.Filter
	unit := ""
	if f.UnitID != 0 {
		unit = strconv.FormatInt(f.UnitID, 10)
	}
	w := pooledHW()
	w.raw("\n<h1>").text(p.Title).raw("</h1>\n<p class=\"actions\">")
	if p.Can("enter_data") {
		w.raw("<a class=\"button primary\" href=\"").url(p.U("/people/new")).raw("\">").text(L.T("people.new")).
			raw("</a>\n  <a class=\"button\" href=\"").url(p.U("/people/import")).raw("\">").text(L.T("people.import")).raw("</a>")
	}
	w.raw("\n  <a class=\"button\" href=\"").url(p.U("/people/export.xlsx", "q", f.Q, "role", f.Role, "training", f.Training, "unit", f.UnitID)).raw("\">").
		text(L.T("people.export")).raw("</a></p>\n<form method=\"get\" action=\"/people\" class=\"filters\">\n  ")
	if !p.IsToday() {
		w.raw("<input type=\"hidden\" name=\"d\" value=\"").text(p.AsOf.String()).raw("\">")
	}
	sel := func(on bool) {
		if on {
			w.raw("selected")
		}
	}
	w.raw("\n  <label>").text(L.T("people.name")).raw(" <input type=\"search\" name=\"q\" value=\"").text(f.Q).raw("\" placeholder=\"").text(L.T("people.name_hint")).
		raw("\"></label>\n  <label>").text(L.T("people.role")).raw(" <select name=\"role\">\n    <option value=\"\">").text(L.T("people.any")).
		raw("</option>\n    <option value=\"any\" ")
	sel(f.Role == "any")
	w.raw(">").text(L.T("people.any_role")).raw("</option>\n    ")
	for _, r := range p.Roles {
		w.raw("<option value=\"").text(string(r)).raw("\" ")
		sel(r == f.Role)
		w.raw(">").text(L.T("role.kind." + string(r))).raw("</option>")
	}
	w.raw("\n    <option value=\"none\" ")
	sel(f.Role == "none")
	w.raw(">").text(L.T("people.no_role")).raw("</option>\n  </select></label>\n  <label>").text(L.T("people.training")).
		raw(" <select name=\"training\">\n    <option value=\"\">").text(L.T("people.any")).raw("</option>\n    <option value=\"trained\" ")
	sel(f.Training == "trained")
	w.raw(">").text(L.T("people.trained", "Year", p.AsOf.Year())).raw("</option>\n    <option value=\"untrained\" ")
	sel(f.Training == "untrained")
	w.raw(">").text(L.T("people.untrained", "Year", p.AsOf.Year())).raw("</option>\n  </select></label>\n  <div class=\"picker-label\"><span>").
		text(L.T("people.unit")).raw("</span>\n  ")
	shown := ""
	if p.Unit != nil {
		shown = p.Unit.Name
	}
	pickerHTML(w, &p.Page, "unit", unit, L.T("people.unit"), shown)
	w.raw("</div>\n  <button class=\"primary\">").text(L.T("search.submit")).raw("</button>\n</form>\n<p class=\"muted\">").text(L.N("people.total", p.Result.Total)).
		raw("</p>\n<table class=\"list\">\n  <thead><tr><th>").text(L.T("people.name")).raw("</th><th class=\"hide-sm\">").text(L.T("people.unit")).
		raw("</th><th>").text(L.T("people.dx_role")).raw("</th><th>").text(L.T("people.training")).raw("</th></tr></thead>\n  <tbody>\n  ")
	writePeopleRows(w, &p.Page, p.Result.Rows)
	w.raw("\n  </tbody>\n</table>\n")
	if p.Pages > 1 {
		w.raw("\n<nav class=\"pager\">\n  ")
		if p.PageNo > 1 {
			w.raw("<a href=\"").url(p.U("/people", "q", f.Q, "role", f.Role, "training", f.Training, "unit", f.UnitID, "page", p.PageNo-1)).raw("\">‹ ").
				text(L.T("pager.prev")).raw("</a>")
		}
		w.raw("\n  <span>").text(L.T("pager.page", "Page", p.PageNo, "Pages", p.Pages)).raw("</span>\n  ")
		if p.PageNo < p.Pages {
			w.raw("<a href=\"").url(p.U("/people", "q", f.Q, "role", f.Role, "training", f.Training, "unit", f.UnitID, "page", p.PageNo+1)).raw("\">").
				text(L.T("pager.next")).raw(" ›</a>")
		}
		w.raw("\n</nav>\n")
	}
	w.raw("\n")
	return p.set(w)
}

type personPage struct {
	Page
	V       *people.PersonView
	Units   map[int64]*org.Version
	Form    map[string]string
	Op      string
	Options formOptions
}

// formOptions are the choices of the people forms.
type formOptions struct {
	Employments []people.Employment
	QualLevels  []people.QualLevel
	Roles       []people.RoleKind
	Members     []people.MemberRole
	Formats     []string
}

var options = formOptions{people.Employments, people.QualLevels, people.RoleKinds, people.MemberRoles, people.Formats}

func (s *Server) personData(r *http.Request, id int64) (*personPage, error) {
	p := s.page(r, "")
	v, err := s.People.GetPerson(r.Context(), p.Actor, id, p.AsOf)
	if err != nil {
		return nil, err
	}
	snap, err := s.Org.Snapshot(r.Context())
	if err != nil {
		return nil, err
	}
	pp := &personPage{Page: p, V: v, Units: map[int64]*org.Version{}, Form: map[string]string{}, Options: options}
	pp.Title, pp.Nav = v.Person.FullName, "people"
	for _, ps := range v.Postings {
		pp.Units[ps.UnitID] = snap.Latest(ps.UnitID)
	}
	for _, r := range v.Roles {
		pp.Units[r.UnitID] = snap.Latest(r.UnitID)
	}
	return pp, nil
}

func (s *Server) personShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pp, err := s.personData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "person", http.StatusOK, pp)
}

type personFormPage struct {
	Page
	ID       int64
	Form     map[string]string
	UnitName string
	Options  formOptions
}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	fp := &personFormPage{Page: p, Form: map[string]string{"since": p.L.Date(p.AsOf), "qualification_level": string(people.QualBachelor)}, Options: options}
	fp.Title, fp.Nav = p.L.T("people.new"), "people"
	if u := r.URL.Query().Get("unit"); u != "" {
		// a unit outside the scope is refused as every page refuses it
		id, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			s.fail(w, r, errs.Invalidf("err.bad_id", "Value", u).At(0, "unit"))
			return
		}
		tree, err := s.Org.For(r.Context(), p.Actor)
		if err == nil {
			err = tree.Check(id)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fp.Form["unit_id"] = u
		fp.UnitName = s.visibleUnitName(r, id)
	}
	s.render(w, r, "person_form", http.StatusOK, fp)
}

// visibleUnitName is the name of a unit the user's scope covers, and ""
// for any other: a form must not show the name of a unit id typed into a
// URL or a form from outside the scope.
func (s *Server) visibleUnitName(r *http.Request, id int64) string {
	tree, err := s.Org.For(r.Context(), httpx.Actor(r))
	if err != nil || tree.Check(id) != nil {
		return ""
	}
	return tree.Latest(id).Name
}

func personInput(r *http.Request) (people.PersonInput, error) {
	in := people.PersonInput{FullName: r.FormValue("full_name"), Gender: r.FormValue("gender"), Title: r.FormValue("title"),
		Phone: r.FormValue("phone"), Email: r.FormValue("email"), Employment: people.Employment(r.FormValue("employment")),
		QualLevel: people.QualLevel(r.FormValue("qualification_level")), QualField: r.FormValue("qualification_field"),
		QualIT: r.FormValue("qualification_it") == "on", Decision: r.FormValue("decision")}
	var err error
	if y := strings.TrimSpace(r.FormValue("birth_year")); y != "" {
		if in.BirthYear, err = strconv.Atoi(y); err != nil {
			return in, errs.Invalidf("people.err.bad_birth_year").At(0, "birth_year")
		}
	}
	if in.UnitID, err = formInt64(r, "unit_id"); err != nil {
		return in, err
	}
	in.Since, err = formDate(r, "since", false)
	return in, err
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in, err := personInput(r)
		if err != nil {
			return "", "", err
		}
		if in.UnitID == 0 {
			return "", "", errs.Invalidf("import.err.required").At(0, "unit_id")
		}
		p, err := s.People.CreatePerson(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/people/%d", p.ID), "people.created", nil
	}, func(errors []string, form map[string]string) {
		p := s.page(r, "")
		fp := &personFormPage{Page: p, Form: form, Options: options}
		fp.Title, fp.Nav, fp.Errors = p.L.T("people.new"), "people", errors
		if id, err := strconv.ParseInt(form["unit_id"], 10, 64); err == nil {
			fp.UnitName = s.visibleUnitName(r, id)
		}
		s.render(w, r, "person_form", http.StatusUnprocessableEntity, fp)
	})
}

// personAction runs a form on the person page (edit, rotate) and shows the
// page again with the errors if it fails.
func (s *Server) personAction(w http.ResponseWriter, r *http.Request, op string, do func(id int64) error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		if err := do(id); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/people/%d", id), "people.saved", nil
	}, func(errors []string, form map[string]string) {
		pp, err := s.personData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pp.Errors, pp.Form, pp.Op = errors, form, op
		s.render(w, r, "person", http.StatusUnprocessableEntity, pp)
	})
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	s.personAction(w, r, "edit", func(id int64) error {
		in, err := personInput(r)
		if err != nil {
			return err
		}
		_, err = s.People.UpdatePerson(r.Context(), httpx.Actor(r), id, in)
		return err
	})
}

func (s *Server) personRotate(w http.ResponseWriter, r *http.Request) {
	s.personAction(w, r, "rotate", func(id int64) error {
		to, err := formInt64(r, "to_unit_id")
		if err != nil {
			return err
		}
		if to == 0 {
			return errs.Invalidf("import.err.required").At(0, "to_unit_id")
		}
		d, err := formDate(r, "date", true)
		if err != nil {
			return err
		}
		return s.People.Rotate(r.Context(), httpx.Actor(r), id, people.RotateInput{ToUnitID: to, Date: d,
			Kind: people.PostingKind(r.FormValue("kind")), Decision: r.FormValue("decision"), Reason: r.FormValue("reason"),
			EndRoles: r.FormValue("end_roles") == "on"})
	})
}

type personPickPage struct {
	Page
	Q       string
	Results []people.PersonRow
	Target  string
}

// pickPerson is the person picker of the forms: people of the actor's
// scope by name, as buttons that fill a hidden input.
func (s *Server) pickPerson(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	pp := &personPickPage{Page: p, Q: strings.TrimSpace(r.URL.Query().Get("q")), Target: r.URL.Query().Get("target")}
	pp.Partial = true
	if pp.Q != "" {
		res, err := s.People.Search(r.Context(), p.Actor, people.Filter{Q: pp.Q, AsOf: p.AsOf, Limit: 20})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pp.Results = res.Rows
	}
	s.render(w, r, "pick_person", http.StatusOK, pp)
}
