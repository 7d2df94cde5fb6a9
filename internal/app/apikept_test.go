package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// apiAnswer is one GET of the API: status, body and ETag.
type apiAnswer struct {
	status int
	body   string
	etag   string
}

func apiGet(t *testing.T, c *apptest.Client, path string, header ...string) apiAnswer {
	t.Helper()
	cp := *c
	cp.Header = http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		cp.Header.Set(header[i], header[i+1])
	}
	resp, body := cp.For(t).Get(path)
	return apiAnswer{resp.StatusCode, string(body), resp.Header.Get("ETag")}
}

// TestAPIKept: the API's common reads are kept for their caller (kept.go).
// A second call is answered from what was kept — the same body and ETag as
// the first, and as a server with nothing kept makes — and If-None-Match
// with its tag is answered 304 without a body. A write through the other
// server (a value, a person, a task's report, a team, a task) makes the
// next answer of each read that shows it fresh, at once, and leaves a read
// that does not show it kept. Two users asking the same address each get
// their own. A token revoked and an account disabled through the other
// server are refused at the next call of every kept read.
func TestAPIKept(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		other, on := secondServer(t, s)
		f := freshTarget(t, s)
		unit := f.id("unit")
		form := f.id("form")
		task := f.id("task")
		village := f.id("village")
		hs, err := s.Indicators.ByCode(ctx, s.Admin, "HS_ALL")
		if err != nil {
			t.Fatal(err)
		}
		gialai := s.User(t, "gialai")
		tok, secret, err := s.Auth.CreateToken(ctx, gialai.Actor(), "kept")
		if err != nil {
			t.Fatal(err)
		}
		script := (&apptest.Client{Client: &http.Client{}, Base: s.URL, Token: secret}).For(t)
		browser := s.SessionFor(t, gialai)
		paths := map[string]string{
			"me":         "/api/v1/me",
			"tasks":      fmt.Sprintf("/api/v1/tasks?unit=%d", unit),
			"coverage":   fmt.Sprintf("/api/v1/network/coverage?unit=%d", unit),
			"compliance": fmt.Sprintf("/api/v1/compliance?unit=%d", unit),
			"figures":    fmt.Sprintf("/api/v1/indicators/%d/figures?unit=%d&period=%s&basis=all", hs.ID, unit, fixturePeriod),
			"people":     "/api/v1/people?q=" + url.QueryEscape("Lê Văn Giữ Lại"),
			"plans":      "/api/v1/plans-dashboard",
		}
		stats := func() (hits, misses, notModified int64) {
			_, _, hits, misses, notModified = s.API.KeptStats()
			return
		}
		// kept: the second answer is the first, and the other server's
		for name, path := range paths {
			for _, c := range []*apptest.Client{script, browser} {
				first := apiGet(t, c, path)
				if first.status != http.StatusOK || first.etag == "" {
					t.Fatalf("%s: %d, ETag %q: %.300s", path, first.status, first.etag, first.body)
				}
				h0, _, _ := stats()
				again := apiGet(t, c, path)
				if h, _, _ := stats(); h != h0+1 {
					t.Errorf("%s: the second call was not answered from what was kept (hits %d → %d)", name, h0, h)
				}
				if again != first {
					t.Errorf("%s: the kept answer differs from the first", name)
				}
				if fresh := apiGet(t, on(c), path); fresh.body != first.body || fresh.etag != first.etag {
					t.Errorf("%s: the kept answer is not the one a server with nothing kept makes", name)
				}
				_, _, n0 := stats()
				if nm := apiGet(t, c, path, "If-None-Match", first.etag); nm.status != http.StatusNotModified || nm.body != "" || nm.etag != first.etag {
					t.Errorf("%s with If-None-Match: %d %q, ETag %q", name, nm.status, nm.body, nm.etag)
				}
				if _, _, n := stats(); n != n0+1 {
					t.Errorf("%s: 304 not counted", name)
				}
			}
		}

		// writes through the other server
		steps := []struct {
			what  string
			shows []string // the reads that show it
			write func()
			seen  func(name, body string) bool
		}{
			{"a reported value", []string{"figures"}, func() {
				if _, err := other.Indicators.Save(ctx, s.Admin, form, unit, indicator.MustPeriod(fixturePeriod), indicator.EntryInput{Submit: false,
					Values: []indicator.ValueInput{{Code: "HS_ALL", Raw: "4321", Comment: "Số liệu thử"}, {Code: "HS_ONLINE", Raw: "1234", Comment: "Số liệu thử"}}}, "vi", nil); err != nil {
					t.Fatal(err)
				}
			}, func(_, body string) bool { return contains(body, "4321") }},
			{"a person", []string{"people"}, func() {
				if _, err := other.People.CreatePerson(ctx, s.Admin, personInput("Lê Văn Giữ Lại", unit)); err != nil {
					t.Fatal(err)
				}
			}, func(_, body string) bool { return contains(body, "Lê Văn Giữ Lại") }},
			{"a task's report", []string{"tasks"}, func() {
				if _, err := other.Plans.SubmitReport(ctx, s.Admin, task, plans.ReportInput{Period: "2026-H2", Status: plans.InProgress, Percent: 70,
					Done: "Đã số hóa 70% hồ sơ"}); err != nil {
					t.Fatal(err)
				}
			}, nil},
			{"a team", []string{"coverage"}, func() {
				if _, err := other.Network.CreateTeam(ctx, s.Admin, network.TeamInput{UnitID: village, DecisionNumber: fmt.Sprintf("%d/QĐ-UBND", 900+f.serial),
					DecisionDate: fixtureFrom.AddDays(12)}, nil); err != nil {
					t.Fatal(err)
				}
			}, nil},
			{"a task", []string{"plans"}, func() {
				if _, err := other.Plans.AddTask(ctx, s.Admin, f.id("plan"), plans.TaskInput{Title: "Số hóa sổ địa chính", LeadUnitID: unit,
					Schedule: plans.Once, DueOn: day.Of(2026, 11, 30)}); err != nil {
					t.Fatal(err)
				}
			}, nil},
		}
		for _, st := range steps {
			before := map[string]apiAnswer{}
			for name, path := range paths {
				before[name] = apiGet(t, script, path)
				apiGet(t, on(script), path)
			}
			st.write()
			for name, path := range paths {
				after := apiGet(t, script, path)
				if fresh := apiGet(t, on(script), path); after.body != fresh.body || after.etag != fresh.etag {
					t.Errorf("%s: %s is not the answer a server makes from the data now", st.what, name)
				}
				if !contains(fmt.Sprint(st.shows), name) {
					continue
				}
				if after.body == before[name].body {
					t.Errorf("%s: %s still answers what it did before", st.what, name)
				}
				if st.seen != nil && !st.seen(name, after.body) {
					t.Errorf("%s: %s does not show it", st.what, name)
				}
				if again := apiGet(t, script, path, "If-None-Match", before[name].etag); again.status != http.StatusOK || again.body != after.body {
					t.Errorf("%s: %s with the old ETag: %d", st.what, name, again.status)
				}
			}
		}
		// a read that does not show a write stays kept
		h0, _, _ := stats()
		apiGet(t, script, paths["coverage"])
		if _, err := other.Indicators.Save(ctx, s.Admin, form, unit, indicator.MustPeriod(fixturePeriod), indicator.EntryInput{Submit: false,
			Values: []indicator.ValueInput{{Code: "HS_ALL", Raw: "4322", Comment: "Số liệu thử"}, {Code: "HS_ONLINE", Raw: "1234", Comment: "Số liệu thử"}}}, "vi", nil); err != nil {
			t.Fatal(err)
		}
		apiGet(t, script, paths["coverage"])
		if h, _, _ := stats(); h != h0+2 {
			t.Errorf("the coverage was made again after a value was saved (hits %d → %d)", h0, h)
		}

		// two users, one address: each their own answer
		pleiku := s.TokenClient(t, "pleiku")
		for _, path := range []string{"/api/v1/me", "/api/v1/tasks", "/api/v1/people?limit=50", "/api/v1/plans-dashboard"} {
			var got [2]apiAnswer
			for i, c := range []*apptest.Client{script, pleiku} {
				for range 2 {
					got[i] = apiGet(t, c, path)
				}
				if fresh := apiGet(t, on(c), path); fresh.body != got[i].body {
					t.Errorf("%s as user %d: the kept answer is not theirs", path, i)
				}
			}
			if got[0].status == http.StatusOK && got[0].body == got[1].body {
				t.Errorf("%s: the coordinator and a commune's focal person got the same answer", path)
			}
		}

		// a token revoked and an account disabled through the other server
		for _, path := range paths {
			apiGet(t, script, path)
			apiGet(t, browser, path)
		}
		if err := other.Auth.RevokeToken(ctx, gialai.Actor(), tok.ID); err != nil {
			t.Fatal(err)
		}
		for name, path := range paths {
			if a := apiGet(t, script, path); a.status != http.StatusUnauthorized {
				t.Errorf("%s with a revoked token: %d", name, a.status)
			}
			if a := apiGet(t, browser, path); a.status != http.StatusOK {
				t.Errorf("%s in a session after another token was revoked: %d", name, a.status)
			}
		}
		if _, err := other.DB.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, true, gialai.ID); err != nil {
			t.Fatal(err)
		}
		for name, path := range paths {
			if a := apiGet(t, browser, path); a.status != http.StatusUnauthorized {
				t.Errorf("%s of a disabled account: %d", name, a.status)
			}
		}
	})
}
