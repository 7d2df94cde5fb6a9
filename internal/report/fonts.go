package report

import (
	_ "embed"
	"sync"

	"github.com/signintech/gopdf"
)

// Tinos is metric-compatible with Times New Roman, the font Decree
// 30/2020/NĐ-CP asks for, and covers Vietnamese; it is shipped in the
// binary (SIL Open Font License, fonts/OFL.txt) so a PDF needs nothing
// installed. A DOCX names Times New Roman, which Word has and LibreOffice
// replaces by its own metric-compatible font.
var (
	//go:embed fonts/Tinos-Regular.ttf
	tinosRegular []byte
	//go:embed fonts/Tinos-Bold.ttf
	tinosBold []byte
	//go:embed fonts/Tinos-Italic.ttf
	tinosItalic []byte
	//go:embed fonts/Tinos-BoldItalic.ttf
	tinosBoldItalic []byte
)

const fontFamily = "Tinos"

// The styles a document uses.
const (
	regular    = gopdf.Regular
	bold       = gopdf.Bold
	italic     = gopdf.Italic
	boldItalic = gopdf.Bold | gopdf.Italic
)

// addFonts loads the four faces into a PDF being written (only the glyphs
// used are embedded).
func addFonts(pdf *gopdf.GoPdf) error {
	for _, f := range []struct {
		style int
		data  []byte
	}{{regular, tinosRegular}, {bold, tinosBold}, {italic, tinosItalic}, {boldItalic, tinosBoldItalic}} {
		if err := pdf.AddTTFFontDataWithOption(fontFamily, f.data, gopdf.TtfOption{Style: f.style}); err != nil {
			return err
		}
	}
	return nil
}

// measure is a PDF that is never written, kept to measure text in points
// for the DOCX writer (which places its lines the way the PDF does).
var measure struct {
	sync.Mutex
	once sync.Once
	pdf  *gopdf.GoPdf
	err  error
}

// textWidth is the width in points of s in a style and size.
func textWidth(style int, size float64, s string) float64 {
	measure.Lock()
	defer measure.Unlock()
	measure.once.Do(func() {
		measure.pdf = &gopdf.GoPdf{}
		measure.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
		measure.err = addFonts(measure.pdf)
	})
	if measure.err != nil {
		return float64(len([]rune(s))) * size * 0.5
	}
	if err := measure.pdf.SetFontWithStyle(fontFamily, style, size); err != nil {
		return float64(len([]rune(s))) * size * 0.5
	}
	w, err := measure.pdf.MeasureTextWidth(s)
	if err != nil {
		return float64(len([]rune(s))) * size * 0.5
	}
	return w
}
