package report

import (
	"strings"
	"unicode"

	"github.com/mangluoi/mangluoi/internal/org"
)

// The first draft of a report: its title, heading and prose, written from
// the unit and the figures. Every figure in the prose is a {field}, so it
// stays live while the writer edits the words around it.

// defaultTitle is the report's trích yếu.
func defaultTitle(k Kind, p Period) string {
	if k == Apparatus {
		return "Kết quả kiện toàn tổ chức bộ máy, nâng cao năng lực quản lý nhà nước về chuyển đổi số theo Quyết định số 1690/QĐ-TTg " + p.Label()
	}
	if p.Type == Range {
		return "Kết quả thực hiện công tác chuyển đổi số " + p.Label()
	}
	return "Kết quả thực hiện công tác chuyển đổi số " + p.Label() + ", phương hướng, nhiệm vụ " + p.NextLabel()
}

// properName is a unit's name without its kind: "Gia Lai" for "Tỉnh Gia
// Lai", "Pleiku" for "Phường Pleiku" — the place a document names (Decree
// 30: the proper name of the administrative unit where the body sits).
func properName(v *org.Version) string {
	name := v.Name
	for _, k := range []string{v.Kind, "Tỉnh", "Thành phố", "Huyện", "Thị xã", "Quận", "Phường", "Xã", "Thị trấn", "Đặc khu"} {
		if k != "" && strings.HasPrefix(name, k+" ") {
			return strings.TrimPrefix(name, k+" ")
		}
	}
	return name
}

// lowerFirst is "tỉnh Gia Lai" for "Tỉnh Gia Lai".
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// abbreviation is the initials of a department's name after "Sở": SKHCN.
func abbreviation(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		if w == "và" || w == "&" {
			continue
		}
		r := []rune(w)
		if r[0] == 'Đ' || r[0] == 'đ' {
			b.WriteRune('Đ')
			continue
		}
		b.WriteRune(unicode.ToUpper(r[0]))
	}
	return b.String()
}

// bodyName is how the prose names the issuing body: the People's
// Committee of an administrative unit, an agency by its name.
func bodyName(v *org.Version) string {
	if v.Level.Administrative() {
		return "Ủy ban nhân dân " + lowerFirst(v.Name)
	}
	return v.Name
}

// defaultHeading fills the heading from the unit, its province and the
// level above it.
func defaultHeading(v, parent, province *org.Version) Heading {
	h := Heading{Authority: "TM. ỦY BAN NHÂN DÂN", Position: "CHỦ TỊCH", Symbol: "BC-UBND"}
	up := strings.ToUpper
	switch {
	case v.Level.Administrative():
		h.Issuer = "ỦY BAN NHÂN DÂN\n" + up(v.Name)
		h.Place = properName(v)
		var lines []string
		if parent != nil && parent.Level.Administrative() {
			lines = append(lines, "Ủy ban nhân dân "+lowerFirst(parent.Name)+" (để báo cáo);")
		}
		switch v.Level {
		case org.LevelProvince:
			lines = append(lines, "Bộ Khoa học và Công nghệ (để báo cáo);", "Thường trực Tỉnh ủy;", "Thường trực HĐND tỉnh;",
				"Chủ tịch, các Phó Chủ tịch UBND tỉnh;", "Thành viên Ban Chỉ đạo chuyển đổi số tỉnh;", "Các sở, ban, ngành; UBND các xã, phường;", "Lưu: VT, KGVX.")
		default:
			if province != nil && province.UnitID != v.UnitID {
				lines = append(lines, "Sở Khoa học và Công nghệ "+lowerFirst(province.Name)+";")
			}
			lines = append(lines, "Thường trực Đảng ủy, HĐND "+strings.ToLower(strings.TrimSuffix(v.Name, " "+properName(v)))+";", "Lưu: VT.")
		}
		h.Recipients = strings.Join(lines, "\n")
	case v.Level == org.LevelAgency:
		h.Issuer = up(v.Name)
		if parent != nil {
			if parent.Level.Administrative() {
				h.Parent = "UBND " + up(parent.Name)
			} else {
				h.Parent = up(parent.Name)
			}
		}
		if province != nil {
			h.Place = properName(province)
		}
		name := strings.TrimPrefix(v.Name, "Sở ")
		if name != v.Name {
			h.Symbol = "BC-S" + abbreviation(name)
		} else {
			h.Symbol = "BC-" + abbreviation(v.Name)
		}
		h.Authority, h.Position = "", "GIÁM ĐỐC"
		var lines []string
		if parent != nil && parent.Level.Administrative() {
			lines = append(lines, "Ủy ban nhân dân "+lowerFirst(parent.Name)+" (để báo cáo);", "Sở Khoa học và Công nghệ;")
		}
		h.Recipients = strings.Join(append(lines, "Lưu: VT."), "\n")
	default:
		h.Issuer, h.Symbol, h.Place = up(v.Name), "BC", "Hà Nội"
		h.Authority, h.Position = "", "BỘ TRƯỞNG"
		h.Recipients = "Thủ tướng Chính phủ (để báo cáo);\nLưu: VT."
	}
	return h
}

