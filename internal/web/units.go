package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// levelCount is "how many units of a level".
type levelCount struct {
	Level org.Level
	Count int
}

// countsOf lists the non-zero counts of units below a unit, by level, in
// the order of the levels.
func countsOf(m map[org.Level]int) []levelCount {
	var out []levelCount
	for _, l := range org.Levels {
		if m[l] > 0 {
			out = append(out, levelCount{l, m[l]})
		}
	}
	return out
}

// unitTallies keeps a unit's units below by level, in all and under each
// of its children, for the tree they were counted on: the nation's page
// walked its 80,000 units at each rebuild (issue 14). A new tree empties
// it. Bound: unitTalliesMax units' tallies (a unit's is 64 bytes a child:
// the nation's 34 provinces, a province's 135 communes), then it starts
// again empty.
var unitTallies struct {
	mu   sync.Mutex
	snap *org.Snapshot
	m    map[tallyKey]*unitTally
}

const unitTalliesMax = 2048

type tallyKey struct {
	unit int64
	day  day.Day
}

type unitTally struct {
	below levelTally
	under map[int64]levelTally // by child
}

// tallyOf counts the units below id on d, in all and under each child, in
// one walk (in preorder: a child's units follow it), or finds them kept.
func tallyOf(snap *org.Snapshot, id int64, d day.Day) *unitTally {
	k := tallyKey{id, d}
	unitTallies.mu.Lock()
	if unitTallies.snap == snap {
		if t := unitTallies.m[k]; t != nil {
			unitTallies.mu.Unlock()
			return t
		}
	}
	unitTallies.mu.Unlock()
	t := &unitTally{under: map[int64]levelTally{}}
	var cur int64
	var tally levelTally
	snap.Walk(id, d, func(v *org.Version) bool {
		if v.UnitID == id {
			return true
		}
		if v.ParentID == id {
			if cur != 0 {
				t.under[cur] = tally
			}
			cur, tally = v.UnitID, levelTally{}
		} else {
			tally.add(v.Level)
		}
		t.below.add(v.Level)
		return true
	})
	if cur != 0 {
		t.under[cur] = tally
	}
	unitTallies.mu.Lock()
	if unitTallies.snap != snap || unitTallies.m == nil || len(unitTallies.m) >= unitTalliesMax {
		unitTallies.snap, unitTallies.m = snap, map[tallyKey]*unitTally{}
	}
	unitTallies.m[k] = t
	unitTallies.mu.Unlock()
	return t
}

// levelTally counts units by level (org.Levels' order; a level not among
// them is not counted, as countsOf lists none).
type levelTally [8]int

func (t *levelTally) add(l org.Level) {
	for i, x := range org.Levels {
		if x == l && i < len(t) {
			t[i]++
			return
		}
	}
}

// counts are countsOf the tally.
func (t *levelTally) counts() []levelCount {
	var out []levelCount
	for i, l := range org.Levels {
		if i < len(t) && t[i] > 0 {
			out = append(out, levelCount{l, t[i]})
		}
	}
	return out
}

type childRow struct {
	V      *org.Version
	Counts []levelCount
}

type childGroup struct {
	Level org.Level
	Rows  []childRow
}

type crumb struct {
	V        *org.Version
	Openable bool
}

type historyRow struct {
	V      *org.Version
	Event  *org.Event
	Parent *org.Version // the parent as the version began
}

type unitPage struct {
	Page
	Unit        *org.Version
	InForce     bool
	Crumbs      []crumb
	Counts      []levelCount
	Groups      []childGroup // the units below, by level
	ChildCount  int
	History     []historyRow
	Preds       []org.Lineage
	Succs       []org.Lineage
	Audit       []audit.Record
	CanEdit     bool
	Levels      []org.Level
	ChildLevels []org.Level
	Apparatus   *people.Apparatus // the unit's DX apparatus on the date
	Registers   []regFigure       // a commune's or village's register figures, linked to their records
	Since       day.Day           // when the unit began, if before this version
	// after a failed change: which form to reopen and what was typed
	Op   string
	Form map[string]string
	Body template.HTML // the content, written by unitHTML once the above are set
	pooledContent
}

// written is the page's content (Body, written by unitHTML), handed to the
// page cache as it is (writtenPage).
func (p *unitPage) written() template.HTML { return p.Body }

func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	up, err := s.unitData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	up.Body = unitHTML(up)
	s.render(w, r, "unit", http.StatusOK, up)
}

