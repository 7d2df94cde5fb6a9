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
	"github.com/mangluoi/mangluoi/internal/org"
)

// The demo's reporting: the new Gia Lai's monthly, quarterly and yearly
// forms, figures from January 2024 (old Gia Lai's and Bình Định's
// communes and departments, before the reorganisation) to October 2026,
// targets, and the province's own assessment of its communes for 2025
// (closed) and 2026 (open). Phường Pleiku has not reported October 2026
// yet: that is what the end-to-end test does.
var (
	ReportFrom   = indicator.MustPeriod("2024-01")
	ReportTo     = indicator.MustPeriod("2026-10")
	MonthlyForm  = "GL-CDS-THANG"
	QuarterForm  = "GL-CDS-QUY"
	YearForm     = "GL-CDS-NAM"
	CommuneFrame = "GL-XA"
)

// SeedIndicators loads the demo data of the indicators and assessment
// features, once Seed has loaded the tree, the people and the accounts.
func SeedIndicators(ctx context.Context, orgs *org.Service, admin *auth.Actor, ind *indicator.Service, as *assess.Service) error {
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return err
	}
	prov := snap.FindByCode(org.LevelProvince, "52", Reorg)
	if prov == nil {
		return fmt.Errorf("demo indicators: no new Gia Lai (52)")
	}
	w := &world{Snap: snap, Admin: admin, Province: prov}
	for _, l := range snap.Predecessors(prov.UnitID) {
		if v := snap.At(l.PredecessorID, Reorg.AddDays(-1)); v != nil {
			w.OldProvinces = append(w.OldProvinces, v)
		}
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
	staff    float64
	villages float64
	hh       float64
	dept     bool
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
			eligible: float64(90 + rnd.IntN(40)), staff: float64(2 + rnd.IntN(3)), villages: float64(6 + rnd.IntN(14)), hh: float64(1500 + rnd.IntN(6000))}
		if v.Level == org.LevelAgency {
			p.dept, p.size, p.eligible, p.staff = true, 60+rnd.Float64()*400, float64(40+rnd.IntN(120)), float64(2+rnd.IntN(4))
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
	today := time.Date(2026, 11, 22, 9, 0, 0, 0, locale.Zone)
	statusOf := func(p indicator.Period, f *indicator.Form, v *org.Version, k int) (indicator.Status, time.Time, bool) {
		due := f.Due(p)
		at := due.AddDays(-1 - k%4).Time().Add(9 * time.Hour)
		if k%7 == 3 {
			at = due.AddDays(2).Time().Add(9 * time.Hour) // a few are late
		}
		switch {
		case p == ReportTo && v.Name == "Phường Pleiku":
			return "", time.Time{}, false
		case p == ReportTo && k%3 == 0:
			return "", time.Time{}, false // not reported yet
		case p == ReportTo && k%3 == 1:
			return indicator.Submitted, at, true
		case p == ReportTo:
			return indicator.Draft, time.Time{}, true
		case p == ReportTo.Prev() && k%2 == 0 && v.Name != "Phường Pleiku":
			return indicator.Submitted, at, true
		}
		if at.After(today) {
			at = today.Add(-time.Hour)
		}
		return indicator.Approved, at, true
	}
	k := 0
	// monthly
	for p := ReportFrom; !ReportTo.Less(p); p = p.Next() {
		for _, v := range expectedUnits(w.Snap, w.OldProvinces, prov, p.End()) {
			k++
			st, at, ok := statusOf(p, forms[MonthlyForm], v, k)
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
			issued := math.Round(pr.staff*4 + 8)
			used := math.Round(issued * math.Min(1, 0.55+0.012*months))
			docs := math.Round(pr.size*0.25 + 20)
			signed := math.Round(docs * math.Min(0.99, 0.6+0.012*months))
			trained := math.Round(pr.staff * math.Min(1, float64(p.N)/9))
			dedicated := 0.0
			if pr.dept || months > 20 {
				dedicated = 1
			}
			vals := map[string]float64{"DVC_ELIGIBLE": pr.eligible, "DVC_FULL": full, "HS_ALL": all, "HS_ONLINE": online, "HS_ONTIME": ontime,
				"CKS_ISSUED": issued, "CKS_USED": used, "DOC_OUT": docs, "DOC_SIGNED": signed, "DX_STAFF": pr.staff, "DX_STAFF_DEDICATED": dedicated,
				"DX_STAFF_TRAINED": trained}
			if err := put(b, codes, forms[MonthlyForm], v, p, st, at, vals); err != nil {
				return err
			}
		}
	}
	// quarterly: only communes
	for p := indicator.MustPeriod("2024-Q1"); !indicator.MustPeriod("2026-Q3").Less(p); p = p.Next() {
		for _, v := range expectedUnits(w.Snap, w.OldProvinces, prov, p.End()) {
			if v.Level != org.LevelCommune {
				continue
			}
			k++
			pr := prof(v)
			q := float64((p.Year-2024)*4 + p.N - 1)
			villages := pr.villages
			covered := math.Min(villages, math.Round(villages*math.Min(1, 0.5+0.07*q)))
			fiber := math.Round(pr.hh * math.Min(0.98, 0.55+0.035*q))
			vals := map[string]float64{"CT_VILLAGES": villages, "CT_VILLAGES_COVERED": covered, "CT_TEAMS": covered, "CT_MEMBERS": covered * 5,
				"HH_TOTAL": pr.hh, "HH_FIBER": fiber, "VNEID_L2": math.Round(pr.hh * 2.1 * math.Min(1, 0.3+0.06*q))}
			at := forms[QuarterForm].Due(p).AddDays(-2).Time().Add(9 * time.Hour)
			if err := put(b, codes, forms[QuarterForm], v, p, indicator.Approved, at, vals); err != nil {
				return err
			}
		}
	}
	// yearly
	for _, p := range []indicator.Period{indicator.MustPeriod("2024"), indicator.MustPeriod("2025")} {
		for _, v := range expectedUnits(w.Snap, w.OldProvinces, prov, p.End()) {
			k++
			pr := prof(v)
			committee := 1.0
			if k%9 == 0 && p.Year == 2024 {
				committee = 0
			}
			vals := map[string]float64{"DX_COMMITTEE": committee, "DX_PLAN": 1, "DX_BUDGET": math.Round(pr.size*2+rnd.Float64()*300) / 10 * 10}
			at := forms[YearForm].Due(p).AddDays(-3).Time().Add(9 * time.Hour)
			if err := put(b, codes, forms[YearForm], v, p, indicator.Approved, at, vals); err != nil {
				return err
			}
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("demo values: %w", err)
	}
	// targets for 2026
	for code, v := range map[string]float64{"DVC_FULL_RATE": 100, "HS_ONLINE_RATE": 80, "DOC_SIGNED_RATE": 95, "DX_TRAINED_RATE": 100, "CT_COVERAGE": 100, "HS_ALL": 60000} {
		if _, err := ind.SetTarget(ctx, admin, indicator.TargetInput{Indicator: code, UnitID: prov.UnitID, Year: 2026, Value: v,
			Note: "Kế hoạch 687/KH-UBND"}); err != nil {
			return fmt.Errorf("demo target %s: %w", code, err)
		}
	}
	if pleiku := w.Snap.Search("Phường Pleiku", Reorg, prov.UnitID, 1); len(pleiku) == 1 {
		if _, err := ind.SetTarget(ctx, admin, indicator.TargetInput{Indicator: "HS_ONLINE_RATE", UnitID: pleiku[0].UnitID, Year: 2026, Value: 80}); err != nil {
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
	for code, x := range vals {
		if err := b.Value(indicator.BulkValue{Indicator: codes[code], Period: p.Key(), Unit: v.UnitID, Value: x, Status: st}); err != nil {
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
