package plans

import (
	"context"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/plans/parse"
)

// UnitChoice is a unit a plan's task may be given to.
type UnitChoice struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Resolver turns unit names typed in a draft or a spreadsheet into units of
// a plan's scope.
type Resolver struct {
	Choices []UnitChoice
	units   []parse.Unit
	exact   map[string]int64
	matcher *parse.Matcher
}

// resolver collects the units a plan may name: those under its owner on
// its issue date and today (units that have since ended point to their
// successor).
func (s *Service) resolver(t *org.Scoped, doc *Document) *Resolver {
	today := s.Today()
	r := &Resolver{exact: map[string]int64{}}
	seen := map[int64]bool{}
	add := func(v *org.Version) bool {
		if seen[v.UnitID] || v.Level == org.LevelVillage {
			return v.Level != org.LevelVillage
		}
		seen[v.UnitID] = true
		u := parse.Unit{ID: v.UnitID, Name: v.Name}
		if v.UnitID == doc.OwnerUnitID || v.Level == org.LevelProvince {
			u.Aliases = []string{"Ủy ban nhân dân " + strings.ToLower(v.Kind) + " " + strings.TrimSpace(strings.TrimPrefix(v.Name, v.Kind)),
				"Ủy ban nhân dân " + strings.ToLower(v.Kind)}
		}
		if t.At(v.UnitID, today) == nil {
			// ended: its tasks go to its one successor, when there is one
			var succ []org.Link
			for _, l := range t.Successors(v.UnitID) {
				if t.At(l.SuccessorID, today) != nil {
					succ = append(succ, l)
				}
			}
			if len(succ) != 1 {
				return true
			}
			u.ReplacedBy, u.ReplacedByName = succ[0].SuccessorID, t.At(succ[0].SuccessorID, today).Name
		} else {
			r.Choices = append(r.Choices, UnitChoice{v.UnitID, v.Name})
			r.exact[locale.Fold(v.Name)] = v.UnitID
		}
		r.units = append(r.units, u)
		return true
	}
	t.Walk(doc.OwnerUnitID, doc.IssuedOn, add)
	t.Walk(doc.OwnerUnitID, today, add)
	// an owner that has ended hands its units to its successors: their
	// units are offered too (the validation keeps tasks within the owner)
	if t.At(doc.OwnerUnitID, today) == nil {
		for _, l := range t.Successors(doc.OwnerUnitID) {
			t.Walk(l.SuccessorID, today, func(v *org.Version) bool {
				if t.Covers(doc.OwnerUnitID, v.UnitID) {
					add(v)
				}
				return v.Level != org.LevelVillage
			})
		}
	}
	r.matcher = parse.NewMatcher(r.units)
	return r
}

// Unit resolves one name: exactly (without diacritics), or the first unit
// the words name.
func (r *Resolver) Unit(name string) (int64, bool) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, false
	}
	if id, ok := r.exact[locale.Fold(name)]; ok {
		return id, true
	}
	found := r.matcher.Find(name)
	if len(found) == 0 {
		return 0, false
	}
	if found[0].ReplacedBy != 0 {
		return found[0].ReplacedBy, true
	}
	return found[0].ID, true
}

// Lead sets a task's lead from what was typed: a class of units ("UBND
// các xã, phường", "các sở, ban, ngành"…) or one unit's name. It reports
// whether it understood the words.
func (r *Resolver) Lead(name string, in *TaskInput) bool {
	if c := parse.ClassOf(name); c != "" {
		in.LeadClass, in.LeadUnitID = Class(c), 0
		return true
	}
	id, ok := r.Unit(name)
	in.LeadUnitID = id
	return ok
}

// Units resolves a list of names separated by ";" or new lines, and says
// which it could not.
func (r *Resolver) Units(text string) (ids []int64, unknown []string) {
	for _, part := range strings.FieldsFunc(text, func(c rune) bool { return c == ';' || c == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if id, ok := r.Unit(part); ok {
			ids = append(ids, id)
		} else {
			unknown = append(unknown, part)
		}
	}
	return ids, unknown
}

// Resolver gives the units a plan's tasks may name, for the draft form and
// imports; only those who may change the plan get it.
func (s *Service) Resolver(ctx context.Context, actor *auth.Actor, docID int64) (*Resolver, error) {
	a, err := s.manage(ctx, actor, docID)
	if err != nil {
		return nil, err
	}
	return s.resolver(a.tree, a.doc), nil
}

// ParseText reads a plan's pasted text into a draft for the coordinator to
// correct and confirm; nothing is stored.
func (s *Service) ParseText(ctx context.Context, actor *auth.Actor, docID int64, text string) (*parse.Draft, error) {
	a, err := s.manage(ctx, actor, docID)
	if err != nil {
		return nil, err
	}
	d, err := parse.Parse(text, s.resolver(a.tree, a.doc).units)
	if err != nil {
		return nil, err
	}
	for gi := range d.Groups {
		for ti := range d.Groups[gi].Tasks {
			tk := &d.Groups[gi].Tasks[ti]
			if tk.Deadline.Schedule == parse.Once && tk.Deadline.Due.Before(a.doc.IssuedOn) {
				d.Warnings = append(d.Warnings, parse.Warning{Line: tk.Line, Key: "plans.warn.due_before_issue",
					Args: map[string]any{"Due": tk.Deadline.Due.VN(), "Issued": a.doc.IssuedOn.VN()}})
			}
		}
	}
	return d, nil
}

// DraftGroup is the group and pillar a draft's group's tasks go to: a
// group under a pillar, or the pillar itself.
func DraftGroup(d *parse.Draft, g parse.Group) (group, pillar string) {
	if g.Parent > 0 && g.Parent <= len(d.Groups) {
		return g.Title, d.Groups[g.Parent-1].Title
	}
	return g.Title, ""
}

// DraftInputs turns a draft as parsed into task inputs (for the API's
// "parse and confirm as is").
func DraftInputs(d *parse.Draft) []TaskInput {
	var out []TaskInput
	for _, g := range d.Groups {
		group, pillar := DraftGroup(d, g)
		for _, t := range g.Tasks {
			out = append(out, TaskInput{Group: group, Pillar: pillar, Code: t.Code, Title: t.Title, Description: t.Description, LeadUnitID: t.LeadID,
				SupportIDs: t.SupportIDs, Schedule: Schedule(t.Deadline.Schedule), DueOn: t.Deadline.Due, Output: t.Output,
				LeadClass: Class(t.LeadClass)})
		}
	}
	return out
}
