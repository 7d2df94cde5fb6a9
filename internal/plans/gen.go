package plans

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/org"
)

// GenConfig sizes synthetic plans for benchmarks.
type GenConfig struct {
	PlansPerProvince int     // 50
	TasksPerPlan     int     // 100: 5,000 tasks a province; 59 gives 100,000 for the 34 provinces
	ReportsPerTask   int     // 10: a million reports nationally
	Provinces        []int64 // the provinces to fill; every province in force today when empty
	Seed             uint64
}

// GenResult counts what Generate wrote.
type GenResult struct {
	Documents, Tasks, Occurrences, Reports int
}

// Generate writes synthetic plans straight into the database, in bulk and
// without audit entries (it is benchmark data, not anyone's work): for
// each province, plans with groups of tasks led by its communes and
// departments, their deadlines derived as the service derives them, and a
// history of reports — most past deadlines done (some late), the rest
// overdue — as of today.
func Generate(ctx context.Context, d *db.DB, o *org.Service, cfg GenConfig, today day.Day) (GenResult, error) {
	var res GenResult
	snap, err := o.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	provinces := cfg.Provinces
	if len(provinces) == 0 {
		for _, v := range snap.Children(snap.RootID, today) {
			if v.Level == org.LevelProvince {
				provinces = append(provinces, v.UnitID)
			}
		}
	}
	if len(provinces) == 0 {
		return res, fmt.Errorf("no provinces in force on %s: load the country first (mangluoi gen country)", today)
	}
	rnd := rand.New(rand.NewPCG(cfg.Seed, 5))
	next := map[string]int64{}
	for _, t := range []string{"plan_documents", "plan_groups", "plan_tasks", "plan_occurrences", "plan_reports"} {
		var max int64
		if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+t).Scan(&max); err != nil {
			return res, err
		}
		next[t] = max + 1
	}
	id := func(t string) int64 { n := next[t]; next[t]++; return n }
	now := time.Now().UTC()
	start, end := day.Of(2024, 1, 15), day.Of(2027, 12, 31)
	for _, prov := range provinces {
		var units []int64
		snap.Walk(prov, today, func(v *org.Version) bool {
			if v.Level == org.LevelVillage {
				return false
			}
			units = append(units, v.UnitID)
			return true
		})
		b := &bulk{}
		for p := 0; p < cfg.PlansPerProvince; p++ {
			docID := id("plan_documents")
			issued := start.AddDays(rnd.IntN(365))
			b.add("plan_documents", []any{docID, fmt.Sprintf("%d/KH-UBND", 1000+p), fmt.Sprintf("%d/kh-ubnd", 1000+p), DocPlan,
				fmt.Sprintf("Kế hoạch chuyển đổi số số %d", p+1), fmt.Sprintf("ke hoach chuyen doi so so %d", p+1), "UBND tỉnh", "",
				issued, issued, "", nil, nil, prov, issued, end, nil, now, now})
			res.Documents++
			var groups []int64
			for g := 0; g < 5; g++ {
				gid := id("plan_groups")
				groups = append(groups, gid)
				b.add("plan_groups", []any{gid, docID, g + 1, fmt.Sprint(g + 1), fmt.Sprintf("Nhóm nhiệm vụ %d", g+1)})
			}
			for t := 0; t < cfg.TasksPerPlan; t++ {
				tid := id("plan_tasks")
				lead := units[rnd.IntN(len(units))]
				sched, due := Once, issued.AddDays(30+rnd.IntN(1400))
				switch x := rnd.IntN(10); {
				case x < 2:
					sched, due = Yearly, day.Day{}
				case x < 3:
					sched, due = HalfYearly, day.Day{}
				case x < 4:
					sched, due = Quarterly, day.Day{}
				}
				taskRow := []any{tid, docID, groups[t%len(groups)], t + 1, fmt.Sprint(t + 1), fmt.Sprintf("Nhiệm vụ %d của kế hoạch %d", t+1, p+1),
					"", lead, sched, nullDay(due), "Báo cáo kết quả", nil, now, now, nil}
				b.add("plan_tasks", taskRow)
				res.Tasks++
				if len(units) > 1 && rnd.IntN(2) == 0 {
					if s := units[rnd.IntN(len(units))]; s != lead {
						b.add("plan_task_units", []any{tid, s})
					}
				}
				reports := 0
				occ := occurrences(sched, due, issued, end)
				for _, oc := range occ {
					oid := id("plan_occurrences")
					res.Occurrences++
					row := []any{oid, tid, oc.DueOn, oc.Period, nil, nil, 0, nil, nil}
					if oc.DueOn.Before(today) && rnd.IntN(100) < 80 {
						doneOn := oc.DueOn.AddDays(rnd.IntN(90) - 60)
						if doneOn.Before(issued) {
							doneOn = issued
						}
						accepted := doneOn.AddDays(1 + rnd.IntN(20))
						if accepted.After(today) {
							accepted = today
						}
						rid := id("plan_reports")
						row = []any{oid, tid, oc.DueOn, oc.Period, doneOn, accepted, 100, doneOn, rid}
						b.add("plan_reports", reportRow(rid, tid, oid, ReportingPeriod(doneOn), lead, Completed, 100, doneOn, Accepted, doneOn, accepted))
						reports++
						res.Reports++
					} else if !oc.DueOn.After(today.AddDays(400)) {
						on := oc.DueOn.AddDays(-rnd.IntN(120))
						if on.After(today) {
							on = today
						}
						if on.Before(issued) {
							on = issued
						}
						pct := rnd.IntN(90)
						row = []any{oid, tid, oc.DueOn, oc.Period, nil, nil, pct, on, nil}
					}
					if row[5] == nil && taskRow[14] == nil { // the earliest deadline not done
						taskRow[14] = oc.DueOn
					}
					b.add("plan_occurrences", row)
				}
				// progress reports on the way, until the task has its share
				for ; reports < cfg.ReportsPerTask; reports++ {
					on := issued.AddDays(rnd.IntN(max(1, daysBetween(issued, today))))
					oid := next["plan_occurrences"] - int64(len(occ)) + int64(rnd.IntN(len(occ)))
					state := Accepted
					if rnd.IntN(10) == 0 {
						state = Returned
					}
					rid := id("plan_reports")
					b.add("plan_reports", reportRow(rid, tid, oid, ReportingPeriod(on), lead, InProgress, rnd.IntN(90), day.Day{}, state, on, on.AddDays(3)))
					res.Reports++
				}
			}
		}
		if err := b.flush(ctx, d); err != nil {
			return res, err
		}
	}
	if d.Dialect == db.Postgres {
		for _, t := range []string{"plan_documents", "plan_groups", "plan_tasks", "plan_occurrences", "plan_reports"} {
			if _, err := d.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return res, err
			}
		}
		if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
			return res, err
		}
	} else if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
		return res, err
	}
	return res, nil
}

