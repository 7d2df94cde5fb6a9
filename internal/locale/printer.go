package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/errs"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// Languages are the supported languages, the default first.
var Languages = []string{"vi", "en"}

// Catalog is the loaded message catalogue.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	keys       map[string]map[string]bool
	// plain keeps, per language, each catalogue message said without
	// data (Printer.T with no arguments): the same words every time, and
	// a page's shell and tables say dozens. Bound: the catalogue's keys.
	plain map[string]*sync.Map
	// simple are, by language, the messages made only of text and
	// {{.Name}} fields, cut at their fields: T fills them in without
	// executing a template (go-i18n's text/template, a reflective walk
	// for each message — 10 % of a rebuilt home).
	simple map[string]map[string][]segment
}

// segment is a simple message's literal text, then a field (none at the end).
type segment struct{ text, field string }

// parseSimple cuts a message made only of text and {{.Name}} fields; ok
// is false for any other (plurals, pipelines, functions, trim markers).
func parseSimple(msg string) (segs []segment, ok bool) {
	for {
		i := strings.Index(msg, "{{")
		if i < 0 {
			if strings.Contains(msg, "}}") {
				return nil, false
			}
			return append(segs, segment{text: msg}), true
		}
		j := strings.Index(msg[i:], "}}")
		if j < 0 {
			return nil, false
		}
		text, action := msg[:i], strings.TrimSpace(msg[i+2:i+j])
		if strings.Contains(text, "}}") || len(action) < 2 || action[0] != '.' {
			return nil, false
		}
		for k, c := range action[1:] {
			if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || k > 0 && '0' <= c && c <= '9') {
				return nil, false
			}
		}
		segs = append(segs, segment{text: text, field: action[1:]})
		msg = msg[i+j+2:]
	}
}

// LoadCatalog reads the embedded catalogue files. Each feature keeps its
// messages in files of its own, catalog/<area>.<lang>.json, so that work on
// one feature never edits another's file; a key defined twice is an error.
func LoadCatalog() (*Catalog, error) {
	b := i18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}, keys: map[string]map[string]bool{}, plain: map[string]*sync.Map{},
		simple: map[string]map[string][]segment{}}
	for _, lang := range Languages {
		names, err := fs.Glob(catalogFS, "catalog/*."+lang+".json")
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("catalogue: no files for %s", lang)
		}
		c.keys[lang] = map[string]bool{}
		c.simple[lang] = map[string][]segment{}
		for _, name := range names {
			data, err := catalogFS.ReadFile(name)
			if err != nil {
				return nil, err
			}
			// a message is a string, or plural forms {"one": …, "other": …}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(data, &m); err != nil {
				return nil, fmt.Errorf("catalogue %s: %w", name, err)
			}
			for k, raw := range m {
				if c.keys[lang][k] {
					return nil, fmt.Errorf("catalogue %s: %q is defined in another file too", name, k)
				}
				c.keys[lang][k] = true
				var msg string
				if json.Unmarshal(raw, &msg) == nil {
					if segs, ok := parseSimple(msg); ok {
						c.simple[lang][k] = segs
					}
				}
			}
			if _, err := b.ParseMessageFileBytes(data, path.Base(name)); err != nil {
				return nil, fmt.Errorf("catalogue %s: %w", name, err)
			}
		}
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
		c.plain[lang] = &sync.Map{}
	}
	return c, nil
}

// MustLoadCatalog panics if the embedded catalogue is broken (a build error).
func MustLoadCatalog() *Catalog {
	c, err := LoadCatalog()
	if err != nil {
		panic(err)
	}
	return c
}

// Keys lists the message keys of a language.
func (c *Catalog) Keys(lang string) map[string]bool { return c.keys[lang] }

// Printer speaks one language: messages, numbers and dates.
type Printer struct {
	Lang string
	l    *i18n.Localizer
	cat  *Catalog
}

// Printer returns the printer for lang, falling back to Vietnamese.
func (c *Catalog) Printer(lang string) *Printer {
	l, ok := c.localizers[lang]
	if !ok {
		lang, l = "vi", c.localizers["vi"]
	}
	return &Printer{Lang: lang, l: l, cat: c}
}

// Match picks a supported language from an Accept-Language header or a
// stored preference; Vietnamese unless English is asked for.
func Match(pref string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(pref)), "en") {
		return "en"
	}
	return "vi"
}

// T translates key with data given as alternating name, value pairs. A
// missing key shows itself, so a gap in the catalogue is visible, not blank.
func (p *Printer) T(key string, kv ...any) string {
	if len(kv) == 0 {
		return p.plain(key)
	}
	if s, ok := p.fill(key, kv); ok {
		return s
	}
	var data map[string]any
	if len(kv) > 0 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return p.TData(key, data)
}

