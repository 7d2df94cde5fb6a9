package people_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// TestOtherServerCatchesUpPeople (issue 14, item 5): two services on one
// database. Every kind of write of the people register through the first
// (a person created, roles given, ended and a vacancy filled, an IT
// qualification turned over, a course completed, a committee and a focal
// unit set up, a rotation that ends roles, a course, targets changed) is at once in the second's measured counts and records,
// and the parts of Decision 1690's rates (judged from the same register) on
// several days — equal to those of a measurer reading the whole
// register — and the second read nothing whole: it caught up from the
// change feed. Its national figure through the indicator service is the
// fresh one too. A write that leaves no rows in the feed (the generator)
// makes it read the whole register, and right; so does a server left
// behind past the feed's trimmed rows.
func TestOtherServerCatchesUpPeople(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		now := func() time.Time { return apptest.Now }
		log := &audit.Log{Now: now}
		service := func() (*people.Service, *indicator.Service, indicator.Measurer) {
			o := org.NewService(s.DB, log, now)
			p := people.NewService(s.DB, o, log, nil, now)
			ind := indicator.NewService(s.DB, o, log, nil, now)
			m := p.Measurer()
			if err := ind.RegisterMeasurer(m); err != nil {
				t.Fatal(err)
			}
			return p, ind, m
		}
		_, otherInd, other := service()
		today := s.Org.Today()
		root := s.Admin.ScopeUnitID
		days := []day.Day{today, today.AddDays(-3), today.AddDays(-40), day.Of(today.Year(), 1, 1).AddDays(-1)}
		codes := other.Measures() // the register's counts and the parts of Decision 1690's rates
		figures := func(ind *indicator.Service, m indicator.Measurer) string {
			t.Helper()
			var b strings.Builder
			for _, d := range days {
				for _, c := range codes {
					pu, err := m.Measure(ctx, c, indicator.Window{From: d, To: d})
					if err != nil {
						t.Fatal(err)
					}
					fmt.Fprintf(&b, "%s %s %v %v\n", d, c, pu.Units, pu.Vals)
				}
			}
			for _, c := range []string{"REG_DX_STAFF_TRAINED", "REG_VACANCIES", "REG_COMMITTEES", "REG_FOCAL_UNITS"} {
				recs, n, err := m.Records(ctx, c, indicator.Window{From: today, To: today}, func(int64) bool { return true }, 1000)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s %d %v\n", c, n, recs)
			}
			p := indicator.PeriodOf(indicator.Monthly, today).Key()
			v, ok, err := ind.Measured(ctx, s.Admin, "REG_DX_STAFF_IT", root, p)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "national REG_DX_STAFF_IT %s: %v %v\n", p, v, ok)
			return b.String()
		}
		check := func(what string, wantLoads int) {
			t.Helper()
			_, freshInd, fresh := service()
			got, want := figures(otherInd, other), figures(freshInd, fresh)
			if got != want {
				t.Fatalf("after %s the other server's counts differ from a fresh read:\n%s\nwant\n%s", what, got, want)
			}
			if loads, _ := people.MeasurerReads(other); loads != wantLoads {
				t.Fatalf("after %s the other server read the whole register %d times, want %d", what, loads, wantLoads)
			}
		}
		check("nothing", 1)

		snap, _ := s.Org.Snapshot(ctx)
		var communes []int64
		snap.Walk(snap.FindByCode(org.LevelProvince, "52", today).UnitID, today, func(v *org.Version) bool {
			if v.Level == org.LevelCommune {
				communes = append(communes, v.UnitID)
			}
			return true
		})
		c1, c2, c3 := communes[0], communes[1], communes[2]
		p, err := s.People.CreatePerson(ctx, s.Admin, people.PersonInput{FullName: "Trần Văn Đồng Bộ", UnitID: c1, Since: today.AddDays(-90)})
		if err != nil {
			t.Fatal(err)
		}
		check("a person created", 1)
		staff, err := s.People.AssignRole(ctx, s.Admin, people.RoleInput{UnitID: c1, PersonID: p.ID, Role: people.RoleStaff, Mode: people.Dedicated, From: today.AddDays(-60)})
		if err != nil {
			t.Fatal(err)
		}
		check("a dedicated role", 1)
		if _, err := s.People.AssignRole(ctx, s.Admin, people.RoleInput{UnitID: c2, PersonID: p.ID, Role: people.RoleFocal, Mode: people.Concurrent, From: today.AddDays(-50)}); err != nil {
			t.Fatal(err)
		}
		check("a focal role in another commune", 1)
		var holder int64
		if err := s.DB.QueryRowContext(ctx, `SELECT MIN(person_id) FROM dx_roles WHERE person_id <> $1`, p.ID).Scan(&holder); err != nil {
			t.Fatal(err)
		}
		view, err := s.People.GetPerson(ctx, s.Admin, holder, today)
		if err != nil {
			t.Fatal(err)
		}
		in := people.PersonInput{FullName: view.Person.FullName, Gender: view.Person.Gender, BirthYear: view.Person.BirthYear, Title: view.Person.Title,
			Phone: view.Person.Phone, Email: view.Person.Email, Employment: view.Person.Employment, QualLevel: view.Person.QualLevel,
			QualField: view.Person.QualField, QualIT: !view.Person.QualIT}
		if _, err := s.People.UpdatePerson(ctx, s.Admin, holder, in); err != nil {
			t.Fatal(err)
		}
		check("an IT qualification turned over", 1)
		course, err := s.People.CreateCourse(ctx, s.Admin, people.CourseInput{Title: "Dữ liệu số cấp xã", Start: today.AddDays(-20), End: today.AddDays(-10), Hours: 16, OrganiserID: c1})
		if err != nil {
			t.Fatal(err)
		}
		check("a course", 1)
		if _, err := s.People.Enrol(ctx, s.Admin, course.ID, []int64{p.ID, holder}); err != nil {
			t.Fatal(err)
		}
		cv, err := s.People.GetCourse(ctx, s.Admin, course.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range cv.Participants {
			if err := s.People.Complete(ctx, s.Admin, e.ID, people.Completed, today.AddDays(-10), nil); err != nil {
				t.Fatal(err)
			}
		}
		check("a course completed", 1)
		vacancy, err := s.People.AssignRole(ctx, s.Admin, people.RoleInput{UnitID: c3, Role: people.RoleStaff, Mode: people.Concurrent, From: today.AddDays(-30)})
		if err != nil {
			t.Fatal(err)
		}
		check("a vacancy", 1)
		if _, err := s.People.FillVacancy(ctx, s.Admin, vacancy.ID, p.ID, today.AddDays(-7), ""); err != nil {
			t.Fatal(err)
		}
		check("a vacancy filled", 1)
		if err := s.People.EndRole(ctx, s.Admin, staff.ID, today.AddDays(-5), ""); err != nil {
			t.Fatal(err)
		}
		check("a role ended", 1)
		if _, err := s.People.CreateCommittee(ctx, s.Admin, people.CommitteeInput{UnitID: c3, Name: "Ban Chỉ đạo CĐS xã", DecisionNumber: "12/QĐ-UBND",
			DecisionDate: today.AddDays(-45)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.SetFocalUnit(ctx, s.Admin, people.FocalUnitInput{UnitID: c3, HolderName: "Văn phòng HĐND và UBND", Kind: people.FocalPart,
			From: today.AddDays(-45)}); err != nil {
			t.Fatal(err)
		}
		check("a committee and a focal unit", 1)
		if err := s.People.Rotate(ctx, s.Admin, p.ID, people.RotateInput{ToUnitID: c2, Date: today.AddDays(-2), EndRoles: true}); err != nil {
			t.Fatal(err)
		}
		check("a rotation ending roles", 1)
		// the headcount target sums a province's subtree: dedicated
		// positions added (or ended) in its communes until its judgement
		// turns, judged again on the other server from the units above
		gl := snap.FindByCode(org.LevelProvince, "52", today).UnitID
		noIncrease := func() int {
			t.Helper()
			rep, err := s.People.Compliance(ctx, s.Admin, gl, today)
			if err != nil {
				t.Fatal(err)
			}
			return result(t, rep, "1690-NO-INCREASE").Passing
		}
		was := noIncrease()
		for i := 0; noIncrease() == was; i++ {
			if i == 300 {
				t.Fatal("300 dedicated positions did not turn the province's headcount")
			}
			if was == 1 {
				if _, err := s.People.AssignRole(ctx, s.Admin, people.RoleInput{UnitID: communes[i%len(communes)], Role: people.RoleStaff, Mode: people.Dedicated, From: today.AddDays(-1)}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			var role int64
			if err := s.DB.QueryRowContext(ctx, `SELECT MIN(x.id) FROM dx_roles x JOIN unit_versions v ON v.unit_id = x.unit_id AND v.valid_from <= $1 AND $1 < v.valid_to
				WHERE x.mode = 'dedicated' AND x.valid_from < $2 AND $1 < x.valid_to AND v.parent_id = $3`, today, today.AddDays(-1), gl).Scan(&role); err != nil {
				t.Fatal(err)
			}
			if err := s.People.EndRole(ctx, s.Admin, role, today.AddDays(-1), ""); err != nil {
				t.Fatal(err)
			}
		}
		check("the province's headcount turned", 1)
		targets, err := s.People.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range targets {
			if tg.Rule == people.RuleStaffMin || tg.Rule == people.RuleTrained {
				if _, err := s.People.SaveTarget(ctx, s.Admin, tg.ID, people.TargetInput{Code: tg.Code, Rule: tg.Rule, Level: tg.Level, Param: tg.Param / 2,
					Goal: tg.Goal, Deadline: tg.Deadline, Baseline: tg.Baseline, TitleVI: tg.TitleVI, TitleEN: tg.TitleEN, Basis: tg.Basis, Active: tg.Active}); err != nil {
					t.Fatal(err)
				}
			}
		}
		check("targets changed", 1)
		if _, patches := people.MeasurerReads(other); patches < 10 {
			t.Errorf("%d catch-ups from the feed for 12 writes", patches)
		}

		// the generator writes no feed: the whole register is read again
		if _, err := s.DB.ExecContext(ctx, `UPDATE people SET qualification_it = NOT qualification_it WHERE id = $1`, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.ExecContext(ctx, `UPDATE people_state SET generation = generation + 1 WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		check("a write without the feed", 2)

		// a server left behind further than the feed keeps reads the whole
		// register: writes (courses, cheap) until the feed no longer holds
		// the generation after the other server's
		var behind int64
		if err := s.DB.QueryRowContext(ctx, `SELECT generation FROM people_state WHERE id = 1`).Scan(&behind); err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			var oldest int64
			if err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(MIN(generation), 0) FROM people_changes`).Scan(&oldest); err != nil {
				t.Fatal(err)
			}
			if oldest > behind+1 {
				break
			}
			if i > 600 {
				t.Fatalf("the feed still holds generation %d after %d writes", oldest, i)
			}
			if _, err := s.People.CreateCourse(ctx, s.Admin, people.CourseInput{Title: fmt.Sprintf("Khoá %d", i), Start: today, End: today, Hours: 1, OrganiserID: c1}); err != nil {
				t.Fatal(err)
			}
		}
		check("the feed trimmed past it", 3)
	})
}
