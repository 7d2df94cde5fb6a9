package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// The demo's reporting: the new Gia Lai's monthly, quarterly and yearly
// forms, figures from January 2024 (old Gia Lai's and Bình Định's
// communes and departments, before the reorganisation) to the last period
// that ended before the day the demo is started, targets for the year,
// and the province's own assessment of its communes for last year (closed)
// and this year (open). Nothing is dated in advance: started a year from
// now, the demo still has last month's reports.
//
// On that day the last month is being reported — about a third approved,
// some submitted or in draft, a third not yet in (Phường Pleiku among
// them: that is what the end-to-end test does) — and a fifth of the units
// have begun the current month as drafts, so completeness has something to
// show. A quarter or year whose reports fell due in the last thirty days is
// reported the same way; older periods are approved, bar a few awaiting
// review.
//
// A figure a register also holds is reported as the register holds it, for
// that unit and date: villages, villages with a team, teams and members
// (the network, at the quarter's end, from the reorganisation on, when the
// province listed its villages), DX staff, dedicated and trained this year
// (the people feature, at the month's end), and the steering committee (at
// the year's end). Only the Discrepancies differ, on purpose.
var (
	ReportFrom   = indicator.MustPeriod("2024-01")
	MonthlyForm  = "GL-CDS-THANG"
	QuarterForm  = "GL-CDS-QUY"
	YearForm     = "GL-CDS-NAM"
	CommuneFrame = "GL-XA"
)

// Discrepancy is a figure a unit reports differently from what the
// demo's registers hold, on purpose: the kind of mistake reconciliation
// exists to find. It is in the unit's report of the last period of its
// form that ended before the demo was started, submitted and awaiting
// review.
type Discrepancy struct {
	Unit      string // the unit's name
	Form      string // the form's code
	Indicator string
	Extra     float64 // reported = what the register holds + Extra
	Why       string
}

// Discrepancies are the demo's deliberate differences between reported
// and registered figures. Every other reported figure a register holds
// equals it.
var Discrepancies = []Discrepancy{
	{Unit: "Phường Pleiku", Form: QuarterForm, Indicator: "CT_TEAMS", Extra: 10,
		Why: "counts the ten teams planned for the residential groups of the merged wards as if they were set up"},
	{Unit: "Xã Ia Ly", Form: QuarterForm, Indicator: "CT_MEMBERS", Extra: 6,
		Why: "still counts the members of a team that was merged into another"},
	{Unit: "Xã Chư Păh", Form: MonthlyForm, Indicator: "DX_STAFF", Extra: 2,
		Why: "counts two office clerks who help with DX but hold no DX role"},
}

// LastEnded is the last period of type t that ended before today.
func LastEnded(t indicator.PeriodType, today day.Day) indicator.Period {
	return indicator.PeriodOf(t, today).Prev()
}

// SeedIndicators loads the demo data of the indicators and assessment
// features, once Seed has loaded the tree, the people and the accounts and
// SeedNetwork the network: the figures that the registers also hold are
// read from them.
func SeedIndicators(ctx context.Context, orgs *org.Service, admin *auth.Actor, ind *indicator.Service, as *assess.Service, ppl *people.Service, net *network.Service) error {
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return err
	}
	prov := snap.FindByCode(org.LevelProvince, "52", Reorg)
	if prov == nil {
		return fmt.Errorf("demo indicators: no new Gia Lai (52)")
	}
	w := &world{Snap: snap, Admin: admin, Province: prov, Today: orgs.Today()}
	for _, l := range snap.Predecessors(prov.UnitID) {
		if v := snap.At(l.PredecessorID, Reorg.AddDays(-1)); v != nil {
			w.OldProvinces = append(w.OldProvinces, v)
		}
	}
	if w.reg, err = readRegisters(ctx, w, ppl, net); err != nil {
		return fmt.Errorf("demo indicators: registers: %w", err)
	}
	if err := seedIndicators(ctx, w, ind, as); err != nil {
		return fmt.Errorf("demo indicators: %w", err)
	}
	return nil
}

