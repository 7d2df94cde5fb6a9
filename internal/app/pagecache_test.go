package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func personInput(name string, unit int64) people.PersonInput {
	return people.PersonInput{FullName: name, Gender: "female", Title: "Công chức Văn hóa - Xã hội",
		Employment: people.CivilServant, QualLevel: people.QualBachelor, UnitID: unit, Since: fixtureFrom}
}

// secondServer opens another server on s's database: its caches (the page
// cache among them) start empty, so what it renders is what the data says
// now. A client of s is pointed at it by on.
func secondServer(t *testing.T, s *apptest.Server) (other *app.Main, on func(c *apptest.Client) *apptest.Client) {
	t.Helper()
	other, err := app.Open(context.Background(), app.Config{DSN: s.DSN, Addr: "127.0.0.1:0", Now: s.Now, Log: s.Log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	if err := other.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return other, func(c *apptest.Client) *apptest.Client { d := *c; d.Base = other.URL(); return &d }
}

func page(t *testing.T, c *apptest.Client, path string) string {
	t.Helper()
	resp, body := c.Get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s on %s: %d %s", path, c.Base, resp.StatusCode, body)
	}
	return string(body)
}

// TestPageCacheFresh: a write (a person, a reported value, a task's report),
// made through one server or the other, shows at once on the common pages
// that both servers keep (their page caches warm): the page each sends
// after the write is the one a server renders from the data, and differs
// from the page before it.
func TestPageCacheFresh(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		other, on := secondServer(t, s)
		f := freshTarget(t, s)
		unit := f.id("unit")
		f.id("form")
		f.id("task")
		hs, err := s.Indicators.ByCode(ctx, s.Admin, "HS_ALL")
		if err != nil {
			t.Fatal(err)
		}
		gialai := s.SessionFor(t, s.User(t, "gialai"))
		var personID int64
		steps := []struct {
			what, path string
			write      func()
			shows      func(body string) bool
		}{
			{"a person, through the first server", "/people?q=" + url.QueryEscape(f.person), func() { personID = f.id("person") },
				func(body string) bool { return contains(body, fmt.Sprintf("/people/%d", personID)) }},
			{"the unit page after a person, through the second server", fmt.Sprintf("/units/%d", unit), func() {
				if _, err := other.People.CreatePerson(ctx, s.Admin, personInput("Trần Thị Bộ Đệm", unit)); err != nil {
					t.Fatal(err)
				}
			}, nil},
			{"a reported value, through the second server", fmt.Sprintf("/indicators/%d?unit=%d&period=%s&basis=all", hs.ID, unit, fixturePeriod), func() {
				if _, err := other.Indicators.Save(ctx, s.Admin, f.id("form"), unit, indicator.MustPeriod(fixturePeriod), indicator.EntryInput{Submit: true,
					Values: []indicator.ValueInput{{Code: "HS_ALL", Raw: "4321", Comment: "Số liệu thử"}, {Code: "HS_ONLINE", Raw: "1234", Comment: "Số liệu thử"}}}, "vi", nil); err != nil {
					t.Fatal(err)
				}
			}, func(body string) bool { return contains(body, "4.321") }},
			{"a task's report, through the first server", fmt.Sprintf("/tasks?unit=%d", unit), func() { f.id("report") }, nil},
			{"a task renamed in the database by another program (moving the plans' generation)", fmt.Sprintf("/tasks?unit=%d", unit), func() {
				if _, err := other.DB.ExecContext(ctx, `UPDATE plan_tasks SET title = 'Tiêu đề đổi thẳng trong cơ sở dữ liệu' WHERE id = $1`, f.id("task")); err != nil {
					t.Fatal(err)
				}
				if _, err := other.DB.ExecContext(ctx, `UPDATE plans_state SET generation = generation + 1 WHERE id = 1`); err != nil {
					t.Fatal(err)
				}
			}, func(body string) bool { return contains(body, "Tiêu đề đổi thẳng trong cơ sở dữ liệu") }},
			{"the plans' dashboard after a task is added", "/plans/dashboard", func() {
				if _, err := s.Plans.AddTask(ctx, s.Admin, f.id("plan"), plans.TaskInput{Title: "Số hóa sổ hộ tịch", LeadUnitID: unit,
					Schedule: plans.Once, DueOn: day.Of(2026, 11, 30)}); err != nil {
					t.Fatal(err)
				}
			}, nil},
		}
		for _, st := range steps {
			var before string
			for range 2 { // both servers keep the page
				before = page(t, gialai, st.path)
				if fresh := page(t, on(gialai), st.path); fresh != before {
					t.Fatalf("%s: the two servers differ before the write", st.path)
				}
			}
			if st.shows != nil && st.shows(before) {
				t.Fatalf("%s: shows the write before it was made", st.what)
			}
			st.write()
			after := page(t, gialai, st.path)
			if after == before {
				t.Errorf("%s: %s still sends the page it had before", st.what, st.path)
			}
			if st.shows != nil && !st.shows(after) {
				t.Errorf("%s: %s does not show it", st.what, st.path)
			}
			if fresh := page(t, on(gialai), st.path); fresh != after {
				t.Errorf("%s: %s differs between the servers after the write", st.what, st.path)
			}
		}
		if _, _, hits, _ := s.Web.PageCacheStats(); hits == 0 {
			t.Error("no page was served from the page cache")
		}
	})
}

