package network

import (
	"context"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// MonthFigures are what teams did in a month (or a year).
type MonthFigures struct {
	Activities int   `json:"activities"`
	Helped     int   `json:"people_helped"`
	Teams      int   `json:"teams_reporting"` // teams that logged at least one activity
	ByKind     []int `json:"by_kind"`         // activities per kind, in the order of Kinds
}

func newMonth() MonthFigures { return MonthFigures{ByKind: make([]int, len(Kinds))} }

// MonthlyPart is one part of the subject (a commune of a province, a
// village of a commune) with its activities per month.
type MonthlyPart struct {
	UnitID int64        `json:"unit_id"`
	Name   string       `json:"name"`
	Level  org.Level    `json:"level"`
	Months []int        `json:"activities_by_month"` // 12 counts
	Year   MonthFigures `json:"year"`
}

// Monthly is the monthly summary of a team, or of every team under a unit,
// for a calendar year.
type Monthly struct {
	UnitID int64          `json:"unit_id,omitempty"`
	TeamID int64          `json:"team_id,omitempty"`
	Name   string         `json:"name"`
	Year   int            `json:"year"`
	Kinds  []Kind         `json:"kinds"`
	Months []MonthFigures `json:"months"` // January first
	Total  MonthFigures   `json:"total"`
	Parts  []MonthlyPart  `json:"parts"`
}

// monthsOf sums a team's activities of year y into months and total, and
// reports whether it logged any.
func monthsOf(t *teamRec, y int, months []MonthFigures, total *MonthFigures, byMonth []int) bool {
	lo, hi := dn(day.Of(y, 1, 1)), dn(day.Of(y, 12, 31))
	var seen [12]bool
	any := false
	for _, a := range t.actsBetween(lo, hi) {
		m := int(fromDN(a.day).Time().Month()) - 1
		months[m].Activities++
		months[m].Helped += int(a.helped)
		months[m].ByKind[a.kind]++
		if !seen[m] {
			seen[m] = true
			months[m].Teams++
		}
		total.Activities++
		total.Helped += int(a.helped)
		total.ByKind[a.kind]++
		if byMonth != nil {
			byMonth[m]++
		}
		any = true
	}
	if any {
		total.Teams++
	}
	return any
}

func newMonthly(y int) *Monthly {
	m := &Monthly{Year: y, Kinds: Kinds, Months: make([]MonthFigures, 12), Total: newMonth(), Parts: []MonthlyPart{}}
	for i := range m.Months {
		m.Months[i] = newMonth()
	}
	return m
}

// treeDate is the date whose tree a year's summary follows: the year's
// last day, or d if earlier.
func treeDate(y int, d day.Day) day.Day {
	end := day.Of(y, 12, 31)
	if d.Before(end) {
		return d
	}
	return end
}

// MonthlyForUnit sums, month by month, the activities of every team under
// unit (in the tree as it stood at the end of the year, or on d if
// earlier), with a row per part of the unit.
func (s *Service) MonthlyForUnit(ctx context.Context, actor *auth.Actor, unit int64, year int, d day.Day) (*Monthly, error) {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	if year < 2000 || year > 2100 {
		return nil, errs.Invalidf("network.err.bad_year").At(0, "year")
	}
	ix, seq, pgen, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	defer ix.mu.RUnlock()
	at := treeDate(year, d)
	key := cacheKey{kind: "monthly", seq: seq, people: pgen, tree: t.Generation, unit: unit, date: at.String(), year: year}
	if m, ok := s.cache.get(key).(*Monthly); ok {
		return m, nil
	}
	m := newMonthly(year)
	m.UnitID, m.Name = unit, t.Latest(unit).Name
	if v := t.At(unit, at); v != nil {
		m.Name = v.Name
	}
	rs := roots(t.Snapshot, unit, at)
	inParts := map[int64]bool{}
	for _, p := range parts(t.Snapshot, rs, at) {
		inParts[p.UnitID] = true
		part := MonthlyPart{UnitID: p.UnitID, Name: p.Name, Level: p.Level, Months: make([]int, 12), Year: newMonth()}
		scratch := make([]MonthFigures, 12)
		for i := range scratch {
			scratch[i] = newMonth()
		}
		t.Walk(p.UnitID, at, func(v *org.Version) bool {
			for _, p := range ix.teamsOf(v.UnitID) {
				tm := ix.at(p)
				monthsOf(&tm, year, scratch, &part.Year, part.Months)
				monthsOf(&tm, year, m.Months, &m.Total, nil)
			}
			return true
		})
		m.Parts = append(m.Parts, part)
	}
	for _, r := range rs {
		if inParts[r.UnitID] {
			continue
		}
		for _, p := range ix.teamsOf(r.UnitID) {
			tm := ix.at(p)
			monthsOf(&tm, year, m.Months, &m.Total, nil)
		}
	}
	s.cache.put(key, m)
	return m, nil
}

// MonthlyForTeam sums one team's activities month by month.
func (s *Service) MonthlyForTeam(ctx context.Context, actor *auth.Actor, teamID int64, year int) (*Monthly, error) {
	_, team, err := s.teamFor(ctx, actor, teamID, false)
	if err != nil {
		return nil, err
	}
	if year < 2000 || year > 2100 {
		return nil, errs.Invalidf("network.err.bad_year").At(0, "year")
	}
	ix, _, _, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	defer ix.mu.RUnlock()
	m := newMonthly(year)
	m.TeamID, m.Name = team.ID, team.Name
	if p, ok := ix.teams.get(teamID); ok {
		tm := ix.at(p - 1)
		monthsOf(&tm, year, m.Months, &m.Total, nil)
	}
	return m, nil
}

// TeamFilter selects teams under a unit on a date.
type TeamFilter struct {
	UnitID int64   `json:"unit_id"`
	AsOf   day.Day `json:"as_of"`
	Status Status  `json:"status"` // "" for every team set up by then
	Idle   bool    `json:"idle"`   // only active teams idle for IdleDays
	Q      string  `json:"q"`      // words of the team's or its unit's name, diacritics optional
	Limit  int     `json:"limit"`
	Offset int     `json:"offset"`
}

// TeamRow is a team in a list.
type TeamRow struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	UnitID       int64   `json:"unit_id"`
	Unit         string  `json:"unit"`
	Commune      string  `json:"commune,omitempty"`
	Status       Status  `json:"status"`
	Established  day.Day `json:"established_on"`
	Members      int     `json:"members"`
	Leader       string  `json:"leader,omitempty"`
	LastActivity day.Day `json:"last_activity,omitzero"`
	Idle         bool    `json:"idle"`
}

