package assess_test

import (
	"bytes"
	"context"
	"database/sql"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// shape is a framework as a reader sees it, without ids or its version.
type shape struct {
	Family, NameVI, NameEN, Basis, Provenance string
	Level                                     assess.Level
	YearFrom, YearTo                          int
	Nodes                                     []string
}

func shapeOf(f *assess.Framework) shape {
	sh := shape{f.Family, f.NameVI, f.NameEN, f.Basis, f.Provenance, f.Level, f.YearFrom, f.YearTo, nil}
	f.Walk(func(n *assess.Node, d int) {
		parent := ""
		if p := f.Node(n.ParentID); p != nil {
			parent = p.Code
		}
		lo, hi := "", ""
		if n.Lo != nil {
			lo = sprint(*n.Lo)
		}
		if n.Hi != nil {
			hi = sprint(*n.Hi)
		}
		sh.Nodes = append(sh.Nodes, strings.Join([]string{itoa(d), n.Code, parent, string(n.Kind), n.NameVI, n.NameEN, sprint(n.Max), string(n.Method),
			n.Indicator, n.StepsText(), lo, hi, n.Guidance, string(n.Collection), n.Continues, n.Provenance, joinFields(n.ToFill)}, "|"))
	})
	return sh
}

func sprint(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func joinFields(fs []assess.Field) string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f))
	}
	return strings.Join(out, ",")
}

