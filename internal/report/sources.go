package report

import (
	"context"
	"sort"
	"strings"

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

// The figures of a report are read through the services the pages use —
// one small function per source below, and nothing else reads another
// feature's data — so a report's figure is the figure on the page for the
// same unit and date. When a service gains a figure (measured indicators,
// completeness, the plans' started and cancelled counts), its function here
// is the one place to change.

// gather reads every figure of a report of kind for unit over p, as the
// actor sees them, as of the period's end (today if it has not ended).
func (s *Service) gather(ctx context.Context, actor *auth.Actor, unit int64, kind Kind, p Period) (*Figures, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	d := p.To
	if today := s.org.Today(); today.Before(d) {
		d = today
	}
	f := &Figures{AsOf: d, Remarks: []RemarkFig{}}
	v := t.At(unit, d)
	if v == nil {
		v = t.Latest(unit)
	}
	f.Unit = UnitRef{ID: unit, Name: v.Name, Code: v.Code, Level: string(v.Level)}
	if f.Apparatus, err = s.apparatusFigures(ctx, actor, t, unit, d); err != nil {
		return nil, err
	}
	if f.Network, err = s.networkFigures(ctx, actor, unit, d); err != nil {
		return nil, err
	}
	if f.Plans, err = s.planFigures(ctx, actor, unit, kind, p, d); err != nil {
		return nil, err
	}
	if kind.Has("indicators") {
		var codes []string
		for _, doc := range f.Plans.Docs {
			codes = append(codes, doc.indicators...)
		}
		if f.Indicators, err = s.indicatorFigures(ctx, actor, unit, p, d, codes); err != nil {
			return nil, err
		}
	}
	if kind.Has("assessment") {
		if f.Assessment, err = s.assessFigures(ctx, actor, unit, p); err != nil {
			return nil, err
		}
	}
	if f.Remarks, err = s.remarkFigures(ctx, actor, unit, p, d); err != nil {
		return nil, err
	}
	if f.Reporting, err = s.lowerFigures(ctx, t, unit, kind, p, d); err != nil {
		return nil, err
	}
	return f, nil
}

// quiet turns the errors that mean "this source has nothing for this
// unit" (outside a form's or round's reach) into no error.
func quiet(err error) error {
	switch errs.KindOf(err) {
	case errs.Invalid, errs.NotFound, errs.Forbidden:
		return nil
	}
	return err
}

// apparatusFigures: the compliance report (the compliance page) and the
// apparatus counted by the people feature.
func (s *Service) apparatusFigures(ctx context.Context, actor *auth.Actor, t *org.Scoped, unit int64, d day.Day) (*ApparatusFigs, error) {
	rep, err := s.people.Compliance(ctx, actor, unit, d)
	if err != nil {
		return nil, err
	}
	st, err := s.people.Staffing(ctx, actor, unit, d)
	if err != nil {
		return nil, err
	}
	a := &ApparatusFigs{Targets: []TargetFig{}, Units: []UnitTargets{},
		Staffing: StaffingFigs{Committees: st.Committees, FocalUnits: st.FocalUnits, Specialised: st.Specialised, FocalPersons: st.FocalPersons,
			People: st.People, Dedicated: st.Dedicated, Concurrent: st.Concurrent, ITQualified: st.ITQualified, Trained: st.Trained, Vacancies: st.Vacancies}}
	vi := s.catalog.Printer("vi")
	failing := make([]map[int64]string, len(rep.Results))
	for i, r := range rep.Results {
		tf := TargetFig{Code: r.Target.Code, Title: r.Target.TitleVI, Level: string(r.Target.Level), Goal: r.Target.Goal, Deadline: r.Target.Deadline,
			Passing: r.Passing, Total: r.Total, Rate: r.Rate, Met: r.Met, Overdue: r.Overdue, Failing: []FailingFig{}}
		failing[i] = map[int64]string{}
		for _, u := range r.Failing {
			reason := vi.TData(u.Reason.Key, u.Reason.Args)
			tf.Failing = append(tf.Failing, FailingFig{UnitID: u.UnitID, Name: u.Name, Parent: u.Parent, Reason: reason})
			failing[i][u.UnitID] = reason
		}
		a.Targets = append(a.Targets, tf)
	}
	// each unit the targets judge, with its result against each (the
	// compliance report lists the failing ones; the others pass)
	for _, root := range t.Roots(unit, d) {
		t.Walk(root.UnitID, d, func(v *org.Version) bool {
			level := people.LevelOf(t.Snapshot, v, d)
			if level == "" {
				return true
			}
			ut := UnitTargets{Name: v.Name, Level: string(level), Results: make([]string, len(rep.Results))}
			if p := t.At(v.ParentID, d); p != nil {
				ut.Parent = p.Name
			}
			applies := false
			for i, r := range rep.Results {
				if r.Target.Level != level {
					continue
				}
				applies = true
				switch why, failed := failing[i][v.UnitID]; {
				case failed:
					ut.Results[i] = why
				case r.Total-r.Passing > len(r.Failing):
					ut.Results[i] = "?" // the failing list was cut short
				default:
					ut.Results[i] = Pass
				}
			}
			if applies {
				a.Units = append(a.Units, ut)
			}
			return true
		})
	}
	return a, nil
}

// networkFigures: the network's coverage (the network page). A province's
// rows are its communes; the nation's provinces are opened into theirs.
func (s *Service) networkFigures(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (*NetworkFigs, error) {
	c, err := s.network.Coverage(ctx, actor, unit, d)
	if err != nil {
		return nil, err
	}
	n := &NetworkFigs{InForce: c.InForce, Total: coverageFig(c.Total), Rows: []CoverageRow{}}
	var add func(c *network.Coverage, parent string, depth int) error
	add = func(c *network.Coverage, parent string, depth int) error {
		for _, r := range c.Rows {
			if (r.Level == org.LevelProvince || r.Level == org.LevelDistrict) && r.Drill && depth < 2 {
				sub, err := s.network.Coverage(ctx, actor, r.UnitID, d)
				if err != nil {
					return err
				}
				if err := add(sub, r.Name, depth+1); err != nil {
					return err
				}
				continue
			}
			n.Rows = append(n.Rows, CoverageRow{Name: r.Name, Code: r.Code, Parent: parent, CoverageFig: coverageFig(r.Figures)})
		}
		return nil
	}
	if err := add(c, "", 0); err != nil {
		return nil, err
	}
	return n, nil
}

func coverageFig(f network.Figures) CoverageFig {
	return CoverageFig{Communes: f.Communes, CommunesCovered: f.CommunesCovered, Villages: f.Villages, VillagesCovered: f.VillagesCovered,
		Teams: f.Teams, Suspended: f.Suspended, Members: f.Members, Trained: f.Trained, Idle: f.Idle, Activities: f.Activities, Helped: f.Helped}
}

// planFigures: the plans the unit has tasks in over the period (the plan
// pages, narrowed to the unit's tasks), the overdue list and the tasks due
// in the next period (the tasks pages). A thematic report on Decision 1690
// covers the plans in that decision's chain.
func (s *Service) planFigures(ctx context.Context, actor *auth.Actor, unit int64, kind Kind, p Period, d day.Day) (*PlansFigs, error) {
	docs, err := s.plans.ListDocuments(ctx, actor, d)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*plans.DocRow{}
	for i := range docs {
		byID[docs[i].ID] = &docs[i]
	}
	in1690 := func(doc *plans.DocRow) bool {
		for seen := 0; doc != nil && seen < 12; seen++ {
			if strings.HasPrefix(strings.ToUpper(strings.ReplaceAll(doc.Number, " ", "")), "1690/QĐ-TTG") {
				return true
			}
			doc = byID[doc.ParentID]
		}
		return false
	}
	pf := &PlansFigs{Docs: []PlanFig{}, Overdue: []TaskFig{}, Next: []TaskFig{}}
	for i := range docs {
		doc := &docs[i]
		if doc.Counts.Total == 0 || doc.IssuedOn.After(d) || (!doc.EndsOn.IsZero() && doc.EndsOn.Before(p.From)) {
			continue
		}
		if kind == Apparatus && !in1690(doc) {
			continue
		}
		pv, err := s.plans.Plan(ctx, actor, doc.ID, d, plans.Filter{UnitID: unit})
		if err != nil {
			if quiet(err) == nil {
				continue
			}
			return nil, err
		}
		if pv.Counts.Total == 0 {
			continue
		}
		fig := PlanFig{ID: doc.ID, Number: doc.Number, Title: doc.Title, Owner: pv.OwnerName, Groups: []GroupFig{}, Tasks: []TaskFig{}}
		for _, tg := range pv.Targets {
			if tg.IndicatorCode != "" {
				fig.indicators = append(fig.indicators, tg.IndicatorCode)
			}
		}
		// the plan's own review counts: a pillar's line counts its groups,
		// so the plan's total is the plan's, not the lines' sum
		for _, g := range pv.Groups {
			gf := GroupFig{Code: g.Code, Title: g.Title, Depth: g.Depth}
			for _, r := range g.Tasks {
				fig.Tasks = append(fig.Tasks, taskFig(&r, doc.Number, g.Title))
			}
			gf.Counts.fromService(g.Counts)
			fig.Groups = append(fig.Groups, gf)
		}
		fig.Counts.fromService(pv.Counts)
		pf.Total.add(fig.Counts)
		pf.Docs = append(pf.Docs, fig)
	}
	rows, total, err := s.plans.Overdue(ctx, actor, d, unit, MaxListed)
	if err != nil {
		return nil, err
	}
	pf.OverdueTotal = total
	for i := range rows {
		pf.Overdue = append(pf.Overdue, taskFig(&rows[i], rows[i].PlanNumber, ""))
	}
	next := p.Next()
	window := int(next.To.Time().Sub(d.Time()).Hours() / 24)
	if window > 0 {
		due, _, err := s.plans.Tasks(ctx, actor, d, plans.Filter{UnitID: unit, Window: window}, 0)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(due, func(i, j int) bool { return due[i].NextDue().Before(due[j].NextDue()) })
		for i := range due {
			if !due[i].NextDue().After(p.To) {
				continue // due within this period: not the next one's
			}
			pf.NextTotal++
			if len(pf.Next) < MaxListed {
				pf.Next = append(pf.Next, taskFig(&due[i], due[i].PlanNumber, ""))
			}
		}
	}
	return pf, nil
}

func taskFig(r *plans.TaskRow, plan, group string) TaskFig {
	return TaskFig{ID: r.ID, Plan: plan, Group: group, Code: r.Code, Title: r.Title, Lead: r.LeadName, Support: strings.Join(r.SupportNames, "; "),
		Due: r.NextDue(), Status: string(r.State.Status), Percent: r.State.Percent, DaysLate: r.State.DaysLate}
}

// fromService takes the plans' own counts (started as the plans feature
// defines it: done, or a progress report above 0 %).
func (c *CountsFig) fromService(o plans.Counts) {
	c.Total, c.Started, c.Done, c.DoneOnTime, c.DoneLate = o.Total, o.Started, o.Done, o.DoneOnTime, o.DoneLate
	c.Overdue, c.AtRisk, c.OnTrack, c.NotDue = o.Overdue, o.AtRisk, o.OnTrack, o.NotDue
}

func (c *CountsFig) add(o CountsFig) {
	c.Total += o.Total
	c.Started += o.Started
	c.Done += o.Done
	c.DoneOnTime += o.DoneOnTime
	c.DoneLate += o.DoneLate
	c.Overdue += o.Overdue
	c.AtRisk += o.AtRisk
	c.OnTrack += o.OnTrack
	c.NotDue += o.NotDue
}

// MaxIndicators bounds the indicators a report lists.
const MaxIndicators = 15

// indicatorFigures: the key indicators of the unit (those its plans'
// targets name, those it has a target for this year, then the dashboard's)
// for the period, the period before and the same period a year before, all
// restated to the units of the period's end (the indicator page with
// "restated"), with the year's target (the page's progress), the figures
// of the units directly under it (the page's breakdown), and the forms'
// completeness (the completeness page).
func (s *Service) indicatorFigures(ctx context.Context, actor *auth.Actor, unit int64, p Period, d day.Day, planIndicators []string) (*IndicatorFigs, error) {
	ip := p.Indicator()
	prev := ip.Prev()
	lastYear := indicator.Period{Type: ip.Type, Year: ip.Year - 1, N: ip.N}
	f := &IndicatorFigs{Period: ip.Key(), PeriodLabel: ip.Label("vi"), PrevLabel: prev.Label("vi"), LastYearLabel: lastYear.Label("vi"),
		Rows: []IndicatorFig{}, Units: []string{}, Forms: []FormFig{}}
	list, err := s.indicators.List(ctx, actor, false)
	if err != nil {
		return nil, err
	}
	byCode, byID := map[string]*indicator.Indicator{}, map[int64]*indicator.Indicator{}
	for _, i := range list {
		byCode[i.Code], byID[i.ID] = i, i
	}
	var chosen []*indicator.Indicator
	picked := map[int64]bool{}
	pick := func(i *indicator.Indicator) {
		// a period finer than the indicator's has no figure of it
		if i == nil || picked[i.ID] || i.Type == indicator.Text || !i.Active || len(chosen) >= MaxIndicators || coarser(i.PeriodType, ip.Type) {
			return
		}
		picked[i.ID] = true
		chosen = append(chosen, i)
	}
	for _, code := range planIndicators {
		pick(byCode[code])
	}
	targets, err := s.indicators.Targets(ctx, actor, unit, ip.Year)
	if err != nil {
		return nil, err
	}
	var withTarget []int64
	for id := range targets {
		withTarget = append(withTarget, id)
	}
	sort.Slice(withTarget, func(i, j int) bool { return withTarget[i] < withTarget[j] })
	for _, id := range withTarget {
		pick(byID[id])
	}
	dash, err := s.indicators.Dashboard(ctx, actor, indicator.DashboardQuery{UnitID: unit, To: d, N: 1, AsOf: d})
	if err != nil {
		return nil, err
	}
	for _, r := range dash.Rows {
		pick(r.Indicator)
	}
	unitAt := map[string]int{}
	for _, ind := range chosen {
		q := indicator.Query{IndicatorID: ind.ID, UnitID: unit, Period: ip, Mode: indicator.Restated, AsOf: d}
		pts, err := s.indicators.Series(ctx, actor, q, []indicator.Period{ip, prev, lastYear})
		if err != nil {
			return nil, err
		}
		row := IndicatorFig{ID: ind.ID, Code: ind.Code, Name: ind.NameVI, Measure: ind.MeasureVI, Percent: ind.Type == indicator.Percent,
			Decimals: ind.Decimals, Value: pts[0].Value, Prev: pts[1].Value, LastYear: pts[2].Value, Units: pts[0].Units, PerUnit: map[int]float64{}}
		if targets[ind.ID] != nil {
			if pr, err := s.indicators.Progress(ctx, actor, ind.Code, unit, ip.Year, q.Basis); err == nil {
				v := pr.Target.Value
				row.Target, row.Light = &v, string(pr.Light)
			} else if quiet(err) != nil {
				return nil, err
			}
		}
		b, err := s.indicators.Breakdown(ctx, actor, q)
		if err != nil {
			return nil, err
		}
		for _, c := range b.Children {
			k, ok := unitAt[c.Name]
			if !ok {
				k = len(f.Units)
				unitAt[c.Name] = k
				f.Units = append(f.Units, c.Name)
			}
			if c.Value != nil {
				row.PerUnit[k] = *c.Value
			}
		}
		f.Rows = append(f.Rows, row)
	}
	forms, err := s.indicators.Forms(ctx, actor)
	if err != nil {
		return nil, err
	}
	for _, fm := range forms {
		if !fm.Active || coarser(fm.PeriodType, ip.Type) {
			continue
		}
		fp := indicator.PeriodOf(fm.PeriodType, p.To)
		if fp.End().After(p.To) {
			fp = fp.Prev() // the last one that ended within the report's period
		}
		c, err := s.indicators.Complete(ctx, actor, fm.ID, fp, unit)
		if err != nil {
			if quiet(err) == nil {
				continue
			}
			return nil, err
		}
		if c.Counts.Expected == 0 {
			continue
		}
		ff := FormFig{Name: fm.NameVI, Period: fp.Label("vi"), Expected: c.Counts.Expected, Submitted: c.Counts.Submitted, Missing: []string{}}
		for _, u := range c.NotReported() {
			if len(ff.Missing) < MaxListed {
				ff.Missing = append(ff.Missing, u.Name)
			}
		}
		f.Forms = append(f.Forms, ff)
	}
	return f, nil
}

// coarser reports whether period type a is longer than b.
func coarser(a, b indicator.PeriodType) bool {
	rank := map[indicator.PeriodType]int{indicator.Monthly: 1, indicator.Quarterly: 2, indicator.HalfYear: 3, indicator.Yearly: 4}
	return rank[a] > rank[b]
}

// assessFigures: the last round (closed first) of the period's year or
// before that assesses the unit or its units: its ranking, computed now
// (the round's page).
func (s *Service) assessFigures(ctx context.Context, actor *auth.Actor, unit int64, p Period) (*AssessFigs, error) {
	rounds, err := s.assess.Rounds(ctx, actor)
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	var best *assess.Round
	better := func(r *assess.Round) bool {
		if best == nil {
			return true
		}
		rc, bc := r.Status == assess.RoundClosed, best.Status == assess.RoundClosed
		if rc != bc {
			return rc
		}
		return r.Year > best.Year || r.Year == best.Year && r.ID > best.ID
	}
	for _, r := range rounds {
		if r.Year > p.To.Year() {
			continue
		}
		concerns := false
		for _, u := range r.Units {
			concerns = concerns || u == unit || t.Covers(unit, u)
		}
		if concerns && better(r) {
			best = r
		}
	}
	if best == nil {
		return nil, nil
	}
	rk, err := s.assess.Ranking(ctx, actor, best.ID)
	if err != nil {
		return nil, err
	}
	a := &AssessFigs{RoundID: best.ID, Round: best.Name, Year: best.Year, Closed: best.Status == assess.RoundClosed, Max: rk.Max, Of: rk.Of, Ranked: []StandingFig{}}
	for _, r := range rk.Results {
		sf := StandingFig{Name: r.Name, Total: r.Total, Index: r.Index, Rank: r.Rank}
		if r.Prev != nil {
			pt, pi := r.Prev.Total, r.Prev.Index
			sf.PrevTotal, sf.PrevIndex, sf.PrevRank = &pt, &pi, r.Prev.Rank
		}
		if r.UnitID == unit {
			own := sf
			a.Own = &own
		} else if t.Covers(unit, r.UnitID) {
			a.Ranked = append(a.Ranked, sf)
		}
	}
	return a, nil
}

// remarkFigures: the obstacles and proposals units wrote in their task
// reports during the period (the task pages).
func (s *Service) remarkFigures(ctx context.Context, actor *auth.Actor, unit int64, p Period, d day.Day) ([]RemarkFig, error) {
	rs, err := s.plans.Remarks(ctx, actor, unit, p.From, d)
	if err != nil {
		return nil, err
	}
	out := []RemarkFig{}
	for _, r := range rs {
		out = append(out, RemarkFig{ReportID: r.ReportID, Task: r.TaskTitle, Plan: r.PlanNumber, Unit: r.UnitName, On: r.SubmittedOn,
			Obstacles: r.Obstacles, Proposals: r.Proposals})
	}
	return out, nil
}

// lowerFigures: the reports of the same kind and period of the units
// directly under the unit (this feature's own records).
func (s *Service) lowerFigures(ctx context.Context, t *org.Scoped, unit int64, kind Kind, p Period, d day.Day) (*ReportingFigs, error) {
	lower := Lower(t.Snapshot, unit, d)
	rf := &ReportingFigs{Lower: []LowerFig{}}
	if len(lower) == 0 {
		return rf, nil
	}
	ids := make([]int64, len(lower))
	for i, v := range lower {
		ids[i] = v.UnitID
	}
	sent, err := s.periodReports(ctx, ids, kind, p.Key())
	if err != nil {
		return nil, err
	}
	for _, v := range lower {
		lf := LowerFig{UnitID: v.UnitID, Name: v.Name}
		if r := sent[v.UnitID]; r != nil {
			lf.Status, lf.ReportID = string(r.Status), r.ID
			if r.Frozen() {
				lf.Status, lf.Number, lf.IssuedOn = string(Issued), r.NumberText(), r.IssuedOn
				rf.Sent++
			}
		}
		rf.Lower = append(rf.Lower, lf)
	}
	return rf, nil
}

// Lower are the units that report to unit: those directly under it that
// are provinces, districts, communes or departments, in force on d.
func Lower(t *org.Snapshot, unit int64, d day.Day) []*org.Version {
	var out []*org.Version
	for _, c := range t.Children(unit, d) {
		switch c.Level {
		case org.LevelProvince, org.LevelDistrict, org.LevelCommune, org.LevelAgency:
			out = append(out, c)
		}
	}
	return out
}
