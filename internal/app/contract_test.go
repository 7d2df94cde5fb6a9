package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/mangluoi/mangluoi/internal/api"
	"github.com/mangluoi/mangluoi/internal/apptest"
)

// contractRoles are the demo accounts, one of each role (and the plans'
// department), that call every route of the contract test.
var contractRoles = []string{"admin", "gialai", "lanhdao", "pleiku", "sokhcn"}

// contract validates answers against the served OpenAPI document with
// kin-openapi's openapi3filter, a validator this project did not write: the
// status must be one the operation documents, and the body must fit its
// schema (types, formats such as date, required fields, enums, nullable).
type contract struct {
	doc *openapi3.T
}

func newContract(t *testing.T, s *apptest.Server) *contract {
	t.Helper()
	_, raw := getOpenAPI(t, s)
	doc, err := loadOpenAPI(t, raw)
	if err != nil {
		t.Fatal(err)
	}
	return &contract{doc: doc}
}

// check says where an answer to method on the documented path departs
// from the document.
func (c *contract) check(method, path string, req *http.Request, resp *http.Response, body []byte) error {
	item := c.doc.Paths.Value(path)
	op := item.GetOperation(method)
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: c.doc, Path: path, PathItem: item, Method: method, Operation: op},
		},
		Status: resp.StatusCode,
		Header: resp.Header,
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
			// a download's bytes are not JSON to read
			ExcludeResponseBody: !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json")},
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// TestContract: every documented GET, called on the real server as each
// demo role (on both databases), answers what the OpenAPI document says —
// a documented status, and a body that fits the schema — so that a client
// generated from the document can read every answer.
func TestContract(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		c := newContract(t, s)
		f := demoTarget(t, s)
		queries := map[string]string{"q": "gia lai", "target": "1690-FOCAL-COMMUNE"} // values for required query parameters
		var paths []string
		for p, item := range c.doc.Paths.Map() {
			if item.Get != nil {
				paths = append(paths, p)
			}
		}
		slices.Sort(paths)
		for _, login := range contractRoles {
			client := s.TokenClient(t, login)
			t.Run(login, func(t *testing.T) {
				ok := 0
				for _, path := range paths {
					op := c.doc.Paths.Value(path).Get
					full, err := f.fill(api.Prefix + path)
					if err != nil {
						t.Fatal(err)
					}
					q := url.Values{}
					for _, p := range op.Parameters {
						if p.Value.In == "query" && p.Value.Required {
							v, ok := queries[p.Value.Name]
							if !ok {
								t.Fatalf("%s: no value for the required query parameter %s: add one to this test", path, p.Value.Name)
							}
							q.Set(p.Value.Name, v)
						}
					}
					if len(q) > 0 {
						full += "?" + q.Encode()
					}
					resp, body := client.For(t).Get(full)
					if login == "admin" && resp.StatusCode != http.StatusOK {
						t.Errorf("GET %s as admin: %d %.300s", full, resp.StatusCode, body)
					}
					if resp.StatusCode == http.StatusOK {
						ok++
					}
					req, _ := http.NewRequest("GET", s.URL+full, nil)
					if err := c.check("GET", path, req, resp, body); err != nil {
						t.Errorf("GET %s as %s (%d): %s", full, login, resp.StatusCode, summary(err))
					}
				}
				if ok == 0 {
					t.Errorf("%s could read nothing", login)
				}
			})
		}
	})
}

var (
	index   = regexp.MustCompile(`/[0-9]+(/|")`)
	pattern = regexp.MustCompile(`: string doesn't match pattern "[^"]*"`)
)

// summary is a validation error once per field: the same problem in every
// row of a list is said once, with * for the row.
func summary(err error) string {
	var out []string
	for _, part := range strings.Split(err.Error(), " | ") {
		part = index.ReplaceAllString(part, "/*$1")
		part = pattern.ReplaceAllString(part, "")
		if !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return strings.Join(out, "\n\t")
}
