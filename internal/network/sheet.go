package network

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/progress"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// The network's spreadsheets, in both directions, with the rules of every
// import in mangluoi: a generated template (headers, drop-down lists, the
// units of the user's scope on a second sheet), every row checked before
// anything is written, every problem reported with its row and column, and
// all or nothing. Headers are matched without case or diacritics, in
// Vietnamese or English.

type column struct {
	key    string
	vi, en string
	width  float64
	note   [2]string
	values func(lang string) []string
}

func (c column) header(lang string) string {
	if lang == "en" {
		return c.en
	}
	return c.vi
}

func aliases(cols []column) map[string][]string {
	m := map[string][]string{}
	for _, c := range cols {
		m[c.key] = []string{c.key, c.vi, c.en, strings.TrimSuffix(c.vi, " (*)"), strings.TrimSuffix(c.en, " (*)")}
	}
	return m
}

func sheetColumns(cols []column, lang string) []sheet.Column {
	out := make([]sheet.Column, len(cols))
	for i, c := range cols {
		out[i] = sheet.Column{Header: c.header(lang), Width: c.width}
		if c.values != nil {
			out[i].Choices = c.values(lang)
		}
		if c.note[0] != "" {
			out[i].Note = c.note[0]
			if lang == "en" {
				out[i].Note = c.note[1]
			}
		}
	}
	return out
}

// UnitCode is how the sheets name a unit: its official code when it has
// one, else "#" and its id (villages rarely have an official code).
func UnitCode(v *org.Version) string {
	if v.Code != "" {
		return v.Code
	}
	return "#" + strconv.FormatInt(v.UnitID, 10)
}

var (
	unitCol    = column{key: "unit", vi: "Mã thôn/xã", en: "Unit code", width: 12, note: [2]string{"Mã ở trang Đơn vị; hoặc để trống và điền Xã, phường và Thôn, tổ dân phố", "The code from the Units sheet; or leave empty and fill in the commune and village"}}
	communeCol = column{key: "commune", vi: "Xã, phường", en: "Commune", width: 24}
	villageCol = column{key: "village", vi: "Thôn, tổ dân phố", en: "Village", width: 24}
)

var villageColumns = []column{
	{key: "commune", vi: "Mã xã", en: "Commune code", width: 10, note: [2]string{"Để trống: xã đã chọn khi nhập", "Empty: the commune chosen on import"}},
	{key: "name", vi: "Tên thôn, tổ dân phố (*)", en: "Village name (*)", width: 32},
	{key: "kind", vi: "Loại", en: "Kind", width: 14, values: func(string) []string { return villageKinds }},
	{key: "code", vi: "Mã (nếu có)", en: "Code (if any)", width: 12},
	{key: "system_code", vi: "Mã trên hệ thống", en: "System code", width: 12, note: [2]string{"Điền sẵn cho thôn đã có; để trống cho thôn mới", "Filled in for the villages already recorded; empty for a new one"}},
}

// villageKinds are the words that name a village's kind, longest first
// (a name's prefix gives its kind when the column is empty).
var villageKinds = []string{"Tổ dân phố", "Khu phố", "Khu dân cư", "Thôn", "Làng", "Buôn", "Plei", "Bản", "Ấp", "Xóm", "Khối", "Tổ", "Khu", "Sóc", "Đội"}

func villageKind(name string) string {
	for _, k := range villageKinds {
		if strings.HasPrefix(name, k+" ") {
			return k
		}
	}
	return "Thôn"
}

var teamColumns2 = []column{
	unitCol, communeCol, villageCol,
	{key: "name", vi: "Tên tổ", en: "Team name", width: 36, note: [2]string{"Để trống: Tổ công nghệ số cộng đồng + tên thôn", "Empty: \"Tổ công nghệ số cộng đồng\" and the village's name"}},
	{key: "decision_number", vi: "Số quyết định (*)", en: "Decision number (*)", width: 16},
	{key: "decision_date", vi: "Ngày quyết định (*)", en: "Decision date (*)", width: 14},
	{key: "decision_signer", vi: "Người ký", en: "Signed by", width: 22},
	{key: "established_on", vi: "Ngày thành lập", en: "Established on", width: 14},
	{key: "note", vi: "Ghi chú", en: "Note", width: 24},
}

