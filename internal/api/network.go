package api

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// OrgList is the organisations of a unit's network.
type OrgList struct {
	Orgs []network.OrgRow `json:"orgs"`
}

func (a *API) registerNetwork() {
	d := httpx.Param{Name: "d", Type: "string", Format: "date", Description: "as of this date (yyyy-mm-dd); today if absent"}
	unit := httpx.Param{Name: "unit", Type: "integer", Description: "a unit of your scope (default: your scope)"}
	teamQuery := []httpx.Param{d, unit, {Name: "status", Type: "string", Description: "active, suspended or dissolved"},
		{Name: "idle", Type: "boolean", Description: "only active teams with no activity in the last 60 days"},
		{Name: "q", Type: "string", Description: "words of the team's or village's name, diacritics optional"}}
	a.handle("GET", "/network/coverage", &httpx.Doc{Summary: "The network's coverage of a unit's subtree on a date, with a row per part", Tag: "network",
		Query: []httpx.Param{d, unit}, Response: network.Coverage{}}, a.coverage)
	a.handle("GET", "/network/coverage.xlsx", &httpx.Doc{Summary: "The coverage as a spreadsheet", Tag: "network", Query: []httpx.Param{d, unit}}, a.coverageExport)
	a.handle("GET", "/network/monthly", &httpx.Doc{Summary: "Activities month by month for a team or for every team under a unit", Tag: "network",
		Query:    []httpx.Param{d, unit, {Name: "team", Type: "integer", Description: "a team instead of a unit"}, {Name: "year", Type: "integer"}},
		Response: network.Monthly{}}, a.monthly)
	a.handle("GET", "/teams", &httpx.Doc{Summary: "Find teams under a unit", Tag: "network",
		Query: append(teamQuery, httpx.Param{Name: "limit", Type: "integer"}, httpx.Param{Name: "offset", Type: "integer"}), Response: network.TeamList{}}, a.listTeams)
	a.handle("POST", "/teams", &httpx.Doc{Summary: "Set up a team in a village (or commune) by the commune chair's decision", Tag: "network",
		Request: network.TeamInput{}, Response: network.Team{}, Status: 201}, a.createTeam)
	a.handle("GET", "/teams/{id}", &httpx.Doc{Summary: "A team with its statuses, members and latest activities", Tag: "network", Query: []httpx.Param{d},
		Response: network.TeamView{}}, a.getTeam)
	a.handle("PUT", "/teams/{id}", &httpx.Doc{Summary: "Correct a team's name and decision", Tag: "network", Request: network.TeamInput{}, Response: network.Team{}}, a.updateTeam)
	a.handle("POST", "/teams/{id}/status", &httpx.Doc{ID: "setTeamStatus", Summary: "Suspend, reactivate or dissolve a team from a date", Tag: "network",
		Request: network.StatusInput{}, Status: 204}, a.teamStatus)
	a.handle("POST", "/teams/{id}/members", &httpx.Doc{Summary: "Add a person (recorded or new) to a team", Tag: "network",
		Request: network.MemberInput{}, Response: network.Membership{}, Status: 201}, a.addTeamMember)
	a.handle("GET", "/teams/{id}/activities", &httpx.Doc{Summary: "A team's activities, newest first", Tag: "network",
		Query:    []httpx.Param{{Name: "from", Type: "string", Format: "date"}, {Name: "to", Type: "string", Format: "date"}, {Name: "limit", Type: "integer"}, {Name: "offset", Type: "integer"}},
		Response: network.ActivityPage{}}, a.teamActivities)
	a.handle("POST", "/team-members/{id}/end", &httpx.Doc{Summary: "A member leaves their team on a date", Tag: "network", Request: network.EndInput{}, Status: 204}, a.endTeamMember)
	a.handle("POST", "/team-members/{id}/role", &httpx.Doc{ID: "setTeamMemberRole", Summary: "Give a member another role from a date", Tag: "network",
		Request: network.RoleChange{}, Response: network.Membership{}}, a.changeTeamRole)
	a.handle("POST", "/activities", &httpx.Doc{Summary: "Log what a team did on a day", Tag: "network", Request: network.ActivityInput{},
		Response: network.Activity{}, Status: 201}, a.logActivity)
	a.handle("POST", "/activities/{id}/photo", &httpx.Doc{ID: "attachActivityPhoto", Summary: "Attach a photo to an activity logged without one", Tag: "network",
		Multipart: []string{"photo"}, Response: network.Activity{}}, a.activityPhoto)
	a.handle("POST", "/activities/{id}/void", &httpx.Doc{Summary: "Void an activity logged by mistake", Tag: "network", Request: network.VoidInput{}, Status: 204}, a.voidActivity)
	a.handle("GET", "/network-orgs", &httpx.Doc{Summary: "The organisations in the network of a unit", Tag: "network",
		Query: []httpx.Param{d, unit, {Name: "past", Type: "boolean", Description: "with those that have left"}}, Response: OrgList{}}, a.listNetOrgs)
	a.handle("POST", "/network-orgs", &httpx.Doc{Summary: "Record an organisation taking part in a unit's network", Tag: "network",
		Request: network.OrgInput{}, Response: network.Org{}, Status: 201}, a.createNetOrg)
	a.handle("GET", "/network-orgs/{id}", &httpx.Doc{Summary: "A network organisation", Tag: "network", Response: network.Org{}}, a.getNetOrg)
	a.handle("PUT", "/network-orgs/{id}", &httpx.Doc{Summary: "Correct a network organisation", Tag: "network", Request: network.OrgInput{}, Response: network.Org{}}, a.updateNetOrg)
	a.handle("POST", "/network-orgs/{id}/end", &httpx.Doc{Summary: "An organisation leaves the network on a date", Tag: "network", Request: network.EndInput{}, Status: 204}, a.endNetOrg)
	a.handle("GET", "/network/villages/template.xlsx", &httpx.Doc{Summary: "The village sheet of a commune, filled with its villages", Tag: "network",
		Query: []httpx.Param{d, unit}}, a.villageTemplate)
	a.handle("GET", "/network/teams/template.xlsx", &httpx.Doc{Summary: "The team sheet template, with the units of your scope", Tag: "network", Query: []httpx.Param{d, unit}}, a.teamTemplate)
	a.handle("GET", "/network/team-members/template.xlsx", &httpx.Doc{Summary: "The member sheet template, with the units of your scope", Tag: "network", Query: []httpx.Param{d, unit}}, a.memberTemplate)
	a.handle("GET", "/network/teams/export.xlsx", &httpx.Doc{Summary: "Export the teams a search selects, in the template's layout", Tag: "network", Query: teamQuery}, a.teamExport)
	a.handle("GET", "/network/team-members/export.xlsx", &httpx.Doc{Summary: "Export the members of the teams under a unit", Tag: "network", Query: []httpx.Param{d, unit}}, a.memberExport)
	a.handle("POST", "/imports/villages", &httpx.Doc{Summary: "Import a commune's villages through the unit tree's importer (all or nothing)", Tag: "imports",
		Multipart: []string{"file"}, Query: []httpx.Param{{Name: "commune_id", Type: "integer", Description: "the commune of rows without a commune code"},
			{Name: "effective_date", Type: "string", Format: "date", Required: true}, {Name: "legal_basis", Type: "string"}}, Response: ImportResult{}}, a.importVillages)
	a.handle("POST", "/imports/teams", &httpx.Doc{Summary: "Import teams from a sheet (all or nothing)", Tag: "imports", Multipart: []string{"file"},
		Query: []httpx.Param{d}, Response: network.SheetResult{}}, a.importTeams)
	a.handle("POST", "/imports/team-members", &httpx.Doc{Summary: "Import team members from a sheet (all or nothing)", Tag: "imports", Multipart: []string{"file"},
		Query: []httpx.Param{d}, Response: network.SheetResult{}}, a.importTeamMembers)
}

