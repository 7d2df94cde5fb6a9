package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
)

// TestCommunityTeamOnPhone is issue 4's "done when", in a phone-sized
// browser: the focal person of Phường Pleiku sets up a community digital
// technology team in a village that has none and adds its members; the
// team leader, signed in on the phone, logs what the team did on the light
// activity page (no htmx, a few kilobytes); and the province's coverage
// page, seen by the coordinator, counts one more village covered, one more
// team, four more members and one more activity.
func TestCommunityTeamOnPhone(t *testing.T) {
	s := apptest.StartSQLite(t)
	ctx := context.Background()
	vi := s.Catalog.Printer("vi")
	today := s.Org.Today()
	pleiku, province := s.UnitNamed(t, "Phường Pleiku"), s.UnitNamed(t, "Tỉnh Gia Lai")
	coord := s.User(t, "gialai").Actor()
	before, err := s.Network.Coverage(ctx, coord, province.UnitID, today)
	if err != nil {
		t.Fatal(err)
	}
	village := villageWithoutTeam(t, s, pleiku.UnitID)

	b := startBrowser(t, s.URL)
	login := func(who, password string) {
		b.open("/login")
		b.fill(`input[name=login]`, who)
		b.fill(`input[name=password]`, password)
		b.click(`form[action="/login"] button`)
	}
	logout := func() {
		b.open("/network")
		b.click(`form[action="/logout"] button`)
	}

	// The commune's focal person opens the network from the menu: the
	// coverage of the ward, village by village.
	login("pleiku", demo.Password)
	b.clickLink("nav.menu", vi.T("nav.network"))
	b.wantText("main h1", vi.T("network.title"))
	b.wantAmong("table.cover a", village.Name)
	b.screenshot("network-commune")

	// A team in the village without one, by the chair's decision.
	b.clickLink("main .actions", vi.T("network.new_team"))
	b.choose(`select[name=unit_id]`, strconv.FormatInt(village.UnitID, 10))
	b.fill(`input[name=decision_number]`, "45/QĐ-UBND")
	b.fillDate(`input[name=decision_date]`, "10/11/2026")
	b.fill(`input[name=decision_signer]`, "Nguyễn Văn Bình")
	b.screenshot("team-new")
	b.click(`form[action="/network/teams"] button.primary`)
	b.wantText(".flash", vi.T("network.team_created"))
	b.wantText("main h1", network.TeamPrefix+" "+village.Name)
	b.wantText("#team-status", vi.T("teamstatus.active"))

	// Its members: the village head leads it; the police, the youth union
	// and the post office take part.
	members := []struct{ name, role, affil, phone string }{
		{"Rơ Châm Hyang", "leader", "village_head", "0905111222"},
		{"Ksor Y Nhí", "deputy", "police", "0914222333"},
		{"Nguyễn Thị Thu", "member", "youth_union", ""},
		{"Trần Văn Bưu", "member", "post_office", "0987333444"},
	}
	for i, m := range members {
		if i > 0 {
			b.eval(`(document.getElementById("add-member").open = true, "")`)
		}
		b.fill(`#add-member input[name=full_name]`, m.name)
		b.choose(`#add-member select[name=role]`, m.role)
		b.choose(`#add-member select[name=affiliation]`, m.affil)
		if m.phone != "" {
			b.fill(`#add-member input[name=phone]`, m.phone)
		}
		b.click(`#add-member button.primary`)
		b.wantText(".flash", vi.T("network.member_added"))
	}
	b.wantText("#member-count", "4")
	b.wantAmong("#members table a", "Rơ Châm Hyang")
	b.screenshot("team-members")
	logout()

	// The team leader's account, scoped to the village (the province's
	// coordinator makes it on the accounts page; here the operator does).
	if _, err := s.Auth.CreateUser(ctx, s.Admin, auth.UserInput{Login: "totruong", DisplayName: "Rơ Châm Hyang (tổ trưởng)",
		Password: "mật khẩu của tổ trưởng", Role: auth.RoleFocal, ScopeUnitID: village.UnitID, Locale: "vi"}); err != nil {
		t.Fatal(err)
	}

	// On the phone: the leader goes straight to the team's activity page,
	// one light page with no htmx.
	login("totruong", "mật khẩu của tổ trưởng")
	b.open("/network/log")
	b.wantText("main h1", vi.T("network.log_title"))
	b.wantText(".log-team", network.TeamPrefix+" "+village.Name)
	if scripts := b.eval(`Array.from(document.scripts).map(s => s.src).join(" ")`); strings.Contains(scripts, "htmx") {
		t.Fatalf("the activity page loads htmx: %s", scripts)
	}
	if n, _ := strconv.Atoi(b.eval(`String(document.documentElement.outerHTML.length)`)); n == 0 || n > 12000 {
		t.Fatalf("the activity page is %d bytes of HTML", n)
	}
	if w, _ := strconv.ParseFloat(b.eval(`String(document.querySelector("main").getBoundingClientRect().width)`), 64); w < 300 {
		t.Fatalf("the activity page's content is %.0f px wide on a 360 px phone", w)
	}
	if got := b.eval(`document.querySelector("input[name=date]").value`); got != today.VN() {
		t.Fatalf("the date field says %q, want today %s", got, today.VN())
	}
	b.do("choose VNeID", chromedp.Click(chromedp.CSS(`input[name=kind][value=vneid]`)))
	b.fill(`input[name=place]`, "Nhà văn hóa "+village.Name)
	b.fill(`input[name=people_helped]`, "17")
	photo := filepath.Join(t.TempDir(), "kich-hoat-vneid.png")
	if err := os.WriteFile(photo, onePixelPNG, 0o644); err != nil {
		t.Fatal(err)
	}
	b.do("attach the photo", chromedp.SetUploadFiles(`input[name=photo]`, []string{photo}))
	b.screenshot("activity-log")
	b.click(`form.log button.big`)
	b.wantText(".flash", vi.T("network.logged"))
	b.wantText("ul.acts", vi.T("actkind.vneid"))
	b.screenshot("activity-logged")
	logout()

	// The province's coverage page counts it.
	login("gialai", demo.Password)
	b.clickLink("nav.menu", vi.T("nav.network"))
	b.wantText("main h1", vi.T("network.title"))
	want := before.Total
	b.wantText("#stat-villages b", fmt.Sprintf("%s/%s", vi.Int(want.VillagesCovered+1), vi.Int(want.Villages)))
	b.wantText("#stat-teams b", vi.Int(want.Teams+1))
	b.wantText("#stat-members b", vi.Int(want.Members+4))
	b.wantText("#stat-activities b", vi.Int(want.Activities+1))
	b.wantText("#stat-communes b", fmt.Sprintf("%s/%s", vi.Int(want.CommunesCovered), vi.Int(want.Communes)))
	b.screenshot("network-province")
	// and drilling into the ward shows the village covered
	b.clickLink("table.cover", "Phường Pleiku")
	b.wantText("main .facts", "Phường Pleiku")
	row := b.eval(fmt.Sprintf(`Array.from(document.querySelectorAll("table.cover tr")).find(r => r.textContent.includes(%s)).textContent`, jsString(village.Name)))
	if !strings.Contains(row, vi.T("network.has_team")) {
		t.Fatalf("the village's row: %q", row)
	}
	b.screenshot("network-drill")
}

// villageWithoutTeam is a village of the commune that has no team today.
func villageWithoutTeam(t *testing.T, s *apptest.Server, commune int64) *org.Version {
	t.Helper()
	ctx := context.Background()
	today := s.Org.Today()
	list, err := s.Network.ListTeams(ctx, s.Admin, network.TeamFilter{UnitID: commune, AsOf: today, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	has := map[int64]bool{}
	for _, tm := range list.Teams {
		has[tm.UnitID] = true
	}
	snap, err := s.Org.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range snap.Children(commune, today) {
		if v.Level == org.LevelVillage && !has[v.UnitID] {
			return v
		}
	}
	t.Fatal("every village of the commune has a team")
	return nil
}

// onePixelPNG is a photo as small as a photo gets.
var onePixelPNG = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c,
	0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
	0xae, 0x42, 0x60, 0x82}
