package web

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/sheet"
)

func (s *Server) registerAssess(page routes) {
	page("GET", "/assess", s.assessHome)
	page("POST", "/assess/frameworks", s.frameworkCreate)
	page("POST", "/assess/frameworks/import", s.frameworkImport, takesFiles)
	page("GET", "/assess/frameworks/{id}", s.frameworkShow)
	page("GET", "/assess/frameworks/{id}/export.xlsx", s.frameworkExport)
	page("POST", "/assess/frameworks/{id}", s.frameworkUpdate)
	page("POST", "/assess/frameworks/{id}/nodes", s.nodeAdd)
	page("POST", "/assess/nodes/{id}", s.nodeUpdate)
	page("POST", "/assess/rounds", s.roundCreate)
	page("GET", "/assess/rounds/{id}", s.roundShow)
	page("POST", "/assess/rounds/{id}", s.roundUpdate)
	page("GET", "/assess/rounds/{id}/export.xlsx", s.roundExport)
	page("GET", "/assess/rounds/{id}/units/{unit}", s.cardShow)
	page("POST", "/assess/rounds/{id}/units/{unit}", s.cardSave, takesFiles)
	s.registerOfficial(page)
}

// registerPublicRankings adds the published rankings, which anyone may
// read once a province switches them on.
func (s *Server) registerPublicRankings(public routes) {
	public("GET", "/public/rankings/{id}", s.publicRanking)
}

type assessPage struct {
	indPage
	Frameworks []*assess.Framework
	Rounds     []*assess.Round
	Names      map[int64]string
	Designer   bool
	Form       map[string]string
	Kinds      []indicator.Kind
	ImportOpen bool
}

func (s *Server) assessData(r *http.Request) (*assessPage, error) {
	ap := &assessPage{indPage: s.indPage(r, "assess"), Names: map[int64]string{}, Kinds: indicator.Kinds,
		Form: map[string]string{"year": fmt.Sprint(s.Org.Today().Year())}}
	ap.Title = ap.L.T("assess.title")
	ap.Designer = ap.Actor.Role == "admin" || ap.Actor.Role == "coordinator"
	var err error
	if ap.Frameworks, err = s.Assess.Frameworks(r.Context(), ap.Actor); err != nil {
		return nil, err
	}
	if ap.Rounds, err = s.Assess.Rounds(r.Context(), ap.Actor); err != nil {
		return nil, err
	}
	for _, f := range ap.Frameworks {
		ap.Names[f.ID] = fmt.Sprintf("%s (v%d)", f.Name(ap.L.Lang), f.Version)
	}
	return ap, nil
}

// assessHome lists the frameworks (to copy and edit) and the rounds.
func (s *Server) assessHome(w http.ResponseWriter, r *http.Request) {
	ap, err := s.assessData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "assess", http.StatusOK, ap)
}

func (s *Server) frameworkCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in := assess.FrameworkInput{Family: r.FormValue("family"), NameVI: r.FormValue("name_vi"), NameEN: r.FormValue("name_en"), Basis: r.FormValue("basis")}
		var err error
		if in.CopyFrom, err = formInt64(r, "copy_from"); err != nil {
			return "", "", err
		}
		if in.OwnerUnitID, err = formInt64(r, "owner_unit_id"); err != nil {
			return "", "", err
		}
		f, err := s.Assess.CreateFramework(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/assess/frameworks/%d", f.ID), "assess.framework_created", nil
	}, func(errors []string, form map[string]string) {
		ap, err := s.assessData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ap.Errors, ap.Form = errors, form
		s.render(w, r, "assess", http.StatusUnprocessableEntity, ap)
	})
}

