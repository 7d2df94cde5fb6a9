package api

import (
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// Register adds the API's routes, and the OpenAPI document that describes
// them, to the router.
func (a *API) Register(r *httpx.Router) {
	a.router = r
	a.registerUnits()
	a.registerUsers()
	a.registerPeople()
	a.registerNetwork()
	a.registerPlans()
	a.registerIndicators()
	a.registerAssess()
	a.registerReports()
	a.registerHome()
	r.Handle("GET", Prefix+"/openapi.json", httpx.Public, nil, nil, a.openAPI, a.fail)
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, OpenAPI(a.router.Routes(), a.Version))
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

// Tags says what each tag of the document is about; a route's Doc.Tag must
// be one of them (a test checks), so that a generated client's groups and
// the reference's sections each come with a sentence.
var Tags = []struct{ Name, Description string }{
	{"units", "The dated unit tree: provinces, communes, villages, agencies and committees as of any date, with their history and lineage across reorganisations."},
	{"restructuring", "Changes to the unit tree from a date, each with its legal basis: establish, rename, move, dissolve, split and merge."},
	{"imports", "Lists uploaded as CSV or XLSX files; a file applies whole or not at all, and its errors name the row, the field and the reason."},
	{"accounts", "Who you are, the accounts of your scope, and the API tokens that let other systems act as you."},
	{"audit", "The append-only, hash-chained log of every change: who, when, what, before and after."},
	{"people", "The digital-transformation staff of each unit, their postings and their qualifications."},
	{"apparatus", "Each unit's DX roles, steering committee and focal points, as of a date."},
	{"training", "Courses, enrolments and completions of the DX staff."},
	{"compliance", "Whether each unit has the staff, committee and training the rules require, against the targets set for it."},
	{"files", "Stored files (certificates, photos, documents) that a record refers to."},
	{"network", "Community digital-technology teams, their members, activities and partner organisations, and the coverage of villages."},
	{"plans", "DX plans and their tasks, parsed from the issued document, with the province's dashboard."},
	{"tasks", "Tasks assigned to units, their progress reports, contributions, reviews and deadlines."},
	{"indicators", "Indicators and their figures: measured from the registers, reported and approved by units, or pushed by other systems, each with its completeness."},
	{"assessment", "DTI assessment frameworks, rounds, scores, rankings and the official results to compare with."},
	{"home", "Your first screen by role: a leader's state of the scope, a coordinator's work for today, a focal person's to-do."},
	{"periodic reports", "The periodic DX report: drafted from live figures, issued and then frozen, downloadable as DOCX, PDF and XLSX."},
	{"reports", "Progress reports on tasks and their review."},
}

// Version of the OpenAPI specification the document follows: 3.0 is what
// the common generators read best.
const openAPIVersion = "3.0.3"

// The answers every operation may give besides its success, in one error
// schema; declared once under components/responses.
var errorResponses = []struct {
	Status      int
	Description string
}{
	{http.StatusUnauthorized, "No valid session cookie or API token."},
	{http.StatusForbidden, "The caller's role or scope does not allow this."},
	{http.StatusNotFound, "No such record in the caller's scope."},
	{http.StatusConflict, "The record changed meanwhile, or the change contradicts what is recorded."},
	{http.StatusUnprocessableEntity, "The request is invalid: each detail names the row, the field and the reason."},
	{http.StatusTooManyRequests, "Too many requests; try again later."},
}

// OpenAPI builds the OpenAPI 3 document of the documented routes. What it
// says follows from the Go types and the route table, so a new route
// complies by default: an operationId from its method and path, its error
// answers, `required` from fields without omitempty or omitzero, `nullable`
// for pointers, slices and maps that may be sent as null, enums from
// types that list their values (Enum() []string), int64 and double
// formats.
func OpenAPI(routes []httpx.Route, version string) map[string]any {
	g := &generator{schemas: map[string]any{}, goTypes: map[string]reflect.Type{}}
	paths := map[string]map[string]any{}
	errSchema := g.schemaOf(reflect.TypeOf(ErrorBody{}))
	responses := map[string]any{}
	for _, e := range errorResponses {
		responses[responseName(e.Status)] = map[string]any{"description": e.Description,
			"content": map[string]any{"application/json": map[string]any{"schema": errSchema}}}
	}
	responses["Error"] = map[string]any{"description": "An unexpected failure on the server's side.",
		"content": map[string]any{"application/json": map[string]any{"schema": errSchema}}}
	for _, rt := range routes {
		if rt.Doc == nil {
			continue
		}
		op := map[string]any{
			"operationId": OperationID(rt),
			"summary":     rt.Doc.Summary,
			"tags":        []string{rt.Doc.Tag},
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer", "format": "int64"}})
		}
		for _, q := range rt.Doc.Query {
			p := map[string]any{"name": q.Name, "in": "query", "required": q.Required, "schema": paramSchema(q)}
			if q.Description != "" {
				p["description"] = q.Description
			}
			params = append(params, p)
		}
		if rt.Doc.Kept {
			params = append(params, map[string]any{"name": "If-None-Match", "in": "header", "required": false, "schema": map[string]any{"type": "string"},
				"description": "the ETag of an answer you have: 304 Not Modified if it is still the answer"})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Doc.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": g.schemaOf(reflect.TypeOf(rt.Doc.Request))}}}
		}
		if len(rt.Doc.Multipart) > 0 {
			props := map[string]any{}
			for _, f := range rt.Doc.Multipart {
				props[f] = map[string]any{"type": "string", "format": "binary"}
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": map[string]any{"type": "object", "properties": props, "required": rt.Doc.Multipart}}}}
		}
		status := rt.Doc.Status
		if status == 0 {
			status = 200
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if rt.Doc.Response != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schemaOf(reflect.TypeOf(rt.Doc.Response))}}
		} else if ext := path.Ext(rt.Pattern); ext != "" || strings.HasPrefix(rt.Pattern, Prefix+"/files/") {
			ok["content"] = map[string]any{downloadType(ext): map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		}
		resp := map[string]any{itoa(status): ok, "default": map[string]any{"$ref": "#/components/responses/Error"}}
		if rt.Doc.Kept {
			ok["headers"] = map[string]any{"ETag": etagHeader}
			resp["304"] = map[string]any{"description": "Not Modified: the answer is still the one whose ETag was sent in If-None-Match (no body).",
				"headers": map[string]any{"ETag": etagHeader}}
		}
		for _, e := range errorResponses {
			resp[itoa(e.Status)] = map[string]any{"$ref": "#/components/responses/" + responseName(e.Status)}
		}
		op["responses"] = resp
		p := strings.TrimPrefix(rt.Pattern, Prefix)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method)] = op
	}
	var tags []map[string]any
	for _, t := range Tags {
		tags = append(tags, map[string]any{"name": t.Name, "description": t.Description})
	}
	return map[string]any{
		"openapi": openAPIVersion,
		"info": map[string]any{
			"title":       "mangluoi API",
			"version":     version,
			"description": apiDescription,
			"contact":     map[string]any{"name": "The DX secretariat that runs this server (the provincial Department of Science and Technology)"},
			// The project has not chosen a licence for its code; the
			// API's terms are the operator's.
			"license": map[string]any{"name": "Terms of use set by the operator of this server"},
		},
		"servers":  []map[string]any{{"url": Prefix, "description": "this server"}},
		"security": []map[string][]string{{"bearer": {}}, {"cookie": {}}},
		"tags":     tags,
		"paths":    paths,
		"components": map[string]any{
			"schemas":   g.schemas,
			"responses": responses,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "An API token (mlt_…) made on the account page or with POST /tokens; the call acts as the token's user."},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": httpx.SessionCookie, "description": "The session of a signed-in browser (the web pages' own calls)."},
			},
		},
	}
}

