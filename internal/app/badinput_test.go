package app_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/day"
)

// A mutation is a broken request: a name for the failure message and the
// raw body (or request) to send.
type mutation struct {
	name string
	req  request
	raw  *string // a raw JSON body, instead of req.json
}

func rawBody(name, body string) mutation { return mutation{name: name, raw: &body} }

// TestBadInput: no broken request, to the API or a form, ever gets a 5xx
// or writes anything.
func TestBadInput(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		t.Run("api", func(t *testing.T) { apiBadInput(t, s) })
		t.Run("forms", func(t *testing.T) { formBadInput(t, s) })
	})
}

// apiBadInput: every changing API route answers broken requests —
// empty or invalid JSON, wrong types, unknown fields, huge numbers,
// unknown ids, impossible dates — with a 4xx JSON error, in Vietnamese by
// default and in English when asked, and writes nothing.
func apiBadInput(t *testing.T, s *apptest.Server) {
	f := freshTarget(t, s)
	f.makeAll()
	admin := s.TokenClient(t, "admin")
	english := s.TokenClient(t, "admin")
	english.Header = http.Header{"Accept-Language": {"en"}}
	for _, r := range writeRoutes(s) {
		key := routeKey(r)
		if !isAPI(r) || r.Method == http.MethodDelete {
			continue
		}
		t.Run(key, func(t *testing.T) {
			build, ok := writes[key]
			if !ok {
				t.Fatalf("no request body for %s in writes", key)
			}
			path, err := f.fill(r.Pattern)
			if err != nil {
				t.Fatal(err)
			}
			base := build(f)
			var muts []mutation
			switch {
			case r.Doc == nil:
				t.Fatalf("%s has no OpenAPI description", key)
			case r.Doc.Request != nil:
				muts = jsonMutations(base.json.(obj), reflect.TypeOf(r.Doc.Request))
			case len(r.Doc.Multipart) > 0:
				muts = uploadMutations(t, base, optionalUploads[key])
			} // else the route reads no body
			for _, m := range muts {
				checkBadAPI(t, s, admin, english, r.Method, path, m)
			}
			// a good body for a record that is not there
			for _, id := range []string{"987654321", "abc", "-1", "0", "99999999999999999999"} {
				if bad := fillAll(r.Pattern, id); bad != path {
					checkBadAPI(t, s, admin, english, r.Method, bad, mutation{name: "the record " + id, req: base})
				}
			}
		})
	}
}

// fillAll puts id into every path parameter of a pattern.
func fillAll(pattern, id string) string {
	return regexp.MustCompile(`\{[a-zA-Z_]+\}`).ReplaceAllString(pattern, id)
}

// optionalUploads are upload routes whose every part is optional.
var optionalUploads = map[string]bool{"POST /api/v1/enrolments/{id}/complete": true}

// checkBadAPI sends a broken request in both languages and checks the
// error answers.
func checkBadAPI(t *testing.T, s *apptest.Server, vi, en *apptest.Client, method, path string, m mutation) {
	t.Helper()
	var messages [2]string
	for i, c := range []*apptest.Client{vi, en} {
		auditBefore := s.AuditLen(t)
		var resp *http.Response
		var body []byte
		if m.raw != nil {
			resp, body = c.Do(method, path, "application/json", strings.NewReader(*m.raw))
		} else {
			resp, body = send(t, c, method, path, m.req)
		}
		what := fmt.Sprintf("%s %s, %s", method, path, m.name)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("%s: status %d, want 4xx: %.300s", what, resp.StatusCode, body)
		}
		if n := s.AuditLen(t); n != auditBefore {
			t.Errorf("%s: status %d, and the audit log grew by %d", what, resp.StatusCode, n-auditBefore)
		}
		var e api.ErrorBody
		if err := json.Unmarshal(body, &e); err != nil || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: not a JSON error (%v): %.300s", what, err, body)
			continue
		}
		if e.Error.Status != resp.StatusCode || e.Error.Code == "" || e.Error.Message == "" {
			t.Errorf("%s: incomplete error %+v for status %d", what, e.Error, resp.StatusCode)
		}
		messages[i] = e.Error.Message
	}
	if messages[0] == "" || messages[1] == "" {
		return
	}
	if !vietnamese(messages[0]) {
		t.Errorf("%s %s, %s: the default message is not Vietnamese: %q", method, path, m.name, messages[0])
	}
	if vietnamese(unquoted(messages[1])) || messages[1] == messages[0] {
		t.Errorf("%s %s, %s: asked for English, got %q", method, path, m.name, messages[1])
	}
}

