package indicator_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

var ctx = context.Background()

func actor(t *testing.T, s *apptest.Server, login string) *auth.Actor {
	t.Helper()
	return s.User(t, login).Actor()
}

func code(t *testing.T, s *apptest.Server, c string) *indicator.Indicator {
	t.Helper()
	i, err := s.Indicators.ByCode(ctx, s.Admin, c)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func form(t *testing.T, s *apptest.Server, c string) *indicator.Form {
	t.Helper()
	fs, err := s.Indicators.Forms(ctx, s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == c {
			return f
		}
	}
	t.Fatalf("no form %s", c)
	return nil
}

func total(t *testing.T, s *apptest.Server, a *auth.Actor, ind string, unit int64, p string, mode indicator.Mode, basis indicator.Basis) *indicator.Breakdown {
	t.Helper()
	b, err := s.Indicators.Breakdown(ctx, a, indicator.Query{IndicatorID: code(t, s, ind).ID, UnitID: unit, Period: indicator.MustPeriod(p), Mode: mode, Basis: basis})
	if err != nil {
		t.Fatalf("breakdown %s %s: %v", ind, p, err)
	}
	return b
}

// unitOn finds a unit by name as of a date.
func unitOn(t *testing.T, s *apptest.Server, name, date string) int64 {
	t.Helper()
	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := day.MustParse(date)
	for _, v := range snap.Search(name, d, snap.RootID, 0) {
		if v.Name == name {
			return v.UnitID
		}
	}
	t.Fatalf("no %s on %s", name, date)
	return 0
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6*math.Max(1, math.Abs(b)) }

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("want %s, got %v", key, err)
	}
	found := e.Key == key
	for _, d := range e.Details {
		found = found || d.Key == key
	}
	if !found {
		t.Fatalf("want %s, got %v", key, err)
	}
}

// TestRollUpsThroughTheTree: totals are sums of the units below; rates
// are computed from summed parts, never averaged; the new Gia Lai's 2024
// is carried from old Gia Lai and Bình Định when restated, and a split
// commune's figures are shared equally between its successors.
func TestRollUpsThroughTheTree(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		gl := s.UnitNamed(t, "Tỉnh Gia Lai")
		b := total(t, s, s.Admin, "HS_ALL", gl.UnitID, "2026-09", indicator.AsItWas, indicator.BasisAll)
		if !b.InForce || !b.Total.Has() || len(b.Children) == 0 {
			t.Fatalf("no total for the new Gia Lai: %+v", b)
		}
		sum := 0.0
		for _, c := range b.Children {
			sum += c.V()
		}
		if !near(sum, b.Total.V()) {
			t.Fatalf("total %v is not the sum of the children %v", b.Total.V(), sum)
		}
		// a rate from summed parts
		on := total(t, s, s.Admin, "HS_ONLINE", gl.UnitID, "2026-09", indicator.AsItWas, indicator.BasisAll)
		rate := total(t, s, s.Admin, "HS_ONLINE_RATE", gl.UnitID, "2026-09", indicator.AsItWas, indicator.BasisAll)
		if !near(rate.Total.V(), on.Total.V()/b.Total.V()*100) {
			t.Fatalf("rate %v, want %v", rate.Total.V(), on.Total.V()/b.Total.V()*100)
		}
		avg := 0.0
		for _, c := range rate.Children {
			avg += c.V() / float64(len(rate.Children))
		}
		if near(avg, rate.Total.V()) {
			t.Fatalf("the province's rate equals the average of its units' rates (%v): it must come from the sums", avg)
		}

		// June 2024: the new province did not exist
		asis := total(t, s, s.Admin, "HS_ALL", gl.UnitID, "2024-06", indicator.AsItWas, indicator.BasisAll)
		if asis.InForce || len(asis.Predecessors) != 2 {
			t.Fatalf("as it was, the new Gia Lai in 2024 should show its two predecessors: %+v", asis)
		}
		restated := total(t, s, s.Admin, "HS_ALL", gl.UnitID, "2024-06", indicator.Restated, indicator.BasisAll)
		want := asis.Predecessors[0].V() + asis.Predecessors[1].V()
		if !restated.InForce || !near(restated.Total.V(), want) {
			t.Fatalf("restated 2024-06 total %v, want old Gia Lai + Bình Định = %v", restated.Total.V(), want)
		}
		// a unit carried into several successors inside the province (the
		// split Diêu Trì) is one unit of its total, not one per successor
		if n := asis.Predecessors[0].Units + asis.Predecessors[1].Units; restated.Total.Units != n {
			t.Fatalf("restated 2024-06 counts %d units, want the %d that reported", restated.Total.Units, n)
		}
		vals, _, err := s.Indicators.Values(ctx, "HS_ALL", indicator.MustPeriod("2024-06"), []int64{gl.UnitID}, indicator.Restated,
			indicator.BasisAll, day.Day{})
		if err != nil {
			t.Fatal(err)
		}
		if got := vals[gl.UnitID]; got.Units != restated.Total.Units || !near(got.V(), restated.Total.V()) {
			t.Fatalf("Values restated %d units %v, Breakdown %d units %v", got.Units, got.V(), restated.Total.Units, restated.Total.V())
		}
		if len(restated.Carried) < 2 {
			t.Fatalf("restated should say what it carries: %+v", restated.Carried)
		}
		// Diêu Trì was split between Tuy Phước and Tuy Phước Đông, no fraction: half each
		tp := s.UnitNamed(t, "Xã Tuy Phước")
		r := total(t, s, s.Admin, "HS_ALL", tp.UnitID, "2024-06", indicator.Restated, indicator.BasisAll)
		old := total(t, s, s.Admin, "HS_ALL", unitOn(t, s, "Huyện Tuy Phước", "2024-06-30"), "2024-06", indicator.AsItWas, indicator.BasisAll)
		var ttTP, dieuTri float64
		for _, c := range old.Children {
			switch c.Name {
			case "Thị trấn Tuy Phước":
				ttTP = c.V()
			case "Thị trấn Diêu Trì":
				dieuTri = c.V()
			}
		}
		if dieuTri == 0 || !near(r.Total.V(), ttTP+dieuTri/2) {
			t.Fatalf("Xã Tuy Phước restated %v, want %v + %v/2", r.Total.V(), ttTP, dieuTri)
		}
		var equal bool
		for _, c := range r.Carried {
			equal = equal || c.Rule == "equal" && near(c.Weight, 0.5) && strings.Contains(c.FromName, "Diêu Trì")
		}
		if !equal {
			t.Fatalf("the split should be explained as an equal half: %+v", r.Carried)
		}
	})
}

