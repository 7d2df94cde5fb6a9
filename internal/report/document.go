package report

import (
	"fmt"
	"strings"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// Doc is a report laid out as Decree 30/2020/NĐ-CP (Annex I) lays out an
// administrative document, independent of the file format: the DOCX, the
// PDF and the page in the browser are written from it, so the three say
// the same. An issued report's Doc is stored as it was issued.
type Doc struct {
	Parent    string   `json:"parent"`     // the issuing body's parent, upper case ("" if none)
	Issuer    []string `json:"issuer"`     // the issuing body, upper case, one entry a line
	Number    string   `json:"number"`     // "Số: 125/BC-UBND"
	PlaceDate string   `json:"place_date"` // "Gia Lai, ngày 05 tháng 7 năm 2026"
	Type      string   `json:"type"`       // "BÁO CÁO"
	Title     string   `json:"title"`      // the trích yếu
	Blocks    []Block  `json:"blocks"`
	// Recipients are the lines of "Nơi nhận:", each beginning with "- ".
	Recipients []string `json:"recipients"`
	Authority  []string `json:"authority"` // "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"…, upper case
	Position   string   `json:"position"`  // "CHỦ TỊCH"
	Signer     string   `json:"signer"`
	// Draft marks an unissued report; Footer is the line at the foot of
	// every page (the audit entry of issue, or the draft's date).
	Draft  bool   `json:"draft"`
	Footer string `json:"footer"`
}

// BlockKind is what a block of the body is.
type BlockKind string

// The kinds of block.
const (
	Heading1  BlockKind = "h1"    // I. KẾT QUẢ THỰC HIỆN
	Heading2  BlockKind = "h2"    // 1. Tổ chức bộ máy…
	Paragraph BlockKind = "p"     // body text, justified, first line indented
	TableKind BlockKind = "table" // a table with its caption
	Note      BlockKind = "note"  // an italic line (sources, "chi tiết tại phụ lục")
)

// Block is one element of the body.
type Block struct {
	Kind  BlockKind `json:"kind"`
	Text  string    `json:"text,omitempty"`
	Table *Table    `json:"table,omitempty"`
}

// Table is a table of the body. Widths are relative; Num marks the
// columns of figures (centred); Strong marks rows printed bold (a plan's
// row above its groups, the total).
type Table struct {
	Caption string     `json:"caption"`
	Head    []string   `json:"head"`
	Widths  []float64  `json:"widths"`
	Num     []bool     `json:"num"`
	Rows    [][]string `json:"rows"`
	Strong  []bool     `json:"strong"`
}

// buildDoc lays out a report with its prose resolved against fields and
// its tables from the figures; footer is the line at the foot of every
// page. The problems of the prose (a {name} that is no field) come back
// with the document, which shows them as written.
func buildDoc(r *Report, f *Figures, fs *fieldSet, p *locale.Printer, footer string) (*Doc, error) {
	h := r.Heading
	d := &Doc{Parent: strings.ToUpper(strings.TrimSpace(h.Parent)), Type: "BÁO CÁO", Title: r.Title, Draft: !r.Frozen(), Footer: footer,
		Position: strings.ToUpper(strings.TrimSpace(h.Position)), Signer: strings.TrimSpace(h.Signer),
		Issuer: []string{}, Authority: []string{}, Recipients: []string{}, Blocks: []Block{}}
	for _, l := range strings.Split(strings.ToUpper(h.Issuer), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			d.Issuer = append(d.Issuer, l)
		}
	}
	for _, l := range strings.Split(strings.ToUpper(h.Authority), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			d.Authority = append(d.Authority, l)
		}
	}
	d.Number = "Số: " + r.NumberText()
	if r.Number == 0 {
		d.Number = "Số:      /" + h.Symbol
	}
	d.PlaceDate = placeDate(h.Place, r.IssuedOn, r.Period)
	for _, l := range strings.Split(h.Recipients, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if !strings.HasPrefix(l, "-") {
				l = "- " + l
			}
			d.Recipients = append(d.Recipients, l)
		}
	}
	var problems []*errs.Error
	para := func(key, text string) {
		lines, err := fs.resolve(text, "section_"+key)
		problems = collect(problems, err)
		if len(lines) == 0 {
			lines = []string{none}
		}
		for _, l := range lines {
			d.Blocks = append(d.Blocks, Block{Kind: Paragraph, Text: l})
		}
	}
	texts := map[string]string{}
	for _, s := range r.Sections.each() {
		texts[s.Key] = *s.Text
	}
	if texts["opening"] != "" {
		lines, err := fs.resolve(texts["opening"], "section_opening")
		problems = collect(problems, err)
		for _, l := range lines {
			d.Blocks = append(d.Blocks, Block{Kind: Paragraph, Text: l})
		}
	}
	tables := 0
	table := func(t *Table) {
		if t == nil || len(t.Rows) == 0 {
			return
		}
		tables++
		t.Caption = fmt.Sprintf("Bảng %d. %s", tables, t.Caption)
		d.Blocks = append(d.Blocks, Block{Kind: TableKind, Table: t})
	}
	for _, st := range sectionTitles(r.Kind, r.Period) {
		if strings.HasSuffix(st.Number, ".") && strings.ContainsAny(st.Number[:1], "IV") {
			d.Blocks = append(d.Blocks, Block{Kind: Heading1, Text: st.Number + " " + st.Title})
		} else {
			d.Blocks = append(d.Blocks, Block{Kind: Heading2, Text: st.Number + " " + st.Title})
		}
		if st.Key == "" {
			continue
		}
		para(st.Key, texts[st.Key])
		switch st.Key {
		case "apparatus":
			table(targetsTable(f, p))
		case "plans":
			table(plansTable(f, p))
		case "indicators":
			table(indicatorsTable(f, p))
		}
	}
	d.Blocks = append(d.Blocks, Block{Kind: Note, Text: "(Chi tiết tại các Phụ lục kèm theo: Phụ lục I – Danh mục nhiệm vụ và tình hình thực hiện; " +
		"Phụ lục II – Kết quả thực hiện chỉ tiêu theo Quyết định số 1690/QĐ-TTg của từng đơn vị; Phụ lục III – Tổ công nghệ số cộng đồng theo đơn vị" +
		map[bool]string{true: "; Phụ lục IV – Các chỉ số theo đơn vị", false: ""}[r.Kind.Has("indicators")] + ".)"})
	switch len(problems) {
	case 0:
		return d, nil
	case 1:
		return d, problems[0]
	}
	return d, errs.List("err.form", problems)
}