// vietnamese reports whether s has a letter with Vietnamese diacritics.
func vietnamese(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII && unicode.Is(unicode.Latin, r) {
			return true
		}
	}
	return false
}

// unquoted drops the quoted parts of a message: the values the user sent,
// which are shown as they were.
func unquoted(s string) string {
	return regexp.MustCompile(`“[^”]*”|«[^»]*»|"[^"]*"|'[^']*'`).ReplaceAllString(s, "")
}

// jsonField is a field of a request body as encoding/json sees it.
type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists a struct's JSON fields, embedded structs flattened.
func jsonFields(t reflect.Type) []jsonField {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "-" {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(day.Day{}) {
			out = append(out, jsonFields(sf.Type)...)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, jsonField{name, sf.Type})
	}
	return out
}

var dayType = reflect.TypeOf(day.Day{})

// badValues are values a field cannot take: of the wrong type (which no
// decoding accepts), and, for a field the request uses, out of range or
// naming no record.
func badValues(f jsonField, used bool) map[string]any {
	t := f.typ
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	v := map[string]any{}
	switch {
	case t == dayType:
		v = map[string]any{"month 13": "2025-13-45", "words": "hôm qua", "a number": 20250101, "an object": obj{}}
	case t.Kind() == reflect.String:
		v = map[string]any{"a number": 12345, "a list": []any{"x"}, "an object": obj{"x": 1}}
	case t.Kind() == reflect.Bool:
		v = map[string]any{"a string": "có", "a number": 1}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		v = map[string]any{"a string": "mười", "a fraction": 1.5, "too big": json.Number("99999999999999999999999"), "huge": json.Number("1e400")}
		if used && (strings.HasSuffix(f.name, "_id") || f.name == "id") {
			v["an unknown id"] = 987654321
			v["a negative id"] = -7
		}
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		v = map[string]any{"a string": "nhiều", "huge": json.Number("1e400")}
		if used {
			v["enormous"] = 1e300
			v["very negative"] = -1e300
		}
	case t.Kind() == reflect.Slice:
		v = map[string]any{"a string": "x", "an object": obj{}}
		if t.Elem().Kind() == reflect.Int64 {
			v["a string item"] = []any{"x"}
			if used {
				v["an unknown id"] = []any{987654321}
			}
		}
	case t.Kind() == reflect.Struct:
		v = map[string]any{"a string": "x", "a list": []any{}}
	}
	return v
}

// jsonMutations breaks a valid JSON body in every way, field by field.
func jsonMutations(base obj, typ reflect.Type) []mutation {
	good, _ := json.Marshal(base)
	muts := []mutation{
		rawBody("an empty body", ""),
		rawBody("cut-off JSON", string(good[:len(good)/2])),
		rawBody("not JSON", "tên=Phường Mới"),
		rawBody("a list", "[]"),
		rawBody("a string", `"Phường Mới"`),
		rawBody("a second value after the first", string(good)+` {}`),
		rawBody("invalid UTF-8", "{\"name\": \"\xff\xfe\"}"),
		rawBody("a huge body", `{"name": "`+strings.Repeat("x", api.MaxBody)+`"}`),
	}
	with := func(name string, change func(o obj)) {
		o := maps.Clone(base)
		change(o)
		b, _ := json.Marshal(o)
		muts = append(muts, rawBody(name, string(b)))
	}
	with("an unknown field", func(o obj) { o["chu_y"] = "không có trường này" })
	for _, fld := range jsonFields(typ) {
		_, used := base[fld.name]
		bad := badValues(fld, used)
		for _, what := range slices.Sorted(maps.Keys(bad)) {
			with(fld.name+" is "+what, func(o obj) { o[fld.name] = bad[what] })
		}
		// the items of a list of objects (the parts of a split)
		if items, ok := base[fld.name].([]any); ok && len(items) > 0 && fld.typ.Kind() == reflect.Slice {
			if item, ok := items[0].(obj); ok {
				for _, sub := range jsonFields(fld.typ.Elem()) {
					_, used := item[sub.name]
					bad := badValues(sub, used)
					for _, what := range slices.Sorted(maps.Keys(bad)) {
						with(fld.name+"[0]."+sub.name+" is "+what, func(o obj) {
							it := maps.Clone(item)
							it[sub.name] = bad[what]
							o[fld.name] = []any{it}
						})
					}
				}
			}
		}
	}
	return muts
}