// etagHeader documents a kept answer's ETag (kept.go).
var etagHeader = map[string]any{"description": "a tag of this answer: send it as If-None-Match to be told 304 while it is unchanged",
	"schema": map[string]any{"type": "string"}}

const apiDescription = `State management of digital transformation (DX) for a province and its communes: the dated unit tree, the DX staff and apparatus, community technology teams, plans and tasks, indicators, assessments and the periodic report — for the province's own systems and scripts.

Every call acts as the token's user, within that user's part of the unit tree and role; what it changes is audited.

Conventions:
- Dates are yyyy-mm-dd. A date that has not happened or does not apply (a task not yet done, a course not completed) is absent, never an empty string.
- A validity range is [valid_from, valid_to): valid_to is exclusive, and 9999-12-31 means "in force until further notice".
- ?d= reads the tree as of a date (today if absent).
- Ids are 64-bit integers; fractional figures are doubles.
- Errors are one JSON shape (Error): a status, a code, a message in the caller's language (Accept-Language, vi or en) and details naming the row and field.
- The common reads (those that document an ETag) are kept for their caller until the data they show changes: their answer carries an ETag, and a call that sends it back as If-None-Match is answered 304 Not Modified, without a body, while it is still the answer.`

func responseName(status int) string {
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

// downloadType is the media type of a download: stored files are of any.
func downloadType(ext string) string {
	switch ext {
	case "":
		return "*/*"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".pdf":
		return "application/pdf"
	}
	return "application/octet-stream"
}

func paramSchema(q httpx.Param) map[string]any {
	s := map[string]any{"type": q.Type}
	if len(q.Enum) > 0 {
		s["enum"] = q.Enum
	}
	switch {
	case q.Format != "":
		s["format"] = q.Format
	case q.Type == "integer":
		s["format"] = "int64"
	case q.Type == "number":
		s["format"] = "double"
	}
	return s
}

// OperationID is a route's operationId: Doc.ID, or one made from the
// method and the path. A segment followed by a parameter names one thing
// (units/{id} → Unit); GET of a top-level collection lists it, POST to a
// collection creates in it, POST to /imports/x imports x, POST to
// …/{id}/verb does the verb, POST to an item saves it, PUT updates it.
func OperationID(rt httpx.Route) string {
	if rt.Doc != nil && rt.Doc.ID != "" {
		return rt.Doc.ID
	}
	segs := strings.Split(strings.Trim(strings.TrimPrefix(rt.Pattern, Prefix), "/"), "/")
	var words []string
	lastParam := false
	nouns := 0
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			lastParam = true
			continue
		}
		lastParam = false
		nouns++
		w := splitWords(s)
		if i+1 < len(segs) && strings.HasPrefix(segs[i+1], "{") {
			w[len(w)-1] = singular(w[len(w)-1])
		}
		words = append(words, w...)
	}
	last := words[len(words)-1]
	var verb string
	switch rt.Method {
	case "GET":
		verb = "get"
		if nouns == 1 && !lastParam && plural(last) {
			verb = "list"
		}
	case "PUT", "PATCH":
		verb = "update"
	case "DELETE":
		verb = "delete"
	default:
		switch {
		case lastParam:
			verb = "save"
		case words[0] == "imports":
			verb, words = "import", words[1:]
		case plural(last):
			verb = "create"
			words[len(words)-1] = singular(last)
		default:
			verb, words = last, words[:len(words)-1]
		}
	}
	var b strings.Builder
	b.WriteString(verb)
	for _, w := range words {
		r := []rune(w)
		b.WriteString(string(unicode.ToUpper(r[0])) + string(r[1:]))
	}
	return b.String()
}

