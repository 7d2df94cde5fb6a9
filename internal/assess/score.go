package assess

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"sort"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Source is where a criterion's score comes from.
type Source string

// The sources, in the order of trust: a figure mangluoi measures from its
// own registers; a figure a unit reported and a reviewer approved; a
// judgement the unit made with evidence, which a reviewer verifies.
const (
	SourceMeasured  Source = "measured"
	SourceReported  Source = "reported"
	SourceJudgement Source = "judgement"
)

// Enum lists the values for the API's document.
func (Source) Enum() []string { return enum.Of(SourceMeasured, SourceReported, SourceJudgement) }

// sourceOf says where an indicator's figures come from, as its definition
// says: measured by mangluoi from its registers, or reported by units (or
// pushed by another system), which count once approved.
func sourceOf(ind *indicator.Indicator) Source {
	if ind.IsMeasured() {
		return SourceMeasured
	}
	return SourceReported
}

// Why a criterion bound to an indicator has no figure.
const (
	NoIndicator = "no_indicator" // the indicator is not defined (yet)
	NoValue     = "no_value"     // no approved figure for the unit and year
)

// Which score of a criterion counts.
const (
	CountsReview = "review"
	CountsAuto   = "auto"
	CountsSelf   = "self"
)

// Score is one node's score for one unit.
type Score struct {
	NodeID int64 `json:"node_id"`
	// Source is how the criterion is scored: from a measured or a
	// reported figure, or by judgement (criteria only).
	Source Source `json:"source,omitempty"`
	// Missing says why a criterion bound to an indicator has no figure;
	// its self-assessed score counts meanwhile.
	Missing       string       `json:"missing,omitempty"`
	Value         *float64     `json:"indicator_value,omitempty"` // the indicator's value for the year
	Auto          *float64     `json:"auto,omitempty"`            // the score the figure gives
	Self          *float64     `json:"self,omitempty"`            // the unit's own score, kept beside a figure's
	SelfNote      string       `json:"self_note,omitempty"`
	Review        *float64     `json:"review,omitempty"`
	ReviewComment string       `json:"review_comment,omitempty"`
	Final         float64      `json:"final"`
	Counts        string       `json:"counts,omitempty"` // review, auto or self; empty when nothing is scored yet
	Prev          *float64     `json:"previous,omitempty"`
	PrevMax       float64      `json:"previous_max,omitempty"`
	Files         []files.File `json:"files,omitempty"`
}

// Change is the change since last year as a share of the maximum (0.1 is
// ten points of a hundred), comparable when the maximum changed with a new
// version of the framework.
func (sc *Score) Change(max float64) (float64, bool) {
	if sc == nil || sc.Prev == nil || sc.PrevMax <= 0 || max <= 0 {
		return 0, false
	}
	return sc.Final/max - *sc.Prev/sc.PrevMax, true
}

// Card is one unit's scores in a round.
type Card struct {
	Round     *Round           `json:"round"`
	Framework *Framework       `json:"framework"`
	Unit      *org.Version     `json:"unit"`
	Scores    map[int64]*Score `json:"scores"`
	Total     float64          `json:"total"`
	Max       float64          `json:"max"`
	Index     float64          `json:"index"`
	Rank      int              `json:"rank"`
	Of        int              `json:"of"`
	Prev      *Standing        `json:"previous,omitempty"`
	Share     Share            `json:"automatic"`
	CanSelf   bool             `json:"can_self"`
	CanReview bool             `json:"can_review"`
}

// Standing is a unit's place in a round.
type Standing struct {
	RoundID int64   `json:"round_id"`
	Year    int     `json:"year"`
	Total   float64 `json:"total"`
	Index   float64 `json:"index"`
	Rank    int     `json:"rank"`
	Of      int     `json:"of"`
}

// Result is one unit in a ranking.
type Result struct {
	UnitID  int64     `json:"unit_id"`
	Name    string    `json:"name"`
	Code    string    `json:"code,omitempty"`
	Total   float64   `json:"total"`
	Index   float64   `json:"index"`
	Rank    int       `json:"rank"`
	Pillars []float64 `json:"pillars"`
	Prev    *Standing `json:"previous,omitempty"`
	// Scores are every node's score, this year and last, by node id.
	Scores map[int64]*Score `json:"scores,omitempty"`
}

// Change is the change of index since last year, in points of 100.
func (r *Result) Change() (float64, bool) {
	if r.Prev == nil {
		return 0, false
	}
	return (r.Index - r.Prev.Index) * 100, true
}

