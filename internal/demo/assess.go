package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
)

// The demo's assessment: Gia Lai's own criteria for its communes (scored
// mostly from figures, the registers' where they fit), two rounds of them,
// the province's own self-assessment against the provincial DTI 2025, the
// DTI results the ministry published (only those a public source gives,
// each with its source) and a rank goal.

// communeFramework is Gia Lai's framework for its communes. Its criteria
// of people and organisation and of network coverage name the indicators
// mangluoi measures from its registers (issue 9): they score themselves
// once those are defined and say "not available" until then.
func communeFramework() *assess.Def {
	fl := func(v float64) *float64 { return &v }
	row := func(code, parent, vi string, max float64) assess.DefRow {
		return assess.DefRow{Code: code, Parent: parent, NameVI: vi, Max: fl(max)}
	}
	bound := func(r assess.DefRow, m assess.Method, ind string) assess.DefRow {
		r.Method, r.Indicator = m, ind
		return r
	}
	lin := func(r assess.DefRow, ind string, lo, hi float64) assess.DefRow {
		r = bound(r, assess.Linear, ind)
		r.Lo, r.Hi = fl(lo), fl(hi)
		return r
	}
	steps := func(r assess.DefRow, ind, s string) assess.DefRow {
		r = bound(r, assess.Threshold, ind)
		r.Thresholds = s
		return r
	}
	judged := func(r assess.DefRow, guidance string) assess.DefRow {
		r.Method, r.Guidance = assess.Judgement, guidance
		return r
	}
	cqs, nl, xhs := row("CQS", "", "Chính quyền số", 60), row("NL", "", "Nhân lực và tổ chức", 20), row("XHS", "", "Xã hội số", 20)
	cqs.NameEN, nl.NameEN, xhs.NameEN = "Digital government", "People and organisation", "Digital society"
	return &assess.Def{Family: CommuneFrame, NameVI: "Bộ tiêu chí đánh giá chuyển đổi số cấp xã tỉnh Gia Lai", NameEN: "Gia Lai's commune DX criteria",
		Basis: "Kế hoạch 687/KH-UBND ngày 27/3/2024 của UBND tỉnh Gia Lai", Level: assess.LevelCommune, YearFrom: 2025,
		Provenance: "Bộ tiêu chí của bản trình diễn do tỉnh tự đặt để đánh giá cấp xã, theo các nội dung của Kế hoạch 687/KH-UBND (kiện toàn bộ máy, nhân lực chuyển đổi số, Tổ công nghệ số cộng đồng).",
		Rows: []assess.DefRow{
			cqs,
			lin(row("CQS.1", "CQS", "Tỷ lệ hồ sơ tiếp nhận trực tuyến", 25), "HS_ONLINE_RATE", 20, 90),
			lin(row("CQS.2", "CQS", "Tỷ lệ dịch vụ công trực tuyến toàn trình", 20), "DVC_FULL_RATE", 30, 100),
			steps(row("CQS.3", "CQS", "Tỷ lệ văn bản đi được ký số", 15), "DOC_SIGNED_RATE", "70:5; 85:10; 95:15"),
			nl,
			steps(row("NL.1", "NL", "Có Ban Chỉ đạo chuyển đổi số", 5), "REG_COMMITTEES", "1:5"),
			steps(row("NL.2", "NL", "Có cán bộ đầu mối chuyển đổi số", 5), "REG_FOCAL_PERSONS", "1:5"),
			steps(row("NL.3", "NL", "Có cán bộ phụ trách chuyển đổi số", 5), "REG_DX_STAFF", "1:3; 2:5"),
			lin(row("NL.4", "NL", "Tỷ lệ cán bộ chuyển đổi số được bồi dưỡng trong năm", 5), "REG_DX_TRAINED_RATE", 0, 100),
			xhs,
			lin(row("XHS.1", "XHS", "Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng hoạt động", 10), "REG_COVERAGE", 50, 100),
			judged(row("XHS.2", "XHS", "Tuyên truyền, hướng dẫn người dân sử dụng dịch vụ số", 10), "Số buổi tuyên truyền, hình ảnh hoạt động của Tổ công nghệ số cộng đồng."),
		}}
}

