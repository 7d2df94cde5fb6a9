package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// oneToken lets the bearer of "t" in as a focal person: the adapter is
// what is tested here, the real sign-in is internal/app's.
type oneToken struct{}

func (oneToken) SessionUser(context.Context, string) (*auth.User, error) {
	return nil, errs.New(errs.Unauthenticated, "err.login_required")
}

func (oneToken) TokenUser(_ context.Context, token string) (*auth.User, error) {
	if token != "t" {
		return nil, errs.New(errs.Unauthenticated, "err.login_required")
	}
	return &auth.User{ID: 3, Login: "focal", Role: auth.RoleFocal, ScopeUnitID: 42, Locale: "vi"}, nil
}

type echoIn struct {
	Name string `json:"name"`
}

type echoOut struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Unit int64  `json:"unit"`
	By   int64  `json:"by"`
}

type bigIn struct {
	Text string `json:"text"`
}

func (bigIn) MaxBody() int64 { return 3 * MaxBody }

// adapterServer registers a few routes with route and serves them.
func adapterServer(t *testing.T, calls *int) (*httptest.Server, *httpx.Router) {
	t.Helper()
	a := New(Deps{Catalog: locale.MustLoadCatalog(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	r := httpx.NewRouter(oneToken{})
	a.router = r
	route(a, "POST", "/things/{id}/echo", httpx.Doc{Summary: "echo", Tag: "units", Status: 201},
		func(c *Call, in echoIn) (*echoOut, error) {
			*calls++
			unit := c.Int64("unit") // read but not checked: the adapter still refuses a bad one
			return &echoOut{ID: c.ID(), Name: in.Name, Unit: unit, By: c.Actor.UserID}, nil
		})
	route(a, "POST", "/things/{id}/forget", httpx.Doc{Summary: "forget", Tag: "units"},
		func(c *Call, _ None) (None, error) {
			*calls++
			if c.ID() == 404 {
				return None{}, errs.New(errs.NotFound, "err.not_found")
			}
			return None{}, nil
		})
	route(a, "POST", "/things/big", httpx.Doc{Summary: "big", Tag: "units"},
		func(c *Call, in bigIn) (int, error) { *calls++; return len(in.Text), nil })
	srv := httptest.NewServer(r.Handler())
	t.Cleanup(srv.Close)
	return srv, r
}

func call(t *testing.T, srv *httptest.Server, method, path, body string) (int, string, ErrorBody) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+Prefix+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e ErrorBody
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s %s: %d and not a JSON error: %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, string(b), e
}

// TestRouteAdapter: the adapter decodes, calls and answers as the
// handlers it replaced did, and documents what the code takes and gives.
func TestRouteAdapter(t *testing.T) {
	var calls int
	srv, r := adapterServer(t, &calls)

	docs := map[string]*httpx.Doc{}
	for _, rt := range r.Routes() {
		docs[rt.Method+" "+rt.Pattern] = rt.Doc
	}
	echo, forget := docs["POST "+Prefix+"/things/{id}/echo"], docs["POST "+Prefix+"/things/{id}/forget"]
	if reflect.TypeOf(echo.Request) != reflect.TypeOf(echoIn{}) || reflect.TypeOf(echo.Response) != reflect.TypeOf(echoOut{}) || echo.Status != 201 {
		t.Errorf("echo is documented as %T → %T, %d", echo.Request, echo.Response, echo.Status)
	}
	if forget.Request != nil || forget.Response != nil || forget.Status != http.StatusNoContent {
		t.Errorf("forget is documented as %T → %T, %d", forget.Request, forget.Response, forget.Status)
	}

	status, body, _ := call(t, srv, "POST", "/things/7/echo?unit=5", `{"name":"Pleiku"}`)
	var out echoOut
	if err := json.Unmarshal([]byte(body), &out); status != 201 || err != nil || out != (echoOut{ID: 7, Name: "Pleiku", Unit: 5, By: 3}) {
		t.Errorf("echo: %d %s", status, body)
	}
	if status, body, _ := call(t, srv, "POST", "/things/7/forget", ``); status != 204 || body != "" {
		t.Errorf("forget: %d %q", status, body)
	}
	if status, _, e := call(t, srv, "POST", "/things/404/forget", ``); status != 404 || e.Error.Code != "not_found" {
		t.Errorf("forget 404: %d %+v", status, e)
	}
	if status, _ := call2(t, srv, "POST", "/things/big", `{"text":"`+strings.Repeat("a", 2*MaxBody)+`"}`); status != 200 {
		t.Errorf("a body within the type's own bound: %d", status)
	}

	before := calls
	for _, bad := range []struct{ path, body, code string }{
		{"/things/abc/echo", `{"name":`, "invalid"},                                      // the id first, the body unread
		{"/things/0/forget", ``, "invalid"},                                              // ids are positive
		{"/things/7/echo", `{"name":"x","extra":1}`, "invalid"},                          // strict: no unknown field
		{"/things/7/echo", `{"name":"x"} {}`, "invalid"},                                 // nothing after the value
		{"/things/7/echo", ``, "invalid"},                                                // no body
		{"/things/7/echo", `{"name":"` + strings.Repeat("a", MaxBody) + `"}`, "invalid"}, // over MaxBody
		{"/things/big", `{"text":"` + strings.Repeat("a", 3*MaxBody) + `"}`, "invalid"},  // over its own bound
	} {
		status, _, e := call(t, srv, "POST", bad.path, bad.body)
		if status != http.StatusUnprocessableEntity || e.Error.Code != bad.code {
			t.Errorf("%s %.40s: %d %+v", bad.path, bad.body, status, e.Error)
		}
	}
	if calls != before {
		t.Errorf("a request refused before the call still called the service %d times", calls-before)
	}
	// a parameter the function read but did not check is refused all the same
	if status, _, e := call(t, srv, "POST", "/things/7/echo?unit=-1", `{"name":"x"}`); status != 422 || !strings.Contains(e.Error.Message, "-1") {
		t.Errorf("unit=-1: %d %+v", status, e.Error)
	}
}

func call2(t *testing.T, srv *httptest.Server, method, path, body string) (int, string) {
	status, b, _ := call(t, srv, method, path, body)
	return status, b
}
