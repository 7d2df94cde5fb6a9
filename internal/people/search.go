package people

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Filter selects people.
type Filter struct {
	Q        string   // name, with or without diacritics
	UnitID   int64    // within this unit's subtree (default: the actor's scope)
	Role     RoleKind // holding this DX role ("" anyone; RoleAny any DX role; "none" holding none)
	Training string   // "trained" or "untrained" this year; "" either
	AsOf     day.Day
	Limit    int
	Offset   int
}

// RoleAny, as a filter, is any DX role: the people who work on DX.
const RoleAny RoleKind = "any"

// PersonRow is a person in a list.
type PersonRow struct {
	Person  Person `json:"person"`
	UnitID  int64  `json:"unit_id"`
	Unit    string `json:"unit"`
	Roles   []Role `json:"roles"`
	Trained bool   `json:"trained_this_year"`
}

// SearchResult is a page of people and how many match in all.
type SearchResult struct {
	Total int         `json:"total"`
	Rows  []PersonRow `json:"rows"`
}

// Search finds the people working, on f.AsOf, in units of the actor's scope.
func (s *Service) Search(ctx context.Context, actor *auth.Actor, f Filter) (*SearchResult, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if f.UnitID == 0 {
		f.UnitID = actor.ScopeUnitID
	}
	if err := t.Check(f.UnitID); err != nil {
		return nil, err
	}
	if f.AsOf.IsZero() {
		f.AsOf = s.org.Today()
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	rs := t.Roots(f.UnitID, f.AsOf)
	res := &SearchResult{Rows: []PersonRow{}}
	if len(rs) == 0 {
		return res, nil
	}
	if f.Q == "" && f.Role == "" && f.Training == "" {
		return s.searchListed(ctx, t, rs, f)
	}
	return s.searchSQL(ctx, rs, f)
}

// searchSQL is Search with a filter (a name, a role, training), in one
// query for the page and its total.
func (s *Service) searchSQL(ctx context.Context, rs []*org.Version, f Filter) (*SearchResult, error) {
	res := &SearchResult{Rows: []PersonRow{}}
	args := []any{f.AsOf}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// trainedSQL tests completion this year; its parameter is added only
	// where it is used, since PostgreSQL refuses a parameter no query uses.
	yearStart := ""
	trainedSQL := func() string {
		if yearStart == "" {
			yearStart = arg(day.Of(f.AsOf.Year(), 1, 1))
		}
		return `EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id AND e.status = 'completed' AND e.completed_on >= ` + yearStart + ` AND e.completed_on <= $1)`
	}
	var ranges []string
	for _, r := range rs {
		lo, hi := org.SubtreeRange(r.Path)
		ranges = append(ranges, "(v.path >= "+arg(lo)+" AND v.path < "+arg(hi)+")")
	}
	from := ` FROM people p
		JOIN postings ps ON ps.person_id = p.id AND ps.valid_from <= $1 AND $1 < ps.valid_to
		JOIN unit_versions v ON v.unit_id = ps.unit_id AND v.valid_from <= $1 AND $1 < v.valid_to AND (` + strings.Join(ranges, " OR ") + `)
		WHERE 1 = 1`
	for _, w := range strings.Fields(locale.Fold(f.Q)) {
		from += ` AND p.name_folded LIKE ` + arg("%"+escapeLike(w)+"%") + ` ESCAPE '\'`
	}
	switch f.Role {
	case "":
	case RoleAny:
		// everyone who works on DX, whatever their role: the people the
		// training target of Decision 1690 counts
		from += ` AND EXISTS (SELECT 1 FROM dx_roles r WHERE r.person_id = p.id AND r.valid_from <= $1 AND $1 < r.valid_to)`
	case "none":
		from += ` AND NOT EXISTS (SELECT 1 FROM dx_roles r WHERE r.person_id = p.id AND r.valid_from <= $1 AND $1 < r.valid_to)`
	default:
		if !oneOf(f.Role, RoleKinds) {
			return nil, errs.Invalidf("people.err.bad_value", "Value", string(f.Role)).At(0, "role")
		}
		from += ` AND EXISTS (SELECT 1 FROM dx_roles r WHERE r.person_id = p.id AND r.role = ` + arg(f.Role) + ` AND r.valid_from <= $1 AND $1 < r.valid_to)`
	}
	switch f.Training {
	case "":
	case "trained":
		from += ` AND ` + trainedSQL()
	case "untrained":
		from += ` AND NOT ` + trainedSQL()
	default:
		return nil, errs.Invalidf("people.err.bad_value", "Value", f.Training).At(0, "training")
	}
	inFrom := len(args) // the parameters from uses
	trained := trainedSQL()
	// the total comes with the page (a window over the whole match), one
	// round trip instead of two; the window runs over the narrow match (the
	// ids, the unit, the sort key) and only the page's rows are read whole
	// and tested for training: the whole match carried every column and the
	// training test, 94 % of the request's CPU at province scope
	rows, err := s.db.QueryContext(reading(ctx), `WITH pg AS (SELECT p.id AS id, p.name_folded AS sort, ps.unit_id AS unit_id, v.name AS unit_name,
		COUNT(*) OVER () AS total`+from+` ORDER BY p.name_folded, p.id LIMIT `+arg(f.Limit)+` OFFSET `+arg(f.Offset)+`)
		SELECT `+listColumns+`, pg.unit_id, pg.unit_name,
		CASE WHEN `+trained+` THEN 1 ELSE 0 END, pg.total FROM pg JOIN people p ON p.id = pg.id ORDER BY pg.sort, pg.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r PersonRow
		p := &r.Person
		var trained int
		if err := rows.Scan(append(listDest(p), &r.UnitID, &r.Unit, &trained, &res.Total)...); err != nil {
			return nil, err
		}
		r.Trained = trained == 1
		r.Roles = []Role{}
		res.Rows = append(res.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(res.Rows) == 0 && f.Offset > 0 { // past the end: no row brought the total
		if err := s.db.QueryRowContext(reading(ctx), `SELECT COUNT(*)`+from, args[:inFrom]...).Scan(&res.Total); err != nil {
			return nil, err
		}
	}
	return res, s.addRoles(ctx, res, f.AsOf)
}

// listColumns are a person's columns in a list's row, read by listDest.
const listColumns = `p.id, p.full_name, p.gender, COALESCE(p.birth_year, 0), p.title, p.phone, p.email, p.employment,
	p.qualification_level, p.qualification_field, p.qualification_it, p.created_at, p.updated_at`

func listDest(p *Person) []any {
	return []any{&p.ID, &p.FullName, &p.Gender, &p.BirthYear, &p.Title, &p.Phone, &p.Email, &p.Employment, &p.QualLevel,
		&p.QualField, &p.QualIT, &p.CreatedAt, &p.UpdatedAt}
}

// addRoles gives the page's rows the roles their people hold on d, in one
// query.
func (s *Service) addRoles(ctx context.Context, res *SearchResult, d day.Day) error {
	if len(res.Rows) == 0 {
		return nil
	}
	byID := map[int64][]int{}
	var ids []string
	for i, r := range res.Rows {
		if byID[r.Person.ID] == nil {
			ids = append(ids, strconv.FormatInt(r.Person.ID, 10))
		}
		byID[r.Person.ID] = append(byID[r.Person.ID], i)
	}
	// ids are our own integers, so inlining them is safe and keeps one
	// query for the page
	roles, err := s.rolesWhere(ctx, `person_id IN (`+strings.Join(ids, ",")+`) AND valid_from <= $1 AND $1 < valid_to`, d)
	if err != nil {
		return err
	}
	for _, r := range roles {
		for _, i := range byID[r.PersonID] {
			res.Rows[i].Roles = append(res.Rows[i].Roles, r)
		}
	}
	return nil
}

// searchListed is Search without a filter, from the listing kept in
// memory: the page's people are then read whole by id, those the listing
// does not hold yet (listedPerson).
func (s *Service) searchListed(ctx context.Context, t *org.Scoped, roots []*org.Version, f Filter) (*SearchResult, error) {
	l, err := s.listing(ctx)
	if err != nil {
		return nil, err
	}
	page, total := l.page(t, roots, f.AsOf, f.Limit, f.Offset)
	res := &SearchResult{Total: total, Rows: make([]PersonRow, 0, len(page))}
	if len(page) == 0 {
		return res, nil
	}
	got, missing := l.known(page, f.AsOf)
	if len(missing) > 0 {
		read, err := s.readListed(ctx, missing, f.AsOf)
		if err != nil {
			return nil, err
		}
		l.keep(read, f.AsOf)
		for id, x := range read {
			got[id] = x
		}
	}
	for _, r := range page {
		x := got[r.person]
		if x == nil { // removed since the listing was read: the next generation lists it no more
			continue
		}
		roles := []Role{}
		for _, ro := range x.roles {
			if !f.AsOf.Before(ro.From) && f.AsOf.Before(ro.To) {
				roles = append(roles, ro)
			}
		}
		res.Rows = append(res.Rows, PersonRow{Person: x.p, UnitID: r.unit.UnitID, Unit: r.unit.Name, Roles: roles, Trained: x.trained})
	}
	return res, nil
}

// listedPerson is what a row of the list shows of a person: their details,
// whether they completed a course in the day's year by the day, and every
// DX role they hold or held, ordered as addRoles orders them.
type listedPerson struct {
	p       Person
	trained bool
	roles   []Role
}

// readListed reads the people ids (a page of the list) for day d, in one
// query.
func (s *Service) readListed(ctx context.Context, ids []int64, d day.Day) (map[int64]*listedPerson, error) {
	q, args := s.pageQuery(ids, d)
	rows, err := q.QueryContext(reading(ctx), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := make(map[int64]*listedPerson, len(ids))
	for rows.Next() {
		var x listedPerson
		var trained int
		var r Role
		if err := rows.Scan(append(listDest(&x.p), &trained, &r.ID, &r.UnitID, &r.PersonID, &r.Role, &r.Mode, &r.From, &r.To, &r.Decision, &r.Note)...); err != nil {
			return nil, err
		}
		x.trained = trained == 1
		prev := got[x.p.ID]
		if prev == nil {
			prev = &x
			got[x.p.ID] = prev
		}
		if r.ID != 0 {
			prev.roles = append(prev.roles, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, x := range got {
		slices.SortFunc(x.roles, byFromID)
	}
	return got, nil
}

// byFromID orders roles as the database's ORDER BY valid_from, id.
func byFromID(a, b Role) int {
	if c := cmp.Compare(a.From.Unix(), b.From.Unix()); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// The page's people and the roles they hold or held, in one query (one row
// a role, or one for a person without any), in no order. Its text names the
// ids as parameters, never their values, so that it is prepared once
// (db.Prepared): with the page's ids written into it, SQLite parsed it
// again at every request (a third of a rebuilt /people's database time,
// issue 14, h17people). The ids fill a list of a fixed size, the page's
// rounded up to the next of pageSizes (the last id repeated): a few texts
// in all. Every role the people hold or held is read (and kept: the same
// for any day), and searchListed leaves out those not in force on the day:
// compared in SQL, the roles' dates made SQLite prepare the
// statement again at every execution (with the statistics of ANALYZE,
// sqlite_stat4, its planner weighs a range of an indexed column by the day
// bound to it), a prepared statement parsed as often as a text. A person
// holds few roles.
const pageSQL = `SELECT ` + listColumns + `, CASE WHEN EXISTS (SELECT 1 FROM enrolments e WHERE e.person_id = p.id
	AND e.status = 'completed' AND e.completed_on >= $2 AND e.completed_on <= $1) THEN 1 ELSE 0 END,
	COALESCE(r.id, 0), COALESCE(r.unit_id, 0), COALESCE(r.person_id, 0), COALESCE(r.role, ''), COALESCE(r.mode, ''), r.valid_from, r.valid_to,
	COALESCE(r.decision, ''), COALESCE(r.note, '')
	FROM people p LEFT JOIN dx_roles r ON r.person_id = p.id
	WHERE p.id IN (%s)`

// pageSizes are the sizes of pageSQL's list of ids: 8 texts, each
// prepared at its first use (on SQLite one statement on each of the 8
// connections); the largest is Search's largest page.
var pageSizes = [...]int{8, 16, 32, 64, 128, 256, 512, 1000}

type pageQueries struct {
	once [len(pageSizes)]sync.Once
	q    [len(pageSizes)]*db.Prepared
}

// pageQuery is pageSQL for the people ids on d and its arguments: the day,
// the first of its year and the ids, the last repeated to the list's size.
func (s *Service) pageQuery(ids []int64, d day.Day) (*db.Prepared, []any) {
	i := 0
	for i < len(pageSizes)-1 && pageSizes[i] < len(ids) {
		i++
	}
	size := pageSizes[i]
	s.pages.once[i].Do(func() {
		in := make([]string, size)
		for j := range in {
			in[j] = "$" + strconv.Itoa(j+3)
		}
		s.pages.q[i] = s.db.Prepare(fmt.Sprintf(pageSQL, strings.Join(in, ", ")))
	})
	args := make([]any, 2, 2+size)
	args[0], args[1] = d, day.Of(d.Year(), 1, 1)
	for _, id := range ids {
		args = append(args, id)
	}
	for len(args) < cap(args) {
		args = append(args, ids[len(ids)-1])
	}
	return s.pages.q[i], args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