// world is what the demo's figures are made for.
type world struct {
	Snap         *org.Snapshot
	Admin        *auth.Actor
	Province     *org.Version   // the new Gia Lai
	OldProvinces []*org.Version // old Gia Lai and Bình Định
	Today        day.Day        // the day the demo is started
	reg          *registers
}

// monthly: the monthly form's entered items, in order.
var monthlyItems = []string{"DVC_ELIGIBLE", "DVC_FULL", "DVC_FULL_RATE", "HS_ALL", "HS_ONLINE", "HS_ONLINE_RATE", "HS_ONTIME", "HS_ONTIME_RATE",
	"CKS_ISSUED", "CKS_USED", "CKS_USE_RATE", "DOC_OUT", "DOC_SIGNED", "DOC_SIGNED_RATE", "DX_STAFF", "DX_STAFF_DEDICATED", "DX_STAFF_TRAINED", "DX_TRAINED_RATE"}

var quarterItems = []string{"CT_VILLAGES", "CT_VILLAGES_COVERED", "CT_COVERAGE", "CT_TEAMS", "CT_MEMBERS", "HH_TOTAL", "HH_FIBER", "HH_FIBER_RATE", "VNEID_L2"}

var yearItems = []string{"DX_COMMITTEE", "DX_PLAN", "DX_BUDGET", "DX_DIFFICULTIES"}

// profile is a unit's size and how far along it is, so its figures are
// consistent from month to month.
type profile struct {
	size     float64 // dossiers a month
	online   float64 // share online in January 2024
	pace     float64 // rise of the share per month
	eligible float64
	villages float64
	hh       float64
	dept     bool
}

// registers is what the demo's registers hold for the reporting units,
// read back through the people and network services, so that a reported
// figure is what a unit would have read off them.
type registers struct {
	roles      map[int64]map[int64]people.Role // unit → role id → role
	committees map[int64]map[int64]people.Committee
	completed  map[int64][]day.Day                   // person → courses completed
	coverage   map[day.Day]map[int64]network.Figures // quarter's end → commune → figures
}

// readRegisters reads the apparatus of every unit that reports, as it
// stood the day before the reorganisation and on the day the demo starts
// (the demo's roles and committees begin on one of those sides and do not
// end), the training completed, and the network at each quarter's end
// since the villages were listed.
func readRegisters(ctx context.Context, w *world, ppl *people.Service, net *network.Service) (*registers, error) {
	r := &registers{roles: map[int64]map[int64]people.Role{}, committees: map[int64]map[int64]people.Committee{},
		completed: map[int64][]day.Day{}, coverage: map[day.Day]map[int64]network.Figures{}}
	for _, d := range []day.Day{Reorg.AddDays(-1), w.Today} {
		for _, v := range expectedUnits(w.Snap, w.OldProvinces, w.Province, d) {
			a, err := ppl.GetApparatus(ctx, w.Admin, v.UnitID, d)
			if err != nil {
				return nil, err
			}
			for _, x := range a.Roles {
				if r.roles[v.UnitID] == nil {
					r.roles[v.UnitID] = map[int64]people.Role{}
				}
				r.roles[v.UnitID][x.ID] = x.Role
			}
			for _, c := range a.Committees {
				if r.committees[v.UnitID] == nil {
					r.committees[v.UnitID] = map[int64]people.Committee{}
				}
				r.committees[v.UnitID][c.ID] = c.Committee
			}
		}
	}
	seen := map[int64]bool{}
	for y := Baseline.Year(); y <= w.Today.Year(); y++ {
		courses, err := ppl.ListCourses(ctx, w.Admin, y)
		if err != nil {
			return nil, err
		}
		for _, c := range courses {
			if seen[c.ID] || c.Completed == 0 {
				continue
			}
			seen[c.ID] = true
			cv, err := ppl.GetCourse(ctx, w.Admin, c.ID)
			if err != nil {
				return nil, err
			}
			for _, p := range cv.Participants {
				if p.Status == people.Completed {
					r.completed[p.PersonID] = append(r.completed[p.PersonID], p.CompletedOn)
				}
			}
		}
	}
	for q := indicator.PeriodOf(indicator.Quarterly, Reorg); !LastEnded(indicator.Quarterly, w.Today).Less(q); q = q.Next() {
		c, err := net.Coverage(ctx, w.Admin, w.Province.UnitID, q.End())
		if err != nil {
			return nil, err
		}
		byUnit := map[int64]network.Figures{}
		for _, row := range c.Rows {
			byUnit[row.UnitID] = row.Figures
		}
		r.coverage[q.End()] = byUnit
	}
	return r, nil
}

