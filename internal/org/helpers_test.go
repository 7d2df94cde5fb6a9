package org_test

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

// smallList is a tree small enough to reason about: two provinces with
// districts, communes, villages and a department.
const smallList = `code,name,level,parent_code
90,Tỉnh Thử Nghiệm,province,
91,Tỉnh Láng Giềng,province,
901,Huyện Một,district,90
902,Huyện Hai,district,90
911,Huyện Ba,district,91
90101,Xã Một A,commune,901
90102,Xã Một B,commune,901
90201,Xã Hai A,commune,902
91101,Xã Ba A,commune,911
,Sở Khoa học và Công nghệ,agency,90
,Thôn 1,village,90101
,Thôn 2,village,90101
,Thôn 3,village,90102
`

// The dates of the small tree's story: listed on baseline (2024-01-01),
// changed on d1, and on d2 after that.
var (
	d1 = day.MustParse("2025-03-01")
	d2 = day.MustParse("2025-09-01")
)

// fixture is a database holding smallList, with the service over it.
type fixture struct {
	ctx   context.Context
	d     *db.DB
	svc   *org.Service
	admin *auth.Actor
	id    map[string]int64 // unit id by its name in smallList
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	svc, admin := newService(t, d)
	f := &fixture{ctx: context.Background(), d: d, svc: svc, admin: admin, id: map[string]int64{}}
	if _, err := svc.ImportList(f.ctx, admin, strings.NewReader(smallList), "small.csv",
		org.Change{Effective: baseline, LegalBasis: "test"}); err != nil {
		t.Fatal(err)
	}
	snap := f.snap(t)
	snap.Walk(snap.RootID, baseline, func(v *org.Version) bool {
		f.id[v.Name] = v.UnitID
		return true
	})
	if len(f.id) != 14 {
		t.Fatalf("the small tree has %d units, want 14 with the root", len(f.id))
	}
	return f
}

