package assess

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// A results sheet is one row per unit: its code or name, optionally the
// year, then any of the index, the rank, out of how many, the source, and
// one column per main indicator, headed by its code or its name ("Nhận
// thức số", "Chỉ số Nhận thức số", "NT1"), each a value from 0 to 1 as the
// ministry publishes it (0,8241 or 0.8241).

var resultColumns = []fwColumn{
	{"code", label{"Mã", "Code"}, 8, label{}},
	{"unit", label{"Đơn vị", "Unit"}, 28, label{"Tên tỉnh, thành phố (hoặc bộ, ngành) như trong danh sách", "The unit's name as listed"}},
	{"year", label{"Năm", "Year"}, 8, label{}},
	{"dti", label{"Chỉ số DTI", "DTI"}, 10, label{"Từ 0 đến 1", "From 0 to 1"}},
	{"rank", label{"Xếp hạng", "Rank"}, 8, label{}},
	{"rank_of", label{"Trên", "Out of"}, 8, label{}},
	{"source", label{"Nguồn", "Source"}, 30, label{}},
}

var resultAliases = map[string][]string{
	"code":    {"ma", "ma tinh", "ma don vi", "code", "unit code"},
	"unit":    {"don vi", "tinh", "tinh thanh pho", "tinh, thanh pho", "ten", "ten tinh", "cac tinh thanh pho truc thuoc tw", "bo nganh", "unit", "province", "name"},
	"year":    {"nam", "year"},
	"dti":     {"chi so dti", "dti", "gia tri dti", "chi so", "index", "pdti", "chuyen doi so cap tinh pdti", "chuyen doi so cap tinh"},
	"rank":    {"xep hang", "hang", "xep hang dti", "rank"},
	"rank_of": {"tren", "so don vi", "tong so", "out of", "of"},
	"source":  {"nguon", "source"},
}

// ResultImport says what a results sheet holds: the family and, for rows
// without a year, the year; Today names units on today's tree.
type ResultImport struct {
	Family string `json:"family"`
	Year   int    `json:"year"`
	Today  bool   `json:"today"`
	Source string `json:"source"`
}

// ResultImportSummary is what an import wrote.
type ResultImportSummary struct {
	Rows  int   `json:"rows"`
	Saved int   `json:"saved"`
	Years []int `json:"years"`
}

