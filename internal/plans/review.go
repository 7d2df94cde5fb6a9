package plans

import "sort"

// Tally counts tasks the way a review writes them ("đã triển khai 11/21,
// hoàn thành 8/21"): in all, per plan, per lead unit and per group, a
// task counting in its group and in every group above it up to its pillar.
// Every page, the annex, the API and the periodic report count through it,
// so their figures are the same.
type Tally struct {
	Counts  Counts
	ByPlan  map[int64]*Counts
	ByUnit  map[int64]*Counts
	byGroup map[int64]*Counts
	parent  map[int64]int64
}

// NewTally starts a tally over the groups (of one plan or several; none
// when only the totals, plans and units are wanted).
func NewTally(groups []Group) *Tally {
	t := &Tally{ByPlan: map[int64]*Counts{}, ByUnit: map[int64]*Counts{}, byGroup: map[int64]*Counts{}, parent: map[int64]int64{}}
	for _, g := range groups {
		t.parent[g.ID] = g.ParentID
	}
	return t
}

func bump(m map[int64]*Counts, id int64, st TaskState) {
	c := m[id]
	if c == nil {
		c = &Counts{}
		m[id] = c
	}
	c.Add(st)
}

// Add counts one task as it stands.
func (t *Tally) Add(tk *Task, st TaskState) { t.add(tk.DocumentID, tk.LeadUnitID, tk.GroupID, st) }

// addRec counts a kept task as it stands.
func (t *Tally) addRec(r *taskRec, st TaskState) { t.add(r.DocumentID, r.LeadUnitID, r.GroupID, st) }

func (t *Tally) add(doc, lead, group int64, st TaskState) {
	t.Counts.Add(st)
	bump(t.ByPlan, doc, st)
	bump(t.ByUnit, lead, st)
	// up the groups (bounded: a loop the data should not have stops here)
	g := group
	for i := 0; i < maxGroupDepth; i++ {
		bump(t.byGroup, g, st)
		if g == 0 {
			break
		}
		p, ok := t.parent[g]
		if !ok || p == 0 {
			break
		}
		g = p
	}
}

// Group is the counts of a group with the groups under it (0: the tasks in
// no group).
func (t *Tally) Group(id int64) Counts {
	if c := t.byGroup[id]; c != nil {
		return *c
	}
	return Counts{}
}

// Units are the lead units' counts, the most overdue first, named on d.
func (t *Tally) Units(name func(id int64) string) []UnitCount {
	out := make([]UnitCount, 0, len(t.ByUnit))
	for id, c := range t.ByUnit {
		out = append(out, UnitCount{UnitID: id, Name: name(id), Counts: *c})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Counts, out[j].Counts
		if a.Overdue != b.Overdue {
			return a.Overdue > b.Overdue
		}
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return out[i].UnitID < out[j].UnitID
	})
	return out
}

// maxGroupDepth bounds how deep groups nest (pillar, group, sub-group…).
const maxGroupDepth = 5

// GroupTree orders groups as a plan reads: each pillar, then the groups
// under it in their order, with their depth (0 for a pillar). A group
// whose parent is not among them is a pillar.
func GroupTree(groups []Group) (ordered []Group, depth map[int64]int) {
	ids := map[int64]bool{}
	for _, g := range groups {
		ids[g.ID] = true
	}
	kids := map[int64][]Group{}
	for _, g := range groups {
		p := g.ParentID
		if !ids[p] || p == g.ID {
			p = 0
		}
		kids[p] = append(kids[p], g)
	}
	for _, k := range kids {
		sort.SliceStable(k, func(i, j int) bool {
			if k[i].Seq != k[j].Seq {
				return k[i].Seq < k[j].Seq
			}
			return k[i].ID < k[j].ID
		})
	}
	depth = map[int64]int{}
	var walk func(p int64, d int)
	walk = func(p int64, d int) {
		for _, g := range kids[p] {
			if _, seen := depth[g.ID]; seen {
				continue
			}
			depth[g.ID] = d
			ordered = append(ordered, g)
			walk(g.ID, d+1)
		}
	}
	walk(0, 0)
	// groups in a loop of parents (never made by this service) are listed
	// last as pillars rather than lost
	for _, g := range groups {
		if _, seen := depth[g.ID]; !seen {
			depth[g.ID] = 0
			ordered = append(ordered, g)
		}
	}
	return ordered, depth
}
