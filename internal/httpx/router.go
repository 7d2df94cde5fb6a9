// Package httpx is the HTTP plumbing the web pages and the JSON API share:
// one router that remembers every route it was given (so tests can walk
// them all), who the caller is, and how errors become status codes.
package httpx

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/errs"
)

// Access says who may call a route at all (what they may then see is the
// services' business).
type Access int

// The kinds of access.
const (
	Public  Access = iota // anyone (login page, static files, health)
	Session               // a signed-in user of the web pages
	APIUser               // a bearer token, or a signed-in browser session
)

// Route is one registered route.
type Route struct {
	Method  string
	Pattern string // the path, with {params}
	Access  Access
	Doc     *Doc    // for API routes: how the OpenAPI document describes it
	Upload  *Upload // for routes that take files; nil for every other
}

// Doc describes an API route for the OpenAPI document.
type Doc struct {
	// ID is the operationId; when empty it is made from the method and
	// the path (GET /units → listUnits, POST /units/{id}/rename →
	// renameUnit). Give one only where that reads badly or collides.
	ID        string
	Summary   string
	Tag       string
	Query     []Param  // query parameters
	Request   any      // a value of the request body type, or nil
	Response  any      // a value of the response body type, or nil
	Status    int      // success status, 200 if zero
	Multipart []string // form file fields, for uploads
	// Perm is what an upload's (Multipart's) caller must be granted
	// before its body is read; auth.PermEnterData when empty.
	Perm auth.Permission
	// Kept: a GET whose answer is kept for its caller until what it read
	// changes (internal/api/kept.go), sent with an ETag; If-None-Match
	// with that tag answers 304 Not Modified.
	Kept bool
}

// Param is a documented query parameter.
type Param struct {
	Name, Description, Type string
	// Format refines Type: "date" (yyyy-mm-dd) for a string; an integer
	// is int64 and a number double unless it says otherwise.
	Format string
	// Enum lists the values a string may take.
	Enum     []string
	Required bool
}

// Router registers handlers on a ServeMux and keeps the list.
type Router struct {
	mux      *http.ServeMux
	routes   []Route
	authn    Authenticator
	notFound http.HandlerFunc
}

// Authenticator finds the user of a request.
type Authenticator interface {
	SessionUser(ctx context.Context, token string) (*auth.User, error)
	TokenUser(ctx context.Context, token string) (*auth.User, error)
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "mangluoi_session"

// NewRouter makes an empty router.
func NewRouter(a Authenticator) *Router { return &Router{mux: http.NewServeMux(), authn: a} }

// Mux is the underlying ServeMux.
func (r *Router) Mux() *http.ServeMux { return r.mux }

// SetNotFound names the page for a GET of a path no route has (outside
// /api/, whose callers are programs): the people who follow an old link
// get a page in their language, with their menu when they are signed in.
func (r *Router) SetNotFound(h http.HandlerFunc) { r.notFound = h }

// Handler serves the routes, with the not-found page (SetNotFound) in
// place of the ServeMux's plain "404 page not found".
func (r *Router) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.notFound != nil && (req.Method == http.MethodGet || req.Method == http.MethodHead) && !strings.HasPrefix(req.URL.Path, "/api/") {
			if _, pattern := r.mux.Handler(req); pattern == "" {
				if _, signedIn, err := r.authenticate(Session, req); err == nil {
					req = signedIn
				}
				r.notFound(w, req)
				return
			}
		}
		r.mux.ServeHTTP(w, req)
	})
}

// Routes lists every registered route, sorted.
func (r *Router) Routes() []Route {
	out := append([]Route(nil), r.routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pattern != out[j].Pattern {
			return out[i].Pattern < out[j].Pattern
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Handle registers h for method and path pattern with the given access;
// up is nil unless the route takes files. onDenied answers a request that
// may not go on (not signed in, or a body it must not send).
func (r *Router) Handle(method, pattern string, access Access, doc *Doc, up *Upload, h http.HandlerFunc, onDenied func(w http.ResponseWriter, req *http.Request, err error)) {
	if up == nil && doc != nil && len(doc.Multipart) > 0 {
		up = &Upload{Perm: doc.Perm}
		if up.Perm == "" {
			up.Perm = auth.PermEnterData
		}
	}
	rt := Route{Method: method, Pattern: pattern, Access: access, Doc: doc, Upload: up}
	r.routes = append(r.routes, rt)
	r.mux.Handle(method+" "+pattern, r.serve(rt, h, onDenied))
}

func (r *Router) serve(rt Route, next http.HandlerFunc, onDenied func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var u *auth.User
		if rt.Access != Public {
			var err error
			if u, req, err = r.authenticate(rt.Access, req); err != nil {
				onDenied(w, req, err)
				return
			}
		}
		// req is now a copy: its temporary files are ours to remove
		defer func() {
			if req.MultipartForm != nil {
				req.MultipartForm.RemoveAll()
			}
		}()
		if err := readBody(w, req, rt, u); err != nil {
			onDenied(w, req, err)
			return
		}
		next(w, req)
	})
}

func (r *Router) authenticate(access Access, req *http.Request) (*auth.User, *http.Request, error) {
	var u *auth.User
	var err error
	ctx := req.Context()
	authz := req.Header.Get("Authorization")
	switch {
	case access == APIUser && strings.HasPrefix(authz, "Bearer "):
		u, err = r.authn.TokenUser(ctx, strings.TrimPrefix(authz, "Bearer "))
		ctx = context.WithValue(ctx, viaTokenKey{}, true)
	default:
		c, cerr := req.Cookie(SessionCookie)
		if cerr != nil {
			err = errs.New(errs.Unauthenticated, "err.login_required")
		} else {
			u, err = r.authn.SessionUser(ctx, c.Value)
		}
	}
	if err != nil {
		return nil, req, err
	}
	return u, req.WithContext(context.WithValue(ctx, userKey{}, u)), nil
}

type userKey struct{}
type viaTokenKey struct{}

// User is the signed-in user of a request, or nil.
func User(r *http.Request) *auth.User {
	u, _ := r.Context().Value(userKey{}).(*auth.User)
	return u
}

// Actor is the signed-in user as a service caller, or nil.
func Actor(r *http.Request) *auth.Actor {
	if u := User(r); u != nil {
		return u.Actor()
	}
	return nil
}

// ViaToken reports whether the request was authenticated by an API token.
func ViaToken(r *http.Request) bool {
	v, _ := r.Context().Value(viaTokenKey{}).(bool)
	return v
}

// WithUser attaches a user to a request (for handlers reached another way).
func WithUser(r *http.Request, u *auth.User) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), userKey{}, u))
}

// PathID reads a numeric path parameter; a bad one is an Invalid error
// (a 422, never a 500).
func PathID(r *http.Request, name string) (int64, error) {
	s := r.PathValue(name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Invalidf("err.bad_id", "Value", s).At(0, name)
	}
	return id, nil
}
