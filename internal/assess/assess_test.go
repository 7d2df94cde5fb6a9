package assess_test

import (
	"context"
	"math"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/errs"
)

func TestScoring(t *testing.T) {
	lo, hi := 20.0, 90.0
	lin := assess.Node{Kind: assess.Criterion, Max: 25, Method: assess.Linear, Lo: &lo, Hi: &hi}
	for v, want := range map[float64]float64{0: 0, 20: 0, 55: 12.5, 90: 25, 120: 25} {
		if got := lin.Score(v); got != want {
			t.Errorf("linear %v → %v, want %v", v, got, want)
		}
	}
	steps, err := assess.ParseSteps("95:30; 90:20; 98:40")
	if err != nil {
		t.Fatal(err)
	}
	th := assess.Node{Kind: assess.Criterion, Max: 40, Method: assess.Threshold, Steps: steps}
	for v, want := range map[float64]float64{89: 0, 90: 20, 97: 30, 99.5: 40} {
		if got := th.Score(v); got != want {
			t.Errorf("thresholds %v → %v, want %v", v, got, want)
		}
	}
	if _, err := assess.ParseSteps("50 điểm"); err == nil {
		t.Error("bad thresholds accepted")
	}
}

// frameworkOf finds the published framework of a family serving a year.
func frameworkOf(t *testing.T, s *apptest.Server, family string, year int) *assess.Framework {
	t.Helper()
	f, err := s.Assess.FrameworkFor(context.Background(), family, year)
	if err != nil {
		t.Fatalf("%s %d: %v", family, year, err)
	}
	return f
}