// reply writes v (or the error) with the status.
func (a *API) reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, v)
}

func (a *API) coverage(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	var u int64
	if err == nil {
		u, err = int64Param(r, "unit")
	}
	var c *network.Coverage
	if err == nil {
		c, err = a.Network.Coverage(r.Context(), httpx.Actor(r), u, d)
	}
	a.reply(w, r, http.StatusOK, c, err)
}

func (a *API) monthly(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	var u, team int64
	year := d.Year()
	if err == nil {
		u, err = int64Param(r, "unit")
	}
	if err == nil {
		team, err = int64Param(r, "team")
	}
	if err == nil {
		year, err = intParam(r, "year", year)
	}
	var m *network.Monthly
	if err == nil {
		if team != 0 {
			m, err = a.Network.MonthlyForTeam(r.Context(), httpx.Actor(r), team, year)
		} else {
			m, err = a.Network.MonthlyForUnit(r.Context(), httpx.Actor(r), u, year, d)
		}
	}
	a.reply(w, r, http.StatusOK, m, err)
}

func (a *API) teamFilter(r *http.Request) (network.TeamFilter, error) {
	q := r.URL.Query()
	d, err := a.asOf(r)
	f := network.TeamFilter{AsOf: d, Status: network.Status(q.Get("status")), Q: q.Get("q"), Idle: q.Get("idle") == "true" || q.Get("idle") == "1"}
	if err == nil {
		f.UnitID, err = int64Param(r, "unit")
	}
	if err == nil {
		f.Limit, err = intParam(r, "limit", 50)
	}
	if err == nil {
		f.Offset, err = intParam(r, "offset", 0)
	}
	return f, err
}

