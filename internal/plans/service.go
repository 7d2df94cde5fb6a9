package plans

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Service keeps documents, plans, tasks and progress. Every method takes
// the acting user and checks their scope against the unit tree.
type Service struct {
	db    *db.DB
	org   *org.Service
	audit *audit.Log
	files *files.Store
	now   func() time.Time

	mail     Mailer
	catalog  *locale.Catalog
	memo     *memo      // every task, as of the plans' generation
	sums     *summaries // the national lists and summaries, by date and scope
	measured *measured  // the measured counts of the current generation
	lists    *listings  // the scopes' to-do lists, patched across writes
}

// NewService makes the service.
func NewService(d *db.DB, o *org.Service, log *audit.Log, f *files.Store, now func() time.Time) *Service {
	d.Follow(plansGeneration, `SELECT generation FROM plans_state WHERE id = 1`)
	return &Service{db: d, org: o, audit: log, files: f, now: now, memo: &memo{}, measured: &measured{}, sums: &summaries{m: map[summaryKey]any{}},
		lists: &listings{m: map[listKey]*listing{}}}
}

// Today is the current date in Vietnam, by the service's clock.
func (s *Service) Today() day.Day { return day.FromTime(s.now().In(locale.Zone)) }

// WithClock is the service on another clock: the demo uses it to record a
// plan's history at the dates it happened.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.now = now
	return &c
}

