package sheet

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Column describes one column of a generated workbook: its header and, for
// templates, the values a cell may take (shown as a drop-down list).
type Column struct {
	Header  string
	Width   float64
	Choices []string
	Note    string // a comment on the header cell: what to type
}

// Workbook builds an XLSX file sheet by sheet.
type Workbook struct {
	f      *excelize.File
	header int // style of header cells
	first  bool
}

// NewWorkbook starts an empty workbook.
func NewWorkbook() (*Workbook, error) {
	f := excelize.NewFile()
	h, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Times New Roman", Size: 12},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"#E8EEF6"}, Pattern: 1},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	return &Workbook{f: f, header: h, first: true}, nil
}

// Sheet is one sheet being written, row by row.
type Sheet struct {
	w    *Workbook
	name string
	row  int
}

// AddSheet adds a sheet with a header row; validRows is how many rows below
// the header get the columns' drop-down lists (0 for none).
func (w *Workbook) AddSheet(name string, cols []Column, validRows int) (*Sheet, error) {
	if w.first {
		if err := w.f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
		w.first = false
	} else if _, err := w.f.NewSheet(name); err != nil {
		return nil, err
	}
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := w.f.SetCellStr(name, cell, c.Header); err != nil {
			return nil, err
		}
		colName, _ := excelize.ColumnNumberToName(i + 1)
		width := c.Width
		if width == 0 {
			width = 18
		}
		if err := w.f.SetColWidth(name, colName, colName, width); err != nil {
			return nil, err
		}
		if c.Note != "" {
			if err := w.f.AddComment(name, excelize.Comment{Cell: cell, Author: "mangluoi", Text: c.Note}); err != nil {
				return nil, err
			}
		}
		if len(c.Choices) > 0 && validRows > 0 {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", colName, colName, validRows+1)
			if err := dv.SetDropList(c.Choices); err != nil {
				return nil, err
			}
			if err := w.f.AddDataValidation(name, dv); err != nil {
				return nil, err
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), 1)
	if err := w.f.SetCellStyle(name, "A1", last, w.header); err != nil {
		return nil, err
	}
	if err := w.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	return &Sheet{w: w, name: name, row: 1}, nil
}

// Append writes a row. Strings are written as shared-string cells, which a
// spreadsheet never evaluates, so user text such as "=HYPERLINK(…)" stays
// text without being altered; numbers as numbers.
func (s *Sheet) Append(values ...any) error {
	s.row++
	for i, v := range values {
		cell, _ := excelize.CoordinatesToCellName(i+1, s.row)
		var err error
		switch x := v.(type) {
		case string:
			err = s.w.f.SetCellStr(s.name, cell, x)
		case nil:
			continue
		default:
			err = s.w.f.SetCellValue(s.name, cell, x)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Write sends the workbook.
func (w *Workbook) Write(out io.Writer) error {
	defer w.f.Close()
	_, err := w.f.WriteTo(out)
	return err
}

// XLSXType is the content type of a workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// FileName makes a download name from words: "can-bo-2026-11-22.xlsx".
func FileName(parts ...string) string {
	return strings.Join(parts, "-") + ".xlsx"
}
