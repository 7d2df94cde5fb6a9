package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// The demo's people are made up from common Vietnamese name parts and some
// Jrai and Bahnar names of the Central Highlands, with a fixed seed so every
// demo shows the same province. A name is drawn for a gender, because a
// Vietnamese name says it: Thị is a woman's middle name and Văn a man's,
// Lan, Hoa, Hương are women's given names and Hùng, Dũng, Tuấn men's; in
// Jrai and Ede names H' begins a woman's given name.
var (
	familyNames   = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	maleMiddle    = []string{"Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Xuân", "Công", "Đình"}
	femaleMiddle  = []string{"Thị", "Thị", "Thu", "Ngọc", "Kim", "Thanh", "Xuân", "Hoài", "Mỹ", "Bích"}
	maleGiven     = []string{"An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Thành", "Trung", "Tuấn", "Đạt", "Huy"}
	femaleGiven   = []string{"Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo", "Trang", "Vy", "Yến", "Dung", "Loan"}
	highlandMen   = []string{"Rơ Mah Tuấn", "Đinh Văn Hyưn", "Kpă Thuyên", "Rah Lan Chung", "Siu Blơng", "Ksor Phun"}
	highlandWomen = []string{"Rơ Châm H'Yên", "Puih H'Bia", "Siu H'Nhung", "Ksor H'Lan", "Rơ Mah H'Bla"}
)

// Genders, as the people feature stores them.
const (
	Male   = "male"
	Female = "female"
)

// CommitteeDate is when the new province's committees were set up after
// the reorganisation. The training courses run in the year the demo is
// started, so "trained this year" has something to count on any day.
var CommitteeDate = day.Of(2025, 7, 15)

type peopleSeeder struct {
	ctx   context.Context
	ppl   *people.Service
	admin *auth.Actor
	rnd   *rand.Rand
}

// name draws a person: a gender, then a name that says it.
func (s *peopleSeeder) name() (name, gender string) {
	gender = Male
	if s.rnd.IntN(2) == 0 {
		gender = Female
	}
	return s.nameFor(gender), gender
}

// nameFor draws a name for a gender.
func (s *peopleSeeder) nameFor(gender string) string {
	pick := func(l []string) string { return l[s.rnd.IntN(len(l))] }
	if s.rnd.IntN(6) == 0 {
		if gender == Female {
			return pick(highlandWomen)
		}
		return pick(highlandMen)
	}
	if gender == Female {
		return pick(familyNames) + " " + pick(femaleMiddle) + " " + pick(femaleGiven)
	}
	return pick(familyNames) + " " + pick(maleMiddle) + " " + pick(maleGiven)
}

func (s *peopleSeeder) person(unit int64, since day.Day, title string, it bool) (*people.Person, error) {
	name, gender := s.name()
	in := people.PersonInput{FullName: name, Gender: gender, Title: title, UnitID: unit, Since: since, Employment: people.CivilServant,
		QualLevel: people.QualBachelor, QualField: "Hành chính", QualIT: it,
		Phone: fmt.Sprintf("09%08d", s.rnd.IntN(100000000)), BirthYear: 1970 + s.rnd.IntN(30)}
	if it {
		in.QualField = "Công nghệ thông tin"
	}
	return s.ppl.CreatePerson(s.ctx, s.admin, in)
}

func (s *peopleSeeder) role(unit, person int64, r people.RoleKind, m people.Mode, from day.Day, decision string) error {
	_, err := s.ppl.AssignRole(s.ctx, s.admin, people.RoleInput{UnitID: unit, PersonID: person, Role: r, Mode: m, From: from, Decision: decision})
	return err
}