var memberColumns = []column{
	unitCol, communeCol, villageCol,
	{key: "full_name", vi: "Họ và tên (*)", en: "Full name (*)", width: 26},
	{key: "gender", vi: "Giới tính", en: "Gender", width: 10, values: func(lang string) []string { return labelsOf(genderLabels, []string{"male", "female"}, lang) }},
	{key: "birth_year", vi: "Năm sinh", en: "Birth year", width: 10},
	{key: "phone", vi: "Điện thoại", en: "Phone", width: 14},
	{key: "role", vi: "Vai trò trong tổ", en: "Role in the team", width: 14, values: func(lang string) []string { return labelsOf(roleLabels, Roles, lang) }},
	{key: "affiliation", vi: "Thành phần", en: "Affiliation", width: 24, values: func(lang string) []string { return labelsOf(affilLabels, Affiliations, lang) }},
	{key: "valid_from", vi: "Ngày tham gia", en: "Joined on", width: 14},
}

// unitsSheet lists the communes and villages of the actor's scope on d,
// with their codes, for the templates.
func unitsSheet(wb *sheet.Workbook, t *org.Scoped, root int64, d day.Day, lang string) error {
	name, cols := "Đơn vị", []sheet.Column{{Header: "Mã thôn/xã", Width: 12}, {Header: "Tên", Width: 36}, {Header: "Cấp", Width: 10}, {Header: "Thuộc", Width: 36}}
	if lang == "en" {
		name, cols = "Units", []sheet.Column{{Header: "Unit code", Width: 12}, {Header: "Name", Width: 36}, {Header: "Level", Width: 10}, {Header: "Under", Width: 36}}
	}
	us, err := wb.AddSheet(name, cols, 0)
	if err != nil {
		return err
	}
	levels := map[org.Level]label{org.LevelCommune: {"Xã", "Commune"}, org.LevelVillage: {"Thôn", "Village"}}
	for _, r := range roots(t.Snapshot, root, d) {
		t.Walk(r.UnitID, d, func(v *org.Version) bool {
			if err != nil {
				return false
			}
			l, ok := levels[v.Level]
			if !ok {
				return true
			}
			parent := ""
			if p := t.At(v.ParentID, d); p != nil {
				parent = p.Name
			}
			err = us.Append(UnitCode(v), v.Name, l.in(lang), parent)
			return err == nil
		})
	}
	return err
}

// unitFinder resolves the unit of a row: by code (or #id), else by commune
// (code or name) and village name.
type unitFinder struct {
	codes    map[string]*org.Version // folded code → unit
	communes map[string]*org.Version // folded code or name → commune
	t        *org.Scoped
	d        day.Day
}

func newUnitFinder(t *org.Scoped, root int64, d day.Day) *unitFinder {
	f := &unitFinder{codes: map[string]*org.Version{}, communes: map[string]*org.Version{}, t: t, d: d}
	for _, r := range roots(t.Snapshot, root, d) {
		t.Walk(r.UnitID, d, func(v *org.Version) bool {
			if v.Level == org.LevelCommune || v.Level == org.LevelVillage {
				f.codes[locale.Fold(UnitCode(v))] = v
			}
			if v.Level == org.LevelCommune {
				if v.Code != "" {
					f.communes[locale.Fold(v.Code)] = v
				}
				f.communes[v.Folded] = v
				f.communes[stripKind(v.Folded, v.Kind)] = v
			}
			return true
		})
	}
	return f
}

func stripKind(folded, kind string) string {
	if kind == "" {
		return folded
	}
	return strings.TrimPrefix(folded, locale.Fold(kind)+" ")
}

