package sheet_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/sheet"
	"github.com/mangluoi/mangluoi/internal/sheet/sheettest"
)

// TestBombs feeds the reader the files of issue 15: each is refused with
// the reason, having cost a bounded amount of memory, and leaves no
// temporary file behind.
func TestBombs(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the XLSX library unpacks large sheets there
	for _, c := range []struct {
		name string
		file string
		data func() io.Reader
		key  string
		row  int
	}{
		// 5,000 rows of one cell in column XFD: 1.3 GB once padded
		{"far column", "x.xlsx", func() io.Reader { return bytes.NewReader(sheettest.FarColumn(5000)) }, "sheet.err.too_many_columns", 2},
		// a CSV of one line of 20 million empty fields (20 MB)
		{"empty fields", "x.csv", func() io.Reader { return sheettest.EmptyFields(20 << 20) }, "sheet.err.too_many_columns", 2},
		// 120 MB of them: refused by its size whatever the fields
		{"120 MB of empty fields", "x.csv", func() io.Reader { return sheettest.EmptyFields(120 << 20) }, "sheet.err.too_many_columns", 2},
		{"declared bomb", "x.xlsx", func() io.Reader { return bytes.NewReader(sheettest.DeclaredBomb(300)) }, "sheet.err.unpacked_too_large", 0},
		{"lying bomb", "x.xlsx", func() io.Reader { return bytes.NewReader(sheettest.LyingBomb(200)) }, "sheet.err.false_sizes", 0},
		{"too many rows", "x.xlsx", func() io.Reader { return bytes.NewReader(sheettest.ManyRows(sheet.DefaultLimits.Rows + 2)) }, "sheet.err.too_many_rows", 0},
		{"one long cell", "x.csv", func() io.Reader {
			return io.MultiReader(strings.NewReader("a,b\n1,\""), sheettest.EmptyFields(10<<20), strings.NewReader("\"\n"))
		}, "sheet.err.cell_too_long", 2},
		{"too large", "x.csv", func() io.Reader {
			return io.MultiReader(strings.NewReader("a\n"), strings.NewReader(strings.Repeat(strings.Repeat("1", 999)+"\n", 33<<10)))
		}, "sheet.err.too_large", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.data()
			runtime.GC()
			var err error
			used := sheettest.PeakHeap(func() { _, err = sheet.Read(in, c.file) })
			e, ok := errs.As(err)
			if !ok || e.Key != c.key || e.Row != c.row {
				t.Errorf("error %v, want %s at row %d", err, c.key, c.row)
			}
			// the reader may hold the file (up to 32 MB) and an XLSX's copy
			if used > 80<<20 {
				t.Errorf("reading it took %d MB", used>>20)
			}
			left, _ := filepath.Glob(filepath.Join(tmp, "*"))
			if len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// TestWithinBounds reads the largest tables the limits allow, and rows
// whose empty cells are not counted against them.
func TestWithinBounds(t *testing.T) {
	lim := sheet.DefaultLimits
	lim.Rows, lim.Columns, lim.Cells = 3, 3, 12
	got, err := lim.Read(strings.NewReader("a,b,c\n1,2,3\n\n4,5,6\n7,8,9\n"), "x.csv")
	if err != nil || len(got.Rows) != 3 {
		t.Fatalf("%v %q", err, got)
	}
	if _, err := lim.Read(strings.NewReader("a,b,c\n1,2,3\n4,5,6\n7,8,9\n1\n"), "x.csv"); err == nil {
		t.Error("a fourth row was read")
	}
	// trailing empty rows of a workbook cost nothing and are not rows
	got, err = lim.Read(bytes.NewReader(sheettest.Workbook([][]string{{"a"}, {"1"}, {}, {"2"}, {}, {}, {}, {}, {}})), "x.xlsx")
	if err != nil || len(got.Rows) != 3 || got.Rows[1] != nil {
		t.Fatalf("%v %q", err, got)
	}
	if _, err := lim.Read(bytes.NewReader(sheettest.Workbook([][]string{{"a", "b", "c", "d"}})), "x.xlsx"); err == nil {
		t.Error("a fourth column was read")
	}
	if os.Getenv("TMPDIR") == "" {
		return
	}
}
