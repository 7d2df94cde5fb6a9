package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/imports"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

type netImportPage struct {
	Page
	Which    string // the import that ran: villages, teams or members
	Villages *org.ImportResult
	Result   *network.SheetResult
	Notices  []string
	Form     map[string]string
	Commune  string // the name of the commune the villages go to
}

func (s *Server) netImportData(r *http.Request) *netImportPage {
	p := s.page(r, "")
	ip := &netImportPage{Page: p, Form: map[string]string{"effective_date": p.L.Date(p.AsOf)}}
	ip.Title, ip.Nav = p.L.T("network.import_title"), "network"
	if tree, err := s.Org.For(r.Context(), p.Actor); err == nil {
		if v := tree.At(p.Actor.ScopeUnitID, p.AsOf); v != nil && v.Level == org.LevelCommune {
			ip.Form["commune_id"] = strconv.FormatInt(v.UnitID, 10)
			ip.Commune = v.Name
		}
	}
	return ip
}

func (s *Server) networkImportForm(w http.ResponseWriter, r *http.Request) {
	if !httpx.Actor(r).Can(auth.PermEnterData) {
		s.fail(w, r, errs.ForbiddenErr())
		return
	}
	s.render(w, r, "network_import", http.StatusOK, s.netImportData(r))
}

// netImport runs one of the three imports as an import job (see
// startImport): the file is read, checked and written in one transaction,
// and the page shows what was done or every problem, with nothing written.
func (s *Server) netImport(w http.ResponseWriter, r *http.Request, which string, check func() error, run func(ctx context.Context, ip *netImportPage, data []byte, name string) (any, []*errs.Error, error)) {
	ip := s.netImportData(r)
	ip.Which = which
	for _, k := range []string{"effective_date", "legal_basis", "commune_id"} {
		if v := r.PostFormValue(k); v != "" || k != "commune_id" {
			ip.Form[k] = v
		}
	}
	if id, err := strconv.ParseInt(ip.Form["commune_id"], 10, 64); err == nil {
		ip.Commune = s.visibleUnitName(r, id)
	}
	data, name, err := httpx.FileBytes(r, "file", MaxUpload)
	if err == nil && check != nil {
		err = check() // the form's own fields, checked before the job
	}
	if err != nil {
		if k := errs.KindOf(err); k == errs.Internal || k == errs.Forbidden {
			s.fail(w, r, err)
			return
		}
		ip.Errors = ip.L.Errs(err)
		s.render(w, r, "network_import", http.StatusUnprocessableEntity, ip)
		return
	}
	form := map[string]string{}
	for k, v := range ip.Form {
		form[k] = v
	}
	if !ip.IsToday() {
		form["d"] = ip.AsOf.String()
	}
	unit := ip.Actor.ScopeUnitID
	if id, err := strconv.ParseInt(ip.Form["commune_id"], 10, 64); err == nil && which == "villages" && id > 0 {
		if tree, err := s.Org.For(r.Context(), ip.Actor); err == nil && tree.InScope(id) {
			unit = id // else the import refuses it, as the job of the actor's scope
		}
	}
	s.startImport(w, r, importJob{kind: which, unit: unit, file: name, size: len(data), form: form,
		work:   func(ctx context.Context) (any, []*errs.Error, error) { return run(ctx, ip, data, name) },
		errors: func(l *locale.Printer, err error) []string { return l.Errs(err) }})
}

// netJobData is what a network import's job keeps for its page.
type netJobData struct {
	Villages *org.ImportResult    `json:"villages,omitempty"`
	Result   *network.SheetResult `json:"result,omitempty"`
}

