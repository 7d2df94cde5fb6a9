package report

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
)

// Sources are the services a report reads its figures through.
type Sources struct {
	People     *people.Service
	Network    *network.Service
	Plans      *plans.Service
	Indicators *indicator.Service
	Assess     *assess.Service
	// Anchor, when the audit log is anchored, gives the latest signed
	// checkpoint of the chain, which every issued report prints.
	Anchor *audit.Anchor
}

// Service drafts, keeps and issues reports. Every method takes the acting
// user and checks their scope against the unit tree.
type Service struct {
	db         *db.DB
	org        *org.Service
	audit      *audit.Log
	people     *people.Service
	network    *network.Service
	plans      *plans.Service
	indicators *indicator.Service
	assess     *assess.Service
	anchor     *audit.Anchor
	catalog    *locale.Catalog
	now        func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, o *org.Service, log *audit.Log, src Sources, cat *locale.Catalog, now func() time.Time) *Service {
	return &Service{db: d, org: o, audit: log, people: src.People, network: src.Network, plans: src.Plans, indicators: src.Indicators,
		assess: src.Assess, anchor: src.Anchor, catalog: cat, now: now}
}

// vi is the printer of the documents: a report is written in Vietnamese
// whatever the language of its writer's screen.
func (s *Service) vi() *locale.Printer { return s.catalog.Printer("vi") }

func entry(action string, r *Report, before, after any) audit.Entry {
	return audit.Entry{Action: action, Entity: "periodic_report", EntityID: fmt.Sprint(r.ID), UnitID: r.UnitID, Before: before, After: after}
}

