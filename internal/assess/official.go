package assess

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Official results: what the ministry published for a national index (the
// provincial DTI…) — per unit and year, the index, the rank and the value
// of each main indicator. They are kept as published, on the tree the
// publication named (the year's own, or the tree after a reorganisation
// when the ministry restated them, as it did for DTI 2024). For a unit
// formed by a merger, the years before it existed are computed at request
// time from its predecessors' results: their plain average, as the
// ministry did, or the weights an administrator set.

// Official is one unit's result of a national index for a year.
type Official struct {
	ID       int64    `json:"id,omitempty"` // 0 when computed from predecessors
	Family   string   `json:"family"`
	Year     int      `json:"year"`
	UnitID   int64    `json:"unit_id"`
	Name     string   `json:"name"`
	Code     string   `json:"code,omitempty"`
	TreeDate day.Day  `json:"tree_date"`
	DTI      *float64 `json:"dti,omitempty"`
	Rank     int      `json:"rank,omitempty"` // as published
	RankOf   int      `json:"rank_of,omitempty"`
	// Place is the rank in the list it is shown in: the published rank
	// when the list is a published ranking, otherwise the order of the
	// index among the units that have one (PlaceOf).
	Place   int                `json:"place,omitempty"`
	PlaceOf int                `json:"place_of,omitempty"`
	Values  map[string]float64 `json:"values"` // main indicator code → value 0–1
	Source  string             `json:"source,omitempty"`
	// Restated results are computed from the predecessors' (From), by
	// their plain average or by the weights set (Weighted); Missing names
	// predecessors with no result for the year.
	Restated bool     `json:"restated,omitempty"`
	Weighted bool     `json:"weighted,omitempty"`
	From     []Part   `json:"from,omitempty"`
	Missing  []string `json:"missing,omitempty"`
}

// Part is a predecessor's result in a restated one.
type Part struct {
	UnitID int64    `json:"unit_id"`
	Name   string   `json:"name"`
	Weight float64  `json:"weight"`
	DTI    *float64 `json:"dti,omitempty"`
	Rank   int      `json:"rank,omitempty"`
	RankOf int      `json:"rank_of,omitempty"`
}

// Modes of an official ranking.
const (
	AsWas    = "as_was"   // the units of the tree the results were published on
	Restated = "restated" // today's units, merged ones computed from their predecessors
)

// OfficialRanking is a year's published results.
type OfficialRanking struct {
	Family    string     `json:"family"`
	Year      int        `json:"year"`
	Mode      string     `json:"mode"`
	Framework *Framework `json:"framework"` // the version of that year
	Mains     []*Node    `json:"-"`
	Rows      []Official `json:"results"`
}

// Mains are the main indicators of a framework: the nodes just under its
// pillars (a criterion there, in a small framework, is its own main
// indicator).
func (f *Framework) Mains() []*Node {
	var out []*Node
	for _, p := range f.Nodes {
		out = append(out, p.Children...)
	}
	return out
}

// FrameworkFor is the published version of a family that serves a year
// (the newest, when an administrator filled in a later one), or an error
// naming the year.
func (s *Service) FrameworkFor(ctx context.Context, family string, year int) (*Framework, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM frameworks WHERE family = $1 AND status = 'published' AND year_from <> 0
		AND year_from <= $2 AND (year_to = 0 OR year_to >= $2) ORDER BY version DESC LIMIT 1`, family, year)
	if err != nil {
		return nil, err
	}
	var id int64
	found := rows.Next()
	if found {
		err = rows.Scan(&id)
	}
	rows.Close()
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errs.Invalidf("assess.err.no_framework_year", "Family", family, "Year", year).At(0, "year")
	}
	return s.framework(ctx, s.db, id)
}

// frameworkSeen is FrameworkFor, for an actor: a framework defined outside
// their part of the tree is as if there were none.
func (s *Service) frameworkSeen(ctx context.Context, t *org.Scoped, family string, year int) (*Framework, error) {
	f, err := s.FrameworkFor(ctx, family, year)
	if err != nil {
		return nil, err
	}
	if !ownerVisible(t, f.OwnerUnitID) {
		return nil, errs.Invalidf("assess.err.no_framework_year", "Family", family, "Year", year).At(0, "year")
	}
	return f, nil
}

// stored reads the results kept for a family and year.
func (s *Service) stored(ctx context.Context, family string, year int) ([]Official, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, unit_id, tree_date, dti, rank, rank_of, source FROM official_results
		WHERE family = $1 AND year = $2 ORDER BY id`, family, year)
	if err != nil {
		return nil, err
	}
	var out []Official
	for rows.Next() {
		o := Official{Family: family, Year: year, Values: map[string]float64{}}
		var dti sql.NullFloat64
		var rank, of sql.NullInt64
		if err := rows.Scan(&o.ID, &o.UnitID, &o.TreeDate, &dti, &rank, &of, &o.Source); err != nil {
			rows.Close()
			return nil, err
		}
		if dti.Valid {
			o.DTI = &dti.Float64
		}
		o.Rank, o.RankOf = int(rank.Int64), int(of.Int64)
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	vals, err := s.db.QueryContext(ctx, `SELECT v.result_id, v.code, v.value FROM official_result_values v JOIN official_results r ON r.id = v.result_id
		WHERE r.family = $1 AND r.year = $2`, family, year)
	if err != nil {
		return nil, err
	}
	defer vals.Close()
	at := map[int64]*Official{}
	for i := range out {
		at[out[i].ID] = &out[i]
	}
	for vals.Next() {
		var id int64
		var code string
		var v float64
		if err := vals.Scan(&id, &code, &v); err != nil {
			return nil, err
		}
		if o := at[id]; o != nil {
			o.Values[code] = v
		}
	}
	return out, vals.Err()
}

// OfficialResults is a year's published results of a family, on the tree
// they were published on (AsWas) or on today's (Restated).
func (s *Service) OfficialResults(ctx context.Context, actor *auth.Actor, family string, year int, mode string) (*OfficialRanking, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	f, err := s.frameworkSeen(ctx, t, family, year)
	if err != nil {
		return nil, err
	}
	if mode != AsWas {
		mode = Restated
	}
	all, err := s.stored(ctx, family, year)
	if err != nil {
		return nil, err
	}
	rk := &OfficialRanking{Family: family, Year: year, Mode: mode, Framework: f, Mains: f.Mains()}
	if mode == AsWas {
		end := s.yearTree(t.Snapshot, f.Level, year)
		for _, o := range all {
			if !o.TreeDate.After(end) {
				name(t.Snapshot, &o)
				rk.Rows = append(rk.Rows, o)
			}
		}
	} else {
		weights, err := s.weights(ctx, family)
		if err != nil {
			return nil, err
		}
		rk.Rows = restate(t.Snapshot, all, weights, s.org.Today())
	}
	rankRows(rk.Rows)
	if f.OwnerUnitID != t.RootID {
		// a province's own index is seen within the province; the national
		// ones are public
		var in []Official
		for _, o := range rk.Rows {
			if t.InScope(o.UnitID) {
				in = append(in, o)
			}
		}
		rk.Rows = in
	}
	return rk, nil
}

func name(snap *org.Snapshot, o *Official) {
	v := snap.At(o.UnitID, o.TreeDate)
	if v == nil {
		v = snap.Latest(o.UnitID)
	}
	if v != nil {
		o.Name, o.Code = v.Name, v.Code
	}
}

// restate carries a year's results onto the units of today: a unit with
// its own result keeps it; a unit formed since from others is computed
// from theirs (through every step of its lineage).
func restate(snap *org.Snapshot, all []Official, weights map[int64]map[int64]float64, today day.Day) []Official {
	byUnit := map[int64]*Official{}
	for i := range all {
		byUnit[all[i].UnitID] = &all[i]
	}
	// today's units that have a result, or that some result's unit became
	units := map[int64]bool{}
	var carry func(u int64, depth int)
	carry = func(u int64, depth int) {
		if depth > 8 {
			return
		}
		if snap.At(u, today) != nil {
			units[u] = true
			return
		}
		for _, l := range snap.Successors(u) {
			carry(l.SuccessorID, depth+1)
		}
	}
	for _, o := range all {
		carry(o.UnitID, 0)
	}
	var out []Official
	for u := range units {
		if own := byUnit[u]; own != nil {
			o := *own
			name(snap, &o)
			v := snap.At(u, today)
			o.Name, o.Code = v.Name, v.Code
			out = append(out, o)
			continue
		}
		o := Official{Family: all[0].Family, Year: all[0].Year, UnitID: u, TreeDate: today, Restated: true, Values: map[string]float64{}}
		if v := snap.At(u, today); v != nil {
			o.Name, o.Code = v.Name, v.Code
		}
		w := weights[u]
		o.Weighted = len(w) > 0
		var parts func(u int64, depth int)
		seen := map[int64]bool{}
		parts = func(u int64, depth int) {
			for _, l := range snap.Predecessors(u) {
				q := l.PredecessorID
				if seen[q] || depth > 8 {
					continue
				}
				seen[q] = true
				pv := snap.Latest(q)
				if r := byUnit[q]; r != nil {
					p := Part{UnitID: q, Weight: 1, DTI: r.DTI, Rank: r.Rank, RankOf: r.RankOf}
					if pv != nil {
						p.Name = pv.Name
					}
					if x, ok := w[q]; ok {
						p.Weight = x
					}
					o.From = append(o.From, p)
					continue
				}
				if len(snap.Predecessors(q)) > 0 {
					parts(q, depth+1)
				} else if pv != nil {
					o.Missing = append(o.Missing, pv.Name)
				}
			}
		}
		parts(u, 0)
		if len(o.From) == 0 {
			continue
		}
		sort.Slice(o.From, func(i, j int) bool { return locale.Fold(o.From[i].Name) < locale.Fold(o.From[j].Name) })
		sort.Strings(o.Missing)
		sums, ws := map[string]float64{}, map[string]float64{}
		var dti, dw float64
		for _, p := range o.From {
			r := byUnit[p.UnitID]
			for code, v := range r.Values {
				sums[code] += p.Weight * v
				ws[code] += p.Weight
			}
			if r.DTI != nil {
				dti += p.Weight * *r.DTI
				dw += p.Weight
			}
		}
		for code, v := range sums {
			o.Values[code] = round4(v / ws[code])
		}
		if dw > 0 {
			v := round4(dti / dw)
			o.DTI = &v
		}
		out = append(out, o)
	}
	return out
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// rankRows orders results best first and places them: a list that is a
// published ranking (every row with its published rank, out of the same
// number, none computed) keeps the published ranks; any other list is
// ordered by index, and placed among the rows that have one.
func rankRows(rows []Official) {
	published := len(rows) > 0
	for _, r := range rows {
		if r.Rank == 0 || r.Restated || r.RankOf != rows[0].RankOf {
			published = false
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if published {
			return a.Rank < b.Rank
		}
		switch {
		case a.DTI != nil && b.DTI != nil && *a.DTI != *b.DTI:
			return *a.DTI > *b.DTI
		case (a.DTI != nil) != (b.DTI != nil):
			return a.DTI != nil
		case a.Rank != b.Rank && a.Rank != 0 && b.Rank != 0:
			return a.Rank < b.Rank
		}
		return locale.Fold(a.Name) < locale.Fold(b.Name)
	})
	if published {
		for i := range rows {
			rows[i].Place, rows[i].PlaceOf = rows[i].Rank, rows[i].RankOf
		}
		return
	}
	n := 0
	for _, r := range rows {
		if r.DTI != nil {
			n++
		}
	}
	if n < 2 {
		return // a ranking of one is no ranking
	}
	for i := range rows {
		if rows[i].DTI == nil {
			continue
		}
		rows[i].Place, rows[i].PlaceOf = i+1, n
		if i > 0 && rows[i-1].DTI != nil && *rows[i-1].DTI == *rows[i].DTI {
			rows[i].Place = rows[i-1].Place
		}
	}
}

// Standing is the rank a result is judged by: the published one, or its
// place in the list it was computed in.
func (o *Official) Standing() (rank, of int) {
	if o.Rank > 0 && !o.Restated {
		return o.Rank, o.RankOf
	}
	return o.Place, o.PlaceOf
}

// ResultInput is one published result as typed or read from a sheet.
type ResultInput struct {
	Family string `json:"family"`
	Year   int    `json:"year"`
	UnitID int64  `json:"unit_id"`
	// Today says the unit is named on today's tree (results the ministry
	// published after a reorganisation for the units it made); otherwise
	// on the tree of the year's end.
	Today  bool               `json:"today"`
	DTI    *float64           `json:"dti"`
	Rank   int                `json:"rank"`
	RankOf int                `json:"rank_of"`
	Values map[string]float64 `json:"values"` // main indicator code → 0–1
	Source string             `json:"source"`
}

// checkResult validates one result against the framework of its year and
// the tree it names its unit on; line is the sheet row (0 when typed).
func checkResult(t *org.Scoped, f *Framework, in *ResultInput, line int, treeDate day.Day) []*errs.Error {
	var bad []*errs.Error
	at := func(field, key string, kv ...any) { bad = append(bad, errs.Invalidf(key, kv...).At(line, field)) }
	v := t.At(in.UnitID, treeDate)
	switch {
	case !t.Exists(in.UnitID) || v == nil || !levelFits(t.Snapshot, f.Level, v, treeDate):
		at("unit_id", "assess.err.unknown_unit", "Date", treeDate.VN())
	case !t.InScope(in.UnitID):
		at("unit_id", "assess.err.unit_outside")
	}
	mains := map[string]bool{}
	for _, m := range f.Mains() {
		mains[m.Code] = true
	}
	for code, x := range in.Values {
		switch {
		case !mains[code]:
			at(code, "assess.err.not_main", "Code", code, "Framework", f.NameVI)
		case x < 0 || x > 1 || math.IsNaN(x):
			at(code, "assess.err.index_range", "Value", x)
		}
	}
	if in.DTI != nil && (*in.DTI < 0 || *in.DTI > 1 || math.IsNaN(*in.DTI)) {
		at("dti", "assess.err.index_range", "Value", *in.DTI)
	}
	if in.Rank < 0 || in.RankOf < 0 || in.Rank > 0 && in.RankOf > 0 && in.Rank > in.RankOf || in.RankOf > 10000 {
		at("rank", "assess.err.rank", "Rank", in.Rank, "Of", in.RankOf)
	}
	if in.DTI == nil && in.Rank == 0 && len(in.Values) == 0 {
		at("dti", "assess.err.empty_result")
	}
	return bad
}

// levelFits says whether a unit is of the level a framework assesses.
func levelFits(snap *org.Snapshot, l Level, v *org.Version, d day.Day) bool {
	switch l {
	case LevelProvince:
		return v.Level == org.LevelProvince
	case LevelMinistry:
		p := snap.At(v.ParentID, d)
		return v.Level == org.LevelAgency && p != nil && p.Level == org.LevelNation
	case LevelCommune:
		return v.Level == org.LevelCommune
	case LevelDepartment:
		p := snap.At(v.ParentID, d)
		return v.Level == org.LevelAgency && p != nil && p.Level == org.LevelProvince
	}
	return true
}

// treeDate is the tree a result names its unit on: today's, or the
// year's (see yearTree).
func (s *Service) treeDate(snap *org.Snapshot, l Level, in *ResultInput) day.Day {
	if in.Today {
		return s.org.Today()
	}
	return s.yearTree(snap, l, in.Year)
}

// yearTree is the tree of a year: as it stood on its last day, or, when
// the database's tree begins later (it was loaded from a list as of a
// later date), the first tree after it that holds units of the level.
func (s *Service) yearTree(snap *org.Snapshot, l Level, year int) day.Day {
	today := s.org.Today()
	for d := day.Of(year, 12, 31); d.Before(today); d = day.Of(d.Year()+1, 1, 1) {
		for _, v := range snap.Children(snap.RootID, d) {
			if levelFits(snap, l, v, d) || l == LevelCommune || l == LevelDepartment {
				return d
			}
		}
	}
	return day.Of(year, 12, 31)
}

// mayRecord: the national administrator, or a coordinator for the units
// of their scope.
func mayRecord(a *auth.Actor) bool { return mayDesign(a) }

// RecordResult stores (or replaces) one unit's published result.
func (s *Service) RecordResult(ctx context.Context, actor *auth.Actor, in ResultInput) (*Official, error) {
	if !mayRecord(actor) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	in.Family = strings.ToUpper(strings.TrimSpace(in.Family))
	if in.Family == "" {
		in.Family = DTIFamily
	}
	if in.Year < 2000 || in.Year > 2100 {
		return nil, errs.Invalidf("indicator.err.bad_year", "Value", in.Year).At(0, "year")
	}
	f, err := s.frameworkSeen(ctx, t, in.Family, in.Year)
	if err != nil {
		return nil, err
	}
	if !t.Exists(in.UnitID) {
		return nil, errs.Invalidf("org.err.unknown_unit", "ID", in.UnitID).At(0, "unit_id")
	}
	d := s.treeDate(t.Snapshot, f.Level, &in)
	if bad := checkResult(t, f, &in, 0, d); len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.writeResult(ctx, tx, actor, in, d)
		if err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), e)
	})
	if err != nil {
		return nil, err
	}
	rk, err := s.OfficialResults(ctx, actor, in.Family, in.Year, AsWas)
	if err != nil {
		return nil, err
	}
	for _, o := range rk.Rows {
		if o.UnitID == in.UnitID {
			return &o, nil
		}
	}
	rk, err = s.OfficialResults(ctx, actor, in.Family, in.Year, Restated)
	if err != nil {
		return nil, err
	}
	for _, o := range rk.Rows {
		if o.UnitID == in.UnitID {
			return &o, nil
		}
	}
	return nil, errs.NotFoundErr()
}

