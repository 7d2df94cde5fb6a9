package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// The demo's DX network has the shape Bình Định reported in October 2022
// (teams in 159 of 159 communes, in 1,116 villages, 4,353 members: nearly
// every village, four members a team), carried into the new Gia Lai: the
// province re-listed its villages after the 2025 reorganisation and the
// commune chairs re-issued their teams' decisions. The teams log what they
// do (guiding residents through online public services, VNeID, cashless
// payment…) every few weeks; a few have gone quiet, a few are suspended;
// about half the members were trained this year. It goes through the same
// importers a province would use.

var (
	highlandVillages = []string{"Làng Plei Ơi", "Làng Chuét", "Plei Bông", "Làng Kép", "Làng Bía", "Plei Kơ Tu", "Làng Mới", "Plei Rơ Ngheo",
		"Làng Ia Mơr", "Buôn Ma Lăng", "Làng Đê Kôn", "Plei Ngol", "Làng Kon Jri", "Làng Tơ Drăh", "Plei Thơh Ga", "Làng Ia Lang"}
	coastVillages = []string{"Thôn Phú Mỹ", "Thôn Vĩnh Thạnh", "Thôn Mỹ Hòa", "Thôn An Lợi", "Thôn Tân Thuận", "Thôn Xuân Phong", "Thôn Hòa Hội",
		"Thôn Lương Bình", "Thôn Đông Lâm", "Thôn Tây Phú", "Thôn Nhân Ân", "Thôn Thanh Long"}
	places = []string{"Nhà văn hóa %s", "Nhà văn hóa %s", "Sân nhà văn hóa %s", "Điểm bưu điện văn hóa xã", "Trụ sở UBND xã", "Chợ xã", "Trường tiểu học %s"}
	// kind weights: online public services and VNeID most, as the teams report
	kindWeights = []int{34, 26, 12, 6, 12, 10, 0}
)

// NetworkTraining is the course the demo's members take in a year (the
// year the demo is started).
func NetworkTraining(year int) string {
	return fmt.Sprintf("Bồi dưỡng kỹ năng số cho thành viên Tổ công nghệ số cộng đồng năm %d", year)
}

type netSeeder struct {
	ctx   context.Context
	net   *network.Service
	ppl   *people.Service
	admin *auth.Actor
	rnd   *rand.Rand
	names *peopleSeeder
	today day.Day
}