// staff is a unit's DX staff on d: the people holding a role, those in a
// dedicated one, and those of them who completed a course this year.
func (r *registers) staff(unit int64, d day.Day) (all, dedicated, trained int) {
	holders, dedi := map[int64]bool{}, map[int64]bool{}
	for _, x := range r.roles[unit] {
		if x.PersonID == 0 || d.Before(x.From) || !d.Before(x.To) {
			continue
		}
		holders[x.PersonID] = true
		if x.Mode == people.Dedicated {
			dedi[x.PersonID] = true
		}
	}
	yearStart := day.Of(d.Year(), 1, 1)
	for p := range holders {
		for _, on := range r.completed[p] {
			if !on.Before(yearStart) && !on.After(d) {
				trained++
				break
			}
		}
	}
	return len(holders), len(dedi), trained
}

// committee reports whether a unit has a steering committee on d.
func (r *registers) committee(unit int64, d day.Day) bool {
	for _, c := range r.committees[unit] {
		if !d.Before(c.From) && d.Before(c.To) {
			return true
		}
	}
	return false
}

// network is a commune's network at a quarter's end; false before the
// villages were listed.
func (r *registers) network(unit int64, quarterEnd day.Day) (network.Figures, bool) {
	byUnit, ok := r.coverage[quarterEnd]
	if !ok {
		return network.Figures{}, false
	}
	return byUnit[unit], true
}

// state says how far a unit's report of a period had gone on the day the
// demo starts (ok false: nothing entered), and when it was submitted. k
// numbers the reports, so the mix is the same on every start.
func (w *world) state(f *indicator.Form, p indicator.Period, v *org.Version, k int) (st indicator.Status, at time.Time, ok bool) {
	last := LastEnded(f.PeriodType, w.Today)
	due := f.Due(p)
	at = due.AddDays(-1 - k%4).Time().Add(9 * time.Hour)
	if k%7 == 3 {
		at = due.AddDays(2).Time().Add(9 * time.Hour) // a few are late
	}
	// nothing is submitted on or after the day the demo starts
	if cutoff := time.Date(w.Today.Year(), w.Today.Time().Month(), w.Today.Time().Day(), 0, 0, 0, 0, locale.Zone).Add(-time.Hour); at.After(cutoff) {
		at = cutoff
	}
	recent := !w.Today.After(due.AddDays(30))
	switch {
	case last.Less(p): // the current period, unfinished: some drafts
		if f.PeriodType == indicator.Monthly && k%5 == 0 {
			return indicator.Draft, time.Time{}, true
		}
		return "", time.Time{}, false
	case p == last && recent:
		if f.PeriodType == indicator.Monthly && v.Name == "Phường Pleiku" {
			return "", time.Time{}, false // the end-to-end test reports it
		}
		if discrepant(f, v) {
			return indicator.Submitted, at, true
		}
		switch k % 6 {
		case 0, 3:
			return "", time.Time{}, false // not in yet
		case 1:
			return indicator.Submitted, at, true
		case 2:
			return indicator.Draft, time.Time{}, true
		}
		return indicator.Approved, at, true
	case p == last && discrepant(f, v):
		return indicator.Submitted, at, true
	case (p == last || p == last.Prev()) && k%12 == 0 && v.Name != "Phường Pleiku":
		return indicator.Submitted, at, true // awaiting review
	}
	return indicator.Approved, at, true
}

