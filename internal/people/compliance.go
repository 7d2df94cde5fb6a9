package people

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// Rule names how a unit meets a target. The rules are code; which targets
// apply, to which level, with what threshold and deadline, is data.
type Rule string

// The rules.
const (
	// RuleFocal: the unit has a focal unit (or specialised unit) or at
	// least Param focal persons (default 1).
	RuleFocal Rule = "focal"
	// RuleStaffMin: at least Param people hold a DX role in the unit.
	RuleStaffMin Rule = "staff_min"
	// RuleCommittee: the unit has a DX steering committee.
	RuleCommittee Rule = "committee"
	// RuleTrained: at least the share Param of the unit's DX people
	// completed a course this calendar year.
	RuleTrained Rule = "trained"
	// RuleSpecialised: the unit has a specialised DX unit.
	RuleSpecialised Rule = "specialised_unit"
	// RuleNoIncrease: dedicated DX positions in the unit's whole subtree are
	// no more than on the Baseline date (no increase in headcount).
	RuleNoIncrease Rule = "no_headcount_increase"
)

// Rules lists the rules.
var Rules = []Rule{RuleFocal, RuleStaffMin, RuleCommittee, RuleTrained, RuleSpecialised, RuleNoIncrease}

// TargetLevel is which units a target applies to.
type TargetLevel string

// The levels a target applies to. A department is an agency directly under
// a province (sở, ban, ngành).
const (
	TLProvince   TargetLevel = "province"
	TLDepartment TargetLevel = "department"
	TLDistrict   TargetLevel = "district"
	TLCommune    TargetLevel = "commune"
)

// TargetLevels lists them in display order.
var TargetLevels = []TargetLevel{TLProvince, TLDepartment, TLDistrict, TLCommune}

// Target is a rule applied to a level of units, with a goal and deadline.
type Target struct {
	ID       int64       `json:"id"`
	Code     string      `json:"code"`
	Rule     Rule        `json:"rule"`
	Level    TargetLevel `json:"level"`
	Param    float64     `json:"param"`
	Goal     float64     `json:"goal"` // share of units that must pass, 0..1
	Deadline day.Day     `json:"deadline"`
	Baseline day.Day     `json:"baseline,omitzero"`
	TitleVI  string      `json:"title_vi"`
	TitleEN  string      `json:"title_en"`
	Basis    string      `json:"basis"`
	Active   bool        `json:"active"`
}

// Title is the target's title in a language.
func (t *Target) Title(lang string) string {
	if lang == "en" && t.TitleEN != "" {
		return t.TitleEN
	}
	return t.TitleVI
}