func (f *unitFinder) find(get func(string) string, line int) (*org.Version, *errs.Error) {
	if c := get("unit"); c != "" {
		if v := f.codes[locale.Fold(c)]; v != nil {
			return v, nil
		}
		return nil, errs.Invalidf("network.err.unit_not_found", "Code", c, "Date", f.d.VN()).At(line, "unit")
	}
	cn, vn := get("commune"), get("village")
	if cn == "" {
		return nil, errs.Invalidf("import.err.required").At(line, "unit")
	}
	c := f.communes[locale.Fold(cn)]
	if c == nil {
		return nil, errs.Invalidf("network.err.unit_not_found", "Code", cn, "Date", f.d.VN()).At(line, "commune")
	}
	if vn == "" {
		return c, nil
	}
	fv := locale.Fold(vn)
	for _, v := range f.t.Children(c.UnitID, f.d) {
		if v.Level == org.LevelVillage && (v.Folded == fv || stripKind(v.Folded, v.Kind) == fv) {
			return v, nil
		}
	}
	return nil, errs.Invalidf("network.err.village_not_found", "Name", vn, "Commune", c.Name).At(line, "village")
}

func blankRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func readTable(r io.Reader, name string, cols []column, required ...string) (*sheet.Table, sheet.Columns, error) {
	tab, err := sheet.Read(r, name)
	if err != nil {
		return nil, sheet.Columns{}, errs.Invalidf("import.err.unreadable", "Reason", err).Because(err)
	}
	m := sheet.MapColumns(tab.Header, aliases(cols), headerKey)
	for _, c := range required {
		if !m.Has(c) {
			return nil, m, errs.Invalidf("import.err.missing_column", "Column", c).At(1, c)
		}
	}
	return tab, m, nil
}

// headerKey compares headers without case, diacritics or punctuation:
// "Tên thôn, tổ dân phố (*)" and "ten thon to dan pho" are one header.
func headerKey(h string) string {
	return strings.Join(strings.FieldsFunc(locale.Fold(h), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}), " ")
}

func parseDay(v string, line int, field string) (day.Day, *errs.Error) {
	if v == "" {
		return day.Day{}, nil
	}
	d, err := day.Parse(v)
	if err != nil {
		// a date cell typed as a number by a spreadsheet: days since 1899-12-30
		if n, nerr := strconv.ParseFloat(v, 64); nerr == nil && n > 20000 && n < 80000 {
			return day.Of(1899, 12, 30).AddDays(int(n)), nil
		}
		return day.Day{}, errs.Invalidf("err.bad_date", "Value", v).At(line, field)
	}
	return d, nil
}

// VillageImport says where and from when a list of villages applies.
type VillageImport struct {
	CommuneID  int64   `json:"commune_id"` // the commune of rows without a commune code
	Effective  day.Day `json:"effective_date"`
	LegalBasis string  `json:"legal_basis"`
}

// VillageTemplate writes the village sheet of a commune, filled with the
// villages it has on d, so that it can be edited and imported again.
func (s *Service) VillageTemplate(ctx context.Context, actor *auth.Actor, commune int64, d day.Day, lang string, out io.Writer) error {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return err
	}
	if commune == 0 {
		commune = actor.ScopeUnitID
	}
	if err := t.Check(commune); err != nil {
		return err
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	name := "Thôn, tổ dân phố"
	if lang == "en" {
		name = "Villages"
	}
	sh, err := wb.AddSheet(name, sheetColumns(villageColumns, lang), 2000)
	if err != nil {
		return err
	}
	for _, r := range roots(t.Snapshot, commune, d) {
		t.Walk(r.UnitID, d, func(v *org.Version) bool {
			if err == nil && v.Level == org.LevelVillage {
				code := ""
				if p := t.At(v.ParentID, d); p != nil {
					code = p.Code
				}
				err = sh.Append(code, v.Name, v.Kind, v.Code, UnitCode(&org.Version{UnitID: v.UnitID}))
			}
			return err == nil
		})
	}
	if err != nil {
		return err
	}
	if err := unitsSheet(wb, t, commune, d, lang); err != nil {
		return err
	}
	return wb.Write(out)
}