func seedAssessment(ctx context.Context, w *world, as *assess.Service) error {
	admin := w.Admin
	f, err := as.ImportFramework(ctx, admin, communeFramework(), assess.DefOptions{OwnerUnitID: w.Province.UnitID, Publish: true, Pending: true})
	if err != nil {
		return fmt.Errorf("demo framework: %w", err)
	}
	rnd := rand.New(rand.NewPCG(687, 2024))
	for _, year := range []int{w.Today.Year() - 1, w.Today.Year()} { // last year's round is closed, this year's open
		r, err := as.CreateRound(ctx, admin, assess.RoundInput{FrameworkID: f.ID, Name: fmt.Sprintf("Đánh giá chuyển đổi số cấp xã năm %d", year), Year: year,
			OwnerUnitID: w.Province.UnitID, Kinds: []indicator.Kind{indicator.KindCommune}})
		if err != nil {
			return fmt.Errorf("demo round %d: %w", year, err)
		}
		for _, u := range r.Units {
			var in []assess.ScoreInput
			for _, c := range f.Criteria() {
				// a commune's own claim: judged criteria as it sees them,
				// and beside each figure what it believes it deserves —
				// often more than the registers show
				score := math.Round(c.Max*(0.5+0.5*rnd.Float64())*2) / 2
				note := "Tự đánh giá theo minh chứng đính kèm"
				if c.FromIndicator() {
					score, note = c.Max, "Xã tự nhận đạt"
				}
				in = append(in, assess.ScoreInput{NodeID: c.ID, Score: fmt.Sprint(score), Note: note})
			}
			if err := as.SelfAssess(ctx, admin, r.ID, u, in, nil); err != nil {
				return fmt.Errorf("demo self-assessment: %w", err)
			}
		}
		if year < w.Today.Year() {
			// a reviewer lowered one commune's claim
			for _, c := range f.Criteria() {
				if c.Method == assess.Judgement && len(r.Units) > 1 {
					if err := as.Review(ctx, admin, r.ID, r.Units[1], []assess.ScoreInput{{NodeID: c.ID, Score: "4",
						Note: "Minh chứng chưa đầy đủ: thiếu biên bản họp quý III"}}); err != nil {
						return fmt.Errorf("demo review: %w", err)
					}
					break
				}
			}
			if _, err := as.UpdateRound(ctx, admin, r.ID, assess.RoundUpdate{Status: assess.RoundClosed}); err != nil {
				return err
			}
		}
	}
	if err := seedProvinceDTI(ctx, w, as, rnd); err != nil {
		return err
	}
	return seedOfficial(ctx, w, as)
}

// seedProvinceDTI: Gia Lai assesses itself against the provincial DTI of
// last year (the ministry collects a year's figures the next year); the
// components bound to an indicator fill themselves.
func seedProvinceDTI(ctx context.Context, w *world, as *assess.Service, rnd *rand.Rand) error {
	year := w.Today.Year() - 1
	f, err := as.FrameworkFor(ctx, assess.DTIFamily, year)
	if err != nil {
		return fmt.Errorf("demo DTI: %w", err)
	}
	r, err := as.CreateRound(ctx, w.Admin, assess.RoundInput{FrameworkID: f.ID, Name: fmt.Sprintf("Tự đánh giá DTI cấp tỉnh năm %d", year), Year: year,
		OwnerUnitID: w.Province.UnitID, UnitIDs: []int64{w.Province.UnitID}})
	if err != nil {
		return fmt.Errorf("demo DTI round: %w", err)
	}
	var in []assess.ScoreInput
	for _, c := range f.Criteria() {
		share := 0.55 + 0.3*rnd.Float64()
		in = append(in, assess.ScoreInput{NodeID: c.ID, Score: fmt.Sprintf("%.1f", c.Max*share), Note: "Theo báo cáo của các sở, ngành và minh chứng kèm theo"})
	}
	if err := as.SelfAssess(ctx, w.Admin, r.ID, w.Province.UnitID, in, nil); err != nil {
		return fmt.Errorf("demo DTI self-assessment: %w", err)
	}
	return nil
}

// published is a result the ministry published, as a public source reports
// it: no more than the source says.
type published struct {
	year   int
	today  bool // published for the units after the 2025 reorganisation
	name   string
	dti    float64 // 0 when the source gives none
	rank   int
	of     int
	values []float64 // main indicators in the framework's order, when given
	source string
}

const (
	srcDTI2022 = "dti.gov.vn — Báo cáo xếp hạng đánh giá mức độ chuyển đổi số năm 2022"
	srcDTI2024 = "Bộ KH&CN công bố DTI 2024 ngày 21/10/2025 (Dân trí, VTC News, Báo Huế ngày nay)"
)

