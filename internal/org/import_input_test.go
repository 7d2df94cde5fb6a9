package org_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// problem is an expected error of an import: where, and which message.
type problem struct {
	row   int
	field string
	key   string
}

func (p problem) String() string { return fmt.Sprintf("row %d %s %s", p.row, p.field, p.key) }

// problemsOf lists an import error's problems: its details, or itself.
func problemsOf(err error) []problem {
	e, ok := errs.As(err)
	if !ok {
		return nil
	}
	list := e.Details
	if len(list) == 0 {
		list = []*errs.Error{e}
	}
	var out []problem
	for _, d := range list {
		out = append(out, problem{d.Row, d.Field, d.Key})
	}
	return out
}

// problemsOfNotices lists an import's notices.
func problemsOfNotices(res *org.ImportResult) []problem {
	var out []problem
	for _, n := range res.Notices {
		out = append(out, problem{n.Row, n.Field, n.Key})
	}
	return out
}

// importList imports a CSV (or, by name, XLSX) file into the fixture's tree.
func (f *fixture) importList(actor *auth.Actor, name string, data []byte) (*org.ImportResult, error) {
	return f.svc.ImportList(f.ctx, actor, bytes.NewReader(data), name, change(d1))
}

func TestImportListBadInput(t *testing.T) {
	vi := locale.MustLoadCatalog().Printer("vi")
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const header = "code,name,level,parent_code\n"
		for _, c := range []struct {
			name string
			file string
			want []problem
		}{
			{"missing level column", "code,name,parent_code\n92,Tỉnh Mới,\n", []problem{{1, "level", "import.err.missing_column"}}},
			{"missing name column", "mã,cấp\n92,province\n", []problem{{1, "name", "import.err.missing_column"}}},
			{"empty name", header + "92,Tỉnh Mới,province,\n93, ,province,\n", []problem{{3, "name", "import.err.required"}}},
			{"bad level", header + "92,Tỉnh Mới,tinh thanh,\n", []problem{{2, "level", "import.err.bad_level"}}},
			{"administrative unit without a code", header + ",Xã Mới,commune,901\n", []problem{{2, "code", "import.err.code_required"}}},
			{"commune without a parent", header + "90199,Xã Mới,commune,\n", []problem{{2, "parent_code", "import.err.parent_required"}}},
			{"duplicate code", header + "92,Tỉnh Mới,province,\n93,Tỉnh Khác,province,\n92,Tỉnh Trùng,province,\n", []problem{{4, "code", "import.err.duplicate"}}},
			{"duplicate uncoded name", header + ",Ban Chỉ đạo,committee,90\n,Ban  chỉ đạo,committee,90\n", []problem{{3, "code", "import.err.duplicate"}}},
			{"unknown parent", header + "90199,Xã Mới,commune,999\n", []problem{{2, "parent_code", "import.err.unknown_parent"}}},
			{"parent of the wrong level", header + "90199,Xã Mới,commune,90101\n", []problem{{2, "parent_code", "import.err.unknown_parent"}}},
			{"its own parent", header + "A1,Ban A,agency,A1\n", []problem{{2, "parent_code", "import.err.own_parent"}}},
			{"a cycle among agencies", header + "A1,Ban A,agency,A2\nA2,Ban B,agency,A3\nA3,Ban C,agency,A1\nA4,Ban D,agency,90\n",
				[]problem{{2, "parent_code", "import.err.cycle"}, {3, "parent_code", "import.err.cycle"}, {4, "parent_code", "import.err.cycle"}}},
			{"every problem at once, in row order", header + "92,Tỉnh Mới,province,\n,Xã,commune,901\n93,,province,\n94,Tỉnh,xyz,\n92,Tỉnh Trùng,province,\n",
				[]problem{{3, "code", "import.err.code_required"}, {4, "name", "import.err.required"}, {5, "level", "import.err.bad_level"}, {6, "code", "import.err.duplicate"}}},
			{"not UTF-8", "code,name,level\n92,T\xecnh,province\n", []problem{{0, "", "import.err.unreadable"}}},
			{"empty file", "", []problem{{0, "", "import.err.unreadable"}}},
			{"broken quotes", header + "92,\"Tỉnh,province,\n", []problem{{0, "", "import.err.unreadable"}}},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := f.state(t)
				res, err := f.importList(f.admin, "units.csv", []byte(c.file))
				if err == nil {
					t.Fatalf("imported: %+v", res)
				}
				if errs.KindOf(err) != errs.Invalid {
					t.Errorf("kind %d: %v", errs.KindOf(err), err)
				}
				if got := problemsOf(err); fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("problems:\n  %v\nwant:\n  %v", got, c.want)
				}
				// each problem says where, in the user's language
				for _, line := range vi.Errs(err) {
					if c.want[0].row > 0 && !strings.HasPrefix(line, "Dòng ") {
						t.Errorf("%q does not name the row", line)
					}
					if strings.Contains(line, "<no value>") || strings.Contains(line, "import.err") {
						t.Errorf("%q is not a finished message", line)
					}
				}
				if after := f.state(t); after != before {
					t.Errorf("a refused import wrote: before %+v, after %+v", before, after)
				}
			})
		}
		// the duplicate names the row of the first
		_, err := f.importList(f.admin, "units.csv", []byte(header+"92,Tỉnh Mới,province,\n93,Tỉnh Khác,province,\n92,Tỉnh Trùng,province,\n"))
		if e, _ := errs.As(err); e == nil || len(e.Details) != 1 || e.Details[0].Args["First"] != 2 || e.Details[0].Args["Code"] != "92" {
			t.Errorf("duplicate: %v", err)
		}
		if got := vi.Errs(err); len(got) != 1 || got[0] != "Dòng 4, cột «mã»: mã 92 đã có ở dòng 2." {
			t.Errorf("duplicate says %q", got)
		}
	})
}

