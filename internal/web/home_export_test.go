package web

import (
	"bytes"
	"fmt"
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

// UnitCountsBoth gives the unit page's counts of the units below id (in
// all and under each child: kept, tallyOf) and the same counted again by
// CountByLevel, for TestUnitCounts.
func (s *Server) UnitCountsBoth(r *http.Request, id int64) (kept, fresh string, err error) {
	up, err := s.unitData(r, id)
	if err != nil {
		return "", "", err
	}
	tree, err := s.Org.For(r.Context(), up.Actor)
	if err != nil {
		return "", "", err
	}
	kept, fresh = fmt.Sprint(up.Counts), fmt.Sprint(countsOf(tree.CountByLevel(id, up.AsOf)))
	for _, g := range up.Groups {
		for _, row := range g.Rows {
			kept += fmt.Sprint(" ", row.V.UnitID, row.Counts)
			fresh += fmt.Sprint(" ", row.V.UnitID, countsOf(tree.CountByLevel(row.V.UnitID, up.AsOf)))
		}
	}
	return kept, fresh, nil
}