// Decision1690 are the default targets, from Decision 1690/QĐ-TTg and the
// provincial plans implementing it.
var Decision1690 = []Target{
	{Code: "1690-FOCAL-DEPT", Rule: RuleFocal, Level: TLDepartment, Param: 1, Goal: 1, Deadline: day.Of(2025, 12, 31),
		TitleVI: "100 % sở, ban, ngành có bộ phận hoặc cán bộ đầu mối về chuyển đổi số", TitleEN: "100% of departments have a DX focal unit or focal person"},
	{Code: "1690-FOCAL-COMMUNE", Rule: RuleFocal, Level: TLCommune, Param: 1, Goal: 1, Deadline: day.Of(2025, 12, 31),
		TitleVI: "100 % UBND cấp xã có bộ phận hoặc cán bộ đầu mối về chuyển đổi số", TitleEN: "100% of communes have a DX focal unit or focal person"},
	{Code: "1690-STAFF-COMMUNE", Rule: RuleStaffMin, Level: TLCommune, Param: 1, Goal: 1, Deadline: day.Of(2025, 12, 31),
		TitleVI: "Mỗi xã có ít nhất 01 cán bộ làm công tác chuyển đổi số", TitleEN: "Every commune has at least one DX staff member"},
	{Code: "1690-COMMITTEE-DEPT", Rule: RuleCommittee, Level: TLDepartment, Goal: 1, Deadline: day.Of(2025, 12, 31),
		TitleVI: "100 % sở, ban, ngành có Ban Chỉ đạo chuyển đổi số", TitleEN: "100% of departments have a DX steering committee"},
	{Code: "1690-COMMITTEE-COMMUNE", Rule: RuleCommittee, Level: TLCommune, Goal: 1, Deadline: day.Of(2025, 12, 31),
		TitleVI: "100 % UBND cấp xã có Ban Chỉ đạo chuyển đổi số", TitleEN: "100% of communes have a DX steering committee"},
	{Code: "1690-SPECIALISED", Rule: RuleSpecialised, Level: TLProvince, Goal: 1, Deadline: day.Of(2025, 12, 31),
		TitleVI: "Tỉnh có đơn vị chuyên trách về công nghệ thông tin, chuyển đổi số", TitleEN: "The province has a specialised IT/DX unit"},
	{Code: "1690-TRAINED-DEPT", Rule: RuleTrained, Level: TLDepartment, Param: 1, Goal: 1, Deadline: day.Of(2030, 12, 31),
		TitleVI: "100 % cán bộ làm chuyển đổi số ở sở, ban, ngành được bồi dưỡng hằng năm", TitleEN: "100% of departments' DX staff trained every year"},
	{Code: "1690-TRAINED-COMMUNE", Rule: RuleTrained, Level: TLCommune, Param: 1, Goal: 1, Deadline: day.Of(2030, 12, 31),
		TitleVI: "100 % cán bộ làm chuyển đổi số cấp xã được bồi dưỡng hằng năm", TitleEN: "100% of communes' DX staff trained every year"},
	{Code: "1690-NO-INCREASE", Rule: RuleNoIncrease, Level: TLProvince, Goal: 1, Deadline: day.Of(2030, 12, 31), Baseline: day.Of(2024, 1, 1),
		TitleVI: "Không tăng biên chế: số vị trí chuyên trách chuyển đổi số không vượt mức 01/01/2024", TitleEN: "No increase in headcount: dedicated DX positions no more than on 01/01/2024"},
}

