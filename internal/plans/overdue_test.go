package plans_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// TestOverdueFromMemory: the overdue lists, answered from the tasks held
// in memory, are those the SQL over plan_tasks.open_due and the deadlines
// accepted after the date gives, for the province, a commune and the
// nation, with and without a limit, today and on past dates — among them
// the days before each acceptance, when a deadline since accepted was
// still overdue (at least one such row is checked).
func TestOverdueFromMemory(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		today := s.Org.Today()
		dates := []day.Day{today, today.AddDays(-1), today.AddDays(-45), today.AddDays(-200), today.AddDays(-400), day.Of(today.Year(), 1, 1)}
		rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT accepted_on FROM plan_occurrences WHERE accepted_on IS NOT NULL ORDER BY accepted_on`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var d day.Day
			if err := rows.Scan(&d); err != nil {
				t.Fatal(err)
			}
			dates = append(dates, d.AddDays(-1), d)
		}
		rows.Close()
		pleiku := actor(t, s, "pleiku")
		kh := s.UnitNamed(t, "Sở Khoa học và Công nghệ").UnitID
		cases := []struct {
			login string
			unit  int64
		}{{"gialai", 0}, {"gialai", kh}, {"gialai", pleiku.ScopeUnitID}, {"pleiku", 0}, {"lanhdao", 0}, {"admin", 0}}
		acceptedLater, lists := 0, 0
		for _, c := range cases {
			a := actor(t, s, c.login)
			for _, d := range dates {
				for _, limit := range []int{0, 5} {
					name := fmt.Sprintf("%s unit %d on %s limit %d", c.login, c.unit, d, limit)
					mem, sql, mt, st, err := plans.OverdueBoth(ctx, s.Plans, a, d, c.unit, limit)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if mt != st {
						t.Errorf("%s: %d overdue from memory, %d by SQL", name, mt, st)
					}
					if !reflect.DeepEqual(mem, sql) {
						t.Errorf("%s: the rows differ:\nmemory %v\nSQL    %v", name, ids(mem), ids(sql))
					}
					if len(sql) > 0 {
						lists++
					}
					for _, r := range sql {
						if r.State.Current != nil && !r.State.Current.AcceptedOn.IsZero() {
							acceptedLater++
						}
					}
				}
			}
		}
		if lists == 0 || acceptedLater == 0 {
			t.Fatalf("nothing to compare: %d lists, %d rows accepted after their date", lists, acceptedLater)
		}
	})
}

func ids(rows []plans.TaskRow) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}
