package web

import (
	"html/template"
	"net/http"

	"github.com/mangluoi/mangluoi/internal/home"
)

type homePage struct {
	indPage
	H    *home.Home
	Body template.HTML // the content, written by homeHTML
	pooledContent
}

func (p *homePage) written() template.HTML { return p.Body }

// home is the user's first screen, by role: a leader's state of the scope,
// a coordinator's work for today, a focal person's to-do. Every tile links
// to the page its figure comes from.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	hp := &homePage{indPage: s.indPage(r, "")}
	hp.Nav = "home"
	h, err := s.Home.Get(r.Context(), hp.Actor, hp.AsOf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hp.H = h
	hp.Title = hp.L.T("home.title." + string(h.Kind))
	hp.Body = homeHTML(hp)
	s.render(w, r, "home", http.StatusOK, hp)
}
