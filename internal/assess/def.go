package assess

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// Def is a whole framework as written down in one go: a sheet, a shipped
// data file, the demo. Nodes name their parent by code, in order. It is
// checked whole and stored whole, or not at all.
type Def struct {
	Family     string
	NameVI     string
	NameEN     string
	Basis      string
	Level      Level
	YearFrom   int
	YearTo     int
	Provenance string
	// Total is the framework's maximum when the source gives it (1,000
	// for the DTI): the pillars must add up to it, and pillars whose
	// maximum is not confirmed share what the others leave.
	Total *float64
	Rows  []DefRow
}

// DefRow is one node of a Def.
type DefRow struct {
	Line       int // the row of the sheet, for errors (0 when not from a sheet)
	Code       string
	Parent     string
	Kind       NodeKind // empty: from the place in the tree
	NameVI     string
	NameEN     string
	Max        *float64 // nil: not confirmed
	Method     Method
	Indicator  string
	Thresholds string
	Lo, Hi     *float64
	Guidance   string
	Collection Collection
	Continues  string
	Provenance string
	ToFill     []Field
}

// DefOptions say how a Def is stored.
type DefOptions struct {
	OwnerUnitID int64
	Publish     bool
	// Pending lets a criterion name an indicator that is not defined yet:
	// it scores itself once the indicator exists and says "not available"
	// until then. Only mangluoi's own data (the shipped catalogue, the
	// demo) may do so; a user's sheet must name known indicators.
	Pending bool
}

