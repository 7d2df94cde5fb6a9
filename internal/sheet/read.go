package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/errs"
)

// Limits bound what one file may hold. Every import reads its file through
// Read, so this is the one place where a hostile or mistaken file is
// stopped before it can take the server's memory or disk: a zip bomb by its
// declared and by its actual unpacked size, rows with one cell in column
// XFD, a CSV that is one line of empty fields.
type Limits struct {
	Bytes     int64 // the file as sent
	Unpacked  int64 // an XLSX's parts unpacked, all together (sheets beyond InMemory go to temporary files)
	InMemory  int64 // an XLSX's parts the reader holds in memory: every part but large sheets and shared strings
	Parts     int   // entries in an XLSX
	Rows      int   // data rows below the header, counting the empty rows between them
	Columns   int   // cells in one row, counting the empty ones before its last
	Cells     int   // cells of the whole table counted the same way: what the table holds in memory
	CellBytes int   // one cell's text
	RowBytes  int   // one CSV record
}

// DefaultLimits are sized for the largest real imports (the national unit
// list has about 13,000 rows; a province's people, teams or values a few
// tens of thousands) with room to spare, while one request's worst case
// stays in tens of megabytes.
var DefaultLimits = Limits{
	Bytes:     32 << 20,
	Unpacked:  256 << 20,
	InMemory:  16 << 20,
	Parts:     10_000,
	Rows:      200_000,
	Columns:   1024,
	Cells:     2_000_000,
	CellBytes: 64 << 10,
	RowBytes:  1 << 20,
}

// streamAbove is the size from which the XLSX library keeps a sheet (or
// the shared strings) in a temporary file instead of memory.
const streamAbove = 4 << 20

// maxMarkupRun bounds a stretch of an XLSX part without a '<': no real
// sheet has one (a cell is at most CellBytes, escaped), and the XML decoder
// would gather it whole.
const maxMarkupRun = 1 << 20

// ErrEmpty says the file has no header row.
var ErrEmpty = errors.New("the file is empty")

// Read reads a CSV (comma or semicolon separated, UTF-8 with or without BOM)
// or, if name ends in .xlsx, the first sheet of a workbook, within
// DefaultLimits. Every error is an *errs.Error (Invalid) saying what is
// wrong, and where when it is a row.
func Read(r io.Reader, name string) (*Table, error) { return DefaultLimits.Read(r, name) }

// Read reads a table within these limits (see the package function).
func (l Limits) Read(r io.Reader, name string) (*Table, error) {
	if strings.EqualFold(filepath.Ext(name), ".xlsx") {
		return l.readXLSX(r)
	}
	return l.readCSV(r)
}

func bad(key string, kv ...any) *errs.Error { return errs.Invalidf(key, kv...) }

func mb(n int64) errs.Count { return errs.Count(n >> 20) }

// table gathers rows, counting them against the limits as they come.
type table struct {
	lim   Limits
	t     Table
	cells int
	empty int // empty rows not yet added: kept only if a row follows them
}

// add appends the next row of the file (the header first). Empty rows are
// held back, so that trailing ones (a sheet formatted down to row
// 1,048,576) cost nothing.
func (b *table) add(rec []string) error {
	row := len(b.t.Rows) + b.empty + 2 // as the spreadsheet numbers it
	if b.t.Header == nil {
		if len(rec) == 0 {
			return nil
		}
		row = 1
	} else if len(rec) == 0 {
		b.empty++
		return nil
	}
	if len(rec) > b.lim.Columns {
		return bad("sheet.err.too_many_columns", "Max", errs.Count(b.lim.Columns)).At(row, "")
	}
	if row-1 > b.lim.Rows {
		return bad("sheet.err.too_many_rows", "Max", errs.Count(b.lim.Rows))
	}
	if b.cells += len(rec); b.cells > b.lim.Cells {
		return bad("sheet.err.too_many_cells", "Max", errs.Count(b.lim.Cells))
	}
	for i, c := range rec {
		if len(c) > b.lim.CellBytes {
			return bad("sheet.err.cell_too_long", "KB", errs.Count(b.lim.CellBytes>>10)).At(row, columnName(i))
		}
	}
	if b.t.Header == nil {
		b.t.Header = rec
		return nil
	}
	for ; b.empty > 0; b.empty-- {
		b.t.Rows = append(b.t.Rows, nil)
	}
	b.t.Rows = append(b.t.Rows, rec)
	return nil
}