// TeamList is a page of teams.
type TeamList struct {
	Total int       `json:"total"`
	Teams []TeamRow `json:"teams"`
}

// ListTeams lists the teams of the units under f.UnitID as the tree stood
// on f.AsOf, in the tree's order (communes and villages by name).
func (s *Service) ListTeams(ctx context.Context, actor *auth.Actor, f TeamFilter) (*TeamList, error) {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, err
	}
	if f.UnitID == 0 {
		f.UnitID = actor.ScopeUnitID
	}
	if err := t.Check(f.UnitID); err != nil {
		return nil, err
	}
	if f.AsOf.IsZero() {
		f.AsOf = s.today()
	}
	if f.Status != "" && !oneOf(f.Status, Statuses) {
		return nil, errs.Invalidf("network.err.bad_value", "Value", string(f.Status)).At(0, "status")
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	words := strings.Fields(locale.Fold(f.Q))
	ix, _, _, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	d := dn(f.AsOf)
	res := &TeamList{Teams: []TeamRow{}}
	for _, r := range roots(t.Snapshot, f.UnitID, f.AsOf) {
		t.Walk(r.UnitID, f.AsOf, func(v *org.Version) bool {
			for _, p := range ix.teamsOf(v.UnitID) {
				tm := ix.at(p)
				st := tm.statusAt(d)
				if st == "" || (f.Status != "" && st != f.Status) {
					continue
				}
				idle := st == Active && tm.established <= d-IdleDays && tm.lastActBy(d) <= d-IdleDays
				if f.Idle && !idle {
					continue
				}
				parent := t.At(v.ParentID, f.AsOf)
				if len(words) > 0 {
					pf := ""
					if parent != nil {
						pf = parent.Folded
					}
					if !matches(words, tm.folded, v.Folded, pf) {
						continue
					}
				}
				res.Total++
				if res.Total <= f.Offset || len(res.Teams) >= f.Limit {
					continue
				}
				row := TeamRow{ID: tm.id, Name: tm.name, UnitID: v.UnitID, Unit: v.Name, Status: st, Established: fromDN(tm.established), Idle: idle}
				if v.Level == org.LevelVillage && parent != nil {
					row.Commune = parent.Name
				}
				for _, m := range tm.members {
					if m.from <= d && d < m.to {
						row.Members++
					}
				}
				if last := tm.lastActBy(d); last > -1<<31 {
					row.LastActivity = fromDN(last)
				}
				res.Teams = append(res.Teams, row)
			}
			return true
		})
	}
	ix.mu.RUnlock()
	if err := s.leaders(ctx, res.Teams, f.AsOf); err != nil {
		return nil, err
	}
	return res, nil
}

func matches(words []string, names ...string) bool {
	for _, w := range words {
		found := false
		for _, n := range names {
			if strings.Contains(n, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// leaders fills in the names of the teams' leaders on d.
func (s *Service) leaders(ctx context.Context, rows []TeamRow, d day.Day) error {
	if len(rows) == 0 {
		return nil
	}
	at := map[int64]int{}
	ids := make([]string, len(rows))
	for i, r := range rows {
		at[r.ID] = i
		ids[i] = itoa(r.ID)
	}
	q, err := s.db.QueryContext(ctx, `SELECT m.team_id, p.full_name FROM net_members m JOIN people p ON p.id = m.person_id
		WHERE m.role = 'leader' AND m.valid_from <= $1 AND $1 < m.valid_to AND m.team_id IN (`+strings.Join(ids, ",")+`)`, d)
	if err != nil {
		return err
	}
	defer q.Close()
	for q.Next() {
		var team int64
		var name string
		if err := q.Scan(&team, &name); err != nil {
			return err
		}
		rows[at[team]].Leader = name
	}
	return q.Err()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