// frameworkImport loads a framework from a sheet (the layout the export
// writes): a draft, or published at once; all or nothing.
func (s *Server) frameworkImport(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		file, hdr, err := r.FormFile("file")
		if err != nil {
			return "", "", errs.Invalidf("import.err.no_file").At(0, "file")
		}
		defer file.Close()
		owner, err := formInt64(r, "owner_unit_id")
		if err != nil {
			return "", "", err
		}
		f, err := s.Assess.ImportFrameworkSheet(r.Context(), httpx.Actor(r), file, hdr.Filename,
			assess.Def{Family: r.FormValue("family"), NameVI: r.FormValue("name_vi"), Basis: r.FormValue("basis")},
			assess.DefOptions{OwnerUnitID: owner, Publish: r.FormValue("publish") != ""})
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/assess/frameworks/%d", f.ID), "assess.framework_imported", nil
	}, func(errors []string, form map[string]string) {
		ap, err := s.assessData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ap.Errors, ap.Form, ap.ImportOpen = errors, form, true
		s.render(w, r, "assess", http.StatusUnprocessableEntity, ap)
	})
}

// frameworkExport sends a framework as a sheet in the layout the import
// reads.
func (s *Server) frameworkExport(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.Assess.Framework(r.Context(), httpx.Actor(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.Assess.ExportFramework(r.Context(), httpx.Actor(r), id, s.printer(r).Lang, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("bo-chi-so", strings.ToLower(f.Family), fmt.Sprintf("v%d", f.Version)), sheet.XLSXType, buf.Bytes())
}

type frameworkPage struct {
	indPage
	F        *assess.Framework
	Editable bool
	Designer bool // may export it, edit and import it as a new version
	Rows     []nodeRow
	Methods  []assess.Method
	Codes    []*indicator.Indicator
	Form     map[string]string
	Share    assess.Share
	// Collections are the ways an issuer collects a component.
	Collections []string
}

// ToFill names a node's figures still to be filled in, in the reader's
// language.
func (p *indPage) ToFill(n *assess.Node) string {
	var out []string
	for _, f := range n.ToFill {
		out = append(out, p.L.T("assess.field."+string(f)))
	}
	return strings.Join(out, ", ")
}

type nodeRow struct {
	N     *assess.Node
	Depth int
}

func (s *Server) frameworkData(r *http.Request, id int64) (*frameworkPage, error) {
	fp := &frameworkPage{indPage: s.indPage(r, "assess"), Methods: assess.Methods, Form: map[string]string{},
		Collections: []string{string(assess.CollectAuto), string(assess.CollectVerified)}}
	var err error
	if fp.F, err = s.Assess.Framework(r.Context(), fp.Actor, id); err != nil {
		return nil, err
	}
	fp.Title = fp.F.Name(fp.L.Lang)
	t, err := s.Org.For(r.Context(), fp.Actor)
	if err != nil {
		return nil, err
	}
	fp.Designer = fp.Actor.Role == "admin" || fp.Actor.Role == "coordinator"
	fp.Editable = fp.F.Draft() && fp.Designer && t.InScope(fp.F.OwnerUnitID)
	fp.F.Walk(func(n *assess.Node, d int) { fp.Rows = append(fp.Rows, nodeRow{n, d}) })
	if fp.Codes, err = s.Indicators.List(r.Context(), fp.Actor, false); err != nil {
		return nil, err
	}
	if fp.Share, err = s.Assess.Share(r.Context(), fp.Actor, fp.F); err != nil {
		return nil, err
	}
	return fp, nil
}

// frameworkShow shows a framework's tree; a draft can be edited node by
// node and published.
func (s *Server) frameworkShow(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fp, err := s.frameworkData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "framework", http.StatusOK, fp)
}

func (s *Server) frameworkAction(w http.ResponseWriter, r *http.Request, id int64, do func() error, msg string) {
	s.act(w, r, func() (string, string, error) {
		if err := do(); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/assess/frameworks/%d", id), msg, nil
	}, func(errors []string, form map[string]string) {
		fp, err := s.frameworkData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fp.Errors, fp.Form = errors, form
		s.render(w, r, "framework", http.StatusUnprocessableEntity, fp)
	})
}

func (s *Server) frameworkUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.frameworkAction(w, r, id, func() error {
		_, err := s.Assess.UpdateFramework(r.Context(), httpx.Actor(r), id, assess.FrameworkUpdate{NameVI: r.FormValue("name_vi"),
			NameEN: r.FormValue("name_en"), Basis: r.FormValue("basis"), Publish: r.FormValue("publish") != ""})
		return err
	}, "assess.framework_saved")
}