func (b *table) done() (*Table, error) {
	if b.t.Header == nil {
		return nil, bad("sheet.err.empty").Because(ErrEmpty)
	}
	return &b.t, nil
}

func columnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return ""
	}
	return name
}

func (l Limits) readCSV(r io.Reader) (*Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	// Excel in a Vietnamese locale saves CSV with semicolons: the first
	// line says which
	head, _ := br.Peek(64 << 10)
	first, _, _ := bytes.Cut(head, []byte("\n"))
	comma := byte(',')
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		comma = ';'
	}
	g := &csvGuard{r: br, lim: l, comma: comma}
	cr := csv.NewReader(g)
	cr.Comma = rune(comma)
	cr.FieldsPerRecord = -1
	b := table{lim: l}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if g.err != nil {
			return nil, g.err
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				key := "sheet.err.csv_quote"
				if errors.Is(pe.Err, csv.ErrBareQuote) {
					key = "sheet.err.csv_bare_quote"
				}
				return nil, bad(key).At(pe.StartLine, "").Because(err)
			}
			return nil, bad("sheet.err.unreadable").Because(err)
		}
		for _, c := range rec {
			if !utf8.ValidString(c) {
				return nil, bad("sheet.err.not_utf8")
			}
		}
		if err := b.add(rec); err != nil {
			return nil, err
		}
	}
	return b.done()
}

// csvGuard counts what a CSV holds as it streams past, so that a line of
// a million empty fields or a cell of a hundred megabytes is refused
// before encoding/csv gathers it. It follows quotes as encoding/csv does
// (a doubled quote toggles twice); where a stray quote puts it out of step,
// encoding/csv refuses the line anyway, and no run of bytes escapes the
// cell and row bounds.
type csvGuard struct {
	r      io.Reader
	lim    Limits
	comma  byte
	quoted bool
	bytes  int64
	lines  int // records ended
	fields int // separators in the current record
	cells  int
	cell   int // bytes in the current cell
	row    int // bytes in the current record
	err    error
}

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := 0; i < n; {
		// the bytes of a cell in bulk, up to the next that matters
		j := i
		if g.quoted {
			for j < n && p[j] != '"' {
				j++
			}
		} else {
			for j < n && p[j] != '"' && p[j] != g.comma && p[j] != '\n' && p[j] != '\r' {
				j++
			}
		}
		if g.err = g.plain(j - i); g.err != nil {
			return 0, g.err
		}
		if j < n {
			if g.err = g.count(p[j]); g.err != nil {
				return 0, g.err
			}
		}
		i = j + 1
	}
	return n, err
}

// plain counts k bytes of a cell's text.
func (g *csvGuard) plain(k int) error {
	if k == 0 {
		return nil
	}
	g.bytes += int64(k)
	g.cell, g.row = g.cell+k, g.row+k
	return g.check()
}

func (g *csvGuard) count(c byte) error {
	if g.bytes++; g.bytes > g.lim.Bytes {
		return bad("sheet.err.too_large", "MB", mb(g.lim.Bytes))
	}
	switch {
	case c == '"':
		g.quoted = !g.quoted
	case g.quoted:
	case c == g.comma:
		g.fields, g.cells, g.cell = g.fields+1, g.cells+1, 0
		if g.fields >= g.lim.Columns {
			return bad("sheet.err.too_many_columns", "Max", errs.Count(g.lim.Columns)).At(g.lines+1, "")
		}
		if g.cells > g.lim.Cells {
			return bad("sheet.err.too_many_cells", "Max", errs.Count(g.lim.Cells))
		}
		return nil
	case c == '\n':
		if g.row == 0 && g.fields == 0 {
			return nil // a blank line, which encoding/csv skips too
		}
		g.lines, g.cells, g.fields, g.cell, g.row = g.lines+1, g.cells+1, 0, 0, 0
		if g.lines > g.lim.Rows+1 {
			return bad("sheet.err.too_many_rows", "Max", errs.Count(g.lim.Rows))
		}
		return nil
	case c == '\r':
		return nil
	}
	g.cell, g.row = g.cell+1, g.row+1
	return g.check()
}