func (a *API) listTeams(w http.ResponseWriter, r *http.Request) {
	f, err := a.teamFilter(r)
	var l *network.TeamList
	if err == nil {
		l, err = a.Network.ListTeams(r.Context(), httpx.Actor(r), f)
	}
	a.reply(w, r, http.StatusOK, l, err)
}

func (a *API) createTeam(w http.ResponseWriter, r *http.Request) {
	var in network.TeamInput
	err := decode(w, r, &in)
	var t *network.Team
	if err == nil {
		t, err = a.Network.CreateTeam(r.Context(), httpx.Actor(r), in, nil)
	}
	a.reply(w, r, http.StatusCreated, t, err)
}

func (a *API) getTeam(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var d day.Day
	if err == nil {
		d, err = a.asOf(r)
	}
	var v *network.TeamView
	if err == nil {
		v, err = a.Network.GetTeam(r.Context(), httpx.Actor(r), id, d)
	}
	a.reply(w, r, http.StatusOK, v, err)
}

func (a *API) updateTeam(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.TeamInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var t *network.Team
	if err == nil {
		t, err = a.Network.UpdateTeam(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusOK, t, err)
}

func (a *API) teamStatus(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.StatusInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Network.SetStatus(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusNoContent, nil, err)
}

func (a *API) addTeamMember(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.MemberInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var m *network.Membership
	if err == nil {
		m, err = a.Network.AddMember(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusCreated, m, err)
}

func dayParam(r *http.Request, name string) (day.Day, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return day.Day{}, nil
	}
	d, err := day.Parse(s)
	if err != nil {
		return d, errs.Invalidf("err.bad_date", "Value", s).At(0, name)
	}
	return d, nil
}

func (a *API) teamActivities(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var from, to day.Day
	var limit, offset int
	if err == nil {
		from, err = dayParam(r, "from")
	}
	if err == nil {
		to, err = dayParam(r, "to")
	}
	if err == nil {
		limit, err = intParam(r, "limit", 50)
	}
	if err == nil {
		offset, err = intParam(r, "offset", 0)
	}
	var p *network.ActivityPage
	if err == nil {
		p, err = a.Network.ListActivities(r.Context(), httpx.Actor(r), id, from, to, limit, offset)
	}
	a.reply(w, r, http.StatusOK, p, err)
}

func (a *API) endTeamMember(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.EndInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Network.EndMember(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusNoContent, nil, err)
}

func (a *API) changeTeamRole(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.RoleChange
	if err == nil {
		err = decode(w, r, &in)
	}
	var m *network.Membership
	if err == nil {
		m, err = a.Network.ChangeRole(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusOK, m, err)
}

func (a *API) logActivity(w http.ResponseWriter, r *http.Request) {
	var in network.ActivityInput
	err := decode(w, r, &in)
	var act *network.Activity
	if err == nil {
		act, err = a.Network.LogActivity(r.Context(), httpx.Actor(r), in, nil)
	}
	a.reply(w, r, http.StatusCreated, act, err)
}

func (a *API) activityPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err == nil {
		r.Body = http.MaxBytesReader(w, r.Body, 12<<20)
		if perr := r.ParseMultipartForm(1 << 20); perr != nil {
			err = errs.Invalidf("import.err.unreadable", "Reason", perr.Error()).At(0, "photo")
		} else {
			defer r.MultipartForm.RemoveAll()
		}
	}
	var act *network.Activity
	if err == nil {
		var f *multipartFile
		if f, err = a.importFile(w, r, "photo"); err == nil {
			defer f.Close()
			act, err = a.Network.AttachPhoto(r.Context(), httpx.Actor(r), id, &network.Upload{Name: f.name, Body: f})
		}
	}
	a.reply(w, r, http.StatusOK, act, err)
}

func (a *API) voidActivity(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.VoidInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Network.VoidActivity(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusNoContent, nil, err)
}

func (a *API) listNetOrgs(w http.ResponseWriter, r *http.Request) {
	d, err := a.asOf(r)
	var u int64
	if err == nil {
		u, err = int64Param(r, "unit")
	}
	var l OrgList
	if err == nil {
		p := r.URL.Query().Get("past")
		l.Orgs, err = a.Network.ListOrgs(r.Context(), httpx.Actor(r), u, d, p == "true" || p == "1")
	}
	a.reply(w, r, http.StatusOK, l, err)
}

func (a *API) createNetOrg(w http.ResponseWriter, r *http.Request) {
	var in network.OrgInput
	err := decode(w, r, &in)
	var o *network.Org
	if err == nil {
		o, err = a.Network.CreateOrg(r.Context(), httpx.Actor(r), in)
	}
	a.reply(w, r, http.StatusCreated, o, err)
}

func (a *API) getNetOrg(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var o *network.Org
	if err == nil {
		o, err = a.Network.GetOrg(r.Context(), httpx.Actor(r), id)
	}
	a.reply(w, r, http.StatusOK, o, err)
}

func (a *API) updateNetOrg(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.OrgInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var o *network.Org
	if err == nil {
		o, err = a.Network.UpdateOrg(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusOK, o, err)
}

func (a *API) endNetOrg(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	var in network.EndInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Network.EndOrg(r.Context(), httpx.Actor(r), id, in)
	}
	a.reply(w, r, http.StatusNoContent, nil, err)
}

// sheet sends a generated workbook, or the error.
func (a *API) sheet(w http.ResponseWriter, r *http.Request, name string, write func(ctx context.Context, actor *auth.Actor, d day.Day, unit int64, lang string, out io.Writer) error) {
	d, err := a.asOf(r)
	var u int64
	if err == nil {
		u, err = int64Param(r, "unit")
	}
	var buf bytes.Buffer
	if err == nil {
		err = write(r.Context(), httpx.Actor(r), d, u, a.printer(r).Lang, &buf)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName(name, d.String()), sheet.XLSXType, buf.Bytes())
}

func (a *API) coverageExport(w http.ResponseWriter, r *http.Request) {
	a.sheet(w, r, "do-phu-mang-luoi", func(ctx context.Context, actor *auth.Actor, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.ExportCoverage(ctx, actor, u, d, lang, out)
	})
}

func (a *API) villageTemplate(w http.ResponseWriter, r *http.Request) {
	a.sheet(w, r, "mau-thon-to-dan-pho", func(ctx context.Context, actor *auth.Actor, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.VillageTemplate(ctx, actor, u, d, lang, out)
	})
}

func (a *API) teamTemplate(w http.ResponseWriter, r *http.Request) {
	a.sheet(w, r, "mau-to-cong-nghe-so", func(ctx context.Context, actor *auth.Actor, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.TeamTemplate(ctx, actor, u, d, lang, out)
	})
}

func (a *API) memberTemplate(w http.ResponseWriter, r *http.Request) {
	a.sheet(w, r, "mau-thanh-vien-to", func(ctx context.Context, actor *auth.Actor, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.MemberTemplate(ctx, actor, u, d, lang, out)
	})
}

func (a *API) teamExport(w http.ResponseWriter, r *http.Request) {
	f, err := a.teamFilter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.sheet(w, r, "to-cong-nghe-so", func(ctx context.Context, actor *auth.Actor, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.ExportTeams(ctx, actor, f, lang, out)
	})
}

func (a *API) memberExport(w http.ResponseWriter, r *http.Request) {
	a.sheet(w, r, "thanh-vien-to", func(ctx context.Context, actor *auth.Actor, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.ExportMembers(ctx, actor, u, d, lang, out)
	})
}

// upload reads the file of an import.
func (a *API) upload(w http.ResponseWriter, r *http.Request) (*multipartFile, func(), error) {
	if err := a.parseUpload(w, r); err != nil {
		return nil, func() {}, err
	}
	f, err := a.importFile(w, r, "file")
	if err != nil {
		r.MultipartForm.RemoveAll()
		return nil, func() {}, err
	}
	return f, func() { f.Close(); r.MultipartForm.RemoveAll() }, nil
}

func (a *API) importVillages(w http.ResponseWriter, r *http.Request) {
	f, done, err := a.upload(w, r)
	defer done()
	in := network.VillageImport{LegalBasis: r.URL.Query().Get("legal_basis")}
	if err == nil {
		in.CommuneID, err = int64Param(r, "commune_id")
	}
	if err == nil {
		in.Effective, err = dayParam(r, "effective_date")
	}
	var res *org.ImportResult
	if err == nil {
		res, err = a.Network.ImportVillages(r.Context(), httpx.Actor(r), f, f.name, in)
	}
	a.importDone(w, r, res, err)
}

func (a *API) importSheet(w http.ResponseWriter, r *http.Request, run func(ctx context.Context, actor *auth.Actor, r io.Reader, name string, d day.Day) (*network.SheetResult, error)) {
	f, done, err := a.upload(w, r)
	defer done()
	var d day.Day
	if err == nil {
		d, err = a.asOf(r)
	}
	var res *network.SheetResult
	if err == nil {
		res, err = run(r.Context(), httpx.Actor(r), f, f.name, d)
	}
	a.reply(w, r, http.StatusOK, res, err)
}

func (a *API) importTeams(w http.ResponseWriter, r *http.Request) {
	a.importSheet(w, r, a.Network.ImportTeams)
}

func (a *API) importTeamMembers(w http.ResponseWriter, r *http.Request) {
	a.importSheet(w, r, a.Network.ImportMembers)
}
