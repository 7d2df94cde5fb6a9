// Package assess is assessment and ranking: frameworks (a versioned tree
// of pillars, main indicators and criteria with maximum scores, each
// criterion scored by judgement with evidence or from an indicator's value
// by thresholds or linear scaling), the national indices as their issuers
// published them (shipped data files, every figure sourced or marked to
// fill in), frameworks read from and written to sheets, rounds that apply
// a framework version to a set of units for a year, self-assessment,
// review, scores with their source, the index and the ranking with each
// component's change since last year, the published ranking a province
// may switch on, and the official results of the national indices —
// restated across mergers — beside a province's self-assessment.
package assess

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
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

// Service keeps frameworks, rounds and scores.
type Service struct {
	db    *db.DB
	org   *org.Service
	audit *audit.Log
	files *files.Store
	ind   *indicator.Service
	now   func() time.Time
	memo  *memo // the rounds and their rankings, under the generations
}

// NewService makes the service.
func NewService(d *db.DB, o *org.Service, log *audit.Log, f *files.Store, ind *indicator.Service, now func() time.Time) *Service {
	d.Follow(assessGeneration, `SELECT generation FROM assess_state WHERE id = 1`)
	return &Service{db: d, org: o, audit: log, files: f, ind: ind, now: now, memo: &memo{}}
}

// NodeKind is the place of a node in a framework.
type NodeKind string

// The kinds: pillars at the top, main indicators under pillars, criteria
// under main indicators (or directly under a pillar, for a small
// framework).
const (
	Pillar    NodeKind = "pillar"
	Main      NodeKind = "main"
	Criterion NodeKind = "criterion"
)

// Method is how a criterion is scored.
type Method string

// The methods; pillars and main indicators are the sum of their children.
const (
	Sum       Method = "sum"
	Judgement Method = "judgement" // by the unit (with evidence), verified by a reviewer
	Threshold Method = "threshold" // from an indicator: the score of the highest step reached
	Linear    Method = "linear"    // from an indicator: 0 at Lo, the maximum at Hi, straight between
)

// Methods lists the criterion methods.
var Methods = []Method{Judgement, Threshold, Linear}

// Step is one threshold: a value reached gives a score.
type Step struct {
	Min   float64 `json:"min"`
	Score float64 `json:"score"`
}

// Node is a pillar, main indicator or criterion.
type Node struct {
	ID          int64    `json:"id"`
	FrameworkID int64    `json:"framework_id"`
	ParentID    int64    `json:"parent_id,omitempty"`
	Kind        NodeKind `json:"kind"`
	Code        string   `json:"code"`
	NameVI      string   `json:"name_vi"`
	NameEN      string   `json:"name_en"`
	Max         float64  `json:"max_score"`
	Method      Method   `json:"method"`
	Indicator   string   `json:"indicator,omitempty"`
	Steps       []Step   `json:"thresholds,omitempty"`
	Lo          *float64 `json:"lo,omitempty"`
	Hi          *float64 `json:"hi,omitempty"`
	Guidance    string   `json:"guidance,omitempty"`
	Position    int      `json:"position"`
	// Collection is how the issuer of a national index collects the item:
	// measured by its own systems or reported with evidence and verified.
	Collection Collection `json:"collection,omitempty"`
	// Continues is the code of the item this one carries on in the
	// family's previous version, when it changed code; an item that keeps
	// its code continues itself. Year-on-year comparisons follow it.
	Continues string `json:"continues,omitempty"`
	// Provenance says where the item came from (the decision, its annex, a
	// public source).
	Provenance string `json:"provenance,omitempty"`
	// ToFill names the figures that could not be confirmed from the
	// source: a maximum not confirmed is a provisional equal share of the
	// parent's, until the administrator fills it in.
	ToFill   []Field `json:"to_fill,omitempty"`
	Children []*Node `json:"children,omitempty"`
}

// Collection is how the issuer of an index collects an item.
type Collection string

// The ways: measured automatically by the issuer's systems, or reported by
// the assessed unit with evidence and verified.
const (
	CollectAuto     Collection = "auto"
	CollectVerified Collection = "verified"
)

