package assess

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Round statuses: units assess themselves, then reviewers verify, then the
// round is closed (scores final).
const (
	RoundSelf   = "self"
	RoundReview = "review"
	RoundClosed = "closed"
)

// Round applies a framework version to a set of units for a year.
type Round struct {
	ID          int64     `json:"id"`
	FrameworkID int64     `json:"framework_id"`
	Name        string    `json:"name"`
	Year        int       `json:"year"`
	OwnerUnitID int64     `json:"owner_unit_id"`
	Status      string    `json:"status"`
	Published   bool      `json:"published"`
	Units       []int64   `json:"units"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

const roundColumns = `id, framework_id, name, year, owner_unit_id, status, published, created_at, updated_at`

func scanRound(row interface{ Scan(...any) error }) (*Round, error) {
	r := &Round{}
	err := row.Scan(&r.ID, &r.FrameworkID, &r.Name, &r.Year, &r.OwnerUnitID, &r.Status, &r.Published, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

func (s *Service) round(ctx context.Context, q db.Querier, id int64) (*Round, error) {
	r, err := scanRound(q.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM assessment_rounds WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT unit_id FROM round_units WHERE round_id = $1 ORDER BY unit_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		r.Units = append(r.Units, u)
	}
	return r, rows.Err()
}

// roundVisible: the round was set by a unit in or above the actor's
// scope, or assesses a unit in it.
func roundVisible(t *org.Scoped, r *Round) bool {
	if t.InScope(r.OwnerUnitID) {
		return true
	}
	if !t.Covers(r.OwnerUnitID, t.Actor.ScopeUnitID) {
		return false
	}
	for _, u := range r.Units {
		if t.InScope(u) {
			return true
		}
	}
	return false
}

// Rounds lists the rounds the actor may see, newest first.
func (s *Service) Rounds(ctx context.Context, actor *auth.Actor) ([]*Round, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM assessment_rounds ORDER BY year DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []*Round
	for _, id := range ids {
		r, err := s.round(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		if roundVisible(t, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Round returns a round the actor may see.
func (s *Service) Round(ctx context.Context, actor *auth.Actor, id int64) (*Round, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	r, err := s.round(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !roundVisible(t, r) {
		return nil, errs.NotFoundErr()
	}
	return r, nil
}

// RoundInput starts a round: a published framework version, a year, and
// the units: those of some kinds under the owner today, and listed ones.
type RoundInput struct {
	FrameworkID int64            `json:"framework_id"`
	Name        string           `json:"name"`
	Year        int              `json:"year"`
	OwnerUnitID int64            `json:"owner_unit_id"`
	Kinds       []indicator.Kind `json:"kinds"`
	UnitIDs     []int64          `json:"unit_ids"`
}

// CreateRound starts a round.
func (s *Service) CreateRound(ctx context.Context, actor *auth.Actor, in RoundInput) (*Round, error) {
	if !mayDesign(actor) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if in.OwnerUnitID == 0 {
		in.OwnerUnitID = actor.ScopeUnitID
	}
	if err := checkUnit(t, in.OwnerUnitID, "owner_unit_id"); err != nil {
		return nil, err
	}
	var bad []*errs.Error
	f, err := s.Framework(ctx, actor, in.FrameworkID)
	if err != nil {
		bad = append(bad, errs.Invalidf("assess.err.no_framework").At(0, "framework_id"))
	} else if f.Draft() {
		bad = append(bad, errs.Invalidf("assess.err.not_published").At(0, "framework_id"))
	}
	in.Name = locale.CleanString(in.Name)
	if in.Name == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "name"))
	}
	if in.Year < 2000 || in.Year > 2100 {
		bad = append(bad, errs.Invalidf("indicator.err.bad_year", "Value", in.Year).At(0, "year"))
	}
	today := s.org.Today()
	units := map[int64]bool{}
	if len(in.Kinds) > 0 {
		t.Walk(in.OwnerUnitID, today, func(v *org.Version) bool {
			var pl org.Level
			if p := t.At(v.ParentID, today); p != nil {
				pl = p.Level
			}
			for _, k := range in.Kinds {
				if kindMatches(k, v, pl) {
					units[v.UnitID] = true
				}
			}
			return true
		})
	}
	for _, u := range in.UnitIDs {
		if !t.Exists(u) || !t.InScope(u) || t.At(u, today) == nil {
			bad = append(bad, errs.Invalidf("indicator.err.unit_outside_owner").At(0, "unit_ids"))
			continue
		}
		units[u] = true
	}
	if len(units) == 0 && len(bad) == 0 {
		bad = append(bad, errs.Invalidf("indicator.err.no_assignees").At(0, "kinds"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	now := s.now().UTC()
	r := &Round{FrameworkID: f.ID, Name: in.Name, Year: in.Year, OwnerUnitID: in.OwnerUnitID, Status: RoundSelf, CreatedAt: now, UpdatedAt: now}
	for u := range units {
		r.Units = append(r.Units, u)
	}
	sort.Slice(r.Units, func(i, j int) bool { return r.Units[i] < r.Units[j] })
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO assessment_rounds (framework_id, name, year, owner_unit_id, status, published, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, r.FrameworkID, r.Name, r.Year, r.OwnerUnitID, r.Status, false, now, now).Scan(&r.ID); err != nil {
			return err
		}
		for _, u := range r.Units {
			if _, err := tx.ExecContext(ctx, `INSERT INTO round_units (round_id, unit_id) VALUES ($1, $2)`, r.ID, u); err != nil {
				return err
			}
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "round.create", Entity: "round", EntityID: fmt.Sprint(r.ID), UnitID: r.OwnerUnitID, After: r})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func kindMatches(k indicator.Kind, v *org.Version, parent org.Level) bool {
	switch k {
	case indicator.KindDepartment:
		return v.Level == org.LevelAgency && parent == org.LevelProvince
	case indicator.KindAgency:
		return v.Level == org.LevelAgency
	}
	return string(v.Level) == string(k)
}

// RoundUpdate moves a round on, or publishes (or withdraws) its ranking.
type RoundUpdate struct {
	Status    string `json:"status"`
	Published *bool  `json:"published,omitempty"`
}

// UpdateRound changes a round's status or publication.
func (s *Service) UpdateRound(ctx context.Context, actor *auth.Actor, id int64, in RoundUpdate) (*Round, error) {
	r, err := s.Round(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !mayDesign(actor) || !t.InScope(r.OwnerUnitID) {
		return nil, errs.ForbiddenErr()
	}
	old := *r
	if in.Status != "" {
		if in.Status != RoundSelf && in.Status != RoundReview && in.Status != RoundClosed {
			return nil, errs.Invalidf("indicator.err.bad_choice", "Value", in.Status).At(0, "status")
		}
		r.Status = in.Status
	}
	if in.Published != nil {
		r.Published = *in.Published
	}
	if r.Status == old.Status && r.Published == old.Published {
		return nil, errs.Invalidf("org.err.nothing_changed").At(0, "status")
	}
	r.UpdatedAt = s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE assessment_rounds SET status = $1, published = $2, updated_at = $3 WHERE id = $4`,
			r.Status, r.Published, r.UpdatedAt, id); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "round.update", Entity: "round", EntityID: fmt.Sprint(id), UnitID: r.OwnerUnitID,
			Before: old, After: r})
	})
	return r, err
}