// uploadMutations breaks a multipart upload: no file, a file that is not
// a sheet, dates that are not dates.
func uploadMutations(t testing.TB, base request, optional bool) []mutation {
	var muts []mutation
	add := func(name string, r request) { muts = append(muts, mutation{name: name, req: r}) }
	if !optional {
		add("no parts at all", request{parts: url.Values{}, query: base.query})
		noFile := base
		noFile.files = nil
		noFile.parts = url.Values{"x": {"y"}}
		add("no file", noFile)
	}
	add("not multipart", request{form: url.Values{"x": {"y"}}, query: base.query})
	for field := range base.files {
		garbage := base
		garbage.files = maps.Clone(base.files)
		garbage.files[field] = file{base.files[field].name, []byte("\x00\x01\x02 không phải bảng tính \xff")}
		add(field+" is garbage", garbage)
		renamed := base
		renamed.files = maps.Clone(base.files)
		renamed.files[field] = file{"chuong-trinh.exe", []byte("MZ\x90\x00")}
		add(field+" is a program", renamed)
	}
	for _, d := range []string{"hôm qua", "2025-13-45"} {
		if bad := base.withDates(d); !bad.same(t, base) {
			add("dates are "+d, bad)
		}
	}
	return muts
}

// looseFields are form fields where a value that is not an id, a date or
// a number is no mistake: those that only say which page to show after
// the change (the unit page a role form was on), where an id that names
// nothing leads to a missing page, and check boxes whose value does not
// matter. Keyed by route and field.
var looseFields = map[string]bool{
	"POST /roles/{id}/end unit_id": true, "POST /roles/{id}/fill unit_id": true, "POST /committees/{id}/members unit_id": true,
	"POST /committee-members/{id}/end unit_id": true, "POST /enrolments/{id} course_id": true,
	"POST /reports/{id}/review task_id": true, "POST /plans/{id}/confirm inc_0": true,
}

// formBadInput: a form sent with values that are not dates, ids or
// numbers where it needs them is shown again with the errors (422), never
// a 500, and changes nothing.
func formBadInput(t *testing.T, s *apptest.Server) {
	f := freshTarget(t, s)
	f.makeAll()
	admin := s.SessionFor(t, s.User(t, "admin"))
	isDate := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	isNumber := regexp.MustCompile(`^-?\d+(\.\d+)?$`)
	for _, r := range writeRoutes(s) {
		key := routeKey(r)
		if isAPI(r) || publicRoutes[key] || ownWrites[key] {
			continue
		}
		t.Run(key, func(t *testing.T) {
			build, ok := writes[key]
			if !ok {
				t.Fatalf("no request body for %s in writes", key)
			}
			path, err := f.fill(r.Pattern)
			if err != nil {
				t.Fatal(err)
			}
			base := build(f)
			fields := base.form
			if fields == nil {
				fields = base.parts
			}
			var tried int
			for _, name := range slices.Sorted(maps.Keys(fields)) {
				value := fields.Get(name)
				var bad []string
				switch {
				case isDate.MatchString(value):
					bad = []string{"abc", "32/13/2025", "hôm qua"}
				case strings.HasSuffix(name, "_id"):
					bad = []string{"xyz", "-5", "1.5"}
					if !looseFields[key+" "+name] {
						bad = append(bad, "987654321")
					}
				case isNumber.MatchString(value) && !strings.Contains(name, "code") && !looseFields[key+" "+name]:
					bad = []string{"nhiều", "1e400", "--1"}
				}
				for _, v := range bad {
					tried++
					req := base
					if base.form != nil {
						req.form = url.Values(maps.Clone(base.form))
						req.form.Set(name, v)
					} else {
						req.parts = url.Values(maps.Clone(base.parts))
						req.parts.Set(name, v)
					}
					auditBefore := s.AuditLen(t)
					resp, body := send(t, admin, r.Method, path, req)
					if resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
						t.Errorf("%s %s with %s=%q: status %d (%s), want a 422 page: %.300s", r.Method, path, name, v,
							resp.StatusCode, resp.Header.Get("Content-Type"), body)
					}
					if n := s.AuditLen(t); n != auditBefore {
						t.Errorf("%s %s with %s=%q: the audit log grew by %d", r.Method, path, name, v, n-auditBefore)
					}
				}
			}
			if tried == 0 && len(fields) > 0 {
				t.Logf("%s: no date, id or number field to break", key)
			}
			// a good form for a record that is not there
			for _, id := range []string{"987654321", "abc", "-1", "99999999999999999999"} {
				bad := fillAll(r.Pattern, id)
				if bad == path {
					continue
				}
				auditBefore := s.AuditLen(t)
				resp, body := send(t, admin, r.Method, bad, base)
				if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s %s: status %d (%s), want a 4xx page: %.300s", r.Method, bad, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
				if n := s.AuditLen(t); n != auditBefore {
					t.Errorf("%s %s: the audit log grew by %d", r.Method, bad, n-auditBefore)
				}
			}
		})
	}
}
