package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"
)

// writePDF writes a document as a PDF with its fonts embedded. Lines are
// broken and justified here (gopdf places text, it does not set it), so
// the layout is the one Decree 30 describes: the header in two columns,
// justified body with its first line indented, tables with borders, the
// recipients beside the signature block, page numbers from the second
// page.
func writePDF(w io.Writer, d *Doc) error {
	p := &pdfWriter{pdf: &gopdf.GoPdf{}, doc: d}
	p.pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	if err := addFonts(p.pdf); err != nil {
		return err
	}
	p.pdf.SetInfo(gopdf.PdfInfo{Title: nfc(d.Type + " " + d.Title), Creator: "mangluoi", Producer: "mangluoi"})
	p.pdf.SetLineWidth(0.6)
	p.newPage()
	p.header()
	for _, b := range d.Blocks {
		switch b.Kind {
		case Heading1, Heading2:
			p.para(b.Text, bold, sizeBody, indent, true, paraBefore+2)
		case Paragraph:
			p.para(b.Text, regular, sizeBody, indent, true, paraBefore)
		case Note:
			p.para(b.Text, italic, sizeBody-1, indent, true, paraBefore)
		case TableKind:
			p.table(b.Table)
		}
	}
	p.signature()
	if p.err != nil {
		return p.err
	}
	_, err := p.pdf.WriteTo(w)
	return err
}

func nfc(s string) string { return norm.NFC.String(s) }

type pdfWriter struct {
	pdf   *gopdf.GoPdf
	doc   *Doc
	y     float64
	page  int
	style int     // the font in use
	size  float64 // …and its size
	err   error
}

func (p *pdfWriter) font(style int, size float64) {
	p.style, p.size = style, size
	if err := p.pdf.SetFontWithStyle(fontFamily, style, size); err != nil && p.err == nil {
		p.err = err
	}
}

// newPage starts a page: its number at the top from the second page, the
// footer line at the bottom.
func (p *pdfWriter) newPage() {
	style, size := p.style, p.size
	defer func() {
		if size > 0 {
			p.font(style, size) // the text that goes on goes on in its font
		}
	}()
	p.pdf.AddPage()
	p.page++
	p.y = marginTop
	if p.page > 1 {
		p.font(regular, sizePageNo)
		p.centred(strconv.Itoa(p.page), marginLeft, textW, marginTop-sizePageNo*lineFactor-4)
	}
	if p.doc.Footer != "" {
		p.font(italic, sizeFooter)
		p.centred(p.doc.Footer, marginLeft, textW, pageH-marginBottom+10)
	}
}

// room starts a new page unless h points fit above the bottom margin.
func (p *pdfWriter) room(h float64) {
	if p.y+h > pageH-marginBottom {
		p.newPage()
	}
}

func (p *pdfWriter) text(s string, x, y float64) {
	s = nfc(s)
	p.pdf.SetXY(x, y)
	if err := p.pdf.Cell(nil, s); err != nil && p.err == nil {
		p.err = err
	}
}

func (p *pdfWriter) width(s string) float64 {
	w, err := p.pdf.MeasureTextWidth(nfc(s))
	if err != nil {
		if p.err == nil {
			p.err = err
		}
		return 0
	}
	return w
}

// centred writes one line centred in [x, x+w].
func (p *pdfWriter) centred(s string, x, w, y float64) {
	p.text(s, x+(w-p.width(s))/2, y)
}

