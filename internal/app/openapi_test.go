package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
)

// openAPIDoc is the part of an OpenAPI 3 document the tests read.
type openAPIDoc struct {
	OpenAPI string         `json:"openapi"`
	Info    map[string]any `json:"info"`
	Paths   map[string]map[string]struct {
		Summary    string `json:"summary"`
		Parameters []struct {
			Name     string         `json:"name"`
			In       string         `json:"in"`
			Required bool           `json:"required"`
			Schema   map[string]any `json:"schema"`
		} `json:"parameters"`
		RequestBody map[string]any `json:"requestBody"`
		Responses   map[string]struct {
			Content map[string]struct {
				Schema map[string]any `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

func getOpenAPI(t *testing.T, s *apptest.Server) (*openAPIDoc, []byte) {
	t.Helper()
	resp, body := s.Anonymous(t).Get(api.Prefix + "/openapi.json")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc openAPIDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return &doc, body
}

// TestOpenAPIMatchesRoutes: the document served at /api/v1/openapi.json
// describes exactly the registered API routes, with the same path
// parameters, and is a well-formed OpenAPI 3 document whose references
// all resolve.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := apptest.StartSQLite(t)
	doc, raw := getOpenAPI(t, s)

	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	if doc.Info["title"] == "" || doc.Info["title"] == nil || doc.Info["version"] == "" || doc.Info["version"] == nil {
		t.Errorf("info lacks a title or version: %v", doc.Info)
	}

	registered := map[string]bool{}
	for _, r := range s.Router.Routes() {
		if !isAPI(r) || r.Pattern == api.Prefix+"/openapi.json" {
			continue
		}
		path := strings.TrimPrefix(r.Pattern, api.Prefix)
		registered[r.Method+" "+path] = true
		op, ok := doc.Paths[path][strings.ToLower(r.Method)]
		if !ok {
			t.Errorf("%s %s is served but not in the OpenAPI document", r.Method, r.Pattern)
			continue
		}
		if op.Summary == "" {
			t.Errorf("%s %s: no summary", r.Method, path)
		}
		if len(op.Responses) == 0 {
			t.Errorf("%s %s: no responses", r.Method, path)
		}
		var declared []string
		for _, p := range op.Parameters {
			if p.In == "path" {
				declared = append(declared, p.Name)
				if !p.Required {
					t.Errorf("%s %s: path parameter %s not required", r.Method, path, p.Name)
				}
			}
		}
		var inPath []string
		for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
			inPath = append(inPath, m[1])
		}
		sort.Strings(declared)
		sort.Strings(inPath)
		if !slices.Equal(declared, inPath) {
			t.Errorf("%s %s: path parameters %v, document declares %v", r.Method, path, inPath, declared)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[strings.ToUpper(method)+" "+path] {
				t.Errorf("the document describes %s %s, which is not served", strings.ToUpper(method), path)
			}
		}
	}

	// an independent reader finds it valid, every $ref resolved
	if _, err := loadOpenAPI(t, raw); err != nil {
		t.Error(err)
	}
	if len(doc.Components.Schemas) == 0 {
		t.Error("no schemas")
	}
}

// loadOpenAPI reads the served document with kin-openapi and validates it.
func loadOpenAPI(t *testing.T, raw []byte) (*openapi3.T, error) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
}
