package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/audit"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/org"
)

type auditPage struct {
	Page
	Records []audit.Record
	Units   map[int64]*org.Version
	Older   int64 // seq to page back from, 0 if no more
	fields  map[string]bool
	nameOf  func(code string) string
}

// change is one field an audited action changed, in words.
type change struct{ Field, Before, After string }

// Changes lists what a record changed, field by field, in the page's
// language: a field by its label, a value as a person reads it (yes/no,
// a list, an indicator by its name), only the fields that differ. The
// stored JSON stays what it is, for the API and the hash chain.
func (p *auditPage) Changes(rec audit.Record) []change {
	var before, after map[string]any
	json.Unmarshal(rec.Before, &before)
	json.Unmarshal(rec.After, &after)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []change
	for k := range keys {
		b, a := p.value(before[k]), p.value(after[k])
		if b == a {
			continue
		}
		out = append(out, change{Field: p.label(k), Before: b, After: a})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// label is a field's name: its catalogue label, else its key in words.
func (p *auditPage) label(key string) string {
	if p.fields["field."+key] {
		return p.L.T("field." + key)
	}
	return strings.ReplaceAll(key, "_", " ")
}

// value writes a stored value as words.
func (p *auditPage) value(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		if v {
			return p.L.T("audit.yes")
		}
		return p.L.T("audit.no")
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return p.L.Dec(v, 2)
	case string:
		if p.nameOf == nil {
			return v
		}
		// a code alone, or in a formula: the indicator's name in its place
		return indicatorCode.ReplaceAllStringFunc(v, func(code string) string {
			if name := p.nameOf(code); name != code {
				return "«" + name + "»"
			}
			return code
		})
	case []any:
		parts := make([]string, 0, len(v))
		for _, x := range v {
			parts = append(parts, p.value(x))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(v))
		for _, k := range keys {
			if s := p.value(v[k]); s != "" {
				parts = append(parts, p.label(k)+": "+s)
			}
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}

// indicatorCode is what an indicator code looks like (HS_ONLINE_RATE):
// such a word is shown by the indicator's name when there is one.
var indicatorCode = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b`)

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	if !p.Actor.Can(auth.PermReadAudit) {
		s.fail(w, r, errs.ForbiddenErr())
		return
	}
	snap, err := s.Org.Snapshot(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	q, err := (&org.Scoped{Snapshot: snap, Actor: p.Actor}).AuditQuery(unit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.BeforeSeq, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	ap := &auditPage{Page: p, Units: map[int64]*org.Version{}, fields: s.Catalog.Keys(p.L.Lang)}
	ctx := r.Context()
	ap.nameOf = func(code string) string {
		if i, err := s.Indicators.ByCode(ctx, p.Actor, code); err == nil {
			return i.Name(p.L.Lang)
		}
		return code
	}
	ap.Title, ap.Nav = p.L.T("audit.title"), "audit"
	ap.Records, err = audit.List(r.Context(), s.DB, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rec := range ap.Records {
		if rec.UnitID != 0 {
			ap.Units[rec.UnitID] = snap.Latest(rec.UnitID)
		}
	}
	if len(ap.Records) == q.Limit {
		ap.Older = ap.Records[len(ap.Records)-1].Seq
	}
	s.render(w, r, "audit", http.StatusOK, ap)
}
