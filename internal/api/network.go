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
	route(a, "GET", "/network/coverage", httpx.Doc{Summary: "The network's coverage of a unit's subtree on a date, with a row per part", Tag: "network",
		Query: []httpx.Param{d, unit}, Kept: true},
		func(c *Call, _ None) (*network.Coverage, error) {
			d, u := c.AsOf(), c.Int64("unit")
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Network.Coverage(c.Ctx, c.Actor, u, d)
		})
	a.handle("GET", "/network/coverage.xlsx", &httpx.Doc{Summary: "The coverage as a spreadsheet", Tag: "network", Query: []httpx.Param{d, unit}}, a.sheet("do-phu-mang-luoi", func(c *Call, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.ExportCoverage(c.Ctx, c.Actor, u, d, lang, out)
	}))
	route(a, "GET", "/network/monthly", httpx.Doc{Summary: "Activities month by month for a team or for every team under a unit", Tag: "network",
		Query: []httpx.Param{d, unit, {Name: "team", Type: "integer", Description: "a team instead of a unit"}, {Name: "year", Type: "integer"}}},
		func(c *Call, _ None) (*network.Monthly, error) {
			d := c.AsOf()
			u, team, year := c.Int64("unit"), c.Int64("team"), c.Int("year", d.Year())
			if err := c.Err(); err != nil {
				return nil, err
			}
			if team != 0 {
				return a.Network.MonthlyForTeam(c.Ctx, c.Actor, team, year)
			}
			return a.Network.MonthlyForUnit(c.Ctx, c.Actor, u, year, d)
		})
	route(a, "GET", "/teams", httpx.Doc{Summary: "Find teams under a unit", Tag: "network",
		Query: append(teamQuery, httpx.Param{Name: "limit", Type: "integer"}, httpx.Param{Name: "offset", Type: "integer"})},
		func(c *Call, _ None) (*network.TeamList, error) {
			f := teamFilter(c)
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Network.ListTeams(c.Ctx, c.Actor, f)
		})
	route(a, "POST", "/teams", httpx.Doc{Summary: "Set up a team in a village (or commune) by the commune chair's decision", Tag: "network", Status: 201},
		func(c *Call, in network.TeamInput) (*network.Team, error) {
			return a.Network.CreateTeam(c.Ctx, c.Actor, in, nil)
		})
	route(a, "GET", "/teams/{id}", httpx.Doc{Summary: "A team with its statuses, members and latest activities", Tag: "network", Query: []httpx.Param{d}},
		func(c *Call, _ None) (*network.TeamView, error) {
			d := c.AsOf()
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Network.GetTeam(c.Ctx, c.Actor, c.ID(), d)
		})
	route(a, "PUT", "/teams/{id}", httpx.Doc{Summary: "Correct a team's name and decision", Tag: "network"},
		func(c *Call, in network.TeamInput) (*network.Team, error) {
			return a.Network.UpdateTeam(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/teams/{id}/status", httpx.Doc{ID: "setTeamStatus", Summary: "Suspend, reactivate or dissolve a team from a date", Tag: "network"},
		func(c *Call, in network.StatusInput) (None, error) {
			return None{}, a.Network.SetStatus(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/teams/{id}/members", httpx.Doc{Summary: "Add a person (recorded or new) to a team", Tag: "network", Status: 201},
		func(c *Call, in network.MemberInput) (*network.Membership, error) {
			return a.Network.AddMember(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "GET", "/teams/{id}/activities", httpx.Doc{Summary: "A team's activities, newest first", Tag: "network",
		Query: []httpx.Param{{Name: "from", Type: "string", Format: "date"}, {Name: "to", Type: "string", Format: "date"}, {Name: "limit", Type: "integer"}, {Name: "offset", Type: "integer"}}},
		func(c *Call, _ None) (*network.ActivityPage, error) {
			from, to, limit, offset := c.Day("from"), c.Day("to"), c.Int("limit", 50), c.Int("offset", 0)
			if err := c.Err(); err != nil {
				return nil, err
			}
			return a.Network.ListActivities(c.Ctx, c.Actor, c.ID(), from, to, limit, offset)
		})
	route(a, "POST", "/team-members/{id}/end", httpx.Doc{Summary: "A member leaves their team on a date", Tag: "network"},
		func(c *Call, in network.EndInput) (None, error) {
			return None{}, a.Network.EndMember(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/team-members/{id}/role", httpx.Doc{ID: "setTeamMemberRole", Summary: "Give a member another role from a date", Tag: "network"},
		func(c *Call, in network.RoleChange) (*network.Membership, error) {
			return a.Network.ChangeRole(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/activities", httpx.Doc{Summary: "Log what a team did on a day", Tag: "network", Status: 201},
		func(c *Call, in network.ActivityInput) (*network.Activity, error) {
			return a.Network.LogActivity(c.Ctx, c.Actor, in, nil)
		})
	// an upload: a plain handler
	a.handle("POST", "/activities/{id}/photo", &httpx.Doc{ID: "attachActivityPhoto", Summary: "Attach a photo to an activity logged without one", Tag: "network",
		Multipart: []string{"photo"}, Response: network.Activity{}}, a.activityPhoto)
	route(a, "POST", "/activities/{id}/void", httpx.Doc{Summary: "Void an activity logged by mistake", Tag: "network"},
		func(c *Call, in network.VoidInput) (None, error) {
			return None{}, a.Network.VoidActivity(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "GET", "/network-orgs", httpx.Doc{Summary: "The organisations in the network of a unit", Tag: "network",
		Query: []httpx.Param{d, unit, {Name: "past", Type: "boolean", Description: "with those that have left"}}},
		func(c *Call, _ None) (OrgList, error) {
			d, u := c.AsOf(), c.Int64("unit")
			if err := c.Err(); err != nil {
				return OrgList{}, err
			}
			orgs, err := a.Network.ListOrgs(c.Ctx, c.Actor, u, d, c.Flag("past"))
			return OrgList{Orgs: orgs}, err
		})
	route(a, "POST", "/network-orgs", httpx.Doc{Summary: "Record an organisation taking part in a unit's network", Tag: "network", Status: 201},
		func(c *Call, in network.OrgInput) (*network.Org, error) {
			return a.Network.CreateOrg(c.Ctx, c.Actor, in)
		})
	route(a, "GET", "/network-orgs/{id}", httpx.Doc{Summary: "A network organisation", Tag: "network"},
		func(c *Call, _ None) (*network.Org, error) { return a.Network.GetOrg(c.Ctx, c.Actor, c.ID()) })
	route(a, "PUT", "/network-orgs/{id}", httpx.Doc{Summary: "Correct a network organisation", Tag: "network"},
		func(c *Call, in network.OrgInput) (*network.Org, error) {
			return a.Network.UpdateOrg(c.Ctx, c.Actor, c.ID(), in)
		})
	route(a, "POST", "/network-orgs/{id}/end", httpx.Doc{Summary: "An organisation leaves the network on a date", Tag: "network"},
		func(c *Call, in network.EndInput) (None, error) {
			return None{}, a.Network.EndOrg(c.Ctx, c.Actor, c.ID(), in)
		})
	// downloads and uploads: plain handlers
	a.handle("GET", "/network/villages/template.xlsx", &httpx.Doc{Summary: "The village sheet of a commune, filled with its villages", Tag: "network",
		Query: []httpx.Param{d, unit}}, a.sheet("mau-thon-to-dan-pho", func(c *Call, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.VillageTemplate(c.Ctx, c.Actor, u, d, lang, out)
	}))
	a.handle("GET", "/network/teams/template.xlsx", &httpx.Doc{Summary: "The team sheet template, with the units of your scope", Tag: "network", Query: []httpx.Param{d, unit}}, a.sheet("mau-to-cong-nghe-so", func(c *Call, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.TeamTemplate(c.Ctx, c.Actor, u, d, lang, out)
	}))
	a.handle("GET", "/network/team-members/template.xlsx", &httpx.Doc{Summary: "The member sheet template, with the units of your scope", Tag: "network", Query: []httpx.Param{d, unit}}, a.sheet("mau-thanh-vien-to", func(c *Call, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.MemberTemplate(c.Ctx, c.Actor, u, d, lang, out)
	}))
	a.handle("GET", "/network/teams/export.xlsx", &httpx.Doc{Summary: "Export the teams a search selects, in the template's layout", Tag: "network", Query: teamQuery}, a.sheet("to-cong-nghe-so", func(c *Call, d day.Day, u int64, lang string, out io.Writer) error {
		f := teamFilter(c)
		if err := c.Err(); err != nil {
			return err
		}
		return a.Network.ExportTeams(c.Ctx, c.Actor, f, lang, out)
	}))
	a.handle("GET", "/network/team-members/export.xlsx", &httpx.Doc{Summary: "Export the members of the teams under a unit", Tag: "network", Query: []httpx.Param{d, unit}}, a.sheet("thanh-vien-to", func(c *Call, d day.Day, u int64, lang string, out io.Writer) error {
		return a.Network.ExportMembers(c.Ctx, c.Actor, u, d, lang, out)
	}))
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

// teamFilter reads a team search from the query.
func teamFilter(c *Call) network.TeamFilter {
	return network.TeamFilter{AsOf: c.AsOf(), Status: network.Status(c.Query("status")), Q: c.Query("q"), Idle: c.Flag("idle"),
		UnitID: c.Int64("unit"), Limit: c.Int("limit", 50), Offset: c.Int("offset", 0)}
}

// sheet is a download (a plain handler): a workbook made for the ?d= date
// and the ?unit=, or the error.
func (a *API) sheet(name string, write func(c *Call, d day.Day, unit int64, lang string, out io.Writer) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := a.call(r)
		d, u := c.AsOf(), c.Int64("unit")
		var buf bytes.Buffer
		err := c.Err()
		if err == nil {
			err = write(c, d, u, c.Printer().Lang, &buf)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		httpx.ServeFile(w, sheet.FileName(name, d.String()), sheet.XLSXType, buf.Bytes())
	}
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
