package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

type teamListPage struct {
	Page
	Filter network.TeamFilter
	Unit   *org.Version
	List   *network.TeamList
	PageNo int
	Pages  int
	Opts   netOptions
}

const teamPageSize = 50

func teamFilter(r *http.Request, p *Page) network.TeamFilter {
	q := r.URL.Query()
	f := network.TeamFilter{UnitID: queryUnit(r, p), AsOf: p.AsOf, Status: network.Status(q.Get("status")), Q: strings.TrimSpace(q.Get("q")),
		Idle: q.Get("idle") != "" && q.Get("idle") != "0"}
	return f
}

// teamList finds teams under a unit by name, status and idleness.
func (s *Server) teamList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	tp := &teamListPage{Page: p, Filter: teamFilter(r, &p), Opts: netOpts}
	tp.Title, tp.Nav = p.L.T("network.teams_title"), "network"
	tp.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if tp.PageNo < 1 {
		tp.PageNo = 1
	}
	tp.Filter.Limit, tp.Filter.Offset = teamPageSize, (tp.PageNo-1)*teamPageSize
	list, err := s.Network.ListTeams(r.Context(), p.Actor, tp.Filter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tp.List = list
	tp.Pages = (list.Total + teamPageSize - 1) / teamPageSize
	if tree, err := s.Org.For(r.Context(), p.Actor); err == nil {
		tp.Unit, _, _ = tree.Unit(tp.Filter.UnitID, p.AsOf)
	}
	s.render(w, r, "network_teams", http.StatusOK, tp)
}

type teamFormPage struct {
	Page
	Form     map[string]string
	UnitName string
	Villages []*org.Version // of the user's commune, to choose from
	HasTeam  map[int64]bool // villages that have a team on the date
}

// teamFormData prepares the new-team form: the villages without a team of
// the unit asked for (or the user's commune) as quick choices.
func (s *Server) teamFormData(r *http.Request, form map[string]string) *teamFormPage {
	p := s.page(r, "")
	fp := &teamFormPage{Page: p, Form: form, HasTeam: map[int64]bool{}}
	fp.Title, fp.Nav = p.L.T("network.new_team"), "network"
	if id, err := strconv.ParseInt(form["unit_id"], 10, 64); err == nil {
		fp.UnitName = s.visibleUnitName(r, id)
	}
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return fp
	}
	commune := p.Actor.ScopeUnitID
	if c, err := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64); err == nil && tree.Check(c) == nil {
		commune = c
	}
	if v := tree.At(commune, p.AsOf); v != nil && v.Level == org.LevelVillage {
		commune = v.ParentID
	}
	if v := tree.At(commune, p.AsOf); v != nil && v.Level == org.LevelCommune && tree.InScope(commune) {
		fp.Villages = append(fp.Villages, v)
		fp.Villages = append(fp.Villages, tree.Children(commune, p.AsOf)...)
		kept := fp.Villages[:0]
		for _, c := range fp.Villages {
			if c.Level == org.LevelVillage || c.Level == org.LevelCommune {
				kept = append(kept, c)
			}
		}
		fp.Villages = kept
		if list, err := s.Network.ListTeams(r.Context(), p.Actor, network.TeamFilter{UnitID: commune, AsOf: p.AsOf, Limit: 1000}); err == nil {
			for _, t := range list.Teams {
				if t.Status != network.Dissolved {
					fp.HasTeam[t.UnitID] = true
				}
			}
		}
	}
	return fp
}

func (s *Server) teamNew(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	form := map[string]string{"decision_date": "", "unit_id": r.URL.Query().Get("unit")}
	if form["unit_id"] != "" {
		if v := s.visibleUnitName(r, mustInt(form["unit_id"])); v == "" {
			form["unit_id"] = ""
		}
	}
	fp := s.teamFormData(r, form)
	fp.Page.Flash = p.Flash
	s.render(w, r, "network_team_form", http.StatusOK, fp)
}

func mustInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func teamInput(r *http.Request) (network.TeamInput, error) {
	in := network.TeamInput{Name: r.FormValue("name"), DecisionNumber: r.FormValue("decision_number"), Signer: r.FormValue("decision_signer"),
		Note: r.FormValue("note")}
	var err error
	if in.UnitID, err = formInt64(r, "unit_id"); err != nil {
		return in, err
	}
	if in.DecisionDate, err = formDate(r, "decision_date", true); err != nil {
		return in, err
	}
	in.Established, err = formDate(r, "established_on", false)
	return in, err
}

// upload reads an optional file field of a form.
func upload(r *http.Request, field string) (*network.Upload, func()) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return nil, func() {}
	}
	return &network.Upload{Name: h.Filename, Body: f}, func() { f.Close() }
}

