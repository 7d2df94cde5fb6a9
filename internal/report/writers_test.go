package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// sampleDoc is a document the size of a province's six-month report: 60
// paragraphs, a table of 40 rows.
func sampleDoc() *Doc {
	d := &Doc{Issuer: []string{"ỦY BAN NHÂN DÂN", "TỈNH GIA LAI"}, Number: "Số: 125/BC-UBND", PlaceDate: "Gia Lai, ngày 05 tháng 7 năm 2026",
		Type: "BÁO CÁO", Title: "Kết quả thực hiện công tác chuyển đổi số 6 tháng đầu năm 2026, phương hướng, nhiệm vụ 6 tháng cuối năm 2026",
		Recipients: []string{"- Bộ Khoa học và Công nghệ;", "- Lưu: VT, KGVX."}, Authority: []string{"TM. ỦY BAN NHÂN DÂN"}, Position: "CHỦ TỊCH",
		Signer: "Phạm Anh Tuấn", Footer: "Ban hành trên mangluoi · Mục nhật ký phát hành số 4403 · SHA-256 " + strings.Repeat("ab", 32)}
	d.Blocks = append(d.Blocks, Block{Kind: Heading1, Text: "I. KẾT QUẢ THỰC HIỆN"})
	for i := 0; i < 60; i++ {
		d.Blocks = append(d.Blocks, Block{Kind: Paragraph, Text: fmt.Sprintf("Đến ngày 30/06/2026, %d đơn vị đã thành lập, kiện toàn Ban Chỉ đạo chuyển đổi số; "+
			"các Tổ công nghệ số cộng đồng đã hỗ trợ %d lượt người dân sử dụng dịch vụ công trực tuyến.", i+100, i*1000)})
	}
	t := &Table{Caption: "Bảng 1. Kết quả thực hiện nhiệm vụ", Head: []string{"STT", "Nhóm nhiệm vụ", "Tổng số", "Hoàn thành"},
		Widths: []float64{1, 5, 1.5, 1.5}, Num: []bool{true, false, true, true}}
	for i := 0; i < 40; i++ {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), "Nâng cao năng lực quản lý nhà nước và thực thi pháp luật về chuyển đổi số", "4", "3"})
		t.Strong = append(t.Strong, false)
	}
	d.Blocks = append(d.Blocks, Block{Kind: TableKind, Table: t})
	return d
}

func BenchmarkWritePDF(b *testing.B) {
	d := sampleDoc()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := writePDF(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteDOCX(b *testing.B) {
	d := sampleDoc()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := writeDOCX(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWritersAreStable: the same document is the same DOCX, byte for byte
// (a stored file can be written again to compare), and a PDF whatever its
// size keeps its pages within A4 with the footer on each.
func TestWritersAreStable(t *testing.T) {
	d := sampleDoc()
	var a, b bytes.Buffer
	if err := writeDOCX(&a, d); err != nil {
		t.Fatal(err)
	}
	if err := writeDOCX(&b, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two DOCX of one document differ")
	}
	var p bytes.Buffer
	if err := writePDF(&p, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(p.Bytes(), []byte("%PDF-")) || !bytes.Contains(p.Bytes(), []byte("/MediaBox [0 0 595.28 841.89]")) && !bytes.Contains(p.Bytes(), []byte("595.28")) {
		t.Errorf("not an A4 PDF: %.200s", p.Bytes())
	}
}