// ImportResults reads published results from a sheet and stores them, all
// or nothing: an unknown unit, a year no framework serves, a value out of
// range or a column that is no main indicator is reported by row and
// column, and nothing is written.
func (s *Service) ImportResults(ctx context.Context, actor *auth.Actor, r io.Reader, name string, o ResultImport) (*ResultImportSummary, error) {
	if !mayRecord(actor) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	o.Family = strings.ToUpper(strings.TrimSpace(o.Family))
	if o.Family == "" {
		o.Family = DTIFamily
	}
	if o.Year != 0 && (o.Year < 2000 || o.Year > 2100) {
		return nil, errs.Invalidf("indicator.err.bad_year", "Value", o.Year).At(0, "year")
	}
	tab, err := sheet.Read(r, name)
	if err != nil {
		return nil, errs.Invalidf("import.err.unreadable", "Reason", err).Because(err)
	}
	cols := sheet.MapColumns(tab.Header, resultAliases, headerKey)
	if !cols.Has("code") && !cols.Has("unit") {
		return nil, errs.Invalidf("import.err.missing_column", "Column", "unit").At(1, "unit")
	}
	if !cols.Has("year") && o.Year == 0 {
		return nil, errs.Invalidf("assess.err.year_needed").At(0, "year")
	}
	// the other columns are main indicators, matched per framework
	known := map[string]bool{"stt": true, "tt": true, "so thu tu": true, "": true}
	for _, al := range resultAliases {
		for _, a := range al {
			known[headerKey(a)] = true
		}
	}
	var extra []int
	for i, h := range tab.Header {
		if !known[headerKey(h)] {
			extra = append(extra, i)
		}
	}
	type fwCols struct {
		f     *Framework
		codes map[int]string // column → main code
	}
	frames := map[int]*fwCols{}
	var bad []*errs.Error
	reported := map[string]bool{}
	frameFor := func(year, line int) *fwCols {
		if fc, ok := frames[year]; ok {
			return fc
		}
		f, err := s.frameworkSeen(ctx, t, o.Family, year)
		if err != nil {
			e, _ := errs.As(err)
			if e == nil {
				e = errs.New(errs.Internal, "err.internal").Because(err)
			}
			bad = append(bad, e.At(line, "year"))
			frames[year] = nil
			return nil
		}
		fc := &fwCols{f: f, codes: map[int]string{}}
		for _, i := range extra {
			h := headerKey(tab.Header[i])
			for _, m := range f.Mains() {
				n := headerKey(m.NameVI)
				if h == headerKey(m.Code) || h == n || h == "chi so "+n || h == headerKey(m.NameEN) {
					fc.codes[i] = m.Code
				}
			}
			if _, ok := fc.codes[i]; !ok && !reported[tab.Header[i]] {
				reported[tab.Header[i]] = true
				bad = append(bad, errs.Invalidf("assess.err.unknown_column", "Column", tab.Header[i], "Framework", f.NameVI).At(1, tab.Header[i]))
			}
		}
		frames[year] = fc
		return fc
	}
	type row struct {
		in ResultInput
		d  day.Day
	}
	var rows []row
	sum := &ResultImportSummary{}
	seen := map[string]int{}
	years := map[int]bool{}
	for i, rec := range tab.Rows {
		line := tab.RowNumber(i)
		get := func(k string) string { return strings.TrimSpace(cols.Get(rec, k)) }
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		sum.Rows++
		in := ResultInput{Family: o.Family, Year: o.Year, Today: o.Today, Source: o.Source, Values: map[string]float64{}}
		if v := get("source"); v != "" {
			in.Source = v
		}
		if v := get("year"); v != "" {
			y, ok := parseSheetNumber(v)
			if !ok || y != math.Trunc(y) || y < 2000 || y > 2100 {
				bad = append(bad, errs.Invalidf("indicator.err.bad_year", "Value", v).At(line, "year"))
				continue
			}
			in.Year = int(y)
		}
		if in.Year == 0 {
			bad = append(bad, errs.Invalidf("import.err.required").At(line, "year"))
			continue
		}
		fc := frameFor(in.Year, line)
		if fc == nil {
			continue
		}
		d := s.treeDate(t.Snapshot, fc.f.Level, &in)
		u := FindUnit(t.Snapshot, fc.f.Level, d, get("code"), get("unit"))
		if u == nil {
			what := get("unit")
			if what == "" {
				what = get("code")
			}
			field := "unit"
			if !cols.Has("unit") {
				field = "code"
			}
			bad = append(bad, errs.Invalidf("assess.err.unknown_named_unit", "Name", what, "Date", d.VN()).At(line, field))
			continue
		}
		in.UnitID = u.UnitID
		key := fmt.Sprintf("%d/%d", in.Year, u.UnitID)
		if first, dup := seen[key]; dup {
			bad = append(bad, errs.Invalidf("assess.err.duplicate_result", "Name", u.Name, "Year", in.Year, "First", first).At(line, "unit"))
			continue
		}
		seen[key] = line
		num := func(field, v string) (float64, bool) {
			x, ok := parseSheetNumber(v)
			if !ok {
				bad = append(bad, errs.Invalidf("assess.err.not_number", "Value", v).At(line, field))
			}
			return x, ok
		}
		if v := get("dti"); v != "" {
			if x, ok := num("dti", v); ok {
				in.DTI = &x
			}
		}
		for _, k := range []struct {
			field string
			to    *int
		}{{"rank", &in.Rank}, {"rank_of", &in.RankOf}} {
			if v := get(k.field); v != "" {
				if x, ok := num(k.field, v); ok {
					if x != math.Trunc(x) || x < 1 {
						bad = append(bad, errs.Invalidf("assess.err.rank", "Rank", v, "Of", get("rank_of")).At(line, k.field))
					} else {
						*k.to = int(x)
					}
				}
			}
		}
		for col, code := range fc.codes {
			v := ""
			if col < len(rec) {
				v = strings.TrimSpace(rec[col])
			}
			if v == "" {
				continue
			}
			if x, ok := num(tab.Header[col], v); ok {
				in.Values[code] = x
			}
		}
		for _, e := range checkResult(t, fc.f, &in, line, d) {
			if e.Field == "unit_id" {
				e.Field = "unit"
			}
			for col, code := range fc.codes {
				if e.Field == code {
					e.Field = tab.Header[col]
				}
			}
			bad = append(bad, e)
		}
		years[in.Year] = true
		rows = append(rows, row{in, d})
	}
	if len(bad) > 0 {
		return sum, errs.List("import.err.rows", bad)
	}
	if len(rows) == 0 {
		return sum, errs.Invalidf("assess.err.no_rows").At(0, "file")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var entries []audit.Entry
		for _, r := range rows {
			e, err := s.writeResult(ctx, tx, actor, r.in, r.d)
			if err != nil {
				return err
			}
			entries = append(entries, e)
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
	if err != nil {
		return sum, err
	}
	sum.Saved = len(rows)
	for y := range years {
		sum.Years = append(sum.Years, y)
	}
	return sum, nil
}

// FindUnit finds a unit of a framework's level on a date by its code or,
// failing that, its name written with or without the kind ("Gia Lai",
// "Tỉnh Gia Lai", "TP. Hồ Chí Minh").
func FindUnit(snap *org.Snapshot, l Level, d day.Day, code, name string) *org.Version {
	var cands []*org.Version
	collect := func(v *org.Version) bool {
		if levelFits(snap, l, v, d) {
			cands = append(cands, v)
		}
		return true
	}
	if l == LevelProvince || l == LevelMinistry {
		for _, v := range snap.Children(snap.RootID, d) {
			collect(v)
		}
	} else {
		snap.Walk(snap.RootID, d, collect)
	}
	if code = strings.TrimSpace(code); code != "" {
		for _, v := range cands {
			if v.Code == code {
				return v
			}
		}
		return nil
	}
	want := bareName(name)
	if want == "" {
		return nil
	}
	var found *org.Version
	for _, v := range cands {
		if bareName(v.Name) == want {
			if found != nil {
				return nil // two units answer to the name: ask for the code
			}
			found = v
		}
	}
	return found
}

// bareName is a unit's name without its kind, case, diacritics or
// punctuation: "TP. Hồ Chí Minh" and "Thành phố Hồ Chí Minh" are one.
func bareName(s string) string {
	k := headerKey(s)
	for _, p := range []string{"thanh pho ", "tp ", "tinh ", "bo ", "xa ", "phuong ", "so "} {
		k = strings.TrimPrefix(k, p)
	}
	return strings.ReplaceAll(k, " ", "")
}

// ExportResults writes a year's results in the layout the import reads.
func (s *Service) ExportResults(ctx context.Context, actor *auth.Actor, family string, year int, mode, lang string, out io.Writer) error {
	rk, err := s.OfficialResults(ctx, actor, family, year, mode)
	if err != nil {
		return err
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	var cols []sheet.Column
	for _, c := range resultColumns[:3] {
		cols = append(cols, sheet.Column{Header: c.head.in(lang), Width: c.width, Note: c.note.in(lang)})
	}
	for _, m := range rk.Mains {
		cols = append(cols, sheet.Column{Header: m.Name(lang), Width: 14})
	}
	for _, c := range resultColumns[3:] {
		cols = append(cols, sheet.Column{Header: c.head.in(lang), Width: c.width, Note: c.note.in(lang)})
	}
	restated := label{"Tính lại theo đơn vị hiện nay", "Restated to today's units"}
	title := fmt.Sprintf("%s %d", rk.Family, year)
	sh, err := wb.AddSheet(title, cols, 0)
	if err != nil {
		return err
	}
	for _, o := range rk.Rows {
		row := []any{o.Code, o.Name, o.Year}
		for _, m := range rk.Mains {
			if v, ok := o.Values[m.Code]; ok {
				row = append(row, v)
			} else {
				row = append(row, nil)
			}
		}
		var dti any
		if o.DTI != nil {
			dti = *o.DTI
		}
		rank, of := o.Standing()
		src := o.Source
		if o.Restated {
			var names []string
			for _, p := range o.From {
				names = append(names, p.Name)
			}
			src = restated.in(lang) + ": " + strings.Join(names, ", ")
		}
		row = append(row, dti, intOrNil(rank), intOrNil(of), src)
		if err := sh.Append(row...); err != nil {
			return err
		}
	}
	return wb.Write(out)
}

func intOrNil(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