func (s *Server) teamCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in, err := teamInput(r)
		if err != nil {
			return "", "", err
		}
		if in.UnitID == 0 {
			return "", "", errs.Invalidf("import.err.required").At(0, "unit_id")
		}
		file, done := upload(r, "decision_file")
		defer done()
		t, err := s.Network.CreateTeam(r.Context(), httpx.Actor(r), in, file)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/network/teams/%d", t.ID), "network.team_created", nil
	}, func(errors []string, form map[string]string) {
		fp := s.teamFormData(r, form)
		fp.Errors = errors
		s.render(w, r, "network_team_form", http.StatusUnprocessableEntity, fp)
	})
}

type teamPage struct {
	Page
	V       *network.TeamView
	Unit    *org.Version
	Form    map[string]string
	Op      string
	Opts    netOptions
	Courses []people.CourseRow
	Current int // members on the date
}

func (s *Server) teamData(r *http.Request, id int64) (*teamPage, error) {
	p := s.page(r, "")
	v, err := s.Network.GetTeam(r.Context(), p.Actor, id, p.AsOf)
	if err != nil {
		return nil, err
	}
	tp := &teamPage{Page: p, V: v, Form: map[string]string{}, Opts: netOpts}
	tp.Title, tp.Nav = v.Team.Name, "network"
	if snap, err := s.Org.Snapshot(r.Context()); err == nil {
		tp.Unit = snap.Latest(v.Team.UnitID)
	}
	for _, m := range v.Members {
		if m.Current {
			tp.Current++
		}
	}
	if v.Writable && tp.Current > 0 {
		if cs, err := s.People.ListCourses(r.Context(), p.Actor, p.AsOf.Year()); err == nil {
			tp.Courses = cs
		}
	}
	return tp, nil
}

func (s *Server) teamShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tp, err := s.teamData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "network_team", http.StatusOK, tp)
}

