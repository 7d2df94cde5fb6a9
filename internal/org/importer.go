package org

import (
	"context"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/progress"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// ImportResult says what an import did. Notices are not errors: values that
// were normalised, mapping rows resolved by name or skipped.
type ImportResult struct {
	EventID   int64         `json:"event_id"`
	Rows      int           `json:"rows"`
	Created   int           `json:"created"`
	Changed   int           `json:"changed"`
	Unchanged int           `json:"unchanged"`
	Ended     int           `json:"ended"`
	Links     int           `json:"links"`
	Notices   []*errs.Error `json:"-"`
}

// unitColumns are the accepted headers of a unit list (see the README).
var unitColumns = map[string][]string{
	"code":        {"code", "mã", "mã đơn vị", "ma_don_vi"},
	"name":        {"name", "tên", "tên đơn vị", "ten_don_vi"},
	"level":       {"level", "cấp", "cap"},
	"parent_code": {"parent_code", "mã cấp trên", "mã đơn vị cấp trên", "ma_cap_tren"},
	"kind":        {"kind", "loại", "loại hình", "loai"},
}

// mergeColumns are the accepted headers of a restructuring mapping.
var mergeColumns = map[string][]string{
	"level":    {"level", "cấp"},
	"new_code": {"new_code", "mã mới"},
	"new_name": {"new_name", "tên mới"},
	"old_code": {"old_code", "mã cũ"},
	"old_name": {"old_name", "tên cũ"},
	"share":    {"share", "phần", "tỷ lệ sáp nhập"},
	"fraction": {"fraction", "tỷ lệ"},
}

// levelNames accepts the English codes and the Vietnamese words.
var levelNames = map[string]Level{
	"province": LevelProvince, "tinh": LevelProvince, "cap tinh": LevelProvince,
	"district": LevelDistrict, "huyen": LevelDistrict, "cap huyen": LevelDistrict,
	"commune": LevelCommune, "xa": LevelCommune, "cap xa": LevelCommune,
	"village": LevelVillage, "thon": LevelVillage, "thon, to dan pho": LevelVillage,
	"agency": LevelAgency, "co quan": LevelAgency, "committee": LevelCommittee,
	"ban chi dao": LevelCommittee, "other": LevelOther, "khac": LevelOther,
}

// kindPrefixes are name prefixes that give a unit's kind when the file has
// no kind column, longest first.
var kindPrefixes = []string{"Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã"}

func kindFromName(name string) string {
	for _, k := range kindPrefixes {
		if strings.HasPrefix(name, k+" ") {
			return k
		}
	}
	return ""
}

// listRow is one validated row of a unit list.
type listRow struct {
	line             int
	code, name, kind string
	level            Level
	parentCode       string
	parent           *listRow // parent within the file, if there
	parentUnit       *Version // existing parent, if not in the file
	depth            int
}

// ParseUnitList reads and validates a unit list, collecting every problem
// with its row and column.
func ParseUnitList(r io.Reader, name string) ([]*listRow, []*errs.Error, error) {
	return parseUnitList(context.Background(), r, name)
}

// parseUnitList is ParseUnitList saying its progress on ctx.
func parseUnitList(ctx context.Context, r io.Reader, name string) ([]*listRow, []*errs.Error, error) {
	progress.Begin(ctx, progress.Reading, 0)
	t, err := sheet.Read(r, name)
	if err != nil {
		return nil, nil, errs.Invalidf("import.err.unreadable", "Reason", err).Because(err)
	}
	cols := sheet.MapColumns(t.Header, unitColumns, locale.Fold)
	for _, c := range []string{"name", "level"} {
		if !cols.Has(c) {
			return nil, nil, errs.Invalidf("import.err.missing_column", "Column", c).At(1, c)
		}
	}
	var rows []*listRow
	var problems, notices []*errs.Error
	seen := map[string]int{}
	checked := progress.Begin(ctx, progress.Checking, len(t.Rows))
	for i, rec := range t.Rows {
		checked.Step(i)
		line := t.RowNumber(i)
		if blank(rec) {
			continue
		}
		row := &listRow{line: line}
		var changed [5]bool
		row.code, changed[0] = locale.Clean(cols.Get(rec, "code"))
		row.name, changed[1] = locale.Clean(cols.Get(rec, "name"))
		row.parentCode, changed[2] = locale.Clean(cols.Get(rec, "parent_code"))
		row.kind, changed[3] = locale.Clean(cols.Get(rec, "kind"))
		lv, _ := locale.Clean(cols.Get(rec, "level"))
		for j, f := range []string{"code", "name", "parent_code", "kind"} {
			if changed[j] {
				notices = append(notices, errs.Invalidf("import.notice.normalised").At(line, f))
			}
		}
		level, ok := levelNames[locale.Fold(lv)]
		switch {
		case row.name == "":
			problems = append(problems, errs.Invalidf("import.err.required").At(line, "name"))
		case !ok:
			problems = append(problems, errs.Invalidf("import.err.bad_level", "Value", lv).At(line, "level"))
		case level.Administrative() && row.code == "":
			problems = append(problems, errs.Invalidf("import.err.code_required").At(line, "code"))
		case level != LevelProvince && level.Administrative() && row.parentCode == "":
			problems = append(problems, errs.Invalidf("import.err.parent_required").At(line, "parent_code"))
		default:
			row.level = level
			if row.kind == "" {
				row.kind = kindFromName(row.name)
			}
			key := string(level) + "/" + row.code
			if row.code == "" {
				key = string(level) + "/" + row.parentCode + "/" + locale.Fold(row.name)
			}
			if first, dup := seen[key]; dup {
				problems = append(problems, errs.Invalidf("import.err.duplicate", "Code", row.code, "First", first).At(line, "code"))
				continue
			}
			seen[key] = line
			if row.code != "" && row.code == row.parentCode {
				problems = append(problems, errs.Invalidf("import.err.own_parent").At(line, "parent_code"))
				continue
			}
			rows = append(rows, row)
		}
	}
	return rows, append(problems, notices...), nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// resolveParents links each row to its parent: a row of the file first (the
// nearest level that may hold it), else a unit in force on d. It detects
// cycles among rows and orders rows parents first.
func resolveParents(rows []*listRow, snap *Snapshot, d day.Day) ([]*listRow, []*errs.Error) {
	byCode := map[string][]*listRow{}
	for _, r := range rows {
		if r.code != "" {
			byCode[r.code] = append(byCode[r.code], r)
		}
	}
	existing := snap.codeIndex(d)
	var problems []*errs.Error
	for _, r := range rows {
		if r.parentCode == "" {
			continue
		}
		var best *listRow
		for _, c := range byCode[r.parentCode] {
			if c != r && r.level.CanHangUnder(c.level) && (best == nil || c.level.depth() > best.level.depth()) {
				best = c
			}
		}
		if best != nil {
			r.parent = best
			continue
		}
		for _, l := range []Level{LevelVillage, LevelCommune, LevelDistrict, LevelProvince, LevelAgency, LevelCommittee, LevelOther} {
			if v := existing[string(l)+"/"+r.parentCode]; v != nil && r.level.CanHangUnder(v.Level) {
				r.parentUnit = v
				break
			}
		}
		if r.parentUnit == nil {
			problems = append(problems, errs.Invalidf("import.err.unknown_parent", "Code", r.parentCode, "Date", d.VN()).At(r.line, "parent_code"))
		}
	}
	// depth within the file, with cycle detection (only possible among
	// non-administrative rows, whose levels do not order them)
	state := map[*listRow]int{} // 1 visiting, 2 done
	var visit func(r *listRow) bool
	visit = func(r *listRow) bool {
		switch state[r] {
		case 1:
			return false
		case 2:
			return true
		}
		state[r] = 1
		if r.parent != nil {
			if !visit(r.parent) {
				return false
			}
			r.depth = r.parent.depth + 1
		}
		state[r] = 2
		return true
	}
	for _, r := range rows {
		if !visit(r) {
			problems = append(problems, errs.Invalidf("import.err.cycle", "Code", r.code).At(r.line, "parent_code"))
			state[r] = 2
		}
	}
	ordered := append([]*listRow(nil), rows...)
	sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].depth < ordered[j].depth })
	return ordered, problems
}

