package indicator_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// TestOtherServerCatchesUp (issue 14, item 5): two services on one
// database. Random writes through the first — values saved and cleared,
// reports submitted, approved, returned and reopened — and after each the
// second's national figures equal those of a service that loads
// everything afresh, while the second patched its cached cells from the
// change feed instead of reading them whole. A bulk load (no feed) and a
// server left behind past the trimmed feed read the whole cell, and are
// right too. MANGLUOI_TEST_SEED picks the writes (logged).
func TestOtherServerCatchesUp(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("MANGLUOI_TEST_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		t.Logf("seed %d", seed)
		rnd := rand.New(rand.NewPCG(seed, 14))
		now := func() time.Time { return apptest.Now }
		log := &audit.Log{Now: now}
		service := func() *indicator.Service {
			return indicator.NewService(s.DB, org.NewService(s.DB, log, now), log, nil, now)
		}
		other := service()
		gialai := actor(t, s, "gialai")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		root := s.Admin.ScopeUnitID
		f := form(t, s, demo.MonthlyForm)
		oct := indicator.MustPeriod("2026-10")
		var communes []int64
		for _, c := range total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisAll).Children {
			communes = append(communes, c.UnitID)
		}
		communes = communes[:12] // a few, so that the same reports move again and again
		base := map[string]float64{"DVC_ELIGIBLE": 120, "DVC_FULL": 110, "HS_ALL": 1200, "HS_ONLINE": 900, "HS_ONTIME": 1150,
			"CKS_ISSUED": 30, "CKS_USED": 28, "DOC_OUT": 300, "DOC_SIGNED": 290, "DX_STAFF": 4, "DX_STAFF_DEDICATED": 1, "DX_STAFF_TRAINED": 4}
		values := func(clear float64) []indicator.ValueInput {
			r := 0.2 + 3*rnd.Float64() // one factor for all keeps every "not above" rule
			var out []indicator.ValueInput
			for c, v := range base {
				raw := strconv.Itoa(int(v * r))
				if rnd.Float64() < clear {
					raw = ""
				}
				out = append(out, indicator.ValueInput{Code: c, Raw: indicator.Flex(raw), Comment: "Số liệu kiểm thử đồng bộ"})
			}
			return out
		}
		type look struct {
			code  string
			p     string
			mode  indicator.Mode
			basis indicator.Basis
		}
		var looks []look
		for _, c := range []string{"HS_ALL", "HS_ONLINE_RATE", "DX_STAFF"} {
			for _, b := range []indicator.Basis{indicator.BasisAll, indicator.BasisApproved} {
				looks = append(looks, look{c, "2026-10", indicator.AsItWas, b})
			}
		}
		looks = append(looks, look{"HS_ALL", "2026-10", indicator.Restated, indicator.BasisSubmitted}, look{"HS_ALL", "2026-Q4", indicator.AsItWas, indicator.BasisAll})
		figures := func(svc *indicator.Service) string {
			out := ""
			for _, l := range looks {
				b, err := svc.Breakdown(ctx, s.Admin, indicator.Query{IndicatorID: code(t, s, l.code).ID, UnitID: root, Period: indicator.MustPeriod(l.p), Mode: l.mode, Basis: l.basis})
				if err != nil {
					t.Fatal(err)
				}
				out += fmt.Sprintf("%s %s %s %s: %v/%d/%d;", l.code, l.p, l.mode, l.basis, b.Total.V(), b.Total.Units, b.Total.Reported)
				for _, c := range b.Children {
					if c.UnitID == gl {
						out += fmt.Sprintf(" Gia Lai %v/%d;", c.V(), c.Units)
					}
				}
			}
			return out
		}
		same := func(step string) {
			t.Helper()
			got, want := figures(other), figures(service())
			if got != want {
				t.Fatalf("%s: the other server shows\n%s\na fresh load\n%s", step, got, want)
			}
		}
		same("before any write") // the other server has every cell cached
		start := other.Stats()

		// unlock returns or reopens a unit's report when it is locked
		unlock := func(unit int64) {
			t.Helper()
			e, err := s.Indicators.GetEntry(ctx, s.Admin, f.ID, unit, oct)
			if err != nil {
				t.Fatal(err)
			}
			unlockEntry(t, s, gialai, e)
		}
		for _, u := range communes {
			unlock(u)
		}
		same("reports reopened")

		subs := map[int64]*indicator.Submission{}
		const writes = 60
		for i := range writes {
			unit := communes[rnd.IntN(len(communes))]
			var err error
			var what string
			sub := subs[unit]
			switch {
			case sub != nil && sub.Status == indicator.Submitted && rnd.IntN(2) == 0:
				what = "approve"
				sub, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, "Đã đối chiếu")
			case sub != nil && sub.Status == indicator.Submitted:
				what = "return"
				sub, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActReturn, "Xem lại số hồ sơ")
			case sub != nil && sub.Status == indicator.Approved:
				what = "reopen"
				sub, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActReopen, "Sai số hồ sơ")
			case rnd.IntN(4) == 0:
				what = "save and submit"
				sub, err = s.Indicators.Save(ctx, s.Admin, f.ID, unit, oct, indicator.EntryInput{Values: values(0), Submit: true}, "vi", nil)
			default:
				what = "save"
				sub, err = s.Indicators.Save(ctx, s.Admin, f.ID, unit, oct, indicator.EntryInput{Values: values(0.3)}, "vi", nil)
			}
			if err != nil {
				t.Fatalf("write %d (%s): %v", i, what, err)
			}
			subs[unit] = sub
			same(fmt.Sprintf("after write %d (%s of %d)", i, what, unit))
		}
		st := other.Stats()
		if st.CaughtUp-start.CaughtUp < writes/2 || st.Reread != start.Reread {
			t.Fatalf("the other server should have patched its cells from the feed: caught up %d, read whole %d (before %+v, after %+v)",
				st.CaughtUp-start.CaughtUp, st.Reread-start.Reread, start, st)
		}

		// a bulk load writes no feed: the other server reads the cell whole
		unit := communes[0]
		unlock(unit)
		var none []indicator.ValueInput
		for c := range base {
			none = append(none, indicator.ValueInput{Code: c})
		}
		if _, err := s.Indicators.Save(ctx, s.Admin, f.ID, unit, oct, indicator.EntryInput{Values: none}, "vi", nil); err != nil {
			t.Fatal(err)
		}
		same("after clearing a report")
		bulk := s.Indicators.NewBulk(ctx, s.Admin.Who(), "test")
		if err := bulk.Value(indicator.BulkValue{Indicator: code(t, s, "HS_ALL").ID, Period: "2026-10", Unit: unit, Value: 777, Status: indicator.Approved}); err != nil {
			t.Fatal(err)
		}
		if err := bulk.Close(); err != nil {
			t.Fatal(err)
		}
		before := other.Stats()
		same("after a bulk load")
		if got := other.Stats(); got.Reread == before.Reread {
			t.Fatalf("a bulk load leaves no feed: the other server should have read the cell whole (%+v)", got)
		}

		// left behind past the trimmed feed
		lag := service()
		same("a third server loaded")
		_ = figures(lag)
		before = lag.Stats()
		for _, u := range communes[1:4] {
			unlock(u)
		}
		for i := range 140 {
			if _, err := s.Indicators.Save(ctx, s.Admin, f.ID, communes[1+i%3], oct, indicator.EntryInput{Values: values(0)}, "vi", nil); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := figures(lag), figures(service()); got != want {
			t.Fatalf("a server left behind shows\n%s\na fresh load\n%s", got, want)
		}
		if got := lag.Stats(); got.Reread == before.Reread {
			t.Fatalf("140 writes trim the feed past the lagging server: it should have read the cell whole (%+v)", got)
		}
		same("at the end")
	})
}