// teamAction runs a form of the team page and returns to it; on a mistake
// the page shows again with the form as typed. teamOf finds the team from
// the path when the path names something else (a membership).
func (s *Server) teamAction(w http.ResponseWriter, r *http.Request, op string, teamOf func(id int64) (int64, error), do func(id int64) (string, error)) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	team := id
	if teamOf != nil {
		if team, err = teamOf(id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.act(w, r, func() (string, string, error) {
		msg, err := do(id)
		if err != nil {
			return "", "", err
		}
		next := fmt.Sprintf("/network/teams/%d", team)
		if d := r.FormValue("d"); d != "" {
			next += "?d=" + d
		}
		return next, msg, nil
	}, func(errors []string, form map[string]string) {
		tp, err := s.teamData(r, team)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		tp.Errors, tp.Form, tp.Op = errors, form, op
		s.render(w, r, "network_team", http.StatusUnprocessableEntity, tp)
	})
}

// memberTeam finds the team of a membership the user may see.
func (s *Server) memberTeam(r *http.Request) func(id int64) (int64, error) {
	return func(id int64) (int64, error) { return s.Network.TeamOfMember(r.Context(), httpx.Actor(r), id) }
}

// activityTeam finds the team of an activity the user may see.
func (s *Server) activityTeam(r *http.Request) func(id int64) (int64, error) {
	return func(id int64) (int64, error) { return s.Network.TeamOfActivity(r.Context(), httpx.Actor(r), id) }
}

func (s *Server) teamUpdate(w http.ResponseWriter, r *http.Request) {
	s.teamAction(w, r, "edit", nil, func(id int64) (string, error) {
		in, err := teamInput(r)
		if err != nil {
			return "", err
		}
		_, err = s.Network.UpdateTeam(r.Context(), httpx.Actor(r), id, in)
		return "network.saved", err
	})
}

func (s *Server) teamStatus(w http.ResponseWriter, r *http.Request) {
	s.teamAction(w, r, "status", nil, func(id int64) (string, error) {
		d, err := formDate(r, "date", true)
		if err != nil {
			return "", err
		}
		return "network.saved", s.Network.SetStatus(r.Context(), httpx.Actor(r), id, network.StatusInput{Status: network.Status(r.FormValue("status")),
			Date: d, Decision: r.FormValue("decision"), Note: r.FormValue("note")})
	})
}

func memberInput(r *http.Request) (network.MemberInput, error) {
	in := network.MemberInput{FullName: r.FormValue("full_name"), Gender: r.FormValue("gender"), Role: network.Role(r.FormValue("role")),
		Affiliation: network.Affiliation(r.FormValue("affiliation")), Phone: r.FormValue("phone"), Note: r.FormValue("note")}
	var err error
	if in.PersonID, err = formInt64(r, "person_id"); err != nil {
		return in, err
	}
	if y := strings.TrimSpace(r.FormValue("birth_year")); y != "" {
		if in.BirthYear, err = strconv.Atoi(y); err != nil {
			return in, errs.Invalidf("network.err.bad_birth_year").At(0, "birth_year")
		}
	}
	in.From, err = formDate(r, "valid_from", false)
	return in, err
}

func (s *Server) teamMemberAdd(w http.ResponseWriter, r *http.Request) {
	s.teamAction(w, r, "member", nil, func(id int64) (string, error) {
		in, err := memberInput(r)
		if err != nil {
			return "", err
		}
		_, err = s.Network.AddMember(r.Context(), httpx.Actor(r), id, in)
		return "network.member_added", err
	})
}

func (s *Server) teamMemberEnd(w http.ResponseWriter, r *http.Request) {
	s.teamAction(w, r, "end", s.memberTeam(r), func(id int64) (string, error) {
		d, err := formDate(r, "date", true)
		if err != nil {
			return "", err
		}
		return "network.saved", s.Network.EndMember(r.Context(), httpx.Actor(r), id, network.EndInput{Date: d, Note: r.FormValue("note")})
	})
}

func (s *Server) teamMemberRole(w http.ResponseWriter, r *http.Request) {
	s.teamAction(w, r, "role", s.memberTeam(r), func(id int64) (string, error) {
		d, err := formDate(r, "date", true)
		if err != nil {
			return "", err
		}
		_, err = s.Network.ChangeRole(r.Context(), httpx.Actor(r), id, network.RoleChange{Role: network.Role(r.FormValue("role")), Date: d})
		return "network.saved", err
	})
}

// teamEnrol puts the team's current members on a course of the training
// feature, so that their training is recorded where everyone's is.
func (s *Server) teamEnrol(w http.ResponseWriter, r *http.Request) {
	s.teamAction(w, r, "enrol", nil, func(id int64) (string, error) {
		course, err := formInt64(r, "course_id")
		if err != nil {
			return "", err
		}
		if course == 0 {
			return "", errs.Invalidf("import.err.required").At(0, "course_id")
		}
		p := s.page(r, "")
		v, err := s.Network.GetTeam(r.Context(), p.Actor, id, p.AsOf)
		if err != nil {
			return "", err
		}
		var ids []int64
		for _, m := range v.Members {
			if m.Current {
				ids = append(ids, m.PersonID)
			}
		}
		if len(ids) == 0 {
			return "", errs.Invalidf("network.err.no_members").At(0, "course_id")
		}
		_, err = s.People.Enrol(r.Context(), p.Actor, course, ids)
		if errs.KindOf(err) == errs.NotFound {
			err = errs.Invalidf("network.err.no_course").At(0, "course_id")
		}
		return "network.enrolled", err
	})
}

func (s *Server) activityVoid(w http.ResponseWriter, r *http.Request) {
	s.teamAction(w, r, "void", s.activityTeam(r), func(id int64) (string, error) {
		return "network.saved", s.Network.VoidActivity(r.Context(), httpx.Actor(r), id, network.VoidInput{Reason: r.FormValue("reason")})
	})
}

// dateOr is a form's date field, or d when empty.
func dateOr(r *http.Request, name string, d day.Day) (day.Day, error) {
	v, err := formDate(r, name, false)
	if err != nil || !v.IsZero() {
		return v, err
	}
	return d, nil
}

type activitiesPage struct {
	Page
	V      *network.TeamView
	A      *network.ActivityPage
	PageNo int
	Pages  int
}

const activityPageSize = 50

// teamActivities lists every activity a team logged, voided ones marked.
func (s *Server) teamActivities(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "")
	ap := &activitiesPage{Page: p}
	if ap.V, err = s.Network.GetTeam(r.Context(), p.Actor, id, p.AsOf); err != nil {
		s.fail(w, r, err)
		return
	}
	ap.Title, ap.Nav = p.L.T("network.activities_title"), "network"
	ap.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if ap.PageNo < 1 {
		ap.PageNo = 1
	}
	if ap.A, err = s.Network.ListActivities(r.Context(), p.Actor, id, day.Day{}, p.AsOf, activityPageSize, (ap.PageNo-1)*activityPageSize); err != nil {
		s.fail(w, r, err)
		return
	}
	ap.Pages = (ap.A.Total + activityPageSize - 1) / activityPageSize
	s.render(w, r, "network_activities", http.StatusOK, ap)
}