// importTarget is where a row's unit now stands during an import: its id
// and path after this import's changes so far.
type importTarget struct {
	id   int64
	path string
}

// ImportList loads a list of units in force on a date: units not yet in
// the tree are established, units whose name, kind or parent differ get a
// new version from that date, and units already as listed are left alone,
// so running the same file again changes nothing. Either every row is
// applied or, on any error, none.
func (s *Service) ImportList(ctx context.Context, actor *auth.Actor, r io.Reader, fileName string, c Change) (*ImportResult, error) {
	// whoever may import no level at all is refused before a byte of the
	// file is read; the levels in it are checked once it is
	if !MayEdit(actor, LevelVillage) {
		return nil, errs.ForbiddenErr()
	}
	rows, problems, err := parseUnitList(ctx, r, fileName)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Rows: len(rows)}
	for _, row := range rows {
		if (row.level.Administrative() && !actor.Can(auth.PermImportLists)) || !MayEdit(actor, row.level) {
			return nil, errs.ForbiddenErr().At(row.line, "level")
		}
	}
	ev, err := s.edit(ctx, actor, EventImport, c, func(snap *Snapshot, w *writer) error {
		d := c.Effective
		ordered, pp := resolveParents(rows, snap, d)
		problems = append(problems, pp...)
		if err := failOn(problems, res); err != nil {
			return err
		}
		return s.applyList(snap, actor, w, ordered, res, nil)
	})
	if err != nil {
		return nil, err
	}
	res.EventID = ev.ID
	return res, nil
}