func splitWords(seg string) []string {
	return strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
}

func plural(w string) bool {
	return w == "people" || strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us")
}

func singular(w string) string {
	switch {
	case w == "people":
		return "person"
	case strings.HasSuffix(w, "ies"):
		return strings.TrimSuffix(w, "ies") + "y"
	case plural(w):
		return strings.TrimSuffix(w, "s")
	}
	return w
}

func itoa(n int) string { return fmt.Sprint(n) }

var (
	timeType    = reflect.TypeOf(time.Time{})
	dayType     = reflect.TypeOf(day.Day{})
	rawJSONType = reflect.TypeOf(json.RawMessage{})
	enumType    = reflect.TypeOf((*enumer)(nil)).Elem()
	// textMarshalerType: a struct that writes itself as text is a string
	textMarshalerType = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// enumer is a string type that lists its values: its fields are then
// documented with an enum.
type enumer interface{ Enum() []string }

type generator struct {
	schemas map[string]any
	goTypes map[string]reflect.Type // the Go type each schema name stands for
}

// schemaOf describes a Go type as a JSON schema, putting named structs in
// components and referring to them.
func (g *generator) schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dayType:
		return map[string]any{"type": "string", "format": "date"}
	case rawJSONType:
		return map[string]any{"description": "any JSON value", "nullable": true}
	}
	if t.Kind() == reflect.String && t.Implements(enumType) {
		vals := reflect.Zero(t).Interface().(enumer).Enum()
		return map[string]any{"type": "string", "enum": vals}
	}
	if t.Kind() == reflect.Struct && reflect.PointerTo(t).Implements(textMarshalerType) {
		return map[string]any{"type": "string"} // written as text (a period: 2026-10)
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32:
		return map[string]any{"type": "number", "format": "float"}
	case reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case reflect.Array:
		return map[string]any{"type": "array", "items": g.schemaOf(t.Elem())}
	case reflect.Slice:
		// a nil slice is sent as null
		return map[string]any{"type": "array", "items": g.schemaOf(t.Elem()), "nullable": true}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schemaOf(t.Elem()), "nullable": true}
	case reflect.Struct:
		// A schema is named after its Go type; two packages' types of one
		// name (people.Report, plans.Report) get their packages' names too.
		name := t.Name()
		if seen, ok := g.goTypes[name]; ok && seen != t {
			name = path.Base(t.PkgPath()) + "." + t.Name()
		}
		ref := map[string]any{"$ref": "#/components/schemas/" + name}
		if _, done := g.schemas[name]; done {
			return ref
		}
		g.goTypes[name] = t
		g.schemas[name] = map[string]any{} // placeholder against recursion
		props := map[string]any{}
		var required []string
		g.addFields(t, props, &required)
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			slices.Sort(required)
			s["required"] = required
		}
		g.schemas[name] = s
		return ref
	}
	return map[string]any{}
}