// build checks a Def and makes its nodes (Position in order, Children
// linked, ParentID left to the insert). Every problem is reported, each at
// its row and column.
func (s *Service) build(ctx context.Context, actor *auth.Actor, d *Def, pending bool) (*Framework, []*errs.Error) {
	var bad []*errs.Error
	at := func(line int, field, key string, kv ...any) {
		bad = append(bad, errs.Invalidf(key, kv...).At(line, field))
	}
	d.Family = strings.ToUpper(strings.TrimSpace(d.Family))
	d.NameVI, d.NameEN, d.Basis = locale.CleanString(d.NameVI), locale.CleanString(d.NameEN), locale.CleanString(d.Basis)
	if !validCode(d.Family) {
		at(0, "family", "indicator.err.bad_code", "Value", d.Family)
	}
	if d.NameVI == "" {
		at(0, "name_vi", "import.err.required")
	}
	if d.Level != "" && !oneOf(d.Level, Levels) {
		at(0, "level", "indicator.err.bad_choice", "Value", string(d.Level))
	}
	if d.YearFrom != 0 && (d.YearFrom < 2000 || d.YearFrom > 2100) || d.YearTo != 0 && (d.YearTo < d.YearFrom || d.YearTo > 2100) {
		at(0, "year_from", "assess.err.years", "From", d.YearFrom, "To", d.YearTo)
	}
	f := &Framework{Family: d.Family, NameVI: d.NameVI, NameEN: d.NameEN, Basis: d.Basis, Level: d.Level, YearFrom: d.YearFrom, YearTo: d.YearTo,
		Provenance: locale.CleanString(d.Provenance), all: map[int64]*Node{}}
	if len(d.Rows) == 0 {
		at(0, "", "assess.err.empty")
		return nil, bad
	}
	byCode := map[string]*Node{}
	line := map[*Node]int{}
	parentOf := map[*Node]string{}
	var order []*Node
	for i, r := range d.Rows {
		n := &Node{ID: int64(i + 1), Code: strings.ToUpper(strings.TrimSpace(r.Code)), Kind: r.Kind, NameVI: locale.CleanString(r.NameVI),
			NameEN: locale.CleanString(r.NameEN), Method: r.Method, Indicator: strings.ToUpper(strings.TrimSpace(r.Indicator)), Lo: r.Lo, Hi: r.Hi,
			Guidance: strings.TrimSpace(r.Guidance), Position: i + 1, Collection: r.Collection, Continues: strings.ToUpper(strings.TrimSpace(r.Continues)),
			Provenance: locale.CleanString(r.Provenance), ToFill: uniqueFields(r.ToFill)}
		line[n] = r.Line
		switch {
		case n.Code == "":
			at(r.Line, "code", "import.err.required")
			continue
		case !validCode(n.Code):
			at(r.Line, "code", "indicator.err.bad_code", "Value", n.Code)
			continue
		case byCode[n.Code] != nil:
			at(r.Line, "code", "assess.err.duplicate_code", "Code", n.Code, "First", line[byCode[n.Code]])
			continue
		}
		if n.NameVI == "" {
			at(r.Line, "name_vi", "import.err.required")
		}
		if r.Max != nil {
			n.Max = *r.Max
			if n.Max <= 0 || n.Max > 10000 || math.IsNaN(n.Max) {
				at(r.Line, "max_score", "assess.err.max")
			}
		} else if !n.Unconfirmed(FieldMax) {
			n.ToFill = uniqueFields(append(n.ToFill, FieldMax))
		}
		if n.Collection != "" && n.Collection != CollectAuto && n.Collection != CollectVerified {
			at(r.Line, "collection", "indicator.err.bad_choice", "Value", string(n.Collection))
		}
		if n.Continues != "" && !validCode(n.Continues) {
			at(r.Line, "continues", "indicator.err.bad_code", "Value", n.Continues)
		}
		for _, x := range n.ToFill {
			if !oneOf(x, Fields) {
				at(r.Line, "to_fill", "indicator.err.bad_choice", "Value", string(x))
			}
		}
		byCode[n.Code] = n
		parentOf[n] = strings.ToUpper(strings.TrimSpace(r.Parent))
		order = append(order, n)
	}
	// parents: known, not the node itself, no cycle
	for _, n := range order {
		pc := parentOf[n]
		if pc == "" {
			continue
		}
		p := byCode[pc]
		if p == nil {
			at(line[n], "parent", "assess.err.unknown_parent", "Code", pc)
			parentOf[n] = ""
			n.ParentID = -1
			continue
		}
		seen := map[*Node]bool{n: true}
		for q := p; q != nil; q = byCode[parentOf[q]] {
			if seen[q] {
				at(line[n], "parent", "assess.err.cycle", "Code", n.Code)
				parentOf[n] = ""
				n.ParentID = -1
				break
			}
			seen[q] = true
		}
		if n.ParentID != -1 {
			n.ParentID = p.ID
			p.Children = append(p.Children, n)
		}
	}
	for _, n := range order {
		if n.ParentID == 0 {
			f.Nodes = append(f.Nodes, n)
		}
		f.all[n.ID] = n
	}
	// kinds from the place in the tree when not given; given ones must fit
	// it (a pillar's child may be a main indicator or, in a small
	// framework, a criterion)
	f.Walk(func(n *Node, depth int) {
		var want NodeKind
		switch {
		case depth == 0:
			want = Pillar
		case f.all[n.ParentID].Kind == Criterion:
			at(line[n], "parent", "assess.err.under_criterion", "Code", f.all[n.ParentID].Code)
			return
		case f.all[n.ParentID].Kind == Main || len(n.Children) == 0:
			want = Criterion
		default:
			want = Main
		}
		if n.Kind == "" {
			n.Kind = want
		}
		underPillar := depth > 0 && f.all[n.ParentID].Kind == Pillar
		switch {
		case n.Kind == want:
		case underPillar && n.Kind == Main:
		case underPillar && n.Kind == Criterion:
			at(line[n], "kind", "assess.err.criterion_children", "Code", n.Code)
		default:
			at(line[n], "kind", "assess.err.bad_kind", "Code", n.Code)
		}
	})
	// methods: sums above, a way to score at the leaves
	known := map[string]*indicator.Indicator{}
	lookup := func(code string) *indicator.Indicator {
		if i, ok := known[code]; ok {
			return i
		}
		i, err := s.ind.ByCode(ctx, actor, code)
		if err != nil {
			i = nil // unknown, or not the actor's to use
		}
		known[code] = i
		return i
	}
	f.Walk(func(n *Node, _ int) {
		l := line[n]
		if !n.Leaf() {
			if n.Method != "" && n.Method != Sum {
				at(l, "method", "assess.err.sum_method", "Code", n.Code)
			}
			n.Method, n.Indicator, n.Lo, n.Hi, n.Steps = Sum, "", nil, nil, nil
			if len(n.Children) == 0 {
				at(l, "code", "assess.err.no_children", "Name", n.NameVI)
			}
			return
		}
		if n.Method == "" {
			n.Method = Judgement
		}
		r := d.Rows[n.ID-1]
		switch n.Method {
		case Judgement:
			if n.Indicator != "" || r.Thresholds != "" {
				at(l, "indicator", "assess.err.judged_bound", "Code", n.Code)
			}
		case Threshold, Linear:
			var ind *indicator.Indicator
			if n.Indicator != "" {
				ind = lookup(n.Indicator)
			}
			switch {
			case n.Indicator == "":
				at(l, "indicator", "import.err.required")
			case ind == nil && !pending && !s.namedByPublished(ctx, n.Indicator):
				at(l, "indicator", "indicator.err.unknown_code", "Code", n.Indicator)
			case ind != nil && ind.Type == indicator.Text:
				at(l, "indicator", "indicator.err.formula_part_type", "Code", n.Indicator)
			}
			if n.Method == Threshold {
				steps, err := ParseSteps(r.Thresholds)
				if err != nil || len(steps) == 0 {
					at(l, "thresholds", "assess.err.thresholds", "Value", r.Thresholds)
				}
				n.Steps, n.Lo, n.Hi = steps, nil, nil
			} else {
				if n.Lo == nil || n.Hi == nil || *n.Lo == *n.Hi {
					at(l, "hi", "assess.err.linear")
				}
				if r.Thresholds != "" {
					at(l, "thresholds", "assess.err.judged_bound", "Code", n.Code)
				}
			}
		default:
			at(l, "method", "indicator.err.bad_choice", "Value", string(n.Method))
		}
	})
	if len(bad) > 0 {
		return nil, bad
	}
	bad = append(bad, fillMaxima(f, d.Total, line)...)
	f.Walk(func(n *Node, _ int) {
		for _, st := range n.Steps {
			if st.Score < 0 || st.Score > n.Max+1e-9 {
				at(line[n], "thresholds", "assess.err.step_score", "Score", st.Score, "Max", n.Max)
				break
			}
		}
	})
	if len(bad) > 0 {
		return nil, bad
	}
	return f, nil
}

