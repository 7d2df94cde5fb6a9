package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/imports"
	"github.com/mangluoi/mangluoi/internal/progress"
)

// eachDBWith is apptest.ForEachDB with the configuration changed.
func eachDBWith(t *testing.T, configure func(*app.Config), fn func(t *testing.T, s *apptest.Server)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, apptest.StartWith(t, "", configure)) })
	t.Run("postgres", func(t *testing.T) { fn(t, apptest.StartWith(t, dbtest.PostgresDSN(t), configure)) })
}

// quyNhonFocal is a focal person of Phường Quy Nhơn.
func quyNhonFocal(t *testing.T, s *apptest.Server) *auth.User {
	t.Helper()
	if u, err := s.Auth.Authenticate(context.Background(), "quynhon", demo.Password); err == nil {
		return u
	}
	u, err := s.Auth.CreateUser(context.Background(), s.Admin, auth.UserInput{Login: "quynhon", DisplayName: "Đầu mối Quy Nhơn",
		Password: demo.Password, Role: auth.RoleFocal, ScopeUnitID: s.UnitNamed(t, "Phường Quy Nhơn").UnitID, Locale: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// peopleCSV is a people sheet of n new people of the unit with code, the
// row bad (1-based among the people, 0 for none) naming a unit nobody has.
func peopleCSV(code string, n, bad int) []byte {
	var b bytes.Buffer
	b.WriteString("full_name,gender,unit,role,mode\n")
	for i := 1; i <= n; i++ {
		unit := code
		if i == bad {
			unit = "KHONG-CO-MA"
		}
		fmt.Fprintf(&b, "Nguyễn Văn Nhập %d,male,%s,staff,concurrent\n", i, unit)
	}
	return b.Bytes()
}

func countPeople(t *testing.T, s *apptest.Server) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var jobPath = regexp.MustCompile(`^/imports/(\d+)$`)

// followJob polls a job's page until it shows the result, and returns the
// job's id and the result page.
func followJob(t *testing.T, c *apptest.Client, resp *http.Response, body []byte) (string, []byte) {
	t.Helper()
	loc := resp.Header.Get("Location")
	m := jobPath.FindStringSubmatch(loc)
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("the import answered %d (location %q), not the job's page: %.300s", resp.StatusCode, loc, body)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		r, b := c.Get(loc)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %.300s", loc, r.StatusCode, b)
		}
		if !bytes.Contains(b, []byte(`id="job-bar"`)) {
			return m[1], b
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the job %s did not end", loc)
	return "", nil
}

// TestImportJobPeople: a people sheet large enough to be a job is imported
// through the job's page with the same result as before (counts, rows
// written, audited), its progress recorded; a sheet with one bad row
// writes nothing and says which row, field and why.
func TestImportJobPeople(t *testing.T) {
	eachDBWith(t, func(c *app.Config) { c.ImportWait = time.Millisecond }, func(t *testing.T, s *apptest.Server) { // answer with the job's page at once
		c := s.Login(t, "pleiku")
		code := s.UnitNamed(t, "Phường Pleiku").Code
		const n = 3000

		// one bad row: nothing written
		before, audited := countPeople(t, s), s.AuditLen(t)
		resp, body := send(t, c, "POST", "/people/import", request{files: map[string]file{"file": {"can-bo.csv", peopleCSV(code, n, 2500)}}})
		id, page := followJob(t, c, resp, body)
		text := readable(t, page)
		for _, want := range []string{"Dòng 2501", "KHONG-CO-MA", "2.999"} {
			if !strings.Contains(text, want) {
				t.Errorf("the failed job's page does not say %q: %.2000s", want, text)
			}
		}
		if got := countPeople(t, s); got != before {
			t.Errorf("a sheet with a bad row wrote %d people", got-before)
		}
		if s.AuditLen(t) != audited {
			t.Errorf("a sheet with a bad row was audited")
		}
		var status, phase string
		var done, total int
		if err := s.DB.QueryRowContext(context.Background(), `SELECT status, phase, rows_done, rows_total FROM import_jobs WHERE id = $1`, id).
			Scan(&status, &phase, &done, &total); err != nil {
			t.Fatal(err)
		}
		if status != "failed" || phase != "checking" || total != n {
			t.Errorf("the failed job is %s at %s %d/%d, want failed at checking of %d rows", status, phase, done, total, n)
		}

		// the same sheet without the bad row: every row written
		resp, body = send(t, c, "POST", "/people/import", request{files: map[string]file{"file": {"can-bo.csv", peopleCSV(code, n, 0)}}})
		id, page = followJob(t, c, resp, body)
		text = readable(t, page)
		if !strings.Contains(text, "Đã nhập xong") || !strings.Contains(text, "3.000") {
			t.Errorf("the job's page does not show the result: %.2000s", text)
		}
		if got := countPeople(t, s); got != before+n {
			t.Errorf("the import wrote %d people, want %d", got-before, n)
		}
		if s.AuditLen(t) == audited {
			t.Errorf("the import was not audited")
		}
		if err := s.DB.QueryRowContext(context.Background(), `SELECT status, phase, rows_done, rows_total FROM import_jobs WHERE id = $1`, id).
			Scan(&status, &phase, &done, &total); err != nil {
			t.Fatal(err)
		}
		if status != "done" || phase != "writing" || done != n || total != n {
			t.Errorf("the job is %s at %s %d/%d, want done at writing %d/%d", status, phase, done, total, n, n)
		}

		// in English for an English reader
		en := s.Login(t, "pleiku")
		en.PostForm("/lang", map[string][]string{"lang": {"en"}, "next": {"/"}})
		_, b := en.Get("/imports/" + id)
		if !strings.Contains(readable(t, b), "3,000") {
			t.Errorf("the result in English does not write 3,000: %.1500s", readable(t, b))
		}

		// someone whose scope does not hold the unit is told there is no such job
		other := s.SessionFor(t, quyNhonFocal(t, s))
		if r, b := other.Get("/imports/" + id); r.StatusCode != http.StatusNotFound {
			t.Errorf("Quy Nhơn's focal person sees Pleiku's import: %d %.300s", r.StatusCode, b)
		}
		if r, _ := s.Login(t, "admin").Get("/imports/" + id); r.StatusCode != http.StatusOK {
			t.Errorf("the administrator cannot see the import: %d", r.StatusCode)
		}
	})
}

// TestImportJobSmallSheet: a small sheet's import answers with its result
// at once, as before the jobs.
func TestImportJobSmallSheet(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		c := s.Login(t, "pleiku")
		code := s.UnitNamed(t, "Phường Pleiku").Code
		resp, body := send(t, c, "POST", "/people/import", request{files: map[string]file{"file": {"can-bo.csv", peopleCSV(code, 5, 0)}}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(readable(t, body), "Đã nhập xong") {
			t.Fatalf("a small import answered %d: %.1000s", resp.StatusCode, readable(t, body))
		}
		resp, body = send(t, c, "POST", "/people/import", request{files: map[string]file{"file": {"can-bo.csv", peopleCSV(code, 5, 3)}}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(readable(t, body), "Dòng 4") {
			t.Fatalf("a small import with a bad row answered %d: %.1000s", resp.StatusCode, readable(t, body))
		}
	})
}

// blocked is an import's work that reports progress, then waits.
type blocked struct {
	reported chan struct{}
	release  chan struct{}
	wrote    atomic.Bool
}

func (b *blocked) work(ctx context.Context) (imports.Outcome, error) {
	c := progress.Begin(ctx, progress.Checking, 20000)
	c.Step(12000)
	close(b.reported)
	select {
	case <-b.release:
		b.wrote.Store(true)
		return imports.Outcome{Result: map[string]int{"rows": 20000}}, nil
	case <-ctx.Done():
		return imports.Outcome{}, ctx.Err()
	}
}

// TestImportJobProgressAcrossServers: a running job's progress is in the
// table, so another server (another imports.Service on the same database)
// shows it; a job whose server stops is marked failed, and one whose
// server vanished (a stale heartbeat) is marked failed at the next start.
func TestImportJobProgressAcrossServers(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		messages := func(lang, key string) string { return s.Catalog.Printer(lang).T(key) }
		here := imports.NewService(s.DB, s.Org, s.Now, s.Log, messages)
		there := imports.NewService(s.DB, s.Org, s.Now, s.Log, messages)
		pleiku := s.User(t, "pleiku").Actor()
		unit := pleiku.ScopeUnitID

		b := &blocked{reported: make(chan struct{}), release: make(chan struct{})}
		id, err := here.Start(ctx, pleiku, "people", unit, "lon.xlsx", b.work)
		if err != nil {
			t.Fatal(err)
		}
		<-b.reported
		var seen *imports.Job
		for range 100 { // written within Every (250 ms)
			if seen, err = there.Get(ctx, pleiku, id); err != nil {
				t.Fatal(err)
			}
			if seen.Done == 12000 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if seen.Status != imports.Running || seen.Phase != progress.Checking || seen.Done != 12000 || seen.Total != 20000 {
			t.Errorf("another server sees %s at %s %d/%d, want running at checking 12000/20000", seen.Status, seen.Phase, seen.Done, seen.Total)
		}
		if _, err := there.Get(ctx, quyNhonFocal(t, s).Actor(), id); errs.KindOf(err) != errs.NotFound {
			t.Errorf("someone of another commune reads the job: %v", err)
		}
		close(b.release)
		here.Wait(id, time.Minute)
		if j, _ := there.Get(ctx, pleiku, id); j.Status != imports.Done || string(j.Result) != `{"rows":20000}` {
			t.Errorf("the ended job is %s with %s", j.Status, j.Result)
		}

		// the server stops mid-job: the work is cut short, the job failed
		b = &blocked{reported: make(chan struct{}), release: make(chan struct{})}
		if id, err = here.Start(ctx, pleiku, "people", unit, "lon.xlsx", b.work); err != nil {
			t.Fatal(err)
		}
		<-b.reported
		here.Close()
		j, err := there.Get(ctx, pleiku, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status != imports.Failed || b.wrote.Load() || !strings.Contains(strings.Join(j.Errors["vi"], " "), "bị gián đoạn") ||
			!strings.Contains(strings.Join(j.Errors["en"], " "), "interrupted") {
			t.Errorf("the job cut short is %s (wrote %v): %v", j.Status, b.wrote.Load(), j.Errors)
		}

		// a server vanished without a word: its job's heartbeat is stale,
		// and the next start marks it failed
		var stale int64
		old := s.Now().Add(-time.Hour)
		if err := s.DB.QueryRowContext(ctx, `INSERT INTO import_jobs (kind, unit_id, user_id, file_name, phase, rows_done, rows_total, status, created_at, heartbeat)
			VALUES ('people', $1, $2, 'lon.xlsx', 'writing', 100, 20000, 'running', $3, $3) RETURNING id`, unit, pleiku.UserID, old).Scan(&stale); err != nil {
			t.Fatal(err)
		}
		if n, err := there.Recover(ctx); err != nil || n != 1 {
			t.Fatalf("recovered %d jobs (%v), want 1", n, err)
		}
		if j, _ := there.Get(ctx, pleiku, stale); j.Status != imports.Failed || !strings.Contains(strings.Join(j.Errors["vi"], " "), "không có gì được ghi") {
			t.Errorf("the vanished server's job is %s: %v", j.Status, j.Errors)
		}
		there.Close()
	})
}
