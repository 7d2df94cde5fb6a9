package gen

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// PeopleOptions size the people generator.
type PeopleOptions struct {
	DepartmentsPerProvince int // agencies under each province (≈1,000 nationally at 30)
	PerDepartment          int // people with DX roles in each department
	PerCommune             int // people with DX roles in each commune
}

// DefaultPeople is the national scale of issue 3: 34 × 30 departments and
// 3,321 communes, about 150,000 people.
var DefaultPeople = PeopleOptions{DepartmentsPerProvince: 30, PerDepartment: 20, PerCommune: 43}

var departmentNames = []string{"Sở Nội vụ", "Sở Tài chính", "Sở Tư pháp", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
	"Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch",
	"Sở Dân tộc và Tôn giáo", "Văn phòng Ủy ban nhân dân tỉnh", "Thanh tra tỉnh", "Ban Quản lý các khu công nghiệp",
	"Đài Phát thanh và Truyền hình", "Trung tâm Phục vụ hành chính công", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh",
	"Bảo hiểm xã hội tỉnh", "Cục Thuế tỉnh", "Kho bạc Nhà nước khu vực", "Chi cục Thống kê", "Ngân hàng Nhà nước chi nhánh",
	"Trường Chính trị tỉnh", "Liên minh Hợp tác xã", "Hội Nông dân tỉnh", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh",
	"Ủy ban Mặt trận Tổ quốc tỉnh", "Trường Cao đẳng tỉnh", "Bệnh viện Đa khoa tỉnh", "Ban Quản lý dự án đầu tư xây dựng"}

