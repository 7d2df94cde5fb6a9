package indicator

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/enum"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/notify"
	"github.com/mangluoi/mangluoi/internal/org"
)

// Status is where a unit's report for a period stands.
type Status string

// The statuses. Submitted and approved reports are locked; a returned one
// is open again for its unit.
const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Approved  Status = "approved"
	Returned  Status = "returned"
)

// Enum lists the values for the API's document.
func (Status) Enum() []string { return enum.Of(Draft, Submitted, Approved, Returned) }

func (s Status) valueStatus() uint8 {
	switch s {
	case Submitted:
		return stSubmitted
	case Approved:
		return stApproved
	}
	return stDraft
}

// Locked reports whether values may not be changed.
func (s Status) Locked() bool { return s == Submitted || s == Approved }

// Submission is one unit's report of one form for one period.
type Submission struct {
	ID               int64      `json:"id"`
	FormID           int64      `json:"form_id"`
	UnitID           int64      `json:"unit_id"`
	Period           Period     `json:"period"`
	Status           Status     `json:"status"`
	FirstSubmittedAt *time.Time `json:"first_submitted_at,omitempty"`
	SubmittedAt      *time.Time `json:"submitted_at,omitempty"`
	SubmittedBy      int64      `json:"submitted_by,omitempty"`
	ReviewedAt       *time.Time `json:"reviewed_at,omitempty"`
	ReviewedBy       int64      `json:"reviewed_by,omitempty"`
	ReviewComment    string     `json:"review_comment,omitempty"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// OnTime reports whether the report was first submitted by the due date
// (the whole of that day, Vietnam time).
func (s *Submission) OnTime(due day.Day) bool {
	if s == nil || s.FirstSubmittedAt == nil {
		return false
	}
	return !day.FromTime(s.FirstSubmittedAt.In(locale.Zone)).After(due)
}

const submissionColumns = `id, form_id, unit_id, period, status, first_submitted_at, submitted_at, COALESCE(submitted_by, 0),
	reviewed_at, COALESCE(reviewed_by, 0), review_comment, updated_at`

func scanSubmission(row interface{ Scan(...any) error }) (*Submission, error) {
	s := &Submission{}
	var period string
	var first, sub, rev sql.NullTime
	err := row.Scan(&s.ID, &s.FormID, &s.UnitID, &period, &s.Status, &first, &sub, &s.SubmittedBy, &rev, &s.ReviewedBy, &s.ReviewComment, &s.UpdatedAt)
	if err != nil {
		return nil, err
	}
	s.Period, _ = ParsePeriod(period)
	for _, x := range []struct {
		n *sql.NullTime
		t **time.Time
	}{{&first, &s.FirstSubmittedAt}, {&sub, &s.SubmittedAt}, {&rev, &s.ReviewedAt}} {
		if x.n.Valid {
			t := x.n.Time
			*x.t = &t
		}
	}
	return s, nil
}

// Value is one stored value.
type Value struct {
	IndicatorID int64     `json:"indicator_id"`
	Code        string    `json:"code"`
	Value       *float64  `json:"value,omitempty"` // absent for a text
	Text        string    `json:"text,omitempty"`
	Comment     string    `json:"comment,omitempty"`
	Source      string    `json:"source"`
	UpdatedAt   time.Time `json:"updated_at"`
	UpdatedBy   int64     `json:"updated_by,omitempty"`
}

// unitValues reads a unit's stored values for a period, by indicator.
func unitValues(ctx context.Context, q db.Querier, unit int64, p Period) (map[int64]*Value, error) {
	cur, _, err := unitValuesOf(ctx, q, unit, p, nil)
	return cur, err
}

// unitValuesAndPrev reads a unit's stored values for a period and for the
// one before it (a form's rules compare them), in one statement.
func unitValuesAndPrev(ctx context.Context, q db.Querier, unit int64, p Period) (cur, prev map[int64]*Value, err error) {
	pp := p.Prev()
	return unitValuesOf(ctx, q, unit, p, &pp)
}

func unitValuesOf(ctx context.Context, q db.Querier, unit int64, p Period, prev *Period) (map[int64]*Value, map[int64]*Value, error) {
	query, args := `SELECT indicator_id, value, text_value, comment, source, updated_at, COALESCE(updated_by, 0), period
		FROM indicator_values WHERE unit_id = $1 AND period = $2`, []any{unit, p.Key()}
	if prev != nil {
		query, args = `SELECT indicator_id, value, text_value, comment, source, updated_at, COALESCE(updated_by, 0), period
		FROM indicator_values WHERE unit_id = $1 AND period IN ($2, $3)`, append(args, prev.Key())
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cur, before := map[int64]*Value{}, map[int64]*Value{}
	key := p.Key()
	for rows.Next() {
		v := &Value{}
		var n sql.NullFloat64
		var period string
		if err := rows.Scan(&v.IndicatorID, &n, &v.Text, &v.Comment, &v.Source, &v.UpdatedAt, &v.UpdatedBy, &period); err != nil {
			return nil, nil, err
		}
		if n.Valid {
			v.Value = &n.Float64
		}
		if period == key {
			cur[v.IndicatorID] = v
		} else {
			before[v.IndicatorID] = v
		}
	}
	return cur, before, rows.Err()
}

// Entry is a unit's form for a period as its page shows it.
type Entry struct {
	Form       *Form            `json:"form"`
	Unit       *org.Version     `json:"unit"`
	Period     Period           `json:"period"`
	Due        day.Day          `json:"due"`
	Submission *Submission      `json:"submission,omitempty"`
	Values     map[int64]*Value `json:"values"`
	Previous   map[int64]*Value `json:"previous"`
	Computed   map[int64]Figure `json:"computed"`
	Files      []files.File     `json:"files"`
	Reminders  []Reminder       `json:"reminders,omitempty"`
	// MeasuredChanges: the measured figures an approved report showed that
	// the registers no longer give ("số liệu đo đã thay đổi sau khi duyệt")
	MeasuredChanges []MeasuredChange `json:"measured_changes,omitempty"`
	Open            bool             `json:"open"`       // the period has begun
	Writable        bool             `json:"writable"`   // the actor may change values now
	Reviewable      bool             `json:"reviewable"` // the actor may approve, return or reopen
}

// Status is the report's status (draft when nothing is saved yet).
func (e *Entry) Status() Status {
	if e.Submission == nil {
		return Draft
	}
	return e.Submission.Status
}

// entryContext checks what every read or write of a unit's form needs: the
// form visible, the unit in scope, and expected to report in the period.
func (s *Service) entryContext(ctx context.Context, actor *auth.Actor, formID, unit int64, p Period) (*org.Scoped, *Form, *org.Version, error) {
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkUnit(t, unit, "unit_id"); err != nil {
		return nil, nil, nil, err
	}
	f, err := s.GetForm(ctx, actor, formID)
	if err != nil {
		return nil, nil, nil, err
	}
	if p.IsZero() {
		return nil, nil, nil, errs.Invalidf("indicator.err.bad_period", "Value", "").At(0, "period")
	}
	if p.Type != f.PeriodType {
		return nil, nil, nil, errs.Invalidf("indicator.err.period_type", "Value", p.Key(), "Type", string(f.PeriodType)).At(0, "period")
	}
	if !s.expects(t.Snapshot, f, p, unit) {
		name := t.Latest(unit).Name
		return nil, nil, nil, errs.Invalidf("indicator.err.not_assigned", "Unit", name, "Period", p.Label("vi")).At(0, "unit_id")
	}
	return t, f, t.At(unit, p.End()), nil
}

// GetEntry returns a unit's form for a period, with last period's values
// and what has been saved, submitted or reviewed.
func (s *Service) GetEntry(ctx context.Context, actor *auth.Actor, formID, unit int64, p Period) (*Entry, error) {
	t, f, v, err := s.entryContext(ctx, actor, formID, unit, p)
	if err != nil {
		return nil, err
	}
	e := &Entry{Form: f, Unit: v, Period: p, Due: f.Due(p), Open: !p.Start().After(s.org.Today())}
	if e.Submission, err = s.submission(ctx, s.db, f.ID, unit, p); err != nil {
		return nil, err
	}
	if e.Values, e.Previous, err = unitValuesAndPrev(ctx, s.db, unit, p); err != nil {
		return nil, err
	}
	e.Computed = map[int64]Figure{}
	for _, it := range f.Items {
		if it.IsMeasured() { // shown read-only: what the registers hold for the unit's subtree
			figs, _, err := s.Values(ctx, it.Code, p, []int64{unit}, AsItWas, BasisAll, day.Day{})
			if err != nil {
				return nil, err
			}
			e.Computed[it.ID] = figs[unit]
		}
	}
	for _, it := range f.Items {
		if it.Computed() && !it.IsMeasured() && it.formula != nil {
			v, ok := it.formula.Eval(func(code string) (float64, bool) {
				for _, x := range f.Items {
					if x.Code == code {
						if sv := e.Values[x.ID]; sv != nil && sv.Value != nil {
							return *sv.Value, true
						}
						if fig, ok := e.Computed[x.ID]; ok && fig.Has() {
							return fig.V(), true
						}
					}
				}
				return 0, false
			})
			e.Computed[it.ID] = figure(v, ok, 1)
		}
	}
	if e.Submission != nil {
		if e.Files, err = s.submissionFiles(ctx, e.Submission.ID); err != nil {
			return nil, err
		}
	}
	if e.Reminders, err = s.reminders(ctx, f.ID, unit, p); err != nil {
		return nil, err
	}
	if e.MeasuredChanges, err = s.measuredChanges(ctx, e.Submission); err != nil {
		return nil, err
	}
	e.Writable = e.Open && actor.Can(auth.PermEnterData) && !e.Status().Locked()
	e.Reviewable = mayDesign(actor) && t.InScope(unit) && (actor.ScopeUnitID != unit || actor.Role == auth.RoleAdmin)
	return e, nil
}

func (s *Service) submission(ctx context.Context, q db.Querier, form, unit int64, p Period) (*Submission, error) {
	sub, err := scanSubmission(q.QueryRowContext(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE form_id = $1 AND unit_id = $2 AND period = $3`,
		form, unit, p.Key()))
	if db.IsNoRows(err) {
		return nil, nil
	}
	return sub, err
}

