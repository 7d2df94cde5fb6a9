package app_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

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

	// every $ref points at a schema the document has
	for _, ref := range regexp.MustCompile(`"\$ref":\s*"([^"]*)"`).FindAllSubmatch(raw, -1) {
		name, ok := strings.CutPrefix(string(ref[1]), "#/components/schemas/")
		if !ok || doc.Components.Schemas[name] == nil {
			t.Errorf("unresolved $ref %s", ref[1])
		}
	}
	if len(doc.Components.Schemas) == 0 {
		t.Error("no schemas")
	}
}

// TestOpenAPIGetRoutesAnswer: every documented GET answers the
// administrator with 200 and, where the document gives a JSON schema,
// JSON that fits it — so the document describes what is really sent.
func TestOpenAPIGetRoutesAnswer(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		doc, _ := getOpenAPI(t, s)
		f := demoTarget(t, s)
		admin := s.TokenClient(t, "admin")
		queries := map[string]string{"q": "gia lai", "target": "1690-FOCAL-COMMUNE"} // values for required query parameters
		for path, ops := range doc.Paths {
			op, ok := ops["get"]
			if !ok {
				continue
			}
			t.Run(path, func(t *testing.T) {
				full, err := f.fill(api.Prefix + path)
				if err != nil {
					t.Fatal(err)
				}
				q := url.Values{}
				for _, p := range op.Parameters {
					if p.In == "query" && p.Required {
						v, ok := queries[p.Name]
						if !ok {
							t.Fatalf("no value for the required query parameter %s: add one to this test", p.Name)
						}
						q.Set(p.Name, v)
					}
				}
				if len(q) > 0 {
					full += "?" + q.Encode()
				}
				resp, body := admin.Get(full)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d %.300s", full, resp.StatusCode, body)
				}
				schema := op.Responses["200"].Content["application/json"].Schema
				if schema == nil {
					return // a file download
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Fatalf("GET %s: Content-Type %s", full, ct)
				}
				var v any
				if err := json.Unmarshal(body, &v); err != nil {
					t.Fatalf("GET %s: %v", full, err)
				}
				for _, problem := range conform(doc, schema, v, "$") {
					t.Errorf("GET %s: %s", full, problem)
				}
			})
		}
	})
}

// conform lists where a JSON value departs from an OpenAPI schema: a wrong
// type, or a property the schema does not describe.
func conform(doc *openAPIDoc, schema map[string]any, v any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		return conform(doc, doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")], v, at)
	}
	typ, _ := schema["type"].(string)
	if v == nil {
		if typ == "" || schema["nullable"] == true {
			return nil
		}
		return []string{fmt.Sprintf("%s is null, the document says %s", at, typ)}
	}
	var out []string
	bad := func() []string { return []string{fmt.Sprintf("%s is %T, the document says %s", at, v, typ)} }
	switch typ {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		props, _ := schema["properties"].(map[string]any)
		extra, _ := schema["additionalProperties"].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			switch p, ok := props[k].(map[string]any); {
			case ok:
				out = append(out, conform(doc, p, m[k], at+"."+k)...)
			case extra != nil:
				out = append(out, conform(doc, extra, m[k], at+"."+k)...)
			default:
				out = append(out, fmt.Sprintf("%s.%s is sent but not in the document", at, k))
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return bad()
		}
		items, _ := schema["items"].(map[string]any)
		for i, e := range a {
			out = append(out, conform(doc, items, e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case "string":
		if _, ok := v.(string); !ok {
			return bad()
		}
	case "integer":
		if n, ok := v.(float64); !ok || n != float64(int64(n)) {
			return bad()
		}
	case "number":
		if _, ok := v.(float64); !ok {
			return bad()
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return bad()
		}
	}
	return out
}
