package report

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// writeDOCX writes a document as WordprocessingML that Word and
// LibreOffice open and edit: the page and margins of Decree 30 in the
// section properties, Times New Roman in the default style, the first
// lines in a two-row table without borders (issuing body | national title;
// number | place and date), the rules under them as paragraph borders as
// wide as the annex asks, justified body paragraphs with their first line
// indented, tables with a repeating head row, the recipients beside the
// signature block, the page number in the header from the second page, and
// the line of the audit entry of issue in the footer.
func writeDOCX(w io.Writer, d *Doc) error {
	z := zip.NewWriter(w)
	// a fixed time, so the same document is the same bytes
	stamp := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", rootRelsXML},
		{"docProps/core.xml", coreXML(d)},
		{"docProps/app.xml", appXML},
		{"word/_rels/document.xml.rels", documentRelsXML},
		{"word/styles.xml", stylesXML},
		{"word/settings.xml", settingsXML},
		{"word/header1.xml", headerXML(true)},
		{"word/header2.xml", headerXML(false)},
		{"word/footer1.xml", footerXML(d.Footer)},
		{"word/document.xml", documentXML(d)},
	}
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return err
		}
	}
	return z.Close()
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const nsW = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

const contentTypesXML = xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
	`<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const rootRelsXML = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const documentRelsXML = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>` +
	`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>` +
	`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`</Relationships>`

const appXML = xmlHead + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>mangluoi</Application></Properties>`

// The default style: Times New Roman (Decree 30), the body's size, black,
// Vietnamese.
var stylesXML = xmlHead + `<w:styles ` + nsW + `><w:docDefaults><w:rPrDefault><w:rPr>` +
	`<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/>` +
	fmt.Sprintf(`<w:color w:val="000000"/><w:sz w:val="%d"/><w:szCs w:val="%d"/><w:lang w:val="vi-VN"/>`, half(sizeBody), half(sizeBody)) +
	`</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>` +
	`<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`

const settingsXML = xmlHead + `<w:settings ` + nsW + `><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/></w:settings>`

func coreXML(d *Doc) string {
	return xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(d.Type+" "+d.Title) + `</dc:title><dc:creator>mangluoi</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>`
}

// headerXML is the page number, centred at the top; the first page's
// header is empty (Decree 30 numbers pages from the second).
func headerXML(number bool) string {
	body := `<w:p><w:pPr><w:jc w:val="center"/></w:pPr></w:p>`
	if number {
		body = `<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r>` + rpr(false, false, sizePageNo) + `<w:fldChar w:fldCharType="begin"/></w:r>` +
			`<w:r>` + rpr(false, false, sizePageNo) + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
			`<w:r>` + rpr(false, false, sizePageNo) + `<w:fldChar w:fldCharType="separate"/></w:r>` +
			`<w:r>` + rpr(false, false, sizePageNo) + `<w:t>2</w:t></w:r>` +
			`<w:r>` + rpr(false, false, sizePageNo) + `<w:fldChar w:fldCharType="end"/></w:r></w:p>`
	}
	return xmlHead + `<w:hdr ` + nsW + `>` + body + `</w:hdr>`
}

// footerXML is the line of the audit entry of issue (or of the draft).
func footerXML(line string) string {
	return xmlHead + `<w:ftr ` + nsW + `><w:p><w:pPr><w:jc w:val="center"/></w:pPr>` + run(line, false, true, sizeFooter) + `</w:p></w:ftr>`
}

// half is a size in the half-points WordprocessingML counts in.
func half(pt float64) int { return int(pt*2 + 0.5) }

// twips is a length in the twentieths of a point WordprocessingML counts in.
func twips(pt float64) int { return int(pt*20 + 0.5) }

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(nfc(s)))
	return b.String()
}

func rpr(b, i bool, size float64) string {
	var s strings.Builder
	s.WriteString("<w:rPr>")
	if b {
		s.WriteString("<w:b/><w:bCs/>")
	}
	if i {
		s.WriteString("<w:i/><w:iCs/>")
	}
	fmt.Fprintf(&s, `<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr>`, half(size), half(size))
	return s.String()
}

func run(text string, b, i bool, size float64) string {
	return "<w:r>" + rpr(b, i, size) + `<w:t xml:space="preserve">` + esc(text) + "</w:t></w:r>"
}

// pp writes a paragraph's properties: alignment, the first line's indent,
// left and right indents, the space before, line spacing in 240ths.
type pp struct {
	jc            string
	first, before float64
	left, right   float64
	line          int
	keepNext      bool
}

