// Package reporttest reads a report's files back for the tests: the DOCX's
// XML parsed into its paragraphs, tables and page properties, the PDF's text
// as pdftotext extracts it, the XLSX's sheets as excelize reads them.
package reporttest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/db/dbtest"
	"github.com/xuri/excelize/v2"
)

// DOCX is what a Word document says and how its page is set.
type DOCX struct {
	Paragraphs []string     // the body's paragraphs outside tables, in order
	Tables     [][][]string // each table's rows of cell texts
	Text       string       // every paragraph and cell, one a line
	PageW      int          // twips
	PageH      int
	Margins    map[string]int // top, right, bottom, left, in twips
	Font       string         // the default font
	BodySize   int            // the default size, in half-points
	Sizes      map[int]bool   // every run size used, in half-points
	Footer     string
	PageNumber bool // the header has a PAGE field
	TitlePage  bool // the first page's header differs
}

type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n *node) attr(local string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// text is the text of a paragraph (its w:t runs).
func (n *node) text() string {
	var b strings.Builder
	var walk func(m *node)
	walk = func(m *node) {
		if m.XMLName.Local == "t" {
			b.WriteString(m.Text)
		}
		for i := range m.Nodes {
			walk(&m.Nodes[i])
		}
	}
	walk(n)
	return b.String()
}

func (n *node) find(local string, fn func(*node)) {
	for i := range n.Nodes {
		c := &n.Nodes[i]
		if c.XMLName.Local == local {
			fn(c)
		}
		c.find(local, fn)
	}
}

// ReadDOCX opens a DOCX and parses its document, styles, header and footer.
func ReadDOCX(data []byte) (*DOCX, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	parts := map[string]*node{}
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		var n node
		if err := xml.Unmarshal(b, &n); err != nil {
			return nil, err
		}
		parts[f.Name] = &n
	}
	doc := parts["word/document.xml"]
	if doc == nil {
		return nil, io.ErrUnexpectedEOF
	}
	d := &DOCX{Margins: map[string]int{}, Sizes: map[int]bool{}}
	var lines []string
	var body *node
	doc.find("body", func(n *node) { body = n })
	if body == nil {
		return nil, io.ErrUnexpectedEOF
	}
	for i := range body.Nodes {
		c := &body.Nodes[i]
		switch c.XMLName.Local {
		case "p":
			t := c.text()
			d.Paragraphs = append(d.Paragraphs, t)
			lines = append(lines, t)
		case "tbl":
			var rows [][]string
			c.find("tr", func(tr *node) {
				var cells []string
				for j := range tr.Nodes {
					if tc := &tr.Nodes[j]; tc.XMLName.Local == "tc" {
						var ps []string
						tc.find("p", func(p *node) { ps = append(ps, p.text()) })
						cell := strings.Join(ps, "\n")
						cells = append(cells, cell)
						lines = append(lines, ps...)
					}
				}
				rows = append(rows, cells)
			})
			d.Tables = append(d.Tables, rows)
		case "sectPr":
			c.find("pgSz", func(n *node) { d.PageW, d.PageH = atoi(n.attr("w")), atoi(n.attr("h")) })
			c.find("pgMar", func(n *node) {
				for _, k := range []string{"top", "right", "bottom", "left"} {
					d.Margins[k] = atoi(n.attr(k))
				}
			})
			c.find("titlePg", func(*node) { d.TitlePage = true })
		}
	}
	d.Text = strings.Join(lines, "\n")
	doc.find("sz", func(n *node) { d.Sizes[atoi(n.attr("val"))] = true })
	if st := parts["word/styles.xml"]; st != nil {
		st.find("rPrDefault", func(def *node) {
			def.find("rFonts", func(n *node) { d.Font = n.attr("ascii") })
			def.find("sz", func(n *node) { d.BodySize = atoi(n.attr("val")) })
		})
	}
	if f := parts["word/footer1.xml"]; f != nil {
		d.Footer = f.text()
	}
	if h := parts["word/header1.xml"]; h != nil {
		h.find("instrText", func(n *node) { d.PageNumber = d.PageNumber || strings.TrimSpace(n.Text) == "PAGE" })
	}
	return d, nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// Table is the first table whose head row has a cell with head in it.
func (d *DOCX) Table(head string) [][]string {
	for _, t := range d.Tables {
		if len(t) > 0 {
			for _, c := range t[0] {
				if strings.Contains(c, head) {
					return t
				}
			}
		}
	}
	return nil
}

// PDFText is the text pdftotext extracts from a PDF, with every run of
// white space made one space (a line broken by the layout reads as one).
// Without pdftotext the test is skipped, or fails when every test must run.
func PDFText(tb testing.TB, data []byte) string {
	tb.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv(dbtest.RequireAllEnv) != "" {
			tb.Fatal("pdftotext (poppler-utils) is not installed but " + dbtest.RequireAllEnv + " is set")
		}
		tb.Skip("pdftotext (poppler-utils) is not installed")
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		tb.Fatalf("pdftotext: %v: %s", err, errOut.String())
	}
	// each page but the first begins with its number and every page ends
	// with the footer line: leave them out, so a paragraph that runs on to
	// the next page reads as one
	pages := strings.Split(out.String(), "\f")
	for i, p := range pages {
		lines := strings.Split(strings.TrimSpace(p), "\n")
		if i > 0 && len(lines) > 0 && strings.TrimSpace(lines[0]) == strconv.Itoa(i+1) {
			lines = lines[1:]
		}
		if n := len(lines); n > 0 && isFooter(lines[n-1]) {
			lines = lines[:n-1]
		}
		pages[i] = strings.Join(lines, "\n")
	}
	return strings.Join(strings.Fields(strings.Join(pages, "\n")), " ")
}

// isFooter reports whether a line is a report's footer (the audit entry of
// issue, or a draft's notice).
func isFooter(l string) bool {
	return strings.Contains(l, "Mục nhật ký phát hành") || strings.HasPrefix(strings.TrimSpace(l), "DỰ THẢO –")
}

// PDFFooters are the footer lines of a PDF's pages.
func PDFFooters(tb testing.TB, data []byte) []string {
	tb.Helper()
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	var footers []string
	for _, l := range strings.Split(string(out), "\n") {
		if isFooter(l) {
			footers = append(footers, strings.TrimSpace(l))
		}
	}
	return footers
}

// PDFPages is the number of pages pdfinfo counts (0 without it).
func PDFPages(data []byte) int {
	cmd := exec.Command("pdfinfo", "-")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			return atoi(strings.TrimSpace(v))
		}
	}
	return 0
}

// XLSX is a workbook's sheets, each its rows of cell texts.
type XLSX map[string][][]string

// ReadXLSX opens a workbook with excelize.
func ReadXLSX(data []byte) (XLSX, []string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	out := XLSX{}
	names := f.GetSheetList()
	for _, name := range names {
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, nil, err
		}
		out[name] = rows
	}
	return out, names, nil
}

// Squash makes every run of white space one space, to compare text with
// what pdftotext gives.
func Squash(s string) string { return strings.Join(strings.Fields(s), " ") }
