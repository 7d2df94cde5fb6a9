package report

import (
	"reflect"
	"testing"

	"github.com/mangluoi/mangluoi/internal/errs"
)

// TestResolve: a {field} is its figure; a list alone on its line is a
// paragraph per item, inside a sentence its items joined; doubled braces
// are braces; unknown or unclosed names are the writer's errors, naming
// the section.
func TestResolve(t *testing.T) {
	fs := newFieldSet([]Field{
		{Key: "a", Label: "Tổng số nhiệm vụ", Value: "25"},
		{Key: "b", Label: "Nhiệm vụ quá hạn", IsList: true, List: []string{"- Việc một (chủ trì: Sở Y tế).", "- Việc hai."}},
		{Key: "c", Label: "Chỉ tiêu chưa đạt", IsList: true, List: []string{}},
	})
	got, err := fs.resolve("Có {Tổng số nhiệm vụ} nhiệm vụ; {tong so nhiem vu} viết không dấu.\n\n{Nhiệm vụ quá hạn}\nGồm: {Nhiệm vụ quá hạn}\n{Chỉ tiêu chưa đạt}\n{{ngoặc}}", "section_plans")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Có 25 nhiệm vụ; 25 viết không dấu.", "- Việc một (chủ trì: Sở Y tế).", "- Việc hai.",
		"Gồm: Việc một (chủ trì: Sở Y tế); Việc hai", "- Không có.", "{ngoặc}"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resolved\n%q\nwant\n%q", got, want)
	}
	_, err = fs.resolve("Có {Số người lạ} và {Tổng số", "section_issues")
	e, ok := errs.As(err)
	if !ok || len(e.Details) != 2 || e.Details[0].Key != "report.err.unknown_field" || e.Details[0].Field != "section_issues" ||
		e.Details[1].Key != "report.err.unclosed" {
		t.Errorf("errors: %+v", err)
	}
}
