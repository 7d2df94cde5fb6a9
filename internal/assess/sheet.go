package assess

import (
	"context"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// A framework sheet is one row per node, in order, each naming its parent
// by code; a first row of kind "Bộ chỉ số" (framework) carries the
// framework's own code (its family), names, total, basis, level and years.
// Export writes it, import reads it back: an exported framework imported
// again is the same framework.

// label is a text in both languages.
type label struct{ vi, en string }

func (l label) in(lang string) string {
	if lang == "en" {
		return l.en
	}
	return l.vi
}

type fwColumn struct {
	key   string
	head  label
	width float64
	note  label
}

var fwColumns = []fwColumn{
	{"code", label{"Mã (*)", "Code (*)"}, 12, label{}},
	{"parent", label{"Mã cấp trên", "Parent code"}, 12, label{"Để trống với nhóm, trụ cột", "Empty for a pillar"}},
	{"kind", label{"Loại", "Kind"}, 16, label{"Bộ chỉ số, Trụ cột, Chỉ số chính, Chỉ số thành phần; để trống: theo vị trí", "Framework, Pillar, Main indicator, Component; empty: from the place in the tree"}},
	{"name_vi", label{"Tên (*)", "Name in Vietnamese (*)"}, 48, label{}},
	{"name_en", label{"Tên tiếng Anh", "Name in English"}, 32, label{}},
	{"max_score", label{"Điểm tối đa", "Maximum score"}, 10, label{"Để trống nếu chưa xác nhận: tạm chia đều phần còn lại của mục cha",
		"Empty when not confirmed: an equal share of what the parent leaves, provisionally"}},
	{"method", label{"Cách chấm", "Scoring"}, 20, label{"Cộng điểm, Chấm theo minh chứng, Theo ngưỡng, Tỷ lệ thuận", "Sum, Judgement, Thresholds, Linear"}},
	{"indicator", label{"Mã chỉ số", "Indicator code"}, 18, label{}},
	{"thresholds", label{"Ngưỡng (giá trị:điểm)", "Thresholds (value:score)"}, 18, label{"Ví dụ 50:5; 80:8; 100:10", "e.g. 50:5; 80:8; 100:10"}},
	{"lo", label{"Giá trị ứng với 0 điểm", "Value scoring 0"}, 10, label{}},
	{"hi", label{"Giá trị ứng với điểm tối đa", "Value scoring the maximum"}, 10, label{}},
	{"guidance", label{"Hướng dẫn, minh chứng", "Guidance, evidence"}, 30, label{}},
	{"collection", label{"Cách thu thập", "Collected"}, 16, label{"Đo lường tự động, Báo cáo có kiểm chứng", "Measured automatically, Reported and verified"}},
	{"continues", label{"Kế thừa mã (phiên bản trước)", "Continues code (previous version)"}, 14, label{}},
	{"provenance", label{"Nguồn", "Source"}, 40, label{}},
	{"to_fill", label{"Cần điền", "To fill in"}, 22, label{"Những số liệu chưa xác nhận: tên; điểm tối đa; cách chấm; chỉ số thành phần",
		"Figures not confirmed: name; maximum score; scoring; components"}},
	{"basis", label{"Căn cứ", "Basis"}, 30, label{"Chỉ ở dòng Bộ chỉ số", "Framework row only"}},
	{"level", label{"Cấp được đánh giá", "Assesses"}, 14, label{"Chỉ ở dòng Bộ chỉ số: Tỉnh, Bộ, Sở, Xã", "Framework row only: Province, Ministry, Department, Commune"}},
	{"year_from", label{"Áp dụng từ năm", "From year"}, 10, label{}},
	{"year_to", label{"Đến năm", "To year"}, 10, label{}},
}

const kindFramework = "framework"

var kindLabels = map[string]label{
	kindFramework:     {"Bộ chỉ số", "Framework"},
	string(Pillar):    {"Trụ cột", "Pillar"},
	string(Main):      {"Chỉ số chính", "Main indicator"},
	string(Criterion): {"Chỉ số thành phần", "Component"},
}

var methodLabels = map[string]label{
	string(Sum):       {"Cộng điểm", "Sum"},
	string(Judgement): {"Chấm theo minh chứng", "Judgement"},
	string(Threshold): {"Theo ngưỡng", "Thresholds"},
	string(Linear):    {"Tỷ lệ thuận", "Linear"},
}

var collectionLabels = map[string]label{
	string(CollectAuto):     {"Đo lường tự động", "Measured automatically"},
	string(CollectVerified): {"Báo cáo có kiểm chứng", "Reported and verified"},
}

var fieldLabels = map[string]label{
	string(FieldName):       {"tên", "name"},
	string(FieldMax):        {"điểm tối đa", "maximum score"},
	string(FieldMethod):     {"cách chấm", "scoring"},
	string(FieldComponents): {"chỉ số thành phần", "components"},
}

var levelLabels = map[string]label{
	string(LevelProvince):   {"Tỉnh", "Province"},
	string(LevelMinistry):   {"Bộ", "Ministry"},
	string(LevelDepartment): {"Sở", "Department"},
	string(LevelCommune):    {"Xã", "Commune"},
}

// more words accepted on import
var choiceAliases = map[string]string{
	"tieu chi": string(Criterion), "criterion": string(Criterion), "nhom chi so": string(Pillar), "nhom": string(Pillar),
	"tu danh gia": string(Judgement), "tong": string(Sum), "nguong": string(Threshold), "tuyen tinh": string(Linear),
	"tu dong": string(CollectAuto), "co kiem chung": string(CollectVerified), "diem": string(FieldMax), "thanh phan": string(FieldComponents),
	"cap tinh": string(LevelProvince), "cap bo": string(LevelMinistry), "cap xa": string(LevelCommune),
}

// choice reads a cell of a choice column: a key or a label in either
// language, without case or diacritics; ok false if nothing matches.
func choice(v string, labels map[string]label) (string, bool) {
	k := headerKey(v)
	if k == "" {
		return "", true
	}
	for key, l := range labels {
		if k == headerKey(key) || k == headerKey(l.vi) || k == headerKey(l.en) {
			return key, true
		}
	}
	if key, ok := choiceAliases[k]; ok {
		if _, ok := labels[key]; ok {
			return key, true
		}
	}
	return "", false
}

// headerKey compares headers and choices without case, diacritics or
// punctuation.
func headerKey(h string) string {
	return strings.Join(strings.FieldsFunc(locale.Fold(h), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_')
	}), " ")
}