// Score is one node's score for one unit.
type Score struct {
	NodeID        int64        `json:"node_id"`
	Value         *float64     `json:"indicator_value,omitempty"` // the indicator's value for the year
	Auto          *float64     `json:"auto,omitempty"`            // the score the indicator gives
	Self          *float64     `json:"self,omitempty"`
	SelfNote      string       `json:"self_note,omitempty"`
	Review        *float64     `json:"review,omitempty"`
	ReviewComment string       `json:"review_comment,omitempty"`
	Final         float64      `json:"final"`
	Files         []files.File `json:"files,omitempty"`
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
	scores  map[int64]*Score
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
}

// compute scores every unit of a round: stored self-assessments and
// reviews, and indicator criteria from the units' approved figures for the
// year, restated to today's units, computed now.
func (s *Service) compute(ctx context.Context, r *Round, f *Framework, withPrev bool) ([]Result, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, node_id, self_score, self_note, review_score, review_comment FROM assessment_scores WHERE round_id = $1`, r.ID)
	if err != nil {
		return nil, err
	}
	stored := map[int64]map[int64]*Score{}
	for rows.Next() {
		var u, n int64
		var self, rev sql.NullFloat64
		sc := &Score{}
		if err := rows.Scan(&u, &n, &self, &sc.SelfNote, &rev, &sc.ReviewComment); err != nil {
			rows.Close()
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
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	values := map[string]map[int64]indicator.Figure{}
	for _, c := range f.Criteria() {
		if c.FromIndicator() && values[c.Indicator] == nil {
			v, _, err := s.ind.Values(ctx, c.Indicator, indicator.Period{Type: indicator.Yearly, Year: r.Year, N: 1}, r.Units,
				indicator.Restated, indicator.BasisApproved, s.org.Today())
			if err != nil {
				return nil, err
			}
			values[c.Indicator] = v
		}
	}
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	today := s.org.Today()
	out := make([]Result, 0, len(r.Units))
	for _, u := range r.Units {
		res := Result{UnitID: u, scores: map[int64]*Score{}}
		if v := snap.At(u, today); v != nil {
			res.Name, res.Code = v.Name, v.Code
		} else if v := snap.Latest(u); v != nil {
			res.Name, res.Code = v.Name, v.Code
		}
		for _, c := range f.Criteria() {
			sc := &Score{NodeID: c.ID}
			if st := stored[u][c.ID]; st != nil {
				*sc = *st
			}
			if c.FromIndicator() {
				if fig, ok := values[c.Indicator][u]; ok && fig.Has() {
					v := fig.V()
					a := c.Score(v)
					sc.Value, sc.Auto = &v, &a
				}
			}
			switch {
			case sc.Review != nil:
				sc.Final = *sc.Review
			case c.FromIndicator() && sc.Auto != nil:
				sc.Final = *sc.Auto
			case !c.FromIndicator() && sc.Self != nil:
				sc.Final = *sc.Self
			}
			res.scores[c.ID] = sc
		}
		var sum func(n *Node) float64
		sum = func(n *Node) float64 {
			if n.Leaf() {
				return res.scores[n.ID].Final
			}
			t := 0.0
			for _, c := range n.Children {
				t += sum(c)
			}
			t = math.Min(t, n.Max)
			res.scores[n.ID] = &Score{NodeID: n.ID, Final: t}
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
		for i := range out {
			out[i].Prev = prev[out[i].UnitID]
		}
	}
	return out, nil
}

// previous finds each unit's standing in last year's round of the same
// framework family.
func (s *Service) previous(ctx context.Context, r *Round, f *Framework) (map[int64]*Standing, error) {
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
	out := map[int64]*Standing{}
	for _, x := range res {
		out[x.UnitID] = &Standing{RoundID: pr.ID, Year: pr.Year, Total: x.Total, Index: x.Index, Rank: x.Rank, Of: len(res)}
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
	f, err := s.framework(ctx, s.db, r.FrameworkID)
	if err != nil {
		return nil, err
	}
	all, err := s.compute(ctx, r, f, true)
	if err != nil {
		return nil, err
	}
	rk := &Ranking{Round: r, Framework: f, Max: f.Max(), Of: len(all)}
	for _, x := range all {
		if t.InScope(x.UnitID) {
			rk.Results = append(rk.Results, x)
		}
	}
	return rk, nil
}

// PublicRanking is a round's ranking for anyone, only if the province has
// published it.
func (s *Service) PublicRanking(ctx context.Context, id int64) (*Ranking, error) {
	r, err := s.round(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !r.Published {
		return nil, errs.NotFoundErr()
	}
	f, err := s.framework(ctx, s.db, r.FrameworkID)
	if err != nil {
		return nil, err
	}
	all, err := s.compute(ctx, r, f, true)
	if err != nil {
		return nil, err
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
			c.Scores, c.Total, c.Index, c.Rank, c.Prev = x.scores, x.Total, x.Index, x.Rank, x.Prev
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

// ScoreInput is one criterion's score as typed: by the unit (self) or a
// reviewer (an adjustment; empty removes it).
type ScoreInput struct {
	NodeID int64  `json:"node_id"`
	Score  string `json:"score"`
	Note   string `json:"note"`
}

// Upload is an evidence file for a criterion.
type Upload struct {
	NodeID int64
	Name   string
	Body   io.Reader
}

func parseScore(s string) (*float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return nil, true
	}
	var v float64
	if _, err := fmt.Sscanf(s, "%g", &v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, false
	}
	return &v, true
}

// SelfAssess stores a unit's own scores (judgement criteria) with notes
// and evidence, while the round is open for self-assessment.
func (s *Service) SelfAssess(ctx context.Context, actor *auth.Actor, roundID, unit int64, in []ScoreInput, uploads []Upload) error {
	c, err := s.Card(ctx, actor, roundID, unit)
	if err != nil {
		return err
	}
	if !c.CanSelf {
		if c.Round.Status != RoundSelf {
			return errs.Invalidf("assess.err.round_not_self").At(0, "status")
		}
		return errs.ForbiddenErr()
	}
	type checked struct {
		node *Node
		val  *float64
		note string
	}
	var ok []checked
	var bad []*errs.Error
	for _, x := range in {
		n := c.Framework.Node(x.NodeID)
		if n == nil || !n.Leaf() {
			bad = append(bad, errs.Invalidf("assess.err.bad_node").At(0, fmt.Sprint(x.NodeID)))
			continue
		}
		if n.FromIndicator() {
			if strings.TrimSpace(x.Score) != "" {
				bad = append(bad, errs.Invalidf("assess.err.auto", "Name", n.NameVI).At(0, n.Code))
			}
			continue
		}
		v, good := parseScore(x.Score)
		if !good || v != nil && (*v < 0 || *v > n.Max) {
			bad = append(bad, errs.Invalidf("assess.err.score_range", "Name", n.NameVI, "Max", n.Max).At(0, n.Code))
			continue
		}
		ok = append(ok, checked{n, v, locale.CleanString(x.Note)})
	}
	type file struct {
		node     *Node
		name, ct string
		data     []byte
	}
	var fs []file
	for _, u := range uploads {
		n := c.Framework.Node(u.NodeID)
		if n == nil || !n.Leaf() {
			bad = append(bad, errs.Invalidf("assess.err.bad_node").At(0, "evidence"))
			continue
		}
		data, ct, err := files.Check(u.Name, u.Body, files.Evidence)
		if err != nil {
			e, _ := errs.As(err)
			bad = append(bad, e.At(0, n.Code))
			continue
		}
		fs = append(fs, file{n, u.Name, ct, data})
	}
	if len(bad) > 0 {
		return oneOrList(bad)
	}
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var entries []audit.Entry
		for _, x := range ok {
			old := c.Scores[x.node.ID]
			if floatEq(old.Self, x.val) && old.SelfNote == x.note {
				continue
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO assessment_scores (round_id, unit_id, node_id, self_score, self_note, self_by, self_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (round_id, unit_id, node_id) DO UPDATE SET self_score = excluded.self_score,
				self_note = excluded.self_note, self_by = excluded.self_by, self_at = excluded.self_at`,
				roundID, unit, x.node.ID, nullFloat(x.val), x.note, nullID(actor.UserID), now)
			if err != nil {
				return err
			}
			entries = append(entries, audit.Entry{Action: "assessment.self", Entity: "assessment_score", EntityID: fmt.Sprintf("%d/%d/%d", roundID, unit, x.node.ID),
				UnitID: unit, Before: map[string]any{"score": old.Self, "note": old.SelfNote}, After: map[string]any{"score": x.val, "note": x.note}})
		}
		for _, f := range fs {
			saved, err := s.files.SaveTx(ctx, tx, actor, unit, f.name, f.ct, f.data)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_files (round_id, unit_id, node_id, file_id) VALUES ($1, $2, $3, $4)`,
				roundID, unit, f.node.ID, saved.ID); err != nil {
				return err
			}
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
}

func floatEq(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// Review stores a reviewer's verified scores: an adjustment of any
// criterion needs a comment saying why.
func (s *Service) Review(ctx context.Context, actor *auth.Actor, roundID, unit int64, in []ScoreInput) error {
	c, err := s.Card(ctx, actor, roundID, unit)
	if err != nil {
		return err
	}
	if !c.CanReview {
		if c.Round.Status == RoundClosed {
			return errs.Invalidf("assess.err.closed").At(0, "status")
		}
		return errs.ForbiddenErr()
	}
	type checked struct {
		node    *Node
		val     *float64
		comment string
	}
	var ok []checked
	var bad []*errs.Error
	for _, x := range in {
		n := c.Framework.Node(x.NodeID)
		if n == nil || !n.Leaf() {
			bad = append(bad, errs.Invalidf("assess.err.bad_node").At(0, fmt.Sprint(x.NodeID)))
			continue
		}
		v, good := parseScore(x.Score)
		if !good || v != nil && (*v < 0 || *v > n.Max) {
			bad = append(bad, errs.Invalidf("assess.err.score_range", "Name", n.NameVI, "Max", n.Max).At(0, n.Code))
			continue
		}
		note := locale.CleanString(x.Note)
		if v != nil && note == "" {
			bad = append(bad, errs.Invalidf("assess.err.review_comment", "Name", n.NameVI).At(0, n.Code))
			continue
		}
		ok = append(ok, checked{n, v, note})
	}
	if len(bad) > 0 {
		return oneOrList(bad)
	}
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var entries []audit.Entry
		for _, x := range ok {
			old := c.Scores[x.node.ID]
			if floatEq(old.Review, x.val) && old.ReviewComment == x.comment {
				continue
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO assessment_scores (round_id, unit_id, node_id, review_score, review_comment, review_by, review_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (round_id, unit_id, node_id) DO UPDATE SET review_score = excluded.review_score,
				review_comment = excluded.review_comment, review_by = excluded.review_by, review_at = excluded.review_at`,
				roundID, unit, x.node.ID, nullFloat(x.val), x.comment, nullID(actor.UserID), now)
			if err != nil {
				return err
			}
			entries = append(entries, audit.Entry{Action: "assessment.review", Entity: "assessment_score", EntityID: fmt.Sprintf("%d/%d/%d", roundID, unit, x.node.ID),
				UnitID: unit, Before: map[string]any{"score": old.Review, "comment": old.ReviewComment}, After: map[string]any{"score": x.val, "comment": x.comment}})
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
}
