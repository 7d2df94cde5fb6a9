package indicator

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
)

// GenConfig says what national dataset to generate for benchmarks.
type GenConfig struct {
	UnitsDir    string // the official lists (vn-units-2025-03-01.csv…)
	Departments int    // departments per pre-2025 province (16 × 63 ≈ 1,000)
	Indicators  int    // monthly indicators stored (the catalogue's, then synthetic ones)
	From, To    Period // months
	Seed        uint64
	Log         io.Writer
}

// DefaultGen is the national dataset of the benchmarks: the real country
// (10,035 communes before 1 July 2025, 3,321 after), about a thousand
// departments, 60 monthly indicators, January 2024 to October 2026 —
// about 16 million values, a third of them from before the reorganisation.
var DefaultGen = GenConfig{Departments: 16, Indicators: 60, From: MustPeriod("2024-01"), To: MustPeriod("2026-10"), Seed: 6}

// GenBaseline and GenReorg are the dates the generator's tree changes.
var (
	GenBaseline = day.Of(2024, 1, 1)
	GenReorg    = day.Of(2025, 7, 1)
)

// GenResult says what was generated.
type GenResult struct {
	Units, Indicators, Submissions int
	Values                         int64
	Took                           time.Duration
}

var deptNames = []string{"Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ",
	"Sở Công Thương", "Sở Tư pháp", "Sở Nông nghiệp và Môi trường", "Sở Văn hóa, Thể thao và Du lịch", "Văn phòng Ủy ban nhân dân tỉnh",
	"Thanh tra tỉnh", "Sở Dân tộc và Tôn giáo", "Sở Ngoại vụ", "Ban Quản lý các khu công nghiệp", "Sở Giao thông vận tải",
	"Sở Lao động - Thương binh và Xã hội", "Sở Kế hoạch và Đầu tư", "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông"}