// TestEntrySubmitApprove: a commune's focal person enters October, every
// kind of bad input is refused with nothing saved, the report is submitted
// and locked, the coordinator approves it, and the totals move at once.
func TestEntrySubmitApprove(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		pleiku, gialai := actor(t, s, "pleiku"), actor(t, s, "gialai")
		unit := s.UnitNamed(t, "Phường Pleiku").UnitID
		gl := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		f := form(t, s, demo.MonthlyForm)
		oct := indicator.MustPeriod("2026-10")
		good := map[string]string{"DVC_ELIGIBLE": "120", "DVC_FULL": "110", "HS_ALL": "1.200", "HS_ONLINE": "900", "HS_ONTIME": "1150",
			"CKS_ISSUED": "30", "CKS_USED": "28", "DOC_OUT": "300", "DOC_SIGNED": "290", "DX_STAFF": "4", "DX_STAFF_DEDICATED": "1", "DX_STAFF_TRAINED": "4"}
		values := func(over map[string]string, comment string) []indicator.ValueInput {
			var out []indicator.ValueInput
			for c, v := range good {
				if o, ok := over[c]; ok {
					v = o
				}
				in := indicator.ValueInput{Code: c, Raw: indicator.Flex(v)}
				if c == "HS_ALL" || c == "HS_ONLINE" || c == "HS_ONTIME" {
					in.Comment = comment
				}
				out = append(out, in)
			}
			return out
		}
		before := total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisAll).Total.V()
		approvedBefore := total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisApproved).Total.V()
		audit := s.AuditLen(t)
		for _, c := range []struct {
			name string
			over map[string]string
			key  string
		}{
			{"wrong type", map[string]string{"DX_STAFF": "bốn"}, "indicator.err.not_number"},
			{"not whole", map[string]string{"DX_STAFF": "4,5"}, "indicator.err.not_whole"},
			{"out of range", map[string]string{"CKS_ISSUED": "-3"}, "indicator.err.below_min"},
			{"online above all", map[string]string{"HS_ONLINE": "1300"}, "indicator.err.not_above"},
		} {
			_, err := s.Indicators.Save(ctx, pleiku, f.ID, unit, oct, indicator.EntryInput{Values: values(c.over, "Tăng do tiếp nhận hồ sơ đất đai")}, "vi", nil)
			wantKey(t, err, c.key)
		}
		// a value far from last month's needs a comment
		_, err := s.Indicators.Save(ctx, pleiku, f.ID, unit, oct, indicator.EntryInput{Values: values(map[string]string{"HS_ALL": "20.000", "HS_ONLINE": "19.000", "HS_ONTIME": "19.500"}, "")}, "vi", nil)
		wantKey(t, err, "indicator.err.jump_comment")
		// a period not yet open
		_, err = s.Indicators.Save(ctx, pleiku, f.ID, unit, indicator.MustPeriod("2026-12"), indicator.EntryInput{Values: values(nil, "")}, "vi", nil)
		wantKey(t, err, "indicator.err.period_not_open")
		// a unit outside the focal person's scope
		qn := s.UnitNamed(t, "Phường Quy Nhơn").UnitID
		_, err = s.Indicators.Save(ctx, pleiku, f.ID, qn, oct, indicator.EntryInput{Values: values(nil, "")}, "vi", nil)
		if errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("another commune's report: %v", err)
		}
		if s.AuditLen(t) != audit {
			t.Fatalf("refused entries were audited (written?)")
		}
		if v := total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisAll).Total.V(); v != before {
			t.Fatalf("refused entries changed the total: %v → %v", before, v)
		}

		// a good entry: in the live total at once, not yet among the approved
		sub, err := s.Indicators.Save(ctx, pleiku, f.ID, unit, oct, indicator.EntryInput{Values: values(nil, "Theo Hệ thống thông tin giải quyết TTHC")}, "vi", nil)
		if err != nil {
			t.Fatal(err)
		}
		if v := total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisAll).Total.V(); !near(v, before+1200) {
			t.Fatalf("after saving 1.200 dossiers the total is %v, want %v", v, before+1200)
		}
		if sub.Status != indicator.Draft {
			t.Fatalf("saved without submitting: %s", sub.Status)
		}
		if _, err := s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, ""); err == nil {
			t.Fatal("a draft was approved")
		}
		if sub, err = s.Indicators.Act(ctx, pleiku, sub.ID, indicator.ActSubmit, ""); err != nil {
			t.Fatal(err)
		}
		_, err = s.Indicators.Save(ctx, pleiku, f.ID, unit, oct, indicator.EntryInput{Values: values(map[string]string{"DX_STAFF": "5"}, "")}, "vi", nil)
		wantKey(t, err, "indicator.err.locked")
		if _, err := s.Indicators.Act(ctx, pleiku, sub.ID, indicator.ActApprove, ""); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a focal person approved their own report: %v", err)
		}
		_, err = s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActReturn, "")
		wantKey(t, err, "indicator.err.comment_required")
		if _, err := s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActApprove, ""); err != nil {
			t.Fatal(err)
		}
		if v := total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisApproved).Total.V(); !near(v, approvedBefore+1200) {
			t.Fatalf("approved total %v, want %v", v, approvedBefore+1200)
		}
		// approved is locked until reopened
		_, err = s.Indicators.Save(ctx, pleiku, f.ID, unit, oct, indicator.EntryInput{Values: values(nil, "")}, "vi", nil)
		wantKey(t, err, "indicator.err.locked")
		if _, err := s.Indicators.Act(ctx, gialai, sub.ID, indicator.ActReopen, "Sai số hồ sơ trực tuyến"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Indicators.Save(ctx, pleiku, f.ID, unit, oct, indicator.EntryInput{Values: values(map[string]string{"HS_ONLINE": "950"}, "Đã đối chiếu lại")}, "vi", nil); err != nil {
			t.Fatal(err)
		}
		if v := total(t, s, gialai, "HS_ALL", gl, "2026-10", indicator.AsItWas, indicator.BasisApproved).Total.V(); !near(v, approvedBefore) {
			t.Fatalf("reopened, the approved total should drop back to %v: %v", approvedBefore, v)
		}
		// completeness
		c, err := s.Indicators.Complete(ctx, gialai, f.ID, oct, gl)
		if err != nil {
			t.Fatal(err)
		}
		if c.Counts.Expected == 0 || c.Counts.Expected != c.Counts.Submitted+c.Counts.Missing || c.Counts.Submitted != c.Counts.OnTime+c.Counts.Late {
			t.Fatalf("completeness does not add up: %+v", c.Counts)
		}
		if len(c.NotReported()) != c.Counts.Missing {
			t.Fatalf("not reported list %d, missing %d", len(c.NotReported()), c.Counts.Missing)
		}
	})
}