// fillMaxima gives every maximum not confirmed its provisional value and
// checks that each parent's children add up to it. A parent not confirmed
// whose children all are is their sum (arithmetic, not a guess); children
// not confirmed share equally what their confirmed siblings leave of the
// parent's maximum, and stay marked to be filled in.
func fillMaxima(f *Framework, total *float64, line map[*Node]int) []*errs.Error {
	var bad []*errs.Error
	known := func(n *Node) bool { return !n.Unconfirmed(FieldMax) }
	var up func(n *Node) bool // whether n's maximum is known after summing
	up = func(n *Node) bool {
		all := true
		for _, c := range n.Children {
			all = up(c) && all
		}
		if !known(n) && len(n.Children) > 0 && all {
			n.Max, n.ToFill = 0, without(n.ToFill, FieldMax)
			for _, c := range n.Children {
				n.Max += c.Max
			}
		}
		return known(n)
	}
	tops := &Node{Children: f.Nodes, Code: f.Family}
	for _, n := range f.Nodes {
		up(n)
	}
	if total != nil {
		tops.Max = *total
	} else {
		tops.Max = 0
		for _, n := range f.Nodes {
			if !known(n) {
				bad = append(bad, errs.Invalidf("assess.err.max_required").At(line[n], "max_score"))
			}
			tops.Max += n.Max
		}
		if len(bad) > 0 {
			return bad
		}
	}
	var down func(p *Node, l int)
	down = func(p *Node, l int) {
		if len(p.Children) == 0 {
			return
		}
		rest, open := p.Max, 0
		for _, c := range p.Children {
			if known(c) {
				rest -= c.Max
			} else {
				open++
			}
		}
		if open > 0 {
			if rest <= 1e-9 {
				bad = append(bad, errs.Invalidf("assess.err.no_room", "Name", p.NameVI, "Max", p.Max).At(l, "max_score"))
				return
			}
			// equal shares to six decimals, the last taking the remainder,
			// so the parts add up exactly
			share := math.Round(rest/float64(open)*1e6) / 1e6
			left := rest
			for _, c := range p.Children {
				if !known(c) {
					open--
					c.Max = share
					if open == 0 {
						c.Max = math.Round(left*1e6) / 1e6
					}
					left -= c.Max
				}
			}
		}
		sum := 0.0
		for _, c := range p.Children {
			sum += c.Max
		}
		if math.Abs(sum-p.Max) > 1e-4 {
			name := p.NameVI
			if p == tops {
				name = f.NameVI
			}
			bad = append(bad, errs.Invalidf("assess.err.sum", "Name", name, "Max", p.Max, "Sum", sum).At(l, "max_score"))
		}
		for _, c := range p.Children {
			down(c, line[c])
		}
	}
	down(tops, 0)
	return bad
}