// TestFrameworkAndRound: a copy of a shipped framework is a draft that can
// be changed and is published only when its parts add up; a round scores,
// ranks and compares with last year; bad scores and unexplained
// adjustments are refused.
func TestFrameworkAndRound(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := s.User(t, "gialai").Actor()
		dti := frameworkOf(t, s, assess.DTIFamily, 2022)
		copyFw, err := s.Assess.CreateFramework(ctx, gialai, assess.FrameworkInput{Family: "GL-DTI", CopyFrom: dti.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !copyFw.Draft() || copyFw.Max() != 1000 || copyFw.YearFrom != 2022 || copyFw.Level != assess.LevelProvince {
			t.Fatalf("copy: %+v", copyFw)
		}
		if _, err := s.Assess.UpdateFramework(ctx, gialai, dti.ID, assess.FrameworkUpdate{NameVI: "Đổi tên"}); errs.KindOf(err) == errs.Internal || err == nil {
			t.Fatalf("a published framework changed: %v", err)
		}
		// a criterion more under a group: the sums no longer agree
		group := copyFw.Nodes[0]
		if _, err := s.Assess.AddNode(ctx, gialai, copyFw.ID, assess.NodeInput{ParentID: group.ID, Criterion: true, Code: "X1", NameVI: "Tiêu chí thêm", Max: 10,
			Method: assess.Judgement}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assess.UpdateFramework(ctx, gialai, copyFw.ID, assess.FrameworkUpdate{Publish: true}); err == nil {
			t.Fatal("published a framework whose parts do not add up")
		}
		if _, err := s.Assess.AddNode(ctx, gialai, copyFw.ID, assess.NodeInput{ParentID: group.ID, Criterion: true, Code: "X2", NameVI: "Theo chỉ số", Max: 5,
			Method: assess.Linear, Indicator: "NO_SUCH"}); err == nil {
			t.Fatal("a criterion on an unknown indicator")
		}
		// editing a figure left to fill in confirms it
		c, err := s.Assess.Framework(ctx, gialai, copyFw.ID)
		if err != nil {
			t.Fatal(err)
		}
		main := c.Nodes[0].Children[0]
		if !main.Unconfirmed(assess.FieldComponents) {
			t.Fatalf("%s: the components of the 2022 main indicators are not loaded: %v", main.Code, main.ToFill)
		}

		rounds, err := s.Assess.Rounds(ctx, gialai)
		if err != nil {
			t.Fatal(err)
		}
		var r2026 *assess.Round
		for _, r := range rounds {
			if r.Year == 2026 {
				r2026 = r
			}
		}
		rk, err := s.Assess.Ranking(ctx, gialai, r2026.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rk.Results) == 0 || rk.Results[0].Rank != 1 || rk.Results[0].Prev == nil || rk.Max != 100 {
			t.Fatalf("ranking: %+v", rk.Results)
		}
		for i := 1; i < len(rk.Results); i++ {
			if rk.Results[i].Total > rk.Results[i-1].Total {
				t.Fatal("the ranking is not in order")
			}
		}
		pleiku := s.UnitNamed(t, "Phường Pleiku").UnitID
		card, err := s.Assess.Card(ctx, gialai, r2026.ID, pleiku)
		if err != nil {
			t.Fatal(err)
		}
		var judged *assess.Node
		for _, c := range card.Framework.Criteria() {
			if c.Method == assess.Judgement {
				judged = c
			}
		}
		focal := s.User(t, "pleiku").Actor()
		if err := s.Assess.SelfAssess(ctx, focal, r2026.ID, pleiku, []assess.ScoreInput{{NodeID: judged.ID, Score: "99"}}, nil); err == nil {
			t.Fatal("a score above the maximum")
		}
		if err := s.Assess.SelfAssess(ctx, focal, r2026.ID, pleiku, []assess.ScoreInput{{NodeID: judged.ID, Score: "9", Note: "Có biên bản"}}, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Assess.Review(ctx, focal, r2026.ID, pleiku, []assess.ScoreInput{{NodeID: judged.ID, Score: "5", Note: "x"}}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("the ward reviewed itself: %v", err)
		}
		if err := s.Assess.Review(ctx, gialai, r2026.ID, pleiku, []assess.ScoreInput{{NodeID: judged.ID, Score: "5"}}); err == nil {
			t.Fatal("an adjustment without a reason")
		}
		if err := s.Assess.Review(ctx, gialai, r2026.ID, pleiku, []assess.ScoreInput{{NodeID: judged.ID, Score: "5", Note: "Thiếu biên bản quý III"}}); err != nil {
			t.Fatal(err)
		}
		after, err := s.Assess.Card(ctx, gialai, r2026.ID, pleiku)
		if err != nil {
			t.Fatal(err)
		}
		if sc := after.Scores[judged.ID]; sc.Final != 5 || sc.Counts != assess.CountsReview || after.Total >= card.Total+9 {
			t.Fatalf("reviewed score %+v, total %v (was %v)", sc, after.Total, card.Total)
		}
		// component by component: the ranking by one criterion, and each
		// criterion beside last year's
		if sc := after.Scores[judged.ID]; sc.Prev == nil || sc.PrevMax != judged.Max {
			t.Fatalf("%s has no score of last year: %+v", judged.Code, sc)
		}
		by := rk.By(judged.ID)
		for i := 1; i < len(by); i++ {
			if by[i].Scores[judged.ID].Final > by[i-1].Scores[judged.ID].Final {
				t.Fatal("the ranking by a criterion is not in order")
			}
		}
		// a public page only once published
		if _, err := s.Assess.PublicRanking(ctx, r2026.ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("unpublished ranking: %v", err)
		}
		on := true
		if _, err := s.Assess.UpdateRound(ctx, gialai, r2026.ID, assess.RoundUpdate{Published: &on}); err != nil {
			t.Fatal(err)
		}
		pub, err := s.Assess.PublicRanking(ctx, r2026.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Results[0].Scores != nil {
			t.Fatal("the public ranking shows the scores of each criterion")
		}
	})
}

// TestShippedFrameworks: the national frameworks ship as issued — the
// provincial DTI of 922/QĐ-BTTTT (2022–2023) and of 405/QĐ-BKHCN (2024–),
// the ministerial DTI of 405 — published and scorable: their parts add up
// to 1,000; every node says where it came from; a figure the data files do
// not give is marked to fill in, never invented; the 2022 maxima reproduce
// the index the ministry published; the 2025 main indicators continue the
// 2022 ones.
func TestShippedFrameworks(t *testing.T) {
	defs, err := assess.ShippedDefs()
	if err != nil {
		t.Fatal(err)
	}
	given := map[string]map[string]bool{} // family/year → codes whose maximum a data file gives
	for _, d := range defs {
		k := d.Family + "/" + itoa(d.YearFrom)
		given[k] = map[string]bool{}
		for _, r := range d.Rows {
			if r.Max != nil {
				given[k][r.Code] = true
			}
			if r.Provenance == "" {
				t.Errorf("%s %s has no source", k, r.Code)
			}
		}
	}
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		v2022 := frameworkOf(t, s, assess.DTIFamily, 2023)
		v2025 := frameworkOf(t, s, assess.DTIFamily, 2025)
		bo := frameworkOf(t, s, assess.MinistryFamily, 2025)
		if v2022.ID == v2025.ID || v2025.Version <= v2022.Version || v2025.Basis == "" || v2022.YearTo != 2023 {
			t.Fatalf("versions: %+v / %+v", v2022, v2025)
		}
		if _, err := s.Assess.FrameworkFor(ctx, assess.DTIFamily, 2021); err == nil {
			t.Error("a framework serves 2021")
		}
		for _, f := range []*assess.Framework{v2022, v2025, bo} {
			if f.Draft() || math.Abs(f.Max()-1000) > 1e-6 || len(f.Problems()) > 0 {
				t.Errorf("%s v%d: max %v, problems %v", f.Family, f.Version, f.Max(), f.Problems())
			}
			k := f.Family + "/" + itoa(f.YearFrom)
			f.Walk(func(n *assess.Node, _ int) {
				if n.Provenance == "" {
					t.Errorf("%s %s has no source", k, n.Code)
				}
				// a maximum not given by the file is either the sum of
				// given ones or marked provisional
				if !given[k][n.Code] && !n.Unconfirmed(assess.FieldMax) {
					sum := 0.0
					for _, c := range n.Children {
						if !given[k][c.Code] {
							t.Errorf("%s %s: maximum %v neither given, nor summed from given ones, nor marked to fill in", k, n.Code, n.Max)
						}
						sum += c.Max
					}
					if len(n.Children) == 0 || math.Abs(sum-n.Max) > 1e-6 {
						t.Errorf("%s %s: maximum %v is not from the source", k, n.Code, n.Max)
					}
				}
			})
		}
		if len(v2025.Mains()) != 8 || len(bo.Mains()) != 6 || len(v2022.Mains()) != 8 {
			t.Fatalf("main indicators: %d, %d, %d", len(v2025.Mains()), len(bo.Mains()), len(v2022.Mains()))
		}
		names := map[string]string{}
		for _, m := range v2022.Mains() {
			names[m.Code] = m.NameVI
		}
		for _, m := range v2025.Mains() {
			if names[m.Code] != m.NameVI {
				t.Errorf("%s %s does not continue the 2022 main indicator %q", m.Code, m.NameVI, names[m.Code])
			}
		}
		if v2025.Unconfirmed() == 0 || v2022.Unconfirmed() == 0 || bo.Unconfirmed() == 0 {
			t.Error("nothing left to fill in, though the annexes were not read")
		}
		// the published DTI 2022 of Đà Nẵng, from its main indicators
		published := []float64{1.0000, 0.9000, 0.8253, 0.8487, 0.7578, 0.8575, 0.7836, 0.5197}
		idx := 0.0
		for i, m := range v2022.Mains() {
			idx += m.Max / 1000 * published[i]
		}
		if math.Abs(idx-0.8002) > 0.0001 {
			t.Errorf("the 2022 maxima give Đà Nẵng %.4f, published 0.8002", idx)
		}
		// scorable as shipped, with a share scored from figures
		sh, err := s.Assess.Share(ctx, s.Admin, v2025)
		if err != nil {
			t.Fatal(err)
		}
		if sh.Auto < 2 || sh.Criteria < 15 || sh.Rate() <= 0 {
			t.Errorf("DTI 2025 share: %+v", sh)
		}
		var bound []string
		for _, c := range v2025.Criteria() {
			if c.FromIndicator() {
				bound = append(bound, c.Indicator)
			}
		}
		if len(bound) < 2 {
			t.Errorf("bound components: %v", bound)
		}
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// TestDemoCitesGiaLai: Gia Lai's own criteria cite Gia Lai's plan, not
// another province's decision.
func TestDemoCitesGiaLai(t *testing.T) {
	s := apptest.StartSQLite(t)
	fws, err := s.Assess.Frameworks(context.Background(), s.User(t, "gialai").Actor())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fws {
		if f.Family == "GL-XA" {
			found = true
			if f.Basis != "Kế hoạch 687/KH-UBND ngày 27/3/2024 của UBND tỉnh Gia Lai" {
				t.Errorf("basis %q", f.Basis)
			}
		}
	}
	if !found {
		t.Fatal("no commune framework in the demo")
	}
}