// SeedNetwork lists the villages of the new Gia Lai's communes, sets up a
// team in most of them, with members, training and months of activities.
func SeedNetwork(ctx context.Context, orgs *org.Service, ppl *people.Service, net *network.Service, admin *auth.Actor) error {
	rnd := rand.New(rand.NewPCG(2022, 1116))
	s := &netSeeder{ctx: ctx, net: net, ppl: ppl, admin: admin, rnd: rnd, today: orgs.Today(),
		names: &peopleSeeder{rnd: rand.New(rand.NewPCG(4353, 159))}}
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return err
	}
	province := snap.FindByCode(org.LevelProvince, "52", Reorg)
	if province == nil {
		return fmt.Errorf("demo network: no new Gia Lai")
	}
	var communes []*org.Version
	for _, c := range snap.Children(province.UnitID, Reorg) {
		if c.Level == org.LevelCommune {
			communes = append(communes, c)
		}
	}
	// 1. the villages, one list for the province, in force from the reorganisation
	var list strings.Builder
	list.WriteString("Mã xã,Tên thôn tổ dân phố,Loại\n")
	for _, c := range communes {
		for _, v := range s.villageNames(c) {
			fmt.Fprintf(&list, "%s,%s,\n", c.Code, v)
		}
	}
	if _, err := net.ImportVillages(ctx, admin, strings.NewReader(list.String()), "thon.csv",
		network.VillageImport{Effective: Reorg, LegalBasis: "Quyết định của UBND tỉnh về thôn, tổ dân phố sau sắp xếp"}); err != nil {
		return fmt.Errorf("demo villages: %w", err)
	}
	if snap, err = orgs.Snapshot(ctx); err != nil {
		return err
	}
	// 2. the teams: every commune has some, 92 % of villages have one;
	// Phường Pleiku keeps two villages without a team (to set one up)
	var teams strings.Builder
	teams.WriteString("Mã thôn/xã,Số quyết định,Ngày quyết định,Người ký,Ngày thành lập\n")
	type planned struct {
		village *org.Version
		est     day.Day
	}
	var plan []planned
	for ci, c := range communes {
		chair, _ := s.names.name()
		villages := snap.Children(c.UnitID, Reorg)
		for vi, v := range villages {
			skip := s.rnd.IntN(100) < 8 && vi > 0
			if strings.Contains(c.Name, "Pleiku") && vi >= len(villages)-2 {
				skip = true
			}
			if skip {
				continue
			}
			est := Reorg.AddDays(14 + ci%40 + s.rnd.IntN(20))
			if s.rnd.IntN(20) == 0 {
				est = est.AddDays(120 + s.rnd.IntN(120)) // set up later
			}
			if est.After(s.today.AddDays(-1)) {
				est = s.today.AddDays(-1)
			}
			plan = append(plan, planned{v, est})
			fmt.Fprintf(&teams, "%s,%d/QĐ-UBND,%s,%s,%s\n", network.UnitCode(v), 100+ci%50+vi, est.VN(), "Chủ tịch UBND xã "+chair, est.VN())
		}
	}
	if _, err := net.ImportTeams(ctx, admin, strings.NewReader(teams.String()), "to.csv", s.today); err != nil {
		return fmt.Errorf("demo teams: %w", err)
	}
	// 3. their members: three to six each, four on average
	var members strings.Builder
	members.WriteString("Mã thôn/xã,Họ và tên,Giới tính,Năm sinh,Điện thoại,Vai trò trong tổ,Thành phần,Ngày tham gia\n")
	for _, p := range plan {
		n := 3 + s.rnd.IntN(3)
		if s.rnd.IntN(6) == 0 {
			n = 6
		}
		affils := []network.Affiliation{network.Police, network.YouthUnion, network.WomenUnion, network.Veterans, network.PostOffice,
			network.Telecom, network.Volunteer}
		s.rnd.Shuffle(len(affils), func(i, j int) { affils[i], affils[j] = affils[j], affils[i] })
		for i := 0; i < n; i++ {
			role, affil := network.Member, affils[i%len(affils)]
			switch i {
			case 0:
				role, affil = network.Leader, network.VillageHead
			case 1:
				role = network.Deputy
			}
			name, gender := s.names.name()
			if affil == network.WomenUnion { // the women's union sends a woman
				name, gender = s.names.nameFor(Female), Female
			}
			fmt.Fprintf(&members, "%s,%s,%s,%d,09%08d,%s,%s,%s\n", network.UnitCode(p.village), name, map[string]string{Male: "Nam", Female: "Nữ"}[gender], 1965+s.rnd.IntN(40),
				s.rnd.IntN(100000000), role, affil, p.est.VN())
		}
	}
	if _, err := net.ImportMembers(ctx, admin, strings.NewReader(members.String()), "thanh-vien.csv", s.today); err != nil {
		return fmt.Errorf("demo members: %w", err)
	}
	list2, err := net.ListTeams(ctx, admin, network.TeamFilter{UnitID: province.UnitID, AsOf: s.today, Limit: 1000})
	if err != nil {
		return err
	}
	all := list2.Teams
	for off := len(all); off < list2.Total; off = len(all) {
		more, err := net.ListTeams(ctx, admin, network.TeamFilter{UnitID: province.UnitID, AsOf: s.today, Limit: 1000, Offset: off})
		if err != nil {
			return err
		}
		all = append(all, more.Teams...)
	}
	// 4. life goes on: a few teams suspended, a member who moved away
	// replaced, a leader handing over
	quiet := map[int64]bool{}
	for i, t := range all {
		switch {
		case i%45 == 17:
			if err := net.SetStatus(ctx, admin, t.ID, network.StatusInput{Status: network.Suspended, Date: s.today.AddDays(-50 - i%30),
				Note: "Tổ trưởng chuyển công tác, chờ kiện toàn"}); err != nil {
				return fmt.Errorf("demo suspend: %w", err)
			}
		case i%12 == 5:
			quiet[t.ID] = true // no activity for months
		case i%30 == 9:
			if err := s.replaceMember(t); err != nil {
				return err
			}
		}
	}
	// 5. training: the province's course for team members, half of them done
	if err := s.training(province, all); err != nil {
		return err
	}
	// 6. months of activities
	var acts []network.ActivityInput
	for i, t := range all {
		if i%45 == 17 {
			continue // suspended: the activities before are enough
		}
		acts = append(acts, s.activities(t, quiet[t.ID])...)
	}
	if _, err := net.LogActivities(ctx, admin, acts); err != nil {
		return fmt.Errorf("demo activities: %w", err)
	}
	return s.orgs(province, communes)
}