func fwAliases() map[string][]string {
	out := map[string][]string{}
	for _, c := range fwColumns {
		out[c.key] = []string{c.key, c.head.vi, c.head.en, strings.TrimSuffix(c.head.vi, " (*)"), strings.TrimSuffix(c.head.en, " (*)")}
	}
	return out
}

// ExportFramework writes a framework as a sheet, in the language asked
// (import reads either).
func (s *Service) ExportFramework(ctx context.Context, actor *auth.Actor, id int64, lang string, out io.Writer) error {
	f, err := s.Framework(ctx, actor, id)
	if err != nil {
		return err
	}
	return writeFrameworkSheet(f, lang, out)
}

func writeFrameworkSheet(f *Framework, lang string, out io.Writer) error {
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	cols := make([]sheet.Column, len(fwColumns))
	for i, c := range fwColumns {
		cols[i] = sheet.Column{Header: c.head.in(lang), Width: c.width, Note: c.note.in(lang)}
	}
	title := label{"Bộ chỉ số", "Framework"}.in(lang)
	sh, err := wb.AddSheet(title, cols, 0)
	if err != nil {
		return err
	}
	row := func(vals map[string]any) error {
		r := make([]any, len(fwColumns))
		for i, c := range fwColumns {
			r[i] = vals[c.key]
		}
		return sh.Append(r...)
	}
	level := ""
	if f.Level != "" {
		level = levelLabels[string(f.Level)].in(lang)
	}
	years := func(y int) any {
		if y == 0 {
			return nil
		}
		return y
	}
	if err := row(map[string]any{"code": f.Family, "kind": kindLabels[kindFramework].in(lang), "name_vi": f.NameVI, "name_en": f.NameEN,
		"max_score": f.Max(), "provenance": f.Provenance, "basis": f.Basis, "level": level, "year_from": years(f.YearFrom), "year_to": years(f.YearTo)}); err != nil {
		return err
	}
	var werr error
	f.Walk(func(n *Node, _ int) {
		if werr != nil {
			return
		}
		v := map[string]any{"code": n.Code, "kind": kindLabels[string(n.Kind)].in(lang), "name_vi": n.NameVI, "name_en": n.NameEN,
			"max_score": n.Max, "method": methodLabels[string(n.Method)].in(lang), "guidance": n.Guidance, "continues": n.Continues,
			"provenance": n.Provenance}
		if p := f.Node(n.ParentID); p != nil {
			v["parent"] = p.Code
		}
		if n.Indicator != "" {
			v["indicator"] = n.Indicator
		}
		if n.Method == Threshold {
			v["thresholds"] = n.StepsText()
		}
		if n.Lo != nil {
			v["lo"] = *n.Lo
		}
		if n.Hi != nil {
			v["hi"] = *n.Hi
		}
		if n.Collection != "" {
			v["collection"] = collectionLabels[string(n.Collection)].in(lang)
		}
		var fill []string
		for _, x := range n.ToFill {
			fill = append(fill, fieldLabels[string(x)].in(lang))
		}
		v["to_fill"] = strings.Join(fill, "; ")
		werr = row(v)
	})
	if werr != nil {
		return werr
	}
	return wb.Write(out)
}

