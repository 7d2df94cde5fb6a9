package e2e

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// reporting is what the indicator tests look at in the demo: the monthly
// form, October 2026 (the month Phường Pleiku has not reported yet), the
// province, the ward, and the 2026 round of the province's communes.
type reporting struct {
	s        *apptest.Server
	form     *indicator.Form
	oct      indicator.Period
	hsAll    *indicator.Indicator
	province int64
	pleiku   int64
	round    int64
	coord    *auth.Actor
}

func newReporting(t *testing.T, s *apptest.Server) *reporting {
	ctx := context.Background()
	r := &reporting{s: s, oct: indicator.MustPeriod("2026-10"), coord: s.User(t, "gialai").Actor()}
	r.province, r.pleiku = s.UnitNamed(t, "Tỉnh Gia Lai").UnitID, s.UnitNamed(t, "Phường Pleiku").UnitID
	forms, err := s.Indicators.Forms(ctx, r.coord)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forms {
		if f.Code == demo.MonthlyForm {
			r.form = f
		}
	}
	if r.hsAll, err = s.Indicators.ByCode(ctx, r.coord, "HS_ALL"); err != nil {
		t.Fatal(err)
	}
	rounds, err := s.Assess.Rounds(ctx, r.coord)
	if err != nil {
		t.Fatal(err)
	}
	for _, rd := range rounds {
		if rd.Year == 2026 {
			r.round = rd.ID
		}
	}
	if r.form == nil || r.round == 0 {
		t.Fatalf("the demo has no monthly form or no 2026 round")
	}
	return r
}

// total is the province's dossiers in October, all entered or approved only.
func (r *reporting) total(t *testing.T, basis indicator.Basis) float64 {
	t.Helper()
	b, err := r.s.Indicators.Breakdown(context.Background(), r.coord, indicator.Query{IndicatorID: r.hsAll.ID, UnitID: r.province, Period: r.oct, Basis: basis})
	if err != nil {
		t.Fatal(err)
	}
	return b.Total.V()
}

// rank is Phường Pleiku's place in the 2026 round.
func (r *reporting) rank(t *testing.T) int {
	t.Helper()
	rk, err := r.s.Assess.Ranking(context.Background(), r.coord, r.round)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rk.Results {
		if res.UnitID == r.pleiku {
			return res.Rank
		}
	}
	t.Fatal("Phường Pleiku is not in the 2026 round")
	return 0
}

// figures is what the ward types for October: last month's figures for
// most items, and a month of many more dossiers (filed online), which
// differ enough from September's to need a comment.
func (r *reporting) figures(t *testing.T) map[string]string {
	t.Helper()
	e, err := r.s.Indicators.GetEntry(context.Background(), r.s.User(t, "pleiku").Actor(), r.form.ID, r.pleiku, r.oct)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range r.form.Entered() {
		if v := e.Previous[it.ID]; v != nil && v.Value != nil {
			out[it.Code] = locale.MustLoadCatalog().Printer("vi").Dec(*v.Value, 0)
		}
	}
	out["HS_ALL"], out["HS_ONLINE"], out["HS_ONTIME"] = "20.000", "19.000", "19.500"
	return out
}

