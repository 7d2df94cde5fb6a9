package web

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// maxRetained bounds a file the import page sends back to the browser so
// that "import the valid rows" needs no second upload.
const maxRetained = 5 << 20

type peopleImportPage struct {
	Page
	Result   *people.SheetResult
	Problems []string
	Retained string // the uploaded file, base64, for applying the valid rows
	FileName string
	Applied  bool
}

func (s *Server) peopleTemplate(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	var buf bytes.Buffer
	if err := s.People.Template(r.Context(), p.Actor, p.AsOf, p.L.Lang, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("mau-can-bo", p.AsOf.String()), sheet.XLSXType, buf.Bytes())
}

func (s *Server) peopleExport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	q := r.URL.Query()
	f := people.Filter{Q: q.Get("q"), Role: people.RoleKind(q.Get("role")), Training: q.Get("training"), AsOf: p.AsOf}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	var buf bytes.Buffer
	if err := s.People.Export(r.Context(), p.Actor, f, p.L.Lang, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("can-bo", p.AsOf.String()), sheet.XLSXType, buf.Bytes())
}

func (s *Server) peopleImportForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	ip := &peopleImportPage{Page: p}
	ip.Title, ip.Nav = p.L.T("people.import"), "people"
	s.render(w, r, "people_import", http.StatusOK, ip)
}

// peopleImport checks an uploaded sheet and writes it only if every row is
// valid; otherwise it lists every problem and offers to import the valid
// rows alone, with the file kept in the page so it need not be chosen again.
func (s *Server) peopleImport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	ip := &peopleImportPage{Page: p}
	ip.Title, ip.Nav = p.L.T("people.import"), "people"
	data, name, err := uploadedOrRetained(r)
	if err != nil {
		ip.Errors = p.L.Errs(err)
		s.render(w, r, "people_import", http.StatusUnprocessableEntity, ip)
		return
	}
	skip := r.FormValue("skip_invalid") == "on"
	res, err := s.People.ImportSheet(r.Context(), p.Actor, bytes.NewReader(data), name, p.AsOf, skip)
	ip.Result, ip.FileName = res, name
	if res != nil {
		for _, e := range res.Problems {
			ip.Problems = append(ip.Problems, p.L.Err(e))
		}
	}
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid {
			s.fail(w, r, err)
			return
		}
		ip.Errors = []string{p.L.Err(err)}
		if res != nil && len(data) <= maxRetained {
			ip.Retained = base64.StdEncoding.EncodeToString(data)
		}
		s.render(w, r, "people_import", http.StatusUnprocessableEntity, ip)
		return
	}
	ip.Applied = true
	s.render(w, r, "people_import", http.StatusOK, ip)
}

// uploadedOrRetained reads the file of an import form: a new upload, or the
// one the previous answer kept in the page.
func uploadedOrRetained(r *http.Request) ([]byte, string, error) {
	if kept := r.FormValue("retained"); kept != "" {
		data, err := base64.StdEncoding.DecodeString(kept)
		if err != nil {
			return nil, "", errs.Invalidf("import.err.no_file").At(0, "file")
		}
		return data, r.FormValue("file_name"), nil
	}
	return httpx.FileBytes(r, "file", MaxUpload)
}