// EnsureDefaultTargets loads Decision 1690's targets into an empty table.
func (s *Service) EnsureDefaultTargets(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(reading(ctx), `SELECT COUNT(*) FROM targets`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	for _, t := range Decision1690 {
		var baseline any
		if !t.Baseline.IsZero() {
			baseline = t.Baseline
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO targets (code, rule, level, param, goal, deadline, baseline, title_vi, title_en, basis, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, t.Code, t.Rule, t.Level, t.Param, t.Goal, t.Deadline, baseline,
			t.TitleVI, t.TitleEN, "1690/QĐ-TTg", true); err != nil {
			return fmt.Errorf("default targets: %w", err)
		}
	}
	return nil
}

// Targets lists the active targets.
func (s *Service) Targets(ctx context.Context) ([]Target, error) {
	return queryTargets(ctx, s.db, `active = $1`, true)
}

// AllTargets lists every target, active or not, for the administrator.
func (s *Service) AllTargets(ctx context.Context) ([]Target, error) {
	return queryTargets(ctx, s.db, `1 = 1`)
}

func (s *Service) target(ctx context.Context, q db.Querier, id int64) (*Target, error) {
	ts, err := queryTargets(ctx, q, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, errs.NotFoundErr()
	}
	return &ts[0], nil
}

func queryTargets(ctx context.Context, q db.Querier, where string, args ...any) ([]Target, error) {
	rows, err := q.QueryContext(reading(ctx), `SELECT id, code, rule, level, param, goal, deadline, baseline, title_vi, title_en, basis, active
		FROM targets WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.ID, &t.Code, &t.Rule, &t.Level, &t.Param, &t.Goal, &t.Deadline, &t.Baseline, &t.TitleVI, &t.TitleEN, &t.Basis, &t.Active); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Reason says why a unit fails a target: a catalogue key and its data.
type Reason struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// UnitResult is one unit that fails a target.
type UnitResult struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Reason Reason `json:"reason"`
}

// GroupResult is a target's rate within one part of the scope (a province
// of the nation, a district of a province), for drilling down.
type GroupResult struct {
	UnitID  int64   `json:"unit_id"`
	Name    string  `json:"name"`
	Passing int     `json:"passing"`
	Total   int     `json:"total"`
	Rate    float64 `json:"rate"`
}

// TargetResult is how the scope stands against one target on a date.
type TargetResult struct {
	Target Target `json:"target"`
	// Applies: the scope holds units of the level the target names. A
	// target that does not apply (a department's target in a ward) is
	// neither met nor failed nor overdue: "không áp dụng", never 0/0.
	Applies bool    `json:"applies"`
	Passing int     `json:"passing"`
	Total   int     `json:"total"`
	Rate    float64 `json:"rate"` // passing ÷ total; 0 when total is 0
	Met     bool    `json:"met"`  // rate reaches the goal
	Overdue bool    `json:"overdue"`
	// FailingCount is how many units fail, always complete; Failing lists
	// at most MaxFailing of them (Service.Failing pages through all).
	FailingCount int           `json:"failing_count"`
	Failing      []UnitResult  `json:"failing"`
	Groups       []GroupResult `json:"groups"`
}

// Report is the compliance of a scope on a date.
type Report struct {
	UnitID  int64          `json:"unit_id"`
	AsOf    day.Day        `json:"as_of"`
	Results []TargetResult `json:"results"`
}

// facts are what the rules look at, for the units of one scope on one date.
type facts struct {
	focalPersons map[int64]int
	staff        map[int64]map[int64]bool // unit → people holding any role
	dedicated    map[int64]int            // unit → dedicated positions (incl. vacancies)
	committees   map[int64]bool
	focalUnits   map[int64]bool
	specialised  map[int64]bool
	trained      map[int64]bool // people who completed a course this year up to the date
}

// loadFacts reads the roles, committees, focal units and training in force
// on d under the given roots, by subtree path range (an index scan on both
// engines).
func loadFacts(ctx context.Context, q db.Querier, rs []*org.Version, d day.Day) (*facts, error) {
	f := &facts{focalPersons: map[int64]int{}, dedicated: map[int64]int{}, staff: map[int64]map[int64]bool{}, committees: map[int64]bool{},
		focalUnits: map[int64]bool{}, specialised: map[int64]bool{}, trained: map[int64]bool{}}
	yearStart := day.Of(d.Year(), 1, 1)
	for _, r := range rs {
		lo, hi := org.SubtreeRange(r.Path)
		inScope := ` JOIN unit_versions v ON v.unit_id = x.unit_id AND v.valid_from <= $1 AND $1 < v.valid_to AND v.path >= $2 AND v.path < $3
			WHERE x.valid_from <= $1 AND $1 < x.valid_to`
		nation := r.Level == org.LevelNation
		if nation {
			// the nation's subtree is everything: no join to find it
			inScope = ` WHERE x.valid_from <= $1 AND $1 < x.valid_to AND $2 <> $3`
		}
		rows, err := q.QueryContext(reading(ctx), `SELECT x.unit_id, x.role, x.mode, COALESCE(x.person_id, 0) FROM dx_roles x`+inScope, d, lo, hi)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var unit, person int64
			var role RoleKind
			var mode Mode
			if err := rows.Scan(&unit, &role, &mode, &person); err != nil {
				rows.Close()
				return nil, err
			}
			if mode == Dedicated {
				f.dedicated[unit]++
			}
			if person == 0 {
				continue
			}
			if role == RoleFocal {
				f.focalPersons[unit]++
			}
			if f.staff[unit] == nil {
				f.staff[unit] = map[int64]bool{}
			}
			f.staff[unit][person] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if err := scanSet(ctx, q, `SELECT x.unit_id FROM committees x`+inScope, f.committees, d, lo, hi); err != nil {
			return nil, err
		}
		rows, err = q.QueryContext(reading(ctx), `SELECT x.unit_id, x.kind FROM focal_units x`+inScope, d, lo, hi)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var unit int64
			var kind FocalKind
			if err := rows.Scan(&unit, &kind); err != nil {
				rows.Close()
				return nil, err
			}
			f.focalUnits[unit] = true
			if kind == Specialised {
				f.specialised[unit] = true
			}
		}
		rows.Close()
		if err := loadTrained(ctx, q, f, nation, d, yearStart); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// loadTrained finds which of the scope's DX people completed a course
// between yearStart and d. For the nation it reads the year's completions
// directly; for a part of it, it asks about the scope's people by id, in
// chunks: joining enrolments to the subtree let PostgreSQL start from the
// whole country's completions (0,7 s for one province, against 10 ms).
func loadTrained(ctx context.Context, q db.Querier, f *facts, nation bool, d, yearStart day.Day) error {
	const completed = `SELECT DISTINCT person_id FROM enrolments WHERE status = 'completed' AND completed_on >= $2 AND completed_on <= $1`
	if nation {
		return scanSet(ctx, q, completed, f.trained, d, yearStart)
	}
	seen := map[int64]bool{}
	var ids []string
	for _, people := range f.staff {
		for p := range people {
			if !seen[p] {
				seen[p] = true
				ids = append(ids, strconv.FormatInt(p, 10))
			}
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		// the ids are our own integers, so inlining them is safe
		if err := scanSet(ctx, q, completed+` AND person_id IN (`+strings.Join(ids[:n], ",")+`)`, f.trained, d, yearStart); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func scanSet(ctx context.Context, q db.Querier, query string, into map[int64]bool, args ...any) error {
	rows, err := q.QueryContext(reading(ctx), query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return rows.Err()
}

// levelOf classifies a unit for targets: "" if no target level fits.
func levelOf(t *org.Snapshot, v *org.Version, d day.Day) TargetLevel {
	switch v.Level {
	case org.LevelProvince:
		return TLProvince
	case org.LevelDistrict:
		return TLDistrict
	case org.LevelCommune:
		return TLCommune
	case org.LevelAgency:
		if p := t.At(v.ParentID, d); p != nil && p.Level == org.LevelProvince {
			return TLDepartment
		}
	}
	return ""
}

// dedicatedUnder sums dedicated positions over the subtrees of rs on d.
func dedicatedUnder(t *org.Snapshot, f *facts, rs []*org.Version, d day.Day) int {
	n := 0
	for _, r := range rs {
		t.Walk(r.UnitID, d, func(v *org.Version) bool {
			n += f.dedicated[v.UnitID]
			return true
		})
	}
	return n
}

// judge applies a target's rule to one unit. For the headcount rule,
// headcount holds the dedicated positions of the unit's subtree now and on
// the baseline date.
func judge(tg *Target, f *facts, headcount [2]int, unit int64) (bool, Reason) {
	switch tg.Rule {
	case RuleFocal:
		need := int(tg.Param)
		if need < 1 {
			need = 1
		}
		if f.focalUnits[unit] || f.focalPersons[unit] >= need {
			return true, Reason{}
		}
		return false, Reason{Key: "compliance.reason.no_focal"}
	case RuleStaffMin:
		n := len(f.staff[unit])
		if float64(n) >= tg.Param {
			return true, Reason{}
		}
		return false, Reason{Key: "compliance.reason.staff", Args: map[string]any{"Count": n, "Need": int(tg.Param)}}
	case RuleCommittee:
		if f.committees[unit] {
			return true, Reason{}
		}
		return false, Reason{Key: "compliance.reason.no_committee"}
	case RuleSpecialised:
		if f.specialised[unit] {
			return true, Reason{}
		}
		return false, Reason{Key: "compliance.reason.no_specialised"}
	case RuleTrained:
		staff := f.staff[unit]
		if len(staff) == 0 {
			return false, Reason{Key: "compliance.reason.no_staff"}
		}
		trained := 0
		for p := range staff {
			if f.trained[p] {
				trained++
			}
		}
		if float64(trained) >= tg.Param*float64(len(staff))-1e-9 {
			return true, Reason{}
		}
		return false, Reason{Key: "compliance.reason.trained", Args: map[string]any{"Trained": trained, "Count": len(staff)}}
	case RuleNoIncrease:
		now, base := headcount[0], headcount[1]
		if now <= base {
			return true, Reason{}
		}
		return false, Reason{Key: "compliance.reason.increase", Args: map[string]any{"Now": now, "Base": base, "Date": tg.Baseline.VN()}}
	}
	return false, Reason{Key: "compliance.reason.unknown_rule"}
}

// MaxFailing bounds the list of failing units per target in a report; the
// counts are always complete.
const MaxFailing = 500

// Compliance evaluates every active target over the subtree of unit on d.
// Reports are cached per data and tree generation, so a report is computed
// once per change, never served stale.
func (s *Service) Compliance(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (*Report, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	gen, err := s.db.Generation(ctx, Generation)
	if err != nil {
		return nil, err
	}
	key := reportKey{gen, t.Generation, unit, d.String(), ""}
	if r := s.reports.get(key); r != nil {
		return r, nil
	}
	r, err := s.evaluate(ctx, t.Snapshot, unit, d, "", MaxFailing)
	if err != nil {
		return nil, err
	}
	s.reports.put(key, r)
	return r, nil
}

// FailingPage is a page of the units that fail a target.
type FailingPage struct {
	Target  Target       `json:"target"`
	UnitID  int64        `json:"unit_id"`
	AsOf    day.Day      `json:"as_of"`
	Applies bool         `json:"applies"`
	Total   int          `json:"total"` // every failing unit
	Offset  int          `json:"offset"`
	Units   []UnitResult `json:"units"`
}

// MaxFailingPage bounds a page of failing units.
const MaxFailingPage = 1000

// Failing lists the units of unit's subtree that fail the target with code
// on d, limit of them from offset (limit 0: all, for an export). The
// whole list of one target is computed once per data and tree generation.
func (s *Service) Failing(ctx context.Context, actor *auth.Actor, unit int64, d day.Day, code string, offset, limit int) (*FailingPage, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	gen, err := s.db.Generation(ctx, Generation)
	if err != nil {
		return nil, err
	}
	key := reportKey{gen, t.Generation, unit, d.String(), code}
	r := s.reports.get(key)
	if r == nil {
		if r, err = s.evaluate(ctx, t.Snapshot, unit, d, code, 0); err != nil {
			return nil, err
		}
		s.reports.put(key, r)
	}
	if len(r.Results) == 0 {
		return nil, errs.Invalidf("people.err.unknown_target", "Code", code).At(0, "target")
	}
	res := r.Results[0]
	if offset < 0 {
		offset = 0
	}
	page := &FailingPage{Target: res.Target, UnitID: unit, AsOf: d, Applies: res.Applies, Total: res.FailingCount, Offset: offset, Units: []UnitResult{}}
	if offset < len(res.Failing) {
		end := len(res.Failing)
		if limit > 0 && offset+limit < end {
			end = offset + limit
		}
		page.Units = res.Failing[offset:end]
	}
	return page, nil
}

// evaluate computes the report of unit's subtree on d: every active
// target, or only the one with code; listing at most limit failing units
// per target (0: all of them).
func (s *Service) evaluate(ctx context.Context, t *org.Snapshot, unit int64, d day.Day, code string, limit int) (*Report, error) {
	targets, err := s.Targets(ctx)
	if err != nil {
		return nil, err
	}
	if code != "" {
		var only []Target
		for _, tg := range targets {
			if tg.Code == code {
				only = append(only, tg)
			}
		}
		targets = only
		if len(targets) == 0 {
			return &Report{UnitID: unit, AsOf: d, Results: []TargetResult{}}, nil
		}
	}
	rs := t.Roots(unit, d)
	judged, err := s.judgeTargets(ctx, t, unit, d, targets)
	if err != nil {
		return nil, err
	}
	// the groups (children of a root) each unit is in, for drilling down
	group := map[int64]*org.Version{}
	var groups []*org.Version
	for _, r := range rs {
		for _, c := range t.Children(r.UnitID, d) {
			if c.Level == org.LevelProvince || c.Level == org.LevelDistrict {
				groups = append(groups, c)
			}
		}
	}
	for _, g := range groups {
		t.Walk(g.UnitID, d, func(v *org.Version) bool {
			group[v.UnitID] = g
			return true
		})
	}
	rep := &Report{UnitID: unit, AsOf: d, Results: []TargetResult{}}
	for i := range targets {
		tg := &targets[i]
		res := TargetResult{Target: *tg, Failing: []UnitResult{}, Groups: []GroupResult{}, Overdue: d.After(tg.Deadline)}
		byGroup := map[int64]*GroupResult{}
		for _, j := range judged[i] {
			v, ok, why := j.Unit, j.OK, j.Why
			res.Total++
			if ok {
				res.Passing++
			} else if res.FailingCount++; limit == 0 || len(res.Failing) < limit {
				u := UnitResult{UnitID: v.UnitID, Name: v.Name, Reason: why}
				if p := t.At(v.ParentID, d); p != nil {
					u.Parent = p.Name
				}
				res.Failing = append(res.Failing, u)
			}
			if g := group[v.UnitID]; g != nil {
				gr := byGroup[g.UnitID]
				if gr == nil {
					gr = &GroupResult{UnitID: g.UnitID, Name: g.Name}
					byGroup[g.UnitID] = gr
				}
				gr.Total++
				if ok {
					gr.Passing++
				}
			}
		}
		res.Applies = res.Total > 0
		if res.Applies {
			res.Rate = float64(res.Passing) / float64(res.Total)
		}
		res.Met = res.Applies && res.Rate >= tg.Goal-1e-9
		res.Overdue = res.Applies && res.Overdue
		for _, g := range groups {
			if gr := byGroup[g.UnitID]; gr != nil {
				gr.Rate = float64(gr.Passing) / float64(gr.Total)
				res.Groups = append(res.Groups, *gr)
			}
		}
		sort.SliceStable(res.Groups, func(i, j int) bool { return res.Groups[i].Rate < res.Groups[j].Rate })
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// Judgement is one unit a target applies to, judged.
type Judgement struct {
	Unit *org.Version
	OK   bool
	Why  Reason // why it fails
}

// judgeTargets applies each target to every unit of its level in unit's
// subtree on d, in the tree's order: what the compliance page counts. The
// measured rates of Decision 1690's targets judge the nation the same way
// from the register they keep (measurer.judge, measure1690.go).
func (s *Service) judgeTargets(ctx context.Context, t *org.Snapshot, unit int64, d day.Day, targets []Target) ([][]Judgement, error) {
	rs := t.Roots(unit, d)
	f, err := loadFacts(ctx, s.db, rs, d)
	if err != nil {
		return nil, err
	}
	// units by target level
	byLevel := map[TargetLevel][]*org.Version{}
	for _, r := range rs {
		t.Walk(r.UnitID, d, func(v *org.Version) bool {
			if l := levelOf(t, v, d); l != "" {
				byLevel[l] = append(byLevel[l], v)
			}
			return true
		})
	}
	// baseline facts, for the headcount targets, read once per date
	baseFacts := map[string]*facts{}
	out := make([][]Judgement, len(targets))
	for i := range targets {
		tg := &targets[i]
		var bf *facts
		if tg.Rule == RuleNoIncrease && !tg.Baseline.IsZero() {
			if bf = baseFacts[tg.Baseline.String()]; bf == nil {
				if bf, err = loadFacts(ctx, s.db, t.Roots(unit, tg.Baseline), tg.Baseline); err != nil {
					return nil, err
				}
				baseFacts[tg.Baseline.String()] = bf
			}
		}
		js := make([]Judgement, 0, len(byLevel[tg.Level]))
		for _, v := range byLevel[tg.Level] {
			var headcount [2]int
			if bf != nil {
				headcount = [2]int{dedicatedUnder(t, f, []*org.Version{v}, d), dedicatedUnder(t, bf, t.Roots(v.UnitID, tg.Baseline), tg.Baseline)}
			}
			ok, why := judge(tg, f, headcount, v.UnitID)
			js = append(js, Judgement{Unit: v, OK: ok, Why: why})
		}
		out[i] = js
	}
	return out, nil
}

// TrendPoint is a target's rate on one date.
type TrendPoint struct {
	Date    day.Day `json:"date"`
	Passing int     `json:"passing"`
	Total   int     `json:"total"`
	Rate    float64 `json:"rate"`
}

// Trend evaluates the scope at the ends of the four quarters before d and on
// d, and returns each target's rates over those dates (keyed by target code).
func (s *Service) Trend(ctx context.Context, actor *auth.Actor, unit int64, d day.Day) (map[string][]TrendPoint, error) {
	// refused as every other reader refuses a unit outside the scope, not
	// answered with an empty trend (the dates below skip their errors)
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(unit); err != nil {
		return nil, err
	}
	var dates []day.Day
	q := quarterStart(d).AddDays(-1) // end of the previous quarter
	for i := 0; i < 4; i++ {
		dates = append([]day.Day{q}, dates...)
		q = quarterStart(q).AddDays(-1)
	}
	dates = append(dates, d)
	out := map[string][]TrendPoint{}
	for _, at := range dates {
		r, err := s.Compliance(ctx, actor, unit, at)
		if err != nil {
			if errs.KindOf(err) == errs.Internal {
				return nil, err
			}
			continue
		}
		for _, res := range r.Results {
			out[res.Target.Code] = append(out[res.Target.Code], TrendPoint{at, res.Passing, res.Total, res.Rate})
		}
	}
	return out, nil
}

func quarterStart(d day.Day) day.Day {
	return day.Of(d.Year(), time.Month((int(d.Time().Month())-1)/3*3+1), 1)
}

type reportKey struct {
	data, tree, unit int64
	date             string
	target           string // one target's full failing list; "" the report
}

// reportCache keeps the last reports computed; the keys carry the data and
// tree generations, so an entry can never be stale, only unused.
type reportCache struct {
	mu    sync.Mutex
	m     map[reportKey]*Report
	order []reportKey
}

const reportCacheSize = 256

func (c *reportCache) get(k reportKey) *Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *reportCache) put(k reportKey, r *Report) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[reportKey]*Report{}
	}
	if _, ok := c.m[k]; ok {
		return
	}
	c.m[k] = r
	c.order = append(c.order, k)
	if len(c.order) > reportCacheSize {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

// TargetInput creates or changes a target.
type TargetInput struct {
	Code     string      `json:"code"`
	Rule     Rule        `json:"rule"`
	Level    TargetLevel `json:"level"`
	Param    float64     `json:"param"`
	Goal     float64     `json:"goal"`
	Deadline day.Day     `json:"deadline"`
	Baseline day.Day     `json:"baseline,omitzero"`
	TitleVI  string      `json:"title_vi"`
	TitleEN  string      `json:"title_en"`
	Basis    string      `json:"basis"`
	Active   bool        `json:"active"`
}

// maxParam bounds a target's threshold: no rule counts more than this
// (a number of staff, a share, a count of courses).
const maxParam = 10000

func (in *TargetInput) validate() error {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.TitleVI, in.TitleEN, in.Basis = locale.CleanString(in.TitleVI), locale.CleanString(in.TitleEN), locale.CleanString(in.Basis)
	var bad []*errs.Error
	if in.Code == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "code"))
	}
	if !oneOf(in.Rule, Rules) {
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", string(in.Rule)).At(0, "rule"))
	}
	if !oneOf(in.Level, TargetLevels) {
		bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", string(in.Level)).At(0, "level"))
	}
	if in.Param < 0 || in.Param > maxParam || (in.Rule == RuleTrained && in.Param > 1) {
		bad = append(bad, errs.Invalidf("people.err.bad_param").At(0, "param"))
	}
	if in.Goal <= 0 || in.Goal > 1 {
		bad = append(bad, errs.Invalidf("people.err.bad_goal").At(0, "goal"))
	}
	if in.Deadline.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(0, "deadline"))
	}
	if in.Rule == RuleNoIncrease && in.Baseline.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(0, "baseline"))
	}
	if in.TitleVI == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "title_vi"))
	}
	if len(bad) > 0 {
		return oneOrList(bad)
	}
	return nil
}

// SaveTarget creates a target (id 0) or changes one. Targets apply to every
// scope, so only an administrator may change them.
func (s *Service) SaveTarget(ctx context.Context, actor *auth.Actor, id int64, in TargetInput) (*Target, error) {
	if !actor.Can(auth.PermConfigure) {
		return nil, errs.ForbiddenErr()
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	t := &Target{ID: id, Code: in.Code, Rule: in.Rule, Level: in.Level, Param: in.Param, Goal: in.Goal, Deadline: in.Deadline,
		Baseline: in.Baseline, TitleVI: in.TitleVI, TitleEN: in.TitleEN, Basis: in.Basis, Active: in.Active}
	var baseline any
	if !in.Baseline.IsZero() {
		baseline = in.Baseline
	}
	err := s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		ch.Target()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM targets WHERE code = $1 AND id <> $2`, t.Code, id).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, errs.New(errs.Conflict, "people.err.target_code_taken", "Code", t.Code).At(0, "code")
		}
		if id == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO targets (code, rule, level, param, goal, deadline, baseline, title_vi, title_en, basis, active)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, t.Code, t.Rule, t.Level, t.Param, t.Goal, t.Deadline,
				baseline, t.TitleVI, t.TitleEN, t.Basis, t.Active).Scan(&t.ID)
			if err != nil {
				return nil, err
			}
			return []audit.Entry{entry("target.create", "target", t.ID, 0, nil, t)}, nil
		}
		old, err := s.target(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE targets SET code = $1, rule = $2, level = $3, param = $4, goal = $5, deadline = $6,
			baseline = $7, title_vi = $8, title_en = $9, basis = $10, active = $11 WHERE id = $12`, t.Code, t.Rule, t.Level, t.Param, t.Goal,
			t.Deadline, baseline, t.TitleVI, t.TitleEN, t.Basis, t.Active, id); err != nil {
			return nil, err
		}
		return []audit.Entry{entry("target.update", "target", id, 0, old, t)}, nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ExportFailing writes every unit of a failing list as a workbook: code,
// unit, the unit above it and why it fails (reason writes a reason in the
// reader's language).
func (s *Service) ExportFailing(ctx context.Context, actor *auth.Actor, fp *FailingPage, lang string, reason func(Reason) string, out io.Writer) error {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return err
	}
	head := []string{"Mã", "Đơn vị", "Trực thuộc", "Lý do chưa đạt"}
	if lang == "en" {
		head = []string{"Code", "Unit", "Part of", "Why it fails"}
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	sh, err := wb.AddSheet(fp.Target.Code, []sheet.Column{{Header: head[0], Width: 12}, {Header: head[1], Width: 36},
		{Header: head[2], Width: 30}, {Header: head[3], Width: 50}}, 0)
	if err != nil {
		return err
	}
	for _, u := range fp.Units {
		code := ""
		if v := t.At(u.UnitID, fp.AsOf); v != nil {
			code = unitCode(v)
		}
		if err := sh.Append(code, u.Name, u.Parent, reason(u.Reason)); err != nil {
			return err
		}
	}
	return wb.Write(out)
}