// fill is T for a simple message whose fields kv gives as strings or
// integers (as text/template prints them); ok is false for any other.
func (p *Printer) fill(key string, kv []any) (string, bool) {
	if p.cat == nil {
		return "", false
	}
	segs, ok := p.cat.simple[p.Lang][key]
	if !ok {
		return "", false
	}
	var buf [256]byte
	b := buf[:0]
	for _, sg := range segs {
		b = append(b, sg.text...)
		if sg.field == "" {
			continue
		}
		at := -1 // the last value given for the field, as T's map keeps it
		for i := 0; i+1 < len(kv); i += 2 {
			if k, _ := kv[i].(string); k == sg.field {
				at = i + 1
			}
		}
		if at < 0 {
			return "", false
		}
		switch v := kv[at].(type) {
		case string:
			b = append(b, v...)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		default:
			return "", false
		}
	}
	return string(b), true
}

// plain is T without data, kept for a key the catalogue has.
func (p *Printer) plain(key string) string {
	var m *sync.Map
	if p.cat != nil {
		m = p.cat.plain[p.Lang]
	}
	if m == nil {
		return p.TData(key, nil)
	}
	if s, ok := m.Load(key); ok {
		return s.(string)
	}
	s := p.TData(key, nil)
	if p.cat.keys[p.Lang][key] {
		m.Store(key, s)
	}
	return s
}

// N translates a message that depends on a count (English "1 agency",
// "2 agencies"; Vietnamese has one form), with the count formatted as Count.
func (p *Printer) N(key string, n int, kv ...any) string {
	data := map[string]any{"Count": p.Int(n)}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	s, err := p.l.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data, PluralCount: n})
	if err != nil {
		// a message with a single form (all Vietnamese ones) has no "one"
		return p.TData(key, data)
	}
	return s
}

// TData translates key with a data map. An argument that is itself an
// *errs.Error (the reason an outer error gives) is said in this language
// too, and an errs.Count in this language's number format.
func (p *Printer) TData(key string, data map[string]any) string {
	for k, v := range data {
		switch v := v.(type) {
		case *errs.Error:
			data = maps.Clone(data)
			data[k] = p.Err(v)
		case errs.Count:
			data = maps.Clone(data)
			data[k] = p.Num(int64(v))
		}
	}
	s, err := p.l.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return key
	}
	return s
}

// Err says an error in this language: the catalogue message, prefixed with
// the row and field where the problem is. Errors that are not ours become a
// generic message, so internals never reach the user.
func (p *Printer) Err(err error) string {
	e, ok := errs.As(err)
	if !ok {
		return p.T("err.internal")
	}
	msg := p.TData(e.Key, e.Args)
	field := e.Field
	if p.cat.keys[p.Lang]["field."+field] {
		field = p.T("field." + field)
	}
	if e.File != "" {
		msg = p.T("err.in_file", "File", e.File) + p.located(e.Row, field, msg)
		return msg
	}
	return p.located(e.Row, field, msg)
}

// located prefixes a message with its row and field.
func (p *Printer) located(row int, field, msg string) string {
	switch {
	case row > 0 && field != "":
		return p.T("err.at_row_field", "Row", row, "Field", field) + msg
	case row > 0:
		return p.T("err.at_row", "Row", row) + msg
	case field != "":
		return p.T("err.at_field", "Field", field) + msg
	}
	return msg
}

// Errs lists the details of an error (every bad row), or the error itself.
func (p *Printer) Errs(err error) []string {
	e, ok := errs.As(err)
	if !ok || len(e.Details) == 0 {
		return []string{p.Err(err)}
	}
	out := make([]string, len(e.Details))
	for i, d := range e.Details {
		out[i] = p.Err(d)
	}
	return out
}

func (p *Printer) seps() (thousands, decimal string) {
	if p.Lang == "en" {
		return ",", "."
	}
	return ".", ","
}

// Num formats an integer: 1.234.567 in Vietnamese, 1,234,567 in English.
func (p *Printer) Num(n int64) string {
	th, _ := p.seps()
	return group(strconv.FormatInt(n, 10), th)
}

// Int is Num for int.
func (p *Printer) Int(n int) string { return p.Num(int64(n)) }

// Dec formats a number with a fixed count of decimals: 1.234,5.
func (p *Printer) Dec(f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	th, dec := p.seps()
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	out := group(intPart, th)
	if frac != "" {
		out += dec + frac
	}
	return out
}

// Pct formats a ratio 0..1 as a percentage with one decimal: 87,4 %.
func (p *Printer) Pct(ratio float64) string {
	if p.Lang == "en" {
		return p.Dec(ratio*100, 1) + "%"
	}
	return p.Dec(ratio*100, 1) + " %"
}

func group(digits, sep string) string {
	neg := strings.HasPrefix(digits, "-")
	if neg {
		digits = digits[1:]
	}
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Date formats a calendar date: 01/07/2025 in both languages (the
// Vietnamese order is also what British English readers expect), and
// "—" for an open end.
func (p *Printer) Date(d day.Day) string {
	if d.IsZero() || d.IsForever() {
		return "—"
	}
	return d.VN()
}

// DateTime formats an instant in Vietnam's time zone (UTC+7, no DST).
func (p *Printer) DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(Zone).Format("15:04 02/01/2006")
}

// Zone is Vietnam's time zone. A fixed offset, because Vietnam has no DST
// and a minimal machine may have no tz database.
var Zone = time.FixedZone("ICT", 7*3600)