// collect adds the problems an error carries to a list.
func collect(list []*errs.Error, err error) []*errs.Error {
	e, ok := errs.As(err)
	switch {
	case !ok:
		return list
	case len(e.Details) > 0:
		return append(list, e.Details...)
	}
	return append(list, e)
}

// romanNumeral writes 1–39 as I–XXXIX (a report lists no more plans).
func romanNumeral(n int) string {
	if n < 1 || n > 39 {
		return fmt.Sprint(n)
	}
	units := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	return strings.Repeat("X", n/10) + units[n%10]
}

// placeDate is "Gia Lai, ngày 05 tháng 7 năm 2026": a day under 10 and the
// months January and February get a leading zero (Decree 30). A draft
// leaves the day and month blank to be written in.
func placeDate(place string, on day.Day, p Period) string {
	if on.IsZero() {
		y := p.To.Year()
		if p.Type == Year || p.Type == Half && p.N == 2 {
			y = p.To.AddDays(20).Year()
		}
		return fmt.Sprintf("%s, ngày      tháng      năm %d", place, y)
	}
	t := on.Time()
	dd := fmt.Sprintf("%02d", t.Day())
	mm := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		mm = fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprintf("%s, ngày %s tháng %s năm %d", place, dd, mm, t.Year())
}

