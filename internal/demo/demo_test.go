package demo_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

var ctx = context.Background()

// reported is what each unit reported for an indicator and period (every
// value entered, whatever its report's state): the unit's own figure.
func reported(t *testing.T, m *app.Main, code string, p indicator.Period, units []int64) map[int64]indicator.Figure {
	t.Helper()
	admin, err := m.RootActor(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	_ = admin
	figs, _, err := m.Indicators.Values(ctx, code, p, units, indicator.AsItWas, indicator.BasisAll, p.End())
	if err != nil {
		t.Fatal(err)
	}
	return figs
}

// reporters are the units the demo's province expects to report on d:
// communes and departments.
func reporters(t *testing.T, m *app.Main, d day.Day) []*org.Version {
	t.Helper()
	snap, err := m.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prov := snap.FindByCode(org.LevelProvince, "52", demo.Reorg)
	var roots []int64
	if d.Before(demo.Reorg) {
		for _, l := range snap.Predecessors(prov.UnitID) {
			roots = append(roots, l.PredecessorID)
		}
	} else {
		roots = []int64{prov.UnitID}
	}
	var out []*org.Version
	for _, r := range roots {
		for _, v := range snap.Children(r, d) {
			if v.Level == org.LevelAgency {
				out = append(out, v)
			}
		}
		snap.Walk(r, d, func(v *org.Version) bool {
			if v.Level == org.LevelCommune {
				out = append(out, v)
			}
			return v.Level != org.LevelCommune
		})
	}
	return out
}

func ids(vs []*org.Version) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = v.UnitID
	}
	return out
}

// discrepancy is the documented difference for a unit, form, indicator
// and period, 0 if none.
func discrepancy(today day.Day, form, code, unit string, p indicator.Period) float64 {
	for _, d := range demo.Discrepancies {
		if d.Form == form && d.Indicator == code && d.Unit == unit && p == demo.LastEnded(p.Type, today) {
			return d.Extra
		}
	}
	return 0
}

// TestReportedFiguresAreTheRegisters: every team, village, member, DX
// staff and committee figure a unit of the demo reports equals what the
// demo's registers hold for that unit at the period's end, except the
// documented discrepancies, each of which is there.
func TestReportedFiguresAreTheRegisters(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		registersAgree(t, s.Main)
	})
}

