package api_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// document builds the OpenAPI document of every API route, as served.
func document(t *testing.T) ([]httpx.Route, []byte) {
	t.Helper()
	r := httpx.NewRouter(nil)
	api.New(api.Deps{}).Register(r)
	b, err := json.Marshal(api.OpenAPI(r.Routes(), "test"))
	if err != nil {
		t.Fatal(err)
	}
	return r.Routes(), b
}

// TestOpenAPIIsValid: kin-openapi (an independent reader) loads the
// document and finds it valid, formats and examples included.
func TestOpenAPIIsValid(t *testing.T) {
	_, b := document(t)
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableSchemaFormatValidation()); err != nil {
		t.Fatal(err)
	}
	if doc.Info.Description == "" || doc.Info.License == nil || doc.Info.Contact == nil || len(doc.Servers) == 0 {
		t.Errorf("info lacks a description, licence, contact or server: %+v", doc.Info)
	}
	// no implementation-specific keys that generators would take as
	// instructions (x-go-type made oapi-codegen write invalid Go)
	if m := regexp.MustCompile(`"x-[a-z-]+"`).Find(b); m != nil {
		t.Errorf("the document carries %s", m)
	}
}

// TestOperations: every operation has a unique, readable operationId, a
// tag with a sentence, and its error answers in the one error schema.
func TestOperations(t *testing.T) {
	routes, b := document(t)
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]bool{}
	for _, tag := range doc.Tags {
		if tag.Description == "" {
			t.Errorf("tag %q has no description", tag.Name)
		}
		tags[tag.Name] = true
	}
	ids := map[string]string{}
	readable := regexp.MustCompile(`^[a-z]+[A-Z][A-Za-z]*$`)
	for _, rt := range routes {
		if rt.Doc == nil {
			continue
		}
		where := rt.Method + " " + rt.Pattern
		id := api.OperationID(rt)
		if prev, dup := ids[id]; dup {
			t.Errorf("operationId %s is both %s and %s: give one of them a Doc.ID", id, prev, where)
		}
		ids[id] = where
		if !readable.MatchString(id) {
			t.Errorf("%s: operationId %q does not read as verbNoun", where, id)
		}
		if !tags[rt.Doc.Tag] {
			t.Errorf("%s: tag %q is not in api.Tags", where, rt.Doc.Tag)
		}
		op := doc.Paths.Find(strings.TrimPrefix(rt.Pattern, api.Prefix)).GetOperation(rt.Method)
		for _, status := range []int{401, 403, 404, 422} {
			r := op.Responses.Status(status)
			if r == nil || r.Value == nil || r.Value.Content.Get("application/json") == nil {
				t.Errorf("%s: no %d answer", where, status)
				continue
			}
			if ref := r.Value.Content.Get("application/json").Schema.Ref; ref != "#/components/schemas/ErrorBody" {
				t.Errorf("%s: %d answer's schema is %s", where, status, ref)
			}
		}
	}
	for id, want := range map[string]string{
		"listUnits":           "GET /api/v1/units",
		"getUnit":             "GET /api/v1/units/{id}",
		"getIndicatorFigures": "GET /api/v1/indicators/{id}/figures",
		"saveUnitForm":        "POST /api/v1/units/{id}/forms/{form}",
		"renameUnit":          "POST /api/v1/units/{id}/rename",
		"createPlanTask":      "POST /api/v1/plans/{id}/tasks",
		"importPeople":        "POST /api/v1/imports/people",
		"listPeople":          "GET /api/v1/people",
		"updatePerson":        "PUT /api/v1/people/{id}",
		"deleteToken":         "DELETE /api/v1/tokens/{id}",
	} {
		if ids[id] != want {
			t.Errorf("operationId %s is %q, want %s", id, ids[id], want)
		}
	}
}

// TestSchemas: required, nullable, enum and number formats follow the Go
// types.
func TestSchemas(t *testing.T) {
	_, b := document(t)
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatal(err)
	}
	unit := doc.Components.Schemas["Unit"].Value
	if !contains(unit.Required, "id") || !contains(unit.Required, "valid_to") || contains(unit.Required, "parent_id") {
		t.Errorf("Unit requires %v", unit.Required)
	}
	if p := unit.Properties["id"].Value; p.Format != "int64" {
		t.Errorf("Unit.id: format %q", p.Format)
	}
	if p := unit.Properties["level"].Value; len(p.Enum) < 5 {
		t.Errorf("Unit.level: enum %v", p.Enum)
	}
	if p := unit.Properties["valid_to"].Value; p.Format != "date" || p.Nullable {
		t.Errorf("Unit.valid_to: %+v", p)
	}
	for name, s := range doc.Components.Schemas {
		for field, p := range s.Value.Properties {
			if p.Value.Type.Is("number") && p.Value.Format == "" {
				t.Errorf("%s.%s: a number without a format", name, field)
			}
			if p.Value.Type.Is("integer") && p.Value.Format == "" {
				t.Errorf("%s.%s: an integer without a format", name, field)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