func nodeInput(r *http.Request) (assess.NodeInput, error) {
	in := assess.NodeInput{Code: r.FormValue("code"), NameVI: r.FormValue("name_vi"), NameEN: r.FormValue("name_en"),
		Method: assess.Method(r.FormValue("method")), Indicator: r.FormValue("indicator"), Thresholds: r.FormValue("thresholds"),
		Guidance: r.FormValue("guidance"), Criterion: r.FormValue("criterion") != "", Collection: assess.Collection(r.FormValue("collection")),
		Continues: r.FormValue("continues"), Provenance: r.FormValue("provenance")}
	var err error
	if in.ParentID, err = formInt64(r, "parent_id"); err != nil {
		return in, err
	}
	if in.Max, err = formFloat(r, "max_score"); err != nil {
		return in, err
	}
	for _, x := range []struct {
		name string
		to   **float64
	}{{"lo", &in.Lo}, {"hi", &in.Hi}} {
		if strings.TrimSpace(r.FormValue(x.name)) == "" {
			continue
		}
		v, err := formFloat(r, x.name)
		if err != nil {
			return in, err
		}
		*x.to = &v
	}
	return in, nil
}

func (s *Server) nodeAdd(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.frameworkAction(w, r, id, func() error {
		in, err := nodeInput(r)
		if err != nil {
			return err
		}
		_, err = s.Assess.AddNode(r.Context(), httpx.Actor(r), id, in)
		return err
	}, "assess.node_saved")
}

func (s *Server) nodeUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		in, err := nodeInput(r)
		if err != nil {
			return "", "", err
		}
		f, err := s.Assess.UpdateNode(r.Context(), httpx.Actor(r), id, in, r.FormValue("action") == "delete")
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/assess/frameworks/%d", f.ID), "assess.node_saved", nil
	}, func(errors []string, form map[string]string) {
		fw, err := s.Assess.NodeFramework(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fp, err := s.frameworkData(r, fw)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fp.Errors = errors
		s.render(w, r, "framework", http.StatusUnprocessableEntity, fp)
	})
}

func (s *Server) roundCreate(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		in := assess.RoundInput{Name: r.FormValue("name")}
		var err error
		if in.FrameworkID, err = formInt64(r, "framework_id"); err != nil {
			return "", "", err
		}
		if in.OwnerUnitID, err = formInt64(r, "owner_unit_id"); err != nil {
			return "", "", err
		}
		if in.Year, err = strconv.Atoi(strings.TrimSpace(r.FormValue("year"))); err != nil {
			return "", "", errs.Invalidf("indicator.err.bad_year", "Value", r.FormValue("year")).At(0, "year")
		}
		for _, k := range r.Form["kind"] {
			in.Kinds = append(in.Kinds, indicator.Kind(k))
		}
		u, err := formInt64(r, "unit_id")
		if err != nil {
			return "", "", err
		}
		if u != 0 {
			in.UnitIDs = []int64{u}
		}
		rd, err := s.Assess.CreateRound(r.Context(), httpx.Actor(r), in)
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/assess/rounds/%d", rd.ID), "assess.round_created", nil
	}, func(errors []string, form map[string]string) {
		ap, err := s.assessData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ap.Errors, ap.Form = errors, form
		s.render(w, r, "assess", http.StatusUnprocessableEntity, ap)
	})
}