// targetsTable is Decision 1690's targets over the scope.
func targetsTable(f *Figures, p *locale.Printer) *Table {
	if f.Apparatus == nil {
		return nil
	}
	n := numbers{p}
	t := &Table{Caption: "Kết quả thực hiện chỉ tiêu theo Quyết định số 1690/QĐ-TTg",
		Head:   []string{"STT", "Chỉ tiêu", "Đơn vị đạt/Tổng số", "Tỷ lệ", "Mục tiêu", "Kết quả"},
		Widths: []float64{0.9, 4.3, 1.5, 1.1, 1.1, 1.3}, Num: []bool{true, false, true, true, true, true}}
	for i, tg := range f.Apparatus.Targets {
		if tg.Total == 0 {
			continue
		}
		state := "Đạt"
		if !tg.Met {
			state = "Chưa đạt"
		}
		t.Rows = append(t.Rows, []string{n.int(i + 1), tg.Title, n.int(tg.Passing) + "/" + n.int(tg.Total), n.pct(tg.Rate), n.pct(tg.Goal), state})
		t.Strong = append(t.Strong, false)
	}
	return t
}

// plansTable is the table seed 003 writes by hand: per plan and group,
// tasks total, started, done, done late, overdue.
func plansTable(f *Figures, p *locale.Printer) *Table {
	if f.Plans == nil || len(f.Plans.Docs) == 0 {
		return nil
	}
	n := numbers{p}
	t := &Table{Caption: "Kết quả thực hiện nhiệm vụ theo kế hoạch và nhóm nhiệm vụ",
		Head:   []string{"STT", "Kế hoạch, nhóm nhiệm vụ", "Tổng số", "Đã triển khai", "Hoàn thành", "Hoàn thành muộn", "Quá hạn"},
		Widths: []float64{0.9, 3.9, 1, 1.2, 1.2, 1.2, 1}, Num: []bool{true, false, true, true, true, true, true}}
	counts := func(c CountsFig) []string {
		return []string{n.int(c.Total), n.int(c.Started), n.int(c.Done), n.int(c.DoneLate), n.int(c.Overdue)}
	}
	for i, d := range f.Plans.Docs {
		t.Rows = append(t.Rows, append([]string{romanNumeral(i + 1), "Kế hoạch số " + d.Number}, counts(d.Counts)...))
		t.Strong = append(t.Strong, true)
		// pillars 1, 2…; the groups under a pillar 1.1, 1.2… (a pillar's
		// line counts its groups')
		pillar, sub := 0, 0
		for _, g := range d.Groups {
			title := g.Title
			if title == "" {
				title = "Nhiệm vụ khác"
			}
			no := ""
			if g.Depth == 0 {
				pillar, sub = pillar+1, 0
				no = n.int(pillar)
			} else {
				sub++
				no = n.int(pillar) + "." + n.int(sub)
			}
			t.Rows = append(t.Rows, append([]string{no, title}, counts(g.Counts)...))
			t.Strong = append(t.Strong, false)
		}
	}
	t.Rows = append(t.Rows, append([]string{"", "Tổng cộng"}, counts(f.Plans.Total)...))
	t.Strong = append(t.Strong, true)
	return t
}

// indicatorsTable is the key indicators: this period, the one before, the
// same period a year before, and the year's target.
func indicatorsTable(f *Figures, p *locale.Printer) *Table {
	if f.Indicators == nil || len(f.Indicators.Rows) == 0 {
		return nil
	}
	n := numbers{p}
	ind := f.Indicators
	t := &Table{Caption: "Các chỉ số chủ yếu " + lowerFirst(ind.PeriodLabel),
		Head:   []string{"STT", "Chỉ số", ind.PeriodLabel, ind.PrevLabel, ind.LastYearLabel, "Chỉ tiêu năm"},
		Widths: []float64{0.9, 3.6, 1.5, 1.5, 1.5, 1.3}, Num: []bool{true, false, true, true, true, true}}
	for i := range ind.Rows {
		r := &ind.Rows[i]
		target := "—"
		if r.Target != nil {
			target = n.value(r.Target, r)
		}
		t.Rows = append(t.Rows, []string{n.int(i + 1), r.Name, n.value(r.Value, r), n.value(r.Prev, r), n.value(r.LastYear, r), target})
		t.Strong = append(t.Strong, false)
	}
	return t
}