// TestPageCacheScopes: the same address asked by users of different scopes
// or roles, one after the other, gives each their own page — the one a
// server with nothing kept renders for them — never the one kept for the
// other.
func TestPageCacheScopes(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		_, on := secondServer(t, s)
		f := freshTarget(t, s)
		person := f.id("person") // in a commune of Gia Lai that is not Pleiku
		gialai := s.SessionFor(t, s.User(t, "gialai"))
		pleiku := s.SessionFor(t, s.User(t, "pleiku"))
		lanhdao := s.SessionFor(t, s.User(t, "lanhdao")) // Gia Lai too, a leader
		link := fmt.Sprintf("/people/%d", person)
		search := "/people?q=" + url.QueryEscape(f.person)
		for range 2 {
			if !contains(page(t, gialai, search), link) {
				t.Fatal("the province's coordinator does not find the person")
			}
		}
		if contains(page(t, pleiku, search), link) {
			t.Error("Pleiku's focal person was sent a person of another commune (the coordinator's kept page)")
		}
		for _, path := range []string{"/", "/people", "/tasks", "/plans/dashboard", "/compliance", "/network", "/indicators"} {
			pages := map[string]string{}
			for _, u := range []struct {
				name string
				c    *apptest.Client
			}{{"gialai", gialai}, {"pleiku", pleiku}, {"lanhdao", lanhdao}} {
				var got string
				for range 2 {
					got = page(t, u.c, path)
				}
				if fresh := page(t, on(u.c), path); fresh != got {
					t.Errorf("%s as %s: the kept page is not the one rendered for them", path, u.name)
				}
				pages[u.name] = got
			}
			if pages["gialai"] == pages["pleiku"] {
				t.Errorf("%s: the province's coordinator and a commune's focal person got the same page", path)
			}
		}
		if page(t, gialai, "/") == page(t, lanhdao, "/") {
			t.Error("/: the coordinator's home and the leader's are the same page")
		}
	})
}