// failOn splits problems into errors (returned, nothing applied) and
// notices (kept in the result).
func failOn(problems []*errs.Error, res *ImportResult) error {
	var bad []*errs.Error
	res.Notices = nil
	for _, p := range problems {
		if strings.HasPrefix(p.Key, "import.notice.") {
			res.Notices = append(res.Notices, p)
		} else {
			bad = append(bad, p)
		}
	}
	sort.SliceStable(bad, func(i, j int) bool { return bad[i].Row < bad[j].Row })
	return errs.List("import.err.rows", bad)
}

// applyList writes the rows of a list in parent-first order. continued maps
// a row to an existing unit that it continues (restructuring), if any.
func (s *Service) applyList(snap *Snapshot, actor *auth.Actor, w *writer, ordered []*listRow, res *ImportResult,
	continued map[*listRow]*Version) error {
	d := w.event.Effective
	existing := snap.codeIndex(d)
	placed := map[*listRow]importTarget{}
	written := progress.Begin(w.ctx, progress.Writing, len(ordered))
	for i, row := range ordered {
		written.Step(i)
		parentID, parentPath := snap.RootID, "/"+strconv.FormatInt(snap.RootID, 10)+"/"
		switch {
		case row.parent != nil:
			t := placed[row.parent]
			parentID, parentPath = t.id, t.path
		case row.parentUnit != nil:
			parentID, parentPath = row.parentUnit.UnitID, row.parentUnit.Path
		}
		if row.parent == nil && !snap.Covers(actor.ScopeUnitID, parentID) {
			return errs.ForbiddenErr().At(row.line, "parent_code")
		}
		cur := continued[row]
		if cur == nil {
			if row.code != "" {
				cur = existing[string(row.level)+"/"+row.code]
			} else {
				cur = childNamed(snap, parentID, row.level, row.name, d)
			}
		}
		if cur == nil {
			v := &Version{From: d, Code: row.code, Name: row.name, Level: row.level, Kind: row.kind, ParentID: parentID, Path: parentPath}
			if err := w.newUnit(v, "unit.establish"); err != nil {
				return err
			}
			placed[row] = importTarget{v.UnitID, v.Path}
			res.Created++
			continue
		}
		wantPath := childPath(parentPath, cur.UnitID)
		if cur.Name == row.name && cur.Kind == row.kind && cur.Code == row.code && cur.ParentID == parentID && cur.Path == wantPath {
			placed[row] = importTarget{cur.UnitID, cur.Path}
			res.Unchanged++
			continue
		}
		if hasLaterVersion(snap, cur.UnitID, d) {
			return errs.Invalidf("org.err.later_change", "Name", cur.Name, "Date", d.VN()).At(row.line, "code")
		}
		next := *cur
		next.Name, next.Kind, next.Code = row.name, row.kind, row.code
		if cur.Path != wantPath || cur.ParentID != parentID {
			// re-hang, and carry the unit's other sub-units (villages,
			// agencies) along to the new path
			renamed, err := w.replace(cur, withParent(next, parentID, wantPath), "unit.move")
			if err != nil {
				return err
			}
			if err := repathChildren(snap, w, row, cur.UnitID, renamed.Path, ordered); err != nil {
				return err
			}
		} else if _, err := w.replace(cur, next, "unit.rename"); err != nil {
			return err
		}
		placed[row] = importTarget{cur.UnitID, wantPath}
		res.Changed++
	}
	return nil
}