// ImportVillages loads a commune's villages (or several communes', by the
// commune code of each row) through the unit tree's importer, as of a
// date: new ones are established, renamed ones get a new version, the
// same file imported twice changes nothing. All or nothing.
func (s *Service) ImportVillages(ctx context.Context, actor *auth.Actor, r io.Reader, name string, in VillageImport) (*org.ImportResult, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	if in.Effective.IsZero() {
		return nil, errs.Invalidf("org.err.date_required").At(0, "effective_date")
	}
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, err
	}
	progress.Begin(ctx, progress.Reading, 0)
	tab, cols, err := readTable(r, name, villageColumns, "name")
	if err != nil {
		return nil, err
	}
	var fallback *org.Version
	if in.CommuneID != 0 {
		if err := t.Check(in.CommuneID); err != nil {
			return nil, err
		}
		if fallback = t.At(in.CommuneID, in.Effective); fallback == nil || fallback.Level != org.LevelCommune {
			return nil, errs.Invalidf("network.err.not_commune", "Date", in.Effective.VN()).At(0, "commune_id")
		}
	}
	// the unit importer reads a list in its own format: level village,
	// the parent's code, one line per line of the file so row numbers match
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"code", "name", "level", "parent_code", "kind"})
	var bad []*errs.Error
	checked := progress.Begin(ctx, progress.Checking, len(tab.Rows))
	for i, rec := range tab.Rows {
		checked.Step(i)
		line := tab.RowNumber(i)
		if blankRow(rec) {
			w.Write([]string{"", "", "", "", ""})
			continue
		}
		get := func(k string) string { return locale.CleanString(cols.Get(rec, k)) }
		parent := fallback
		if c := get("commune"); c != "" {
			v := t.FindByCode(org.LevelCommune, c, in.Effective)
			if v == nil || !t.InScope(v.UnitID) {
				bad = append(bad, errs.Invalidf("network.err.unit_not_found", "Code", c, "Date", in.Effective.VN()).At(line, "commune"))
				w.Write([]string{"", "", "", "", ""})
				continue
			}
			parent = v
		}
		if parent == nil {
			bad = append(bad, errs.Invalidf("import.err.required").At(line, "commune"))
			w.Write([]string{"", "", "", "", ""})
			continue
		}
		// a village already recorded keeps its name here: the unit
		// importer knows uncoded villages by name, so a new name would
		// make a second village; a rename is a dated change of its own
		if id := strings.TrimPrefix(get("system_code"), "#"); id != "" {
			n, _ := strconv.ParseInt(id, 10, 64)
			v := t.At(n, in.Effective)
			switch {
			case v == nil || v.Level != org.LevelVillage || v.ParentID != parent.UnitID:
				bad = append(bad, errs.Invalidf("network.err.unit_not_found", "Code", get("system_code"), "Date", in.Effective.VN()).At(line, "system_code"))
			case locale.Fold(v.Name) != locale.Fold(get("name")):
				bad = append(bad, errs.Invalidf("network.err.rename_on_page", "Name", v.Name).At(line, "name"))
			}
		}
		kind := get("kind")
		if kind == "" {
			kind = villageKind(get("name"))
		}
		w.Write([]string{get("code"), get("name"), "village", parent.Code, kind})
	}
	w.Flush()
	if len(bad) > 0 {
		return nil, errs.List("import.err.rows", bad)
	}
	return s.org.ImportList(ctx, actor, &buf, "villages.csv", org.Change{Effective: in.Effective, LegalBasis: locale.CleanString(in.LegalBasis),
		Note: "Danh sách thôn, tổ dân phố"})
}

// TeamTemplate writes the team sheet, with the units of the actor's scope.
func (s *Service) TeamTemplate(ctx context.Context, actor *auth.Actor, unit int64, d day.Day, lang string, out io.Writer) error {
	return s.template(ctx, actor, unit, d, lang, out, teamColumns2, [2]string{"Tổ công nghệ số", "Teams"})
}

// MemberTemplate writes the member sheet, with the units of the actor's scope.
func (s *Service) MemberTemplate(ctx context.Context, actor *auth.Actor, unit int64, d day.Day, lang string, out io.Writer) error {
	return s.template(ctx, actor, unit, d, lang, out, memberColumns, [2]string{"Thành viên", "Members"})
}

