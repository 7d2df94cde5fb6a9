package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
)

type userRow struct {
	U     *auth.User
	Scope *org.Version
}

type userListPage struct {
	Page
	Users []userRow
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	users, err := s.Auth.ListUsers(r.Context(), p.Actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap, err := s.Org.Snapshot(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lp := &userListPage{Page: p}
	lp.Title, lp.Nav = p.L.T("users.title"), "users"
	for _, u := range users {
		lp.Users = append(lp.Users, userRow{u, snap.Latest(u.ScopeUnitID)})
	}
	s.render(w, r, "users", http.StatusOK, lp)
}

type userFormPage struct {
	Page
	ID        int64
	In        auth.UserInput
	ScopeName string
	Roles     []auth.Role
}

func (s *Server) userFormData(r *http.Request, id int64, in auth.UserInput) *userFormPage {
	p := s.page(r, "")
	fp := &userFormPage{Page: p, ID: id, In: in}
	fp.Nav = "users"
	if id == 0 {
		fp.Title = p.L.T("users.new")
	} else {
		fp.Title = p.L.T("users.edit", "Login", in.Login)
	}
	for _, role := range auth.Roles {
		if p.Actor.Role.Outranks(role) {
			fp.Roles = append(fp.Roles, role)
		}
	}
	if snap, err := s.Org.Snapshot(r.Context()); err == nil {
		if v := snap.Latest(in.ScopeUnitID); v != nil {
			fp.ScopeName = v.Name
		}
	}
	return fp
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	a := httpx.Actor(r)
	if !a.Can(auth.PermManageUsers) {
		s.fail(w, r, errs.ForbiddenErr())
		return
	}
	s.render(w, r, "user_form", http.StatusOK, s.userFormData(r, 0, auth.UserInput{Role: auth.RoleFocal, ScopeUnitID: a.ScopeUnitID, Locale: "vi"}))
}

func userInputFromForm(r *http.Request) auth.UserInput {
	scope, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("scope_unit_id")), 10, 64)
	return auth.UserInput{
		Login: r.PostFormValue("login"), DisplayName: r.PostFormValue("display_name"), Email: r.PostFormValue("email"),
		Password: r.PostFormValue("password"), Role: auth.Role(r.PostFormValue("role")), ScopeUnitID: scope,
		Locale: r.PostFormValue("locale"), Disabled: r.PostFormValue("disabled") == "on",
	}
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	in := userInputFromForm(r)
	u, err := s.Auth.CreateUser(r.Context(), httpx.Actor(r), in)
	if err != nil {
		s.userFormError(w, r, 0, in, err)
		return
	}
	flash(w, s.printer(r).T("users.created", "Login", u.Login))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

func (s *Server) userFormError(w http.ResponseWriter, r *http.Request, id int64, in auth.UserInput, err error) {
	if k := errs.KindOf(err); k == errs.Internal || k == errs.Forbidden || k == errs.NotFound {
		s.fail(w, r, err)
		return
	}
	in.Password = ""
	fp := s.userFormData(r, id, in)
	fp.Errors = fp.L.Errs(err)
	s.render(w, r, "user_form", http.StatusUnprocessableEntity, fp)
}

func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := httpx.Actor(r)
	if !a.Can(auth.PermManageUsers) {
		s.fail(w, r, errs.ForbiddenErr())
		return
	}
	u, err := s.Auth.GetUser(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "user_form", http.StatusOK, s.userFormData(r, id, auth.UserInput{Login: u.Login, DisplayName: u.DisplayName,
		Email: u.Email, Role: u.Role, ScopeUnitID: u.ScopeUnitID, Locale: u.Locale, Disabled: u.Disabled}))
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := userInputFromForm(r)
	u, err := s.Auth.UpdateUser(r.Context(), httpx.Actor(r), id, in)
	if err != nil {
		s.userFormError(w, r, id, in, err)
		return
	}
	flash(w, s.printer(r).T("users.saved", "Login", u.Login))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}