type roundPage struct {
	indPage
	R        *assess.Ranking
	Statuses []string
	Designer bool
	Chart    string
	ChartAlt string // the chart's summary
	Public   bool
	// Node is the pillar, main indicator or component the ranking is by
	// (nil: the total); Rows are the results in that order.
	Node    *assess.Node
	Rows    []assess.Result
	Options []nodeRow
	// the public page: who published the ranking and when it last changed
	Issuer  string
	Updated time.Time
}

// BarPct is a result's total as a share of the maximum, for the public
// page's bars (SVG, no script).
func (p *roundPage) BarPct(res assess.Result) float64 {
	if p.R == nil || p.R.Max <= 0 {
		return 0
	}
	return math.Min(100, math.Max(0, res.Total/p.R.Max*100))
}

// Change writes the change of index since last year, in points.
func (p *roundPage) Change(res assess.Result) string {
	c, ok := res.Change()
	if !ok {
		return "—"
	}
	return p.signed(c, 1)
}

func (p *roundPage) signed(c float64, dec int) string {
	s := p.L.Dec(c, dec)
	if c > 0 {
		s = "+" + s
	}
	return s
}

// NodeScore is a result's score of the node the ranking is by.
func (p *roundPage) NodeScore(res assess.Result) *assess.Score {
	return res.Scores[p.Node.ID]
}

// NodeChange writes the change of a node's score since last year, in
// points of its maximum.
func (p *roundPage) NodeChange(res assess.Result) string {
	c, ok := res.Scores[p.Node.ID].Change(p.Node.Max)
	if !ok {
		return "—"
	}
	return p.signed(c*p.Node.Max, 1)
}

func (s *Server) rankingChart(p *indPage, rk *assess.Ranking, rows []assess.Result, node *assess.Node) (string, string) {
	type bars struct {
		Kind   string     `json:"kind"`
		Labels []string   `json:"labels"`
		Values []*float64 `json:"values"`
		Unit   string     `json:"unit"`
		Max    float64    `json:"max"`
	}
	b := bars{Kind: "bars", Unit: p.L.T("assess.points"), Max: rk.Max}
	if node != nil {
		b.Max = node.Max
	}
	for _, res := range rows {
		v := res.Total
		if node != nil {
			v = 0
			if sc := res.Scores[node.ID]; sc != nil {
				v = sc.Final
			}
		}
		b.Labels = append(b.Labels, res.Name)
		b.Values = append(b.Values, &v)
	}
	// the ranking table beside the chart holds its figures; the label says them
	alt := summarise(&p.Page, "bars", p.L.T("assess.ranking_chart"), b.Labels, b.Values, func(v float64) string { return p.L.Dec(v, 1) + " " + b.Unit })
	return chartJSON(b), alt
}

// roundShow is a round's ranking, computed now: scores per pillar, total,
// index, rank and the change since last year — or, with ?node=, the
// ranking by one pillar, main indicator or component against last year.
func (s *Server) roundShow(w http.ResponseWriter, r *http.Request) {
	rp, err := s.roundData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "round", http.StatusOK, rp)
}

func (s *Server) roundData(r *http.Request) (*roundPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	rp := &roundPage{indPage: s.indPage(r, "assess"), Statuses: []string{assess.RoundSelf, assess.RoundReview, assess.RoundClosed}}
	if rp.R, err = s.Assess.Ranking(r.Context(), rp.Actor, id); err != nil {
		return nil, err
	}
	rp.Title = rp.R.Round.Name
	if t, err := s.Org.For(r.Context(), rp.Actor); err == nil {
		rp.Designer = (rp.Actor.Role == "admin" || rp.Actor.Role == "coordinator") && t.InScope(rp.R.Round.OwnerUnitID)
	}
	rp.R.Framework.Walk(func(n *assess.Node, d int) { rp.Options = append(rp.Options, nodeRow{n, d}) })
	rp.Rows = rp.R.Results
	if v := r.URL.Query().Get("node"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || rp.R.Framework.Node(n) == nil {
			return nil, errs.Invalidf("assess.err.bad_node").At(0, "node")
		}
		rp.Node = rp.R.Framework.Node(n)
		rp.Rows = rp.R.By(n)
	}
	rp.Chart, rp.ChartAlt = s.rankingChart(&rp.indPage, rp.R, rp.Rows, rp.Node)
	return rp, nil
}

