package sheet_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/sheet"
	"github.com/mangluoi/mangluoi/internal/sheet/sheettest"
)

// a people sheet of n rows, 12 columns of Vietnamese text
func peopleCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("Họ và tên,Năm sinh,Giới tính,Đơn vị,Mã đơn vị,Chức vụ,Vai trò CĐS,Chuyên trách,Trình độ,Chuyên ngành,Điện thoại,Thư điện tử\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Nguyễn Văn Hùng %d,1985,Nam,Phường Pleiku,52%05d,Phó Chủ tịch,đầu mối,kiêm nhiệm,Đại học,Công nghệ thông tin,09%08d,hung%d@gialai.gov.vn\n", i, i%3321, i, i)
	}
	return []byte(b.String())
}

// BenchmarkReadCSV: 20,000 rows of a people sheet (≈ 3 MB) through the
// bounded reader.
func BenchmarkReadCSV(b *testing.B) {
	data := peopleCSV(20_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sheet.Read(bytes.NewReader(data), "can-bo.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadXLSX: the same rows as a workbook.
func BenchmarkReadXLSX(b *testing.B) {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(peopleCSV(20_000))), "\n") {
		rows = append(rows, strings.Split(line, ","))
	}
	data := sheettest.Workbook(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := sheet.Read(bytes.NewReader(data), "can-bo.xlsx"); err != nil {
			b.Fatal(err)
		}
	}
}