// defaultSections is the first draft of the prose.
func defaultSections(k Kind, v *org.Version, f *Figures) Sections {
	var s Sections
	body := bodyName(v)
	var docs []string
	if f.Plans != nil {
		for _, d := range f.Plans.Docs {
			docs = append(docs, "Kế hoạch số "+d.Number)
		}
	}
	opening := body + " báo cáo"
	if len(docs) > 0 {
		opening = "Thực hiện " + strings.Join(docs, ", ") + ", " + body + " báo cáo"
	}
	if k == Apparatus {
		s.Opening = opening + " kết quả kiện toàn tổ chức bộ máy, nâng cao năng lực quản lý nhà nước và thực thi pháp luật về chuyển đổi số theo Quyết định số 1690/QĐ-TTg ngày 26/12/2023 của Thủ tướng Chính phủ " +
			token("Kỳ báo cáo") + " (số liệu tính đến ngày " + token("Ngày chốt số liệu") + ") như sau:"
	} else {
		s.Opening = opening + " kết quả thực hiện công tác chuyển đổi số " + token("Kỳ báo cáo") + " (số liệu tính đến ngày " +
			token("Ngày chốt số liệu") + "), phương hướng, nhiệm vụ " + token("Kỳ tới") + " như sau:"
	}
	s.Apparatus = "Đến ngày " + token("Ngày chốt số liệu") + ", " + token("Số đơn vị có Ban Chỉ đạo chuyển đổi số") +
		" đơn vị đã thành lập, kiện toàn Ban Chỉ đạo chuyển đổi số; " + token("Số đơn vị có bộ phận đầu mối") +
		" đơn vị đã giao bộ phận đầu mối, trong đó " + token("Số đơn vị chuyên trách") + " đơn vị chuyên trách về chuyển đổi số; " +
		token("Số cán bộ đầu mối") + " cán bộ đầu mối.\n" +
		"Tổng số người làm công tác chuyển đổi số là " + token("Số người làm công tác chuyển đổi số") + " người, trong đó " +
		token("Số người chuyên trách") + " người chuyên trách, " + token("Số người kiêm nhiệm") + " người kiêm nhiệm; " +
		token("Số người có chuyên môn công nghệ thông tin") + " người có chuyên môn về công nghệ thông tin; còn " +
		token("Số vị trí còn trống") + " vị trí chưa bố trí được người. Từ đầu năm, " + token("Số người được bồi dưỡng trong năm") +
		" người đã được bồi dưỡng, tập huấn về chuyển đổi số.\n" +
		"Kết quả thực hiện các chỉ tiêu theo Quyết định số 1690/QĐ-TTg (" + token("Số chỉ tiêu đã đạt") + "/" + token("Tổng số chỉ tiêu") +
		" chỉ tiêu đã đạt):\n" + token("Kết quả thực hiện chỉ tiêu Quyết định 1690")
	teams := token("Số Tổ công nghệ số cộng đồng") + " Tổ công nghệ số cộng đồng đang hoạt động với " +
		token("Số thành viên Tổ công nghệ số cộng đồng") + " thành viên, trong đó " + token("Số thành viên được bồi dưỡng trong năm") +
		" thành viên đã được bồi dưỡng trong năm"
	if v.Level == org.LevelCommune {
		s.Network = token("Số thôn, tổ dân phố có Tổ công nghệ số cộng đồng") + "/" + token("Tổng số thôn, tổ dân phố") +
			" thôn, tổ dân phố đã có Tổ công nghệ số cộng đồng; " + teams + "."
	} else {
		s.Network = token("Số xã có Tổ công nghệ số cộng đồng") + "/" + token("Tổng số xã") + " xã, phường và " +
			token("Số thôn, tổ dân phố có Tổ công nghệ số cộng đồng") + "/" + token("Tổng số thôn, tổ dân phố") +
			" thôn, tổ dân phố đã có Tổ công nghệ số cộng đồng; " + teams + "."
	}
	s.Network += "\nTừ đầu năm, các Tổ đã tổ chức " + token("Số hoạt động từ đầu năm") + " hoạt động, hỗ trợ " + token("Số lượt người dân được hỗ trợ") +
		" lượt người dân sử dụng dịch vụ công trực tuyến, định danh điện tử, thanh toán không dùng tiền mặt; còn " +
		token("Số Tổ chưa có hoạt động trong 60 ngày") + " Tổ chưa có hoạt động trong 60 ngày qua."
	s.Plans = "Trong kỳ, " + body + " triển khai " + token("Tổng số nhiệm vụ") + " nhiệm vụ theo " + token("Số kế hoạch") +
		" kế hoạch; đã triển khai " + token("Số nhiệm vụ đã triển khai") + " nhiệm vụ, hoàn thành " + token("Số nhiệm vụ đã hoàn thành") +
		" nhiệm vụ (đạt " + token("Tỷ lệ nhiệm vụ hoàn thành") + ", trong đó " + token("Số nhiệm vụ hoàn thành muộn") +
		" nhiệm vụ hoàn thành muộn); " + token("Số nhiệm vụ quá hạn") + " nhiệm vụ quá hạn. Kết quả theo nhóm nhiệm vụ:\n" +
		token("Kết quả theo nhóm nhiệm vụ")
	if k == Review {
		s.Indicators = "Kết quả các chỉ số chủ yếu " + token("Kỳ báo cáo") + " (số liệu quy đổi theo đơn vị hành chính hiện hành):\n" +
			token("Kết quả các chỉ số chủ yếu") + "\nTình hình gửi báo cáo số liệu của các đơn vị:\n" + token("Tình hình gửi báo cáo số liệu")
		switch {
		case f.Assessment == nil:
			s.Assessment = "Trong kỳ chưa có kết quả đánh giá, xếp hạng mức độ chuyển đổi số."
		case f.Assessment.Own != nil:
			s.Assessment = "Theo kết quả " + token("Đợt đánh giá") + ", " + body + " đạt " + token("Điểm đánh giá") +
				" điểm (chỉ số " + token("Chỉ số đánh giá") + "), xếp thứ " + token("Thứ hạng") + "."
		default:
			s.Assessment = token("Đợt đánh giá") + ": " + token("Số đơn vị được đánh giá") + " đơn vị được đánh giá. Kết quả:\n" +
				token("Kết quả đánh giá các đơn vị")
		}
	}
	s.Issues = "- Một số chỉ tiêu theo Quyết định số 1690/QĐ-TTg chưa đạt:\n" + token("Chỉ tiêu chưa đạt") +
		"\n- Nhiệm vụ chậm tiến độ, quá hạn:\n" + token("Nhiệm vụ quá hạn") +
		"\n- Đơn vị chưa gửi báo cáo:\n" + token("Đơn vị chưa gửi báo cáo") +
		"\n- Khó khăn, vướng mắc các đơn vị phản ánh:\n" + token("Khó khăn, vướng mắc của các đơn vị")
	s.Directions = "Trong " + token("Kỳ tới") + ", " + body + " tập trung thực hiện các nhiệm vụ sau:\n" +
		token("Nhiệm vụ đến hạn trong kỳ tới") +
		"\n- Khắc phục các tồn tại, hạn chế nêu trên; đôn đốc hoàn thành các nhiệm vụ quá hạn." +
		"\n- Tiếp tục kiện toàn tổ chức bộ máy, bồi dưỡng nâng cao năng lực cho đội ngũ làm công tác chuyển đổi số."
	s.Proposals = ""
	return s
}

