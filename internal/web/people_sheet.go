package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/imports"
	"github.com/mangluoi/mangluoi/internal/locale"
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
// It runs as an import job (see startImport).
func (s *Server) peopleImport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	data, name, err := uploadedOrRetained(r)
	if err != nil {
		ip := &peopleImportPage{Page: p}
		ip.Title, ip.Nav = p.L.T("people.import"), "people"
		ip.Errors = p.L.Errs(err)
		s.render(w, r, "people_import", http.StatusUnprocessableEntity, ip)
		return
	}
	skip := r.FormValue("skip_invalid") == "on"
	form := map[string]string{}
	if !p.IsToday() {
		form["d"] = p.AsOf.String()
	}
	s.startImport(w, r, importJob{kind: "people", unit: p.Actor.ScopeUnitID, file: name, size: len(data), form: form,
		work: func(ctx context.Context) (any, []*errs.Error, error) {
			res, err := s.People.ImportSheet(ctx, p.Actor, bytes.NewReader(data), name, p.AsOf, skip)
			d := peopleJobData{Result: res, FileName: name}
			var problems []*errs.Error
			if res != nil {
				problems = res.Problems
				if err != nil && len(data) <= maxRetained {
					d.Retained = base64.StdEncoding.EncodeToString(data)
				}
			}
			return d, problems, err
		},
		errors: func(l *locale.Printer, err error) []string { return []string{l.Err(err)} }})
}

// peopleJobData is what a people import's job keeps for its page.
type peopleJobData struct {
	Result   *people.SheetResult `json:"result"`
	Retained string              `json:"retained,omitempty"`
	FileName string              `json:"file_name"`
}

func (s *Server) peopleJobShow(w http.ResponseWriter, r *http.Request, j *imports.Job, res *jobResult, status int) {
	p := s.page(r, "")
	res.asOf(&p)
	ip := &peopleImportPage{Page: p}
	ip.Title, ip.Nav = p.L.T("people.import"), "people"
	var d peopleJobData
	if err := json.Unmarshal(res.Data, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	ip.Result, ip.FileName, ip.Retained = d.Result, d.FileName, d.Retained
	ip.Problems = res.Notes[p.L.Lang]
	ip.Errors = j.Errors[p.L.Lang]
	ip.Applied = j.Status == imports.Done
	s.render(w, r, "people_import", status, ip)
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