// publishedResults are the DTI results public sources give: every figure
// here is quoted from its source.
var publishedResults = []published{
	{2022, false, "TP. Đà Nẵng", 0.8002, 1, 63, []float64{1.0000, 0.9000, 0.8253, 0.8487, 0.7578, 0.8575, 0.7836, 0.5197}, srcDTI2022},
	{2022, false, "TP. Hồ Chí Minh", 0.7163, 2, 63, []float64{0.8917, 0.9000, 0.8258, 0.6267, 0.5580, 0.8406, 0.7611, 0.3590}, srcDTI2022},
	{2022, false, "Quảng Ninh", 0.7024, 3, 63, []float64{0.9581, 0.9000, 0.7648, 0.6250, 0.5382, 0.8385, 0.5904, 0.4505}, srcDTI2022},
	{2022, false, "Huế", 0.6975, 4, 63, []float64{0.9500, 0.9000, 0.6823, 0.6794, 0.6423, 0.8262, 0.6787, 0.3001}, srcDTI2022},
	{2022, false, "TP. Cần Thơ", 0.6924, 5, 63, []float64{0.9000, 0.8000, 0.7233, 0.7376, 0.7226, 0.7325, 0.7556, 0.2947}, srcDTI2022},
	{2022, false, "Bình Định", 0, 29, 63, nil, srcDTI2022},
	{2022, false, "Gia Lai", 0, 62, 63, nil, srcDTI2022},
	{2024, true, "Hà Nội", 0.8241, 1, 34, nil, srcDTI2024},
	{2024, true, "Huế", 0.7951, 2, 34, nil, srcDTI2024},
	{2024, true, "Hải Phòng", 0.7857, 3, 34, nil, srcDTI2024},
	{2024, true, "Hồ Chí Minh", 0.7770, 4, 34, nil, srcDTI2024},
	{2024, true, "Thanh Hóa", 0, 5, 34, nil, srcDTI2024},
	{2024, true, "Điện Biên", 0, 6, 34, nil, srcDTI2024},
	{2024, true, "Hà Tĩnh", 0, 7, 34, nil, srcDTI2024},
	{2024, true, "Lào Cai", 0.7167, 14, 34, nil, "Báo Đối ngoại Lào Cai: Lào Cai đứng thứ 14 toàn quốc về DTI năm 2024"},
	{2024, true, "Gia Lai", 0, 31, 34, nil, "Kế hoạch 18/KH-UBND ngày 19/01/2026 của UBND tỉnh Gia Lai"},
}

// seedOfficial records the published results of the provinces the demo's
// tree holds, and the rank goal seed 002 gives.
func seedOfficial(ctx context.Context, w *world, as *assess.Service) error {
	for _, p := range publishedResults {
		f, err := as.FrameworkFor(ctx, assess.DTIFamily, p.year)
		if err != nil {
			return err
		}
		d := Baseline // the demo's tree begins then: the year's own tree for 2022
		if p.today {
			d = Reorg
		}
		u := assess.FindUnit(w.Snap, assess.LevelProvince, d, "", p.name)
		if u == nil {
			continue // not in the built-in part of the country
		}
		in := assess.ResultInput{Family: assess.DTIFamily, Year: p.year, UnitID: u.UnitID, Today: p.today, Rank: p.rank, RankOf: p.of,
			Source: p.source, Values: map[string]float64{}}
		if p.dti > 0 {
			v := p.dti
			in.DTI = &v
		}
		for i, m := range f.Mains() {
			if i < len(p.values) {
				in.Values[m.Code] = p.values[i]
			}
		}
		if _, err := as.RecordResult(ctx, w.Admin, in); err != nil {
			return fmt.Errorf("demo result %s %d: %w", p.name, p.year, err)
		}
	}
	// seed 002: Bình Định aims at the national top 10 by 2025; the demo
	// keeps the goal for the province it became part of
	for _, g := range []struct {
		unit     *org.Version
		from, to int
		basis    string
	}{
		{assess.FindUnit(w.Snap, assess.LevelProvince, Baseline, "", "Bình Định"), 2022, 2025,
			"Báo Bình Định (2022): phấn đấu nằm trong top 10 toàn quốc về chỉ số chính quyền số, kinh tế số, xã hội số đến năm 2025"},
		{w.Province, 2024, 2025, "Mục tiêu top 10 đến năm 2025 của tỉnh Bình Định (Báo Bình Định, 2022), áp dụng cho tỉnh Gia Lai mới trong bản trình diễn"},
	} {
		if g.unit == nil {
			continue
		}
		if _, err := as.SetGoal(ctx, w.Admin, assess.Goal{Family: assess.DTIFamily, UnitID: g.unit.UnitID, YearFrom: g.from, YearTo: g.to, MaxRank: 10,
			Basis: g.basis}); err != nil {
			return fmt.Errorf("demo goal: %w", err)
		}
	}
	return nil
}
