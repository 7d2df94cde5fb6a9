package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
)

// TestShell: the frame around every page. An unknown address answers a
// translated, styled 404 page (with the menu for a signed-in user), never
// Go's plain "404 page not found"; the login page speaks Vietnamese to an
// English browser until the visitor chooses English; the as-of date form
// is in the header of the pages it changes and not on an entry form; the
// menu folds into one button with a skip link before it.
func TestShell(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		vi, en := s.Catalog.Printer("vi"), s.Catalog.Printer("en")
		english := s.Anonymous(t)
		english.Header = http.Header{"Accept-Language": {"en-US,en;q=0.9"}}

		resp, body := english.Get("/no/such/page")
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("unknown path: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{vi.T("error.title_not_found"), vi.T("err.page_not_found"), `href="/static/app.css"`, `lang="vi"`} {
			if !strings.Contains(string(body), want) {
				t.Errorf("the 404 page lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(string(body), "404 page not found") {
			t.Error("the 404 page is Go's plain one")
		}

		// The login page: Vietnamese for an English browser, English once chosen.
		if _, body := english.Get("/login"); !strings.Contains(string(body), vi.T("login.title")) {
			t.Errorf("the login page should be Vietnamese by default:\n%s", body)
		}
		english.PostForm("/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
		if _, body := english.Get("/login"); !strings.Contains(string(body), en.T("login.title")) {
			t.Errorf("the login page should be English once chosen:\n%s", body)
		}
		if _, body := english.Get("/nowhere"); !strings.Contains(string(body), en.T("error.title_not_found")) {
			t.Errorf("the 404 page should follow the chosen language:\n%s", body)
		}

		gl := s.Login(t, "gialai")
		resp, body = gl.Get("/no/such/page")
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `class="navfold"`) || !strings.Contains(string(body), vi.T("nav.logout")) {
			t.Errorf("a signed-in user's 404 page should carry the menu: %d\n%s", resp.StatusCode, body)
		}
		// The API's callers are programs: its unknown paths stay as they were.
		if resp, body := gl.Get("/api/v1/no-such-thing"); resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "<html") {
			t.Errorf("an unknown API path: %d %s", resp.StatusCode, body)
		}

		province := s.UnitNamed(t, "Tỉnh Gia Lai")
		_, body = gl.Get("/units/" + itoa(province.UnitID))
		page := string(body)
		for _, want := range []string{`class="skip" href="#main"`, `<main id="main"`, `<details class="navfold"`, `class="asof"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the unit page lacks %q", want)
			}
		}
		if strings.Index(page, `class="skip"`) > strings.Index(page, `class="navfold"`) {
			t.Error("the skip link must come before the menu")
		}
		// An entry form: the date form would only lose what was typed.
		for _, path := range []string{"/people/new", "/account", "/training/new"} {
			if _, body := gl.Get(path); strings.Contains(string(body), `class="asof"`) {
				t.Errorf("%s shows the as-of date form", path)
			}
		}
		// A page viewed in the past keeps the way back to today.
		if _, body := gl.Get("/account?d=2025-06-30"); !strings.Contains(string(body), `class="asof"`) || !strings.Contains(string(body), vi.T("asof.today")) {
			t.Error("a page in the past must offer the way back to today")
		}
	})
}

// TestPublicRanking: the published ranking says who published it and when,
// draws its bars as SVG from the server (no chart library on a public
// page), and keeps the figures in its table.
func TestPublicRanking(t *testing.T) {
	s := apptest.StartSQLite(t)
	vi := s.Catalog.Printer("vi")
	ctx := context.Background()
	coord := s.User(t, "gialai").Actor()
	rounds, err := s.Assess.Rounds(ctx, coord)
	if err != nil || len(rounds) == 0 {
		t.Fatalf("rounds: %v", err)
	}
	rd := rounds[0]
	yes := true
	if _, err := s.Assess.UpdateRound(ctx, coord, rd.ID, assess.RoundUpdate{Status: rd.Status, Published: &yes}); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	owner := snap.Latest(rd.OwnerUnitID).Name
	resp, body := s.Anonymous(t).Get(fmt.Sprintf("/public/rankings/%d", rd.ID))
	page := string(body)
	if resp.StatusCode != 200 {
		t.Fatalf("public ranking: %d", resp.StatusCode)
	}
	for _, want := range []string{vi.T("assess.public_issuer", "Unit", owner), `<ol class="bars"`, `<rect width="`, `id="ranking"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the public ranking lacks %q", want)
		}
	}
	if strings.Contains(page, "echarts") {
		t.Error("the public ranking loads the chart library")
	}
}