func (p pp) xml() string {
	var s strings.Builder
	s.WriteString("<w:pPr>")
	if p.keepNext {
		s.WriteString("<w:keepNext/>")
	}
	line := p.line
	if line == 0 {
		line = 240
	}
	fmt.Fprintf(&s, `<w:spacing w:before="%d" w:after="0" w:line="%d" w:lineRule="auto"/>`, twips(p.before), line)
	if p.first != 0 || p.left != 0 || p.right != 0 {
		fmt.Fprintf(&s, `<w:ind w:left="%d" w:right="%d" w:firstLine="%d"/>`, twips(p.left), twips(p.right), twips(p.first))
	}
	if p.jc != "" {
		fmt.Fprintf(&s, `<w:jc w:val="%s"/>`, p.jc)
	}
	s.WriteString("</w:pPr>")
	return s.String()
}

func para(props pp, runs ...string) string {
	return "<w:p>" + props.xml() + strings.Join(runs, "") + "</w:p>"
}

// rule is a paragraph holding only a rule under it, of width w centred in
// a column of width col (both in points).
func rule(w, col float64) string {
	side := max((col-w)/2, 0)
	return fmt.Sprintf(`<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>`+
		`<w:spacing w:before="0" w:after="0" w:line="120" w:lineRule="exact"/><w:ind w:left="%d" w:right="%d"/>`+
		`<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p>`, twips(side), twips(side))
}

// cell is a table cell of a width (points) holding paragraphs.
func cell(w float64, body string, borders bool) string {
	b := ""
	if !borders {
		b = `<w:tcBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/></w:tcBorders>`
	}
	return fmt.Sprintf(`<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>%s<w:vAlign w:val="top"/></w:tcPr>%s</w:tc>`, twips(w), b, body)
}

// widest is the width of the widest of some lines in a style.
func widest(lines []string, style int, size float64) float64 {
	w := 0.0
	for _, l := range lines {
		w = max(w, textWidth(style, size, l))
	}
	return w
}

