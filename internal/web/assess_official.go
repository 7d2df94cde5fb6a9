package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

// The published results of the national indices, and a unit's
// self-assessment beside them.
func (s *Server) registerOfficial(page routes) {
	page("GET", "/assess/official", s.officialShow)
	page("POST", "/assess/official", s.officialRecord)
	page("POST", "/assess/official/import", s.officialImport, takesFiles)
	page("GET", "/assess/official/export.xlsx", s.officialExport)
	page("GET", "/assess/official/units/{unit}", s.compareShow)
	page("POST", "/assess/official/units/{unit}/goal", s.goalSave)
	page("POST", "/assess/official/weights/{unit}", s.weightsSave)
}

var officialFamilies = []string{assess.DTIFamily, assess.MinistryFamily}

type officialPage struct {
	indPage
	Family   string
	Year     int
	Mode     string
	Families []string
	Years    []int // years with results, and the year shown
	R        *assess.OfficialRanking
	Cols     []*assess.Node // the main indicators some result gives a value of
	Missing  string         // why there is no ranking (no framework serves the year)
	Designer bool
	Form     map[string]string
	Units    []*org.Version // for the typed form: the units of the framework's level
	Open     string         // the form to show open after an error
}

// Value writes a main indicator's value of a result.
func (p *officialPage) Value(o assess.Official, code string) string {
	v, ok := o.Values[code]
	if !ok {
		return "—"
	}
	return p.L.Dec(v, 4)
}

// Index writes an index 0–1 with four decimals, "—" when absent.
func (p *indPage) Index(v *float64) string {
	if v == nil {
		return "—"
	}
	return p.L.Dec(*v, 4)
}

// Place writes a result's rank in its list ("31/34"), "—" when it has
// none.
func (p *indPage) Place(o assess.Official) string {
	r, of := o.Standing()
	if r == 0 {
		return "—"
	}
	if of == 0 {
		return strconv.Itoa(r)
	}
	return fmt.Sprintf("%d/%d", r, of)
}

func officialQuery(r *http.Request, today int) (family string, year int, mode string) {
	q := r.URL.Query()
	family = strings.ToUpper(q.Get("family"))
	if family == "" {
		family = assess.DTIFamily
	}
	year, _ = strconv.Atoi(q.Get("year"))
	mode = q.Get("mode")
	if mode != assess.AsWas {
		mode = assess.Restated
	}
	return family, year, mode
}

func (s *Server) officialData(r *http.Request, family string, year int, mode string) (*officialPage, error) {
	op := &officialPage{indPage: s.indPage(r, "assess"), Family: family, Mode: mode, Families: officialFamilies, Form: map[string]string{}}
	op.Title = op.L.T("assess.official.title")
	op.Designer = op.Actor.Role == "admin" || op.Actor.Role == "coordinator"
	years, err := s.Assess.Years(r.Context(), family)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = s.Org.Today().Year() - 1
		if len(years) > 0 {
			year = years[0]
		}
	}
	if year < 2000 || year > 2100 {
		return nil, errs.Invalidf("indicator.err.bad_year", "Value", year).At(0, "year")
	}
	op.Year = year
	op.Years = years
	if !containsInt(years, year) {
		op.Years = append([]int{year}, years...)
	}
	op.R, err = s.Assess.OfficialResults(r.Context(), op.Actor, family, year, mode)
	if e, ok := errs.As(err); ok && e.Kind == errs.Invalid {
		op.Missing, op.R, err = op.L.Err(err), nil, nil
	}
	if err != nil {
		return nil, err
	}
	if op.R != nil {
		for _, m := range op.R.Mains {
			for _, o := range op.R.Rows {
				if _, ok := o.Values[m.Code]; ok {
					op.Cols = append(op.Cols, m)
					break
				}
			}
		}
	}
	if op.R != nil && op.Designer {
		if op.Units, err = s.Assess.Assessable(r.Context(), op.Actor, family, year); err != nil {
			return nil, err
		}
	}
	return op, nil
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// officialShow is a year's published results: as published, or restated
// to today's units (a merged province computed from its predecessors).
func (s *Server) officialShow(w http.ResponseWriter, r *http.Request) {
	family, year, mode := officialQuery(r, s.Org.Today().Year())
	op, err := s.officialData(r, family, year, mode)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "official", http.StatusOK, op)
}

