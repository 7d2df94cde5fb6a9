package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/imports"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// MaxUpload bounds an uploaded import file: what the sheet reader reads.
const MaxUpload = 32 << 20

type importPage struct {
	Page
	Mode    string
	Result  *org.ImportResult
	Notices []string
	Form    map[string]string
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	if !p.Actor.Can(auth.PermEditTree) {
		s.fail(w, r, errs.ForbiddenErr())
		return
	}
	ip := &importPage{Page: p, Mode: "list", Form: map[string]string{}}
	ip.Title, ip.Nav = p.L.T("import.title"), "import"
	s.render(w, r, "import", http.StatusOK, ip)
}

// importRun loads a unit list, or a restructuring (list + mapping), as an
// import job (see startImport). The work runs in one transaction: it shows
// either what was done or every error, with nothing applied.
func (s *Server) importRun(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	ip := &importPage{Page: p, Form: map[string]string{}}
	ip.Title, ip.Nav = p.L.T("import.title"), "import"
	ip.Mode = r.PostFormValue("mode")
	for _, k := range []string{"effective_date", "legal_basis", "note", "mode"} {
		ip.Form[k] = r.PostFormValue(k)
	}
	job, err := s.unitsImport(r, ip)
	if err != nil {
		if k := errs.KindOf(err); k == errs.Internal || k == errs.Forbidden {
			s.fail(w, r, err)
			return
		}
		ip.Errors = unitImportErrors(p.L, err)
		s.render(w, r, "import", http.StatusUnprocessableEntity, ip)
		return
	}
	s.startImport(w, r, job)
}

// unitImportErrors lists a unit import's problems: the summary, then each.
func unitImportErrors(l *locale.Printer, err error) []string {
	list := l.Errs(err)
	if e, ok := errs.As(err); ok && len(e.Details) > 0 {
		list = append([]string{l.Err(err)}, list...)
	}
	return list
}

// unitsImport reads the form and its files and makes the job.
func (s *Server) unitsImport(r *http.Request, ip *importPage) (importJob, error) {
	eff, err := day.Parse(strings.TrimSpace(r.PostFormValue("effective_date")))
	if err != nil {
		return importJob{}, errs.Invalidf("err.bad_date", "Value", r.PostFormValue("effective_date")).At(0, "effective_date")
	}
	c := org.Change{Effective: eff, LegalBasis: r.PostFormValue("legal_basis"), Note: r.PostFormValue("note")}
	units, unitsName, err := httpx.FileBytes(r, "units", MaxUpload)
	if err != nil {
		return importJob{}, err
	}
	var mapping []byte
	var mappingName string
	if ip.Mode == "restructure" {
		if mapping, mappingName, err = httpx.FileBytes(r, "mapping", MaxUpload); err != nil {
			return importJob{}, err
		}
	}
	actor := ip.Actor
	return importJob{kind: "units", unit: actor.ScopeUnitID, file: unitsName, size: len(units) + len(mapping), form: ip.Form,
		work: func(ctx context.Context) (any, []*errs.Error, error) {
			var res *org.ImportResult
			if ip.Mode == "restructure" {
				res, err = s.Org.Restructure(ctx, actor, bytes.NewReader(units), unitsName, bytes.NewReader(mapping), mappingName, c)
			} else {
				res, err = s.Org.ImportList(ctx, actor, bytes.NewReader(units), unitsName, c)
			}
			if err != nil {
				return nil, nil, err
			}
			return res, res.Notices, nil
		},
		errors: unitImportErrors}, nil
}

func (s *Server) unitsJobShow(w http.ResponseWriter, r *http.Request, j *imports.Job, res *jobResult, status int) {
	p := s.page(r, "")
	ip := &importPage{Page: p, Form: map[string]string{}}
	ip.Title, ip.Nav = p.L.T("import.title"), "import"
	for k, v := range res.Form {
		ip.Form[k] = v
	}
	ip.Mode = ip.Form["mode"]
	if j.Status == imports.Done {
		if err := json.Unmarshal(res.Data, &ip.Result); err != nil {
			s.fail(w, r, err)
			return
		}
		ip.Notices = res.Notes[p.L.Lang]
	}
	ip.Errors = j.Errors[p.L.Lang]
	s.render(w, r, "import", status, ip)
}