// unitData gathers everything the unit page shows.
func (s *Server) unitData(r *http.Request, id int64) (*unitPage, error) {
	p := s.page(r, "")
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	v, inForce, err := tree.Unit(id, p.AsOf)
	if err != nil {
		return nil, err
	}
	p.Title, p.Nav = v.Name, "units"
	up := &unitPage{Page: p, Unit: v, InForce: inForce, Levels: org.Levels}
	if inForce {
		all, openable := tree.VisibleAncestors(id, p.AsOf)
		for i, a := range all {
			up.Crumbs = append(up.Crumbs, crumb{a, openable[i]})
		}
		kids := tree.Children(id, p.AsOf)
		ut := tallyOf(tree.Snapshot, id, p.AsOf)
		below, under := ut.below, make([]levelTally, len(kids))
		for i, c := range kids {
			under[i] = ut.under[c.UnitID]
		}
		up.Counts = below.counts()
		byLevel := map[org.Level][]childRow{}
		for i, c := range kids {
			byLevel[c.Level] = append(byLevel[c.Level], childRow{V: c, Counts: under[i].counts()})
			up.ChildCount++
		}
		for _, l := range org.Levels {
			if rows := byLevel[l]; len(rows) > 0 {
				up.Groups = append(up.Groups, childGroup{l, rows})
			}
		}
	}
	for _, h := range tree.History(id) {
		up.History = append(up.History, historyRow{h, tree.Event(h.EventID), tree.At(h.ParentID, h.From)})
	}
	if first := tree.History(id)[0]; first.From.Before(v.From) {
		up.Since = first.From
	}
	up.Preds, up.Succs = tree.LineageOf(id)
	if inForce && v.Level != org.LevelNation && v.Level != org.LevelVillage {
		if up.Apparatus, err = s.People.GetApparatus(r.Context(), p.Actor, id, p.AsOf); err != nil {
			return nil, err
		}
	}
	if inForce && (v.Level == org.LevelCommune || v.Level == org.LevelVillage) {
		up.Registers = s.registerFigures(r.Context(), &p, id, "REG_TEAMS", "REG_MEMBERS", "REG_DX_STAFF", "REG_FOCAL_PERSONS")
	}
	up.CanEdit = inForce && v.Level != org.LevelNation && org.MayEdit(p.Actor, v.Level)
	for _, l := range org.Levels {
		if inForce && l != org.LevelNation && l.CanHangUnder(v.Level) && org.MayEdit(p.Actor, l) {
			up.ChildLevels = append(up.ChildLevels, l)
		}
	}
	if p.Actor.Can(auth.PermReadAudit) {
		up.Audit, err = audit.List(r.Context(), s.DB, audit.Query{UnitIDs: []int64{id}, Limit: 8})
		if err != nil {
			return nil, err
		}
	}
	return up, nil
}

type unitListPage struct {
	Page
	Area    *org.Version // the unit whose units are listed
	Level   org.Level
	Levels  []levelCount
	Q       string
	Rows    []childRow
	Parents map[int64]*org.Version
	Total   int
	PageNo  int
	Pages   int
}

const listPageSize = 100

// AreaID is the id of the unit whose units are listed, 0 for the scope.
func (p *unitListPage) AreaID() int64 {
	if p.Area == nil {
		return 0
	}
	return p.Area.UnitID
}

// unitList lists the units of one level inside the user's scope, as of the
// page's date, with a filter and pages.
func (s *Server) unitList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lp := &unitListPage{Page: p, Parents: map[int64]*org.Version{}}
	lp.Nav = "units"
	// the list covers a unit of the user's scope (their own by default),
	// or, before that unit existed, the units it was formed from
	area := p.Actor.ScopeUnitID
	if u, err := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64); err == nil && u != 0 {
		if err := tree.Check(u); err != nil {
			s.fail(w, r, err)
			return
		}
		area = u
	}
	roots := tree.Roots(area, p.AsOf)
	if len(roots) > 0 {
		lp.Area = tree.Latest(area)
	}
	counts := map[org.Level]int{}
	for _, root := range roots {
		for l, n := range tree.CountByLevel(root.UnitID, p.AsOf) {
			counts[l] += n
		}
	}
	lp.Levels = countsOf(counts)
	lp.Level = org.Level(r.URL.Query().Get("level"))
	if !lp.Level.Valid() || lp.Level == org.LevelNation {
		lp.Level = org.LevelProvince
		if len(lp.Levels) > 0 && counts[org.LevelProvince] == 0 {
			lp.Level = lp.Levels[0].Level
		}
	}
	lp.Title = p.L.T("units.title", "Level", lp.LevelName(lp.Level))
	lp.Q = strings.TrimSpace(r.URL.Query().Get("q"))
	var matches []*org.Version
	inArea := func(v *org.Version) bool {
		for _, root := range roots {
			if tree.Covers(root.UnitID, v.UnitID) {
				return true
			}
		}
		return false
	}
	if lp.Q != "" {
		for _, v := range tree.Search(lp.Q, p.AsOf, 0) {
			if v.Level == lp.Level && inArea(v) {
				matches = append(matches, v)
			}
		}
	} else {
		for _, root := range roots {
			tree.Walk(root.UnitID, p.AsOf, func(v *org.Version) bool {
				if v.Level == lp.Level && v.UnitID != root.UnitID {
					matches = append(matches, v)
				}
				return true
			})
		}
		org.SortByName(matches)
	}
	lp.Total = len(matches)
	lp.Pages = (lp.Total + listPageSize - 1) / listPageSize
	lp.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if lp.PageNo < 1 || lp.PageNo > lp.Pages {
		lp.PageNo = 1
	}
	start := (lp.PageNo - 1) * listPageSize
	end := min(start+listPageSize, lp.Total)
	for _, v := range matches[start:end] {
		lp.Rows = append(lp.Rows, childRow{V: v, Counts: countsOf(tree.CountByLevel(v.UnitID, p.AsOf))})
		if pv := tree.At(v.ParentID, p.AsOf); pv != nil {
			lp.Parents[v.UnitID] = pv
		}
	}
	s.render(w, r, "units", http.StatusOK, lp)
}