// Generate builds the national dataset into a fresh database: the official
// lists (with departments under every old province, which follow their
// province through the 2025 reorganisation), the catalogue and synthetic
// monthly indicators, one monthly form for communes and departments, and
// a value of every indicator for every unit in force each month, written
// by the bulk loader (COPY on PostgreSQL).
func (s *Service) Generate(ctx context.Context, orgs *org.Service, actor *auth.Actor, cfg GenConfig) (*GenResult, error) {
	start := time.Now()
	logf := func(format string, a ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "%s  "+format+"\n", append([]any{time.Since(start).Round(time.Second)}, a...)...)
		}
	}
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if len(snap.Children(snap.RootID, GenBaseline)) > 0 || len(snap.Children(snap.RootID, GenReorg)) > 0 {
		return nil, fmt.Errorf("gen indicators needs a fresh database (this one already has units)")
	}
	open := func(name string) (*os.File, error) { return os.Open(filepath.Join(cfg.UnitsDir, name)) }
	old, err := open("vn-units-2025-03-01.csv")
	if err != nil {
		return nil, err
	}
	defer old.Close()
	if _, err := orgs.ImportList(ctx, actor, old, old.Name(), org.Change{Effective: GenBaseline, LegalBasis: "Danh mục ĐVHC 01/03/2025"}); err != nil {
		return nil, fmt.Errorf("baseline list: %w", err)
	}
	logf("old list imported")
	if snap, err = orgs.Snapshot(ctx); err != nil {
		return nil, err
	}
	var list strings.Builder
	list.WriteString("code,name,level,parent_code,kind\n")
	for _, p := range snap.Children(snap.RootID, GenBaseline) {
		for i := 0; i < cfg.Departments && i < len(deptNames); i++ {
			name := deptNames[i] + " " + strings.TrimPrefix(strings.TrimPrefix(p.Name, "Tỉnh "), "Thành phố ")
			fmt.Fprintf(&list, "%s-%02d,%s,agency,%s,%s\n", p.Code, i+1, strings.ReplaceAll(name, ",", ""), p.Code, strings.Fields(deptNames[i])[0])
		}
	}
	if _, err := orgs.ImportList(ctx, actor, strings.NewReader(list.String()), "departments.csv",
		org.Change{Effective: GenBaseline, LegalBasis: "Quyết định thành lập (dữ liệu sinh thử)"}); err != nil {
		return nil, fmt.Errorf("departments: %w", err)
	}
	logf("departments established")
	units, err := open("vn-units-2025-07-01.csv")
	if err != nil {
		return nil, err
	}
	defer units.Close()
	merges, err := open("vn-merges-2025-07-01.csv")
	if err != nil {
		return nil, err
	}
	defer merges.Close()
	if _, err := orgs.Restructure(ctx, actor, units, units.Name(), merges, merges.Name(),
		org.Change{Effective: GenReorg, LegalBasis: "NQ 1654–1687/NQ-UBTVQH15"}); err != nil {
		return nil, fmt.Errorf("reorganisation: %w", err)
	}
	logf("reorganisation imported")
	if snap, err = orgs.Snapshot(ctx); err != nil {
		return nil, err
	}
	if err := s.EnsureCatalogue(ctx, snap.RootID); err != nil {
		return nil, err
	}
	defs, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	var stored []*Indicator
	var codes []string
	for _, i := range defs.list {
		if i.PeriodType == Monthly && !i.Computed() && len(stored) < cfg.Indicators {
			stored = append(stored, i)
			codes = append(codes, i.Code)
		}
	}
	for n := 1; len(stored) < cfg.Indicators; n++ {
		i, err := s.Define(ctx, actor, Input{Code: fmt.Sprintf("GEN_%02d", n), NameVI: fmt.Sprintf("Chỉ số sinh thử số %d", n), NameEN: fmt.Sprintf("Generated indicator %d", n),
			MeasureVI: "đơn vị", OwnerUnitID: snap.RootID, Category: "Dữ liệu sinh thử"})
		if err != nil {
			return nil, err
		}
		stored = append(stored, i)
		codes = append(codes, i.Code)
	}
	form, err := s.CreateForm(ctx, actor, FormInput{Code: "GEN-THANG", NameVI: "Báo cáo tháng (dữ liệu sinh thử)", PeriodType: Monthly, DueDays: 5,
		OwnerUnitID: snap.RootID, Indicators: codes, Kinds: []Kind{KindCommune, KindDepartment}})
	if err != nil {
		return nil, err
	}
	res := &GenResult{Indicators: len(stored)}
	rnd := rand.New(rand.NewPCG(cfg.Seed, 2026))
	scale := map[int64]float64{}
	b := s.NewBulk(ctx, actor.Who(), "gen")
	seen := map[int64]bool{}
	for p := cfg.From; !cfg.To.Less(p); p = p.Next() {
		reporters := s.expected(snap, form, p)
		due := form.Due(p).Time().Add(-24 * time.Hour)
		for _, v := range reporters {
			if !seen[v.UnitID] {
				seen[v.UnitID] = true
				res.Units++
			}
			sc, ok := scale[v.UnitID]
			if !ok {
				sc = 50 + rnd.Float64()*450
				scale[v.UnitID] = sc
			}
			st := Approved
			if p == cfg.To && rnd.IntN(3) == 0 {
				st = Submitted
			}
			for k, ind := range stored {
				x := math.Round(sc * (1 + float64(k%7)/10) * (0.8 + rnd.Float64()*0.4))
				if ind.NotAbove != "" {
					x = math.Round(x * 0.6)
				}
				if ind.Max != nil && x > *ind.Max {
					x = *ind.Max
				}
				if err := b.Value(BulkValue{Indicator: ind.ID, Period: p.Key(), Unit: v.UnitID, Value: x, Status: st}); err != nil {
					return nil, err
				}
			}
			if err := b.Submission(BulkSubmission{Form: form.ID, Unit: v.UnitID, Period: p.Key(), Status: st, SubmittedAt: due.UTC()}); err != nil {
				return nil, err
			}
			res.Submissions++
		}
		logf("%s: %d units, %d values so far", p.Key(), len(reporters), b.Count+int64(len(b.vals)))
	}
	if err := b.Close(); err != nil {
		return nil, err
	}
	res.Values = b.Count
	if s.db.Dialect == "postgres" {
		if _, err := s.db.ExecContext(ctx, `ANALYZE`); err != nil {
			return nil, err
		}
	}
	res.Took = time.Since(start)
	return res, nil
}