func withParent(v Version, parentID int64, path string) Version {
	v.ParentID, v.Path = parentID, path
	return v
}

// repathChildren moves the sub-units of a unit that is not in the list
// being imported (those in it are placed by their own rows) to its new path.
func repathChildren(snap *Snapshot, w *writer, row *listRow, id int64, path string, listed []*listRow) error {
	inList := map[string]bool{}
	for _, r := range listed {
		switch {
		case r.code != "":
			inList[string(r.level)+"/"+r.code] = true
		case r.parent == row: // an uncoded sub-unit listed under it, found by name
			inList["~"+string(r.level)+"/"+locale.Fold(r.name)] = true
		}
	}
	for _, c := range snap.Children(id, w.event.Effective) {
		if (c.Code != "" && inList[string(c.Level)+"/"+c.Code]) || (c.Code == "" && inList["~"+string(c.Level)+"/"+c.Folded]) {
			continue
		}
		if err := repath(snap, w, c, id, path, "unit.repath"); err != nil {
			return err
		}
	}
	return nil
}

// childNamed finds an uncoded unit by parent, level and name (for lists of
// departments or villages that carry no official code).
func childNamed(snap *Snapshot, parentID int64, l Level, name string, d day.Day) *Version {
	f := locale.Fold(name)
	for _, c := range snap.Children(parentID, d) {
		if c.Level == l && c.Folded == f {
			return c
		}
	}
	return nil
}

// mapRow is one row of a restructuring mapping.
type mapRow struct {
	line     int
	level    Level
	newCode  string
	oldCode  string
	oldName  string
	share    Share
	fraction *float64
	old      *Version // resolved old unit in force the day before
}