// TestIndicatorsOnPhone is issue 6's "done when" in a phone-sized browser:
// Phường Pleiku's focal person enters October's figures (a rule stops an
// impossible one first), submits them; the coordinator sees the report
// arrive, approves it; at the next request the province's approved total
// and the ward's rank in the 2026 assessment have changed; and the ward's
// history before the 2025 merger is shown restated from the three wards it
// was formed from.
func TestIndicatorsOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	vi := s.Catalog.Printer("vi")
	r := newReporting(t, s)
	approvedBefore, allBefore, rankBefore := r.total(t, indicator.BasisApproved), r.total(t, indicator.BasisAll), r.rank(t)
	typed := r.figures(t)

	b := startBrowser(t, s.URL)
	login := func(who string) {
		b.open("/login")
		b.fill(`input[name=login]`, who)
		b.fill(`input[name=password]`, demo.Password)
		b.click(`form[action="/login"] button`)
	}

	// The ward's focal person finds October's report among the unit's
	// reports, flagged overdue.
	login("pleiku")
	b.clickLink("nav.menu", vi.T("nav.indicators"))
	b.clickLink("nav.ind-tabs", vi.T("indicator.tab.forms"))
	b.wantText("main h1", vi.T("forms.title"))
	b.wantPage(vi.T("forms.overdue"))
	b.screenshot("reports-of-the-ward")
	b.click(fmt.Sprintf(`table.duties tr.overdue a[href*="forms/%d?period=2026-10"]`, r.form.ID))
	b.wantText("main .facts", "Tháng 10/2026")
	b.wantText("#status", vi.T("rstatus.draft"))

	// Typed with a mistake: more dossiers online than dossiers. Nothing is
	// saved; the error names the rule; the figures stay as typed.
	for code, v := range typed {
		b.fill(fmt.Sprintf(`input[name="v.%s"]`, code), v)
	}
	b.fill(`input[name="v.HS_ONLINE"]`, "25.000")
	for _, c := range []string{"HS_ALL", "HS_ONLINE", "HS_ONTIME"} {
		b.fill(fmt.Sprintf(`input[name="c.%s"]`, c), "Tiếp nhận hồ sơ đất đai đợt cao điểm")
	}
	b.screenshot("entry-typed")
	refused(b, `button[value=submit]`)
	// the rule names the indicators by name, never by code; the wrong
	// field says so to a screen reader, and the focus is on it
	b.wantText(".errors", r.hsAll.Name("vi"))
	if strings.Contains(b.text(".errors"), "HS_ALL") {
		t.Fatalf("the error shows an indicator code: %s", b.text(".errors"))
	}
	if got := b.eval(`document.activeElement.getAttribute("aria-invalid") + " " + document.activeElement.getAttribute("aria-describedby")`); got != "true form-errors" {
		t.Fatalf("after the error the focus is not on a wrong field described by the errors: %q", got)
	}
	if v := b.eval(`document.querySelector('input[name="v.HS_ALL"]').value`); v != "20.000" {
		t.Fatalf("after the error the typed figure is %q", v)
	}
	b.screenshot("entry-refused")
	if got := r.total(t, indicator.BasisAll); got != allBefore {
		t.Fatalf("a refused entry changed the total: %v → %v", allBefore, got)
	}
	b.fill(`input[name="v.HS_ONLINE"]`, "19.000")
	b.click(`button[value=submit]`)
	b.wantText(".flash", vi.T("entry.submitted"))
	b.wantText("#status", vi.T("rstatus.submitted"))
	b.screenshot("entry-submitted")
	// live: in every total at once, not yet among the approved figures
	if got := r.total(t, indicator.BasisAll); got != allBefore+20000 {
		t.Fatalf("after submitting, the live total is %v, want %v", got, allBefore+20000)
	}
	if got := r.total(t, indicator.BasisApproved); got != approvedBefore {
		t.Fatalf("a submitted report counted among the approved: %v → %v", approvedBefore, got)
	}
	b.click(`form[action="/logout"] button`)

	// The coordinator sees who has reported October and approves the ward.
	login("gialai")
	b.open(fmt.Sprintf("/forms/%d/completeness?period=2026-10", r.form.ID))
	b.wantNone("#missing a", "Phường Pleiku")
	b.screenshot("completeness")
	b.open(fmt.Sprintf("/units/%d/forms/%d?period=2026-10", r.pleiku, r.form.ID))
	b.wantText("#status", vi.T("rstatus.submitted"))
	b.click(`form[action^="/submissions/"] button[value=approve]`)
	b.wantText(".flash", vi.T("entry.done.approve"))
	b.wantText("#status", vi.T("rstatus.approved"))

	// The next request: the province's approved total includes the ward's
	// 20.000 dossiers, and the ward has climbed in the 2026 ranking.
	want := approvedBefore + 20000
	b.open(fmt.Sprintf("/indicators/%d?unit=%d&period=2026-10&basis=approved", r.hsAll.ID, r.province))
	b.wantText("#total", vi.Dec(want, 0))
	b.screenshot("province-total-approved")
	if got := r.total(t, indicator.BasisApproved); got != want {
		t.Fatalf("approved total %v, want %v", got, want)
	}
	b.open(fmt.Sprintf("/assess/rounds/%d", r.round))
	rankAfter := r.rank(t)
	if rankAfter >= rankBefore {
		t.Fatalf("Phường Pleiku's rank was %d and is %d: it should have climbed", rankBefore, rankAfter)
	}
	b.wantText(fmt.Sprintf(`#ranking tr[data-unit="%d"] td.rank`, r.pleiku), fmt.Sprint(rankAfter))
	b.screenshot("ranking-after")

	// The ward's history before the merger: as it was, the ward did not
	// exist and its three predecessors are shown; restated, their figures
	// are carried into it, each whole.
	b.open(fmt.Sprintf("/indicators/%d?unit=%d&period=2024-06", r.hsAll.ID, r.pleiku))
	b.wantText("main .warn", vi.T("indicator.not_in_force", "Date", "30/06/2024"))
	for _, name := range []string{"Phường Diên Hồng", "Phường Ia Kring", "Phường Hội Thương"} {
		b.wantAmong("main .total table a", name)
	}
	b.screenshot("history-as-it-was")
	b.click(`input[name=mode][value=restated]`) // the filter applies itself
	b.wantText("main .carried", "Phường Diên Hồng")
	b.wantText("main .carried", vi.T("indicator.carry.full"))
	b.screenshot("history-restated")
	sum := 0.0
	for _, p := range asIsPredecessors(t, r) {
		sum += p
	}
	b.wantText("#total", vi.Dec(sum, 0))
	b.checkConsole("the end")
	t.Logf("screenshots in %s", b.dir)
}

// asIsPredecessors are, as it was in June 2024, the dossiers of the wards
// Phường Pleiku was formed from.
func asIsPredecessors(t *testing.T, r *reporting) []float64 {
	t.Helper()
	b, err := r.s.Indicators.Breakdown(context.Background(), r.coord, indicator.Query{IndicatorID: r.hsAll.ID, UnitID: r.pleiku,
		Period: indicator.MustPeriod("2024-06")})
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, p := range b.Predecessors {
		out = append(out, p.V())
	}
	if len(out) != 3 {
		t.Fatalf("Phường Pleiku should have three predecessors in June 2024: %+v", b.Predecessors)
	}
	return out
}

