// Package sheettest makes hostile spreadsheets for tests: the files an
// attacker would upload to exhaust the server's memory or disk. They are
// built small (the point of a bomb), streamed where they are large, and
// are real files that Excel or a zip tool would open (or refuse) the same way.
package sheettest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Workbook writes rows to the first sheet of a new workbook.
func Workbook(rows [][]string) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(f.GetSheetName(0), cell, &vals); err != nil {
			panic(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// withSheet replaces the first sheet of a real workbook by the given XML
// (and adds any extra parts), keeping every other part as Excel wrote it.
func withSheet(sheetXML []byte, extra func(w *zip.Writer)) []byte {
	base := Workbook([][]string{{"code", "name"}})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		panic(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			panic(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			w.Write(sheetXML)
			continue
		}
		rc, _ := f.Open()
		io.Copy(w, rc)
		rc.Close()
	}
	if extra != nil {
		extra(zw)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return out.Bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetTail = `</sheetData></worksheet>`

// FarColumn is a workbook whose rows each hold one cell in column XFD, the
// last Excel has: the reader pads every row to 16,384 cells. A few hundred
// kilobytes of it once took the server past 8 GB.
func FarColumn(rows int) []byte {
	var b strings.Builder
	b.WriteString(sheetHead)
	b.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>`)
	for i := 2; i <= rows+1; i++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, i, i)
	}
	b.WriteString(sheetTail)
	return withSheet([]byte(b.String()), nil)
}

// ManyRows is a workbook of n rows of one cell, given by row number only.
func ManyRows(n int) []byte {
	var b strings.Builder
	b.WriteString(sheetHead)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, i, i, i)
	}
	b.WriteString(sheetTail)
	return withSheet([]byte(b.String()), nil)
}

// DeclaredBomb is a workbook with a part that honestly declares its size:
// unpacked megabytes of zeros, compressed a thousandfold.
func DeclaredBomb(unpackedMB int) []byte {
	return withSheet([]byte(sheetHead+sheetTail), func(zw *zip.Writer) {
		w, err := zw.Create("xl/media/image1.bin")
		if err != nil {
			panic(err)
		}
		zero := make([]byte, 1<<20)
		for i := 0; i < unpackedMB; i++ {
			w.Write(zero)
		}
	})
}

// LyingBomb is a workbook whose sheet declares a few kilobytes but unpacks
// to megabytes: the sizes in the zip directory are false.
func LyingBomb(actualMB int) []byte {
	return withSheet([]byte(sheetHead+sheetTail), func(zw *zip.Writer) {
		var raw bytes.Buffer
		fw, _ := flate.NewWriter(&raw, flate.BestCompression)
		crc := crc32.NewIEEE()
		line := []byte(`<row r="1"><c r="A1"><v>1</v></c></row>`)
		w := io.MultiWriter(fw, crc)
		for n := 0; n < actualMB<<20; n += len(line) {
			w.Write(line)
		}
		fw.Close()
		h := &zip.FileHeader{Name: "xl/worksheets/sheet2.xml", Method: zip.Deflate,
			CRC32: crc.Sum32(), CompressedSize64: uint64(raw.Len()), UncompressedSize64: 4096}
		rw, err := zw.CreateRaw(h)
		if err != nil {
			panic(err)
		}
		rw.Write(raw.Bytes())
	})
}

// EmptyFields streams a CSV whose one data line is n empty fields (n
// commas): the file takes no memory to send, and a reader that gathers a
// line whole takes n times a few bytes.
func EmptyFields(n int64) io.Reader {
	return io.MultiReader(strings.NewReader("code,name\n"), &repeat{b: ',', n: n}, strings.NewReader("\n"))
}

type repeat struct {
	b byte
	n int64
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	k := int64(len(p))
	if k > r.n {
		k = r.n
	}
	for i := range p[:k] {
		p[i] = r.b
	}
	r.n -= k
	return int(k), nil
}

// PeakHeap runs fn and returns the most heap held above what was held
// when it began, sampled every millisecond: what a request costs the
// server at its worst moment (garbage it made and the collector has not
// yet freed included). Collect first for a clean start.
func PeakHeap(fn func()) uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
				peak = ms.HeapAlloc - base
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	<-sampled
	return peak
}
