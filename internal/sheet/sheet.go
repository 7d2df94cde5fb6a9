// Package sheet reads tables from CSV and XLSX files and writes XLSX, the
// way every import and export of mangluoi does: header row first, cells as
// text, and exported text that can never start a formula.
package sheet

// Table is a header and data rows. Line numbers are as the user sees them
// in a spreadsheet: the header is row 1.
type Table struct {
	Header []string
	Rows   [][]string
}

// RowNumber is the spreadsheet row number of data row i (0-based).
func (t *Table) RowNumber(i int) int { return i + 2 }

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