// seedPeople gives the demo province a realistic DX apparatus: the
// situation Gia Lai's plan 687/KH-UBND describes, carried through the 2025
// reorganisation — most departments compliant, two with only concurrent
// staff, one without a focal person; most communes with a concurrent focal
// person from the office, some with nobody, a few vacancies; a training
// year half done.
func seedPeople(ctx context.Context, snap *org.Snapshot, ppl *people.Service, admin *auth.Actor, oldProvinces []*org.Version, province *org.Version, now day.Day) error {
	year := now.Year()
	s := &peopleSeeder{ctx: ctx, ppl: ppl, admin: admin, rnd: rand.New(rand.NewPCG(1690, 687))}
	// Before: each district's culture and information office had one IT
	// civil servant, and three districts could not recruit one.
	var districts []*org.Version
	for _, p := range oldProvinces {
		districts = append(districts, snap.Children(p.UnitID, Baseline)...)
	}
	for _, d := range districts {
		if d.Level != org.LevelDistrict {
			continue
		}
		vacant := strings.Contains(d.Name, "Ia Pa") || strings.Contains(d.Name, "Kông Chro") || strings.Contains(d.Name, "Phú Thiện")
		var pid int64
		if !vacant {
			p, err := s.person(d.UnitID, Baseline, "Công chức Phòng Văn hóa và Thông tin", true)
			if err != nil {
				return err
			}
			pid = p.ID
		}
		if err := s.role(d.UnitID, pid, people.RoleStaff, people.Dedicated, Baseline, "Biên chế 2024"); err != nil {
			return err
		}
	}
	today := Reorg.AddDays(14)
	// The province: committee, specialised unit, a leader.
	chair, err := s.person(province.UnitID, Reorg, "Chủ tịch UBND tỉnh", false)
	if err != nil {
		return err
	}
	director, err := s.person(province.UnitID, Reorg, "Giám đốc Sở Khoa học và Công nghệ", true)
	if err != nil {
		return err
	}
	com, err := ppl.CreateCommittee(ctx, admin, people.CommitteeInput{UnitID: province.UnitID, Name: "Ban Chỉ đạo Chuyển đổi số tỉnh Gia Lai",
		DecisionNumber: "1234/QĐ-UBND", DecisionDate: CommitteeDate, Signer: chair.FullName})
	if err != nil {
		return err
	}
	for _, m := range []struct {
		p    int64
		role people.MemberRole
	}{{chair.ID, people.MemberHead}, {director.ID, people.MemberDeputy}} {
		if _, err := ppl.AddMember(ctx, admin, com.ID, people.MemberInput{PersonID: m.p, Role: m.role}); err != nil {
			return err
		}
	}
	if err := s.role(province.UnitID, director.ID, people.RoleLeader, people.Concurrent, Reorg, "1234/QĐ-UBND"); err != nil {
		return err
	}
	var departments, communes []*org.Version
	for _, c := range snap.Children(province.UnitID, today) {
		switch c.Level {
		case org.LevelAgency:
			departments = append(departments, c)
		case org.LevelCommune:
			communes = append(communes, c)
		}
	}
	for _, d := range departments {
		for _, c := range snap.Children(d.UnitID, today) {
			if strings.HasPrefix(c.Name, "Trung tâm Công nghệ thông tin") {
				if _, err := ppl.SetFocalUnit(ctx, admin, people.FocalUnitInput{UnitID: province.UnitID, HolderUnitID: c.UnitID,
					Kind: people.Specialised, From: Reorg, Decision: "Quyết định tổ chức lại Trung tâm"}); err != nil {
					return err
				}
			}
		}
	}
	var deptStaff []int64
	// Departments: a committee and a focal person each, except the last,
	// which has neither; two have only concurrent staff. The focal persons
	// were appointed before the reorganisation (the departments carried on
	// through it); the committees were set up after it.
	for i, d := range departments {
		if i == len(departments)-1 {
			continue
		}
		if _, err := ppl.CreateCommittee(ctx, admin, people.CommitteeInput{UnitID: d.UnitID, Name: "Ban Chỉ đạo Chuyển đổi số " + d.Name,
			DecisionNumber: fmt.Sprintf("%d/QĐ-%s", 40+i, abbreviation(d.Name)), DecisionDate: CommitteeDate.AddDays(i)}); err != nil {
			return err
		}
		mode := people.Concurrent // "no increase in headcount": the DX work is added to existing posts
		if i == 0 {
			mode = people.Dedicated
		}
		p, err := s.person(d.UnitID, Baseline, "Chuyên viên Văn phòng", mode == people.Dedicated)
		if err != nil {
			return err
		}
		if err := s.role(d.UnitID, p.ID, people.RoleFocal, mode, Baseline, ""); err != nil {
			return err
		}
		deptStaff = append(deptStaff, p.ID)
		if _, err := ppl.SetFocalUnit(ctx, admin, people.FocalUnitInput{UnitID: d.UnitID, HolderName: "Văn phòng " + strings.TrimPrefix(d.Name, "Sở "),
			Kind: people.FocalPart, From: Reorg}); err != nil {
			return err
		}
	}
	// Communes: one in eight has nobody yet, one in ten has a dedicated
	// position still vacant, the rest a concurrent focal person from the
	// office (a few dedicated), and most have their committee.
	var staff []int64
	for i, c := range communes {
		if i%8 == 5 {
			continue
		}
		if i%7 != 3 {
			if _, err := ppl.CreateCommittee(ctx, admin, people.CommitteeInput{UnitID: c.UnitID, Name: "Ban Chỉ đạo Chuyển đổi số " + c.Name,
				DecisionNumber: fmt.Sprintf("%d/QĐ-UBND", 10+i%90), DecisionDate: CommitteeDate.AddDays(i % 30)}); err != nil {
				return err
			}
		}
		if i%15 == 2 {
			if err := s.role(c.UnitID, 0, people.RoleStaff, people.Dedicated, Reorg, "Chỉ tiêu biên chế 2025"); err != nil {
				return err
			}
		}
		mode, title := people.Concurrent, "Công chức Văn phòng - Thống kê"
		if i%9 == 0 {
			mode, title = people.Dedicated, "Công chức Văn hóa - Xã hội (phụ trách CĐS)"
		}
		p, err := s.person(c.UnitID, Reorg, title, mode == people.Dedicated)
		if err != nil {
			return err
		}
		if err := s.role(c.UnitID, p.ID, people.RoleFocal, mode, Reorg, ""); err != nil {
			return err
		}
		staff = append(staff, p.ID)
	}
	// The training year, under way: the departments' course nearly
	// complete, the communes' halfway — as far as the year has gone (a
	// completion is never dated after the day the demo starts).
	done := func(d day.Day) bool { return d.Before(now) }
	deptCourse, err := ppl.CreateCourse(ctx, admin, people.CourseInput{Title: fmt.Sprintf("Bồi dưỡng kiến thức, kỹ năng bảo đảm an toàn thông tin năm %d", year),
		Provider: "Trung tâm Công nghệ thông tin và Truyền thông", Platform: "OneTouch", Format: "blended", Start: day.Of(year, 4, 1),
		End: day.Of(year, 9, 30), Hours: 24, OrganiserID: province.UnitID})
	if err != nil {
		return err
	}
	if _, err := ppl.Enrol(ctx, admin, deptCourse.ID, deptStaff); err != nil {
		return err
	}
	deptView, err := ppl.GetCourse(ctx, admin, deptCourse.ID)
	if err != nil {
		return err
	}
	for i, p := range deptView.Participants {
		if on := day.Of(year, 9, 20+i%8); i < len(deptView.Participants)-1 && done(on) {
			if err := ppl.Complete(ctx, admin, p.ID, people.Completed, on, nil); err != nil {
				return err
			}
		}
	}
	course, err := ppl.CreateCourse(ctx, admin, people.CourseInput{Title: fmt.Sprintf("Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ cấp xã năm %d", year),
		Provider: "Sở Khoa học và Công nghệ", Platform: "OneTouch", Format: "online", Start: day.Of(year, 3, 1),
		End: day.Of(year, 12, 15), Hours: 40, OrganiserID: province.UnitID})
	if err != nil {
		return err
	}
	if _, err := ppl.Enrol(ctx, admin, course.ID, staff); err != nil {
		return err
	}
	view, err := ppl.GetCourse(ctx, admin, course.ID)
	if err != nil {
		return err
	}
	for i, p := range view.Participants {
		if on := day.Of(year, time.Month(6+i%5), 10+i%15); i%2 == 0 && done(on) {
			if err := ppl.Complete(ctx, admin, p.ID, people.Completed, on, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// abbreviation makes the symbol of a department's decisions: "Sở Nội vụ" → "SNV".
func abbreviation(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if len(r) > 0 && strings.ToUpper(string(r[0])) == string(r[0]) {
			b.WriteString(string(r[0]))
		}
	}
	return b.String()
}