func (s *Server) officialAgain(w http.ResponseWriter, r *http.Request, open string, errors []string, form map[string]string) {
	year, _ := strconv.Atoi(r.FormValue("year"))
	op, err := s.officialData(r, strings.ToUpper(firstNonEmpty(r.FormValue("family"), assess.DTIFamily)), year, assess.Restated)
	if err != nil {
		// the year itself was wrong: show the page of the default year
		if op, err = s.officialData(r, assess.DTIFamily, 0, assess.Restated); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	op.Errors, op.Form, op.Open = errors, form, open
	s.render(w, r, "official", http.StatusUnprocessableEntity, op)
}

func firstNonEmpty(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func officialLink(family string, year int) string {
	return "/assess/official?" + url.Values{"family": {family}, "year": {strconv.Itoa(year)}}.Encode()
}

// officialRecord stores one published result typed in.
func (s *Server) officialRecord(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in := assess.ResultInput{Family: firstNonEmpty(r.FormValue("family"), assess.DTIFamily), Today: r.FormValue("today") != "",
			Source: r.FormValue("source"), Values: map[string]float64{}}
		var err error
		if in.Year, err = strconv.Atoi(strings.TrimSpace(r.FormValue("year"))); err != nil {
			return "", "", errs.Invalidf("indicator.err.bad_year", "Value", r.FormValue("year")).At(0, "year")
		}
		if in.UnitID, err = formInt64(r, "unit_id"); err != nil {
			return "", "", err
		}
		if strings.TrimSpace(r.FormValue("dti")) != "" {
			v, err := formFloat(r, "dti")
			if err != nil {
				return "", "", err
			}
			in.DTI = &v
		}
		for _, k := range []struct {
			name string
			to   *int
		}{{"rank", &in.Rank}, {"rank_of", &in.RankOf}} {
			n, err := formInt64(r, k.name)
			if err != nil {
				return "", "", err
			}
			*k.to = int(n)
		}
		for k := range r.Form {
			code, ok := strings.CutPrefix(k, "v.")
			if !ok || strings.TrimSpace(r.FormValue(k)) == "" {
				continue
			}
			v, err := formFloat(r, k)
			if err != nil {
				return "", "", err
			}
			in.Values[code] = v
		}
		if _, err := s.Assess.RecordResult(r.Context(), httpx.Actor(r), in); err != nil {
			return "", "", err
		}
		return officialLink(strings.ToUpper(in.Family), in.Year), "assess.official.saved", nil
	}, func(errors []string, form map[string]string) { s.officialAgain(w, r, "record", errors, form) })
}

// officialImport reads published results from a sheet: all or nothing.
func (s *Server) officialImport(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		file, hdr, err := r.FormFile("file")
		if err != nil {
			return "", "", errs.Invalidf("import.err.no_file").At(0, "file")
		}
		defer file.Close()
		o := assess.ResultImport{Family: firstNonEmpty(r.FormValue("family"), assess.DTIFamily), Today: r.FormValue("today") != "", Source: r.FormValue("source")}
		if v := strings.TrimSpace(r.FormValue("year")); v != "" {
			if o.Year, err = strconv.Atoi(v); err != nil {
				return "", "", errs.Invalidf("indicator.err.bad_year", "Value", v).At(0, "year")
			}
		}
		sum, err := s.Assess.ImportResults(r.Context(), httpx.Actor(r), file, hdr.Filename, o)
		if err != nil {
			return "", "", err
		}
		year := o.Year
		if len(sum.Years) > 0 {
			year = sum.Years[0]
		}
		return officialLink(strings.ToUpper(o.Family), year), "assess.official.imported", nil
	}, func(errors []string, form map[string]string) { s.officialAgain(w, r, "import", errors, form) })
}

// officialExport sends a year's results as shown, in the import's layout.
func (s *Server) officialExport(w http.ResponseWriter, r *http.Request) {
	family, year, mode := officialQuery(r, s.Org.Today().Year())
	if year == 0 {
		year = s.Org.Today().Year() - 1
	}
	var buf bytes.Buffer
	if err := s.Assess.ExportResults(r.Context(), httpx.Actor(r), family, year, mode, s.printer(r).Lang, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("ket-qua", strings.ToLower(family), strconv.Itoa(year), mode), sheet.XLSXType, buf.Bytes())
}

type comparePage struct {
	indPage
	C        *assess.Comparison
	Years    []int
	Designer bool
	Preds    []predWeight
	Weighted bool
	Form     map[string]string
}

type predWeight struct {
	V      *org.Version
	Weight string
}

// Gap writes a gap in points of 100 (self − official), signed.
func (p *comparePage) Gap(v *float64) string {
	if v == nil {
		return "—"
	}
	s := p.L.Dec(*v*100, 1)
	if *v > 0 {
		s = "+" + s
	}
	return s
}