// writable checks that actor may draft and issue the reports of unit: a
// role that enters data, the unit in their scope and in force today.
func (s *Service) writable(ctx context.Context, actor *auth.Actor, unit int64, field string) (*org.Scoped, *org.Version, error) {
	if !actor.Can(auth.PermEnterData) {
		return nil, nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if !t.Exists(unit) {
		return nil, nil, errs.Invalidf("org.err.unknown_unit", "ID", unit).At(0, field)
	}
	if err := t.Check(unit); err != nil {
		return nil, nil, err
	}
	v := t.At(unit, s.org.Today())
	if v == nil {
		return nil, nil, errs.Invalidf("report.err.unit_ended", "Name", t.Latest(unit).Name).At(0, field)
	}
	return t, v, nil
}

// Create drafts a report of a kind for a unit and period, its prose
// written from the figures as of the period's end.
func (s *Service) Create(ctx context.Context, actor *auth.Actor, in Input) (*Report, error) {
	if in.Kind == "" {
		in.Kind = Review
	}
	var bad []*errs.Error
	if in.Kind != Review && in.Kind != Apparatus {
		bad = append(bad, errs.Invalidf("report.err.bad_value", "Value", string(in.Kind)).At(0, "kind"))
	}
	p, err := ParsePeriod(in.Period, in.Cutoff)
	if err != nil {
		e, _ := errs.As(err)
		bad = append(bad, e)
	} else if today := s.org.Today(); p.From.After(today) {
		bad = append(bad, errs.Invalidf("report.err.future", "Date", p.From.VN()).At(0, "period"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	t, v, err := s.writable(ctx, actor, in.UnitID, "unit_id")
	if err != nil {
		return nil, err
	}
	if in.Supersedes != 0 {
		old, err := s.load(ctx, s.db, in.Supersedes)
		if err != nil || old.UnitID != in.UnitID || old.Status != Issued {
			return nil, errs.Invalidf("report.err.supersede").At(0, "supersedes_id")
		}
	}
	f, err := s.gather(ctx, actor, in.UnitID, in.Kind, p)
	if err != nil {
		return nil, err
	}
	if !f.hasData() {
		return nil, errs.Invalidf("report.err.no_data", "Unit", v.Name, "Period", p.Label()).At(0, "period")
	}
	var parent, province *org.Version
	today := s.org.Today()
	if v.ParentID != 0 {
		parent = t.At(v.ParentID, today)
	}
	for _, a := range t.Ancestors(v.UnitID, today) {
		if a.Level == org.LevelProvince {
			province = a
		}
	}
	if v.Level == org.LevelProvince {
		province = v
	}
	now := s.now().UTC()
	r := &Report{UnitID: in.UnitID, UnitName: v.Name, Kind: in.Kind, Period: p, Title: defaultTitle(in.Kind, p), Status: Draft,
		Heading: defaultHeading(v, parent, province), Sections: defaultSections(in.Kind, v, f), Supersedes: in.Supersedes,
		CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now, Files: []FileInfo{}}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertReport(ctx, tx, r); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("report.create", r, nil, r))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// hasData reports whether the figures hold anything at all: a period
// before the unit or its predecessors existed, or before anything was
// recorded, has nothing to report.
func (f *Figures) hasData() bool {
	if a := f.Apparatus; a != nil && (a.Staffing.People > 0 || a.Staffing.Committees > 0 || a.Staffing.FocalUnits > 0) {
		return true
	}
	if n := f.Network; n != nil && (n.Total.Teams > 0 || n.Total.Suspended > 0) {
		return true
	}
	if p := f.Plans; p != nil && p.Total.Total > 0 {
		return true
	}
	if i := f.Indicators; i != nil {
		for _, r := range i.Rows {
			if r.Value != nil {
				return true
			}
		}
	}
	return f.Assessment != nil
}

func oneOrList(bad []*errs.Error) error {
	if len(bad) == 1 {
		return bad[0]
	}
	return errs.List("err.form", bad)
}

// readable returns a report the actor may read: its unit is in their scope.
func (s *Service) readable(ctx context.Context, actor *auth.Actor, id int64) (*Report, *org.Scoped, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.load(ctx, s.db, id)
	if err != nil {
		return nil, nil, err
	}
	if err := t.Check(r.UnitID); err != nil {
		return nil, nil, errs.NotFoundErr()
	}
	r.UnitName = unitName(t, r.UnitID, r.Period.To)
	return r, t, nil
}

func unitName(t *org.Scoped, id int64, d day.Day) string {
	if v := t.At(id, d); v != nil {
		return v.Name
	}
	if v := t.Latest(id); v != nil {
		return v.Name
	}
	return ""
}

// Get returns a report the actor may read.
func (s *Service) Get(ctx context.Context, actor *auth.Actor, id int64) (*Report, error) {
	r, _, err := s.readable(ctx, actor, id)
	return r, err
}

// View is a report as its page shows it: the document laid out, the
// fields its prose may name (live while a draft, frozen once issued), the
// problems of its prose, and for an issued report the figures that differ
// now from those it was issued with.
type View struct {
	Report   *Report       `json:"report"`
	Doc      *Doc          `json:"document"`
	Fields   []Field       `json:"fields"`
	Figures  *Figures      `json:"figures"`
	Problems []*errs.Error `json:"-"`
	Changes  []Change      `json:"changes"`
	Writable bool          `json:"writable"`
}

// Change is a figure of an issued report that differs now.
type Change struct {
	Label string `json:"label"`
	Then  string `json:"then"`
	Now   string `json:"now"`
}

// View lays out a report for its page, the API and the print view.
func (s *Service) View(ctx context.Context, actor *auth.Actor, id int64) (*View, error) {
	r, t, err := s.readable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	v := &View{Report: r, Changes: []Change{}}
	if !r.Frozen() {
		v.Writable = actor.Can(auth.PermEnterData) && t.At(r.UnitID, s.org.Today()) != nil
		if v.Figures, err = s.gather(ctx, actor, r.UnitID, r.Kind, r.Period); err != nil {
			return nil, err
		}
		v.Fields = fields(v.Figures, r, s.vi())
		doc, err := buildDoc(r, v.Figures, newFieldSet(v.Fields), s.vi(), draftFooter(v.Figures.AsOf))
		v.Doc = doc
		if err != nil {
			e, _ := errs.As(err)
			v.Problems = collect(nil, e)
		}
		return v, nil
	}
	if v.Figures, v.Doc, err = s.frozen(ctx, r.ID); err != nil {
		return nil, err
	}
	v.Fields = fields(v.Figures, r, s.vi())
	live, err := s.gather(ctx, actor, r.UnitID, r.Kind, r.Period)
	if err != nil {
		return nil, err
	}
	now := fields(live, r, s.vi())
	byKey := map[string]*Field{}
	for i := range now {
		byKey[now[i].Key] = &now[i]
	}
	for _, f := range v.Fields {
		n := byKey[f.Key]
		switch {
		case f.Key == "as_of":
		case n == nil:
			v.Changes = append(v.Changes, Change{Label: f.Label, Then: f.Text(), Now: "—"})
		case n.Text() != f.Text():
			v.Changes = append(v.Changes, Change{Label: f.Label, Then: f.Text(), Now: n.Text()})
		}
	}
	return v, nil
}

func draftFooter(asOf day.Day) string {
	return "DỰ THẢO – số liệu tạm tính đến ngày " + asOf.VN() + ", chưa ban hành."
}

// issueFooter is the line at the foot of every page of an issued report:
// the audit entry that recorded its issue, by number and hash. (A signed
// checkpoint of the audit chain, when the audit log has them, goes on the
// same line.)
func issueFooter(seq int64, hash string) string {
	return fmt.Sprintf("Ban hành trên mangluoi · Mục nhật ký phát hành số %d · SHA-256 %s", seq, hash)
}

// anchorLine is the signed checkpoint of the audit chain an issued report
// prints: a paper copy then vouches for the log up to that entry, and
// `mangluoi audit verify` with the public key checks it against the
// database whatever happened to the database since.
func anchorLine(c audit.Checkpoint, pub ed25519.PublicKey) string {
	return fmt.Sprintf("Điểm neo nhật ký kiểm toán đã ký số (Ed25519): mục số %d, mã băm %s, lúc %s, chữ ký %s; khóa công khai %s.",
		c.Seq, c.Hash, c.At.UTC().Format(time.RFC3339), c.Sig, base64.StdEncoding.EncodeToString(pub))
}

// Update changes a draft's title, heading and prose; an issued report
// never changes.
func (s *Service) Update(ctx context.Context, actor *auth.Actor, id int64, in Update) (*Report, error) {
	r, _, err := s.readable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writable(ctx, actor, r.UnitID, "unit_id"); err != nil {
		return nil, err
	}
	if r.Frozen() {
		return nil, errs.New(errs.Conflict, "report.err.frozen")
	}
	before := *r
	var bad []*errs.Error
	text := func(v string, max int, field string, multi bool) string {
		out, e := cleanText(v, max, field, multi)
		if e != nil {
			bad = append(bad, e)
		}
		return out
	}
	if in.Title != nil {
		if r.Title = text(*in.Title, MaxTitle, "report_title", false); r.Title == "" {
			bad = append(bad, errs.Invalidf("import.err.required").At(0, "report_title"))
		}
	}
	if h := in.Heading; h != nil {
		r.Heading = Heading{Parent: text(h.Parent, MaxTitle, "issuer_parent", false), Issuer: text(h.Issuer, MaxTitle, "issuer", true),
			Symbol: text(h.Symbol, 40, "symbol", false), Place: text(h.Place, 100, "report_place", false),
			Authority: text(h.Authority, MaxTitle, "authority", true), Position: text(h.Position, MaxTitle, "signer_position", false),
			Signer: text(h.Signer, 200, "signer", false), Recipients: text(h.Recipients, MaxSection, "recipients", true)}
		for _, req := range []struct{ v, field string }{{r.Heading.Issuer, "issuer"}, {r.Heading.Symbol, "symbol"}, {r.Heading.Place, "report_place"}} {
			if req.v == "" {
				bad = append(bad, errs.Invalidf("import.err.required").At(0, req.field))
			}
		}
		if strings.Count(r.Heading.Recipients, "\n") >= MaxLines {
			bad = append(bad, errs.Invalidf("report.err.too_many_lines", "Max", MaxLines).At(0, "recipients"))
		}
		if !validSymbol(r.Heading.Symbol) {
			bad = append(bad, errs.Invalidf("report.err.bad_symbol", "Value", r.Heading.Symbol).At(0, "symbol"))
		}
	}
	if in.Sections != nil {
		r.Sections = *in.Sections
		for _, sec := range r.Sections.each() {
			*sec.Text = text(*sec.Text, MaxSection, "section_"+sec.Key, true)
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if len(in.Pick) > 0 || in.Sections != nil {
		f, err := s.gather(ctx, actor, r.UnitID, r.Kind, r.Period)
		if err != nil {
			return nil, err
		}
		if len(in.Pick) > 0 {
			if err := pickProposals(r, f, in.Pick); err != nil {
				return nil, err
			}
		}
		// every {name} must be a field, so what is saved is what prints
		fs := newFieldSet(fields(f, r, s.vi()))
		var problems []*errs.Error
		for _, sec := range r.Sections.each() {
			_, err := fs.resolve(*sec.Text, "section_"+sec.Key)
			problems = collect(problems, err)
		}
		if len(problems) > 0 {
			return nil, oneOrList(problems)
		}
	}
	r.UpdatedAt = s.now().UTC()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE periodic_reports SET title = $1, heading_json = $2, sections_json = $3, updated_at = $4
			WHERE id = $5 AND status = $6`, r.Title, mustJSON(r.Heading), mustJSON(r.Sections), r.UpdatedAt, r.ID, Draft)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "report.err.frozen")
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("report.update", r, textOf(&before), textOf(r)))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// textOf is what the audit log keeps of a draft's change: its words.
func textOf(r *Report) any {
	return struct {
		Title    string   `json:"title"`
		Heading  Heading  `json:"heading"`
		Sections Sections `json:"sections"`
	}{r.Title, r.Heading, r.Sections}
}

// pickProposals adds the proposals of the chosen task reports to section
// IV, each once.
func pickProposals(r *Report, f *Figures, ids []int64) error {
	byID := map[int64]RemarkFig{}
	for _, m := range f.Remarks {
		byID[m.ReportID] = m
	}
	for _, id := range ids {
		m, ok := byID[id]
		if !ok || m.Proposals == "" {
			return errs.Invalidf("report.err.unknown_proposal", "ID", id).At(0, "pick_proposals")
		}
		line := "- " + m.Unit + ": " + oneLine(m.Proposals)
		if strings.Contains(r.Sections.Proposals, line) {
			continue
		}
		if r.Sections.Proposals != "" {
			r.Sections.Proposals += "\n"
		}
		r.Sections.Proposals += line
	}
	if n := len([]rune(r.Sections.Proposals)); n > MaxSection {
		return errs.Invalidf("report.err.too_long", "Count", n, "Max", MaxSection).At(0, "section_proposals")
	}
	return nil
}

// validSymbol: letters, digits, hyphens, slashes, & and dots, as "BC-UBND".
func validSymbol(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '/' || r == '&' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r > 127 && strings.ToUpper(string(r)) == string(r)) {
			return false
		}
	}
	return true
}

// MaxNumber bounds a document's number (an office registers a few
// thousand documents a year).
const MaxNumber = 99999

// Issue gives a draft its number, date and signer and freezes it: its
// figures and document are stored as they stand, its DOCX, PDF and XLSX
// written once and stored, and the hash of its content and of each file
// recorded in the audit log, in the same transaction. A report it
// supersedes is marked so (and stays as it was signed).
func (s *Service) Issue(ctx context.Context, actor *auth.Actor, id int64, in IssueInput) (*Report, error) {
	r, _, err := s.readable(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.writable(ctx, actor, r.UnitID, "unit_id"); err != nil {
		return nil, err
	}
	if r.Frozen() {
		return nil, errs.New(errs.Conflict, "report.err.frozen")
	}
	// what is issued is the draft as read now: a change saved meanwhile
	// makes the issue fail rather than be lost
	asRead := []any{r.Title, mustJSON(r.Heading), mustJSON(r.Sections)}
	var bad []*errs.Error
	today := s.org.Today()
	if in.Number < 1 || in.Number > MaxNumber {
		bad = append(bad, errs.Invalidf("report.err.bad_number", "Max", MaxNumber).At(0, "doc_number"))
	}
	switch {
	case in.Date.IsZero():
		bad = append(bad, errs.Invalidf("org.err.date_required").At(0, "issue_date"))
	case in.Date.After(today):
		bad = append(bad, errs.Invalidf("report.err.date_future", "Date", today.VN()).At(0, "issue_date"))
	case in.Date.Before(r.Period.From):
		bad = append(bad, errs.Invalidf("report.err.date_early", "Date", r.Period.From.VN()).At(0, "issue_date"))
	}
	signer, e := cleanText(in.Signer, 200, "signer", false)
	if e != nil {
		bad = append(bad, e)
	} else if signer == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "signer"))
	}
	position, authority := r.Heading.Position, r.Heading.Authority
	if in.Position != "" {
		if position, e = cleanText(in.Position, MaxTitle, "signer_position", false); e != nil {
			bad = append(bad, e)
		}
	}
	if in.Authority != "" {
		if authority, e = cleanText(in.Authority, MaxTitle, "authority", true); e != nil {
			bad = append(bad, e)
		}
	}
	if position == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "signer_position"))
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if err := s.numberFree(ctx, s.db, r.UnitID, in.Date.Year(), in.Number); err != nil {
		return nil, err
	}
	r.Number, r.IssuedOn, r.Heading.Signer, r.Heading.Position, r.Heading.Authority = in.Number, in.Date, signer, position, authority
	f, err := s.gather(ctx, actor, r.UnitID, r.Kind, r.Period)
	if err != nil {
		return nil, err
	}
	r.Status = Issued
	fs := newFieldSet(fields(f, r, s.vi()))
	doc, err := buildDoc(r, f, fs, s.vi(), "")
	if err != nil {
		return nil, err
	}
	if c, ok := s.anchor.Latest(); ok {
		doc.Blocks = append(doc.Blocks, Block{Kind: Note, Text: anchorLine(c, s.anchor.Public)})
	}
	content, err := json.Marshal(struct {
		Figures *Figures `json:"figures"`
		Doc     *Doc     `json:"document"`
	}{f, doc})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	r.ContentSHA256 = hex.EncodeToString(sum[:])
	var annex bytes.Buffer
	if err := writeAnnexes(&annex, r, f, s.vi()); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	r.IssuedBy, r.IssuedAt, r.UpdatedAt = actor.UserID, &now, now
	base := fileBase(r)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.numberFree(ctx, tx, r.UnitID, in.Date.Year(), in.Number); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE periodic_reports SET status = $1, number = $2, number_year = $3, issued_on = $4,
			heading_json = $5, content_sha256 = $6, figures_json = $7, issued_by = $8, issued_at = $9, updated_at = $10
			WHERE id = $11 AND status = $12 AND title = $13 AND heading_json = $14 AND sections_json = $15`,
			Issued, r.Number, r.IssuedOn.Year(), r.IssuedOn, mustJSON(r.Heading), r.ContentSHA256,
			mustJSON(f), nullID(actor.UserID), now, now, r.ID, Draft, asRead[0], asRead[1], asRead[2])
		if err != nil {
			return uniqueNumber(err, r)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "report.err.changed")
		}
		issued := struct {
			Number        string  `json:"number"`
			IssuedOn      day.Day `json:"issued_on"`
			Signer        string  `json:"signer"`
			Period        string  `json:"period"`
			ContentSHA256 string  `json:"content_sha256"`
		}{r.NumberText(), r.IssuedOn, r.Heading.Signer, r.Period.Key(), r.ContentSHA256}
		if err := s.audit.Write(ctx, tx, actor.Who(), entry("report.issue", r, nil, issued)); err != nil {
			return err
		}
		// the entry just written is the head: the files print it
		if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&r.AuditSeq, &r.AuditHash); err != nil {
			return err
		}
		doc.Footer = issueFooter(r.AuditSeq, r.AuditHash)
		var docx, pdf bytes.Buffer
		if err := writeDOCX(&docx, doc); err != nil {
			return err
		}
		if err := writePDF(&pdf, doc); err != nil {
			return err
		}
		r.Files = nil
		for _, fl := range []struct {
			kind string
			data []byte
		}{{FileDOCX, docx.Bytes()}, {FilePDF, pdf.Bytes()}, {FileXLSX, annex.Bytes()}} {
			info, err := insertFile(ctx, tx, r.ID, fl.kind, base, fl.data, now)
			if err != nil {
				return err
			}
			r.Files = append(r.Files, info)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE periodic_reports SET document_json = $1, audit_seq = $2, audit_hash = $3 WHERE id = $4`,
			mustJSON(doc), r.AuditSeq, r.AuditHash, r.ID); err != nil {
			return err
		}
		for _, d := range f.Plans.Docs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO periodic_report_plans (report_id, document_id) VALUES ($1, $2)`, r.ID, d.ID); err != nil {
				return err
			}
		}
		entries := []audit.Entry{entry("report.files", r, nil, struct {
			AuditSeq int64      `json:"issue_entry"`
			Files    []FileInfo `json:"files"`
		}{r.AuditSeq, r.Files})}
		if r.Supersedes != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE periodic_reports SET status = $1, superseded_by = $2 WHERE id = $3 AND status = $4`,
				Superseded, r.ID, r.Supersedes, Issued)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errs.Invalidf("report.err.supersede").At(0, "supersedes_id")
			}
			entries = append(entries, audit.Entry{Action: "report.supersede", Entity: "periodic_report", EntityID: fmt.Sprint(r.Supersedes),
				UnitID: r.UnitID, Before: map[string]any{"status": Issued}, After: map[string]any{"status": Superseded, "superseded_by": r.ID}})
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// numberFree refuses a number the unit has already given a report in the
// same year.
func (s *Service) numberFree(ctx context.Context, q db.Querier, unit int64, year, number int) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM periodic_reports WHERE unit_id = $1 AND number_year = $2 AND number = $3`,
		unit, year, number).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.New(errs.Conflict, "report.err.number_taken", "Number", number, "Year", year).At(0, "doc_number")
	}
	return nil
}

