package plans

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/plans/parse"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// taskColumnsSheet are the columns of a task spreadsheet, in English or
// Vietnamese.
var taskColumnsSheet = map[string][]string{
	"group":       {"group", "nhóm", "nhóm nhiệm vụ"},
	"code":        {"code", "stt", "số thứ tự", "mã"},
	"title":       {"title", "task", "nhiệm vụ", "nội dung", "tên nhiệm vụ", "nội dung nhiệm vụ"},
	"description": {"description", "mô tả", "chi tiết"},
	"lead":        {"lead", "lead unit", "chủ trì", "đơn vị chủ trì", "cơ quan chủ trì"},
	"support":     {"support", "supporting units", "phối hợp", "đơn vị phối hợp", "cơ quan phối hợp"},
	"deadline":    {"deadline", "due", "thời hạn", "thời gian", "thời gian thực hiện", "thời gian hoàn thành"},
	"output":      {"output", "sản phẩm", "kết quả", "sản phẩm dự kiến"},
}

// ImportTasks reads tasks from a CSV or XLSX file (one row a task: group,
// code, title, description, lead unit, supporting units separated by ";",
// deadline as a date, "Quý II/2025", "hằng năm", "thường xuyên"…, output)
// and adds them all, or none if any row is wrong.
func (s *Service) ImportTasks(ctx context.Context, actor *auth.Actor, docID int64, r io.Reader, name string) ([]*Task, error) {
	res, err := s.Resolver(ctx, actor, docID)
	if err != nil {
		return nil, err
	}
	tbl, err := sheet.Read(r, name)
	if err != nil {
		return nil, errs.Invalidf("import.err.unreadable", "Reason", err).Because(err)
	}
	cols := sheet.MapColumns(tbl.Header, taskColumnsSheet, locale.Fold)
	var bad []*errs.Error
	for _, c := range []string{"title", "lead", "deadline"} {
		if !cols.Has(c) {
			bad = append(bad, errs.Invalidf("import.err.missing_column", "Column", taskColumnsSheet[c][1]).At(1, c))
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if len(tbl.Rows) > 5000 {
		return nil, errs.Invalidf("plans.err.too_many_tasks", "Max", 5000)
	}
	var ins []TaskInput
	var rows []int
	for i, row := range tbl.Rows {
		n := tbl.RowNumber(i)
		if blank(row) {
			continue
		}
		in := TaskInput{Group: cols.Get(row, "group"), Code: cols.Get(row, "code"), Title: cols.Get(row, "title"),
			Description: cols.Get(row, "description"), Output: cols.Get(row, "output")}
		if lead := strings.TrimSpace(cols.Get(row, "lead")); lead != "" {
			if !res.Lead(lead, &in) {
				bad = append(bad, errs.Invalidf("plans.err.unknown_unit_name", "Name", lead).At(n, "lead"))
			}
		}
		ids, unknown := res.Units(cols.Get(row, "support"))
		for _, u := range unknown {
			bad = append(bad, errs.Invalidf("plans.err.unknown_unit_name", "Name", u).At(n, "support"))
		}
		in.SupportIDs = ids
		if dl := strings.TrimSpace(cols.Get(row, "deadline")); dl != "" {
			if d, err := day.Parse(dl); err == nil {
				in.Schedule, in.DueOn = Once, d
			} else if pd, ok := parse.ParseDeadline(dl); ok {
				in.Schedule, in.DueOn = Schedule(pd.Schedule), pd.Due
			} else {
				bad = append(bad, errs.Invalidf("plans.err.bad_deadline", "Value", dl).At(n, "deadline"))
			}
		}
		ins = append(ins, in)
		rows = append(rows, n)
	}
	if len(bad) > 0 {
		return nil, errs.List("import.err.rows", bad)
	}
	if len(ins) == 0 {
		return nil, errs.Invalidf("plans.err.no_tasks")
	}
	tasks, err := s.AddTasks(ctx, actor, docID, ins)
	if e, ok := errs.As(err); ok && len(ins) > 1 {
		// AddTasks numbers rows from 1: say the spreadsheet's rows
		for _, d := range append([]*errs.Error{e}, e.Details...) {
			if d.Row > 0 && d.Row <= len(rows) {
				d.Row = rows[d.Row-1]
			}
		}
	}
	return tasks, err
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ExportAnnex writes a plan with its progress on date d as an annex
// (phụ lục) to a report: a title, then one row per task under its group,
// with the lead and supporting units, the deadline, the output, the status,
// the progress and what the latest report said.
func (s *Service) ExportAnnex(ctx context.Context, actor *auth.Actor, docID int64, d day.Day, p *locale.Printer, out io.Writer) error {
	v, err := s.Plan(ctx, actor, docID, d, Filter{})
	if err != nil {
		return err
	}
	latest := map[int64]Report{}
	reps, err := s.reports(ctx, s.db, `task_id IN (SELECT id FROM plan_tasks WHERE document_id = $1) AND state <> $2`, docID, Returned)
	if err != nil {
		return err
	}
	for _, r := range reps { // newest first
		if _, ok := latest[r.TaskID]; !ok && !r.SubmittedOn.After(d) {
			latest[r.TaskID] = r
		}
	}
	f := excelize.NewFile()
	defer f.Close()
	name := p.T("plans.annex.sheet")
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	font := &excelize.Font{Family: "Times New Roman", Size: 12}
	bold := &excelize.Font{Family: "Times New Roman", Size: 12, Bold: true}
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 13, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	italic, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Times New Roman", Size: 12, Italic: true},
		Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	head, _ := f.NewStyle(&excelize.Style{Font: bold, Border: border, Fill: excelize.Fill{Type: "pattern", Color: []string{"#E8EEF6"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	group, _ := f.NewStyle(&excelize.Style{Font: bold, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	cell, _ := f.NewStyle(&excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	headers := []string{"plans.annex.no", "plans.annex.task", "plans.annex.lead", "plans.annex.support", "plans.annex.deadline",
		"plans.annex.output", "plans.annex.status", "plans.annex.units_done", "plans.annex.percent", "plans.annex.done", "plans.annex.obstacles", "plans.annex.proposals"}
	widths := []float64{7, 48, 24, 28, 16, 28, 18, 14, 10, 40, 30, 30}
	last, _ := excelize.ColumnNumberToName(len(headers))
	set := func(row, col int, v any, style int) {
		c, _ := excelize.CoordinatesToCellName(col, row)
		switch x := v.(type) {
		case string:
			f.SetCellStr(name, c, x)
		default:
			f.SetCellValue(name, c, x)
		}
		f.SetCellStyle(name, c, c, style)
	}
	f.MergeCell(name, "A1", last+"1")
	set(1, 1, strings.ToUpper(p.T("plans.annex.heading")), title)
	f.MergeCell(name, "A2", last+"2")
	set(2, 1, p.T("plans.annex.subtitle", "Number", v.Document.Number, "Date", p.Date(v.Document.IssuedOn), "Title", v.Document.Title), title)
	f.MergeCell(name, "A3", last+"3")
	set(3, 1, p.T("plans.annex.as_of", "Date", p.Date(d), "Started", p.Int(v.Counts.Started), "Done", p.Int(v.Counts.Done), "Total", p.Int(v.Counts.Total),
		"Overdue", p.Int(v.Counts.Overdue)), italic)
	f.SetRowHeight(name, 2, 48)
	for i, h := range headers {
		set(5, i+1, p.T(h), head)
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(name, col, col, widths[i])
	}
	row := 6
	// pillars are numbered I, II…; the groups under them 1, 2… within it
	pillar, sub := 0, 0
	for _, g := range v.Groups {
		no := ""
		if g.Depth == 0 {
			pillar, sub = pillar+1, 0
			no = roman(pillar)
		} else {
			sub++
			no = fmt.Sprint(sub)
		}
		f.MergeCell(name, fmt.Sprintf("B%d", row), fmt.Sprintf("%s%d", last, row))
		set(row, 1, no, group)
		gt := g.Title
		if gt == "" {
			gt = p.T("plans.group.other")
		}
		set(row, 2, gt+" ("+p.T("plans.annex.group_counts", "Started", p.Int(g.Counts.Started), "Done", p.Int(g.Counts.Done),
			"Total", p.Int(g.Counts.Total))+")", group)
		row++
		for ti, t := range g.Tasks {
			due := p.T("schedule." + string(t.Schedule))
			if t.Schedule == Once {
				due = p.Date(t.DueOn)
			}
			status := p.T("status." + string(t.State.Status))
			if t.State.Status == Overdue {
				status += " (" + p.T("plans.days_late", "Days", p.Int(t.State.DaysLate)) + ")"
			}
			rep := latest[t.ID]
			// a class task: its class and how many of its units are done
			lead, units := t.LeadName, ""
			if t.LeadClass != "" {
				lead = p.T("plans.class.of", "Class", p.T("plans.class."+string(t.LeadClass)), "Unit", t.LeadName)
			}
			if t.Class != nil {
				units = p.Int(t.Class.Done) + "/" + p.Int(t.Class.Total)
			}
			values := []any{fmt.Sprint(ti + 1), t.Title, lead, strings.Join(t.SupportNames, "; "), due, t.Output, status, units,
				fmt.Sprintf("%d%%", t.State.Percent), rep.DoneText, rep.Obstacles, rep.Proposals}
			for ci, val := range values {
				set(row, ci+1, val, cell)
			}
			row++
		}
	}
	if err := s.annexReview(f, v, p, d, title, head, group, cell); err != nil {
		return err
	}
	_, err = f.WriteTo(out)
	return err
}

// annexReview adds the review's table to the annex, on a sheet of its
// own: per pillar and group (a pillar's line counting its groups), the
// plan in all, and per lead unit.
func (s *Service) annexReview(f *excelize.File, v *PlanView, p *locale.Printer, d day.Day, title, head, bold, cell int) error {
	name := p.T("plans.annex.review_sheet")
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	headers := []string{p.T("plans.review.group"), p.T("plans.review.started"), p.T("plans.review.done"), p.T("status.done_on_time"),
		p.T("status.done_late"), p.T("status.overdue"), p.T("plans.review.not_started"), p.T("plans.review.closed")}
	last, _ := excelize.ColumnNumberToName(len(headers))
	set := func(row, col int, v any, style int) {
		c, _ := excelize.CoordinatesToCellName(col, row)
		f.SetCellValue(name, c, v)
		f.SetCellStyle(name, c, c, style)
	}
	f.MergeCell(name, "A1", last+"1")
	set(1, 1, p.T("plans.annex.review_heading", "Number", v.Document.Number, "Date", p.Date(d)), title)
	f.SetRowHeight(name, 1, 36)
	f.SetColWidth(name, "A", "A", 56)
	f.SetColWidth(name, "B", last, 16)
	line := func(row int, label string, c Counts, style int) {
		vals := []any{label, fmt.Sprintf("%d/%d", c.Started, c.Total), fmt.Sprintf("%d/%d", c.Done, c.Total), c.DoneOnTime, c.DoneLate,
			c.Overdue, c.NotStarted, c.Closed}
		for i, x := range vals {
			set(row, i+1, x, style)
		}
	}
	for i, h := range headers {
		set(3, i+1, h, head)
	}
	row := 4
	for _, g := range v.Groups {
		label := g.Title
		if label == "" {
			label = p.T("plans.group.other")
		}
		style := cell
		if g.Depth == 0 {
			style = bold
		} else {
			label = strings.Repeat("    ", g.Depth) + label
		}
		line(row, label, g.Counts, style)
		row++
	}
	line(row, p.T("plans.review.total"), v.Counts, bold)
	row += 2
	set(row, 1, p.T("plans.review.unit"), head)
	for i, h := range headers[1:] {
		set(row, i+2, h, head)
	}
	row++
	for _, u := range v.Units {
		line(row, u.Name, u.Counts, cell)
		row++
	}
	return nil
}

func roman(n int) string {
	vals := []struct {
		v int
		s string
	}{{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}
	var b strings.Builder
	for _, x := range vals {
		for n >= x.v {
			b.WriteString(x.s)
			n -= x.v
		}
	}
	return b.String()
}
