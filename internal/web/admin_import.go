package web

import (
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
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

// importRun loads a unit list, or a restructuring (list + mapping). The
// work runs in one transaction: it shows either what was done or every
// error, with nothing applied.
func (s *Server) importRun(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	ip := &importPage{Page: p, Form: map[string]string{}}
	ip.Title, ip.Nav = p.L.T("import.title"), "import"
	ip.Mode = r.PostFormValue("mode")
	for _, k := range []string{"effective_date", "legal_basis", "note", "mode"} {
		ip.Form[k] = r.PostFormValue(k)
	}
	err := s.runImport(r, ip)
	status := http.StatusOK
	if err != nil {
		if k := errs.KindOf(err); k == errs.Internal || k == errs.Forbidden {
			s.fail(w, r, err)
			return
		}
		ip.Errors = p.L.Errs(err)
		if e, ok := errs.As(err); ok && len(e.Details) > 0 {
			ip.Errors = append([]string{p.L.Err(err)}, ip.Errors...)
		}
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, "import", status, ip)
}

func (s *Server) runImport(r *http.Request, ip *importPage) error {
	eff, err := day.Parse(strings.TrimSpace(r.PostFormValue("effective_date")))
	if err != nil {
		return errs.Invalidf("err.bad_date", "Value", r.PostFormValue("effective_date")).At(0, "effective_date")
	}
	c := org.Change{Effective: eff, LegalBasis: r.PostFormValue("legal_basis"), Note: r.PostFormValue("note")}
	units, unitsName, err := formFile(r, "units")
	if err != nil {
		return err
	}
	defer units.Close()
	var res *org.ImportResult
	if ip.Mode == "restructure" {
		mapping, mappingName, err := formFile(r, "mapping")
		if err != nil {
			return err
		}
		defer mapping.Close()
		res, err = s.Org.Restructure(r.Context(), httpx.Actor(r), units, unitsName, mapping, mappingName, c)
		if err != nil {
			return err
		}
	} else {
		res, err = s.Org.ImportList(r.Context(), httpx.Actor(r), units, unitsName, c)
		if err != nil {
			return err
		}
	}
	ip.Result = res
	for _, n := range res.Notices {
		ip.Notices = append(ip.Notices, ip.L.Err(n))
	}
	return nil
}

func formFile(r *http.Request, field string) (multipart.File, string, error) {
	f, h, err := r.FormFile(field)
	if err != nil {
		return nil, "", errs.Invalidf("import.err.no_file").At(0, field)
	}
	if h.Size > MaxUpload {
		f.Close()
		return nil, "", errs.Invalidf("import.err.too_large", "MB", MaxUpload>>20).At(0, field)
	}
	return f, h.Filename, nil
}
