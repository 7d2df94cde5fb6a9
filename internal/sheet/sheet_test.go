package sheet_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// xlsx writes rows to the first sheet of a new workbook.
func xlsx(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(f.GetSheetName(0), cell, &vals); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestRead(t *testing.T) {
	want := &sheet.Table{
		Header: []string{"code", "name", "level"},
		Rows:   [][]string{{"52", "Tỉnh Gia Lai", "province"}, {"5201", "Phường Quy Nhơn, cũ", "commune"}},
	}
	for _, c := range []struct {
		name string
		file string
		data []byte
	}{
		{"comma", "a.csv", []byte("code,name,level\n52,Tỉnh Gia Lai,province\n5201,\"Phường Quy Nhơn, cũ\",commune\n")},
		{"semicolon", "a.csv", []byte("code;name;level\r\n52;Tỉnh Gia Lai;province\r\n5201;Phường Quy Nhơn, cũ;commune\r\n")},
		{"BOM", "a.CSV", []byte("\xef\xbb\xbfcode,name,level\n52,Tỉnh Gia Lai,province\n5201,\"Phường Quy Nhơn, cũ\",commune")},
		{"xlsx", "a.XLSX", xlsx(t, append([][]string{want.Header}, want.Rows...))},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := sheet.Read(bytes.NewReader(c.data), c.file)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestReadRaggedAndMultiline(t *testing.T) {
	got, err := sheet.Read(strings.NewReader("a,b,c\n1\n2,\"two\nlines\",3,4\n"), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != 2 || len(got.Rows[0]) != 1 || got.Rows[1][1] != "two\nlines" || len(got.Rows[1]) != 4 {
		t.Errorf("rows = %q", got.Rows)
	}
	if got.RowNumber(0) != 2 || got.RowNumber(1) != 3 {
		t.Errorf("the header is row 1, so data row 0 is row 2")
	}
}

func TestReadBadFiles(t *testing.T) {
	for _, c := range []struct {
		name, file string
		data       []byte
		key        string // the error's message key
		row        int
	}{
		{"empty", "x.csv", nil, "sheet.err.empty", 0},
		{"BOM only", "x.csv", []byte("\xef\xbb\xbf"), "sheet.err.empty", 0},
		{"not UTF-8", "x.csv", []byte("m\xe3,t\xean\n1,H\xe0 N\xf4i\n"), "sheet.err.not_utf8", 0},
		{"bad quote", "x.csv", []byte("a,b\n1,2\n3,\"x\"y\n"), "sheet.err.csv_quote", 3},
		{"bare quote", "x.csv", []byte("a,b\n1,2\n3,x\"y\n"), "sheet.err.csv_bare_quote", 3},
		{"not a workbook", "x.xlsx", []byte("code,name\n1,a\n"), "sheet.err.not_xlsx", 0},
		{"empty workbook", "x.xlsx", xlsx(t, nil), "sheet.err.empty", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := sheet.Read(bytes.NewReader(c.data), c.file)
			if err == nil {
				t.Fatalf("read %q as %q", c.data, got)
			}
			e, ok := errs.As(err)
			if !ok || e.Key != c.key || e.Row != c.row || e.Kind != errs.Invalid {
				t.Errorf("error %v, want %s at row %d", err, c.key, c.row)
			}
			if msg := vi.Err(err); strings.Contains(msg, "sheet.err") {
				t.Errorf("the message is not in the catalogue: %s", msg)
			}
		})
	}
	if _, err := sheet.Read(strings.NewReader(""), "x.csv"); !errors.Is(err, sheet.ErrEmpty) {
		t.Errorf("an empty file gives %v, want ErrEmpty", err)
	}
}

var vi = locale.MustLoadCatalog().Printer("vi")

func TestMapColumns(t *testing.T) {
	aliases := map[string][]string{
		"code": {"code", "mã"},
		"name": {"name", "tên đơn vị"},
		"kind": {"kind"},
	}
	header := []string{" MÃ ", "Tên  Đơn vị", "ma", "other"}
	cols := sheet.MapColumns(header, aliases, locale.Fold)
	row := []string{"52", "Tỉnh Gia Lai", "ignored"}
	if !cols.Has("code") || !cols.Has("name") || cols.Has("kind") {
		t.Fatalf("columns found: code %v name %v kind %v", cols.Has("code"), cols.Has("name"), cols.Has("kind"))
	}
	if got := cols.Get(row, "code"); got != "52" { // the first matching header wins
		t.Errorf("code = %q", got)
	}
	if got := cols.Get(row, "name"); got != "Tỉnh Gia Lai" {
		t.Errorf("name = %q", got)
	}
	if got := cols.Get(row, "kind"); got != "" {
		t.Errorf("an absent column gives %q", got)
	}
	if got := cols.Get([]string{"52"}, "name"); got != "" {
		t.Errorf("a short row gives %q", got)
	}
}

func TestSafeText(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"Tỉnh Gia Lai":      "Tỉnh Gia Lai",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+84 912":           "'+84 912",
		"-1":                "'-1",
		"@SUM(A1)":          "'@SUM(A1)",
		"\tcmd":             "'\tcmd",
		"\rcmd":             "'\rcmd",
		"a=b":               "a=b",
	} {
		if got := sheet.SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("code,name,level\n52,Tỉnh Gia Lai,province\n"), false)
	f.Add([]byte("mã;tên;cấp\n52;Gia Lai;tỉnh\n"), false)
	f.Add([]byte("\xef\xbb\xbfa,\"b\nc\",d\n1,2\n"), false)
	f.Add([]byte("a,\"b\n"), false)
	f.Add(xlsx(f, [][]string{{"code", "name"}, {"52", "Gia Lai"}}), true)
	f.Fuzz(func(t *testing.T, data []byte, isXLSX bool) {
		name := "f.csv"
		if isXLSX {
			name = "f.xlsx"
		}
		got, err := sheet.Read(bytes.NewReader(data), name)
		if err != nil {
			return
		}
		if got.Header == nil {
			t.Errorf("read without a header: %q", got)
		}
		if !isXLSX && !validUTF8(got) {
			t.Errorf("a CSV cell is not UTF-8: %q", got)
		}
	})
}

func validUTF8(t *sheet.Table) bool {
	for _, r := range append([][]string{t.Header}, t.Rows...) {
		for _, c := range r {
			if !utf8.ValidString(c) {
				return false
			}
		}
	}
	return true
}
