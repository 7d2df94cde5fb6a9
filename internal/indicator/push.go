package indicator

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
	jobprogress "github.com/mangluoi/mangluoi/internal/progress"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// PushRow is one value another system sends, or one cell of a file: the
// indicator's code, the unit (by id, or by official code as of the
// period), the period and the value.
type PushRow struct {
	Indicator string `json:"indicator"`
	UnitID    int64  `json:"unit_id,omitempty"`
	UnitCode  string `json:"unit_code,omitempty"`
	Period    string `json:"period"`
	Value     Flex   `json:"value"`
	Comment   string `json:"comment,omitempty"`
	Row       int    `json:"-"`
}

// PushInput is a batch of values, written all or nothing; Submit submits
// each report they belong to.
type PushInput struct {
	Values []PushRow `json:"values"`
	Submit bool      `json:"submit"`
}

// PushResult says what a batch did.
type PushResult struct {
	Values      int           `json:"values"`
	Submissions []*Submission `json:"submissions"`
}

// MaxPush bounds one batch.
const MaxPush = 20000

// Push stores a batch of values from another system or a file. Each value
// goes into the report of the form that collects its indicator from its
// unit; every rule of the form applies; any bad row refuses the batch.
func (s *Service) Push(ctx context.Context, actor *auth.Actor, in PushInput, lang, source string) (*PushResult, error) {
	if len(in.Values) == 0 {
		return nil, errs.Invalidf("indicator.err.no_values").At(0, "values")
	}
	if len(in.Values) > MaxPush {
		return nil, errs.Invalidf("indicator.err.too_many", "Max", MaxPush).At(0, "values")
	}
	if !actor.Can(auth.PermEnterData) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	forms, err := s.Forms(ctx, actor)
	if err != nil {
		return nil, err
	}
	type gkey struct {
		form, unit int64
		period     string
	}
	groups := map[gkey]*group{}
	var order []gkey
	var bad []*errs.Error
	// checking is told as half done when every value has been read, and
	// done when every group of values has been prepared
	checked := jobprogress.Begin(ctx, jobprogress.Checking, len(in.Values))
	for i, r := range in.Values {
		checked.Step(i / 2)
		row := r.Row
		if row == 0 {
			row = i + 1
		}
		ind := d.code(r.Indicator)
		if ind == nil || !ownerVisible(t, ind.OwnerUnitID) {
			bad = append(bad, errs.Invalidf("indicator.err.unknown_code", "Code", r.Indicator).At(row, "indicator"))
			continue
		}
		if ind.IsMeasured() { // the registers hold it: nobody sends it
			bad = append(bad, errs.Invalidf("indicator.err.measured_typed", "Code", ind.Code).At(row, "indicator"))
			continue
		}
		p, err := ParsePeriod(r.Period)
		if err != nil {
			e, _ := errs.As(err)
			bad = append(bad, e.At(row, "period"))
			continue
		}
		if p.Type != ind.PeriodType {
			bad = append(bad, errs.Invalidf("indicator.err.period_type", "Value", p.Key(), "Type", string(ind.PeriodType)).At(row, "period"))
			continue
		}
		unit := r.UnitID
		if unit == 0 {
			v := findUnit(t, strings.TrimSpace(r.UnitCode), p)
			if v == nil {
				bad = append(bad, errs.Invalidf("indicator.err.unknown_unit", "Code", r.UnitCode, "Period", p.Label(lang)).At(row, "unit"))
				continue
			}
			unit = v.UnitID
		}
		if !t.Exists(unit) {
			bad = append(bad, errs.Invalidf("org.err.unknown_unit", "ID", unit).At(row, "unit"))
			continue
		}
		if !t.InScope(unit) {
			bad = append(bad, errs.ForbiddenErr().At(row, "unit"))
			continue
		}
		var form *Form
		for _, f := range forms {
			if f.Active && f.has(ind.ID) && f.PeriodType == p.Type && s.expects(t.Snapshot, f, p, unit) {
				form = f
				break
			}
		}
		if form == nil {
			bad = append(bad, errs.Invalidf("indicator.err.no_form", "Code", ind.Code, "Unit", t.Latest(unit).Name, "Period", p.Label(lang)).At(row, "indicator"))
			continue
		}
		k := gkey{form.ID, unit, p.Key()}
		g := groups[k]
		if g == nil {
			g = &group{form: form, unit: unit, period: p, submit: in.Submit}
			groups[k] = g
			order = append(order, k)
		}
		g.values = append(g.values, ValueInput{Code: ind.Code, Raw: r.Value, Comment: r.Comment, Row: row})
	}
	var preps []*prepared
	n := len(in.Values)
	for _, k := range order {
		checked.Step(n / 2)
		n += len(groups[k].values)
		pr, errs := s.prepare(ctx, actor, t, *groups[k], lang)
		bad = append(bad, errs...)
		if pr != nil {
			preps = append(preps, pr)
		}
	}
	if len(bad) > 0 {
		return nil, errs.List("indicator.err.push", bad)
	}
	if err := s.judgeSubmitted(ctx, preps); err != nil {
		return nil, err
	}
	res := &PushResult{}
	w := newWritten()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := movedReports(ctx, tx); err != nil {
			return err
		}
		var all []audit.Entry
		written, n := jobprogress.Begin(ctx, jobprogress.Writing, len(in.Values)), 0
		for _, pr := range preps {
			written.Step(n)
			n += len(pr.values)
			entries, sub, err := s.write(ctx, tx, actor, pr, source, w)
			if err != nil {
				return err
			}
			for _, e := range entries {
				if e.Entity == "indicator_value" {
					res.Values++
				}
			}
			all = append(all, entries...)
			res.Submissions = append(res.Submissions, sub)
		}
		if err := w.log(ctx, tx); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), all...)
	})
	if err != nil {
		return nil, err
	}
	s.apply(w)
	return res, nil
}

