package people_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
)

// fillTemplate writes rows into the generated template's first sheet, as a
// user would in Excel.
func fillTemplate(t *testing.T, s *apptest.Server, rows [][]any) *bytes.Buffer {
	t.Helper()
	ctx := context.Background()
	coord := actorOf(t, s, "gialai")
	var tpl bytes.Buffer
	if err := s.People.Template(ctx, coord, s.Org.Today(), "vi", &tpl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	if sheet != "Cán bộ" || len(f.GetSheetList()) != 2 {
		t.Fatalf("template sheets %v", f.GetSheetList())
	}
	if dv, _ := f.GetDataValidations(sheet); len(dv) == 0 {
		t.Error("the template has no drop-down lists")
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func TestPeopleSheetImportIsAllOrNothing(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		coord := actorOf(t, s, "gialai")
		today := s.Org.Today()
		snap, _ := s.Org.Snapshot(ctx)
		pleiku := snap.Search("pleiku", today, snap.RootID, 1)[0]
		rows := [][]any{
			{"Trần Thị Nhập", "Nữ", 1990, "Công chức Văn phòng - Thống kê", "0905123456", "", "Công chức", "Đại học", "Hành chính", "Không", pleiku.Code, "", "", "Cán bộ đầu mối", "Kiêm nhiệm"},
			{"", "Nam", 1985, "", "", "", "", "", "", "", pleiku.Code},
			{"Lê Văn Sai", "Nam", 1985, "", "abc", "", "", "", "", "", "99999"},
		}
		before := countPeople(t, s)
		res, err := s.People.ImportSheet(ctx, coord, fillTemplate(t, s, rows), "people.xlsx", today, false)
		e, ok := errs.As(err)
		if !ok || len(e.Details) != 3 {
			t.Fatalf("want 3 problems (empty name, bad phone, unknown unit), got %v", err)
		}
		for _, d := range e.Details {
			if d.Row < 3 || d.Field == "" {
				t.Errorf("problem without row or field: %+v", d)
			}
		}
		if countPeople(t, s) != before {
			t.Fatal("a failed import wrote people")
		}
		if res.Skipped != 2 {
			t.Errorf("skipped %d", res.Skipped)
		}
		res, err = s.People.ImportSheet(ctx, coord, fillTemplate(t, s, rows), "people.xlsx", today, true)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || res.Roles != 1 || res.Skipped != 2 {
			t.Errorf("with skip: %+v", res)
		}
		// the same valid row again: nobody twice
		res, err = s.People.ImportSheet(ctx, coord, fillTemplate(t, s, rows[:1]), "people.xlsx", today, false)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Existing != 1 || res.Roles != 0 {
			t.Errorf("re-import: %+v", res)
		}
		// a commune's focal person cannot import into another commune
		quy := snap.Search("quy nhon", today, snap.RootID, 1)[0]
		_, err = s.People.ImportSheet(ctx, actorOf(t, s, "pleiku"), fillTemplate(t, s, [][]any{{"Ai Đó", "", "", "", "", "", "", "", "", "", quy.Code}}), "p.xlsx", today, false)
		if errs.KindOf(err) != errs.Invalid {
			t.Errorf("import into another commune: %v", err)
		}
		// the export lists the imported person, with text cells
		var out bytes.Buffer
		if err := s.People.Export(ctx, coord, people.Filter{Q: "tran thi nhap", AsOf: today}, "vi", &out); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&out)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := f.GetRows(f.GetSheetList()[0])
		if len(got) != 2 || got[1][0] != "Trần Thị Nhập" || got[1][10] != pleiku.Code {
			t.Errorf("export: %v", got)
		}
	})
}

// An exported name that looks like a formula stays text.
func TestExportNeverWritesFormulas(t *testing.T) {
	s := apptest.StartSQLite(t)
	ctx := context.Background()
	coord := actorOf(t, s, "gialai")
	snap, _ := s.Org.Snapshot(ctx)
	gl := snap.FindByCode(org.LevelProvince, "52", s.Org.Today())
	if _, err := s.People.CreatePerson(ctx, coord, people.PersonInput{FullName: `=HYPERLINK("http://evil","x")`, UnitID: gl.UnitID}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := s.People.Export(ctx, coord, people.Filter{Q: "hyperlink", AsOf: s.Org.Today()}, "vi", &out); err != nil {
		t.Fatal(err)
	}
	f, _ := excelize.OpenReader(&out)
	sheet := f.GetSheetList()[0]
	formula, _ := f.GetCellFormula(sheet, "A2")
	value, _ := f.GetCellValue(sheet, "A2")
	if formula != "" || !strings.HasPrefix(value, "=HYPERLINK") {
		t.Errorf("cell A2: formula %q value %q", formula, value)
	}
}

func countPeople(t *testing.T, s *apptest.Server) int {
	var n int
	if err := s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM people`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
