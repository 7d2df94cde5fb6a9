package org

// Fuzz targets for the two parsers an upload reaches: the unit list and the
// restructuring mapping. They run as ordinary tests on their seeds; with
// -fuzz they look for input that breaks the parsers' promises:
//
//	go test ./internal/org -run '^$' -fuzz FuzzParseUnitList
//	go test ./internal/org -run '^$' -fuzz FuzzParseMapping

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

var unitListSeeds = []string{
	"code,name,level,parent_code,kind\n01,Thành phố Hà Nội,province,,Thành phố\n00004,Phường Ba Đình,commune,01,Phường\n",
	"code,name,level,parent_code\n52,Tỉnh Gia Lai,province,\n540,Thành phố Quy Nhơn,district,52\n21583,Phường Quy Nhơn,commune,540\n,Thôn 1,village,21583\n,Sở Khoa học và Công nghệ,agency,52\n",
	"mã;tên;cấp;mã cấp trên\n93;Tỉnh Chấm Phẩy;tỉnh;\n9301;Xã Một;cấp xã;93\n",
	"\xef\xbb\xbfMã đơn vị,Tên đơn vị,Cấp\r\n92,  Tỉnh   Gia\u0301 Lai ,Tỉnh\r\n",
	"code,name,level,parent_code\n92,,province,\n,Xã,commune,901\n94,Tỉnh,xyz,\n92,Tỉnh Trùng,province,\n90199,Xã,commune,\nA1,Ban A,agency,A1\n",
	"code,name,level,parent_code\nA1,Ban A,agency,A2\nA2,Ban B,agency,A1\n",
	"code,name\n1,a\n",
	"name,level\n\"two\nlines\",other\n\x00,committee\n",
	"",
	"a,\"b\n",
}

var mappingSeeds = []string{
	"level,new_code,new_name,old_code,old_name,share\nprovince,52,Tỉnh Gia Lai,52,Tỉnh Bình Định,full\nprovince,52,Tỉnh Gia Lai,64,Tỉnh Gia Lai,full\ncommune,21583,Phường Quy Nhơn,21550,Phường Trần Phú,partial\n",
	"level,new_code,new_name,old_code,old_name,share,fraction\ncommune,90301,Xã Ba Mới,90101,Xã Một A,partial,\"0,4\"\ncommune,90901,Xã Hợp Nhất,90101,Xã Một A,partial,0.6\n",
	"cấp;mã mới;tên mới;mã cũ;tên cũ;phần;tỷ lệ\nxã;1;A;2;B;toàn bộ;\nxã;1;A;3;C;một phần;1,5\ntỉnh;1;A;2;B;most;\nvillage;1;;2;;full;\n;;;;;;\n",
	"level,new_code,old_code,share\ncommune,1,2,full\ncommune,1,2,full\ncommune,,2,full\ncommune,1,,full\ncommune,1,3,partial,NaN\n",
	"level,new_code\nprovince,1\n",
	"",
}