func registersAgree(t *testing.T, m *app.Main) {
	admin, err := m.RootActor(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	today := m.Org.Today()
	snap, err := m.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prov := snap.FindByCode(org.LevelProvince, "52", demo.Reorg)
	found := map[string]bool{}
	compared := 0
	check := func(form, code string, v *org.Version, p indicator.Period, fig indicator.Figure, register float64) {
		t.Helper()
		if !fig.Has() {
			return // not reported (yet)
		}
		compared++
		extra := discrepancy(today, form, code, v.Name, p)
		if extra != 0 {
			found[v.Name+" "+code] = true
		}
		if fig.V() != register+extra {
			t.Errorf("%s, %s %s: reported %v, the register holds %v (documented difference %v)", v.Name, code, p.Key(), fig.V(), register, extra)
		}
	}
	// the network, at each quarter's end from the reorganisation
	last := demo.LastEnded(indicator.Quarterly, today)
	for p := indicator.PeriodOf(indicator.Quarterly, demo.Reorg); !last.Less(p); p = p.Next() {
		cov, err := m.Network.Coverage(ctx, admin, prov.UnitID, p.End())
		if err != nil {
			t.Fatal(err)
		}
		var units []int64
		for _, r := range cov.Rows {
			units = append(units, r.UnitID)
		}
		figs := map[string]map[int64]indicator.Figure{}
		for _, code := range []string{"CT_VILLAGES", "CT_VILLAGES_COVERED", "CT_TEAMS", "CT_MEMBERS"} {
			figs[code] = reported(t, m, code, p, units)
		}
		for _, r := range cov.Rows {
			if r.Level != org.LevelCommune {
				continue
			}
			v := snap.At(r.UnitID, p.End())
			check(demo.QuarterForm, "CT_VILLAGES", v, p, figs["CT_VILLAGES"][r.UnitID], float64(r.Villages))
			check(demo.QuarterForm, "CT_VILLAGES_COVERED", v, p, figs["CT_VILLAGES_COVERED"][r.UnitID], float64(r.VillagesCovered))
			check(demo.QuarterForm, "CT_TEAMS", v, p, figs["CT_TEAMS"][r.UnitID], float64(r.Teams))
			check(demo.QuarterForm, "CT_MEMBERS", v, p, figs["CT_MEMBERS"][r.UnitID], float64(r.Members))
		}
	}
	// before the villages were listed, no team figure is reported
	before := indicator.PeriodOf(indicator.Quarterly, demo.Reorg).Prev()
	old := reporters(t, m, before.End())
	for u, f := range reported(t, m, "CT_TEAMS", before, ids(old)) {
		if f.Has() {
			t.Errorf("unit %d reported %v teams in %s, before the register held any", u, f.V(), before.Key())
		}
	}
	// DX staff at the end of months before and after the reorganisation,
	// the last one included
	lastMonth := demo.LastEnded(indicator.Monthly, today)
	for _, p := range []indicator.Period{indicator.MustPeriod("2024-06"), indicator.PeriodOf(indicator.Monthly, demo.Reorg), lastMonth.Prev().Prev(), lastMonth} {
		units := reporters(t, m, p.End())
		figs := map[string]map[int64]indicator.Figure{}
		for _, code := range []string{"DX_STAFF", "DX_STAFF_DEDICATED", "DX_STAFF_TRAINED"} {
			figs[code] = reported(t, m, code, p, ids(units))
		}
		for _, v := range units {
			a, err := m.People.GetApparatus(ctx, admin, v.UnitID, p.End())
			if err != nil {
				t.Fatal(err)
			}
			staff, dedicated, trained := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
			for _, r := range a.Roles {
				if r.PersonID == 0 {
					continue
				}
				staff[r.PersonID] = true
				if r.Mode == people.Dedicated {
					dedicated[r.PersonID] = true
				}
				if r.Trained {
					trained[r.PersonID] = true
				}
			}
			check(demo.MonthlyForm, "DX_STAFF", v, p, figs["DX_STAFF"][v.UnitID], float64(len(staff)))
			check(demo.MonthlyForm, "DX_STAFF_DEDICATED", v, p, figs["DX_STAFF_DEDICATED"][v.UnitID], float64(len(dedicated)))
			check(demo.MonthlyForm, "DX_STAFF_TRAINED", v, p, figs["DX_STAFF_TRAINED"][v.UnitID], float64(len(trained)))
		}
	}
	// the steering committee at each year's end
	for p := indicator.MustPeriod("2024"); !demo.LastEnded(indicator.Yearly, today).Less(p); p = p.Next() {
		units := reporters(t, m, p.End())
		figs := reported(t, m, "DX_COMMITTEE", p, ids(units))
		for _, v := range units {
			a, err := m.People.GetApparatus(ctx, admin, v.UnitID, p.End())
			if err != nil {
				t.Fatal(err)
			}
			has := 0.0
			if len(a.Committees) > 0 {
				has = 1
			}
			check(demo.YearForm, "DX_COMMITTEE", v, p, figs[v.UnitID], has)
		}
	}
	if compared < 100 {
		t.Errorf("only %d reported figures compared", compared)
	}
	for _, d := range demo.Discrepancies {
		if snap.Search(d.Unit, today, prov.UnitID, 1) == nil {
			continue // not in this tree
		}
		if !found[d.Unit+" "+d.Indicator] {
			t.Errorf("the documented discrepancy of %s (%s) is not in the demo", d.Unit, d.Indicator)
		}
	}
}

// TestDemoStartedLater: the demo started a year after the test clock still
// has the last month's reports (partly in), the current month begun, last
// year's reports, a round for this year and this year's training; its
// figures still agree with its registers.
func TestDemoStartedLater(t *testing.T) {
	later := apptest.Now.AddDate(1, 0, 0)
	t.Run("sqlite", func(t *testing.T) { startedLater(t, filepath.Join(t.TempDir(), "later.db"), later) })
	t.Run("postgres", func(t *testing.T) { startedLater(t, dbtest.PostgresDSN(t), later) })
}

func startedLater(t *testing.T, dsn string, now time.Time) {
	m, err := app.Open(ctx, app.Config{DSN: dsn, Addr: "127.0.0.1:0", Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	admin, err := m.RootActor(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, m.Org, m.Auth, m.People, admin, "", demo.WithPlans(m.Plans)); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedNetwork(ctx, m.Org, m.People, m.Network, admin); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedIndicators(ctx, m.Org, admin, m.Indicators, m.Assess, m.People, m.Network); err != nil {
		t.Fatal(err)
	}
	today := m.Org.Today()
	last := demo.LastEnded(indicator.Monthly, today)
	if last.Key() != "2027-10" {
		t.Fatalf("the last month ended is %s", last.Key())
	}
	snap, _ := m.Org.Snapshot(ctx)
	gl := snap.FindByCode(org.LevelProvince, "52", today)
	forms, err := m.Indicators.Forms(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		if f.Code != demo.MonthlyForm {
			continue
		}
		for _, c := range []struct {
			p       indicator.Period
			partial bool
		}{{last.Prev(), false}, {last, true}, {last.Next(), true}} {
			cm, err := m.Indicators.Complete(ctx, admin, f.ID, c.p, gl.UnitID)
			if err != nil {
				t.Fatal(err)
			}
			entered := 0
			for _, u := range cm.Units {
				if u.SubmissionID != 0 {
					entered++
				}
			}
			if entered == 0 || (entered < cm.Counts.Expected) != c.partial {
				t.Errorf("%s: %d of %d units entered (partial: %v)", c.p.Key(), entered, cm.Counts.Expected, c.partial)
			}
		}
	}
	b, err := m.Indicators.Breakdown(ctx, admin, indicator.Query{IndicatorID: indicatorID(t, m, "HS_ALL"), UnitID: gl.UnitID, Period: last})
	if err != nil {
		t.Fatal(err)
	}
	if !b.Total.Has() || !b.Total.Incomplete {
		t.Errorf("%s: %v, %d/%d", last.Key(), b.Total.Value, b.Total.Reported, b.Total.Expected)
	}
	y, err := m.Indicators.Breakdown(ctx, admin, indicator.Query{IndicatorID: indicatorID(t, m, "DX_COMMITTEE"), UnitID: gl.UnitID,
		Period: indicator.MustPeriod("2026")})
	if err != nil {
		t.Fatal(err)
	}
	if !y.Total.Has() || y.Total.Expected == 0 || y.Total.Reported*10 < y.Total.Expected*8 { // a few await review
		t.Errorf("2026's yearly report: %d/%d approved", y.Total.Reported, y.Total.Expected)
	}
	rounds, err := m.Assess.Rounds(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	years := map[int]bool{}
	for _, r := range rounds {
		years[r.Year] = true
	}
	if !years[2027] || !years[2026] {
		t.Errorf("the assessment rounds are for %v", years)
	}
	courses, err := m.People.ListCourses(ctx, admin, 2027)
	if err != nil || len(courses) == 0 {
		t.Errorf("no course in 2027: %v", err)
	}
	registersAgree(t, m)
}

func indicatorID(t *testing.T, m *app.Main, code string) int64 {
	admin, _ := m.RootActor(ctx, "test")
	i, err := m.Indicators.ByCode(ctx, admin, code)
	if err != nil {
		t.Fatal(err)
	}
	return i.ID
}

// TestDemoNamesMatchGenders: every person of the demo — staff, committee
// members, team members — has the gender their name says: Thị, or H'
// before a Jrai or Ede given name, is a woman's; Văn a man's; and the
// common given names that are only a woman's or only a man's.
func TestDemoNamesMatchGenders(t *testing.T) {
	s := apptest.StartSQLite(t)
	rows, err := s.DB.QueryContext(ctx, `SELECT full_name, gender FROM people`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	women := map[string]bool{"Hoa": true, "Hương": true, "Lan": true, "Linh": true, "Mai": true, "Nga": true, "Phương": true, "Thảo": true,
		"Trang": true, "Vy": true, "Yến": true, "Hạnh": true, "Dung": true, "Loan": true}
	men := map[string]bool{"Cường": true, "Dũng": true, "Hùng": true, "Hải": true, "Hiếu": true, "Long": true, "Nam": true, "Phong": true,
		"Quân": true, "Sơn": true, "Thành": true, "Trung": true, "Tuấn": true, "Đạt": true, "Huy": true}
	n := 0
	for rows.Next() {
		var name, gender string
		if err := rows.Scan(&name, &gender); err != nil {
			t.Fatal(err)
		}
		words := strings.Fields(name)
		given := words[len(words)-1]
		want := ""
		switch {
		case strings.Contains(name, " Thị ") || strings.Contains(name, "H'"):
			want = demo.Female
		case strings.Contains(name, " Văn "):
			want = demo.Male
		case women[given]:
			want = demo.Female
		case men[given]:
			want = demo.Male
		}
		if want != "" && gender != want {
			t.Errorf("%s is recorded as %q", name, gender)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d people", n)
	}
}