func (s *Service) template(ctx context.Context, actor *auth.Actor, unit int64, d day.Day, lang string, out io.Writer, cols []column, name label) error {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	if err := t.Check(unit); err != nil {
		return err
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	if _, err := wb.AddSheet(name.in(lang), sheetColumns(cols, lang), 3000); err != nil {
		return err
	}
	if err := unitsSheet(wb, t, unit, d, lang); err != nil {
		return err
	}
	return wb.Write(out)
}

// SheetResult says what an import did.
type SheetResult struct {
	Rows     int `json:"rows"`
	Created  int `json:"created"`  // teams or memberships
	People   int `json:"people"`   // people recorded (member imports)
	Existing int `json:"existing"` // rows already recorded, left alone
}

// ImportTeams loads teams from a sheet as of d (the date whose tree the
// unit codes refer to). A row whose unit already has a team with the same
// decision number is left alone, so a file imported twice changes nothing.
func (s *Service) ImportTeams(ctx context.Context, actor *auth.Actor, r io.Reader, name string, d day.Day) (*SheetResult, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, err
	}
	progress.Begin(ctx, progress.Reading, 0)
	tab, cols, err := readTable(r, name, teamColumns2, "decision_number", "decision_date")
	if err != nil {
		return nil, err
	}
	if !cols.Has("unit") && !cols.Has("commune") {
		return nil, errs.Invalidf("import.err.missing_column", "Column", "unit").At(1, "unit")
	}
	finder := newUnitFinder(t, actor.ScopeUnitID, d)
	type teamRow struct {
		line int
		in   TeamInput
		unit *org.Version
	}
	var rows []teamRow
	var bad []*errs.Error
	seen := map[int64]int{}
	res := &SheetResult{}
	checked := progress.Begin(ctx, progress.Checking, len(tab.Rows))
	for i, rec := range tab.Rows {
		checked.Step(i)
		line := tab.RowNumber(i)
		if blankRow(rec) {
			continue
		}
		res.Rows++
		get := func(k string) string { return locale.CleanString(cols.Get(rec, k)) }
		in := TeamInput{Name: get("name"), DecisionNumber: get("decision_number"), Signer: get("decision_signer"), Note: get("note")}
		var e *errs.Error
		if in.DecisionDate, e = parseDay(get("decision_date"), line, "decision_date"); e != nil {
			bad = append(bad, e)
		}
		if in.Established, e = parseDay(get("established_on"), line, "established_on"); e != nil {
			bad = append(bad, e)
		}
		bad = append(bad, s.validateTeam(&in, line)...)
		unit, e := finder.find(get, line)
		if e != nil {
			bad = append(bad, e)
			continue
		}
		if e := teamUnit(unit, line, "unit"); e != nil {
			bad = append(bad, e)
			continue
		}
		if first, dup := seen[unit.UnitID]; dup {
			bad = append(bad, errs.Invalidf("network.err.duplicate_unit", "Name", unit.Name, "First", first).At(line, "unit"))
			continue
		}
		seen[unit.UnitID] = line
		if !in.Established.IsZero() && t.At(unit.UnitID, in.Established) == nil {
			bad = append(bad, errs.Invalidf("org.err.not_in_force", "Name", unit.Name, "Date", in.Established.VN()).At(line, "established_on"))
			continue
		}
		in.UnitID = unit.UnitID
		rows = append(rows, teamRow{line, in, t.At(unit.UnitID, in.Established)})
	}
	if len(bad) > 0 {
		return res, errs.List("import.err.rows", bad)
	}
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		var entries []audit.Entry
		var bad []*errs.Error
		written := progress.Begin(ctx, progress.Writing, len(rows))
		for i, row := range rows {
			written.Step(i)
			var same int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM net_teams WHERE unit_id = $1 AND decision_number = $2`,
				row.in.UnitID, row.in.DecisionNumber).Scan(&same); err != nil {
				return nil, err
			}
			if same > 0 {
				res.Existing++
				continue
			}
			_, e, err := s.insertTeam(ctx, tx, seq, row.in, row.unit, row.line)
			if err != nil {
				if ue, ok := errs.As(err); ok {
					bad = append(bad, ue)
					continue
				}
				return nil, err
			}
			entries = append(entries, e...)
			res.Created++
		}
		if len(bad) > 0 {
			return nil, errs.List("import.err.rows", bad)
		}
		entries = append(entries, entry("team.import", "import", 0, actor.ScopeUnitID, nil, map[string]any{"file": name, "rows": res.Rows, "created": res.Created}))
		return entries, nil
	})
	if err != nil {
		return res, err
	}
	return res, nil
}

// ImportMembers loads members from a sheet as of d. A row names the unit
// of the team (its team then) and the person: someone already working in
// that unit under the same name (and birth year, if given) is that person;
// anyone else is recorded as a new person. A person already in the team is
// left alone, so a file imported twice changes nothing.
func (s *Service) ImportMembers(ctx context.Context, actor *auth.Actor, r io.Reader, name string, d day.Day) (*SheetResult, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return nil, err
	}
	progress.Begin(ctx, progress.Reading, 0)
	tab, cols, err := readTable(r, name, memberColumns, "full_name")
	if err != nil {
		return nil, err
	}
	if !cols.Has("unit") && !cols.Has("commune") {
		return nil, errs.Invalidf("import.err.missing_column", "Column", "unit").At(1, "unit")
	}
	finder := newUnitFinder(t, actor.ScopeUnitID, d)
	type memberRow struct {
		line int
		in   MemberInput
		unit *org.Version
	}
	var rows []memberRow
	var bad []*errs.Error
	res := &SheetResult{}
	checked := progress.Begin(ctx, progress.Checking, len(tab.Rows))
	for i, rec := range tab.Rows {
		checked.Step(i)
		line := tab.RowNumber(i)
		if blankRow(rec) {
			continue
		}
		res.Rows++
		get := func(k string) string { return locale.CleanString(cols.Get(rec, k)) }
		in := MemberInput{FullName: get("full_name"), Phone: get("phone")}
		coded := func(k string, m map[string]label) string {
			v := get(k)
			if v == "" {
				return ""
			}
			code, ok := decode(m, v)
			if !ok {
				bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", v).At(line, k))
			}
			return code
		}
		in.Gender = coded("gender", genderLabels)
		if v := get("role"); v != "" {
			role, ok := decode(roleLabels, v)
			if !ok {
				bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", v).At(line, "role"))
			}
			in.Role = role
		}
		if v := get("affiliation"); v != "" {
			a, ok := decode(affilLabels, v)
			if !ok {
				bad = append(bad, errs.Invalidf("network.err.bad_value", "Value", v).At(line, "affiliation"))
			}
			in.Affiliation = a
		}
		if y := get("birth_year"); y != "" {
			n, err := strconv.Atoi(strings.TrimSuffix(y, ".0"))
			if err != nil {
				bad = append(bad, errs.Invalidf("network.err.bad_birth_year").At(line, "birth_year"))
			}
			in.BirthYear = n
		}
		var e *errs.Error
		if in.From, e = parseDay(get("valid_from"), line, "valid_from"); e != nil {
			bad = append(bad, e)
		}
		if in.From.IsZero() {
			in.From = d
		}
		bad = append(bad, s.validateMember(&in, line)...)
		unit, e := finder.find(get, line)
		if e != nil {
			bad = append(bad, e)
			continue
		}
		rows = append(rows, memberRow{line, in, unit})
	}
	if len(bad) > 0 {
		return res, errs.List("import.err.rows", bad)
	}
	err = s.write(ctx, actor, func(tx *sql.Tx, seq int64) ([]audit.Entry, error) {
		var entries []audit.Entry
		var bad []*errs.Error
		teams := map[int64]*Team{}
		written := progress.Begin(ctx, progress.Writing, len(rows))
		for i, row := range rows {
			written.Step(i)
			team := teams[row.unit.UnitID]
			if team == nil {
				id, err := teamOfUnit(ctx, tx, row.unit.UnitID, row.in.From)
				if err != nil {
					return nil, err
				}
				if id == 0 {
					bad = append(bad, errs.Invalidf("network.err.no_team", "Name", row.unit.Name, "Date", row.in.From.VN()).At(row.line, "unit"))
					continue
				}
				if team, err = loadTeam(ctx, tx, id); err != nil {
					return nil, err
				}
				teams[row.unit.UnitID] = team
			}
			in := row.in
			pid, err := personNamed(ctx, tx, row.unit.UnitID, in.FullName, in.BirthYear, in.From)
			if err != nil {
				return nil, err
			}
			if pid != 0 {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM net_members WHERE person_id = $1 AND team_id = $2 AND valid_to > $3`,
					pid, team.ID, in.From).Scan(&n); err != nil {
					return nil, err
				}
				if n > 0 {
					res.Existing++
					continue
				}
				in.PersonID = pid
			}
			_, e, err := s.insertMember(ctx, tx, seq, t, team, in, row.line)
			if err != nil {
				if ue, ok := errs.As(err); ok {
					if ue.Field == "person_id" {
						ue.Field = "full_name"
					}
					bad = append(bad, ue)
					continue
				}
				return nil, err
			}
			if pid == 0 {
				res.People++
			}
			entries = append(entries, e...)
			res.Created++
		}
		if len(bad) > 0 {
			return nil, errs.List("import.err.rows", bad)
		}
		entries = append(entries, entry("team_member.import", "import", 0, actor.ScopeUnitID, nil, map[string]any{"file": name, "rows": res.Rows, "created": res.Created}))
		return entries, nil
	})
	if err != nil {
		return res, err
	}
	return res, nil
}

