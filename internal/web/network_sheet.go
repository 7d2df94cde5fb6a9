package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
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

// netImport runs one of the three imports: the file is read, checked and
// written in one transaction, and the page shows what was done or every
// problem, with nothing written.
func (s *Server) netImport(w http.ResponseWriter, r *http.Request, which string, run func(ip *netImportPage, data []byte, name string) error) {
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
	err := func() error {
		data, name, err := httpx.FileBytes(r, "file", MaxUpload)
		if err != nil {
			return err
		}
		return run(ip, data, name)
	}()
	status := http.StatusOK
	if err != nil {
		if k := errs.KindOf(err); k == errs.Internal || k == errs.Forbidden {
			s.fail(w, r, err)
			return
		}
		ip.Errors = ip.L.Errs(err)
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, "network_import", status, ip)
}

func (s *Server) networkImportVillages(w http.ResponseWriter, r *http.Request) {
	s.netImport(w, r, "villages", func(ip *netImportPage, data []byte, name string) error {
		d, err := formDate(r, "effective_date", true)
		if err != nil {
			return err
		}
		commune, err := formInt64(r, "commune_id")
		if err != nil {
			return err
		}
		res, err := s.Network.ImportVillages(r.Context(), ip.Actor, bytes.NewReader(data), name,
			network.VillageImport{CommuneID: commune, Effective: d, LegalBasis: r.PostFormValue("legal_basis")})
		if err != nil {
			return err
		}
		ip.Villages = res
		for _, n := range res.Notices {
			ip.Notices = append(ip.Notices, ip.L.Err(n))
		}
		return nil
	})
}

func (s *Server) networkImportTeams(w http.ResponseWriter, r *http.Request) {
	s.netImport(w, r, "teams", func(ip *netImportPage, data []byte, name string) error {
		res, err := s.Network.ImportTeams(r.Context(), ip.Actor, bytes.NewReader(data), name, ip.AsOf)
		ip.Result = res
		return err
	})
}

func (s *Server) networkImportMembers(w http.ResponseWriter, r *http.Request) {
	s.netImport(w, r, "members", func(ip *netImportPage, data []byte, name string) error {
		res, err := s.Network.ImportMembers(r.Context(), ip.Actor, bytes.NewReader(data), name, ip.AsOf)
		ip.Result = res
		return err
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
