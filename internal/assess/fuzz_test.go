package assess_test

import (
	"bytes"
	"math"
	"testing"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/errs"
)

var frameworkSheetSeeds = []string{
	"Mã,Mã cấp trên,Loại,Tên,Điểm tối đa,Cách chấm,Mã chỉ số,Ngưỡng (giá trị:điểm),Cần điền\nTHU,,Bộ chỉ số,Thử,100,,,,\nA,,,Trụ cột,100,,,,\nA.1,A,,Một,60,Theo ngưỡng,HS_ONLINE_RATE,50:30; 80:60,\nA.2,A,,Hai,,,,,điểm tối đa; tên\n",
	"code;parent;name_vi;max_score\nP;;Pillar;1.000\nP.1;P;One;0,5\nP.2;P;Two;999,5\n",
	"Mã,Tên\n,\nA,A\nA,B\n",
	"Mã,Mã cấp trên,Tên,Điểm tối đa\nA,B,x,1\nB,A,y,1\n",
	"Mã,Loại,Tên,Áp dụng từ năm,Đến năm,Cấp được đánh giá\nX,Bộ chỉ số,Khung,2024.5,abc,Tỉnh\n",
	"\xef\xbb\xbfMã,Tên,Cần điền\nA,B,\"màu; tên;;\"\n",
}

// FuzzFrameworkSheet: whatever a framework sheet holds, reading it either
// fails with a user's error naming where, or gives rows each with a code
// or a line to report against, numbers that are numbers, and only known
// fields to fill in.
func FuzzFrameworkSheet(f *testing.F) {
	for _, s := range frameworkSheetSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := assess.ReadFrameworkSheet(bytes.NewReader(data), "khung.csv")
		if err != nil {
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.Invalid {
				t.Fatalf("not a user's error: %v", err)
			}
			for _, x := range e.Details {
				if x.Row < 1 || x.Field == "" {
					t.Errorf("a problem without its row or column: %v", x)
				}
			}
			return
		}
		for _, r := range d.Rows {
			if r.Line < 2 {
				t.Errorf("row %+v has no line", r)
			}
			for _, v := range []*float64{r.Max, r.Lo, r.Hi} {
				if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0)) {
					t.Errorf("row %d: %v is not a number", r.Line, *v)
				}
			}
			for _, x := range r.ToFill {
				known := false
				for _, y := range assess.Fields {
					known = known || x == y
				}
				if !known {
					t.Errorf("row %d: unknown field to fill %q", r.Line, x)
				}
			}
		}
	})
}