func without(fs []Field, f Field) []Field {
	var out []Field
	for _, x := range fs {
		if x != f {
			out = append(out, x)
		}
	}
	return out
}

func uniqueFields(fs []Field) []Field {
	var out []Field
	for _, f := range Fields {
		for _, x := range fs {
			if x == f {
				out = append(out, f)
				break
			}
		}
	}
	for _, x := range fs {
		if !oneOf(x, Fields) {
			out = append(out, x) // reported as a bad choice
		}
	}
	return out
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ImportFramework stores a Def as a new framework: a draft to go on
// editing, or published at once. Nothing is written unless the whole Def
// is right.
func (s *Service) ImportFramework(ctx context.Context, actor *auth.Actor, d *Def, o DefOptions) (*Framework, error) {
	if !mayDesign(actor) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if o.OwnerUnitID == 0 {
		o.OwnerUnitID = actor.ScopeUnitID
	}
	if err := checkUnit(t, o.OwnerUnitID, "owner_unit_id"); err != nil {
		return nil, err
	}
	f, bad := s.build(ctx, actor, d, o.Pending)
	if len(bad) > 0 {
		return nil, errs.List("import.err.rows", bad)
	}
	now := s.now().UTC()
	f.OwnerUnitID, f.Status, f.CreatedAt, f.UpdatedAt = o.OwnerUnitID, "draft", now, now
	if o.Publish {
		f.Status = "published"
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.storeBuilt(ctx, tx, actor.Who(), f)
	})
	if err != nil {
		return nil, err
	}
	return s.framework(ctx, s.db, f.ID)
}

// storeBuilt writes a framework made by build, with its audit entry.
func (s *Service) storeBuilt(ctx context.Context, tx *sql.Tx, who audit.Who, f *Framework) error {
	if err := insertFramework(ctx, tx, f, false); err != nil {
		return err
	}
	var add func(ns []*Node, parent int64) error
	add = func(ns []*Node, parent int64) error {
		for _, n := range ns {
			c := *n
			c.FrameworkID, c.ParentID = f.ID, parent
			if err := insertNode(ctx, tx, &c); err != nil {
				return err
			}
			if err := add(n.Children, c.ID); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(f.Nodes, 0); err != nil {
		return err
	}
	return s.audit.Write(ctx, tx, who, audit.Entry{Action: "framework.import", Entity: "framework", EntityID: fmt.Sprint(f.ID),
		UnitID: f.OwnerUnitID, After: map[string]any{"family": f.Family, "version": f.Version, "status": f.Status, "nodes": len(f.all),
			"max": f.Max(), "to_fill": f.Unconfirmed()}})
}

// namedByPublished reports whether a published framework already binds a
// criterion to an indicator code not defined yet (one mangluoi will
// measure): a sheet exported from it may name it too.
func (s *Service) namedByPublished(ctx context.Context, code string) bool {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM framework_nodes n JOIN frameworks f ON f.id = n.framework_id
		WHERE n.indicator_code = $1 AND f.status = 'published'`, code).Scan(&n)
	return err == nil && n > 0
}