func parseMapping(r io.Reader, name string) ([]*mapRow, []*errs.Error, error) {
	t, err := sheet.Read(r, name)
	if err != nil {
		return nil, nil, errs.Invalidf("import.err.unreadable", "Reason", err).Because(err)
	}
	cols := sheet.MapColumns(t.Header, mergeColumns, locale.Fold)
	for _, c := range []string{"level", "new_code", "old_code", "share"} {
		if !cols.Has(c) {
			return nil, nil, errs.Invalidf("import.err.missing_column", "Column", c).At(1, c)
		}
	}
	var out []*mapRow
	var problems []*errs.Error
	seen := map[string]int{}
	for i, rec := range t.Rows {
		line := t.RowNumber(i)
		if blank(rec) {
			continue
		}
		m := &mapRow{line: line}
		lv := locale.CleanString(cols.Get(rec, "level"))
		m.newCode = locale.CleanString(cols.Get(rec, "new_code"))
		m.oldCode = locale.CleanString(cols.Get(rec, "old_code"))
		m.oldName = locale.CleanString(cols.Get(rec, "old_name"))
		sh := strings.ToLower(locale.CleanString(cols.Get(rec, "share")))
		level, ok := levelNames[locale.Fold(lv)]
		switch {
		case !ok || !level.Administrative():
			problems = append(problems, errs.Invalidf("import.err.bad_level", "Value", lv).At(line, "level"))
			continue
		case m.newCode == "":
			problems = append(problems, errs.Invalidf("import.err.required").At(line, "new_code"))
			continue
		case m.oldCode == "":
			problems = append(problems, errs.Invalidf("import.err.required").At(line, "old_code"))
			continue
		}
		switch locale.Fold(sh) {
		case "full", "toan bo", "":
			m.share = ShareFull
		case "partial", "mot phan":
			m.share = SharePartial
		default:
			problems = append(problems, errs.Invalidf("import.err.bad_share", "Value", sh).At(line, "share"))
			continue
		}
		if fs := locale.CleanString(cols.Get(rec, "fraction")); fs != "" {
			f, err := strconv.ParseFloat(strings.ReplaceAll(fs, ",", "."), 64)
			if err != nil || f <= 0 || f > 1 {
				problems = append(problems, errs.Invalidf("org.err.bad_fraction").At(line, "fraction"))
				continue
			}
			m.fraction = &f
		}
		m.level = level
		key := string(level) + "/" + m.newCode + "/" + m.oldCode
		if first, dup := seen[key]; dup {
			problems = append(problems, errs.Invalidf("import.err.duplicate", "Code", m.oldCode, "First", first).At(line, "old_code"))
			continue
		}
		seen[key] = line
		out = append(out, m)
	}
	return out, problems, nil
}

// Restructure applies a reorganisation: the list of units in force from the
// change's date, and the mapping from the old units (in force the day
// before) to the new ones. Within the provinces the mapping touches, every
// administrative unit that does not go on is ended; a new unit formed from
// exactly one whole old unit (and that old unit only) is the same unit
// going on under its new name, code or parent; every other new unit is new,
// linked to the old units it came from with their share. Sub-units that are
// not on official lists (villages, agencies) follow their unit to its
// successor. Running the same files again changes nothing.
func (s *Service) Restructure(ctx context.Context, actor *auth.Actor, units io.Reader, unitsName string,
	mapping io.Reader, mappingName string, c Change) (*ImportResult, error) {
	if !actor.Can(auth.PermImportLists) {
		return nil, errs.ForbiddenErr()
	}
	rows, problems, err := parseUnitList(ctx, units, unitsName)
	if err != nil {
		return nil, err
	}
	maps, mp, err := parseMapping(mapping, mappingName)
	if err != nil {
		if e, ok := errs.As(err); ok {
			e.File = mappingName
		}
		return nil, err
	}
	// both files have a level column: say which file each problem is in
	for _, p := range problems {
		p.File = unitsName
	}
	for _, p := range mp {
		p.File = mappingName
	}
	problems = append(problems, mp...)
	res := &ImportResult{Rows: len(rows) + len(maps)}
	ev, err := s.edit(ctx, actor, EventRestructure, c, func(snap *Snapshot, w *writer) error {
		d := c.Effective
		before := d.AddDays(-1)
		ordered, pp := resolveParents(rows, snap, d)
		problems = append(problems, pp...)
		newByKey := map[string]*listRow{}
		for _, r := range rows {
			newByKey[string(r.level)+"/"+r.code] = r
		}
		oldIdx := snap.codeIndex(before)
		// the old provinces each new province was formed from, to look up
		// old communes by name only where they can be
		oldProvinces := map[string][]int64{}
		for _, m := range maps {
			if m.level == LevelProvince {
				if v := oldIdx[string(LevelProvince)+"/"+m.oldCode]; v != nil {
					oldProvinces[m.newCode] = append(oldProvinces[m.newCode], v.UnitID)
				}
			}
		}
		for _, m := range maps {
			n := newByKey[string(m.level)+"/"+m.newCode]
			if n == nil {
				problems = append(problems, errs.Invalidf("import.err.new_not_listed", "Code", m.newCode).At(m.line, "new_code"))
				continue
			}
			var within []int64
			if n.parent != nil {
				within = oldProvinces[n.parent.code]
			}
			m.old = resolveOld(oldIdx, m, within)
			if m.old == nil {
				problems = append(problems, errs.Invalidf("import.notice.old_not_found", "Code", m.oldCode, "Name", m.oldName, "Date", before.VN()).At(m.line, "old_code"))
			} else if m.old.Code != m.oldCode {
				problems = append(problems, errs.Invalidf("import.notice.old_by_name", "Code", m.oldCode, "Name", m.oldName, "Found", m.old.Code).At(m.line, "old_code"))
			}
		}
		if err := failOn(problems, res); err != nil {
			return err
		}
		return s.applyRestructure(snap, actor, w, ordered, maps, newByKey, res)
	})
	if err != nil {
		return nil, err
	}
	res.EventID = ev.ID
	return res, nil
}