func reportRow(id, task, occ int64, period string, unit int64, st ReportStatus, pct int, done day.Day, state ReviewState, on, reviewed day.Day) []any {
	at := on.Time().Add(9 * time.Hour)
	var comment string
	if state == Returned {
		comment = "Bổ sung minh chứng"
	}
	return []any{id, task, occ, period, unit, st, pct, "Đã triển khai theo kế hoạch.", "", "", nullDay(done), state, nil, at, on, nil,
		reviewed.Time().Add(9 * time.Hour), reviewed, comment}
}

var genColumns = map[string]string{
	"plan_documents": `id, number, number_folded, doc_type, title, title_folded, issuer, signer, issued_on, effective_on, fields, parent_id, file_id,
		owner_unit_id, starts_on, ends_on, created_by, created_at, updated_at`,
	"plan_groups":      `id, document_id, seq, code, title`,
	"plan_tasks":       `id, document_id, group_id, seq, code, title, description, lead_unit_id, schedule, due_on, output, target_id, created_at, updated_at, open_due`,
	"plan_task_units":  `task_id, unit_id`,
	"plan_occurrences": `id, task_id, due_on, period, done_on, accepted_on, percent, percent_on, report_id`,
	"plan_reports": `id, task_id, occurrence_id, period, unit_id, status, percent, done_text, obstacles, proposals, completed_on, state,
		submitted_by, submitted_at, submitted_on, reviewed_by, reviewed_at, reviewed_on, review_comment`,
}

var genOrder = []string{"plan_documents", "plan_groups", "plan_tasks", "plan_task_units", "plan_occurrences", "plan_reports"}

// bulk gathers rows and writes them in multi-row INSERTs, a province per
// transaction.
type bulk struct {
	rows map[string][][]any
}

func (b *bulk) add(table string, row []any) {
	if b.rows == nil {
		b.rows = map[string][][]any{}
	}
	b.rows[table] = append(b.rows[table], row)
}

func (b *bulk) flush(ctx context.Context, d *db.DB) error {
	defer func() { b.rows = nil }()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		for _, table := range genOrder {
			rows := b.rows[table]
			if len(rows) == 0 {
				continue
			}
			// a few thousand parameters a statement, "?" on SQLite: it looks
			// a "$N" up by name in a list, when parsing and again when
			// binding, which made these statements quadratic (nine tenths
			// of the generator's CPU on SQLite)
			per := max(1, 3000/len(rows[0]))
			sqlite := d.Dialect == db.SQLite
			for i := 0; i < len(rows); i += per {
				part := rows[i:min(i+per, len(rows))]
				var sb strings.Builder
				sb.WriteString("INSERT INTO " + table + " (" + genColumns[table] + ") VALUES ")
				args := make([]any, 0, len(part)*len(part[0]))
				for j, r := range part {
					if j > 0 {
						sb.WriteByte(',')
					}
					sb.WriteByte('(')
					for k := range r {
						if k > 0 {
							sb.WriteByte(',')
						}
						if sqlite {
							sb.WriteByte('?')
						} else {
							fmt.Fprintf(&sb, "$%d", len(args)+k+1)
						}
					}
					sb.WriteByte(')')
					args = append(args, r...)
				}
				if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
			}
		}
		return nil
	})
}