// findUnit finds a unit in the actor's scope by its official code as of
// the end of a period (codes are reused over time).
func findUnit(t *org.Scoped, code string, p Period) *org.Version {
	if code == "" {
		return nil
	}
	for _, l := range []org.Level{org.LevelCommune, org.LevelProvince, org.LevelDistrict, org.LevelAgency, org.LevelVillage} {
		if v := t.FindByCode(l, code, p.End()); v != nil && t.InScope(v.UnitID) {
			return v
		}
	}
	return nil
}

var importAliases = map[string][]string{
	"unit_code": {"unit_code", "unit", "ma_don_vi", "mã đơn vị", "ma dvhc", "mã đvhc", "code"},
	"unit_name": {"unit_name", "ten_don_vi", "tên đơn vị", "đơn vị", "don vi"},
	"period":    {"period", "ky", "kỳ", "kỳ báo cáo", "ky bao cao"},
	"indicator": {"indicator", "chi_tieu", "chỉ tiêu", "mã chỉ tiêu", "ma chi tieu", "chỉ số", "mã chỉ số"},
	"value":     {"value", "gia_tri", "giá trị", "số liệu", "so lieu"},
	"comment":   {"comment", "ghi_chu", "ghi chú", "thuyết minh"},
}

// Import reads values from a CSV or XLSX file, in either layout: long (one
// value per row: unit code, period, indicator code, value, comment) or
// wide (one unit per row, one column per indicator code, as the template
// has it). All or nothing, with every bad row reported.
func (s *Service) Import(ctx context.Context, actor *auth.Actor, r io.Reader, name string, submit bool, lang string) (*PushResult, error) {
	if !actor.Can(auth.PermEnterData) { // before a byte of the file is read
		return nil, errs.ForbiddenErr()
	}
	jobprogress.Begin(ctx, jobprogress.Reading, 0)
	tab, err := sheet.Read(r, name)
	if err != nil {
		return nil, errs.Invalidf("indicator.err.bad_file", "Reason", err).At(0, "file")
	}
	d, err := s.definitions(ctx)
	if err != nil {
		return nil, err
	}
	cols := sheet.MapColumns(tab.Header, importAliases, locale.Fold)
	if !cols.Has("unit_code") || !cols.Has("period") {
		return nil, errs.Invalidf("indicator.err.file_columns").At(1, "file")
	}
	in := PushInput{Submit: submit}
	if cols.Has("indicator") {
		if !cols.Has("value") {
			return nil, errs.Invalidf("indicator.err.file_columns").At(1, "file")
		}
		for i, row := range tab.Rows {
			in.Values = append(in.Values, PushRow{Indicator: cols.Get(row, "indicator"), UnitCode: cols.Get(row, "unit_code"),
				Period: cols.Get(row, "period"), Value: Flex(cols.Get(row, "value")), Comment: cols.Get(row, "comment"), Row: tab.RowNumber(i)})
		}
	} else {
		// wide: a column per indicator, its header the code (optionally
		// followed by the name after " - ")
		type col struct {
			i    int
			code string
		}
		var ind []col
		for i, h := range tab.Header {
			code := strings.ToUpper(strings.TrimSpace(strings.SplitN(h, " ", 2)[0]))
			if x := d.code(code); x != nil && !x.Computed() {
				ind = append(ind, col{i, x.Code})
			}
		}
		if len(ind) == 0 {
			return nil, errs.Invalidf("indicator.err.file_columns").At(1, "file")
		}
		for i, row := range tab.Rows {
			for _, c := range ind {
				v := ""
				if c.i < len(row) {
					v = row[c.i]
				}
				if strings.TrimSpace(v) == "" && d.code(c.code).IsMeasured() { // an empty measured column types nothing
					continue
				}
				in.Values = append(in.Values, PushRow{Indicator: c.code, UnitCode: cols.Get(row, "unit_code"), Period: cols.Get(row, "period"),
					Value: Flex(v), Row: tab.RowNumber(i)})
			}
		}
	}
	return s.Push(ctx, actor, in, lang, "import")
}