func (s *Server) compareData(r *http.Request) (*comparePage, error) {
	unit, err := httpx.PathID(r, "unit")
	if err != nil {
		return nil, err
	}
	family, year, _ := officialQuery(r, s.Org.Today().Year())
	if year == 0 {
		year = s.Org.Today().Year() - 1
	}
	cp := &comparePage{indPage: s.indPage(r, "assess"), Form: map[string]string{}}
	if cp.C, err = s.Assess.Compare(r.Context(), cp.Actor, family, unit, year); err != nil {
		return nil, err
	}
	cp.Title = cp.L.T("assess.compare.title", "Name", cp.C.Unit.Name)
	cp.Designer = cp.Actor.Role == "admin" || cp.Actor.Role == "coordinator"
	for y := s.Org.Today().Year(); y >= 2022; y-- {
		cp.Years = append(cp.Years, y)
	}
	t, err := s.Org.For(r.Context(), cp.Actor)
	if err != nil {
		return nil, err
	}
	ws, err := s.Assess.Weights(r.Context(), cp.Actor, family, unit)
	if err != nil {
		return nil, err
	}
	by := map[int64]float64{}
	for _, w := range ws {
		by[w.PredecessorID] = w.Weight
	}
	cp.Weighted = len(ws) > 0
	for _, l := range t.Predecessors(unit) {
		v := t.Latest(l.PredecessorID)
		if v == nil {
			continue
		}
		pw := predWeight{V: v}
		if w, ok := by[v.UnitID]; ok {
			pw.Weight = cp.L.Dec(w, 2)
		}
		cp.Preds = append(cp.Preds, pw)
	}
	return cp, nil
}

// compareShow is a unit's self-assessment beside its published results,
// its figures and its rank goal.
func (s *Server) compareShow(w http.ResponseWriter, r *http.Request) {
	cp, err := s.compareData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "official_compare", http.StatusOK, cp)
}

func (s *Server) compareAgain(w http.ResponseWriter, r *http.Request, errors []string, form map[string]string) {
	cp, err := s.compareData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cp.Errors, cp.Form = errors, form
	s.render(w, r, "official_compare", http.StatusUnprocessableEntity, cp)
}

func compareLink(unit int64, family string, year int) string {
	return fmt.Sprintf("/assess/official/units/%d?", unit) + url.Values{"family": {family}, "year": {strconv.Itoa(year)}}.Encode()
}

// goalSave sets the unit's rank goal.
func (s *Server) goalSave(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		unit, err := httpx.PathID(r, "unit")
		if err != nil {
			return "", "", err
		}
		g := assess.Goal{Family: firstNonEmpty(r.FormValue("family"), assess.DTIFamily), UnitID: unit, Basis: r.FormValue("basis")}
		for _, k := range []struct {
			name string
			to   *int
		}{{"year_from", &g.YearFrom}, {"year_to", &g.YearTo}, {"max_rank", &g.MaxRank}} {
			n, err := formInt64(r, k.name)
			if err != nil {
				return "", "", err
			}
			*k.to = int(n)
		}
		if _, err := s.Assess.SetGoal(r.Context(), httpx.Actor(r), g); err != nil {
			return "", "", err
		}
		year, _ := strconv.Atoi(r.URL.Query().Get("year"))
		if year == 0 {
			year = g.YearTo
		}
		return compareLink(unit, strings.ToUpper(g.Family), year), "assess.goal_saved", nil
	}, func(errors []string, form map[string]string) { s.compareAgain(w, r, errors, form) })
}

// weightsSave sets how the unit's results before its merger are computed
// from its predecessors' (no weight typed: their plain average).
func (s *Server) weightsSave(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		unit, err := httpx.PathID(r, "unit")
		if err != nil {
			return "", "", err
		}
		var ws []assess.Weight
		if r.FormValue("method") == "weights" {
			for k := range r.Form {
				id, ok := strings.CutPrefix(k, "w.")
				if !ok {
					continue
				}
				pred, err := strconv.ParseInt(id, 10, 64)
				if err != nil {
					return "", "", errs.Invalidf("err.bad_id", "Value", id).At(0, "predecessor_id")
				}
				v, err := formFloat(r, k)
				if err != nil {
					return "", "", err
				}
				ws = append(ws, assess.Weight{PredecessorID: pred, Weight: v})
			}
			if len(ws) == 0 {
				return "", "", errs.Invalidf("assess.err.weight").At(0, "weight")
			}
		}
		family := firstNonEmpty(r.FormValue("family"), assess.DTIFamily)
		if err := s.Assess.SetWeights(r.Context(), httpx.Actor(r), family, unit, ws, r.FormValue("note")); err != nil {
			return "", "", err
		}
		year, _ := strconv.Atoi(r.URL.Query().Get("year"))
		if year == 0 {
			year = s.Org.Today().Year() - 1
		}
		return compareLink(unit, strings.ToUpper(family), year), "assess.weights_saved", nil
	}, func(errors []string, form map[string]string) { s.compareAgain(w, r, errors, form) })
}