// Field names a figure of a node that may be left to fill in.
type Field string

// The figures that may be unconfirmed: the name, the maximum, how it is
// scored, and (for a main indicator) the list of its components.
const (
	FieldName       Field = "name"
	FieldMax        Field = "max_score"
	FieldMethod     Field = "method"
	FieldComponents Field = "components"
)

// Fields lists them in the order they are written.
var Fields = []Field{FieldName, FieldMax, FieldMethod, FieldComponents}

// Unconfirmed reports whether a figure of the node is still to be filled
// in.
func (n *Node) Unconfirmed(f Field) bool {
	for _, x := range n.ToFill {
		if x == f {
			return true
		}
	}
	return false
}

func joinFields(fs []Field) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return strings.Join(out, ",")
}

func splitFields(s string) []Field {
	var out []Field
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, Field(p))
		}
	}
	return out
}

// Name is the node's name in a language.
func (n *Node) Name(lang string) string {
	if lang == "en" && n.NameEN != "" {
		return n.NameEN
	}
	return n.NameVI
}

// Leaf reports whether the node is scored itself.
func (n *Node) Leaf() bool { return n.Kind == Criterion }

// FromIndicator reports whether the node is scored from an indicator.
func (n *Node) FromIndicator() bool { return n.Method == Threshold || n.Method == Linear }

// Score scores a value by the node's method.
func (n *Node) Score(v float64) float64 {
	switch n.Method {
	case Threshold:
		best := 0.0
		for _, s := range n.Steps {
			if v >= s.Min && s.Score > best {
				best = s.Score
			}
		}
		return math.Min(best, n.Max)
	case Linear:
		if n.Lo == nil || n.Hi == nil || *n.Hi == *n.Lo {
			return 0
		}
		r := (v - *n.Lo) / (*n.Hi - *n.Lo)
		return n.Max * math.Max(0, math.Min(1, r))
	}
	return 0
}

// StepsText writes thresholds as they are typed: "50:5; 80:8; 100:10".
func (n *Node) StepsText() string {
	var parts []string
	for _, s := range n.Steps {
		parts = append(parts, fmtNum(s.Min)+":"+fmtNum(s.Score))
	}
	return strings.Join(parts, "; ")
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ParseSteps reads "50:5; 80:8; 100:10" (value reached: score).
func ParseSteps(s string) ([]Step, error) {
	var out []Step
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("%q", part)
		}
		lo, e1 := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(a), ",", "."), 64)
		sc, e2 := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(b), ",", "."), 64)
		if e1 != nil || e2 != nil {
			return nil, fmt.Errorf("%q", part)
		}
		out = append(out, Step{lo, sc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Min < out[j].Min })
	return out, nil
}

