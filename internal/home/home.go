// Package home is each user's first screen: a leader sees the state of
// their scope, a coordinator what needs action today, a commune's focal
// person its own to-do. It holds no data of its own: every figure is read
// through the exported methods of the service that owns it (one small
// function per source below), so a tile's figure is the figure of the page
// it links to.
package home

import (
	"context"
	"sort"
	"sync"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// Sources are the services a home reads.
type Sources struct {
	People     *people.Service
	Network    *network.Service
	Plans      *plans.Service
	Indicators *indicator.Service
	Assess     *assess.Service
}

// Service builds homes.
type Service struct {
	org *org.Service
	src Sources
}

// NewService returns a home service reading from src.
func NewService(o *org.Service, src Sources) *Service { return &Service{org: o, src: src} }

// Kind is which home a user gets, by role.
type Kind string

// The homes.
const (
	Leader      Kind = "leader"      // a viewer: the scope's state
	Coordinator Kind = "coordinator" // a coordinator or an admin: what needs action
	Focal       Kind = "focal"       // a unit's focal person: its to-do
)

// KindOf is the home of a role.
func KindOf(r auth.Role) Kind {
	switch r {
	case auth.RoleViewer:
		return Leader
	case auth.RoleFocal:
		return Focal
	}
	return Coordinator
}

// ListMax is how many items a home lists under a count; the count is
// always whole and links to the page with all of them.
const ListMax = 5

// Home is one user's first screen.
type Home struct {
	Kind Kind    `json:"kind"`
	AsOf day.Day `json:"as_of"`
	Unit UnitRef `json:"unit"`
	// Exactly one of these, by Kind.
	Leader      *LeaderHome      `json:"leader,omitempty"`
	Coordinator *CoordinatorHome `json:"coordinator,omitempty"`
	Focal       *FocalHome       `json:"focal,omitempty"`
}

// UnitRef names the scope's unit.
type UnitRef struct {
	ID    int64     `json:"id"`
	Name  string    `json:"name"`
	Level org.Level `json:"level"`
}

// LeaderHome is the state of a scope.
type LeaderHome struct {
	Compliance []TargetTile    `json:"compliance"`
	Coverage   network.Figures `json:"coverage"`
	Plans      plans.Counts    `json:"plans"`
	Indicators []IndicatorTile `json:"indicators"`
	Ranking    *RankingTile    `json:"ranking,omitempty"`
	Late       []plans.TaskRow `json:"late"` // the most overdue tasks, at most ListMax
}

// TargetTile is one Decision 1690 target: how many units pass it.
type TargetTile struct {
	Code     string  `json:"code"`
	TitleVI  string  `json:"title_vi"`
	TitleEN  string  `json:"title_en"`
	Passing  int     `json:"passing"`
	Total    int     `json:"total"`
	Rate     float64 `json:"rate"`
	Goal     float64 `json:"goal"`
	Deadline day.Day `json:"deadline"`
	Met      bool    `json:"met"`
	Overdue  bool    `json:"overdue"`
	Failing  int     `json:"failing"`
}

// Title is the target's title in a language.
func (t TargetTile) Title(lang string) string {
	if lang == "en" && t.TitleEN != "" {
		return t.TitleEN
	}
	return t.TitleVI
}

// IndicatorTile is a key indicator against the scope's target for the
// year, with the completeness of its figure.
type IndicatorTile struct {
	Indicator *indicator.Indicator `json:"indicator"`
	Progress  *indicator.Progress  `json:"progress"`
}

// RankingTile is the latest closed assessment round's ranking: the first
// units, and the number ranked.
type RankingTile struct {
	RoundID int64           `json:"round_id"`
	Name    string          `json:"name"`
	Year    int             `json:"year"`
	Max     float64         `json:"max"`
	Of      int             `json:"of"`
	Top     []assess.Result `json:"top"`
}

// CoordinatorHome is what needs action today in a scope.
type CoordinatorHome struct {
	// Forms are the report forms of the last ended period, with how many
	// units have not reported, wait for approval, or were sent back.
	Forms       []FormTile      `json:"forms"`
	NotReported int             `json:"not_reported"`
	ToApprove   int             `json:"to_approve"` // form reports submitted, not yet approved
	Returned    int             `json:"returned"`   // form reports sent back, not yet submitted again
	TaskReports int             `json:"task_reports"`
	Pending     []plans.Report  `json:"pending"` // task reports waiting for review, at most ListMax
	Overdue     int             `json:"overdue"`
	Late        []plans.TaskRow `json:"late"`
	Failing     []TargetTile    `json:"failing"` // the Decision 1690 targets some unit fails
}

// FormTile is one form's reporting for a period across the scope.
type FormTile struct {
	FormID    int64            `json:"form_id"`
	NameVI    string           `json:"name_vi"`
	NameEN    string           `json:"name_en"`
	Period    indicator.Period `json:"period"`
	Due       day.Day          `json:"due"`
	PastDue   bool             `json:"past_due"`
	Counts    indicator.Counts `json:"counts"`
	ToApprove int              `json:"to_approve"`
	Returned  int              `json:"returned"`
}

// Name is the form's name in a language.
func (f FormTile) Name(lang string) string {
	if lang == "en" && f.NameEN != "" {
		return f.NameEN
	}
	return f.NameVI
}

// FocalHome is a unit's to-do.
type FocalHome struct {
	// Duties are the reports the unit owes that need doing: overdue, due
	// soon, or sent back; Done counts those already in.
	Duties   []indicator.Duty `json:"duties"`
	Overdue  int              `json:"overdue"`
	DueSoon  int              `json:"due_soon"`
	Returned int              `json:"returned"`
	Done     int              `json:"done"`
	// Tasks are the unit's tasks overdue or due within plans.RiskDays.
	Tasks     []plans.TaskRow `json:"tasks"`
	TasksLate int             `json:"tasks_late"`
	TasksDue  int             `json:"tasks_due"`
	CanLog    bool            `json:"can_log"` // may log a team's activity and add a person
}

// Get builds the actor's home as of d.
func (s *Service) Get(ctx context.Context, actor *auth.Actor, d day.Day) (*Home, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	unit := actor.ScopeUnitID
	v := t.At(unit, d)
	if v == nil {
		v = t.Latest(unit)
	}
	if v == nil {
		return nil, errs.NotFoundErr()
	}
	h := &Home{Kind: KindOf(actor.Role), AsOf: d, Unit: UnitRef{ID: unit, Name: v.Name, Level: v.Level}}
	switch h.Kind {
	case Leader:
		h.Leader, err = s.leader(ctx, actor, unit, d)
	case Focal:
		h.Focal, err = s.focal(ctx, actor, unit, d)
	default:
		h.Coordinator, err = s.coordinator(ctx, actor, unit, d)
	}
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (s *Service) leader(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (*LeaderHome, error) {
	l := &LeaderHome{Compliance: []TargetTile{}, Indicators: []IndicatorTile{}, Late: []plans.TaskRow{}}
	err := together(
		func() (err error) { l.Compliance, err = s.compliance(ctx, actor, unit, d); return },
		func() (err error) { l.Coverage, err = s.coverage(ctx, actor, unit, d); return },
		func() error {
			dash, err := s.src.Plans.Dashboard(ctx, actor, d)
			if err != nil {
				return err
			}
			l.Plans = dash.Counts
			l.Late = first(dash.Overdue, 3) // the leader drills down for the rest
			return nil
		},
		func() (err error) { l.Indicators, err = s.indicators(ctx, actor, unit, d); return },
		func() (err error) { l.Ranking, err = s.ranking(ctx, actor); return },
	)
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Service) coordinator(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (*CoordinatorHome, error) {
	c := &CoordinatorHome{Forms: []FormTile{}, Failing: []TargetTile{}}
	var pending []plans.Report
	var targets []TargetTile
	err := together(
		func() (err error) { c.Forms, err = s.forms(ctx, actor, unit, d); return },
		func() (err error) { pending, err = s.src.Plans.PendingReports(ctx, actor, 0); return },
		func() (err error) { c.Late, c.Overdue, err = s.src.Plans.Overdue(ctx, actor, d, unit, ListMax); return },
		func() (err error) { targets, err = s.compliance(ctx, actor, unit, d); return },
	)
	if err != nil {
		return nil, err
	}
	for _, f := range c.Forms {
		c.NotReported += f.Counts.Missing
		c.ToApprove += f.ToApprove
		c.Returned += f.Returned
	}
	c.TaskReports, c.Pending = len(pending), first(pending, ListMax)
	for _, t := range targets {
		if t.Failing > 0 {
			c.Failing = append(c.Failing, t)
		}
	}
	return c, nil
}

func (s *Service) focal(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (*FocalHome, error) {
	f := &FocalHome{Duties: []indicator.Duty{}, Tasks: []plans.TaskRow{}, CanLog: actor.Can(auth.PermEnterData)}
	var duties []indicator.Duty
	var rows []plans.TaskRow
	err := together(
		func() (err error) { duties, err = s.src.Indicators.Duties(ctx, actor); return },
		func() (err error) {
			rows, _, err = s.src.Plans.Tasks(ctx, actor, d, plans.Filter{UnitID: unit}, 0)
			return
		},
	)
	if err != nil {
		return nil, err
	}
	for _, du := range duties {
		switch {
		case du.Status == indicator.Returned:
			f.Returned++
		case du.Overdue:
			f.Overdue++
		case du.DueSoon:
			f.DueSoon++
		case du.Status == indicator.Submitted || du.Status == indicator.Approved:
			f.Done++
			continue
		default:
			continue // a period not due yet
		}
		f.Duties = append(f.Duties, du)
	}
	sort.SliceStable(f.Duties, func(i, j int) bool { return f.Duties[i].Due.Before(f.Duties[j].Due) })
	for _, r := range rows {
		switch {
		case r.State.Status == plans.Overdue:
			f.TasksLate++
		case !r.State.Status.Done() && !r.NextDue().IsZero() && !r.NextDue().After(d.AddDays(plans.RiskDays)):
			f.TasksDue++
		default:
			continue
		}
		f.Tasks = append(f.Tasks, r)
	}
	sort.SliceStable(f.Tasks, func(i, j int) bool { return f.Tasks[i].NextDue().Before(f.Tasks[j].NextDue()) })
	f.Tasks = first(f.Tasks, ListMax)
	return f, nil
}

// compliance: the Decision 1690 targets that apply to the scope (the
// compliance page).
func (s *Service) compliance(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) ([]TargetTile, error) {
	rep, err := s.src.People.Compliance(ctx, actor, unit, d)
	if err != nil {
		return nil, err
	}
	out := []TargetTile{}
	for _, r := range rep.Results {
		if !r.Applies {
			continue
		}
		out = append(out, TargetTile{Code: r.Target.Code, TitleVI: r.Target.TitleVI, TitleEN: r.Target.TitleEN, Passing: r.Passing, Total: r.Total,
			Rate: r.Rate, Goal: r.Target.Goal, Deadline: r.Target.Deadline, Met: r.Met, Overdue: r.Overdue, Failing: r.FailingCount})
	}
	return out, nil
}

// coverage: the network's coverage (the network page).
func (s *Service) coverage(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (network.Figures, error) {
	c, err := s.src.Network.Coverage(ctx, actor, unit, d)
	if err != nil {
		return network.Figures{}, err
	}
	return c.Total, nil
}

// indicators: the indicators the scope has a target for this year, with
// their progress (the indicators page's target column), on the approved
// figures a leader reads.
func (s *Service) indicators(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) ([]IndicatorTile, error) {
	targets, err := s.src.Indicators.Targets(ctx, actor, unit, d.Year())
	if err != nil {
		return nil, err
	}
	out := []IndicatorTile{}
	for id := range targets {
		ind, err := s.src.Indicators.Get(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		pr, err := s.src.Indicators.Progress(ctx, actor, ind.Code, unit, d.Year(), indicator.ParseBasis(""))
		if err != nil {
			return nil, err
		}
		out = append(out, IndicatorTile{Indicator: ind, Progress: pr})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Indicator.Code < out[j].Indicator.Code })
	return out, nil
}

// ranking: the latest closed round the actor may see that ranks anyone
// of the scope (the round's page).
func (s *Service) ranking(ctx context.Context, actor *auth.Actor) (*RankingTile, error) {
	rounds, err := s.src.Assess.Rounds(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, r := range rounds { // the latest year first
		if r.Status != assess.RoundClosed {
			continue
		}
		rk, err := s.src.Assess.Ranking(ctx, actor, r.ID)
		if err != nil {
			return nil, err
		}
		if len(rk.Results) == 0 {
			continue
		}
		return &RankingTile{RoundID: r.ID, Name: r.Name, Year: r.Year, Max: rk.Max, Of: rk.Of, Top: first(rk.Results, 3)}, nil
	}
	return nil, nil
}

// forms: each active form's reporting across the scope for its last
// ended period (the completeness page).
func (s *Service) forms(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) ([]FormTile, error) {
	forms, err := s.src.Indicators.Forms(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := []FormTile{}
	for _, f := range forms {
		if !f.Active {
			continue
		}
		p := indicator.PeriodOf(f.PeriodType, d).Prev()
		// the counts alone (Complete's rows are the completeness page's)
		c, err := s.src.Indicators.Summary(ctx, actor, f.ID, p, unit)
		if err != nil {
			if quiet(err) {
				continue
			}
			return nil, err
		}
		if c.Counts.Expected == 0 {
			continue
		}
		out = append(out, FormTile{FormID: f.ID, NameVI: f.NameVI, NameEN: f.NameEN, Period: p, Due: c.Due, PastDue: c.PastDue, Counts: c.Counts,
			ToApprove: c.ToApprove, Returned: c.Returned})
	}
	return out, nil
}

// quiet reports whether err means "nothing here for this scope".
func quiet(err error) bool {
	switch errs.KindOf(err) {
	case errs.Invalid, errs.NotFound, errs.Forbidden:
		return true
	}
	return false
}

// together runs a home's parts at once and returns the first part's error
// (in the order given). Each part reads another service; after a cold
// start each may wait on that service's first read of the nation, and the
// home then comes after the longest of those waits, not after their sum
// (issue 14, item 7). The parts write only their own variables.
func together(parts ...func() error) error {
	failed := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts[1:] {
		wg.Go(func() { failed[i+1] = part() })
	}
	failed[0] = parts[0]() // the first on this goroutine
	wg.Wait()
	for _, err := range failed {
		if err != nil {
			return err
		}
	}
	return nil
}

func first[T any](xs []T, n int) []T {
	if len(xs) > n {
		return xs[:n]
	}
	if xs == nil {
		return []T{}
	}
	return xs
}