func (s *Server) roundUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.act(w, r, func() (string, string, error) {
		in := assess.RoundUpdate{Status: r.FormValue("status")}
		if v := r.FormValue("published"); v != "" {
			b := v == "on" || v == "true" || v == "1"
			in.Published = &b
		}
		if _, err := s.Assess.UpdateRound(r.Context(), httpx.Actor(r), id, in); err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/assess/rounds/%d", id), "assess.round_saved", nil
	}, func(errors []string, form map[string]string) {
		rp, err := s.roundData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rp.Errors = errors
		s.render(w, r, "round", http.StatusUnprocessableEntity, rp)
	})
}

// roundExport sends the ranking as a spreadsheet.
func (s *Server) roundExport(w http.ResponseWriter, r *http.Request) {
	rp, err := s.roundData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := exportRanking(rp, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.ServeFile(w, sheet.FileName("xep-hang", fmt.Sprint(rp.R.Round.Year), fmt.Sprint(rp.R.Round.ID)), sheet.XLSXType, buf.Bytes())
}

// exportRanking writes the ranking with every node's score — pillars,
// main indicators and components — beside last year's.
func exportRanking(rp *roundPage, buf *bytes.Buffer) error {
	wb, err := sheet.NewWorkbook()
	if err != nil {
		return err
	}
	L := rp.L
	cols := []sheet.Column{{Header: L.T("assess.rank"), Width: 8}, {Header: L.T("assess.unit"), Width: 34}, {Header: L.T("assess.total"), Width: 12},
		{Header: L.T("assess.index"), Width: 10}, {Header: L.T("assess.change"), Width: 12}}
	f := rp.R.Framework
	var nodes []*assess.Node
	f.Walk(func(n *assess.Node, _ int) { nodes = append(nodes, n) })
	for _, n := range nodes {
		cols = append(cols, sheet.Column{Header: fmt.Sprintf("%s %s (%s)", n.Code, n.Name(L.Lang), L.Dec(n.Max, 2)), Width: 16},
			sheet.Column{Header: L.T("assess.export_last_year", "Code", n.Code), Width: 12})
	}
	sh, err := wb.AddSheet(fmt.Sprint(rp.R.Round.Year), cols, 0)
	if err != nil {
		return err
	}
	// the figures as the page shows them (a score to 0.1, the index to
	// 0.001): a reader comparing the file with the page finds the same
	for _, res := range rp.Rows {
		row := []any{res.Rank, res.Name, roundTo(res.Total, 1), roundTo(res.Index, 3)}
		if c, ok := res.Change(); ok {
			row = append(row, roundTo(c, 1))
		} else {
			row = append(row, nil)
		}
		for _, n := range nodes {
			sc := res.Scores[n.ID]
			if sc == nil {
				row = append(row, nil, nil)
				continue
			}
			row = append(row, roundTo(sc.Final, 1))
			if sc.Prev != nil {
				row = append(row, roundTo(*sc.Prev, 1))
			} else {
				row = append(row, nil)
			}
		}
		if err := sh.Append(row...); err != nil {
			return err
		}
	}
	return wb.Write(buf)
}

// roundTo rounds x to dec decimals, as L.Dec shows it.
func roundTo(x float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(x*p) / p
}

type cardPage struct {
	indPage
	C    *assess.Card
	Rows []nodeRow
}

// Mode is what the card's inputs are for: the reviewer's adjustments, the
// unit's own scores, or nothing.
func (p *cardPage) Mode() string {
	switch {
	case p.C.CanReview && (p.Actor.Role != "admin" || !p.C.CanSelf):
		return "review"
	case p.C.CanSelf:
		return "self"
	}
	return ""
}

// Score writes a score.
func (p *cardPage) Score(v float64) string { return p.L.Dec(v, 1) }

// Opt writes an optional score for an input.
func (p *cardPage) Opt(v *float64) string {
	if v == nil {
		return ""
	}
	return p.L.Dec(*v, 1)
}

func (s *Server) cardData(r *http.Request) (*cardPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	unit, err := httpx.PathID(r, "unit")
	if err != nil {
		return nil, err
	}
	cp := &cardPage{indPage: s.indPage(r, "assess")}
	if cp.C, err = s.Assess.Card(r.Context(), cp.Actor, id, unit); err != nil {
		return nil, err
	}
	cp.Title = cp.C.Unit.Name
	cp.C.Framework.Walk(func(n *assess.Node, d int) { cp.Rows = append(cp.Rows, nodeRow{n, d}) })
	return cp, nil
}

// cardShow is a unit's scores in a round: self-assessment with evidence,
// the reviewer's verified scores with comments, totals, index and rank.
func (s *Server) cardShow(w http.ResponseWriter, r *http.Request) {
	cp, err := s.cardData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "card", http.StatusOK, cp)
}

