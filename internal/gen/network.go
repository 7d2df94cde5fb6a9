package gen

// The DX network at national scale: about 64,000 villages under the 3,321
// communes in force from 1 July 2025, 75,000 community teams (some of them
// dissolved and set up again, some suspended), 340,000 memberships of about
// 300,000 people (with the training of about half of them this year), and
// 2 million activities over the 16 months to the date. Written with
// multi-row inserts in a few large transactions — minutes, not hours. The
// data is made up (names are "Thôn 12", people "Thành viên 123456"),
// deterministic for a seed, and recorded in the audit log as one entry.

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

// NetworkOptions sizes the network.
type NetworkOptions struct {
	Villages, Teams, Members, Activities int
	Seed                                 uint64
	Today                                day.Day   // the last day of activity
	Log                                  io.Writer // progress, when set
}

// DefaultNetwork is the national network of the benchmarks.
var DefaultNetwork = NetworkOptions{Villages: 64000, Teams: 75000, Members: 340000, Activities: 2000000, Seed: 1, Today: day.Of(2026, 11, 22)}

// NetworkResult says what Network wrote.
type NetworkResult struct{ Villages, Teams, Members, People, Enrolments, Activities int }

// Network writes the villages, teams, members, their training and
// activities under the communes in force on Reorg (the tree must have
// them: Country, or the indicator generator). The database must have no
// teams yet.
func Network(ctx context.Context, d *db.DB, orgs *org.Service, log *audit.Log, o NetworkOptions) (NetworkResult, error) {
	var res NetworkResult
	start := time.Now()
	logf := func(format string, args ...any) {
		if o.Log != nil {
			fmt.Fprintf(o.Log, "%6.1fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
		}
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM net_teams`).Scan(&n); err != nil {
		return res, err
	}
	if n > 0 {
		return res, fmt.Errorf("the database already has %d teams: the network generator needs one without", n)
	}
	g := &netGen{cfg: o, db: d, rnd: rand.New(rand.NewPCG(o.Seed, 75000)), next: map[string]int64{}, now: time.Now().UTC()}
	for _, t := range []string{"units", "unit_versions", "unit_events", "net_teams", "net_team_status", "net_members", "net_activities", "people", "postings", "courses", "enrolments"} {
		var max sql.NullInt64
		if err := d.QueryRowContext(ctx, `SELECT MAX(id) FROM `+t).Scan(&max); err != nil {
			return res, err
		}
		g.next[t] = max.Int64 + 1
	}
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	var communes, provinces []*org.Version
	snap.Walk(snap.RootID, Reorg, func(v *org.Version) bool {
		switch v.Level {
		case org.LevelProvince:
			provinces = append(provinces, v)
		case org.LevelCommune:
			communes = append(communes, v)
		}
		return true
	})
	if len(communes) == 0 {
		return res, fmt.Errorf("no communes in force on %s: load the official lists first", Reorg)
	}
	villages, err := g.villages(ctx, communes, Reorg)
	if err != nil {
		return res, err
	}
	logf("%d villages", len(villages))
	st, err := g.network(ctx, communes, villages, provinces, Reorg)
	if err != nil {
		return res, err
	}
	logf("%d teams, %d memberships of %d people, %d enrolments, %d activities", st.teams, st.members, st.people, st.enrolments, st.activities)
	if err := g.finish(ctx, log, st); err != nil {
		return res, err
	}
	return NetworkResult{len(villages), st.teams, st.members, st.people, st.enrolments, st.activities}, nil
}

// netGen is one run of Network: the database, a random source, and the ids
// handed out.
type netGen struct {
	cfg  NetworkOptions
	db   *db.DB
	rnd  *rand.Rand
	next map[string]int64 // table → next id
	now  time.Time
}

func (g *netGen) id(table string) int64 {
	id := g.next[table]
	g.next[table]++
	return id
}

// rowBatch gathers rows of one table and writes them a hundred at a time,
// with one multi-row INSERT prepared once. SQLite gets "?" placeholders
// (it looks a numbered one up by name, which a 1,000-parameter statement
// makes quadratic), PostgreSQL "$n".
type rowBatch struct {
	ctx    context.Context
	tx     *sql.Tx
	sqlite bool
	head   string
	ncol   int
	args   []any
	rows   int
	total  int
	full   *sql.Stmt
	after  []*rowBatch // batches whose rows this one's rows refer to
}

const rowBatchRows = 100

func (g *netGen) newBatch(ctx context.Context, tx *sql.Tx, table string, cols ...string) *rowBatch {
	return &rowBatch{ctx: ctx, tx: tx, sqlite: g.db.Dialect == db.SQLite, head: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ", ncol: len(cols)}
}

func (b *rowBatch) add(vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	b.total++
	if b.rows >= rowBatchRows {
		return b.flush()
	}
	return nil
}

func (b *rowBatch) query(rows int) string {
	var q strings.Builder
	q.WriteString(b.head)
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := 0; c < b.ncol; c++ {
			if c > 0 {
				q.WriteString(", ")
			}
			if b.sqlite {
				q.WriteByte('?')
			} else {
				q.WriteString("$" + strconv.Itoa(n))
			}
			n++
		}
		q.WriteByte(')')
	}
	return q.String()
}

func (b *rowBatch) flush() error {
	if b.rows == 0 {
		return nil
	}
	for _, a := range b.after {
		if err := a.flush(); err != nil {
			return err
		}
	}
	var err error
	if b.rows == rowBatchRows {
		if b.full == nil {
			if b.full, err = b.tx.PrepareContext(b.ctx, b.query(rowBatchRows)); err != nil {
				return err
			}
		}
		_, err = b.full.ExecContext(b.ctx, b.args...)
	} else {
		_, err = b.tx.ExecContext(b.ctx, b.query(b.rows), b.args...)
	}
	if err != nil {
		return fmt.Errorf("%s…: %w", b.head[:min(len(b.head), 60)], err)
	}
	b.args, b.rows = b.args[:0], 0
	return nil
}

type village struct {
	id, commune int64
	name        string
}

// villages spreads the villages over the communes (wards get residential
// groups, 8 to 30 of them; others villages) and writes them as units of
// the tree, one import event.
func (g *netGen) villages(ctx context.Context, communes []*org.Version, from day.Day) ([]village, error) {
	avg := float64(g.cfg.Villages) / float64(len(communes))
	counts := make([]int, len(communes))
	total := 0
	least := max(1, min(3, int(avg)))
	for i := range communes {
		counts[i] = max(least, int(avg*(0.4+1.2*g.rnd.Float64())))
		total += counts[i]
	}
	for total < g.cfg.Villages {
		counts[g.rnd.IntN(len(communes))]++
		total++
	}
	for i := 0; total > g.cfg.Villages && i < 100*len(communes); i++ {
		if j := g.rnd.IntN(len(communes)); counts[j] > least {
			counts[j]--
			total--
		}
	}
	var out []village
	err := g.db.Tx(ctx, func(tx *sql.Tx) error {
		ev := g.id("unit_events")
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_events (id, kind, effective_date, legal_basis, note, created_at) VALUES ($1, 'import', $2, $3, $4, $5)`,
			ev, from, "Dữ liệu tổng hợp cho đo hiệu năng", "gennet: thôn, tổ dân phố", g.now); err != nil {
			return err
		}
		units := g.newBatch(ctx, tx, "units", "id", "created_at")
		versions := g.newBatch(ctx, tx, "unit_versions", "id", "unit_id", "valid_from", "valid_to", "code", "name", "name_folded", "level", "kind", "parent_id", "path", "event_id")
		versions.after = []*rowBatch{units}
		for i, c := range communes {
			kind := "Thôn"
			if c.Kind == "Phường" {
				kind = "Tổ dân phố"
			}
			for k := 1; k <= counts[i]; k++ {
				id := g.id("units")
				name := kind + " " + strconv.Itoa(k)
				if err := units.add(id, g.now); err != nil {
					return err
				}
				if err := versions.add(g.id("unit_versions"), id, from, day.Forever, "", name, locale.Fold(name), "village", kind, c.UnitID,
					c.Path+strconv.FormatInt(id, 10)+"/", ev); err != nil {
					return err
				}
				out = append(out, village{id, c.UnitID, name})
			}
		}
		if err := units.flush(); err != nil {
			return err
		}
		if err := versions.flush(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE tree_state SET generation = generation + 1 WHERE id = 1`)
		return err
	})
	return out, err
}

type netStats struct{ teams, members, people, enrolments, activities int }

var (
	netRoles = []string{"leader", "deputy", "member", "member", "member", "member", "member", "member"}
	affils   = []network.Affiliation{network.Police, network.YouthUnion, network.WomenUnion, network.Veterans, network.PostOffice, network.Telecom, network.Volunteer}
	kinds    = []network.Kind{network.PublicServices, network.PublicServices, network.PublicServices, network.DigitalID, network.DigitalID,
		network.Cashless, network.ECommerce, network.Training, network.Awareness}
)

// network writes the teams and everything that hangs from them.
func (g *netGen) network(ctx context.Context, communes []*org.Version, villages []village, provinces []*org.Version, from day.Day) (*netStats, error) {
	st := &netStats{}
	today := g.cfg.Today
	// plan: which units get a team, which of those replaced an earlier one
	type plan struct {
		unit        int64
		est         day.Day
		predecessor bool
	}
	var plans []plan
	// where each unit is, for names and the province's course
	province, name := map[int64]int64{}, map[int64]string{}
	for _, c := range communes {
		province[c.UnitID], name[c.UnitID] = c.ParentID, c.Name
	}
	for _, v := range villages {
		province[v.id], name[v.id] = province[v.commune], v.name
	}
	// a commune-level team in one commune in two
	commune := map[int64]bool{}
	for _, c := range communes {
		if g.rnd.IntN(2) == 0 {
			commune[c.UnitID] = true
		}
	}
	units := make([]int64, 0, len(villages)+len(commune))
	for _, v := range villages {
		units = append(units, v.id)
	}
	for _, c := range communes {
		if commune[c.UnitID] {
			units = append(units, c.UnitID)
		}
	}
	// shares chosen so that teams (active + dissolved) come to cfg.teams
	covered := 0.96
	active := int(float64(len(units)) * covered)
	replaced := max(0, g.cfg.Teams-active)
	pReplaced := min(0.9, float64(replaced)/float64(active))
	for _, u := range units {
		if g.rnd.Float64() >= covered {
			continue
		}
		est := from.AddDays(5 + g.rnd.IntN(max(1, int(today.Time().Sub(from.Time()).Hours()/24)-60)))
		plans = append(plans, plan{u, est, g.rnd.Float64() < pReplaced})
	}
	// members per current team so that memberships come to cfg.members
	pred := 0
	for _, p := range plans {
		if p.predecessor {
			pred++
		}
	}
	perTeam := 1.012 * float64(g.cfg.Members) / (float64(len(plans)) + 0.85*float64(pred))
	// activities: one every `every` days per active team
	var teamDays float64
	for _, p := range plans {
		teamDays += today.Time().Sub(p.est.Time()).Hours() / 24
		if p.predecessor {
			teamDays += p.est.Time().Sub(from.Time()).Hours() / 24
		}
	}
	every := teamDays * 1.01 / float64(g.cfg.Activities)

	type teamRec struct {
		id       int64
		unit     int64
		from, to day.Day
		persons  []int64
		quietAt  day.Day
	}
	var teams []teamRec
	seq := int64(1)
	err := g.db.Tx(ctx, func(tx *sql.Tx) error {
		tb := g.newBatch(ctx, tx, "net_teams", "id", "unit_id", "name", "name_folded", "decision_number", "decision_date", "signer", "established", "note", "created_at", "seq")
		sb := g.newBatch(ctx, tx, "net_team_status", "id", "team_id", "status", "valid_from", "valid_to", "decision", "note", "seq")
		pb := g.newBatch(ctx, tx, "people", "id", "full_name", "name_folded", "gender", "birth_year", "title", "phone", "email", "employment",
			"qualification_level", "qualification_field", "qualification_it", "created_at", "updated_at")
		ob := g.newBatch(ctx, tx, "postings", "id", "person_id", "unit_id", "valid_from", "valid_to", "kind", "decision", "reason")
		mb := g.newBatch(ctx, tx, "net_members", "id", "team_id", "person_id", "role", "affiliation", "phone", "valid_from", "valid_to", "note", "seq")
		sb.after, ob.after, mb.after = []*rowBatch{tb}, []*rowBatch{pb}, []*rowBatch{tb, pb}
		newTeam := func(unit int64, est, end day.Day, status string) (int64, error) {
			id := g.id("net_teams")
			name := network.TeamPrefix + " " + name[unit]
			st.teams++
			if err := tb.add(id, unit, name, locale.Fold(name), fmt.Sprintf("%d/QĐ-UBND", 1+id%400), est, "Chủ tịch UBND xã", est, "", g.now, seq); err != nil {
				return 0, err
			}
			if err := sb.add(g.id("net_team_status"), id, "active", est, end, "", "", seq); err != nil {
				return 0, err
			}
			if status != "" && !end.IsForever() {
				if err := sb.add(g.id("net_team_status"), id, status, end, day.Forever, "", "", seq); err != nil {
					return 0, err
				}
			}
			return id, nil
		}
		member := func(team, person int64, role string, from, to day.Day) error {
			st.members++
			return mb.add(g.id("net_members"), team, person, role, affils[g.rnd.IntN(len(affils))], "", from, to, "", seq)
		}
		for _, p := range plans {
			k := max(3, int(perTeam*(0.6+0.8*g.rnd.Float64())+0.5))
			persons := make([]int64, k)
			for i := range persons {
				pid := g.id("people")
				persons[i] = pid
				name := "Thành viên " + strconv.FormatInt(pid, 10)
				st.people++
				if err := pb.add(pid, name, locale.Fold(name), "", 1960+g.rnd.IntN(45), "Thành viên tổ công nghệ số", "", "", "other", "none", "", false, g.now, g.now); err != nil {
					return err
				}
				joined := from
				if !p.predecessor {
					joined = p.est
				}
				if err := ob.add(g.id("postings"), pid, p.unit, joined, day.Forever, "initial", "", ""); err != nil {
					return err
				}
			}
			if p.predecessor { // an earlier team, dissolved the day this one began
				old, err := newTeam(p.unit, from.AddDays(1), p.est, "dissolved")
				if err != nil {
					return err
				}
				for i := 0; i < min(len(persons), 4); i++ {
					if err := member(old, persons[i], netRoles[i], from.AddDays(1), p.est); err != nil {
						return err
					}
				}
				teams = append(teams, teamRec{id: old, unit: p.unit, from: from.AddDays(1), to: p.est})
			}
			status, end := "", day.Forever
			if g.rnd.IntN(50) == 0 { // suspended a while ago
				status, end = "suspended", today.AddDays(-10-g.rnd.IntN(150))
				if !end.After(p.est) {
					status, end = "", day.Forever
				}
			}
			id, err := newTeam(p.unit, p.est, end, status)
			if err != nil {
				return err
			}
			for i, pid := range persons {
				if err := member(id, pid, netRoles[min(i, len(netRoles)-1)], p.est, day.Forever); err != nil {
					return err
				}
			}
			rec := teamRec{id: id, unit: p.unit, from: p.est, to: end, persons: persons}
			if g.rnd.IntN(12) == 0 { // gone quiet
				rec.quietAt = today.AddDays(-70 - g.rnd.IntN(200))
			}
			teams = append(teams, rec)
		}
		for _, b := range []*rowBatch{tb, sb, pb, ob, mb} {
			if err := b.flush(); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE people_state SET generation = generation + 1 WHERE id = 1`)
		return err
	})
	if err != nil {
		return nil, err
	}
	// training: a course per province this year; 55 % of current members
	// enrolled, four in five of them done
	err = g.db.Tx(ctx, func(tx *sql.Tx) error {
		course := map[int64]int64{}
		for _, p := range provinces {
			id := g.id("courses")
			title := "Bồi dưỡng kỹ năng số cho Tổ công nghệ số cộng đồng năm " + strconv.Itoa(g.cfg.Today.Year())
			if _, err := tx.ExecContext(ctx, `INSERT INTO courses (id, title, title_folded, provider, platform, format, start_date, end_date, hours, organiser_unit_id, created_at)
				VALUES ($1, $2, $3, 'Sở Khoa học và Công nghệ', 'OneTouch', 'online', $4, $5, 16, $6, $7)`, id, title, locale.Fold(title),
				day.Of(g.cfg.Today.Year(), 3, 1), day.Of(g.cfg.Today.Year(), 12, 15), p.UnitID, g.now); err != nil {
				return err
			}
			course[p.UnitID] = id
		}
		eb := g.newBatch(ctx, tx, "enrolments", "id", "course_id", "person_id", "status", "completed_on")
		for _, t := range teams {
			c := course[province[t.unit]]
			for _, pid := range t.persons {
				if g.rnd.IntN(100) >= 55 {
					continue
				}
				st.enrolments++
				if g.rnd.IntN(5) == 0 {
					if err := eb.add(g.id("enrolments"), c, pid, "enrolled", nil); err != nil {
						return err
					}
					continue
				}
				done := day.Of(g.cfg.Today.Year(), 3, 15).AddDays(g.rnd.IntN(240))
				if done.After(g.cfg.Today) {
					done = g.cfg.Today.AddDays(-1)
				}
				if err := eb.add(g.id("enrolments"), c, pid, "completed", done); err != nil {
					return err
				}
			}
		}
		return eb.flush()
	})
	if err != nil {
		return nil, err
	}
	// activities, in transactions of about 200,000
	places := []string{"Nhà văn hóa thôn", "Trụ sở UBND xã", "Điểm bưu điện văn hóa xã", "Chợ", "Trường tiểu học", "Nhà rông"}
	i := 0
	for i < len(teams) {
		err := g.db.Tx(ctx, func(tx *sql.Tx) error {
			ab := g.newBatch(ctx, tx, "net_activities", "id", "team_id", "on_date", "kind", "place", "people_helped", "note", "logged_at", "seq")
			for ; i < len(teams) && ab.total < 200000; i++ {
				t := teams[i]
				until := today
				if !t.to.IsForever() && t.to.Before(until) {
					until = t.to.AddDays(-1)
				}
				if !t.quietAt.IsZero() && t.quietAt.Before(until) {
					until = t.quietAt
				}
				for d := t.from.AddDays(g.rnd.IntN(int(every) + 1)); !d.After(until); d = d.AddDays(max(1, int(every*(0.5+g.rnd.Float64())))) {
					st.activities++
					if err := ab.add(g.id("net_activities"), t.id, d, kinds[g.rnd.IntN(len(kinds))], places[g.rnd.IntN(len(places))],
						3+g.rnd.IntN(38), "", d.Time().Add(12*time.Hour), seq); err != nil {
						return err
					}
				}
			}
			return ab.flush()
		})
		if err != nil {
			return nil, err
		}
	}
	return st, nil
}

// finish moves the sequences past the ids written (PostgreSQL), marks the
// network's sequence and records the run in the audit log.
func (g *netGen) finish(ctx context.Context, log *audit.Log, st *netStats) error {
	return g.db.Tx(ctx, func(tx *sql.Tx) error {
		if g.db.Dialect == db.Postgres {
			for t := range g.next {
				if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT COALESCE(MAX(id), 1) FROM `+t+`))`); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE network_state SET seq = 1 WHERE id = 1`); err != nil {
			return err
		}
		return log.Write(ctx, tx, audit.System("gennet"), audit.Entry{Action: "gen.network", Entity: "network", EntityID: "gennet",
			After: map[string]any{"teams": st.teams, "memberships": st.members, "people": st.people, "enrolments": st.enrolments, "activities": st.activities}})
	})
}
