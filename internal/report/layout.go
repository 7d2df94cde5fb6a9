package report

// The page of Decree 30/2020/NĐ-CP (Annex I), in points, shared by the PDF
// and the DOCX writers: A4; margins top and bottom 20–25 mm, left 30–35 mm,
// right 15–20 mm; Times New Roman (here Tinos, its metric twin); the sizes
// of each element within the ranges the annex gives.
const (
	mm = 72 / 25.4

	pageW        = 210 * mm
	pageH        = 297 * mm
	marginTop    = 20 * mm
	marginBottom = 20 * mm
	marginLeft   = 30 * mm
	marginRight  = 15 * mm
	textW        = pageW - marginLeft - marginRight

	// the first lines: the issuing body on the left, the national title
	// on the right, each centred in its column
	leftColW  = textW * 0.42
	rightColW = textW - leftColW

	sizeNational   = 12 // CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM: 12–13, upright, bold
	sizeMotto      = 13 // Độc lập - Tự do - Hạnh phúc: 13–14, bold, a size above the title
	sizeIssuer     = 12 // the issuing body and its parent: 12–13, as the national title
	sizeNumber     = 13 // Số: 125/BC-UBND: 13, upright
	sizePlace      = 14 // place and date: 13–14, italic
	sizeType       = 14 // BÁO CÁO: 13–14, bold
	sizeTitle      = 14 // the trích yếu: 13–14, bold
	sizeBody       = 14 // the body: 13–14
	sizeTable      = 12 // the tables of the body
	sizeRecipients = 11 // the recipients: 11; "Nơi nhận:" 12, bold italic
	sizeRecipHead  = 12
	sizeSign       = 14 // authority, position and signer: 13–14, bold
	sizePageNo     = 13 // page numbers: 13–14, centred at the top, none on the first page
	sizeFooter     = 8  // the line of the audit entry of issue

	indent     = 1.27 * 10 * mm // the first line of a paragraph: 1–1.27 cm
	paraBefore = 6              // between paragraphs: at least 6 pt
	lineFactor = 1.2            // line spacing: single to 1.5 lines
	signSpace  = 70             // room for the signature and the seal
)