// teamOfUnit is the unit's team on d (active or suspended), or 0.
func teamOfUnit(ctx context.Context, q db.Querier, unit int64, d day.Day) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT t.id FROM net_teams t JOIN net_team_status s ON s.team_id = t.id
		WHERE t.unit_id = $1 AND s.status <> 'dissolved' AND s.valid_from <= $2 AND $2 < s.valid_to ORDER BY t.id LIMIT 1`, unit, d).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	return id, err
}

// personNamed finds a person working in a unit on d under a name (and
// birth year, if given), or 0.
func personNamed(ctx context.Context, q db.Querier, unit int64, name string, birthYear int, d day.Day) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT p.id FROM people p JOIN postings ps ON ps.person_id = p.id
		WHERE p.name_folded = $1 AND ps.unit_id = $2 AND ps.valid_from <= $3 AND $3 < ps.valid_to
		AND ($4 = 0 OR COALESCE(p.birth_year, 0) = $4) ORDER BY p.id LIMIT 1`, locale.Fold(name), unit, d, birthYear).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	return id, err
}

// ExportTeams writes the teams a filter selects (every page) in the
// template's layout, with their status, size, leader and last activity.
func (s *Service) ExportTeams(ctx context.Context, actor *auth.Actor, f TeamFilter, lang string, out io.Writer) error {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = 1000, 0
	if f.AsOf.IsZero() {
		f.AsOf = s.today()
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	cols := sheetColumns(teamColumns2, lang)
	extra := []label{{"Trạng thái", "Status"}, {"Số thành viên", "Members"}, {"Tổ trưởng", "Leader"}, {"Hoạt động gần nhất", "Last activity"}}
	for _, x := range extra {
		cols = append(cols, sheet.Column{Header: x.in(lang), Width: 16})
	}
	for i := range cols {
		cols[i].Note = ""
	}
	sh, err := wb.AddSheet(label{"Tổ công nghệ số", "Teams"}.in(lang), cols, 0)
	if err != nil {
		return err
	}
	for {
		list, err := s.ListTeams(ctx, actor, f)
		if err != nil {
			return err
		}
		for _, r := range list.Teams {
			team, err := loadTeam(ctx, s.db, r.ID)
			if err != nil {
				return err
			}
			code := ""
			if v := t.At(r.UnitID, f.AsOf); v != nil {
				code = UnitCode(v)
			}
			village := r.Unit
			commune := r.Commune
			if commune == "" {
				commune, village = r.Unit, ""
			}
			last := ""
			if !r.LastActivity.IsZero() {
				last = r.LastActivity.VN()
			}
			if err := sh.Append(code, commune, village, team.Name, team.DecisionNumber, team.DecisionDate.VN(), team.Signer,
				team.Established.VN(), team.Note, statusLabels[r.Status].in(lang), r.Members, r.Leader, last); err != nil {
				return err
			}
		}
		f.Offset += len(list.Teams)
		if len(list.Teams) == 0 || f.Offset >= list.Total {
			break
		}
	}
	return wb.Write(out)
}

// ExportMembers writes the members on d of the teams under unit, in the
// template's layout.
func (s *Service) ExportMembers(ctx context.Context, actor *auth.Actor, unit int64, d day.Day, lang string, out io.Writer) error {
	t, err := s.scoped(ctx, actor)
	if err != nil {
		return err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	if err := t.Check(unit); err != nil {
		return err
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	cols := sheetColumns(memberColumns, lang)
	for i := range cols {
		cols[i].Note = ""
	}
	cols = append(cols, sheet.Column{Header: label{"Tổ", "Team"}.in(lang), Width: 36})
	sh, err := wb.AddSheet(label{"Thành viên", "Members"}.in(lang), cols, 0)
	if err != nil {
		return err
	}
	f := TeamFilter{UnitID: unit, AsOf: d, Limit: 1000}
	for {
		list, err := s.ListTeams(ctx, actor, f)
		if err != nil {
			return err
		}
		for _, r := range list.Teams {
			ms, err := membersWhere(ctx, s.db, `m.team_id = $1 AND m.valid_from <= $2 AND $2 < m.valid_to`, r.ID, d)
			if err != nil {
				return err
			}
			code := ""
			if v := t.At(r.UnitID, d); v != nil {
				code = UnitCode(v)
			}
			village, commune := r.Unit, r.Commune
			if commune == "" {
				commune, village = r.Unit, ""
			}
			for _, m := range orderMembers(ms, d) {
				var birth any
				if m.BirthYear != 0 {
					birth = m.BirthYear
				}
				if err := sh.Append(code, commune, village, m.Name, genderLabels[m.Gender].in(lang), birth, m.Phone,
					roleLabels[m.Role].in(lang), affilLabels[m.Affiliation].in(lang), m.From.VN(), r.Name); err != nil {
					return err
				}
			}
		}
		f.Offset += len(list.Teams)
		if len(list.Teams) == 0 || f.Offset >= list.Total {
			break
		}
	}
	return wb.Write(out)
}

// ExportCoverage writes a coverage report: one row per part, then the total.
func (s *Service) ExportCoverage(ctx context.Context, actor *auth.Actor, unit int64, d day.Day, lang string, out io.Writer) error {
	c, err := s.Coverage(ctx, actor, unit, d)
	if err != nil {
		return err
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	heads := []label{{"Đơn vị", "Unit"}, {"Mã", "Code"}, {"Số xã có tổ", "Communes with a team"}, {"Tổng số xã", "Communes"},
		{"Số thôn có tổ", "Villages covered"}, {"Tổng số thôn", "Villages"}, {"Số tổ hoạt động", "Active teams"}, {"Số tổ tạm dừng", "Suspended teams"},
		{"Số thành viên", "Members"}, {"Thành viên được bồi dưỡng trong năm", "Members trained this year"},
		{"Tổ không có hoạt động trong 60 ngày", "Teams idle for 60 days"}, {"Số hoạt động trong năm", "Activities this year"},
		{"Số người được hỗ trợ trong năm", "People helped this year"}}
	cols := make([]sheet.Column, len(heads))
	for i, h := range heads {
		cols[i] = sheet.Column{Header: h.in(lang), Width: 14}
	}
	cols[0].Width = 32
	title := label{"Độ phủ " + d.VN(), "Coverage " + d.VN()}.in(lang)
	sh, err := wb.AddSheet(strings.ReplaceAll(title, "/", "-"), cols, 0)
	if err != nil {
		return err
	}
	row := func(name, code string, f Figures) error {
		return sh.Append(name, code, f.CommunesCovered, f.Communes, f.VillagesCovered, f.Villages, f.Teams, f.Suspended, f.Members, f.Trained,
			f.Idle, f.Activities, f.Helped)
	}
	for _, r := range c.Rows {
		if err := row(r.Name, r.Code, r.Figures); err != nil {
			return err
		}
	}
	if err := row(label{"Tổng cộng: ", "Total: "}.in(lang)+c.Name, "", c.Total); err != nil {
		return err
	}
	return wb.Write(out)
}
