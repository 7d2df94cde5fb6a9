// Package api is the JSON API under /api/v1/: the same services as the
// pages, with the same permissions, for scripts and other systems. It is
// described by an OpenAPI 3 document built from the registered routes, so
// the description cannot drift from what is served.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mangluoi/mangluoi/internal/assess"
	"github.com/mangluoi/mangluoi/internal/auth"
	"github.com/mangluoi/mangluoi/internal/day"
	"github.com/mangluoi/mangluoi/internal/db"
	"github.com/mangluoi/mangluoi/internal/errs"
	"github.com/mangluoi/mangluoi/internal/files"
	"github.com/mangluoi/mangluoi/internal/home"
	"github.com/mangluoi/mangluoi/internal/httpx"
	"github.com/mangluoi/mangluoi/internal/indicator"
	"github.com/mangluoi/mangluoi/internal/locale"
	"github.com/mangluoi/mangluoi/internal/network"
	"github.com/mangluoi/mangluoi/internal/org"
	"github.com/mangluoi/mangluoi/internal/people"
	"github.com/mangluoi/mangluoi/internal/plans"
	"github.com/mangluoi/mangluoi/internal/report"
)

// Deps are what the API needs.
type Deps struct {
	DB      *db.DB
	Org     *org.Service
	Auth    *auth.Service
	People  *people.Service
	Network *network.Service
	Plans   *plans.Service
	// Indicators and Assess are periodic reporting and assessment.
	Indicators *indicator.Service
	Assess     *assess.Service
	// Reports are the periodic reports.
	Reports *report.Service
	// Home is each user's first screen.
	Home    *home.Service
	Files   *files.Store
	Catalog *locale.Catalog
	Log     *slog.Logger
	Now     func() time.Time
	Version string
}

// API serves /api/v1/.
type API struct {
	Deps
	router *httpx.Router
	kept   *keptCache // the kept answers (kept.go)
}

// New makes the API.
func New(d Deps) *API {
	if d.DB != nil {
		// the audit log's head, which a kept answer whose handler read a
		// table directly depends on (the page cache follows it too)
		d.DB.Follow(keptAuditHead, `SELECT seq FROM audit_head WHERE id = 1`)
	}
	return &API{Deps: d, kept: newKeptCache()}
}

// Prefix is where the API lives.
const Prefix = "/api/v1"

// ErrorBody is the shape of every error response.
type ErrorBody struct {
	Error ErrorInfo `json:"error"`
}

// ErrorInfo says what went wrong, in the caller's language, and where.
type ErrorInfo struct {
	Status  int           `json:"status"`
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Details []ErrorDetail `json:"details,omitempty"`
}

// ErrorDetail is one problem of a request (e.g. one bad row of a file).
type ErrorDetail struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

var kindCodes = map[errs.Kind]string{
	errs.Internal: "internal", errs.Invalid: "invalid", errs.NotFound: "not_found", errs.Forbidden: "forbidden",
	errs.Unauthenticated: "unauthenticated", errs.Conflict: "conflict", errs.TooMany: "too_many_requests",
}

func (a *API) printer(r *http.Request) *locale.Printer {
	if u := httpx.User(r); u != nil && r.Header.Get("Accept-Language") == "" {
		return a.Catalog.Printer(u.Locale)
	}
	return a.Catalog.Printer(locale.Match(r.Header.Get("Accept-Language")))
}

// fail writes an error as JSON with the status its kind maps to.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := errs.Status(err)
	if status == http.StatusInternalServerError {
		a.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := a.printer(r)
	body := ErrorBody{Error: ErrorInfo{Status: status, Code: kindCodes[errs.KindOf(err)], Message: p.Err(err)}}
	if e, ok := errs.As(err); ok {
		for _, d := range e.Details {
			body.Error.Details = append(body.Error.Details, ErrorDetail{Row: d.Row, Field: d.Field, Message: p.TData(d.Key, d.Args)})
		}
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// MaxBody bounds a JSON request body.
const MaxBody = 1 << 20

// bounded is a request body that may be larger than MaxBody (a pasted
// plan) and says its own bound.
type bounded interface{ MaxBody() int64 }

// decode reads a JSON body strictly: unknown fields, trailing data, wrong
// types and oversize bodies are the caller's error (422), never a 500.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	limit := int64(MaxBody)
	if b, ok := v.(bounded); ok {
		limit = b.MaxBody()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return badJSON(err)
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD and store
	// the mangled text
	if !utf8.Valid(body) {
		return errs.Invalidf("err.bad_request", "Reason", "the text is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.Invalidf("err.bad_request", "Reason", "trailing data after the JSON value")
	}
	return nil
}

func badJSON(err error) error {
	var ute *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ute):
		return errs.Invalidf("err.bad_request", "Reason", "wrong type: "+ute.Type.String()).At(0, ute.Field)
	case errors.As(err, &mbe):
		return errs.Invalidf("err.bad_request", "Reason", "body too large")
	case errors.Is(err, io.EOF):
		return errs.Invalidf("err.bad_request", "Reason", "empty body")
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	return errs.Invalidf("err.bad_request", "Reason", msg).Because(err)
}

// asOf reads the ?d= date, today by default.
func (a *API) asOf(r *http.Request) (day.Day, error) {
	s := r.URL.Query().Get("d")
	if s == "" {
		return a.Org.Today(), nil
	}
	d, err := day.Parse(s)
	if err != nil {
		return d, errs.Invalidf("err.bad_date", "Value", s).At(0, "d")
	}
	return d, nil
}

// handle registers an API route with its documentation.
func (a *API) handle(method, pattern string, doc *httpx.Doc, h http.HandlerFunc) {
	a.router.Handle(method, Prefix+pattern, httpx.APIUser, doc, nil, h, a.fail)
}