// snap is the tree now.
func (f *fixture) snap(t *testing.T) *org.Snapshot {
	t.Helper()
	s, err := f.svc.Snapshot(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// actor is a user of role scoped to the unit named scope.
func (f *fixture) actor(role auth.Role, scope string) *auth.Actor {
	return &auth.Actor{Login: string(role) + "@" + scope, Role: role, ScopeUnitID: f.id[scope]}
}

// at is unit name's version on date, or nil.
func (f *fixture) at(t *testing.T, name string, date day.Day) *org.Version {
	t.Helper()
	return f.snap(t).At(f.id[name], date)
}

// parentName is the name of the parent of unit id on date ("" if none).
func parentName(s *org.Snapshot, id int64, date day.Day) string {
	v := s.At(id, date)
	if v == nil {
		return ""
	}
	if p := s.At(v.ParentID, date); p != nil {
		return p.Name
	}
	return ""
}

// childNames lists the names of the children of id on date.
func childNames(s *org.Snapshot, id int64, date day.Day) string {
	var out []string
	for _, c := range s.Children(id, date) {
		out = append(out, c.Name)
	}
	return strings.Join(out, ", ")
}

// ancestorNames lists the names above id on date, below the root.
func ancestorNames(s *org.Snapshot, id int64, date day.Day) string {
	var out []string
	for _, a := range s.Ancestors(id, date) {
		if a.UnitID != s.RootID {
			out = append(out, a.Name)
		}
	}
	return strings.Join(out, " / ")
}

// dbState is everything an edit may write; a refused edit leaves it as it was.
type dbState struct {
	Generation, Units, Versions, Events, Links, Audit int64
}

func (f *fixture) state(t *testing.T) dbState {
	t.Helper()
	var s dbState
	for _, q := range []struct {
		sql string
		dst *int64
	}{
		{`SELECT generation FROM tree_state WHERE id = 1`, &s.Generation},
		{`SELECT COUNT(*) FROM units`, &s.Units},
		{`SELECT COUNT(*) FROM unit_versions`, &s.Versions},
		{`SELECT COUNT(*) FROM unit_events`, &s.Events},
		{`SELECT COUNT(*) FROM unit_lineage`, &s.Links},
		{`SELECT COUNT(*) FROM audit_log`, &s.Audit},
	} {
		if err := f.d.QueryRowContext(f.ctx, q.sql).Scan(q.dst); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// refusal is an edit that must be refused, and how.
type refusal struct {
	name  string
	do    func(f *fixture) error
	kind  errs.Kind
	key   string // message key
	field string // "" to not check
	row   int
}

// expectRefused runs each refusal and checks its error and that nothing
// was written.
func (f *fixture) expectRefused(t *testing.T, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := f.state(t)
			err := c.do(f)
			wantError(t, err, c.kind, c.key, c.row, c.field)
			if after := f.state(t); after != before {
				t.Errorf("a refused edit wrote: before %+v, after %+v", before, after)
			}
		})
	}
}

// wantError checks an error's kind, key and, when given, row and field.
func wantError(t *testing.T, err error, kind errs.Kind, key string, row int, field string) {
	t.Helper()
	e, ok := errs.As(err)
	switch {
	case err == nil:
		t.Errorf("no error, want %s", key)
	case !ok:
		t.Errorf("error %v is not a user error, want %s", err, key)
	case e.Kind != kind || e.Key != key:
		t.Errorf("error %v (kind %d), want %s (kind %d)", err, e.Kind, key, kind)
	case row != 0 && e.Row != row:
		t.Errorf("error %v is about row %d, want %d", err, e.Row, row)
	case field != "" && e.Field != field:
		t.Errorf("error %v is about field %q, want %q", err, e.Field, field)
	}
}

// auditSince returns the entries written after seq, oldest first.
func (f *fixture) auditSince(t *testing.T, seq int64) []audit.Record {
	t.Helper()
	recs, err := audit.List(f.ctx, f.d, audit.Query{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Record
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Seq > seq {
			out = append(out, recs[i])
		}
	}
	return out
}

// auditHead is the newest entry's number.
func (f *fixture) auditHead(t *testing.T) int64 { return f.state(t).Audit }

// wantAudit checks that the entries after seq are exactly these actions,
// each "action" or "action@unit name", in order.
func (f *fixture) wantAudit(t *testing.T, seq int64, want ...string) {
	t.Helper()
	byID := map[int64]string{}
	for n, id := range f.id {
		byID[id] = n
	}
	var got []string
	for _, r := range f.auditSince(t, seq) {
		s := r.Action
		if r.UnitID != 0 {
			name := byID[r.UnitID]
			if name == "" {
				name = f.snap(t).Latest(r.UnitID).Name
			}
			s += "@" + name
		}
		got = append(got, s)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit entries:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if _, problems, err := audit.Verify(f.ctx, f.d); err != nil || len(problems) > 0 {
		t.Errorf("audit chain: %v %v", problems, err)
	}
}

// links renders lineage as "from → to share[ fraction]", sorted.
func links(s *org.Snapshot, ls []org.Link) string {
	var out []string
	name := func(id int64) string { return s.Latest(id).Name }
	for _, l := range ls {
		x := name(l.PredecessorID) + " → " + name(l.SuccessorID) + " " + string(l.Share)
		if l.Fraction != nil {
			x += " " + strconvF(*l.Fraction)
		}
		out = append(out, x)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// history renders a unit's versions as "from–to name (parent)".
func history(s *org.Snapshot, id int64) string {
	var out []string
	for _, v := range s.History(id) {
		to := v.To.String()
		if v.To.IsForever() {
			to = "…"
		}
		parent := ""
		if p := s.At(v.ParentID, v.From); p != nil {
			parent = " (" + p.Name + ")"
		}
		out = append(out, v.From.String()+"–"+to+" "+v.Name+parent)
	}
	return strings.Join(out, "; ")
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