// wrap breaks text into lines no wider than w (the first first wide),
// word by word; a word wider than a line is broken by letters.
func (p *pdfWriter) wrap(s string, first, w float64) [][]string {
	var lines [][]string
	var line []string
	space := p.width(" ")
	used, avail := 0.0, first
	for _, word := range strings.Fields(s) {
		ww := p.width(word)
		for ww > avail && len(line) == 0 && len([]rune(word)) > 1 {
			// a word longer than the line: cut it where it fills the line
			r := []rune(word)
			n := len(r) - 1
			for n > 1 && p.width(string(r[:n])) > avail {
				n--
			}
			lines = append(lines, []string{string(r[:n])})
			word = string(r[n:])
			ww = p.width(word)
			avail = w
		}
		if len(line) > 0 && used+space+ww > avail {
			lines = append(lines, line)
			line, used, avail = nil, 0, w
		}
		if len(line) > 0 {
			used += space
		}
		line = append(line, word)
		used += ww
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines
}

// para writes a paragraph from the left margin: its first line indented,
// justified but for its last line, after a gap.
func (p *pdfWriter) para(s string, style int, size, first float64, justify bool, before float64) {
	p.font(style, size)
	lh := size * lineFactor
	lines := p.wrap(s, textW-first, textW)
	p.y += before
	for i, words := range lines {
		p.room(lh)
		x := marginLeft
		avail := textW
		if i == 0 {
			x += first
			avail -= first
		}
		p.words(words, x, avail, justify && i < len(lines)-1)
		p.y += lh
	}
}

// words writes a line's words from x, spread over avail when justified.
func (p *pdfWriter) words(words []string, x, avail float64, justify bool) {
	space := p.width(" ")
	widths := make([]float64, len(words))
	total := 0.0
	for i, w := range words {
		widths[i] = p.width(w)
		total += widths[i]
	}
	gap := space
	if justify && len(words) > 1 {
		gap = (avail - total) / float64(len(words)-1)
		if gap > space*4 {
			gap = space
		}
	}
	for i, w := range words {
		p.text(w, x, p.y)
		x += widths[i] + gap
	}
}

// block writes lines centred in a column from y and returns where it
// ends; under, when above zero, draws a rule under the last line of that
// share of the widest line's width.
func (p *pdfWriter) block(lines []string, style int, size, x, w, y, under float64) float64 {
	p.font(style, size)
	lh := size * lineFactor
	widest := 0.0
	for _, l := range lines {
		for _, part := range p.wrap(l, w, w) {
			s := strings.Join(part, " ")
			p.centred(s, x, w, y)
			widest = max(widest, p.width(s))
			y += lh
		}
	}
	if under > 0 && widest > 0 {
		rule := widest * under
		p.pdf.Line(x+(w-rule)/2, y+1.5, x+(w+rule)/2, y+1.5)
		y += 4
	}
	return y
}

// header writes the first lines: the issuing body (and its parent) with
// the number and symbol on the left; the national title and motto with
// the place and date on the right; then the kind of document and its
// title, centred.
func (p *pdfWriter) header() {
	d := p.doc
	if d.Draft {
		p.font(bold, 12)
		w := p.width("DỰ THẢO") + 12
		p.pdf.RectFromUpperLeft(marginLeft+textW-w, marginTop-26, w, 18)
		p.text("DỰ THẢO", marginLeft+textW-w+6, marginTop-23)
	}
	y := p.y
	left := y
	if d.Parent != "" {
		left = p.block([]string{d.Parent}, regular, sizeIssuer, marginLeft, leftColW, left, 0)
	}
	left = p.block(d.Issuer, bold, sizeIssuer, marginLeft, leftColW, left, 0.4)
	right := p.block([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"}, bold, sizeNational, marginLeft+leftColW, rightColW, y, 0)
	right = p.block([]string{"Độc lập - Tự do - Hạnh phúc"}, bold, sizeMotto, marginLeft+leftColW, rightColW, right, 1)
	row := max(left, right) + 8
	p.block([]string{d.Number}, regular, sizeNumber, marginLeft, leftColW, row, 0)
	end := p.block([]string{d.PlaceDate}, italic, sizePlace, marginLeft+leftColW, rightColW, row, 0)
	p.y = end + 22
	p.y = p.block([]string{d.Type}, bold, sizeType, marginLeft, textW, p.y, 0)
	p.y = p.block([]string{d.Title}, bold, sizeTitle, marginLeft, textW, p.y, 0.4) + 8
}

// table writes a table with its caption, repeating the head on each page.
func (p *pdfWriter) table(t *Table) {
	const pad = 3
	lh := sizeTable * lineFactor
	p.para(t.Caption, italic, sizeBody-1, 0, false, paraBefore)
	p.y += 2
	sum := 0.0
	for _, w := range t.Widths {
		sum += w
	}
	widths := make([]float64, len(t.Widths))
	for i, w := range t.Widths {
		widths[i] = textW * w / sum
	}
	cells := func(row []string, style int) ([][][]string, float64) {
		p.font(style, sizeTable)
		out := make([][][]string, len(row))
		h := 0.0
		for i, c := range row {
			out[i] = p.wrap(c, widths[i]-2*pad, widths[i]-2*pad)
			if len(out[i]) == 0 {
				out[i] = [][]string{{""}}
			}
			h = max(h, float64(len(out[i]))*lh+2*pad)
		}
		return out, h
	}
	draw := func(row [][][]string, h float64, style int, head bool) {
		p.font(style, sizeTable)
		x := marginLeft
		for i, lines := range row {
			p.pdf.RectFromUpperLeft(x, p.y, widths[i], h)
			y := p.y + pad
			for _, words := range lines {
				s := strings.Join(words, " ")
				if head || t.Num[i] {
					p.centred(s, x+pad, widths[i]-2*pad, y)
				} else {
					p.text(s, x+pad, y)
				}
				y += lh
			}
			x += widths[i]
		}
		p.y += h
	}
	head, hh := cells(t.Head, bold)
	p.room(hh + lh*2)
	draw(head, hh, bold, true)
	for r, row := range t.Rows {
		style := regular
		if r < len(t.Strong) && t.Strong[r] {
			style = bold
		}
		c, h := cells(row, style)
		if p.y+h > pageH-marginBottom {
			p.newPage()
			draw(head, hh, bold, true)
		}
		draw(c, h, style, false)
	}
}

// signature writes the recipients on the left and the signature block on
// the right, side by side, kept on one page.
func (p *pdfWriter) signature() {
	d := p.doc
	p.font(regular, sizeRecipients)
	var recip [][]string
	for _, r := range d.Recipients {
		recip = append(recip, p.wrap(r, leftColW, leftColW-8)...)
	}
	leftH := sizeRecipHead*lineFactor + float64(len(recip))*sizeRecipients*lineFactor
	rightH := float64(len(d.Authority)+2)*sizeSign*lineFactor + signSpace
	p.y += paraBefore * 2
	p.room(max(leftH, rightH))
	y := p.y
	p.font(boldItalic, sizeRecipHead)
	p.text("Nơi nhận:", marginLeft, y)
	ly := y + sizeRecipHead*lineFactor
	p.font(regular, sizeRecipients)
	for i, words := range recip {
		x := marginLeft
		if !strings.HasPrefix(words[0], "-") || i > 0 && len(words) > 0 && !strings.HasPrefix(words[0], "-") {
			x += 8
		}
		p.text(strings.Join(words, " "), x, ly)
		ly += sizeRecipients * lineFactor
	}
	lines := append(append([]string{}, d.Authority...), d.Position)
	ry := p.block(lines, bold, sizeSign, marginLeft+leftColW, rightColW, y, 0)
	ry += signSpace
	if d.Signer != "" {
		ry = p.block([]string{d.Signer}, bold, sizeSign, marginLeft+leftColW, rightColW, ry, 0)
	}
	p.y = max(ly, ry)
}
