package people

import (
	"context"
	"database/sql"
	"io"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/progress"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// The people sheet: one row per person, with where they work, optionally a
// DX role there, and optionally a course they took part in. The template
// the application generates has these headers (Vietnamese), drop-down
// lists for the coded columns, and a second sheet listing the units of the
// user's scope with their codes.
type sheetColumn struct {
	key     string
	vi, en  string
	aliases []string
	width   float64
	choices func(lang string) []string
}

// Labels of coded values in the sheet, in Vietnamese and English; the
// importer accepts either, and the code itself.
var (
	genderLabels     = map[string][2]string{"male": {"Nam", "Male"}, "female": {"Nữ", "Female"}}
	employmentLabels = map[string][2]string{"civil_servant": {"Công chức", "Civil servant"}, "public_employee": {"Viên chức", "Public employee"},
		"contract": {"Hợp đồng", "Contract"}, "other": {"Khác", "Other"}}
	qualLabels = map[string][2]string{"none": {"Chưa qua đào tạo", "None"}, "vocational": {"Trung cấp", "Vocational"}, "college": {"Cao đẳng", "College"},
		"bachelor": {"Đại học", "Bachelor"}, "master": {"Thạc sĩ", "Master"}, "doctor": {"Tiến sĩ", "Doctorate"}}
	roleLabels = map[string][2]string{"leader": {"Lãnh đạo phụ trách CĐS", "DX leader"}, "focal": {"Cán bộ đầu mối", "Focal person"}, "staff": {"Cán bộ chuyên môn làm CĐS", "DX specialist staff"}}
	// roleAliases are the staff role's earlier labels, which sheets
	// filled in before it was renamed (a focal person is DX staff too)
	roleAliases  = map[string]RoleKind{locale.Fold("Cán bộ làm CĐS"): RoleStaff, locale.Fold("DX staff"): RoleStaff}
	modeLabels   = map[string][2]string{"dedicated": {"Chuyên trách", "Dedicated"}, "concurrent": {"Kiêm nhiệm", "Concurrent"}}
	yesNoLabels  = map[string][2]string{"yes": {"Có", "Yes"}, "no": {"Không", "No"}}
	statusLabels = map[string][2]string{"completed": {"Đã hoàn thành", "Completed"}, "enrolled": {"Đang học", "Enrolled"}, "dropped": {"Bỏ dở", "Dropped"}}
)

func labels(m map[string][2]string, order []string) func(lang string) []string {
	return func(lang string) []string {
		i := 0
		if lang == "en" {
			i = 1
		}
		out := make([]string, len(order))
		for j, k := range order {
			out[j] = m[k][i]
		}
		return out
	}
}

// decode reads a coded cell: the code, or its label in either language.
func decodeLabel(m map[string][2]string, v string) (string, bool) {
	f := locale.Fold(v)
	for code, l := range m {
		if f == code || f == locale.Fold(l[0]) || f == locale.Fold(l[1]) {
			return code, true
		}
	}
	return "", false
}

var peopleSheet = []sheetColumn{
	{key: "full_name", vi: "Họ và tên (*)", en: "Full name (*)", width: 26},
	{key: "gender", vi: "Giới tính", en: "Gender", width: 10, choices: labels(genderLabels, []string{"male", "female"})},
	{key: "birth_year", vi: "Năm sinh", en: "Birth year", width: 10},
	{key: "title", vi: "Chức vụ, chức danh", en: "Position", width: 30},
	{key: "phone", vi: "Điện thoại", en: "Phone", width: 14},
	{key: "email", vi: "Thư điện tử", en: "E-mail", width: 24},
	{key: "employment", vi: "Loại hình", en: "Employment", width: 14, choices: labels(employmentLabels, []string{"civil_servant", "public_employee", "contract", "other"})},
	{key: "qualification_level", vi: "Trình độ", en: "Qualification", width: 14, choices: labels(qualLabels, []string{"none", "vocational", "college", "bachelor", "master", "doctor"})},
	{key: "qualification_field", vi: "Chuyên ngành", en: "Field of study", width: 20},
	{key: "qualification_it", vi: "Chuyên ngành CNTT", en: "IT qualification", width: 10, choices: labels(yesNoLabels, []string{"yes", "no"})},
	{key: "unit", vi: "Mã đơn vị (*)", en: "Unit code (*)", width: 14},
	{key: "unit_name", vi: "Tên đơn vị (tham khảo)", en: "Unit name (for reference)", width: 28},
	{key: "since", vi: "Công tác từ ngày", en: "Working there since", width: 14},
	{key: "role", vi: "Vai trò CĐS", en: "DX role", width: 22, choices: labels(roleLabels, []string{"focal", "staff", "leader"})},
	{key: "mode", vi: "Hình thức", en: "Mode", width: 14, choices: labels(modeLabels, []string{"concurrent", "dedicated"})},
	{key: "course", vi: "Khoá bồi dưỡng", en: "Course", width: 30},
	{key: "course_status", vi: "Kết quả", en: "Result", width: 14, choices: labels(statusLabels, []string{"completed", "enrolled", "dropped"})},
	{key: "completed_on", vi: "Ngày hoàn thành", en: "Completed on", width: 14},
}

func sheetAliases() map[string][]string {
	m := map[string][]string{}
	for _, c := range peopleSheet {
		m[c.key] = []string{c.key, c.vi, c.en, strings.TrimSuffix(c.vi, " (*)"), strings.TrimSuffix(c.en, " (*)")}
	}
	return m
}

// unitCode is how the sheet names a unit: its official code when it has
// one, else "#" and its id (departments and villages often have no code).
func unitCode(v *org.Version) string {
	if v.Code != "" {
		return v.Code
	}
	return "#" + strconv.FormatInt(v.UnitID, 10)
}

// Template writes the people sheet template: the columns with their
// drop-down lists, and a sheet of the units in the actor's scope on d.
func (s *Service) Template(ctx context.Context, actor *auth.Actor, d day.Day, lang string, out io.Writer) error {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return err
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	cols := make([]sheet.Column, len(peopleSheet))
	for i, c := range peopleSheet {
		cols[i] = sheet.Column{Header: c.vi, Width: c.width}
		if lang == "en" {
			cols[i].Header = c.en
		}
		if c.choices != nil {
			cols[i].Choices = c.choices(lang)
		}
	}
	name, unitsName := "Cán bộ", "Đơn vị"
	if lang == "en" {
		name, unitsName = "People", "Units"
	}
	if _, err := wb.AddSheet(name, cols, 5000); err != nil {
		return err
	}
	us, err := wb.AddSheet(unitsName, []sheet.Column{{Header: peopleSheet[10].vi, Width: 14}, {Header: "Tên đơn vị", Width: 40}, {Header: "Cấp", Width: 14}, {Header: "Trực thuộc", Width: 36}}, 0)
	if err != nil {
		return err
	}
	t.Walk(actor.ScopeUnitID, d, func(v *org.Version) bool {
		if err == nil && v.Level != org.LevelNation {
			parent := ""
			if p := t.At(v.ParentID, d); p != nil {
				parent = p.Name
			}
			err = us.Append(unitCode(v), v.Name, string(v.Level), parent)
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	return wb.Write(out)
}

// SheetResult says what an import did, or would do.
type SheetResult struct {
	Rows     int           `json:"rows"`
	Created  int           `json:"created"`
	Existing int           `json:"existing"`
	Roles    int           `json:"roles"`
	Enrolled int           `json:"enrolled"`
	Skipped  int           `json:"skipped"`
	Problems []*errs.Error `json:"-"`
}

// sheetRow is one validated row.
type sheetRow struct {
	line   int
	in     PersonInput
	unit   *org.Version
	role   RoleKind
	mode   Mode
	course *Course
	status EnrolStatus
	done   day.Day
}

// ImportSheet loads people (and their roles and training) from a CSV or XLSX
// sheet as of d. Every row is checked first; with any problem nothing is
// written and every problem is returned with its row and column — unless
// skipInvalid is set, when the valid rows are written and the invalid ones
// reported as skipped. A person already working in the same unit under the
// same name (and birth year, if given) is not created twice.
func (s *Service) ImportSheet(ctx context.Context, actor *auth.Actor, r io.Reader, name string, d day.Day, skipInvalid bool) (*SheetResult, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	progress.Begin(ctx, progress.Reading, 0)
	tab, err := sheet.Read(r, name)
	if err != nil {
		return nil, errs.Invalidf("import.err.unreadable", "Reason", err).Because(err)
	}
	cols := sheet.MapColumns(tab.Header, sheetAliases(), locale.Fold)
	for _, c := range []string{"full_name", "unit"} {
		if !cols.Has(c) {
			return nil, errs.Invalidf("import.err.missing_column", "Column", c).At(1, c)
		}
	}
	courses, err := s.coursesByTitle(ctx, t)
	if err != nil {
		return nil, err
	}
	codes := map[string]*org.Version{}
	t.Walk(actor.ScopeUnitID, d, func(v *org.Version) bool {
		codes[locale.Fold(unitCode(v))] = v
		return true
	})
	res := &SheetResult{}
	var rows []*sheetRow
	checked := progress.Begin(ctx, progress.Checking, len(tab.Rows))
	for i, rec := range tab.Rows {
		checked.Step(i)
		if blankRow(rec) {
			continue
		}
		res.Rows++
		row, problems := parseSheetRow(tab.RowNumber(i), rec, cols, codes, courses, d)
		if len(problems) > 0 {
			res.Problems = append(res.Problems, problems...)
			res.Skipped++
			continue
		}
		rows = append(rows, row)
	}
	if len(res.Problems) > 0 && !skipInvalid {
		return res, errs.List("import.err.rows", res.Problems)
	}
	err = s.write(ctx, actor, func(tx *sql.Tx, ch *Changes) ([]audit.Entry, error) {
		existing, err := existingPeople(ctx, tx, rows, d)
		if err != nil {
			return nil, err
		}
		var entries []audit.Entry
		written := progress.Begin(ctx, progress.Writing, len(rows))
		for i, row := range rows {
			written.Step(i)
			e, err := s.applySheetRow(ctx, tx, ch, row, existing, res)
			if err != nil {
				return nil, err
			}
			entries = append(entries, e...)
		}
		return entries, nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func parseSheetRow(line int, rec []string, cols sheet.Columns, codes map[string]*org.Version, courses map[string]*Course, d day.Day) (*sheetRow, []*errs.Error) {
	get := func(k string) string { return locale.CleanString(cols.Get(rec, k)) }
	row := &sheetRow{line: line}
	var bad []*errs.Error
	coded := func(k string, m map[string][2]string) string {
		v := get(k)
		if v == "" {
			return ""
		}
		code, ok := decodeLabel(m, v)
		if !ok {
			bad = append(bad, errs.Invalidf("people.err.bad_value", "Value", v).At(line, k))
		}
		return code
	}
	in := PersonInput{FullName: get("full_name"), Title: get("title"), Phone: get("phone"), Email: get("email"), QualField: get("qualification_field")}
	in.Gender = coded("gender", genderLabels)
	in.Employment = Employment(coded("employment", employmentLabels))
	in.QualLevel = QualLevel(coded("qualification_level", qualLabels))
	in.QualIT = coded("qualification_it", yesNoLabels) == "yes"
	if y := get("birth_year"); y != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(y, ".0"))
		if err != nil {
			bad = append(bad, errs.Invalidf("people.err.bad_birth_year").At(line, "birth_year"))
		}
		in.BirthYear = n
	}
	in.Since = d
	if v := get("since"); v != "" {
		since, err := day.Parse(v)
		if err != nil {
			bad = append(bad, errs.Invalidf("err.bad_date", "Value", v).At(line, "since"))
		} else if since.After(d) {
			bad = append(bad, errs.Invalidf("people.err.since_future", "Date", d.VN()).At(line, "since"))
		} else {
			in.Since = since
		}
	}
	if u := get("unit"); u == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(line, "unit"))
	} else if row.unit = codes[locale.Fold(u)]; row.unit == nil {
		bad = append(bad, errs.Invalidf("people.err.unit_not_in_scope", "Code", u, "Date", d.VN()).At(line, "unit"))
	} else {
		in.UnitID = row.unit.UnitID
	}
	bad = append(bad, in.Validate(line)...)
	if r, ok := roleAliases[locale.Fold(get("role"))]; ok {
		row.role = r
	} else {
		row.role = RoleKind(coded("role", roleLabels))
	}
	row.mode = Mode(coded("mode", modeLabels))
	if row.role != "" && row.mode == "" {
		row.mode = Concurrent
	}
	if row.role == "" && row.mode != "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(line, "role"))
	}
	if c := get("course"); c != "" {
		if row.course = courses[locale.Fold(c)]; row.course == nil {
			bad = append(bad, errs.Invalidf("people.err.unknown_course", "Title", c).At(line, "course"))
		}
		row.status = EnrolStatus(coded("course_status", statusLabels))
		if row.status == "" {
			row.status = Enrolled
		}
		if v := get("completed_on"); v != "" {
			done, err := day.Parse(v)
			if err != nil {
				bad = append(bad, errs.Invalidf("err.bad_date", "Value", v).At(line, "completed_on"))
			}
			row.done = done
			if row.status == Enrolled {
				row.status = Completed
			}
		}
		if row.status == Completed && row.done.IsZero() {
			bad = append(bad, errs.Invalidf("org.err.date_required").At(line, "completed_on"))
		}
	}
	row.in = in
	return row, bad
}

// coursesByTitle maps the folded titles of the courses the actor can see
// (organised in their scope) to the courses.
func (s *Service) coursesByTitle(ctx context.Context, t *org.Scoped) (map[string]*Course, error) {
	rows, err := s.db.QueryContext(reading(ctx), `SELECT `+courseColumns+` FROM courses`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*Course{}
	for rows.Next() {
		c, err := scanCourse(rows)
		if err != nil {
			return nil, err
		}
		if t.InScope(c.OrganiserID) {
			out[locale.Fold(c.Title)] = &c
		}
	}
	return out, rows.Err()
}

// personKey identifies a person already recorded: same folded name, same
// unit, same birth year (0 when not given).
type personKey struct {
	name  string
	unit  int64
	birth int
}

// existingPeople reads, in one query, the people working on d in the units
// the sheet names, so each row is checked against a map rather than by a
// query of its own (10,000 rows: one query instead of 10,000).
func existingPeople(ctx context.Context, tx *sql.Tx, rows []*sheetRow, d day.Day) (map[personKey]int64, error) {
	units := map[int64]bool{}
	var ids []string
	for _, r := range rows {
		if !units[r.in.UnitID] {
			units[r.in.UnitID] = true
			ids = append(ids, strconv.FormatInt(r.in.UnitID, 10))
		}
	}
	out := map[personKey]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	// the ids are our own integers, so inlining them is safe
	q, err := tx.QueryContext(ctx, `SELECT p.id, p.name_folded, COALESCE(p.birth_year, 0), ps.unit_id FROM people p
		JOIN postings ps ON ps.person_id = p.id AND ps.valid_from <= $1 AND $1 < ps.valid_to
		WHERE ps.unit_id IN (`+strings.Join(ids, ",")+`)`, d)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	for q.Next() {
		var id int64
		var k personKey
		if err := q.Scan(&id, &k.name, &k.birth, &k.unit); err != nil {
			return nil, err
		}
		if _, seen := out[k]; !seen {
			out[k] = id
		}
		// a row without a birth year matches on name and unit alone
		if k0 := (personKey{k.name, k.unit, 0}); out[k0] == 0 {
			out[k0] = id
		}
	}
	return out, q.Err()
}

// applySheetRow writes one valid row: the person (unless already there),
// the role (unless held), the enrolment (unless there).
func (s *Service) applySheetRow(ctx context.Context, tx *sql.Tx, ch *Changes, row *sheetRow, existing map[personKey]int64, res *SheetResult) ([]audit.Entry, error) {
	var entries []audit.Entry
	key := personKey{locale.Fold(row.in.FullName), row.in.UnitID, row.in.BirthYear}
	pid := existing[key]
	if pid != 0 {
		res.Existing++
	} else {
		p, e, err := s.insertPerson(ctx, tx, row.in)
		if err != nil {
			return nil, err
		}
		pid = p.ID
		entries = append(entries, e...)
		res.Created++
		// the same person twice in one sheet is created once
		existing[key] = pid
		existing[personKey{key.name, key.unit, 0}] = pid
	}
	ch.Person(pid)
	if row.role != "" {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dx_roles WHERE person_id = $1 AND unit_id = $2 AND role = $3 AND valid_from <= $4 AND $4 < valid_to`,
			pid, row.in.UnitID, row.role, row.in.Since).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			r, err := insertRole(ctx, tx, RoleInput{UnitID: row.in.UnitID, PersonID: pid, Role: row.role, Mode: row.mode, From: row.in.Since})
			if err != nil {
				return nil, err
			}
			entries = append(entries, entry("role.assign", "dx_role", r.ID, r.UnitID, nil, r))
			ch.Unit(r.UnitID)
			res.Roles++
		}
	}
	if row.course != nil {
		var done any
		if row.status == Completed {
			done = row.done
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO enrolments (course_id, person_id, status, completed_on) VALUES ($1, $2, $3, $4)
			ON CONFLICT (course_id, person_id) DO NOTHING`, row.course.ID, pid, row.status, done)
		if err != nil {
			return nil, err
		}
		if n, _ := r.RowsAffected(); n == 1 {
			entries = append(entries, entry("enrolment.create", "course", row.course.ID, row.course.OrganiserID, nil,
				map[string]any{"course_id": row.course.ID, "person_id": pid, "status": row.status}))
			res.Enrolled++
		}
	}
	return entries, nil
}

// Export writes the people a filter selects (all pages) as a workbook in
// the template's layout, so an export edited and imported again changes
// nothing twice.
func (s *Service) Export(ctx context.Context, actor *auth.Actor, f Filter, lang string, out io.Writer) error {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = 1000, 0
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	cols := make([]sheet.Column, 0, len(peopleSheet)-3)
	for _, c := range peopleSheet[:15] {
		h := c.vi
		if lang == "en" {
			h = c.en
		}
		cols = append(cols, sheet.Column{Header: h, Width: c.width})
	}
	trainedHeader := "Đã bồi dưỡng năm " + strconv.Itoa(f.AsOf.Year())
	if lang == "en" {
		trainedHeader = "Trained in " + strconv.Itoa(f.AsOf.Year())
	}
	cols = append(cols, sheet.Column{Header: trainedHeader, Width: 12})
	name := "Cán bộ"
	if lang == "en" {
		name = "People"
	}
	sh, err := wb.AddSheet(name, cols, 0)
	if err != nil {
		return err
	}
	li := 0
	if lang == "en" {
		li = 1
	}
	label := func(m map[string][2]string, k string) string {
		if l, ok := m[k]; ok {
			return l[li]
		}
		return ""
	}
	for {
		res, err := s.Search(ctx, actor, f)
		if err != nil {
			return err
		}
		for _, r := range res.Rows {
			p := r.Person
			unit := t.At(r.UnitID, f.AsOf)
			code := ""
			if unit != nil {
				code = unitCode(unit)
			}
			var birth any
			if p.BirthYear != 0 {
				birth = p.BirthYear
			}
			it := label(yesNoLabels, "no")
			if p.QualIT {
				it = label(yesNoLabels, "yes")
			}
			roles := [2]string{}
			if len(r.Roles) > 0 {
				roles = [2]string{label(roleLabels, string(r.Roles[0].Role)), label(modeLabels, string(r.Roles[0].Mode))}
			}
			trained := label(yesNoLabels, "no")
			if r.Trained {
				trained = label(yesNoLabels, "yes")
			}
			if err := sh.Append(p.FullName, label(genderLabels, p.Gender), birth, p.Title, p.Phone, p.Email,
				label(employmentLabels, string(p.Employment)), label(qualLabels, string(p.QualLevel)), p.QualField, it,
				code, r.Unit, "", roles[0], roles[1], trained); err != nil {
				return err
			}
		}
		f.Offset += len(res.Rows)
		if len(res.Rows) == 0 || f.Offset >= res.Total {
			break
		}
	}
	return wb.Write(out)
}