// TestPageCacheKeepsWhatWasNotWritten: a kept page depends on what its
// rendering read, not on every write. A value saved (through the other
// server) leaves the network's coverage page, the people list and the
// compliance page kept — sent again from the cache, the same as a server
// with nothing kept renders — and drops the indicator's page, which shows
// it. The people list reads its tables with statements of its own, which
// the people feature marks as guarded by its generation: a person added
// through the other server drops it at once, and it shows them.
func TestPageCacheKeepsWhatWasNotWritten(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		other, on := secondServer(t, s)
		f := freshTarget(t, s)
		unit := f.id("unit")
		form := f.id("form")
		f.id("team") // the network page has something to show
		hs, err := s.Indicators.ByCode(ctx, s.Admin, "HS_ALL")
		if err != nil {
			t.Fatal(err)
		}
		gialai := s.SessionFor(t, s.User(t, "gialai"))
		network := fmt.Sprintf("/network?unit=%d", unit)
		figures := fmt.Sprintf("/indicators/%d?unit=%d&period=%s&basis=all", hs.ID, unit, fixturePeriod)
		search := "/people?q=" + url.QueryEscape("Lê Thị Đọc Thẳng")
		kept := map[string]string{}
		compliance := fmt.Sprintf("/compliance?unit=%d", unit)
		for _, path := range []string{network, figures, search, compliance} {
			page(t, gialai, path)
			kept[path] = page(t, gialai, path)
		}
		stats := func() (hits, misses int64) { _, _, hits, misses = s.Web.PageCacheStats(); return }

		if _, err := other.Indicators.Save(ctx, s.Admin, form, unit, indicator.MustPeriod(fixturePeriod), indicator.EntryInput{Submit: true,
			Values: []indicator.ValueInput{{Code: "HS_ALL", Raw: "8765", Comment: "Số liệu thử"}, {Code: "HS_ONLINE", Raw: "1234", Comment: "Số liệu thử"}}}, "vi", nil); err != nil {
			t.Fatal(err)
		}
		// the network's and the people's pages read neither values nor
		// tables that no generation guards
		for _, path := range []string{network, search, compliance} {
			h0, _ := stats()
			got := page(t, gialai, path)
			if h, _ := stats(); h != h0+1 {
				t.Errorf("%s was rendered again after a value was saved (hits %d → %d)", path, h0, h)
			}
			if got != kept[path] || got != page(t, on(gialai), path) {
				t.Errorf("%s kept after a value was saved is not the one rendered now", path)
			}
		}
		h0, m0 := stats()
		if got := page(t, gialai, figures); !contains(got, "8.765") || got != page(t, on(gialai), figures) {
			t.Error("the indicator's page does not show the value saved")
		}
		if h, m := stats(); h != h0 || m != m0+1 {
			t.Errorf("the indicator's page was not rendered again after a value was saved (hits %d → %d, misses %d → %d)", h0, h, m0, m)
		}

		// the reports are kept behind their own generation
		// (internal/indicator/reports.go), which every write of them moves
		// in its transaction — here another program's, which returns
		// Pleiku's reports and moves it as the indicator service does: the
		// focal person's home, which shows them, is made again
		pleiku := s.SessionFor(t, s.User(t, "pleiku"))
		page(t, pleiku, "/")
		keptHome := page(t, pleiku, "/")
		if err := other.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE submissions SET status = 'returned', review_comment = 'Trả lại để bổ sung'
				WHERE unit_id = $1 AND status <> 'returned'`, s.User(t, "pleiku").ScopeUnitID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				t.Fatal("Pleiku has no report to return")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_cells (indicator_id, period, generation) VALUES (0, 'reports', 1)
				ON CONFLICT (indicator_id, period) DO UPDATE SET generation = indicator_cells.generation + 1`); err != nil {
				return err
			}
			return other.Audit.Write(ctx, tx, s.Admin.Who(), audit.Entry{Action: "report.return", Entity: "submission", EntityID: "all"})
		}); err != nil {
			t.Fatal(err)
		}
		if got := page(t, pleiku, "/"); got == keptHome || got != page(t, on(pleiku), "/") {
			t.Error("the focal person's home kept before their reports were returned is still sent")
		}

		// the people list (with a search) reads tables that no generation
		// it asks for guards, with a statement of the page's own, written
		// with an audit entry only (as a feature may: docs/CONVENTIONS.md):
		// such a page follows the audit log's head

		p, err := other.People.CreatePerson(ctx, s.Admin, personInput("Lê Thị Đọc Thẳng", unit))
		if err != nil {
			t.Fatal(err)
		}
		link := fmt.Sprintf(`href="/people/%d"`, p.ID)
		if contains(kept[search], link) {
			t.Fatal("the person was listed before they were added")
		}
		if got := page(t, gialai, search); !contains(got, link) || got != page(t, on(gialai), search) {
			t.Error("the people list kept before a person was added is still sent (it read its tables directly)")
		}
	})
}
