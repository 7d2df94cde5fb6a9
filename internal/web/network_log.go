package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/network"
)

// The activity log is what a team leader opens on a phone, often over a
// slow connection: one small page (no htmx, a script of a few hundred
// bytes that only shrinks a photo before it is sent, and the stylesheet
// every page shares, which the phone keeps), posting an ordinary form.

type logPage struct {
	Page
	V      *network.TeamView
	Form   map[string]string
	Kinds  []network.Kind
	Recent []network.Activity
}

func (s *Server) logData(r *http.Request, id int64, form map[string]string) (*logPage, error) {
	p := s.page(r, "")
	v, err := s.Network.GetTeam(r.Context(), p.Actor, id, p.Today)
	if err != nil {
		return nil, err
	}
	lp := &logPage{Page: p, V: v, Form: form, Kinds: network.Kinds, Recent: v.Activities}
	if len(lp.Recent) > 5 {
		lp.Recent = lp.Recent[:5]
	}
	lp.Title, lp.Nav = p.L.T("network.log_title"), "network"
	if lp.Form["date"] == "" {
		lp.Form["date"] = p.L.Date(p.Today)
	}
	return lp, nil
}

// activityForm is the phone page to log an activity of a team.
func (s *Server) activityForm(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lp, err := s.logData(r, id, map[string]string{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "network_log", http.StatusOK, lp)
}

// activityLog records the activity and shows the page again, empty, with
// a message that says what was recorded.
func (s *Server) activityLog(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 12<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		lp, lerr := s.logData(r, id, map[string]string{})
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		lp.Errors = []string{lp.L.Err(errs.Invalidf("files.err.too_large", "MB", 10).At(0, "photo"))}
		s.render(w, r, "network_log", http.StatusUnprocessableEntity, lp)
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	s.act(w, r, func() (string, string, error) {
		in := network.ActivityInput{TeamID: id, Kind: network.Kind(r.FormValue("kind")), Place: r.FormValue("place"), Note: r.FormValue("note")}
		var err error
		if in.Date, err = formDate(r, "date", true); err != nil {
			return "", "", err
		}
		if v := strings.TrimSpace(r.FormValue("people_helped")); v != "" {
			if in.PeopleHelped, err = strconv.Atoi(strings.NewReplacer(".", "", ",", "", " ", "").Replace(v)); err != nil {
				return "", "", errs.Invalidf("network.err.bad_helped", "Max", network.MaxHelped).At(0, "people_helped")
			}
		}
		photo, done := upload(r, "photo")
		defer done()
		if _, err := s.Network.LogActivity(r.Context(), httpx.Actor(r), in, photo); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/network/teams/%d/log", id), "network.logged", nil
	}, func(errors []string, form map[string]string) {
		lp, err := s.logData(r, id, form)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lp.Errors = errors
		s.render(w, r, "network_log", http.StatusUnprocessableEntity, lp)
	})
}

type chooserPage struct {
	Page
	Q     string
	Teams []network.TeamRow
	Total int
}

// activityChooser sends a team leader straight to their team's page, or
// lets someone with several teams in scope pick one.
func (s *Server) activityChooser(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	cp := &chooserPage{Page: p, Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	cp.Title, cp.Nav = p.L.T("network.log_title"), "network"
	list, err := s.Network.ListTeams(r.Context(), p.Actor, network.TeamFilter{AsOf: p.Today, Status: network.Active, Q: cp.Q, Limit: 30})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list.Total == 1 && cp.Q == "" {
		http.Redirect(w, r, fmt.Sprintf("/network/teams/%d/log", list.Teams[0].ID), http.StatusSeeOther)
		return
	}
	cp.Teams, cp.Total = list.Teams, list.Total
	s.render(w, r, "network_log_choose", http.StatusOK, cp)
}
