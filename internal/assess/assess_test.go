package assess_test

import (
	"context"
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

// TestFrameworkAndRound: the DTI 2022 structure adds up to 1,000; a copy
// is a draft that can be changed and is published only when its parts add
// up; a round scores, ranks and compares with last year; bad scores and
// unexplained adjustments are refused.
func TestFrameworkAndRound(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := s.User(t, "gialai").Actor()
		fws, err := s.Assess.Frameworks(ctx, gialai)
		if err != nil {
			t.Fatal(err)
		}
		var dti *assess.Framework
		for _, f := range fws {
			if f.Family == assess.DTIFamily {
				dti = f
			}
		}
		if dti == nil {
			t.Fatal("no DTI framework shipped")
		}
		if dti, err = s.Assess.Framework(ctx, gialai, dti.ID); err != nil {
			t.Fatal(err)
		}
		if dti.Max() != 1000 || len(dti.Problems()) != 0 {
			t.Fatalf("DTI 2022: max %v, problems %v", dti.Max(), dti.Problems())
		}
		copyFw, err := s.Assess.CreateFramework(ctx, gialai, assess.FrameworkInput{Family: "GL-DTI", CopyFrom: dti.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !copyFw.Draft() || copyFw.Max() != 1000 {
			t.Fatalf("copy: %+v", copyFw)
		}
		if _, err := s.Assess.UpdateFramework(ctx, gialai, dti.ID, assess.FrameworkUpdate{NameVI: "Đổi tên"}); errs.KindOf(err) == errs.Internal || err == nil {
			t.Fatalf("a published framework changed: %v", err)
		}
		// add a criterion to a pillar's main indicator: the sums no longer agree
		main := copyFw.Nodes[0].Children[0]
		if _, err := s.Assess.AddNode(ctx, gialai, copyFw.ID, assess.NodeInput{ParentID: main.ID, Code: "X1", NameVI: "Tiêu chí thêm", Max: 10, Method: assess.Judgement}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assess.UpdateFramework(ctx, gialai, copyFw.ID, assess.FrameworkUpdate{Publish: true}); err == nil {
			t.Fatal("published a framework whose parts do not add up")
		}
		if _, err := s.Assess.AddNode(ctx, gialai, copyFw.ID, assess.NodeInput{ParentID: main.ID, Code: "X2", NameVI: "Theo chỉ số", Max: 5,
			Method: assess.Linear, Indicator: "NO_SUCH"}); err == nil {
			t.Fatal("a criterion on an unknown indicator")
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
		if after.Scores[judged.ID].Final != 5 || after.Total >= card.Total+9 {
			t.Fatalf("reviewed score %v, total %v (was %v)", after.Scores[judged.ID].Final, after.Total, card.Total)
		}
		// a public page only once published
		if _, err := s.Assess.PublicRanking(ctx, r2026.ID); errs.KindOf(err) != errs.NotFound {
			t.Fatalf("unpublished ranking: %v", err)
		}
		on := true
		if _, err := s.Assess.UpdateRound(ctx, gialai, r2026.ID, assess.RoundUpdate{Published: &on}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Assess.PublicRanking(ctx, r2026.ID); err != nil {
			t.Fatal(err)
		}
	})
}
