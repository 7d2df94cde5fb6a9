package assess

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"slices"
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
	all, err := s.allRounds(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Round
	for _, r := range all {
		if roundVisible(t, r) {
			c := *r
			c.Units = slices.Clone(r.Units)
			out = append(out, &c)
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
	r, ok, err := s.keptRound(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok || !roundVisible(t, r) {
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

// SelfAssess stores a unit's own scores with notes and evidence, while the
// round is open for self-assessment. A criterion bound to an indicator
// takes a self-assessed score too: it is kept beside the figure's score,
// and counts only while the figure is missing.
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