// Template writes a form's spreadsheet for a period: one row per unit of
// the actor's scope that must report, one column per indicator, filled
// with what is stored, to fill in and import back.
func (s *Service) Template(ctx context.Context, actor *auth.Actor, formID int64, p Period, lang string, w io.Writer) error {
	c, err := s.Complete(ctx, actor, formID, p, 0)
	if err != nil {
		return err
	}
	f := c.Form
	cols := []sheet.Column{{Header: "ma_don_vi", Width: 12, Note: "Mã đơn vị / unit code"}, {Header: "ten_don_vi", Width: 32},
		{Header: "ky", Width: 10, Note: "Kỳ báo cáo: " + p.Key()}}
	entered := f.Entered()
	for _, it := range entered {
		note := it.Name(lang)
		if m := it.Measure(lang); m != "" {
			note += " (" + m + ")"
		}
		cols = append(cols, sheet.Column{Header: it.Code, Width: 14, Note: note})
	}
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	sh, err := wb.AddSheet(p.Key(), cols, 0)
	if err != nil {
		return err
	}
	for _, u := range c.Units {
		vals, err := unitValues(ctx, s.db, u.UnitID, p)
		if err != nil {
			return err
		}
		row := []any{u.Code, u.Name, p.Key()}
		for _, it := range entered {
			v := vals[it.ID]
			switch {
			case v == nil:
				row = append(row, nil)
			case it.Type == Text:
				row = append(row, v.Text)
			case it.Type == YesNo:
				row = append(row, map[bool]string{true: "có", false: "không"}[v.Value != nil && *v.Value == 1])
			default:
				row = append(row, *v.Value)
			}
		}
		if err := sh.Append(row...); err != nil {
			return err
		}
	}
	return wb.Write(w)
}

// ExportBreakdown writes a breakdown as a spreadsheet: each unit's figure
// with how many of the units expected to report it it counts, on which
// basis, whether that is below the completeness threshold, and its rank
// (none for a ranking of one; marked when it stands on too little).
func ExportBreakdown(b *Breakdown, lang string, threshold float64, w io.Writer) error {
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	t := exportWords[lang]
	if t == nil {
		t = exportWords["vi"]
	}
	cols := []sheet.Column{{Header: t["code"], Width: 10}, {Header: t["unit"], Width: 40}, {Header: t["value"] + " (" + b.Indicator.Measure(lang) + ")", Width: 16},
		{Header: t["reported"], Width: 12}, {Header: t["expected"], Width: 12}, {Header: t["complete"], Width: 14}, {Header: t["basis"], Width: 22},
		{Header: t["rank"], Width: 14}, {Header: t["units"], Width: 14}}
	sh, err := wb.AddSheet(b.Period.Key(), cols, 0)
	if err != nil {
		return err
	}
	row := func(code, name string, f Figure, rank any) error {
		var val, expected, reported, complete any
		if f.Has() {
			val = f.V()
		}
		if f.Known() {
			expected, reported = f.Expected, f.Reported
			complete = t["yes"]
			if f.Incomplete {
				complete = fmt.Sprintf(t["no"], threshold*100)
			}
		}
		return sh.Append(code, name, val, reported, expected, complete, t["basis."+string(f.Basis)], rank, f.Units)
	}
	name := ""
	if b.Unit != nil {
		name = b.Unit.Name
	}
	if err := row(codeOf(b.Unit), name, b.Total, nil); err != nil {
		return err
	}
	rows := b.Children
	if len(rows) == 0 {
		rows = b.Predecessors
	}
	for _, r := range rows {
		var rk any
		if r.Rank > 0 {
			rk = fmt.Sprintf("%d/%d", r.Rank, r.Of)
			if r.RankPartial {
				rk = fmt.Sprintf("%d/%d %s", r.Rank, r.Of, t["partial"])
			}
		}
		if err := row(r.Code, r.Name, r.Figure, rk); err != nil {
			return err
		}
	}
	return wb.Write(w)
}

// exportWords are the words of an exported breakdown, in each language.
var exportWords = map[string]map[string]string{
	"vi": {"code": "Mã", "unit": "Đơn vị", "value": "Giá trị", "reported": "Số đơn vị đã báo cáo", "expected": "Số đơn vị phải báo cáo",
		"complete": "Đủ số liệu", "yes": "Đủ", "no": "Chưa đủ (dưới %.0f%%)", "basis": "Cơ sở số liệu", "rank": "Xếp hạng",
		"partial": "(số liệu chưa đầy đủ)", "units": "Số đơn vị có số liệu",
		"basis.approved": "Đã duyệt", "basis.submitted": "Đã gửi và đã duyệt", "basis.all": "Tất cả số liệu đã nhập"},
	"en": {"code": "Code", "unit": "Unit", "value": "Value", "reported": "Units reported", "expected": "Units expected",
		"complete": "Complete", "yes": "Yes", "no": "No (below %.0f%%)", "basis": "Basis", "rank": "Rank",
		"partial": "(incomplete figures)", "units": "Units with data",
		"basis.approved": "Approved", "basis.submitted": "Submitted and approved", "basis.all": "All entered"},
}

func codeOf(v *org.Version) string {
	if v == nil {
		return ""
	}
	return v.Code
}