// villageNames are the villages of a commune: residential groups in a
// ward, villages (with Jrai and Bahnar names in the highlands) elsewhere.
func (s *netSeeder) villageNames(c *org.Version) []string {
	n := 7 + s.rnd.IntN(7)
	var out []string
	switch {
	case c.Kind == "Phường":
		for i := 1; i <= n; i++ {
			out = append(out, fmt.Sprintf("Tổ dân phố %d", i))
		}
	case c.Code >= "23":
		names := append([]string(nil), highlandVillages...)
		s.rnd.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		for i := 0; i < n; i++ {
			if i < n/2 {
				out = append(out, names[i])
			} else {
				out = append(out, fmt.Sprintf("Thôn %d", i-n/2+1))
			}
		}
	default:
		names := append([]string(nil), coastVillages...)
		s.rnd.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		out = append(out, names[:min(n, len(names))]...)
	}
	return out
}

func (s *netSeeder) replaceMember(t network.TeamRow) error {
	v, err := s.net.GetTeam(s.ctx, s.admin, t.ID, s.today)
	if err != nil {
		return err
	}
	for _, m := range v.Members {
		if m.Current && m.Role == network.Member {
			left := s.today.AddDays(-90)
			if !left.After(m.From) {
				return nil
			}
			if err := s.net.EndMember(s.ctx, s.admin, m.ID, network.EndInput{Date: left, Note: "Chuyển đi nơi khác"}); err != nil {
				return fmt.Errorf("demo member leaves: %w", err)
			}
			name, gender := s.names.name()
			_, err := s.net.AddMember(s.ctx, s.admin, t.ID, network.MemberInput{FullName: name, Gender: gender, Role: network.Member,
				Affiliation: network.Volunteer, Phone: fmt.Sprintf("09%08d", s.rnd.IntN(100000000)), From: left.AddDays(10)})
			if err != nil {
				return fmt.Errorf("demo member joins: %w", err)
			}
			return nil
		}
	}
	return nil
}

// training enrols about 60 % of the members on the province's course and
// records three in four of them as having completed it, through the people
// feature's spreadsheet import (one transaction, as a province would).
func (s *netSeeder) training(province *org.Version, teams []network.TeamRow) error {
	year := s.today.Year()
	start := day.Of(year, 4, 15)
	if s.today.Before(start) {
		return nil
	}
	if _, err := s.ppl.CreateCourse(s.ctx, s.admin, people.CourseInput{Title: NetworkTraining(year), Provider: "Sở Khoa học và Công nghệ",
		Platform: "OneTouch", Format: "blended", Start: start, End: day.Of(year, 11, 30), Hours: 16, OrganiserID: province.UnitID}); err != nil {
		return fmt.Errorf("demo network course: %w", err)
	}
	var sheet strings.Builder
	sheet.WriteString("full_name,birth_year,unit,course,course_status,completed_on\n")
	last := s.today.AddDays(-3)
	n := 0
	for _, t := range teams {
		v, err := s.net.GetTeam(s.ctx, s.admin, t.ID, s.today)
		if err != nil {
			return err
		}
		for _, m := range v.Members {
			if !m.Current || s.rnd.IntN(100) >= 60 {
				continue
			}
			status, done := "enrolled", ""
			if n++; n%4 != 0 {
				d := start.AddDays(20 + s.rnd.IntN(150))
				if d.After(last) {
					d = last
				}
				status, done = "completed", d.String()
			}
			fmt.Fprintf(&sheet, "%s,%d,#%d,%s,%s,%s\n", m.Name, m.BirthYear, t.UnitID, NetworkTraining(year), status, done)
		}
	}
	if _, err := s.ppl.ImportSheet(s.ctx, s.admin, strings.NewReader(sheet.String()), "boi-duong.csv", s.today, false); err != nil {
		return fmt.Errorf("demo network training: %w", err)
	}
	return nil
}