// uniqueNumber turns the unique index's refusal (two issues racing for one
// number) into the user's error.
func uniqueNumber(err error, r *Report) error {
	msg := strings.ToLower(err.Error())
	if strings.Contains(msg, "unique") || strings.Contains(msg, "duplicate") {
		return errs.New(errs.Conflict, "report.err.number_taken", "Number", r.Number, "Year", r.IssuedOn.Year()).At(0, "doc_number")
	}
	return err
}

// Discard deletes a draft.
func (s *Service) Discard(ctx context.Context, actor *auth.Actor, id int64) error {
	r, _, err := s.readable(ctx, actor, id)
	if err != nil {
		return err
	}
	if _, _, err := s.writable(ctx, actor, r.UnitID, "unit_id"); err != nil {
		return err
	}
	if r.Frozen() {
		return errs.New(errs.Conflict, "report.err.frozen")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM periodic_reports WHERE id = $1 AND status = $2`, id, Draft)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "report.err.frozen")
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("report.discard", r, textOf(r), nil))
	})
}

// Filter selects reports.
type Filter struct {
	UnitID int64  // the reports of this unit's subtree (default: the actor's scope)
	Kind   Kind   // "" any
	Period string // a period key, "" any
	Limit  int
}

// MaxList bounds a list of reports.
const MaxList = 500

// List lists the reports of units in the subtree of f.UnitID, newest
// period first.
func (s *Service) List(ctx context.Context, actor *auth.Actor, f Filter) ([]Report, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if f.UnitID == 0 {
		f.UnitID = actor.ScopeUnitID
	}
	if err := t.Check(f.UnitID); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > MaxList {
		f.Limit = MaxList
	}
	where, args := "1 = 1", []any{}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where += fmt.Sprintf(" AND kind = $%d", len(args))
	}
	if f.Period != "" {
		args = append(args, f.Period)
		where += fmt.Sprintf(" AND period_key = $%d", len(args))
	}
	all, err := s.query(ctx, s.db, where+" ORDER BY period_to DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	out := []Report{}
	for _, r := range all {
		if !t.Covers(f.UnitID, r.UnitID) {
			continue
		}
		r.UnitName = unitName(t, r.UnitID, r.Period.To)
		out = append(out, *r)
		if len(out) >= f.Limit {
			break
		}
	}
	return out, nil
}

// Chain is, for a period and kind, the units that report to unit and the
// report each has sent (issued), is writing (draft) or not.
func (s *Service) Chain(ctx context.Context, actor *auth.Actor, unit int64, kind Kind, period string) (*ReportingFigs, *Period, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, err
	}
	if unit == 0 {
		unit = actor.ScopeUnitID
	}
	if err := t.Check(unit); err != nil {
		return nil, nil, err
	}
	if kind == "" {
		kind = Review
	}
	if kind != Review && kind != Apparatus {
		return nil, nil, errs.Invalidf("report.err.bad_value", "Value", string(kind)).At(0, "kind")
	}
	p := LastHalf(s.org.Today())
	if period != "" {
		var err error
		if p, err = ParsePeriod(period, Calendar); err != nil {
			return nil, nil, err
		}
	}
	d := p.To
	if today := s.org.Today(); today.Before(d) {
		d = today
	}
	rf, err := s.lowerFigures(ctx, t, unit, kind, p, d)
	return rf, &p, err
}

// File is one of a report's files: the stored bytes of an issued report,
// or a draft written now (marked as a draft).
func (s *Service) File(ctx context.Context, actor *auth.Actor, id int64, kind string) (name, contentType string, data []byte, err error) {
	if ContentTypes[kind] == "" {
		return "", "", nil, errs.NotFoundErr()
	}
	r, _, err := s.readable(ctx, actor, id)
	if err != nil {
		return "", "", nil, err
	}
	if r.Frozen() {
		name, data, err := loadFile(ctx, s.db, id, kind)
		return name, ContentTypes[kind], data, err
	}
	v, err := s.View(ctx, actor, id)
	if err != nil {
		return "", "", nil, err
	}
	var buf bytes.Buffer
	switch kind {
	case FileDOCX:
		err = writeDOCX(&buf, v.Doc)
	case FilePDF:
		err = writePDF(&buf, v.Doc)
	case FileXLSX:
		err = writeAnnexes(&buf, r, v.Figures, s.vi())
	}
	if err != nil {
		return "", "", nil, err
	}
	return fileBase(r) + "-du-thao." + kind, ContentTypes[kind], buf.Bytes(), nil
}

// fileBase names a report's files: "bao-cao-125-BC-UBND-2026-H1".
func fileBase(r *Report) string {
	name := "bao-cao"
	if r.Number != 0 {
		name += "-" + strings.ReplaceAll(r.NumberText(), "/", "-")
	}
	key := strings.ReplaceAll(r.Period.Key(), "..", "-")
	if r.Kind == Apparatus {
		key = "1690-" + key
	}
	return locale.Fold(name + "-" + key)
}

// ReportsOn lists the issued reports that cover a plan, newest first.
func (s *Service) ReportsOn(ctx context.Context, actor *auth.Actor, planID int64) ([]Report, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	all, err := s.query(ctx, s.db, `id IN (SELECT report_id FROM periodic_report_plans WHERE document_id = $1) ORDER BY issued_on DESC, id DESC`, planID)
	if err != nil {
		return nil, err
	}
	out := []Report{}
	for _, r := range all {
		if t.InScope(r.UnitID) {
			r.UnitName = unitName(t, r.UnitID, r.Period.To)
			out = append(out, *r)
		}
	}
	return out, nil
}
