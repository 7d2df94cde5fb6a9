package report

import (
	"io"

	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// The annexes' sheets, in the order the report names them.
const (
	SheetTasks      = "PL I - Nhiệm vụ"
	SheetCompliance = "PL II - QĐ 1690"
	SheetNetwork    = "PL III - Tổ CNS"
	SheetIndicators = "PL IV - Chỉ số"
)

var levelNames = map[string]string{"province": "Tỉnh, thành phố", "department": "Sở, ban, ngành", "district": "Huyện", "commune": "Xã, phường"}

// writeAnnexes writes the report's annexes as one workbook: the tasks with
// their status, Decision 1690's targets unit by unit, the network's
// coverage commune by commune, and (a review) the key indicators unit by
// unit. Figures are numbers, text is text.
func writeAnnexes(w io.Writer, r *Report, f *Figures, p *locale.Printer) error {
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	tasks, err := wb.AddSheet(SheetTasks, []sheet.Column{{Header: "STT", Width: 6}, {Header: "Kế hoạch", Width: 16}, {Header: "Nhóm nhiệm vụ", Width: 28},
		{Header: "Mã", Width: 8}, {Header: "Nhiệm vụ", Width: 60}, {Header: "Đơn vị chủ trì", Width: 28}, {Header: "Đơn vị phối hợp", Width: 28},
		{Header: "Hạn", Width: 12}, {Header: "Tình trạng", Width: 20}, {Header: "Tiến độ (%)", Width: 10}, {Header: "Số ngày quá hạn", Width: 10}}, 0)
	if err != nil {
		return err
	}
	n := 0
	if f.Plans != nil {
		for _, d := range f.Plans.Docs {
			for _, t := range d.Tasks {
				n++
				var late any
				if t.DaysLate > 0 {
					late = t.DaysLate
				}
				group := t.Group
				if group == "" {
					group = "Nhiệm vụ khác"
				}
				if err := tasks.Append(n, d.Number, group, t.Code, t.Title, t.Lead, t.Support, dateText(t.Due), statusText[t.Status], t.Percent, late); err != nil {
					return err
				}
			}
		}
	}
	if a := f.Apparatus; a != nil {
		cols := []sheet.Column{{Header: "STT", Width: 6}, {Header: "Đơn vị", Width: 32}, {Header: "Trực thuộc", Width: 28}, {Header: "Loại đơn vị", Width: 16}}
		for _, t := range a.Targets {
			cols = append(cols, sheet.Column{Header: t.Title, Width: 30})
		}
		sh, err := wb.AddSheet(SheetCompliance, cols, 0)
		if err != nil {
			return err
		}
		for i, u := range a.Units {
			row := []any{i + 1, u.Name, u.Parent, levelNames[u.Level]}
			for _, res := range u.Results {
				row = append(row, res)
			}
			if err := sh.Append(row...); err != nil {
				return err
			}
		}
		total := []any{"", "Số đơn vị đạt/tổng số", "", ""}
		for _, t := range a.Targets {
			total = append(total, p.Int(t.Passing)+"/"+p.Int(t.Total))
		}
		if err := sh.Append(total...); err != nil {
			return err
		}
	}
	if nw := f.Network; nw != nil {
		sh, err := wb.AddSheet(SheetNetwork, []sheet.Column{{Header: "STT", Width: 6}, {Header: "Đơn vị", Width: 30}, {Header: "Trực thuộc", Width: 24},
			{Header: "Mã", Width: 8}, {Header: "Thôn, tổ dân phố", Width: 10}, {Header: "Thôn, tổ dân phố có Tổ", Width: 12}, {Header: "Số Tổ hoạt động", Width: 10},
			{Header: "Số Tổ tạm dừng", Width: 10}, {Header: "Thành viên", Width: 10}, {Header: "Thành viên được bồi dưỡng", Width: 12},
			{Header: "Tổ chưa hoạt động 60 ngày", Width: 12}, {Header: "Hoạt động từ đầu năm", Width: 12}, {Header: "Lượt người dân được hỗ trợ", Width: 12}}, 0)
		if err != nil {
			return err
		}
		row := func(i any, name, parent, code string, c CoverageFig) error {
			return sh.Append(i, name, parent, code, c.Villages, c.VillagesCovered, c.Teams, c.Suspended, c.Members, c.Trained, c.Idle, c.Activities, c.Helped)
		}
		for i, c := range nw.Rows {
			if err := row(i+1, c.Name, c.Parent, c.Code, c.CoverageFig); err != nil {
				return err
			}
		}
		if err := row("", "Tổng cộng", "", "", nw.Total); err != nil {
			return err
		}
	}
	if ind := f.Indicators; ind != nil && r.Kind.Has("indicators") {
		cols := []sheet.Column{{Header: "STT", Width: 6}, {Header: "Đơn vị (" + ind.PeriodLabel + ")", Width: 32}}
		for _, row := range ind.Rows {
			h := row.Name
			if row.Measure != "" {
				h += " (" + row.Measure + ")"
			}
			cols = append(cols, sheet.Column{Header: h, Width: 18})
		}
		sh, err := wb.AddSheet(SheetIndicators, cols, 0)
		if err != nil {
			return err
		}
		for k, u := range ind.Units {
			out := []any{k + 1, u}
			for _, row := range ind.Rows {
				var v any
				if x, ok := row.PerUnit[k]; ok {
					v = x
				}
				out = append(out, v)
			}
			if err := sh.Append(out...); err != nil {
				return err
			}
		}
		total := []any{"", f.Unit.Name}
		for _, row := range ind.Rows {
			var v any
			if row.Value != nil {
				v = *row.Value
			}
			total = append(total, v)
		}
		if err := sh.Append(total...); err != nil {
			return err
		}
	}
	return wb.Write(w)
}

func dateText(d interface {
	IsZero() bool
	VN() string
}) string {
	if d.IsZero() {
		return ""
	}
	return d.VN()
}
