// Package sheet reads tables from CSV and XLSX files and writes XLSX, the
// way every import and export of mangluoi does: header row first, cells as
// text, and exported text that can never start a formula.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// MaxRows bounds what one import may hold, so a wrong or hostile file
// cannot exhaust memory.
const MaxRows = 1_000_000

// Table is a header and data rows. Line numbers are as the user sees them
// in a spreadsheet: the header is row 1.
type Table struct {
	Header []string
	Rows   [][]string
}

// RowNumber is the spreadsheet row number of data row i (0-based).
func (t *Table) RowNumber(i int) int { return i + 2 }

// ErrEmpty says the file has no header row.
var ErrEmpty = errors.New("the file is empty")

// Read reads a CSV (comma or semicolon separated, UTF-8 with or without BOM)
// or, if name ends in .xlsx, the first sheet of a workbook.
func Read(r io.Reader, name string) (*Table, error) {
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		return readXLSX(r)
	}
	return readCSV(r)
}

func readCSV(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, 512<<20))
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, errors.New("the file is not UTF-8 text (save it as \"CSV UTF-8\")")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';' // Excel in a Vietnamese locale saves CSV with semicolons
	}
	var t Table
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("row %d: %v", pe.Line, pe.Err)
			}
			return nil, err
		}
		if t.Header == nil {
			t.Header = rec
			continue
		}
		if len(t.Rows) >= MaxRows {
			return nil, fmt.Errorf("more than %d rows", MaxRows)
		}
		t.Rows = append(t.Rows, rec)
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return &t, nil
}

func readXLSX(r io.Reader) (*Table, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a readable XLSX workbook: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var t Table
	for rows.Next() {
		rec, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		if t.Header == nil {
			t.Header = rec
			continue
		}
		if len(t.Rows) >= MaxRows {
			return nil, fmt.Errorf("more than %d rows", MaxRows)
		}
		t.Rows = append(t.Rows, rec)
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return &t, nil
}

// Columns maps the header of a table to known column names. aliases maps a
// canonical name to the headers accepted for it (compared after fold).
type Columns struct {
	index map[string]int
}

// MapColumns finds each canonical column in the header; fold is applied to
// header cells and aliases alike so "Mã", "ma" and "MÃ" all match.
func MapColumns(header []string, aliases map[string][]string, fold func(string) string) Columns {
	c := Columns{index: map[string]int{}}
	for i, h := range header {
		fh := fold(h)
		for name, al := range aliases {
			for _, a := range al {
				if fh == fold(a) {
					if _, dup := c.index[name]; !dup {
						c.index[name] = i
					}
				}
			}
		}
	}
	return c
}

// Has reports whether a column was found.
func (c Columns) Has(name string) bool { _, ok := c.index[name]; return ok }

// Get returns a row's cell of a column, "" if the column or cell is absent.
func (c Columns) Get(row []string, name string) string {
	i, ok := c.index[name]
	if !ok || i >= len(row) {
		return ""
	}
	return row[i]
}

// SafeText makes user text safe to put in a CSV cell: text that a
// spreadsheet would read as a formula (=, +, -, @, tab, CR) gets a leading
// apostrophe, so an exported name can never run code. (XLSX exports write
// typed text cells instead, which are never evaluated.)
func SafeText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