// TestIndicatorsThroughAPI is the same path by API tokens: the ward sends
// October's figures and submits them, the coordinator approves, the
// province's approved figures and the ranking answer differently at once,
// and the ward's restated history says what it carries.
func TestIndicatorsThroughAPI(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		r := newReporting(t, s)
		ward, coord := s.TokenClient(t, "pleiku"), s.TokenClient(t, "gialai")
		figures := func(query string) api.Figures {
			t.Helper()
			var f api.Figures
			if code := coord.JSON("GET", fmt.Sprintf("/api/v1/indicators/%d/figures?%s", r.hsAll.ID, query), nil, &f); code != http.StatusOK {
				t.Fatalf("figures %s: %d", query, code)
			}
			return f
		}
		ranking := func() int {
			t.Helper()
			var rk assess.Ranking
			if code := coord.JSON("GET", fmt.Sprintf("/api/v1/rounds/%d/ranking", r.round), nil, &rk); code != http.StatusOK {
				t.Fatalf("ranking: %d", code)
			}
			for _, res := range rk.Results {
				if res.UnitID == r.pleiku {
					return res.Rank
				}
			}
			t.Fatal("no Phường Pleiku in the ranking")
			return 0
		}
		province := fmt.Sprintf("unit=%d&period=2026-10&basis=approved", r.province)
		before, rankBefore := figures(province).Unit, ranking()

		var values []any
		for code, v := range r.figures(t) {
			n, _ := indicator.ParseNumber(v, "vi")
			item := map[string]any{"code": code, "value": n}
			if strings.HasPrefix(code, "HS_") {
				item["comment"] = "Tiếp nhận hồ sơ đất đai đợt cao điểm"
			}
			values = append(values, item)
		}
		path := fmt.Sprintf("/api/v1/units/%d/forms/%d", r.pleiku, r.form.ID)
		// a rule refuses the batch whole
		bad := append([]any{}, values...)
		bad = append(bad, map[string]any{"code": "HS_ONLINE", "value": 25000, "comment": "x"})
		var e api.ErrorBody
		if code := ward.JSON("POST", path, map[string]any{"period": "2026-10", "values": bad, "submit": true}, &e); code != http.StatusUnprocessableEntity {
			t.Fatalf("online above all: %d %+v", code, e)
		}
		var sub api.SubmissionJSON
		if code := ward.JSON("POST", path, map[string]any{"period": "2026-10", "values": values, "submit": true}, &sub); code != http.StatusOK || sub.Status != indicator.Submitted {
			t.Fatalf("submit: %d %+v", code, sub)
		}
		// the coordinator of another province may not approve; the ward may not approve itself
		if code := ward.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub.ID), map[string]any{"action": "approve", "comment": ""}, nil); code != http.StatusForbidden {
			t.Fatalf("the ward approved its own report: %d", code)
		}
		if code := coord.JSON("POST", fmt.Sprintf("/api/v1/submissions/%d/review", sub.ID), map[string]any{"action": "approve", "comment": "Đạt"}, &sub); code != http.StatusOK || sub.Status != indicator.Approved {
			t.Fatalf("approve: %d %+v", code, sub)
		}
		after := figures(province).Unit
		val := func(v *float64) float64 { // no approved figure yet is no value
			if v == nil {
				return 0
			}
			return *v
		}
		if after.Value == nil || val(after.Value) != val(before.Value)+20000 {
			t.Fatalf("approved total before %v, after %v: want 20.000 more", val(before.Value), val(after.Value))
		}
		if rankAfter := ranking(); rankAfter >= rankBefore {
			t.Fatalf("rank before %d, after %d", rankBefore, rankAfter)
		}
		// restated history of the merged ward
		h := figures(fmt.Sprintf("unit=%d&period=2024-06&mode=restated", r.pleiku))
		if !h.InForce || h.Unit.Value == nil || len(h.Carried) != 3 {
			t.Fatalf("restated June 2024 of Phường Pleiku: %+v", h)
		}
		sum := 0.0
		for _, p := range asIsPredecessors(t, r) {
			sum += p
		}
		if math.Abs(*h.Unit.Value-sum) > 1e-6 {
			t.Fatalf("restated %v, the predecessors as they were add up to %v", *h.Unit.Value, sum)
		}
	})
}

// refused clicks a form's button and waits for the form to come back with
// its errors (422): a refusal, not a failure of the test.
func refused(b *browser, sel string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	if resp == nil || resp.Status != http.StatusUnprocessableEntity {
		b.t.Fatalf("click %s: want the form back with its errors (422), got %v", sel, resp)
	}
	// the browser logs the 422 itself; anything else is a problem
	for _, p := range b.takeProblems() {
		if !strings.Contains(p, "422") {
			b.t.Fatalf("click %s: the page logged %s", sel, p)
		}
	}
}