// Ranking is a round's results, best first.
type Ranking struct {
	Round     *Round     `json:"round"`
	Framework *Framework `json:"framework"`
	Max       float64    `json:"max"`
	Results   []Result   `json:"results"`
	Of        int        `json:"of"` // units ranked (the actor may see fewer)
	Share     Share      `json:"automatic"`
}

// By ranks the results by one node's score (a pillar, a main indicator or
// a component), best first, keeping the order of the total between equals.
func (rk *Ranking) By(node int64) []Result {
	out := append([]Result(nil), rk.Results...)
	score := func(r Result) float64 {
		if sc := r.Scores[node]; sc != nil {
			return sc.Final
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool { return score(out[i]) > score(out[j]) })
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && math.Abs(score(out[i])-score(out[i-1])) < 1e-9 {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}

// Share is how much of a framework scores itself from figures.
type Share struct {
	Criteria int     `json:"criteria"`
	Auto     int     `json:"auto"`     // bound to an indicator
	Measured int     `json:"measured"` // …that mangluoi measures from its registers
	Max      float64 `json:"max"`
	AutoMax  float64 `json:"auto_points"`
	// Filled counts, on a card, the bound criteria whose figure was there
	// and counted.
	Filled int `json:"filled,omitempty"`
}

// Rate is the automatic share of the framework's points.
func (s Share) Rate() float64 {
	if s.Max <= 0 {
		return 0
	}
	return s.AutoMax / s.Max
}

// share counts a framework's criteria scored from figures; defs resolves
// an indicator code (nil when not defined).
func share(f *Framework, defs func(string) *indicator.Indicator) Share {
	var sh Share
	for _, c := range f.Criteria() {
		sh.Criteria++
		sh.Max += c.Max
		if c.FromIndicator() {
			sh.Auto++
			sh.AutoMax += c.Max
			if ind := defs(c.Indicator); ind != nil && sourceOf(ind) == SourceMeasured {
				sh.Measured++
			}
		}
	}
	return sh
}

// Share says how much of a framework scores itself from figures.
func (s *Service) Share(ctx context.Context, actor *auth.Actor, f *Framework) (Share, error) {
	all, err := s.ind.List(ctx, actor, true)
	if err != nil {
		return Share{}, err
	}
	byCode := map[string]*indicator.Indicator{}
	for _, i := range all {
		byCode[i.Code] = i
	}
	return share(f, func(c string) *indicator.Indicator { return byCode[c] }), nil
}

// figures reads the year's approved figure of every indicator the
// framework's criteria are bound to, restated to today's units. An
// indicator that is not defined is left out (its criteria say so).
func (s *Service) figures(ctx context.Context, r *Round, f *Framework) (map[string]map[int64]indicator.Figure, map[string]*indicator.Indicator, error) {
	values := map[string]map[int64]indicator.Figure{}
	defs := map[string]*indicator.Indicator{}
	for _, c := range f.Criteria() {
		if !c.FromIndicator() {
			continue
		}
		if _, done := values[c.Indicator]; done {
			continue
		}
		v, ind, err := s.ind.Values(ctx, c.Indicator, indicator.Period{Type: indicator.Yearly, Year: r.Year, N: 1}, r.Units,
			indicator.Restated, indicator.BasisApproved, s.org.Today())
		if e, ok := errs.As(err); ok && e.Key == "indicator.err.unknown_code" {
			values[c.Indicator] = nil
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		values[c.Indicator], defs[c.Indicator] = v, ind
	}
	return values, defs, nil
}

// compute scores every unit of a round: stored self-assessments and
// reviews, and the criteria bound to indicators from the units' figures
// for the year, restated to today's units, computed now. For a criterion
// bound to an indicator, the figure's score counts and the unit's own
// score is kept beside it; without a figure the unit's own counts; a
// reviewer's adjustment counts over both.
func (s *Service) compute(ctx context.Context, r *Round, f *Framework, withPrev bool) ([]Result, error) {
	stored, err := s.storedScores(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	values, defs, err := s.figures(ctx, r, f)
	if err != nil {
		return nil, err
	}
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	today := s.org.Today()
	out := make([]Result, 0, len(r.Units))
	for _, u := range r.Units {
		res := Result{UnitID: u, Scores: map[int64]*Score{}}
		if v := snap.At(u, today); v != nil {
			res.Name, res.Code = v.Name, v.Code
		} else if v := snap.Latest(u); v != nil {
			res.Name, res.Code = v.Name, v.Code
		}
		for _, c := range f.Criteria() {
			sc := &Score{NodeID: c.ID, Source: SourceJudgement}
			if st := stored[u][c.ID]; st != nil {
				*sc = *st
				sc.Source = SourceJudgement
			}
			if c.FromIndicator() {
				switch ind := defs[c.Indicator]; {
				case ind == nil:
					sc.Missing = NoIndicator
				default:
					sc.Source = sourceOf(ind)
					if fig, ok := values[c.Indicator][u]; ok && fig.Has() {
						v := fig.V()
						a := c.Score(v)
						sc.Value, sc.Auto = &v, &a
					} else {
						sc.Missing = NoValue
					}
				}
			}
			switch {
			case sc.Review != nil:
				sc.Final, sc.Counts = *sc.Review, CountsReview
			case sc.Auto != nil:
				sc.Final, sc.Counts = *sc.Auto, CountsAuto
			case sc.Self != nil:
				sc.Final, sc.Counts = *sc.Self, CountsSelf
			}
			res.Scores[c.ID] = sc
		}
		var sum func(n *Node) float64
		sum = func(n *Node) float64 {
			if n.Leaf() {
				return res.Scores[n.ID].Final
			}
			t := 0.0
			for _, c := range n.Children {
				t += sum(c)
			}
			t = math.Min(t, n.Max)
			res.Scores[n.ID] = &Score{NodeID: n.ID, Final: t}
			return t
		}
		for _, p := range f.Nodes {
			v := sum(p)
			res.Pillars = append(res.Pillars, v)
			res.Total += v
		}
		if m := f.Max(); m > 0 {
			res.Index = res.Total / m
		}
		out = append(out, res)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return locale.Fold(out[i].Name) < locale.Fold(out[j].Name)
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && math.Abs(out[i].Total-out[i-1].Total) < 1e-9 {
			out[i].Rank = out[i-1].Rank
		}
	}
	if withPrev {
		prev, err := s.previous(ctx, r, f)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			for i := range out {
				out[i].Prev = prev.standing[out[i].UnitID]
				before := prev.scores[out[i].UnitID]
				f.Walk(func(n *Node, _ int) {
					code := n.Code
					if n.Continues != "" {
						code = n.Continues
					}
					if p, ok := before[code]; ok {
						sc := out[i].Scores[n.ID]
						v := p.final
						sc.Prev, sc.PrevMax = &v, p.max
					}
				})
			}
		}
	}
	return out, nil
}

func (s *Service) storedScores(ctx context.Context, round int64) (map[int64]map[int64]*Score, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, node_id, self_score, self_note, review_score, review_comment FROM assessment_scores WHERE round_id = $1`, round)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stored := map[int64]map[int64]*Score{}
	for rows.Next() {
		var u, n int64
		var self, rev sql.NullFloat64
		sc := &Score{}
		if err := rows.Scan(&u, &n, &self, &sc.SelfNote, &rev, &sc.ReviewComment); err != nil {
			return nil, err
		}
		sc.NodeID = n
		if self.Valid {
			sc.Self = &self.Float64
		}
		if rev.Valid {
			sc.Review = &rev.Float64
		}
		if stored[u] == nil {
			stored[u] = map[int64]*Score{}
		}
		stored[u][n] = sc
	}
	return stored, rows.Err()
}

// lastYear is last year's round of the same framework family and owner:
// each unit's standing and each node's final score by code.
type lastYear struct {
	standing map[int64]*Standing
	scores   map[int64]map[string]struct{ final, max float64 }
}

// previous scores last year's round of the same framework family (a
// version before, when the framework changed: items are matched by code,
// or by the code they continue).
func (s *Service) previous(ctx context.Context, r *Round, f *Framework) (*lastYear, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT r.id FROM assessment_rounds r JOIN frameworks fw ON fw.id = r.framework_id
		WHERE fw.family = $1 AND r.year = $2 AND r.owner_unit_id = $3 ORDER BY r.id DESC LIMIT 1`, f.Family, r.Year-1, r.OwnerUnitID).Scan(&id)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pr, err := s.round(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	pf, err := s.framework(ctx, s.db, pr.FrameworkID)
	if err != nil {
		return nil, err
	}
	res, err := s.compute(ctx, pr, pf, false)
	if err != nil {
		return nil, err
	}
	out := &lastYear{standing: map[int64]*Standing{}, scores: map[int64]map[string]struct{ final, max float64 }{}}
	for _, x := range res {
		out.standing[x.UnitID] = &Standing{RoundID: pr.ID, Year: pr.Year, Total: x.Total, Index: x.Index, Rank: x.Rank, Of: len(res)}
		by := map[string]struct{ final, max float64 }{}
		pf.Walk(func(n *Node, _ int) {
			if sc := x.Scores[n.ID]; sc != nil {
				by[n.Code] = struct{ final, max float64 }{sc.Final, n.Max}
			}
		})
		out.scores[x.UnitID] = by
	}
	return out, nil
}

// Ranking computes a round's ranking now. The actor sees the units of
// their scope (a commune sees its own place, not the others').
func (s *Service) Ranking(ctx context.Context, actor *auth.Actor, id int64) (*Ranking, error) {
	r, err := s.Round(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	f, all, err := s.ranked(ctx, r)
	if err != nil {
		return nil, err
	}
	rk := &Ranking{Round: r, Framework: f, Max: f.Max(), Of: len(all)}
	if rk.Share, err = s.Share(ctx, actor, f); err != nil {
		return nil, err
	}
	for _, x := range all {
		if t.InScope(x.UnitID) {
			rk.Results = append(rk.Results, x)
		}
	}
	return rk, nil
}

// PublicRanking is a round's ranking for anyone, only if the province has
// published it: names, totals, index and rank, not the scores of each
// criterion.
func (s *Service) PublicRanking(ctx context.Context, id int64) (*Ranking, error) {
	r, ok, err := s.keptRound(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok || !r.Published {
		return nil, errs.NotFoundErr()
	}
	f, kept, err := s.ranked(ctx, r)
	if err != nil {
		return nil, err
	}
	all := slices.Clone(kept) // the kept results are shared
	for i := range all {
		all[i].Scores = nil
	}
	return &Ranking{Round: r, Framework: f, Max: f.Max(), Results: all, Of: len(all)}, nil
}

// Card returns one unit's scores in a round, with what the actor may do.
func (s *Service) Card(ctx context.Context, actor *auth.Actor, roundID, unit int64) (*Card, error) {
	r, err := s.Round(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(t, unit, "unit"); err != nil {
		return nil, err
	}
	in := false
	for _, u := range r.Units {
		in = in || u == unit
	}
	if !in {
		return nil, errs.Invalidf("assess.err.not_in_round").At(0, "unit")
	}
	f, err := s.framework(ctx, s.db, r.FrameworkID)
	if err != nil {
		return nil, err
	}
	all, err := s.compute(ctx, r, f, true)
	if err != nil {
		return nil, err
	}
	c := &Card{Round: r, Framework: f, Max: f.Max(), Of: len(all)}
	c.Unit = t.At(unit, s.org.Today())
	if c.Unit == nil {
		c.Unit = t.Latest(unit)
	}
	for _, x := range all {
		if x.UnitID == unit {
			c.Scores, c.Total, c.Index, c.Rank, c.Prev = x.Scores, x.Total, x.Index, x.Rank, x.Prev
		}
	}
	if c.Share, err = s.Share(ctx, actor, f); err != nil {
		return nil, err
	}
	for _, n := range f.Criteria() {
		if sc := c.Scores[n.ID]; n.FromIndicator() && sc != nil && sc.Auto != nil {
			c.Share.Filled++
		}
	}
	if err := s.cardFiles(ctx, c, unit); err != nil {
		return nil, err
	}
	// a unit assesses itself (its focal person; the administrator may act
	// for it); the secretariat above it reviews
	c.CanSelf = r.Status == RoundSelf && actor.Can(auth.PermEnterData) &&
		(actor.ScopeUnitID == unit || actor.Role == auth.RoleAdmin || actor.Role == auth.RoleFocal)
	c.CanReview = r.Status != RoundClosed && mayDesign(actor) && (actor.ScopeUnitID != unit || actor.Role == auth.RoleAdmin)
	return c, nil
}

func (s *Service) cardFiles(ctx context.Context, c *Card, unit int64) error {
	rows, err := s.db.QueryContext(ctx, `SELECT af.node_id, f.id, f.name, f.content_type, f.size, f.uploaded_at FROM assessment_files af
		JOIN files f ON f.id = af.file_id WHERE af.round_id = $1 AND af.unit_id = $2 ORDER BY f.id`, c.Round.ID, unit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		var f files.File
		if err := rows.Scan(&n, &f.ID, &f.Name, &f.ContentType, &f.Size, &f.UploadedAt); err != nil {
			return err
		}
		f.UnitID = unit
		if sc := c.Scores[n]; sc != nil {
			sc.Files = append(sc.Files, f)
		}
	}
	return rows.Err()
}