// resolveOld finds the old unit a mapping row names: by code at its level;
// else at district level (island districts without communes became special
// zones); else by name, if exactly one unit of that level bears it within
// the old provinces the new unit's province was formed from.
func resolveOld(idx map[string]*Version, m *mapRow, within []int64) *Version {
	if v := idx[string(m.level)+"/"+m.oldCode]; v != nil {
		return v
	}
	if m.level == LevelCommune {
		if v := idx[string(LevelDistrict)+"/"+m.oldCode]; v != nil {
			return v
		}
	}
	if m.oldName == "" || len(within) == 0 {
		return nil
	}
	f := locale.Fold(m.oldName)
	var found *Version
	for _, v := range idx {
		if v.Level == m.level && v.Folded == f && insideAny(v.Path, within) {
			if found != nil {
				return nil // ambiguous: better no link than a wrong one
			}
			found = v
		}
	}
	return found
}

func insideAny(path string, ids []int64) bool {
	for _, id := range ids {
		if containsID(path, id) {
			return true
		}
	}
	return false
}

func (s *Service) applyRestructure(snap *Snapshot, actor *auth.Actor, w *writer, ordered []*listRow, maps []*mapRow,
	newByKey map[string]*listRow, res *ImportResult) error {
	d := w.event.Effective
	before := d.AddDays(-1)
	preds := map[*listRow][]*mapRow{}
	succs := map[int64][]*mapRow{}
	for _, m := range maps {
		if m.old == nil {
			continue
		}
		n := newByKey[string(m.level)+"/"+m.newCode]
		preds[n] = append(preds[n], m)
		succs[m.old.UnitID] = append(succs[m.old.UnitID], m)
	}
	// which new units are old ones going on
	continued := map[*listRow]*Version{}
	goesOn := map[int64]bool{}
	for n, ms := range preds {
		if len(ms) == 1 && ms[0].share == ShareFull && len(succs[ms[0].old.UnitID]) == 1 && ms[0].old.Level == n.level {
			old := ms[0].old
			if cur := snap.At(old.UnitID, d); cur != nil {
				continued[n] = cur
			} else {
				continued[n] = old
			}
			goesOn[old.UnitID] = true
		}
	}
	// the affected area: the old provinces the mapping names, and below
	affected := map[int64]*Version{}
	for _, m := range maps {
		if m.old == nil || m.old.Level != LevelProvince {
			continue
		}
		snap.Walk(m.old.UnitID, before, func(v *Version) bool {
			if v.Level.Administrative() {
				affected[v.UnitID] = v
			}
			return true
		})
	}
	for _, m := range maps { // communes named without their province
		if m.old != nil {
			affected[m.old.UnitID] = m.old
		}
	}
	// end the old units that do not go on; remember their other sub-units
	var orphans []*Version
	endedAt := map[int64]bool{}
	ids := make([]int64, 0, len(affected))
	for id := range affected {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if goesOn[id] {
			continue
		}
		cur := snap.At(id, d)
		if cur == nil {
			continue // ended already (a re-run)
		}
		if !cur.From.Before(d) {
			continue // a unit that began on d is one of the new ones
		}
		for _, c := range snap.Children(id, d) {
			if !c.Level.Administrative() {
				orphans = append(orphans, c)
			}
		}
		if hasLaterVersion(snap, id, d) {
			return errs.Invalidf("org.err.later_change", "Name", cur.Name, "Date", d.VN())
		}
		if err := w.dissolve(cur, "unit.dissolve"); err != nil {
			return err
		}
		endedAt[id] = true
		res.Ended++
	}
	// the new list: continuing units get their new version, others are created
	if err := s.applyList(snapWithout(snap, endedAt, d), actor, w, ordered, res, continued); err != nil {
		return err
	}
	// lineage, for new units only: a unit going on is its own history
	newID := map[string]int64{}
	after, err := load(w.ctx, w.tx)
	if err != nil {
		return err
	}
	idx := after.codeIndex(d)
	for key := range newByKey {
		if v := idx[key]; v != nil {
			newID[key] = v.UnitID
		}
	}
	for _, m := range maps {
		if m.old == nil {
			continue
		}
		succ := newID[string(m.level)+"/"+m.newCode]
		if succ == 0 || succ == m.old.UnitID {
			continue
		}
		added, err := w.link(m.old.UnitID, succ, m.share, m.fraction)
		if err != nil {
			return err
		}
		if added {
			res.Links++
		}
	}
	// sub-units of ended units follow to the successor that took most
	for _, o := range orphans {
		to := heir(after, succs, o.ParentID, newID, d)
		if to == nil {
			continue
		}
		if err := repath(after, w, after.At(o.UnitID, d), to.UnitID, to.Path, "unit.move"); err != nil {
			return err
		}
	}
	return nil
}