func (s *Service) submissionFiles(ctx context.Context, sub int64) ([]files.File, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.name, f.content_type, f.size, f.unit_id, f.uploaded_at FROM submission_files sf
		JOIN files f ON f.id = sf.file_id WHERE sf.submission_id = $1 ORDER BY f.id`, sub)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []files.File
	for rows.Next() {
		var f files.File
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.UnitID, &f.UploadedAt); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ValueInput is one value as given: typed in a form or a file (read in
// the user's language), or sent by another system. An empty value clears
// it.
type ValueInput struct {
	Code    string `json:"code"`
	Raw     Flex   `json:"value"`
	Comment string `json:"comment,omitempty"`
	Row     int    `json:"-"` // the row of a spreadsheet, for errors
}

// Flex is a value sent as a JSON number, string, boolean or null, so a
// system can send 12, "12", true or null (to clear).
type Flex string

// UnmarshalJSON reads any of those.
func (f *Flex) UnmarshalJSON(b []byte) error {
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	switch y := x.(type) {
	case nil:
		*f = ""
	case float64:
		*f = Flex(strconv.FormatFloat(y, 'f', -1, 64))
	case bool:
		*f = Flex(map[bool]string{true: "yes", false: "no"}[y])
	case string:
		*f = Flex(y)
	default:
		return fmt.Errorf("a value is a number, a string, true/false or null")
	}
	return nil
}

var viThousands = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+$`)
var enThousands = regexp.MustCompile(`^-?\d{1,3}(,\d{3})+(\.\d+)?$`)