func entry(action, entity string, id, unit int64, before, after any) audit.Entry {
	return audit.Entry{Action: action, Entity: entity, EntityID: fmt.Sprint(id), UnitID: unit, Before: before, After: after}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullDay(d day.Day) any {
	if d.IsZero() {
		return nil
	}
	return d
}

func oneOrList(bad []*errs.Error) error {
	if len(bad) == 1 {
		return bad[0]
	}
	return errs.List("err.form", bad)
}

// mayManage reports whether the actor may build and review plans: the
// coordinators (and administrators) who keep the tree.
func mayManage(a *auth.Actor) bool { return a.Can(auth.PermEditTree) }

// access is what a reader may see of a document: all of it (its owner is in
// their scope), or only the tasks of their own units (the document comes
// from above them, or gives their units tasks).
type access struct {
	tree *org.Scoped
	doc  *Document
	full bool
}

// sees reports whether a task is visible to the reader.
func (a *access) sees(t *Task) bool { return a.seesUnits(t.LeadUnitID, t.SupportIDs) }

// seesRec is sees for a kept task.
func (a *access) seesRec(r *taskRec) bool { return a.seesUnits(r.LeadUnitID, r.SupportIDs) }

func (a *access) seesUnits(lead int64, supports []int64) bool {
	if a.full {
		return true
	}
	if a.tree.InScope(lead) {
		return true
	}
	for _, u := range supports {
		if a.tree.InScope(u) {
			return true
		}
	}
	return false
}

// manageable reports whether the reader may change the document.
func (a *access) manageable() bool { return a.full && mayManage(a.tree.Actor) }

const docColumns = `id, number, doc_type, title, issuer, signer, issued_on, effective_on, fields, COALESCE(parent_id, 0),
	COALESCE(file_id, 0), owner_unit_id, starts_on, ends_on, created_at, updated_at`

func scanDoc(row interface{ Scan(...any) error }) (*Document, error) {
	d := &Document{}
	err := row.Scan(&d.ID, &d.Number, &d.Type, &d.Title, &d.Issuer, &d.Signer, &d.IssuedOn, &d.EffectiveOn, &d.Fields, &d.ParentID,
		&d.FileID, &d.OwnerUnitID, &d.StartsOn, &d.EndsOn, &d.CreatedAt, &d.UpdatedAt)
	return d, err
}

func (s *Service) doc(ctx context.Context, q db.Querier, id int64) (*Document, error) {
	d, err := scanDoc(q.QueryRowContext(ctx, `SELECT `+docColumns+` FROM plan_documents WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	return d, err
}

// open checks that the actor may read document id and says how much.
func (s *Service) open(ctx context.Context, actor *auth.Actor, id int64) (*access, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	d, err := s.doc(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	a := &access{tree: t, doc: d}
	if t.InScope(d.OwnerUnitID) {
		a.full = true
		return a, nil
	}
	if fromAbove(t, d.OwnerUnitID) {
		return a, nil // a document from above the reader applies to them
	}
	ok, err := s.givesTasks(ctx, t, d.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.ForbiddenErr()
	}
	return a, nil
}

// fromAbove reports whether a document's owner is above the reader: a
// unit the reader's unit lies (or lay) under, or a unit such a unit was
// formed from. Phường Pleiku, under the new Gia Lai, reads old Gia Lai's
// 687/KH-UBND, which it carries out; it may not change it.
func fromAbove(t *org.Scoped, owner int64) bool {
	if t.Covers(owner, t.Actor.ScopeUnitID) {
		return true
	}
	seen := map[int64]bool{}
	var formedFrom func(id int64) bool
	formedFrom = func(id int64) bool {
		if id == owner {
			return true
		}
		if seen[id] {
			return false
		}
		seen[id] = true
		for _, l := range t.Predecessors(id) {
			if formedFrom(l.PredecessorID) {
				return true
			}
		}
		return false
	}
	for _, v := range t.History(t.Actor.ScopeUnitID) {
		for _, a := range t.Ancestors(v.UnitID, v.From) {
			if formedFrom(a.UnitID) {
				return true
			}
		}
	}
	return false
}

// givesTasks reports whether a document gives any unit of the reader's
// scope a task, as lead or supporting unit.
func (s *Service) givesTasks(ctx context.Context, t *org.Scoped, docID int64) (bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT lead_unit_id FROM plan_tasks WHERE document_id = $1
		UNION SELECT u.unit_id FROM plan_task_units u JOIN plan_tasks t ON t.id = u.task_id WHERE t.document_id = $1`, docID)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return false, err
		}
		if t.InScope(u) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// manage checks that the actor may change document id.
func (s *Service) manage(ctx context.Context, actor *auth.Actor, id int64) (*access, error) {
	if !mayManage(actor) {
		return nil, errs.ForbiddenErr()
	}
	a, err := s.open(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !a.manageable() {
		return nil, errs.ForbiddenErr()
	}
	return a, nil
}

// DocumentInput registers or changes a document.
type DocumentInput struct {
	Number      string  `json:"number"`
	Type        DocType `json:"type"`
	Title       string  `json:"title"`
	Issuer      string  `json:"issuer"`
	Signer      string  `json:"signer"`
	IssuedOn    day.Day `json:"issued_on"`
	EffectiveOn day.Day `json:"effective_on"`
	Fields      string  `json:"fields"`
	ParentID    int64   `json:"implements_id,omitempty"`
	OwnerUnitID int64   `json:"owner_unit_id"`
	StartsOn    day.Day `json:"starts_on"` // the plan's period; the issue date and 31/12 of its year by default
	EndsOn      day.Day `json:"ends_on"`
	File        *Upload `json:"-"`
}

func (in *DocumentInput) validate() []*errs.Error {
	in.Number = locale.CleanString(in.Number)
	in.Title = locale.CleanString(in.Title)
	in.Issuer = locale.CleanString(in.Issuer)
	in.Signer = locale.CleanString(in.Signer)
	in.Fields = locale.CleanString(in.Fields)
	var bad []*errs.Error
	if in.Number == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "number"))
	} else if len([]rune(in.Number)) > 60 {
		bad = append(bad, errs.Invalidf("plans.err.too_long", "Max", 60).At(0, "number"))
	}
	if in.Title == "" {
		bad = append(bad, errs.Invalidf("import.err.required").At(0, "title"))
	}
	if in.Type == "" {
		in.Type = DocPlan
	}
	if !oneOf(in.Type, DocTypes) {
		bad = append(bad, errs.Invalidf("plans.err.bad_value", "Value", string(in.Type)).At(0, "type"))
	}
	if in.IssuedOn.IsZero() {
		bad = append(bad, errs.Invalidf("org.err.date_required").At(0, "issued_on"))
		return bad
	}
	if in.EffectiveOn.IsZero() {
		in.EffectiveOn = in.IssuedOn
	}
	if in.EffectiveOn.Before(in.IssuedOn) {
		bad = append(bad, errs.Invalidf("plans.err.before_issue", "Date", in.IssuedOn.VN()).At(0, "effective_on"))
	}
	if in.StartsOn.IsZero() {
		in.StartsOn = in.EffectiveOn
	}
	if in.EndsOn.IsZero() {
		in.EndsOn = day.Of(in.StartsOn.Year(), 12, 31)
	}
	if in.EndsOn.Before(in.StartsOn) {
		bad = append(bad, errs.Invalidf("plans.err.ends_before_start").At(0, "ends_on"))
	}
	if in.EndsOn.Year()-in.StartsOn.Year() > 30 {
		bad = append(bad, errs.Invalidf("plans.err.period_too_long").At(0, "ends_on"))
	}
	return bad
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if v == x {
			return true
		}
	}
	return false
}

