package assess_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
)

// roundOf finds the demo's round of a framework family and year.
func roundOf(t *testing.T, s *apptest.Server, family string, year int) *assess.Round {
	t.Helper()
	ctx := context.Background()
	rounds, err := s.Assess.Rounds(ctx, s.Admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rounds {
		f, err := s.Assess.Framework(ctx, s.Admin, r.FrameworkID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Family == family && r.Year == year {
			return r
		}
	}
	t.Fatalf("no %s round for %d", family, year)
	return nil
}

func nodeByCode(t *testing.T, f *assess.Framework, code string) *assess.Node {
	t.Helper()
	for _, c := range f.Criteria() {
		if c.Code == code {
			return c
		}
	}
	t.Fatalf("no %s in %s", code, f.Family)
	return nil
}

// measuredFigure makes sure a measured indicator has a figure for a unit
// and year: mangluoi's own when its registers define it, otherwise a
// stand-in of the same code reported and approved for the test.
func measuredFigure(t *testing.T, s *apptest.Server, code string, unit int64, year int, value string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Indicators.ByCode(ctx, s.Admin, code); err == nil {
		return // measured from the registers: whatever they hold
	}
	if _, err := s.Indicators.Define(ctx, s.Admin, indicator.Input{Code: code, NameVI: "Chỉ số đo thử " + code, MeasureVI: "%", Type: indicator.Percent,
		Aggregation: indicator.Average, OverTime: indicator.TimeLast, PeriodType: indicator.Yearly}); err != nil {
		t.Fatal(err)
	}
	form, err := s.Indicators.CreateForm(ctx, s.Admin, indicator.FormInput{Code: "BM-" + strings.ReplaceAll(code, "_", "-"), NameVI: "Biểu thử " + code,
		PeriodType: indicator.Yearly, DueDays: 15, OwnerUnitID: s.UnitNamed(t, "Tỉnh Gia Lai").UnitID, Indicators: []string{code}, UnitIDs: []int64{unit}})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Indicators.Save(ctx, s.Admin, form.ID, unit, indicator.MustPeriod(fmt.Sprint(year)), indicator.EntryInput{Submit: true,
		Values: []indicator.ValueInput{{Code: code, Raw: indicator.Flex(value), Comment: "Số liệu thử"}}}, "vi", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Indicators.Act(ctx, s.User(t, "gialai").Actor(), sub.ID, "approve", ""); err != nil {
		t.Fatal(err)
	}
}

// TestScoresFromFigures: a criterion bound to an indicator scores itself
// from the figure and says its source — measured from the registers, or
// reported and approved; the unit's own score is kept beside it and counts
// only while there is no figure; a binding to an indicator not defined yet
// says so and never scores a silent zero; the share scored automatically
// is far above the ministry's 20 %.
func TestScoresFromFigures(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		gialai := s.User(t, "gialai").Actor()
		province := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID

		// Gia Lai's 2025 self-assessment against the provincial DTI: the
		// fibre component fills itself from the approved figures
		r := roundOf(t, s, assess.DTIFamily, 2025)
		card, err := s.Assess.Card(ctx, gialai, r.ID, province)
		if err != nil {
			t.Fatal(err)
		}
		fibre := nodeByCode(t, card.Framework, "NT3.1")
		sc := card.Scores[fibre.ID]
		if sc.Source != assess.SourceReported || sc.Auto == nil || sc.Value == nil || sc.Counts != assess.CountsAuto || sc.Final != *sc.Auto {
			t.Fatalf("NT3.1 (%s): %+v", fibre.Indicator, sc)
		}
		if sc.Self == nil || math.Abs(*sc.Auto-fibre.Score(*sc.Value)) > 1e-9 {
			t.Fatalf("NT3.1: the self-assessed score is not kept beside the figure's: %+v", sc)
		}
		if card.Share.Filled < 1 {
			t.Fatalf("no component filled automatically: %+v", card.Share)
		}
		trained := card.Scores[nodeByCode(t, card.Framework, "NT4.1").ID]
		if _, err := s.Indicators.ByCode(ctx, s.Admin, "REG_DX_TRAINED_RATE"); err != nil {
			if trained.Missing != assess.NoIndicator || trained.Counts != assess.CountsSelf || trained.Final != *trained.Self {
				t.Fatalf("NT4.1 bound to an indicator not defined yet: %+v", trained)
			}
		} else if trained.Source != assess.SourceMeasured {
			t.Fatalf("NT4.1: %+v", trained)
		}

		// the communes' criteria: measured from the registers
		pleiku := s.UnitNamed(t, "Phường Pleiku").UnitID
		r26 := roundOf(t, s, "GL-XA", 2026)
		measuredFigure(t, s, "REG_COVERAGE", pleiku, 2026, "80")
		c, err := s.Assess.Card(ctx, gialai, r26.ID, pleiku)
		if err != nil {
			t.Fatal(err)
		}
		if c.Share.Rate() < 0.2 || c.Share.Auto*2 < c.Share.Criteria {
			t.Fatalf("share scored automatically: %+v", c.Share)
		}
		cov := nodeByCode(t, c.Framework, "XHS.1")
		sc = c.Scores[cov.ID]
		if sc.Source != assess.SourceMeasured || sc.Auto == nil || sc.Counts != assess.CountsAuto || sc.Self == nil || *sc.Self != cov.Max {
			t.Fatalf("XHS.1 from REG_COVERAGE: %+v", sc)
		}
		if math.Abs(sc.Final-cov.Score(*sc.Value)) > 1e-9 {
			t.Fatalf("XHS.1 scored %v from %v", sc.Final, *sc.Value)
		}
		// a reviewer's adjustment counts over the figure
		if err := s.Assess.Review(ctx, gialai, r26.ID, pleiku, []assess.ScoreInput{{NodeID: cov.ID, Score: "1", Note: "Số liệu chưa khớp biên bản"}}); err != nil {
			t.Fatal(err)
		}
		c, err = s.Assess.Card(ctx, gialai, r26.ID, pleiku)
		if err != nil {
			t.Fatal(err)
		}
		if sc := c.Scores[cov.ID]; sc.Final != 1 || sc.Counts != assess.CountsReview || sc.Auto == nil {
			t.Fatalf("reviewed XHS.1: %+v", sc)
		}
	})
}

// results is a sheet of published results as the ministry's tables give
// them: a row per province, a column per main indicator.
func resultsSheet(rows ...string) string {
	return "STT,Tỉnh,Nhận thức số,Thể chế số,Hạ tầng số,Nhân lực số,An toàn thông tin mạng,Hoạt động chính quyền số,Hoạt động kinh tế số,Hoạt động xã hội số,Chỉ số DTI,Xếp hạng,Trên\n" +
		strings.Join(rows, "\n") + "\n"
}

// TestOfficialResults: published results are imported from a sheet — an
// unknown province, a year no framework serves, a value out of range, a
// column that is no main indicator are refused by row and column with
// nothing written; a merged province's result for a year before the
// merger is computed from its predecessors' (their average, or the
// weights set) and shown as such; the year's ranking is on the tree of
// that year or restated to today's; the province's self-assessment is
// shown beside its result, gap per main indicator, with its rank goal.
func TestOfficialResults(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		admin := s.Admin
		imp := func(body string, o assess.ResultImport) (*assess.ResultImportSummary, error) {
			return s.Assess.ImportResults(ctx, admin, strings.NewReader(body), "ket-qua.csv", o)
		}
		// 2023, on the tree of the year: old Gia Lai and Bình Định
		sum, err := imp(resultsSheet(
			`1,Gia Lai,"0,80","0,60","0,50","0,40","0,30","0,60","0,50","0,40","0,5200",52,63`,
			`2,Bình Định,"0,90","0,80","0,70","0,60","0,50","0,80","0,70","0,60","0,7200",18,63`), assess.ResultImport{Year: 2023, Source: "Báo cáo DTI 2023 (thử)"})
		if err != nil {
			t.Fatalf("%v %v", err, details(err))
		}
		if sum.Saved != 2 {
			t.Fatalf("saved %+v", sum)
		}
		// restated to today's units: the new Gia Lai is their average
		rk, err := s.Assess.OfficialResults(ctx, admin, assess.DTIFamily, 2023, assess.Restated)
		if err != nil {
			t.Fatal(err)
		}
		newGL := s.UnitNamed(t, "Tỉnh Gia Lai").UnitID
		var gl *assess.Official
		for i := range rk.Rows {
			if rk.Rows[i].UnitID == newGL {
				gl = &rk.Rows[i]
			}
		}
		if gl == nil || !gl.Restated || gl.Weighted || len(gl.From) != 2 || gl.DTI == nil || math.Abs(*gl.DTI-0.62) > 1e-9 ||
			math.Abs(gl.Values["NT1"]-0.85) > 1e-9 || math.Abs(gl.Values["HD3"]-0.5) > 1e-9 {
			t.Fatalf("restated 2023 Gia Lai: %+v", gl)
		}
		asWas, err := s.Assess.OfficialResults(ctx, admin, assess.DTIFamily, 2023, assess.AsWas)
		if err != nil {
			t.Fatal(err)
		}
		if len(asWas.Rows) != 2 || asWas.Rows[0].Name != "Tỉnh Bình Định" || asWas.Rows[0].Place != 18 || asWas.Rows[0].PlaceOf != 63 {
			t.Fatalf("2023 as published: %+v", asWas.Rows)
		}
		// by weights the administrator chooses
		var oldGL, bd int64
		for _, p := range gl.From {
			if strings.Contains(p.Name, "Gia Lai") {
				oldGL = p.UnitID
			} else {
				bd = p.UnitID
			}
		}
		if err := s.Assess.SetWeights(ctx, admin, "", newGL, []assess.Weight{{oldGL, 1}, {bd, 3}}, "Theo dân số (thử)"); err != nil {
			t.Fatal(err)
		}
		rk, _ = s.Assess.OfficialResults(ctx, admin, assess.DTIFamily, 2023, assess.Restated)
		for _, o := range rk.Rows {
			if o.UnitID == newGL && (!o.Weighted || math.Abs(*o.DTI-0.67) > 1e-9) {
				t.Fatalf("weighted 2023 Gia Lai: %+v", o)
			}
		}
		if err := s.Assess.SetWeights(ctx, admin, "", newGL, []assess.Weight{{newGL, 1}}, ""); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("a unit weighs itself: %v", err)
		}
		if err := s.Assess.SetWeights(ctx, admin, "", newGL, nil, ""); err != nil { // back to the average
			t.Fatal(err)
		}

		// 2024, published for today's 34 provinces
		if _, err := imp(resultsSheet(`1,Gia Lai,"0,70","0,60","0,60","0,50","0,60","0,70","0,60","0,60","0,6300",31,34`),
			assess.ResultImport{Year: 2024, Today: true}); err != nil {
			t.Fatalf("%v %v", err, details(err))
		}
		// bad input: nothing written
		before := s.AuditLen(t)
		for _, c := range []struct {
			name, body string
			o          assess.ResultImport
			row        int
			field      string
		}{
			{"unknown province", resultsSheet(`1,Tỉnh Không Có,"0,5",,,,,,,,"0,5",1,34`), assess.ResultImport{Year: 2024, Today: true}, 2, "unit"},
			{"a year without a framework", resultsSheet(`1,Gia Lai,"0,5",,,,,,,,"0,5",1,63`), assess.ResultImport{Year: 2019}, 2, "year"},
			{"out of range", resultsSheet(`1,Gia Lai,"1,5",,,,,,,,"0,5",1,34`), assess.ResultImport{Year: 2024, Today: true}, 2, "Nhận thức số"},
			{"not a number", resultsSheet(`1,Gia Lai,cao,,,,,,,,"0,5",1,34`), assess.ResultImport{Year: 2024, Today: true}, 2, "Nhận thức số"},
			{"rank beyond the count", resultsSheet(`1,Gia Lai,,,,,,,,,"0,5",40,34`), assess.ResultImport{Year: 2024, Today: true}, 2, "rank"},
			{"unknown column", "Tỉnh,Màu cờ,Chỉ số DTI\nGia Lai,đỏ,0.5\n", assess.ResultImport{Year: 2024, Today: true}, 1, "Màu cờ"},
			{"twice the same province", resultsSheet(`1,Gia Lai,,,,,,,,,"0,5",,`, `2,Tỉnh Gia Lai,,,,,,,,,"0,6",,`), assess.ResultImport{Year: 2024, Today: true}, 3, "unit"},
		} {
			_, err := imp(c.body, c.o)
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.Invalid {
				t.Fatalf("%s: accepted, or not a user's error: %v", c.name, err)
			}
			found := false
			for _, d := range append([]*errs.Error{e}, e.Details...) {
				found = found || d.Row == c.row && d.Field == c.field
			}
			if !found {
				t.Errorf("%s: no problem at row %d, column %s: %v %v", c.name, c.row, c.field, err, details(err))
			}
		}
		if s.AuditLen(t) != before {
			t.Fatal("a refused import wrote something")
		}
		if _, err := s.Assess.RecordResult(ctx, admin, assess.ResultInput{Year: 2024, UnitID: newGL, Today: true, Values: map[string]float64{"KHONG": 0.5}}); err == nil {
			t.Fatal("a value for a code that is no main indicator")
		}
		// a coordinator records for the units of their scope only
		if _, err := s.Assess.RecordResult(ctx, s.User(t, "pleiku").Actor(), assess.ResultInput{Year: 2024, UnitID: newGL, Today: true, Rank: 1}); errs.KindOf(err) != errs.Forbidden {
			t.Fatalf("a focal person recorded a province's result: %v", err)
		}

		// beside the self-assessment of 2025 (the demo's), with the goal
		c, err := s.Assess.Compare(ctx, s.User(t, "gialai").Actor(), "", newGL, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if c.Round == nil || c.SelfIndex == nil || c.Official == nil || c.OfficialYear != 2024 || len(c.Rows) != 8 {
			t.Fatalf("comparison: %+v", c)
		}
		for _, row := range c.Rows {
			if row.Self == nil || row.Official == nil || row.Gap == nil || math.Abs(*row.Gap-(*row.Self-*row.Official)) > 1e-9 {
				t.Fatalf("%s: %+v", row.Node.Code, row)
			}
		}
		if c.Goal == nil || c.Goal.MaxRank != 10 || c.Light != assess.GoalMissed {
			t.Fatalf("goal: %+v %s", c.Goal, c.Light)
		}
		var y2023 *assess.Official
		for i := range c.History {
			if c.History[i].Year == 2023 {
				y2023 = &c.History[i]
			}
		}
		if y2023 == nil || !y2023.Restated || len(y2023.From) != 2 {
			t.Fatalf("history: %+v", c.History)
		}
	})
}