// activities are a team's records from its start (or ten months ago) to
// yesterday, every eight to twenty days; a quiet team stopped three to
// five months ago.
func (s *netSeeder) activities(t network.TeamRow, quiet bool) []network.ActivityInput {
	from := t.Established
	if early := s.today.AddDays(-300); from.Before(early) {
		from = early
	}
	until := s.today.AddDays(-1)
	if quiet {
		until = s.today.AddDays(-90 - s.rnd.IntN(60))
	}
	village := strings.TrimPrefix(strings.TrimPrefix(t.Unit, "Thôn "), "Làng ")
	var out []network.ActivityInput
	for d := from.AddDays(3 + s.rnd.IntN(10)); !d.After(until); d = d.AddDays(8 + s.rnd.IntN(13)) {
		k := s.kind()
		helped := 4 + s.rnd.IntN(25)
		if k == network.Training || k == network.Awareness {
			helped = 15 + s.rnd.IntN(60)
		}
		place := places[s.rnd.IntN(len(places))]
		if strings.Contains(place, "%s") {
			place = fmt.Sprintf(place, village)
		}
		out = append(out, network.ActivityInput{TeamID: t.ID, Date: d, Kind: k, Place: place, PeopleHelped: helped})
	}
	return out
}

func (s *netSeeder) kind() network.Kind {
	total := 0
	for _, w := range kindWeights {
		total += w
	}
	n := s.rnd.IntN(total)
	for i, w := range kindWeights {
		if n < w {
			return network.Kinds[i]
		}
		n -= w
	}
	return network.PublicServices
}

// orgs are the companies and institutions of the province's network.
func (s *netSeeder) orgs(province *org.Version, communes []*org.Version) error {
	pick := func(n int) []int64 {
		var ids []int64
		for i, c := range communes {
			if i%n == 0 {
				ids = append(ids, c.UnitID)
			}
		}
		return ids
	}
	for _, o := range []network.OrgInput{
		{Name: "Viettel Gia Lai", Kind: network.OrgTelecom, Contribution: "Hỗ trợ chuyển đổi thuê bao 2G sang 4G, tặng điện thoại thông minh cho hộ nghèo, cử nhân viên cùng tổ hướng dẫn cài đặt ứng dụng"},
		{Name: "VNPT Gia Lai", Kind: network.OrgTelecom, Contribution: "Tập huấn sử dụng Cổng Dịch vụ công quốc gia và chữ ký số cá nhân cho thành viên tổ", AreaIDs: pick(2)},
		{Name: "MobiFone Khu vực Tây Nguyên", Kind: network.OrgTelecom, Contribution: "Phủ sóng các làng vùng sâu, hỗ trợ sim và gói cước cho thành viên tổ", AreaIDs: pick(3)},
		{Name: "Bưu điện tỉnh Gia Lai", Kind: network.OrgPost, Contribution: "Điểm bưu điện văn hóa xã hướng dẫn nộp hồ sơ trực tuyến, tiếp nhận và trả kết quả thủ tục hành chính"},
		{Name: "Agribank Chi nhánh Gia Lai", Kind: network.OrgBank, Contribution: "Mở tài khoản, hướng dẫn thanh toán không dùng tiền mặt tại chợ và trường học", AreaIDs: pick(4)},
		{Name: "Tỉnh đoàn Gia Lai", Kind: network.OrgAssociation, Contribution: "Đoàn viên tình nguyện tham gia các tổ, chiến dịch \"Bình dân học vụ số\""},
	} {
		o.UnitID, o.From = province.UnitID, Reorg.AddDays(30)
		if _, err := s.net.CreateOrg(s.ctx, s.admin, o); err != nil {
			return fmt.Errorf("demo network organisation %s: %w", o.Name, err)
		}
	}
	return nil
}