// Framework is one version of an assessment framework.
type Framework struct {
	ID          int64  `json:"id"`
	Family      string `json:"family"`
	Version     int    `json:"version"`
	NameVI      string `json:"name_vi"`
	NameEN      string `json:"name_en"`
	Basis       string `json:"basis"`
	OwnerUnitID int64  `json:"owner_unit_id"`
	Status      string `json:"status"` // draft or published
	CopiedFrom  int64  `json:"copied_from,omitempty"`
	// Level is what the framework assesses: provinces, ministries,
	// communes, departments ("" any unit).
	Level Level `json:"level,omitempty"`
	// YearFrom and YearTo are the years whose assessment it serves (0: not
	// said; YearTo 0 while in force).
	YearFrom   int       `json:"year_from,omitempty"`
	YearTo     int       `json:"year_to,omitempty"`
	Provenance string    `json:"provenance,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Nodes      []*Node   `json:"nodes"` // pillars, with their children
	all        map[int64]*Node
}

// Name is the framework's name in a language.
func (f *Framework) Name(lang string) string {
	if lang == "en" && f.NameEN != "" {
		return f.NameEN
	}
	return f.NameVI
}

// Max is the framework's maximum total.
func (f *Framework) Max() float64 {
	t := 0.0
	for _, p := range f.Nodes {
		t += p.Max
	}
	return t
}

// Draft reports whether the framework may still be edited.
func (f *Framework) Draft() bool { return f.Status == "draft" }

// Node returns a node by id.
func (f *Framework) Node(id int64) *Node { return f.all[id] }

// Criteria lists the leaves in order.
func (f *Framework) Criteria() []*Node {
	var out []*Node
	var walk func(ns []*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			if n.Leaf() {
				out = append(out, n)
			}
			walk(n.Children)
		}
	}
	walk(f.Nodes)
	return out
}

// Walk calls fn for every node, depth first, with its depth.
func (f *Framework) Walk(fn func(n *Node, depth int)) {
	var walk func(ns []*Node, d int)
	walk = func(ns []*Node, d int) {
		for _, n := range ns {
			fn(n, d)
			walk(n.Children, d+1)
		}
	}
	walk(f.Nodes, 0)
}

// Problems lists what keeps a framework from being published: a node
// whose children's maxima do not add up to its own, a pillar or main
// indicator without children.
func (f *Framework) Problems() []*errs.Error {
	var bad []*errs.Error
	if len(f.Nodes) == 0 {
		bad = append(bad, errs.Invalidf("assess.err.empty"))
	}
	f.Walk(func(n *Node, _ int) {
		if n.Leaf() {
			return
		}
		if len(n.Children) == 0 {
			bad = append(bad, errs.Invalidf("assess.err.no_children", "Name", n.NameVI).At(0, n.Code))
			return
		}
		sum := 0.0
		for _, c := range n.Children {
			sum += c.Max
		}
		if math.Abs(sum-n.Max) > 1e-6 {
			bad = append(bad, errs.Invalidf("assess.err.sum", "Name", n.NameVI, "Max", n.Max, "Sum", sum).At(0, n.Code))
		}
	})
	return bad
}

const frameworkColumns = `id, family, version, name_vi, name_en, basis, owner_unit_id, status, COALESCE(copied_from, 0), created_at, updated_at,
	level, year_from, year_to, provenance`

func scanFramework(row interface{ Scan(...any) error }) (*Framework, error) {
	f := &Framework{}
	err := row.Scan(&f.ID, &f.Family, &f.Version, &f.NameVI, &f.NameEN, &f.Basis, &f.OwnerUnitID, &f.Status, &f.CopiedFrom, &f.CreatedAt, &f.UpdatedAt,
		&f.Level, &f.YearFrom, &f.YearTo, &f.Provenance)
	return f, err
}

// Level is what a framework assesses.
type Level string

// The levels a national index or a province's own framework assesses.
const (
	LevelProvince   Level = "province"
	LevelMinistry   Level = "ministry"
	LevelDepartment Level = "department"
	LevelCommune    Level = "commune"
)

// Levels lists them.
var Levels = []Level{LevelProvince, LevelMinistry, LevelDepartment, LevelCommune}

// Covers reports whether the framework serves the assessment of a year.
func (f *Framework) Covers(year int) bool {
	return f.YearFrom != 0 && year >= f.YearFrom && (f.YearTo == 0 || year <= f.YearTo)
}

// Unconfirmed counts the nodes with a figure still to be filled in.
func (f *Framework) Unconfirmed() int {
	n := 0
	f.Walk(func(x *Node, _ int) {
		if len(x.ToFill) > 0 {
			n++
		}
	})
	return n
}

func (s *Service) loadNodes(ctx context.Context, q db.Querier, f *Framework) error {
	rows, err := q.QueryContext(ctx, `SELECT id, framework_id, COALESCE(parent_id, 0), kind, code, name_vi, name_en, max_score, method,
		indicator_code, thresholds, lo, hi, guidance, position, collection, continues, provenance, to_fill
		FROM framework_nodes WHERE framework_id = $1 ORDER BY position, id`, f.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	f.all = map[int64]*Node{}
	var order []*Node
	for rows.Next() {
		n := &Node{}
		var steps, toFill string
		var lo, hi sql.NullFloat64
		if err := rows.Scan(&n.ID, &n.FrameworkID, &n.ParentID, &n.Kind, &n.Code, &n.NameVI, &n.NameEN, &n.Max, &n.Method, &n.Indicator,
			&steps, &lo, &hi, &n.Guidance, &n.Position, &n.Collection, &n.Continues, &n.Provenance, &toFill); err != nil {
			return err
		}
		n.Steps, _ = ParseSteps(steps)
		n.ToFill = splitFields(toFill)
		if lo.Valid {
			n.Lo = &lo.Float64
		}
		if hi.Valid {
			n.Hi = &hi.Float64
		}
		f.all[n.ID] = n
		order = append(order, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	f.Nodes = nil
	for _, n := range order {
		if p := f.all[n.ParentID]; p != nil {
			p.Children = append(p.Children, n)
		} else {
			f.Nodes = append(f.Nodes, n)
		}
	}
	return nil
}

// checkUnit refuses a unit id given in a request: unknown is a field
// error, outside the scope forbidden.
func checkUnit(t *org.Scoped, id int64, field string) error {
	if !t.Exists(id) {
		return errs.Invalidf("org.err.unknown_unit", "ID", id).At(0, field)
	}
	return t.Check(id)
}

func mayDesign(a *auth.Actor) bool {
	return a != nil && (a.Role == auth.RoleAdmin || a.Role == auth.RoleCoordinator)
}

func ownerVisible(t *org.Scoped, owner int64) bool {
	return t.InScope(owner) || t.Covers(owner, t.Actor.ScopeUnitID)
}

// Frameworks lists the frameworks the actor may see: defined in or above
// their scope.
func (s *Service) Frameworks(ctx context.Context, actor *auth.Actor) ([]*Framework, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+frameworkColumns+` FROM frameworks ORDER BY family, version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Framework
	for rows.Next() {
		f, err := scanFramework(rows)
		if err != nil {
			return nil, err
		}
		if ownerVisible(t, f.OwnerUnitID) {
			out = append(out, f)
		}
	}
	return out, rows.Err()
}

