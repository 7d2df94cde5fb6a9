package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mangluoi/mangluoi/internal/apptest"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/demo"
	"github.com/mangluoi/mangluoi/internal/httpx"
)

// caller is one user as the pages see them (a session cookie) and as a
// script does (an API token).
type caller struct{ session, token *apptest.Client }

func callerFor(t testing.TB, s *apptest.Server, login string) caller {
	u := s.User(t, login)
	return caller{session: s.SessionFor(t, u), token: s.TokenFor(t, u)}
}

// clients are the ways c may call route r: pages with the cookie, the API
// with the token and with the cookie (a browser's own calls).
func (c caller) clients(r httpx.Route) []*apptest.Client {
	if isAPI(r) {
		return []*apptest.Client{c.token, c.session}
	}
	return []*apptest.Client{c.session}
}

// TestScopeEveryRoute: the focal person of Phường Pleiku can neither read
// nor change anything of Phường Quy Nhơn through any registered route —
// page, API call, export or search — whatever the route's parameters,
// query or body point at. Every route is called; a route whose path
// parameter or body this test does not know fails it. The same holds for
// a coordinator scoped to Phường Pleiku, whose role may change the tree,
// manage accounts and read the change log, so that only the scope check
// stands in the way.
func TestScopeEveryRoute(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		other := demoTarget(t, s)
		admin := callerFor(t, s, "admin")
		if _, body := admin.token.Get("/api/v1/search?q=quy+nhon"); !strings.Contains(string(body), "Phường Quy Nhơn") {
			t.Fatalf("the administrator does not find Quy Nhơn: %s", body)
		}
		own := s.UnitNamed(t, "Phường Pleiku")
		if _, err := s.Auth.CreateUser(context.Background(), s.Admin, auth.UserInput{Login: "dieuphoi", DisplayName: "Điều phối phường Pleiku",
			Password: demo.Password, Role: auth.RoleCoordinator, ScopeUnitID: own.UnitID, Locale: "vi"}); err != nil {
			t.Fatal(err)
		}
		for _, login := range []string{"pleiku", "dieuphoi"} {
			t.Run(login, func(t *testing.T) { checkEveryRoute(t, s, login, other, admin) })
		}
	})
}

// checkEveryRoute calls every route as login (of Phường Pleiku) aimed at
// the other commune's records, and checks those records are as they were.
func checkEveryRoute(t *testing.T, s *apptest.Server, login string, other *target, admin caller) {
	c := callerFor(t, s, login)
	// The test means something only if the caller reaches its own
	// commune and the records aimed at are there for someone allowed.
	own := s.UnitNamed(t, "Phường Pleiku")
	if resp, body := c.session.Get("/units/" + itoa(own.UnitID)); resp.StatusCode != 200 || !strings.Contains(string(body), "Phường Pleiku") {
		t.Fatalf("%s cannot open its own commune: %d", login, resp.StatusCode)
	}
	if _, body := c.token.Get("/api/v1/search?q=pleiku"); !strings.Contains(string(body), "Phường Pleiku") {
		t.Fatalf("%s does not find its own commune: %s", login, body)
	}
	mine := ownTarget(t, s, login)
	before := fingerprint(t, s, other, admin)
	for _, r := range s.Router.Routes() {
		t.Run(routeKey(r), func(t *testing.T) { checkRoute(t, s, r, c, other, mine, admin) })
	}
	if after := fingerprint(t, s, other, admin); after != before {
		t.Errorf("Quy Nhơn's data changed:\nbefore %s\nafter  %s", before, after)
	}
}