func TestImportListNormalises(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const header = "code,name,level,parent_code\n"
		messy := header + " 92 ,\"  " + norm.NFD.String("Tỉnh Gia   Lai") + "\t\",province,\n"
		res, err := f.importList(f.admin, "units.csv", []byte(messy))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 {
			t.Errorf("created %d", res.Created)
		}
		if got := fmt.Sprint(problemsOfNotices(res)); got != "[row 2 code import.notice.normalised row 2 name import.notice.normalised]" {
			t.Errorf("notices: %s", got)
		}
		s := f.snap(t)
		v := s.FindByCode(org.LevelProvince, "92", d1)
		if v == nil || v.Name != "Tỉnh Gia Lai" || !norm.NFC.IsNormalString(v.Name) || v.Kind != "Tỉnh" || v.Folded != "tinh gia lai" {
			t.Fatalf("stored %+v", v)
		}
		// the clean file, and the messy one again, are the same unit
		for _, file := range []string{header + "92,Tỉnh Gia Lai,province,\n", messy} {
			before := f.state(t)
			res, err := f.importList(f.admin, "units.csv", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			if res.Created != 0 || res.Changed != 0 || res.Unchanged != 1 {
				t.Errorf("re-import: %+v", res)
			}
			if after := f.state(t); after.Units != before.Units || after.Versions != before.Versions {
				t.Errorf("re-import wrote units: before %+v, after %+v", before, after)
			}
		}
	})
}

func TestImportListFormats(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// Excel in a Vietnamese locale: semicolons, Vietnamese headers and levels
		res, err := f.importList(f.admin, "đơn vị.csv", []byte("\xef\xbb\xbfMã;Tên đơn vị;Cấp;Mã cấp trên;Loại\r\n93;Tỉnh Chấm Phẩy;tỉnh;;\r\n9301;Phường Một;Cấp xã;93;\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		s := f.snap(t)
		p := s.FindByCode(org.LevelCommune, "9301", d1)
		if res.Created != 2 || p == nil || parentName(s, p.UnitID, d1) != "Tỉnh Chấm Phẩy" || p.Kind != "Phường" {
			t.Errorf("semicolon file: %+v, %+v", res, p)
		}

		rows := [][]string{
			{"code", "name", "level", "parent_code"},
			{"94", "Tỉnh Bảng Tính", "province", ""},
			{"9401", "Xã Một", "commune", "94"},
			{"", "Sở Tài chính", "agency", "90"},
		}
		res, err = f.importList(f.admin, "units.xlsx", xlsxFile(t, rows))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 3 {
			t.Errorf("xlsx: %+v", res)
		}
		if got := childNames(f.snap(t), f.id["Tỉnh Thử Nghiệm"], d1); got != "Huyện Hai, Huyện Một, Sở Khoa học và Công nghệ, Sở Tài chính" {
			t.Errorf("the province's departments: %s", got)
		}
		res, err = f.importList(f.admin, "units.xlsx", xlsxFile(t, rows))
		if err != nil || res.Created+res.Changed != 0 || res.Unchanged != 3 {
			t.Errorf("xlsx again: %+v, %v", res, err)
		}
		// errors in a workbook name its rows
		bad := append(rows[:1:1], []string{"95", "Tỉnh Năm", "province", ""}, []string{"9501", "", "commune", "95"})
		_, err = f.importList(f.admin, "units.xlsx", xlsxFile(t, bad))
		if got := fmt.Sprint(problemsOf(err)); got != "[row 3 name import.err.required]" {
			t.Errorf("xlsx problems: %s", got)
		}
		if _, err := f.importList(f.admin, "units.xlsx", []byte("code,name\n")); errs.KindOf(err) != errs.Invalid {
			t.Errorf("a CSV named .xlsx: %v", err)
		}
	})
}