// snapWithout hides, for lookups on d, the units this restructuring has just
// ended, so a new unit that reuses an old code is created rather than
// mistaken for the old one.
func snapWithout(snap *Snapshot, ended map[int64]bool, d day.Day) *Snapshot {
	if len(ended) == 0 {
		return snap
	}
	var vs []*Version
	for _, v := range snap.all {
		if ended[v.UnitID] && v.ValidAt(d) {
			c := *v
			c.To = d
			vs = append(vs, &c)
			continue
		}
		vs = append(vs, v)
	}
	var links []Link
	for _, ls := range snap.succs {
		links = append(links, ls...)
	}
	var events []*Event
	for _, e := range snap.events {
		events = append(events, e)
	}
	return newSnapshot(snap.Generation, vs, links, events)
}

// heir is the unit that takes over the sub-units of ended unit id: its
// successor with a full share, else its largest partial one, else its
// parent's heir (a district's agencies go to its province's successor).
func heir(snap *Snapshot, succs map[int64][]*mapRow, id int64, newID map[string]int64, d day.Day) *Version {
	for depth := 0; id != 0 && depth < 8; depth++ {
		if v := snap.At(id, d); v != nil {
			return v // went on
		}
		var best *mapRow
		for _, m := range succs[id] {
			if best == nil || (m.share == ShareFull && best.share != ShareFull) ||
				(m.fraction != nil && (best.fraction == nil || *m.fraction > *best.fraction)) {
				best = m
			}
		}
		if best != nil {
			if v := snap.At(newID[string(best.level)+"/"+best.newCode], d); v != nil {
				return v
			}
		}
		prev := snap.At(id, d.AddDays(-1))
		if prev == nil {
			return nil
		}
		id = prev.ParentID
	}
	return nil
}