func (g *csvGuard) check() error {
	if g.bytes > g.lim.Bytes {
		return bad("sheet.err.too_large", "MB", mb(g.lim.Bytes))
	}
	if g.cell > g.lim.CellBytes {
		return bad("sheet.err.cell_too_long", "KB", errs.Count(g.lim.CellBytes>>10)).At(g.lines+1, columnName(g.fields))
	}
	if g.row > g.lim.RowBytes {
		return bad("sheet.err.row_too_long", "KB", errs.Count(g.lim.RowBytes>>10)).At(g.lines+1, "")
	}
	return nil
}

func (l Limits) readXLSX(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, l.Bytes+1))
	if err != nil {
		return nil, bad("sheet.err.unreadable").Because(err)
	}
	if int64(len(data)) > l.Bytes {
		return nil, bad("sheet.err.too_large", "MB", mb(l.Bytes))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, bad("sheet.err.not_xlsx").Because(err)
	}
	if err := l.checkParts(zr); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: l.Unpacked, UnzipXMLSizeLimit: streamAbove})
	if err != nil {
		return nil, bad("sheet.err.not_xlsx").Because(err)
	}
	defer f.Close() // removes the sheets it unpacked to temporary files
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, bad("sheet.err.empty").Because(ErrEmpty)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, bad("sheet.err.not_xlsx").Because(err)
	}
	defer rows.Close()
	b := table{lim: l}
	for rows.Next() {
		// the library pads a row to its last cell: at most 16,384 cells,
		// refused here before the next row comes
		rec, err := rows.Columns()
		if err != nil {
			return nil, bad("sheet.err.not_xlsx").Because(err)
		}
		if err := b.add(rec); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, bad("sheet.err.not_xlsx").Because(err)
	}
	return b.done()
}

// streamed reports whether the XLSX library keeps a part of this size on
// disk rather than in memory.
func streamed(f *zip.File) bool {
	name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
	return f.UncompressedSize64 > streamAbove &&
		(strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
}

// checkParts refuses a workbook by what its parts declare, then unpacks
// each (reading, never keeping) to check that they hold what they declare:
// a zip bomb lies about its sizes, and the XML decoder must never meet a
// stretch of megabytes it would gather whole.
func (l Limits) checkParts(zr *zip.Reader) error {
	if len(zr.File) > l.Parts {
		return bad("sheet.err.too_many_parts", "Max", errs.Count(l.Parts))
	}
	var unpacked, inMemory uint64
	for _, f := range zr.File {
		unpacked += f.UncompressedSize64
		if unpacked > uint64(l.Unpacked) {
			return bad("sheet.err.unpacked_too_large", "MB", mb(l.Unpacked))
		}
		if !streamed(f) {
			if inMemory += f.UncompressedSize64; inMemory > uint64(l.InMemory) {
				return bad("sheet.err.parts_too_large", "MB", mb(l.InMemory))
			}
		}
	}
	buf := make([]byte, 32<<10)
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return bad("sheet.err.not_xlsx").Because(err)
		}
		err = scanPart(rc, f, buf)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func scanPart(rc io.Reader, f *zip.File, buf []byte) error {
	xml := strings.HasSuffix(strings.ToLower(f.Name), ".xml") || strings.HasSuffix(strings.ToLower(f.Name), ".rels")
	// one byte more than declared is enough to know it lied
	lr := io.LimitReader(rc, int64(f.UncompressedSize64)+1)
	var n uint64
	run := 0
	for {
		k, err := lr.Read(buf)
		n += uint64(k)
		if n > f.UncompressedSize64 {
			return bad("sheet.err.false_sizes", "Part", f.Name)
		}
		if xml {
			for _, c := range buf[:k] {
				if c == '<' {
					run = 0
				} else if run++; run > maxMarkupRun {
					return bad("sheet.err.markup_run", "Part", f.Name, "MB", mb(maxMarkupRun))
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			// archive/zip checks the sizes and checksums it was told
			return bad("sheet.err.false_sizes", "Part", f.Name).Because(err)
		}
	}
	if n != f.UncompressedSize64 {
		return bad("sheet.err.false_sizes", "Part", f.Name)
	}
	return nil
}