func (s *Server) cardSave(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, func() (string, string, error) {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return "", "", err
		}
		unit, err := httpx.PathID(r, "unit")
		if err != nil {
			return "", "", err
		}
		var in []assess.ScoreInput
		for k := range r.Form {
			rest, ok := strings.CutPrefix(k, "score.")
			if !ok {
				continue
			}
			n, err := strconv.ParseInt(rest, 10, 64)
			if err != nil {
				return "", "", errs.Invalidf("assess.err.bad_node").At(0, k)
			}
			in = append(in, assess.ScoreInput{NodeID: n, Score: r.FormValue(k), Note: r.FormValue(fmt.Sprintf("note.%d", n))})
		}
		var uploads []assess.Upload
		if r.MultipartForm != nil {
			for k, fhs := range r.MultipartForm.File {
				rest, ok := strings.CutPrefix(k, "evidence.")
				if !ok {
					continue
				}
				n, err := strconv.ParseInt(rest, 10, 64)
				if err != nil {
					return "", "", errs.Invalidf("assess.err.bad_node").At(0, k)
				}
				for _, fh := range fhs {
					fl, err := fh.Open()
					if err != nil {
						return "", "", errs.Invalidf("files.err.unreadable").At(0, k)
					}
					defer fl.Close()
					uploads = append(uploads, assess.Upload{NodeID: n, Name: fh.Filename, Body: fl})
				}
			}
		}
		if r.FormValue("mode") == "review" {
			err = s.Assess.Review(r.Context(), httpx.Actor(r), id, unit, in)
		} else {
			err = s.Assess.SelfAssess(r.Context(), httpx.Actor(r), id, unit, in, uploads)
		}
		if err != nil {
			return "", "", err
		}
		return fmt.Sprintf("/assess/rounds/%d/units/%d", id, unit), "assess.scores_saved", nil
	}, func(errors []string, form map[string]string) {
		cp, err := s.cardData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cp.Errors = errors
		s.render(w, r, "card", http.StatusUnprocessableEntity, cp)
	})
}

// publicRanking is a published ranking, for anyone: names, scores and
// ranks only.
func (s *Server) publicRanking(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rp := &roundPage{indPage: indPage{Page: s.page(r, ""), Tab: "public"}, Public: true}
	if rp.R, err = s.Assess.PublicRanking(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	rp.Title = rp.R.Round.Name
	rp.Rows = rp.R.Results
	rp.Updated = rp.R.Round.UpdatedAt
	if snap, err := s.Org.Snapshot(r.Context()); err == nil {
		if v := snap.Latest(rp.R.Round.OwnerUnitID); v != nil {
			rp.Issuer = v.Name
		}
	}
	s.render(w, r, "round", http.StatusOK, rp)
}