// ParseNumber reads a number as a person types it: in Vietnamese 1.234.567
// or 12,5; in English 1,234,567 or 12.5; lang "" is a machine's plain
// 1234567.5.
func ParseNumber(s, lang string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.TrimSuffix(s, "%")
	if s == "" {
		return 0, false
	}
	switch lang {
	case "vi":
		if strings.Contains(s, ",") {
			s = strings.ReplaceAll(s, ".", "")
			s = strings.Replace(s, ",", ".", 1)
		} else if viThousands.MatchString(s) {
			s = strings.ReplaceAll(s, ".", "")
		}
	case "en":
		if enThousands.MatchString(s) {
			s = strings.ReplaceAll(s, ",", "")
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseYesNo reads yes/no in either language.
func parseYesNo(s string) (float64, bool) {
	switch locale.Fold(strings.TrimSpace(s)) {
	case "1", "co", "yes", "true", "x", "y", "c", "dat", "đa co", "da co":
		return 1, true
	case "0", "khong", "no", "false", "n", "k", "chua", "chua co":
		return 0, true
	}
	return 0, false
}

// parsed is a checked value ready to store.
type parsed struct {
	ind     *Indicator
	clear   bool
	val     float64
	text    string
	comment string
	row     int
}

// parseValue checks one value's type and range.
func parseValue(ind *Indicator, in ValueInput, lang string) (parsed, *errs.Error) {
	p := parsed{ind: ind, comment: locale.CleanString(in.Comment), row: in.Row}
	raw := strings.TrimSpace(string(in.Raw))
	if len([]rune(p.comment)) > 1000 {
		return p, errs.Invalidf("indicator.err.too_long", "Max", 1000).At(in.Row, ind.Code)
	}
	if raw == "" {
		p.clear = true
		return p, nil
	}
	switch ind.Type {
	case Text:
		p.text = strings.TrimSpace(string(in.Raw))
		if len([]rune(p.text)) > 4000 {
			return p, errs.Invalidf("indicator.err.too_long", "Max", 4000).At(in.Row, ind.Code)
		}
		p.val = 1
		return p, nil
	case YesNo:
		v, ok := parseYesNo(raw)
		if !ok {
			return p, errs.Invalidf("indicator.err.not_yesno", "Value", raw).At(in.Row, ind.Code)
		}
		p.val = v
		return p, nil
	}
	v, ok := ParseNumber(raw, lang)
	if !ok {
		return p, errs.Invalidf("indicator.err.not_number", "Value", raw).At(in.Row, ind.Code)
	}
	if math.Abs(v) > 1e15 {
		return p, errs.Invalidf("indicator.err.too_big", "Value", raw).At(in.Row, ind.Code)
	}
	if ind.Decimals == 0 && ind.Type == Number && v != math.Trunc(v) {
		return p, errs.Invalidf("indicator.err.not_whole", "Value", raw).At(in.Row, ind.Code)
	}
	if ind.Min != nil && v < *ind.Min {
		return p, errs.Invalidf("indicator.err.below_min", "Value", raw, "Min", *ind.Min).At(in.Row, ind.Code)
	}
	if ind.Max != nil && v > *ind.Max {
		return p, errs.Invalidf("indicator.err.above_max", "Value", raw, "Max", *ind.Max).At(in.Row, ind.Code)
	}
	p.val = v
	return p, nil
}

// group is one unit's values for one form and period, as a write gives
// them.
type group struct {
	form   *Form
	unit   int64
	period Period
	values []ValueInput
	submit bool
}

// prepared is a checked group, ready to write.
type prepared struct {
	group
	sub    *Submission
	stored map[int64]*Value
	parsed []parsed
	// submitted: the values whose indicators have a register counterpart,
	// and those that differ from it beyond the tolerance (its reviewers
	// are told), see judgeSubmitted
	reported map[int64]float64
	beyond   []Difference
}

// prepare checks a group entirely, without writing: the unit may report,
// the period is open and not locked, every value has the right type and
// range, rules hold, and a value far from last period's carries a comment.
func (s *Service) prepare(ctx context.Context, actor *auth.Actor, t *org.Scoped, g group, lang string) (*prepared, []*errs.Error) {
	pr := &prepared{group: g}
	fail := func(e *errs.Error) (*prepared, []*errs.Error) { return nil, []*errs.Error{e} }
	if !actor.Can(auth.PermEnterData) {
		return fail(errs.ForbiddenErr())
	}
	if err := t.Check(g.unit); err != nil {
		e, _ := errs.As(err)
		return fail(e)
	}
	row := 0
	if len(g.values) > 0 {
		row = g.values[0].Row
	}
	if g.period.Start().After(s.org.Today()) {
		return fail(errs.Invalidf("indicator.err.period_not_open", "Period", g.period.Label(lang), "Date", g.period.Start().VN()).At(row, "period"))
	}
	if !s.expects(t.Snapshot, g.form, g.period, g.unit) {
		return fail(errs.Invalidf("indicator.err.not_assigned", "Unit", t.Latest(g.unit).Name, "Period", g.period.Label(lang)).At(row, "unit"))
	}
	var err error
	if pr.sub, err = s.submission(ctx, s.db, g.form.ID, g.unit, g.period); err != nil {
		return fail(errs.New(errs.Internal, "err.internal").Because(err))
	}
	if pr.sub != nil && pr.sub.Status.Locked() {
		return fail(errs.Invalidf("indicator.err.locked", "Status", string(pr.sub.Status)).At(row, "period"))
	}
	var prev map[int64]*Value
	if pr.stored, prev, err = unitValuesAndPrev(ctx, s.db, g.unit, g.period); err != nil {
		return fail(errs.New(errs.Internal, "err.internal").Because(err))
	}
	defs, err := s.definitions(ctx)
	if err != nil {
		return fail(errs.New(errs.Internal, "err.internal").Because(err))
	}
	var bad []*errs.Error
	given := map[string]parsed{}
	for _, in := range g.values {
		code := strings.ToUpper(strings.TrimSpace(in.Code))
		var ind *Indicator
		for _, it := range g.form.Items {
			if it.Code == code {
				ind = it
			}
		}
		switch {
		case defs.code(code) != nil && defs.code(code).IsMeasured():
			// in the form or not, a measured figure is the registers': say so
			if strings.TrimSpace(string(in.Raw)) != "" {
				bad = append(bad, errs.Invalidf("indicator.err.measured_typed", "Code", code).At(in.Row, code))
			}
			continue
		case ind == nil:
			bad = append(bad, errs.Invalidf("indicator.err.not_in_form", "Code", in.Code).At(in.Row, "code"))
			continue
		case ind.Computed():
			if strings.TrimSpace(string(in.Raw)) != "" {
				bad = append(bad, errs.Invalidf("indicator.err.computed", "Code", code).At(in.Row, code))
			}
			continue
		}
		p, e := parseValue(ind, in, lang)
		if e != nil {
			bad = append(bad, e)
			continue
		}
		given[code] = p
		pr.parsed = append(pr.parsed, p)
	}
	// the value a rule compares with: as given now, else as stored
	current := func(code string) (float64, bool) {
		if p, ok := given[code]; ok {
			return p.val, !p.clear
		}
		for _, it := range g.form.Items {
			if it.Code == code {
				if v := pr.stored[it.ID]; v != nil && v.Value != nil {
					return *v.Value, true
				}
			}
		}
		return 0, false
	}
	for _, p := range pr.parsed {
		if p.clear || p.ind.Type == Text {
			continue
		}
		if p.ind.NotAbove != "" {
			if lim, ok := current(p.ind.NotAbove); ok && p.val > lim {
				// the other indicator by its name, as the form shows it
				other := p.ind.NotAbove
				for _, it := range g.form.Items {
					if it.Code == other {
						other = it.Name(lang)
					}
				}
				bad = append(bad, errs.Invalidf("indicator.err.not_above", "Name", p.ind.Name(lang), "Other", other, "Limit", lim).At(p.row, p.ind.Code))
			}
		}
		old := pr.stored[p.ind.ID]
		changed := old == nil || old.Value == nil || *old.Value != p.val
		if pv := prev[p.ind.ID]; changed && p.ind.Jump > 0 && pv != nil && pv.Value != nil && p.comment == "" {
			if math.Abs(p.val-*pv.Value) > p.ind.Jump*math.Max(math.Abs(*pv.Value), 1) {
				bad = append(bad, errs.Invalidf("indicator.err.jump_comment", "Prev", *pv.Value, "Pct", math.Round(p.ind.Jump*100)).At(p.row, p.ind.Code))
			}
		}
	}
	if g.submit {
		for _, it := range g.form.Entered() {
			if it.Type == Text {
				continue
			}
			if _, ok := current(it.Code); !ok {
				bad = append(bad, errs.Invalidf("indicator.err.missing_on_submit", "Name", it.Name(lang)).At(row, it.Code))
			}
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	if g.submit { // the figures a register also holds, set beside it by judgeSubmitted
		pr.reported = map[int64]float64{}
		for _, it := range g.form.Items {
			if v, ok := current(it.Code); ok && it.Counterpart != "" {
				pr.reported[it.ID] = v
			}
		}
	}
	return pr, nil
}

// written is what a committed write changed, to patch the caches after.
type written struct {
	cells map[cellKey]int64 // new generation of each changed cell
	chg   map[cellKey][]change
}

func newWritten() *written {
	return &written{cells: map[cellKey]int64{}, chg: map[cellKey][]change{}}
}

func (w *written) note(ctx context.Context, tx *sql.Tx, k cellKey, c change) error {
	if _, ok := w.cells[k]; !ok {
		if len(w.cells) == 0 {
			if _, err := bump(ctx, tx, 0, valuesPeriod); err != nil {
				return err
			}
		}
		gen, err := bump(ctx, tx, k.ind, k.period)
		if err != nil {
			return err
		}
		w.cells[k] = gen
	}
	w.chg[k] = append(w.chg[k], c)
	return nil
}

// feedKeep is how many generations of a cell the change feed keeps: a
// server further behind than that reads the whole cell again.
const feedKeep = 64

// log writes the change feed of what w changed, inside the transaction
// that moved the cells' generations (call it last): for each cell, the
// units changed at its new generation. Another server patches its copy of
// the cell from these rows (engine.catchUp). Every feedKeep generations
// the cell's older rows are trimmed.
func (w *written) log(ctx context.Context, tx *sql.Tx) error {
	type row struct {
		k    cellKey
		gen  int64
		unit int64
	}
	var rows []row
	for k, gen := range w.cells {
		seen := map[int64]bool{}
		for _, c := range w.chg[k] {
			if !seen[c.unit] {
				seen[c.unit] = true
				rows = append(rows, row{k, gen, c.unit})
			}
		}
		if gen%feedKeep == 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM indicator_changes WHERE indicator_id = $1 AND period = $2 AND generation <= $3`,
				k.ind, k.period, gen-feedKeep); err != nil {
				return fmt.Errorf("trim change feed: %w", err)
			}
		}
	}
	const per = 200 // rows a statement (4 parameters each)
	for len(rows) > 0 {
		n := min(len(rows), per)
		var q strings.Builder
		q.WriteString(`INSERT INTO indicator_changes (indicator_id, period, generation, unit_id) VALUES `)
		args := make([]any, 0, 4*n)
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(",")
			}
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d)", 4*i+1, 4*i+2, 4*i+3, 4*i+4)
			args = append(args, r.k.ind, r.k.period, r.gen, r.unit)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("change feed: %w", err)
		}
		rows = rows[n:]
	}
	return nil
}

func (s *Service) apply(w *written) {
	for k, gen := range w.cells {
		s.eng.patch(k, gen, w.chg[k])
	}
}

type valueRecord struct {
	Indicator string   `json:"indicator"`
	Period    string   `json:"period"`
	Value     *float64 `json:"value,omitempty"`
	Text      string   `json:"text,omitempty"`
	Comment   string   `json:"comment,omitempty"`
}

// write stores a prepared group in tx: the changed values (each audited
// with its old and new value), the submission, and the new status.
func (s *Service) write(ctx context.Context, tx *sql.Tx, actor *auth.Actor, pr *prepared, source string, w *written) ([]audit.Entry, *Submission, error) {
	now := s.now().UTC()
	var entries []audit.Entry
	status := Draft
	if pr.sub != nil {
		status = pr.sub.Status
	}
	if pr.submit {
		status = Submitted
	}
	vst := status.valueStatus()
	for _, p := range pr.parsed {
		old := pr.stored[p.ind.ID]
		k := cellKey{p.ind.ID, pr.period.Key()}
		rec := func(v *Value) *valueRecord {
			if v == nil {
				return nil
			}
			return &valueRecord{Indicator: p.ind.Code, Period: pr.period.Key(), Value: v.Value, Text: v.Text, Comment: v.Comment}
		}
		id := fmt.Sprintf("%d/%s/%d", p.ind.ID, pr.period.Key(), pr.unit)
		if p.clear {
			if old == nil {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM indicator_values WHERE indicator_id = $1 AND period = $2 AND unit_id = $3`,
				p.ind.ID, pr.period.Key(), pr.unit); err != nil {
				return nil, nil, err
			}
			entries = append(entries, audit.Entry{Action: "indicator_value.clear", Entity: "indicator_value", EntityID: id, UnitID: pr.unit, Before: rec(old)})
			if err := w.note(ctx, tx, k, change{unit: pr.unit, deleted: true}); err != nil {
				return nil, nil, err
			}
			continue
		}
		nv := &Value{Text: p.text, Comment: p.comment}
		var stored any
		if p.ind.Type != Text {
			v := p.val
			nv.Value, stored = &v, v
		}
		if old != nil && sameValue(old, nv) {
			continue
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO indicator_values (indicator_id, period, unit_id, value, text_value, comment, status, source, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (indicator_id, period, unit_id) DO UPDATE SET value = excluded.value, text_value = excluded.text_value,
			comment = excluded.comment, status = excluded.status, source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			p.ind.ID, pr.period.Key(), pr.unit, stored, p.text, p.comment, int(vst), source, now, nullID(actor.UserID))
		if err != nil {
			return nil, nil, fmt.Errorf("store value: %w", err)
		}
		entries = append(entries, audit.Entry{Action: "indicator_value.set", Entity: "indicator_value", EntityID: id, UnitID: pr.unit,
			Before: rec(old), After: rec(nv)})
		if err := w.note(ctx, tx, k, change{unit: pr.unit, val: p.val, st: vst, at: now.Unix()}); err != nil {
			return nil, nil, err
		}
	}
	sub, e, err := s.setStatus(ctx, tx, actor, pr.form, pr.unit, pr.period, pr.sub, status, "", w)
	if err != nil {
		return nil, nil, err
	}
	if e != nil && status == Submitted {
		if err := s.notifyDiscrepancy(ctx, tx, pr.form, sub, pr.beyond, now); err != nil {
			return nil, nil, err
		}
	}
	if e != nil {
		entries = append(entries, *e)
	}
	return entries, sub, nil
}

func sameValue(a, b *Value) bool {
	if (a.Value == nil) != (b.Value == nil) || a.Value != nil && *a.Value != *b.Value {
		return false
	}
	return a.Text == b.Text && a.Comment == b.Comment
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// setStatus creates or moves a submission to status (audited), and when
// the status of its values changes, marks them and their cells. Its
// callers' transactions move the reports' generation first (movedReports).
func (s *Service) setStatus(ctx context.Context, tx *sql.Tx, actor *auth.Actor, f *Form, unit int64, p Period, old *Submission,
	status Status, comment string, w *written) (*Submission, *audit.Entry, error) {
	now := s.now().UTC()
	var sub Submission
	if old != nil {
		sub = *old
	} else {
		sub = Submission{FormID: f.ID, UnitID: unit, Period: p}
	}
	sub.Status, sub.UpdatedAt = status, now
	switch status {
	case Submitted:
		sub.SubmittedAt, sub.SubmittedBy = &now, actor.UserID
		if sub.FirstSubmittedAt == nil {
			sub.FirstSubmittedAt = &now
		}
	case Approved, Returned:
		sub.ReviewedAt, sub.ReviewedBy, sub.ReviewComment = &now, actor.UserID, comment
	}
	var err error
	if old == nil {
		err = tx.QueryRowContext(ctx, `INSERT INTO submissions (form_id, unit_id, period, status, first_submitted_at, submitted_at, submitted_by,
			reviewed_at, reviewed_by, review_comment, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			f.ID, unit, p.Key(), sub.Status, sub.FirstSubmittedAt, sub.SubmittedAt, nullID(sub.SubmittedBy), sub.ReviewedAt, nullID(sub.ReviewedBy),
			sub.ReviewComment, now).Scan(&sub.ID)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE submissions SET status = $1, first_submitted_at = $2, submitted_at = $3, submitted_by = $4,
			reviewed_at = $5, reviewed_by = $6, review_comment = $7, updated_at = $8 WHERE id = $9`,
			sub.Status, sub.FirstSubmittedAt, sub.SubmittedAt, nullID(sub.SubmittedBy), sub.ReviewedAt, nullID(sub.ReviewedBy), sub.ReviewComment, now, sub.ID)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("submission: %w", err)
	}
	oldStatus := Draft
	if old != nil {
		oldStatus = old.Status
	}
	var entry *audit.Entry
	if old == nil || old.Status != status {
		entry = &audit.Entry{Action: "submission." + string(status), Entity: "submission", EntityID: fmt.Sprint(sub.ID), UnitID: unit, After: sub}
		if old != nil {
			entry.Before = old
		}
	}
	if oldStatus.valueStatus() != status.valueStatus() {
		if err := s.markValues(ctx, tx, f, unit, p, status.valueStatus(), w); err != nil {
			return nil, nil, err
		}
	}
	if entry != nil {
		if err := s.notifyStatus(ctx, tx, f, old, &sub, now); err != nil {
			return nil, nil, err
		}
	}
	return &sub, entry, nil
}

// notifyStatus tells whoever must act on a submission's new status: its
// reviewers when it is submitted, its author when it is returned or
// approved (the unit's focal persons when nobody submitted it by name).
func (s *Service) notifyStatus(ctx context.Context, tx *sql.Tx, f *Form, old, sub *Submission, now time.Time) error {
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return err
	}
	n := reportNotice(snap, f, sub)
	n.Key = fmt.Sprintf("submission:%d:%s:%d", sub.ID, sub.Status, now.UnixNano())
	var users []int64
	switch sub.Status {
	case Submitted:
		n.Kind = notify.FormSubmitted
		users, err = notify.Reviewers(ctx, tx, snap, sub.UnitID)
	case Returned, Approved:
		n.Kind = map[Status]string{Returned: notify.FormReturned, Approved: notify.FormApproved}[sub.Status]
		if old != nil && old.SubmittedBy != 0 {
			users = []int64{old.SubmittedBy}
		} else {
			users, err = notify.UsersOf(ctx, tx, sub.UnitID, auth.RoleFocal)
		}
	default:
		return nil
	}
	if err != nil {
		return err
	}
	return notify.To(ctx, tx, now, users, n)
}

// notifyDiscrepancy tells a submitted report's reviewers that figures of
// it differ from their register counterparts beyond the tolerance, naming
// them: they will have to explain approving it.
func (s *Service) notifyDiscrepancy(ctx context.Context, tx *sql.Tx, f *Form, sub *Submission, beyond []Difference, now time.Time) error {
	if len(beyond) == 0 {
		return nil
	}
	snap, err := s.org.Snapshot(ctx)
	if err != nil {
		return err
	}
	var vi, en []string
	for _, d := range beyond {
		vi, en = append(vi, d.Indicator.Name("vi")), append(en, d.Indicator.Name("en"))
	}
	n := reportNotice(snap, f, sub)
	n.Kind = notify.Discrepancy
	n.SubjectVI += " · " + strings.Join(vi, ", ")
	n.SubjectEN += " · " + strings.Join(en, ", ")
	n.Key = fmt.Sprintf("discrepancy:%d:%d", sub.ID, now.UnixNano())
	users, err := notify.Reviewers(ctx, tx, snap, sub.UnitID)
	if err != nil {
		return err
	}
	return notify.To(ctx, tx, now, users, n)
}

// reportNotice is a notice about a report: the unit, form and period, and
// its page.
func reportNotice(snap *org.Snapshot, f *Form, sub *Submission) notify.Notice {
	unitName := ""
	if v := snap.At(sub.UnitID, sub.Period.End()); v != nil {
		unitName = v.Name
	} else if v := snap.Latest(sub.UnitID); v != nil {
		unitName = v.Name
	}
	return notify.Notice{SubjectVI: unitName + " · " + f.Name("vi") + " · " + sub.Period.Label("vi"),
		SubjectEN: unitName + " · " + f.Name("en") + " · " + sub.Period.Label("en"),
		Link:      fmt.Sprintf("/units/%d/forms/%d?period=%s", sub.UnitID, f.ID, sub.Period.Key()), Due: f.Due(sub.Period)}
}

// markValues sets the status of a report's values (they count in
// "approved only" totals once approved) and notes the cells as changed.
func (s *Service) markValues(ctx context.Context, tx *sql.Tx, f *Form, unit int64, p Period, st uint8, w *written) error {
	rows, err := tx.QueryContext(ctx, `SELECT indicator_id, COALESCE(value, 0), updated_at FROM indicator_values WHERE unit_id = $1 AND period = $2`, unit, p.Key())
	if err != nil {
		return err
	}
	type row struct {
		ind int64
		val float64
		at  time.Time
	}
	var mine []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ind, &r.val, &r.at); err != nil {
			rows.Close()
			return err
		}
		if f.has(r.ind) {
			mine = append(mine, r)
		}
	}
	rows.Close()
	for _, r := range mine {
		if _, err := tx.ExecContext(ctx, `UPDATE indicator_values SET status = $1 WHERE indicator_id = $2 AND period = $3 AND unit_id = $4`,
			int(st), r.ind, p.Key(), unit); err != nil {
			return err
		}
		// a value written earlier in this transaction is already noted
		k := cellKey{r.ind, p.Key()}
		replaced := false
		for i, c := range w.chg[k] {
			if c.unit == unit && !c.deleted {
				w.chg[k][i].st = st
				replaced = true
			}
		}
		if !replaced {
			if err := w.note(ctx, tx, k, change{unit: unit, val: r.val, st: st, at: r.at.Unix()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Upload is an evidence file sent with a report.
type Upload struct {
	Name string
	Body io.Reader
}

// EntryInput saves a unit's form for a period: values, evidence, and
// whether to submit it.
type EntryInput struct {
	Values []ValueInput `json:"values"`
	Submit bool         `json:"submit"`
}

// Save stores what a focal person typed for a unit, period and form:
// everything checked first, then written in one transaction; nothing is
// saved if anything is wrong.
func (s *Service) Save(ctx context.Context, actor *auth.Actor, formID, unit int64, p Period, in EntryInput, lang string, uploads []Upload) (*Submission, error) {
	t, f, _, err := s.entryContext(ctx, actor, formID, unit, p)
	if err != nil {
		return nil, err
	}
	pr, bad := s.prepare(ctx, actor, t, group{form: f, unit: unit, period: p, values: in.Values, submit: in.Submit}, lang)
	type checked struct {
		name, ct string
		data     []byte
	}
	var ups []checked
	for _, u := range uploads {
		data, ct, err := files.Check(u.Name, u.Body, files.Evidence)
		if err != nil {
			e, _ := errs.As(err)
			bad = append(bad, e.At(0, "evidence"))
			continue
		}
		ups = append(ups, checked{u.Name, ct, data})
	}
	if len(bad) > 0 {
		return nil, oneOrList(bad)
	}
	if err := s.judgeSubmitted(ctx, []*prepared{pr}); err != nil {
		return nil, err
	}
	w := newWritten()
	var sub *Submission
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := movedReports(ctx, tx); err != nil {
			return err
		}
		entries, got, err := s.write(ctx, tx, actor, pr, "form", w)
		if err != nil {
			return err
		}
		sub = got
		for _, u := range ups {
			file, err := s.files.SaveTx(ctx, tx, actor, unit, u.name, u.ct, u.data)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO submission_files (submission_id, file_id) VALUES ($1, $2)`, sub.ID, file.ID); err != nil {
				return err
			}
		}
		if err := w.log(ctx, tx); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), entries...)
	})
	if err != nil {
		return nil, err
	}
	s.apply(w)
	return sub, nil
}

// Review actions.
const (
	ActSubmit  = "submit"
	ActApprove = "approve"
	ActReturn  = "return"
	ActReopen  = "reopen"
)

// Act moves a submission: the unit submits a draft or returned report; the
// coordinator approves or returns a submitted one, or reopens an approved
// one (which unlocks it). Returning and reopening need a comment.
func (s *Service) Act(ctx context.Context, actor *auth.Actor, subID int64, action, comment string) (*Submission, error) {
	old, err := scanSubmission(s.db.QueryRowContext(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1`, subID))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	t, f, _, err := s.entryContext(ctx, actor, old.FormID, old.UnitID, old.Period)
	if err != nil {
		return nil, err
	}
	comment = locale.CleanString(comment)
	var next Status
	var beyond []Difference
	switch action {
	case ActSubmit:
		if !actor.Can(auth.PermEnterData) {
			return nil, errs.ForbiddenErr()
		}
		if old.Status.Locked() {
			return nil, errs.Invalidf("indicator.err.locked", "Status", string(old.Status)).At(0, "action")
		}
		pr, bad := s.prepare(ctx, actor, t, group{form: f, unit: old.UnitID, period: old.Period, submit: true}, "vi")
		if len(bad) > 0 {
			return nil, oneOrList(bad)
		}
		if err := s.judgeSubmitted(ctx, []*prepared{pr}); err != nil {
			return nil, err
		}
		beyond = pr.beyond
		next = Submitted
	case ActApprove, ActReturn, ActReopen:
		if !mayDesign(actor) || !t.InScope(old.UnitID) || (actor.ScopeUnitID == old.UnitID && actor.Role != auth.RoleAdmin) {
			return nil, errs.ForbiddenErr()
		}
		want := map[string]Status{ActApprove: Submitted, ActReturn: Submitted, ActReopen: Approved}[action]
		if old.Status != want {
			return nil, errs.Invalidf("indicator.err.bad_transition", "Status", string(old.Status), "Action", action).At(0, "action")
		}
		if action != ActApprove && comment == "" {
			return nil, errs.Invalidf("indicator.err.comment_required").At(0, "comment")
		}
		if action == ActApprove {
			// a figure that differs from its register needs the approver's word
			if err := s.checkDifferences(ctx, actor, old, comment); err != nil {
				return nil, err
			}
		}
		next = map[string]Status{ActApprove: Approved, ActReturn: Returned, ActReopen: Returned}[action]
	default:
		return nil, errs.Invalidf("indicator.err.bad_choice", "Value", action).At(0, "action")
	}
	// the measured figures the report shows as it is approved, kept to
	// flag it when a register change dated in the past moves them
	var shown map[int64]*float64
	if action == ActApprove {
		if shown, err = s.measuresShown(ctx, f, old.UnitID, old.Period); err != nil {
			return nil, err
		}
	}
	w := newWritten()
	var sub *Submission
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := movedReports(ctx, tx); err != nil { // with the kept figures
			return err
		}
		var e *audit.Entry
		var err error
		sub, e, err = s.setStatus(ctx, tx, actor, f, old.UnitID, old.Period, old, next, comment, w)
		if err != nil {
			return err
		}
		if action == ActSubmit {
			if err := s.notifyDiscrepancy(ctx, tx, f, sub, beyond, s.now()); err != nil {
				return err
			}
		}
		if action == ActApprove || action == ActReopen {
			if err := keepMeasures(ctx, tx, sub.ID, shown); err != nil {
				return err
			}
		}
		if action == ActReopen {
			e.Action = "submission.reopen"
		}
		if err := w.log(ctx, tx); err != nil {
			return err
		}
		return s.audit.Write(ctx, tx, actor.Who(), *e)
	})
	if err != nil {
		return nil, err
	}
	s.apply(w)
	return sub, nil
}

// GetSubmission returns a submission the actor may see.
func (s *Service) GetSubmission(ctx context.Context, actor *auth.Actor, id int64) (*Submission, error) {
	sub, err := scanSubmission(s.db.QueryRowContext(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFoundErr()
	}
	if err != nil {
		return nil, err
	}
	t, err := s.org.For(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := t.Check(sub.UnitID); err != nil {
		return nil, err
	}
	return sub, nil
}
