package web

import (
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

// registerNetwork adds the pages of the DX network: coverage, teams and
// their members, the phone page that logs an activity, monthly summaries,
// network organisations, spreadsheets.
func (s *Server) registerNetwork(page routes) {
	page("GET", "/network", s.cached(s.networkCoverage))
	page("GET", "/network/coverage.xlsx", s.networkCoverageExport)
	page("GET", "/network/monthly", s.networkMonthly)
	page("GET", "/network/teams", s.teamList)
	page("GET", "/network/teams/new", s.teamNew)
	page("POST", "/network/teams", s.teamCreate, takesFiles)
	page("GET", "/network/teams/{id}", s.teamShow)
	page("POST", "/network/teams/{id}", s.teamUpdate)
	page("POST", "/network/teams/{id}/status", s.teamStatus)
	page("POST", "/network/teams/{id}/members", s.teamMemberAdd)
	page("POST", "/network/teams/{id}/enrol", s.teamEnrol)
	page("GET", "/network/teams/{id}/activities", s.teamActivities)
	page("GET", "/network/teams/{id}/log", s.activityForm)
	page("POST", "/network/teams/{id}/log", s.activityLog, takesFiles)
	page("GET", "/network/log", s.activityChooser)
	page("POST", "/network/team-members/{id}/end", s.teamMemberEnd)
	page("POST", "/network/team-members/{id}/role", s.teamMemberRole)
	page("POST", "/network/activities/{id}/void", s.activityVoid)
	page("GET", "/network/orgs", s.netOrgList)
	page("POST", "/network/orgs", s.netOrgCreate)
	page("GET", "/network/orgs/{id}", s.netOrgShow)
	page("POST", "/network/orgs/{id}", s.netOrgUpdate)
	page("POST", "/network/orgs/{id}/end", s.netOrgEnd)
	page("GET", "/network/import", s.networkImportForm)
	page("POST", "/network/import/villages", s.networkImportVillages, takesFiles)
	page("POST", "/network/import/teams", s.networkImportTeams, takesFiles)
	page("POST", "/network/import/members", s.networkImportMembers, takesFiles)
	page("GET", "/network/villages/template.xlsx", s.villageTemplate)
	page("GET", "/network/teams/template.xlsx", s.teamTemplate)
	page("GET", "/network/teams/export.xlsx", s.teamExport)
	page("GET", "/network/members/template.xlsx", s.memberTemplate)
	page("GET", "/network/members/export.xlsx", s.memberExport)
}

// netOptions are the choices of the network's forms.
type netOptions struct {
	Statuses     []network.Status
	Roles        []network.Role
	Affiliations []network.Affiliation
	Kinds        []network.Kind
	OrgKinds     []network.OrgKind
}

var netOpts = netOptions{network.Statuses, network.Roles, network.Affiliations, network.Kinds, network.OrgKinds}

// queryUnit reads ?unit=, the user's own scope by default.
func queryUnit(r *http.Request, p *Page) int64 {
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if unit <= 0 {
		unit = p.Actor.ScopeUnitID
	}
	return unit
}

type coveragePage struct {
	Page
	Unit     *org.Version
	Crumbs   []*org.Version
	Openable []bool
	C        *network.Coverage
	Rows     []network.CoverageRow
	Writable bool
	// Prov links each total to the records it counts, by measured code
	Prov map[string]string
}

// networkCoverage shows, for a unit's subtree on a date, how far the
// network reaches: communes and villages with a team, teams, members,
// training, idle teams; with a row per part to drill into.
func (s *Server) networkCoverage(w http.ResponseWriter, r *http.Request) {
	cp, err := s.coverageData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "network", http.StatusOK, cp)
}

func (s *Server) coverageData(r *http.Request) (*coveragePage, error) {
	p := s.page(r, "")
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	unit := queryUnit(r, &p)
	v, _, err := tree.Unit(unit, p.AsOf)
	if err != nil {
		return nil, err
	}
	c, err := s.Network.Coverage(r.Context(), p.Actor, unit, p.AsOf)
	if err != nil {
		return nil, err
	}
	cp := &coveragePage{Page: p, Unit: v, C: c, Rows: c.Rows, Writable: p.Actor.Can("enter_data"),
		Prov: s.measuredLinks(r.Context(), &p, unit, "REG_VILLAGES", "REG_VILLAGES_COVERED", "REG_TEAMS", "REG_MEMBERS", "REG_MEMBERS_TRAINED", "REG_ACTIVITIES")}
	cp.Title, cp.Nav = p.L.T("network.title"), "network"
	cp.Crumbs, cp.Openable = tree.VisibleAncestors(unit, p.AsOf)
	return cp, nil
}

type monthlyPage struct {
	Page
	M     *network.Monthly
	Unit  *org.Version
	Team  *network.TeamView
	Years []int
	Max   int // the largest monthly count, for the bars
}

// networkMonthly sums activities month by month for a team (?team=) or
// for every team under a unit (?unit=), for a year.
func (s *Server) networkMonthly(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	q := r.URL.Query()
	year, err := strconv.Atoi(q.Get("year"))
	if err != nil {
		year = p.AsOf.Year()
	}
	mp := &monthlyPage{Page: p}
	mp.Title, mp.Nav = p.L.T("network.monthly_title"), "network"
	for y := p.Today.Year(); y >= p.Today.Year()-4; y-- {
		mp.Years = append(mp.Years, y)
	}
	if team, _ := strconv.ParseInt(q.Get("team"), 10, 64); team > 0 {
		if mp.Team, err = s.Network.GetTeam(r.Context(), p.Actor, team, p.AsOf); err == nil {
			mp.M, err = s.Network.MonthlyForTeam(r.Context(), p.Actor, team, year)
		}
	} else {
		unit := queryUnit(r, &p)
		var tree *org.Scoped
		if tree, err = s.Org.For(r.Context(), p.Actor); err == nil {
			if mp.Unit, _, err = tree.Unit(unit, p.AsOf); err == nil {
				mp.M, err = s.Network.MonthlyForUnit(r.Context(), p.Actor, unit, year, p.AsOf)
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range mp.M.Months {
		mp.Max = max(mp.Max, m.Activities)
	}
	s.render(w, r, "network_monthly", http.StatusOK, mp)
}

// Ratio is a share for a meter or a percentage, 0 when there is no whole.
func (p *coveragePage) Ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// Avg is a mean, 0 when there is nothing to divide by.
func (p *coveragePage) Avg(sum, n int) float64 { return p.Ratio(sum, n) }

// ShowCommunes reports whether the rows have communes to count (not the
// villages of a commune).
func (p *coveragePage) ShowCommunes() bool {
	for _, r := range p.Rows {
		if r.Communes > 1 {
			return true
		}
	}
	return false
}