type searchPage struct {
	Page
	Q       string
	Results []*org.Version
	Parents map[int64]*org.Version
	Target  string // for the picker: the input the choice fills
	Outside int    // matches outside the user's scope, when none is inside
}

// search finds units by name without diacritics, or by code.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	sp, err := s.searchData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp.Nav = "search"
	s.render(w, r, "search", http.StatusOK, sp)
}

// pick is the unit picker of the edit forms: the same search, rendered as
// buttons that fill a hidden input.
func (s *Server) pick(w http.ResponseWriter, r *http.Request) {
	// the picker's text is sent under its own name (unit_q), not as q,
	// so that the form it sits in keeps its own q
	target := r.URL.Query().Get("target")
	q := r.URL.Query().Get(strings.TrimPrefix(target, "pick-") + "_q")
	if q == "" {
		q = r.URL.Query().Get("q")
	}
	sp, err := s.searchFor(r, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sp.Target = target
	sp.Partial = true
	s.render(w, r, "pick", http.StatusOK, sp)
}

func (s *Server) searchData(r *http.Request) (*searchPage, error) {
	return s.searchFor(r, r.URL.Query().Get("q"))
}

func (s *Server) searchFor(r *http.Request, q string) (*searchPage, error) {
	p := s.page(r, "")
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return nil, err
	}
	sp := &searchPage{Page: p, Q: strings.TrimSpace(q), Parents: map[int64]*org.Version{}}
	sp.Title = p.L.T("search.title")
	if sp.Q != "" {
		sp.Results = tree.Search(sp.Q, p.AsOf, 50)
		for _, v := range sp.Results {
			if pv := tree.At(v.ParentID, p.AsOf); pv != nil {
				sp.Parents[v.UnitID] = pv
			}
		}
		if len(sp.Results) == 0 {
			sp.Outside = tree.Outside(sp.Q, p.AsOf)
		}
	}
	return sp, nil
}

// pickedUnit is the unit of a picker field: the one chosen, or, when the
// user typed a name without choosing a suggestion, the one unit of their
// scope that the text names; otherwise a message saying why none is taken
// (none found, found only outside their scope, or several), so that a
// typed unit is never silently ignored.
func (s *Server) pickedUnit(r *http.Request, p *Page, name string) (int64, string) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.Form
	}
	if id, err := strconv.ParseInt(q.Get(name), 10, 64); err == nil && id > 0 {
		return id, ""
	}
	text := strings.TrimSpace(q.Get(name + "_q"))
	if text == "" {
		return 0, ""
	}
	tree, err := s.Org.For(r.Context(), p.Actor)
	if err != nil {
		return 0, err.Error()
	}
	found := tree.Search(text, p.AsOf, 0)
	switch {
	case len(found) == 1:
		return found[0].UnitID, ""
	case len(found) > 1:
		// one named exactly as typed wins over names that only contain it
		exact := 0
		var id int64
		for _, v := range found {
			if locale.Fold(v.Name) == locale.Fold(text) {
				exact, id = exact+1, v.UnitID
			}
		}
		if exact == 1 {
			return id, ""
		}
		return 0, p.L.T("pick.several", "Q", text, "Count", len(found))
	case tree.Outside(text, p.AsOf) > 0:
		return 0, p.L.T("pick.outside", "Q", text)
	}
	return 0, p.L.T("search.none", "Q", text)
}
