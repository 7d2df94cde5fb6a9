package network_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// services are the network and what it stands on, over a bare database
// (no demo): what a province has before it imports anything.
type services struct {
	org   *org.Service
	ppl   *people.Service
	net   *network.Service
	admin *auth.Actor
}

func newServices(t *testing.T, d *db.DB) *services {
	t.Helper()
	now := func() time.Time { return apptest.Now }
	log := &audit.Log{Now: now}
	o := org.NewService(d, log, now)
	root, err := o.EnsureRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f := &files.Store{DB: d, Org: o, Audit: log, Now: now}
	return &services{org: o, ppl: people.NewService(d, o, log, f, now), net: network.NewService(d, o, log, f, now),
		admin: auth.SystemActor("test", root)}
}

// The example, from imported data: Bình Định at the end of October
// 2022 had community teams in 159 of its 159 communes, in 1,116 villages,
// with 4,353 members. A province with that tree (11 districts, 159
// communes, their villages) imports its villages, teams and members from
// spreadsheets, and the coverage as of 31/10/2022 says exactly that; a
// month earlier, fewer.
func TestBinhDinhOctober2022(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 4,353 members")
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s := newServices(t, d)
		listed := day.Of(2022, 1, 1)
		var units strings.Builder
		units.WriteString("code,name,level,parent_code\n52,Tỉnh Bình Định,province,\n")
		var villages strings.Builder
		villages.WriteString("Mã xã,Tên thôn tổ dân phố\n")
		var communes []string
		for dist := 0; dist < 11; dist++ {
			fmt.Fprintf(&units, "%d,Huyện Thử %d,district,52\n", 540+dist, dist+1)
		}
		for c := 0; c < 159; c++ {
			code := fmt.Sprintf("21%03d", c)
			communes = append(communes, code)
			fmt.Fprintf(&units, "%s,Xã Thử %d,commune,%d\n", code, c+1, 540+c%11)
			// 1,140 villages: seven a commune, eight in 27 of them
			n := 7
			if c < 27 {
				n = 8
			}
			for v := 1; v <= n; v++ {
				fmt.Fprintf(&villages, "%s,Thôn %d\n", code, v)
			}
		}
		if _, err := s.org.ImportList(ctx, s.admin, strings.NewReader(units.String()), "units.csv", org.Change{Effective: listed, LegalBasis: "Danh mục 2022"}); err != nil {
			t.Fatal(err)
		}
		res, err := s.net.ImportVillages(ctx, s.admin, strings.NewReader(villages.String()), "thon.csv", network.VillageImport{Effective: listed})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1140 {
			t.Fatalf("villages created: %d", res.Created)
		}
		// 1,116 teams: every village but 24 (the eighth of 24 communes),
		// set up between August and late October
		var teams, members strings.Builder
		teams.WriteString("Xã phường,Thôn tổ dân phố,Số quyết định,Ngày quyết định\n")
		members.WriteString("Xã phường,Thôn tổ dân phố,Họ và tên,Vai trò trong tổ,Thành phần,Ngày tham gia\n")
		n, people := 0, 0
		for c, code := range communes {
			last := 7
			if c < 27 {
				last = 8
			}
			if c < 24 {
				last = 7 // no team in the eighth village yet
			}
			for v := 1; v <= last; v++ {
				est := day.Of(2022, 8, 1).AddDays(n % 85)
				n++
				fmt.Fprintf(&teams, "%s,Thôn %d,%d/QĐ-UBND,%s\n", code, v, n, est.VN())
				size := 4
				if n%10 == 0 && people+3 < 4353 {
					size = 3
				}
				for m := 0; m < size; m++ {
					role, affil := "member", "volunteer"
					if m == 0 {
						role, affil = "leader", "village_head"
					}
					fmt.Fprintf(&members, "%s,Thôn %d,Thành viên %d-%d,%s,%s,%s\n", code, v, n, m, role, affil, est.VN())
					people++
				}
			}
		}
		if n != 1116 {
			t.Fatalf("planned %d teams", n)
		}
		// the plan above gives 4,353 members only if exactly 111 teams have 3
		if people != 4353 {
			t.Fatalf("planned %d members", people)
		}
		asOf := day.Of(2022, 10, 31)
		if r, err := s.net.ImportTeams(ctx, s.admin, strings.NewReader(teams.String()), "to.csv", asOf); err != nil || r.Created != 1116 {
			t.Fatalf("teams: %+v %v", r, err)
		}
		if r, err := s.net.ImportMembers(ctx, s.admin, strings.NewReader(members.String()), "thanh-vien.csv", asOf); err != nil || r.Created != 4353 || r.People != 4353 {
			t.Fatalf("members: %+v %v", r, err)
		}
		snap, err := s.org.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		province := snap.FindByCode(org.LevelProvince, "52", asOf)
		c, err := s.net.Coverage(ctx, s.admin, province.UnitID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		got := c.Total
		if got.Communes != 159 || got.CommunesCovered != 159 || got.VillagesCovered != 1116 || got.Villages != 1140 || got.Teams != 1116 || got.Members != 4353 {
			t.Fatalf("Bình Định, 31/10/2022: %+v", got)
		}
		if len(c.Rows) != 11 {
			t.Errorf("%d districts", len(c.Rows))
		}
		// a month before, the teams set up in October were not there yet
		early, err := s.net.Coverage(ctx, s.admin, province.UnitID, day.Of(2022, 9, 30))
		if err != nil {
			t.Fatal(err)
		}
		if early.Total.Teams >= 1116 || early.Total.Teams == 0 || early.Total.Members >= 4353 {
			t.Errorf("30/09/2022: %+v", early.Total)
		}
		// importing the same files again changes nothing
		if r, err := s.net.ImportTeams(ctx, s.admin, strings.NewReader(teams.String()), "to.csv", asOf); err != nil || r.Created != 0 || r.Existing != 1116 {
			t.Fatalf("teams again: %+v %v", r, err)
		}
		if r, err := s.net.ImportMembers(ctx, s.admin, strings.NewReader(members.String()), "thanh-vien.csv", asOf); err != nil || r.Created != 0 || r.Existing != 4353 {
			t.Fatalf("members again: %+v %v", r, err)
		}
	})
}
