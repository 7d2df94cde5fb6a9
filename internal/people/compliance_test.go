package people_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/app"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/gen"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

func actorOf(t testing.TB, s *apptest.Server, login string) *auth.Actor {
	t.Helper()
	u, err := s.Auth.Authenticate(context.Background(), login, "demo-mangluoi")
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor()
}

func result(t *testing.T, r *people.Report, code string) people.TargetResult {
	t.Helper()
	for _, res := range r.Results {
		if res.Target.Code == code {
			return res
		}
	}
	t.Fatalf("no result for %s", code)
	return people.TargetResult{}
}

// The path: a coordinator finds the communes with no focal person,
// assigns one, records their training, and sees the rates change.
func TestComplianceChangesWhenAFocalPersonIsAssigned(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord := actorOf(t, s, "gialai")
		today := s.Org.Today()
		snap, _ := s.Org.Snapshot(ctx)
		province := snap.FindByCode(org.LevelProvince, "52", today)
		rep, err := s.People.Compliance(ctx, coord, province.UnitID, today)
		if err != nil {
			t.Fatal(err)
		}
		focal := result(t, rep, "1690-FOCAL-COMMUNE")
		if focal.Total != 11 || focal.Passing >= focal.Total || len(focal.Failing) != focal.Total-focal.Passing {
			t.Fatalf("focal: %d/%d failing %d", focal.Passing, focal.Total, len(focal.Failing))
		}
		missing := focal.Failing[0]
		if missing.Reason.Key != "compliance.reason.no_focal" {
			t.Errorf("reason %q", missing.Reason.Key)
		}
		p, err := s.People.CreatePerson(ctx, coord, people.PersonInput{FullName: "Nguyễn Thị Mới", UnitID: missing.UnitID, Since: today, Title: "Công chức Văn phòng - Thống kê"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.AssignRole(ctx, coord, people.RoleInput{UnitID: missing.UnitID, PersonID: p.ID, Role: people.RoleFocal, Mode: people.Concurrent, From: today}); err != nil {
			t.Fatal(err)
		}
		rep2, err := s.People.Compliance(ctx, coord, province.UnitID, today)
		if err != nil {
			t.Fatal(err)
		}
		if got := result(t, rep2, "1690-FOCAL-COMMUNE"); got.Passing != focal.Passing+1 {
			t.Errorf("after assigning: %d/%d, want %d", got.Passing, got.Total, focal.Passing+1)
		}
		trained := result(t, rep2, "1690-TRAINED-COMMUNE")
		course, err := s.People.CreateCourse(ctx, coord, people.CourseInput{Title: "Kỹ năng số cơ bản", Start: today.AddDays(-10), End: today.AddDays(-1), Hours: 8, OrganiserID: province.UnitID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.People.Enrol(ctx, coord, course.ID, []int64{p.ID}); err != nil {
			t.Fatal(err)
		}
		cv, _ := s.People.GetCourse(ctx, coord, course.ID)
		if err := s.People.Complete(ctx, coord, cv.Participants[0].ID, people.Completed, today.AddDays(-1), nil); err != nil {
			t.Fatal(err)
		}
		rep3, _ := s.People.Compliance(ctx, coord, province.UnitID, today)
		if got := result(t, rep3, "1690-TRAINED-COMMUNE"); got.Passing != trained.Passing+1 {
			t.Errorf("after training: %d/%d, want %d", got.Passing, got.Total, trained.Passing+1)
		}
		// As of before the reorganisation the province did not exist: its
		// history is its predecessors', with their districts.
		old, err := s.People.Compliance(ctx, coord, province.UnitID, day.Of(2025, 6, 30))
		if err != nil {
			t.Fatal(err)
		}
		if got := result(t, old, "1690-FOCAL-COMMUNE"); got.Total != 25 {
			t.Errorf("communes on 30/06/2025: %d, want the 25 of the two old provinces", got.Total)
		}
		// The focal person of a commune cannot see the province's report.
		if _, err := s.People.Compliance(ctx, actorOf(t, s, "pleiku"), province.UnitID, today); err == nil {
			t.Error("a commune's focal person read the province's compliance")
		}
	})
}

// A ward's compliance holds only the targets for communes: those for
// departments and for the province are "không áp dụng" — neither met,
// failed nor overdue — on the page, in the API and in the trend, never
// 0/0 in red.
func TestComplianceTargetsApplyWhereTheyApply(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		ward := s.UnitNamed(t, "Phường Pleiku")
		rep, err := s.People.Compliance(ctx, actorOf(t, s, "pleiku"), ward.UnitID, s.Org.Today())
		if err != nil {
			t.Fatal(err)
		}
		applying := 0
		for _, r := range rep.Results {
			switch r.Target.Level {
			case people.TLCommune:
				applying++
				if !r.Applies || r.Total != 1 {
					t.Errorf("%s: a commune's target in a ward: applies %v, %d/%d", r.Target.Code, r.Applies, r.Passing, r.Total)
				}
				if r.FailingCount != r.Total-r.Passing || len(r.Failing) != r.FailingCount {
					t.Errorf("%s: failing %d (%d listed), %d/%d", r.Target.Code, r.FailingCount, len(r.Failing), r.Passing, r.Total)
				}
			default:
				if r.Applies || r.Met || r.Overdue || r.Total != 0 || r.FailingCount != 0 {
					t.Errorf("%s (%s) in a ward: applies %v met %v overdue %v %d/%d failing %d, want not applicable",
						r.Target.Code, r.Target.Level, r.Applies, r.Met, r.Overdue, r.Passing, r.Total, r.FailingCount)
				}
			}
		}
		if applying == 0 {
			t.Fatal("no commune target in the report")
		}
		// the page: the commune targets as cards, the others listed as not applying
		vi := s.Catalog.Printer("vi")
		_, body := s.Login(t, "pleiku").Get("/compliance")
		page := string(body)
		na := page[strings.Index(page, `id="not-applying"`):]
		for _, r := range rep.Results {
			card := strings.Contains(page, `id="target-`+r.Target.Code+`"`)
			listed := strings.Contains(na, r.Target.TitleVI)
			if r.Applies != card || r.Applies == listed {
				t.Errorf("%s: card %v, listed as not applying %v, applies %v", r.Target.Code, card, listed, r.Applies)
			}
		}
		if !strings.Contains(na, vi.T("compliance.na")) {
			t.Errorf("the page does not say %q", vi.T("compliance.na"))
		}
		// every overdue mark on the page belongs to a target that applies
		overdue := 0
		for _, r := range rep.Results {
			if r.Overdue && !r.Met {
				overdue++
			}
		}
		if n := strings.Count(page, vi.T("compliance.overdue")); n != overdue {
			t.Errorf("the page shows %q %d times, %d applying targets are overdue and not met", vi.T("compliance.overdue"), n, overdue)
		}
		_, trend := s.Login(t, "pleiku").Get("/compliance/trend")
		for _, r := range rep.Results {
			if !r.Applies && strings.Contains(string(trend), r.Target.TitleVI) {
				t.Errorf("the trend shows %s, which does not apply", r.Target.Code)
			}
		}
	})
}