// sectionTitles are the headings of the parts of a report, by kind.
func sectionTitles(k Kind, p Period) []struct{ Key, Number, Title string } {
	next := strings.ToUpper(p.NextLabel())
	if p.Type == Range {
		next = "KỲ TỚI"
	}
	out := []struct{ Key, Number, Title string }{
		{"", "I.", "KẾT QUẢ THỰC HIỆN"},
		{"apparatus", "1.", "Tổ chức bộ máy, nhân lực chuyển đổi số"},
		{"network", "2.", "Mạng lưới chuyển đổi số, Tổ công nghệ số cộng đồng"},
		{"plans", "3.", "Thực hiện kế hoạch, nhiệm vụ"},
	}
	if k == Review {
		out = append(out, struct{ Key, Number, Title string }{"indicators", "4.", "Các chỉ số chủ yếu"},
			struct{ Key, Number, Title string }{"assessment", "5.", "Kết quả đánh giá, xếp hạng chuyển đổi số"})
	}
	return append(out,
		struct{ Key, Number, Title string }{"issues", "II.", "TỒN TẠI, HẠN CHẾ"},
		struct{ Key, Number, Title string }{"directions", "III.", "PHƯƠNG HƯỚNG, NHIỆM VỤ " + next},
		struct{ Key, Number, Title string }{"proposals", "IV.", "KIẾN NGHỊ, ĐỀ XUẤT"})
}