// discrepant reports whether unit v reports form f differently from its
// registers in the form's last ended period.
func discrepant(f *indicator.Form, v *org.Version) bool {
	for _, d := range Discrepancies {
		if d.Form == f.Code && d.Unit == v.Name {
			return true
		}
	}
	return false
}

// misreport adds the deliberate discrepancies to what unit v reports on
// form f for period p.
func (w *world) misreport(f *indicator.Form, p indicator.Period, v *org.Version, vals map[string]float64) {
	if p != LastEnded(f.PeriodType, w.Today) {
		return
	}
	for _, d := range Discrepancies {
		if d.Form == f.Code && d.Unit == v.Name {
			if _, ok := vals[d.Indicator]; ok {
				vals[d.Indicator] += d.Extra
			}
		}
	}
}

func seedIndicators(ctx context.Context, w *world, ind *indicator.Service, as *assess.Service) error {
	admin := w.Admin
	prov := w.Province
	kinds := []indicator.Kind{indicator.KindCommune, indicator.KindDepartment}
	forms := map[string]*indicator.Form{}
	for _, f := range []indicator.FormInput{
		{Code: MonthlyForm, NameVI: "Báo cáo tình hình chuyển đổi số hằng tháng", NameEN: "Monthly DX report", PeriodType: indicator.Monthly,
			DueDays: 5, OwnerUnitID: prov.UnitID, Indicators: monthlyItems, Kinds: kinds},
		{Code: QuarterForm, NameVI: "Báo cáo quý về Tổ công nghệ số cộng đồng và hạ tầng số", NameEN: "Quarterly report on community teams and infrastructure",
			PeriodType: indicator.Quarterly, DueDays: 10, OwnerUnitID: prov.UnitID, Indicators: quarterItems, Kinds: []indicator.Kind{indicator.KindCommune}},
		{Code: YearForm, NameVI: "Báo cáo năm về tổ chức và kinh phí chuyển đổi số", NameEN: "Yearly report on DX organisation and funding",
			PeriodType: indicator.Yearly, DueDays: 15, OwnerUnitID: prov.UnitID, Indicators: yearItems, Kinds: kinds},
	} {
		form, err := ind.CreateForm(ctx, admin, f)
		if err != nil {
			return fmt.Errorf("demo form %s: %w", f.Code, err)
		}
		forms[f.Code] = form
	}
	codes := map[string]int64{}
	all, err := ind.List(ctx, admin, true)
	if err != nil {
		return err
	}
	for _, i := range all {
		codes[i.Code] = i.ID
	}
	rnd := rand.New(rand.NewPCG(52, 2025))
	profiles := map[int64]*profile{}
	prof := func(v *org.Version) *profile {
		if p := profiles[v.UnitID]; p != nil {
			return p
		}
		p := &profile{size: 150 + rnd.Float64()*500, online: 0.15 + rnd.Float64()*0.3, pace: 0.008 + rnd.Float64()*0.012,
			eligible: float64(90 + rnd.IntN(40)), villages: float64(6 + rnd.IntN(14)), hh: float64(1500 + rnd.IntN(6000))}
		if v.Level == org.LevelAgency {
			p.dept, p.size, p.eligible = true, 60+rnd.Float64()*400, float64(40+rnd.IntN(120))
		}
		if v.Name == "Phường Pleiku" { // behind its neighbours on online filing: room to climb
			p.online, p.pace = 0.2, 0.006
		}
		profiles[v.UnitID] = p
		return p
	}
	// a new unit formed by merger inherits the bigger of its predecessors' profiles
	for _, v := range w.Snap.Children(prov.UnitID, Reorg) {
		var best *profile
		for _, l := range w.Snap.Predecessors(v.UnitID) {
			if pv := w.Snap.At(l.PredecessorID, Reorg.AddDays(-1)); pv != nil {
				if p := prof(pv); best == nil || p.size > best.size {
					best = p
				}
			}
		}
		if best != nil {
			p := *best
			p.size *= 1.8
			if v.Name == "Phường Pleiku" {
				p.online, p.pace = 0.2, 0.006
			}
			profiles[v.UnitID] = &p
		}
	}
	b := ind.NewBulk(ctx, admin.Who(), "demo")
	// the register's figures of a period: at its end, or today for the
	// period still running
	asAt := func(p indicator.Period) day.Day {
		if d := p.End(); d.Before(w.Today) {
			return d
		}
		return w.Today
	}
	k := 0
	lastYear := 0.0 // the province's dossiers last year, for this year's target
	// monthly, to the current month
	current := indicator.PeriodOf(indicator.Monthly, w.Today)
	for p := ReportFrom; !current.Less(p); p = p.Next() {
		f := forms[MonthlyForm]
		for _, v := range expectedUnits(w.Snap, w.OldProvinces, prov, p.End()) {
			k++
			st, at, ok := w.state(f, p, v, k)
			if !ok {
				continue
			}
			pr := prof(v)
			months := float64((p.Year-2024)*12 + p.N - 1)
			share := math.Min(0.97, pr.online+pr.pace*months)
			all := math.Round(pr.size * (0.85 + rnd.Float64()*0.3) * seasonal(p.N))
			online := math.Round(all * share)
			ontime := math.Round(all * (0.9 + rnd.Float64()*0.09))
			full := math.Round(pr.eligible * math.Min(1, 0.35+0.02*months))
			staff, dedicated, trained := w.reg.staff(v.UnitID, asAt(p))
			issued := math.Round(float64(staff)*4 + 8)
			used := math.Round(issued * math.Min(1, 0.55+0.012*months))
			docs := math.Round(pr.size*0.25 + 20)
			signed := math.Round(docs * math.Min(0.99, 0.6+0.012*months))
			vals := map[string]float64{"DVC_ELIGIBLE": pr.eligible, "DVC_FULL": full, "HS_ALL": all, "HS_ONLINE": online, "HS_ONTIME": ontime,
				"CKS_ISSUED": issued, "CKS_USED": used, "DOC_OUT": docs, "DOC_SIGNED": signed, "DX_STAFF": float64(staff),
				"DX_STAFF_DEDICATED": float64(dedicated), "DX_STAFF_TRAINED": float64(trained)}
			w.misreport(f, p, v, vals)
			if err := put(b, codes, f, v, p, st, at, vals); err != nil {
				return err
			}
			if p.Year == w.Today.Year()-1 {
				lastYear += all
			}
		}
	}
	// quarterly: only communes; the teams from when the villages were listed
	for p := indicator.MustPeriod("2024-Q1"); !LastEnded(indicator.Quarterly, w.Today).Less(p); p = p.Next() {
		f := forms[QuarterForm]
		for _, v := range expectedUnits(w.Snap, w.OldProvinces, prov, p.End()) {
			if v.Level != org.LevelCommune {
				continue
			}
			k++
			st, at, ok := w.state(f, p, v, k)
			if !ok {
				continue
			}
			pr := prof(v)
			q := float64((p.Year-2024)*4 + p.N - 1)
			fiber := math.Round(pr.hh * math.Min(0.98, 0.55+0.035*q))
			vals := map[string]float64{"HH_TOTAL": pr.hh, "HH_FIBER": fiber, "VNEID_L2": math.Round(pr.hh * 2.1 * math.Min(1, 0.3+0.06*q))}
			if n, ok := w.reg.network(v.UnitID, p.End()); ok {
				vals["CT_VILLAGES"], vals["CT_VILLAGES_COVERED"] = float64(n.Villages), float64(n.VillagesCovered)
				vals["CT_TEAMS"], vals["CT_MEMBERS"] = float64(n.Teams), float64(n.Members)
			}
			w.misreport(f, p, v, vals)
			if err := put(b, codes, f, v, p, st, at, vals); err != nil {
				return err
			}
		}
	}
	// yearly
	for p := indicator.MustPeriod("2024"); !LastEnded(indicator.Yearly, w.Today).Less(p); p = p.Next() {
		f := forms[YearForm]
		for _, v := range expectedUnits(w.Snap, w.OldProvinces, prov, p.End()) {
			k++
			st, at, ok := w.state(f, p, v, k)
			if !ok {
				continue
			}
			pr := prof(v)
			committee := 0.0
			if w.reg.committee(v.UnitID, p.End()) {
				committee = 1
			}
			vals := map[string]float64{"DX_COMMITTEE": committee, "DX_PLAN": 1, "DX_BUDGET": math.Round(pr.size*2+rnd.Float64()*300) / 10 * 10}
			w.misreport(f, p, v, vals)
			if err := put(b, codes, f, v, p, st, at, vals); err != nil {
				return err
			}
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("demo values: %w", err)
	}
	// targets for the year; dossiers a tenth above last year's
	year := w.Today.Year()
	for code, v := range map[string]float64{"DVC_FULL_RATE": 100, "HS_ONLINE_RATE": 80, "DOC_SIGNED_RATE": 95, "DX_TRAINED_RATE": 100, "CT_COVERAGE": 100,
		"HS_ALL": math.Round(lastYear*1.1/1000) * 1000} {
		if _, err := ind.SetTarget(ctx, admin, indicator.TargetInput{Indicator: code, UnitID: prov.UnitID, Year: year, Value: v,
			Note: "Kế hoạch 687/KH-UBND"}); err != nil {
			return fmt.Errorf("demo target %s: %w", code, err)
		}
	}
	if pleiku := w.Snap.Search("Phường Pleiku", Reorg, prov.UnitID, 1); len(pleiku) == 1 {
		if _, err := ind.SetTarget(ctx, admin, indicator.TargetInput{Indicator: "HS_ONLINE_RATE", UnitID: pleiku[0].UnitID, Year: year, Value: 80}); err != nil {
			return err
		}
	}
	return seedAssessment(ctx, w, as)
}

// seasonal: fewer dossiers around Tết.
func seasonal(month int) float64 {
	switch month {
	case 1:
		return 0.9
	case 2:
		return 0.7
	}
	return 1
}

func put(b *indicator.Bulk, codes map[string]int64, f *indicator.Form, v *org.Version, p indicator.Period, st indicator.Status, at time.Time, vals map[string]float64) error {
	var entered time.Time // a draft's values: as the demo loads them
	if st != indicator.Draft {
		entered = at.Add(-3 * time.Hour) // typed the morning it was sent
	}
	for code, x := range vals {
		if err := b.Value(indicator.BulkValue{Indicator: codes[code], Period: p.Key(), Unit: v.UnitID, Value: x, Status: st, At: entered}); err != nil {
			return err
		}
	}
	sub := indicator.BulkSubmission{Form: f.ID, Unit: v.UnitID, Period: p.Key(), Status: st}
	if st != indicator.Draft {
		sub.SubmittedAt = at.UTC()
	}
	return b.Submission(sub)
}

// expectedUnits are the communes and departments of the demo province on
// a date: under the new Gia Lai from the reorganisation, under old Gia Lai
// and Bình Định before.
func expectedUnits(snap *org.Snapshot, old []*org.Version, prov *org.Version, d day.Day) []*org.Version {
	roots := []int64{prov.UnitID}
	if d.Before(Reorg) {
		roots = roots[:0]
		for _, o := range old {
			roots = append(roots, o.UnitID)
		}
	}
	var out []*org.Version
	for _, r := range roots {
		snap.Walk(r, d, func(v *org.Version) bool {
			parent := snap.At(v.ParentID, d)
			switch {
			case v.Level == org.LevelCommune:
				out = append(out, v)
			case v.Level == org.LevelAgency && parent != nil && parent.Level == org.LevelProvince:
				out = append(out, v)
				return false
			}
			return true
		})
	}
	return out
}