// The cells of one form's indicators for a period are reported by the
// same units: the cache holds their list of units once, and a cell that
// a save gives a unit more has a list of its own, the others' unchanged
// (their figures too).
func TestCellsShareTheirUnits(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		now := func() time.Time { return apptest.Now }
		log := &audit.Log{Now: now}
		svc := indicator.NewService(s.DB, org.NewService(s.DB, log, now), log, nil, now)
		root := s.Admin.ScopeUnitID
		figure := func(c string) float64 {
			t.Helper()
			b, err := svc.Breakdown(ctx, s.Admin, indicator.Query{IndicatorID: code(t, s, c).ID, UnitID: root,
				Period: indicator.MustPeriod("2026-10"), Mode: indicator.AsItWas, Basis: indicator.BasisAll})
			if err != nil {
				t.Fatal(err)
			}
			return b.Total.V()
		}
		all := figure("HS_ALL")
		one := svc.Stats()
		online := figure("HS_ONLINE")
		two := svc.Stats()
		if one.Values == 0 || two.Values != 2*one.Values || two.Units != one.Units || one.Units != one.Values {
			t.Fatalf("one cell: %+v; two of the same units: %+v", one, two)
		}
		// a commune's HS_ONLINE cleared: that cell's list is its own
		gialai := actor(t, s, "gialai")
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		var commune int64
		for _, c := range total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisAll).Children {
			if c.V() > 0 && commune == 0 {
				commune = c.UnitID
			}
		}
		f := form(t, s, demo.MonthlyForm)
		oct := indicator.MustPeriod("2026-10")
		e, err := s.Indicators.GetEntry(ctx, s.Admin, f.ID, commune, oct)
		if err != nil {
			t.Fatal(err)
		}
		unlockEntry(t, s, gialai, e)
		var was float64
		if v := e.Values[code(t, s, "HS_ONLINE").ID]; v != nil && v.Value != nil {
			was = *v.Value
		}
		if _, err := s.Indicators.Save(ctx, s.Admin, f.ID, commune, oct, indicator.EntryInput{Values: []indicator.ValueInput{{Code: "HS_ONLINE"}}}, "vi", nil); err != nil {
			t.Fatal(err)
		}
		if got := figure("HS_ONLINE"); got != online-was || was == 0 {
			t.Fatalf("HS_ONLINE %v after clearing %v, want %v", got, was, online-was)
		}
		if got := figure("HS_ALL"); got != all {
			t.Fatalf("HS_ALL %v after a save of HS_ONLINE, want %v", got, all)
		}
		three := svc.Stats()
		if three.Values != two.Values-1 || three.Units != 2*one.Units-1 {
			t.Fatalf("after a unit's value less: %+v (before %+v)", three, two)
		}
	})
}

// unlockEntry returns or reopens the entry's report when it is locked, so
// that its values can be saved again.
func unlockEntry(t *testing.T, s *apptest.Server, by *auth.Actor, e *indicator.Entry) {
	t.Helper()
	if sub := e.Submission; sub != nil && sub.Status.Locked() {
		act := indicator.ActReturn
		if sub.Status == indicator.Approved {
			act = indicator.ActReopen
		}
		if _, err := s.Indicators.Act(t.Context(), by, sub.ID, act, "Nhập lại"); err != nil {
			t.Fatal(err)
		}
	}
}
