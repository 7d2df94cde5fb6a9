package api

import (
	"context"
	"net/http"
	"reflect"
	"strconv"

	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/locale"
)

// None is the In of a route that reads no body, and the Out of one that
// answers 204 No Content.
type None struct{}

// route registers a JSON route whose whole work is fn: it is the route's
// documentation line and its service call. The adapter reads the path's
// ids (a bad one is a 422 before the body is read), decodes In from the
// body strictly and within MaxBody, or within In's own MaxBody() when it
// has one (unless In is None), calls fn and
// answers Out as JSON with doc.Status (200 by default; 204 and no body when
// Out is None), or the error through a.fail. The document's Request and
// Response are the type parameters, so the OpenAPI document cannot
// disagree with the code.
//
// A GET whose answer depends only on its caller, its address, the day and
// data whose every write moves a generation or is audited may say
// Doc.Kept: its answer is then kept (kept.go).
//
// Downloads, uploads (Doc.Multipart) and anything that streams keep a plain
// handler registered with a.handle; they read their parameters with
// a.call(r) and the same readers.
func route[In, Out any](a *API, method, pattern string, doc httpx.Doc, fn func(c *Call, in In) (Out, error)) {
	if len(doc.Multipart) > 0 || doc.Request != nil || doc.Response != nil {
		panic("api: " + method + " " + pattern + ": route takes Request and Response from its types, and an upload keeps a plain handler")
	}
	_, noIn := any(*new(In)).(None)
	_, noOut := any(*new(Out)).(None)
	if !noIn {
		doc.Request = zeroOf[In]()
	}
	if noOut {
		if doc.Status == 0 {
			doc.Status = http.StatusNoContent
		}
	} else {
		doc.Response = zeroOf[Out]()
	}
	status := doc.Status
	if status == 0 {
		status = http.StatusOK
	}
	params := pathParam.FindAllStringSubmatch(pattern, -1)
	kept := doc.Kept
	if kept && (method != http.MethodGet || !noIn || noOut) {
		panic("api: " + method + " " + pattern + ": only a GET that answers a body may be kept")
	}
	a.handle(method, pattern, &doc, func(w http.ResponseWriter, r *http.Request) {
		var kr *keptRequest
		var rd *db.Reads
		if kept {
			var done bool
			var ctx context.Context
			if done, kr, ctx, rd = a.keep(w, r); done {
				return
			}
			r = r.WithContext(ctx)
		}
		c := a.call(r)
		for _, m := range params {
			c.PathID(m[1])
		}
		if err := c.Err(); err != nil {
			a.fail(w, r, err)
			return
		}
		var in In
		if !noIn {
			if err := decode(w, r, &in); err != nil {
				a.fail(w, r, err)
				return
			}
		}
		out, err := fn(c, in)
		if err == nil {
			// a parameter fn read but did not check is still the caller's error
			err = c.Err()
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if noOut {
			w.WriteHeader(status)
			return
		}
		if kept {
			a.answer(w, r, status, out, kr, rd)
			return
		}
		writeJSON(w, status, out)
	})
}

// zeroOf is a zero value of T for the document: a pointer's element, as
// the document describes what is sent, not how Go holds it.
func zeroOf[T any]() any {
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return reflect.Zero(t).Interface()
}

// Call is one request to a route: its context, its caller and readers of
// its parameters. A reader that meets a bad value keeps the first such
// error for Err and gives the zero value (or the default).
type Call struct {
	Ctx   context.Context
	Actor *auth.Actor
	R     *http.Request
	a     *API
	ids   map[string]int64
	err   error
}

// call makes the Call of a request (for a plain handler too).
func (a *API) call(r *http.Request) *Call {
	return &Call{Ctx: r.Context(), Actor: httpx.Actor(r), R: r, a: a, ids: map[string]int64{}}
}

// Err is the first bad parameter a reader met, or nil.
func (c *Call) Err() error { return c.err }

func (c *Call) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// User is the signed-in user.
func (c *Call) User() *auth.User { return httpx.User(c.R) }

// Printer speaks the caller's language.
func (c *Call) Printer() *locale.Printer { return c.a.printer(c.R) }

// ID is the path's {id}.
func (c *Call) ID() int64 { return c.PathID("id") }

// PathID is a numeric path parameter (err.bad_id when it is not one).
func (c *Call) PathID(name string) int64 {
	if id, ok := c.ids[name]; ok {
		return id
	}
	id, err := httpx.PathID(c.R, name)
	if err != nil {
		c.fail(err)
	}
	c.ids[name] = id
	return id
}

// Query is a query parameter as sent ("" when absent).
func (c *Call) Query(name string) string { return c.R.URL.Query().Get(name) }

// Flag is a yes/no query parameter: true for "true" or "1".
func (c *Call) Flag(name string) bool {
	s := c.Query(name)
	return s == "true" || s == "1"
}

// Int64 is an id in the query, 0 when absent (err.bad_id when it is not
// a number or negative).
func (c *Call) Int64(name string) int64 {
	n, err := int64Param(c.R, name)
	if err != nil {
		c.fail(err)
	}
	return n
}

// Int is a count in the query, def when absent (err.bad_id when it is not
// a number or negative).
func (c *Call) Int(name string, def int) int {
	n, err := intParam(c.R, name, def)
	if err != nil {
		c.fail(err)
	}
	return n
}

// AsOf is the ?d= date, today by default.
func (c *Call) AsOf() day.Day {
	d, err := c.a.asOf(c.R)
	if err != nil {
		c.fail(err)
	}
	return d
}

// Day is a date in the query, the zero day when absent (err.bad_date when
// it is not yyyy-mm-dd).
func (c *Call) Day(name string) day.Day {
	d, err := dayParam(c.R, name)
	if err != nil {
		c.fail(err)
	}
	return d
}

// Year is a year in the query between 2000 and 2100, def when absent.
func (c *Call) Year(name string, def int) int {
	y := c.Int(name, def)
	if c.err == nil && (y < 2000 || y > 2100) {
		c.fail(errs.Invalidf("err.bad_id", "Value", y).At(0, name))
	}
	return y
}

func int64Param(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.Invalidf("err.bad_id", "Value", s).At(0, name)
	}
	return n, nil
}

func intParam(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errs.Invalidf("err.bad_id", "Value", s).At(0, name)
	}
	return n, nil
}

func dayParam(r *http.Request, name string) (day.Day, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return day.Day{}, nil
	}
	d, err := day.Parse(s)
	if err != nil {
		return d, errs.Invalidf("err.bad_date", "Value", s).At(0, name)
	}
	return d, nil
}