// Framework returns a framework with its nodes, if the actor may see it.
func (s *Service) Framework(ctx context.Context, actor *auth.Actor, id int64) (*Framework, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	f, err := s.framework(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !ownerVisible(t, f.OwnerUnitID) {
		return nil, errs.NotFoundErr()
	}
	return f, nil
}

func (s *Service) framework(ctx context.Context, q db.Querier, id int64) (*Framework, error) {
	f, err := scanFramework(q.QueryRowContext(ctx, `SELECT `+frameworkColumns+` FROM frameworks WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	return f, s.loadNodes(ctx, q, f)
}

// FrameworkInput creates a framework: empty, or a copy of another to edit
// (the provincial DTI for a province's own communes' criteria). A copy in
// the same family is the family's next version.
type FrameworkInput struct {
	Family      string `json:"family"`
	NameVI      string `json:"name_vi"`
	NameEN      string `json:"name_en"`
	Basis       string `json:"basis"`
	OwnerUnitID int64  `json:"owner_unit_id"`
	CopyFrom    int64  `json:"copy_from,omitempty"`
}

// CreateFramework creates a draft framework.
func (s *Service) CreateFramework(ctx context.Context, actor *auth.Actor, in FrameworkInput) (*Framework, error) {
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
	var from *Framework
	if in.CopyFrom != 0 {
		if from, err = s.Framework(ctx, actor, in.CopyFrom); err != nil {
			return nil, errs.Invalidf("assess.err.no_framework").At(0, "copy_from")
		}
	}
	in.Family = strings.ToUpper(strings.TrimSpace(in.Family))
	in.NameVI, in.NameEN, in.Basis = locale.CleanString(in.NameVI), locale.CleanString(in.NameEN), locale.CleanString(in.Basis)
	if in.Family == "" && from != nil {
		in.Family = from.Family
	}
	if in.NameVI == "" && from != nil {
		in.NameVI, in.NameEN = from.NameVI, from.NameEN
	}
	var bad []*errs.Error
	if !validCode(in.Family) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_code", "Value", in.Family).At(0, "family"))
	}
	if in.NameVI == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "name_vi"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	now := s.now().UTC()
	f := &Framework{Family: in.Family, NameVI: in.NameVI, NameEN: in.NameEN, Basis: in.Basis, OwnerUnitID: in.OwnerUnitID, Status: "draft",
		CreatedAt: now, UpdatedAt: now}
	if from != nil {
		f.CopiedFrom = from.ID
		f.Level, f.YearFrom, f.YearTo, f.Provenance = from.Level, from.YearFrom, from.YearTo, from.Provenance
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertFramework(ctx, tx, f, from != nil && from.Family == f.Family); err != nil {
			return err
		}
		if from != nil {
			if err := copyNodes(ctx, tx, from.Nodes, f.ID, 0); err != nil {
				return err
			}
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "framework.create", Entity: "framework", EntityID: fmt.Sprint(f.ID),
			UnitID: f.OwnerUnitID, After: f})
	})
	if err != nil {
		return nil, err
	}
	return f, s.loadNodes(ctx, s.db, f)
}

// insertFramework stores f as the next version of its family. A family
// belongs to the unit that made it: another unit may add a version only by
// copying one (newVersion).
func insertFramework(ctx context.Context, tx *sql.Tx, f *Framework, newVersion bool) error {
	var owner int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0), COALESCE(MAX(owner_unit_id), 0) FROM frameworks WHERE family = $1`, f.Family).Scan(&f.Version, &owner)
	if err != nil {
		return err
	}
	if f.Version > 0 && owner != f.OwnerUnitID && !newVersion {
		return errs.Invalidf("indicator.err.code_taken", "Code", f.Family).At(0, "family")
	}
	f.Version++
	return tx.QueryRowContext(ctx, `INSERT INTO frameworks (family, version, name_vi, name_en, basis, owner_unit_id, status, copied_from, created_at, updated_at,
		level, year_from, year_to, provenance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		f.Family, f.Version, f.NameVI, f.NameEN, f.Basis, f.OwnerUnitID, f.Status, nullID(f.CopiedFrom), f.CreatedAt, f.UpdatedAt,
		f.Level, f.YearFrom, f.YearTo, f.Provenance).Scan(&f.ID)
}

func copyNodes(ctx context.Context, tx *sql.Tx, ns []*Node, fw, parent int64) error {
	for _, n := range ns {
		c := *n
		c.FrameworkID, c.ParentID = fw, parent
		if err := insertNode(ctx, tx, &c); err != nil {
			return err
		}
		if err := copyNodes(ctx, tx, n.Children, fw, c.ID); err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func insertNode(ctx context.Context, tx *sql.Tx, n *Node) error {
	return tx.QueryRowContext(ctx, `INSERT INTO framework_nodes (framework_id, parent_id, kind, code, name_vi, name_en, max_score, method,
		indicator_code, thresholds, lo, hi, guidance, position, collection, continues, provenance, to_fill)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
		n.FrameworkID, nullID(n.ParentID), n.Kind, n.Code, n.NameVI, n.NameEN, n.Max, n.Method, n.Indicator, n.StepsText(),
		nullFloat(n.Lo), nullFloat(n.Hi), n.Guidance, n.Position, n.Collection, n.Continues, n.Provenance, joinFields(n.ToFill)).Scan(&n.ID)
}

// editable returns a draft framework the actor may change.
func (s *Service) editable(ctx context.Context, actor *auth.Actor, id int64) (*Framework, error) {
	f, err := s.Framework(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !mayDesign(actor) || !t.InScope(f.OwnerUnitID) {
		return nil, errs.ForbiddenErr()
	}
	if !f.Draft() {
		return nil, errs.Invalidf("assess.err.published")
	}
	return f, nil
}

// FrameworkUpdate renames a draft or publishes it (after which it never
// changes; a new version is a copy).
type FrameworkUpdate struct {
	NameVI  string `json:"name_vi"`
	NameEN  string `json:"name_en"`
	Basis   string `json:"basis"`
	Publish bool   `json:"publish"`
}

// UpdateFramework changes a draft's names or publishes it.
func (s *Service) UpdateFramework(ctx context.Context, actor *auth.Actor, id int64, in FrameworkUpdate) (*Framework, error) {
	f, err := s.editable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	old := *f
	old.Nodes = nil
	if n := locale.CleanString(in.NameVI); n != "" {
		f.NameVI = n
	}
	if n := locale.CleanString(in.NameEN); n != "" {
		f.NameEN = n
	}
	if b := locale.CleanString(in.Basis); b != "" {
		f.Basis = b
	}
	if in.Publish {
		if bad := f.Problems(); len(bad) > 0 {
			return nil, oneOrList(bad)
		}
		f.Status = "published"
	}
	f.UpdatedAt = s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE frameworks SET name_vi = $1, name_en = $2, basis = $3, status = $4, updated_at = $5 WHERE id = $6`,
			f.NameVI, f.NameEN, f.Basis, f.Status, f.UpdatedAt, id); err != nil {
			return err
		}
		after := *f
		after.Nodes = nil
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "framework.update", Entity: "framework", EntityID: fmt.Sprint(id),
			UnitID: f.OwnerUnitID, Before: old, After: after})
	})
	return f, err
}

// NodeInput adds or changes a node of a draft framework.
type NodeInput struct {
	ParentID   int64    `json:"parent_id,omitempty"`
	Code       string   `json:"code"`
	NameVI     string   `json:"name_vi"`
	NameEN     string   `json:"name_en"`
	Max        float64  `json:"max_score"`
	Method     Method   `json:"method"`
	Indicator  string   `json:"indicator"`
	Thresholds string   `json:"thresholds"` // "50:5; 80:8; 100:10"
	Lo         *float64 `json:"lo"`
	Hi         *float64 `json:"hi"`
	Guidance   string   `json:"guidance"`
	Position   int      `json:"position"`
	// Criterion makes a child of a pillar a criterion rather than a main
	// indicator.
	Criterion  bool       `json:"criterion"`
	Collection Collection `json:"collection"`
	Continues  string     `json:"continues"`
	Provenance string     `json:"provenance"`
}

// checkNode validates a node input in its framework; it returns the node.
func (s *Service) checkNode(ctx context.Context, actor *auth.Actor, f *Framework, in NodeInput, id int64) (*Node, error) {
	n := &Node{ID: id, FrameworkID: f.ID, ParentID: in.ParentID, Code: strings.ToUpper(strings.TrimSpace(in.Code)),
		NameVI: locale.CleanString(in.NameVI), NameEN: locale.CleanString(in.NameEN), Max: in.Max, Method: in.Method,
		Indicator: strings.ToUpper(strings.TrimSpace(in.Indicator)), Lo: in.Lo, Hi: in.Hi, Guidance: strings.TrimSpace(in.Guidance), Position: in.Position,
		Collection: in.Collection, Continues: strings.ToUpper(strings.TrimSpace(in.Continues)), Provenance: locale.CleanString(in.Provenance)}
	var bad []*errs.Error
	if n.Collection != "" && n.Collection != CollectAuto && n.Collection != CollectVerified {
		bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(n.Collection)).At(0, "collection"))
	}
	if n.Continues != "" && !validCode(n.Continues) {
		bad = append(bad, errs.Invalidf("indicator.err.bad_code", "Value", n.Continues).At(0, "continues"))
	}
	parent := f.Node(in.ParentID)
	switch {
	case in.ParentID == 0:
		n.Kind = Pillar
	case parent == nil:
		bad = append(bad, errs.Invalidf("assess.err.bad_parent").At(0, "parent_id"))
	case parent.Kind == Pillar && !in.Criterion:
		n.Kind = Main
	case parent.Kind == Pillar || parent.Kind == Main:
		n.Kind = Criterion
	default:
		bad = append(bad, errs.Invalidf("assess.err.bad_parent").At(0, "parent_id"))
	}
	if id != 0 && parent != nil {
		for p := parent; p != nil; p = f.Node(p.ParentID) {
			if p.ID == id {
				bad = append(bad, errs.Invalidf("assess.err.bad_parent").At(0, "parent_id"))
				break
			}
		}
	}
	if n.Code == "" {
		n.Code = fmt.Sprintf("N%d", len(f.all)+1)
	}
	if n.NameVI == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "name_vi"))
	}
	if n.Max <= 0 || n.Max > 10000 {
		bad = append(bad, errs.Invalidf("assess.err.max").At(0, "max_score"))
	}
	if n.Kind != Criterion {
		n.Method, n.Indicator, n.Lo, n.Hi = Sum, "", nil, nil
	} else {
		if n.Method == "" {
			n.Method = Judgement
		}
		switch n.Method {
		case Judgement:
			n.Indicator, n.Lo, n.Hi = "", nil, nil
		case Threshold, Linear:
			if ind, err := s.ind.ByCode(ctx, actor, n.Indicator); err != nil {
				bad = append(bad, errs.Invalidf("indicator.err.unknown_code", "Code", n.Indicator).At(0, "indicator"))
			} else if ind.Type == indicator.Text {
				bad = append(bad, errs.Invalidf("indicator.err.formula_part_type", "Code", n.Indicator).At(0, "indicator"))
			}
			if n.Method == Threshold {
				steps, err := ParseSteps(in.Thresholds)
				switch {
				case err != nil:
					bad = append(bad, errs.Invalidf("assess.err.thresholds", "Value", err.Error()).At(0, "thresholds"))
				case len(steps) == 0:
					bad = append(bad, errs.Invalidf("assess.err.thresholds", "Value", in.Thresholds).At(0, "thresholds"))
				default:
					for _, st := range steps {
						if st.Score < 0 || st.Score > n.Max {
							bad = append(bad, errs.Invalidf("assess.err.step_score", "Score", st.Score, "Max", n.Max).At(0, "thresholds"))
							break
						}
					}
					n.Steps = steps
				}
				n.Lo, n.Hi = nil, nil
			} else if n.Lo == nil || n.Hi == nil || *n.Lo == *n.Hi {
				bad = append(bad, errs.Invalidf("assess.err.linear").At(0, "hi"))
			}
		default:
			bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", string(n.Method)).At(0, "method"))
		}
	}
	for _, o := range f.all {
		if o.Code == n.Code && o.ID != id {
			bad = append(bad, errs.Invalidf("indicator.err.code_taken", "Code", n.Code).At(0, "code"))
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	return n, nil
}

// AddNode adds a pillar, main indicator or criterion to a draft.
func (s *Service) AddNode(ctx context.Context, actor *auth.Actor, fw int64, in NodeInput) (*Node, error) {
	f, err := s.editable(ctx, actor, fw)
	if err != nil {
		return nil, err
	}
	n, err := s.checkNode(ctx, actor, f, in, 0)
	if err != nil {
		return nil, err
	}
	if n.Position == 0 {
		n.Position = len(f.all) + 1
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertNode(ctx, tx, n); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "framework_node.create", Entity: "framework_node", EntityID: fmt.Sprint(n.ID),
			UnitID: f.OwnerUnitID, After: n})
	})
	return n, err
}

// UpdateNode changes a node of a draft, or deletes it (with what is under
// it) when remove is set.
func (s *Service) UpdateNode(ctx context.Context, actor *auth.Actor, id int64, in NodeInput, remove bool) (*Framework, error) {
	var fw int64
	if err := s.db.QueryRowContext(ctx, `SELECT framework_id FROM framework_nodes WHERE id = $1`, id).Scan(&fw); err != nil {
		if db.IsNoRows(err) {
			return nil, errs.NotFoundErr()
		}
		return nil, err
	}
	f, err := s.editable(ctx, actor, fw)
	if err != nil {
		return nil, err
	}
	old := f.Node(id)
	if remove {
		var ids []int64
		var walk func(n *Node)
		walk = func(n *Node) {
			for _, c := range n.Children {
				walk(c)
			}
			ids = append(ids, n.ID)
		}
		walk(old)
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			var entries []audit.Entry
			for _, nid := range ids {
				if _, err := tx.ExecContext(ctx, `DELETE FROM framework_nodes WHERE id = $1`, nid); err != nil {
					return err
				}
				entries = append(entries, audit.Entry{Action: "framework_node.delete", Entity: "framework_node", EntityID: fmt.Sprint(nid),
					UnitID: f.OwnerUnitID, Before: f.Node(nid)})
			}
			return s.audit.Write(ctx, tx, actor.Who(), entries...)
		})
		if err != nil {
			return nil, err
		}
		return s.framework(ctx, s.db, fw)
	}
	if in.ParentID == 0 && old.ParentID != 0 && old.Kind != Pillar {
		in.ParentID = old.ParentID
	}
	in.Criterion = in.Criterion || old.Kind == Criterion
	n, err := s.checkNode(ctx, actor, f, in, id)
	if err != nil {
		return nil, err
	}
	if n.Position == 0 {
		n.Position = old.Position
	}
	if n.Kind != old.Kind && len(old.Children) > 0 {
		return nil, errs.Invalidf("assess.err.bad_parent").At(0, "parent_id")
	}
	n.ToFill = confirmEdited(old, n)
	if n.Provenance == "" {
		n.Provenance = old.Provenance
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE framework_nodes SET parent_id = $1, kind = $2, code = $3, name_vi = $4, name_en = $5, max_score = $6,
			method = $7, indicator_code = $8, thresholds = $9, lo = $10, hi = $11, guidance = $12, position = $13, collection = $14, continues = $15,
			provenance = $16, to_fill = $17 WHERE id = $18`,
			nullID(n.ParentID), n.Kind, n.Code, n.NameVI, n.NameEN, n.Max, n.Method, n.Indicator, n.StepsText(), nullFloat(n.Lo), nullFloat(n.Hi),
			n.Guidance, n.Position, n.Collection, n.Continues, n.Provenance, joinFields(n.ToFill), id)
		if err != nil {
			return err
		}
		before := *old
		before.Children = nil
		return s.audit.Write(ctx, tx, actor.Who(), audit.Entry{Action: "framework_node.update", Entity: "framework_node", EntityID: fmt.Sprint(id),
			UnitID: f.OwnerUnitID, Before: before, After: n})
	})
	if err != nil {
		return nil, err
	}
	return s.framework(ctx, s.db, fw)
}