func xlsxFile(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellStr(x.GetSheetName(0), cell, v); err != nil {
				tb.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportListRerunAndChange(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		before := f.state(t)
		res, err := f.svc.ImportList(f.ctx, f.admin, strings.NewReader(smallList), "small.csv", change(baseline))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Changed != 0 || res.Unchanged != 13 {
			t.Errorf("re-run: %+v", res)
		}
		if after := f.state(t); after.Units != before.Units || after.Versions != before.Versions || after.Links != before.Links {
			t.Errorf("re-run wrote units: %+v → %+v", before, after)
		}

		// a later list in which a commune is renamed and moved: its villages,
		// listed or not, go with it
		later := strings.Replace(smallList, "90101,Xã Một A,commune,901", "90101,Phường Một A,commune,902", 1)
		later = strings.Replace(later, ",Thôn 2,village,90101\n", "", 1)
		res, err = f.svc.ImportList(f.ctx, f.admin, strings.NewReader(later), "later.csv", change(d1))
		if err != nil {
			t.Fatal(err)
		}
		if res.Changed != 2 || res.Created != 0 { // the commune, and Thôn 1 by its own row
			t.Errorf("later list: %+v", res)
		}
		s := f.snap(t)
		for _, c := range []struct{ got, want string }{
			{history(s, f.id["Xã Một A"]), "2024-01-01–2025-03-01 Xã Một A (Huyện Một); 2025-03-01–… Phường Một A (Huyện Hai)"},
			{ancestorNames(s, f.id["Thôn 1"], d1), "Tỉnh Thử Nghiệm / Huyện Hai / Phường Một A"},
			{ancestorNames(s, f.id["Thôn 2"], d1), "Tỉnh Thử Nghiệm / Huyện Hai / Phường Một A"},
			{ancestorNames(s, f.id["Thôn 1"], d1.AddDays(-1)), "Tỉnh Thử Nghiệm / Huyện Một / Xã Một A"},
		} {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		}
		for _, v := range []string{"Thôn 1", "Thôn 2"} {
			if n := len(s.History(f.id[v])); n != 2 {
				t.Errorf("%s has %d versions, want 2: %s", v, n, history(s, f.id[v]))
			}
		}
		// and again: nothing more
		res, err = f.svc.ImportList(f.ctx, f.admin, strings.NewReader(later), "later.csv", change(d1))
		if err != nil || res.Changed+res.Created != 0 {
			t.Errorf("later list again: %+v, %v", res, err)
		}
	})
}

func TestImportListPermissions(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const header = "code,name,level,parent_code\n"
		coord := f.actor(auth.RoleCoordinator, "Tỉnh Thử Nghiệm")
		focal := f.actor(auth.RoleFocal, "Xã Một A")
		f.expectRefused(t, []refusal{
			{"coordinator, official units", func(f *fixture) error {
				_, err := f.importList(coord, "u.csv", []byte(header+"90103,Xã Một C,commune,901\n"))
				return err
			}, errs.Forbidden, "err.forbidden", "", 2},
			{"coordinator, outside their scope", func(f *fixture) error {
				_, err := f.importList(coord, "u.csv", []byte(header+",Sở Nội vụ,agency,91\n"))
				return err
			}, errs.Forbidden, "err.forbidden", "parent_code", 2},
			{"focal person, a department", func(f *fixture) error {
				_, err := f.importList(focal, "u.csv", []byte(header+",Tổ công nghệ số,agency,90101\n"))
				return err
			}, errs.Forbidden, "err.forbidden", "", 2},
			{"focal person, another commune's villages", func(f *fixture) error {
				_, err := f.importList(focal, "u.csv", []byte(header+",Thôn 9,village,90102\n"))
				return err
			}, errs.Forbidden, "err.forbidden", "", 2},
			{"viewer", func(f *fixture) error {
				_, err := f.importList(f.actor(auth.RoleViewer, "Việt Nam"), "u.csv", []byte(header+",Thôn 9,village,90101\n"))
				return err
			}, errs.Forbidden, "err.forbidden", "", 0},
		})
		if res, err := f.importList(coord, "u.csv", []byte(header+",Sở Nội vụ,agency,90\n")); err != nil || res.Created != 1 {
			t.Errorf("coordinator, a department in scope: %+v, %v", res, err)
		}
		if res, err := f.importList(focal, "u.csv", []byte(header+",Thôn 9,village,90101\n")); err != nil || res.Created != 1 {
			t.Errorf("focal person, a village of their commune: %+v, %v", res, err)
		}
	})
}