// TestComplianceFailingNationally: across the whole country (the official
// lists, no one recorded yet), every one of the 3,321 communes fails the
// focal-person target. The report lists 500 of them but counts them all;
// the failing list pages through all of them, on the page, in the API and
// in the spreadsheet.
func TestComplianceFailingNationally(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { complianceFailingNationally(t, filepath.Join(t.TempDir(), "national.db")) })
	t.Run("postgres", func(t *testing.T) { complianceFailingNationally(t, dbtest.PostgresDSN(t)) })
}

func complianceFailingNationally(t *testing.T, dsn string) {
	ctx := context.Background()
	m, err := app.Open(ctx, app.Config{DSN: dsn, Addr: "127.0.0.1:0", Now: func() time.Time { return apptest.Now },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	admin, err := m.RootActor(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := gen.Country(ctx, m.Org, admin, officialLists(t)); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	s := &apptest.Server{Main: m, URL: m.URL(), Admin: admin}
	today := m.Org.Today()
	snap, err := m.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	communes := 0
	snap.Walk(snap.RootID, today, func(v *org.Version) bool {
		if v.Level == org.LevelCommune {
			communes++
		}
		return true
	})
	rep, err := m.People.Compliance(ctx, admin, snap.RootID, today)
	if err != nil {
		t.Fatal(err)
	}
	focal := result(t, rep, "1690-FOCAL-COMMUNE")
	if focal.Total != communes || focal.Passing != 0 || focal.FailingCount != communes || len(focal.Failing) != people.MaxFailing {
		t.Fatalf("focal: %d/%d, failing %d (%d listed), want all %d communes failing and %d listed",
			focal.Passing, focal.Total, focal.FailingCount, len(focal.Failing), communes, people.MaxFailing)
	}
	// paged through, every failing commune once
	seen := map[int64]bool{}
	for off := 0; ; off += people.MaxFailingPage {
		fp, err := m.People.Failing(ctx, admin, snap.RootID, today, "1690-focal-commune", off, people.MaxFailingPage)
		if err != nil {
			t.Fatal(err)
		}
		if fp.Total != communes {
			t.Fatalf("page at %d: total %d, want %d", off, fp.Total, communes)
		}
		if len(fp.Units) == 0 {
			break
		}
		for _, u := range fp.Units {
			if seen[u.UnitID] {
				t.Fatalf("%s listed twice", u.Name)
			}
			seen[u.UnitID] = true
		}
	}
	if len(seen) != communes {
		t.Fatalf("the pages list %d communes, want %d", len(seen), communes)
	}
	if _, err := m.People.Failing(ctx, admin, snap.RootID, today, "NO-SUCH", 0, 10); err == nil {
		t.Fatal("an unknown target was listed")
	}

	// the pages: the true count, pages of the list, the spreadsheet
	u, err := m.Auth.CreateUser(ctx, admin, auth.UserInput{Login: "quocgia", DisplayName: "Bộ KH&CN", Password: "mật khẩu đủ dài",
		Role: auth.RoleViewer, ScopeUnitID: snap.RootID, Locale: "vi"})
	if err != nil {
		t.Fatal(err)
	}
	vi := s.Catalog.Printer("vi")
	c := s.SessionFor(t, u)
	_, body := c.Get("/compliance")
	if want := vi.T("compliance.failing", "Count", vi.Int(communes)); !strings.Contains(string(body), want) {
		t.Errorf("the national page does not say %q", want)
	}
	if capped := vi.T("compliance.failing", "Count", vi.Int(people.MaxFailing)); strings.Contains(string(body), capped) {
		t.Errorf("the national page shows the cap as a count: %q", capped)
	}
	pages := (communes + 49) / 50
	resp, body := c.Get(fmt.Sprintf("/compliance/failing?target=1690-FOCAL-COMMUNE&page=%d", pages))
	if resp.StatusCode != 200 || !strings.Contains(string(body), vi.T("pager.page", "Page", pages, "Pages", pages)) {
		t.Errorf("the last page of the list: %d, no %q", resp.StatusCode, vi.T("pager.page", "Page", pages, "Pages", pages))
	}
	if n := strings.Count(string(body), "/apparatus\""); n != communes-(pages-1)*50 {
		t.Errorf("the last page lists %d units, want %d", n, communes-(pages-1)*50)
	}
	resp, body = c.Get("/compliance/failing.xlsx?target=1690-FOCAL-COMMUNE")
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	tab, err := sheet.Read(bytes.NewReader(body), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != communes || tab.Rows[0][3] != vi.T("compliance.reason.no_focal") {
		t.Errorf("the spreadsheet has %d rows (want %d), first %v", len(tab.Rows), communes, tab.Rows[0])
	}
	// the API pages the same list
	api := s.TokenFor(t, u)
	resp, body = api.Get(fmt.Sprintf("/api/v1/compliance/failing?target=1690-FOCAL-COMMUNE&limit=1000&offset=%d", communes-21))
	var fp people.FailingPage
	if err := json.Unmarshal(body, &fp); err != nil || resp.StatusCode != 200 {
		t.Fatalf("API: %d %v %.200s", resp.StatusCode, err, body)
	}
	if fp.Total != communes || len(fp.Units) != 21 {
		t.Errorf("API: total %d, %d units, want %d and 21", fp.Total, len(fp.Units), communes)
	}
}

// officialLists is ../shared/data/units, found from this file.
func officialLists(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data", "units")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the official unit lists are not at %s: %v", dir, err)
	}
	return dir
}