func (s *Server) networkJobShow(w http.ResponseWriter, r *http.Request, j *imports.Job, res *jobResult, status int) {
	ip := s.netImportData(r)
	res.asOf(&ip.Page)
	ip.Which = j.Kind
	for k, v := range res.Form {
		if k != "d" {
			ip.Form[k] = v
		}
	}
	if id, err := strconv.ParseInt(ip.Form["commune_id"], 10, 64); err == nil {
		ip.Commune = s.visibleUnitName(r, id)
	}
	var d netJobData
	if err := json.Unmarshal(res.Data, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	ip.Villages, ip.Result = d.Villages, d.Result
	ip.Notices = res.Notes[ip.L.Lang]
	ip.Errors = j.Errors[ip.L.Lang]
	if j.Status != imports.Done {
		ip.Villages = nil // a failed village import shows its problems alone, as ever
	}
	s.render(w, r, "network_import", status, ip)
}

func (s *Server) networkImportVillages(w http.ResponseWriter, r *http.Request) {
	var d day.Day
	var commune int64
	check := func() (err error) {
		if d, err = formDate(r, "effective_date", true); err != nil {
			return err
		}
		commune, err = formInt64(r, "commune_id")
		return err
	}
	s.netImport(w, r, "villages", check, func(ctx context.Context, ip *netImportPage, data []byte, name string) (any, []*errs.Error, error) {
		res, err := s.Network.ImportVillages(ctx, ip.Actor, bytes.NewReader(data), name,
			network.VillageImport{CommuneID: commune, Effective: d, LegalBasis: r.PostFormValue("legal_basis")})
		if err != nil {
			return nil, nil, err
		}
		return netJobData{Villages: res}, res.Notices, nil
	})
}

func (s *Server) networkImportTeams(w http.ResponseWriter, r *http.Request) {
	s.netImport(w, r, "teams", nil, func(ctx context.Context, ip *netImportPage, data []byte, name string) (any, []*errs.Error, error) {
		res, err := s.Network.ImportTeams(ctx, ip.Actor, bytes.NewReader(data), name, ip.AsOf)
		return netJobData{Result: res}, nil, err
	})
}

func (s *Server) networkImportMembers(w http.ResponseWriter, r *http.Request) {
	s.netImport(w, r, "members", nil, func(ctx context.Context, ip *netImportPage, data []byte, name string) (any, []*errs.Error, error) {
		res, err := s.Network.ImportMembers(ctx, ip.Actor, bytes.NewReader(data), name, ip.AsOf)
		return netJobData{Result: res}, nil, err
	})
}

// sendSheet writes a generated workbook, or the error page.
func (s *Server) sendSheet(w http.ResponseWriter, r *http.Request, name string, write func(ctx context.Context, actor *auth.Actor, d day.Day, lang string, out io.Writer) error) {
	p := s.page(r, "")
	var buf bytes.Buffer
	if err := write(r.Context(), p.Actor, p.AsOf, p.L.Lang, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName(name, p.AsOf.String()), sheet.XLSXType, buf.Bytes())
}

func (s *Server) villageTemplate(w http.ResponseWriter, r *http.Request) {
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	s.sendSheet(w, r, "mau-thon-to-dan-pho", func(ctx context.Context, a *auth.Actor, d day.Day, lang string, out io.Writer) error {
		return s.Network.VillageTemplate(ctx, a, unit, d, lang, out)
	})
}

func (s *Server) teamTemplate(w http.ResponseWriter, r *http.Request) {
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	s.sendSheet(w, r, "mau-to-cong-nghe-so", func(ctx context.Context, a *auth.Actor, d day.Day, lang string, out io.Writer) error {
		return s.Network.TeamTemplate(ctx, a, unit, d, lang, out)
	})
}

func (s *Server) memberTemplate(w http.ResponseWriter, r *http.Request) {
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	s.sendSheet(w, r, "mau-thanh-vien-to", func(ctx context.Context, a *auth.Actor, d day.Day, lang string, out io.Writer) error {
		return s.Network.MemberTemplate(ctx, a, unit, d, lang, out)
	})
}

func (s *Server) teamExport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	f := teamFilter(r, &p)
	s.sendSheet(w, r, "to-cong-nghe-so", func(ctx context.Context, a *auth.Actor, d day.Day, lang string, out io.Writer) error {
		return s.Network.ExportTeams(ctx, a, f, lang, out)
	})
}

func (s *Server) memberExport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	unit := queryUnit(r, &p)
	s.sendSheet(w, r, "thanh-vien-to", func(ctx context.Context, a *auth.Actor, d day.Day, lang string, out io.Writer) error {
		return s.Network.ExportMembers(ctx, a, unit, d, lang, out)
	})
}

func (s *Server) networkCoverageExport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	unit := queryUnit(r, &p)
	s.sendSheet(w, r, "do-phu-mang-luoi", func(ctx context.Context, a *auth.Actor, d day.Day, lang string, out io.Writer) error {
		return s.Network.ExportCoverage(ctx, a, unit, d, lang, out)
	})
}