// xlsxSeed is a workbook holding a CSV seed's cells.
func xlsxSeed(tb testing.TB, text string) []byte {
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range recs {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			x.SetCellStr(x.GetSheetName(0), cell, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var catalogKeys = locale.MustLoadCatalog().Keys("vi")

// checkProblems: every problem of an upload says where it is and has a
// message in the catalogue.
func checkProblems(t *testing.T, problems []*errs.Error) {
	t.Helper()
	for _, p := range problems {
		if p.Row < 2 || p.Field == "" {
			t.Errorf("problem %v does not name a data row and a field", p)
		}
		if !catalogKeys[p.Key] || (!strings.HasPrefix(p.Key, "import.") && p.Key != "org.err.bad_fraction") {
			t.Errorf("problem %v has no message", p)
		}
	}
}

// checkTopError: an upload that cannot be read at all says so as an Invalid
// error, with a message.
func checkTopError(t *testing.T, err error) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.Invalid || !catalogKeys[e.Key] {
		t.Errorf("error %v is not a clear user error", err)
	}
}

// clean reports whether s is in the one form text is stored in.
func clean(s string) bool {
	c, changed := locale.Clean(s)
	return !changed && c == s && norm.NFC.IsNormalString(s)
}

func FuzzParseUnitList(f *testing.F) {
	for _, s := range unitListSeeds {
		f.Add([]byte(s), false)
	}
	f.Add(xlsxSeed(f, unitListSeeds[1]), true)
	f.Add(xlsxSeed(f, unitListSeeds[4]), true)
	f.Fuzz(func(t *testing.T, data []byte, isXLSX bool) {
		name := "units.csv"
		if isXLSX {
			name = "units.xlsx"
		}
		rows, problems, err := ParseUnitList(bytes.NewReader(data), name)
		if err != nil {
			checkTopError(t, err)
			if rows != nil || problems != nil {
				t.Error("rows or problems beside an error")
			}
			return
		}
		checkProblems(t, problems)
		seen := map[string]bool{}
		for _, r := range rows {
			switch {
			case r.line < 2:
				t.Errorf("row %+v has no line", r)
			case r.name == "":
				t.Errorf("row %d has no name", r.line)
			case !r.level.Valid() || r.level == LevelNation:
				t.Errorf("row %d has level %q", r.line, r.level)
			case r.level.Administrative() && r.code == "":
				t.Errorf("row %d: an administrative unit without a code", r.line)
			case r.level.Administrative() && r.level != LevelProvince && r.parentCode == "":
				t.Errorf("row %d: a %s without a parent", r.line, r.level)
			case r.code != "" && r.code == r.parentCode:
				t.Errorf("row %d is its own parent", r.line)
			}
			for _, s := range []string{r.code, r.name, r.parentCode, r.kind} {
				if !clean(s) {
					t.Errorf("row %d keeps unclean text %q", r.line, s)
				}
			}
			if seen[key(r)] {
				t.Errorf("row %d duplicates an earlier row", r.line)
			}
			seen[key(r)] = true
		}
		// what was accepted, written out again, is read back the same, and
		// cleanly: normalisation is done once and for all
		again, problems2, err := ParseUnitList(bytes.NewReader(writeList(t, rows)), "again.csv")
		if err != nil || len(problems2) != 0 {
			t.Fatalf("the accepted rows, written out, give %v %v", err, problems2)
		}
		if got, want := rowsText(again), rowsText(rows); got != want {
			t.Errorf("round trip:\n%s\nwant:\n%s", got, want)
		}
	})
}

func key(r *listRow) string {
	if r.code == "" {
		return string(r.level) + "/" + r.parentCode + "/" + locale.Fold(r.name)
	}
	return string(r.level) + "/" + r.code
}

func writeList(t *testing.T, rows []*listRow) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"code", "name", "level", "parent_code", "kind"})
	for _, r := range rows {
		w.Write([]string{r.code, r.name, string(r.level), r.parentCode, r.kind})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func rowsText(rows []*listRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%q %q %s %q %q\n", r.code, r.name, r.level, r.parentCode, r.kind)
	}
	return b.String()
}

func FuzzParseMapping(f *testing.F) {
	for _, s := range mappingSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := parseMapping(bytes.NewReader(data), "mapping.csv")
		if err != nil {
			checkTopError(t, err)
			return
		}
		checkProblems(t, problems)
		seen := map[string]bool{}
		for _, m := range rows {
			switch {
			case m.line < 2:
				t.Errorf("row %+v has no line", m)
			case !m.level.Administrative():
				t.Errorf("row %d has level %q", m.line, m.level)
			case m.newCode == "" || m.oldCode == "":
				t.Errorf("row %d lacks a code", m.line)
			case m.share != ShareFull && m.share != SharePartial:
				t.Errorf("row %d has share %q", m.line, m.share)
			case m.fraction != nil && !(*m.fraction > 0 && *m.fraction <= 1):
				t.Errorf("row %d has fraction %v", m.line, *m.fraction)
			}
			for _, s := range []string{m.newCode, m.oldCode, m.oldName} {
				if !clean(s) {
					t.Errorf("row %d keeps unclean text %q", m.line, s)
				}
			}
			k := string(m.level) + "/" + m.newCode + "/" + m.oldCode
			if seen[k] {
				t.Errorf("row %d duplicates an earlier row", m.line)
			}
			seen[k] = true
		}
	})
}
