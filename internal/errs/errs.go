// Package errs is the one error type that crosses from the services to the
// user: it carries a kind (mapped to an HTTP status in one place), a message
// key in the catalogue with its arguments (so it can be said in the user's
// language), and where the problem is (row, field).
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error for the caller.
type Kind int

// The kinds of error a service returns on purpose. Anything else is a bug or
// an outage and is shown as an internal error.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Forbidden
	Unauthenticated
	Conflict
	TooMany
)

// Error is a user-facing error.
type Error struct {
	Kind  Kind
	Key   string         // catalogue message key
	Args  map[string]any // template data for the message
	Row   int            // 1-based row in an input file, 0 if none
	Field string         // the field or column concerned, "" if none
	File  string         // the input file, when a request reads several
	// Details are further problems of the same request (e.g. every bad row
	// of an import), so the user can fix all of them at once.
	Details []*Error
	cause   error
}

func (e *Error) Error() string {
	s := e.Key
	if e.Row > 0 {
		s = fmt.Sprintf("row %d: %s", e.Row, s)
	}
	if e.Field != "" {
		s = fmt.Sprintf("%s (%s)", s, e.Field)
	}
	if len(e.Args) > 0 {
		s = fmt.Sprintf("%s %v", s, e.Args)
	}
	if len(e.Details) > 0 {
		s = fmt.Sprintf("%s [+%d]", s, len(e.Details))
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.cause }

// New makes an error of a kind with a message key and arguments given as
// alternating name, value pairs.
func New(kind Kind, key string, kv ...any) *Error {
	e := &Error{Kind: kind, Key: key}
	if len(kv) > 0 {
		e.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return e
}

// At sets the row and field and returns e.
func (e *Error) At(row int, field string) *Error {
	e.Row, e.Field = row, field
	return e
}

// Because records the underlying cause (not shown to users).
func (e *Error) Because(err error) *Error {
	e.cause = err
	return e
}

// Convenience constructors for the common kinds.
func Invalidf(key string, kv ...any) *Error { return New(Invalid, key, kv...) }

// NotFoundErr says the thing asked for does not exist (or is out of the
// user's scope: we never reveal which).
func NotFoundErr() *Error { return New(NotFound, "err.not_found") }

// ForbiddenErr says the user may not do this.
func ForbiddenErr() *Error { return New(Forbidden, "err.forbidden") }

// List gathers several errors into one Invalid error, or nil if there are none.
func List(key string, list []*Error) error {
	if len(list) == 0 {
		return nil
	}
	e := New(Invalid, key, "count", len(list))
	e.Details = list
	return e
}

// As finds an *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf tells the kind of any error: Internal for foreign ones.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// Status maps an error to its HTTP status: the one place where this is decided.
func Status(err error) int {
	switch KindOf(err) {
	case Invalid:
		return http.StatusUnprocessableEntity
	case NotFound:
		return http.StatusNotFound
	case Forbidden:
		return http.StatusForbidden
	case Unauthenticated:
		return http.StatusUnauthorized
	case Conflict:
		return http.StatusConflict
	case TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// Count is a number in a message's arguments that the printer writes in
// the reader's format (200.000 in Vietnamese, 200,000 in English), where a
// plain int (a year, a code) is written as it is.
type Count int64
