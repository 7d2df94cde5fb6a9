package api

import (
	"encoding"
	"encoding/json"
	"net/http"
	"path"
	"reflect"
	"regexp"
	"strings"
	"time"

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

// OpenAPI builds the OpenAPI 3 document of the documented routes.
func OpenAPI(routes []httpx.Route, version string) map[string]any {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		if rt.Doc == nil {
			continue
		}
		op := map[string]any{
			"summary":  rt.Doc.Summary,
			"tags":     []string{rt.Doc.Tag},
			"security": []map[string][]string{{"bearer": {}}, {"cookie": {}}},
		}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "integer"}})
		}
		for _, q := range rt.Doc.Query {
			p := map[string]any{"name": q.Name, "in": "query", "required": q.Required, "schema": map[string]any{"type": q.Type}}
			if q.Description != "" {
				p["description"] = q.Description
			}
			params = append(params, p)
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Doc.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Doc.Request), schemas)}}}
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
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Doc.Response), schemas)}}
		}
		errRef := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(ErrorBody{}), schemas)}}}
		op["responses"] = map[string]any{itoa(status): ok, "default": errRef}
		path := strings.TrimPrefix(rt.Pattern, Prefix)
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "mangluoi API", "version": version,
			"description": "State management of digital transformation: the dated unit tree, accounts and audit. Every call acts as the token's user, within that user's scope. Dates are yyyy-mm-dd; ?d= reads the tree as of a date."},
		"servers": []map[string]any{{"url": Prefix}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "an API token (mlt_…) made on the account page or POST /tokens"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": httpx.SessionCookie},
			},
		},
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

var (
	timeType    = reflect.TypeOf(time.Time{})
	dayType     = reflect.TypeOf(day.Day{})
	rawJSONType = reflect.TypeOf(json.RawMessage{})
	// textMarshalerType: encoding/json writes such a value as a string
	textMarshalerType = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// schemaOf describes a Go type as a JSON schema, putting named structs in
// components and referring to them.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case dayType:
		return map[string]any{"type": "string", "format": "date"}
	case rawJSONType:
		return map[string]any{"description": "any JSON value"}
	}
	// a value that writes itself as text (an indicator's period, 2026-11)
	// is a string in JSON
	if t.Kind() == reflect.Struct && t.Implements(textMarshalerType) {
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Struct:
		// A schema is named after its Go type; two packages' types of one
		// name (people.Report, plans.Report) get their packages' names too.
		goType := t.PkgPath() + "." + t.Name()
		name := t.Name()
		if s, ok := schemas[name].(map[string]any); ok && s["x-go-type"] != goType {
			name = path.Base(t.PkgPath()) + "." + t.Name()
		}
		ref := map[string]any{"$ref": "#/components/schemas/" + name}
		if _, done := schemas[name]; done {
			return ref
		}
		schemas[name] = map[string]any{"x-go-type": goType} // placeholder against recursion
		props := map[string]any{}
		addFields(t, props, schemas)
		schemas[name] = map[string]any{"type": "object", "properties": props, "x-go-type": goType}
		return ref
	}
	return map[string]any{}
}

// addFields adds a struct's JSON fields, flattening embedded structs as
// encoding/json does.
func addFields(t reflect.Type, props map[string]any, schemas map[string]any) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != dayType && ft != timeType {
				addFields(ft, props, schemas)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaOf(f.Type, schemas)
	}
}