// checkRoute calls route r as c: aimed at the other commune's records
// with every query (GET) or request body (changes) the test knows, and
// aimed at c's own records with the same queries and bodies.
func checkRoute(t *testing.T, s *apptest.Server, r httpx.Route, c caller, other, mine *target, admin caller) {
	key := routeKey(r)
	if r.Access == httpx.Public != publicRoutes[key] {
		t.Fatalf("%s is public=%v but publicRoutes (internal/app/fixture_test.go) says %v: a route anyone may call must be listed there",
			key, r.Access == httpx.Public, publicRoutes[key])
	}
	path, err := other.fill(r.Pattern)
	if err != nil {
		t.Fatal(err)
	}
	ownPath, _ := mine.fill(r.Pattern)
	// Aimed at the other commune, a call is refused unless it is public,
	// concerns only the caller's account, or (a GET without parameters)
	// shows the caller's own scope.
	strict := !publicRoutes[key] && !ownWrites[key] && (hasParams(r.Pattern) || r.Method != http.MethodGet)
	if r.Method == http.MethodGet {
		if hasParams(r.Pattern) && !publicRoutes[key] {
			for _, cl := range admin.clients(r) {
				if resp, body := cl.Get(path); resp.StatusCode != http.StatusOK {
					t.Fatalf("the administrator cannot GET %s (%d), so the check below proves nothing: %.300s", path, resp.StatusCode, body)
				}
			}
		}
		variants, err := docQueryVariants(r, other)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(queryVariants(other), variants...) {
			for _, cl := range c.clients(r) {
				checkCall(t, s, r, other, cl, request{query: q}, path, strict, true)
				if hasParams(r.Pattern) { // the caller's own record, with a query naming the other commune
					checkCall(t, s, r, other, cl, request{query: q}, ownPath, false, true)
				}
			}
		}
		return
	}
	build, ok := writes[key]
	if !ok {
		t.Fatalf("no request body for %s in writes (internal/app/fixture_test.go): add one that would change the target's records "+
			"when someone allowed sends it (TestScopeRequestsAreReal checks it does)", key)
	}
	req := build(other)
	// The caller's own record with a body naming the other commune's (its
	// person, unit, course…): that may change the caller's record, never
	// the other commune's.
	mixed := hasParams(r.Pattern) && !publicRoutes[key] && !ownWrites[key] && !req.same(t, build(mine))
	for _, variant := range []request{req, req.withDates("hôm qua"), req.withDates("2000-01-01")} {
		clients := c.clients(r)
		if key == "POST /logout" { // ends the session it is sent with
			clients = []*apptest.Client{s.SessionFor(t, mine.user)}
		}
		for _, cl := range clients {
			checkCall(t, s, r, other, cl, variant, path, strict, !ownWrites[key])
			if mixed {
				checkCall(t, s, r, other, cl, variant, ownPath, false, false)
			}
		}
	}
}

// queryVariants are the queries every GET route is called with: none,
// searches that would find the other commune, and filters that name it.
func queryVariants(f *target) []url.Values {
	unit := f.str("unit")
	return []url.Values{
		{},
		{"q": {"quy nhon"}}, {"q": {"quy"}}, {"q": {"nhon chau"}}, {"q": {"lac long quan"}}, {"q": {f.unitCode()}},
		{"q": {"quy nhon"}, "d": {"2024-06-01"}},
		{"unit": {unit}}, {"unit": {unit}, "d": {"2024-06-01"}}, {"parent": {unit}}, {"level": {"commune"}},
		{"year": {"2026"}}, {"target": {"x"}},
	}
}

// queryTargets say what the integer query parameters of API routes name;
// notRecords are the integer parameters that name no record. A documented
// integer parameter in neither fails the scope test.
var (
	queryTargets = map[string]string{"unit": "unit", "parent": "unit", "commune_id": "unit", "team": "team"}
	notRecords   = map[string]bool{"limit": true, "offset": true, "year": true, "before": true, "window": true, "page": true}
)

// docQueryVariants are the queries that aim each integer parameter an API
// route documents at the target's record.
func docQueryVariants(r httpx.Route, f *target) ([]url.Values, error) {
	if r.Doc == nil {
		return nil, nil
	}
	var out []url.Values
	for _, p := range r.Doc.Query {
		if p.Type != "integer" || notRecords[p.Name] {
			continue
		}
		kind, ok := queryTargets[p.Name]
		if !ok {
			return nil, fmt.Errorf("query parameter %s is in neither queryTargets nor notRecords (internal/app/routes_test.go): say what it names", p.Name)
		}
		out = append(out, url.Values{p.Name: {f.str(kind)}})
	}
	return out, nil
}