func exportSheet(t *testing.T, s *apptest.Server, id int64, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Assess.ExportFramework(context.Background(), s.Admin, id, lang, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func rows(t *testing.T, data []byte) [][]string {
	t.Helper()
	tab, err := sheet.Read(bytes.NewReader(data), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	return append([][]string{tab.Header}, tab.Rows...)
}

// TestFrameworkSheetRoundTrip: every shipped framework exported and
// imported again (as a new version of its family, in either language) is
// the same framework, and exports to the same sheet.
func TestFrameworkSheetRoundTrip(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		for _, fam := range []struct {
			family string
			year   int
			lang   string
		}{{assess.DTIFamily, 2025, "vi"}, {assess.DTIFamily, 2022, "en"}, {assess.MinistryFamily, 2025, "vi"}} {
			f := frameworkOf(t, s, fam.family, fam.year)
			data := exportSheet(t, s, f.ID, fam.lang)
			again, err := s.Assess.ImportFrameworkSheet(ctx, s.Admin, bytes.NewReader(data), "bo-chi-so.xlsx", assess.Def{}, assess.DefOptions{Publish: true})
			if err != nil {
				t.Fatalf("%s %d: %v %v", fam.family, fam.year, err, details(err))
			}
			if again.Version != f.Version+1 && again.Family == f.Family && again.Version <= f.Version {
				t.Fatalf("re-imported as version %d of %s", again.Version, again.Family)
			}
			if a, b := shapeOf(f), shapeOf(again); !reflect.DeepEqual(a, b) {
				t.Fatalf("%s %d re-imported differs:\n%v\n%v", fam.family, fam.year, a, b)
			}
			if a, b := rows(t, data), rows(t, exportSheet(t, s, again.ID, fam.lang)); !reflect.DeepEqual(a, b) {
				t.Fatalf("%s %d exports differently after the round trip:\n%v\n%v", fam.family, fam.year, a, b)
			}
		}
		// a province loads its own framework from the sheet of another, as a
		// draft under its own code
		gialai := s.User(t, "gialai").Actor()
		data := exportSheet(t, s, frameworkOf(t, s, assess.DTIFamily, 2025).ID, "vi")
		own, err := s.Assess.ImportFrameworkSheet(ctx, gialai, bytes.NewReader(data), "dti.xlsx", assess.Def{Family: "GL-SO-NGANH"}, assess.DefOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !own.Draft() || own.Family != "GL-SO-NGANH" || own.OwnerUnitID != gialai.ScopeUnitID || own.Max() != 1000 {
			t.Fatalf("the province's import: %+v", own)
		}
		// but not as a version of the nation's family
		if _, err := s.Assess.ImportFrameworkSheet(ctx, gialai, bytes.NewReader(data), "dti.xlsx", assess.Def{}, assess.DefOptions{}); errs.KindOf(err) != errs.Invalid {
			t.Fatalf("a province added a version to the national DTI: %v", err)
		}
	})
}

// TestFrameworkSheetBadInput: a sheet with missing or duplicate codes,
// points that do not add up, a component bound to an unknown indicator, a
// cycle, an unknown parent, a word that is not a number or not a choice is
// refused whole, each problem named by row and column, and nothing is
// written.
func TestFrameworkSheetBadInput(t *testing.T) {
	s := apptest.StartSQLite(t)
	ctx := context.Background()
	head := "Mã,Mã cấp trên,Loại,Tên,Điểm tối đa,Cách chấm,Mã chỉ số,Giá trị ứng với 0 điểm,Giá trị ứng với điểm tối đa,Cần điền\n"
	good := "THU,,Bộ chỉ số,Bộ tiêu chí thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nA.1,A,,Tiêu chí một,60,Chấm theo minh chứng,,,,\nA.2,A,,Tiêu chí hai,40,Tỷ lệ thuận,HS_ONLINE_RATE,0,100,\n"
	if f, err := s.Assess.ImportFrameworkSheet(ctx, s.Admin, strings.NewReader(head+good), "tot.csv", assess.Def{}, assess.DefOptions{}); err != nil || f.Max() != 100 {
		t.Fatalf("a good sheet: %v", err)
	}
	cases := []struct {
		name, body string
		row        int
		field      string
	}{
		{"missing code", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\n,A,,Không mã,100,,,,,\n", 4, "code"},
		{"duplicate code", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nA.1,A,,Một,50,,,,,\nA.1,A,,Hai,50,,,,,\n", 5, "code"},
		{"points do not add up", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nA.1,A,,Một,50,,,,,\nA.2,A,,Hai,40,,,,,\n", 3, "max_score"},
		{"unknown indicator", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nA.1,A,,Một,100,Tỷ lệ thuận,KHONG_CO,0,100,\n", 4, "indicator"},
		{"cycle", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nB,C,,Vòng một,50,,,,,\nC,B,,Vòng hai,50,,,,,\n", 4, "parent"},
		{"unknown parent", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nA.1,Z,,Một,100,,,,,\n", 4, "parent"},
		{"not a number", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,một trăm,,,,,\n", 3, "max_score"},
		{"not a choice", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nA.1,A,,Một,100,Bốc thăm,,,,\n", 4, "method"},
		{"not a field to fill", "THU2,,Bộ chỉ số,Thử,100,,,,,\nA,,,Trụ cột A,100,,,,,\nA.1,A,,Một,100,,,,,màu sắc\n", 4, "to_fill"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, fws := s.AuditLen(t), countFrameworks(t, s)
			_, err := s.Assess.ImportFrameworkSheet(ctx, s.Admin, strings.NewReader(head+c.body), "sai.csv", assess.Def{}, assess.DefOptions{})
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.Invalid {
				t.Fatalf("accepted, or not a user's error: %v", err)
			}
			found := false
			for _, d := range append([]*errs.Error{e}, e.Details...) {
				found = found || d.Row == c.row && d.Field == c.field
			}
			if !found {
				t.Errorf("no problem at row %d, column %s: %v", c.row, c.field, err)
			}
			if s.AuditLen(t) != before || countFrameworks(t, s) != fws {
				t.Error("something was written")
			}
		})
	}
}

func countFrameworks(t *testing.T, s *apptest.Server) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM frameworks`).Scan(&n); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return n
}

func details(err error) []string {
	e, ok := errs.As(err)
	if !ok {
		return nil
	}
	var out []string
	for _, d := range e.Details {
		out = append(out, d.Error())
	}
	return out
}