// writeResult replaces a unit's result for the year in tx, returning its
// audit entry.
func (s *Service) writeResult(ctx context.Context, tx *sql.Tx, actor *auth.Actor, in ResultInput, d day.Day) (audit.Entry, error) {
	var old struct {
		ID   int64
		DTI  sql.NullFloat64
		Rank sql.NullInt64
	}
	err := tx.QueryRowContext(ctx, `SELECT id, dti, rank FROM official_results WHERE family = $1 AND year = $2 AND unit_id = $3`,
		in.Family, in.Year, in.UnitID).Scan(&old.ID, &old.DTI, &old.Rank)
	if err != nil && !db.IsNoRows(err) {
		return audit.Entry{}, err
	}
	var before any
	if old.ID != 0 {
		before = map[string]any{"dti": nullable(old.DTI), "rank": old.Rank.Int64}
		if _, err := tx.ExecContext(ctx, `DELETE FROM official_result_values WHERE result_id = $1`, old.ID); err != nil {
			return audit.Entry{}, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM official_results WHERE id = $1`, old.ID); err != nil {
			return audit.Entry{}, err
		}
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO official_results (family, year, unit_id, tree_date, dti, rank, rank_of, source, entered_by, entered_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, in.Family, in.Year, in.UnitID, d, nullFloat(in.DTI), nullInt(in.Rank),
		nullInt(in.RankOf), locale.CleanString(in.Source), nullID(actor.UserID), s.now().UTC()).Scan(&id); err != nil {
		return audit.Entry{}, err
	}
	codes := make([]string, 0, len(in.Values))
	for c := range in.Values {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO official_result_values (result_id, code, value) VALUES ($1, $2, $3)`, id, c, in.Values[c]); err != nil {
			return audit.Entry{}, err
		}
	}
	return audit.Entry{Action: "official_result.save", Entity: "official_result", EntityID: fmt.Sprint(id), UnitID: in.UnitID,
		Before: before, After: map[string]any{"family": in.Family, "year": in.Year, "dti": in.DTI, "rank": in.Rank, "rank_of": in.RankOf,
			"values": in.Values, "source": in.Source, "tree_date": d}}, nil
}

func nullable(f sql.NullFloat64) any {
	if !f.Valid {
		return nil
	}
	return f.Float64
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// Years lists the years that have published results of a family.
func (s *Service) Years(ctx context.Context, family string) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT year FROM official_results WHERE family = $1 ORDER BY year DESC`, family)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// Assessable lists the units of the actor's scope a family's results may
// be recorded for: those of its level today and, for a year before, on
// the year's tree — today's first.
func (s *Service) Assessable(ctx context.Context, actor *auth.Actor, family string, year int) ([]*org.Version, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	f, err := s.frameworkSeen(ctx, t, family, year)
	if err != nil {
		return nil, err
	}
	var out []*org.Version
	seen := map[int64]bool{}
	for _, d := range []day.Day{s.org.Today(), s.yearTree(t.Snapshot, f.Level, year)} {
		for _, v := range t.Children(t.RootID, d) {
			if !seen[v.UnitID] && t.InScope(v.UnitID) && levelFits(t.Snapshot, f.Level, v, d) {
				seen[v.UnitID] = true
				out = append(out, v)
			}
		}
	}
	return out, nil
}