func documentXML(d *Doc) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<w:document ` + nsW + `><w:body>`)
	if d.Draft {
		b.WriteString(para(pp{jc: "right"}, fmt.Sprintf(`<w:r><w:rPr><w:b/><w:bCs/><w:sz w:val="%d"/><w:szCs w:val="%d"/>`+
			`<w:bdr w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:rPr><w:t>DỰ THẢO</w:t></w:r>`, half(12), half(12))))
	}
	// the first lines: a table of two rows and two columns, no borders
	grid := fmt.Sprintf(`<w:tblGrid><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/></w:tblGrid>`, twips(leftColW), twips(rightColW))
	b.WriteString(`<w:tbl><w:tblPr>` + fmt.Sprintf(`<w:tblW w:w="%d" w:type="dxa"/>`, twips(textW)) +
		`<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>` +
		`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>` +
		`<w:tblLook w:val="0000"/></w:tblPr>` + grid)
	var left strings.Builder
	if d.Parent != "" {
		left.WriteString(para(pp{jc: "center"}, run(d.Parent, false, false, sizeIssuer)))
	}
	for _, l := range d.Issuer {
		left.WriteString(para(pp{jc: "center"}, run(l, true, false, sizeIssuer)))
	}
	left.WriteString(rule(0.4*min(widest(d.Issuer, bold, sizeIssuer), leftColW), leftColW))
	national, motto := "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
	right := para(pp{jc: "center"}, run(national, true, false, sizeNational)) +
		para(pp{jc: "center"}, run(motto, true, false, sizeMotto)) +
		rule(textWidth(bold, sizeMotto, motto), rightColW)
	b.WriteString(`<w:tr>` + cell(leftColW, left.String(), false) + cell(rightColW, right, false) + `</w:tr>`)
	b.WriteString(`<w:tr>` + cell(leftColW, para(pp{jc: "center", before: 6}, run(d.Number, false, false, sizeNumber)), false) +
		cell(rightColW, para(pp{jc: "center", before: 6}, run(d.PlaceDate, false, true, sizePlace)), false) + `</w:tr></w:tbl>`)
	// the kind of document and its title, a rule under the title
	b.WriteString(para(pp{jc: "center", before: 18}, run(d.Type, true, false, sizeType)))
	b.WriteString(para(pp{jc: "center"}, run(d.Title, true, false, sizeTitle)))
	b.WriteString(rule(0.4*min(textWidth(bold, sizeTitle, d.Title), textW), textW))
	body := pp{jc: "both", first: indent, before: paraBefore, line: int(240 * lineFactor)}
	for i, blk := range d.Blocks {
		switch blk.Kind {
		case Heading1, Heading2:
			h := body
			h.keepNext, h.before = true, paraBefore+2
			if i == 0 {
				h.before = 12
			}
			b.WriteString(para(h, run(blk.Text, true, false, sizeBody)))
		case Paragraph:
			b.WriteString(para(body, run(blk.Text, false, false, sizeBody)))
		case Note:
			b.WriteString(para(body, run(blk.Text, false, true, sizeBody-1)))
		case TableKind:
			b.WriteString(tableXML(blk.Table))
		}
	}
	b.WriteString(signatureXML(d))
	// the page of Decree 30: A4, margins 20/20/30/15 mm; the first page's
	// header (no page number) differs
	fmt.Fprintf(&b, `<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:headerReference w:type="first" r:id="rId4"/>`+
		`<w:footerReference w:type="default" r:id="rId5"/><w:footerReference w:type="first" r:id="rId5"/>`+
		`<w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`+
		`<w:titlePg/></w:sectPr>`, twips(pageW), twips(pageH), twips(marginTop), twips(marginRight), twips(marginBottom), twips(marginLeft),
		twips(8*mm), twips(8*mm))
	b.WriteString(`</w:body></w:document>`)
	return b.String()
}

// tableXML is a body table with borders, its head row repeated on every
// page, figures centred.
func tableXML(t *Table) string {
	var b strings.Builder
	b.WriteString(para(pp{jc: "both", first: indent, before: paraBefore, keepNext: true}, run(t.Caption, false, true, sizeBody-1)))
	sum := 0.0
	for _, w := range t.Widths {
		sum += w
	}
	widths := make([]float64, len(t.Widths))
	for i, w := range t.Widths {
		widths[i] = textW * w / sum
	}
	b.WriteString(`<w:tbl><w:tblPr>` + fmt.Sprintf(`<w:tblW w:w="%d" w:type="dxa"/>`, twips(textW)) +
		`<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
		`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
		`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>` +
		`<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, twips(w))
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(cells []string, strong, head bool) {
		b.WriteString(`<w:tr>`)
		if head {
			b.WriteString(`<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>`)
		} else {
			b.WriteString(`<w:trPr><w:cantSplit/></w:trPr>`)
		}
		for i, c := range cells {
			jc := "left"
			if head || t.Num[i] {
				jc = "center"
			}
			b.WriteString(cell(widths[i], para(pp{jc: jc, before: 2}, run(c, strong, false, sizeTable)), true))
		}
		b.WriteString(`</w:tr>`)
	}
	row(t.Head, true, true)
	for i, r := range t.Rows {
		row(r, i < len(t.Strong) && t.Strong[i], false)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// signatureXML is the last block: "Nơi nhận:" and the recipients on the
// left; the authority, position, room to sign and the signer on the right.
func signatureXML(d *Doc) string {
	var left, right strings.Builder
	left.WriteString(para(pp{}, run("Nơi nhận:", true, true, sizeRecipHead)))
	for _, r := range d.Recipients {
		left.WriteString(para(pp{}, run(r, false, false, sizeRecipients)))
	}
	for _, a := range d.Authority {
		right.WriteString(para(pp{jc: "center"}, run(a, true, false, sizeSign)))
	}
	right.WriteString(para(pp{jc: "center"}, run(d.Position, true, false, sizeSign)))
	right.WriteString(para(pp{jc: "center", before: signSpace}))
	right.WriteString(para(pp{jc: "center"}, run(d.Signer, true, false, sizeSign)))
	return para(pp{before: 12}) + `<w:tbl><w:tblPr>` + fmt.Sprintf(`<w:tblW w:w="%d" w:type="dxa"/>`, twips(textW)) +
		`<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>` +
		`<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr>` +
		fmt.Sprintf(`<w:tblGrid><w:gridCol w:w="%d"/><w:gridCol w:w="%d"/></w:tblGrid>`, twips(leftColW), twips(rightColW)) +
		`<w:tr><w:trPr><w:cantSplit/></w:trPr>` + cell(leftColW, left.String(), false) + cell(rightColW, right.String(), false) + `</w:tr></w:tbl>` +
		para(pp{})
}