// People makes departments under every province in force on d and people
// with DX roles, committees, focal units and a year of training in every
// department and commune, as of d.
func People(ctx context.Context, d *db.DB, orgs *org.Service, log *audit.Log, actor *auth.Actor, at day.Day, o PeopleOptions) (int, error) {
	snap, err := orgs.Snapshot(ctx)
	if err != nil {
		return 0, err
	}
	var provinces []*org.Version
	for _, v := range snap.Children(snap.RootID, at) {
		if v.Level == org.LevelProvince {
			provinces = append(provinces, v)
		}
	}
	// departments through the importer, one list for the whole country
	var csv strings.Builder
	csv.WriteString("code,name,level,parent_code,kind\n")
	for _, p := range provinces {
		for i := 0; i < o.DepartmentsPerProvince; i++ {
			name := departmentNames[i%len(departmentNames)]
			if i >= len(departmentNames) {
				name = fmt.Sprintf("%s %d", name, i/len(departmentNames)+1)
			}
			fmt.Fprintf(&csv, ",%q,agency,%s,\n", name, p.Code)
		}
	}
	if o.DepartmentsPerProvince > 0 { // none: the departments already there (gen indicators makes some)
		if _, err := orgs.ImportList(ctx, actor, strings.NewReader(csv.String()), "departments.csv", org.Change{Effective: Reorg, LegalBasis: "gen"}); err != nil {
			return 0, fmt.Errorf("departments: %w", err)
		}
	}
	if snap, err = orgs.Snapshot(ctx); err != nil {
		return 0, err
	}
	var units []*org.Version
	snap.Walk(snap.RootID, at, func(v *org.Version) bool {
		if v.Level == org.LevelCommune || (v.Level == org.LevelAgency && snap.At(v.ParentID, at).Level == org.LevelProvince) {
			units = append(units, v)
		}
		return true
	})
	r := rng(1690)
	now := time.Now().UTC()
	year := at.Year()
	people := 0
	// one course per province for the year, organised by the province
	courses := map[int64]int64{}
	err = batch(ctx, d, log, "courses", func(tx *sql.Tx) (int, error) {
		for _, p := range provinces {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO courses (title, title_folded, provider, platform, format, start_date, end_date, hours, organiser_unit_id, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, "Bồi dưỡng kỹ năng số "+p.Name, locale.Fold("Bồi dưỡng kỹ năng số "+p.Name),
				"Sở Khoa học và Công nghệ", "OneTouch", "online", day.Of(year, 2, 1), day.Of(year, 11, 30), 40.0, p.UnitID, now).Scan(&id); err != nil {
				return 0, err
			}
			courses[p.UnitID] = id
		}
		return len(provinces), nil
	})
	if err != nil {
		return 0, err
	}
	province := func(v *org.Version) int64 {
		for _, a := range snap.Ancestors(v.UnitID, at) {
			if a.Level == org.LevelProvince {
				return a.UnitID
			}
		}
		return 0
	}
	const chunk = 400 // units per transaction
	for start := 0; start < len(units); start += chunk {
		part := units[start:min(start+chunk, len(units))]
		err := batch(ctx, d, log, "people", func(tx *sql.Tx) (int, error) {
			ins := func(q string) (*sql.Stmt, error) { return tx.PrepareContext(ctx, q) }
			person, err := ins(`INSERT INTO people (full_name, name_folded, gender, birth_year, title, phone, email, employment, qualification_level,
				qualification_field, qualification_it, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, '', '', 'civil_servant', 'bachelor', $6, $7, $8, $8) RETURNING id`)
			if err != nil {
				return 0, err
			}
			defer person.Close()
			posting, err := ins(`INSERT INTO postings (person_id, unit_id, valid_from, valid_to, kind) VALUES ($1, $2, $3, $4, 'initial')`)
			if err != nil {
				return 0, err
			}
			defer posting.Close()
			role, err := ins(`INSERT INTO dx_roles (unit_id, person_id, role, mode, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6)`)
			if err != nil {
				return 0, err
			}
			defer role.Close()
			enrol, err := ins(`INSERT INTO enrolments (course_id, person_id, status, completed_on) VALUES ($1, $2, $3, $4)`)
			if err != nil {
				return 0, err
			}
			defer enrol.Close()
			n := 0
			for _, u := range part {
				count := o.PerCommune
				if u.Level == org.LevelAgency {
					count = o.PerDepartment
				}
				if r.IntN(10) == 0 {
					count = 0 // one unit in ten has nobody yet
				}
				course := courses[province(u)]
				for i := 0; i < count; i++ {
					name := syntheticName(r)
					var pid int64
					if err := person.QueryRowContext(ctx, name, locale.Fold(name), []string{"male", "female"}[r.IntN(2)], 1965+r.IntN(35),
						"Công chức", "Hành chính", r.IntN(5) == 0, now).Scan(&pid); err != nil {
						return 0, err
					}
					if _, err := posting.ExecContext(ctx, pid, u.UnitID, Reorg, day.Forever); err != nil {
						return 0, err
					}
					kind, mode := "staff", "concurrent"
					if i == 0 {
						kind = "focal"
					}
					if r.IntN(6) == 0 {
						mode = "dedicated"
					}
					if _, err := role.ExecContext(ctx, u.UnitID, pid, kind, mode, Reorg, day.Forever); err != nil {
						return 0, err
					}
					if r.IntN(2) == 0 {
						if _, err := enrol.ExecContext(ctx, course, pid, "completed", day.Of(year, time.Month(3+r.IntN(8)), 1+r.IntN(28))); err != nil {
							return 0, err
						}
					}
					n++
				}
			}
			// committees for most units
			for _, u := range part {
				if r.IntN(7) == 0 {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO committees (unit_id, name, decision_number, decision_date, signer, valid_from, valid_to)
					VALUES ($1, $2, $3, $4, '', $4, $5)`, u.UnitID, "Ban Chỉ đạo Chuyển đổi số "+u.Name, fmt.Sprintf("%d/QĐ", 1+r.IntN(300)), Reorg.AddDays(r.IntN(60)), day.Forever); err != nil {
					return 0, err
				}
			}
			people += n
			return n, nil
		})
		if err != nil {
			return people, err
		}
	}
	if _, err := d.ExecContext(ctx, `UPDATE people_state SET generation = generation + 1 WHERE id = 1`); err != nil {
		return people, err
	}
	return people, Analyze(ctx, d)
}

var (
	family = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middle = []string{"Văn", "Thị", "Minh", "Thanh", "Quốc", "Đức", "Ngọc", "Hữu", "Thu", "Xuân"}
	given  = []string{"An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"}
)

func syntheticName(r interface{ IntN(int) int }) string {
	return family[r.IntN(len(family))] + " " + middle[r.IntN(len(middle))] + " " + given[r.IntN(len(given))]
}
