package web

import (
	"bytes"
	"net/http"
	"os"
)

// HomeBoth builds r's home (r signed in) and writes its content twice: by
// homeHTML, and by the template it replaced (testdata/home_template.html,
// with the shared partials), for TestHomeHTML.
func (s *Server) HomeBoth(r *http.Request) (byGo, byTemplate string, err error) {
	hp := &homePage{indPage: s.indPage(r, "")}
	hp.Nav = "home"
	h, err := s.Home.Get(r.Context(), hp.Actor, hp.AsOf)
	if err != nil {
		return "", "", err
	}
	hp.H = h
	hp.Title = hp.L.T("home.title." + string(h.Kind))
	t, err := s.pages["home"].shared.Clone()
	if err != nil {
		return "", "", err
	}
	if t, err = t.ParseFS(os.DirFS("testdata"), "home_template.html"); err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", hp); err != nil {
		return "", "", err
	}
	return string(homeHTML(hp)), buf.String(), nil
}

// UnitBoth builds the unit page of id for r (r signed in), with a failed
// change's form if op is set, and writes its content twice: by unitHTML,
// and by the template it replaced (testdata/unit_template.html, with the
// shared partials), for TestUnitHTML.
func (s *Server) UnitBoth(r *http.Request, id int64, op string, form map[string]string) (byGo, byTemplate string, err error) {
	up, err := s.unitData(r, id)
	if err != nil {
		return "", "", err
	}
	up.Op, up.Form = op, form
	t, err := s.pages["unit"].shared.Clone()
	if err != nil {
		return "", "", err
	}
	if t, err = t.ParseFS(os.DirFS("testdata"), "unit_template.html"); err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", up); err != nil {
		return "", "", err
	}
	return string(unitHTML(up)), buf.String(), nil
}

// PeopleBoth builds the people list for r (r signed in) and writes its
// content twice: by peopleHTML, and by the template it replaced
// (testdata/people_template.html), for TestPeopleHTML.
func (s *Server) PeopleBoth(r *http.Request) (byGo, byTemplate string, err error) {
	pp, err := s.peopleData(r)
	if err != nil {
		return "", "", err
	}
	t, err := s.pages["people"].shared.Clone()
	if err != nil {
		return "", "", err
	}
	if t, err = t.ParseFS(os.DirFS("testdata"), "people_template.html"); err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "content", pp); err != nil {
		return "", "", err
	}
	return string(peopleHTML(pp)), buf.String(), nil
}