// TestDefinitions: formula cycles are refused when defined; a division by
// zero gives no value.
func TestDefinitions(t *testing.T) {
	apptest.ForEachDB(t, testDefinitions)
}

func testDefinitions(t *testing.T, s *apptest.Server) {
	gialai := actor(t, s, "gialai")
	if _, err := s.Indicators.Define(ctx, gialai, indicator.Input{Code: "GL_A", NameVI: "A", Formula: "GL_B * 2"}); err == nil {
		t.Fatal("a formula over an unknown code was accepted")
	}
	if _, err := s.Indicators.Define(ctx, gialai, indicator.Input{Code: "GL_SELF", NameVI: "Tự tham chiếu", Formula: "GL_SELF + 1"}); err == nil {
		t.Fatal("a formula over itself was accepted")
	} else {
		wantKey(t, err, "indicator.err.cycle")
	}
	a, err := s.Indicators.Define(ctx, gialai, indicator.Input{Code: "GL_A", NameVI: "A", Formula: "HS_ALL / 2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Indicators.Define(ctx, gialai, indicator.Input{Code: "GL_B", NameVI: "B", Formula: "GL_A * 2"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Indicators.Update(ctx, gialai, a.ID, indicator.Input{NameVI: "A", Formula: "GL_B / 2"}, true)
	wantKey(t, err, "indicator.err.cycle")
	_, err = s.Indicators.Define(ctx, gialai, indicator.Input{Code: "bad code", NameVI: "x"})
	wantKey(t, err, "indicator.err.bad_code")
	_, err = s.Indicators.Define(ctx, gialai, indicator.Input{Code: "GL_C", NameVI: "C", Formula: "HS_ALL / (2"})
	wantKey(t, err, "indicator.err.bad_formula")

	f, err := indicator.ParseFormula("A / (B - C) * 100")
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]float64{"A": 5, "B": 3, "C": 3}
	if _, ok := f.Eval(func(c string) (float64, bool) { v, ok := vals[c]; return v, ok }); ok {
		t.Fatal("a division by zero gave a value")
	}
	vals["C"] = 1
	if v, ok := f.Eval(func(c string) (float64, bool) { v, ok := vals[c]; return v, ok }); !ok || v != 250 {
		t.Fatalf("5 / (3 - 1) * 100 = %v %v", v, ok)
	}
	// focal persons do not define indicators
	if _, err := s.Indicators.Define(ctx, actor(t, s, "pleiku"), indicator.Input{Code: "GL_D", NameVI: "D"}); errs.KindOf(err) != errs.Forbidden {
		t.Fatalf("a focal person defined an indicator: %v", err)
	}
}

// TestPush: values from another system are all or nothing.
func TestPush(t *testing.T) {
	s := apptest.StartSQLite(t)
	gialai := actor(t, s, "gialai")
	audit := s.AuditLen(t)
	pleiku := s.UnitNamed(t, "Phường Pleiku")
	_, err := s.Indicators.Push(ctx, gialai, indicator.PushInput{Values: []indicator.PushRow{
		{Indicator: "HS_ALL", UnitCode: pleiku.Code, Period: "2026-10", Value: "700"},
		{Indicator: "HS_ONLINE", UnitCode: pleiku.Code, Period: "2026-10", Value: "800"},
		{Indicator: "NO_SUCH", UnitCode: pleiku.Code, Period: "2026-10", Value: "1"},
		{Indicator: "HS_ALL", UnitCode: "99999", Period: "2026-10", Value: "1"},
	}}, "", "api")
	if err == nil {
		t.Fatal("a bad batch was accepted")
	}
	for _, k := range []string{"indicator.err.not_above", "indicator.err.unknown_code", "indicator.err.unknown_unit"} {
		wantKey(t, err, k)
	}
	if s.AuditLen(t) != audit {
		t.Fatal("a refused batch wrote something")
	}
	res, err := s.Indicators.Push(ctx, gialai, indicator.PushInput{Values: []indicator.PushRow{
		{Indicator: "HS_ALL", UnitCode: pleiku.Code, Period: "2026-10", Value: "700"},
		{Indicator: "HS_ONLINE", UnitCode: pleiku.Code, Period: "2026-10", Value: "600"},
	}}, "", "api")
	if err != nil || res.Values != 2 {
		t.Fatalf("push: %v %+v", err, res)
	}
}