// confirmEdited is what stays to be filled in after a node was edited: a
// figure the administrator changed is taken as confirmed by them.
func confirmEdited(old, n *Node) []Field {
	var out []Field
	for _, f := range old.ToFill {
		switch {
		case f == FieldName && n.NameVI != old.NameVI,
			f == FieldMax && n.Max != old.Max,
			f == FieldMethod && (n.Method != old.Method || n.Indicator != old.Indicator || n.StepsText() != old.StepsText() ||
				!floatEq(n.Lo, old.Lo) || !floatEq(n.Hi, old.Hi)):
			continue
		}
		out = append(out, f)
	}
	return out
}

func oneOrList(bad []*errs.Error) error {
	if len(bad) == 1 {
		return bad[0]
	}
	return errs.List("err.form", bad)
}

func validCode(c string) bool {
	if c == "" || len(c) > 40 || c[0] < 'A' || c[0] > 'Z' {
		return false
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !(b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-' || b == '.') {
			return false
		}
	}
	return true
}

// NodeFramework is the framework a node belongs to.
func (s *Service) NodeFramework(ctx context.Context, node int64) (int64, error) {
	var fw int64
	err := s.db.QueryRowContext(ctx, `SELECT framework_id FROM framework_nodes WHERE id = $1`, node).Scan(&fw)
	if db.IsNoRows(err) {
		return 0, errs.NotFoundErr()
	}
	return fw, err
}