// checkCall sends one request as the focal person of another commune and
// checks it showed nothing of the target f, nor failed with a 5xx; if
// refused, that it was refused; if auditFixed, that it wrote nothing.
func checkCall(t *testing.T, s *apptest.Server, r httpx.Route, f *target, c *apptest.Client, req request, path string, refused, auditFixed bool) {
	t.Helper()
	auditBefore := s.AuditLen(t)
	resp, body := send(t, c, r.Method, path, req)
	shown, _, sent := req.encode(t, path)
	shown = fmt.Sprintf("%s %s %.200s", r.Method, shown, sent)
	if c.Token != "" {
		shown += " (token)"
	} else {
		shown += " (cookie)"
	}
	if resp.StatusCode >= 500 {
		t.Errorf("%s: status %d: %.300s", shown, resp.StatusCode, body)
	}
	text := readable(t, body) + "\n" + resp.Header.Get("Location") + "\n" + resp.Header.Get("Content-Disposition")
	typed := string(sent) + shown
	if u, err := url.QueryUnescape(typed); err == nil {
		typed += u
	}
	for _, secret := range f.secrets {
		if strings.Contains(typed, secret) {
			continue // the caller typed it: showing it back reveals nothing
		}
		if i := strings.Index(text, secret); i >= 0 {
			t.Errorf("%s: status %d, the answer shows %q: …%s…", shown, resp.StatusCode, secret, text[max(0, i-200):min(len(text), i+100)])
		}
	}
	if refused {
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity:
		default:
			t.Errorf("%s: status %d, want a refusal (401, 403, 404 or 422): %.300s", shown, resp.StatusCode, body)
		}
	}
	if auditFixed {
		if n := s.AuditLen(t); n != auditBefore {
			t.Errorf("%s: status %d, but the audit log grew by %d", shown, resp.StatusCode, n-auditBefore)
		}
	}
}

// fingerprint is everything the operator sees of a target's records, to
// compare before and after.
func fingerprint(t *testing.T, s *apptest.Server, f *target, admin caller) string {
	t.Helper()
	var b bytes.Buffer
	for _, path := range []string{
		"/api/v1/units/" + f.str("unit") + "/history", "/api/v1/units/" + f.str("sibling") + "/history",
		"/api/v1/units/" + f.str("unit") + "/apparatus", "/api/v1/people/" + f.str("person"),
		"/api/v1/courses/" + f.str("course"), "/api/v1/users/" + f.str("user"),
		"/api/v1/plans/" + f.str("plan"), "/api/v1/tasks/" + f.str("task"),
		"/api/v1/people?unit=" + f.str("unit"), "/api/v1/people?unit=" + f.str("sibling"),
	} {
		resp, body := admin.token.Get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		b.WriteString(path + " " + string(body))
	}
	f.id("user")
	tokens, err := s.Auth.ListTokens(context.Background(), f.user.Actor())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens {
		tok.LastUsedAt = nil
	}
	j, _ := json.Marshal(tokens)
	b.Write(j)
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestScopeRequestsAreReal: every request the scope test sends does change
// a commune when someone allowed sends it — the operator, or for an API
// token its owner — so the refusals there come from the scope check, not
// from a request that could never have worked.
func TestScopeRequestsAreReal(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, s *apptest.Server) {
		admin := callerFor(t, s, "admin")
		for _, r := range writeRoutes(s) {
			key := routeKey(r)
			if publicRoutes[key] || ownWrites[key] {
				continue
			}
			t.Run(key, func(t *testing.T) {
				build, ok := writes[key]
				if !ok {
					t.Fatalf("no request body for %s in writes", key)
				}
				f := freshTarget(t, s)
				path, err := f.fill(r.Pattern)
				if err != nil {
					t.Fatal(err)
				}
				by := admin
				if byOwner[key] {
					f.id("user")
					by = caller{session: s.SessionFor(t, f.user), token: s.TokenFor(t, f.user)}
				}
				c := by.session
				if isAPI(r) {
					c = by.token
				}
				auditBefore := s.AuditLen(t)
				resp, body := send(t, c, r.Method, path, build(f))
				if !succeeded(resp) {
					t.Fatalf("%s %s: status %d: %.600s", r.Method, path, resp.StatusCode, body)
				}
				if s.AuditLen(t) == auditBefore && !readOnlyPosts[key] {
					t.Errorf("%s %s: status %d but nothing was audited", r.Method, path, resp.StatusCode)
				}
			})
		}
	})
}

// readable is the text of an answer to search for leaks: the body, or for
// a spreadsheet or document (a zip) the text of every part of it.
func readable(t *testing.T, body []byte) string {
	if !bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		return string(body)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Errorf("a zip that does not open: %v", err)
		return ""
	}
	var b strings.Builder
	for _, zf := range z.File {
		rc, err := zf.Open()
		if err != nil {
			t.Errorf("%s: %v", zf.Name, err)
			continue
		}
		io.Copy(&b, rc)
		rc.Close()
		b.WriteByte('\n')
	}
	return b.String()
}