// CreateDocument registers a document of a unit in the actor's scope, with
// its file if given.
func (s *Service) CreateDocument(ctx context.Context, actor *auth.Actor, in DocumentInput) (*Document, error) {
	if !mayManage(actor) {
		return nil, errs.ForbiddenErr()
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if in.OwnerUnitID == 0 {
		in.OwnerUnitID = actor.ScopeUnitID
	}
	bad := in.validate()
	if !t.Exists(in.OwnerUnitID) {
		bad = append(bad, errs.Invalidf("org.err.unknown_unit", "ID", in.OwnerUnitID).At(0, "owner_unit_id"))
	} else if err := t.Check(in.OwnerUnitID); err != nil {
		return nil, err
	}
	if in.ParentID != 0 {
		if _, err := s.open(ctx, actor, in.ParentID); err != nil {
			bad = append(bad, errs.Invalidf("plans.err.unknown_document", "ID", in.ParentID).At(0, "implements_id"))
		}
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	var data []byte
	var ctype string
	if in.File != nil {
		if data, ctype, err = files.Check(in.File.Name, in.File.Body, files.Evidence); err != nil {
			if e, ok := errs.As(err); ok {
				e.Field = "file"
			}
			return nil, err
		}
	}
	now := s.now().UTC()
	d := &Document{Number: in.Number, Type: in.Type, Title: in.Title, Issuer: in.Issuer, Signer: in.Signer, IssuedOn: in.IssuedOn,
		EffectiveOn: in.EffectiveOn, Fields: in.Fields, ParentID: in.ParentID, OwnerUnitID: in.OwnerUnitID, StartsOn: in.StartsOn,
		EndsOn: in.EndsOn, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_documents WHERE number_folded = $1 AND issued_on = $2`,
			locale.Fold(d.Number), d.IssuedOn).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.New(errs.Conflict, "plans.err.duplicate_document", "Number", d.Number, "Date", d.IssuedOn.VN()).At(0, "number")
		}
		if data != nil {
			f, err := s.files.SaveTx(ctx, tx, actor, d.OwnerUnitID, in.File.Name, ctype, data)
			if err != nil {
				return err
			}
			d.FileID = f.ID
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO plan_documents (number, number_folded, doc_type, title, title_folded, issuer, signer,
			issued_on, effective_on, fields, parent_id, file_id, owner_unit_id, starts_on, ends_on, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
			d.Number, locale.Fold(d.Number), d.Type, d.Title, locale.Fold(d.Title), d.Issuer, d.Signer, d.IssuedOn, d.EffectiveOn,
			d.Fields, nullID(d.ParentID), nullID(d.FileID), d.OwnerUnitID, d.StartsOn, d.EndsOn, nullID(actor.UserID), now, now).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("insert document: %w", err)
		}
		return s.audit.Write(ctx, tx, actor.Who(), entry("document.create", "document", d.ID, d.OwnerUnitID, nil, d))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DocRow is a document in a list, with its task counts on a date.
type DocRow struct {
	Document
	OwnerName string `json:"owner_name"`
	Counts    Counts `json:"counts"`
	Depth     int    `json:"depth"` // in the chain of documents shown
	Full      bool   `json:"full"`  // the reader sees every task
}

// ListDocuments lists the documents the actor may read, as a chain: each
// document under the one it implements, with its task counts on d (only
// the reader's own tasks for documents from elsewhere).
func (s *Service) ListDocuments(ctx context.Context, actor *auth.Actor, d day.Day) ([]DocRow, error) {
	v, err := s.summary(ctx, actor, "documents", d, func() (any, error) { return s.listDocuments(ctx, actor, d) })
	if err != nil {
		return nil, err
	}
	return append([]DocRow(nil), v.([]DocRow)...), nil // the caller's own slice
}

func (s *Service) listDocuments(ctx context.Context, actor *auth.Actor, d day.Day) ([]DocRow, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	// a document the reader sees whole belongs to a unit of their scope,
	// so its tasks are all among their scope's
	tasks, err := s.tasksOf(ctx, t, actor.ScopeUnitID)
	if err != nil {
		return nil, err
	}
	return s.listDocs(ctx, t, d, tasks, nil)
}

// listDocs lists the documents t's reader may see; tasks are the tasks of
// the reader's scope (tasksOf), which give them documents from elsewhere
// and are counted.
// sts are the tasks' states on d when the caller has them (nil: derived).
func (s *Service) listDocs(ctx context.Context, t *org.Scoped, d day.Day, tasks []*taskRec, sts []TaskState) ([]DocRow, error) {
	k, err := s.keptFor(ctx, t, t.Actor.ScopeUnitID) // every document, whichever copy
	if err != nil {
		return nil, err
	}
	giving := docsGivingTasks(tasks)
	visible := visibleDocs(t, k.docs, func(id int64) bool { return giving[id] }) // held with the tasks, under the same generation
	counts := countsByDocument(t, tasks, sts, d)
	for i := range visible {
		c := counts[visible[i].ID]
		if c == nil {
			continue
		}
		if visible[i].Full {
			visible[i].Counts = c.all
		} else {
			visible[i].Counts = c.mine
		}
	}
	return chain(visible), nil
}

// visibleDocs are the documents of all t's reader may see: those of their
// scope's units (Full), from above them, and those giving their units
// tasks; their counts not filled.
func visibleDocs(t *org.Scoped, all []*Document, giving func(id int64) bool) []DocRow {
	var visible []DocRow
	above := map[int64]bool{}
	owners := map[int64]bool{} // t.InScope of each owner (a walk of paths each time)
	for _, doc := range all {
		full, ok := owners[doc.OwnerUnitID]
		if !ok {
			full = t.InScope(doc.OwnerUnitID)
			owners[doc.OwnerUnitID] = full
		}
		up, ok := above[doc.OwnerUnitID]
		if !ok && !full {
			up = fromAbove(t, doc.OwnerUnitID)
			above[doc.OwnerUnitID] = up
		}
		if !full && !up && !giving(doc.ID) {
			continue
		}
		r := DocRow{Document: *doc, Full: full}
		if v := t.Latest(doc.OwnerUnitID); v != nil {
			r.OwnerName = v.Name
		}
		visible = append(visible, r)
	}
	return visible
}

// docsGivingTasks are the documents of tasks, the tasks of a scope's
// units as lead or supporting unit (every document for the whole country).
func docsGivingTasks(tasks []*taskRec) map[int64]bool {
	out := map[int64]bool{}
	for _, tk := range tasks {
		out[tk.DocumentID] = true
	}
	return out
}

// chain orders documents parent first, children under it.
func chain(docs []DocRow) []DocRow {
	byParent := map[int64][]DocRow{}
	ids := map[int64]bool{}
	for _, d := range docs {
		ids[d.ID] = true
	}
	for _, d := range docs {
		p := d.ParentID
		if !ids[p] {
			p = 0
		}
		byParent[p] = append(byParent[p], d)
	}
	var out []DocRow
	var walk func(p int64, depth int)
	walk = func(p int64, depth int) {
		for _, d := range byParent[p] {
			d.Depth = depth
			out = append(out, d)
			if depth < 10 {
				walk(d.ID, depth+1)
			}
		}
	}
	walk(0, 0)
	return out
}

type docCounts struct{ all, mine Counts }

// countsByDocument derives every task's status on d (or takes it from
// sts), counted per document: all of them, and those of the reader's units.
func countsByDocument(t *org.Scoped, tasks []*taskRec, sts []TaskState, d day.Day) map[int64]*docCounts {
	// only the counts by plan are asked: bumped straight, not through a
	// Tally (by unit and up the groups too, four maps a task)
	all, mine := map[int64]*Counts{}, map[int64]*Counts{}
	scope := map[int64]bool{} // t.InScope of each unit met (a walk of paths each time)
	inScope := func(u int64) bool {
		in, ok := scope[u]
		if !ok {
			in = t.InScope(u)
			scope[u] = in
		}
		return in
	}
	for i, tk := range tasks {
		var st TaskState
		if sts != nil {
			st = sts[i]
		} else {
			st = tk.stateBare(d)
		}
		bump(all, tk.DocumentID, st)
		in := inScope(tk.LeadUnitID)
		for _, u := range tk.SupportIDs {
			in = in || inScope(u)
		}
		if in {
			bump(mine, tk.DocumentID, st)
			continue
		}
		for _, k := range tk.kids { // the reader's parts of a class task from above
			if inScope(k.LeadUnitID) {
				bump(mine, k.DocumentID, k.stateBare(d))
			}
		}
	}
	out := make(map[int64]*docCounts, len(all))
	for id, c := range all {
		dc := &docCounts{all: *c}
		if m := mine[id]; m != nil {
			dc.mine = *m
		}
		out[id] = dc
	}
	return out
}