// ReadFrameworkSheet reads a framework sheet into a Def. Problems of the
// sheet itself (unreadable, a missing column, a cell that is not a number
// or not one of the choices) are reported by row and column; the tree is
// checked when the Def is imported.
func ReadFrameworkSheet(r io.Reader, name string) (*Def, error) {
	tab, err := sheet.Read(r, name)
	if err != nil {
		return nil, errs.Invalidf("import.err.unreadable", "Reason", err).Because(err)
	}
	cols := sheet.MapColumns(tab.Header, fwAliases(), headerKey)
	for _, c := range []string{"code", "name_vi"} {
		if !cols.Has(c) {
			return nil, errs.Invalidf("import.err.missing_column", "Column", c).At(1, c)
		}
	}
	d := &Def{}
	var bad []*errs.Error
	framed := false
	for i, rec := range tab.Rows {
		line := tab.RowNumber(i)
		get := func(k string) string { return strings.TrimSpace(cols.Get(rec, k)) }
		empty := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		num := func(k string) *float64 {
			v := get(k)
			if v == "" {
				return nil
			}
			f, ok := parseSheetNumber(v)
			if !ok {
				bad = append(bad, errs.Invalidf("assess.err.not_number", "Value", v).At(line, k))
				return nil
			}
			return &f
		}
		pick := func(k string, labels map[string]label) string {
			v, ok := choice(get(k), labels)
			if !ok {
				bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", get(k)).At(line, k))
			}
			return v
		}
		kind := pick("kind", kindLabels)
		if kind == kindFramework {
			if framed {
				bad = append(bad, errs.Invalidf("assess.err.two_frameworks").At(line, "kind"))
				continue
			}
			framed = true
			d.Family, d.NameVI, d.NameEN, d.Basis, d.Provenance = get("code"), get("name_vi"), get("name_en"), get("basis"), get("provenance")
			d.Total = num("max_score")
			d.Level = Level(pick("level", levelLabels))
			for _, y := range []struct {
				key string
				to  *int
			}{{"year_from", &d.YearFrom}, {"year_to", &d.YearTo}} {
				if v := num(y.key); v != nil {
					if *v != math.Trunc(*v) {
						bad = append(bad, errs.Invalidf("indicator.err.bad_year", "Value", get(y.key)).At(line, y.key))
					}
					*y.to = int(*v)
				}
			}
			continue
		}
		dr := DefRow{Line: line, Code: get("code"), Parent: get("parent"), Kind: NodeKind(kind), NameVI: get("name_vi"), NameEN: get("name_en"),
			Max: num("max_score"), Method: Method(pick("method", methodLabels)), Indicator: get("indicator"), Thresholds: get("thresholds"),
			Lo: num("lo"), Hi: num("hi"), Guidance: get("guidance"), Collection: Collection(pick("collection", collectionLabels)),
			Continues: get("continues"), Provenance: get("provenance")}
		for _, part := range strings.FieldsFunc(get("to_fill"), func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
			f, ok := choice(part, fieldLabels)
			if !ok {
				bad = append(bad, errs.Invalidf("indicator.err.bad_choice", "Value", strings.TrimSpace(part)).At(line, "to_fill"))
				continue
			}
			dr.ToFill = append(dr.ToFill, Field(f))
		}
		d.Rows = append(d.Rows, dr)
	}
	if len(bad) > 0 {
		return nil, errs.List("import.err.rows", bad)
	}
	return d, nil
}

// ImportFrameworkSheet reads a sheet and stores it as a new framework.
// Family, names and basis typed in the form fill in what the sheet leaves
// empty.
func (s *Service) ImportFrameworkSheet(ctx context.Context, actor *auth.Actor, r io.Reader, name string, defaults Def, o DefOptions) (*Framework, error) {
	if !mayDesign(actor) {
		return nil, errs.ForbiddenErr()
	}
	d, err := ReadFrameworkSheet(r, name)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(defaults.Family) != "" {
		d.Family = defaults.Family
	}
	if d.NameVI == "" {
		d.NameVI, d.NameEN = defaults.NameVI, defaults.NameEN
	}
	if d.Basis == "" {
		d.Basis = defaults.Basis
	}
	o.Pending = false // a sheet names indicators that exist
	return s.ImportFramework(ctx, actor, d, o)
}

var viThousandsGroups = regexp.MustCompile(`^-?[1-9]\d{0,2}(\.\d{3})+$`)

// parseSheetNumber reads a number from a cell: a spreadsheet's plain
// 0.8241, or as typed in Vietnamese (0,8241; 1.000).
func parseSheetNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	switch {
	case strings.Contains(s, ","):
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	case viThousandsGroups.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
