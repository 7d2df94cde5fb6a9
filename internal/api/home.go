package api

import (
	"net/http"

	"github.com/mangluoi/mangluoi/internal/home"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

func (a *API) registerHome() {
	a.handle("GET", "/home", &httpx.Doc{Summary: "Your first screen, by role: a leader's state of the scope, a coordinator's work for today, a focal person's to-do",
		Tag: "home", Query: []httpx.Param{{Name: "d", Type: "string", Description: "as of this date (yyyy-mm-dd); today if absent"}}, Response: home.Home{}}, a.getHome)
}

func (a *API) getHome(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	var h *home.Home
	if err == nil {
		h, err = a.Home.Get(r.Context(), httpx.Actor(r), d)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h)
}