// addFields adds a struct's JSON fields, flattening embedded structs as
// encoding/json does (a field of the outer struct hides one of the same
// name in an embedded one). A field is required unless omitempty or
// omitzero may leave it out; a pointer without them may be null.
func (g *generator) addFields(t reflect.Type, props map[string]any, required *[]string) {
	var embedded []reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != dayType && ft != timeType {
				embedded = append(embedded, ft)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		optional := false
		for _, o := range strings.Split(opts, ",") {
			optional = optional || o == "omitempty" || o == "omitzero"
		}
		s := g.schemaOf(f.Type)
		switch {
		case optional:
			// left out rather than sent empty
			if s["nullable"] == true {
				s = without(s, "nullable")
			}
		case f.Type.Kind() == reflect.Pointer:
			if _, isRef := s["$ref"]; isRef {
				s = map[string]any{"allOf": []any{s}, "nullable": true}
			} else {
				s = with(s, "nullable", true)
			}
		}
		if !optional {
			*required = append(*required, name)
		}
		props[name] = s
	}
	for _, et := range embedded {
		inner := map[string]any{}
		var innerRequired []string
		g.addFields(et, inner, &innerRequired)
		for name, s := range inner {
			if _, hidden := props[name]; !hidden {
				props[name] = s
				if slices.Contains(innerRequired, name) {
					*required = append(*required, name)
				}
			}
		}
	}
}

func with(s map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for k2, v2 := range s {
		if k2 != k {
			out[k2] = v2
		}
	}
	return out
}

func without(s map[string]any, k string) map[string]any {
	out := map[string]any{}
	for k2, v2 := range s {
		if k2 != k {
			out[k2] = v2
		}
	}
	return out
}
